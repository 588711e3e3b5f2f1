/*
 * orm_sql.h — the SQLite plumbing under the ORM: opening a connection the
 * way the lab wants it, SQLite's result codes as the ORM's errors, and a
 * growable string for building SQL. Pristine: the lab's support code, not
 * the answer; the ORM's sources include it.
 *
 * Interface: orm_sql_open → orm_sql_error(rc) for any failed call;
 * orm_sb_add / orm_sb_addn / orm_sb_addc / orm_sb_addi → sb.buf → orm_sb_free.
 */
#ifndef ORM_SQL_H
#define ORM_SQL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

/* Opens path read-write (created if missing). A file (anything but
 * ":memory:" and "") is put in WAL mode with synchronous=NORMAL. SQLite's
 * busy timeout is 0: a locked database answers SQLITE_BUSY at once.
 * Returns 0 and the connection in *out, or an error (nothing left open). */
int orm_sql_open(const char *path, sqlite3 **out);

/* SQLite's result code rc as the ORM's error: SQLITE_BUSY/LOCKED → -EBUSY,
 * SQLITE_CONSTRAINT → -ORM_ECONSTRAINT, SQLITE_NOMEM → -ENOMEM,
 * SQLITE_TOOBIG → -E2BIG, SQLITE_IOERR/CORRUPT/CANTOPEN → -EIO,
 * SQLITE_FULL → -ENOSPC, SQLITE_READONLY → -EROFS, SQLITE_PERM/AUTH →
 * -EPERM, SQLITE_MISUSE/RANGE → -EINVAL, any other error → -ORM_ESQL.
 * SQLITE_OK, SQLITE_ROW and SQLITE_DONE → 0. Can't fail. */
int orm_sql_error(int rc);

/* A growable NUL-terminated string. {0} is an empty one. After a failed
 * allocation `failed` stays set and the content is not to be used. */
typedef struct orm_sb {
    char *buf; /* NULL until the first addition */
    size_t len;
    size_t cap;
    int failed;
} orm_sb_t;

/* Makes room for n more bytes and the NUL; 0, or -1 (sb->failed). */
int orm_sb_grow(orm_sb_t *sb, size_t n);

/* Inline: SQL is built from many small pieces on every statement. */
static inline void orm_sb_addn(orm_sb_t *sb, const char *s, size_t n)
{
    if (n == 0)
        return; /* s may be the NULL buffer of an empty builder */
    if (sb->len + n + 1 > sb->cap && orm_sb_grow(sb, n))
        return;
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

static inline void orm_sb_add(orm_sb_t *sb, const char *s)
{
    orm_sb_addn(sb, s, strlen(s));
}

static inline void orm_sb_addc(orm_sb_t *sb, char c)
{
    orm_sb_addn(sb, &c, 1);
}

void orm_sb_addi(orm_sb_t *sb, int64_t v);
/* Empties sb, keeping its memory. */
void orm_sb_reset(orm_sb_t *sb);
/* Frees sb's memory; sb is empty again. */
void orm_sb_free(orm_sb_t *sb);

#endif
