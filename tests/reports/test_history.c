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

/* ---- shards and merging ------------------------------------------------------------------ */

static void test_every_candidate_falls_in_one_shard_that_adding_others_never_moves(void **state)
{
    (void)state;
    enum { IDS = 600, MOST = 7 };
    static unsigned before[MOST + 1][IDS];
    size_t counts[MOST] = {0};
    char id[32];
    /* the hash is part of the file format: a shard resumed by a newer
     * grader must hold the same candidates */
    assert_int_equal(3, history_shard("alice", 4));
    assert_int_equal(0, history_shard("alice", 1));
    for (unsigned n = 1; n <= MOST; n++)
        for (int i = 0; i < IDS; i++) {
            snprintf(id, sizeof id, "cand-%03d", i);
            before[n][i] = history_shard(id, n);
        }
    size_t out_of_range = 0, moved = 0;
    for (int i = 0; i < IDS; i++) {
        snprintf(id, sizeof id, "cand-%03d", i);
        out_of_range += before[MOST][i] >= MOST;
        counts[before[MOST][i] % MOST]++;
        /* a batch folder grown by 100 new ids: the old ones stay put */
        for (unsigned n = 1; n <= MOST; n++)
            moved += history_shard(id, n) != before[n][i];
    }
    assert_int_equal(0, out_of_range);
    assert_int_equal(0, moved);
    size_t smallest = IDS, largest = 0;
    for (int k = 0; k < MOST; k++) {
        smallest = counts[k] < smallest ? counts[k] : smallest;
        largest = counts[k] > largest ? counts[k] : largest;
    }
    assert_in_range(smallest, IDS / MOST / 2, IDS / MOST);
    assert_in_range(largest, IDS / MOST, 2 * IDS / MOST);
}

static void test_shard_argument_is_k_of_n_from_zero(void **state)
{
    (void)state;
    unsigned k = 9, n = 9;
    assert_true(history_parse_shard("0/4", &k, &n));
    assert_int_equal(0, k);
    assert_int_equal(4, n);
    assert_true(history_parse_shard("3/4", &k, &n));
    assert_int_equal(3, k);
    static const char *const bad[] = {"4/4", "1/0", "-1/4",    "1/4x", "a/b", "1",
                                      "/4",  "1/",  "0/10001", " 0/4", ""};
    size_t accepted = 0;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        accepted += history_parse_shard(bad[i], &k, &n);
    assert_int_equal(0, accepted);
}

/* A history at dir/name holding runs of the given candidates, one each. */
static void make_shard(fx_t *f, const char *name, const char *const *cands, size_t n, int passed)
{
    char path[160], err[512];
    history_t *h;
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    assert_int_equal(0, history_open(path, true, &h, err, sizeof err));
    for (size_t i = 0; i < n; i++) {
        run_result_t r;
        int64_t id;
        char sha[8];
        make_run(&r, passed, 1.0 + 0.1 * (double)i);
        snprintf(sha, sizeof sha, "sha-%c", cands[i][0]);
        assert_int_equal(0, history_record(h, cands[i], sha, &r, 0, &id));
        run_result_free(&r);
    }
    history_close(h);
}

static int merge_files(fx_t *f, const char *a, const char *b, history_merge_stats_t *st)
{
    char pa[160], pb[160];
    snprintf(pa, sizeof pa, "%s/%s", f->dir, a);
    snprintf(pb, sizeof pb, "%s/%s", f->dir, b);
    const char *paths[] = {pa, pb};
    return history_merge(fx_open(f), paths, b ? 2 : 1, st);
}

static void test_merging_shards_twice_adds_their_runs_once(void **state)
{
    fx_t *f = *state;
    static const char *const s0[] = {"alice", "carol"}, *const s1[] = {"bob"};
    make_shard(f, "s0.db", s0, 2, 4);
    make_shard(f, "s1.db", s1, 1, 3);
    history_merge_stats_t st;
    assert_int_equal(0, merge_files(f, "s0.db", "s1.db", &st));
    assert_int_equal(2, st.files);
    assert_int_equal(3, st.added);
    assert_int_equal(0, st.present);
    assert_int_equal(0, merge_files(f, "s1.db", "s0.db", &st));
    assert_int_equal(0, st.added);
    assert_int_equal(3, st.present);
    assert_int_equal(3, count_rows(f, "SELECT count(*) FROM runs"));
    assert_int_equal(12, count_rows(f, "SELECT count(*) FROM tests"));
    assert_int_equal(18, count_rows(f, "SELECT count(*) FROM samples"));
    assert_int_equal(3, count_rows(f, "SELECT count(*) FROM labs"));
    history_run_t *runs;
    size_t n;
    assert_int_equal(0, history_leaderboard(f->h, false, &runs, &n));
    assert_int_equal(3, n);
    /* alice and carol passed 4 of 4, alice faster; bob 3 of 4 */
    assert_string_equal("alice", runs[0].candidate);
    assert_string_equal("carol", runs[1].candidate);
    assert_string_equal("bob", runs[2].candidate);
    history_runs_free(runs, n);
    /* a merged run loads back whole */
    run_result_t back;
    assert_int_equal(0, history_load_run(f->h, 1, &back));
    assert_int_equal(1, back.n_labs);
    assert_int_equal(4, back.labs[0].n_tests);
    run_result_free(&back);
}

