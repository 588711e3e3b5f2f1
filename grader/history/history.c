/*
 * history.c — the results history in SQLite (see history.h for the model).
 *
 * The file is ours when its application_id is HISTORY_APP_ID; its
 * user_version is the schema version. Anything else — a text file, another
 * program's database, a newer schema — is refused at open with one line,
 * and nothing is written to it. Writers take the lock up front (BEGIN
 * IMMEDIATE) and wait for each other up to HISTORY_BUSY_MS, so several
 * `grader run --record` of one file do not fail with "database is locked".
 *
 * Interface: history_open → history_record / history_list / ... →
 * history_close.
 */
#include "history.h"
#include "history_impl.h"
#include "text.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "report.h"

#define HISTORY_BUSY_MS 60000

static const char history_schema[] =
    "CREATE TABLE runs(id INTEGER PRIMARY KEY AUTOINCREMENT, candidate TEXT NOT NULL,"
    " submission_sha256 TEXT NOT NULL, batch_id INTEGER REFERENCES batches(id),"
    " submission TEXT, variant TEXT, isolation TEXT, machine TEXT, started_at TEXT,"
    " recorded_at TEXT NOT NULL, seed INTEGER, duration_s REAL, filter TEXT,"
    " score REAL NOT NULL, max REAL NOT NULL, perf_ratio REAL,"
    " tests INTEGER NOT NULL, passed INTEGER NOT NULL, report TEXT NOT NULL,"
    " partial INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX runs_by_candidate ON runs(candidate, id);"
    "CREATE TABLE labs(run_id INTEGER NOT NULL REFERENCES runs(id), name TEXT NOT NULL,"
    " question TEXT, status TEXT NOT NULL, score REAL, points REAL, correctness REAL,"
    " perf_ratio REAL, PRIMARY KEY(run_id, name));"
    "CREATE TABLE tests(run_id INTEGER NOT NULL REFERENCES runs(id), lab TEXT NOT NULL,"
    " name TEXT NOT NULL, verdict TEXT NOT NULL, signal INTEGER, duration_s REAL, seed INTEGER);"
    "CREATE TABLE samples(run_id INTEGER NOT NULL REFERENCES runs(id), lab TEXT NOT NULL,"
    " bench TEXT NOT NULL, unit TEXT NOT NULL, round INTEGER NOT NULL, reference REAL,"
    " candidate REAL);"
    "CREATE TABLE batches(id INTEGER PRIMARY KEY, dir TEXT NOT NULL, created_at TEXT NOT NULL,"
    " finished_at TEXT);"
    "CREATE TABLE batch_items(batch_id INTEGER NOT NULL REFERENCES batches(id),"
    " candidate TEXT NOT NULL, state TEXT NOT NULL CHECK(state IN ('pending','done','failed')),"
    " run_id INTEGER REFERENCES runs(id), message TEXT, PRIMARY KEY(batch_id, candidate));";

/* ---- statements ------------------------------------------------------------------------- */

int h_errno(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_NOTADB: case SQLITE_CORRUPT: return -EINVAL;
    case SQLITE_BUSY: case SQLITE_LOCKED: return -EBUSY;
    case SQLITE_FULL: return -ENOSPC;
    case SQLITE_READONLY: case SQLITE_PERM: case SQLITE_CANTOPEN: case SQLITE_AUTH: return -EACCES;
    case SQLITE_NOMEM: return -ENOMEM;
    default: return -EIO;
    }
}

/* Records sqlite's message for the last failure and returns its errno. */
int h_fail(history_t *h, int rc)
{
    snprintf(h->err, sizeof h->err, "history '%s': %s", h->path, sqlite3_errmsg(h->db));
    return h_errno(rc);
}

/* Prepares sql and binds args by types: 's' text (NULL → NULL), 'i'
 * int64, 'I' int64 with 0 → NULL, 'd' double, 'p' double with 0 → NULL.
 * NULL after h_fail. */
