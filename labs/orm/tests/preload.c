/*
 * preload.c — has-many preloading: one IN query for the children of all
 * the rows found, counted by SQLite's trace, not by the ORM.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "orm_test.h"

typedef struct family {
    int n; /* users */
    user_t users[64];
    int nkids[64];       /* live orders per user */
    order_t kids[64][5]; /* live orders per user, in id order */
    int dead;            /* soft-deleted orders */
} family_t;

/* n users, each with 0..4 orders; about one order in five soft-deleted. */
static void make_family(fix_t *f, family_t *fam, int n)
{
    fam->n = n;
    seed_users(f, fam->users, n);
    int failed = 0;
    /* Orders created in a shuffled order of users, so ids do not follow users. */
    for (int round = 0; round < 4; round++)
        for (int i = 0; i < n; i++) {
            if (ug_rand_below(2))
                continue;
            order_t o = {.user_id = fam->users[i].id, .amount = (double)ug_rand_below(1000) / 4};
            rand_word(o.item);
            failed += orm_create(f->db, &order_model, &o) != 0;
            if (ug_rand_below(5) == 0) {
                failed += orm_delete(orm_q(f->db, &order_model), &o) != 1;
                fam->dead++;
            } else {
                fam->kids[i][fam->nkids[i]++] = o;
            }
        }
    assert_int_equal(0, failed);
}

/* "id:item/amount,item/amount;" for each user in order. */
static void describe(const user_t *u, size_t n, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && len < size; i++) {
        len += (size_t)snprintf(out + len, size - len, "%lld:", (long long)u[i].id);
        const order_t *o = u[i].orders.items;
        for (size_t k = 0; k < u[i].orders.len && len < size; k++)
            len += (size_t)snprintf(out + len, size - len, "%s/%g,", o[k].item, o[k].amount);
        if (len < size)
            len += (size_t)snprintf(out + len, size - len, ";");
    }
}

static void oracle(const family_t *fam, char *out, size_t size)
{
    user_t u[64];
    for (int i = 0; i < fam->n; i++) {
        u[i] = fam->users[i];
        u[i].orders = (orm_slice_t){(void *)fam->kids[i], (size_t)fam->nkids[i], 5};
    }
    describe(u, (size_t)fam->n, out, size);
}

static char got_s[16384], want_s[16384];

static void test_preload_loads_the_children_of_all_rows_with_one_query(void **state)
{
    fix_t *f = fix(state);
    static family_t fam;
    memset(&fam, 0, sizeof fam);
    make_family(f, &fam, 1 + (int)ug_rand_below(40));

    trace_reset(f);
    orm_slice_t s = {0};
    int n = orm_find(orm_preload(orm_order(orm_q(f->db, &user_model), "ID", false), "Orders"), &s);
    unsigned stmts = f->stmts, selects = f->selects;
    describe(s.items, s.len, got_s, sizeof got_s);
    orm_slice_free(&user_model, &s);
    oracle(&fam, want_s, sizeof want_s);
    assert_int_equal(fam.n, n);
    assert_int_equal(2, selects);
    assert_int_equal(2, stmts);
    assert_string_equal(want_s, got_s);

    /* First preloads its one row's children the same way. */
    int j = (int)ug_rand_below((uint64_t)fam.n);
    user_t u = {0};
    trace_reset(f);
    assert_int_equal(0, orm_first(orm_preload(orm_id(orm_q(f->db, &user_model), fam.users[j].id),
                                              "Orders"),
                                  &u));
    assert_int_equal(2, f->selects);
    assert_int_equal(fam.nkids[j], u.orders.len);
    describe(&u, 1, got_s, sizeof got_s);
    orm_free(&user_model, &u);
    family_t one = {.n = 1, .users = {fam.users[j]}, .nkids = {fam.nkids[j]}};
    memcpy(one.kids[0], fam.kids[j], sizeof one.kids[0]);
    oracle(&one, want_s, sizeof want_s);
    assert_string_equal(want_s, got_s);

    /* Without Preload the children are not loaded at all. */
    trace_reset(f);
    assert_int_equal(fam.n, orm_find(orm_q(f->db, &user_model), &s));
    size_t loaded = 0;
    for (size_t i = 0; i < s.len; i++)
        loaded += ((user_t *)s.items)[i].orders.len;
    orm_slice_free(&user_model, &s);
    assert_int_equal(0, loaded);
    assert_int_equal(1, f->selects);
}

static void test_preload_skips_soft_deleted_children_unless_unscoped(void **state)
{
    fix_t *f = fix(state);
    static family_t fam;
    memset(&fam, 0, sizeof fam);
    make_family(f, &fam, 5 + (int)ug_rand_below(30));
    int live = 0;
    for (int i = 0; i < fam.n; i++)
        live += fam.nkids[i];

    orm_slice_t s = {0};
    size_t loaded = 0;
    assert_int_equal(fam.n, orm_find(orm_preload(orm_q(f->db, &user_model), "Orders"), &s));
    for (size_t i = 0; i < s.len; i++)
        loaded += ((user_t *)s.items)[i].orders.len;
    orm_slice_free(&user_model, &s);
    assert_int_equal(live, loaded);

    loaded = 0;
    assert_int_equal(fam.n,
                     orm_find(orm_preload(orm_unscoped(orm_q(f->db, &user_model)), "Orders"), &s));
    for (size_t i = 0; i < s.len; i++)
        loaded += ((user_t *)s.items)[i].orders.len;
    orm_slice_free(&user_model, &s);
    assert_int_equal(live + fam.dead, loaded);

    /* No parent found: no query for children. */
    trace_reset(f);
    orm_value_t none = ORM_I(-1);
    assert_int_equal(0,
                     orm_find(orm_preload(orm_where(orm_q(f->db, &user_model), "age = ?", 1, &none),
                                          "Orders"),
                              &s));
    assert_int_equal(1, f->selects);
}

UG_TEST_GROUP(orm_preload, NULL, NULL,
              T_MEM(test_preload_loads_the_children_of_all_rows_with_one_query),
              T_MEM(test_preload_skips_soft_deleted_children_unless_unscoped));
