/*
 * test_parse.c — the Go benchmark format parser: what it keeps, what it
 * skips as noise, and how it names a malformed line.
 *
 * Interface: UG_TEST_GROUP(bench_parse, ...).
 */
#include <undergo/labtest.h>

#include "bench_test.h"
#include "benchstat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses text as if read from a file named "in.txt". */
static int parse_text(const char *text, benchstat_set_t *s, char *err, size_t errlen)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    int rc;

    assert_non_null(f);
    rc = benchstat_parse(f, "in.txt", s, err, errlen);
    fclose(f);
    return rc;
}

static const char good[] =
    "goos: linux\n"
    "goarch: amd64\n"
    "pkg: undergo/labs/gc\n"
    "cpu: AMD EPYC 7B13\n"
    "=== RUN   BenchmarkAlloc\n"
    "BenchmarkAlloc\n"
    "BenchmarkAlloc-2   \t 1000000\t      1234 ns/op\t      64 B/op\t       1 allocs/op\n"
    "BenchmarkCopy-2    \t  500000\t        23.45 ns/op\t10917.27 MB/s\t   3.500 pause-max-ns\n"
    "some log line: with a colon\n"
    "BenchmarkAlloc-2   \t 2000000\t      1200 ns/op\t      64 B/op\t       1 allocs/op\n"
    "Benchmarks are fun\n"
    "PASS\n"
    "ok  \tundergo/labs/gc\t3.2s\n";

static void test_good_input_keeps_every_result_and_value(void **state)
{
    benchstat_set_t s;
    char err[256] = "";

    (void)state;
    assert_int_equal(0, parse_text(good, &s, err, sizeof err));
    assert_int_equal(3, s.nresults);
    assert_string_equal("BenchmarkAlloc-2", s.results[0].name);
    assert_int_equal(1000000, s.results[0].iters);
    assert_int_equal(3, s.results[0].nvalues);
    assert_string_equal("allocs/op", s.results[0].values[2].unit);
    assert_near(1, s.results[0].values[2].value, 0);
    assert_int_equal(7, s.results[0].line);
    assert_string_equal("BenchmarkCopy-2", s.results[1].name);
    assert_string_equal("pause-max-ns", s.results[1].values[2].unit);
    assert_near(3.5, s.results[1].values[2].value, 0);
    assert_near(10917.27, s.results[1].values[1].value, 1e-9);
    assert_string_equal("in.txt", s.label);
    benchstat_set_free(&s);
}

static void test_config_lines_are_kept_and_noise_with_colons_too(void **state)
{
    benchstat_set_t s;
    char err[256];

    (void)state;
    assert_int_equal(0, parse_text(good, &s, err, sizeof err));
    assert_string_equal("undergo/labs/gc", benchstat_config_get(&s, "pkg"));
    assert_string_equal("AMD EPYC 7B13", benchstat_config_get(&s, "cpu"));
    /* "some log line: ..." has spaces in its key: not configuration. */
    assert_null(benchstat_config_get(&s, "some log line"));
    assert_null(benchstat_config_get(&s, "ok"));
    benchstat_set_free(&s);
}

static void test_later_config_value_replaces_earlier(void **state)
{
    benchstat_set_t s;
    char err[256];

    (void)state;
    assert_int_equal(0, parse_text("lab: a\nlab: b  \nUpper: x\n", &s, err, sizeof err));
    assert_string_equal("b", benchstat_config_get(&s, "lab"));
    assert_int_equal(1, s.nconfig);
    benchstat_set_free(&s);
}

static void test_samples_gather_one_unit_of_one_benchmark_in_order(void **state)
{
    benchstat_set_t s;
    double *v;
    char err[256];

    (void)state;
    assert_int_equal(0, parse_text(good, &s, err, sizeof err));
    assert_int_equal(2, benchstat_samples(&s, "BenchmarkAlloc-2", "ns/op", &v));
    assert_near(1234, v[0], 0);
    assert_near(1200, v[1], 0);
    free(v);
    assert_int_equal(0, benchstat_samples(&s, "BenchmarkAlloc-2", "MB/s", &v));
    assert_null(v);
    benchstat_set_free(&s);
}

static void test_crlf_line_endings_are_accepted(void **state)
{
    benchstat_set_t s;
    char err[256];

    (void)state;
    assert_int_equal(0, parse_text("pkg: x\r\nBenchmarkA 10 5 ns/op\r\n", &s, err, sizeof err));
    assert_int_equal(1, s.nresults);
    assert_string_equal("ns/op", s.results[0].values[0].unit);
    assert_string_equal("x", benchstat_config_get(&s, "pkg"));
    benchstat_set_free(&s);
}

