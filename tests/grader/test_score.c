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

/* A benchmark of n rounds whose candidate/reference ratio is ratio in
 * every round, times (1 + spread * (k - n/2)) in round k: spread widens
 * the interval. The samples live in static storage (one benchmark at a
 * time per slot). */
static bench_result_t bench_of(int slot, size_t n, double ratio, double spread)
{
    static double ref[4][32], cand[4][32];
    for (size_t k = 0; k < n; k++) {
        ref[slot][k] = 100;
        cand[slot][k] = 100 * ratio * (1 + spread * ((double)k - (double)n / 2));
    }
    return (bench_result_t){.reference = ref[slot], .candidate = cand[slot], .n = n};
}

static void test_score_weighs_tests_and_gates_performance_on_full_correctness(void **state)
{
    (void)state;
    test_result_t t[3] = {{.weight = 1, .verdict = VERDICT_PASS},
                          {.weight = 2, .verdict = VERDICT_FAIL},
                          {.weight = 1, .verdict = VERDICT_PASS}};
    bench_result_t b[1] = {bench_of(0, 6, 1.0, 0)};
    lab_result_t lr = lab_with(t, 3, b, 1);
    score_lab(&lr);
    assert_true(NEAR(0.5, lr.correctness));
    assert_true(NEAR(0.0, lr.performance));          /* correctness not full: no perf */
    assert_true(NEAR(6 * 0.8 * 0.5, lr.score));
    assert_true(NEAR(0.0, lr.unmeasured));           /* forfeited, not "not measured" */
    t[1].verdict = VERDICT_PASS;
    score_lab(&lr);
    assert_true(NEAR(1.0, lr.performance));
    assert_true(NEAR(6.0, lr.score));
}

/* A failing test must never rank above correct-but-slow code: the share a
 * failing submission cannot earn is not given to correctness. */
static void test_a_failing_test_never_outranks_correct_slow_code(void **state)
{
    (void)state;
    test_result_t fail1[25], pass[17];
    for (size_t i = 0; i < 25; i++)
        fail1[i] = (test_result_t){.weight = 1, .verdict = i < 23 ? VERDICT_PASS : VERDICT_FAIL};
    for (size_t i = 0; i < 17; i++)
        pass[i] = (test_result_t){.weight = 1, .verdict = VERDICT_PASS};
    lab_result_t failing = lab_with(fail1, 25, NULL, 0);       /* no bench: it never runs */
    bench_result_t slow[1] = {bench_of(0, 6, 3.5, 0)};        /* past the floor: perf 0 */
    lab_result_t correct_slow = lab_with(pass, 17, slow, 1);
    score_lab(&failing);
    score_lab(&correct_slow);
    assert_true(NEAR(0.0, correct_slow.performance));
    assert_true(failing.score < correct_slow.score);
    assert_true(NEAR(6 * 0.8 * 23.0 / 25, failing.score));
}

static void test_lab_ratio_is_the_geometric_mean_of_benchmarks(void **state)
{
    (void)state;
    test_result_t t[1] = {{.weight = 1, .verdict = VERDICT_PASS}};
    bench_result_t b[2] = {bench_of(0, 6, 1.0, 0), bench_of(1, 6, 4.0, 0)};
    lab_result_t lr = lab_with(t, 1, b, 2);
    score_lab(&lr);
    assert_true(NEAR(2.0, lr.perf_ratio));
    assert_true(NEAR(6 * (0.8 + 0.2 * (3.0 - 2.0) / (3.0 - 1.1)), lr.score));
}

/* Full correctness without benchmarks: the share is not measured, shown
 * apart, and never counted as correctness. */
static void test_unmeasured_performance_is_shown_apart_never_counted(void **state)
{
    (void)state;
    test_result_t t[2] = {{.weight = 1, .verdict = VERDICT_PASS},
                          {.weight = 1, .verdict = VERDICT_PASS}};
    lab_result_t lr = lab_with(t, 2, NULL, 0);
    score_lab(&lr);
    assert_false(lr.perf_measured);
    assert_true(NEAR(6 * 0.8, lr.score));
    assert_true(NEAR(6 * 0.2, lr.unmeasured));
    run_result_t r = {.labs = &lr, .n_labs = 1};
    score_run(&r);
    assert_true(NEAR(4.8, r.score));
    assert_true(NEAR(1.2, r.unmeasured));
    assert_true(NEAR(6.0, r.max));
}

