/*
 * encode.c — each encoding rule, with the exact bytes protobuf's
 * encoding doc gives or that follow from it: varints, zigzag, fixed
 * widths, sign extension of int32, proto3 defaults, packed and unpacked
 * repeated fields, length-delimited records, unknown fields last.
 */
#include <stdio.h>

#include "wt_test.h"

static void test_varints_take_seven_bits_a_byte_and_at_most_ten_bytes(void **state)
{
    (void)state;
    uint8_t b[10] = {0};
    assert_int_equal(1, wt_varint_put(b, 1));
    assert_int_equal(1, b[0]);
    assert_int_equal(2, wt_varint_put(b, 150));
    assert_memory_equal("\x96\x01", b, 2);
    assert_int_equal(1, wt_varint_put(b, 127));
    assert_int_equal(2, wt_varint_put(b, 128));
    assert_int_equal(10, wt_varint_put(b, UINT64_MAX));
    assert_memory_equal("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", b, 10);
    /* Every length from 1 to 10, at a random value of that length, round trips. */
    int bad = 0;
    for (int k = 1; k <= 10; k++) {
        uint64_t lo = k == 1 ? 0 : 1ull << (7 * (k - 1));
        uint64_t span = k == 10 ? UINT64_MAX - lo : (1ull << (7 * k)) - lo;
        uint64_t v = lo + ug_rand() % (span ? span : 1), got = 0;
        size_t n = wt_varint_put(b, v);
        int r = wt_varint_get(b, n, &got);
        bad += n != (size_t)k || wt_varint_len(v) != (size_t)k || r != k || got != v;
    }
    assert_int_equal(0, bad);
    uint64_t v = ug_rand();
    size_t n = wt_varint_put(b, v);
    assert_int_equal((uint8_t)(v | 0x80), b[0]);
    assert_int_equal((uint8_t)(v >> (7 * (n - 1))), b[n - 1]);
}

static void test_zigzag_keeps_small_negatives_short(void **state)
{
    (void)state;
    assert_int_equal(0, wt_zigzag32(0));
    assert_int_equal(1, wt_zigzag32(-1));
    assert_int_equal(2, wt_zigzag32(1));
    assert_int_equal(3, wt_zigzag32(-2));
    assert_int_equal(0xffffffffu, wt_zigzag32(INT32_MIN));
    assert_int_equal(0xfffffffeu, wt_zigzag32(INT32_MAX));
    assert_true(wt_zigzag64(INT64_MIN) == UINT64_MAX);
    int32_t r = (int32_t)ug_rand();
    int64_t r64 = (int64_t)ug_rand();
    assert_int_equal(r, wt_unzigzag32(wt_zigzag32(r)));
    assert_int_equal(r64, wt_unzigzag64(wt_zigzag64(r64)));
    int32_t small = -(int32_t)ug_rand_below(64) - 1;
    assert_int_equal((uint32_t)(-2 * small - 1), wt_zigzag32(small));
}

static void test_fixed_float_and_double_are_little_endian(void **state)
{
    (void)state;
    wt_msg_t *m = wt_msg_new(&wt_schema_all);
    wt_t_uint(m, 9, 0x01020304);
    wt_t_int(m, 11, -2);
    wt_push(m, 13)->f = 1.0f;
    wt_push(m, 14)->d = -2.5;
    WT_EXPECT_BYTES("\x4d\x04\x03\x02\x01"
                    "\x5d\xfe\xff\xff\xff"
                    "\x6d\x00\x00\x80\x3f"
                    "\x71\x00\x00\x00\x00\x00\x00\x04\xc0",
                    m);
    uint64_t v = ug_rand();
    uint8_t b[8];
    wt_put_fixed64(b, v);
    assert_int_equal((uint8_t)v, b[0]);
    assert_int_equal((uint8_t)(v >> 56), b[7]);
    assert_true(wt_get_fixed64(b) == v);
    assert_int_equal((uint32_t)v, wt_get_fixed32(b));
    wt_msg_free(m);
}

