/*
 * tx.c — transactions: commit, rollback, nesting with savepoints, and a
 * process killed between the statements of a transaction.
 *
 * The crash tests run on a WAL file. The parent closes its connection
 * (SQLite's locks do not survive fork), a child opens its own, starts a
 * transaction, writes, and SIGKILLs itself before the commit; the parent
 * then reopens the file and finds exactly what was there before.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "orm_test.h"

typedef struct batch {
    int n;    /* users to create */
    int fail; /* returned after creating them */
    user_t made[16];
} batch_t;

static int create_batch(orm_db_t *tx, void *arg)
{
    batch_t *b = arg;
    for (int i = 0; i < b->n; i++) {
        b->made[i] = (user_t){.age = 10 + i};
        snprintf(b->made[i].name, sizeof b->made[i].name, "batch%d", i);
        int rc = orm_create(tx, &user_model, &b->made[i]);
        if (rc)
            return rc;
    }
    return b->fail;
}

static void test_a_transaction_commits_on_success_and_rolls_back_on_error(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = (int)ug_rand_below(10);
    seed_users(f, rows, n);
    batch_t ok = {.n = 1 + (int)ug_rand_below(10)},
            bad = {.n = 1 + (int)ug_rand_below(10), .fail = -EIO};
    assert_int_equal(0, orm_transaction(f->db, create_batch, &ok));
    assert_int_equal(n + ok.n, raw_int(f->raw, "SELECT count(*) FROM users"));
    assert_int_equal(-EIO, orm_transaction(f->db, create_batch, &bad));
    assert_int_equal(n + ok.n, raw_int(f->raw, "SELECT count(*) FROM users"));
    assert_int_equal(1, sqlite3_get_autocommit(f->raw));

    /* By hand: begin, write, roll back; begin, write, commit. */
    assert_int_equal(0, orm_begin(f->db));
    assert_int_equal(0, create_batch(f->db, &bad) == -EIO ? 0 : -1);
    assert_int_equal(0, orm_rollback(f->db));
    assert_int_equal(0, orm_begin(f->db));
    assert_int_equal(0, create_batch(f->db, &ok));
    assert_int_equal(0, sqlite3_get_autocommit(f->raw));
    assert_int_equal(0, orm_commit(f->db));
    assert_int_equal(n + 2 * ok.n, raw_int(f->raw, "SELECT count(*) FROM users"));
    assert_int_equal(-EINVAL, orm_commit(f->db)); /* nothing open */
}

/* A level of a transaction tree: creates `name`, runs its children, and
 * returns `fail`. */
typedef struct level {
    const char *name;
    int fail;
    struct level *kids[3];
} level_t;

static int run_level(orm_db_t *tx, void *arg)
{
    level_t *l = arg;
    user_t u = {.age = 1};
    snprintf(u.name, sizeof u.name, "%s", l->name);
    int rc = orm_create(tx, &user_model, &u);
    for (int i = 0; !rc && i < 3 && l->kids[i]; i++)
        orm_transaction(tx, run_level, l->kids[i]); /* a failed child does not fail us */
    return rc ? rc : l->fail;
}

static void names_of(fix_t *f, char *out, size_t size)
{
    raw_text(f->raw, "SELECT group_concat(name, ',') FROM (SELECT name FROM users ORDER BY id)",
             out, size);
}

static void test_nested_transactions_roll_back_to_their_savepoint_only(void **state)
{
    fix_t *f = fix(state);
    /* outer(A) { B fails; C { D fails; E }; F }  →  A C E F, in a seeded order of
     * which of B/D fail first. */
    char w[16];
    rand_word(w);
    char a[24], b[24], c[24], d[24], e[24], g[24];
    snprintf(a, sizeof a, "A%s", w);
    snprintf(b, sizeof b, "B%s", w);
    snprintf(c, sizeof c, "C%s", w);
    snprintf(d, sizeof d, "D%s", w);
    snprintf(e, sizeof e, "E%s", w);
    snprintf(g, sizeof g, "F%s", w);
    int err = -(int)(1 + ug_rand_below(100));
    level_t lb = {b, err, {0}}, ld = {d, err, {0}}, le = {e, 0, {0}}, lf = {g, 0, {0}};
    level_t lc = {c, 0, {&ld, &le, NULL}};
    level_t la = {a, 0, {&lb, &lc, &lf}};
    assert_int_equal(0, orm_transaction(f->db, run_level, &la));
    char got[256], want[256];
    names_of(f, got, sizeof got);
    snprintf(want, sizeof want, "%s,%s,%s,%s", a, c, e, g);
    assert_string_equal(want, got);
    assert_int_equal(1, sqlite3_get_autocommit(f->raw));

    /* A failing inner level returns its own error to its caller. */
    assert_int_equal(err, orm_transaction(f->db, run_level, &lb));
    names_of(f, got, sizeof got);
    assert_string_equal(want, got);
}

