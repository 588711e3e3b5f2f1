/*
 * concurrency.c — two connections on one WAL file: a writer that finds the
 * lock taken, retried through the busy function; reads that never wait;
 * and reads that see what the other connection committed.
 *
 * Deterministic: the other connection is driven by the test itself (raw
 * SQLite). It takes the write lock with BEGIN IMMEDIATE and keeps it until
 * the busy function, on its k-th call, commits — no threads, no sleeps.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "orm_test.h"

typedef struct blocker {
    sqlite3 *conn;  /* the other connection */
    int release_at; /* the attempt at which it commits; 0: never */
    int give_up_at; /* the attempt at which the busy function gives up; 0: never */
    int calls;      /* busy function calls seen */
    int last_attempt;
} blocker_t;

static int on_busy(void *arg, int attempt)
{
    blocker_t *b = arg;
    b->calls++;
    b->last_attempt = attempt;
    if (b->release_at && attempt == b->release_at)
        sqlite3_exec(b->conn, "COMMIT", NULL, NULL, NULL);
    if (b->give_up_at && attempt >= b->give_up_at)
        return -1;
    return 0;
}

/* Opens the other connection on f's file and takes the write lock with an
 * uncommitted insert of a user named "blocker". */
static void block(fix_t *f, blocker_t *b)
{
    assert_int_equal(SQLITE_OK, sqlite3_open_v2(f->path, &b->conn, SQLITE_OPEN_READWRITE, NULL));
    assert_int_equal(SQLITE_OK,
                     raw_exec(b->conn, "BEGIN IMMEDIATE; "
                                       "INSERT INTO users (name, age) VALUES ('blocker', 1)"));
    orm_set_busy(f->db, on_busy, b);
}

static void test_a_busy_write_is_retried_until_the_lock_is_released(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = (int)ug_rand_below(10);
    seed_users(f, rows, n);
    blocker_t b = {.release_at = 1 + (int)ug_rand_below(5)};
    block(f, &b);
    orm_stats_t s0, s1;
    assert_int_equal(0, orm_stats(f->db, &s0));

    user_t u = {.age = 2};
    rand_word(u.name);
    assert_int_equal(0, orm_create(f->db, &user_model, &u));
    assert_int_equal(b.release_at, b.calls);
    assert_int_equal(0, orm_stats(f->db, &s1));
    assert_int_equal(b.release_at, s1.busy_waits - s0.busy_waits);
    /* The blocker committed first, so it has the smaller id. */
    assert_int_equal(n + 2, u.id);
    assert_int_equal(n + 1, raw_int(f->raw, "SELECT id FROM users WHERE name = 'blocker'"));

    /* In WAL mode a reader does not wait for a writer, and does not see
     * its uncommitted rows. */
    assert_int_equal(SQLITE_OK, raw_exec(b.conn, "BEGIN IMMEDIATE; DELETE FROM users"));
    orm_slice_t s = {0};
    b.calls = 0;
    assert_int_equal(n + 2, orm_find(orm_q(f->db, &user_model), &s));
    orm_slice_free(&user_model, &s);
    assert_int_equal(0, b.calls);
    assert_int_equal(SQLITE_OK, raw_exec(b.conn, "ROLLBACK"));
    sqlite3_close(b.conn);
}

static void test_busy_retries_stop_when_the_busy_function_gives_up(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = (int)ug_rand_below(10);
    seed_users(f, rows, n);
    blocker_t b = {.give_up_at = 1 + (int)ug_rand_below(6)};
    block(f, &b);

    user_t u = {.age = 3};
    assert_int_equal(-EBUSY, orm_create(f->db, &user_model, &u));
    assert_int_equal(b.give_up_at, b.calls);
    assert_int_equal(b.give_up_at, b.last_attempt);
    /* A transaction waits at BEGIN and gives up there the same way. */
    b.calls = 0;
    assert_int_equal(-EBUSY, orm_begin(f->db));
    assert_int_equal(b.give_up_at, b.calls);
    assert_int_equal(1, sqlite3_get_autocommit(f->raw));

    assert_int_equal(SQLITE_OK, raw_exec(b.conn, "ROLLBACK"));
    sqlite3_close(b.conn);
    assert_int_equal(n, raw_int(f->raw, "SELECT count(*) FROM users"));
    /* Nothing is left half-open: the next write simply works. */
    assert_int_equal(0, orm_create(f->db, &user_model, &u));
    assert_int_equal(n + 1, u.id);
}

