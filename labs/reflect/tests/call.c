/*
 * call.c — tests of methods called by name through libffi: every argument
 * shape (integers of each width, floats, strings, structs and slices by
 * value, interfaces), narrow results, and the checks made before any call.
 *
 * Interface: UG_TEST_GROUP(reflect_call) over User's methods (corpus.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/labtest.h>

#include "reflect.h"
#include "zoo.h"

static reflect_value_t user_ptr(User **pp)
{
    return reflect_value_of(reflect_ptr_to(User_type()), pp);
}

/* Greet(string) string: a 16-byte struct in, one out. */
static void test_call_by_name_passes_and_returns_strings(void **state)
{
    (void)state;
    char name[16];
    snprintf(name, sizeof name, "user%llu", (unsigned long long)ug_rand_below(100000));
    User u = {.Name = reflect_str(name)};
    User *pu = &u;
    reflect_string_t hello = reflect_str("Hello"), out = {0};
    reflect_value_t arg = reflect_value_of(T_STRING, &hello);
    reflect_error_t err = {{0}};
    assert_int_equal(0, reflect_call_by_name(user_ptr(&pu), "Greet", &arg, 1, &out, &err));
    char want[64], got[64];
    snprintf(want, sizeof want, "Hello, %s", name);
    snprintf(got, sizeof got, "%.*s", (int)out.len, out.ptr ? out.ptr : "");
    assert_string_equal(want, got);
}

/* Scale(float64, float32, int8) float64: each in its own register class. */
static void test_call_passes_floats_and_small_integers_in_their_registers(void **state)
{
    (void)state;
    User u = {.Score = (double)ug_rand_below(1000) / 8};
    User *pu = &u;
    double by = (double)ug_rand_below(100) / 4, out = 0;
    float also = (float)ug_rand_below(100) / 2;
    int8_t tiny = (int8_t)(ug_rand_below(200) - 100);
    reflect_value_t args[3] = {reflect_value_of(REFLECT_T(FLOAT64), &by),
                               reflect_value_of(REFLECT_T(FLOAT32), &also),
                               reflect_value_of(REFLECT_T(INT8), &tiny)};
    reflect_error_t err = {{0}};
    assert_int_equal(0, reflect_call_by_name(user_ptr(&pu), "Scale", args, 3, &out, &err));
    double want = user_scale(&u, by, also, tiny);
    assert_memory_equal(&want, &out, sizeof out);
}

/* A result narrower than a register comes back widened; only its own bytes
 * may be stored (the bytes after it stay as they were). */
static void test_small_integer_and_bool_results_are_narrowed_before_they_are_stored(void **state)
{
    (void)state;
    User u = {.level = (uint8_t)ug_rand_below(50), .Age = (int64_t)ug_rand_below(40)};
    User *pu = &u;
    int8_t by = (int8_t)(50 + ug_rand_below(50));
    struct {
        int8_t r;
        uint8_t guard[7];
    } out = {0, {0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}};
    reflect_value_t arg = reflect_value_of(REFLECT_T(INT8), &by);
    reflect_error_t err = {{0}};
    assert_int_equal(0, reflect_call_by_name(user_ptr(&pu), "LevelDown", &arg, 1, &out.r, &err));
    assert_int_equal((int8_t)(u.level - by), out.r);
    assert_memory_equal(((uint8_t[7]){0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}), out.guard, 7);
    struct {
        bool r;
        uint8_t guard[7];
    } yes = {false, {0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55}};
    assert_int_equal(0, reflect_call_by_name(user_ptr(&pu), "IsAdult", NULL, 0, &yes.r, &err));
    assert_int_equal(u.Age >= 18, yes.r);
    assert_memory_equal(((uint8_t[7]){0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55}), yes.guard, 7);
}

