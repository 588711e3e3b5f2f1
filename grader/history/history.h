/*
 * history.h — every graded run kept in one SQLite file, for reviewers.
 *
 * A run is recorded under a candidate id with the SHA-256 of the
 * submission's editable files, its per-lab scores, per-test verdicts,
 * benchmark samples, and the whole JSON report (so a recorded run can be
 * rendered or compared again). One candidate id names one submission:
 * recording a different submission under an id already used is refused
 * (-EEXIST), so two candidates can never be merged by a typo.
 *
 * Batches (`grader batch`) keep a row per candidate with its state
 * (pending, done, failed). A run and its batch row's "done" are written in
 * one transaction, so a batch killed at any point resumes with no run lost
 * or counted twice. A batch is finished when every candidate is done; the
 * next `grader batch` of the same folder then starts a new one.
 *
 * Interface: history_open → history_record / history_list /
 * history_leaderboard / history_load_run / history_load_samples, or
 * history_batch_open → history_batch_add → history_record(batch) ... →
 * history_batch_finish → history_close; history_merge to combine the
 * files of a sharded batch. Errors: a negative errno and one line from
 * history_error().
 */
#ifndef UNDERGO_HISTORY_H
#define UNDERGO_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "benchstat.h"
#include "manifest.h"
#include "result.h"

typedef struct history history_t;

/* One recorded run, as the lists show it. */
typedef struct history_run {
    int64_t id;
    char *candidate, *sha256, *started_at, *variant;
    double score, max;
    double perf_ratio;      /* geometric mean of the labs' time ratios; 0: not measured */
    long passed, tests;
    double duration_s;
    bool partial;           /* -run, a lab subset or --no-bench: not ranked */
} history_run_t;

/* Opens the history at path; create makes a missing file. Returns 0, or
 * -ENOENT (missing), -EINVAL (not an SQLite file, or not a history),
 * -EACCES, -EIO with one line in err. Close with history_close. */
int history_open(const char *path, bool create, history_t **out, char *err, size_t errlen);

/* Closes h. NULL-safe. */
void history_close(history_t *h);

/* The last error of h, one line. Valid until the next call on h. */
const char *history_error(const history_t *h);

/* Returns 0 when candidate is new or was recorded with this sha256;
 * -EEXIST (message names the other hash) when it holds another submission. */
int history_check_candidate(history_t *h, const char *candidate, const char *sha256);

/* Records r for candidate in one transaction; with batch_id > 0 also marks
 * the candidate done in that batch (-EALREADY if it already is). Sets
 * *run_id. Returns 0, -EEXIST (see history_check_candidate), or -errno. */
int history_record(history_t *h, const char *candidate, const char *sha256,
                   const run_result_t *r, int64_t batch_id, int64_t *run_id);

/* Runs in id order, all or only candidate's, into a new array (free with
 * history_runs_free). Returns 0 or -errno. */
int history_list(history_t *h, const char *candidate, history_run_t **runs, size_t *n);

/* The latest whole run of each candidate, best first: score descending,
 * then time ratio ascending (unmeasured last), then candidate id. With
 * partial, instead the latest partial run (-run, a lab subset, --no-bench)
 * of each candidate that has no whole one, in the same order: the two are
 * never ranked together. */
int history_leaderboard(history_t *h, bool partial, history_run_t **runs, size_t *n);

/* Frees what history_list/history_leaderboard returned. NULL-safe. */
void history_runs_free(history_run_t *runs, size_t n);

/* Loads run id back into *r (free with run_result_free). Returns 0,
 * -ENOENT when there is no such run, or -errno. */
int history_load_run(history_t *h, int64_t id, run_result_t *r);

/* Adds run id's candidate samples to s as "<lab>/<benchmark>" results, as
 * cmd_compare reads a JSON report. Returns 0, -ENOENT, or -errno. */
int history_load_samples(history_t *h, int64_t id, benchstat_set_t *s);

/* Parses "DB:RUN_ID" (the DB file exists, RUN_ID is a positive number).
 * Returns true with *db (caller frees) and *id set; false otherwise. */
bool history_parse_ref(const char *arg, char **db, int64_t *id);

/* For `grader compare`: when arg is "DB:RUN_ID", loads that run's samples
 * into s (labelled arg) and the run into *run (free with run_result_free),
 * and returns 0, or -errno with one line in err (no such run, unreadable
 * database); returns 1 for any other arg. */
int history_load_ref(const char *arg, benchstat_set_t *s, run_result_t *run, char *err,
                     size_t errlen);

/* ---- batches ---------------------------------------------------------------------------- */

/* Resumes the unfinished batch of dir, or starts one. *resumed tells which. */
int history_batch_open(history_t *h, const char *dir, int64_t *batch_id, bool *resumed);

/* Adds candidate as pending unless the batch already knows it. */
int history_batch_add(history_t *h, int64_t batch_id, const char *candidate);

/* 1 when candidate is done in the batch, 0 when not, or -errno. */
int history_batch_is_done(history_t *h, int64_t batch_id, const char *candidate);

/* Marks candidate failed with a one-line reason; a later run retries it. */
int history_batch_fail(history_t *h, int64_t batch_id, const char *candidate, const char *why);

/* Counts the batch's candidates, and those done; finishes the batch when
 * all are done. Returns 0 or -errno. */
int history_batch_finish(history_t *h, int64_t batch_id, size_t *done, size_t *total);

/* ---- shards and merging ----------------------------------------------------------------- */

/* The shard, 0 to n-1, that candidate falls in when a batch is split n
 * ways: FNV-1a (64-bit) of the id, modulo n. It depends on the id alone,
 * so adding or removing candidates moves no one else. n ≥ 1. */
unsigned history_shard(const char *candidate, unsigned n);

/* Parses "K/N", 0 ≤ K < N ≤ HISTORY_MAX_SHARDS. Returns true with *k, *n. */
#define HISTORY_MAX_SHARDS 10000
bool history_parse_shard(const char *s, unsigned *k, unsigned *n);

typedef struct history_merge_stats {
    size_t files, added, present; /* runs copied, and runs h already held */
} history_merge_stats_t;

/* Copies every run of the histories at paths into h, in one transaction:
 * a run h already holds (same candidate, submission, start, seed and
 * recording time) is not copied again, so merging a file twice adds
 * nothing; runs of one candidate from different files are all kept (the
 * leaderboard shows the newest). Runs keep their recording time; their
 * batch bookkeeping stays in the file they came from. Refused, with h
 * left as it was and one line naming the file: a file that is missing,
 * not SQLite, not a history, of a newer schema, corrupt (quick_check),
 * h's own file, or a candidate recorded there with another submission
 * than in h. Returns 0, -ENOENT, -EINVAL, -EEXIST or -errno. */
int history_merge(history_t *h, const char *const *paths, size_t n, history_merge_stats_t *st);

#endif
