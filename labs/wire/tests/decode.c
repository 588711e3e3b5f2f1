/*
 * decode.c — decoding's rules (packed or not, last value wins, embedded
 * messages merge, every type round trips) and each malformed input with
 * its own error code.
 */
#include "wt_test.h"

#define WT_EXPECT_ERROR(want, desc, bytes)                                                         \
    do {                                                                                           \
        int wt__rc;                                                                                \
        wt_msg_t *wt__m = wt_t_decode((desc), (bytes), sizeof(bytes) - 1, &wt__rc);                \
        assert_int_equal((want), wt__rc);                                                          \
        wt_msg_free(wt__m);                                                                        \
    } while (0)

static void test_packed_and_unpacked_repeated_fields_both_decode(void **state)
{
    (void)state;
    /* r_i32 (18) is packed in the table, r_s32 (19) is not: each arrives in
     * the other form, then in its own, and the values add up in order. */
    uint8_t v = (uint8_t)(1 + ug_rand_below(60));
    uint8_t in[] = {0x90, 0x01, v,    0x92,  0x01, 0x02, 0x05, 0x06,
                    0x9a, 0x01, 0x02, 2 * v, 0x03, 0x98, 0x01, 0x04};
    int rc;
    wt_msg_t *m = wt_t_decode(&wt_schema_all, in, sizeof in, &rc);
    assert_int_equal(0, rc);
    const wt_values_t *a = wt_get(m, 18), *b = wt_get(m, 19);
    assert_int_equal(3, a->n);
    assert_int_equal(v, a->v[0].i);
    assert_int_equal(5, a->v[1].i);
    assert_int_equal(6, a->v[2].i);
    assert_int_equal(3, b->n);
    assert_int_equal(v, b->v[0].i);
    assert_int_equal(-2, b->v[1].i);
    assert_int_equal(2, b->v[2].i);
    wt_msg_free(m);
}

static void test_the_last_value_of_a_repeated_singular_field_wins(void **state)
{
    (void)state;
    uint8_t last = (uint8_t)(2 + ug_rand_below(100));
    uint8_t in[] = {0x08, 0x01, 0x7a, 0x01, 'a', 0x08, last, 0x7a, 0x02, 'b', 'c'};
    int rc;
    wt_msg_t *m = wt_t_decode(&wt_schema_all, in, sizeof in, &rc);
    assert_int_equal(0, rc);
    assert_int_equal(1, wt_get(m, 1)->n);
    assert_int_equal(last, wt_get(m, 1)->v[0].i);
    assert_int_equal(1, wt_get(m, 15)->n);
    assert_string_equal("bc", (const char *)wt_get(m, 15)->v[0].s.data);
    wt_msg_free(m);
}

static void test_embedded_messages_seen_twice_are_merged(void **state)
{
    (void)state;
    /* inner {a: A, zs: [1]} then inner {s: "x", zs: [2]}: one Inner with a
     * kept, s set and zs appended; r_inner instead gets two elements. */
    uint8_t a = (uint8_t)(1 + ug_rand_below(100));
    uint8_t in[] = {0x8a, 0x01, 0x05, 0x08, a,    0x1a, 0x01, 0x02, 0x8a, 0x01, 0x06, 0x12, 0x01,
                    'x',  0x1a, 0x01, 0x04, 0xba, 0x01, 0x02, 0x08, a,    0xba, 0x01, 0x00};
    int rc;
    wt_msg_t *m = wt_t_decode(&wt_schema_all, in, sizeof in, &rc);
    assert_int_equal(0, rc);
    assert_int_equal(1, wt_get(m, 17)->n);
    const wt_msg_t *inner = wt_get(m, 17)->v[0].m;
    assert_int_equal(a, wt_get(inner, 1)->v[0].i);
    assert_string_equal("x", (const char *)wt_get(inner, 2)->v[0].s.data);
    const wt_values_t *zs = wt_get(inner, 3);
    assert_int_equal(2, zs->n);
    assert_int_equal(1, zs->v[0].i);
    assert_int_equal(2, zs->v[1].i);
    assert_int_equal(2, wt_get(m, 23)->n);
    wt_msg_free(m);
}

