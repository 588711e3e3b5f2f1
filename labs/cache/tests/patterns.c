/*
 * patterns.c — the caching patterns against a real server: cache-aside
 * with TTL and jitter, negative entries, errors not cached, expiry, the
 * stampede guard on runtime tasks (virtual clock, seeded schedule), writes
 * that invalidate, MGET batches and the owner-only lock. What is stored is
 * read back raw through the fixture's connection; how often the server ran
 * a command comes from its own INFO commandstats.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_test.h"

/* A row the db has (or lacks, with want_present false). */
static int pick_row(fix_t *f, bool want_present)
{
    for (;;) {
        int i = (int)ug_rand_below(DB_SIZE);
        if (f->db.present[i] == want_present)
            return i;
    }
}

static void test_a_miss_loads_once_and_stores_with_ttl_and_jitter(void **state)
{
    fix_t *f = fix(state);
    int i = pick_row(f, true);
    char key[32], stored[64];
    key_of(i, key, sizeof key);
    cache_buf_t v = {0};
    int reads = 2 + (int)ug_rand_below(5), rcs = 0, same = 0;
    for (int k = 0; k < reads; k++) {
        rcs |= cache_get(f->cache, key, db_load, &f->db, &v);
        same += v.data && !strcmp(v.data, f->db.vals[i]);
    }
    assert_int_equal(0, rcs);
    assert_int_equal(reads, same);
    assert_int_equal(1, f->db.loads[i]);
    cache_stats_t st = cache_stats(f->cache);
    assert_int_equal(reads - 1, st.hits);
    assert_int_equal(1, st.misses);
    snprintf(stored, sizeof stored, "=%s", f->db.vals[i]);
    assert_string_equal(stored, call(f, "GET", key, NULL)->str);
    int64_t left = call_int(f, "PTTL", key, NULL);
    assert_in_range(left, f->cfg.ttl_ms - 30000, f->cfg.ttl_ms + f->cfg.jitter_ms);
    assert_int_equal(1, server_calls(f, "set"));
    cache_buf_free(&v);
}

static void test_jitter_spreads_expiry_over_the_window(void **state)
{
    fix_t *f = fix(state);
    int n = 20 + (int)ug_rand_below(20), in_window = 0, rcs = 0;
    int64_t lo = INT64_MAX, hi = 0;
    cache_buf_t v = {0};
    for (int i = 0; i < DB_SIZE; i++)
        f->db.present[i] = true;
    for (int i = 0; i < n; i++) {
        char key[32];
        key_of(i, key, sizeof key);
        rcs |= cache_get(f->cache, key, db_load, &f->db, &v);
        int64_t left = call_int(f, "PTTL", key, NULL);
        in_window += left > f->cfg.ttl_ms - 30000 && left <= f->cfg.ttl_ms + f->cfg.jitter_ms;
        lo = left < lo ? left : lo;
        hi = left > hi ? left : hi;
    }
    assert_int_equal(0, rcs);
    assert_int_equal(n, in_window);
    /* Spread: n draws over 60 s do not all land within 5 s of each other. */
    assert_int_equal(1, hi - lo > 5000);
    cache_buf_free(&v);
}

static void test_not_found_is_cached_for_the_negative_ttl(void **state)
{
    fix_t *f = fix(state);
    int i = pick_row(f, false);
    char key[32];
    key_of(i, key, sizeof key);
    cache_buf_t v = {0};
    int reads = 2 + (int)ug_rand_below(5), notfound = 0;
    for (int k = 0; k < reads; k++)
        notfound += cache_get(f->cache, key, db_load, &f->db, &v) == -ENOENT;
    assert_int_equal(reads, notfound);
    assert_int_equal(1, f->db.loads[i]);
    assert_int_equal(reads - 1, cache_stats(f->cache).negative_hits);
    assert_string_equal("!", call(f, "GET", key, NULL)->str);
    int64_t left = call_int(f, "PTTL", key, NULL);
    assert_in_range(left, f->cfg.negative_ttl_ms - 20000, f->cfg.negative_ttl_ms);
    /* The row appears; the negative entry hides it until it expires. */
    f->db.present[i] = true;
    assert_int_equal(-ENOENT, cache_get(f->cache, key, db_load, &f->db, &v));
    call(f, "PEXPIREAT", key, "1", NULL);
    assert_int_equal(0, cache_get(f->cache, key, db_load, &f->db, &v));
    assert_string_equal(f->db.vals[i], v.data);
    assert_int_equal(2, f->db.loads[i]);
    cache_buf_free(&v);
}

