/*
 * values.c — tests of reflect_value_t: reading every kind, walking into
 * pointers, interfaces, fields, slices and maps, and Go's rules for what may
 * be set and how a refused set leaves the value.
 *
 * Interface: UG_TEST_GROUP(reflect_values) over seeded Records (zoo.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <undergo/labtest.h>

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

static reflect_value_t field(reflect_value_t v, const char *name)
{
    reflect_value_t f = {0};
    reflect_value_field_by_name(v, name, &f);
    return f;
}

/* Each getter reads what the C member holds, through the descriptor. */
static void test_getters_read_every_kind_of_a_seeded_record(void **state)
{
    Record r = zoo_record(*state, 1 + ug_rand_below(1000));
    reflect_value_t v = reflect_value_of(Record_type(), &r);
    assert_int_equal(REFLECT_STRUCT, reflect_value_kind(v));
    int64_t i = 0;
    uint64_t u = 0;
    double f = 0;
    bool b = false;
    reflect_string_t s = {0};
    assert_int_equal(0, reflect_value_int(field(v, "ID"), &i));
    assert_int_equal(r.Base.ID, i);
    assert_int_equal(0, reflect_value_int(field(v, "I16"), &i));
    assert_int_equal(r.I16, i);
    assert_int_equal(0, reflect_value_int(field(v, "Count"), &i));
    assert_int_equal(r.Count, i);
    assert_int_equal(0, reflect_value_uint(field(v, "U8"), &u));
    assert_int_equal(r.U8, u);
    assert_int_equal(0, reflect_value_uint(field(v, "Big"), &u));
    assert_int_equal(r.Big, u);
    assert_int_equal(0, reflect_value_float(field(v, "Small"), &f));
    assert_memory_equal(&(double){r.Small}, &f, sizeof f);
    assert_int_equal(0, reflect_value_float(field(v, "Ratio"), &f));
    assert_memory_equal(&r.Ratio, &f, sizeof f);
    assert_int_equal(0, reflect_value_bool(field(v, "Flag"), &b));
    assert_int_equal(r.Flag, b);
    assert_int_equal(0, reflect_value_string(field(v, "Name"), &s));
    assert_int_equal(r.Name.len, s.len);
    assert_memory_equal(r.Name.ptr ? r.Name.ptr : "", s.ptr ? s.ptr : "", r.Name.len);
    assert_int_equal(-EINVAL, reflect_value_int(field(v, "U8"), &i));
    assert_int_equal(-EINVAL, reflect_value_string(field(v, "ID"), &s));
    assert_int_equal(-EINVAL, reflect_value_bool((reflect_value_t){0}, &b));
    assert_int_equal(REFLECT_INVALID, reflect_value_kind((reflect_value_t){0}));
}

/* Elem: a pointer's target is addressable; an interface's content is not;
 * nil gives the invalid Value; other kinds are refused. */
static void test_elem_follows_pointers_and_interfaces_and_gives_nothing_for_nil(void **state)
{
    (void)state;
    Child c = {.Weight = (double)ug_rand_below(1000)};
    double d = (double)ug_rand_below(1 << 20) / 8;
    Record r = {.Next = NULL, .Any = {REFLECT_T(FLOAT64), &d}};
    reflect_value_t v = reflect_value_of(Record_type(), &r), e;
    assert_int_equal(0, reflect_value_elem(field(v, "Next"), &e));
    assert_int_equal(REFLECT_INVALID, reflect_value_kind(e));
    r.Next = &c;
    assert_int_equal(0, reflect_value_elem(field(v, "Next"), &e));
    assert_int_equal(REFLECT_STRUCT, reflect_value_kind(e));
    assert_true(e.ptr == &c);
    assert_true(reflect_value_can_set(e));
    assert_int_equal(0, reflect_value_set_float(field(e, "Weight"), 2.5));
    assert_float_equal(2.5, c.Weight, 0);
    assert_int_equal(0, reflect_value_elem(field(v, "Any"), &e));
    assert_int_equal(REFLECT_FLOAT64, reflect_value_kind(e));
    double got = 0;
    assert_int_equal(0, reflect_value_float(e, &got));
    assert_float_equal(d, got, 0);
    assert_false(reflect_value_can_set(e));
    assert_int_equal(-EPERM, reflect_value_set_float(e, 1));
    r.Any = (reflect_any_t){0};
    assert_int_equal(0, reflect_value_elem(field(v, "Any"), &e));
    assert_int_equal(REFLECT_INVALID, reflect_value_kind(e));
    assert_int_equal(-EINVAL, reflect_value_elem(field(v, "ID"), &e));
}

