/*
 * workload.c — seeded workloads against oracles: a long mix of writes and
 * reads, preloading across hundreds of parents, and random trees of nested
 * transactions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../orm_test.h"

/* ---- a mixed workload ------------------------------------------------------------- */

typedef struct shadow {
    user_t row;
    bool exists;
} shadow_t;

enum { MAX_ROWS = 400 };

static void random_user(user_t *u)
{
    *u = (user_t){0};
    if (ug_rand_below(4))
        rand_word(u->name);
    if (ug_rand_below(4))
        u->age = (int64_t)ug_rand_below(90);
    if (ug_rand_below(4))
        u->score = (double)ug_rand_below(4000) / 8;
    u->active = ug_rand_below(2);
}

/* Applies Updates' rule to the oracle's row; returns whether it changes. */
static int shadow_update(shadow_t *s, const user_t *v, const bool *sel, bool has_select)
{
    if (!s->exists || s->row.deleted_at)
        return 0;
    bool any = false;
#define FIELD(i, nonzero, assign)                                                                  \
    if (has_select ? sel[i] : (nonzero)) {                                                         \
        assign;                                                                                    \
        any = true;                                                                                \
    }
    FIELD(1, v->name[0] != '\0', strcpy(s->row.name, v->name));
    FIELD(2, v->age != 0, s->row.age = v->age);
    FIELD(3, v->score != 0, s->row.score = v->score);
    FIELD(4, v->active, s->row.active = v->active);
#undef FIELD
    return any;
}

static void test_a_seeded_workload_agrees_with_an_oracle(void **state)
{
    fix_t *f = fix(state);
    static shadow_t sh[MAX_ROWS + 1]; /* by id */
    memset(sh, 0, sizeof sh);
    int64_t next_id = 1;
    int mismatches = 0, steps = 300 + (int)ug_rand_below(200);
    static const char *const names[] = {"Name", "Age", "Score", "Active"};
    for (int step = 0; step < steps; step++) {
        int op = (int)ug_rand_below(10);
        int64_t id = 1 + (int64_t)ug_rand_below((uint64_t)next_id);
        if (op < 3 && next_id <= MAX_ROWS) {
            /* SQLite's rowid rule: the largest id in the table, plus one. */
            int64_t want_id = next_id;
            while (want_id > 1 && !sh[want_id - 1].exists)
                want_id--;
            user_t u;
            random_user(&u);
            mismatches += orm_create(f->db, &user_model, &u) != 0 || u.id != want_id;
            sh[want_id].row = u;
            sh[want_id].exists = true;
            next_id = want_id + 1;
        } else if (op < 6 && id < next_id) {
            user_t v;
            random_user(&v);
            v.id = id;
            bool sel[6] = {0}, has_select = ug_rand_below(2);
            const char *chosen[4];
            size_t n = 0;
            for (int i = 0; has_select && i < 4; i++)
                if (ug_rand_below(2)) {
                    sel[i + 1] = true;
                    chosen[n++] = names[i];
                }
            if (has_select && !n) {
                sel[2] = true;
                chosen[n++] = "Age";
            }
            orm_query_t *q = orm_q(f->db, &user_model);
            if (has_select)
                q = orm_select(q, n, chosen);
            int want = shadow_update(&sh[id], &v, sel, has_select);
            mismatches += orm_updates(q, &v) != want;
        } else if (op < 8 && id < next_id) {
            bool hard = ug_rand_below(3) == 0;
            int want = hard ? sh[id].exists : sh[id].exists && !sh[id].row.deleted_at;
            orm_query_t *q = orm_id(orm_q(f->db, &user_model), id);
            mismatches += orm_delete(hard ? orm_unscoped(q) : q, NULL) != want;
            if (hard)
                sh[id].exists = false;
            else if (want)
                sh[id].row.deleted_at = f->now;
        } else {
            int64_t lo = (int64_t)ug_rand_below(60), hi = lo + (int64_t)ug_rand_below(40);
            int want = 0;
            int64_t want_sum = 0, got_sum = 0;
            for (int64_t i = 1; i < next_id; i++)
                if (sh[i].exists && !sh[i].row.deleted_at && sh[i].row.age >= lo &&
                    sh[i].row.age <= hi) {
                    want++;
                    want_sum += i;
                }
            orm_value_t range[2] = {ORM_I(lo), ORM_I(hi)};
            orm_slice_t s = {0};
            int got = orm_find(orm_where(orm_q(f->db, &user_model), "age BETWEEN ? AND ?", 2,
                                         range),
                               &s);
            for (size_t i = 0; i < s.len; i++)
                got_sum += ((user_t *)s.items)[i].id;
            orm_slice_free(&user_model, &s);
            mismatches += got != want || got_sum != want_sum;
        }
        f->now += 1 + (int64_t)ug_rand_below(1000);
    }
    assert_int_equal(0, mismatches);

    /* The whole table, soft-deleted rows included, against the oracle. */
    static char want[65536], got[65536];
    size_t wl = 0, gl = 0;
    want[0] = got[0] = '\0';
    for (int64_t i = 1; i < next_id; i++)
        if (sh[i].exists)
            wl += (size_t)snprintf(want + wl, sizeof want - wl, "%lld:%s:%lld:%g:%d:%lld;",
                                   (long long)i, sh[i].row.name, (long long)sh[i].row.age,
                                   sh[i].row.score, sh[i].row.active,
                                   (long long)sh[i].row.deleted_at);
    orm_slice_t s = {0};
    orm_find(orm_order(orm_unscoped(orm_q(f->db, &user_model)), "ID", false), &s);
    for (size_t i = 0; i < s.len; i++) {
        user_t *u = (user_t *)s.items + i;
        gl += (size_t)snprintf(got + gl, sizeof got - gl, "%lld:%s:%lld:%g:%d:%lld;",
                               (long long)u->id, u->name, (long long)u->age, u->score, u->active,
                               (long long)u->deleted_at);
    }
    orm_slice_free(&user_model, &s);
    assert_string_equal(want, got);
}