static void test_every_type_round_trips_through_its_wire_type(void **state)
{
    (void)state;
    wt_msg_t *m = wt_msg_new(&wt_schema_all);
    uint64_t r = ug_rand() | 1;
    wt_t_int(m, 1, (int32_t)r);
    wt_t_int(m, 2, (int64_t)r);
    wt_t_uint(m, 3, (uint32_t)r);
    wt_t_uint(m, 4, r);
    wt_t_int(m, 5, (int32_t)r);
    wt_t_int(m, 6, -(int64_t)(r >> 1));
    wt_push(m, 7)->b = true;
    wt_t_int(m, 8, 2);
    wt_t_uint(m, 9, (uint32_t)(r >> 7));
    wt_t_uint(m, 10, r * 3);
    wt_t_int(m, 11, (int32_t)(r >> 3));
    wt_t_int(m, 12, (int64_t)(r * 5));
    wt_push(m, 13)->f = (float)(r % 1000) / 8.0f;
    wt_push(m, 14)->d = (double)(r % 100000) / 16.0;
    uint8_t buf[256];
    long n = wt_t_encode(m, buf, sizeof buf);
    int rc;
    wt_msg_t *back = wt_t_decode(&wt_schema_all, buf, n > 0 ? (size_t)n : 0, &rc);
    assert_int_equal(0, rc);
    int differ = 0;
    for (uint32_t f = 1; f <= 14; f++) {
        const wt_values_t *x = wt_get(m, f), *y = wt_get(back, f);
        differ += y->n != 1 || memcmp(&x->v[0], &y->v[0], sizeof(wt_value_t)) != 0;
    }
    assert_int_equal(0, differ);
    assert_int_equal((int32_t)r, wt_get(back, 1)->v[0].i);
    assert_int_equal(-(int64_t)(r >> 1), wt_get(back, 6)->v[0].i);
    assert_int_equal((int32_t)(r >> 3), wt_get(back, 11)->v[0].i);
    wt_msg_free(back);
    wt_msg_free(m);
}

static void test_a_truncated_varint_is_its_own_error(void **state)
{
    (void)state;
    uint64_t v;
    uint8_t b[10];
    size_t n = wt_varint_put(b, ug_rand() | 1ull << 62);
    assert_int_equal(WT_ETRUNCATED_VARINT, wt_varint_get(b, n - 1 - ug_rand_below(n - 1), &v));
    WT_EXPECT_ERROR(WT_ETRUNCATED_VARINT, &wt_schema_all, "\x08\x96");
    WT_EXPECT_ERROR(WT_ETRUNCATED_VARINT, &wt_schema_all, "\x82");
    WT_CHECK_CONTROL();
}

static void test_an_overlong_varint_is_its_own_error(void **state)
{
    (void)state;
    uint64_t v;
    uint8_t eleven[11];
    memset(eleven, 0x80, 10);
    eleven[10] = 0;
    assert_int_equal(WT_EOVERLONG_VARINT, wt_varint_get(eleven, 11, &v));
    /* A tenth byte above 1 would carry bits past the 64th. */
    uint8_t ten[10];
    memset(ten, 0xff, 9);
    ten[9] = (uint8_t)(2 + ug_rand_below(126));
    assert_int_equal(WT_EOVERLONG_VARINT, wt_varint_get(ten, 10, &v));
    ten[9] = 1;
    assert_int_equal(10, wt_varint_get(ten, 10, &v));
    assert_true(v == UINT64_MAX);
    WT_EXPECT_ERROR(WT_EOVERLONG_VARINT, &wt_schema_all,
                    "\x08\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00");
    /* Not minimal but 10 bytes or fewer: accepted, as protobuf does. */
    WT_EXPECT_ERROR(0, &wt_schema_all, "\x08\x80\x00");
    WT_CHECK_CONTROL();
}

