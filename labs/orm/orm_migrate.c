/*
 * orm_migrate.c — AutoMigrate: bring the database up to the model, never
 * destroying anything.
 *
 * A missing table is created with every column; an existing one gets the
 * columns it lacks (ALTER TABLE ADD COLUMN), and keeps the ones the model
 * no longer has, with their data: dropping is a human's decision. Indexes
 * are created if missing (idx_<table>_<column>, as GORM names them).
 * SQLite's DDL is transactional, so the whole migration is one
 * transaction: if an index cannot be built (a unique index over duplicate
 * values), the columns added before it are gone too.
 *
 * A NOT NULL column is declared with DEFAULT <the type's zero>: SQLite
 * cannot add a NOT NULL column to a table that has rows without one, and
 * the zero is what the ORM reads a missing value as anyway.
 *
 * Interface: orm_migrate → table_exists → create_table | add_columns →
 * create_indexes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "orm_internal.h"

#if LAB_SOLUTION

static const char *type_sql(orm_type_t t)
{
    switch (t) {
    case ORM_INT: return "INTEGER";
    case ORM_REAL: return "REAL";
    case ORM_TEXT: return "TEXT";
    case ORM_BOOL: return "NUMERIC";
    }
    return "BLOB";
}

/* "column" TYPE [PRIMARY KEY | NOT NULL DEFAULT zero] */
static void column_def(const orm_meta_t *meta, size_t f, orm_sb_t *sb)
{
    const orm_field_t *fd = &meta->model->fields[f];
    orm_sb_add(sb, meta->qcols[f]);
    orm_sb_addc(sb, ' ');
    orm_sb_add(sb, type_sql(fd->type));
    if ((int)f == meta->pk)
        orm_sb_add(sb, " PRIMARY KEY");
    else if (fd->flags & ORM_NOT_NULL)
        orm_sb_add(sb, fd->type == ORM_TEXT ? " NOT NULL DEFAULT ''" : " NOT NULL DEFAULT 0");
}

/* Runs the statement in sb (DDL: no rows). */
static int run_sb(orm_db_t *db, orm_sb_t *sb)
{
    if (sb->failed)
        return -ENOMEM;
    sqlite3_stmt *st;
    int rc = orm__prepare(db, sb->buf, sb->len, &st);
    if (rc)
        return rc;
    int step = orm__step(db, st);
    orm__done(db, st);
    return step == SQLITE_DONE || step == SQLITE_ROW ? 0 : orm_sql_error(step);
}

/* The columns the table has now, one NUL-ended name after another in
 * *names (caller frees); *n of them. The table name is bound, not
 * written into the SQL. */
static int table_columns(orm_db_t *db, const char *table, orm_sb_t *names, size_t *n)
{
    static const char sql[] = "SELECT name FROM pragma_table_info(?)";
    sqlite3_stmt *st;
    int rc = orm__prepare(db, sql, sizeof sql - 1, &st);
    if (rc)
        return rc;
    rc = orm_sql_error(sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC));
    *n = 0;
    int step = rc ? SQLITE_DONE : orm__step(db, st);
    for (; step == SQLITE_ROW; step = sqlite3_step(st)) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        orm_sb_addn(names, name ? name : "", name ? strlen(name) + 1 : 1);
        (*n)++;
    }
    orm__done(db, st);
    if (!rc && step != SQLITE_DONE)
        rc = orm_sql_error(step);
    return rc ? rc : names->failed ? -ENOMEM : 0;
}

static bool has_column(const orm_sb_t *names, size_t n, const char *col)
{
    const char *p = names->buf;
    for (size_t i = 0; i < n; i++, p += strlen(p) + 1)
        if (!strcmp(p, col))
            return true;
    return false;
}

static int create_table(orm_db_t *db, const orm_meta_t *meta)
{
    orm_sb_t *sb = &db->sql;
    orm_sb_reset(sb);
    orm_sb_add(sb, "CREATE TABLE ");
    orm_sb_add(sb, meta->qtable);
    orm_sb_add(sb, " (");
    for (size_t f = 0; f < meta->model->nfields; f++) {
        orm_sb_add(sb, f ? ", " : "");
        column_def(meta, f, sb);
    }
    orm_sb_addc(sb, ')');
    return run_sb(db, sb);
}

/* ALTER TABLE ADD COLUMN for each field the table lacks. */
static int add_columns(orm_db_t *db, const orm_meta_t *meta, const orm_sb_t *names, size_t n)
{
    int rc = 0;
    for (size_t f = 0; !rc && f < meta->model->nfields; f++) {
        if (has_column(names, n, meta->columns[f]))
            continue;
        orm_sb_t *sb = &db->sql;
        orm_sb_reset(sb);
        orm_sb_add(sb, "ALTER TABLE ");
        orm_sb_add(sb, meta->qtable);
        orm_sb_add(sb, " ADD COLUMN ");
        column_def(meta, f, sb);
        rc = run_sb(db, sb);
    }
    return rc;
}

static int create_indexes(orm_db_t *db, const orm_meta_t *meta)
{
    int rc = 0;
    for (size_t f = 0; !rc && f < meta->model->nfields; f++) {
        unsigned flags = meta->model->fields[f].flags;
        if (!(flags & (ORM_INDEX | ORM_UNIQUE)))
            continue;
        orm_sb_t name = {0}, *sb = &db->sql;
        orm_sb_add(&name, "idx_");
        orm_sb_add(&name, meta->model->table);
        orm_sb_addc(&name, '_');
        orm_sb_add(&name, meta->columns[f]);
        orm_sb_reset(sb);
        orm_sb_add(sb, flags & ORM_UNIQUE ? "CREATE UNIQUE INDEX IF NOT EXISTS "
                                          : "CREATE INDEX IF NOT EXISTS ");
        orm__quote(sb, name.failed ? "" : name.buf);
        orm_sb_add(sb, " ON ");
        orm_sb_add(sb, meta->qtable);
        orm_sb_add(sb, " (");
        orm_sb_add(sb, meta->qcols[f]);
        orm_sb_addc(sb, ')');
        rc = name.failed ? -ENOMEM : run_sb(db, sb);
        orm_sb_free(&name);
    }
    return rc;
}

static int migrate(orm_db_t *db, const orm_meta_t *meta)
{
    orm_sb_t names = {0};
    size_t n;
    int rc = table_columns(db, meta->model->table, &names, &n);
    if (!rc)
        rc = n ? add_columns(db, meta, &names, n) : create_table(db, meta);
    orm_sb_free(&names);
    return rc ? rc : create_indexes(db, meta);
}

int orm_migrate(orm_db_t *db, const orm_model_t *m)
{
    if (!db)
        return -EINVAL;
    orm_meta_t *meta;
    int rc = orm__meta(db, m, &meta);
    if (rc)
        return rc;
    if ((rc = orm_begin(db)))
        return rc;
    rc = migrate(db, meta);
    if (rc) {
        orm_rollback(db);
        return rc;
    }
    return orm_commit(db);
}

#else /* the stub */

int orm_migrate(orm_db_t *db, const orm_model_t *m)
{
    (void)db;
    (void)m;
    return -ENOSYS;
}

#endif
