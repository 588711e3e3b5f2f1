/*
 * ingest.c — parsing and aggregation: good lines per route, bad lines
 * counted and skipped, the line rules of tune.h.
 *
 * Paths, numbers, key order and the mix of bad lines come from the seed.
 *
 * Interface: tune_open → tune_ingest → tune_stat / tune_totals.
 */
#include <errno.h>

#include "logs.h"

/* Without patterns a line's route is its path; lines of one path in two
 * batches add up. */
static void test_good_lines_are_aggregated_per_path_across_batches(void **state)
{
    (void)state;
    tune_t *t;
    assert_int_equal(0, tune_open(&t));
    enum { NPATHS = 5 };
    char paths[NPATHS][32];
    tune_stat_t want[NPATHS] = {{0}};
    for (int i = 0; i < NPATHS; i++)
        snprintf(paths[i], sizeof paths[i], "/p%d/%llu", i,
                 (unsigned long long)ug_rand_below(1000));
    long good = 0, lines = 0;
    for (int batch = 0; batch < 2; batch++) {
        logs_t l;
        logs_init(&l);
        int n = 20 + (int)ug_rand_below(30);
        for (int k = 0; k < n; k++)
            logs_line(&l, paths[k % NPATHS], &want[k % NPATHS]);
        good += tune_ingest(t, l.buf, l.len);
        lines += n;
        logs_free(&l);
    }
    assert_int_equal(lines, good);
    for (int i = 0; i < NPATHS; i++)
        logs_check_stat(t, paths[i], want[i]);
    tune_stat_t none;
    assert_int_equal(-ENOENT, tune_stat(t, "/never", &none));
    tune_close(t);
}

/* Each kind of bad line is counted as bad and adds to no route. */
static void test_bad_lines_are_counted_and_add_to_no_route(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "path=/a bytes=1\n",    /* no status */
        "status=200 bytes=1\n", /* no path */
        "path=/a status=600\n", /* status out of range */
        "path=/a status=99\n",
        "path=/a status=200 bytes=12x\n",  /* not a number */
        "path=/a status=200 ms=\n",        /* empty number */
        "path=/a status=200 oops\n",       /* a token without '=' */
        "path=/a status=200 status=201\n", /* a key twice */
        "path=a status=200\n",             /* a path not starting with '/' */
        "   \n",                           /* spaces only */
    };
    size_t nbad = sizeof bad / sizeof *bad;
    tune_t *t;
    assert_int_equal(0, tune_open(&t));
    logs_t l;
    logs_init(&l);
    tune_stat_t want = {0};
    unsigned long long nb = 0, ng = 0;
    int n = 30 + (int)ug_rand_below(20);
    for (int k = 0; k < n; k++) {
        if (ug_rand_below(2)) {
            logs_put(&l, bad[ug_rand_below(nbad)]);
            nb++;
        } else {
            logs_line(&l, "/a", &want);
            ng++;
        }
    }
    for (size_t i = 0; i < nbad; i++, nb++) /* every kind at least once */
        logs_put(&l, bad[i]);
    assert_int_equal(ng, tune_ingest(t, l.buf, l.len));
    uint64_t good = 0, badn = 0;
    tune_totals(t, &good, &badn);
    assert_int_equal(ng, good);
    assert_int_equal(nb, badn);
    if (ng)
        logs_check_stat(t, "/a", want);
    logs_free(&l);
    tune_close(t);
}

/* Unknown keys are ignored, spaces may repeat, empty lines are skipped
 * (neither good nor bad), a value may hold '=', and the last line needs
 * no '\n'. */
static void test_unknown_keys_spaces_empty_lines_and_a_last_line_without_newline(void **state)
{
    (void)state;
    tune_t *t;
    assert_int_equal(0, tune_open(&t));
    unsigned bytes = (unsigned)ug_rand_below(5000), ms = (unsigned)ug_rand_below(900);
    char buf[512];
    int n = snprintf(buf, sizeof buf,
                     "\n\nuser=bob path=/q=%u   status=503 trace=a=b bytes=%u\n\n"
                     "path=/q=%u status=200 ms=%u",
                     bytes % 7, bytes, bytes % 7, ms);
    assert_int_equal(2, tune_ingest(t, buf, (size_t)n));
    char route[32];
    snprintf(route, sizeof route, "/q=%u", bytes % 7);
    tune_stat_t want = {.count = 2, .bytes = bytes, .errors = 1, .ms_total = ms, .ms_max = ms};
    logs_check_stat(t, route, want);
    uint64_t good = 0, bad = 0;
    tune_totals(t, &good, &bad);
    assert_int_equal(2, good);
    assert_int_equal(0, bad);
    tune_close(t);
}

UG_TEST_GROUP(
    tune_ingest, NULL, NULL,
    cmocka_unit_test(test_good_lines_are_aggregated_per_path_across_batches),
    cmocka_unit_test(test_bad_lines_are_counted_and_add_to_no_route),
    cmocka_unit_test(test_unknown_keys_spaces_empty_lines_and_a_last_line_without_newline));