static void test_field_number_zero_and_above_the_range_are_errors(void **state)
{
    (void)state;
    WT_EXPECT_ERROR(WT_EFIELD_ZERO, &wt_schema_all, "\x00\x01");
    WT_EXPECT_ERROR(WT_EFIELD_ZERO, &wt_schema_all, "\x08\x01\x02\x00");
    /* field 2^29 (tag 2^32), varint. */
    WT_EXPECT_ERROR(WT_EFIELD_RANGE, &wt_schema_all, "\x80\x80\x80\x80\x10\x01");
    /* field 2^29-1 is fine, and unknown. */
    int rc;
    uint8_t ok[] = {0xf8, 0xff, 0xff, 0xff, 0x0f, (uint8_t)ug_rand_below(128)};
    wt_msg_t *m = wt_t_decode(&wt_schema_all, ok, sizeof ok, &rc);
    assert_int_equal(0, rc);
    assert_int_equal(6, m->unknown_len);
    wt_msg_free(m);
    WT_CHECK_CONTROL();
}

static void test_a_known_field_with_the_wrong_wire_type_is_an_error(void **state)
{
    (void)state;
    /* int32 as fixed32; string as varint; a singular int32 as LEN (only a
     * repeated number may be packed); fixed64 as fixed32; a message as varint. */
    WT_EXPECT_ERROR(WT_EWRONG_WIRE_TYPE, &wt_schema_all, "\x0d\x01\x02\x03\x04");
    WT_EXPECT_ERROR(WT_EWRONG_WIRE_TYPE, &wt_schema_all, "\x78\x01");
    WT_EXPECT_ERROR(WT_EWRONG_WIRE_TYPE, &wt_schema_all, "\x0a\x01\x01");
    WT_EXPECT_ERROR(WT_EWRONG_WIRE_TYPE, &wt_schema_all, "\x55\x01\x02\x03\x04");
    WT_EXPECT_ERROR(WT_EWRONG_WIRE_TYPE, &wt_schema_all, "\x88\x01\x01");
    /* The same record under a field number the table does not know is kept. */
    uint32_t key = (uint32_t)(25 + ug_rand_below(5)) << 3 | 5;
    uint8_t in[] = {(uint8_t)(key | 0x80), (uint8_t)(key >> 7), 0x01, 0x02, 0x03, 0x04};
    int rc;
    wt_msg_t *m = wt_t_decode(&wt_schema_all, in, sizeof in, &rc);
    assert_int_equal(0, rc);
    wt_msg_free(m);
    WT_CHECK_CONTROL();
}

static void test_wire_types_that_do_not_exist_or_are_groups_are_errors(void **state)
{
    (void)state;
    uint8_t f = (uint8_t)(1 + ug_rand_below(15));
    uint8_t six[] = {(uint8_t)(f << 3 | 6), 0}, seven[] = {(uint8_t)(f << 3 | 7), 0};
    uint8_t three[] = {(uint8_t)(f << 3 | 3), 0}, four[] = {(uint8_t)(f << 3 | 4), 0};
    int rc[4];
    wt_msg_free(wt_t_decode(&wt_schema_all, six, 2, &rc[0]));
    wt_msg_free(wt_t_decode(&wt_schema_all, seven, 2, &rc[1]));
    wt_msg_free(wt_t_decode(&wt_schema_all, three, 2, &rc[2]));
    wt_msg_free(wt_t_decode(&wt_schema_all, four, 2, &rc[3]));
    assert_int_equal(WT_EBAD_WIRE_TYPE, rc[0]);
    assert_int_equal(WT_EBAD_WIRE_TYPE, rc[1]);
    assert_int_equal(WT_EGROUP, rc[2]);
    assert_int_equal(WT_EGROUP, rc[3]);
    /* In an unknown field as well. */
    WT_EXPECT_ERROR(WT_EBAD_WIRE_TYPE, &wt_schema_inner, "\xfe\x01\x00");
    WT_CHECK_CONTROL();
}

