/*
 * orm_query.c — building a query: conditions, orders, limits, the fields
 * of an update, the relations to preload.
 *
 * Values never enter the SQL text: a condition holds '?' and its value is
 * kept beside it, to be bound when the statement runs. So the text of a
 * query depends only on its shape, never on the values: "age > ?" is one
 * cached statement for every age. Each condition is put in parentheses
 * before it is ANDed to the others: "a = ? OR b = ?" AND "deleted_at IS
 * NULL" must not read as "a = ? OR (b = ? AND deleted_at IS NULL)".
 *
 * Interface: orm_q → builders → (a finisher) orm__query_check →
 * orm__where_sql / orm__bind_args → orm__query_end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "orm_internal.h"

#if LAB_SOLUTION

orm_query_t *orm_q(orm_db_t *db, const orm_model_t *m)
{
    if (!db)
        return NULL;
    orm_query_t *q = db->spare;
    if (q)
        db->spare = NULL;
    else if (!(q = calloc(1, sizeof *q)))
        return NULL;
    q->db = db;
    q->model = m;
    q->limit = q->offset = -1;
    q->err = orm__meta(db, m, &q->meta);
    return q;
}

/* Records the first mistake of a query. */
static orm_query_t *query_fail(orm_query_t *q, int err)
{
    if (!q->err)
        q->err = err;
    return q;
}

/* Keeps a copy of v (text included) as the next argument. */
static int query_arg(orm_query_t *q, orm_value_t v)
{
    if (v.type < ORM_INT || v.type > ORM_BOOL || (v.type == ORM_TEXT && !v.s))
        return -EINVAL;
    if (q->nargs == q->cap_args) {
        size_t cap = q->cap_args ? 2 * q->cap_args : 8;
        orm_value_t *a = realloc(q->args, cap * sizeof *a);
        if (!a)
            return -ENOMEM;
        q->args = a;
        q->cap_args = cap;
    }
    if (v.type == ORM_TEXT && !(v.s = strdup(v.s)))
        return -ENOMEM;
    q->args[q->nargs++] = v;
    return 0;
}

/* The '?' placeholders of cond outside quoted strings and identifiers. */
static size_t count_placeholders(const char *cond)
{
    size_t n = 0;
    char quote = 0;
    for (const char *p = cond; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0; /* a doubled quote reopens at once: still inside */
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '?') {
            n++;
        }
    }
    return n;
}

static void where_and(orm_query_t *q)
{
    if (q->where.len)
        orm_sb_add(&q->where, " AND ");
}

orm_query_t *orm_where(orm_query_t *q, const char *cond, size_t nargs, const orm_value_t *args)
{
    if (!q || q->err)
        return q;
    if (!cond || !cond[0] || (nargs && !args) || count_placeholders(cond) != nargs)
        return query_fail(q, -EINVAL);
    where_and(q);
    orm_sb_addc(&q->where, '(');
    orm_sb_add(&q->where, cond);
    orm_sb_addc(&q->where, ')');
    for (size_t i = 0; i < nargs; i++) {
        int rc = query_arg(q, args[i]);
        if (rc)
            return query_fail(q, rc);
    }
    return q->where.failed ? query_fail(q, -ENOMEM) : q;
}

/* AND "column" = ? for field index f. */
static orm_query_t *where_field(orm_query_t *q, int f, orm_value_t v)
{
    int rc = query_arg(q, v);
    if (rc)
        return query_fail(q, rc);
    where_and(q);
    orm_sb_addn(&q->where, q->meta->eqs[f], q->meta->eq_lens[f]);
    return q->where.failed ? query_fail(q, -ENOMEM) : q;
}

orm_query_t *orm_where_eq(orm_query_t *q, const char *field, orm_value_t v)
{
    if (!q || q->err)
        return q;
    int f = orm__field(q->meta, field);
    return f < 0 ? query_fail(q, -ORM_EFIELD) : where_field(q, f, v);
}

