/*
 * orm_db.c — a database handle: open, close, the busy rule, the clock.
 *
 * The busy rule. With SQLite's busy timeout at 0, a statement that needs a
 * lock another connection holds answers SQLITE_BUSY at once. Outside a
 * transaction the ORM may simply run it again: the statement has done
 * nothing yet. Inside one it may not (a deferred transaction that read
 * under an old snapshot can never get the write lock), which is why the
 * ORM's transactions start with BEGIN IMMEDIATE: the lock is taken, and
 * waited for, before anything has been read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "orm_internal.h"

#if LAB_SOLUTION

enum { BUSY_MAX_TRIES = 50, BUSY_MAX_SLEEP_MS = 100 };

/* Sleeps 1, 2, 4 … ms (at most 100) per attempt; gives up after 50. */
static int busy_default(void *arg, int attempt)
{
    (void)arg;
    if (attempt > BUSY_MAX_TRIES)
        return -1;
    long ms = attempt < 8 ? 1L << (attempt - 1) : BUSY_MAX_SLEEP_MS;
    if (ms > BUSY_MAX_SLEEP_MS)
        ms = BUSY_MAX_SLEEP_MS;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    return 0;
}

static int64_t clock_default(void *arg)
{
    (void)arg;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int orm_open(const char *path, orm_db_t **out)
{
    if (!out)
        return -EINVAL;
    orm_db_t *db = calloc(1, sizeof *db);
    if (!db)
        return -ENOMEM;
    int rc = orm_sql_open(path, &db->conn);
    if (rc) {
        free(db);
        return rc;
    }
    db->lru.next = db->lru.prev = &db->lru;
    db->cap = 128;
    db->busy = busy_default;
    db->now = clock_default;
    *out = db;
    return 0;
}

void orm_close(orm_db_t *db)
{
    if (!db)
        return;
    if (db->depth > 0)
        sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
    orm__cache_clear(db);
    free(db->buckets);
    orm__metas_free(db);
    orm_sb_free(&db->sql);
    free(db->row);
    if (db->spare) {
        db->spare->db = NULL; /* really free it */
        orm__query_end(db->spare);
    }
    sqlite3_close_v2(db->conn);
    free(db);
}

sqlite3 *orm_sqlite(orm_db_t *db)
{
    return db ? db->conn : NULL;
}

void orm_set_busy(orm_db_t *db, orm_busy_fn fn, void *arg)
{
    db->busy = fn ? fn : busy_default;
    db->busy_arg = fn ? arg : NULL;
}

void orm_set_clock(orm_db_t *db, int64_t (*now)(void *arg), void *arg)
{
    db->now = now ? now : clock_default;
    db->now_arg = now ? arg : NULL;
}

int orm_stats(orm_db_t *db, orm_stats_t *out)
{
    if (!db || !out)
        return -EINVAL;
    *out = db->stats;
    out->cached = db->count;
    return 0;
}

int64_t orm__now(orm_db_t *db)
{
    return db->now(db->now_arg);
}

int orm__step(orm_db_t *db, sqlite3_stmt *st)
{
    for (int attempt = 1;; attempt++) {
        int rc = sqlite3_step(st);
        if ((rc & 0xff) != SQLITE_BUSY || db->depth > 0)
            return rc;
        /* Nothing ran: reset (bindings stay) and try again if allowed. */
        sqlite3_reset(st);
        db->stats.busy_waits++;
        if (db->busy(db->busy_arg, attempt) != 0)
            return SQLITE_BUSY;
    }
}

int orm__exec(orm_db_t *db, const char *sql)
{
    sqlite3_stmt *st;
    int rc = orm__prepare(db, sql, strlen(sql), &st);
    if (rc)
        return rc;
    rc = orm__step(db, st);
    orm__done(db, st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : orm_sql_error(rc);
}

#else /* the stub */

int orm_open(const char *path, orm_db_t **out)
{
    (void)path;
    (void)out;
    return -ENOSYS;
}

void orm_close(orm_db_t *db)
{
    (void)db;
}

sqlite3 *orm_sqlite(orm_db_t *db)
{
    (void)db;
    return NULL;
}

void orm_set_busy(orm_db_t *db, orm_busy_fn fn, void *arg)
{
    (void)db;
    (void)fn;
    (void)arg;
}

void orm_set_clock(orm_db_t *db, int64_t (*now)(void *arg), void *arg)
{
    (void)db;
    (void)now;
    (void)arg;
}

int orm_stats(orm_db_t *db, orm_stats_t *out)
{
    (void)db;
    (void)out;
    return -ENOSYS;
}

#endif