/* ---- preloading many parents ----------------------------------------------------------- */

static void test_preload_across_hundreds_of_parents_matches_a_join(void **state)
{
    fix_t *f = fix(state);
    int n = 600 + (int)ug_rand_below(500);
    assert_int_equal(SQLITE_OK, raw_exec(f->raw, "BEGIN"));
    int failed = 0;
    for (int i = 0; i < n; i++) {
        user_t u = {.age = (int64_t)ug_rand_below(90)};
        snprintf(u.name, sizeof u.name, "p%d", i);
        failed += orm_create(f->db, &user_model, &u) != 0;
        for (int k = (int)ug_rand_below(4); k > 0; k--) {
            order_t o = {.user_id = u.id, .amount = (double)ug_rand_below(100)};
            snprintf(o.item, sizeof o.item, "o%d.%d", i, k);
            failed += orm_create(f->db, &order_model, &o) != 0;
        }
    }
    assert_int_equal(SQLITE_OK, raw_exec(f->raw, "COMMIT"));
    assert_int_equal(0, failed);
    int64_t age = 20 + (int64_t)ug_rand_below(50);

    /* The oracle: a LEFT JOIN, in SQL, by hand. */
    static char want[1 << 18], got[1 << 18];
    char sql[512];
    snprintf(
        sql, sizeof sql,
        "SELECT group_concat(x, '') FROM (SELECT u.id || ':' || coalesce((SELECT "
        "group_concat(item, ',') "
        "FROM (SELECT item FROM orders o WHERE o.user_id = u.id ORDER BY o.id)), '') || ';' AS x "
        "FROM users u WHERE u.age >= %lld ORDER BY u.id)",
        (long long)age);
    raw_text(f->raw, sql, want, sizeof want);

    orm_value_t a = ORM_I(age);
    orm_slice_t s = {0};
    int found = orm_find(
        orm_preload(orm_order(orm_where(orm_q(f->db, &user_model), "age >= ?", 1, &a), "ID", false),
                    "Orders"),
        &s);
    size_t len = 0;
    got[0] = '\0';
    for (size_t i = 0; i < s.len; i++) {
        user_t *u = (user_t *)s.items + i;
        len += (size_t)snprintf(got + len, sizeof got - len, "%lld:", (long long)u->id);
        for (size_t k = 0; k < u->orders.len; k++)
            len += (size_t)snprintf(got + len, sizeof got - len, "%s%s", k ? "," : "",
                                    ((order_t *)u->orders.items)[k].item);
        len += (size_t)snprintf(got + len, sizeof got - len, ";");
    }
    orm_slice_free(&user_model, &s);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM users WHERE age >= %lld", (long long)age);
    int64_t parents = raw_int(f->raw, sql);
    assert_int_equal(parents, found);
    assert_string_equal(want, got);
}