static void test_empty_input_has_no_results(void **state)
{
    benchstat_set_t s;
    char err[256];

    (void)state;
    assert_int_equal(0, parse_text("", &s, err, sizeof err));
    assert_int_equal(0, s.nresults);
    benchstat_set_free(&s);
}

/* Expects text to fail with exactly the message want. */
static void expect_error(const char *text, const char *want)
{
    benchstat_set_t s;
    char err[256] = "";

    assert_int_equal(-EINVAL, parse_text(text, &s, err, sizeof err));
    assert_string_equal(want, err);
    assert_int_equal(0, s.nresults);
    assert_null(s.results);
}

static void test_garbage_iteration_count_names_file_and_line(void **state)
{
    (void)state;
    expect_error("goos: linux\nBenchmarkA-2 10 5 ns/op\nBenchmarkB-2 lots 5 ns/op\n",
                 "in.txt:3: invalid iteration count 'lots'");
}

static void test_truncated_line_missing_its_unit_is_an_error(void **state)
{
    (void)state;
    expect_error("BenchmarkA-2\t1000\t12.5 ns/op\t64\n", "in.txt:1: missing unit after value '64'");
}

static void test_line_with_iterations_only_is_an_error(void **state)
{
    (void)state;
    expect_error("\n\nBenchmarkA-2 1000\n", "in.txt:3: missing measurements after '1000'");
}

static void test_non_numeric_value_is_an_error(void **state)
{
    (void)state;
    expect_error("BenchmarkA 10 fast ns/op\n", "in.txt:1: invalid value 'fast' for unit 'ns/op'");
    expect_error("BenchmarkA 10 nan ns/op\n", "in.txt:1: invalid value 'nan' for unit 'ns/op'");
    expect_error("BenchmarkA -3 1 ns/op\n", "in.txt:1: invalid iteration count '-3'");
}

static void test_missing_file_reports_cannot_open(void **state)
{
    benchstat_set_t s;
    char err[256];

    (void)state;
    assert_int_equal(-ENOENT, benchstat_parse_file("/nonexistent/old.txt", &s, err, sizeof err));
    assert_string_equal("cannot open '/nonexistent/old.txt': No such file or directory", err);
}

static void test_added_samples_read_back_like_parsed_ones(void **state)
{
    benchstat_set_t s;
    double *v;
    char err[256];

    (void)state;
    assert_int_equal(0, parse_text("BenchmarkA 1 3 ns/op\n", &s, err, sizeof err));
    assert_int_equal(0, benchstat_add_sample(&s, "BenchmarkA", 4, "ns/op"));
    assert_int_equal(2, benchstat_samples(&s, "BenchmarkA", "ns/op", &v));
    assert_near(4, v[1], 0);
    free(v);
    benchstat_set_free(&s);
}

static void test_base_name_drops_only_a_procs_suffix(void **state)
{
    (void)state;
    assert_int_equal(10, benchstat_name_base_len("BenchmarkX-2"));
    assert_int_equal(10, benchstat_name_base_len("BenchmarkX-16"));
    assert_int_equal(10, benchstat_name_base_len("BenchmarkX"));
    assert_int_equal(11, benchstat_name_base_len("BenchmarkX-"));
    assert_int_equal(11, benchstat_name_base_len("BenchmarkX2"));
    assert_int_equal(2, benchstat_name_base_len("-2"));
}

UG_TEST_GROUP(bench_parse, NULL, NULL,
    cmocka_unit_test(test_base_name_drops_only_a_procs_suffix),
    cmocka_unit_test(test_good_input_keeps_every_result_and_value),
    cmocka_unit_test(test_config_lines_are_kept_and_noise_with_colons_too),
    cmocka_unit_test(test_later_config_value_replaces_earlier),
    cmocka_unit_test(test_samples_gather_one_unit_of_one_benchmark_in_order),
    cmocka_unit_test(test_crlf_line_endings_are_accepted),
    cmocka_unit_test(test_empty_input_has_no_results),
    cmocka_unit_test(test_garbage_iteration_count_names_file_and_line),
    cmocka_unit_test(test_truncated_line_missing_its_unit_is_an_error),
    cmocka_unit_test(test_line_with_iterations_only_is_an_error),
    cmocka_unit_test(test_non_numeric_value_is_an_error),
    cmocka_unit_test(test_missing_file_reports_cannot_open),
    cmocka_unit_test(test_added_samples_read_back_like_parsed_ones));
