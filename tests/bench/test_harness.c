/*
 * test_harness.c — the bench harness end to end: run the demo bench binary
 * (demo/demo_bench.c, built as demo_bench_ref) and read its output back
 * with benchstat's parser, the way the grader does.
 *
 * Nothing here depends on speed: -benchtime Nx fixes the iterations, and a
 * timed run is only checked for the shape of its iteration count.
 * Allocation counts are exact; under ASan/TSan the harness does not
 * interpose malloc, and the checks expect the zeros it promises there.
 *
 * Interface: static void test_binary_without_benchmarks_prints_config_and_passes(void **state)
{
    char *out;

    (void)state;
    assert_int_equal(0, run_binary(BENCH_EMPTY, "", true, &out));
    assert_non_null(strstr(out, "goos: linux\n"));
    assert_non_null(strstr(out, "lab: empty\n"));
    assert_null(strstr(out, "Benchmark"));
    assert_int_equal(0, strcmp(out + strlen(out) - 5, "PASS\n"));
    free(out);
    assert_int_equal(0, run_binary(BENCH_EMPTY, "-list .", true, &out));
    assert_string_equal("", out);
    free(out);
}

UG_TEST_GROUP(bench_harness, ...).
 */
#include <undergo/labtest.h>

#include "bench_test.h"
#include "benchstat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ALLOCS_COUNTED 0
#else
#define ALLOCS_COUNTED 1
#endif

/* Runs bin with args; returns its exit status, output in *out (stdout,
 * plus stderr if merge). Caller frees *out. */