static void test_loader_errors_are_not_cached(void **state)
{
    fix_t *f = fix(state);
    int i = pick_row(f, true);
    char key[32];
    key_of(i, key, sizeof key);
    cache_buf_t v = {0};
    static const int errs[] = {-EIO, -ETIMEDOUT, -ECONNREFUSED};
    f->db.fail = errs[ug_rand_below(3)];
    assert_int_equal(f->db.fail, cache_get(f->cache, key, db_load, &f->db, &v));
    assert_int_equal(-2, call_int(f, "PTTL", key, NULL));
    f->db.fail = 0;
    assert_int_equal(0, cache_get(f->cache, key, db_load, &f->db, &v));
    assert_string_equal(f->db.vals[i], v.data);
    assert_int_equal(2, f->db.loads[i]);
    cache_buf_free(&v);
}

static void test_an_expired_entry_is_loaded_again(void **state)
{
    fix_t *f = fix(state);
    int i = pick_row(f, true);
    char key[32];
    key_of(i, key, sizeof key);
    cache_buf_t v = {0};
    assert_int_equal(0, cache_get(f->cache, key, db_load, &f->db, &v));
    snprintf(f->db.vals[i], sizeof f->db.vals[i], "new %llu", (unsigned long long)ug_rand());
    assert_int_equal(0, cache_get(f->cache, key, db_load, &f->db, &v));
    assert_int_equal(1, f->db.loads[i]);  /* still the old value, cached */
    call(f, "PEXPIREAT", key, "1", NULL); /* the server expires it now */
    assert_int_equal(0, cache_get(f->cache, key, db_load, &f->db, &v));
    assert_string_equal(f->db.vals[i], v.data);
    assert_int_equal(2, f->db.loads[i]);
    cache_buf_free(&v);
}

/* ---- the stampede guard ---------------------------------------------------------- */

enum { MAX_READERS = 40 };

typedef struct crowd {
    fix_t *f;
    int n, keys;
    int rcs[MAX_READERS];
    bool same[MAX_READERS];
    wg_t wg;
} crowd_t;

static crowd_t crowd;

static void reader(void *arg)
{
    int r = (int)(intptr_t)arg;
    char key[32];
    key_of(r % crowd.keys, key, sizeof key);
    cache_buf_t v = {0};
    crowd.rcs[r] = cache_get(crowd.f->cache, key, db_load, &crowd.f->db, &v);
    crowd.same[r] = crowd.rcs[r] == 0 && !strcmp(v.data, crowd.f->db.vals[r % crowd.keys]);
    cache_buf_free(&v);
    wg_done(&crowd.wg);
}

static void stampede(void *arg)
{
    (void)arg;
    for (int r = 0; r < crowd.n; r++) {
        wg_add(&crowd.wg, 1);
        task_spawn(reader, (void *)(intptr_t)r, NULL);
    }
    wg_wait(&crowd.wg);
}

static void run_crowd(fix_t *f, int n, int keys)
{
    crowd = (crowd_t){.f = f, .n = n, .keys = keys};
    for (int i = 0; i < keys; i++)
        f->db.present[i] = true;
    f->db.delay_ns = 5 * 1000000; /* 5 ms of virtual time per load */
    assert_int_equal(0, in_tasks(f, stampede));
}

static void test_concurrent_misses_of_one_key_run_one_load(void **state)
{
    fix_t *f = fix(state);
    int n = 10 + (int)ug_rand_below(MAX_READERS - 10);
    run_crowd(f, n, 1);
    int ok = 0;
    for (int r = 0; r < n; r++)
        ok += crowd.rcs[r] == 0 && crowd.same[r];
    assert_int_equal(n, ok);
    assert_int_equal(1, f->db.loads[0]);
    assert_int_equal(1, server_calls(f, "set"));

    /* Three keys, three loads, however the readers interleave. */
    call(f, "FLUSHALL", NULL);
    memset(f->db.loads, 0, sizeof f->db.loads);
    run_crowd(f, n, 3);
    ok = 0;
    for (int r = 0; r < n; r++)
        ok += crowd.same[r];
    assert_int_equal(n, ok);
    assert_int_equal(3, f->db.loads[0] + f->db.loads[1] + f->db.loads[2]);
}