orm_query_t *orm_id(orm_query_t *q, int64_t id)
{
    if (!q || q->err)
        return q;
    return where_field(q, q->meta->pk, ORM_I(id));
}

void orm__add_pk(orm_query_t *q, int64_t id)
{
    orm_id(q, id);
}

orm_query_t *orm_order(orm_query_t *q, const char *field, bool desc)
{
    if (!q || q->err)
        return q;
    int f = orm__field(q->meta, field);
    if (f < 0)
        return query_fail(q, -ORM_EFIELD);
    if (q->order.len)
        orm_sb_add(&q->order, ", ");
    orm_sb_add(&q->order, q->meta->qcols[f]);
    if (desc)
        orm_sb_add(&q->order, " DESC");
    return q->order.failed ? query_fail(q, -ENOMEM) : q;
}

orm_query_t *orm_limit(orm_query_t *q, int64_t n)
{
    if (!q || q->err)
        return q;
    if (n < 0)
        return query_fail(q, -EINVAL);
    q->limit = n;
    return q;
}

orm_query_t *orm_offset(orm_query_t *q, int64_t n)
{
    if (!q || q->err)
        return q;
    if (n < 0)
        return query_fail(q, -EINVAL);
    q->offset = n;
    return q;
}

orm_query_t *orm_unscoped(orm_query_t *q)
{
    if (q && !q->err)
        q->unscoped = true;
    return q;
}

orm_query_t *orm_select(orm_query_t *q, size_t n, const char *const *fields)
{
    if (!q || q->err)
        return q;
    size_t nf = q->model->nfields;
    if (!q->selected && !(q->selected = calloc(nf, sizeof *q->selected)))
        return query_fail(q, -ENOMEM);
    if (n && !fields)
        return query_fail(q, -EINVAL);
    for (size_t i = 0; i < n; i++) {
        if (fields[i] && !strcmp(fields[i], "*")) {
            for (size_t f = 0; f < nf; f++)
                q->selected[f] = (int)f != q->meta->pk;
            continue;
        }
        int f = orm__field(q->meta, fields[i]);
        if (f < 0)
            return query_fail(q, -ORM_EFIELD);
        q->selected[f] = true;
    }
    q->has_select = true;
    return q;
}

orm_query_t *orm_preload(orm_query_t *q, const char *name)
{
    if (!q || q->err)
        return q;
    int r = orm__relation(q->meta, name);
    if (r < 0)
        return query_fail(q, -ORM_EFIELD);
    q->preload |= 1ull << r;
    return q;
}

int orm__query_check(orm_query_t *q)
{
    return q ? q->err : -ENOMEM;
}

void orm__where_sql(const orm_query_t *q, orm_sb_t *sb)
{
    bool soft = q->meta->alive && !q->unscoped;
    if (!q->where.len && !soft)
        return;
    orm_sb_addn(sb, " WHERE ", 7);
    if (q->where.len)
        orm_sb_addn(sb, q->where.buf, q->where.len);
    if (soft) {
        if (q->where.len)
            orm_sb_addn(sb, " AND ", 5);
        orm_sb_addn(sb, q->meta->alive, q->meta->alive_len);
    }
}

static int bind_value(sqlite3_stmt *st, int i, const orm_value_t *v)
{
    switch (v->type) {
    case ORM_INT: return sqlite3_bind_int64(st, i, v->i);
    case ORM_REAL: return sqlite3_bind_double(st, i, v->r);
    case ORM_TEXT: return sqlite3_bind_text(st, i, v->s, -1, SQLITE_STATIC);
    case ORM_BOOL: return sqlite3_bind_int(st, i, v->b ? 1 : 0);
    }
    return SQLITE_MISUSE;
}

