/*
 * cache_test.h — what the cache lab's tests share: a fixture with a real
 * redis-server per test (support/cache_server.h: a random port on
 * 127.0.0.1, a temp dir, persistence off, killed and removed after), a
 * pool and a cache over it, a counting loader backed by a small in-memory
 * "database", and a way to run a test body as runtime tasks on the
 * virtual clock with a seeded schedule.
 *
 * Interface: T_SERVER(test) in a UG_TEST_GROUP → fix(state) → call() /
 * call_int() / call_str() on the fixture's own connection → in_tasks() →
 * teardown.
 */
#ifndef CACHE_TEST_H
#define CACHE_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include <undergo/labtest.h>
#include <undergo/runtime.h>

#include "cache.h"

enum { DB_SIZE = 64 };

/* The source of truth the loaders read: key "user:<i>" has value vals[i]
 * when present[i]. */
typedef struct db {
    char vals[DB_SIZE][48];
    bool present[DB_SIZE];
    int loads[DB_SIZE]; /* loader calls per key */
    int total_loads;
    int fail;         /* loader returns this when non-zero */
    int64_t delay_ns; /* virtual time a load takes (clock_sleep) */
} db_t;

typedef struct fix {
    cache_server_t srv;
    cache_pool_t *pool;
    cache_conn_t *conn; /* the fixture's own, for looking at the server */
    cache_t *cache;
    cache_config_t cfg;
    db_t db;
} fix_t;

int fix_setup(void **state);
int fix_teardown(void **state);
#define T_SERVER(t) cmocka_unit_test_setup_teardown(t, fix_setup, fix_teardown)

static inline fix_t *fix(void **state)
{
    return *state;
}

/* A command on the fixture's connection; the reply, owned by the fixture
 * until the next call. Fails the test when the connection fails. */
const cache_reply_t *call(fix_t *f, const char *cmd, ...) __attribute__((sentinel));
/* The integer reply of a command (-1000 when not an integer). */
int64_t call_int(fix_t *f, const char *cmd, ...) __attribute__((sentinel));

/* The number of times the server ran cmd (lowercase), from INFO
 * commandstats: the server's own count, not the client's. */
int64_t server_calls(fix_t *f, const char *cmd);

/* db helpers: key name of row i, the loader. */
void key_of(int i, char *out, size_t cap);
int db_load(void *ud, const char *key, cache_buf_t *out);

/* Runs body(f) as task 1 of a runtime run: seeded random schedule,
 * virtual clock. Returns rt_run's result. */
int in_tasks(fix_t *f, void (*body)(void *f));
rt_config_t task_config(void);

#endif
