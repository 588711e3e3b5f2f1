/*
 * dispatch.c — tests of sealing descriptors, building itabs and calling
 * methods through them.
 *
 * Receivers, arguments and the method sets of the descriptors a test makes
 * beside the zoo come from the seed; the zoo's own out-of-order declarations
 * are checked under every seed.
 *
 * Interface: zoo_init → iface_from → iface_call; iface_getitab to look at
 * the itab itself.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/labtest.h>

#include "iface.h"
#include "zoo.h"

/* Draws n distinct pool names (min <= n <= ZOO_NPOOL) into out, in a seeded
 * order that is never already sorted; sets *mask to the pool indices drawn.
 * Returns n. */
static size_t draw_names(size_t min, const char **out, unsigned *mask)
{
    size_t n = min + ug_rand_below(ZOO_NPOOL + 1 - min), k = 0;
    unsigned m = 0;
    while (k < n) {
        size_t i = ug_rand_below(ZOO_NPOOL);
        if (!(m >> i & 1)) {
            m |= 1u << i;
            out[k++] = zoo_pool[i];
        }
    }
    if (strcmp(out[0], out[1]) < 0) { /* at least one pair out of order */
        const char *t = out[0];
        out[0] = out[1];
        out[1] = t;
    }
    *mask = m;
    return n;
}

/* The pool names of mask in sorted order, each followed by a space. */
static void sorted_names(unsigned mask, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t k = 0; k < ZOO_NPOOL; k++)
        if (mask >> k & 1)
            zoo_appendf(buf, cap, "%s ", zoo_pool[k]);
}

/* The same call site reaches Dog.Speak or Cat.Speak depending on the itab. */
static void test_method_call_dispatches_through_the_itab_to_the_concrete_method(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    pet_t rex = {(intptr_t)ug_rand_below(1000)}, tom = {(intptr_t)ug_rand_below(1000)};
    intptr_t arg = (intptr_t)ug_rand_below(1000) - 500;
    int speak = iface_method_index(&z.speaker, "Speak");
    assert_int_equal(0, speak);

    iface_t v;
    intptr_t r = 0;
    assert_int_equal(0, iface_from(&z.speaker, &z.dog, &rex, &v));
    assert_int_equal(0, iface_call(v, (size_t)speak, arg, &r));
    assert_int_equal(1000 + rex.id + arg, r);

    assert_int_equal(0, iface_from(&z.speaker, &z.cat, &tom, &v));
    assert_int_equal(0, iface_call(v, (size_t)speak, arg + 1, &r));
    assert_int_equal(2000 + tom.id + arg + 1, r);

    /* An index past the interface's methods is refused, not followed. */
    assert_int_equal(-EINVAL, iface_call(v, 1, 0, &r));
}

/* *main.File has five methods declared out of order; io.ReadWriter wants
 * two, also out of order. The itab holds exactly Read then Write. Then a
 * seeded interface of some of File's methods, declared in reverse order:
 * its itab holds each of them, in sorted order. */
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
    assert_true(tab->hash == z.file.hash); /* the hash's value is the implementation's */
    assert_null(tab->missing);
    assert_int_equal(2, tab->nfun);
    assert_string_equal("File.Read", zoo_fn_name(tab->fun[0]));
    assert_string_equal("File.Write", zoo_fn_name(tab->fun[1]));

    int f = 42;
    intptr_t a = (intptr_t)ug_rand_below(100), b = (intptr_t)ug_rand_below(100);
    assert_int_equal(300 + a, tab->fun[0](&f, a));
    assert_int_equal(500 + b, tab->fun[1](&f, b));

    static const char *const file_names[5] = {"Close", "Flush", "Read", "Stat", "Write"};
    unsigned mask = 1 + (unsigned)ug_rand_below(31);
    const char *names[5];
    size_t n = 0;
    for (size_t k = 5; k-- > 0;)
        if (mask >> k & 1)
            names[n++] = file_names[k];
    iface_itype_t sub = {"main.Sub", names, n, 0};
    assert_int_equal(0, iface_itype_seal(&sub));
    assert_int_equal(0, iface_getitab(&sub, &z.file, &tab));
    assert_int_equal(n, tab->nfun);

    char want[256] = "", got[256] = "";
    for (size_t k = 0, slot = 0; k < 5; k++) {
        if (!(mask >> k & 1))
            continue;
        intptr_t arg = (intptr_t)ug_rand_below(100);
        zoo_appendf(want, sizeof want, "File.%s=%ld ", file_names[k], (long)(100 * (k + 1) + arg));
        iface_method_fn fn = slot < tab->nfun ? tab->fun[slot] : NULL;
        const char *name = zoo_fn_name(fn);
        zoo_appendf(got, sizeof got, "%s=%ld ", name, strcmp(name, "?") ? (long)fn(&f, arg) : 0);
        slot++;
    }
    assert_string_equal(want, got);
}

