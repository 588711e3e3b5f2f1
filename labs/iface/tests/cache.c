/*
 * cache.c — tests of the global itab cache: hits, negative entries, reset.
 *
 * Every test starts from an empty cache (zoo_fresh_cache), so the counters
 * it reads are its own. Which pairs, how many lookups and by which route
 * come from the seed.
 *
 * Interface: iface_getitab / iface_from / iface_assert_iface →
 * iface_cache_stats → iface_cache_reset.
 */
#include <errno.h>

#include <undergo/labtest.h>

#include "iface.h"
#include "zoo.h"

static iface_cache_stats_t stats(void)
{
    iface_cache_stats_t s;
    iface_cache_stats(&s);
    return s;
}

/* One more lookup of (it, t) by a seeded route: iface_getitab, a conversion
 * or an assertion. Returns the itab it gave (NULL if none). */
static const iface_itab_t *lookup_by_any_route(const iface_itype_t *it, const iface_type_t *t,
                                               void *data)
{
    const iface_itab_t *tab = NULL;
    iface_t v = {0};
    switch (ug_rand_below(3)) {
    case 0: iface_getitab(it, t, &tab); return tab;
    case 1: iface_from(it, t, data, &v); return v.tab;
    default: iface_assert_iface_ok(iface_any_from(t, data), it, &v); return v.tab;
    }
}

/* The first lookup builds (a miss); later lookups, also the ones made by
 * conversions and assertions, return the very same itab (hits). Which pet,
 * how many more lookups and by which route come from the seed. */
static void test_itab_cache_returns_the_identical_itab_on_the_second_lookup_and_counts_a_hit(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    size_t k = ug_rand_below(2) ? ZOO_CAT : ZOO_DOG;
    iface_type_t *pet = zoo_type(&z, k), *other = zoo_type(&z, ZOO_CAT + ZOO_DOG - k);
    pet_t rex = {(intptr_t)ug_rand_below(1000)};
    const iface_itab_t *first = NULL, *second = NULL;

    assert_int_equal(0, iface_getitab(&z.speaker, pet, &first));
    iface_cache_stats_t s = stats();
    assert_int_equal(0, s.hits);
    assert_int_equal(1, s.misses);
    assert_int_equal(1, s.entries);
    assert_true(s.capacity > 0);

    assert_int_equal(0, iface_getitab(&z.speaker, pet, &second));
    assert_non_null(first);
    assert_ptr_equal(first, second);
    s = stats();
    assert_int_equal(1, s.hits);
    assert_int_equal(1, s.misses);
    assert_int_equal(1, s.entries);

    iface_t v, w;
    intptr_t r = 0, arg = (intptr_t)ug_rand_below(1000);
    assert_int_equal(0, iface_from(&z.speaker, pet, &rex, &v));
    assert_true(iface_assert_iface_ok(iface_any_from(pet, &rex), &z.speaker, &w));
    assert_ptr_equal(first, v.tab);
    assert_ptr_equal(first, w.tab);
    assert_int_equal(0, iface_call(w, 0, arg, &r));
    assert_int_equal((k == ZOO_CAT ? 2000 : 1000) + rex.id + arg, r);
    s = stats();
    assert_int_equal(3, s.hits);
    assert_int_equal(1, s.misses);

    size_t more = 1 + ug_rand_below(12), same = 0;
    for (size_t i = 0; i < more; i++)
        same += lookup_by_any_route(&z.speaker, pet, &rex) == first;
    assert_int_equal(more, same);
    s = stats();
    assert_int_equal(3 + more, s.hits);
    assert_int_equal(1, s.misses);
    assert_int_equal(1, s.entries);

    /* A different pair is a different entry. */
    assert_int_equal(0, iface_getitab(&z.speaker, other, &second));
    assert_ptr_not_equal(first, second);
    assert_int_equal(2, stats().entries);
}

/* The number of non-NULL function slots of tab, an itab for interface it. */
static size_t live_slots(const iface_itab_t *tab, const iface_itype_t *it)
{
    size_t n = 0;
    for (size_t i = 0; tab && i < it->nmethods; i++)
        n += tab->fun[i] != NULL;
    return n;
}

/* A failed match is remembered: asking again is a hit that still fails
 * and still knows which method is missing. main.Rock against
 * io.ReadWriter (it has Read, it lacks Write) asked a seeded number of
 * times, then a seeded other pair that does not match. */
