/*
 * cache.c — the prepared-statement cache: one compile per SQL shape, an
 * LRU bound, and SQLite's own list of live statements (sqlite3_next_stmt)
 * to prove the evicted ones are finalized.
 */
#include <errno.h>
#include <string.h>

#include "orm_test.h"

/* Statements alive on the connection, by SQLite's own count. */
static int live_statements(sqlite3 *conn)
{
    int n = 0;
    for (sqlite3_stmt *st = sqlite3_next_stmt(conn, NULL); st; st = sqlite3_next_stmt(conn, st))
        n++;
    return n;
}

static void test_a_repeated_query_is_compiled_once(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 5 + (int)ug_rand_below(20);
    seed_users(f, rows, n);
    user_t u = {0};
    orm_first(orm_where_eq(orm_q(f->db, &user_model), "Age", ORM_I(rows[0].age)), &u); /* warm */
    orm_stats_t s0, s1;
    assert_int_equal(0, orm_stats(f->db, &s0));
    int live = live_statements(f->raw);
    trace_reset(f);

    int k = 5 + (int)ug_rand_below(30), found = 0;
    for (int i = 0; i < k; i++) {
        int j = (int)ug_rand_below((uint64_t)n);
        found += orm_first(orm_where_eq(orm_q(f->db, &user_model), "Age", ORM_I(rows[j].age)),
                           &u) == 0 &&
                 u.age == rows[j].age;
    }
    assert_int_equal(0, orm_stats(f->db, &s1));
    assert_int_equal(k, found);
    assert_int_equal(0, s1.prepares - s0.prepares);
    assert_int_equal(k, s1.hits - s0.hits);
    assert_int_equal(k, f->selects);
    /* No statement was compiled or left behind, and every live one is the cache's. */
    assert_int_equal(0, live_statements(f->raw) - live);
    assert_int_equal(0, (int64_t)s1.cached - live);
}

/* The query of shape i: a condition on a different field each. */
static int run_shape(fix_t *f, int i)
{
    static const char *const fields[] = {"Name", "Age", "Score", "Active", "ID", "DeletedAt"};
    orm_slice_t s = {0};
    orm_value_t v = i == 0 ? ORM_S("nobody") : i == 3 ? ORM_B(true) : ORM_I(1);
    int rc = orm_find(orm_where_eq(orm_q(f->db, &user_model), fields[i], v), &s);
    orm_slice_free(&user_model, &s);
    return rc;
}

static void test_the_cache_evicts_the_least_recently_used_statement(void **state)
{
    fix_t *f = fix(state);
    user_t rows[8];
    seed_users(f, rows, 3);
    /* At least three: the two most recent statements may be found without
     * the hash table; the third must come from it. */
    size_t cap = 3 + ug_rand_below(3);
    assert_int_equal(-EINVAL, orm_set_cache_size(f->db, 0));
    assert_int_equal(0, orm_set_cache_size(f->db, cap));

    /* A seeded sequence of shapes, and an LRU oracle over it. */
    int lru[8], nlru = 0, steps = 14;
    char want[32] = "", got[32] = "";
    int failed = 0;
    int first = (int)ug_rand_below(6);
    for (int s = 0; s < steps; s++) {
        /* First cap distinct shapes (the cache fills with ours), then the
         * oldest again, a new one, and the oldest once more: LRU keeps it,
         * FIFO would have dropped it. Then a seeded mix. */
        int shape = s < (int)cap        ? (first + s) % 6
                    : s == (int)cap     ? first
                    : s == (int)cap + 1 ? (first + (int)cap) % 6
                    : s == (int)cap + 2 ? first
                                        : (int)ug_rand_below(6);
        int at = -1;
        for (int i = 0; i < nlru; i++)
            if (lru[i] == shape)
                at = i;
        strcat(want, at >= 0 ? "h" : "m");
        if (at < 0)
            at = nlru < (int)cap ? nlru++ : nlru - 1; /* a new one, or the oldest out */
        memmove(lru + 1, lru, (size_t)at * sizeof lru[0]);
        lru[0] = shape;

        orm_stats_t a, b;
        orm_stats(f->db, &a);
        failed += run_shape(f, shape) < 0;
        orm_stats(f->db, &b);
        strcat(got, b.hits > a.hits ? "h" : b.prepares > a.prepares ? "m" : "?");
    }
    assert_int_equal(0, failed);
    assert_string_equal(want, got);
    orm_stats_t st;
    assert_int_equal(0, orm_stats(f->db, &st));
    assert_int_equal(cap, st.cached);
    assert_int_equal((int)cap, live_statements(f->raw));
}

UG_TEST_GROUP(orm_cache, NULL, NULL, T_MEM(test_a_repeated_query_is_compiled_once),
              T_MEM(test_the_cache_evicts_the_least_recently_used_statement));
