/*
 * orm_write.c — Create, Updates and Delete, and the hooks around them.
 *
 * A write and its hooks are one operation: a model with hooks has every
 * write run in a transaction of its own (a savepoint inside an open one),
 * so a hook's error, or a crash between the INSERT and a hook's own
 * statements, leaves nothing behind. A model without hooks writes with one
 * statement, which SQLite makes atomic by itself: no BEGIN, no COMMIT.
 *
 * Updates follows GORM's rule for a struct of values: a field whose value
 * is its type's zero (0, 0.0, "", false) is "not given" and left alone;
 * orm_select names the fields to write whatever their values. Updates and
 * Delete refuse to run with no condition (an empty WHERE would touch every
 * row); the soft-delete filter is not a condition of the caller's.
 *
 * Interface: orm_create → insert_row; orm_updates → update_sql;
 * orm_delete; orm__hook.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "orm_internal.h"

#if LAB_SOLUTION

int orm__hook(orm_db_t *db, const orm_meta_t *meta, orm_hook_t h, void *row)
{
    orm_hook_fn fn = meta->model->hooks[h];
    return fn ? fn(db, h, row) : 0;
}

/* Ends the operation's own transaction level: commit, or roll back on rc. */
static int op_end(orm_db_t *db, bool tx, int rc)
{
    if (!tx)
        return rc;
    if (rc) {
        orm_rollback(db);
        return rc;
    }
    return orm_commit(db);
}

static int64_t field_int(const orm_field_t *f, const void *row)
{
    int64_t v;
    memcpy(&v, (const char *)row + f->offset, sizeof v);
    return v;
}

/* INSERT row; a zero primary key is assigned by the database. */
static int insert_row(orm_db_t *db, const orm_meta_t *meta, void *row)
{
    const orm_model_t *m = meta->model;
    const orm_field_t *pkf = &m->fields[meta->pk];
    bool with_pk = field_int(pkf, row) != 0;
    sqlite3_stmt *st;
    int rc = orm__prepare_hashed(db, meta->insert_sql[with_pk], meta->insert_len[with_pk],
                                 meta->insert_hash[with_pk], &st);
    if (rc)
        return rc;
    int i = 1;
    for (size_t f = 0; !rc && f < m->nfields; f++)
        if (with_pk || (int)f != meta->pk)
            rc = orm__bind_field(st, i++, &m->fields[f], row);
    if (!rc) {
        int step = orm__step(db, st);
        rc = step == SQLITE_DONE ? 0 : orm_sql_error(step);
    }
    orm__done(db, st);
    if (!rc && !with_pk) {
        int64_t id = sqlite3_last_insert_rowid(db->conn);
        memcpy((char *)row + pkf->offset, &id, sizeof id);
    }
    return rc;
}

int orm_create(orm_db_t *db, const orm_model_t *m, void *row)
{
    if (!db || !row)
        return -EINVAL;
    orm_meta_t *meta;
    int rc = orm__meta(db, m, &meta);
    if (rc)
        return rc;
    bool tx = meta->write_hooks;
    if (tx && (rc = orm_begin(db)))
        return rc; /* nothing begun, nothing to end */
    rc = orm__hook(db, meta, ORM_BEFORE_SAVE, row);
    if (!rc)
        rc = orm__hook(db, meta, ORM_BEFORE_CREATE, row);
    if (!rc)
        rc = insert_row(db, meta, row);
    if (!rc)
        rc = orm__hook(db, meta, ORM_AFTER_CREATE, row);
    if (!rc)
        rc = orm__hook(db, meta, ORM_AFTER_SAVE, row);
    return op_end(db, tx, rc);
}

/* ---- updates -------------------------------------------------------------------- */

static bool field_is_zero(const orm_field_t *f, const void *row)
{
    const char *p = (const char *)row + f->offset;
    switch (f->type) {
    case ORM_INT: return field_int(f, row) == 0;
    case ORM_REAL: {
        double v;
        memcpy(&v, p, sizeof v);
        return v == 0.0;
    }
    case ORM_BOOL: return !*(const bool *)p;
    case ORM_TEXT: return p[0] == '\0';
    }
    return true;
}

/* The fields Updates writes: selected ones, else the non-zero ones. */
static bool update_writes(const orm_query_t *q, size_t f, const void *values)
{
    if ((int)f == q->meta->pk)
        return false;
    if (q->has_select)
        return q->selected[f];
    return !field_is_zero(&q->model->fields[f], values);
}

/* UPDATE ... SET for q in db->sql; *nset: how many fields it sets. */
static void update_sql(const orm_query_t *q, const void *values, orm_sb_t *sb, size_t *nset)
{
    const orm_meta_t *meta = q->meta;
    orm_sb_reset(sb);
    orm_sb_add(sb, "UPDATE ");
    orm_sb_add(sb, meta->qtable);
    orm_sb_add(sb, " SET ");
    *nset = 0;
    for (size_t f = 0; f < q->model->nfields; f++)
        if (update_writes(q, f, values)) {
            orm_sb_add(sb, (*nset)++ ? ", " : "");
            orm_sb_add(sb, meta->qcols[f]);
            orm_sb_add(sb, " = ?");
        }
    orm__where_sql(q, sb);
}

