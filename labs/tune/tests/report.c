/*
 * report.c — the report: routes in byte order, integer averages, the
 * total line; tune_write_report writes exactly the bytes tune_render makes,
 * however long the report, and returns a failed write's errno.
 *
 * Routes, their numbers and the report's size come from the seed.
 *
 * Interface: tune_ingest → tune_render / tune_write_report.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "logs.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A service holding n seeded paths (some sharing a prefix, so byte order
 * matters), and the report it must render, built here. */
static char *fill(tune_t *t, int n)
{
    char **names = calloc((size_t)n, sizeof *names);
    tune_stat_t *want = calloc((size_t)n, sizeof *want);
    logs_t l;
    logs_init(&l);
    for (int i = 0; i < n; i++) {
        char p[64];
        /* i in its own segment: two paths are never the same */
        snprintf(p, sizeof p, "/r/%x/%x%s", (unsigned)ug_rand_below(1u << 20), (unsigned)i,
                 ug_rand_below(2) ? "/Z" : "");
        names[i] = strdup(p);
    }
    qsort(names, (size_t)n, sizeof *names, by_name);
    int good = 0;
    for (int k = 0; k < 3 * n; k++) {
        int i = (int)ug_rand_below((uint64_t)n);
        logs_line(&l, names[i], &want[i]);
        good++;
    }
    logs_put(&l, "path=/bad\n");
    assert_int_equal(good, tune_ingest(t, l.buf, l.len));
    logs_t r;
    logs_init(&r);
    logs_put(&r, "");
    for (int i = 0; i < n; i++) {
        char row[512];
        if (want[i].count) {
            logs_row(row, sizeof row, names[i], &want[i]);
            logs_put(&r, row);
        }
        free(names[i]);
    }
    char tot[64];
    snprintf(tot, sizeof tot, "total good=%d bad=1\n", good);
    logs_put(&r, tot);
    free(names);
    free(want);
    logs_free(&l);
    return r.buf;
}

static void test_render_lists_routes_in_byte_order_with_integer_averages_and_a_total(void **state)
{
    (void)state;
    tune_t *t;
    assert_int_equal(0, tune_open(&t));
    char *want = fill(t, 20 + (int)ug_rand_below(40));
    char *got = NULL;
    size_t len = 0;
    assert_int_equal(0, tune_render(t, &got, &len));
    assert_string_equal(want, got);
    assert_int_equal(strlen(want), len);
    free(got);
    free(want);
    tune_close(t);
}

static void test_an_empty_service_reports_only_the_total_line(void **state)
{
    (void)state;
    tune_t *t;
    assert_int_equal(0, tune_open(&t));
    char buf[64];
    int n = (int)ug_rand_below(5);
    for (int i = 0; i < n; i++)
        tune_ingest(t, "oops\n", 5);
    char want[64];
    snprintf(want, sizeof want, "total good=0 bad=%d\n", n);
    char *got = NULL;
    size_t len = 0;
    assert_int_equal(0, tune_render(t, &got, &len));
    assert_string_equal(want, got);
    free(got);
    int fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
    assert_true(fd >= 0);
    assert_int_equal(0, tune_write_report(t, fd));
    ssize_t r = pread(fd, buf, sizeof buf - 1, 0);
    buf[r > 0 ? r : 0] = '\0';
    assert_string_equal(want, buf);
    close(fd);
    tune_close(t);
}

/* A report of hundreds of kilobytes, larger than any sensible buffer,
 * reaches the file whole. */
static void test_write_report_writes_exactly_the_rendered_bytes_of_a_long_report(void **state)
{
    (void)state;
    tune_t *t;
    assert_int_equal(0, tune_open(&t));
    char *want = fill(t, 3000 + (int)ug_rand_below(2000));
    int fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
    assert_true(fd >= 0);
    assert_int_equal(0, tune_write_report(t, fd));
    off_t size = lseek(fd, 0, SEEK_END);
    char *got = calloc((size_t)size + 1, 1);
    assert_int_equal(size, pread(fd, got, (size_t)size, 0));
    assert_int_equal(strlen(want), size);
    assert_string_equal(want, got);
    close(fd);
    free(got);
    free(want);
    tune_close(t);
}

static void test_write_report_returns_the_errno_of_a_failed_write(void **state)
{
    (void)state;
    tune_t *t;
    assert_int_equal(0, tune_open(&t));
    free(fill(t, 1 + (int)ug_rand_below(10)));
    int fd = open("/dev/null", O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(-EBADF, tune_write_report(t, fd));
    close(fd);
    assert_int_equal(-EBADF, tune_write_report(t, fd));
    tune_close(t);
}

UG_TEST_GROUP(
    tune_report, NULL, NULL,
    cmocka_unit_test(test_render_lists_routes_in_byte_order_with_integer_averages_and_a_total),
    cmocka_unit_test(test_an_empty_service_reports_only_the_total_line),
    cmocka_unit_test(test_write_report_writes_exactly_the_rendered_bytes_of_a_long_report),
    cmocka_unit_test(test_write_report_returns_the_errno_of_a_failed_write));