/* Move(Point, int64) Point and Sum([]int64) int64: aggregates by value. */
static void test_struct_and_slice_arguments_are_passed_by_value(void **state)
{
    (void)state;
    User u = {.Home = {(int32_t)ug_rand_below(100), (int32_t)ug_rand_below(100)}};
    User *pu = &u;
    Point by = {(int32_t)ug_rand_below(10), -(int32_t)ug_rand_below(10)}, out = {0};
    int64_t times = 1 + (int64_t)ug_rand_below(5);
    Point want = {u.Home.X + by.X * (int32_t)times, u.Home.Y + by.Y * (int32_t)times};
    reflect_value_t args[2] = {reflect_value_of(Point_type(), &by),
                               reflect_value_of(REFLECT_T(INT64), &times)};
    reflect_error_t err = {{0}};
    assert_int_equal(0, reflect_call_by_name(user_ptr(&pu), "Move", args, 2, &out, &err));
    assert_memory_equal(&want, &out, sizeof out);
    assert_memory_equal(&want, &u.Home, sizeof want);

    int64_t xs[5], sum = 0, got = 0;
    size_t n = ug_rand_below(6);
    for (size_t i = 0; i < n; i++)
        sum += xs[i] = (int64_t)ug_rand_below(1000);
    reflect_slice_t s = {xs, n, 5};
    reflect_value_t sv = reflect_value_of(reflect_slice_of(REFLECT_T(INT64)), &s);
    assert_int_equal(0, reflect_call_by_name(user_ptr(&pu), "Sum", &sv, 1, &got, &err));
    assert_int_equal(sum, got);
}

/* An interface {} parameter takes any value, boxed with its dynamic type. */
static void test_interface_parameters_take_any_value_with_its_type(void **state)
{
    (void)state;
    User u = {0};
    User *pu = &u;
    static const char *const names[] = {"int64", "main.Point", "string", "interface {}"};
    int64_t i = 1;
    Point p = {0};
    reflect_string_t s = reflect_str("s");
    reflect_any_t a = {REFLECT_T(BOOL), &(bool){true}};
    reflect_value_t vals[4] = {reflect_value_of(REFLECT_T(INT64), &i),
                               reflect_value_of(Point_type(), &p), reflect_value_of(T_STRING, &s),
                               reflect_value_of(T_ANY, &a)};
    size_t k = ug_rand_below(3);
    reflect_string_t out = {0};
    reflect_error_t err = {{0}};
    assert_int_equal(0, reflect_call_by_name(user_ptr(&pu), "Describe", &vals[k], 1, &out, &err));
    char got[32];
    snprintf(got, sizeof got, "%.*s", (int)out.len, out.ptr ? out.ptr : "");
    assert_string_equal(names[k], got);
    /* every built-in kind, boxed */
    char want[256] = "", all[256] = "";
    unsigned char zero[16] = {0};
    for (int i = 0; i < 4; i++) {
        reflect_kind_t kind = (reflect_kind_t)(REFLECT_BOOL + ug_rand_below(REFLECT_STRING));
        reflect_value_t x = reflect_value_of(reflect_builtin(kind), zero);
        out = (reflect_string_t){0};
        reflect_call_by_name(user_ptr(&pu), "Describe", &x, 1, &out, &err);
        snprintf(all + strlen(all), sizeof all - strlen(all), "%.*s ", (int)out.len,
                 out.ptr ? out.ptr : "");
        snprintf(want + strlen(want), sizeof want - strlen(want), "%s ", reflect_kind_name(kind));
    }
    assert_string_equal(want, all);
    /* an interface {} passed to an interface {} parameter is passed as is */
    assert_int_equal(0, reflect_call_by_name(user_ptr(&pu), "Describe", &vals[3], 1, &out, &err));
    snprintf(got, sizeof got, "%.*s", (int)out.len, out.ptr ? out.ptr : "");
    assert_string_equal("bool", got);
    (void)names[3];
}

/* Wrong counts and types, unknown names and a missing result slot are
 * refused before anything is called, with Go's words. */
