/*
 * cache_aside.c — the caching patterns over a pool: cache-aside reads
 * with TTL and jitter, negative entries, the stampede guard (every load
 * goes through the singleflight), MGET batches, writes that invalidate,
 * and the owner-only lock.
 *
 * No connection is held while a loader runs: a load may take long and
 * other tasks need the pool meanwhile. The load's result is stored by
 * the one task that ran it, so N waiting readers cost one SET.
 */
#include "cache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

struct cache {
    cache_pool_t *pool;
    cache_config_t cfg;
    uint64_t rng;
    cache_flight_t *flight;
    cache_stats_t st;
};

#if LAB_SOLUTION

static const char unlock_script[] =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
    "else return 0 end";

int cache_new(cache_pool_t *pool, const cache_config_t *cfg, cache_t **out)
{
    if (cfg->ttl_ms < 1 || cfg->jitter_ms < 0 || cfg->negative_ttl_ms < 1)
        return -EINVAL;
    cache_t *c = calloc(1, sizeof *c);
    if (!c)
        return -ENOMEM;
    if (cache_flight_new(&c->flight) < 0) {
        free(c);
        return -ENOMEM;
    }
    c->pool = pool;
    c->cfg = *cfg;
    c->rng = cfg->seed;
    *out = c;
    return 0;
}

void cache_free(cache_t *c)
{
    if (!c)
        return;
    cache_flight_free(c->flight);
    free(c);
}

cache_stats_t cache_stats(const cache_t *c)
{
    return c->st;
}

