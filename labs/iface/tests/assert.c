/*
 * assert.c — tests of type assertions (to a concrete type and to an
 * interface, with and without ok) and of type switches.
 *
 * Interface: zoo_init → iface_any_from → iface_assert_* / iface_switch.
 */
#include <errno.h>

#include <undergo/labtest.h>

#include "iface.h"
#include "zoo.h"

/* x.(main.Dog) with ok: true with the data on a Dog, false and NULL on a
 * Cat or on nil. */
static void test_concrete_assertion_ok_form_reports_match_and_mismatch(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    pet_t rex = {1};
    iface_any_t a = iface_any_from(&z.dog, &rex);
    void *p = NULL;

    assert_true(iface_assert_type_ok(a, &z.dog, &p));
    assert_ptr_equal(&rex, p);

    p = &rex;
    assert_false(iface_assert_type_ok(a, &z.cat, &p));
    assert_null(p);

    p = &rex;
    assert_false(iface_assert_type_ok((iface_any_t){0}, &z.dog, &p));
    assert_null(p);
}

/* x.(main.Cat) without ok on a Dog fails the way Go panics, naming both. */
static void test_failed_concrete_assertion_names_the_dynamic_and_the_asserted_type(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    pet_t rex = {1};
    iface_any_t a = iface_any_from(&z.dog, &rex);
    char msg[128] = "";
    void *p = NULL;

    assert_int_equal(0, iface_assert_type(a, &z.dog, &p, msg, sizeof(msg)));
    assert_ptr_equal(&rex, p);

    assert_int_equal(-EINVAL, iface_assert_type(a, &z.cat, &p, msg, sizeof(msg)));
    assert_string_equal("interface conversion: interface {} is main.Dog, not main.Cat", msg);

    assert_int_equal(-EINVAL, iface_assert_type((iface_any_t){0}, &z.cat, &p, msg, sizeof(msg)));
    assert_string_equal("interface conversion: interface {} is nil, not main.Cat", msg);
}

/* x.(io.ReadWriter) on a *main.File gives an interface value whose calls
 * reach File's methods. */
static void test_assertion_to_interface_yields_a_callable_interface_value(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    int fd = 3;
    iface_any_t a = iface_any_from(&z.file, &fd);
    iface_t v;
    intptr_t r = 0;

    assert_true(iface_assert_iface_ok(a, &z.rw, &v));
    assert_ptr_equal(&z.file, v.tab->type);
    assert_ptr_equal(&fd, v.data);
    assert_int_equal(0, iface_call(v, (size_t)iface_method_index(&z.rw, "Write"), 2, &r));
    assert_int_equal(502, r);

    char msg[128] = "";
    v = (iface_t){0};
    assert_int_equal(0, iface_assert_iface(a, &z.rw, &v, msg, sizeof(msg)));
    assert_int_equal(0, iface_call(v, (size_t)iface_method_index(&z.rw, "Read"), 2, &r));
    assert_int_equal(302, r);
}

/* A type lacking a method fails the interface assertion; the message names
 * the first missing method in sorted order. */
static void test_missing_method_fails_the_interface_assertion_naming_the_method(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    int stone = 0;
    pet_t rex = {1};
    char msg[128] = "";
    iface_t v = {.data = &stone};

    assert_false(iface_assert_iface_ok(iface_any_from(&z.rock, &stone), &z.rw, &v));
    assert_true(iface_is_nil(v));

    assert_int_equal(-EINVAL, iface_assert_iface(iface_any_from(&z.rock, &stone), &z.rw, &v,
                                                 msg, sizeof(msg)));
    assert_string_equal("interface conversion: main.Rock is not io.ReadWriter: missing method Write",
                        msg);

    assert_int_equal(-EINVAL, iface_assert_iface(iface_any_from(&z.dog, &rex), &z.rw, &v,
                                                 msg, sizeof(msg)));
    assert_string_equal("interface conversion: main.Dog is not io.ReadWriter: missing method Read",
                        msg);

    assert_int_equal(-EINVAL, iface_assert_iface((iface_any_t){0}, &z.rw, &v, msg, sizeof(msg)));
    assert_string_equal("interface conversion: interface is nil, not io.ReadWriter", msg);

    /* Converting the Rock directly is refused as well, leaving a nil value. */
    assert_int_equal(-ENOENT, iface_from(&z.rw, &z.rock, &stone, &v));
    assert_true(iface_is_nil(v));
}

/* Cases are tried in order: a Dog matches `case Speaker` before the later,
 * exact `case Dog`; a nil value matches `case nil`. */
static void test_type_switch_picks_the_first_matching_case(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    pet_t rex = {1}, tom = {2};
    iface_case_t cases[] = {{.type = &z.cat}, {.itype = &z.speaker}, {.type = &z.dog}, {0}};

    assert_int_equal(1, iface_switch(iface_any_from(&z.dog, &rex), cases, 4));
    assert_int_equal(0, iface_switch(iface_any_from(&z.cat, &tom), cases, 4));
    assert_int_equal(3, iface_switch((iface_any_t){0}, cases, 4));

    iface_case_t exact_first[] = {{.type = &z.dog}, {.itype = &z.speaker}};
    assert_int_equal(0, iface_switch(iface_any_from(&z.dog, &rex), exact_first, 2));
}

/* No matching case: the result is n, the default branch. */
static void test_type_switch_falls_to_default_when_no_case_matches(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    int stone = 0;
    iface_case_t cases[] = {{.type = &z.dog}, {.itype = &z.speaker}, {.itype = &z.rw}, {.type = &z.cat}};

    assert_int_equal(4, iface_switch(iface_any_from(&z.rock, &stone), cases, 4));
    assert_int_equal(4, iface_switch((iface_any_t){0}, cases, 4));
    assert_int_equal(0, iface_switch(iface_any_from(&z.rock, &stone), cases, 0));

    iface_case_t both[] = {{.type = &z.dog, .itype = &z.speaker}};
    assert_int_equal(-EINVAL, iface_switch(iface_any_from(&z.rock, &stone), both, 1));
}

UG_TEST_GROUP(iface_assert, NULL, NULL,
    ZOO_TEST(test_concrete_assertion_ok_form_reports_match_and_mismatch),
    ZOO_TEST(test_failed_concrete_assertion_names_the_dynamic_and_the_asserted_type),
    ZOO_TEST(test_assertion_to_interface_yields_a_callable_interface_value),
    ZOO_TEST(test_missing_method_fails_the_interface_assertion_naming_the_method),
    ZOO_TEST(test_type_switch_picks_the_first_matching_case),
    ZOO_TEST(test_type_switch_falls_to_default_when_no_case_matches));