/* Runs the UPDATE; returns the rows changed or an error. */
static int update_run(orm_query_t *q, void *values)
{
    orm_db_t *db = q->db;
    size_t nset;
    update_sql(q, values, &db->sql, &nset);
    if (db->sql.failed)
        return -ENOMEM;
    if (!nset)
        return 0; /* nothing to write */
    sqlite3_stmt *st;
    int rc = orm__prepare(db, db->sql.buf, db->sql.len, &st);
    if (rc)
        return rc;
    int i = 1;
    for (size_t f = 0; !rc && f < q->model->nfields; f++)
        if (update_writes(q, f, values))
            rc = orm__bind_field(st, i++, &q->model->fields[f], values);
    if (!rc)
        rc = orm__bind_args(q, st, i, &i);
    if (!rc) {
        int step = orm__step(db, st);
        rc = step == SQLITE_DONE ? sqlite3_changes(db->conn) : orm_sql_error(step);
    }
    orm__done(db, st);
    return rc;
}

/* Adds the row's primary key, if set, as a condition; then the caller
 * needs one condition at least. */
static int target(orm_query_t *q, const void *row)
{
    if (row) {
        int64_t pk = field_int(&q->model->fields[q->meta->pk], row);
        if (pk)
            orm__add_pk(q, pk);
    }
    if (q->err)
        return q->err;
    return q->where.len ? 0 : -ORM_EMISSINGWHERE;
}

int orm_updates(orm_query_t *q, void *values)
{
    int rc = orm__query_check(q);
    if (!rc && !values)
        rc = -EINVAL;
    if (!rc)
        rc = target(q, values);
    bool tx = false;
    if (!rc && q->meta->write_hooks)
        tx = !(rc = orm_begin(q->db));
    int changed = 0;
    if (!rc)
        rc = orm__hook(q->db, q->meta, ORM_BEFORE_SAVE, values);
    if (!rc)
        rc = orm__hook(q->db, q->meta, ORM_BEFORE_UPDATE, values);
    if (!rc && (changed = update_run(q, values)) < 0)
        rc = changed;
    if (!rc)
        rc = orm__hook(q->db, q->meta, ORM_AFTER_UPDATE, values);
    if (!rc)
        rc = orm__hook(q->db, q->meta, ORM_AFTER_SAVE, values);
    if (q)
        rc = op_end(q->db, tx, rc);
    orm__query_end(q);
    return rc ? rc : changed;
}

/* ---- delete --------------------------------------------------------------------- */

/* DELETE, or for a soft-deleted model UPDATE ... SET deleted_at = now. */
static int delete_run(orm_query_t *q)
{
    orm_db_t *db = q->db;
    const orm_meta_t *meta = q->meta;
    bool soft = meta->deleted_at >= 0 && !q->unscoped;
    orm_sb_t *sb = &db->sql;
    orm_sb_reset(sb);
    orm_sb_add(sb, soft ? "UPDATE " : "DELETE FROM ");
    orm_sb_add(sb, meta->qtable);
    if (soft) {
        orm_sb_add(sb, " SET ");
        orm_sb_add(sb, meta->qcols[meta->deleted_at]);
        orm_sb_add(sb, " = ?");
    }
    orm__where_sql(q, sb); /* soft: "AND deleted_at IS NULL" keeps the first stamp */
    if (sb->failed)
        return -ENOMEM;
    sqlite3_stmt *st;
    int rc = orm__prepare(db, sb->buf, sb->len, &st);
    if (rc)
        return rc;
    int i = 1;
    if (soft)
        rc = orm_sql_error(sqlite3_bind_int64(st, i++, orm__now(db)));
    if (!rc)
        rc = orm__bind_args(q, st, i, &i);
    if (!rc) {
        int step = orm__step(db, st);
        rc = step == SQLITE_DONE ? sqlite3_changes(db->conn) : orm_sql_error(step);
    }
    orm__done(db, st);
    return rc;
}

int orm_delete(orm_query_t *q, void *row)
{
    int rc = orm__query_check(q);
    if (!rc)
        rc = target(q, row);
    bool tx = false;
    if (!rc && q->meta->write_hooks)
        tx = !(rc = orm_begin(q->db));
    int changed = 0;
    if (!rc)
        rc = orm__hook(q->db, q->meta, ORM_BEFORE_DELETE, row);
    if (!rc && (changed = delete_run(q)) < 0)
        rc = changed;
    if (!rc)
        rc = orm__hook(q->db, q->meta, ORM_AFTER_DELETE, row);
    if (q)
        rc = op_end(q->db, tx, rc);
    orm__query_end(q);
    return rc ? rc : changed;
}

#else /* the stub */

int orm_create(orm_db_t *db, const orm_model_t *m, void *row)
{
    (void)db;
    (void)m;
    (void)row;
    return -ENOSYS;
}

int orm_updates(orm_query_t *q, void *values)
{
    (void)q;
    (void)values;
    return -ENOSYS;
}

int orm_delete(orm_query_t *q, void *row)
{
    (void)q;
    (void)row;
    return -ENOSYS;
}

#endif
