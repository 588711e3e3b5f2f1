/*
 * orm_read.c — the query finishers that read: First, Last, Find, and
 * Preload.
 *
 * A row is read column by column into the struct through the model's
 * offsets; NULL reads as the type's zero, and a text longer than its
 * member is an error (-EOVERFLOW), never a silent truncation.
 *
 * Preload is the cure for N+1: after the rows are found, one query on the
 * child table fetches the children of all of them (WHERE fk IN (the
 * primary keys found)), and each child is attached to its parent by key.
 * The IN list is padded with NULLs (which match nothing) to a power of two
 * placeholders, so a few statement texts serve every number of parents;
 * beyond 512 parents the keys go in several such queries.
 *
 * Interface: orm_first / orm_last / orm_find → read_rows → preload →
 * after_find; orm_free / orm_slice_free.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "orm_internal.h"

#if LAB_SOLUTION

enum { PRELOAD_CHUNK = 512 };

typedef enum read_mode { READ_FIND, READ_FIRST, READ_LAST } read_mode_t;

static void *row_at(const orm_model_t *m, const orm_slice_t *s, size_t i)
{
    return (char *)s->items + i * m->size;
}

/* Appends a zeroed row to s (members the model does not map, and the
 * children slices, start as zero); returns it, or NULL without memory. */
static void *slice_push(const orm_model_t *m, orm_slice_t *s)
{
    if (s->len == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        void *items = realloc(s->items, cap * m->size);
        if (!items)
            return NULL;
        s->items = items;
        s->cap = cap;
    }
    void *row = row_at(m, s, s->len++);
    memset(row, 0, m->size);
    return row;
}

static int load_field(const orm_field_t *f, sqlite3_stmt *st, int col, char *p)
{
    switch (f->type) {
    case ORM_INT: {
        int64_t v = sqlite3_column_int64(st, col);
        memcpy(p, &v, sizeof v);
        return 0;
    }
    case ORM_REAL: {
        double v = sqlite3_column_double(st, col);
        memcpy(p, &v, sizeof v);
        return 0;
    }
    case ORM_BOOL: *(bool *)p = sqlite3_column_int64(st, col) != 0; return 0;
    case ORM_TEXT: {
        const unsigned char *s = sqlite3_column_text(st, col);
        size_t n = (size_t)sqlite3_column_bytes(st, col);
        if (!s && sqlite3_column_type(st, col) != SQLITE_NULL)
            return -ENOMEM;
        if (n >= f->size)
            return -EOVERFLOW;
        memcpy(p, s ? (const char *)s : "", n);
        p[n] = '\0';
        return 0;
    }
    }
    return -EINVAL;
}

int orm__load_row(const orm_meta_t *meta, sqlite3_stmt *st, void *row)
{
    /* Locals: stores into the row must not make the compiler reload the model. */
    const orm_field_t *fields = meta->model->fields;
    const size_t n = meta->nfields;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        rc = load_field(&fields[i], st, (int)i, (char *)row + fields[i].offset);
    return rc;
}

/* SELECT ... for q in db->sql. */
static void select_sql(const orm_query_t *q, read_mode_t mode, orm_sb_t *sb)
{
    const orm_meta_t *meta = q->meta;
    orm_sb_reset(sb);
    orm_sb_addn(sb, meta->select_from, meta->select_from_len);
    orm__where_sql(q, sb);
    if (q->order.len || mode != READ_FIND) {
        orm_sb_addn(sb, " ORDER BY ", 10);
        orm_sb_addn(sb, q->order.buf, q->order.len);
    }
    if (mode != READ_FIND) {
        if (q->order.len)
            orm_sb_addn(sb, ", ", 2);
        orm_sb_addn(sb, meta->first_tail[mode == READ_LAST],
                    meta->first_tail_len[mode == READ_LAST]);
    } else if (q->limit >= 0 || q->offset >= 0) {
        orm_sb_add(sb, " LIMIT ?");
    }
    if (q->offset >= 0)
        orm_sb_add(sb, " OFFSET ?");
}

/* Steps st to the end (or, for `one`, to its first row), appending the
 * rows to out. */
static int collect(orm_db_t *db, const orm_meta_t *meta, sqlite3_stmt *st, orm_slice_t *out,
                   bool one)
{
    /* Only the first step may be retried on BUSY: later ones would restart
     * a scan that has already returned rows. */
    int rc = orm__step(db, st);
    while (rc == SQLITE_ROW) {
        void *row = slice_push(meta->model, out);
        if (!row)
            return -ENOMEM;
        int err = orm__load_row(meta, st, row);
        if (err || one)
            return err; /* the caller's reset ends the statement */
        rc = sqlite3_step(st);
    }
    return rc == SQLITE_DONE ? 0 : orm_sql_error(rc);
}

