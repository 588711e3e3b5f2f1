/*
 * orm_workload.h — the work the orm benchmarks time, each operation written
 * twice: through the ORM (wl_*_orm) and by hand against SQLite (wl_*_raw),
 * on the same rows of the same in-memory database. Shared by the lab's
 * bench/orm_bench.c (Go's format, graded) and benchmarks/orm/orm_vs_raw.c
 * (the two interleaved, for the ORM/raw ratio).
 *
 *   insert   one user of five columns, autocommit, the new id read back
 *   first    one user by primary key (the soft-delete filter on)
 *   find     50 users after a random id, in id order, into a fresh array
 *   preload  10 users and their orders: two queries, children attached
 *
 * The raw side is what a careful programmer writes without an ORM:
 * statements prepared once, bound, stepped, columns copied into the same
 * structs, results in freshly allocated arrays like the ORM's slices.
 *
 * Interface: wl_setup → wl_<op>_orm / wl_<op>_raw … → wl_insert_cleanup;
 * wl_close.
 * Everything is static (inline): each includer gets its own copy.
 */
#ifndef ORM_WORKLOAD_H
#define ORM_WORKLOAD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orm.h"

typedef struct wl_order {
    int64_t id, user_id;
    char item[24];
    double amount;
    int64_t deleted_at;
} wl_order_t;

typedef struct wl_user {
    int64_t id;
    char name[48];
    int64_t age;
    double score;
    bool active;
    int64_t deleted_at;
    orm_slice_t orders;
} wl_user_t;

static const orm_field_t wl_order_fields[] = {
    ORM_FIELD(wl_order_t, id, "ID", ORM_INT, ORM_PK),
    ORM_FIELD(wl_order_t, user_id, "UserID", ORM_INT, ORM_INDEX),
    ORM_FIELD(wl_order_t, item, "Item", ORM_TEXT, 0),
    ORM_FIELD(wl_order_t, amount, "Amount", ORM_REAL, 0),
    ORM_FIELD(wl_order_t, deleted_at, "DeletedAt", ORM_INT, ORM_DELETED_AT),
};
static const orm_model_t wl_order_model = {
    "orders", sizeof(wl_order_t), wl_order_fields, 5, NULL, 0, {0}};

static const orm_field_t wl_user_fields[] = {
    ORM_FIELD(wl_user_t, id, "ID", ORM_INT, ORM_PK),
    ORM_FIELD(wl_user_t, name, "Name", ORM_TEXT, 0),
    ORM_FIELD(wl_user_t, age, "Age", ORM_INT, 0),
    ORM_FIELD(wl_user_t, score, "Score", ORM_REAL, 0),
    ORM_FIELD(wl_user_t, active, "Active", ORM_BOOL, 0),
    ORM_FIELD(wl_user_t, deleted_at, "DeletedAt", ORM_INT, ORM_DELETED_AT),
};
static const orm_has_many_t wl_user_orders[] = {
    ORM_HAS_MANY(wl_user_t, orders, "Orders", &wl_order_model, "UserID"),
};
static const orm_model_t wl_user_model = {"users", sizeof(wl_user_t), wl_user_fields,
                                          6,       wl_user_orders,    1,
                                          {0}};

enum { WL_ROWS = 2000, WL_PAGE = 50, WL_FAMILY = 10, WL_ORDERS = 3 };

typedef struct wl {
    orm_db_t *db;
    sqlite3 *conn;
    uint64_t rng;
    sqlite3_stmt *insert, *first, *find, *kids;
} wl_t;

static inline void wl_die(const char *what, int rc)
{
    fprintf(stderr, "orm workload: %s failed: %s (%d)\n", what, orm_strerror(rc), rc);
    exit(1);
}

static inline uint64_t wl_rand(wl_t *w)
{
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 7;
    w->rng ^= w->rng << 17;
    return w->rng;
}

