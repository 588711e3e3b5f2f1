/*
 * soft-delete.c — Delete on a model with a deleted_at field only stamps
 * the row; queries stop seeing it; Unscoped sees it, and deletes for real.
 *
 * The row stays in the table (it can be audited or restored), and every
 * query the ORM builds carries "deleted_at IS NULL". SQLite's trace shows
 * the statements; a raw count shows what is really in the table.
 *
 * Interface: main → Delete → Find → Unscoped → Unscoped().Delete.
 */
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "orm.h"

typedef struct user {
    int64_t id;
    char name[16];
    int64_t deleted_at;
} user_t;

static const orm_field_t user_fields[] = {
    ORM_FIELD(user_t, id, "ID", ORM_INT, ORM_PK),
    ORM_FIELD(user_t, name, "Name", ORM_TEXT, 0),
    ORM_FIELD(user_t, deleted_at, "DeletedAt", ORM_INT, ORM_DELETED_AT | ORM_INDEX),
};
static const orm_model_t user_model = {"users", sizeof(user_t), user_fields, 3, NULL, 0, {0}};

static int print_sql(unsigned type, void *ctx, void *p, void *x)
{
    (void)x;
    demo_t *d = ctx;
    char *sql = type == SQLITE_TRACE_STMT ? sqlite3_expanded_sql(p) : NULL;
    if (sql && strncmp(sql, "SELECT count", 12))
        printf("  %sSQL:%s %s\n", demo_c(d, DEMO_CYAN), demo_c(d, DEMO_RESET), sql);
    sqlite3_free(sql);
    return 0;
}

static int64_t clock_2024(void *arg)
{
    (void)arg;
    return 1717243200000000000; /* 2024-06-01 12:00:00 UTC */
}

static void in_table(sqlite3 *conn)
{
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(conn, "SELECT count(*) FROM users", -1, &st, NULL);
    if (st && sqlite3_step(st) == SQLITE_ROW)
        printf("  rows really in the table: %lld\n", (long long)sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
}

static void list(demo_t *d, orm_db_t *db, bool unscoped)
{
    orm_slice_t s = {0};
    orm_query_t *q = orm_q(db, &user_model);
    if (!demo_ok(d, orm_find(unscoped ? orm_unscoped(q) : q, &s), "orm_find"))
        return;
    printf("  found:");
    for (size_t i = 0; i < s.len; i++) {
        user_t *u = (user_t *)s.items + i;
        printf(" %s%s", u->name, u->deleted_at ? " (deleted_at set)" : "");
    }
    printf("\n");
    orm_slice_free(&user_model, &s);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "orm soft-delete",
        .about = "Delete stamps deleted_at; queries skip the row; Unscoped does not"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Soft delete: the row stays, stamped, and queries stop seeing it");
    orm_db_t *db = NULL;
    if (!demo_ok(&d, orm_open(":memory:", &db), "orm_open") ||
        !demo_ok(&d, orm_migrate(db, &user_model), "orm_migrate")) {
        orm_close(db);
        return demo_end(&d);
    }
    orm_set_clock(db, clock_2024, NULL);
    user_t ann = {.name = "ann"}, bob = {.name = "bob"};
    if (!demo_ok(&d, orm_create(db, &user_model, &ann), "orm_create") ||
        !demo_ok(&d, orm_create(db, &user_model, &bob), "orm_create")) {
        orm_close(db);
        return demo_end(&d);
    }
    printf("users: ann, bob\n");
    sqlite3_trace_v2(orm_sqlite(db), SQLITE_TRACE_STMT, print_sql, &d);

    demo_step(&d, "db.Delete(&bob)");
    int n = orm_delete(orm_q(db, &user_model), &bob);
    if (!demo_ok(&d, n, "orm_delete"))
        return orm_close(db), demo_end(&d);
    printf("  deleted: %d row (an UPDATE, not a DELETE)\n", n);
    in_table(orm_sqlite(db));

    demo_step(&d, "db.Find(&users)");
    list(&d, db, false);

    demo_step(&d, "db.Unscoped().Find(&users)");
    list(&d, db, true);

    demo_step(&d, "db.Unscoped().Delete(&bob)");
    n = orm_delete(orm_unscoped(orm_q(db, &user_model)), &bob);
    if (!demo_ok(&d, n, "orm_delete"))
        return orm_close(db), demo_end(&d);
    in_table(orm_sqlite(db));

    demo_step(&d, "The rule");
    printf("A model with DeletedAt is never deleted by Delete: it is hidden. Unscoped sees it, and "
           "removes it.\n");
    orm_close(db);
    return demo_end(&d);
}