static void test_a_load_error_is_shared_by_its_waiters_then_forgotten(void **state)
{
    fix_t *f = fix(state);
    int n = 5 + (int)ug_rand_below(20);
    f->db.fail = -ETIMEDOUT;
    run_crowd(f, n, 1);
    int timedout = 0;
    for (int r = 0; r < n; r++)
        timedout += crowd.rcs[r] == -ETIMEDOUT;
    assert_int_equal(n, timedout);
    assert_int_equal(1, f->db.loads[0]);
    /* Forgotten: the next miss loads again, and now succeeds. */
    f->db.fail = 0;
    run_crowd(f, n, 1);
    int ok = 0;
    for (int r = 0; r < n; r++)
        ok += crowd.same[r];
    assert_int_equal(n, ok);
    assert_int_equal(2, f->db.loads[0]);

    /* singleflight's own word: every caller shared one result. */
    cache_flight_t *g;
    assert_int_equal(0, cache_flight_new(&g));
    cache_buf_t v = {0};
    bool shared = true;
    f->db.delay_ns = 0;
    assert_int_equal(0, cache_flight_do(g, "user:0", db_load, &f->db, &v, &shared));
    assert_false(shared);
    assert_string_equal(f->db.vals[0], v.data);
    cache_buf_free(&v);
    cache_flight_free(g);
}

/* ---- writes, batches, the lock ------------------------------------------------------ */

typedef struct writer {
    db_t *db;
    const char *val;
    int calls;
    bool cached_during_write;
    fix_t *f;
} writer_t;

static int write_row(void *ud, const char *key)
{
    writer_t *w = ud;
    w->calls++;
    w->cached_during_write = call_int(w->f, "EXISTS", key, NULL) == 1;
    snprintf(w->db->vals[atoi(key + 5)], sizeof w->db->vals[0], "%s", w->val);
    w->db->present[atoi(key + 5)] = true;
    return 0;
}

static int failing_write(void *ud, const char *key)
{
    (void)ud, (void)key;
    return -EROFS;
}

static void test_a_write_invalidates_and_the_next_read_loads_the_new_value(void **state)
{
    fix_t *f = fix(state);
    int i = pick_row(f, true);
    char key[32], val[32];
    key_of(i, key, sizeof key);
    snprintf(val, sizeof val, "v%llu", (unsigned long long)ug_rand());
    cache_buf_t v = {0};
    assert_int_equal(0, cache_get(f->cache, key, db_load, &f->db, &v));
    writer_t w = {&f->db, val, 0, false, f};
    assert_int_equal(0, cache_write(f->cache, key, write_row, &w));
    assert_int_equal(1, w.calls);
    assert_true(w.cached_during_write); /* the source first, then the cache */
    assert_int_equal(0, call_int(f, "EXISTS", key, NULL));
    assert_int_equal(0, cache_get(f->cache, key, db_load, &f->db, &v));
    assert_string_equal(val, v.data);
    assert_int_equal(2, f->db.loads[i]);
    /* A failed write leaves the cache alone. */
    assert_int_equal(-EROFS, cache_write(f->cache, key, failing_write, NULL));
    assert_int_equal(1, call_int(f, "EXISTS", key, NULL));
    assert_int_equal(1, cache_invalidate(f->cache, key));
    assert_int_equal(0, cache_invalidate(f->cache, key));
    cache_buf_free(&v);
}

typedef struct batch {
    fix_t *f;
    int n;
    const char *keys[DB_SIZE];
    char names[DB_SIZE][16];
    cache_buf_t vals[DB_SIZE];
    int rcs[DB_SIZE];
    int rc;
} batch_t;

static batch_t batch;

static void get_batch(void *arg)
{
    (void)arg;
    batch.rc = cache_get_many(batch.f->cache, (size_t)batch.n, batch.keys, db_load, &batch.f->db,
                              batch.vals, batch.rcs);
}