/* splitmix64: the jitter's numbers, from the configured seed. */
static uint64_t next_rand(cache_t *c)
{
    uint64_t z = (c->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int64_t entry_ttl(cache_t *c, int rc)
{
    if (rc == -ENOENT)
        return c->cfg.negative_ttl_ms;
    uint64_t span = (uint64_t)c->cfg.jitter_ms + 1;
    return c->cfg.ttl_ms + (int64_t)(next_rand(c) % span);
}

/* One command on a pooled connection. */
static int pooled_call(cache_t *c, cache_reply_t *r, int argc, const char *const *argv,
                       const size_t *lens)
{
    cache_conn_t *conn;
    int rc = cache_pool_get(c->pool, &conn);
    if (rc < 0)
        return rc;
    rc = cache_callv(conn, r, argc, argv, lens);
    cache_pool_put(c->pool, conn);
    return rc;
}

/* What a GET's reply holds: 0 (a value, copied to value), -ENOENT (a
 * negative entry), 1 (a miss). */
static int decode_entry(const cache_reply_t *r, cache_buf_t *value)
{
    if (r->type != CACHE_STRING || r->len == 0)
        return 1;
    if (r->len == 1 && r->str[0] == '!')
        return -ENOENT;
    if (r->str[0] != '=')
        return 1;
    value->len = 0;
    return cache_buf_append(value, r->str + 1, r->len - 1);
}

/* Appends the SET that stores a load's outcome rc with its TTL. */
static int append_store(cache_t *c, cache_conn_t *conn, const char *key, int rc,
                        const cache_buf_t *v)
{
    cache_buf_t entry = {0};
    char ttl[24];
    snprintf(ttl, sizeof ttl, "%lld", (long long)entry_ttl(c, rc));
    int err = cache_buf_append(&entry, rc == 0 ? "=" : "!", 1);
    if (err == 0 && rc == 0)
        err = cache_buf_append(&entry, v->data, v->len);
    const char *argv[] = {"SET", key, entry.data, "PX", ttl};
    size_t lens[] = {3, strlen(key), entry.len, 2, strlen(ttl)};
    if (err == 0)
        err = cache_append(conn, 5, argv, lens);
    cache_buf_free(&entry);
    return err;
}

typedef struct load_ctx {
    cache_t *c;
    cache_load_fn load;
    void *ud;
    bool store;
} load_ctx_t;

/* Runs in one task per key at a time: loads, then stores what it found. */
static int load_and_store(void *ud, const char *key, cache_buf_t *out)
{
    load_ctx_t *lc = ud;
    lc->c->st.loads++;
    int rc = lc->load(lc->ud, key, out);
    if (!lc->store || (rc != 0 && rc != -ENOENT))
        return rc;
    cache_conn_t *conn;
    int err = cache_pool_get(lc->c->pool, &conn);
    if (err < 0)
        return rc;
    cache_reply_t r = {0};
    if (append_store(lc->c, conn, key, rc, out) == 0)
        cache_read(conn, &r);
    cache_reply_free(&r);
    cache_pool_put(lc->c->pool, conn);
    return rc;
}

int cache_get(cache_t *c, const char *key, cache_load_fn load, void *ud, cache_buf_t *value)
{
    cache_reply_t r = {0};
    const char *argv[] = {"GET", key};
    int rc = pooled_call(c, &r, 2, argv, NULL);
    if (rc < 0)
        return rc;
    rc = r.type == CACHE_ERROR ? -EIO : decode_entry(&r, value);
    cache_reply_free(&r);
    if (rc <= 0) {
        c->st.hits += rc == 0;
        c->st.negative_hits += rc == -ENOENT;
        return rc;
    }
    c->st.misses++;
    load_ctx_t lc = {c, load, ud, true};
    return cache_flight_do(c->flight, key, load_and_store, &lc, value, NULL);
}

int cache_get_many(cache_t *c, size_t n, const char *const *keys, cache_load_fn load, void *ud,
                   cache_buf_t *values, int *rcs)
{
    if (n == 0)
        return 0;
    const char **argv = malloc((n + 1) * sizeof *argv);
    if (!argv)
        return -ENOMEM;
    argv[0] = "MGET";
    memcpy(argv + 1, keys, n * sizeof *keys);
    cache_reply_t r = {0};
    int rc = pooled_call(c, &r, (int)n + 1, argv, NULL);
    free(argv);
    if (rc == 0 && (r.type != CACHE_ARRAY || r.n != n))
        rc = -EPROTO;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rcs[i] = decode_entry(&r.elem[i], &values[i]);
        c->st.hits += rcs[i] == 0;
        c->st.negative_hits += rcs[i] == -ENOENT;
    }
    cache_reply_free(&r);
    if (rc < 0)
        return rc;
    load_ctx_t lc = {c, load, ud, false};
    bool *store = calloc(n, sizeof *store);
    size_t stores = 0;
    for (size_t i = 0; store && i < n; i++) {
        if (rcs[i] != 1)
            continue;
        c->st.misses++;
        rcs[i] = cache_flight_do(c->flight, keys[i], load_and_store, &lc, &values[i], NULL);
        store[i] = rcs[i] == 0 || rcs[i] == -ENOENT;
        stores += store[i];
    }
    cache_conn_t *conn;
    if (!store || !stores || (rc = cache_pool_get(c->pool, &conn)) < 0) {
        rc = store ? rc : -ENOMEM;
        free(store);
        return rc;
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (store[i])
            rc = append_store(c, conn, keys[i], rcs[i], &values[i]);
    free(store);
    while (rc == 0 && cache_pending(conn)) {
        rc = cache_read(conn, &r);
        cache_reply_free(&r);
    }
    cache_pool_put(c->pool, conn);
    return rc;
}

int cache_invalidate(cache_t *c, const char *key)
{
    cache_reply_t r = {0};
    const char *argv[] = {"DEL", key};
    int rc = pooled_call(c, &r, 2, argv, NULL);
    if (rc == 0)
        rc = r.type == CACHE_INTEGER ? (int)r.integer : -EIO;
    cache_reply_free(&r);
    return rc;
}

int cache_write(cache_t *c, const char *key, int (*write)(void *ud, const char *key), void *ud)
{
    int rc = write(ud, key);
    if (rc < 0)
        return rc;
    rc = cache_invalidate(c, key);
    return rc < 0 ? rc : 0;
}

int cache_lock(cache_t *c, const char *key, int64_t ttl_ms, char token[33])
{
    unsigned char raw[16];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        return -EIO;
    for (int i = 0; i < 16; i++)
        snprintf(token + 2 * i, 3, "%02x", raw[i]);
    char ttl[24];
    snprintf(ttl, sizeof ttl, "%lld", (long long)ttl_ms);
    const char *argv[] = {"SET", key, token, "NX", "PX", ttl};
    cache_reply_t r = {0};
    int rc = pooled_call(c, &r, 6, argv, NULL);
    if (rc == 0)
        rc = r.type == CACHE_STATUS ? 0 : r.type == CACHE_NIL ? -EBUSY : -EIO;
    cache_reply_free(&r);
    return rc;
}

int cache_unlock(cache_t *c, const char *key, const char *token)
{
    const char *argv[] = {"EVAL", unlock_script, "1", key, token};
    cache_reply_t r = {0};
    int rc = pooled_call(c, &r, 5, argv, NULL);
    if (rc == 0)
        rc = r.type != CACHE_INTEGER ? -EIO : r.integer == 1 ? 0 : -EPERM;
    cache_reply_free(&r);
    return rc;
}

#else

int cache_new(cache_pool_t *pool, const cache_config_t *cfg, cache_t **out)
{
    (void)pool, (void)cfg;
    *out = NULL;
    return -ENOSYS;
}

void cache_free(cache_t *c)
{
    free(c);
}

cache_stats_t cache_stats(const cache_t *c)
{
    (void)c;
    return (cache_stats_t){0};
}

int cache_get(cache_t *c, const char *key, cache_load_fn load, void *ud, cache_buf_t *value)
{
    (void)c, (void)key, (void)load, (void)ud, (void)value;
    return -ENOSYS;
}

int cache_get_many(cache_t *c, size_t n, const char *const *keys, cache_load_fn load, void *ud,
                   cache_buf_t *values, int *rcs)
{
    (void)c, (void)n, (void)keys, (void)load, (void)ud, (void)values, (void)rcs;
    return -ENOSYS;
}

int cache_invalidate(cache_t *c, const char *key)
{
    (void)c, (void)key;
    return -ENOSYS;
}

int cache_write(cache_t *c, const char *key, int (*write)(void *ud, const char *key), void *ud)
{
    (void)c, (void)key, (void)write, (void)ud;
    return -ENOSYS;
}

int cache_lock(cache_t *c, const char *key, int64_t ttl_ms, char token[33])
{
    (void)c, (void)key, (void)ttl_ms, (void)token;
    return -ENOSYS;
}

int cache_unlock(cache_t *c, const char *key, const char *token)
{
    (void)c, (void)key, (void)token;
    return -ENOSYS;
}

#endif