static inline sqlite3_stmt *wl_prepare(wl_t *w, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(w->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        wl_die(sqlite3_errmsg(w->conn), -1);
    return st;
}

/* The database: WL_ROWS users with WL_ORDERS orders each; the raw side's
 * statements. Exits on failure. */
static inline void wl_setup(wl_t *w)
{
    int rc = orm_open(":memory:", &w->db);
    if (rc)
        wl_die("orm_open", rc);
    w->conn = orm_sqlite(w->db);
    w->rng = 0x9e3779b97f4a7c15ull;
    if ((rc = orm_migrate(w->db, &wl_order_model)) || (rc = orm_migrate(w->db, &wl_user_model)))
        wl_die("orm_migrate", rc);
    sqlite3_exec(w->conn, "BEGIN", NULL, NULL, NULL);
    for (int i = 0; i < WL_ROWS; i++) {
        wl_user_t u = {.age = 18 + i % 60, .score = i * 0.25, .active = i % 2};
        snprintf(u.name, sizeof u.name, "user%d", i);
        if ((rc = orm_create(w->db, &wl_user_model, &u)))
            wl_die("orm_create", rc);
        for (int k = 0; k < WL_ORDERS; k++) {
            wl_order_t o = {.user_id = u.id, .amount = k + 0.5};
            snprintf(o.item, sizeof o.item, "item%d", k);
            if ((rc = orm_create(w->db, &wl_order_model, &o)))
                wl_die("orm_create", rc);
        }
    }
    sqlite3_exec(w->conn, "COMMIT", NULL, NULL, NULL);
    w->insert = wl_prepare(
        w, "INSERT INTO users (name, age, score, active, deleted_at) VALUES (?, ?, ?, ?, ?)");
    w->first = wl_prepare(w, "SELECT id, name, age, score, active, deleted_at FROM users "
                             "WHERE id = ? AND deleted_at IS NULL ORDER BY id LIMIT 1");
    w->find = wl_prepare(w, "SELECT id, name, age, score, active, deleted_at FROM users "
                            "WHERE (id > ?) AND deleted_at IS NULL ORDER BY id LIMIT ?");
    w->kids =
        wl_prepare(w, "SELECT id, user_id, item, amount, deleted_at FROM orders WHERE user_id IN "
                      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) AND deleted_at IS NULL "
                      "ORDER BY id");
}

/* Finalizes the raw statements and closes the database. */
static inline void wl_close(wl_t *w)
{
    sqlite3_finalize(w->insert);
    sqlite3_finalize(w->first);
    sqlite3_finalize(w->find);
    sqlite3_finalize(w->kids);
    orm_close(w->db);
    *w = (wl_t){0};
}

/* Deletes the users the insert operations added. */
static inline void wl_insert_cleanup(wl_t *w)
{
    char sql[64];
    snprintf(sql, sizeof sql, "DELETE FROM users WHERE id > %d", WL_ROWS);
    sqlite3_exec(w->conn, sql, NULL, NULL, NULL);
}

/* ---- insert ------------------------------------------------------------------------ */

static inline int64_t wl_insert_orm(wl_t *w, uint64_t i)
{
    wl_user_t u = {.age = (int64_t)(i % 90), .score = 1.5, .active = true};
    memcpy(u.name, "inserted", 9);
    int rc = orm_create(w->db, &wl_user_model, &u);
    if (rc)
        wl_die("orm_create", rc);
    return u.id;
}

static inline int64_t wl_insert_raw(wl_t *w, uint64_t i)
{
    wl_user_t u = {.age = (int64_t)(i % 90), .score = 1.5, .active = true};
    memcpy(u.name, "inserted", 9);
    sqlite3_stmt *st = w->insert;
    sqlite3_bind_text(st, 1, u.name, (int)strlen(u.name), SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, u.age);
    sqlite3_bind_double(st, 3, u.score);
    sqlite3_bind_int(st, 4, u.active);
    sqlite3_bind_null(st, 5);
    if (sqlite3_step(st) != SQLITE_DONE)
        wl_die("insert", -1);
    sqlite3_reset(st);
    return u.id = sqlite3_last_insert_rowid(w->conn);
}

/* ---- first ------------------------------------------------------------------------- */

static inline void wl_raw_row(sqlite3_stmt *st, wl_user_t *u)
{
    u->id = sqlite3_column_int64(st, 0);
    const unsigned char *s = sqlite3_column_text(st, 1);
    size_t n = (size_t)sqlite3_column_bytes(st, 1);
    if (n >= sizeof u->name)
        wl_die("name too long", -1);
    memcpy(u->name, s ? (const char *)s : "", n);
    u->name[n] = '\0';
    u->age = sqlite3_column_int64(st, 2);
    u->score = sqlite3_column_double(st, 3);
    u->active = sqlite3_column_int(st, 4) != 0;
    u->deleted_at = sqlite3_column_int64(st, 5);
    u->orders = (orm_slice_t){0};
}

static inline int64_t wl_first_orm(wl_t *w)
{
    wl_user_t u;
    int rc = orm_first(orm_id(orm_q(w->db, &wl_user_model), 1 + (int64_t)(wl_rand(w) % WL_ROWS)),
                       &u);
    if (rc)
        wl_die("orm_first", rc);
    return u.age;
}