static int run_binary(const char *bin, const char *args, bool merge, char **out)
{
    char cmd[1024];
    size_t len = 0, cap = 4096;
    FILE *p;
    int st;

    snprintf(cmd, sizeof cmd, "'%s' %s %s", bin, args, merge ? "2>&1" : "2>/dev/null");
    p = popen(cmd, "r");
    assert_non_null(p);
    *out = malloc(cap);
    assert_non_null(*out);
    for (size_t n; (n = fread(*out + len, 1, cap - len - 1, p)) > 0;) {
        len += n;
        if (cap - len < 2) {
            *out = realloc(*out, cap *= 2);
            assert_non_null(*out);
        }
    }
    (*out)[len] = '\0';
    st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run_demo(const char *args, bool merge, char **out)
{
    return run_binary(BENCH_DEMO, args, merge, out);
}

/* Runs the demo, expects exit 0, parses what it printed. */
static void run_and_parse(const char *args, benchstat_set_t *s, char **out)
{
    char err[256] = "";
    FILE *f;

    assert_int_equal(0, run_demo(args, false, out));
    f = fmemopen(*out, strlen(*out), "r");
    assert_non_null(f);
    if (benchstat_parse(f, "demo", s, err, sizeof err) != 0)
        fail_msg("demo output does not parse: %s\n%s", err, *out);
    fclose(f);
}

/* The value of unit in result r, failing if absent. */
static double value_of(const benchstat_result_t *r, const char *unit)
{
    for (size_t i = 0; i < r->nvalues; i++)
        if (strcmp(r->values[i].unit, unit) == 0)
            return r->values[i].value;
    fail_msg("%s has no '%s'", r->name, unit);
    return 0;
}

/* The single result whose name starts with prefix. */
static const benchstat_result_t *result_named(const benchstat_set_t *s, const char *prefix)
{
    for (size_t i = 0; i < s->nresults; i++)
        if (strncmp(s->results[i].name, prefix, strlen(prefix)) == 0)
            return &s->results[i];
    fail_msg("no result named %s", prefix);
    return NULL;
}

static void test_output_has_go_config_lines_and_ends_with_pass(void **state)
{
    benchstat_set_t s;
    char *out;

    (void)state;
    run_and_parse("-benchtime 3x", &s, &out);
    assert_string_equal("linux", benchstat_config_get(&s, "goos"));
    assert_string_equal("amd64", benchstat_config_get(&s, "goarch"));
    assert_string_equal("undergo/labs/demo", benchstat_config_get(&s, "pkg"));
    assert_string_equal("demo", benchstat_config_get(&s, "lab"));
    assert_string_equal("ref", benchstat_config_get(&s, "variant"));
    assert_int_equal(4, s.nresults);
    assert_non_null(strstr(out, "\nPASS\n"));
    assert_int_equal(0, strcmp(out + strlen(out) - 5, "PASS\n"));
    benchstat_set_free(&s);
    free(out);
}

static void test_benchtime_100x_runs_exactly_100_iterations(void **state)
{
    benchstat_set_t s;
    char *out;

    (void)state;
    run_and_parse("-benchtime 100x -bench MallocOnce", &s, &out);
    assert_int_equal(1, s.nresults);
    assert_int_equal(100, s.results[0].iters);
    assert_true(value_of(&s.results[0], "ns/op") > 0);
    benchstat_set_free(&s);
    free(out);
}

static void test_one_malloc_per_op_counts_one_alloc_and_its_bytes(void **state)
{
    benchstat_set_t s;
    char *out;

    (void)state;
    run_and_parse("-benchtime 1000x", &s, &out);
    /* Under a sanitizer, which owns malloc, the harness reports zeros. */
    assert_near(ALLOCS_COUNTED ? 1 : 0,
                value_of(result_named(&s, "BenchmarkMallocOnce"), "allocs/op"), 0);
    assert_near(ALLOCS_COUNTED ? 64 : 0, value_of(result_named(&s, "BenchmarkMallocOnce"), "B/op"),
                0);
    assert_near(ALLOCS_COUNTED ? 2 : 0,
                value_of(result_named(&s, "BenchmarkCallocRealloc"), "allocs/op"), 0);
    assert_near(ALLOCS_COUNTED ? 192 : 0,
                value_of(result_named(&s, "BenchmarkCallocRealloc"), "B/op"), 0);
    benchstat_set_free(&s);
    free(out);
}

static void test_allocations_with_timer_stopped_are_not_counted(void **state)
{
    benchstat_set_t s;
    char *out;

    (void)state;
    run_and_parse("-benchtime 50x -bench OutsideTimer", &s, &out);
    assert_near(0, value_of(&s.results[0], "allocs/op"), 0);
    assert_near(0, value_of(&s.results[0], "B/op"), 0);
    benchstat_set_free(&s);
    free(out);
}

static void test_custom_metrics_and_throughput_reach_the_line(void **state)
{
    benchstat_set_t s;
    char *out;

    (void)state;
    run_and_parse("-benchtime 10x -bench Copy", &s, &out);
    assert_near(7, value_of(&s.results[0], "widgets/op"), 0);
    assert_near(0.5, value_of(&s.results[0], "alpha-ratio"), 0);
    assert_true(value_of(&s.results[0], "MB/s") > 0);
    benchstat_set_free(&s);
    free(out);
}

static void test_count_repeats_each_benchmark(void **state)
{
    benchstat_set_t s;
    char *out;

    (void)state;
    run_and_parse("-benchtime 2x -count 3 -bench 'MallocOnce|Copy'", &s, &out);
    assert_int_equal(6, s.nresults);
    assert_string_equal(s.results[0].name, s.results[2].name);
    assert_string_equal(s.results[3].name, s.results[5].name);
    benchstat_set_free(&s);
    free(out);
}

/* True for 1, 2, 3 or 5 times a power of ten: the harness's round numbers. */
static bool is_round(uint64_t n)
{
    while (n >= 10 && n % 10 == 0)
        n /= 10;
    return n == 1 || n == 2 || n == 3 || n == 5;
}

static void test_timed_run_grows_to_a_round_iteration_count(void **state)
{
    benchstat_set_t s;
    char *out;

    (void)state;
    run_and_parse("-benchtime 20ms -bench MallocOnce", &s, &out);
    assert_int_equal(1, s.nresults);
    if (!is_round(s.results[0].iters))
        fail_msg("iterations %llu are not 1, 2, 3 or 5 times a power of ten",
                 (unsigned long long)s.results[0].iters);
    benchstat_set_free(&s);
    free(out);
}

static void test_list_prints_matching_names_sorted(void **state)
{
    char *out;

    (void)state;
    assert_int_equal(0, run_demo("-list '^BenchmarkC|Once$'", false, &out));
    assert_string_equal("BenchmarkCallocRealloc\nBenchmarkCopyWithMetrics\nBenchmarkMallocOnce\n",
                        out);
    free(out);
}

static void test_lab_and_variant_flags_override_the_binary_name(void **state)
{
    benchstat_set_t s;
    char *out;

    (void)state;
    run_and_parse("-benchtime 1x -bench Copy -lab gc -variant candidate", &s, &out);
    assert_string_equal("gc", benchstat_config_get(&s, "lab"));
    assert_string_equal("undergo/labs/gc", benchstat_config_get(&s, "pkg"));
    assert_string_equal("candidate", benchstat_config_get(&s, "variant"));
    benchstat_set_free(&s);
    free(out);
}

static void test_unknown_flag_exits_2_with_one_line_and_usage(void **state)
{
    char *out;

    (void)state;
    assert_int_equal(2, run_demo("-x", true, &out));
    assert_int_equal(0, strncmp(out, "bench: unknown flag '-x'\nusage: ", 32));
    free(out);
}

static void test_bad_flag_values_exit_2(void **state)
{
    static const char *const bad[] = {"-benchtime 0x", "-benchtime 10", "-benchtime -1s",
                                      "-count 0", "-bench '('", "-bench", "stray"};
    char *out;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = run_demo(bad[i], true, &out);
        if (rc != 2 || strstr(out, "usage: ") == NULL)
            fail_msg("'%s': want exit 2 and usage, got %d:\n%s", bad[i], rc, out);
        free(out);
    }
}