static void test_an_outer_rollback_undoes_inner_levels_that_succeeded(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = (int)ug_rand_below(10);
    seed_users(f, rows, n);
    level_t inner2 = {"inner2", 0, {0}};
    level_t inner = {"inner", 0, {&inner2, NULL, NULL}};
    level_t outer = {"outer", -ECANCELED, {&inner, NULL, NULL}};
    assert_int_equal(-ECANCELED, orm_transaction(f->db, run_level, &outer));
    assert_int_equal(n, raw_int(f->raw, "SELECT count(*) FROM users"));
    assert_int_equal(1, sqlite3_get_autocommit(f->raw));
}

/* ---- crashes ------------------------------------------------------------------------ */

typedef struct doomed {
    int creates, updates;
    const orm_model_t *model; /* what is created */
} doomed_t;

/* Writes a lot (more than the page cache holds, so uncommitted pages
 * spill into the WAL), then dies before the transaction can end. */
static int write_then_die(orm_db_t *tx, void *arg)
{
    doomed_t *d = arg;
    for (int i = 0; i < d->creates; i++) {
        user_t u = {.age = i, .score = i * 0.5};
        snprintf(u.name, sizeof u.name, "doomed-%03d-%030d", i % 1000, i);
        if (orm_create(tx, d->model, &u))
            _exit(3);
    }
    for (int i = 0; i < d->updates; i++) {
        user_t v = {.id = 1 + i, .age = 9999};
        if (orm_updates(orm_q(tx, d->model), &v) < 0)
            _exit(4);
    }
    kill(getpid(), SIGKILL);
    _exit(5);
}

/* Runs body(db) in a child on f's file; returns how the child ended. */
static int in_child(fix_t *f, int (*fn)(orm_db_t *, void *), void *arg)
{
    orm_close(f->db);
    f->db = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        orm_db_t *db = NULL;
        if (orm_open(f->path, &db))
            _exit(2);
        sqlite3_exec(orm_sqlite(db), "PRAGMA cache_size = 2", NULL, NULL, NULL);
        fn(db, arg);
        _exit(6);
    }
    int st = 0;
    if (pid > 0)
        waitpid(pid, &st, 0);
    f->db = fix_open_again(f);
    f->raw = orm_sqlite(f->db);
    return WIFSIGNALED(st) ? WTERMSIG(st) : 1000 + WEXITSTATUS(st);
}

static int transaction_then_die(orm_db_t *db, void *arg)
{
    return orm_transaction(db, write_then_die, arg);
}

static void test_sigkill_inside_a_transaction_leaves_the_database_as_it_was(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 1 + (int)ug_rand_below(30);
    seed_users(f, rows, n);
    uint64_t digest = table_digest(f->raw, "users");
    doomed_t d = {.creates = 200 + (int)ug_rand_below(300), .updates = n, .model = &user_model};

    assert_int_equal(SIGKILL, in_child(f, transaction_then_die, &d));
    assert_int_equal(n, raw_int(f->raw, "SELECT count(*) FROM users"));
    assert_int_equal(digest, table_digest(f->raw, "users"));
    char ok[32];
    raw_text(f->raw, "PRAGMA integrity_check", ok, sizeof ok);
    assert_string_equal("ok", ok);
    /* The lock died with the child: the file takes writes again. */
    user_t u = {.age = 5};
    assert_int_equal(0, orm_create(f->db, &user_model, &u));
    assert_int_equal(n + 1, u.id);
}

static int die_in_after_save(orm_db_t *tx, orm_hook_t h, void *row)
{
    if (h == ORM_AFTER_CREATE) {
        order_t o = {.user_id = ((user_t *)row)->id};
        snprintf(o.item, sizeof o.item, "audit");
        if (orm_create(tx, &order_model, &o))
            _exit(7);
    }
    if (h == ORM_AFTER_SAVE)
        kill(getpid(), SIGKILL);
    return 0;
}

static const orm_model_t fragile_model = {
    .table = "users",
    .size = sizeof(user_t),
    .fields = user_fields,
    .nfields = 6,
    .hooks = {[ORM_AFTER_CREATE] = die_in_after_save, [ORM_AFTER_SAVE] = die_in_after_save},
};

static int create_then_die(orm_db_t *db, void *arg)
{
    user_t u = {.age = *(int *)arg};
    snprintf(u.name, sizeof u.name, "fragile");
    return orm_create(db, &fragile_model, &u);
}

static void test_sigkill_inside_a_write_hook_leaves_no_row(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 1 + (int)ug_rand_below(30);
    seed_users(f, rows, n);
    uint64_t digest = table_digest(f->raw, "users");
    int age = (int)ug_rand_below(100);

    assert_int_equal(SIGKILL, in_child(f, create_then_die, &age));
    assert_int_equal(n, raw_int(f->raw, "SELECT count(*) FROM users"));
    assert_int_equal(digest, table_digest(f->raw, "users"));
    assert_int_equal(0, raw_int(f->raw, "SELECT count(*) FROM orders"));
}

UG_TEST_GROUP(orm_tx, NULL, NULL,
              T_MEM(test_a_transaction_commits_on_success_and_rolls_back_on_error),
              T_MEM(test_nested_transactions_roll_back_to_their_savepoint_only),
              T_MEM(test_an_outer_rollback_undoes_inner_levels_that_succeeded),
              T_DISK(test_sigkill_inside_a_transaction_leaves_the_database_as_it_was),
              T_DISK(test_sigkill_inside_a_write_hook_leaves_no_row));
