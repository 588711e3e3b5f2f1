/*
 * many.c — the itab cache under load, checked against a brute-force oracle.
 *
 * Hundreds of random concrete types and dozens of random interfaces are
 * drawn from one pool of method names (seeded by ug_rand). The oracle keeps
 * each method set as a bitmask: a type implements an interface iff the
 * interface's mask is a subset of the type's. Several types share a name,
 * so their hashes collide and only pointer identity tells them apart.
 *
 * Interface: zoo_fresh_cache → random descriptors → iface_getitab in random
 * order, compared with the oracle → iface_cache_stats.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <undergo/labtest.h>

#include "iface.h"
#include "../zoo.h"

#define NPOOL 12
#define NTYPES 300
#define NIFACES 30
#define NQUERIES 6000

/* The pool, in sorted order: index order is name order. */
static const char *const pool[NPOOL] = {
    "Close", "Do", "Flush", "Get", "Len", "Next",
    "Put", "Read", "Reset", "Stat", "String", "Write",
};

/* Two implementations per pool method; a type picks one of them, so an itab
 * holding another type's function is caught. Results encode (method, variant,
 * receiver id). */
#define IMPL(k)                                                                        \
    static intptr_t impl_a##k(void *r, intptr_t a) { return (k) * 100000 + *(int *)r * 10 + a * 0; } \
    static intptr_t impl_b##k(void *r, intptr_t a) { return (k) * 100000 + *(int *)r * 10 + 1 + a * 0; }
IMPL(0) IMPL(1) IMPL(2) IMPL(3) IMPL(4) IMPL(5) IMPL(6) IMPL(7) IMPL(8) IMPL(9) IMPL(10) IMPL(11)
#define FNS(k) {impl_a##k, impl_b##k}
static const iface_method_fn impls[NPOOL][2] = {
    FNS(0), FNS(1), FNS(2), FNS(3), FNS(4), FNS(5),
    FNS(6), FNS(7), FNS(8), FNS(9), FNS(10), FNS(11),
};

typedef struct world {
    iface_type_t types[NTYPES];
    iface_method_t methods[NTYPES][NPOOL];
    char names[NTYPES][16];
    unsigned mask[NTYPES];          /* oracle: which pool methods */
    unsigned variant[NTYPES];       /* oracle: bit k = impl_b for method k */
    int ids[NTYPES];                /* receivers */
    iface_itype_t ifaces[NIFACES];
    const char *inames[NIFACES][NPOOL];
    char iname[NIFACES][16];
    unsigned imask[NIFACES];
    const iface_itab_t *seen[NIFACES][NTYPES];
} world_t;

/* Fisher-Yates with the run's generator, so declaration order is random. */
static void shuffle_methods(iface_method_t *m, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = ug_rand_below(i);
        iface_method_t t = m[i - 1];
        m[i - 1] = m[j];
        m[j] = t;
    }
}

static void make_type(world_t *w, size_t i)
{
    /* One type in eight reuses an earlier type's name (same hash). */
    if (i > 0 && ug_rand_below(8) == 0)
        memmove(w->names[i], w->names[ug_rand_below(i)], sizeof(w->names[i]));
    else
        snprintf(w->names[i], sizeof(w->names[i]), "pkg.T%zu", i);
    w->mask[i] = (unsigned)ug_rand_below(1u << NPOOL);
    w->variant[i] = (unsigned)ug_rand_below(1u << NPOOL);
    w->ids[i] = (int)i;
    size_t n = 0;
    for (size_t k = 0; k < NPOOL; k++)
        if (w->mask[i] >> k & 1)
            w->methods[i][n++] = (iface_method_t){pool[k], impls[k][w->variant[i] >> k & 1]};
    shuffle_methods(w->methods[i], n);
    w->types[i] = (iface_type_t){w->names[i], sizeof(int), IFACE_KIND_INT, w->methods[i], n, 0};
}

static void make_iface(world_t *w, size_t i)
{
    /* 1 to 4 methods, so that a fair share of pairs match. */
    unsigned m = 0;
    size_t want = 1 + ug_rand_below(4);
    while ((size_t)__builtin_popcount(m) < want)
        m |= 1u << ug_rand_below(NPOOL);
    w->imask[i] = m;
    size_t n = 0;
    for (size_t k = NPOOL; k-- > 0;)   /* declared in reverse: seal must sort */
        if (m >> k & 1)
            w->inames[i][n++] = pool[k];
    snprintf(w->iname[i], sizeof(w->iname[i]), "pkg.I%zu", i);
    w->ifaces[i] = (iface_itype_t){w->iname[i], w->inames[i], n, 0};
}

