/*
 * conn.c — the client against a real redis-server: TTL answers, pipelined
 * replies in order, errors as values, RESP3's types, a server killed in the
 * middle of a pipeline, and the pool.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_test.h"

static void test_ttl_is_minus_two_when_missing_and_minus_one_without_expiry(void **state)
{
    fix_t *f = fix(state);
    char key[32], ttl[24];
    snprintf(key, sizeof key, "k%llu", (unsigned long long)ug_rand_below(1000));
    long long ms = 100000 + (long long)ug_rand_below(100000);
    snprintf(ttl, sizeof ttl, "%lld", ms);
    assert_int_equal(-2, call_int(f, "TTL", key, NULL));
    assert_int_equal(-2, call_int(f, "PTTL", key, NULL));
    assert_int_equal(CACHE_STATUS, call(f, "SET", key, ttl, NULL)->type);
    assert_string_equal(ttl, call(f, "GET", key, NULL)->str);
    assert_int_equal(-1, call_int(f, "TTL", key, NULL));
    assert_int_equal(-1, call_int(f, "PTTL", key, NULL));
    assert_int_equal(1, call_int(f, "PEXPIRE", key, ttl, NULL));
    int64_t left = call_int(f, "PTTL", key, NULL);
    assert_in_range(left, ms - 60000, ms); /* the server's clock, a minute of slack */
    assert_int_equal(1, call_int(f, "PERSIST", key, NULL));
    assert_int_equal(-1, call_int(f, "PTTL", key, NULL));
    /* An expiry in the past removes the key at once. */
    assert_int_equal(1, call_int(f, "PEXPIREAT", key, "1", NULL));
    assert_int_equal(-2, call_int(f, "PTTL", key, NULL));
    assert_int_equal(CACHE_NIL, call(f, "GET", key, NULL)->type);
}

static void test_pipelined_replies_come_back_in_order(void **state)
{
    fix_t *f = fix(state);
    int n = 100 + (int)ug_rand_below(900);
    char key[32], val[32];
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "p%d", i % 17);
        snprintf(val, sizeof val, "%d", i);
        const char *set[] = {"SET", key, val}, *get[] = {"GET", key}, *incr[] = {"INCR", "ctr"};
        assert_true(cache_append(f->conn, 3, set, NULL) == 0 &&
                    cache_append(f->conn, 2, get, NULL) == 0 &&
                    cache_append(f->conn, 2, incr, NULL) == 0);
    }
    assert_int_equal(3 * n, cache_pending(f->conn));
    int in_order = 0;
    for (int i = 0; i < n; i++) {
        cache_reply_t a, b, c;
        int rc = cache_read(f->conn, &a) | cache_read(f->conn, &b) | cache_read(f->conn, &c);
        in_order += rc == 0 && a.type == CACHE_STATUS && b.type == CACHE_STRING &&
                    atoi(b.str) == i && c.type == CACHE_INTEGER && c.integer == i + 1;
        cache_reply_free(&a);
        cache_reply_free(&b);
        cache_reply_free(&c);
    }
    assert_int_equal(n, in_order);
    assert_int_equal(0, cache_pending(f->conn));
    cache_reply_t r;
    assert_int_equal(-EINVAL, cache_read(f->conn, &r));
}