/* Sealing sorts both kinds of descriptor and refuses ambiguous ones: the
 * zoo's, then seeded sets of names in a seeded order, and the same sets
 * with one name declared twice, apart. */
static void test_sealing_sorts_method_names_and_rejects_duplicates(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    char want[256], got[256] = "";
    for (size_t i = 0; i < 5; i++)
        zoo_appendf(got, sizeof got, "%s ", z.file.methods[i].name);
    assert_string_equal("Close Flush Read Stat Write ", got);
    assert_string_equal("Read", z.rw.methods[0]);
    assert_string_equal("Write", z.rw.methods[1]);
    assert_int_equal(1, iface_method_index(&z.rw, "Write"));
    assert_int_equal(0, iface_method_index(&z.rw, "Read"));
    assert_int_equal(-ENOENT, iface_method_index(&z.rw, "Close"));

    /* A seeded type: its methods come out sorted. */
    const char *names[ZOO_NPOOL + 1] = {0};
    iface_method_t methods[ZOO_NPOOL + 1];
    unsigned mask;
    size_t n = draw_names(3, names, &mask);
    for (size_t i = 0; i < n; i++)
        methods[i] = (iface_method_t){names[i], rock_read};
    iface_type_t t = {"main.Seeded", 8, IFACE_KIND_STRUCT, methods, n, 0};
    assert_int_equal(0, iface_type_seal(&t));
    sorted_names(mask, want, sizeof want);
    got[0] = '\0';
    for (size_t i = 0; i < n; i++)
        zoo_appendf(got, sizeof got, "%s ", t.methods[i].name);
    assert_string_equal(want, got);

    /* A seeded interface: sorted too, and every pool name has its index. */
    const char *inames[ZOO_NPOOL + 1] = {0};
    n = draw_names(3, inames, &mask);
    iface_itype_t it = {"main.SeededI", inames, n, 0};
    assert_int_equal(0, iface_itype_seal(&it));
    sorted_names(mask, want, sizeof want);
    got[0] = '\0';
    for (size_t i = 0; i < n; i++)
        zoo_appendf(got, sizeof got, "%s ", it.methods[i]);
    assert_string_equal(want, got);
    want[0] = got[0] = '\0';
    for (size_t k = 0, rank = 0; k < ZOO_NPOOL; k++) {
        long at = mask >> k & 1 ? (long)rank++ : -ENOENT;
        zoo_appendf(want, sizeof want, "%ld ", at);
        zoo_appendf(got, sizeof got, "%d ", iface_method_index(&it, zoo_pool[k]));
    }
    assert_string_equal(want, got);

    /* One name declared twice, never next to each other. */
    n = draw_names(3, names, &mask);
    names[n] = names[ug_rand_below(n - 1)];
    for (size_t i = 0; i <= n; i++)
        methods[i] = (iface_method_t){names[i], rock_read};
    iface_type_t dup = {"main.Dup", 8, IFACE_KIND_STRUCT, methods, n + 1, 0};
    assert_int_equal(-EINVAL, iface_type_seal(&dup));

    n = draw_names(3, inames, &mask);
    inames[n] = inames[ug_rand_below(n - 1)];
    iface_itype_t badi = {"main.DupI", inames, n + 1, 0};
    assert_int_equal(-EINVAL, iface_itype_seal(&badi));

    static const size_t bad_sizes[] = {1, 2, 4, 16};
    iface_type_t shortptr = {
        "*main.Short", bad_sizes[ug_rand_below(4)], IFACE_KIND_PTR, NULL, 0, 0};
    assert_int_equal(-EINVAL, iface_type_seal(&shortptr));

    /* A type without methods is fine: it satisfies only method-less interfaces. */
    iface_type_t bare = {"main.Bare", 8, IFACE_KIND_INT, NULL, 0, 0};
    assert_int_equal(0, iface_type_seal(&bare));
}

UG_TEST_GROUP(iface_dispatch, NULL, NULL,
    ZOO_TEST(test_method_call_dispatches_through_the_itab_to_the_concrete_method),
    ZOO_TEST(test_itab_is_built_by_merging_sorted_method_sets_skipping_extra_methods),
    ZOO_TEST(test_sealing_sorts_method_names_and_rejects_duplicates));
