/*
 * hooks.c — hooks in GORM's order, and a hook's error undoing the whole
 * operation, what the hooks wrote included.
 *
 * Every hook of the "members" model logs its name and what it sees in the
 * database at that moment (through raw SQL on the same connection, so
 * inside the operation's transaction): before the INSERT the row is not
 * there, after it, it is. A hook can be told to fail, and AfterCreate can
 * write an audit row (an order) of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "orm_test.h"

static const char *const hook_names[ORM_HOOK_COUNT] = {
    "BeforeSave", "BeforeCreate", "AfterCreate", "BeforeUpdate", "AfterUpdate",
    "AfterSave",  "BeforeDelete", "AfterDelete", "AfterFind",
};

static struct {
    char log[4096];
    int fail_hook; /* -1: none */
    int fail_err;
    char fail_name[48]; /* "": any row */
    bool audit;         /* AfterCreate writes an order */
    double set_score;   /* BeforeCreate sets the score when non-zero */
    bool set_active;    /* BeforeUpdate sets active */
} H;

static void hooks_reset(void)
{
    memset(&H, 0, sizeof H);
    H.fail_hook = -1;
}

static int64_t count(orm_db_t *tx, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(orm_sqlite(tx), sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int log_hook(orm_db_t *tx, orm_hook_t h, void *row)
{
    user_t *u = row;
    size_t len = strlen(H.log);
    char *p = H.log + len;
    size_t room = sizeof H.log - len;
    switch (h) {
    case ORM_BEFORE_UPDATE:
    case ORM_AFTER_UPDATE: {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT age FROM members WHERE id = %lld", (long long)u->id);
        snprintf(p, room, "%s(age=%lld,db=%lld) ", hook_names[h], (long long)u->age,
                 (long long)count(tx, sql));
        break;
    }
    case ORM_BEFORE_DELETE:
    case ORM_AFTER_DELETE:
        snprintf(p, room, "%s(live=%lld) ", hook_names[h],
                 (long long)count(tx, "SELECT count(*) FROM members WHERE deleted_at IS NULL"));
        break;
    case ORM_AFTER_FIND: snprintf(p, room, "%s(%lld) ", hook_names[h], (long long)u->id); break;
    default:
        snprintf(p, room, "%s(id=%lld,rows=%lld) ", hook_names[h], (long long)u->id,
                 (long long)count(tx, "SELECT count(*) FROM members"));
    }
    if (h == ORM_BEFORE_CREATE && H.set_score != 0)
        u->score = H.set_score;
    if (h == ORM_BEFORE_UPDATE && H.set_active)
        u->active = true;
    if (h == ORM_AFTER_CREATE && H.audit) {
        order_t o = {.user_id = u->id, .amount = 1};
        snprintf(o.item, sizeof o.item, "audit %lld", (long long)u->id);
        int rc = orm_create(tx, &order_model, &o);
        if (rc)
            return rc;
    }
    if ((int)h == H.fail_hook && (!H.fail_name[0] || !strcmp(H.fail_name, u ? u->name : "")))
        return H.fail_err;
    return 0;
}

static const orm_model_t member_model = {
    .table = "members",
    .size = sizeof(user_t),
    .fields = user_fields,
    .nfields = 6,
    .hooks = {log_hook, log_hook, log_hook, log_hook, log_hook, log_hook, log_hook, log_hook,
              log_hook},
};

/* The fixture plus the members table and k seeded members. */
static fix_t *members(void **state, user_t *rows, int k)
{
    fix_t *f = fix(state);
    hooks_reset();
    assert_int_equal(0, orm_migrate(f->db, &member_model));
    int failed = 0;
    for (int i = 0; i < k; i++) {
        rows[i] = (user_t){.age = 20 + (int64_t)ug_rand_below(50)};
        rand_word(rows[i].name);
        failed += orm_create(f->db, &member_model, &rows[i]) != 0;
    }
    assert_int_equal(0, failed);
    H.log[0] = '\0';
    return f;
}

static void test_create_hooks_run_in_gorm_order_around_the_insert(void **state)
{
    user_t rows[32];
    int k = (int)ug_rand_below(10);
    fix_t *f = members(state, rows, k);
    user_t u = {.age = 33};
    rand_word(u.name);
    assert_int_equal(0, orm_create(f->db, &member_model, &u));
    char want[512];
    snprintf(want, sizeof want,
             "BeforeSave(id=0,rows=%d) BeforeCreate(id=0,rows=%d) AfterCreate(id=%d,rows=%d) "
             "AfterSave(id=%d,rows=%d) ",
             k, k, k + 1, k + 1, k + 1, k + 1);
    assert_string_equal(want, H.log);
    assert_int_equal(1, sqlite3_get_autocommit(f->raw));
}

static void test_update_delete_and_find_hooks_run_in_gorm_order(void **state)
{
    user_t rows[32];
    int k = 2 + (int)ug_rand_below(10);
    fix_t *f = members(state, rows, k);
    int j = (int)ug_rand_below((uint64_t)k);
    user_t v = {.id = rows[j].id, .age = 100 + (int64_t)ug_rand_below(100)};
    assert_int_equal(1, orm_updates(orm_q(f->db, &member_model), &v));
    char want[1024];
    snprintf(
        want, sizeof want,
        "BeforeSave(id=%lld,rows=%d) BeforeUpdate(age=%lld,db=%lld) AfterUpdate(age=%lld,db=%lld) "
        "AfterSave(id=%lld,rows=%d) ",
        (long long)v.id, k, (long long)v.age, (long long)rows[j].age, (long long)v.age,
        (long long)v.age, (long long)v.id, k);
    assert_string_equal(want, H.log);

    H.log[0] = '\0';
    assert_int_equal(1, orm_delete(orm_q(f->db, &member_model), &rows[j]));
    snprintf(want, sizeof want, "BeforeDelete(live=%d) AfterDelete(live=%d) ", k, k - 1);
    assert_string_equal(want, H.log);

    H.log[0] = '\0';
    orm_slice_t s = {0};
    assert_int_equal(k - 1, orm_find(orm_order(orm_q(f->db, &member_model), "ID", false), &s));
    orm_slice_free(&member_model, &s);
    want[0] = '\0';
    for (int i = 0; i < k; i++)
        if (i != j)
            snprintf(want + strlen(want), sizeof want - strlen(want), "AfterFind(%lld) ",
                     (long long)rows[i].id);
    assert_string_equal(want, H.log);
}

static void test_a_before_hook_error_stops_the_write(void **state)
{
    user_t rows[32];
    int k = 1 + (int)ug_rand_below(10);
    fix_t *f = members(state, rows, k);
    H.fail_hook = ORM_BEFORE_CREATE;
    H.fail_err = -EPERM;
    user_t u = {.age = 1 + (int64_t)ug_rand_below(80)};
    rand_word(u.name);
    assert_int_equal(-EPERM, orm_create(f->db, &member_model, &u));
    char want[256];
    snprintf(want, sizeof want, "BeforeSave(id=0,rows=%d) BeforeCreate(id=0,rows=%d) ", k, k);
    assert_string_equal(want, H.log);
    assert_int_equal(0, u.id);
    assert_int_equal(k, raw_int(f->raw, "SELECT count(*) FROM members"));

    int j = (int)ug_rand_below((uint64_t)k);
    H.fail_hook = ORM_BEFORE_UPDATE;
    H.fail_err = -EACCES;
    user_t v = {.id = rows[j].id, .age = 999};
    assert_int_equal(-EACCES, orm_updates(orm_q(f->db, &member_model), &v));
    H.fail_hook = ORM_BEFORE_DELETE;
    assert_int_equal(-EACCES, orm_delete(orm_q(f->db, &member_model), &rows[j]));
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT age FROM members WHERE id = %lld AND deleted_at IS NULL",
             (long long)rows[j].id);
    assert_int_equal(rows[j].age, raw_int(f->raw, sql));
    assert_int_equal(1, sqlite3_get_autocommit(f->raw));
}

static void test_an_after_hook_error_undoes_the_write_and_what_the_hooks_wrote(void **state)
{
    user_t rows[32];
    int k = 1 + (int)ug_rand_below(10);
    fix_t *f = members(state, rows, k);
    H.audit = true;
    H.fail_hook = ORM_AFTER_SAVE;
    H.fail_err = -ECANCELED;
    user_t u = {.age = 40};
    rand_word(u.name);
    assert_int_equal(-ECANCELED, orm_create(f->db, &member_model, &u));
    assert_int_equal(k, raw_int(f->raw, "SELECT count(*) FROM members"));
    assert_int_equal(0, raw_int(f->raw, "SELECT count(*) FROM orders")); /* the audit row too */
    assert_int_equal(1, sqlite3_get_autocommit(f->raw));

    int j = (int)ug_rand_below((uint64_t)k);
    H.fail_hook = ORM_AFTER_UPDATE;
    user_t v = {.id = rows[j].id, .age = 77 + (int64_t)ug_rand_below(20)};
    assert_int_equal(-ECANCELED, orm_updates(orm_q(f->db, &member_model), &v));
    H.fail_hook = ORM_AFTER_DELETE;
    assert_int_equal(-ECANCELED, orm_delete(orm_q(f->db, &member_model), &rows[j]));
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT age FROM members WHERE id = %lld AND deleted_at IS NULL",
             (long long)rows[j].id);
    assert_int_equal(rows[j].age, raw_int(f->raw, sql));

    /* An AfterFind error fails the query; nothing is handed out. */
    H.fail_hook = ORM_AFTER_FIND;
    orm_slice_t s = {0};
    assert_int_equal(-ECANCELED, orm_find(orm_q(f->db, &member_model), &s));
    assert_int_equal(0, s.len);

    /* With nothing failing the same create goes through, audit and all. */
    H.fail_hook = -1;
    assert_int_equal(0, orm_create(f->db, &member_model, &u));
    assert_int_equal(k + 1, raw_int(f->raw, "SELECT count(*) FROM members"));
    assert_int_equal(1, raw_int(f->raw, "SELECT count(*) FROM orders"));
}