static void test_a_server_error_is_a_reply_and_the_pipeline_goes_on(void **state)
{
    fix_t *f = fix(state);
    char v[24];
    snprintf(v, sizeof v, "%llu", (unsigned long long)ug_rand_below(100000));
    const char *set[] = {"SET", "s", v}, *push[] = {"LPUSH", "s", "x"}, *get[] = {"GET", "s"},
               *bad[] = {"NOSUCHCOMMAND"};
    cache_append(f->conn, 3, set, NULL);
    cache_append(f->conn, 3, push, NULL);
    cache_append(f->conn, 1, bad, NULL);
    cache_append(f->conn, 2, get, NULL);
    cache_reply_t r[4];
    int rcs = 0;
    for (int i = 0; i < 4; i++)
        rcs |= cache_read(f->conn, &r[i]);
    assert_int_equal(0, rcs);
    assert_int_equal(CACHE_STATUS, r[0].type);
    assert_int_equal(CACHE_ERROR, r[1].type);
    assert_string_equal("WRONGTYPE Operation against a key holding the wrong kind of value",
                        r[1].str);
    assert_int_equal(CACHE_ERROR, r[2].type);
    assert_int_equal(0, strncmp("ERR unknown command", r[2].str, 19));
    assert_int_equal(CACHE_STRING, r[3].type);
    assert_string_equal(v, r[3].str);
    assert_false(cache_broken(f->conn));
    for (int i = 0; i < 4; i++)
        cache_reply_free(&r[i]);
}

static void test_resp3_replies_keep_their_types(void **state)
{
    fix_t *f = fix(state);
    cache_conn_t *c3;
    assert_int_equal(0, cache_connect("127.0.0.1", f->srv.port, 3, &c3));
    int fields = 1 + (int)ug_rand_below(5);
    char name[16], score[24];
    for (int i = 0; i < fields; i++) {
        snprintf(name, sizeof name, "f%d", i);
        call(f, "HSET", "h", name, "1", NULL);
        call(f, "SADD", "set", name, NULL);
    }
    snprintf(score, sizeof score, "%d.5", (int)ug_rand_below(100));
    call(f, "ZADD", "z", score, "m", NULL);
    cache_reply_t r;
    assert_int_equal(0, cache_call(c3, &r, "HGETALL", "h", NULL));
    assert_int_equal(CACHE_MAP, r.type);
    assert_int_equal(fields, r.n);
    cache_reply_free(&r);
    assert_int_equal(0, cache_call(c3, &r, "SMEMBERS", "set", NULL));
    assert_int_equal(CACHE_SET, r.type);
    assert_int_equal(fields, r.n);
    cache_reply_free(&r);
    assert_int_equal(0, cache_call(c3, &r, "ZSCORE", "z", "m", NULL));
    assert_int_equal(CACHE_DOUBLE, r.type);
    assert_int_equal((long long)(2 * atof(score)), (long long)(2 * r.dbl));
    cache_reply_free(&r);
    assert_int_equal(0, cache_call(c3, &r, "GET", "missing", NULL));
    assert_int_equal(CACHE_NIL, r.type);
    cache_reply_free(&r);
    cache_close(c3);
    /* The same hash over RESP2 is a flat array. */
    assert_int_equal(CACHE_ARRAY, call(f, "HGETALL", "h", NULL)->type);
    assert_int_equal(2 * fields, call(f, "HGETALL", "h", NULL)->n);
}

static void test_a_server_killed_mid_pipeline_fails_every_owed_reply(void **state)
{
    fix_t *f = fix(state);
    char v[24];
    snprintf(v, sizeof v, "%llu", (unsigned long long)ug_rand());
    /* The second command blocks the server's answer until it is killed. */
    const char *set[] = {"SET", "a", v}, *block[] = {"BLPOP", "never", "0"}, *get[] = {"GET", "a"};
    int after = 1 + (int)ug_rand_below(5);
    cache_append(f->conn, 3, set, NULL);
    cache_append(f->conn, 3, block, NULL);
    for (int i = 0; i < after; i++)
        cache_append(f->conn, 2, get, NULL);
    cache_reply_t r;
    assert_int_equal(0, cache_read(f->conn, &r));
    assert_int_equal(CACHE_STATUS, r.type);
    cache_reply_free(&r);
    assert_int_equal(0, cache_server_kill(&f->srv));
    int resets = 0;
    for (int i = 0; i < after + 1; i++)
        resets += cache_read(f->conn, &r) == -ECONNRESET;
    assert_int_equal(after + 1, resets);
    assert_true(cache_broken(f->conn));
    assert_non_null(strstr(cache_conn_error(f->conn), "replies owed"));
    const char *ping[] = {"PING"};
    assert_int_equal(-ECONNRESET, cache_append(f->conn, 1, ping, NULL));
}

