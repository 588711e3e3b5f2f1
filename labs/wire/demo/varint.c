/*
 * varint.c — varints seven bits at a time. Each value is cut into 7-bit
 * groups, least significant first; every byte but the last sets its top
 * bit. Then -1 three ways: as int32 (sign-extended to 64 bits: ten
 * bytes), as sint32 (zigzag: one byte), as sfixed32 (always four).
 *
 * Interface: main → walk(value) per line.
 */
#include <inttypes.h>
#include <stdio.h>

#include <undergo/demo.h>

#include "wire.h"

static void walk(demo_t *d, uint64_t v)
{
    uint8_t b[10];
    size_t n = wt_varint_put(b, v);
    if (!demo_ok(d, n ? 0 : -1, "wt_varint_put"))
        return;
    printf("  %20" PRIu64 " ->", v);
    for (size_t i = 0; i < n; i++)
        printf(" %s%02x%s", demo_c(d, b[i] & 0x80 ? DEMO_YELLOW : DEMO_GREEN), b[i],
               demo_c(d, DEMO_RESET));
    printf("   (%zu byte%s)\n", n, n == 1 ? "" : "s");
    uint64_t back = 0;
    int k = wt_varint_get(b, n, &back);
    demo_ok(d, k == (int)n && back == v ? 0 : -1, "wt_varint_get");
}

int main(int argc, char **argv)
{
    demo_t d;
    static const demo_spec_t spec = {.name = "wire varint",
                                     .about = "varints, zigzag, and -1 three ways"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Varints: 7 bits a byte, top bit = more follows");
    const uint64_t vals[] = {0, 1, 127, 128, 150, 300, 16384, UINT32_MAX, UINT64_MAX};
    for (size_t i = 0; i < sizeof vals / sizeof *vals && !d.failures; i++)
        walk(&d, vals[i]);
    demo_title(&d, "Zigzag: small negatives stay small");
    for (int32_t v = -3; v <= 3 && !d.failures; v++)
        printf("  zigzag(%2d) = %u\n", v, wt_zigzag32(v));
    demo_title(&d, "-1 as int32, sint32, sfixed32");
    printf("  int32    -1 (sign-extended):");
    walk(&d, (uint64_t)(int64_t)-1);
    printf("  sint32   -1 (zigzag):       ");
    walk(&d, wt_zigzag32(-1));
    uint8_t f[4];
    wt_put_fixed32(f, (uint32_t)-1);
    printf("  sfixed32 -1: %02x %02x %02x %02x (always 4 bytes)\n", f[0], f[1], f[2], f[3]);
    demo_step(
        &d, "JSON spends 2 bytes on \"-1\" and 20 on 18446744073709551615, plus quotes and a key");
    return demo_end(&d);
}