/* The candidate's own benchmark failing costs performance (0, measured);
 * a lab without a performance share scores correctness alone. */
static void test_a_failed_candidate_benchmark_scores_no_performance(void **state)
{
    (void)state;
    test_result_t t[1] = {{.weight = 1, .verdict = VERDICT_PASS}};
    lab_result_t lr = lab_with(t, 1, NULL, 0);
    lr.perf_failed = true;
    score_lab(&lr);
    assert_true(lr.perf_measured);
    assert_true(NEAR(0.0, lr.performance));
    assert_true(NEAR(6 * 0.8, lr.score));
    assert_true(NEAR(0.0, lr.unmeasured));
    lab_result_t plain = lab_with(t, 1, NULL, 0);
    plain.perf_share = 0;
    score_lab(&plain);
    assert_true(NEAR(6.0, plain.score));
    assert_true(NEAR(0.0, plain.unmeasured));
}

/* Noise: the median decides, the interval only asks for rounds. An interval
 * wide enough to reach the target does not make a candidate twice as slow
 * full; more rounds are asked for while the interval holds the target or
 * the floor, whichever side of it the median is on. */
static void test_the_median_decides_and_the_interval_asks_for_rounds(void **state)
{
    (void)state;
    test_result_t t[1] = {{.weight = 1, .verdict = VERDICT_PASS}};
    bench_result_t noisy[1] = {bench_of(0, 6, 1.2, 0.1)}; /* 0.84 .. 1.44, median 1.14 */
    lab_result_t lr = lab_with(t, 1, noisy, 1);
    score_lab(&lr);
    assert_true(lr.perf_lo > 0 && lr.perf_lo <= 1.1 && lr.perf_hi > 1.1);
    assert_true(NEAR(1.14, lr.perf_ratio));
    assert_true(NEAR((3.0 - 1.14) / (3.0 - 1.1), lr.performance));
    assert_true(score_needs_rounds(&lr));
    bench_result_t slow[1] = {bench_of(0, 6, 2.2, 0.2)}; /* 0.88 .. 3.08, median 1.98 */
    lr = lab_with(t, 1, slow, 1);
    score_lab(&lr);
    assert_true(lr.perf_lo > 0 && lr.perf_lo <= 1.1);
    assert_true(NEAR((3.0 - 1.98) / (3.0 - 1.1), lr.performance));
    assert_true(score_needs_rounds(&lr));
    bench_result_t same[1] = {bench_of(0, 6, 1.0, 0.1)}; /* median 0.95, target inside */
    lr = lab_with(t, 1, same, 1);
    score_lab(&lr);
    assert_true(NEAR(1.0, lr.performance));
    assert_true(score_needs_rounds(&lr));
    bench_result_t steady[1] = {bench_of(0, 6, 2.05, 0)}; /* far from both ends */
    lr = lab_with(t, 1, steady, 1);
    score_lab(&lr);
    assert_false(score_needs_rounds(&lr));
    assert_true(NEAR(0.5, lr.performance));
    bench_result_t few[1] = {bench_of(0, 3, 1.0, 0)}; /* no interval from 3 rounds */
    lr = lab_with(t, 1, few, 1);
    score_lab(&lr);
    assert_true(score_needs_rounds(&lr));
}

UG_TEST_GROUP(score, NULL, NULL,
              cmocka_unit_test(test_performance_is_linear_between_target_and_floor),
              cmocka_unit_test(test_median_of_odd_and_even_counts),
              cmocka_unit_test(test_score_weighs_tests_and_gates_performance_on_full_correctness),
              cmocka_unit_test(test_a_failing_test_never_outranks_correct_slow_code),
              cmocka_unit_test(test_lab_ratio_is_the_geometric_mean_of_benchmarks),
              cmocka_unit_test(test_unmeasured_performance_is_shown_apart_never_counted),
              cmocka_unit_test(test_a_failed_candidate_benchmark_scores_no_performance),
              cmocka_unit_test(test_the_median_decides_and_the_interval_asks_for_rounds));