static inline int64_t wl_first_raw(wl_t *w)
{
    wl_user_t u;
    sqlite3_bind_int64(w->first, 1, 1 + (int64_t)(wl_rand(w) % WL_ROWS));
    if (sqlite3_step(w->first) != SQLITE_ROW)
        wl_die("first", -1);
    wl_raw_row(w->first, &u);
    sqlite3_reset(w->first);
    return u.age;
}

/* ---- find -------------------------------------------------------------------------- */

static inline void wl_find_orm(wl_t *w)
{
    orm_slice_t s = {0};
    orm_value_t after = ORM_I((int64_t)(wl_rand(w) % (WL_ROWS - WL_PAGE)));
    orm_query_t *q = orm_where(orm_q(w->db, &wl_user_model), "id > ?", 1, &after);
    int rc = orm_find(orm_limit(orm_order(q, "ID", false), WL_PAGE), &s);
    if (rc != WL_PAGE)
        wl_die("orm_find", rc);
    orm_slice_free(&wl_user_model, &s);
}

/* Up to limit users after `after` into a fresh array; returns how many. */
static inline int wl_raw_users(sqlite3_stmt *st, int64_t after, int limit, wl_user_t **out)
{
    size_t len = 0, cap = 8;
    wl_user_t *rows = malloc(cap * sizeof *rows);
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, limit);
    while (rows && sqlite3_step(st) == SQLITE_ROW) {
        if (len == cap)
            rows = realloc(rows, (cap *= 2) * sizeof *rows);
        if (rows)
            wl_raw_row(st, &rows[len++]);
    }
    sqlite3_reset(st);
    if (!rows)
        wl_die("malloc", -1);
    *out = rows;
    return (int)len;
}

static inline void wl_find_raw(wl_t *w)
{
    wl_user_t *rows;
    if (wl_raw_users(w->find, (int64_t)(wl_rand(w) % (WL_ROWS - WL_PAGE)), WL_PAGE, &rows) !=
        WL_PAGE)
        wl_die("find", -1);
    free(rows);
}

/* ---- preload ----------------------------------------------------------------------- */

static inline void wl_preload_orm(wl_t *w)
{
    orm_slice_t s = {0};
    orm_value_t after = ORM_I((int64_t)(wl_rand(w) % (WL_ROWS - WL_FAMILY)));
    orm_query_t *q = orm_where(orm_q(w->db, &wl_user_model), "id > ?", 1, &after);
    int rc = orm_find(orm_preload(orm_limit(orm_order(q, "ID", false), WL_FAMILY), "Orders"), &s);
    if (rc != WL_FAMILY || ((wl_user_t *)s.items)[WL_FAMILY - 1].orders.len != WL_ORDERS)
        wl_die("orm_find preload", rc);
    orm_slice_free(&wl_user_model, &s);
}

/* The children of n users in id order: one IN query, attached by key. */
static inline void wl_raw_children(sqlite3_stmt *st, wl_user_t *users, int n)
{
    for (int k = 0; k < 16; k++)
        if (k < n)
            sqlite3_bind_int64(st, k + 1, users[k].id);
        else
            sqlite3_bind_null(st, k + 1);
    int u = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t uid = sqlite3_column_int64(st, 1);
        while (u < n && users[u].id != uid)
            u++;
        if (u == n)
            wl_die("preload attach", -1);
        orm_slice_t *s = &users[u].orders;
        if (s->len == s->cap) {
            s->cap = s->cap ? 2 * s->cap : 8;
            s->items = realloc(s->items, s->cap * sizeof(wl_order_t));
        }
        wl_order_t *o = (wl_order_t *)s->items + s->len++;
        o->id = sqlite3_column_int64(st, 0);
        o->user_id = uid;
        const unsigned char *item = sqlite3_column_text(st, 2);
        snprintf(o->item, sizeof o->item, "%s", item ? (const char *)item : "");
        o->amount = sqlite3_column_double(st, 3);
        o->deleted_at = sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
}

static inline void wl_preload_raw(wl_t *w)
{
    wl_user_t *users;
    int n = wl_raw_users(w->find, (int64_t)(wl_rand(w) % (WL_ROWS - WL_FAMILY)), WL_FAMILY, &users);
    wl_raw_children(w->kids, users, n);
    if (n != WL_FAMILY || users[WL_FAMILY - 1].orders.len != WL_ORDERS)
        wl_die("preload", n);
    for (int k = 0; k < n; k++)
        free(users[k].orders.items);
    free(users);
}

#endif
