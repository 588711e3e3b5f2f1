/*
 * test_compare.c — benchstat_compare's rows and geomean, and `grader
 * compare` end to end on files: its table, its errors and exit codes.
 *
 * The worked example: old 10..15 ns/op against new 20..25 (six samples
 * each, fully separated) — medians 12.5 and 22.5, delta +80%, and the U
 * test's p = 2 / C(12, 6) = 2/924 = 0.002.
 *
 * Interface: UG_TEST_GROUP(bench_compare, ...).
 */
#include <undergo/labtest.h>

#include "bench_test.h"
#include "benchstat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A temporary file holding text; returns its malloc'd path. */
static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/bench_compare_XXXXXX");
    int fd;

    assert_non_null(path);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal((ssize_t)strlen(text), write(fd, text, strlen(text)));
    close(fd);
    return path;
}

/* Everything in path, malloc'd. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = calloc(1, 1 << 16);

    assert_non_null(f);
    assert_non_null(buf);
    fread(buf, 1, (1 << 16) - 1, f);
    fclose(f);
    return buf;
}

typedef struct captured {
    int rc;
    char *out, *err;
} captured_t;

/* Runs cmd_compare(argc, argv) with stdout and stderr sent to files. */
static captured_t run_compare(int argc, char **argv)
{
    char *out_path = write_temp(""), *err_path = write_temp("");
    int saved_out = dup(1), saved_err = dup(2);
    int fo = open(out_path, O_WRONLY), fe = open(err_path, O_WRONLY);
    captured_t c;

    fflush(stdout);
    fflush(stderr);
    dup2(fo, 1);
    dup2(fe, 2);
    c.rc = cmd_compare(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(fo), close(fe), close(saved_out), close(saved_err);
    c.out = slurp(out_path);
    c.err = slurp(err_path);
    unlink(out_path), unlink(err_path);
    free(out_path), free(err_path);
    return c;
}

static void captured_free(captured_t *c)
{
    free(c->out);
    free(c->err);
}

/* Six samples of BenchmarkA at base, base+1, ... and one fixed B. */
static char *bench_file(int base, int b)
{
    char text[2048] = "goos: linux\ncpu: Test CPU\nvariant: x\n";

    for (int i = 0; i < 6; i++) {
        size_t l = strlen(text);
        snprintf(text + l, sizeof text - l,
                 "BenchmarkA-2\t100\t%d ns/op\t8 B/op\nBenchmarkB-2\t100\t%d ns/op\t8 B/op\n",
                 base + i, b);
    }
    strcat(text, "PASS\n");
    return write_temp(text);
}

static void test_separated_samples_give_delta_and_p_by_hand(void **state)
{
    char *old = bench_file(10, 40), *new = bench_file(20, 10);
    benchstat_set_t so, sn;
    benchstat_table_t t;
    char err[256];

    (void)state;
    assert_int_equal(0, benchstat_parse_file(old, &so, err, sizeof err));
    assert_int_equal(0, benchstat_parse_file(new, &sn, err, sizeof err));
    assert_int_equal(0, benchstat_compare(&so, &sn, &t));
    assert_int_equal(2, t.nunits);
    assert_string_equal("ns/op", t.units[0].unit);
    assert_string_equal("A", t.units[0].rows[0].name);
    assert_near(12.5, t.units[0].rows[0].old.center, 0);
    assert_near(22.5, t.units[0].rows[0].new.center, 0);
    assert_near(80, t.units[0].rows[0].delta_pct, 1e-9);
    assert_near(2.0 / 924, t.units[0].rows[0].p, 1e-12);
    assert_true(t.units[0].rows[0].significant);
    /* geomean: sqrt(12.5·40) = 22.36 → sqrt(22.5·10) = 15 */
    assert_true(t.units[0].has_geomean);
    assert_near(sqrt(500), t.units[0].geo_old, 1e-9);
    assert_near(15, t.units[0].geo_new, 1e-9);
    /* Identical B/op on both sides: p = 1, no difference. */
    assert_near(1, t.units[1].rows[0].p, 0);
    assert_false(t.units[1].rows[0].significant);
    assert_int_equal(0, t.nwarnings);
    benchstat_table_free(&t);
    benchstat_set_free(&so);
    benchstat_set_free(&sn);
    unlink(old), unlink(new);
    free(old), free(new);
}

static void test_compare_prints_table_with_delta_and_tilde(void **state)
{
    char *old = bench_file(10, 40), *new = bench_file(20, 10);
    char *argv[] = {"compare", old, new, NULL};
    captured_t c = run_compare(3, argv);

    (void)state;
    assert_int_equal(0, c.rc);
    assert_string_equal("", c.err);
    assert_non_null(strstr(c.out, "goos: linux\ncpu: Test CPU\nvariant: x\n"));
    assert_non_null(strstr(c.out, "sec/op"));
    assert_non_null(strstr(c.out, "12.50n ± 20%"));
    assert_non_null(strstr(c.out, "+80.00% (p=0.002 n=6)"));
    assert_non_null(strstr(c.out, "~ (p=1.000 n=6)"));
    assert_non_null(strstr(c.out, "geomean"));
    captured_free(&c);
    unlink(old), unlink(new);
    free(old), free(new);
}

static void test_too_few_samples_warn_about_confidence_interval(void **state)
{
    char *old = write_temp("BenchmarkA 1 10 ns/op\nBenchmarkA 1 11 ns/op\n");
    char *new = write_temp("BenchmarkA 1 12 ns/op\nBenchmarkA 1 13 ns/op\n");
    char *argv[] = {"compare", old, new, NULL};
    captured_t c = run_compare(3, argv);

    (void)state;
    assert_int_equal(0, c.rc);
    assert_non_null(strstr(c.out, "± \xe2\x88\x9e"));
    assert_non_null(strstr(c.out, "need >= 6 samples for confidence interval at level 0.95"));
    assert_non_null(strstr(c.out, "need >= 4 samples to detect a difference at alpha level 0.05"));
    captured_free(&c);
    unlink(old), unlink(new);
    free(old), free(new);
}

static void test_missing_file_returns_1_with_cannot_open(void **state)
{
    char *argv[] = {"compare", "/nonexistent/old.txt", "/nonexistent/new.txt", NULL};
    captured_t c = run_compare(3, argv);

    (void)state;
    assert_int_equal(1, c.rc);
    assert_string_equal("grader: cannot open '/nonexistent/old.txt': No such file or directory\n",
                        c.err);
    captured_free(&c);
}

static void test_malformed_line_returns_1_naming_file_and_line(void **state)
{
    char *old = write_temp("goos: linux\nBenchmarkA 10 5 ns/op\nBenchmarkA 10 5\n");
    char *argv[] = {"compare", old, old, NULL};
    char want[256];
    captured_t c = run_compare(3, argv);

    (void)state;
    snprintf(want, sizeof want, "grader: %s:3: missing unit after value '5'\n", old);
    assert_int_equal(1, c.rc);
    assert_string_equal(want, c.err);
    captured_free(&c);
    unlink(old);
    free(old);
}

static void test_wrong_argument_count_is_a_usage_error(void **state)
{
    char *argv[] = {"compare", "only-one", NULL};
    char *argv2[] = {"compare", "-q", "a", "b", NULL};
    captured_t c = run_compare(2, argv);

    (void)state;
    assert_int_equal(2, c.rc);
    assert_string_equal("grader: compare takes two runs, <old> and <new>\n"
                        "hint: `grader compare --help` lists its options\n",
                        c.err);
    captured_free(&c);
    c = run_compare(4, argv2);
    assert_int_equal(2, c.rc);
    assert_non_null(strstr(c.err, "grader: unknown option '-q' for 'grader compare'\n"));
    captured_free(&c);
}

/* A null sample (a round without a result) is skipped, not fatal. */
static void test_json_reports_compare_candidate_samples(void **state)
{
    char *old = write_temp(
        "{\"labs\": [{\"name\": \"gc\", \"benchmarks\": [{\"name\": \"BenchmarkMark\", "
        "\"unit\": \"ns/op\", \"reference\": [1, 1, 1, 1, 1, 1], "
        "\"candidate\": [10, 11, 12, 13, 14, 15]}]}]}");
    char *new = write_temp(
        "{\"labs\": [{\"name\": \"gc\", \"benchmarks\": [{\"name\": \"BenchmarkMark\", "
        "\"unit\": \"ns/op\", \"reference\": [1, 1, 1, 1, 1, 1], "
        "\"candidate\": [20, 21, null, 22, 23, 24, 25]}]}]}");
    char *argv[] = {"compare", old, new, NULL};
    captured_t c = run_compare(3, argv);

    (void)state;
    assert_int_equal(0, c.rc);
    assert_non_null(strstr(c.out, "gc/Mark "));
    assert_non_null(strstr(c.out, "+80.00% (p=0.002 n=6)"));
    captured_free(&c);
    unlink(old), unlink(new);
    free(old), free(new);
}

static void test_json_without_labs_is_rejected(void **state)
{
    char *old = write_temp("{\"runs\": []}");
    char *argv[] = {"compare", old, old, NULL};
    captured_t c = run_compare(3, argv);

    (void)state;
    assert_int_equal(1, c.rc);
    assert_non_null(strstr(c.err, "not a grader report"));
    captured_free(&c);
    unlink(old);
    free(old);
}

/* Six samples of "name" (value base, base+1, ...) added as a report's are. */
static void add_samples(benchstat_set_t *s, const char *name, int base)
{
    for (int i = 0; i < 6; i++)
        assert_int_equal(0, benchstat_add_sample(s, name, base + i, "ns/op"));
}

/* Go text with six results of each name, values base, base+1, ...; the
 * first line is head ("" for none). */
static void parse_text(benchstat_set_t *s, const char *head, const char *const *names, int base)
{
    char text[4096], err[256];
    size_t l = (size_t)snprintf(text, sizeof text, "%s", head);
    for (int i = 0; i < 6; i++)
        for (size_t k = 0; names[k]; k++)
            l += (size_t)snprintf(text + l, sizeof text - l, "%s\t100\t%d ns/op\n", names[k],
                                  base + i);
    FILE *f = fmemopen(text, l, "r");
    assert_non_null(f);
    assert_int_equal(0, benchstat_parse(f, "new.txt", s, err, sizeof err));
    fclose(f);
}

/* Row i of the ns/op table: name and both sides' sample counts. */
#define assert_row(t, i, name_, nold, nnew)                                                        \
    do {                                                                                           \
        assert_string_equal(name_, (t).units[0].rows[i].name);                                     \
        assert_int_equal(nold, (t).units[0].rows[i].old.n);                                        \
        assert_int_equal(nnew, (t).units[0].rows[i].new.n);                                        \
    } while (0)

/* A recorded run's "iface/BenchmarkX" and a bench binary's "BenchmarkX-2"
 * after "lab: iface" are one benchmark, as "iface/X". */
static void test_lab_header_pairs_text_with_a_recorded_run(void **state)
{
    static const char *const names[] = {"BenchmarkX-2", "BenchmarkY-2", NULL};
    benchstat_set_t old = {0}, new;
    benchstat_table_t t;
    (void)state;
    add_samples(&old, "iface/BenchmarkX", 10);
    add_samples(&old, "iface/BenchmarkY", 30);
    parse_text(&new, "goos: linux\nlab: iface\n", names, 20);
    assert_string_equal("iface", new.results[0].lab);
    assert_string_equal("X", new.results[0].base);
    assert_int_equal(0, benchstat_compare(&old, &new, &t));
    assert_int_equal(2, t.units[0].nrows);
    assert_row(t, 0, "iface/X", 6, 6);
    assert_row(t, 1, "iface/Y", 6, 6);
    benchstat_table_free(&t);
    benchstat_set_free(&old);
    benchstat_set_free(&new);
}

/* Text without a lab line pairs with the one lab of the other side that
 * has the name; -P suffixes that differ do not split a benchmark. */
static void test_text_without_lab_pairs_with_the_one_lab_holding_the_name(void **state)
{
    static const char *const names[] = {"BenchmarkMark-4", "BenchmarkMark", NULL};
    benchstat_set_t old = {0}, new;
    benchstat_table_t t;
    (void)state;
    add_samples(&old, "gc/BenchmarkMark", 10);
    parse_text(&new, "", names, 20);
    assert_null(new.results[0].lab);
    assert_int_equal(0, benchstat_compare(&old, &new, &t));
    assert_int_equal(1, t.units[0].nrows);
    assert_row(t, 0, "gc/Mark", 6, 12);
    benchstat_table_free(&t);
    benchstat_set_free(&old);
    benchstat_set_free(&new);
}

/* A name two labs of the other side hold is not guessed; another lab's
 * benchmark of the same name is another benchmark. */
static void test_names_of_several_or_other_labs_stay_apart(void **state)
{
    static const char *const names[] = {"BenchmarkX-2", NULL};
    benchstat_set_t old = {0}, new, other;
    benchstat_table_t t;
    (void)state;
    add_samples(&old, "a/BenchmarkX", 10);
    add_samples(&old, "b/BenchmarkX", 10);
    parse_text(&new, "", names, 20);
    assert_int_equal(0, benchstat_compare(&old, &new, &t));
    assert_int_equal(3, t.units[0].nrows);
    assert_row(t, 0, "a/X", 6, 0);
    assert_row(t, 1, "b/X", 6, 0);
    assert_row(t, 2, "X", 0, 6);
    benchstat_table_free(&t);
    parse_text(&other, "lab: c\n", names, 20);
    assert_int_equal(0, benchstat_compare(&old, &other, &t));
    assert_int_equal(3, t.units[0].nrows);
    assert_row(t, 2, "c/X", 0, 6);
    benchstat_table_free(&t);
    benchstat_set_free(&old);
    benchstat_set_free(&new);
    benchstat_set_free(&other);
}

UG_TEST_GROUP(bench_compare, NULL, NULL,
              cmocka_unit_test(test_separated_samples_give_delta_and_p_by_hand),
              cmocka_unit_test(test_compare_prints_table_with_delta_and_tilde),
              cmocka_unit_test(test_too_few_samples_warn_about_confidence_interval),
              cmocka_unit_test(test_missing_file_returns_1_with_cannot_open),
              cmocka_unit_test(test_malformed_line_returns_1_naming_file_and_line),
              cmocka_unit_test(test_wrong_argument_count_is_a_usage_error),
              cmocka_unit_test(test_json_reports_compare_candidate_samples),
              cmocka_unit_test(test_json_without_labs_is_rejected),
              cmocka_unit_test(test_lab_header_pairs_text_with_a_recorded_run),
              cmocka_unit_test(test_text_without_lab_pairs_with_the_one_lab_holding_the_name),
              cmocka_unit_test(test_names_of_several_or_other_labs_stay_apart));
