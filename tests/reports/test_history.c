/*
 * test_history.c — the results history on real SQLite files: SHA-256
 * against the FIPS 180-2 vectors, the submission hash, recording and
 * listing, the leaderboard's order, a candidate id reused for another
 * submission, corrupt and foreign files, and batch bookkeeping that never
 * counts a run twice.
 */
#include <undergo/labtest.h>

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "history.h"
#include "plan.h"
#include "report.h"
#include "score.h"

static char *sdup(const char *s) { return s ? strdup(s) : NULL; }

/* ---- fixtures --------------------------------------------------------------------------- */

typedef struct fx {
    char dir[64], db[96];
    history_t *h;
} fx_t;

static int fx_setup(void **state)
{
    fx_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ug-history-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof f->db, "%s/h.db", f->dir);
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    fx_t *f = *state;
    history_close(f->h);
    fsutil_remove_tree(f->dir);
    free(f);
    return 0;
}

static history_t *fx_open(fx_t *f)
{
    char err[512];
    if (!f->h)
        assert_int_equal(0, history_open(f->db, true, &f->h, err, sizeof err));
    return f->h;
}

/* One lab, `passed` of 4 tests passing; ratio > 0 adds a measured
 * benchmark (6 rounds) with that time ratio. */
static void make_run(run_result_t *r, int passed, double ratio)
{
    memset(r, 0, sizeof *r);
    r->variant = sdup("candidate");
    r->started_at = sdup("2026-01-02T03:04:05Z");
    r->labs = calloc(1, sizeof *r->labs);
    r->n_labs = 1;
    lab_result_t *lr = &r->labs[0];
    *lr = (lab_result_t){.name = sdup("iface"), .title = sdup("I"), .question = sdup("1.1"),
                         .points = 4, .perf_share = 0.25, .perf_target = 1.5, .perf_floor = 4,
                         .tests = calloc(4, sizeof *lr->tests)};
    for (int i = 0; i < 4; i++) {
        char name[32];
        snprintf(name, sizeof name, "test_%d", i);
        lr->tests[lr->n_tests++] = (test_result_t){
            .name = sdup(name), .weight = 1, .seed = 1,
            .verdict = i < passed ? VERDICT_PASS : VERDICT_FAIL};
    }
    if (ratio > 0) {
        lr->benches = calloc(1, sizeof *lr->benches);
        lr->n_benches = 1;
        bench_result_t *b = &lr->benches[0];
        *b = (bench_result_t){.name = sdup("BenchmarkX"), .unit = sdup("ns/op"), .n = 6,
                              .reference = calloc(6, sizeof(double)),
                              .candidate = calloc(6, sizeof(double)), .ratio = ratio};
        for (int i = 0; i < 6; i++) {
            b->reference[i] = 100;
            b->candidate[i] = 100 * ratio;
        }
    }
    score_lab(lr);
    score_run(r);
}

static int64_t record_as(fx_t *f, const char *cand, const char *sha, int passed, double ratio,
                         bool partial)
{
    run_result_t r;
    int64_t id = 0;
    make_run(&r, passed, ratio);
    r.partial = partial;
    int rc = history_record(fx_open(f), cand, sha, &r, 0, &id);
    run_result_free(&r);
    return rc ? rc : id;
}

static int64_t record(fx_t *f, const char *cand, const char *sha, int passed, double ratio)
{
    return record_as(f, cand, sha, passed, ratio, false);
}

static long count_rows(fx_t *f, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long n = -1;
    assert_int_equal(SQLITE_OK, sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL));
    assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, sql, -1, &st, NULL));
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* ---- the submission hash ------------------------------------------------------------- */