/* A slice Value: len and cap from its header, elements addressable even
 * through a Value that is not, an index past len refused. */
static void test_slice_values_expose_len_cap_and_addressable_elements(void **state)
{
    int64_t xs[6];
    size_t n = 1 + ug_rand_below(5);
    for (size_t i = 0; i < n; i++)
        xs[i] = (int64_t)ug_rand();
    Record r = {0};
    r.Scores = zoo_slice(*state, REFLECT_T(INT64), xs, n);
    r.Scores.cap = n + 1; /* the backing array is n elements: cap is only reported */
    reflect_value_t s = field(reflect_value_of(Record_type(), &r), "Scores"), e;
    size_t len = 0, cap = 0;
    assert_int_equal(0, reflect_value_len(s, &len));
    assert_int_equal(n, len);
    assert_int_equal(0, reflect_value_cap(s, &cap));
    assert_int_equal(n + 1, cap);
    size_t k = ug_rand_below(n);
    assert_int_equal(0, reflect_value_index(s, k, &e));
    int64_t got = 0;
    assert_int_equal(0, reflect_value_int(e, &got));
    assert_int_equal(xs[k], got);
    assert_true(reflect_value_can_set(e));
    assert_int_equal(0, reflect_value_set_int(e, 77));
    assert_int_equal(77, ((int64_t *)r.Scores.data)[k]);
    assert_int_equal(-ERANGE, reflect_value_index(s, n, &e));
    assert_int_equal(-EINVAL,
                     reflect_value_index(field(reflect_value_of(Record_type(), &r), "ID"), 0, &e));
    r.Name = reflect_str("héllo");
    assert_int_equal(0,
                     reflect_value_len(field(reflect_value_of(Record_type(), &r), "Name"), &len));
    assert_int_equal(6, len);
    assert_int_equal(-EINVAL,
                     reflect_value_cap(field(reflect_value_of(Record_type(), &r), "Name"), &cap));
}

/* A map Value: lookups by key Value, absent and nil maps, entries in
 * insertion order, the element not settable. */
static void test_map_values_find_entries_by_key_and_refuse_to_set_them(void **state)
{
    reflect_string_t keys[3] = {reflect_str("a"), reflect_str("b"), reflect_str("c")};
    char rnd[3][24];
    for (int i = 0; i < 3; i++)
        snprintf(rnd[i], sizeof rnd[i], "%llu", (unsigned long long)ug_rand());
    reflect_string_t vals[3] = {reflect_str(rnd[0]), reflect_str(rnd[1]), reflect_str(rnd[2])};
    const void *kp[3] = {&keys[0], &keys[1], &keys[2]}, *vp[3] = {&vals[0], &vals[1], &vals[2]};
    size_t n = 1 + ug_rand_below(3);
    Record r = {0};
    reflect_value_t m = field(reflect_value_at(Record_type(), &r), "Attrs"), e, k;
    size_t len = 9;
    assert_int_equal(0, reflect_value_len(m, &len));
    assert_int_equal(0, len);
    reflect_string_t want = keys[0];
    assert_int_equal(-ENOENT, reflect_value_map_index(m, reflect_value_of(T_STRING, &want), &e));
    r.Attrs = zoo_map(*state, reflect_map_of(T_STRING, T_STRING), n, kp, vp);
    assert_int_equal(0, reflect_value_len(m, &len));
    assert_int_equal(n, len);
    size_t pick = ug_rand_below(n);
    want = reflect_str(pick == 0 ? "a" : pick == 1 ? "b" : "c");
    assert_int_equal(0, reflect_value_map_index(m, reflect_value_of(T_STRING, &want), &e));
    reflect_string_t got = {0};
    assert_int_equal(0, reflect_value_string(e, &got));
    char gs[32];
    snprintf(gs, sizeof gs, "%.*s", (int)got.len, got.ptr ? got.ptr : "");
    assert_string_equal(rnd[pick], gs);
    assert_false(reflect_value_can_set(e));
    want = reflect_str("zz");
    assert_int_equal(-ENOENT, reflect_value_map_index(m, reflect_value_of(T_STRING, &want), &e));
    int64_t wrong = 1;
    assert_int_equal(-EINVAL,
                     reflect_value_map_index(m, reflect_value_of(REFLECT_T(INT64), &wrong), &e));
    assert_int_equal(0, reflect_value_map_entry(m, n - 1, &k, &e));
    assert_int_equal(0, reflect_value_string(k, &got));
    assert_memory_equal(keys[n - 1].ptr, got.ptr, 1);
    assert_int_equal(-ERANGE, reflect_value_map_entry(m, n, &k, &e));
}

