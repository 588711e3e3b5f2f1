/*
 * zero-values.c — GORM's rule for Updates with a struct: zero means "not
 * given", unless Select names the field.
 *
 * A Go struct (and a C one) cannot say "this field was not set": an age
 * of 0 and an age nobody wrote look the same. So Updates(User{...})
 * writes only the fields that are not their type's zero, which is what a
 * caller usually means by "change these" — and surprises the caller who
 * wants to set an age to 0 or a flag to false. Select names the fields to
 * write, zero or not. SQLite's trace shows the UPDATE each one runs.
 *
 * Interface: main → Updates → Select → the rule.
 */
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "orm.h"

typedef struct user {
    int64_t id;
    char name[16];
    int64_t age;
    bool active;
} user_t;

static const orm_field_t user_fields[] = {
    ORM_FIELD(user_t, id, "ID", ORM_INT, ORM_PK),
    ORM_FIELD(user_t, name, "Name", ORM_TEXT, 0),
    ORM_FIELD(user_t, age, "Age", ORM_INT, 0),
    ORM_FIELD(user_t, active, "Active", ORM_BOOL, 0),
};
static const orm_model_t user_model = {"users", sizeof(user_t), user_fields, 4, NULL, 0, {0}};

static int print_update(unsigned type, void *ctx, void *p, void *x)
{
    (void)x;
    demo_t *d = ctx;
    char *sql = type == SQLITE_TRACE_STMT ? sqlite3_expanded_sql(p) : NULL;
    if (sql && !strncmp(sql, "UPDATE", 6))
        printf("  %sSQL:%s %s\n", demo_c(d, DEMO_CYAN), demo_c(d, DEMO_RESET), sql);
    sqlite3_free(sql);
    return 0;
}

static bool show(demo_t *d, orm_db_t *db, int64_t id)
{
    user_t u = {0};
    if (!demo_ok(d, orm_first(orm_id(orm_q(db, &user_model), id), &u), "orm_first"))
        return false;
    printf("  row: {Name: %s, Age: %lld, Active: %s}\n", u.name, (long long)u.age,
           u.active ? "true" : "false");
    return true;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {.name = "orm zero-values",
                                     .about = "Updates skips zero fields; Select writes them"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Updates with a struct skips zero values; Select writes them");
    orm_db_t *db = NULL;
    user_t ann = {.name = "ann", .age = 30, .active = true};
    if (!demo_ok(&d, orm_open(":memory:", &db), "orm_open") ||
        !demo_ok(&d, orm_migrate(db, &user_model), "orm_migrate") ||
        !demo_ok(&d, orm_create(db, &user_model, &ann), "orm_create")) {
        orm_close(db);
        return demo_end(&d);
    }
    sqlite3_trace_v2(orm_sqlite(db), SQLITE_TRACE_STMT, print_update, &d);
    show(&d, db, ann.id);

    demo_step(&d, "db.Model(&ann).Updates(User{Name: \"anna\", Age: 0, Active: false})");
    user_t v = {.id = ann.id, .name = "anna"};
    int n = orm_updates(orm_q(db, &user_model), &v);
    if (!demo_ok(&d, n, "orm_updates") || !show(&d, db, ann.id))
        return orm_close(db), demo_end(&d);
    printf("%sAge and Active are unchanged:%s 0 and false look like \"not given\"\n",
           demo_c(&d, DEMO_YELLOW), demo_c(&d, DEMO_RESET));

    demo_step(&d,
              "db.Model(&ann).Select(\"Age\", \"Active\").Updates(User{Age: 0, Active: false})");
    static const char *const fields[] = {"Age", "Active"};
    user_t z = {.id = ann.id};
    n = orm_updates(orm_select(orm_q(db, &user_model), 2, fields), &z);
    if (!demo_ok(&d, n, "orm_updates") || !show(&d, db, ann.id))
        return orm_close(db), demo_end(&d);
    printf("%sthe selected fields are written, zero or not%s\n", demo_c(&d, DEMO_GREEN),
           demo_c(&d, DEMO_RESET));

    demo_step(&d, "db.Updates(User{Age: 5}) with no primary key and no Where");
    user_t all = {.age = 5};
    n = orm_updates(orm_q(db, &user_model), &all);
    printf("refused: %s (%d) — an empty WHERE would update every row\n", orm_strerror(n), n);

    demo_step(&d, "The rule");
    printf("With a struct, zero means \"leave it\". To write a zero, Select the field.\n");
    orm_close(db);
    return demo_end(&d);
}