sqlite3_stmt *h_stmt(history_t *h, const char *sql, const char *types, ...)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        h_fail(h, rc);
        return NULL;
    }
    va_list ap;
    va_start(ap, types);
    for (int i = 1; rc == SQLITE_OK && types[i - 1]; i++) {
        double d;
        int64_t n;
        const char *s;
        switch (types[i - 1]) {
        case 's': s = va_arg(ap, const char *);
                  rc = sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT); break;
        case 'i': rc = sqlite3_bind_int64(st, i, va_arg(ap, int64_t)); break;
        case 'I': n = va_arg(ap, int64_t);
                  rc = n > 0 ? sqlite3_bind_int64(st, i, n) : sqlite3_bind_null(st, i); break;
        case 'd': rc = sqlite3_bind_double(st, i, va_arg(ap, double)); break;
        default:  d = va_arg(ap, double);
                  rc = d > 0 ? sqlite3_bind_double(st, i, d) : sqlite3_bind_null(st, i);
        }
    }
    va_end(ap);
    if (rc != SQLITE_OK) {
        h_fail(h, rc);
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* Steps st to the end and finalizes it. Returns 0 or -errno. */
int h_done(history_t *h, sqlite3_stmt *st)
{
    if (!st)
        return -EIO;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    int err = rc == SQLITE_DONE ? 0 : h_fail(h, rc);
    sqlite3_finalize(st);
    return err;
}

int h_exec(history_t *h, const char *sql)
{
    int rc = sqlite3_exec(h->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : h_fail(h, rc);
}

static char *col_str(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return strdup(s ? (const char *)s : "");
}

/* ---- open ------------------------------------------------------------------------------- */

/* Reads one integer pragma; the first statement on a file that is not a
 * database fails here. */
int h_pragma(history_t *h, const char *sql, int64_t *v)
{
    sqlite3_stmt *st = h_stmt(h, sql, "");
    if (!st)
        return -EIO;
    int rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    int err = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : h_fail(h, rc);
    sqlite3_finalize(st);
    return err;
}

/* Schema 1 had no runs.partial: every run it holds was a whole grade or
 * was not marked; they stay ranked as they were. */
static int h_migrate_from_1(history_t *h)
{
    char sql[160];
    snprintf(sql, sizeof sql, "ALTER TABLE runs ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;"
                              " PRAGMA user_version=%d", HISTORY_SCHEMA);
    return h_exec(h, sql);
}

/* Creates the schema in an empty file, or checks that the file is ours
 * (bringing an older schema up to date). */
static int h_check_schema(history_t *h, bool create)
{
    int64_t app, ver, tables;
    /* Only a creator needs the write lock; readers must not block a batch. */
    int rc = h_exec(h, create ? "BEGIN IMMEDIATE" : "BEGIN");
    if (!rc)
        rc = h_pragma(h, "PRAGMA application_id", &app);
    if (!rc)
        rc = h_pragma(h, "PRAGMA user_version", &ver);
    if (!rc)
        rc = h_pragma(h, "SELECT count(*) FROM sqlite_master", &tables);
    if (!rc && app == 0 && tables == 0 && create) {
        rc = h_exec(h, history_schema);
        char sql[96];
        snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=%d",
                 HISTORY_APP_ID, HISTORY_SCHEMA);
        rc = rc ? rc : h_exec(h, sql);
    } else if (!rc && app != HISTORY_APP_ID) {
        snprintf(h->err, sizeof h->err, "'%s' is an SQLite database, but not a grader history",
                 h->path);
        rc = -EINVAL;
    } else if (!rc && ver == 1) {
        /* A reader's transaction cannot write: take the lock for this. */
        if (!create)
            rc = h_exec(h, "COMMIT") ? -EIO : h_exec(h, "BEGIN IMMEDIATE");
        rc = rc ? rc : h_migrate_from_1(h);
    } else if (!rc && ver != HISTORY_SCHEMA) {
        snprintf(h->err, sizeof h->err, "history '%s' has schema %lld; this grader reads %d",
                 h->path, (long long)ver, HISTORY_SCHEMA);
        rc = -EINVAL;
    }
    if (!rc)
        return h_exec(h, "COMMIT");
    sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int history_open(const char *path, bool create, history_t **out, char *err, size_t errlen)
{
    struct stat st;
    *out = NULL;
    if (!create && stat(path, &st) < 0) {
        snprintf(err, errlen, "cannot open history '%s': %s", path, strerror(errno));
        return -errno;
    }
    history_t *h = calloc(1, sizeof *h);
    if (!h || !(h->path = strdup(path))) {
        free(h);
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &h->db, flags, NULL);
    rc = rc == SQLITE_OK ? 0 : h_fail(h, rc);
    if (!rc) {
        sqlite3_busy_timeout(h->db, HISTORY_BUSY_MS);
        rc = h_check_schema(h, create);
    }
    if (!rc)
        rc = h_exec(h, "PRAGMA foreign_keys=ON");
    if (rc) {
        snprintf(err, errlen, "%s", h->err);
        history_close(h);
        return rc;
    }
    *out = h;
    return 0;
}

void history_close(history_t *h)
{
    if (!h)
        return;
    sqlite3_close(h->db);
    free(h->path);
    free(h);
}

const char *history_error(const history_t *h)
{
    return h->err;
}

/* ---- recording -------------------------------------------------------------------------- */

int history_check_candidate(history_t *h, const char *candidate, const char *sha256)
{
    sqlite3_stmt *st = h_stmt(h, "SELECT submission_sha256 FROM runs WHERE candidate = ?1 AND "
                                 "submission_sha256 <> ?2 LIMIT 1", "ss", candidate, sha256);
    if (!st)
        return -EIO;
    int rc = sqlite3_step(st), err = 0;
    if (rc == SQLITE_ROW) {
        snprintf(h->err, sizeof h->err, "candidate '%s' is already recorded with another "
                 "submission (sha256 %.12s..., this one %.12s...)", candidate,
                 (const char *)sqlite3_column_text(st, 0), sha256);
        err = -EEXIST;
    } else if (rc != SQLITE_DONE) {
        err = h_fail(h, rc);
    }
    sqlite3_finalize(st);
    return err;
}

/* Geometric mean of the measured labs' time ratios; 0 when none was. */
static double run_perf_ratio(const run_result_t *r)
{
    double logs = 0;
    size_t n = 0;
    for (size_t i = 0; i < r->n_labs; i++)
        if (r->labs[i].perf_measured && r->labs[i].perf_ratio > 0) {
            logs += log(r->labs[i].perf_ratio);
            n++;
        }
    return n ? exp(logs / (double)n) : 0;
}

static int insert_run(history_t *h, const char *candidate, const char *sha256,
                      const run_result_t *r, int64_t batch_id, int64_t *run_id)
{
    long tests = 0, passed = 0;
    for (size_t i = 0; i < r->n_labs; i++) {
        tests += (long)r->labs[i].n_tests;
        passed += (long)lab_count(&r->labs[i], VERDICT_PASS);
    }
    char *report = report_json(r), *now = text_utc_now();
    int rc = report && now ? 0 : -ENOMEM;
    if (!rc)
        rc = h_done(h, h_stmt(h, "INSERT INTO runs(candidate, submission_sha256, batch_id,"
            " submission, variant, isolation, machine, started_at, recorded_at, seed, duration_s,"
            " filter, score, max, perf_ratio, tests, passed, report, partial) VALUES(?1, ?2, ?3,"
            " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
            "ssIssssssidsddpiisi", candidate, sha256, batch_id, r->submission, r->variant,
            r->isolation, r->machine, r->started_at, now, (int64_t)r->seed, r->duration_s,
            r->filter, r->score, r->max, run_perf_ratio(r), (int64_t)tests, (int64_t)passed,
            report, (int64_t)r->partial));
    *run_id = sqlite3_last_insert_rowid(h->db);
    free(report);
    free(now);
    return rc;
}

static int insert_lab(history_t *h, int64_t id, const lab_result_t *lr)
{
    int rc = h_done(h, h_stmt(h, "INSERT INTO labs VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                              "isssdddp", id, lr->name, lr->question,
                              lab_status_name(lr->status), lr->score, lr->points,
                              lr->correctness, lr->perf_measured ? lr->perf_ratio : 0.0));
    for (size_t i = 0; !rc && i < lr->n_tests; i++) {
        const test_result_t *t = &lr->tests[i];
        rc = h_done(h, h_stmt(h, "INSERT INTO tests VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                              "isssidi", id, lr->name, t->name, verdict_name(t->verdict),
                              (int64_t)t->signal, t->duration_s, (int64_t)t->seed));
    }
    for (size_t i = 0; !rc && i < lr->n_benches; i++) {
        const bench_result_t *b = &lr->benches[i];
        for (size_t k = 0; !rc && k < b->n; k++)
            rc = h_done(h, h_stmt(h, "INSERT INTO samples VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                  "isssidd", id, lr->name, b->name, b->unit, (int64_t)k,
                                  b->reference[k], b->candidate[k]));
    }
    return rc;
}

static int mark_done(history_t *h, int64_t batch_id, const char *candidate, int64_t run_id)
{
    int done = history_batch_is_done(h, batch_id, candidate);
    if (done < 0)
        return done;
    if (done) {
        snprintf(h->err, sizeof h->err, "candidate '%s' is already recorded in batch %lld",
                 candidate, (long long)batch_id);
        return -EALREADY;
    }
    return h_done(h, h_stmt(h, "INSERT INTO batch_items(batch_id, candidate, state, run_id)"
                               " VALUES(?1, ?2, 'done', ?3) ON CONFLICT(batch_id, candidate)"
                               " DO UPDATE SET state = 'done', run_id = ?3, message = NULL",
                            "isi", batch_id, candidate, run_id));
}

int history_record(history_t *h, const char *candidate, const char *sha256,
                   const run_result_t *r, int64_t batch_id, int64_t *run_id)
{
    int rc = h_exec(h, "BEGIN IMMEDIATE");
    if (rc)
        return rc;
    rc = history_check_candidate(h, candidate, sha256);
    if (!rc)
        rc = insert_run(h, candidate, sha256, r, batch_id, run_id);
    for (size_t i = 0; !rc && i < r->n_labs; i++)
        rc = insert_lab(h, *run_id, &r->labs[i]);
    if (!rc && batch_id > 0)
        rc = mark_done(h, batch_id, candidate, *run_id);
    if (!rc)
        rc = h_exec(h, "COMMIT");
    if (rc)
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* ---- reading ---------------------------------------------------------------------------- */

#define RUN_COLUMNS "id, candidate, submission_sha256, started_at, variant, score, max," \
                    " perf_ratio, passed, tests, duration_s, partial"

static int collect_runs(history_t *h, sqlite3_stmt *st, history_run_t **runs, size_t *n)
{
    size_t cap = 0;
    int rc;
    *runs = NULL;
    *n = 0;
    if (!st)
        return -EIO;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            history_run_t *grown = realloc(*runs, cap * sizeof **runs);
            if (!grown)
                break;
            *runs = grown;
        }
        (*runs)[(*n)++] = (history_run_t){
            .id = sqlite3_column_int64(st, 0), .candidate = col_str(st, 1),
            .sha256 = col_str(st, 2), .started_at = col_str(st, 3), .variant = col_str(st, 4),
            .score = sqlite3_column_double(st, 5), .max = sqlite3_column_double(st, 6),
            .perf_ratio = sqlite3_column_double(st, 7), .passed = sqlite3_column_int(st, 8),
            .tests = sqlite3_column_int(st, 9), .duration_s = sqlite3_column_double(st, 10),
            .partial = sqlite3_column_int(st, 11) != 0};
    }
    int err = rc == SQLITE_DONE ? 0 : rc == SQLITE_ROW ? -ENOMEM : h_fail(h, rc);
    sqlite3_finalize(st);
    if (err) {
        history_runs_free(*runs, *n);
        *runs = NULL;
        *n = 0;
    }
    return err;
}

int history_list(history_t *h, const char *candidate, history_run_t **runs, size_t *n)
{
    if (candidate)
        return collect_runs(h, h_stmt(h, "SELECT " RUN_COLUMNS " FROM runs WHERE candidate = ?1"
                                         " ORDER BY id", "s", candidate), runs, n);
    return collect_runs(h, h_stmt(h, "SELECT " RUN_COLUMNS " FROM runs ORDER BY id", ""), runs, n);
}

int history_leaderboard(history_t *h, bool partial, history_run_t **runs, size_t *n)
{
    /* Whole grades are ranked apart from partial ones (-run, a lab subset
     * or --no-bench), which show only for candidates with no whole grade. */
    if (partial)
        return collect_runs(
            h,
            h_stmt(h,
                   "SELECT " RUN_COLUMNS " FROM runs AS r WHERE id ="
                   " (SELECT id FROM runs WHERE candidate = r.candidate AND partial = 1"
                   " ORDER BY recorded_at DESC, id DESC LIMIT 1)"
                   " AND NOT EXISTS (SELECT 1 FROM runs"
                   " WHERE candidate = r.candidate AND partial = 0)"
                   " ORDER BY score DESC, perf_ratio IS NULL, perf_ratio,"
                   " candidate",
                   ""),
            runs, n);
    return collect_runs(h,
                        h_stmt(h,
                               "SELECT " RUN_COLUMNS " FROM runs AS r WHERE id ="
                               " (SELECT id FROM runs WHERE candidate = r.candidate AND partial = 0"
                               " ORDER BY recorded_at DESC, id DESC LIMIT 1)"
                               " ORDER BY score DESC, perf_ratio IS NULL, perf_ratio,"
                               " candidate",
                               ""),
                        runs, n);
}

void history_runs_free(history_run_t *runs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(runs[i].candidate);
        free(runs[i].sha256);
        free(runs[i].started_at);
        free(runs[i].variant);
    }
    free(runs);
}

