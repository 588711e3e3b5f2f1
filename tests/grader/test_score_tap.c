/*
 * test_score_tap.c — the scoring arithmetic and the reading of TAP, where a
 * mistake would misgrade every candidate at once.
 */
#include <undergo/labtest.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"
#include "tap.h"

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
    assert_true(NEAR(3.0, score_median(odd, 3)));
    assert_true(NEAR(2.5, score_median(even, 4)));
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

static tap_outcome_t tap(const char *text, const char *name)
{
    return tap_verdict(text, strlen(text), name, NULL);
}

static void test_tap_pass_needs_plan_and_one_ok_for_the_name(void **state)
{
    (void)state;
    assert_int_equal(TAP_PASS, tap("# seed 1\n1..1\nok 1 - test_a\n# ok - grp\n", "test_a"));
    assert_int_equal(TAP_FAIL, tap("1..1\nnot ok 1 - test_a\n# boom\n", "test_a"));
    assert_int_equal(TAP_MALFORMED, tap("ok 1 - test_a\n", "test_a"));        /* no plan */
    assert_int_equal(TAP_MALFORMED, tap("1..2\nok 1 - test_a\n", "test_a"));  /* wrong plan */
}

static void test_tap_forged_extra_results_never_pass(void **state)
{
    (void)state;
    assert_int_equal(TAP_MALFORMED,
                     tap("1..1\nok 1 - test_a\n1..1\nnot ok 1 - test_a\n", "test_a"));
    assert_int_equal(TAP_MALFORMED, tap("1..1\nok 1 - test_a\nok 1 - test_a\n", "test_a"));
    assert_int_equal(TAP_MALFORMED, tap("1..1\nok 1 - test_b\nok 1 - test_a\n", "test_a"));
    assert_int_equal(TAP_MALFORMED, tap("1..1\nok 1 - test_abc\n", "test_a"));  /* prefix */
}

static void test_tap_truncated_or_garbage_output_is_no_result(void **state)
{
    (void)state;
    assert_int_equal(TAP_NO_RESULT, tap("", "test_a"));
    assert_int_equal(TAP_NO_RESULT, tap("1..1\n", "test_a"));
    assert_int_equal(TAP_NO_RESULT, tap("1..1\no", "test_a"));
    assert_int_equal(TAP_NO_RESULT, tap("\xff\xfe garbage \x01\n\n", "test_a"));
    const char partial[] = "1..1\nok 1 - test_a";
    assert_int_equal(TAP_NO_RESULT, tap_verdict(partial, 8, "test_a", NULL));
}

static void test_tap_with_a_key_passes_only_when_the_harness_closed_the_stream(void **state)
{
    (void)state;
    const char *ok = "1..1\nok 1 - test_a\n# ug-end 0123abcd\n";
    const char *early = "1..1\nok 1 - test_a\n";
    const char *wrong = "1..1\nok 1 - test_a\n# ug-end 0123abce\n";
    const char *failed = "1..1\nnot ok 1 - test_a\n# ug-end 0123abcd\n";
    assert_int_equal(TAP_PASS, tap_verdict(ok, strlen(ok), "test_a", "0123abcd"));
    assert_int_equal(TAP_NO_RESULT, tap_verdict(early, strlen(early), "test_a", "0123abcd"));
    assert_int_equal(TAP_NO_RESULT, tap_verdict(wrong, strlen(wrong), "test_a", "0123abcd"));
    assert_int_equal(TAP_FAIL, tap_verdict(failed, strlen(failed), "test_a", "0123abcd"));
}

UG_TEST_GROUP(score_tap, NULL, NULL,
    cmocka_unit_test(test_performance_is_linear_between_target_and_floor),
    cmocka_unit_test(test_median_of_odd_and_even_counts),
    cmocka_unit_test(test_score_weighs_tests_and_gates_performance_on_full_correctness),
    cmocka_unit_test(test_lab_ratio_is_the_geometric_mean_of_benchmarks),
    cmocka_unit_test(test_unmeasured_performance_scores_correctness_alone),
    cmocka_unit_test(test_tap_pass_needs_plan_and_one_ok_for_the_name),
    cmocka_unit_test(test_tap_forged_extra_results_never_pass),
    cmocka_unit_test(test_tap_truncated_or_garbage_output_is_no_result),
    cmocka_unit_test(test_tap_with_a_key_passes_only_when_the_harness_closed_the_stream));
