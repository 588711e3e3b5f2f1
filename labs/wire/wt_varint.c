/*
 * wt_varint.c — the primitives of the wire format.
 *
 * A varint holds 7 bits per byte, least significant group first; the top
 * bit of a byte says another follows. 64 bits take at most 10 bytes, the
 * tenth carrying one bit: anything longer is malformed, and so is input
 * that ends while the top bit says "more". Zigzag maps signed to unsigned
 * so that small negatives stay short: 0→0, -1→1, 1→2, -2→3. Fixed32 and
 * fixed64 (and float, double) are little-endian.
 */
#include <errno.h>

#include "wire.h"

#if LAB_SOLUTION

size_t wt_varint_len(uint64_t v)
{
    /* 7 bits a byte: the bit length, rounded up to sevens (v|1: clz(0) is undefined). */
    return (size_t)(70 - __builtin_clzll(v | 1)) / 7;
}

size_t wt_varint_put(uint8_t out[10], uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

int wt_varint_get(const uint8_t *p, size_t len, uint64_t *v)
{
    uint64_t x = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i == len)
            return WT_ETRUNCATED_VARINT;
        uint8_t b = p[i];
        /* The tenth byte holds bit 63 only. */
        if (i == 9 && b > 1)
            return WT_EOVERLONG_VARINT;
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = x;
            return (int)i + 1;
        }
    }
    return WT_EOVERLONG_VARINT;
}

uint64_t wt_zigzag64(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

int64_t wt_unzigzag64(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

uint32_t wt_zigzag32(int32_t v)
{
    return ((uint32_t)v << 1) ^ (uint32_t)(v >> 31);
}

int32_t wt_unzigzag32(uint32_t v)
{
    return (int32_t)(v >> 1) ^ -(int32_t)(v & 1);
}

void wt_put_fixed32(uint8_t out[4], uint32_t v)
{
    for (int i = 0; i < 4; i++)
        out[i] = (uint8_t)(v >> (8 * i));
}

void wt_put_fixed64(uint8_t out[8], uint64_t v)
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(v >> (8 * i));
}

uint32_t wt_get_fixed32(const uint8_t p[4])
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t wt_get_fixed64(const uint8_t p[8])
{
    return (uint64_t)wt_get_fixed32(p) | (uint64_t)wt_get_fixed32(p + 4) << 32;
}

#else

size_t wt_varint_len(uint64_t v)
{
    (void)v;
    return 0;
}
size_t wt_varint_put(uint8_t out[10], uint64_t v)
{
    (void)out;
    (void)v;
    return 0;
}
int wt_varint_get(const uint8_t *p, size_t len, uint64_t *v)
{
    (void)p;
    (void)len;
    (void)v;
    return -ENOSYS;
}
uint64_t wt_zigzag64(int64_t v)
{
    (void)v;
    return 0;
}
int64_t wt_unzigzag64(uint64_t v)
{
    (void)v;
    return 0;
}
uint32_t wt_zigzag32(int32_t v)
{
    (void)v;
    return 0;
}
int32_t wt_unzigzag32(uint32_t v)
{
    (void)v;
    return 0;
}
void wt_put_fixed32(uint8_t out[4], uint32_t v)
{
    (void)out;
    (void)v;
}
void wt_put_fixed64(uint8_t out[8], uint64_t v)
{
    (void)out;
    (void)v;
}
uint32_t wt_get_fixed32(const uint8_t p[4])
{
    (void)p;
    return 0;
}
uint64_t wt_get_fixed64(const uint8_t p[8])
{
    (void)p;
    return 0;
}

#endif
