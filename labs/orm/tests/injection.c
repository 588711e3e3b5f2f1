/*
 * injection.c — SQL injection attempts, through values and through names.
 *
 * A value is data whatever characters it holds: bound, it can only be
 * compared, never run. A name (a field to filter, order or update by, a
 * relation to preload) is checked against the model and refused if it is
 * not one of its own, before any statement runs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "orm_test.h"

static const char *const payloads[] = {
    "x'); DROP TABLE users; --",
    "' OR '1'='1",
    "\" OR \"\"=\"",
    "Robert'); DELETE FROM users WHERE ('1'='1",
    "1; UPDATE users SET age = 0",
    "%' OR 1=1 --",
    "?",
    "'?' , ?)",
    "\\'; SELECT * FROM orders; --",
};
enum { NPAYLOADS = sizeof payloads / sizeof payloads[0] };

static void test_injection_in_values_is_stored_verbatim_and_matches_only_itself(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 2 + (int)ug_rand_below(10);
    seed_users(f, rows, n);
    int64_t ages = 0;
    for (int i = 0; i < n; i++)
        ages += rows[i].age;

    enum { K = 3 };
    user_t evil[K];
    for (int k = 0; k < K; k++) {
        evil[k] = (user_t){.age = 1 + k};
        snprintf(evil[k].name, sizeof evil[k].name, "%s%d", payloads[ug_rand_below(NPAYLOADS)], k);
        assert_int_equal(0, orm_create(f->db, &user_model, &evil[k]));
        ages += evil[k].age;
    }
    for (int k = 0; k < K; k++) {
        orm_slice_t s = {0};
        int found = orm_find(orm_where_eq(orm_q(f->db, &user_model), "Name", ORM_S(evil[k].name)),
                             &s);
        char name[48] = "";
        if (s.len)
            snprintf(name, sizeof name, "%s", ((user_t *)s.items)[0].name);
        orm_slice_free(&user_model, &s);
        assert_int_equal(1, found);
        assert_string_equal(evil[k].name, name);

        orm_value_t v = ORM_S(evil[k].name);
        user_t u = {0};
        assert_int_equal(0, orm_first(orm_where(orm_q(f->db, &user_model), "name = ?", 1, &v), &u));
        assert_int_equal(evil[k].id, u.id);
    }
    /* The classic string-concatenation attack finds nothing. */
    orm_value_t always = ORM_S("' OR '1'='1");
    orm_slice_t s = {0};
    assert_int_equal(0, orm_find(orm_where(orm_q(f->db, &user_model), "name = ?", 1, &always), &s));
    orm_slice_free(&user_model, &s);

    assert_int_equal(n + K, raw_int(f->raw, "SELECT count(*) FROM users"));
    assert_int_equal(ages, raw_int(f->raw, "SELECT sum(age) FROM users"));
    assert_int_equal(2,
                     raw_int(f->raw, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                     "name IN ('users', 'orders')"));
}

static void test_injection_in_names_is_refused_before_any_statement(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 1 + (int)ug_rand_below(10);
    seed_users(f, rows, n);
    static const char *const names[] = {
        "name\" = \"name\" OR \"1\"=\"1",
        "age; DROP TABLE users",
        "Name ",
        "1=1 --",
        "",
        "\"name\"",
        "users.name",
        "Orders", /* a relation, not a field */
    };
    enum { NNAMES = sizeof names / sizeof names[0] };
    int refused = 0, attempts = 0;
    int64_t ages_before = raw_int(f->raw, "SELECT sum(age) FROM users");
    trace_reset(f);
    for (int i = 0; i < NNAMES; i++) {
        orm_slice_t s = {0};
        user_t v = {.age = 1 + (int64_t)ug_rand_below(50)};
        const char *sel[] = {names[i]};
        refused += orm_find(orm_where_eq(orm_q(f->db, &user_model), names[i], ORM_I(1)), &s) ==
                   -ORM_EFIELD;
        refused += orm_find(orm_order(orm_q(f->db, &user_model), names[i], false), &s) ==
                   -ORM_EFIELD;
        refused += orm_updates(orm_select(orm_id(orm_q(f->db, &user_model), 1), 1, sel), &v) ==
                   -ORM_EFIELD;
        attempts += 3;
    }
    /* Relations are names too: only the model's own may be preloaded. */
    static const char *const relations[] = {"orders", "Orders; DROP TABLE orders", "Name", ""};
    for (int i = 0; i < 4; i++) {
        orm_slice_t s = {0};
        refused += orm_find(orm_preload(orm_q(f->db, &user_model), relations[i]), &s) ==
                   -ORM_EFIELD;
        attempts++;
    }
    assert_int_equal(attempts, refused);
    assert_int_equal(0, f->stmts);
    assert_int_equal(n, raw_int(f->raw, "SELECT count(*) FROM users"));
    assert_int_equal(ages_before, raw_int(f->raw, "SELECT sum(age) FROM users"));

    /* The field's own name and its column both work. */
    orm_slice_t s = {0};
    int64_t age = rows[ug_rand_below((uint64_t)n)].age;
    int want = 0;
    for (int i = 0; i < n; i++)
        want += rows[i].age == age;
    assert_int_equal(want,
                     orm_find(orm_where_eq(orm_q(f->db, &user_model), "Age", ORM_I(age)), &s));
    orm_slice_free(&user_model, &s);
    assert_int_equal(want,
                     orm_find(orm_where_eq(orm_q(f->db, &user_model), "age", ORM_I(age)), &s));
    orm_slice_free(&user_model, &s);
}

UG_TEST_GROUP(orm_injection, NULL, NULL,
              T_MEM(test_injection_in_values_is_stored_verbatim_and_matches_only_itself),
              T_MEM(test_injection_in_names_is_refused_before_any_statement));