static int no_run(history_t *h, int64_t id)
{
    snprintf(h->err, sizeof h->err, "history '%s' has no run %lld", h->path, (long long)id);
    return -ENOENT;
}

/* report_read_json reads files, so the stored report goes through one. */
static int read_report_text(history_t *h, const char *text, run_result_t *r)
{
    char path[] = "/tmp/grader-history-XXXXXX.json", err[512];
    int fd = mkstemps(path, 5);
    if (fd < 0)
        return -errno;
    close(fd);
    int rc = fsutil_write_atomic(path, text, strlen(text));
    if (!rc && (rc = report_read_json(path, r, err, sizeof err)) != 0)
        snprintf(h->err, sizeof h->err, "history '%s': stored report: %.300s", h->path, err);
    unlink(path);
    return rc;
}

int history_load_run(history_t *h, int64_t id, run_result_t *r)
{
    memset(r, 0, sizeof *r);
    sqlite3_stmt *st = h_stmt(h, "SELECT report FROM runs WHERE id = ?1", "i", id);
    if (!st)
        return -EIO;
    int rc = sqlite3_step(st), err;
    if (rc == SQLITE_ROW)
        err = read_report_text(h, (const char *)sqlite3_column_text(st, 0), r);
    else
        err = rc == SQLITE_DONE ? no_run(h, id) : h_fail(h, rc);
    sqlite3_finalize(st);
    return err;
}

