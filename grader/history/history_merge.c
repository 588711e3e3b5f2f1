/*
 * history_merge.c — one history from many: the shard files of a batch
 * graded on several machines, merged into one (history.h).
 *
 * Every input is checked before anything is copied from it (ours, of a
 * schema this grader reads, passing SQLite's quick_check), and all inputs
 * are copied inside one transaction of the output, so a bad file anywhere
 * in the list leaves the output exactly as it was. An input is read
 * through its own read-only connection: merging never writes to a shard
 * file, not even to bring an old schema up to date.
 *
 * A run's identity across files is what it was when graded: candidate,
 * submission hash, start, seed and recording time. A run the output holds
 * already is skipped; a re-grade (same candidate, another run) is kept
 * beside the first; the same candidate id with another submission is the
 * mistake history_record refuses, refused here too.
 *
 * Interface: history_shard, history_parse_shard, history_merge.
 */
#include "history.h"
#include "history_impl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- shards ----------------------------------------------------------------------------- */

unsigned history_shard(const char *candidate, unsigned n)
{
    uint64_t x = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)candidate; *p; p++)
        x = (x ^ *p) * 0x100000001b3ULL;
    return n ? (unsigned)(x % n) : 0;
}

bool history_parse_shard(const char *s, unsigned *k, unsigned *n)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long a = strtoul(s, &end, 10);
    if (errno || *end != '/' || end[1] < '0' || end[1] > '9')
        return false;
    unsigned long b = strtoul(end + 1, &end, 10);
    if (errno || *end || b < 1 || b > HISTORY_MAX_SHARDS || a >= b)
        return false;
    *k = (unsigned)a;
    *n = (unsigned)b;
    return true;
}

/* ---- one input -------------------------------------------------------------------------- */

typedef struct src {
    sqlite3 *db;
    const char *path;
    int64_t version;
} src_t;

/* Records "<path>: <why>" as h's error and returns rc. */
static int src_refuse(history_t *h, const src_t *s, int rc, const char *why)
{
    snprintf(h->err, sizeof h->err, "cannot merge '%.200s': %.280s", s->path, why);
    return rc;
}

static int src_fail(history_t *h, const src_t *s, int rc)
{
    return src_refuse(h, s, h_errno(rc), sqlite3_errmsg(s->db));
}

static sqlite3_stmt *src_stmt(history_t *h, const src_t *s, const char *sql)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        src_fail(h, s, rc);
        return NULL;
    }
    return st;
}

/* The first column of sql's first row as text into out, or an error. */
static int src_scalar(history_t *h, const src_t *s, const char *sql, char *out, size_t len)
{
    sqlite3_stmt *st = src_stmt(h, s, sql);
    if (!st)
        return h_errno(sqlite3_errcode(s->db));
    int rc = sqlite3_step(st);
    const unsigned char *v = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    snprintf(out, len, "%s", v ? (const char *)v : "");
    int err = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : src_fail(h, s, rc);
    sqlite3_finalize(st);
    return err;
}

static bool same_file(const char *a, const char *b)
{
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* Opens path read-only and checks it is a history this grader reads. */
static int src_open(history_t *h, const char *path, src_t *s)
{
    struct stat st;
    char v[64];
    *s = (src_t){.path = path};
    if (stat(path, &st) < 0)
        return src_refuse(h, s, -errno, strerror(errno));
    if (same_file(path, h->path))
        return src_refuse(h, s, -EINVAL, "it is the history being merged into");
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK)
        return s->db ? src_fail(h, s, rc) : src_refuse(h, s, -ENOMEM, "out of memory");
    if ((rc = src_scalar(h, s, "PRAGMA application_id", v, sizeof v)) != 0)
        return rc;
    if (strtoll(v, NULL, 10) != HISTORY_APP_ID)
        return src_refuse(h, s, -EINVAL, "an SQLite database, but not a grader history");
    if ((rc = src_scalar(h, s, "PRAGMA user_version", v, sizeof v)) != 0)
        return rc;
    s->version = strtoll(v, NULL, 10);
    if (s->version < 1 || s->version > HISTORY_SCHEMA) {
        snprintf(v, sizeof v, "schema %lld; this grader reads 1 to %d", (long long)s->version,
                 HISTORY_SCHEMA);
        return src_refuse(h, s, -EINVAL, v);
    }
    if ((rc = src_scalar(h, s, "PRAGMA quick_check", v, sizeof v)) != 0)
        return rc;
    if (strcmp(v, "ok"))
        return src_refuse(h, s, -EINVAL, "the database is corrupt (quick_check failed)");
    return 0;
}

/* ---- copying ---------------------------------------------------------------------------- */

/* The columns of runs, in this order in both files; schema 1 has no partial. */
#define RUN_COPY                                                                                   \
    "candidate, submission_sha256, submission, variant, isolation, machine,"                       \
    " started_at, recorded_at, seed, duration_s, filter, score, max, perf_ratio,"                  \
    " tests, passed, report"
enum { RUN_COPY_COLS = 18 }; /* RUN_COPY and partial */

/* Is run row (columns 1.. of sel) in h already? 1 yes, 0 no, or -errno;
 * -EEXIST when h holds this candidate with another submission. */
