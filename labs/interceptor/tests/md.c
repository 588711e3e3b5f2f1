/*
 * md.c — tests of metadata: lowercase keys, values in order, what is
 * refused, the wire form of -bin values, and a round trip of request
 * metadata, header and trailer through a call.
 *
 * Interface: ic_md_append / ic_md_get / ic_md_count; ic_md_value_to_wire /
 * ic_md_append_wire; ic_inproc_invoke.
 */
#include <errno.h>

#include "ic_test.h"

static void test_metadata_keys_are_lowercased_and_values_kept_in_order(void **state)
{
    (void)state;
    ic_md_t md = {.n = 0};
    char v[3][16];
    for (int i = 0; i < 3; i++)
        snprintf(v[i], sizeof v[i], "v%llu", (unsigned long long)ug_rand_below(100000));
    assert_int_equal(0, ic_md_append(&md, "X-Request-ID", v[0], strlen(v[0])));
    assert_int_equal(0, ic_md_append(&md, "other", "o", 1));
    assert_int_equal(0, ic_md_append(&md, "x-request-id", v[1], strlen(v[1])));
    assert_int_equal(0, ic_md_append(&md, "X-REQUEST-ID", v[2], strlen(v[2])));
    assert_int_equal(4, md.n);
    assert_string_equal("x-request-id", md.e[0].key);
    assert_string_equal("x-request-id", md.e[3].key);
    assert_int_equal(3, ic_md_count(&md, "X-Request-Id"));
    for (size_t i = 0; i < 3; i++) {
        size_t len = 0;
        const char *got = ic_md_get(&md, "x-request-id", i, &len);
        assert_non_null(got);
        assert_memory_equal(v[i], got, strlen(v[i]));
        assert_int_equal(strlen(v[i]), len);
    }
    assert_null(ic_md_get(&md, "x-request-id", 3, NULL));
    assert_null(ic_md_get(&md, "absent", 0, NULL));
    assert_int_equal(0, ic_md_count(&md, "absent"));
}

static void test_bad_metadata_keys_and_values_are_refused(void **state)
{
    (void)state;
    ic_md_t md = {.n = 0};
    char big[IC_MD_VALUE + 1];
    memset(big, 'a', sizeof big);
    static const char *const bad_keys[] = {
        "",
        "a b",
        "a:b",
        "ключ",
        "a/b",
        "a\tb",
        "0123456789012345678901234567890123456789012345678901234567890123"};
    for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++)
        assert_int_equal(-EINVAL, ic_md_append(&md, bad_keys[i], "v", 1));
    assert_int_equal(-EINVAL, ic_md_append(&md, "k", "a\nb", 3));
    assert_int_equal(-EINVAL, ic_md_append(&md, "k", "\x80", 1));
    assert_int_equal(-ENOSPC, ic_md_append(&md, "k", big, sizeof big));
    assert_int_equal(0, md.n);
    assert_int_equal(0, ic_md_append(&md, "k-bin", "a\nb\x80", 4)); /* bytes are fine in -bin */
    size_t blen = IC_MD_VALUE - ug_rand_below(16), got = 0;
    assert_int_equal(0, ic_md_append(&md, "ok_.-9", big, blen));
    assert_non_null(ic_md_get(&md, "OK_.-9", 0, &got));
    assert_int_equal(blen, got);
    size_t fill = IC_MD_MAX - 2 - ug_rand_below(3);
    for (size_t i = 0; i < fill; i++)
        assert_int_equal(0, ic_md_append(&md, "k", "v", 1));
    size_t left = IC_MD_MAX - 2 - fill;
    for (size_t i = 0; i < left; i++)
        assert_int_equal(0, ic_md_append(&md, "k", "v", 1));
    assert_int_equal(-ENOSPC, ic_md_append(&md, "k", "v", 1));
    assert_int_equal(IC_MD_MAX, md.n);
}

static const struct b64 {
    const char *raw;
    size_t len;
    const char *wire;
} b64s[] = {
    {"", 0, ""},
    {"f", 1, "Zg"},
    {"fo", 2, "Zm8"},
    {"foo", 3, "Zm9v"},
    {"foob", 4, "Zm9vYg"},
    {"\x00\xff\xfe", 3, "AP/+"},
    {"\xfb\xff", 2, "+/8"},
};