int history_load_samples(history_t *h, int64_t id, benchstat_set_t *s)
{
    int64_t exists;
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE id = %lld", (long long)id);
    int err = h_pragma(h, sql, &exists);
    if (err || !exists)
        return err ? err : no_run(h, id);
    sqlite3_stmt *st = h_stmt(h, "SELECT lab || '/' || bench, unit, candidate FROM samples"
                                 " WHERE run_id = ?1 AND candidate IS NOT NULL ORDER BY rowid",
                              "i", id);
    if (!st)
        return -EIO;
    int rc;
    while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
        err = benchstat_add_sample(s, (const char *)sqlite3_column_text(st, 0),
                                   sqlite3_column_double(st, 2),
                                   (const char *)sqlite3_column_text(st, 1));
    if (!err && rc != SQLITE_DONE)
        err = h_fail(h, rc);
    else if (err)
        snprintf(h->err, sizeof h->err, "out of memory");
    sqlite3_finalize(st);
    return err;
}

bool history_parse_ref(const char *arg, char **db, int64_t *id)
{
    const char *colon = strrchr(arg, ':');
    char *end;
    if (!colon || colon == arg || !colon[1] || fsutil_exists(arg))
        return false;
    errno = 0;
    long long v = strtoll(colon + 1, &end, 10);
    if (errno || *end || v <= 0 || colon[1] < '0' || colon[1] > '9')
        return false;
    *db = strndup(arg, (size_t)(colon - arg));
    if (!*db || !fsutil_exists(*db)) {
        free(*db);
        return false;
    }
    *id = v;
    return true;
}