static int run_present(history_t *h, const src_t *s, sqlite3_stmt *sel)
{
    const char *cand = (const char *)sqlite3_column_text(sel, 1);
    const char *sha = (const char *)sqlite3_column_text(sel, 2);
    int rc = history_check_candidate(h, cand, sha);
    if (rc == -EEXIST) {
        char why[sizeof h->err];
        snprintf(why, sizeof why, "%s", h->err);
        return src_refuse(h, s, -EEXIST, why);
    }
    if (rc)
        return rc;
    sqlite3_stmt *st = h_stmt(h,
                              "SELECT 1 FROM runs WHERE candidate = ?1 AND"
                              " submission_sha256 = ?2 AND started_at IS ?3 AND"
                              " recorded_at = ?4 AND seed IS ?5",
                              "");
    if (!st)
        return -EIO;
    static const int cols[] = {1, 2, 7, 8, 9};
    for (int i = 0; i < 5; i++)
        sqlite3_bind_value(st, i + 1, sqlite3_column_value(sel, cols[i]));
    rc = sqlite3_step(st);
    int present = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : h_fail(h, rc);
    sqlite3_finalize(st);
    return present;
}

/* Copies the rows of table whose run_id (its first column) is from into h
 * with run_id to, every other column as it is. */
static int copy_rows(history_t *h, const src_t *s, const char *table, int ncols, int64_t from,
                     int64_t to)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT * FROM %s WHERE run_id = %lld ORDER BY rowid", table,
             (long long)from);
    sqlite3_stmt *sel = src_stmt(h, s, sql);
    if (!sel)
        return -EIO;
    int n = snprintf(sql, sizeof sql, "INSERT INTO %s VALUES(?1", table);
    for (int i = 2; i <= ncols; i++)
        n += snprintf(sql + n, sizeof sql - (size_t)n, ", ?%d", i);
    snprintf(sql + n, sizeof sql - (size_t)n, ")");
    sqlite3_stmt *ins = h_stmt(h, sql, "");
    int rc = ins ? SQLITE_ROW : SQLITE_ERROR, err = ins ? 0 : -EIO;
    while (!err && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, to);
        for (int i = 1; i < ncols; i++)
            sqlite3_bind_value(ins, i + 1, sqlite3_column_value(sel, i));
        int r = sqlite3_step(ins);
        err = r == SQLITE_DONE ? 0 : h_fail(h, r);
    }
    if (!err && rc != SQLITE_DONE)
        err = src_fail(h, s, rc);
    sqlite3_finalize(ins);
    sqlite3_finalize(sel);
    return err;
}

/* Copies one run (sel's current row: id, then RUN_COPY, then partial). */
static int copy_run(history_t *h, const src_t *s, sqlite3_stmt *sel)
{
    sqlite3_stmt *ins = h_stmt(h,
                               "INSERT INTO runs(" RUN_COPY ", partial) VALUES(?1, ?2, ?3,"
                               " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
                               " ?17, ?18)",
                               "");
    if (!ins)
        return -EIO;
    for (int i = 0; i < RUN_COPY_COLS; i++)
        sqlite3_bind_value(ins, i + 1, sqlite3_column_value(sel, i + 1));
    int err = h_done(h, ins);
    int64_t from = sqlite3_column_int64(sel, 0), to = sqlite3_last_insert_rowid(h->db);
    if (!err)
        err = copy_rows(h, s, "labs", 8, from, to);
    if (!err)
        err = copy_rows(h, s, "tests", 7, from, to);
    if (!err)
        err = copy_rows(h, s, "samples", 7, from, to);
    return err;
}

/* Copies every run of s that h lacks, oldest first. */
static int merge_one(history_t *h, const src_t *s, history_merge_stats_t *st)
{
    sqlite3_stmt *sel = src_stmt(h, s,
                                 s->version >= 2 ? "SELECT id, " RUN_COPY
                                                   ", partial FROM runs ORDER BY recorded_at, id"
                                                 : "SELECT id, " RUN_COPY
                                                   ", 0 FROM runs ORDER BY recorded_at, id");
    if (!sel)
        return -EIO;
    int rc, err = 0;
    while (!err && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
        int present = run_present(h, s, sel);
        if (present < 0)
            err = present;
        else if (present)
            st->present++;
        else if (!(err = copy_run(h, s, sel)))
            st->added++;
    }
    if (!err && rc != SQLITE_DONE)
        err = src_fail(h, s, rc);
    sqlite3_finalize(sel);
    return err;
}

int history_merge(history_t *h, const char *const *paths, size_t n, history_merge_stats_t *st)
{
    *st = (history_merge_stats_t){0};
    int err = h_exec(h, "BEGIN IMMEDIATE");
    for (size_t i = 0; !err && i < n; i++) {
        src_t s;
        err = src_open(h, paths[i], &s);
        if (!err)
            err = merge_one(h, &s, st);
        sqlite3_close(s.db);
        st->files += !err;
    }
    if (!err)
        err = h_exec(h, "COMMIT");
    if (err) {
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
        st->added = st->present = 0;
    }
    return err;
}