static void test_binary_metadata_goes_as_unpadded_base64_and_is_accepted_padded_or_not(void **state)
{
    (void)state;
    char wire[64];
    for (size_t i = 0; i < sizeof b64s / sizeof b64s[0]; i++) {
        ic_md_t md = {.n = 0};
        assert_int_equal(0, ic_md_append(&md, "Trace-Bin", b64s[i].raw, b64s[i].len));
        assert_int_equal(strlen(b64s[i].wire), ic_md_value_to_wire(&md, 0, wire, sizeof wire));
        assert_string_equal(b64s[i].wire, wire);
    }
    static const char *const padded[] = {"Zg==", "Zm8=", "Zm9vYg=="};
    static const char *const plain[] = {"f", "fo", "foob"};
    for (size_t i = 0; i < 3; i++) {
        ic_md_t md = {.n = 0};
        size_t len = 0;
        assert_int_equal(0, ic_md_append_wire(&md, "t-bin", padded[i]));
        const void *v = ic_md_get(&md, "t-bin", 0, &len);
        assert_int_equal(strlen(plain[i]), len);
        assert_memory_equal(plain[i], v, len);
    }
    static const char *const bad[] = {"Z", "Zg=", "Z===", "Zg==Zg", "Zm9*", "Zm 9v", "=Zg"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ic_md_t md = {.n = 0};
        assert_int_equal(-EINVAL, ic_md_append_wire(&md, "t-bin", bad[i]));
    }
    /* a non-bin value goes as it is, '=' and all */
    ic_md_t md = {.n = 0};
    assert_int_equal(0, ic_md_append_wire(&md, "plain", "Zg=="));
    assert_int_equal(4, ic_md_value_to_wire(&md, 0, wire, sizeof wire));
    assert_string_equal("Zg==", wire);
    /* seeded bytes survive the trip */
    uint8_t raw[64];
    size_t n = ug_rand_below(sizeof raw);
    for (size_t i = 0; i < n; i++)
        raw[i] = (uint8_t)ug_rand();
    ic_md_t a = {.n = 0}, b = {.n = 0};
    char w[128];
    assert_int_equal(0, ic_md_append(&a, "x-bin", raw, n));
    assert_int_equal((int)((n * 4 + 2) / 3), ic_md_value_to_wire(&a, 0, w, sizeof w));
    assert_int_equal(0, ic_md_append_wire(&b, "x-bin", w));
    assert_int_equal(n, b.e[0].len);
    assert_memory_equal(raw, b.e[0].value, n ? n : 1);
    assert_int_equal(-ENOSPC, ic_md_value_to_wire(&a, 0, w, (n * 4 + 2) / 3));
}

typedef struct md_world {
    ic_server_t srv;
    uint8_t bin[32];
    size_t nbin;
    char id[16];
    int code;
    ic_call_t call;
    char seen[256];
} md_world_t;

/* Echoes the request's metadata: x-id into the header, x-bin into the
 * trailer, and lists what it saw. */
static int md_handler(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    md_world_t *w = ud;
    *resp = *req;
    size_t off = 0;
    for (size_t i = 0; i < call->md.n; i++)
        off += (size_t)snprintf(w->seen + off, sizeof w->seen - off, "%s=%zu ", call->md.e[i].key,
                                call->md.e[i].len);
    size_t len;
    const void *v = ic_md_get(&call->md, "x-id", 0, &len);
    if (v)
        ic_md_append(&call->header, "X-Id", v, len);
    v = ic_md_get(&call->md, "x-bin", 0, &len);
    if (v)
        ic_md_append(&call->trailer, "X-Bin", v, len);
    return IC_OK;
}

static void md_body(void *arg)
{
    md_world_t *w = arg;
    ic_call_init(&w->call, ctx_background());
    ic_md_append(&w->call.md, "X-Id", w->id, strlen(w->id));
    ic_md_append(&w->call.md, "X-Bin", w->bin, w->nbin);
    ic_buf_t req = ic_buf_str("m"), resp;
    w->code = ic_inproc_invoke(&w->call, "/svc/Md", &req, &resp, NULL, &w->srv);
}

static void test_metadata_and_header_and_trailer_round_trip_through_a_call(void **state)
{
    (void)state;
    md_world_t w = {.nbin = 1 + ug_rand_below(31)};
    for (size_t i = 0; i < w.nbin; i++)
        w.bin[i] = (uint8_t)ug_rand();
    snprintf(w.id, sizeof w.id, "id-%llu", (unsigned long long)ug_rand_below(100000));
    w.srv.methods[0] = (ic_method_t){"/svc/Md", {md_handler, &w}};
    w.srv.nmethods = 1;
    ic_test_run(md_body, &w);
    assert_int_equal(IC_OK, w.code);
    char want[64];
    snprintf(want, sizeof want, "x-id=%zu x-bin=%zu ", strlen(w.id), w.nbin);
    assert_string_equal(want, w.seen);
    size_t len = 0;
    const void *v = ic_md_get(&w.call.header, "x-id", 0, &len);
    assert_int_equal(strlen(w.id), len);
    assert_memory_equal(w.id, v, len);
    v = ic_md_get(&w.call.trailer, "x-bin", 0, &len);
    assert_int_equal(w.nbin, len);
    assert_memory_equal(w.bin, v, len);
}

UG_TEST_GROUP(
    interceptor_md, NULL, NULL,
    cmocka_unit_test(test_metadata_keys_are_lowercased_and_values_kept_in_order),
    cmocka_unit_test(test_bad_metadata_keys_and_values_are_refused),
    cmocka_unit_test(test_binary_metadata_goes_as_unpadded_base64_and_is_accepted_padded_or_not),
    cmocka_unit_test(test_metadata_and_header_and_trailer_round_trip_through_a_call));
