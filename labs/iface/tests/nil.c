/*
 * nil.c — tests of what an interface value holds, and of when it is nil.
 *
 * The gotcha: a function that returns a nil *T as an interface returns a
 * non-nil interface, because the interface still records the type T.
 *
 * Types, receivers, methods and arguments come from the seed.
 *
 * Interface: zoo_init → iface_from / iface_any_from → iface_is_nil.
 */
#include <errno.h>

#include <undergo/labtest.h>

#include "iface.h"
#include "zoo.h"

/* Like `func open() io.ReadWriter { var f *File; return f }`. */
static iface_t open_nothing(zoo_t *z)
{
    iface_t v = {0};
    assert_int_equal(0, iface_from(&z->rw, &z->file, NULL, &v));
    return v;
}

/* A nil *main.File in an io.ReadWriter is not a nil interface, and its
 * methods still run, with a NULL receiver (a seeded method and argument). */
static void test_interface_holding_a_typed_nil_pointer_is_not_nil(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    iface_t v = open_nothing(&z);
    intptr_t r = 0, arg = (intptr_t)ug_rand_below(1000);
    bool write = ug_rand_below(2);

    assert_false(iface_is_nil(v));
    assert_non_null(v.tab);
    assert_null(v.data);
    assert_int_equal(0, iface_call(v, (size_t)iface_method_index(&z.rw, write ? "Write" : "Read"),
                                   arg, &r));
    assert_int_equal(-(write ? 500 : 300) - arg, r);

    iface_any_t a = iface_to_any(v);
    assert_false(iface_any_is_nil(a));
    assert_ptr_equal(&z.file, a.type);
    assert_string_equal("*main.File", a.type ? a.type->name : "");
    assert_false(iface_any_is_nil(iface_any_from(&z.file, NULL)));
}

/* Only the zero value is nil; calling a method on it is refused. A value
 * that holds a seeded pet is not nil and its call answers. */
static void test_zero_interface_value_is_nil_and_refuses_method_calls(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    iface_t v = {0};
    intptr_t r = 0, arg = (intptr_t)ug_rand_below(1000);

    assert_true(iface_is_nil(v));
    assert_true(iface_any_is_nil((iface_any_t){0}));
    assert_true(iface_any_is_nil(iface_to_any(v)));
    assert_int_equal(-EFAULT, iface_call(v, ug_rand_below(3), arg, &r));

    size_t k = ug_rand_below(2) ? ZOO_CAT : ZOO_DOG;
    pet_t pet = {(intptr_t)ug_rand_below(1000)};
    assert_int_equal(0, iface_from(&z.speaker, zoo_type(&z, k), &pet, &v));
    assert_false(iface_is_nil(v));
    assert_false(iface_any_is_nil(iface_to_any(v)));
    assert_int_equal(0, iface_call(v, 0, arg, &r));
    assert_int_equal((k == ZOO_CAT ? 2000 : 1000) + pet.id + arg, r);

    v = (iface_t){0};
    assert_true(iface_is_nil(v));
    assert_int_equal(-EFAULT, iface_call(v, 0, arg, &r));
}

/* any holds (type descriptor, data): a value type keeps a pointer to the
 * value, a pointer type keeps the pointer itself. Which zoo type, and the
 * value, come from the seed. */
static void test_empty_interface_holds_the_type_descriptor_and_the_data_pointer(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    pet_t rex = {(intptr_t)ug_rand_below(1000)};
    int fd = (int)ug_rand_below(1000);
    size_t k = ug_rand_below(ZOO_NTYPES);

    iface_any_t a = iface_any_from(zoo_type(&z, k), &rex);
    assert_ptr_equal(zoo_type(&z, k), a.type);
    assert_string_equal(zoo_type(&z, k)->name, a.type ? a.type->name : "");
    assert_ptr_equal(&rex, a.data);
    assert_int_equal(rex.id, a.data ? ((pet_t *)a.data)->id : -1);
    assert_false(iface_any_is_nil(a));

    a = iface_any_from(&z.file, &fd);
    assert_ptr_equal(&z.file, a.type);
    assert_ptr_equal(&fd, a.data);
    assert_int_equal(fd, a.data ? *(int *)a.data : -1);

    /* From a non-empty interface, any keeps the dynamic type, not the itab. */
    iface_t v;
    k = ug_rand_below(2) ? ZOO_CAT : ZOO_DOG;
    assert_int_equal(0, iface_from(&z.speaker, zoo_type(&z, k), &rex, &v));
    a = iface_to_any(v);
    assert_ptr_equal(zoo_type(&z, k), a.type);
    assert_string_equal(zoo_type(&z, k)->name, a.type ? a.type->name : "");
    assert_ptr_equal(&rex, a.data);
}

/* switch err.(type) { case nil: ... case *File: ... }: an interface that
 * holds a typed nil pointer has a type, so `case nil` does not take it; the
 * first case its type matches does. Only the zero value takes `case nil`.
 * The three cases sit at seeded places among others, three times over. */
static void test_type_switch_nil_case_skips_an_interface_holding_a_typed_nil_pointer(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    for (int round = 0; round < 3; round++) {
        /* nil, *File and rw at three seeded slots of 3 to 7 cases; the
         * others are concrete types that match neither value */
        size_t n = 3 + ug_rand_below(5), at[3]; /* at[0]: nil, at[1]: *File, at[2]: rw */
        iface_case_t cases[7];
        for (size_t i = 0; i < n; i++)
            cases[i] = (iface_case_t){.type = ug_rand_below(2) ? &z.dog : &z.rock};
        at[0] = ug_rand_below(n);
        do
            at[1] = ug_rand_below(n);
        while (at[1] == at[0]);
        do
            at[2] = ug_rand_below(n);
        while (at[2] == at[0] || at[2] == at[1]);
        cases[at[0]] = (iface_case_t){0};
        cases[at[1]] = (iface_case_t){.type = &z.file};
        cases[at[2]] = (iface_case_t){.itype = &z.rw};
        size_t first_typed = at[1] < at[2] ? at[1] : at[2];

        assert_int_equal(first_typed, iface_switch(iface_to_any(open_nothing(&z)), cases, n));
        assert_int_equal(first_typed, iface_switch(iface_any_from(&z.file, NULL), cases, n));
        assert_int_equal(at[0], iface_switch((iface_any_t){0}, cases, n));
    }

    /* Whatever the seed drew, `case nil` also comes first once: a switch
     * that lets it take a typed nil shows only where it is tried first. */
    const iface_case_t nil_first[2] = {{0}, {.type = &z.file}};
    assert_int_equal(1, iface_switch(iface_any_from(&z.file, NULL), nil_first, 2));
}

UG_TEST_GROUP(iface_nil, NULL, NULL,
    ZOO_TEST(test_type_switch_nil_case_skips_an_interface_holding_a_typed_nil_pointer),
    ZOO_TEST(test_interface_holding_a_typed_nil_pointer_is_not_nil),
    ZOO_TEST(test_zero_interface_value_is_nil_and_refuses_method_calls),
    ZOO_TEST(test_empty_interface_holds_the_type_descriptor_and_the_data_pointer));
