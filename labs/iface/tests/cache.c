/*
 * cache.c — tests of the global itab cache: hits, negative entries, reset.
 *
 * Every test starts from an empty cache (zoo_fresh_cache), so the counters
 * it reads are its own.
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

/* The first lookup builds (a miss); later lookups, also the ones made by
 * conversions and assertions, return the very same itab (hits). */
static void test_itab_cache_returns_the_identical_itab_on_the_second_lookup_and_counts_a_hit(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    pet_t rex = {1};
    const iface_itab_t *first = NULL, *second = NULL;

    assert_int_equal(0, iface_getitab(&z.speaker, &z.dog, &first));
    iface_cache_stats_t s = stats();
    assert_int_equal(0, s.hits);
    assert_int_equal(1, s.misses);
    assert_int_equal(1, s.entries);
    assert_true(s.capacity > 0);

    assert_int_equal(0, iface_getitab(&z.speaker, &z.dog, &second));
    assert_non_null(first);
    assert_ptr_equal(first, second);
    s = stats();
    assert_int_equal(1, s.hits);
    assert_int_equal(1, s.misses);
    assert_int_equal(1, s.entries);

    iface_t v, w;
    assert_int_equal(0, iface_from(&z.speaker, &z.dog, &rex, &v));
    assert_true(iface_assert_iface_ok(iface_any_from(&z.dog, &rex), &z.speaker, &w));
    assert_ptr_equal(first, v.tab);
    assert_ptr_equal(first, w.tab);
    s = stats();
    assert_int_equal(3, s.hits);
    assert_int_equal(1, s.misses);

    /* A different pair is a different entry. */
    assert_int_equal(0, iface_getitab(&z.speaker, &z.cat, &second));
    assert_ptr_not_equal(first, second);
    assert_int_equal(2, stats().entries);
}

/* A failed match is remembered: asking again is a hit that still fails
 * and still knows which method is missing. */
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

    assert_false(iface_assert_iface_ok(iface_any_from(&z.rock, &stone), &z.rw, &v));
    assert_int_equal(-ENOENT, iface_getitab(&z.rw, &z.rock, &tab));
    s = stats();
    assert_int_equal(1, s.misses);
    assert_int_equal(2, s.hits);
    assert_int_equal(1, s.entries);

    assert_non_null(tab);
    assert_string_equal("Write", tab->missing);
    assert_ptr_equal(&z.rock, tab->type);
    assert_null(tab->fun[0]);
}

/* After a reset the cache is empty and the next lookup builds again. */
static void test_cache_reset_empties_the_cache_and_the_next_lookup_rebuilds(void **state)
{
    (void)state;
    zoo_t z;
    assert_int_equal(0, zoo_init(&z));
    const iface_itab_t *tab = NULL;

    assert_int_equal(0, iface_getitab(&z.rw, &z.file, &tab));
    assert_int_equal(-ENOENT, iface_getitab(&z.speaker, &z.file, &tab));
    assert_int_equal(2, stats().entries);

    iface_cache_reset();
    iface_cache_stats_t s = stats();
    assert_int_equal(0, s.entries);
    assert_int_equal(0, s.hits);
    assert_int_equal(0, s.misses);

    assert_int_equal(0, iface_getitab(&z.rw, &z.file, &tab));
    assert_true(tab->fun[1] == file_write);
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
