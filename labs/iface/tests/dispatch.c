/*
 * dispatch.c — tests of sealing descriptors, building itabs and calling
 * methods through them.
 *
 * Interface: zoo_init → iface_from → iface_call; iface_getitab to look at
 * the itab itself.
 */
#include <errno.h>

#include <undergo/labtest.h>

#include "iface.h"
#include "zoo.h"

/* The same call site reaches Dog.Speak or Cat.Speak depending on the itab. */
static void test_method_call_dispatches_through_the_itab_to_the_concrete_method(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    pet_t rex = {7}, tom = {9};
    int speak = iface_method_index(&z.speaker, "Speak");
    assert_int_equal(0, speak);

    iface_t v;
    intptr_t r = 0;
    assert_int_equal(0, iface_from(&z.speaker, &z.dog, &rex, &v));
    assert_int_equal(0, iface_call(v, (size_t)speak, 5, &r));
    assert_int_equal(1000 + 7 + 5, r);

    assert_int_equal(0, iface_from(&z.speaker, &z.cat, &tom, &v));
    assert_int_equal(0, iface_call(v, (size_t)speak, 5, &r));
    assert_int_equal(2000 + 9 + 5, r);

    /* An index past the interface's methods is refused, not followed. */
    assert_int_equal(-EINVAL, iface_call(v, 1, 0, &r));
}

/* *main.File has five methods declared out of order; io.ReadWriter wants
 * two, also out of order. The itab holds exactly Read then Write. */
static void test_itab_is_built_by_merging_sorted_method_sets_skipping_extra_methods(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    const iface_itab_t *tab = NULL;
    assert_int_equal(0, iface_getitab(&z.rw, &z.file, &tab));
    assert_non_null(tab);
    assert_ptr_equal(&z.rw, tab->inter);
    assert_ptr_equal(&z.file, tab->type);
    assert_int_equal(z.file.hash, tab->hash);
    assert_null(tab->missing);
    assert_int_equal(2, tab->nfun);
    assert_true(tab->fun[0] == file_read);
    assert_true(tab->fun[1] == file_write);

    int f = 42;
    assert_int_equal(301, tab->fun[0](&f, 1));
    assert_int_equal(502, tab->fun[1](&f, 2));
}

/* Sealing sorts both kinds of descriptor and refuses ambiguous ones. */
static void test_sealing_sorts_method_names_and_rejects_duplicates(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    const char *want[] = {"Close", "Flush", "Read", "Stat", "Write"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(want[i], z.file.methods[i].name);
    assert_string_equal("Read", z.rw.methods[0]);
    assert_string_equal("Write", z.rw.methods[1]);
    assert_int_equal(1, iface_method_index(&z.rw, "Write"));
    assert_int_equal(0, iface_method_index(&z.rw, "Read"));
    assert_int_equal(-ENOENT, iface_method_index(&z.rw, "Close"));

    iface_method_t dup[] = {{"Read", file_read}, {"Close", file_close}, {"Read", rock_read}};
    iface_type_t bad = {"main.Dup", 8, IFACE_KIND_STRUCT, dup, 3, 0};
    assert_int_equal(-EINVAL, iface_type_seal(&bad));

    const char *dupnames[] = {"Read", "Read"};
    iface_itype_t badi = {"main.DupI", dupnames, 2, 0};
    assert_int_equal(-EINVAL, iface_itype_seal(&badi));

    iface_type_t shortptr = {"*main.Short", 4, IFACE_KIND_PTR, NULL, 0, 0};
    assert_int_equal(-EINVAL, iface_type_seal(&shortptr));

    /* A type without methods is fine: it satisfies only method-less interfaces. */
    iface_type_t bare = {"main.Bare", 8, IFACE_KIND_INT, NULL, 0, 0};
    assert_int_equal(0, iface_type_seal(&bare));
}

UG_TEST_GROUP(iface_dispatch, NULL, NULL,
    ZOO_TEST(test_method_call_dispatches_through_the_itab_to_the_concrete_method),
    ZOO_TEST(test_itab_is_built_by_merging_sorted_method_sets_skipping_extra_methods),
    ZOO_TEST(test_sealing_sorts_method_names_and_rejects_duplicates));
