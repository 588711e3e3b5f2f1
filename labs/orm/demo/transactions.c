/*
 * transactions.c — nested transactions as savepoints, and a hook's error
 * undoing its write.
 *
 * SQLite, like most databases, has one transaction per connection. GORM
 * nests db.Transaction calls with SAVEPOINT: an inner failure rolls back to
 * its savepoint and the outer transaction goes on. A write whose model has
 * hooks runs in a savepoint of its own, so a failing AfterCreate takes the
 * INSERT (and whatever the hook wrote) back with it. SQLite's trace shows
 * BEGIN, SAVEPOINT, ROLLBACK TO, RELEASE and COMMIT as they run. The Go
 * original (transactions.go) does the same with database/sql, which has no
 * nesting of its own: the savepoints are written by hand.
 *
 * Interface: main → outer { A; inner { B } fails; C with a failing hook } → names.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "orm.h"

typedef struct user {
    int64_t id;
    char name[16];
} user_t;

static const orm_field_t user_fields[] = {
    ORM_FIELD(user_t, id, "ID", ORM_INT, ORM_PK),
    ORM_FIELD(user_t, name, "Name", ORM_TEXT, 0),
};

/* AfterCreate refuses users called "cid". */
static int after_create(orm_db_t *tx, orm_hook_t h, void *row)
{
    (void)tx;
    (void)h;
    if (!strcmp(((user_t *)row)->name, "cid")) {
        printf("  AfterCreate(cid): returns an error\n");
        return -EPERM;
    }
    return 0;
}

static const orm_model_t user_model = {
    "users", sizeof(user_t), user_fields, 2, NULL, 0, {[ORM_AFTER_CREATE] = after_create}};

static int print_sql(unsigned type, void *ctx, void *p, void *x)
{
    (void)x;
    demo_t *d = ctx;
    char *sql = type == SQLITE_TRACE_STMT ? sqlite3_expanded_sql(p) : NULL;
    if (sql && strncmp(sql, "SELECT", 6))
        printf("  %sSQL:%s %s\n", demo_c(d, DEMO_CYAN), demo_c(d, DEMO_RESET), sql);
    sqlite3_free(sql);
    return 0;
}

static int create(orm_db_t *tx, const char *name)
{
    user_t u = {0};
    snprintf(u.name, sizeof u.name, "%s", name);
    return orm_create(tx, &user_model, &u);
}

static int inner(orm_db_t *tx, void *arg)
{
    (void)arg;
    create(tx, "bob");
    printf("  inner function returns an error\n");
    return -ECANCELED;
}

static int outer(orm_db_t *tx, void *arg)
{
    demo_t *d = arg;
    create(tx, "ann");
    int rc = orm_transaction(tx, inner, NULL);
    printf("  inner transaction: %s%s%s\n", demo_c(d, DEMO_YELLOW), orm_strerror(rc),
           demo_c(d, DEMO_RESET));
    rc = create(tx, "cid");
    printf("  create(cid): %s%s%s\n", demo_c(d, DEMO_YELLOW), orm_strerror(rc),
           demo_c(d, DEMO_RESET));
    create(tx, "dee");
    return 0;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "orm transactions",
        .about = "nested transactions are savepoints; a hook's error undoes its write"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Nested transactions are savepoints; a failing hook takes its INSERT back");
    orm_db_t *db = NULL;
    if (!demo_ok(&d, orm_open(":memory:", &db), "orm_open") ||
        !demo_ok(&d, orm_migrate(db, &user_model), "orm_migrate")) {
        orm_close(db);
        return demo_end(&d);
    }
    sqlite3_trace_v2(orm_sqlite(db), SQLITE_TRACE_STMT, print_sql, &d);

    demo_step(&d, "db.Transaction: create ann; tx.Transaction { create bob; fail }; create cid "
                  "(its hook fails); create dee");
    if (!demo_ok(&d, orm_transaction(db, outer, &d), "orm_transaction"))
        return orm_close(db), demo_end(&d);

    demo_step(&d, "What was committed");
    sqlite3_trace_v2(orm_sqlite(db), 0, NULL, NULL);
    orm_slice_t s = {0};
    if (!demo_ok(&d, orm_find(orm_order(orm_q(db, &user_model), "ID", false), &s), "orm_find"))
        return orm_close(db), demo_end(&d);
    printf("  users:");
    for (size_t i = 0; i < s.len; i++)
        printf(" %s", ((user_t *)s.items)[i].name);
    printf("\n");
    orm_slice_free(&user_model, &s);

    demo_step(&d, "The rule");
    printf("An inner failure undoes only its own level; only the outermost COMMIT makes anything "
           "permanent.\n");
    orm_close(db);
    return demo_end(&d);
}
