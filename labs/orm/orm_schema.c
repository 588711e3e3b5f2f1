/*
 * orm_schema.c — from a declared model to what statements need: column
 * names by convention, identifiers quoted, the schema checked, and the SQL
 * pieces every statement on the model repeats, built once per database.
 *
 * Quoting. SQL has one way to make any string an identifier: put it in
 * double quotes and double the quotes inside. A table named `order` (a
 * keyword) or a column named `we"ird` then work, and a name can never end
 * the identifier early and go on as SQL. Names a caller passes at run time
 * (a field to filter or order by) are looked up in the model first and
 * refused if unknown: only the model's own names ever reach the SQL.
 *
 * Interface: orm_column_name; orm__meta → orm__field / orm__relation;
 * orm__quote.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "orm_internal.h"

#if LAB_SOLUTION

int orm_column_name(const char *field, char *buf, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; field[i]; i++) {
        unsigned char c = (unsigned char)field[i];
        if (isupper(c) && i > 0) {
            unsigned char prev = (unsigned char)field[i - 1], next = (unsigned char)field[i + 1];
            bool word = islower(prev) || isdigit(prev) || (isupper(prev) && islower(next));
            if (word) {
                if (n + 1 >= size)
                    return -ENAMETOOLONG;
                buf[n++] = '_';
            }
        }
        if (n + 1 >= size)
            return -ENAMETOOLONG;
        buf[n++] = (char)tolower(c);
    }
    if (n >= size)
        return -ENAMETOOLONG;
    buf[n] = '\0';
    return (int)n;
}

void orm__quote(orm_sb_t *sb, const char *ident)
{
    orm_sb_addc(sb, '"');
    for (const char *p = ident; *p; p++) {
        if (*p == '"')
            orm_sb_addc(sb, '"');
        orm_sb_addc(sb, *p);
    }
    orm_sb_addc(sb, '"');
}

/* A heap copy of sb's text, or NULL. */
static char *sb_dup(orm_sb_t *sb)
{
    char *s = sb->failed || !sb->buf ? NULL : strdup(sb->buf);
    orm_sb_reset(sb);
    return s;
}

/* A field's member size must be what its type maps to. */
static bool field_size_ok(const orm_field_t *f)
{
    switch (f->type) {
    case ORM_INT: return f->size == sizeof(int64_t);
    case ORM_REAL: return f->size == sizeof(double);
    case ORM_BOOL: return f->size == sizeof(bool);
    case ORM_TEXT: return f->size >= 1;
    }
    return false;
}

/* Checks the fields and finds the primary key and the soft-delete field. */
static int meta_check_fields(orm_meta_t *meta)
{
    const orm_model_t *m = meta->model;
    meta->pk = meta->deleted_at = -1;
    for (size_t i = 0; i < m->nfields; i++) {
        const orm_field_t *f = &m->fields[i];
        if (!f->name || !field_size_ok(f) || f->offset + f->size > m->size)
            return -EINVAL;
        if (f->flags & ORM_PK) {
            if (meta->pk >= 0 || f->type != ORM_INT)
                return -EINVAL;
            meta->pk = (int)i;
        }
        if (f->flags & ORM_DELETED_AT) {
            if (meta->deleted_at >= 0 || f->type != ORM_INT || (f->flags & ORM_PK))
                return -EINVAL;
            meta->deleted_at = (int)i;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(m->fields[j].name, f->name))
                return -EINVAL;
    }
    return meta->pk >= 0 ? 0 : -EINVAL;
}

/* Resolves and quotes every column; no two fields may share one. */
static int meta_columns(orm_meta_t *meta, orm_sb_t *sb)
{
    const orm_model_t *m = meta->model;
    meta->columns = calloc(m->nfields, sizeof *meta->columns);
    meta->qcols = calloc(m->nfields, sizeof *meta->qcols);
    if (!meta->columns || !meta->qcols)
        return -ENOMEM;
    for (size_t i = 0; i < m->nfields; i++) {
        const orm_field_t *f = &m->fields[i];
        char name[256];
        if (f->column)
            meta->columns[i] = strdup(f->column);
        else if (orm_column_name(f->name, name, sizeof name) > 0)
            meta->columns[i] = strdup(name);
        else
            return -EINVAL;
        if (!meta->columns[i])
            return -ENOMEM;
        if (!meta->columns[i][0])
            return -EINVAL;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(meta->columns[j], meta->columns[i]))
                return -EINVAL;
        orm__quote(sb, meta->columns[i]);
        if (!(meta->qcols[i] = sb_dup(sb)))
            return -ENOMEM;
    }
    return 0;
}