static void test_a_negative_int32_takes_ten_bytes_and_a_negative_sint32_one(void **state)
{
    (void)state;
    wt_msg_t *m = wt_msg_new(&wt_schema_all);
    wt_t_int(m, 1, -1);
    wt_t_int(m, 5, -1);
    WT_EXPECT_BYTES("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"
                    "\x28\x01",
                    m);
    /* A random negative int32 is sign-extended: always 10 bytes + tag. */
    wt_t_int(m, 1, -1 - (int64_t)ug_rand_below(1u << 30));
    wt_t_int(m, 5, 0);
    assert_int_equal(11, wt_size(m));
    wt_t_int(m, 1, 0);
    wt_t_int(m, 8, -3);
    WT_EXPECT_BYTES("\x40\xfd\xff\xff\xff\xff\xff\xff\xff\xff\x01", m);
    int32_t neg = -1 - (int32_t)ug_rand_below(1u << 30);
    wt_t_int(m, 8, neg);
    uint8_t buf[16];
    assert_int_equal(11, wt_t_encode(m, buf, sizeof buf));
    assert_int_equal((uint8_t)((uint64_t)(int64_t)neg | 0x80), buf[1]);
    wt_msg_free(m);
}

static void test_proto3_defaults_are_not_emitted_but_an_empty_embedded_message_is(void **state)
{
    (void)state;
    wt_msg_t *m = wt_msg_new(&wt_schema_all);
    /* Every scalar set to its default. */
    for (uint32_t f = 1; f <= 14; f++)
        wt_push(m, f);
    wt_t_str(m, 15, "", 0);
    wt_t_str(m, 16, "", 0);
    assert_int_equal(0, wt_size(m));
    WT_EXPECT_BYTES("", m);
    /* One field at a random non-default value is the only one sent. */
    uint32_t f = 1 + (uint32_t)ug_rand_below(4);
    wt_t_uint(m, f, 1);
    char want[3] = {(char)(f << 3), 1, 0};
    WT_EXPECT_BYTES(want, m);
    wt_t_uint(m, f, 0);
    wt_push_msg(m, 17);
    WT_EXPECT_BYTES("\x8a\x01\x00", m);
    wt_msg_free(m);
}

static void test_packed_fields_are_one_record_and_unpacked_one_per_element(void **state)
{
    (void)state;
    wt_msg_t *m = wt_msg_new(&wt_schema_all);
    wt_t_int(m, 18, 3);
    wt_t_int(m, 18, 270);
    wt_t_int(m, 18, 86942);
    WT_EXPECT_BYTES("\x92\x01\x06\x03\x8e\x02\x9e\xa7\x05", m);
    wt_msg_free(m);
    m = wt_msg_new(&wt_schema_all);
    wt_t_int(m, 19, 1);
    wt_t_int(m, 19, -1);
    WT_EXPECT_BYTES("\x98\x01\x02\x98\x01\x01", m);
    /* A random count of packed bools: one tag, one length, n bytes. */
    size_t n = 1 + ug_rand_below(100);
    for (size_t i = 0; i < n; i++)
        wt_push(m, 24)->b = i & 1;
    assert_int_equal(6 + 2 + 1 + n, wt_size(m));
    wt_msg_free(m);
    /* An empty packed field sends nothing; fixed64 elements are 8 bytes. */
    m = wt_msg_new(&wt_schema_all);
    wt_t_uint(m, 20, 1);
    wt_t_uint(m, 2000, 1);
    WT_EXPECT_BYTES("\xa2\x01\x08\x01\x00\x00\x00\x00\x00\x00\x00"
                    "\x82\x7d\x01\x01",
                    m);
    wt_msg_free(m);
}