int history_load_ref(const char *arg, benchstat_set_t *s, run_result_t *run, char *err,
                     size_t errlen)
{
    char *db;
    int64_t id;
    history_t *h;
    memset(s, 0, sizeof *s);
    memset(run, 0, sizeof *run);
    if (!history_parse_ref(arg, &db, &id))
        return 1;
    int rc = history_open(db, false, &h, err, errlen);
    free(db);
    if (rc)
        return rc;
    s->label = strdup(arg);
    rc = s->label ? history_load_samples(h, id, s) : -ENOMEM;
    if (!rc)
        rc = history_load_run(h, id, run);
    if (rc)
        snprintf(err, errlen, "%s", history_error(h));
    history_close(h);
    if (rc) {
        benchstat_set_free(s);
        run_result_free(run);
    }
    return rc;
}

/* ---- batches ---------------------------------------------------------------------------- */

int history_batch_open(history_t *h, const char *dir, int64_t *batch_id, bool *resumed)
{
    int64_t id;
    sqlite3_stmt *st = h_stmt(h, "SELECT id FROM batches WHERE dir = ?1 AND finished_at IS NULL"
                                 " ORDER BY id DESC LIMIT 1", "s", dir);
    if (!st)
        return -EIO;
    int rc = sqlite3_step(st);
    id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    int err = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : h_fail(h, rc);
    sqlite3_finalize(st);
    if (err)
        return err;
    *resumed = id > 0;
    if (!id) {
        char *now = text_utc_now();
        err = now ? h_done(h, h_stmt(h, "INSERT INTO batches(dir, created_at) VALUES(?1, ?2)",
                                     "ss", dir, now)) : -ENOMEM;
        free(now);
        id = sqlite3_last_insert_rowid(h->db);
    }
    *batch_id = id;
    return err;
}

