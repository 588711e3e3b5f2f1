/*
 * test_format.c — numbers and result lines exactly as Go's testing package
 * prints them, and benchstat's SI scaling.
 *
 * Go's widths: %10.0f from 999.95 up, then %12.1f, %13.2f, %14.3f ... so
 * the decimal points of all values line up at column 10.
 *
 * Interface: UG_TEST_GROUP(bench_format, ...).
 */
#include <undergo/labtest.h>

#include "bench_format.h"
#include "benchstat.h"

#include <string.h>

static void expect_go_value(double x, const char *want)
{
    char buf[64];

    ug_bench__format_value(buf, sizeof buf, x, "ns/op");
    assert_string_equal(want, buf);
}

static void test_values_keep_four_significant_digits_below_1000(void **state)
{
    (void)state;
    expect_go_value(23.4512, "        23.45 ns/op");
    expect_go_value(5, "         5.000 ns/op");
    expect_go_value(999.94, "       999.9 ns/op");
    expect_go_value(0.12346, "         0.1235 ns/op");
    expect_go_value(0.0012346, "         0.001235 ns/op");
    expect_go_value(0.00001234, "         0.0000123 ns/op");
}

static void test_values_from_999_95_print_as_integers(void **state)
{
    (void)state;
    expect_go_value(1234.4, "      1234 ns/op");
    expect_go_value(999.96, "      1000 ns/op");
    expect_go_value(0, "         0 ns/op");
    expect_go_value(12345678901.0, "12345678901 ns/op");
}

static void test_result_line_has_iterations_ns_and_memory(void **state)
{
    ug_bench_result_t r = {.n = 100, .ns = 2345, .alloc_bytes = 6400, .allocs = 100, .memstats = true};
    char buf[256];

    (void)state;
    ug_bench__format_result(buf, sizeof buf, &r);
    assert_string_equal("     100\t        23.45 ns/op\t      64 B/op\t       1 allocs/op", buf);
}

static void test_result_line_shows_mb_per_s_when_bytes_are_set(void **state)
{
    /* 1000 ops of 1000 bytes in 1 ms: 1e6 B / 1e-3 s = 1000 MB/s. */
    ug_bench_result_t r = {.n = 1000, .ns = 1000000, .bytes_per_op = 1000, .memstats = true};
    char buf[256];

    (void)state;
    ug_bench__format_result(buf, sizeof buf, &r);
    assert_string_equal("    1000\t      1000 ns/op\t1000.00 MB/s\t       0 B/op\t       0 allocs/op",
                        buf);
}

static void test_custom_metrics_are_sorted_by_unit_before_memory(void **state)
{
    ug_bench_result_t r = {.n = 10, .ns = 100, .nmetrics = 2,
                           .metrics = {{7, "zeta/op"}, {0.5, "alpha"}}, .memstats = true};
    char buf[256];

    (void)state;
    ug_bench__format_result(buf, sizeof buf, &r);
    assert_string_equal("      10\t        10.00 ns/op\t         0.5000 alpha\t         7.000 "
                        "zeta/op\t       0 B/op\t       0 allocs/op",
                        buf);
}

static void test_metric_named_like_a_builtin_replaces_it(void **state)
{
    ug_bench_result_t r = {.n = 10, .ns = 100, .allocs = 50, .nmetrics = 2,
                           .metrics = {{42, "ns/op"}, {3, "allocs/op"}}, .memstats = true};
    char buf[256];

    (void)state;
    ug_bench__format_result(buf, sizeof buf, &r);
    assert_string_equal("      10\t        42.00 ns/op\t       0 B/op\t       3 allocs/op", buf);
}

static void test_memory_columns_are_left_out_when_allocations_are_not_counted(void **state)
{
    ug_bench_result_t r = {.n = 100, .ns = 2345, .alloc_bytes = 6400, .allocs = 100};
    char buf[256];

    (void)state;
    ug_bench__format_result(buf, sizeof buf, &r);
    assert_string_equal("     100\t        23.45 ns/op", buf);
}

static void test_truncated_buffer_reports_needed_length(void **state)
{
    ug_bench_result_t r = {.n = 100, .ns = 2345, .alloc_bytes = 6400, .allocs = 100, .memstats = true};
    char small[8];
    size_t need;

    (void)state;
    need = ug_bench__format_result(small, sizeof small, &r);
    assert_int_equal(strlen("     100\t        23.45 ns/op\t      64 B/op\t       1 allocs/op"),
                     need);
    assert_string_equal("     10", small);
}

static void test_units_must_be_nonempty_without_spaces(void **state)
{
    (void)state;
    assert_true(ug_bench__unit_ok("pause-max-ns"));
    assert_false(ug_bench__unit_ok(""));
    assert_false(ug_bench__unit_ok("two words"));
}

static void expect_si(double v, const char *want)
{
    char buf[32];

    benchstat_format_si(buf, sizeof buf, v);
    assert_string_equal(want, buf);
}

static void test_si_scaling_picks_prefix_and_four_digits(void **state)
{
    (void)state;
    expect_si(23.45e-9, "23.45n");
    expect_si(2.0354e-6, "2.035\xc2\xb5");
    expect_si(1, "1.000");
    expect_si(64, "64.00");
    expect_si(1234.5, "1.234k");
    expect_si(999.96, "1.000k");
    expect_si(16.22e9, "16.22G");
    expect_si(0, "0");
}

UG_TEST_GROUP(bench_format, NULL, NULL,
    cmocka_unit_test(test_values_keep_four_significant_digits_below_1000),
    cmocka_unit_test(test_values_from_999_95_print_as_integers),
    cmocka_unit_test(test_result_line_has_iterations_ns_and_memory),
    cmocka_unit_test(test_result_line_shows_mb_per_s_when_bytes_are_set),
    cmocka_unit_test(test_custom_metrics_are_sorted_by_unit_before_memory),
    cmocka_unit_test(test_metric_named_like_a_builtin_replaces_it),
    cmocka_unit_test(test_memory_columns_are_left_out_when_allocations_are_not_counted),
    cmocka_unit_test(test_truncated_buffer_reports_needed_length),
    cmocka_unit_test(test_units_must_be_nonempty_without_spaces),
    cmocka_unit_test(test_si_scaling_picks_prefix_and_four_digits));
