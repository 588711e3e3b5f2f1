/*
 * test_stats.c — benchstat's statistics against examples worked by hand.
 *
 * Medians and their order-statistic intervals use Binomial(n, 1/2) tails:
 * for n = 6 the only finite 95% interval is [x(1), x(6)] with coverage
 * 1 - 2/64; for n = 10 it is [x(2), x(9)] with coverage 1 - 2·11/1024.
 * U-test p-values for tiny samples are counts over the C(n1+n2, n1) equally
 * likely splits of the pooled ranks.
 *
 * Interface: UG_TEST_GROUP(bench_stats, ...).
 */
#include <undergo/labtest.h>

#include "bench_test.h"
#include "benchstat.h"

#include <errno.h>
#include <math.h>

static void test_median_of_odd_sample_is_middle_value(void **state)
{
    const double x[] = {5, 1, 3};
    benchstat_summary_t s;

    (void)state;
    assert_int_equal(0, benchstat_summarize(x, 3, 0.95, &s));
    assert_near(3, s.center, 0);
    assert_int_equal(3, s.n);
    assert_near(5, x[0], 0); /* input left unsorted */
}

static void test_six_samples_give_full_range_interval_at_96_875_percent(void **state)
{
    const double x[] = {6, -10, 4, 2, 5, 3};
    benchstat_summary_t s;

    (void)state;
    assert_int_equal(0, benchstat_summarize(x, 6, 0.95, &s));
    assert_near(3.5, s.center, 1e-12);
    assert_true(s.ci_finite);
    assert_near(-10, s.lo, 0);
    assert_near(6, s.hi, 0);
    assert_near(1 - 2.0 / 64, s.confidence, 1e-12);
}

