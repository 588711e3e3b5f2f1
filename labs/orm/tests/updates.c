/*
 * updates.c — Updates (zero values skipped, or Select), the refusal of
 * unconditional writes, and soft delete.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "orm_test.h"

/* The row with id as stored, read through raw SQL: "name|age|score|active|deleted". */
static void stored(fix_t *f, int64_t id, char *out, size_t size)
{
    char sql[192];
    snprintf(sql, sizeof sql,
             "SELECT name || '|' || age || '|' || score || '|' || active || '|' || "
             "coalesce(deleted_at, 'null') FROM users WHERE id = %lld",
             (long long)id);
    raw_text(f->raw, sql, out, size);
}

static void expect_row(const user_t *u, int64_t deleted, char *out, size_t size)
{
    char score[64];
    /* SQLite prints a REAL with 15 significant digits, and always a point. */
    snprintf(score, sizeof score, "%.15g", u->score);
    if (!strchr(score, '.') && !strchr(score, 'e'))
        strcat(score, ".0");
    if (deleted)
        snprintf(out, size, "%s|%lld|%s|%d|%lld", u->name, (long long)u->age, score, u->active,
                 (long long)deleted);
    else
        snprintf(out, size, "%s|%lld|%s|%d|null", u->name, (long long)u->age, score, u->active);
}

static void test_updates_write_only_the_fields_that_are_not_zero(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 2 + (int)ug_rand_below(20);
    seed_users(f, rows, n);
    int j = (int)ug_rand_below((uint64_t)n), other = (j + 1) % n;
    char got[128], want[128], other_before[128];
    stored(f, rows[other].id, other_before, sizeof other_before);

    /* Age given; name "", score 0 and active false mean "not given". */
    user_t v = {.id = rows[j].id, .age = 100 + (int64_t)ug_rand_below(100)};
    assert_int_equal(1, orm_updates(orm_q(f->db, &user_model), &v));
    rows[j].age = v.age;
    stored(f, rows[j].id, got, sizeof got);
    expect_row(&rows[j], 0, want, sizeof want);
    assert_string_equal(want, got);

    /* Now a name and a score, the age left at zero. */
    user_t w = {.score = 0.5 + (double)ug_rand_below(100)};
    rand_word(w.name);
    assert_int_equal(1, orm_updates(orm_id(orm_q(f->db, &user_model), rows[j].id), &w));
    strcpy(rows[j].name, w.name);
    rows[j].score = w.score;
    stored(f, rows[j].id, got, sizeof got);
    expect_row(&rows[j], 0, want, sizeof want);
    assert_string_equal(want, got);

    /* All zero: nothing to write, nothing changed. */
    user_t none = {0};
    assert_int_equal(0, orm_updates(orm_id(orm_q(f->db, &user_model), rows[j].id), &none));
    stored(f, rows[j].id, got, sizeof got);
    assert_string_equal(want, got);
    stored(f, rows[other].id, got, sizeof got);
    assert_string_equal(other_before, got);
}

static void test_select_writes_the_chosen_fields_even_when_zero(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 2 + (int)ug_rand_below(20);
    seed_users(f, rows, n);
    int j = (int)ug_rand_below((uint64_t)n);
    char got[128], want[128];

    /* Age and Active selected: written as 0 and false. Name is not selected:
     * left alone although the values hold one. */
    user_t v = {.id = rows[j].id, .age = 0, .active = false};
    rand_word(v.name);
    static const char *const age_active[] = {"Age", "active"};
    assert_int_equal(1, orm_updates(orm_select(orm_q(f->db, &user_model), 2, age_active), &v));
    rows[j].age = 0;
    rows[j].active = false;
    stored(f, rows[j].id, got, sizeof got);
    expect_row(&rows[j], 0, want, sizeof want);
    assert_string_equal(want, got);

    /* "*": every field but the primary key, zero or not. */
    user_t all = {.score = (double)(1 + ug_rand_below(9))};
    static const char *const star[] = {"*"};
    assert_int_equal(1,
                     orm_updates(orm_select(orm_id(orm_q(f->db, &user_model), rows[j].id), 1, star),
                                 &all));
    all.id = rows[j].id;
    stored(f, rows[j].id, got, sizeof got);
    expect_row(&all, 0, want, sizeof want);
    assert_string_equal(want, got);
    assert_int_equal(n, raw_int(f->raw, "SELECT count(*) FROM users"));
}