/* Checks one lookup against the oracle. */
static void check_pair(world_t *w, size_t ii, size_t ti)
{
    const iface_itab_t *tab = NULL;
    int err = iface_getitab(&w->ifaces[ii], &w->types[ti], &tab);
    unsigned need = w->imask[ii], have = w->mask[ti];
    bool impl = (need & ~have) == 0;

    assert_int_equal(impl ? 0 : -ENOENT, err);
    assert_non_null(tab);
    assert_ptr_equal(&w->ifaces[ii], tab->inter);
    assert_ptr_equal(&w->types[ti], tab->type);
    if (w->seen[ii][ti])
        assert_ptr_equal(w->seen[ii][ti], tab);
    w->seen[ii][ti] = tab;
    if (!impl) {
        size_t first = (size_t)__builtin_ctz(need & ~have);   /* lowest = first sorted */
        assert_string_equal(pool[first], tab->missing);
        return;
    }
    assert_null(tab->missing);
    size_t slot = 0;
    for (size_t k = 0; k < NPOOL; k++) {
        if (!(need >> k & 1))
            continue;
        assert_true(tab->fun[slot] == impls[k][w->variant[ti] >> k & 1]);
        assert_int_equal((intptr_t)k * 100000 + (intptr_t)ti * 10 + (w->variant[ti] >> k & 1),
                         tab->fun[slot](&w->ids[ti], 0));
        slot++;
    }
    assert_int_equal(slot, tab->nfun);
}

static void test_hundreds_of_types_in_the_itab_cache_agree_with_a_brute_force_oracle(void **state)
{
    (void)state;
    world_t *w = calloc(1, sizeof(*w));
    assert_non_null(w);
    for (size_t i = 0; i < NTYPES; i++) {
        make_type(w, i);
        assert_int_equal(0, iface_type_seal(&w->types[i]));
    }
    for (size_t i = 0; i < NIFACES; i++) {
        make_iface(w, i);
        assert_int_equal(0, iface_itype_seal(&w->ifaces[i]));
    }

    size_t distinct = 0;
    for (size_t q = 0; q < NQUERIES; q++) {
        size_t ii = ug_rand_below(NIFACES), ti = ug_rand_below(NTYPES);
        distinct += w->seen[ii][ti] == NULL;
        check_pair(w, ii, ti);
    }
    /* Every pair once more, after all the growing: nothing was lost. */
    for (size_t ii = 0; ii < NIFACES; ii++)
        for (size_t ti = 0; ti < NTYPES; ti++)
            if (w->seen[ii][ti])
                check_pair(w, ii, ti);

    iface_cache_stats_t s;
    iface_cache_stats(&s);
    assert_int_equal(distinct, s.entries);
    assert_int_equal(distinct, s.misses);
    assert_int_equal(NQUERIES, s.hits);
    free(w);
}

/* Two packages may both declare `T`: same name, same hash, different types. */
static void test_types_with_the_same_name_stay_distinct_in_cache_and_assertions(void **state)
{
    (void)state;
    iface_method_t m1[] = {{"Read", impl_a7}}, m2[] = {{"Read", impl_b7}};
    iface_type_t t1 = {"pkg.T", sizeof(int), IFACE_KIND_INT, m1, 1, 0};
    iface_type_t t2 = {"pkg.T", sizeof(int), IFACE_KIND_INT, m2, 1, 0};
    const char *names[] = {"Read"};
    iface_itype_t reader = {"io.Reader", names, 1, 0};
    assert_int_equal(0, iface_type_seal(&t1));
    assert_int_equal(0, iface_type_seal(&t2));
    assert_int_equal(0, iface_itype_seal(&reader));
    assert_int_equal(t1.hash, t2.hash);

    const iface_itab_t *a = NULL, *b = NULL;
    assert_int_equal(0, iface_getitab(&reader, &t1, &a));
    assert_int_equal(0, iface_getitab(&reader, &t2, &b));
    assert_ptr_not_equal(a, b);
    assert_true(a->fun[0] == impl_a7);
    assert_true(b->fun[0] == impl_b7);

    int x = 1;
    iface_any_t v = iface_any_from(&t2, &x);
    assert_false(iface_assert_type_ok(v, &t1, NULL));
    assert_true(iface_assert_type_ok(v, &t2, NULL));
    iface_case_t cases[] = {{.type = &t1}, {.type = &t2}};
    assert_int_equal(1, iface_switch(v, cases, 2));

    /* A crowd of namesakes fills the table; each keeps its own itab. */
    enum { CROWD = 200 };
    iface_type_t *crowd = calloc(CROWD, sizeof(*crowd));
    const iface_itab_t *tabs[CROWD];
    assert_non_null(crowd);
    for (size_t i = 0; i < CROWD; i++) {
        crowd[i] = (iface_type_t){"pkg.T", sizeof(int), IFACE_KIND_INT, i % 2 ? m1 : m2, 1, 0};
        assert_int_equal(0, iface_type_seal(&crowd[i]));
        assert_int_equal(0, iface_getitab(&reader, &crowd[i], &tabs[i]));
        assert_ptr_equal(&crowd[i], tabs[i]->type);
    }
    for (size_t i = CROWD; i-- > 0;) {
        const iface_itab_t *again = NULL;
        assert_int_equal(0, iface_getitab(&reader, &crowd[i], &again));
        assert_ptr_equal(tabs[i], again);
        assert_true(again->fun[0] == (i % 2 ? impl_a7 : impl_b7));
    }
    iface_cache_stats_t s;
    iface_cache_stats(&s);
    assert_int_equal(CROWD + 2, s.entries);
    free(crowd);
}

UG_TEST_GROUP(iface_many, NULL, NULL,
    ZOO_TEST(test_hundreds_of_types_in_the_itab_cache_agree_with_a_brute_force_oracle),
    ZOO_TEST(test_types_with_the_same_name_stay_distinct_in_cache_and_assertions));
