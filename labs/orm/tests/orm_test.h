/*
 * orm_test.h — what the orm lab's tests share: two models (users with
 * orders, soft-deleted both), a fixture with a fresh database per test
 * (in memory, or a WAL file in a private directory), a virtual clock, and
 * a look at the database through raw SQLite, independent of the ORM:
 * queries for a number or a text, and a trace that counts the statements
 * the ORM runs.
 *
 * Interface: T_MEM(test) / T_DISK(test) in a UG_TEST_GROUP → fix(state)
 * → seed_users / raw_int / raw_text / trace_reset … → teardown.
 */
#ifndef ORM_TEST_H
#define ORM_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include <undergo/labtest.h>

#include "orm.h"

typedef struct order {
    int64_t id;
    int64_t user_id;
    char item[24];
    double amount;
    int64_t deleted_at;
} order_t;

typedef struct user {
    int64_t id;
    char name[48];
    int64_t age;
    double score;
    bool active;
    int64_t deleted_at;
    orm_slice_t orders; /* has many orders (preload "Orders") */
} user_t;

extern const orm_field_t user_fields[6];
extern const orm_field_t order_fields[5];
extern const orm_model_t user_model;  /* table "users", no hooks */
extern const orm_model_t order_model; /* table "orders", no hooks */

typedef struct fix {
    int rc; /* what opening and migrating answered */
    orm_db_t *db;
    sqlite3 *raw;   /* the ORM's own connection, for raw checks */
    char dir[256];  /* on disk: the private directory */
    char path[300]; /* on disk: the database file */
    int64_t now;    /* the virtual clock, in ns */
    /* the trace */
    unsigned stmts;   /* statements started */
    unsigned selects; /* of them, SELECTs */
    char last[1024];  /* the SQL of the last one */
} fix_t;

int fix_setup_mem(void **state);
int fix_setup_disk(void **state);
int fix_teardown(void **state);

#define T_MEM(name) cmocka_unit_test_setup_teardown(name, fix_setup_mem, fix_teardown)
#define T_DISK(name) cmocka_unit_test_setup_teardown(name, fix_setup_disk, fix_teardown)

/* The fixture of a test; the check that it opened is the test's first.
 * Without a database the test stops there (fail() ends it in every build),
 * rather than run on into SQLite calls on no connection. */
static inline fix_t *fix(void **state)
{
    fix_t *f = *state;
    assert_int_equal(0, f->rc);
    if (f->rc)
        fail_msg("no database: %s (%d)", orm_strerror(f->rc), f->rc);
    return f;
}

/* Opens a second ORM database on the fixture's file (on disk only). */
orm_db_t *fix_open_again(fix_t *f);

/* A single integer from sql run on conn (raw SQLite); fails the test on
 * an error or no row. */
int64_t raw_int(sqlite3 *conn, const char *sql);
/* The first column of the first row as text into buf ("" for NULL). */
void raw_text(sqlite3 *conn, const char *sql, char *buf, size_t size);
/* Runs sql (any number of statements); returns SQLite's code. */
int raw_exec(sqlite3 *conn, const char *sql);

/* Starts counting statements on f's connection from zero. */
void trace_reset(fix_t *f);

/* Creates n users with seeded names, ages, scores and flags through the
 * ORM; fills rows[0..n) (n <= 64) with what was created. */
void seed_users(fix_t *f, user_t *rows, int n);

/* A seeded lowercase word of 3..10 letters into buf (size >= 11). */
void rand_word(char *buf);

/* A fingerprint of every row of table (raw SQL, in rowid order). */
uint64_t table_digest(sqlite3 *conn, const char *table);

#endif
