/*
 * orm_tx.c — transactions, nested as savepoints.
 *
 * SQLite has one transaction per connection; nesting is done with
 * savepoints, as GORM does: the outermost level is BEGIN IMMEDIATE …
 * COMMIT, level d > 1 is SAVEPOINT orm_sp<d> … RELEASE orm_sp<d>. Rolling
 * back an inner level is ROLLBACK TO orm_sp<d> (which undoes its work but
 * keeps the savepoint open) then RELEASE; it leaves the outer levels as
 * they were. Releasing an inner level commits nothing: only the outermost
 * COMMIT does, and an outer rollback undoes released inner levels too.
 *
 * IMMEDIATE, not the default DEFERRED: a deferred transaction that reads
 * first holds a read snapshot; if another connection commits before it
 * writes, its write can never succeed (SQLITE_BUSY_SNAPSHOT) however long
 * it waits. Taking the write lock at BEGIN makes the wait happen there,
 * where the busy retry is safe.
 *
 * Interface: orm_begin → orm_commit | orm_rollback; orm_transaction.
 */
#include <errno.h>
#include <stdio.h>

#include "orm_internal.h"

#if LAB_SOLUTION

/* Runs "<verb> orm_sp<depth>". */
static int savepoint_exec(orm_db_t *db, const char *verb, int depth)
{
    char sql[64];
    snprintf(sql, sizeof sql, "%s orm_sp%d", verb, depth);
    return orm__exec(db, sql);
}

int orm_begin(orm_db_t *db)
{
    if (!db)
        return -EINVAL;
    int rc = db->depth == 0 ? orm__exec(db, "BEGIN IMMEDIATE")
                            : savepoint_exec(db, "SAVEPOINT", db->depth + 1);
    if (!rc)
        db->depth++;
    return rc;
}

int orm_commit(orm_db_t *db)
{
    if (!db || db->depth == 0)
        return -EINVAL;
    if (db->depth > 1) {
        int rc = savepoint_exec(db, "RELEASE", db->depth);
        if (!rc)
            db->depth--;
        return rc;
    }
    int rc = orm__exec(db, "COMMIT");
    if (rc && !sqlite3_get_autocommit(db->conn))
        orm__exec(db, "ROLLBACK"); /* a failed COMMIT leaves it open */
    db->depth = 0;
    return rc;
}

int orm_rollback(orm_db_t *db)
{
    if (!db || db->depth == 0)
        return -EINVAL;
    if (sqlite3_get_autocommit(db->conn)) {
        db->depth = 0; /* SQLite already rolled it all back (I/O error, full disk) */
        return 0;
    }
    int rc;
    if (db->depth == 1) {
        rc = orm__exec(db, "ROLLBACK");
    } else {
        rc = savepoint_exec(db, "ROLLBACK TO", db->depth);
        if (!rc)
            rc = savepoint_exec(db, "RELEASE", db->depth);
    }
    db->depth--;
    return rc;
}

int orm_transaction(orm_db_t *db, int (*fn)(orm_db_t *tx, void *arg), void *arg)
{
    if (!db || !fn)
        return -EINVAL;
    int rc = orm_begin(db);
    if (rc)
        return rc;
    int level = db->depth;
    rc = fn(db, arg);
    while (db->depth > level)
        orm_rollback(db); /* levels fn began and left open */
    if (db->depth < level)
        return rc ? rc : -EINVAL; /* fn ended our level itself */
    if (rc) {
        orm_rollback(db);
        return rc;
    }
    return orm_commit(db);
}

#else /* the stub */

int orm_begin(orm_db_t *db)
{
    (void)db;
    return -ENOSYS;
}

int orm_commit(orm_db_t *db)
{
    (void)db;
    return -ENOSYS;
}

int orm_rollback(orm_db_t *db)
{
    (void)db;
    return -ENOSYS;
}

int orm_transaction(orm_db_t *db, int (*fn)(orm_db_t *tx, void *arg), void *arg)
{
    (void)db;
    (void)fn;
    (void)arg;
    return -ENOSYS;
}

#endif