static void set_recorded_at(fx_t *f, const char *name, const char *when)
{
    char path[160], sql[128];
    sqlite3 *db;
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    snprintf(sql, sizeof sql, "UPDATE runs SET recorded_at = '%s'", when);
    assert_int_equal(SQLITE_OK, sqlite3_open(path, &db));
    assert_int_equal(SQLITE_OK, sqlite3_exec(db, sql, NULL, NULL, NULL));
    sqlite3_close(db);
}

static void test_a_regrade_in_two_shards_keeps_both_and_ranks_the_newest(void **state)
{
    fx_t *f = *state;
    static const char *const a[] = {"alice"};
    make_shard(f, "new.db", a, 1, 2);
    make_shard(f, "old.db", a, 1, 4);
    set_recorded_at(f, "new.db", "2026-03-01T00:00:00Z");
    set_recorded_at(f, "old.db", "2026-02-01T00:00:00Z");
    history_merge_stats_t st;
    /* the newer file first: the order of merging does not decide */
    assert_int_equal(0, merge_files(f, "new.db", "old.db", &st));
    assert_int_equal(2, st.added);
    history_run_t *runs;
    size_t n;
    assert_int_equal(0, history_list(f->h, "alice", &runs, &n));
    assert_int_equal(2, n);
    history_runs_free(runs, n);
    assert_int_equal(0, history_leaderboard(f->h, false, &runs, &n));
    assert_int_equal(1, n);
    assert_int_equal(2, runs[0].passed);
    history_runs_free(runs, n);
}

static void test_a_bad_input_is_named_and_the_output_is_left_as_it_was(void **state)
{
    fx_t *f = *state;
    static const char *const a[] = {"alice"}, *const other[] = {"bob"};
    char path[160];
    history_merge_stats_t st;
    make_shard(f, "good.db", other, 1, 4);
    assert_int_equal(1, record(f, "alice", "aaaa", 4, 1.0));
    long runs = count_rows(f, "SELECT count(*) FROM runs");
    /* text, not SQLite */
    snprintf(path, sizeof path, "%s/notes.db", f->dir);
    assert_int_equal(0, fsutil_write_atomic(path, "not a database at all, but long enough...", 41));
    assert_int_equal(-EINVAL, merge_files(f, "good.db", "notes.db", &st));
    assert_non_null(strstr(history_error(f->h), "notes.db"));
    /* SQLite, but not a history */
    sqlite3 *db;
    snprintf(path, sizeof path, "%s/foreign.db", f->dir);
    assert_int_equal(SQLITE_OK, sqlite3_open(path, &db));
    assert_int_equal(SQLITE_OK, sqlite3_exec(db, "CREATE TABLE runs(x)", NULL, NULL, NULL));
    sqlite3_close(db);
    assert_int_equal(-EINVAL, merge_files(f, "good.db", "foreign.db", &st));
    assert_non_null(strstr(history_error(f->h), "not a grader history"));
    /* missing */
    assert_int_equal(-ENOENT, merge_files(f, "good.db", "missing.db", &st));
    assert_non_null(strstr(history_error(f->h), "missing.db"));
    /* alice with another submission than the output's */
    make_shard(f, "clash.db", a, 1, 4);
    assert_int_equal(-EEXIST, merge_files(f, "good.db", "clash.db", &st));
    assert_non_null(strstr(history_error(f->h), "alice"));
    /* itself */
    assert_int_equal(-EINVAL, merge_files(f, "good.db", "h.db", &st));
    /* all or nothing: good.db, listed first each time, was not merged */
    assert_int_equal(runs, count_rows(f, "SELECT count(*) FROM runs"));
    assert_int_equal(0, st.added);
    assert_int_equal(0, merge_files(f, "good.db", NULL, &st));
    assert_int_equal(runs + 1, count_rows(f, "SELECT count(*) FROM runs"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
UG_TEST_GROUP(history, NULL, NULL, T(test_submission_hash_follows_editable_files_only),
              T(test_recorded_runs_list_back_with_scores_verdicts_and_samples),
              T(test_recorded_run_loads_back_to_the_same_report_and_samples),
              T(test_leaderboard_ranks_latest_runs_by_score_then_time_ratio),
              T(test_candidate_id_of_another_submission_is_refused_and_nothing_written),
              T(test_corrupt_or_foreign_database_is_refused_and_left_untouched),
              T(test_db_run_reference_needs_an_existing_file_and_a_run_number),
              T(test_partial_runs_are_kept_but_ranked_apart_from_whole_grades),
              T(test_a_schema_1_history_is_migrated_and_keeps_its_runs),
              T(test_batch_records_each_candidate_once_and_resumes_until_all_are_done),
              T(test_every_candidate_falls_in_one_shard_that_adding_others_never_moves),
              T(test_shard_argument_is_k_of_n_from_zero),
              T(test_merging_shards_twice_adds_their_runs_once),
              T(test_a_regrade_in_two_shards_keeps_both_and_ranks_the_newest),
              T(test_a_bad_input_is_named_and_the_output_is_left_as_it_was));