/* CanSet: only through an address, never through an unexported field, yet
 * an exported field promoted from an unexported embedded struct can be set. */
static void test_only_addressable_exported_values_can_be_set(void **state)
{
    (void)state;
    User u = {.Name = reflect_str("ann"), .Age = (int64_t)ug_rand_below(100)};
    reflect_value_t copy = reflect_value_of(User_type(), &u);
    reflect_value_t at = reflect_value_at(User_type(), &u);
    assert_false(reflect_value_can_set(copy));
    assert_false(reflect_value_can_addr(copy));
    assert_int_equal(-EPERM, reflect_value_set_int(field(copy, "Age"), 1));
    assert_true(reflect_value_can_addr(at));
    int64_t age = (int64_t)ug_rand_below(1000);
    assert_int_equal(0, reflect_value_set_int(field(at, "Age"), age));
    assert_int_equal(age, u.Age);
    assert_false(reflect_value_can_set(field(at, "level")));
    assert_int_equal(-EPERM, reflect_value_set_uint(field(at, "level"), 3));
    assert_int_equal(0, reflect_value_set_int(field(field(at, "Home"), "X"), -age));
    assert_int_equal(-age, u.Home.X);

    Outer o = {0};
    reflect_value_t ov = reflect_value_at(Outer_type(), &o), f;
    assert_int_equal(0, reflect_value_field(ov, 2, &f));
    assert_false(reflect_value_can_set(f));
    assert_true(reflect_value_can_set(field(ov, "Shown")));
    assert_false(reflect_value_can_set(field(ov, "kept")));
    assert_int_equal(0, reflect_value_set_int(field(ov, "Shown"), age));
    assert_int_equal(age, o.inner.Shown);
    assert_int_equal(-EFAULT, reflect_value_field_by_name(ov, "Deep", &f));
    Leaf leaf = {0};
    o.Left.Leaf = &leaf;
    assert_int_equal(0, reflect_value_set_int(field(ov, "Deep"), age + 1));
    assert_int_equal(age + 1, leaf.Deep);
    assert_int_equal(-ENOTUNIQ, reflect_value_field_by_name(ov, "Name", &f));
    assert_int_equal(-ERANGE, reflect_value_field(ov, 4, &f));
}

/* A refused set changes nothing: the check order is settable, kind, range. */
static void test_setters_check_kind_then_range_and_leave_the_value_alone(void **state)
{
    (void)state;
    Record r = {0};
    reflect_value_t v = reflect_value_at(Record_type(), &r);
    int64_t x = (int64_t)ug_rand_below(200000) - 100000;
    int want = x >= INT16_MIN && x <= INT16_MAX ? 0 : -ERANGE;
    r.I16 = 5;
    assert_int_equal(want, reflect_value_set_int(field(v, "I16"), x));
    assert_int_equal(want ? 5 : x, r.I16);
    r.I16 = 6;
    assert_int_equal(-ERANGE, reflect_value_set_int(field(v, "I16"),
                                                    INT16_MIN - 1 - (int64_t)ug_rand_below(9)));
    assert_int_equal(6, r.I16);
    r.Count = 9;
    assert_int_equal(-ERANGE,
                     reflect_value_set_int(field(v, "Count"),
                                           (int64_t)INT32_MAX + 1 + (int64_t)ug_rand_below(9)));
    assert_int_equal(9, r.Count);
    assert_int_equal(-EINVAL, reflect_value_set_uint(field(v, "Count"), 1));
    assert_int_equal(-EINVAL, reflect_value_set_string(field(v, "Count"), reflect_str("1")));
    uint64_t big = 256 + ug_rand_below(1000);
    assert_int_equal(-ERANGE, reflect_value_set_uint(field(v, "U8"), big));
    assert_int_equal(0, reflect_value_set_uint(field(v, "U8"), big & 0xff));
    assert_int_equal(big & 0xff, r.U8);
    assert_int_equal(-ERANGE, reflect_value_set_float(field(v, "Small"), 1e39));
    assert_int_equal(0, r.Small == 0 ? 0 : 1);
    assert_int_equal(0, reflect_value_set_float(field(v, "Small"), INFINITY));
    assert_int_equal(1, isinf(r.Small) ? 1 : 0);
    assert_int_equal(0, reflect_value_set_float(field(v, "Ratio"), 1e300));
    assert_int_equal(-EINVAL, reflect_value_set_bool(field(v, "Ratio"), true));
    assert_int_equal(0, reflect_value_set_bool(field(v, "Flag"), true));
    assert_int_equal(1, r.Flag);
    assert_int_equal(-EPERM, reflect_value_set_int((reflect_value_t){0}, 1));
}