static void test_the_pool_recovers_after_the_server_restarts(void **state)
{
    fix_t *f = fix(state);
    cache_conn_t *c;
    cache_reply_t r;
    assert_int_equal(0, cache_pool_get(f->pool, &c));
    assert_int_equal(0, cache_call(c, &r, "PING", NULL));
    cache_reply_free(&r);
    cache_pool_put(f->pool, c);
    assert_int_equal(1, cache_pool_stats(f->pool).idle);

    assert_int_equal(0, cache_server_kill(&f->srv));
    assert_int_equal(0, cache_pool_get(f->pool, &c)); /* the idle one: its server is gone */
    assert_int_equal(-ECONNRESET, cache_call(c, &r, "PING", NULL));
    cache_pool_put(f->pool, c);
    cache_pool_stats_t s = cache_pool_stats(f->pool);
    assert_int_equal(0, s.open);
    assert_int_equal(0, s.idle);
    assert_int_equal(-ECONNREFUSED, cache_pool_get(f->pool, &c));

    assert_int_equal(0, cache_server_restart(&f->srv));
    char v[24];
    snprintf(v, sizeof v, "%llu", (unsigned long long)ug_rand());
    assert_int_equal(0, cache_pool_get(f->pool, &c));
    assert_int_equal(0, cache_call(c, &r, "SET", "back", v, NULL));
    cache_reply_free(&r);
    assert_int_equal(0, cache_call(c, &r, "GET", "back", NULL));
    assert_string_equal(v, r.str);
    cache_reply_free(&r);
    cache_pool_put(f->pool, c);
    assert_int_equal(2, cache_pool_stats(f->pool).created);
}

static void test_the_pool_reuses_idle_connections_up_to_its_size(void **state)
{
    fix_t *f = fix(state);
    cache_conn_t *c[5];
    int rounds = 1 + (int)ug_rand_below(5);
    for (int k = 0; k < rounds; k++) {
        for (int i = 0; i < 4; i++)
            assert_int_equal(0, cache_pool_get(f->pool, &c[i]));
        assert_int_equal(-EAGAIN, cache_pool_get(f->pool, &c[4]));
        for (int i = 0; i < 4; i++)
            cache_pool_put(f->pool, c[i]);
    }
    cache_pool_stats_t s = cache_pool_stats(f->pool);
    assert_int_equal(4, s.created);
    assert_int_equal(4, s.idle);
    /* LIFO: the last one given back is the next one lent. */
    cache_conn_t *a, *b;
    cache_pool_get(f->pool, &a);
    cache_pool_put(f->pool, a);
    cache_pool_get(f->pool, &b);
    assert_ptr_equal(a, b);
    /* A connection that still owes replies is not given to someone else. */
    const char *ping[] = {"PING"};
    cache_append(b, 1, ping, NULL);
    cache_flush(b);
    cache_pool_put(f->pool, b);
    assert_int_equal(3, cache_pool_stats(f->pool).open);
}

UG_TEST_GROUP(cache_conn, NULL, NULL,
              T_SERVER(test_ttl_is_minus_two_when_missing_and_minus_one_without_expiry),
              T_SERVER(test_pipelined_replies_come_back_in_order),
              T_SERVER(test_a_server_error_is_a_reply_and_the_pipeline_goes_on),
              T_SERVER(test_resp3_replies_keep_their_types),
              T_SERVER(test_a_server_killed_mid_pipeline_fails_every_owed_reply),
              T_SERVER(test_the_pool_recovers_after_the_server_restarts),
              T_SERVER(test_the_pool_reuses_idle_connections_up_to_its_size));