static void test_failed_itab_lookup_is_cached_as_a_negative_entry(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    int stone = 0;
    iface_t v;
    const iface_itab_t *tab = NULL;

    assert_false(iface_assert_iface_ok(iface_any_from(&z.rock, &stone), &z.rw, &v));
    iface_cache_stats_t s = stats();
    assert_int_equal(1, s.misses);
    assert_int_equal(0, s.hits);
    assert_int_equal(1, s.entries);

    size_t again = 1 + ug_rand_below(12), refused = 0;
    for (size_t i = 0; i < again; i++)
        refused += !iface_assert_iface_ok(iface_any_from(&z.rock, &stone), &z.rw, &v);
    assert_int_equal(again, refused);
    assert_int_equal(-ENOENT, iface_getitab(&z.rw, &z.rock, &tab));
    s = stats();
    assert_int_equal(1, s.misses);
    assert_int_equal(again + 1, s.hits);
    assert_int_equal(1, s.entries);

    assert_non_null(tab);
    assert_string_equal("Write", tab->missing);
    assert_ptr_equal(&z.rock, tab->type);
    assert_int_equal(0, live_slots(tab, &z.rw));

    static const struct {
        size_t type;
        int speaker;
        const char *missing;
    } misses[] = {
        {ZOO_FILE, 1, "Speak"},
        {ZOO_ROCK, 1, "Speak"},
        {ZOO_DOG, 0, "Read"},
        {ZOO_CAT, 0, "Read"},
    };
    size_t m = ug_rand_below(4);
    const iface_itype_t *it = misses[m].speaker ? &z.speaker : &z.rw;
    assert_int_equal(-ENOENT, iface_getitab(it, zoo_type(&z, misses[m].type), &tab));
    assert_int_equal(-ENOENT, iface_getitab(it, zoo_type(&z, misses[m].type), &tab));
    assert_non_null(tab);
    assert_string_equal(misses[m].missing, tab->missing);
    assert_string_equal(zoo_type(&z, misses[m].type)->name, tab->type ? tab->type->name : "");
    assert_int_equal(0, live_slots(tab, it));
    s = stats();
    assert_int_equal(2, s.misses);
    assert_int_equal(again + 2, s.hits);
    assert_int_equal(2, s.entries);
}

/* After a reset the cache is empty and the next lookup builds again. The
 * cache holds two fixed pairs and a seeded set of others, some asked more
 * than once, before the reset. */
static void test_cache_reset_empties_the_cache_and_the_next_lookup_rebuilds(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    const iface_itab_t *tab = NULL;

    assert_int_equal(0, iface_getitab(&z.rw, &z.file, &tab));
    assert_int_equal(-ENOENT, iface_getitab(&z.speaker, &z.file, &tab));
    assert_int_equal(2, stats().entries);

    size_t pairs = 0, asks = 0;
    for (size_t k = 0; k < ZOO_NTYPES; k++) {
        for (int sp = 0; sp < 2; sp++) {
            size_t n = k == ZOO_FILE ? 0 : ug_rand_below(3);
            for (size_t i = 0; i < n; i++)
                iface_getitab(sp ? &z.speaker : &z.rw, zoo_type(&z, k), &tab);
            pairs += n > 0;
            asks += n;
        }
    }
    iface_cache_stats_t s = stats();
    assert_int_equal(2 + pairs, s.entries);
    assert_int_equal(2 + pairs, s.misses);
    assert_int_equal(asks - pairs, s.hits);

    iface_cache_reset();
    s = stats();
    assert_int_equal(0, s.entries);
    assert_int_equal(0, s.hits);
    assert_int_equal(0, s.misses);

    int fd = 3;
    intptr_t arg = (intptr_t)ug_rand_below(1000);
    assert_int_equal(0, iface_getitab(&z.rw, &z.file, &tab));
    assert_string_equal("File.Write", zoo_fn_name(tab->fun[1]));
    assert_int_equal(500 + arg, tab->fun[1](&fd, arg));
    s = stats();
    assert_int_equal(1, s.misses);
    assert_int_equal(0, s.hits);
    assert_int_equal(1, s.entries);
}

/* An interface case of a type switch is an assertion to that interface: it
 * asks the itab cache, and the counters move as for any lookup. k switches
 * (k from the seed) on a Dog over {case io.ReadWriter, case Speaker}: the
 * first builds two itabs (a negative one, then the match), every later one
 * finds both. */
static void test_type_switch_interface_cases_go_through_the_itab_cache(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    pet_t rex = {3};
    iface_case_t cases[] = {{.itype = &z.rw}, {.itype = &z.speaker}};
    uint64_t k = 2 + ug_rand_below(7), speaker = 0;

    for (uint64_t i = 0; i < k; i++)
        speaker += iface_switch(iface_any_from(&z.dog, &rex), cases, 2) == 1;
    iface_cache_stats_t s = stats();
    assert_int_equal(k, speaker);
    assert_int_equal(2, s.misses);
    assert_int_equal(2 * (k - 1), s.hits);
    assert_int_equal(2, s.entries);
}

UG_TEST_GROUP(iface_cache, NULL, NULL,
    ZOO_TEST(test_type_switch_interface_cases_go_through_the_itab_cache),
    ZOO_TEST(test_itab_cache_returns_the_identical_itab_on_the_second_lookup_and_counts_a_hit),
    ZOO_TEST(test_failed_itab_lookup_is_cached_as_a_negative_entry),
    ZOO_TEST(test_cache_reset_empties_the_cache_and_the_next_lookup_rebuilds));