static void test_strings_bytes_and_embedded_messages_are_length_delimited(void **state)
{
    (void)state;
    wt_msg_t *m = wt_msg_new(&wt_schema_all);
    wt_t_str(m, 15, "testing", 7);
    wt_t_str(m, 16, "\x00\x01", 2);
    wt_msg_t *in = wt_push_msg(m, 17);
    wt_t_int(in, 1, 150);
    WT_EXPECT_BYTES("\x7a\x07testing"
                    "\x82\x01\x02\x00\x01"
                    "\x8a\x01\x03\x08\x96\x01",
                    m);
    /* A string of a random length past 127 takes a two-byte length. */
    size_t n = 128 + ug_rand_below(200);
    char s[400];
    memset(s, 'x', n);
    wt_msg_t *m2 = wt_msg_new(&wt_schema_all);
    wt_t_str(m2, 22, s, n);
    wt_t_str(m2, 22, "", 0);
    assert_int_equal(2 + 2 + n + 2 + 1, wt_size(m2));
    /* So does an embedded message past 127 bytes: an Inner holding that
     * string, encoded in field order, byte for byte. */
    wt_msg_t *big = wt_push_msg(m2, 17);
    wt_t_str(big, 2, s, n);
    wt_t_int(m2, 1, 7);
    uint8_t out[800], want[800];
    size_t w = 0, inner = 1 + 2 + n;
    want[w++] = 0x08, want[w++] = 7;
    want[w++] = 0x8a, want[w++] = 0x01; /* field 17, LEN */
    want[w++] = (uint8_t)(inner | 0x80), want[w++] = (uint8_t)(inner >> 7);
    want[w++] = 0x12, want[w++] = (uint8_t)(n | 0x80), want[w++] = (uint8_t)(n >> 7);
    memcpy(want + w, s, n), w += n;
    want[w++] = 0xb2, want[w++] = 0x01; /* field 22, LEN */
    want[w++] = (uint8_t)(n | 0x80), want[w++] = (uint8_t)(n >> 7);
    memcpy(want + w, s, n), w += n;
    want[w++] = 0xb2, want[w++] = 0x01, want[w++] = 0x00;
    assert_int_equal(w, wt_size(m2));
    assert_int_equal(w, wt_t_encode(m2, out, sizeof out));
    assert_memory_equal(want, out, w);
    wt_msg_free(m2);
    wt_msg_free(m);
}

static void test_unknown_fields_are_kept_and_emitted_after_the_known_ones(void **state)
{
    (void)state;
    /* Field 99 (varint), field 100 (LEN) and field 101 (fixed32) are not
     * in wtc.Inner; field 1 is, and goes out first. */
    uint8_t in[] = {0x98, 0x06, 0x05, 0xa2, 0x06, 0x02, 'h',  'i',
                    0xad, 0x06, 1,    2,    3,    4,    0x08, 0x00};
    in[15] = (uint8_t)(1 + ug_rand_below(100));
    int rc;
    wt_msg_t *m = wt_t_decode(&wt_schema_inner, in, sizeof in, &rc);
    assert_int_equal(0, rc);
    assert_int_equal(14, m->unknown_len);
    uint8_t want[16] = {0x08, in[15]};
    memcpy(want + 2, in, 14);
    uint8_t out[64];
    assert_int_equal(16, wt_t_encode(m, out, sizeof out));
    assert_memory_equal(want, out, 16);
    wt_msg_free(m);
}

static void test_a_too_small_buffer_is_enospc(void **state)
{
    (void)state;
    wt_msg_t *m = wt_msg_new(&wt_schema_all);
    size_t n = 1 + ug_rand_below(50);
    for (size_t i = 0; i < n; i++)
        wt_t_uint(m, 2000, i);
    uint8_t buf[256];
    size_t need = wt_size(m);
    assert_int_equal(2 + 1 + n, need);
    assert_int_equal(-ENOSPC, wt_t_encode(m, buf, need - 1));
    assert_int_equal((long)need, wt_t_encode(m, buf, need));
    wt_msg_free(m);
}

UG_TEST_GROUP(
    wire_encode, NULL, NULL,
    cmocka_unit_test(test_varints_take_seven_bits_a_byte_and_at_most_ten_bytes),
    cmocka_unit_test(test_zigzag_keeps_small_negatives_short),
    cmocka_unit_test(test_fixed_float_and_double_are_little_endian),
    cmocka_unit_test(test_a_negative_int32_takes_ten_bytes_and_a_negative_sint32_one),
    cmocka_unit_test(test_proto3_defaults_are_not_emitted_but_an_empty_embedded_message_is),
    cmocka_unit_test(test_packed_fields_are_one_record_and_unpacked_one_per_element),
    cmocka_unit_test(test_strings_bytes_and_embedded_messages_are_length_delimited),
    cmocka_unit_test(test_unknown_fields_are_kept_and_emitted_after_the_known_ones),
    cmocka_unit_test(test_a_too_small_buffer_is_enospc));