static void test_calls_with_wrong_arguments_fail_before_calling(void **state)
{
    (void)state;
    int64_t age = (int64_t)ug_rand_below(100);
    User u = {.Age = age};
    User *pu = &u;
    int64_t years = 1, out = -1;
    reflect_string_t s = reflect_str("x");
    reflect_value_t ok = reflect_value_of(REFLECT_T(INT64), &years);
    reflect_value_t bad = reflect_value_of(T_STRING, &s);
    reflect_value_t two[2] = {ok, ok};
    reflect_error_t err = {{0}};
    assert_int_equal(-EINVAL, reflect_call_by_name(user_ptr(&pu), "AddAge", NULL, 0, &out, &err));
    assert_string_equal("reflect: Call with too few input arguments", err.msg);
    assert_int_equal(-EINVAL, reflect_call_by_name(user_ptr(&pu), "AddAge", two, 2, &out, &err));
    assert_string_equal("reflect: Call with too many input arguments", err.msg);
    assert_int_equal(-EINVAL, reflect_call_by_name(user_ptr(&pu), "AddAge", &bad, 1, &out, &err));
    assert_string_equal("reflect: Call using string as type int64", err.msg);
    assert_int_equal(-EINVAL, reflect_call_by_name(user_ptr(&pu), "AddAge", &ok, 1, NULL, &err));
    assert_int_equal(-ENOENT, reflect_call_by_name(user_ptr(&pu), "Fly", NULL, 0, &out, &err));
    assert_string_equal("reflect: no method Fly on *main.User", err.msg);
    assert_int_equal(-ENOENT, reflect_call_by_name(user_ptr(&pu), "secret", NULL, 0, &out, &err));
    assert_int_equal(age, u.Age);
    assert_int_equal(-1, out);
    reflect_func_t none = {0};
    assert_int_equal(-EINVAL, reflect_func_call(none, NULL, 0, NULL, &err));
    assert_string_equal("reflect: Call of nil function", err.msg);
}

/* The receiver is bound once: each call changes the same struct; a void
 * method needs no result slot; a struct that is not addressable has no
 * pointer methods, an addressable one does. */
static void test_method_value_binds_its_receiver(void **state)
{
    (void)state;
    User u = {.Age = 0};
    User *pu = &u;
    reflect_func_t f;
    assert_int_equal(0, reflect_value_method_by_name(user_ptr(&pu), "AddAge", &f));
    assert_true(f.recv == &u);
    int64_t total = 0, out = 0, step = 0;
    reflect_value_t arg = reflect_value_of(REFLECT_T(INT64), &step);
    reflect_error_t err = {{0}};
    for (int i = 0; i < 3; i++) {
        step = (int64_t)ug_rand_below(10);
        total += step;
        reflect_func_call(f, &arg, 1, &out, &err);
    }
    assert_int_equal(total, u.Age);
    assert_int_equal(total, out);
    reflect_string_t name = reflect_str("bo");
    reflect_value_t nv = reflect_value_of(T_STRING, &name);
    assert_int_equal(0, reflect_call_by_name(reflect_value_at(User_type(), &u), "Rename", &nv, 1,
                                             NULL, &err));
    assert_int_equal(2, u.Name.len);
    assert_int_equal(-ENOENT,
                     reflect_value_method_by_name(reflect_value_of(User_type(), &u), "Rename", &f));
    int64_t n = 0;
    assert_int_equal(-EINVAL, reflect_value_method_by_name(reflect_value_of(REFLECT_T(INT64), &n),
                                                           "Rename", &f));
}

UG_TEST_GROUP(
    reflect_call, NULL, NULL, cmocka_unit_test(test_call_by_name_passes_and_returns_strings),
    cmocka_unit_test(test_call_passes_floats_and_small_integers_in_their_registers),
    cmocka_unit_test(test_small_integer_and_bool_results_are_narrowed_before_they_are_stored),
    cmocka_unit_test(test_struct_and_slice_arguments_are_passed_by_value),
    cmocka_unit_test(test_interface_parameters_take_any_value_with_its_type),
    cmocka_unit_test(test_calls_with_wrong_arguments_fail_before_calling),
    cmocka_unit_test(test_method_value_binds_its_receiver));