static void test_a_length_past_the_end_is_an_error(void **state)
{
    (void)state;
    WT_EXPECT_ERROR(WT_ELENGTH_PAST_END, &wt_schema_all,
                    "\x7a\x05"
                    "abcd");
    WT_EXPECT_ERROR(WT_ELENGTH_PAST_END, &wt_schema_all, "\x8a\x01\x03\x08\x01");
    WT_EXPECT_ERROR(WT_ETRUNCATED_VARINT, &wt_schema_all, "\x7a");
    /* A length near 2^64 must not wrap around. */
    WT_EXPECT_ERROR(WT_ELENGTH_PAST_END, &wt_schema_all,
                    "\x7a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"
                    "ab");
    /* Inside an embedded message: the inner length passes the outer's end. */
    WT_EXPECT_ERROR(WT_ELENGTH_PAST_END, &wt_schema_all,
                    "\x8a\x01\x03\x12\x05x"
                    "abcd");
    /* Unknown field, random shortfall. */
    uint8_t in[] = {0xca, 0x01, (uint8_t)(3 + ug_rand_below(100)), 'a', 'b'};
    int rc;
    wt_msg_free(wt_t_decode(&wt_schema_all, in, sizeof in, &rc));
    assert_int_equal(WT_ELENGTH_PAST_END, rc);
    WT_CHECK_CONTROL();
}

static void test_truncated_fixed_bytes_are_an_error(void **state)
{
    (void)state;
    WT_EXPECT_ERROR(WT_ETRUNCATED_FIXED, &wt_schema_all, "\x4d\x01\x02\x03");
    WT_EXPECT_ERROR(WT_ETRUNCATED_FIXED, &wt_schema_all, "\x51\x01\x02\x03\x04\x05\x06\x07");
    uint8_t in[12] = {0xe9, 0x01}; /* field 29 (unknown), fixed64 */
    size_t n = 2 + ug_rand_below(8);
    int rc;
    wt_msg_free(wt_t_decode(&wt_schema_all, in, n, &rc));
    assert_int_equal(WT_ETRUNCATED_FIXED, rc);
    WT_CHECK_CONTROL();
}

static void test_a_packed_run_ending_inside_an_element_is_an_error(void **state)
{
    (void)state;
    /* r_f64 packed with 12 bytes: one and a half fixed64. */
    WT_EXPECT_ERROR(WT_EPACKED_PARTIAL, &wt_schema_all,
                    "\xa2\x01\x0c\x01\x02\x03\x04\x05\x06\x07\x08\x01\x02\x03\x04");
    /* r_i32 packed, last varint cut by the record's length. */
    WT_EXPECT_ERROR(WT_EPACKED_PARTIAL, &wt_schema_all,
                    "\x92\x01\x02\x01\x80"
                    "\x01");
    uint8_t in[] = {0x92, 0x01, 0x03, 0x01, 0x02, (uint8_t)(0x80 | ug_rand_below(128)), 0x01};
    int rc;
    wt_msg_free(wt_t_decode(&wt_schema_all, in, sizeof in, &rc));
    assert_int_equal(WT_EPACKED_PARTIAL, rc);
    WT_CHECK_CONTROL();
}

