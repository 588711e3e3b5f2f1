/*
 * n-plus-one.c — the N+1 query problem, and Preload.
 *
 * Loading users and then, in a loop, each user's orders runs one query
 * for the users and one more per user: N+1 round trips, each paying for
 * parsing, planning and a B-tree descent. Preload asks once for the orders
 * of all the users found (WHERE user_id IN (...)) and hands each order to
 * its user. SQLite's own trace prints every statement as it starts, with
 * the bound values filled in, so the count is the database's, not ours.
 * The Go original (n-plus-one.go) does the same two things by hand with
 * database/sql and Debian's SQLite driver.
 *
 * Interface: main → setup → the loop → Preload → the rule.
 */
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "orm.h"

typedef struct order {
    int64_t id, user_id;
    char item[24];
} order_t;

typedef struct user {
    int64_t id;
    char name[16];
    orm_slice_t orders;
} user_t;

static const orm_field_t order_fields[] = {
    ORM_FIELD(order_t, id, "ID", ORM_INT, ORM_PK),
    ORM_FIELD(order_t, user_id, "UserID", ORM_INT, ORM_INDEX),
    ORM_FIELD(order_t, item, "Item", ORM_TEXT, 0),
};
static const orm_model_t order_model = {"orders", sizeof(order_t), order_fields, 3, NULL, 0, {0}};
static const orm_field_t user_fields[] = {
    ORM_FIELD(user_t, id, "ID", ORM_INT, ORM_PK),
    ORM_FIELD(user_t, name, "Name", ORM_TEXT, 0),
};
static const orm_has_many_t user_orders[] = {
    ORM_HAS_MANY(user_t, orders, "Orders", &order_model, "UserID"),
};
static const orm_model_t user_model = {"users", sizeof(user_t), user_fields, 2, user_orders, 1,
                                       {0}};

static int statements;

/* SQLite's trace: every statement the connection starts, values filled in. */
static int print_statement(unsigned type, void *ctx, void *p, void *x)
{
    (void)x;
    demo_t *d = ctx;
    if (type == SQLITE_TRACE_STMT) {
        char *sql = sqlite3_expanded_sql(p);
        printf("  %sSQL %d:%s %s\n", demo_c(d, DEMO_CYAN), ++statements, demo_c(d, DEMO_RESET),
               sql ? sql : "?");
        sqlite3_free(sql);
    }
    return 0;
}

static void show_orders(const user_t *u)
{
    printf("  %s:", u->name);
    const order_t *o = u->orders.items;
    for (size_t k = 0; k < u->orders.len; k++)
        printf(" %s", o[k].item);
    printf("\n");
}

static int setup(demo_t *d, orm_db_t *db)
{
    static const char *const names[] = {"ann", "bob", "cid", "dee", "eve"};
    if (!demo_ok(d, orm_migrate(db, &order_model), "orm_migrate") ||
        !demo_ok(d, orm_migrate(db, &user_model), "orm_migrate"))
        return -1;
    for (int i = 0; i < 5; i++) {
        user_t u = {0};
        snprintf(u.name, sizeof u.name, "%s", names[i]);
        if (!demo_ok(d, orm_create(db, &user_model, &u), "orm_create"))
            return -1;
        for (int k = 0; k < 2 + i % 2; k++) {
            order_t o = {.user_id = u.id};
            snprintf(o.item, sizeof o.item, "%s-%d", names[i], k + 1);
            if (!demo_ok(d, orm_create(db, &order_model, &o), "orm_create"))
                return -1;
        }
    }
    printf("5 users, 2 or 3 orders each\n");
    return 0;
}

/* Users, then each user's orders in a query of its own. */
static int the_loop(demo_t *d, orm_db_t *db)
{
    orm_slice_t users = {0};
    if (!demo_ok(d, orm_find(orm_q(db, &user_model), &users), "orm_find"))
        return -1;
    user_t *u = users.items;
    for (size_t i = 0; i < users.len; i++) {
        orm_query_t *q = orm_where_eq(orm_q(db, &order_model), "UserID", ORM_I(u[i].id));
        if (!demo_ok(d, orm_find(q, &u[i].orders), "orm_find"))
            break;
    }
    for (size_t i = 0; i < users.len; i++)
        show_orders(&u[i]);
    orm_slice_free(&user_model, &users);
    return 0;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {.name = "orm n-plus-one",
                                     .about =
                                         "one query per user for its orders, or one query for all"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "The N+1 problem: a query per user, or one for all of them");
    orm_db_t *db = NULL;
    if (!demo_ok(&d, orm_open(":memory:", &db), "orm_open") || setup(&d, db))
        return orm_close(db), demo_end(&d);
    sqlite3_trace_v2(orm_sqlite(db), SQLITE_TRACE_STMT, print_statement, &d);

    demo_step(&d, "Find the users, then each one's orders in a loop");
    statements = 0;
    if (the_loop(&d, db))
        return orm_close(db), demo_end(&d);
    printf("%s%d statements%s for 5 users: 1 + N\n", demo_c(&d, DEMO_RED), statements,
           demo_c(&d, DEMO_RESET));

    demo_step(&d, "Preload(\"Orders\").Find(&users)");
    statements = 0;
    orm_slice_t users = {0};
    if (!demo_ok(&d, orm_find(orm_preload(orm_q(db, &user_model), "Orders"), &users), "orm_find"))
        return orm_close(db), demo_end(&d);
    for (size_t i = 0; i < users.len; i++)
        show_orders((user_t *)users.items + i);
    orm_slice_free(&user_model, &users);
    printf("%s%d statements%s for 5 users, and still 2 for 5000\n", demo_c(&d, DEMO_GREEN),
           statements, demo_c(&d, DEMO_RESET));

    demo_step(&d, "The rule");
    printf("Never query inside a loop over rows: ask for the children of all the rows at once.\n");
    demo_note(&d, "the values shown inline were bound as parameters; SQLite's trace fills them in");
    orm_close(db);
    return demo_end(&d);
}
