/*
 * crud.c — Create, First, Last, Find and the query builders, against an
 * oracle: the rows the test created, kept in an array.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orm_test.h"

static void test_create_assigns_ids_and_first_reads_every_type_back(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 5 + (int)ug_rand_below(20);
    seed_users(f, rows, n);
    int64_t ids = 0;
    for (int i = 0; i < n; i++)
        ids += rows[i].id;
    assert_int_equal((int64_t)n * (n + 1) / 2, ids); /* 1..n: the database numbered them */

    int j = (int)ug_rand_below((uint64_t)n);
    user_t got;
    memset(&got, 0xa5, sizeof got);
    got.orders = (orm_slice_t){0};
    assert_int_equal(0, orm_first(orm_id(orm_q(f->db, &user_model), rows[j].id), &got));
    assert_int_equal(rows[j].id, got.id);
    assert_string_equal(rows[j].name, got.name);
    assert_int_equal(rows[j].age, got.age);
    assert_float_equal(rows[j].score, got.score, 0.0);
    assert_int_equal(rows[j].active, got.active);
    assert_int_equal(0, got.deleted_at);

    /* A primary key given is kept; zero values are stored, not skipped. */
    user_t z = {.id = 1000 + (int64_t)ug_rand_below(1000)};
    assert_int_equal(0, orm_create(f->db, &user_model, &z));
    char sql[128];
    snprintf(
        sql, sizeof sql,
        "SELECT (age = 0) + (active = 0) + (score = 0.0) + (name = '') FROM users WHERE id = %lld",
        (long long)z.id);
    assert_int_equal(4, raw_int(f->raw, sql));
    assert_int_equal(n + 1, raw_int(f->raw, "SELECT count(*) FROM users"));
    assert_int_equal(z.id, raw_int(f->raw, "SELECT max(id) FROM users"));
}

static void test_first_and_last_follow_the_primary_key(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 4 + (int)ug_rand_below(30);
    seed_users(f, rows, n);
    int64_t age = 30 + (int64_t)ug_rand_below(20);
    int64_t lo = 0, hi = 0;
    for (int i = 0; i < n; i++)
        if (rows[i].age >= age) {
            lo = lo ? lo : rows[i].id;
            hi = rows[i].id;
        }
    user_t a = {0}, b = {0};
    assert_int_equal(0, orm_first(orm_q(f->db, &user_model), &a));
    assert_int_equal(1, a.id);
    assert_int_equal(0, orm_last(orm_q(f->db, &user_model), &b));
    assert_int_equal(n, b.id);

    orm_value_t arg = ORM_I(age);
    int rc1 = orm_first(orm_where(orm_q(f->db, &user_model), "age >= ?", 1, &arg), &a);
    int rc2 = orm_last(orm_where(orm_q(f->db, &user_model), "age >= ?", 1, &arg), &b);
    assert_int_equal(lo ? 0 : -ORM_ENOTFOUND, rc1);
    assert_int_equal(lo ? 0 : -ORM_ENOTFOUND, rc2);
    if (lo) {
        assert_int_equal(lo, a.id);
        assert_int_equal(hi, b.id);
    }
}

static void test_first_on_no_row_is_not_found_but_find_is_empty(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 1 + (int)ug_rand_below(20);
    seed_users(f, rows, n);

    user_t sentinel = {.age = 7 + (int64_t)ug_rand_below(100)};
    rand_word(sentinel.name);
    user_t out = sentinel;
    orm_value_t big = ORM_I(1000);
    assert_int_equal(-ORM_ENOTFOUND,
                     orm_first(orm_where(orm_q(f->db, &user_model), "age > ?", 1, &big), &out));
    assert_int_equal(-ORM_ENOTFOUND, orm_last(orm_id(orm_q(f->db, &user_model), n + 1), &out));
    assert_string_equal(sentinel.name, out.name);
    assert_int_equal(sentinel.age, out.age);
    assert_int_equal(0, out.id);

    orm_slice_t s = {0};
    assert_int_equal(0, orm_find(orm_where(orm_q(f->db, &user_model), "age > ?", 1, &big), &s));
    assert_int_equal(0, s.len);
    orm_slice_free(&user_model, &s);
    assert_int_equal(n, orm_find(orm_q(f->db, &user_model), &s));
    assert_int_equal(n, s.len);
    orm_slice_free(&user_model, &s);
}

