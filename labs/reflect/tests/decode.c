/*
 * decode.c — tests of reflect_json_unmarshal against Go's json.Unmarshal:
 * each case decodes Go's input from the start Go used, then compares the
 * error text and the value re-marshalled with what Go printed
 * (go_fixtures.h). Seeded parts ride along in every test.
 *
 * Interface: UG_TEST_GROUP(reflect_decode); run_case is the one driver.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <undergo/labtest.h>

#include "go_fixtures.h"
#include "reflect.h"
#include "zoo.h"

static int setup(void **state)
{
    *state = reflect_arena_new();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    reflect_arena_free(*state);
    return 0;
}

typedef struct outcome {
    int rc;
    char err[256];
    char json[4096];
} outcome_t;

/* Decodes in into *p of type t and re-marshals it. */
static outcome_t *decode_into(reflect_arena_t *a, const char *in, size_t len,
                              const reflect_type_t *t, void *p)
{
    static outcome_t o;
    reflect_error_t err = {{0}};
    o.rc = reflect_json_unmarshal(in, len, t, p, a, &err);
    snprintf(o.err, sizeof o.err, "%s", o.rc ? err.msg : "");
    snprintf(o.json, sizeof o.json, "%s", zoo_marshal(t, p));
    return &o;
}

/* The start values Go's generator names. */
static Record start_record(reflect_arena_t *a, const char *start)
{
    Record r = {0};
    if (strcmp(start, "rec7") == 0) {
        r = zoo_record(a, 7);
    } else if (strcmp(start, "reuse") == 0) {
        reflect_string_t tags[3] = {reflect_str("x"), reflect_str("y"), reflect_str("z")};
        r.Tags = zoo_slice(a, T_STRING, tags, 3);
        Child k = {.Label = reflect_str("k1"), .Weight = 1};
        r.Kids = zoo_slice(a, Child_type(), &k, 1);
    } else if (strcmp(start, "anyptr") == 0) {
        Child *c = reflect_arena_alloc(a, sizeof *c, _Alignof(Child));
        *c = (Child){.Label = reflect_str("old"), .Weight = 1};
        Child **box = reflect_arena_alloc(a, sizeof *box, _Alignof(Child *));
        *box = c;
        r.Any = (reflect_any_t){reflect_ptr_to(Child_type()), box};
    }
    return r;
}

