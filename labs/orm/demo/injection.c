/*
 * injection.c — SQL injection: a query glued together from strings, and
 * the same query with the value bound.
 *
 * When a program pastes a value into SQL text, the value can end the
 * string literal and go on as SQL: "x' OR '1'='1" turns a lookup of one
 * name into a lookup of every row, and "'); DROP TABLE users; --" run
 * through an API that executes several statements drops the table. Bound,
 * the same text is only ever a value compared with names. Names cannot be
 * bound, so the ORM accepts only the model's own. The Go original
 * (injection.go) makes the same two mistakes with fmt.Sprintf and
 * database/sql, then the same query with '?'.
 *
 * Interface: main → glued → bound → names.
 */
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "orm.h"

typedef struct user {
    int64_t id;
    char name[64];
} user_t;

static const orm_field_t user_fields[] = {
    ORM_FIELD(user_t, id, "ID", ORM_INT, ORM_PK),
    ORM_FIELD(user_t, name, "Name", ORM_TEXT, 0),
};
static const orm_model_t user_model = {"users", sizeof(user_t), user_fields, 2, NULL, 0, {0}};

static const char everyone[] = "x' OR '1'='1";
static const char dropper[] = "bobby'); DROP TABLE users; --";

static int count_rows(sqlite3 *conn, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int n = 0;
    if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW)
            n++;
    sqlite3_finalize(st);
    return n;
}

static int tables(sqlite3 *conn)
{
    return count_rows(conn,
                      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'users'");
}

static int setup(demo_t *d, orm_db_t *db)
{
    static const char *const names[] = {"ann", "bob", "cid"};
    if (!demo_ok(d, orm_migrate(db, &user_model), "orm_migrate"))
        return -1;
    for (int i = 0; i < 3; i++) {
        user_t u = {0};
        snprintf(u.name, sizeof u.name, "%s", names[i]);
        if (!demo_ok(d, orm_create(db, &user_model, &u), "orm_create"))
            return -1;
    }
    printf("users: ann, bob, cid\n");
    return 0;
}

/* The mistakes: the value pasted into the SQL text. */
static void glued(demo_t *d, sqlite3 *conn)
{
    char sql[256];
    demo_step(d, "A lookup glued together: \"SELECT * FROM users WHERE name = '\" + name + \"'\"");
    snprintf(sql, sizeof sql, "SELECT * FROM users WHERE name = '%s'", everyone);
    printf("name = %s\nSQL:   %s\n", everyone, sql);
    printf("%srows: %d%s (every user)\n", demo_c(d, DEMO_RED), count_rows(conn, sql),
           demo_c(d, DEMO_RESET));

    demo_step(d, "An insert glued together, run by an API that runs several statements");
    snprintf(sql, sizeof sql, "INSERT INTO users (name) VALUES ('%s')", dropper);
    printf("name = %s\nSQL:   %s\n", dropper, sql);
    sqlite3_exec(conn, sql, NULL, NULL, NULL);
    printf("%stable users exists: %s%s\n", demo_c(d, DEMO_RED), tables(conn) ? "yes" : "no",
           demo_c(d, DEMO_RESET));
}

/* The same two through the ORM: values bound, names checked. */
static void bound(demo_t *d, orm_db_t *db)
{
    demo_step(d, "The same lookup with the value bound: Where(\"name = ?\", name)");
    orm_value_t v = ORM_S(everyone);
    orm_slice_t s = {0};
    int n = orm_find(orm_where(orm_q(db, &user_model), "name = ?", 1, &v), &s);
    orm_slice_free(&user_model, &s);
    if (!demo_ok(d, n, "orm_find"))
        return;
    printf("name = %s\n%srows: %d%s (nobody has that name)\n", everyone, demo_c(d, DEMO_GREEN), n,
           demo_c(d, DEMO_RESET));

    demo_step(d, "The same insert through the ORM: Create(&User{Name: name})");
    user_t u = {0};
    snprintf(u.name, sizeof u.name, "%s", dropper);
    if (!demo_ok(d, orm_create(db, &user_model, &u), "orm_create"))
        return;
    user_t back = {0};
    if (!demo_ok(d, orm_first(orm_id(orm_q(db, &user_model), u.id), &back), "orm_first"))
        return;
    printf("stored as user %lld, name read back: %s\n", (long long)u.id, back.name);
    printf("%stable users exists: %s%s\n", demo_c(d, DEMO_GREEN),
           tables(orm_sqlite(db)) ? "yes" : "no", demo_c(d, DEMO_RESET));

    demo_step(d, "A name from outside: Order(\"name; DROP TABLE users\")");
    int rc = orm_find(orm_order(orm_q(db, &user_model), "name; DROP TABLE users", false), &s);
    printf("refused before any SQL ran: %s (%d)\n", orm_strerror(rc), rc);
    printf("table users exists: %s\n", tables(orm_sqlite(db)) ? "yes" : "no");
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "orm injection",
        .about = "values pasted into SQL run as SQL; bound, they stay values"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "SQL injection: a value pasted into SQL, or bound to it");
    orm_db_t *db = NULL;
    if (!demo_ok(&d, orm_open(":memory:", &db), "orm_open") || setup(&d, db)) {
        orm_close(db);
        return demo_end(&d);
    }
    glued(&d, orm_sqlite(db));
    orm_close(db);

    /* A fresh database for the ORM's turn: the glued insert dropped the table. */
    db = NULL;
    if (!demo_ok(&d, orm_open(":memory:", &db), "orm_open") || setup(&d, db)) {
        orm_close(db);
        return demo_end(&d);
    }
    bound(&d, db);

    demo_step(&d, "The rule");
    printf(
        "Values go in as parameters, never into the SQL text; names come from the model only.\n");
    orm_close(db);
    return demo_end(&d);
}