typedef struct three {
    user_t a, b, c;
    int rb;
} three_t;

static int create_three(orm_db_t *tx, void *arg)
{
    three_t *t = arg;
    if (orm_create(tx, &member_model, &t->a))
        return -1;
    t->rb = orm_create(tx, &member_model, &t->b); /* its AfterCreate fails */
    return orm_create(tx, &member_model, &t->c);
}

static void test_a_hook_error_inside_a_transaction_undoes_only_that_write(void **state)
{
    user_t rows[32];
    int k = (int)ug_rand_below(5);
    fix_t *f = members(state, rows, k);
    H.audit = true;
    H.fail_hook = ORM_AFTER_CREATE;
    H.fail_err = -EDOM;
    three_t t = {0};
    rand_word(t.a.name);
    snprintf(t.b.name, sizeof t.b.name, "b%.40s", t.a.name);
    snprintf(t.c.name, sizeof t.c.name, "c%.40s", t.a.name);
    strcpy(H.fail_name, t.b.name);
    assert_int_equal(0, orm_transaction(f->db, create_three, &t));
    assert_int_equal(-EDOM, t.rb);
    char got[256], want[256];
    raw_text(f->raw, "SELECT group_concat(name, ',') FROM (SELECT name FROM members ORDER BY id)",
             got, sizeof got);
    want[0] = '\0';
    for (int i = 0; i < k; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "%s,", rows[i].name);
    snprintf(want + strlen(want), sizeof want - strlen(want), "%s,%s", t.a.name, t.c.name);
    assert_string_equal(want, got);
    raw_text(f->raw,
             "SELECT group_concat(user_id, ',') FROM (SELECT user_id FROM orders ORDER BY id)", got,
             sizeof got);
    snprintf(want, sizeof want, "%lld,%lld", (long long)t.a.id, (long long)t.c.id);
    assert_string_equal(want, got);
}