typedef struct bump {
    int64_t id;
    int64_t seen; /* the age read inside the transaction */
} bump_t;

/* Reads a user's age, then writes age + 1: a read-modify-write. */
static int read_then_bump(orm_db_t *tx, void *arg)
{
    bump_t *p = arg;
    user_t u = {0};
    int rc = orm_first(orm_id(orm_q(tx, &user_model), p->id), &u);
    if (rc)
        return rc;
    p->seen = u.age;
    user_t v = {.id = p->id, .age = u.age + 1};
    rc = orm_updates(orm_q(tx, &user_model), &v);
    return rc < 0 ? rc : 0;
}

static void test_a_transaction_takes_the_write_lock_before_it_reads(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 1 + (int)ug_rand_below(10);
    seed_users(f, rows, n);
    int j = (int)ug_rand_below((uint64_t)n);
    blocker_t b = {.release_at = 1 + (int)ug_rand_below(4)};
    assert_int_equal(SQLITE_OK, sqlite3_open_v2(f->path, &b.conn, SQLITE_OPEN_READWRITE, NULL));
    char sql[128];
    snprintf(sql, sizeof sql, "BEGIN IMMEDIATE; UPDATE users SET age = age + 100 WHERE id = %lld",
             (long long)rows[j].id);
    assert_int_equal(SQLITE_OK, raw_exec(b.conn, sql));
    orm_set_busy(f->db, on_busy, &b);

    /* The other connection's +100 commits while the ORM waits at BEGIN, so
     * the ORM reads it and both increments survive. */
    bump_t p = {.id = rows[j].id};
    assert_int_equal(0, orm_transaction(f->db, read_then_bump, &p));
    assert_int_equal(rows[j].age + 100, p.seen);
    snprintf(sql, sizeof sql, "SELECT age FROM users WHERE id = %lld", (long long)rows[j].id);
    assert_int_equal(rows[j].age + 101, raw_int(f->raw, sql));
    assert_int_equal(b.release_at, b.calls);
    sqlite3_close(b.conn);
}

static void test_reads_see_what_another_connection_committed(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 2 + (int)ug_rand_below(10);
    seed_users(f, rows, n);
    int j = (int)ug_rand_below((uint64_t)n);
    user_t u = {0};
    assert_int_equal(0, orm_first(orm_id(orm_q(f->db, &user_model), rows[j].id), &u));
    assert_int_equal(rows[j].age, u.age);

    sqlite3 *other = NULL;
    assert_int_equal(SQLITE_OK, sqlite3_open_v2(f->path, &other, SQLITE_OPEN_READWRITE, NULL));
    int64_t age = 200 + (int64_t)ug_rand_below(100);
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE users SET age = %lld WHERE id = %lld", (long long)age,
             (long long)rows[j].id);
    assert_int_equal(SQLITE_OK, raw_exec(other, sql));
    assert_int_equal(SQLITE_OK,
                     raw_exec(other, "INSERT INTO users (name, age) VALUES ('other', 7)"));

    orm_slice_t s = {0};
    assert_int_equal(1, orm_find(orm_where_eq(orm_q(f->db, &user_model), "Age", ORM_I(age)), &s));
    orm_slice_free(&user_model, &s);
    assert_int_equal(n + 1, orm_find(orm_q(f->db, &user_model), &s));
    orm_slice_free(&user_model, &s);
    assert_int_equal(0, orm_first(orm_id(orm_q(f->db, &user_model), rows[j].id), &u));
    assert_int_equal(age, u.age);
    sqlite3_close(other);
}

UG_TEST_GROUP(orm_concurrency, NULL, NULL,
              T_DISK(test_a_busy_write_is_retried_until_the_lock_is_released),
              T_DISK(test_busy_retries_stop_when_the_busy_function_gives_up),
              T_DISK(test_a_transaction_takes_the_write_lock_before_it_reads),
              T_DISK(test_reads_see_what_another_connection_committed));