/* The pieces every SELECT repeats: the select list, "SELECT ... FROM t",
 * the soft-delete filter, the primary key order of First and Last. */
static int meta_select_sql(orm_meta_t *meta, orm_sb_t *sb)
{
    const orm_model_t *m = meta->model;
    for (size_t i = 0; i < m->nfields; i++) {
        orm_sb_add(sb, i ? ", " : "");
        orm_sb_add(sb, meta->qcols[i]);
    }
    meta->select_len = sb->len;
    if (!(meta->select_list = sb_dup(sb)))
        return -ENOMEM;
    orm_sb_add(sb, "SELECT ");
    orm_sb_add(sb, meta->select_list);
    orm_sb_add(sb, " FROM ");
    orm_sb_add(sb, meta->qtable);
    meta->select_from_len = sb->len;
    if (!(meta->select_from = sb_dup(sb)))
        return -ENOMEM;
    if (meta->deleted_at >= 0) {
        orm_sb_add(sb, meta->qcols[meta->deleted_at]);
        orm_sb_add(sb, " IS NULL");
        meta->alive_len = sb->len;
        if (!(meta->alive = sb_dup(sb)))
            return -ENOMEM;
    }
    for (int desc = 0; desc < 2; desc++) {
        orm_sb_add(sb, meta->qcols[meta->pk]);
        orm_sb_add(sb, desc ? " DESC LIMIT 1" : " LIMIT 1");
        meta->first_tail_len[desc] = sb->len;
        if (!(meta->first_tail[desc] = sb_dup(sb)))
            return -ENOMEM;
    }
    return 0;
}

/* The quoted table, "column" = ? per field, the two INSERT texts. */
static int meta_sql(orm_meta_t *meta, orm_sb_t *sb)
{
    const orm_model_t *m = meta->model;
    orm__quote(sb, m->table);
    if (!(meta->qtable = sb_dup(sb)))
        return -ENOMEM;
    meta->eqs = calloc(m->nfields, sizeof *meta->eqs);
    meta->eq_lens = calloc(m->nfields, sizeof *meta->eq_lens);
    if (!meta->eqs || !meta->eq_lens)
        return -ENOMEM;
    for (size_t i = 0; i < m->nfields; i++) {
        orm_sb_add(sb, meta->qcols[i]);
        orm_sb_add(sb, " = ?");
        meta->eq_lens[i] = sb->len;
        if (!(meta->eqs[i] = sb_dup(sb)))
            return -ENOMEM;
    }
    int rc = meta_select_sql(meta, sb);
    for (int with_pk = 0; !rc && with_pk < 2; with_pk++) {
        orm_sb_add(sb, "INSERT INTO ");
        orm_sb_add(sb, meta->qtable);
        orm_sb_add(sb, " (");
        size_t n = 0;
        for (size_t i = 0; i < m->nfields; i++)
            if (with_pk || (int)i != meta->pk) {
                orm_sb_add(sb, n++ ? ", " : "");
                orm_sb_add(sb, meta->qcols[i]);
            }
        orm_sb_add(sb, ") VALUES (");
        for (size_t i = 0; i < n; i++)
            orm_sb_add(sb, i ? ", ?" : "?");
        orm_sb_add(sb, ")");
        meta->insert_len[with_pk] = sb->len;
        if (!(meta->insert_sql[with_pk] = sb_dup(sb)))
            return -ENOMEM;
        meta->insert_hash[with_pk] = orm__hash(meta->insert_sql[with_pk],
                                               meta->insert_len[with_pk]);
    }
    return rc;
}

