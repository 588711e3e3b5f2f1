/*
 * orm_sql.c — the SQLite plumbing (see orm_sql.h) and the ORM's error
 * messages. Support code: compiled into the lab in both variants.
 */
#include "orm_sql.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orm.h"

const char *orm_strerror(int rc)
{
    switch (-rc) {
#define ORM__MSG(name, n, msg)                                                                     \
    case name: return msg;
        ORM_ERRORS(ORM__MSG)
#undef ORM__MSG
    default: return rc < 0 && -rc < ORM_ERRNO_BASE ? strerror(-rc) : "unknown error";
    }
}

int orm_sql_error(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE: return 0;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return -EBUSY;
    case SQLITE_CONSTRAINT: return -ORM_ECONSTRAINT;
    case SQLITE_NOMEM: return -ENOMEM;
    case SQLITE_TOOBIG: return -E2BIG;
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB: return -EIO;
    case SQLITE_FULL: return -ENOSPC;
    case SQLITE_READONLY: return -EROFS;
    case SQLITE_PERM:
    case SQLITE_AUTH: return -EPERM;
    case SQLITE_MISUSE:
    case SQLITE_RANGE: return -EINVAL;
    default: return -ORM_ESQL;
    }
}

/* Runs one pragma; a failure closes nothing (the caller does). */
static int sql_pragma(sqlite3 *conn, const char *sql)
{
    return orm_sql_error(sqlite3_exec(conn, sql, NULL, NULL, NULL));
}

int orm_sql_open(const char *path, sqlite3 **out)
{
    if (!path || !out)
        return -EINVAL;
    sqlite3 *conn = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = orm_sql_error(sqlite3_open_v2(path, &conn, flags, NULL));
    if (!rc)
        rc = orm_sql_error(sqlite3_busy_timeout(conn, 0));
    /* WAL: readers never block the writer and a crash mid-transaction
     * leaves only frames without a commit record, which recovery drops.
     * synchronous=NORMAL is WAL's usual pairing: a commit is atomic and
     * survives a process crash; only power loss may lose the last ones. */
    if (!rc && path[0] && strcmp(path, ":memory:") != 0) {
        rc = sql_pragma(conn, "PRAGMA journal_mode=WAL");
        if (!rc)
            rc = sql_pragma(conn, "PRAGMA synchronous=NORMAL");
    }
    if (rc) {
        sqlite3_close_v2(conn); /* conn may be a handle to a failed open: close it too */
        return rc;
    }
    *out = conn;
    return 0;
}

/* ---- the string builder ----------------------------------------------------------- */

int orm_sb_grow(orm_sb_t *sb, size_t more)
{
    if (sb->failed)
        return -1;
    if (sb->len + more + 1 <= sb->cap)
        return 0;
    size_t cap = sb->cap ? sb->cap : 128;
    while (cap < sb->len + more + 1)
        cap *= 2;
    char *buf = realloc(sb->buf, cap);
    if (!buf) {
        sb->failed = 1;
        return -1;
    }
    sb->buf = buf;
    sb->cap = cap;
    return 0;
}

void orm_sb_addi(orm_sb_t *sb, int64_t v)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%lld", (long long)v);
    orm_sb_addn(sb, num, (size_t)n);
}

void orm_sb_reset(orm_sb_t *sb)
{
    sb->len = 0;
    sb->failed = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

void orm_sb_free(orm_sb_t *sb)
{
    free(sb->buf);
    *sb = (orm_sb_t){0};
}