int history_batch_add(history_t *h, int64_t batch_id, const char *candidate)
{
    return h_done(h, h_stmt(h, "INSERT OR IGNORE INTO batch_items(batch_id, candidate, state)"
                               " VALUES(?1, ?2, 'pending')", "is", batch_id, candidate));
}

int history_batch_is_done(history_t *h, int64_t batch_id, const char *candidate)
{
    sqlite3_stmt *st = h_stmt(h, "SELECT state = 'done' FROM batch_items WHERE batch_id = ?1"
                                 " AND candidate = ?2", "is", batch_id, candidate);
    if (!st)
        return -EIO;
    int rc = sqlite3_step(st);
    int done = rc == SQLITE_ROW ? sqlite3_column_int(st, 0)
                                : rc == SQLITE_DONE ? 0 : h_fail(h, rc);
    sqlite3_finalize(st);
    return done;
}

int history_batch_fail(history_t *h, int64_t batch_id, const char *candidate, const char *why)
{
    return h_done(h, h_stmt(h, "UPDATE batch_items SET state = 'failed', message = ?3"
                               " WHERE batch_id = ?1 AND candidate = ?2 AND state <> 'done'",
                            "iss", batch_id, candidate, why));
}

int history_batch_finish(history_t *h, int64_t batch_id, size_t *done, size_t *total)
{
    int64_t d, t;
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM batch_items WHERE batch_id = %lld",
             (long long)batch_id);
    int rc = h_pragma(h, sql, &t);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM batch_items WHERE batch_id = %lld AND"
             " state = 'done'", (long long)batch_id);
    rc = rc ? rc : h_pragma(h, sql, &d);
    if (rc)
        return rc;
    *done = (size_t)d;
    *total = (size_t)t;
    if (d < t)
        return 0;
    char *now = text_utc_now();
    rc = now ? h_done(h, h_stmt(h, "UPDATE batches SET finished_at = ?2 WHERE id = ?1", "is",
                                batch_id, now)) : -ENOMEM;
    free(now);
    return rc;
}