/* Set: identical types copy, any value goes into an interface, anything
 * else is refused with Go's message. */
static void test_set_copies_identical_types_and_wraps_values_into_interfaces(void **state)
{
    (void)state;
    Record r = {0};
    Child c = {.Label = reflect_str("kid")};
    Child *pc = &c;
    reflect_value_t v = reflect_value_at(Record_type(), &r);
    reflect_error_t err = {{0}};
    assert_int_equal(0,
                     reflect_value_set(field(v, "Next"),
                                       reflect_value_of(reflect_ptr_to(Child_type()), &pc), &err));
    assert_true(r.Next == &c);
    int64_t n = (int64_t)ug_rand();
    assert_int_equal(-EINVAL, reflect_value_set(field(v, "Name"),
                                                reflect_value_of(REFLECT_T(INT64), &n), &err));
    assert_string_equal("reflect.Set: value of type int64 is not assignable to type string",
                        err.msg);
    assert_int_equal(-EINVAL,
                     reflect_value_set(field(v, "ID"),
                                       reflect_value_of(REFLECT_T(INT32), &(int32_t){1}), &err));
    assert_string_equal("reflect.Set: value of type int32 is not assignable to type int64",
                        err.msg);
    assert_int_equal(0, reflect_value_set(field(v, "ID"), reflect_value_of(REFLECT_T(INT64), &n),
                                          &err));
    assert_int_equal(n, r.Base.ID);
    assert_int_equal(0, reflect_value_set(field(v, "Any"), reflect_value_of(REFLECT_T(INT64), &n),
                                          &err));
    assert_true(r.Any.type == REFLECT_T(INT64));
    assert_int_equal(n, *(int64_t *)r.Any.ptr);
    assert_int_equal(-EPERM, reflect_value_set(field(reflect_value_of(Record_type(), &r), "ID"),
                                               reflect_value_of(REFLECT_T(INT64), &n), &err));
    assert_string_equal("reflect: reflect.Value.Set using unaddressable value", err.msg);
    assert_int_equal(0, reflect_value_set_zero(field(v, "Next")));
    assert_null(r.Next);
}

/* IsNil for the four nillable kinds only; IsZero with Go's corner cases. */
static void test_is_nil_and_is_zero_follow_go(void **state)
{
    Record r = {0};
    reflect_value_t v = reflect_value_of(Record_type(), &r);
    assert_int_equal(1, reflect_value_is_nil(field(v, "Next")));
    assert_int_equal(1, reflect_value_is_nil(field(v, "Tags")));
    assert_int_equal(1, reflect_value_is_nil(field(v, "Attrs")));
    assert_int_equal(1, reflect_value_is_nil(field(v, "Any")));
    assert_int_equal(-EINVAL, reflect_value_is_nil(field(v, "ID")));
    assert_true(reflect_value_is_zero(v));
    reflect_slice_make(*state, T_STRING, 0, 0, &r.Tags);
    assert_int_equal(0, reflect_value_is_nil(field(v, "Tags")));
    assert_false(reflect_value_is_zero(field(v, "Tags")));
    r.Ratio = -0.0;
    assert_false(reflect_value_is_zero(field(v, "Ratio")));
    r.Name = (reflect_string_t){"x", 0};
    assert_true(reflect_value_is_zero(field(v, "Name")));
    int64_t id = (int64_t)ug_rand_below(3);
    r.Base.ID = id;
    assert_int_equal(id == 0, reflect_value_is_zero(field(v, "Base")));
    r.Base.ID = (int64_t)ug_rand();
    int64_t got = 0;
    assert_int_equal(0, reflect_value_int(field(v, "ID"), &got));
    assert_int_equal(r.Base.ID, got);
    assert_int_equal(r.Base.ID == 0, reflect_value_is_zero(field(v, "ID")));
    assert_false(reflect_value_is_zero((reflect_value_t){0}));
}

UG_TEST_GROUP(reflect_values, setup, teardown,
              cmocka_unit_test(test_getters_read_every_kind_of_a_seeded_record),
              cmocka_unit_test(test_elem_follows_pointers_and_interfaces_and_gives_nothing_for_nil),
              cmocka_unit_test(test_slice_values_expose_len_cap_and_addressable_elements),
              cmocka_unit_test(test_map_values_find_entries_by_key_and_refuse_to_set_them),
              cmocka_unit_test(test_only_addressable_exported_values_can_be_set),
              cmocka_unit_test(test_setters_check_kind_then_range_and_leave_the_value_alone),
              cmocka_unit_test(test_set_copies_identical_types_and_wraps_values_into_interfaces),
              cmocka_unit_test(test_is_nil_and_is_zero_follow_go));