#define RUN_RECORD(a, start, NAME)                                                                 \
    do {                                                                                           \
        Record r_ = start_record((a), (start));                                                    \
        outcome_t *o_ = decode_into((a), GO_##NAME##_IN, sizeof(GO_##NAME##_IN) - 1,               \
                                    Record_type(), &r_);                                           \
        assert_string_equal(GO_##NAME##_ERR, o_->err);                                             \
        assert_string_equal(GO_##NAME##_OUT, o_->json);                                            \
    } while (0)

#define RUN_TYPE(a, T, NAME)                                                                       \
    do {                                                                                           \
        T v_;                                                                                      \
        memset(&v_, 0, sizeof v_);                                                                 \
        outcome_t *o_ = decode_into((a), GO_##NAME##_IN, sizeof(GO_##NAME##_IN) - 1, T##_type(),   \
                                    &v_);                                                          \
        assert_string_equal(GO_##NAME##_ERR, o_->err);                                             \
        assert_string_equal(GO_##NAME##_OUT, o_->json);                                            \
    } while (0)

/* Go's JSON of twelve seeded Records decodes back to values that marshal
 * as Go's own round trip does. */
static void test_seeded_go_output_round_trips_through_unmarshal(void **state)
{
    for (int n = 0; n < 12; n++) {
        size_t i = ug_rand_below(GO_NCORPUS);
        Record r = {0};
        outcome_t *o = decode_into(*state, go_corpus[i], strlen(go_corpus[i]), Record_type(), &r);
        assert_int_equal(0, o->rc);
        assert_string_equal(go_corpus_rt[i] ? go_corpus_rt[i] : go_corpus[i], o->json);
    }
}

/* A key matches its field exactly, else the first field equal ignoring
 * case; keys that match nothing (unexported, "-", embedded type names) are
 * skipped. */
static void test_keys_match_exactly_then_ignoring_case_and_unknown_keys_are_skipped(void **state)
{
    RUN_RECORD(*state, "zero", D_FOLD);
    RUN_RECORD(*state, "zero", D_UNKNOWN);
    char key[5] = "name", in[64];
    for (int i = 0; i < 4; i++)
        if (ug_rand_below(2))
            key[i] = (char)(key[i] - 32);
    unsigned v = (unsigned)ug_rand_below(100000);
    snprintf(in, sizeof in, "{\"%s\":\"v%u\"}", key, v);
    Record r = {0};
    assert_int_equal(0, reflect_json_unmarshal(in, strlen(in), Record_type(), &r, *state, NULL));
    char got[32], want[32];
    snprintf(want, sizeof want, "v%u", v);
    snprintf(got, sizeof got, "%.*s", (int)r.Name.len, r.Name.ptr ? r.Name.ptr : "");
    assert_string_equal(want, got);
}

/* A type mismatch is remembered with the innermost struct and the path of
 * keys, the value skipped, and the rest decoded. */
static void test_type_mismatch_names_the_field_path_and_decoding_goes_on(void **state)
{
    RUN_RECORD(*state, "zero", D_MISMATCH);
    RUN_RECORD(*state, "zero", D_PATH);
    RUN_RECORD(*state, "zero", D_PTR_ALLOC);
    RUN_RECORD(*state, "zero", D_MAP_ELEM);
    RUN_RECORD(*state, "zero", D_TOP_STRING);
    RUN_RECORD(*state, "zero", D_TOP_ARRAY);
    size_t k = ug_rand_below(5);
    char in[512] = "{\"kids\":[";
    for (size_t i = 0; i < k; i++)
        strcat(in, "{\"label\":\"ok\"},");
    strcat(in, "{\"label\":3}],\"id\":1}");
    Record r = {0};
    reflect_error_t err = {{0}};
    assert_int_equal(-EDOM,
                     reflect_json_unmarshal(in, strlen(in), Record_type(), &r, *state, &err));
    assert_string_equal(
        "json: cannot unmarshal number into Go struct field Child.kids.label of type string",
        err.msg);
    assert_int_equal(k + 1, r.Kids.len);
    assert_int_equal(1, r.Base.ID);
}

/* Integers take only integer literals that fit; floats take anything but
 * an overflow (an underflow is zero). */
static void test_numbers_must_fit_their_target_type(void **state)
{
    RUN_RECORD(*state, "zero", D_OVERFLOW);
    RUN_RECORD(*state, "zero", D_FRACTION);
    int v = (int)ug_rand_below(601) - 300;
    char in[64], want[300];
    snprintf(in, sizeof in, "{\"level\":%d}", v);
    Record r = {0};
    reflect_error_t err = {{0}};
    int rc = reflect_json_unmarshal(in, strlen(in), Record_type(), &r, *state, &err);
    if (v >= -128 && v <= 127)
        snprintf(want, sizeof want, "0 %d", v);
    else
        snprintf(
            want, sizeof want,
            "-%d json: cannot unmarshal number %d into Go struct field Record.level of type int8",
            EDOM, v);
    char got[300];
    if (rc == 0)
        snprintf(got, sizeof got, "0 %d", r.Extra ? r.Extra->Level : 999);
    else
        snprintf(got, sizeof got, "%d %s", rc, err.msg);
    assert_string_equal(want, got);
}

/* ",string" fields take their value from inside a JSON string; misuse is
 * Go's error (some end the decoding, some are remembered). */
static void test_string_option_reads_values_from_inside_json_strings(void **state)
{
    RUN_RECORD(*state, "zero", D_STRING_TAG_BAD);
    RUN_RECORD(*state, "zero", D_STRING_TAG_UNQUOTED);
    RUN_RECORD(*state, "zero", D_STRING_TAG_OK);
    RUN_RECORD(*state, "zero", D_STRING_TAG_EMPTY);
    RUN_TYPE(*state, Quoted, D_QUOTED);
    RUN_TYPE(*state, Quoted, D_QUOTED_BAD_BOOL);
    RUN_TYPE(*state, Quoted, D_QUOTED_OVERFLOW);
    RUN_TYPE(*state, Quoted, D_QUOTED_STRING_UNQUOTED);
    int32_t c = (int32_t)ug_rand();
    char in[64];
    snprintf(in, sizeof in, "{\"count\":\"%d\"}", c);
    Record r = {0};
    assert_int_equal(0, reflect_json_unmarshal(in, strlen(in), Record_type(), &r, *state, NULL));
    assert_int_equal(c, r.Count);
}

/* null sets pointers, slices, maps and interfaces to nil and leaves every
 * other value as it was. */
static void test_null_clears_only_nillable_values(void **state)
{
    RUN_RECORD(*state, "rec7", D_NULL_CLEARS);
    RUN_RECORD(*state, "rec7", D_TOP_NULL);
    uint8_t u8 = (uint8_t)ug_rand();
    Record r = {.U8 = u8, .Ratio = 2};
    const char *in = "{\"u8\":null,\"ratio\":null,\"next\":null}";
    assert_int_equal(0, reflect_json_unmarshal(in, strlen(in), Record_type(), &r, *state, NULL));
    char got[32], want[32];
    snprintf(got, sizeof got, "%u %g", r.U8, r.Ratio);
    snprintf(want, sizeof want, "%u 2", (unsigned)u8);
    assert_string_equal(want, got);
}

/* An array refills a slice in place while it fits, grows it by half (at
 * least to 4) when not, and [] makes an empty slice, not a nil one. */
static void test_arrays_reuse_slices_and_empty_arrays_make_empty_slices(void **state)
{
    RUN_RECORD(*state, "zero", D_EMPTY_ARRAY);
    RUN_RECORD(*state, "reuse", D_REUSE);
    size_t n = ug_rand_below(20);
    char in[512] = "{\"scores\":[";
    for (size_t i = 0; i < n; i++) {
        char one[16];
        snprintf(one, sizeof one, "%s%zu", i ? "," : "", i * 3);
        strcat(in, one);
    }
    strcat(in, "]}");
    Record r = {0};
    assert_int_equal(0, reflect_json_unmarshal(in, strlen(in), Record_type(), &r, *state, NULL));
    size_t cap = 0;
    for (size_t c = 0; c < n;)
        c = c + c / 2 < 4 ? 4 : c + c / 2, cap = c;
    char got[64], want[64];
    snprintf(want, sizeof want, "%zu %zu %d", n, cap, n ? (int)(3 * (n - 1)) : -1);
    snprintf(got, sizeof got, "%zu %zu %d", r.Scores.len, r.Scores.cap,
             r.Scores.len ? (int)((int64_t *)r.Scores.data)[r.Scores.len - 1] : -1);
    assert_string_equal(want, got);
    assert_int_equal(1, r.Scores.data != NULL);
}

/* interface {} gets float64, string, bool, nil, []interface {} and
 * map[string]interface {}; one holding a pointer is decoded through it. */
static void test_interface_targets_get_go_generic_values(void **state)
{
    RUN_RECORD(*state, "zero", D_ANY);
    RUN_RECORD(*state, "zero", D_ANY_BIG);
    RUN_RECORD(*state, "anyptr", D_ANY_PTR);
    size_t i = ug_rand_below(GO_NF64);
    reflect_any_t v = {0};
    assert_int_equal(0, reflect_json_unmarshal(go_f64_json[i], strlen(go_f64_json[i]), T_ANY, &v,
                                               *state, NULL));
    assert_true(v.type == REFLECT_T(FLOAT64));
    double want;
    memcpy(&want, &go_f64_bits[i], sizeof want);
    assert_memory_equal(&want, v.ptr, sizeof want);
}

/* A []byte decodes from base64 (a bad one is Go's error); map keys parse
 * into the key type, a key that does not is remembered. */
static void test_byte_slices_decode_from_base64_and_map_keys_parse(void **state)
{
    RUN_RECORD(*state, "zero", D_BLOB_OK);
    RUN_RECORD(*state, "zero", D_BLOB_BAD);
    RUN_RECORD(*state, "zero", D_MAP_KEYS);
    uint8_t b[12];
    size_t n = ug_rand_below(12);
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)ug_rand();
    reflect_buf_t in = {0};
    reflect_buf_cstr(&in, "{\"blob\":\"");
    reflect_base64_encode(&in, b, n);
    reflect_buf_cstr(&in, "\"}");
    Record r = {0};
    assert_int_equal(0, reflect_json_unmarshal(in.data, in.len, Record_type(), &r, *state, NULL));
    assert_int_equal(n, r.Blob.len);
    assert_memory_equal(b, r.Blob.data, n);
    reflect_buf_free(&in);
}

/* Fields of embedded structs are filled through the dominance rules; a nil
 * embedded pointer is allocated, an unexported one cannot be. */
static void test_embedded_structs_are_filled_and_their_pointers_allocated(void **state)
{
    RUN_RECORD(*state, "zero", D_EMBEDDED_PTR);
    RUN_TYPE(*state, Promo, D_PROMO);
    RUN_TYPE(*state, Promo, D_PROMO_UNEXPORTED_PTR);
    int lvl = (int)ug_rand_below(128);
    char in[64];
    snprintf(in, sizeof in, "{\"level\":%d}", lvl);
    Record r = {0};
    assert_int_equal(0, reflect_json_unmarshal(in, strlen(in), Record_type(), &r, *state, NULL));
    assert_non_null(r.Extra);
    assert_int_equal(lvl, r.Extra->Level);
}

/* Invalid JSON is refused whole with Go's SyntaxError text; the value is
 * untouched. */
static void test_invalid_json_is_refused_with_go_syntax_errors_and_nothing_changes(void **state)
{
    for (int n = 0; n < 16; n++) {
        size_t i = ug_rand_below(GO_NSYNTAX);
        char *deep = NULL;
        const char *in = go_syntax_in[i];
        if (!in) {
            deep = malloc(go_syntax_len[i]);
            memset(deep, '[', go_syntax_len[i]);
            in = deep;
        }
        reflect_any_t v = {0};
        reflect_error_t err = {{0}};
        int rc = reflect_json_unmarshal(in, go_syntax_len[i], T_ANY, &v, *state, &err);
        assert_string_equal(go_syntax_err[i], rc == 0 ? "" : err.msg);
        free(deep);
    }
    Record r = {.Name = reflect_str("kept"), .U8 = (uint8_t)ug_rand()};
    uint8_t u8 = r.U8;
    const char *bad = "{\"name\":\"lost\",\"u8\":1,}";
    assert_int_equal(-EBADMSG,
                     reflect_json_unmarshal(bad, strlen(bad), Record_type(), &r, *state, NULL));
    assert_int_equal(4, r.Name.len);
    assert_int_equal(u8, r.U8);
}

/* Escapes are decoded, surrogate pairs joined; a lone surrogate and
 * invalid UTF-8 become U+FFFD. */
static void test_strings_decode_escapes_and_replace_invalid_utf8(void **state)
{
    RUN_RECORD(*state, "zero", D_INVALID_UTF8);
    RUN_RECORD(*state, "zero", D_ESCAPES);
    size_t i = ug_rand_below(GO_NSTR);
    reflect_string_t s = {0};
    assert_int_equal(0, reflect_json_unmarshal(go_str_json[i], strlen(go_str_json[i]), T_STRING, &s,
                                               *state, NULL));
    /* what Go's decoder gives: the input with every invalid byte as U+FFFD */
    reflect_buf_t want = {0};
    for (size_t k = 0; k < go_str_len[i];) {
        uint32_t r;
        int w = reflect_utf8_decode(go_str_in[i] + k, go_str_len[i] - k, &r);
        reflect_utf8_put(&want, r);
        k += (size_t)w;
    }
    assert_int_equal(want.len, s.len);
    assert_memory_equal(want.len ? want.data : "", s.len ? s.ptr : "", want.len);
    reflect_buf_free(&want);
}

/* Unmarshal needs a type and a pointer; the errors are Go's. */
static void test_unmarshal_needs_a_type_and_a_non_nil_pointer(void **state)
{
    char in[32];
    snprintf(in, sizeof in, "%llu", (unsigned long long)ug_rand_below(1000000));
    reflect_error_t err = {{0}};
    assert_int_equal(-EINVAL, reflect_json_unmarshal(in, strlen(in), NULL, NULL, *state, &err));
    assert_string_equal("json: Unmarshal(nil)", err.msg);
    assert_int_equal(-EINVAL,
                     reflect_json_unmarshal(in, strlen(in), Record_type(), NULL, *state, &err));
    assert_string_equal("json: Unmarshal(nil *main.Record)", err.msg);
    int64_t v = -1;
    assert_int_equal(0, reflect_json_unmarshal(in, strlen(in), REFLECT_T(INT64), &v, *state, &err));
    assert_int_equal(strtoll(in, NULL, 10), v);
}

UG_TEST_GROUP(
    reflect_decode, setup, teardown,
    cmocka_unit_test(test_seeded_go_output_round_trips_through_unmarshal),
    cmocka_unit_test(test_keys_match_exactly_then_ignoring_case_and_unknown_keys_are_skipped),
    cmocka_unit_test(test_type_mismatch_names_the_field_path_and_decoding_goes_on),
    cmocka_unit_test(test_numbers_must_fit_their_target_type),
    cmocka_unit_test(test_string_option_reads_values_from_inside_json_strings),
    cmocka_unit_test(test_null_clears_only_nillable_values),
    cmocka_unit_test(test_arrays_reuse_slices_and_empty_arrays_make_empty_slices),
    cmocka_unit_test(test_interface_targets_get_go_generic_values),
    cmocka_unit_test(test_byte_slices_decode_from_base64_and_map_keys_parse),
    cmocka_unit_test(test_embedded_structs_are_filled_and_their_pointers_allocated),
    cmocka_unit_test(test_invalid_json_is_refused_with_go_syntax_errors_and_nothing_changes),
    cmocka_unit_test(test_strings_decode_escapes_and_replace_invalid_utf8),
    cmocka_unit_test(test_unmarshal_needs_a_type_and_a_non_nil_pointer));
