/*
 * orm_internal.h — the ORM's insides, shared by its source files.
 *
 * A database is one SQLite connection with a statement cache (a hash table
 * keyed by SQL text, and an LRU list through the same entries), the depth
 * of the open transaction, the busy function and the clock, and a list of
 * compiled models. A compiled model (orm_meta_t) is a schema checked once
 * and turned into the SQL pieces every statement on it repeats: the quoted
 * table, the quoted columns, the select list, the two INSERT texts.
 * A query collects its WHERE text, its arguments, its ORDER BY text and the
 * rest until a finisher builds the statement, runs it and frees the query.
 *
 * Statements are always reset right after their last step, before any
 * hook runs: a statement left stepping would hold a read transaction open
 * (later reads on the connection would not see other connections' commits)
 * and a hook may run the very same SQL again.
 *
 * Interface between the files:
 *   orm_db.c      orm__step (busy retries), orm__exec, orm__now
 *   orm_cache.c   orm__prepare, orm__done, orm__cache_clear
 *   orm_schema.c  orm__meta, orm__quote, orm__field, orm__relation
 *   orm_query.c   the builders, orm__where_sql, orm__bind_args, orm__query_end
 *   orm_read.c    the query finishers, orm__load_row
 *   orm_write.c   create, updates, delete, orm__hook
 *   orm_tx.c      transactions
 */
#ifndef ORM_INTERNAL_H
#define ORM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "orm.h"
#include "support/orm_sql.h"

#if LAB_SOLUTION

/* A cached statement: in the hash chain of its SQL text and on the LRU
 * list (lru.next is the most recently used). */
typedef struct orm_stmt {
    sqlite3_stmt *stmt;
    char *sql;
    size_t len;
    uint64_t hash;
    struct orm_stmt *hnext;
    struct orm_stmt *prev, *next;
} orm_stmt_t;

/* A model compiled for one database (see the top). */
typedef struct orm_meta {
    const orm_model_t *model;
    struct orm_meta *next;
    size_t nfields; /* the model's, kept: freeing never reads the model */
    int pk;         /* field index of the primary key */
    int deleted_at; /* field index, or -1 */
    char **columns; /* per field, unquoted */
    char **qcols;   /* per field, quoted */
    char **eqs;     /* per field: "\"column\" = ?" */
    size_t *eq_lens;
    char *qtable;
    char *select_list; /* "\"id\", \"name\", ..." */
    size_t select_len;
    char *select_from; /* "SELECT <select_list> FROM <qtable>" */
    size_t select_from_len;
    char *alive; /* "\"deleted_at\" IS NULL", or NULL */
    size_t alive_len;
    char *first_tail[2]; /* "\"id\" LIMIT 1", "\"id\" DESC LIMIT 1" */
    size_t first_tail_len[2];
    char *insert_sql[2]; /* [0] without the primary key, [1] with it */
    size_t insert_len[2];
    uint64_t insert_hash[2];
    int *fk;          /* per relation: the child's field index */
    bool write_hooks; /* any save/create/update/delete hook */
} orm_meta_t;

struct orm_db {
    sqlite3 *conn;
    /* statement cache */
    orm_stmt_t **buckets;
    size_t nbuckets;
    orm_stmt_t lru; /* sentinel */
    size_t count, cap;
    orm_stats_t stats;
    /* transactions: 0 none, 1 BEGIN, 2.. savepoints orm_sp2, orm_sp3 ... */
    int depth;
    orm_busy_fn busy;
    void *busy_arg;
    int64_t (*now)(void *arg);
    void *now_arg;
    orm_meta_t *metas;
    orm_sb_t sql;       /* scratch for the statement being built */
    orm_query_t *spare; /* a finished query kept for reuse */
    void *row;          /* scratch row for First/Last, row_size bytes */
    size_t row_size;
    bool row_busy;
};

struct orm_query {
    orm_db_t *db;
    const orm_model_t *model;
    orm_meta_t *meta;
    int err;           /* the first builder mistake */
    orm_sb_t where;    /* "(a) AND (b)", without WHERE */
    orm_value_t *args; /* text values point to copies we own */
    size_t nargs, cap_args;
    orm_sb_t order;        /* "\"a\" DESC, \"b\"", without ORDER BY */
    int64_t limit, offset; /* -1: none */
    bool unscoped;
    bool has_select;
    bool *selected;   /* per field, when has_select */
    uint64_t preload; /* bit per relation */
};

/* ---- orm_db.c ---- */
/* sqlite3_step with the busy rule: outside a transaction a BUSY answer is
 * retried after asking the busy function. Returns SQLite's code. */
int orm__step(orm_db_t *db, sqlite3_stmt *st);
/* Runs one statement that returns no rows, through the cache. 0 or error. */
int orm__exec(orm_db_t *db, const char *sql);
int64_t orm__now(orm_db_t *db);

/* ---- orm_cache.c ---- */
/* The statement for sql[0..len), from the cache or compiled into it. */
int orm__prepare(orm_db_t *db, const char *sql, size_t len, sqlite3_stmt **out);
/* The same with orm__hash(sql, len) already known. */
int orm__prepare_hashed(orm_db_t *db, const char *sql, size_t len, uint64_t hash,
                        sqlite3_stmt **out);
uint64_t orm__hash(const char *s, size_t n);
/* After the last step: resets st (it stays cached). */
void orm__done(orm_db_t *db, sqlite3_stmt *st);
void orm__cache_clear(orm_db_t *db);

/* ---- orm_schema.c ---- */
/* The compiled model m (compiled and checked on first use). */
int orm__meta(orm_db_t *db, const orm_model_t *m, orm_meta_t **out);
void orm__metas_free(orm_db_t *db);
/* Appends "ident" with inner quotes doubled. */
void orm__quote(orm_sb_t *sb, const char *ident);
/* The index of the field named name (field name or column), or -1. */
int orm__field(const orm_meta_t *meta, const char *name);
/* The index of the relation named name, or -1. */
int orm__relation(const orm_meta_t *meta, const char *name);

/* ---- orm_query.c ---- */
/* Appends " WHERE ..." for q: its conditions, the soft-delete filter. */
void orm__where_sql(const orm_query_t *q, orm_sb_t *sb);
/* Binds q's arguments from parameter `first` on. Returns the next one. */
int orm__bind_args(const orm_query_t *q, sqlite3_stmt *st, int first, int *next);
/* Binds field f of row to parameter i. */
int orm__bind_field(sqlite3_stmt *st, int i, const orm_field_t *f, const void *row);
/* Adds the condition "pk = ?" for id. */
void orm__add_pk(orm_query_t *q, int64_t id);
/* Frees q (or keeps it as the database's spare). */
void orm__query_end(orm_query_t *q);
/* Returns q's error, resolving its model first; 0 if it may run. */
int orm__query_check(orm_query_t *q);

/* ---- orm_read.c ---- */
/* Reads the current row of st (columns in field order) into row. */
int orm__load_row(const orm_meta_t *meta, sqlite3_stmt *st, void *row);

/* ---- orm_write.c ---- */
/* Runs hook h of meta's model on row, if the model has one. */
int orm__hook(orm_db_t *db, const orm_meta_t *meta, orm_hook_t h, void *row);

#endif /* LAB_SOLUTION */

#endif