static void test_no_matching_benchmark_still_passes(void **state)
{
    benchstat_set_t s;
    char *out;

    (void)state;
    run_and_parse("-bench NoSuchThing", &s, &out);
    assert_int_equal(0, s.nresults);
    assert_non_null(strstr(out, "PASS\n"));
    benchstat_set_free(&s);
    free(out);
}

static void test_binary_without_benchmarks_prints_config_and_passes(void **state)
{
    char *out;

    (void)state;
    assert_int_equal(0, run_binary(BENCH_EMPTY, "", true, &out));
    assert_non_null(strstr(out, "goos: linux\n"));
    assert_non_null(strstr(out, "lab: empty\n"));
    assert_null(strstr(out, "Benchmark"));
    assert_int_equal(0, strcmp(out + strlen(out) - 5, "PASS\n"));
    free(out);
    assert_int_equal(0, run_binary(BENCH_EMPTY, "-list .", true, &out));
    assert_string_equal("", out);
    free(out);
}

UG_TEST_GROUP(bench_harness, NULL, NULL,
    cmocka_unit_test(test_output_has_go_config_lines_and_ends_with_pass),
    cmocka_unit_test(test_benchtime_100x_runs_exactly_100_iterations),
    cmocka_unit_test(test_one_malloc_per_op_counts_one_alloc_and_its_bytes),
    cmocka_unit_test(test_allocations_with_timer_stopped_are_not_counted),
    cmocka_unit_test(test_custom_metrics_and_throughput_reach_the_line),
    cmocka_unit_test(test_count_repeats_each_benchmark),
    cmocka_unit_test(test_timed_run_grows_to_a_round_iteration_count),
    cmocka_unit_test(test_list_prints_matching_names_sorted),
    cmocka_unit_test(test_lab_and_variant_flags_override_the_binary_name),
    cmocka_unit_test(test_unknown_flag_exits_2_with_one_line_and_usage),
    cmocka_unit_test(test_bad_flag_values_exit_2),
    cmocka_unit_test(test_no_matching_benchmark_still_passes),
    cmocka_unit_test(test_binary_without_benchmarks_prints_config_and_passes));
