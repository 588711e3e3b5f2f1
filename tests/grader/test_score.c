/*
 * test_score.c — the scoring arithmetic, where a mistake would misgrade
 * every candidate at once.
 */
#include <undergo/labtest.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"
#include "stats.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

static void test_performance_is_linear_between_target_and_floor(void **state)
{
    (void)state;
    assert_true(NEAR(1.0, score_performance(0.5, 1.1, 3.0)));
    assert_true(NEAR(1.0, score_performance(1.1, 1.1, 3.0)));
    assert_true(NEAR(0.5, score_performance(2.05, 1.1, 3.0)));
    assert_true(NEAR(0.0, score_performance(3.0, 1.1, 3.0)));
    assert_true(NEAR(0.0, score_performance(9.0, 1.1, 3.0)));
    assert_true(NEAR(0.0, score_performance(0.0, 1.1, 3.0)));   /* not measured */
}

static void test_median_of_odd_and_even_counts(void **state)
{
    (void)state;
    double odd[] = {5, 1, 3}, even[] = {4, 1, 3, 2};
    assert_true(NEAR(3.0, stats_median(odd, 3)));
    assert_true(NEAR(2.5, stats_median(even, 4)));
}

static lab_result_t lab_with(test_result_t *tests, size_t n, bench_result_t *b, size_t nb)
{
    return (lab_result_t){.points = 6, .tests = tests, .n_tests = n, .benches = b,
                          .n_benches = nb, .perf_share = 0.2, .perf_target = 1.1,
                          .perf_floor = 3.0};
}

static void test_score_weighs_tests_and_gates_performance_on_full_correctness(void **state)
{
    (void)state;
    test_result_t t[3] = {{.weight = 1, .verdict = VERDICT_PASS},
                          {.weight = 2, .verdict = VERDICT_FAIL},
                          {.weight = 1, .verdict = VERDICT_PASS}};
    bench_result_t b[1] = {{.ratio = 1.0}};
    lab_result_t lr = lab_with(t, 3, b, 1);
    score_lab(&lr);
    assert_true(NEAR(0.5, lr.correctness));
    assert_true(NEAR(0.0, lr.performance));          /* correctness not full: no perf */
    assert_true(NEAR(6 * 0.8 * 0.5, lr.score));
    t[1].verdict = VERDICT_PASS;
    score_lab(&lr);
    assert_true(NEAR(1.0, lr.performance));
    assert_true(NEAR(6.0, lr.score));
}

static void test_lab_ratio_is_the_geometric_mean_of_benchmarks(void **state)
{
    (void)state;
    test_result_t t[1] = {{.weight = 1, .verdict = VERDICT_PASS}};
    bench_result_t b[2] = {{.ratio = 1.0}, {.ratio = 4.0}};
    lab_result_t lr = lab_with(t, 1, b, 2);
    score_lab(&lr);
    assert_true(NEAR(2.0, lr.perf_ratio));
    assert_true(NEAR(6 * (0.8 + 0.2 * (3.0 - 2.0) / (3.0 - 1.1)), lr.score));
}

static void test_unmeasured_performance_scores_correctness_alone(void **state)
{
    (void)state;
    test_result_t t[2] = {{.weight = 1, .verdict = VERDICT_PASS},
                          {.weight = 1, .verdict = VERDICT_CRASH}};
    lab_result_t lr = lab_with(t, 2, NULL, 0);
    score_lab(&lr);
    assert_false(lr.perf_measured);
    assert_true(NEAR(3.0, lr.score));
}

UG_TEST_GROUP(score, NULL, NULL,
    cmocka_unit_test(test_performance_is_linear_between_target_and_floor),
    cmocka_unit_test(test_median_of_odd_and_even_counts),
    cmocka_unit_test(test_score_weighs_tests_and_gates_performance_on_full_correctness),
    cmocka_unit_test(test_lab_ratio_is_the_geometric_mean_of_benchmarks),
    cmocka_unit_test(test_unmeasured_performance_scores_correctness_alone));