/* Users with ages and flags the test controls, so that each way of
 * getting the WHERE clause wrong returns a different set. */
static void test_conditions_are_anded_and_each_stays_in_parentheses(void **state)
{
    fix_t *f = fix(state);
    int n = 12 + (int)ug_rand_below(20);
    user_t rows[64];
    int64_t lo = 20 + (int64_t)ug_rand_below(10), hi = 60 + (int64_t)ug_rand_below(10);
    for (int i = 0; i < n; i++) {
        user_t u = {.age = i % 3 == 0   ? lo - 1 - i % 5
                           : i % 3 == 1 ? hi + 1 + i % 4
                                        : lo + 5,
                    .active = i % 4 != 1};
        rand_word(u.name);
        assert_int_equal(0, orm_create(f->db, &user_model, &u));
        rows[i] = u;
    }
    bool deleted[64] = {0};
    int ndel = 0;
    for (int i = 0; i < n; i += 5) {
        assert_int_equal(1, orm_delete(orm_id(orm_q(f->db, &user_model), rows[i].id), NULL));
        deleted[i] = true;
        ndel++;
    }
    int want = 0;
    int64_t want_ids = 0;
    for (int i = 0; i < n; i++)
        if (!deleted[i] && rows[i].active && (rows[i].age < lo || rows[i].age > hi)) {
            want++;
            want_ids += rows[i].id;
        }
    orm_value_t range[2] = {ORM_I(lo), ORM_I(hi)};
    orm_slice_t s = {0};
    int got = orm_find(orm_where_eq(orm_where(orm_q(f->db, &user_model), "age < ? OR age > ?", 2,
                                              range),
                                    "Active", ORM_B(true)),
                       &s);
    int64_t got_ids = 0;
    for (size_t i = 0; i < s.len; i++)
        got_ids += ((user_t *)s.items)[i].id;
    orm_slice_free(&user_model, &s);
    assert_int_equal(want, got);
    assert_int_equal(want_ids, got_ids);
    assert_int_equal(n - ndel, orm_find(orm_q(f->db, &user_model), &s));
    orm_slice_free(&user_model, &s);
}

static int by_age_desc_then_id(const void *a, const void *b)
{
    const user_t *x = a, *y = b;
    if (x->age != y->age)
        return x->age < y->age ? 1 : -1;
    return (x->id > y->id) - (x->id < y->id);
}

static void test_order_limit_and_offset_page_through_the_rows(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 10 + (int)ug_rand_below(40);
    seed_users(f, rows, n);
    qsort(rows, (size_t)n, sizeof rows[0], by_age_desc_then_id);
    int64_t want[64], got[64];
    for (int i = 0; i < n; i++)
        want[i] = rows[i].id;

    int page = 3 + (int)ug_rand_below(5), at = 0, pages = 0, short_pages = 0;
    for (int off = 0; off < n; off += page) {
        orm_slice_t s = {0};
        orm_query_t *q = orm_order(orm_order(orm_q(f->db, &user_model), "Age", true), "id", false);
        int k = orm_find(orm_offset(orm_limit(q, page), off), &s);
        for (int i = 0; i < k && at < 64; i++)
            got[at++] = ((user_t *)s.items)[i].id;
        short_pages += k != page;
        pages++;
        orm_slice_free(&user_model, &s);
    }
    assert_int_equal(n, at);
    assert_memory_equal(want, got, (size_t)n * sizeof want[0]);
    assert_int_equal(n % page != 0, short_pages);
    assert_int_equal((n + page - 1) / page, pages);

    /* An offset without a limit skips rows and returns the rest. */
    orm_slice_t s = {0};
    int skip = (int)ug_rand_below((uint64_t)n);
    assert_int_equal(n - skip,
                     orm_find(orm_offset(orm_order(orm_q(f->db, &user_model), "ID", false), skip),
                              &s));
    orm_slice_free(&user_model, &s);
}