static void test_a_batch_is_read_with_one_mget(void **state)
{
    fix_t *f = fix(state);
    batch = (batch_t){.f = f, .n = 10 + (int)ug_rand_below(DB_SIZE - 10)};
    int cached = 0, want_ok = 0, want_missing = 0;
    cache_buf_t v = {0};
    for (int i = 0; i < batch.n; i++) {
        key_of(i, batch.names[i], sizeof batch.names[i]);
        batch.keys[i] = batch.names[i];
        want_ok += f->db.present[i];
        want_missing += !f->db.present[i];
        if (ug_rand_below(3) == 0) { /* some are cached already */
            cache_get(f->cache, batch.names[i], db_load, &f->db, &v);
            cached++;
        }
    }
    int64_t gets = server_calls(f, "get"), sets = server_calls(f, "set");
    assert_int_equal(0, in_tasks(f, get_batch));
    assert_int_equal(0, batch.rc);
    int ok = 0, missing = 0, right = 0;
    for (int i = 0; i < batch.n; i++) {
        ok += batch.rcs[i] == 0;
        missing += batch.rcs[i] == -ENOENT;
        right += batch.rcs[i] == 0 && !strcmp(batch.vals[i].data, f->db.vals[i]);
        cache_buf_free(&batch.vals[i]);
    }
    assert_int_equal(want_ok, ok);
    assert_int_equal(want_missing, missing);
    assert_int_equal(want_ok, right);
    assert_int_equal(1, server_calls(f, "mget"));
    assert_int_equal(0, server_calls(f, "get") - gets);
    assert_int_equal(batch.n - cached, server_calls(f, "set") - sets);
    assert_int_equal(batch.n, f->db.total_loads); /* each key loaded once, ever */
    cache_buf_free(&v);
}

static void test_the_lock_is_exclusive_and_released_only_by_its_owner(void **state)
{
    fix_t *f = fix(state);
    char key[32], a[33], b[33], ttl[24];
    snprintf(key, sizeof key, "lock:%llu", (unsigned long long)ug_rand_below(1000));
    int64_t ms = 10000 + (int64_t)ug_rand_below(50000);
    assert_int_equal(0, cache_lock(f->cache, key, ms, a));
    assert_int_equal(32, strlen(a));
    assert_int_equal(0, strcmp(a, call(f, "GET", key, NULL)->str));
    assert_in_range(call_int(f, "PTTL", key, NULL), ms - 9000, ms);
    int tries = 1 + (int)ug_rand_below(4), busy = 0;
    for (int i = 0; i < tries; i++)
        busy += cache_lock(f->cache, key, ms, b) == -EBUSY;
    assert_int_equal(tries, busy);
    assert_int_equal(-EPERM, cache_unlock(f->cache, key, "not-the-owner"));
    assert_int_equal(1, call_int(f, "EXISTS", key, NULL));
    assert_int_equal(0, cache_unlock(f->cache, key, a));
    assert_int_equal(0, call_int(f, "EXISTS", key, NULL));
    assert_int_equal(-EPERM, cache_unlock(f->cache, key, a)); /* once */

    /* A's lock expires and B takes it: A's late release must not free B's. */
    assert_int_equal(0, cache_lock(f->cache, key, ms, a));
    call(f, "PEXPIREAT", key, "1", NULL);
    assert_int_equal(0, cache_lock(f->cache, key, ms, b));
    assert_int_equal(1, strcmp(a, b) != 0);
    assert_int_equal(-EPERM, cache_unlock(f->cache, key, a));
    assert_int_equal(0, strcmp(b, call(f, "GET", key, NULL)->str));
    assert_int_equal(1, server_calls(f, "eval") >= 2);
    snprintf(ttl, sizeof ttl, "%lld", (long long)ms);
    assert_int_equal(0, cache_unlock(f->cache, key, b));
    assert_int_equal(-2, call_int(f, "PTTL", key, NULL));
}

UG_TEST_GROUP(cache_patterns, NULL, NULL,
              T_SERVER(test_a_miss_loads_once_and_stores_with_ttl_and_jitter),
              T_SERVER(test_jitter_spreads_expiry_over_the_window),
              T_SERVER(test_not_found_is_cached_for_the_negative_ttl),
              T_SERVER(test_loader_errors_are_not_cached),
              T_SERVER(test_an_expired_entry_is_loaded_again),
              T_SERVER(test_concurrent_misses_of_one_key_run_one_load),
              T_SERVER(test_a_load_error_is_shared_by_its_waiters_then_forgotten),
              T_SERVER(test_a_write_invalidates_and_the_next_read_loads_the_new_value),
              T_SERVER(test_a_batch_is_read_with_one_mget),
              T_SERVER(test_the_lock_is_exclusive_and_released_only_by_its_owner));