static void test_a_string_that_is_not_utf8_is_an_error_and_bytes_are_not_checked(void **state)
{
    (void)state;
    WT_EXPECT_ERROR(WT_EBAD_UTF8, &wt_schema_all, "\x7a\x01\xff");
    WT_EXPECT_ERROR(WT_EBAD_UTF8, &wt_schema_all, "\x7a\x02\xc0\x80");         /* overlong NUL */
    WT_EXPECT_ERROR(WT_EBAD_UTF8, &wt_schema_all, "\x7a\x03\xed\xa0\x80");     /* a surrogate */
    WT_EXPECT_ERROR(WT_EBAD_UTF8, &wt_schema_all, "\x7a\x02\xe2\x82");         /* cut short */
    WT_EXPECT_ERROR(WT_EBAD_UTF8, &wt_schema_all, "\x7a\x04\xf4\x90\x80\x80"); /* > U+10FFFF */
    WT_EXPECT_ERROR(WT_EBAD_UTF8, &wt_schema_all, "\xb2\x01\x01\x80");         /* r_str */
    WT_EXPECT_ERROR(WT_EBAD_UTF8, &wt_schema_all, "\x8a\x01\x03\x12\x01\xfe"); /* Inner.s */
    WT_EXPECT_ERROR(0, &wt_schema_all,
                    "\x7a\x09"
                    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    WT_EXPECT_ERROR(0, &wt_schema_all, "\x82\x01\x02\xff\xfe"); /* bytes */
    uint8_t in[] = {0x7a, 0x03, 'a', 'b', (uint8_t)(0x80 + ug_rand_below(128))};
    int rc;
    wt_msg_free(wt_t_decode(&wt_schema_all, in, sizeof in, &rc));
    assert_int_equal(WT_EBAD_UTF8, rc);
    WT_CHECK_CONTROL();
}

static const wt_desc_t wt_t_node;
static const wt_field_desc_t wt_t_node_fields[] = {
    {1, "next", WT_MESSAGE, WT_SINGULAR, false, &wt_t_node}};
static const wt_desc_t wt_t_node = {"Node", wt_t_node_fields, 1};

static void test_nesting_past_the_depth_limit_is_an_error(void **state)
{
    (void)state;
    /* wt_t_node nests in itself through field 1. */
    size_t depth = WT_MAX_DEPTH + 1 + ug_rand_below(20);
    int rc;
    wt_msg_t *m;
    /* Built inside out: each level wraps the last as 0x0a <length>. */
    uint8_t deep[600];
    size_t len = 0;
    for (size_t i = 0; i < depth; i++) {
        uint8_t hdr[12];
        hdr[0] = 0x0a;
        size_t h = 1 + wt_varint_put(hdr + 1, len);
        memmove(deep + h, deep, len);
        memcpy(deep, hdr, h);
        len += h;
    }
    m = wt_t_decode(&wt_t_node, deep, len, &rc);
    assert_int_equal(WT_ETOO_DEEP, rc);
    wt_msg_free(m);
    /* Exactly WT_MAX_DEPTH levels below the top decode. */
    len = 0;
    for (size_t i = 0; i < WT_MAX_DEPTH; i++) {
        uint8_t hdr[12];
        hdr[0] = 0x0a;
        size_t h = 1 + wt_varint_put(hdr + 1, len);
        memmove(deep + h, deep, len);
        memcpy(deep, hdr, h);
        len += h;
    }
    m = wt_t_decode(&wt_t_node, deep, len, &rc);
    assert_int_equal(0, rc);
    wt_msg_free(m);
    WT_CHECK_CONTROL();
}

UG_TEST_GROUP(
    wire_decode, NULL, NULL, cmocka_unit_test(test_packed_and_unpacked_repeated_fields_both_decode),
    cmocka_unit_test(test_the_last_value_of_a_repeated_singular_field_wins),
    cmocka_unit_test(test_embedded_messages_seen_twice_are_merged),
    cmocka_unit_test(test_every_type_round_trips_through_its_wire_type),
    cmocka_unit_test(test_a_truncated_varint_is_its_own_error),
    cmocka_unit_test(test_an_overlong_varint_is_its_own_error),
    cmocka_unit_test(test_field_number_zero_and_above_the_range_are_errors),
    cmocka_unit_test(test_a_known_field_with_the_wrong_wire_type_is_an_error),
    cmocka_unit_test(test_wire_types_that_do_not_exist_or_are_groups_are_errors),
    cmocka_unit_test(test_a_length_past_the_end_is_an_error),
    cmocka_unit_test(test_truncated_fixed_bytes_are_an_error),
    cmocka_unit_test(test_a_packed_run_ending_inside_an_element_is_an_error),
    cmocka_unit_test(test_a_string_that_is_not_utf8_is_an_error_and_bytes_are_not_checked),
    cmocka_unit_test(test_nesting_past_the_depth_limit_is_an_error));