static void test_updates_and_deletes_without_a_condition_are_refused(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 1 + (int)ug_rand_below(20);
    seed_users(f, rows, n);
    int64_t ages = raw_int(f->raw, "SELECT sum(age) FROM users");
    trace_reset(f);
    user_t v = {.age = 1 + (int64_t)ug_rand_below(9)}, no_pk = {0};
    assert_int_equal(-ORM_EMISSINGWHERE, orm_updates(orm_q(f->db, &user_model), &v));
    assert_int_equal(-ORM_EMISSINGWHERE, orm_delete(orm_q(f->db, &user_model), NULL));
    assert_int_equal(-ORM_EMISSINGWHERE, orm_delete(orm_q(f->db, &user_model), &no_pk));
    assert_int_equal(-ORM_EMISSINGWHERE, orm_delete(orm_unscoped(orm_q(f->db, &user_model)), NULL));
    assert_int_equal(0, f->stmts);
    assert_int_equal(ages, raw_int(f->raw, "SELECT sum(age) FROM users"));
    assert_int_equal(n, raw_int(f->raw, "SELECT count(*) FROM users WHERE deleted_at IS NULL"));

    /* A condition of one's own, even a trivial one, says "all rows, on purpose". */
    assert_int_equal(n, orm_updates(orm_where(orm_q(f->db, &user_model), "1 = 1", 0, NULL), &v));
    assert_int_equal(v.age * n, raw_int(f->raw, "SELECT sum(age) FROM users"));
}

static void test_batch_updates_return_the_rows_changed(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 5 + (int)ug_rand_below(40);
    seed_users(f, rows, n);
    int64_t age = 25 + (int64_t)ug_rand_below(40);
    int del = (int)ug_rand_below((uint64_t)n);
    assert_int_equal(1, orm_delete(orm_id(orm_q(f->db, &user_model), rows[del].id), NULL));
    int want = 0;
    for (int i = 0; i < n; i++)
        want += i != del && rows[i].age > age;
    orm_value_t a = ORM_I(age);
    user_t v = {.score = 4242.0};
    assert_int_equal(want, orm_updates(orm_where(orm_q(f->db, &user_model), "age > ?", 1, &a), &v));
    assert_int_equal(want, raw_int(f->raw, "SELECT count(*) FROM users WHERE score = 4242.0"));
}

/* ---- soft delete ------------------------------------------------------------------ */

static void test_soft_delete_hides_the_row_and_unscoped_finds_it_stamped(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 3 + (int)ug_rand_below(30);
    seed_users(f, rows, n);
    int k = 1 + (int)ug_rand_below((uint64_t)n - 1);
    int deleted = 0;
    for (int i = 0; i < k; i++)
        deleted += orm_delete(orm_q(f->db, &user_model), &rows[i]);
    assert_int_equal(k, deleted);

    orm_slice_t s = {0};
    assert_int_equal(n - k, orm_find(orm_q(f->db, &user_model), &s));
    orm_slice_free(&user_model, &s);
    user_t u = {0};
    assert_int_equal(-ORM_ENOTFOUND, orm_first(orm_id(orm_q(f->db, &user_model), rows[0].id), &u));
    assert_int_equal(0, orm_first(orm_id(orm_unscoped(orm_q(f->db, &user_model)), rows[0].id), &u));
    assert_int_equal(f->now, u.deleted_at);
    assert_string_equal(rows[0].name, u.name);
    assert_int_equal(n, orm_find(orm_unscoped(orm_q(f->db, &user_model)), &s));
    orm_slice_free(&user_model, &s);

    /* The rows are still in the table, stamped. */
    assert_int_equal(n, raw_int(f->raw, "SELECT count(*) FROM users"));
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM users WHERE deleted_at = %lld",
             (long long)f->now);
    assert_int_equal(k, raw_int(f->raw, sql));
}