static void test_placeholders_must_match_the_arguments(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 3 + (int)ug_rand_below(20);
    seed_users(f, rows, n);
    int64_t age = 30 + (int64_t)ug_rand_below(30);
    int want = 0;
    for (int i = 0; i < n; i++)
        want += rows[i].age > age;

    orm_value_t one = ORM_I(age), two[2] = {ORM_I(age), ORM_I(age)};
    orm_slice_t s = {0};
    trace_reset(f);
    assert_int_equal(-EINVAL,
                     orm_find(orm_where(orm_q(f->db, &user_model), "age > ? AND age < ?", 1, &one),
                              &s));
    assert_int_equal(-EINVAL,
                     orm_find(orm_where(orm_q(f->db, &user_model), "age > ?", 2, two), &s));
    assert_int_equal(-EINVAL,
                     orm_find(orm_where(orm_q(f->db, &user_model), "age > 1", 1, &one), &s));
    assert_int_equal(0, f->stmts);
    /* A '?' inside a quoted string is text, not a placeholder. */
    assert_int_equal(want, orm_find(orm_where(orm_q(f->db, &user_model), "name <> '?' AND age > ?",
                                              1, &one),
                                    &s));
    orm_slice_free(&user_model, &s);
}

static void test_a_text_that_does_not_fit_its_field_is_an_error(void **state)
{
    fix_t *f = fix(state);
    user_t rows[8];
    seed_users(f, rows, 2);
    /* user_t.name holds 47 characters and its NUL. */
    int len = 48 + (int)ug_rand_below(40);
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO users (id, name, age) VALUES (100, printf('%%.%dc', 'x'), 1), "
             "(101, printf('%%.47c', 'y'), 2)",
             len);
    assert_int_equal(SQLITE_OK, raw_exec(f->raw, sql));
    assert_int_equal(len, raw_int(f->raw, "SELECT length(name) FROM users WHERE id = 100"));

    user_t u = {0};
    assert_int_equal(-EOVERFLOW, orm_first(orm_id(orm_q(f->db, &user_model), 100), &u));
    assert_int_equal(0, orm_first(orm_id(orm_q(f->db, &user_model), 101), &u));
    assert_int_equal(47, (int)strlen(u.name));
    orm_slice_t s = {0};
    assert_int_equal(-EOVERFLOW, orm_find(orm_q(f->db, &user_model), &s));
    assert_int_equal(0, s.len);

    /* A name with no NUL in its 48 bytes is refused, not read past. */
    user_t bad = {.age = (int64_t)ug_rand_below(99)};
    memset(bad.name, 'z', sizeof bad.name);
    assert_int_equal(-EINVAL, orm_create(f->db, &user_model, &bad));
    assert_int_equal(4, raw_int(f->raw, "SELECT count(*) FROM users"));
}

UG_TEST_GROUP(orm_crud, NULL, NULL, T_MEM(test_create_assigns_ids_and_first_reads_every_type_back),
              T_MEM(test_first_and_last_follow_the_primary_key),
              T_MEM(test_first_on_no_row_is_not_found_but_find_is_empty),
              T_MEM(test_conditions_are_anded_and_each_stays_in_parentheses),
              T_MEM(test_order_limit_and_offset_page_through_the_rows),
              T_MEM(test_placeholders_must_match_the_arguments),
              T_MEM(test_a_text_that_does_not_fit_its_field_is_an_error));