int orm__bind_args(const orm_query_t *q, sqlite3_stmt *st, int first, int *next)
{
    for (size_t a = 0; a < q->nargs; a++) {
        int rc = bind_value(st, first + (int)a, &q->args[a]);
        if (rc != SQLITE_OK)
            return orm_sql_error(rc);
    }
    *next = first + (int)q->nargs;
    return 0;
}

int orm__bind_field(sqlite3_stmt *st, int i, const orm_field_t *f, const void *row)
{
    const char *p = (const char *)row + f->offset;
    int rc = SQLITE_MISUSE;
    switch (f->type) {
    case ORM_INT: {
        int64_t v;
        memcpy(&v, p, sizeof v);
        /* A zero soft-delete stamp is "not deleted": NULL, what IS NULL finds. */
        rc = (f->flags & ORM_DELETED_AT) && v == 0 ? sqlite3_bind_null(st, i)
                                                   : sqlite3_bind_int64(st, i, v);
        break;
    }
    case ORM_REAL: {
        double v;
        memcpy(&v, p, sizeof v);
        rc = sqlite3_bind_double(st, i, v);
        break;
    }
    case ORM_TEXT: {
        size_t n = strnlen(p, f->size);
        if (n == f->size)
            return -EINVAL; /* not NUL-terminated within its member */
        rc = sqlite3_bind_text(st, i, p, (int)n, SQLITE_STATIC);
        break;
    }
    case ORM_BOOL: rc = sqlite3_bind_int(st, i, *(const bool *)p ? 1 : 0); break;
    }
    return orm_sql_error(rc);
}

/* Frees what the query holds and empties it. */
static void query_clear(orm_query_t *q)
{
    for (size_t a = 0; a < q->nargs; a++)
        if (q->args[a].type == ORM_TEXT)
            free((char *)q->args[a].s);
    q->nargs = 0;
    if (q->selected) {
        free(q->selected);
        q->selected = NULL;
    }
    q->where.len = q->order.len = 0; /* the buffers are kept for the next query */
    q->where.failed = q->order.failed = 0;
    q->has_select = q->unscoped = false;
    q->preload = 0;
    q->err = 0;
}

void orm__query_end(orm_query_t *q)
{
    if (!q)
        return;
    query_clear(q);
    orm_db_t *db = q->db;
    if (db && !db->spare) {
        db->spare = q; /* its buffers serve the next query */
        return;
    }
    free(q->args);
    orm_sb_free(&q->where);
    orm_sb_free(&q->order);
    free(q);
}

void orm_query_free(orm_query_t *q)
{
    orm__query_end(q);
}

#else /* the stub */

orm_query_t *orm_q(orm_db_t *db, const orm_model_t *m)
{
    (void)db;
    (void)m;
    return NULL;
}

orm_query_t *orm_where(orm_query_t *q, const char *cond, size_t nargs, const orm_value_t *args)
{
    (void)cond;
    (void)nargs;
    (void)args;
    return q;
}

orm_query_t *orm_where_eq(orm_query_t *q, const char *field, orm_value_t v)
{
    (void)field;
    (void)v;
    return q;
}

orm_query_t *orm_id(orm_query_t *q, int64_t id)
{
    (void)id;
    return q;
}

orm_query_t *orm_order(orm_query_t *q, const char *field, bool desc)
{
    (void)field;
    (void)desc;
    return q;
}

orm_query_t *orm_limit(orm_query_t *q, int64_t n)
{
    (void)n;
    return q;
}

orm_query_t *orm_offset(orm_query_t *q, int64_t n)
{
    (void)n;
    return q;
}

orm_query_t *orm_unscoped(orm_query_t *q)
{
    return q;
}

orm_query_t *orm_select(orm_query_t *q, size_t n, const char *const *fields)
{
    (void)n;
    (void)fields;
    return q;
}

orm_query_t *orm_preload(orm_query_t *q, const char *name)
{
    (void)name;
    return q;
}

void orm_query_free(orm_query_t *q)
{
    (void)q;
}

#endif