static void test_deleting_again_keeps_the_first_stamp(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 3 + (int)ug_rand_below(20);
    seed_users(f, rows, n);
    int j = (int)ug_rand_below((uint64_t)n);
    int64_t first = f->now;
    assert_int_equal(1, orm_delete(orm_id(orm_q(f->db, &user_model), rows[j].id), NULL));
    f->now += 1000 + (int64_t)ug_rand_below(1000000);
    assert_int_equal(0, orm_delete(orm_id(orm_q(f->db, &user_model), rows[j].id), NULL));
    /* A batch delete counts only the rows still live. */
    assert_int_equal(n - 1,
                     orm_delete(orm_where(orm_q(f->db, &user_model), "1 = 1", 0, NULL), NULL));
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT deleted_at FROM users WHERE id = %lld",
             (long long)rows[j].id);
    assert_int_equal(first, raw_int(f->raw, sql));
    snprintf(sql, sizeof sql, "SELECT count(*) FROM users WHERE deleted_at = %lld",
             (long long)f->now);
    assert_int_equal(n - 1, raw_int(f->raw, sql));
}

static void test_unscoped_delete_removes_the_row_for_good(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 2 + (int)ug_rand_below(20);
    seed_users(f, rows, n);
    int j = (int)ug_rand_below((uint64_t)n);
    assert_int_equal(1, orm_delete(orm_q(f->db, &user_model), &rows[j]));               /* soft */
    assert_int_equal(1, orm_delete(orm_unscoped(orm_q(f->db, &user_model)), &rows[j])); /* real */
    user_t u = {0};
    assert_int_equal(-ORM_ENOTFOUND,
                     orm_first(orm_id(orm_unscoped(orm_q(f->db, &user_model)), rows[j].id), &u));
    assert_int_equal(n - 1, raw_int(f->raw, "SELECT count(*) FROM users"));
}

static void test_soft_deleted_rows_are_not_updated(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 2 + (int)ug_rand_below(20);
    seed_users(f, rows, n);
    int j = (int)ug_rand_below((uint64_t)n);
    assert_int_equal(1, orm_delete(orm_id(orm_q(f->db, &user_model), rows[j].id), NULL));
    user_t v = {.id = rows[j].id, .age = 500 + (int64_t)ug_rand_below(100)};
    assert_int_equal(0, orm_updates(orm_q(f->db, &user_model), &v));
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT age FROM users WHERE id = %lld", (long long)rows[j].id);
    assert_int_equal(rows[j].age, raw_int(f->raw, sql));
    assert_int_equal(1, orm_updates(orm_unscoped(orm_q(f->db, &user_model)), &v));
    assert_int_equal(v.age, raw_int(f->raw, sql));
}

UG_TEST_GROUP(orm_updates, NULL, NULL, T_MEM(test_updates_write_only_the_fields_that_are_not_zero),
              T_MEM(test_select_writes_the_chosen_fields_even_when_zero),
              T_MEM(test_updates_and_deletes_without_a_condition_are_refused),
              T_MEM(test_batch_updates_return_the_rows_changed),
              T_MEM(test_soft_delete_hides_the_row_and_unscoped_finds_it_stamped),
              T_MEM(test_deleting_again_keeps_the_first_stamp),
              T_MEM(test_unscoped_delete_removes_the_row_for_good),
              T_MEM(test_soft_deleted_rows_are_not_updated));