static void test_ten_samples_drop_one_value_at_each_end(void **state)
{
    const double x[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    benchstat_summary_t s;

    (void)state;
    assert_int_equal(0, benchstat_summarize(x, 10, 0.95, &s));
    assert_near(5.5, s.center, 1e-12);
    assert_near(2, s.lo, 0);
    assert_near(9, s.hi, 0);
    assert_near(1 - 22.0 / 1024, s.confidence, 1e-12);
}

static void test_five_samples_have_infinite_interval(void **state)
{
    const double x[] = {1, 2, 3, 4, 5};
    benchstat_summary_t s;

    (void)state;
    assert_int_equal(0, benchstat_summarize(x, 5, 0.95, &s));
    assert_false(s.ci_finite);
    assert_true(isinf(s.lo) && s.lo < 0);
    assert_true(isinf(s.hi) && s.hi > 0);
    assert_near(3, s.center, 0);
}

static void test_two_samples_at_level_zero_span_both_with_coverage_half(void **state)
{
    const double x[] = {2, 1};
    benchstat_summary_t s;

    (void)state;
    assert_int_equal(0, benchstat_summarize(x, 2, 0, &s));
    assert_near(1.5, s.center, 0);
    assert_near(1, s.lo, 0);
    assert_near(2, s.hi, 0);
    assert_near(0.5, s.confidence, 1e-12);
}

static void test_empty_sample_cannot_be_summarized(void **state)
{
    benchstat_summary_t s;

    (void)state;
    assert_int_equal(-EINVAL, benchstat_summarize(NULL, 0, 0.95, &s));
}

static void test_minimum_samples_are_6_at_95_and_8_at_99_percent(void **state)
{
    (void)state;
    assert_int_equal(6, benchstat_min_samples(0.95));
    assert_int_equal(8, benchstat_min_samples(0.99));
    assert_int_equal(0, benchstat_min_samples(1));
}

static void test_utest_separated_triples_give_p_one_tenth(void **state)
{
    const double x[] = {1, 2, 3}, y[] = {4, 5, 6};
    double p;

    (void)state;
    /* The rank sum 6 is the least of C(6,3) = 20 splits: p = 2·1/20. */
    assert_int_equal(0, benchstat_utest(x, 3, y, 3, &p));
    assert_near(0.1, p, 1e-12);
}

static void test_utest_separated_quadruples_give_p_2_over_70(void **state)
{
    const double x[] = {5, 6, 7, 8}, y[] = {1, 2, 3, 4};
    double p;

    (void)state;
    assert_int_equal(0, benchstat_utest(x, 4, y, 4, &p));
    assert_near(2.0 / 70, p, 1e-12);
}

static void test_utest_interleaved_triples_give_p_0_7(void **state)
{
    const double x[] = {1, 3, 5}, y[] = {2, 4, 6};
    double p;

    (void)state;
    /* U = 3; of the 20 splits 7 have U ≤ 3 and 16 have U ≥ 3: p = 2·7/20. */
    assert_int_equal(0, benchstat_utest(x, 3, y, 3, &p));
    assert_near(0.7, p, 1e-12);
}

static void test_utest_is_symmetric_in_its_samples(void **state)
{
    const double x[] = {1, 3, 5, 7, 8}, y[] = {2, 4, 9, 10};
    double pxy, pyx;

    (void)state;
    assert_int_equal(0, benchstat_utest(x, 5, y, 4, &pxy));
    assert_int_equal(0, benchstat_utest(y, 4, x, 5, &pyx));
    assert_near(pxy, pyx, 1e-12);
}

static void test_utest_with_ties_counts_splits_of_tie_groups(void **state)
{
    const double x[] = {1, -1, -1, -1}, y[] = {-1, 1, 1, 1};
    double p;

    (void)state;
    /* Midranks 2.5 (four -1s) and 6.5 (four 1s); x holds one 1: W = 14.
     * Splits with k ones in x: C(4,k)² = 1,16,36,16,1 of 70; P(W ≤ 14) =
     * 17/70, so p = 34/70. */
    assert_int_equal(0, benchstat_utest(x, 4, y, 4, &p));
    assert_near(34.0 / 70, p, 1e-12);
}

static void test_utest_tied_within_sides_only_is_exact(void **state)
{
    const double x[] = {-1, -1, -1}, y[] = {1, 1, 1};
    double p;

    (void)state;
    assert_int_equal(0, benchstat_utest(x, 3, y, 3, &p));
    assert_near(0.1, p, 1e-12);
}

static void test_utest_of_identical_samples_reports_all_equal(void **state)
{
    const double x[] = {1, 1, 1, 1};
    double p = 0;

    (void)state;
    assert_int_equal(-EDOM, benchstat_utest(x, 4, x, 4, &p));
    assert_near(1, p, 0);
}

static void test_utest_rejects_an_empty_side(void **state)
{
    const double x[] = {1};
    double p;

    (void)state;
    assert_int_equal(-EINVAL, benchstat_utest(x, 1, NULL, 0, &p));
}

static void test_utest_large_tied_samples_use_normal_approximation(void **state)
{
    double x[60], y[60], p;

    (void)state;
    for (int i = 0; i < 60; i++)
        x[i] = i, y[i] = 30 + i;
    /* x: ranks 1..30, then 30 tied pairs with midranks 31.5, 33.5, ...
     * W = 465 + 945 + 870 = 2280, U = 2280 - 1830 = 450, μ = 1800;
     * ties Σ(t³-t) = 180, σ² = 3600/12·(121 - 180/(120·119));
     * z = (1350 - 0.5)/σ. */
    double sigma = sqrt(300.0 * (121 - 180.0 / 14280));
    double want = erfc((1350 - 0.5) / sigma / sqrt(2.0));
    assert_int_equal(0, benchstat_utest(x, 60, y, 60, &p));
    assert_near(want, p, want * 1e-9);
    assert_true(p > 0 && p < 1e-9);
}

static void test_utest_large_untied_samples_stay_exact_up_to_50(void **state)
{
    double x[50], y[50], p;

    (void)state;
    for (int i = 0; i < 50; i++)
        x[i] = i, y[i] = 100 + i;
    /* Fully separated: one split in C(100, 50) is this extreme. */
    assert_int_equal(0, benchstat_utest(x, 50, y, 50, &p));
    assert_near(2 / 1.0089134454556419e29, p, 1e-40);
}

UG_TEST_GROUP(bench_stats, NULL, NULL,
    cmocka_unit_test(test_median_of_odd_sample_is_middle_value),
    cmocka_unit_test(test_six_samples_give_full_range_interval_at_96_875_percent),
    cmocka_unit_test(test_ten_samples_drop_one_value_at_each_end),
    cmocka_unit_test(test_five_samples_have_infinite_interval),
    cmocka_unit_test(test_two_samples_at_level_zero_span_both_with_coverage_half),
    cmocka_unit_test(test_empty_sample_cannot_be_summarized),
    cmocka_unit_test(test_minimum_samples_are_6_at_95_and_8_at_99_percent),
    cmocka_unit_test(test_utest_separated_triples_give_p_one_tenth),
    cmocka_unit_test(test_utest_separated_quadruples_give_p_2_over_70),
    cmocka_unit_test(test_utest_interleaved_triples_give_p_0_7),
    cmocka_unit_test(test_utest_is_symmetric_in_its_samples),
    cmocka_unit_test(test_utest_with_ties_counts_splits_of_tie_groups),
    cmocka_unit_test(test_utest_tied_within_sides_only_is_exact),
    cmocka_unit_test(test_utest_of_identical_samples_reports_all_equal),
    cmocka_unit_test(test_utest_rejects_an_empty_side),
    cmocka_unit_test(test_utest_large_tied_samples_use_normal_approximation),
    cmocka_unit_test(test_utest_large_untied_samples_stay_exact_up_to_50));
