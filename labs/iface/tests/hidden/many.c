/*
 * many.c — the itab cache under load, checked against a brute-force oracle.
 *
 * Hundreds of random concrete types and dozens of random interfaces are
 * drawn from one pool of method names (seeded by ug_rand). The oracle keeps
 * each method set as a bitmask: a type implements an interface iff the
 * interface's mask is a subset of the type's. Several types share a name,
 * so their hashes collide and only pointer identity tells them apart.
 *
 * Each lookup's outcome is written as a line of text; the first few lines
 * are checked one by one and all of them through one digest, so a run of
 * thousands of lookups makes a handful of checks. The oracle is evaluated
 * only where the expected values are (the judging build).
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
    uint16_t qi[NQUERIES], qt[NQUERIES];       /* the queries, in order */
    bool asked[NIFACES][NTYPES];               /* input: the pair is among the queries */
    const iface_itab_t *seen[NIFACES][NTYPES]; /* what the first lookup of the pair gave */
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

/* Index of p in the array base[0..n) of elements of size sz, or -1. */
static long index_in(const void *p, const void *base, size_t n, size_t sz)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;
    if (a < b || a >= b + n * sz || (a - b) % sz)
        return -1;
    return (long)((a - b) / sz);
}

/* "k.v" for impls[k][v], or "?" for any other function. */
static void impl_name(iface_method_fn fn, char *out, size_t cap)
{
    for (size_t k = 0; k < NPOOL; k++)
        for (size_t v = 0; v < 2; v++)
            if (impls[k][v] == fn) {
                snprintf(out, cap, "%zu.%zu", k, v);
                return;
            }
    snprintf(out, cap, "?");
}

/* What the lookup of (ii, ti) gave, as one line of text: the error, which
 * interface and type the itab names, whether it is the itab the pair's
 * first lookup gave (first/same/new), then the missing method and how many
 * slots are set, or slot by slot the implementation and its answer. */
static void lookup(world_t *w, size_t ii, size_t ti, char *out, size_t cap)
{
    const iface_itab_t *tab = NULL;
    int err = iface_getitab(&w->ifaces[ii], &w->types[ti], &tab);
    const char *again = !w->seen[ii][ti] ? "first" : w->seen[ii][ti] == tab ? "same" : "new";
    if (!w->seen[ii][ti])
        w->seen[ii][ti] = tab;
    if (!tab) {
        snprintf(out, cap, "%d no itab;", err);
        return;
    }
    int len = snprintf(out, cap, "%d I%ld T%ld %s", err,
                       index_in(tab->inter, w->ifaces, NIFACES, sizeof(w->ifaces[0])),
                       index_in(tab->type, w->types, NTYPES, sizeof(w->types[0])), again);
    size_t nfun = w->ifaces[ii].nmethods;
    if (tab->missing) {
        size_t set = 0;
        for (size_t slot = 0; slot < nfun; slot++)
            set += tab->fun[slot] != NULL;
        len += snprintf(out + len, cap - (size_t)len, " missing %s %zu", tab->missing, set);
    }
    for (size_t slot = 0; !tab->missing && slot < nfun && (size_t)len < cap; slot++) {
        char name[16];
        impl_name(tab->fun[slot], name, sizeof name);
        long answer = strcmp(name, "?") ? (long)tab->fun[slot](&w->ids[ti], 0) : 0;
        len += snprintf(out + len, cap - (size_t)len, " %s=%ld", name, answer);
    }
    snprintf(out + len, cap - (size_t)len, " nfun %zu;", tab->nfun);
}

/* The oracle's line for the lookup of (ii, ti); first says whether it is
 * the pair's first lookup. Built from the masks alone. The oracle's
 * functions are evaluated only by the judging build. */
__attribute__((unused)) static void oracle_line(const world_t *w, size_t ii, size_t ti, bool first,
                                                char *out, size_t cap)
{
    unsigned need = w->imask[ii], have = w->mask[ti];
    bool impl = (need & ~have) == 0;
    int len = snprintf(out, cap, "%d I%zu T%zu %s", impl ? 0 : -ENOENT, ii, ti,
                       first ? "first" : "same");
    if (!impl)
        len += snprintf(out + len, cap - (size_t)len, " missing %s 0",
                        pool[__builtin_ctz(need & ~have)]); /* lowest = first sorted */
    for (size_t k = 0; impl && k < NPOOL; k++) {
        unsigned v = w->variant[ti] >> k & 1;
        if (need >> k & 1)
            len += snprintf(out + len, cap - (size_t)len, " %zu.%u=%ld", k, v,
                            (long)(k * 100000 + ti * 10 + v));
    }
    snprintf(out + len, cap - (size_t)len, " nfun %d;", __builtin_popcount(need));
}