/* ---- random transaction trees ------------------------------------------------------------ */

typedef struct node {
    char name[16];
    int fail;
    int nkids;
    struct node *kids[3];
} node_t;

static node_t nodes[64];
static int nnodes;

static node_t *grow(int depth)
{
    node_t *n = &nodes[nnodes];
    snprintf(n->name, sizeof n->name, "n%d", nnodes++);
    n->fail = ug_rand_below(3) == 0 ? -(int)(1 + ug_rand_below(50)) : 0;
    n->nkids = 0;
    int kids = depth < 4 ? (int)ug_rand_below(4) : 0;
    for (int i = 0; i < kids && nnodes < 60; i++)
        n->kids[n->nkids++] = grow(depth + 1);
    return n;
}

static int run_node(orm_db_t *tx, void *arg)
{
    node_t *n = arg;
    user_t u = {.age = 1};
    snprintf(u.name, sizeof u.name, "%s", n->name);
    if (orm_create(tx, &user_model, &u))
        return -1000;
    for (int i = 0; i < n->nkids; i++)
        orm_transaction(tx, run_node, n->kids[i]);
    return n->fail;
}

/* The names that survive, in creation order (preorder), appended at
 * out[*len]; what does not fit is cut (and then cannot match). */
static void survivors(const node_t *n, char *out, size_t size, size_t *len)
{
    if (n->fail)
        return;
    int w = snprintf(out + *len, size - *len, "%s,", n->name);
    if (w > 0)
        *len = *len + (size_t)w < size ? *len + (size_t)w : size - 1;
    for (int i = 0; i < n->nkids; i++)
        survivors(n->kids[i], out, size, len);
}

static void test_random_nested_transactions_agree_with_an_oracle(void **state)
{
    fix_t *f = fix(state);
    char want[2048] = "", got[2048] = "";
    int rounds = 5, rcs = 0, want_rcs = 0;
    size_t want_len = 0;
    for (int r = 0; r < rounds; r++) {
        nnodes = 0;
        node_t *root = grow(0);
        rcs += orm_transaction(f->db, run_node, root);
        want_rcs += root->fail;
        survivors(root, want, sizeof want, &want_len);
    }
    raw_text(f->raw,
             "SELECT group_concat(name || ',', '') FROM (SELECT name FROM users ORDER BY id)", got,
             sizeof got);
    assert_int_equal(want_rcs, rcs);
    assert_string_equal(want, got);
    assert_int_equal(1, sqlite3_get_autocommit(f->raw));
}

UG_TEST_GROUP(orm_hidden, NULL, NULL, T_MEM(test_a_seeded_workload_agrees_with_an_oracle),
              T_MEM(test_preload_across_hundreds_of_parents_matches_a_join),
              T_MEM(test_random_nested_transactions_agree_with_an_oracle));