static void test_before_hooks_may_change_what_is_written(void **state)
{
    user_t rows[32];
    int k = 1 + (int)ug_rand_below(5);
    fix_t *f = members(state, rows, k);
    H.set_score = 0.25 + (double)ug_rand_below(1000);
    user_t u = {.age = 20};
    rand_word(u.name);
    assert_int_equal(0, orm_create(f->db, &member_model, &u));
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT score * 4 FROM members WHERE id = %lld", (long long)u.id);
    assert_int_equal((int64_t)(H.set_score * 4), raw_int(f->raw, sql));

    /* active=false in the values is "not given", until BeforeUpdate sets it. */
    H.set_active = true;
    int j = (int)ug_rand_below((uint64_t)k);
    user_t v = {.id = rows[j].id, .age = 61};
    assert_int_equal(1, orm_updates(orm_q(f->db, &member_model), &v));
    snprintf(sql, sizeof sql, "SELECT active * 1000 + age FROM members WHERE id = %lld",
             (long long)rows[j].id);
    assert_int_equal(1061, raw_int(f->raw, sql));
}

UG_TEST_GROUP(orm_hooks, NULL, NULL, T_MEM(test_create_hooks_run_in_gorm_order_around_the_insert),
              T_MEM(test_update_delete_and_find_hooks_run_in_gorm_order),
              T_MEM(test_a_before_hook_error_stops_the_write),
              T_MEM(test_an_after_hook_error_undoes_the_write_and_what_the_hooks_wrote),
              T_MEM(test_a_hook_error_inside_a_transaction_undoes_only_that_write),
              T_MEM(test_before_hooks_may_change_what_is_written));