/* Runs q's SELECT, rows appended to out. */
static int read_rows(orm_query_t *q, read_mode_t mode, orm_slice_t *out)
{
    orm_db_t *db = q->db;
    select_sql(q, mode, &db->sql);
    if (db->sql.failed)
        return -ENOMEM;
    sqlite3_stmt *st;
    int rc = orm__prepare(db, db->sql.buf, db->sql.len, &st);
    if (rc)
        return rc;
    int next;
    rc = orm__bind_args(q, st, 1, &next);
    if (!rc && mode == READ_FIND && (q->limit >= 0 || q->offset >= 0))
        rc = orm_sql_error(sqlite3_bind_int64(st, next++, q->limit));
    if (!rc && q->offset >= 0)
        rc = orm_sql_error(sqlite3_bind_int64(st, next++, q->offset));
    if (!rc)
        rc = collect(db, q->meta, st, out, mode != READ_FIND);
    orm__done(db, st);
    return rc;
}

/* ---- preload ---------------------------------------------------------------------- */

typedef struct parent_key {
    int64_t pk;
    size_t index;
} parent_key_t;

static int key_cmp(const void *a, const void *b)
{
    int64_t x = ((const parent_key_t *)a)->pk, y = ((const parent_key_t *)b)->pk;
    return (x > y) - (x < y);
}

/* SELECT the children whose fk is one of `slots` placeholders. */
static void children_sql(const orm_meta_t *child, int fk, size_t slots, bool unscoped, orm_sb_t *sb)
{
    orm_sb_reset(sb);
    orm_sb_addn(sb, child->select_from, child->select_from_len);
    orm_sb_add(sb, " WHERE ");
    orm_sb_add(sb, child->qcols[fk]);
    orm_sb_add(sb, " IN (");
    for (size_t i = 0; i < slots; i++)
        orm_sb_add(sb, i ? ", ?" : "?");
    orm_sb_addc(sb, ')');
    if (child->alive && !unscoped) {
        orm_sb_add(sb, " AND ");
        orm_sb_add(sb, child->alive);
    }
    orm_sb_add(sb, " ORDER BY ");
    orm_sb_add(sb, child->qcols[child->pk]);
}

/* Moves every child of kids to its parent's slice (keys sorted by pk). */
static int attach(const orm_model_t *pm, orm_slice_t *parents, const orm_has_many_t *rel,
                  const orm_meta_t *child, int fk, const parent_key_t *keys, size_t nkeys,
                  orm_slice_t *kids)
{
    const orm_model_t *cm = child->model;
    for (size_t k = 0; k < kids->len; k++) {
        void *kid = row_at(cm, kids, k);
        parent_key_t key = {0, 0};
        memcpy(&key.pk, (char *)kid + cm->fields[fk].offset, sizeof key.pk);
        const parent_key_t *hit = bsearch(&key, keys, nkeys, sizeof *keys, key_cmp);
        if (!hit)
            continue; /* a padding NULL never matches; nothing else can miss */
        orm_slice_t *s = (orm_slice_t *)((char *)row_at(pm, parents, hit->index) + rel->offset);
        void *slot = slice_push(cm, s);
        if (!slot)
            return -ENOMEM;
        memcpy(slot, kid, cm->size);
        memset(kid, 0, cm->size); /* moved: the temporary slice owns nothing now */
    }
    return 0;
}

/* One IN query for keys[0..n). */
static int preload_chunk(orm_query_t *q, orm_slice_t *parents, int r, const parent_key_t *keys,
                         size_t n, const parent_key_t *all, size_t nall)
{
    orm_db_t *db = q->db;
    const orm_has_many_t *rel = &q->model->has_many[r];
    orm_meta_t *child;
    int rc = orm__meta(db, rel->child, &child);
    if (rc)
        return rc;
    size_t slots = 1;
    while (slots < n)
        slots *= 2;
    children_sql(child, q->meta->fk[r], slots, q->unscoped, &db->sql);
    if (db->sql.failed)
        return -ENOMEM;
    sqlite3_stmt *st;
    if ((rc = orm__prepare(db, db->sql.buf, db->sql.len, &st)))
        return rc;
    for (size_t i = 0; i < slots && !rc; i++)
        rc = orm_sql_error(i < n ? sqlite3_bind_int64(st, (int)i + 1, keys[i].pk)
                                 : sqlite3_bind_null(st, (int)i + 1));
    orm_slice_t kids = {0};
    if (!rc)
        rc = collect(db, child, st, &kids, false);
    orm__done(db, st);
    for (size_t k = 0; !rc && k < kids.len; k++)
        rc = orm__hook(db, child, ORM_AFTER_FIND, row_at(rel->child, &kids, k));
    if (!rc)
        rc = attach(q->model, parents, rel, child, q->meta->fk[r], all, nall, &kids);
    orm_slice_free(rel->child, &kids);
    return rc;
}