static void test_submission_hash_follows_editable_files_only(void **state)
{
    fx_t *f = *state;
    char *editable[] = {"a.c", "b.c"}, path[160], h1[65], h2[65], h3[65], h4[65];
    lab_t lab = {.name = "iface", .editable = editable, .n_editable = 2};
    lab_set_t set = {.labs = &lab, .n = 1};
    snprintf(path, sizeof path, "%s/sub/labs/iface", f->dir);
    assert_int_equal(0, fsutil_mkdirs(path));
    snprintf(path, sizeof path, "%s/sub/labs/iface/a.c", f->dir);
    assert_int_equal(0, fsutil_write_atomic(path, "int a;", 6));
    snprintf(path, sizeof path, "%s/sub", f->dir);
    assert_int_equal(0, plan_hash_submission(&set, "/nonexistent", path, h1));
    snprintf(path, sizeof path, "%s/sub/labs/iface/notes.txt", f->dir);
    assert_int_equal(0, fsutil_write_atomic(path, "x", 1));
    snprintf(path, sizeof path, "%s/sub", f->dir);
    assert_int_equal(0, plan_hash_submission(&set, "/nonexistent", path, h2));
    assert_string_equal(h1, h2);
    snprintf(path, sizeof path, "%s/sub/labs/iface/a.c", f->dir);
    assert_int_equal(0, fsutil_write_atomic(path, "int b;", 6));
    snprintf(path, sizeof path, "%s/sub", f->dir);
    assert_int_equal(0, plan_hash_submission(&set, "/nonexistent", path, h3));
    assert_string_not_equal(h1, h3);
    /* the same bytes under the other file's name are another submission */
    snprintf(path, sizeof path, "%s/sub/labs/iface/a.c", f->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/sub/labs/iface/b.c", f->dir);
    assert_int_equal(0, fsutil_write_atomic(path, "int b;", 6));
    snprintf(path, sizeof path, "%s/sub", f->dir);
    assert_int_equal(0, plan_hash_submission(&set, "/nonexistent", path, h4));
    assert_string_not_equal(h3, h4);
}

/* ---- recording and listing -------------------------------------------------------------- */

static void test_recorded_runs_list_back_with_scores_verdicts_and_samples(void **state)
{
    fx_t *f = *state;
    assert_int_equal(1, record(f, "alice", "aaaa", 4, 1.2));
    assert_int_equal(2, record(f, "bob", "bbbb", 1, 0));
    history_run_t *runs;
    size_t n;
    assert_int_equal(0, history_list(f->h, NULL, &runs, &n));
    assert_int_equal(2, n);
    assert_string_equal("alice", runs[0].candidate);
    assert_string_equal("aaaa", runs[0].sha256);
    assert_int_equal(4, runs[0].passed);
    assert_int_equal(4, runs[0].tests);
    assert_true(runs[0].perf_ratio > 1.19 && runs[0].perf_ratio < 1.21);
    assert_true(runs[1].perf_ratio == 0);   /* not measured */
    /* 1 of 4 tests of 4 points, the performance share (0.25) forfeited */
    assert_true(runs[1].score > 0.74 && runs[1].score < 0.76);
    history_runs_free(runs, n);
    assert_int_equal(0, history_list(f->h, "bob", &runs, &n));
    assert_int_equal(1, n);
    assert_int_equal(2, runs[0].id);
    history_runs_free(runs, n);
    assert_int_equal(8, count_rows(f, "SELECT count(*) FROM tests"));
    assert_int_equal(3, count_rows(f, "SELECT count(*) FROM tests WHERE run_id = 2 AND verdict = 'fail'"));
    assert_int_equal(6, count_rows(f, "SELECT count(*) FROM samples WHERE run_id = 1"));
}

static void test_recorded_run_loads_back_to_the_same_report_and_samples(void **state)
{
    fx_t *f = *state;
    run_result_t r, back;
    int64_t id;
    make_run(&r, 3, 1.5);
    assert_int_equal(0, history_record(fx_open(f), "alice", "aaaa", &r, 0, &id));
    assert_int_equal(0, history_load_run(f->h, id, &back));
    char *a = report_json(&r), *b = report_json(&back);
    assert_string_equal(a, b);
    free(a);
    free(b);
    run_result_free(&back);
    run_result_free(&r);
    assert_int_equal(-ENOENT, history_load_run(f->h, id + 1, &back));
    assert_non_null(strstr(history_error(f->h), "has no run 2"));
    benchstat_set_t s = {0};
    assert_int_equal(0, history_load_samples(f->h, id, &s));
    assert_int_equal(6, s.nresults);
    assert_string_equal("iface/BenchmarkX", s.results[0].name);
    benchstat_set_free(&s);
}

static void test_leaderboard_ranks_latest_runs_by_score_then_time_ratio(void **state)
{
    fx_t *f = *state;
    record(f, "slow", "s", 4, 1.4);
    record(f, "fast", "f", 4, 1.1);
    record(f, "unmeasured", "u", 4, 0);
    record(f, "partial", "p", 2, 0.5);
    record(f, "improved", "i", 1, 0);
    record(f, "improved", "i", 4, 1.2);     /* its latest run counts */
    const char *want[] = {"fast", "improved", "slow", "unmeasured", "partial"};
    history_run_t *runs;
    size_t n;
    assert_int_equal(0, history_leaderboard(f->h, false, &runs, &n));
    assert_int_equal(5, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(want[i], runs[i].candidate);
    assert_int_equal(6, runs[1].id);
    history_runs_free(runs, n);
}

/* A partial run (-run, a lab subset, --no-bench) is kept and listed, but
 * never ranked among whole grades, however high it scored; a candidate
 * with only partial runs is ranked with the partial ones. */
static void test_partial_runs_are_kept_but_ranked_apart_from_whole_grades(void **state)
{
    fx_t *f = *state;
    record(f, "whole", "w", 2, 0);
    record_as(f, "filtered", "f", 4, 1.0, true);
    record(f, "both", "b", 3, 0);
    record_as(f, "both", "b", 4, 1.0, true);      /* later, but partial: the whole run counts */
    history_run_t *runs;
    size_t n;
    assert_int_equal(0, history_leaderboard(f->h, false, &runs, &n));
    assert_int_equal(2, n);
    assert_string_equal("both", runs[0].candidate);
    assert_int_equal(3, runs[0].id);
    assert_string_equal("whole", runs[1].candidate);
    history_runs_free(runs, n);
    assert_int_equal(0, history_leaderboard(f->h, true, &runs, &n));
    assert_int_equal(1, n);
    assert_string_equal("filtered", runs[0].candidate);
    assert_true(runs[0].partial);
    history_runs_free(runs, n);
    assert_int_equal(0, history_list(f->h, NULL, &runs, &n));
    assert_int_equal(4, n);
    assert_true(runs[3].partial && !runs[2].partial);
    history_runs_free(runs, n);
}

/* A history written before runs.partial existed (schema 1) is brought up
 * to date when opened: its runs stay, as whole grades. */
static void test_a_schema_1_history_is_migrated_and_keeps_its_runs(void **state)
{
    fx_t *f = *state;
    record(f, "old", "o", 4, 0);
    history_close(f->h);
    f->h = NULL;
    sqlite3 *db;
    assert_int_equal(SQLITE_OK, sqlite3_open(f->db, &db));
    assert_int_equal(SQLITE_OK, sqlite3_exec(db, "ALTER TABLE runs DROP COLUMN partial;"
                                                 " PRAGMA user_version=1", NULL, NULL, NULL));
    sqlite3_close(db);
    history_run_t *runs;
    size_t n;
    assert_int_equal(0, history_leaderboard(fx_open(f), false, &runs, &n));
    assert_int_equal(1, n);
    assert_string_equal("old", runs[0].candidate);
    history_runs_free(runs, n);
    assert_int_equal(2, count_rows(f, "PRAGMA user_version"));
}

static void test_candidate_id_of_another_submission_is_refused_and_nothing_written(void **state)
{
    fx_t *f = *state;
    assert_int_equal(1, record(f, "alice", "aaaa", 4, 0));
    assert_int_equal(2, record(f, "alice", "aaaa", 3, 0));   /* same submission: a new run */
    assert_int_equal(-EEXIST, record(f, "alice", "bbbb", 4, 0));
    assert_non_null(strstr(history_error(f->h), "candidate 'alice' is already recorded"));
    assert_int_equal(-EEXIST, history_check_candidate(f->h, "alice", "bbbb"));
    assert_int_equal(0, history_check_candidate(f->h, "carol", "bbbb"));
    assert_int_equal(2, count_rows(f, "SELECT count(*) FROM runs"));
    assert_int_equal(8, count_rows(f, "SELECT count(*) FROM tests"));
}

static void test_corrupt_or_foreign_database_is_refused_and_left_untouched(void **state)
{
    fx_t *f = *state;
    char err[512], *data;
    history_t *h = NULL;
    const char junk[] = "this is not a database, it only sits where one should be\n";
    assert_int_equal(0, fsutil_write_atomic(f->db, junk, sizeof junk - 1));
    assert_int_equal(-EINVAL, history_open(f->db, true, &h, err, sizeof err));
    assert_null(h);
    assert_non_null(strstr(err, "file is not a database"));
    assert_int_equal(0, fsutil_read(f->db, &data, NULL));
    assert_string_equal(junk, data);
    free(data);
    unlink(f->db);
    sqlite3 *db;
    assert_int_equal(SQLITE_OK, sqlite3_open(f->db, &db));
    assert_int_equal(SQLITE_OK, sqlite3_exec(db, "CREATE TABLE mine(x)", NULL, NULL, NULL));
    sqlite3_close(db);
    assert_int_equal(-EINVAL, history_open(f->db, true, &h, err, sizeof err));
    assert_non_null(strstr(err, "not a grader history"));
    assert_int_equal(0, count_rows(f, "SELECT count(*) FROM sqlite_master WHERE name = 'runs'"));
    assert_int_equal(-ENOENT, history_open("/nonexistent/h.db", false, &h, err, sizeof err));
    assert_non_null(strstr(err, "cannot open history '/nonexistent/h.db'"));
}

static void test_db_run_reference_needs_an_existing_file_and_a_run_number(void **state)
{
    fx_t *f = *state;
    char arg[160], *db = NULL;
    int64_t id = 0;
    fx_open(f);
    snprintf(arg, sizeof arg, "%s:12", f->db);
    assert_true(history_parse_ref(arg, &db, &id));
    assert_string_equal(f->db, db);
    assert_int_equal(12, id);
    free(db);
    snprintf(arg, sizeof arg, "%s:x", f->db);
    assert_false(history_parse_ref(arg, &db, &id));
    snprintf(arg, sizeof arg, "%s:0", f->db);
    assert_false(history_parse_ref(arg, &db, &id));
    assert_false(history_parse_ref("/nonexistent.db:1", &db, &id));
    assert_false(history_parse_ref("results.json", &db, &id));
}

/* ---- batches ---------------------------------------------------------------------------- */

static void test_batch_records_each_candidate_once_and_resumes_until_all_are_done(void **state)
{
    fx_t *f = *state;
    history_t *h = fx_open(f);
    int64_t batch, again, id;
    bool resumed;
    size_t done, total;
    run_result_t r;
    assert_int_equal(0, history_batch_open(h, "/subs", &batch, &resumed));
    assert_false(resumed);
    assert_int_equal(0, history_batch_add(h, batch, "alice"));
    assert_int_equal(0, history_batch_add(h, batch, "bob"));
    make_run(&r, 4, 0);
    assert_int_equal(0, history_record(h, "alice", "aaaa", &r, batch, &id));
    assert_int_equal(1, history_batch_is_done(h, batch, "alice"));
    assert_int_equal(-EALREADY, history_record(h, "alice", "aaaa", &r, batch, &id));
    assert_int_equal(1, count_rows(f, "SELECT count(*) FROM runs"));
    assert_int_equal(0, history_batch_fail(h, batch, "bob", "did not build"));
    assert_int_equal(0, history_batch_finish(h, batch, &done, &total));
    assert_int_equal(1, done);
    assert_int_equal(2, total);
    /* started again: the same batch, bob still to do */
    assert_int_equal(0, history_batch_open(h, "/subs", &again, &resumed));
    assert_true(resumed);
    assert_int_equal(batch, again);
    assert_int_equal(0, history_batch_add(h, again, "alice"));
    assert_int_equal(1, history_batch_is_done(h, again, "alice"));
    assert_int_equal(0, history_batch_is_done(h, again, "bob"));
    assert_int_equal(0, history_record(h, "bob", "bbbb", &r, again, &id));
    assert_int_equal(0, history_batch_finish(h, again, &done, &total));
    assert_int_equal(2, done);
    /* finished: the next batch of the folder is a new one */
    assert_int_equal(0, history_batch_open(h, "/subs", &again, &resumed));
    assert_false(resumed);
    assert_int_not_equal(batch, again);
    assert_int_equal(2, count_rows(f, "SELECT count(*) FROM runs"));
    run_result_free(&r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
UG_TEST_GROUP(history, NULL, NULL,
    T(test_submission_hash_follows_editable_files_only),
    T(test_recorded_runs_list_back_with_scores_verdicts_and_samples),
    T(test_recorded_run_loads_back_to_the_same_report_and_samples),
    T(test_leaderboard_ranks_latest_runs_by_score_then_time_ratio),
    T(test_candidate_id_of_another_submission_is_refused_and_nothing_written),
    T(test_corrupt_or_foreign_database_is_refused_and_left_untouched),
    T(test_db_run_reference_needs_an_existing_file_and_a_run_number),
    T(test_partial_runs_are_kept_but_ranked_apart_from_whole_grades),
    T(test_a_schema_1_history_is_migrated_and_keeps_its_runs),
    T(test_batch_records_each_candidate_once_and_resumes_until_all_are_done));