/* FNV-1a, 64 bits, of s, continuing from h. */
static uint64_t fnv(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

#define FNV_START 0xcbf29ce484222325ull

/* The oracle's line for query q, in buf. */
__attribute__((unused)) static const char *oracle_query(const world_t *w, size_t q, char *buf,
                                                        size_t cap)
{
    bool first = true;
    for (size_t p = 0; p < q; p++)
        first &= w->qi[p] != w->qi[q] || w->qt[p] != w->qt[q];
    oracle_line(w, w->qi[q], w->qt[q], first, buf, cap);
    return buf;
}

/* The oracle's digest of every lookup the test makes, in order: the
 * queries, then every pair asked, once more. */
__attribute__((unused)) static uint64_t oracle_digest(const world_t *w)
{
    bool met[NIFACES][NTYPES] = {{0}};
    char line[256];
    uint64_t h = FNV_START;
    for (size_t q = 0; q < NQUERIES; q++) {
        oracle_line(w, w->qi[q], w->qt[q], !met[w->qi[q]][w->qt[q]], line, sizeof line);
        met[w->qi[q]][w->qt[q]] = true;
        h = fnv(h, line);
    }
    for (size_t ii = 0; ii < NIFACES; ii++)
        for (size_t ti = 0; ti < NTYPES; ti++)
            if (w->asked[ii][ti]) {
                oracle_line(w, ii, ti, false, line, sizeof line);
                h = fnv(h, line);
            }
    return h;
}

/* The first few lookups are compared line by line, so that a wrong answer
 * reads plainly; all of them are compared through a digest. */
#define SHOWN 8

static void test_hundreds_of_types_in_the_itab_cache_agree_with_a_brute_force_oracle(void **state)
{
    (void)state;
    world_t *w = calloc(1, sizeof(*w));
    assert_non_null(w);
    int seal_errors = 0;
    for (size_t i = 0; i < NTYPES; i++) {
        make_type(w, i);
        seal_errors += iface_type_seal(&w->types[i]) != 0;
    }
    for (size_t i = 0; i < NIFACES; i++) {
        make_iface(w, i);
        seal_errors += iface_itype_seal(&w->ifaces[i]) != 0;
    }
    assert_int_equal(0, seal_errors);

    size_t distinct = 0;
    for (size_t q = 0; q < NQUERIES; q++) {
        w->qi[q] = (uint16_t)ug_rand_below(NIFACES);
        w->qt[q] = (uint16_t)ug_rand_below(NTYPES);
        distinct += !w->asked[w->qi[q]][w->qt[q]];
        w->asked[w->qi[q]][w->qt[q]] = true;
    }

    char line[256], want[256];
    uint64_t digest = FNV_START;
    for (size_t q = 0; q < NQUERIES; q++) {
        lookup(w, w->qi[q], w->qt[q], line, sizeof line);
        digest = fnv(digest, line);
        if (q < SHOWN)
            assert_string_equal(oracle_query(w, q, want, sizeof want), line);
    }
    /* Every pair once more, after all the growing: nothing was lost. */
    for (size_t ii = 0; ii < NIFACES; ii++)
        for (size_t ti = 0; ti < NTYPES; ti++)
            if (w->asked[ii][ti]) {
                lookup(w, ii, ti, line, sizeof line);
                digest = fnv(digest, line);
            }
    assert_int_equal(oracle_digest(w), digest);

    iface_cache_stats_t s;
    iface_cache_stats(&s);
    assert_int_equal(distinct, s.entries);
    assert_int_equal(distinct, s.misses);
    assert_int_equal(NQUERIES, s.hits);
    free(w);
}

/* The letter of the implementation an itab of io.Reader over a namesake
 * holds: 'a' (impl_a7), 'b' (impl_b7), '?' (anything else). */
static char letter(const iface_itab_t *tab)
{
    return !tab ? '-' : tab->fun[0] == impl_a7 ? 'a' : tab->fun[0] == impl_b7 ? 'b' : '?';
}

/* Two packages may both declare `T`: same name, same hash, different types.
 * The name, the receiver, the order of the switch's cases and how large a
 * crowd of namesakes fills the table (and which method each has) come from
 * the seed. */
static void test_types_with_the_same_name_stay_distinct_in_cache_and_assertions(void **state)
{
    (void)state;
    char tname[24];
    snprintf(tname, sizeof tname, "p%u.T", (unsigned)ug_rand_below(1000));
    iface_method_t m1[] = {{"Read", impl_a7}}, m2[] = {{"Read", impl_b7}};
    iface_type_t t1 = {tname, sizeof(int), IFACE_KIND_INT, m1, 1, 0};
    iface_type_t t2 = {tname, sizeof(int), IFACE_KIND_INT, m2, 1, 0};
    const char *names[] = {"Read"};
    iface_itype_t reader = {"io.Reader", names, 1, 0};
    assert_int_equal(0, iface_type_seal(&t1));
    assert_int_equal(0, iface_type_seal(&t2));
    assert_int_equal(0, iface_itype_seal(&reader));
    assert_true(t1.hash == t2.hash); /* the hash's value is the implementation's */

    const iface_itab_t *a = NULL, *b = NULL;
    assert_int_equal(0, iface_getitab(&reader, &t1, &a));
    assert_int_equal(0, iface_getitab(&reader, &t2, &b));
    assert_ptr_not_equal(a, b);
    assert_int_equal('a', letter(a));
    assert_int_equal('b', letter(b));
    int x = (int)ug_rand_below(1000);
    assert_int_equal(7 * 100000 + x * 10, a->fun[0](&x, 0));
    assert_int_equal(7 * 100000 + x * 10 + 1, b->fun[0](&x, 0));

    iface_any_t v = iface_any_from(&t2, &x);
    assert_false(iface_assert_type_ok(v, &t1, NULL));
    assert_true(iface_assert_type_ok(v, &t2, NULL));
    size_t at = ug_rand_below(2); /* where t2's case is */
    iface_case_t cases[2];
    cases[at] = (iface_case_t){.type = &t2};
    cases[1 - at] = (iface_case_t){.type = &t1};
    assert_int_equal(at, iface_switch(v, cases, 2));

    /* A crowd of namesakes fills the table; each keeps its own itab. */
    size_t crowd_n = 150 + ug_rand_below(101);
    iface_type_t *crowd = calloc(crowd_n, sizeof(*crowd));
    const iface_itab_t **tabs = calloc(crowd_n, sizeof(*tabs));
    char *want = calloc(crowd_n + 1, 1), *got = calloc(crowd_n + 1, 1);
    assert_true(crowd && tabs && want && got);
    for (size_t i = 0; i < crowd_n; i++) {
        bool first = ug_rand_below(2);
        want[i] = first ? 'a' : 'b';
        crowd[i] = (iface_type_t){tname, sizeof(int), IFACE_KIND_INT, first ? m1 : m2, 1, 0};
        int err = iface_type_seal(&crowd[i]);
        err = err ? err : iface_getitab(&reader, &crowd[i], &tabs[i]);
        got[i] = err || !tabs[i] || tabs[i]->type != &crowd[i] ? '!' : letter(tabs[i]);
    }
    for (size_t i = crowd_n; i-- > 0;) {
        const iface_itab_t *again = NULL;
        if (iface_getitab(&reader, &crowd[i], &again) || again != tabs[i] ||
            letter(again) != got[i])
            got[i] = '!';
    }
    assert_string_equal(want, got);
    iface_cache_stats_t s;
    iface_cache_stats(&s);
    assert_int_equal(crowd_n + 2, s.entries);
    free(crowd);
    free(tabs);
    free(want);
    free(got);
}

UG_TEST_GROUP(iface_many, NULL, NULL,
    ZOO_TEST(test_hundreds_of_types_in_the_itab_cache_agree_with_a_brute_force_oracle),
    ZOO_TEST(test_types_with_the_same_name_stay_distinct_in_cache_and_assertions));