/* Loads relation r of every row in parents. */
static int preload(orm_query_t *q, orm_slice_t *parents, int r)
{
    if (!parents->len)
        return 0; /* no parents, no query */
    const orm_meta_t *meta = q->meta;
    const orm_field_t *pkf = &q->model->fields[meta->pk];
    parent_key_t *keys = malloc(parents->len * sizeof *keys);
    if (!keys)
        return -ENOMEM;
    for (size_t i = 0; i < parents->len; i++) {
        memcpy(&keys[i].pk, (char *)row_at(q->model, parents, i) + pkf->offset, sizeof(int64_t));
        keys[i].index = i;
    }
    qsort(keys, parents->len, sizeof *keys, key_cmp);
    int rc = 0;
    for (size_t at = 0; !rc && at < parents->len; at += PRELOAD_CHUNK) {
        size_t n = parents->len - at < PRELOAD_CHUNK ? parents->len - at : PRELOAD_CHUNK;
        rc = preload_chunk(q, parents, r, keys + at, n, keys, parents->len);
    }
    free(keys);
    return rc;
}

/* Preloads, then AfterFind on every row: the common end of every read. */
static int finish_read(orm_query_t *q, orm_slice_t *rows)
{
    if (!q->preload && !q->model->hooks[ORM_AFTER_FIND])
        return 0;
    int rc = 0;
    for (size_t r = 0; !rc && r < q->model->nhas_many; r++)
        if (q->preload & (1ull << r))
            rc = preload(q, rows, (int)r);
    for (size_t i = 0; !rc && i < rows->len; i++)
        rc = orm__hook(q->db, q->meta, ORM_AFTER_FIND, row_at(q->model, rows, i));
    return rc;
}

/* A row of `size` bytes to read one row into: the database's scratch row,
 * or, while that one is in use (a hook reading inside a read), a new one. */
static void *row_take(orm_db_t *db, size_t size)
{
    if (db->row_busy)
        return malloc(size);
    if (db->row_size < size) {
        void *row = realloc(db->row, size);
        if (!row)
            return NULL;
        db->row = row;
        db->row_size = size;
    }
    db->row_busy = true;
    return db->row;
}

static void row_give(orm_db_t *db, void *row)
{
    if (row == db->row)
        db->row_busy = false;
    else
        free(row);
}

static int read_one(orm_query_t *q, read_mode_t mode, void *out)
{
    int rc = orm__query_check(q);
    if (!rc && !out)
        rc = -EINVAL;
    void *row = rc ? NULL : row_take(q->db, q->model->size);
    if (!rc && !row)
        rc = -ENOMEM;
    orm_slice_t rows = {row, 0, 1};
    if (!rc)
        rc = read_rows(q, mode, &rows);
    if (!rc && !rows.len)
        rc = -ORM_ENOTFOUND;
    if (!rc)
        rc = finish_read(q, &rows);
    if (!rc)
        memcpy(out, row, q->model->size); /* its children move with it */
    else if (rows.len)
        orm_free(q->model, row);
    if (row)
        row_give(q->db, row);
    orm__query_end(q);
    return rc;
}

int orm_first(orm_query_t *q, void *out)
{
    return read_one(q, READ_FIRST, out);
}

int orm_last(orm_query_t *q, void *out)
{
    return read_one(q, READ_LAST, out);
}

int orm_find(orm_query_t *q, orm_slice_t *out)
{
    int rc = orm__query_check(q);
    orm_slice_t rows = {0};
    if (!rc && !out)
        rc = -EINVAL;
    if (!rc)
        rc = read_rows(q, READ_FIND, &rows);
    if (!rc)
        rc = finish_read(q, &rows);
    if (!rc) {
        *out = rows;
        rc = (int)rows.len;
    } else {
        orm_slice_free(q ? q->model : NULL, &rows);
    }
    orm__query_end(q);
    return rc;
}

/* ---- freeing ---------------------------------------------------------------------- */

void orm_free(const orm_model_t *m, void *row)
{
    if (!m || !row)
        return;
    for (size_t r = 0; r < m->nhas_many; r++) {
        orm_slice_t *s = (orm_slice_t *)((char *)row + m->has_many[r].offset);
        if (s->items)
            orm_slice_free(m->has_many[r].child, s);
    }
}

void orm_slice_free(const orm_model_t *m, orm_slice_t *s)
{
    if (!m || !s)
        return;
    for (size_t i = 0; s->items && i < s->len; i++)
        orm_free(m, (char *)s->items + i * m->size);
    free(s->items);
    *s = (orm_slice_t){0};
}
#else /* the stub */

int orm_first(orm_query_t *q, void *out)
{
    (void)q;
    (void)out;
    return -ENOSYS;
}

int orm_last(orm_query_t *q, void *out)
{
    (void)q;
    (void)out;
    return -ENOSYS;
}

int orm_find(orm_query_t *q, orm_slice_t *out)
{
    (void)q;
    (void)out;
    return -ENOSYS;
}

void orm_free(const orm_model_t *m, void *row)
{
    (void)m;
    (void)row;
}

void orm_slice_free(const orm_model_t *m, orm_slice_t *s)
{
    (void)m;
    (void)s;
}

#endif