/* Each relation's foreign key must be an ORM_INT field of its child. */
static int meta_relations(orm_db_t *db, orm_meta_t *meta)
{
    const orm_model_t *m = meta->model;
    if (m->nhas_many > 64)
        return -EINVAL;
    meta->fk = calloc(m->nhas_many + 1, sizeof *meta->fk);
    if (!meta->fk)
        return -ENOMEM;
    for (size_t r = 0; r < m->nhas_many; r++) {
        const orm_has_many_t *h = &m->has_many[r];
        orm_meta_t *child;
        if (!h->name || !h->child || !h->foreign_key || h->offset + sizeof(orm_slice_t) > m->size)
            return -EINVAL;
        int rc = h->child == m ? 0 : orm__meta(db, h->child, &child);
        if (rc)
            return rc;
        if (h->child == m)
            child = meta;
        int fk = orm__field(child, h->foreign_key);
        if (fk < 0 || h->child->fields[fk].type != ORM_INT)
            return -EINVAL;
        meta->fk[r] = fk;
    }
    return 0;
}

static void meta_free(orm_meta_t *meta)
{
    for (size_t i = 0; i < meta->nfields; i++) {
        if (meta->columns)
            free(meta->columns[i]);
        if (meta->qcols)
            free(meta->qcols[i]);
        if (meta->eqs)
            free(meta->eqs[i]);
    }
    free(meta->columns);
    free(meta->qcols);
    free(meta->eqs);
    free(meta->eq_lens);
    free(meta->qtable);
    free(meta->select_list);
    free(meta->select_from);
    free(meta->alive);
    free(meta->first_tail[0]);
    free(meta->first_tail[1]);
    free(meta->insert_sql[0]);
    free(meta->insert_sql[1]);
    free(meta->fk);
    free(meta);
}

static bool model_has_write_hooks(const orm_model_t *m)
{
    for (int h = 0; h < ORM_HOOK_COUNT; h++)
        if (h != ORM_AFTER_FIND && m->hooks[h])
            return true;
    return false;
}

int orm__meta(orm_db_t *db, const orm_model_t *m, orm_meta_t **out)
{
    for (orm_meta_t *meta = db->metas; meta; meta = meta->next)
        if (meta->model == m) {
            *out = meta;
            return 0;
        }
    if (!m || !m->table || !m->table[0] || !m->fields || !m->nfields ||
        (m->nhas_many && !m->has_many))
        return -EINVAL;
    orm_meta_t *meta = calloc(1, sizeof *meta);
    if (!meta)
        return -ENOMEM;
    meta->model = m;
    meta->nfields = m->nfields;
    orm_sb_t sb = {0};
    int rc = meta_check_fields(meta);
    if (!rc)
        rc = meta_columns(meta, &sb);
    if (!rc)
        rc = meta_sql(meta, &sb);
    orm_sb_free(&sb);
    /* Listed before its relations are compiled: a model may be its own child. */
    if (!rc) {
        meta->next = db->metas;
        db->metas = meta;
        meta->write_hooks = model_has_write_hooks(m);
        rc = meta_relations(db, meta);
        for (orm_meta_t **pp = &db->metas; rc && *pp; pp = &(*pp)->next)
            if (*pp == meta) {
                *pp = meta->next;
                break;
            }
    }
    if (rc) {
        meta_free(meta);
        return rc;
    }
    *out = meta;
    return 0;
}

void orm__metas_free(orm_db_t *db)
{
    while (db->metas) {
        orm_meta_t *next = db->metas->next;
        meta_free(db->metas);
        db->metas = next;
    }
}

int orm__field(const orm_meta_t *meta, const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < meta->model->nfields; i++)
        if (!strcmp(meta->model->fields[i].name, name) || !strcmp(meta->columns[i], name))
            return (int)i;
    return -1;
}

int orm__relation(const orm_meta_t *meta, const char *name)
{
    if (!name)
        return -1;
    for (size_t r = 0; r < meta->model->nhas_many; r++)
        if (!strcmp(meta->model->has_many[r].name, name))
            return (int)r;
    return -1;
}

#else /* the stub */

int orm_column_name(const char *field, char *buf, size_t size)
{
    (void)field;
    (void)buf;
    (void)size;
    return -ENOSYS;
}

#endif
