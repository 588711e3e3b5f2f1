/*
 * stampede.c — a cache stampede and the guard against it.
 *
 * A hot key expires; a hundred readers miss it at once. With plain
 * cache-aside each of them loads it from the database: a hundred identical
 * queries at the worst moment. With the stampede guard (Go's singleflight)
 * the first reader loads and the other ninety-nine wait for its result.
 * The readers are runtime tasks on the virtual clock; a load takes 50 ms
 * of it. The Go original (stampede.go) does the same with goroutines,
 * golang.org/x/sync/singleflight and redigo.
 *
 * Interface: main → plain → guarded.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>
#include <undergo/runtime.h>

#include "cache.h"

enum { READERS = 100 };

static struct {
    cache_t *cache;
    cache_pool_t *pool;
    int loads, ok;
    bool guarded;
    wg_t wg;
} s;

static int load(void *ud, const char *key, cache_buf_t *out)
{
    (void)ud;
    s.loads++;
    clock_sleep(50 * 1000000); /* the database takes 50 ms */
    out->len = 0;
    return cache_buf_append(out, "profile of ", 11) ?: cache_buf_append(out, key, strlen(key));
}

/* Plain cache-aside: GET, and on a miss load and SET, each reader alone. */
static int plain_get(const char *key, cache_buf_t *v)
{
    cache_conn_t *c;
    cache_reply_t r;
    int rc = cache_pool_get(s.pool, &c);
    if (rc < 0)
        return rc;
    rc = cache_call(c, &r, "GET", key, NULL);
    cache_pool_put(s.pool, c);
    bool hit = rc == 0 && r.type == CACHE_STRING;
    cache_reply_free(&r);
    if (hit || rc < 0)
        return rc;
    if ((rc = load(NULL, key, v)) < 0 || (rc = cache_pool_get(s.pool, &c)) < 0)
        return rc;
    rc = cache_call(c, &r, "SET", key, v->data, "PX", "60000", NULL);
    cache_reply_free(&r);
    cache_pool_put(s.pool, c);
    return rc;
}

static void reader(void *arg)
{
    (void)arg;
    cache_buf_t v = {0};
    int rc = s.guarded ? cache_get(s.cache, "user:42", load, NULL, &v) : plain_get("user:42", &v);
    s.ok += rc == 0;
    cache_buf_free(&v);
    wg_done(&s.wg);
}

static void crowd(void *arg)
{
    (void)arg;
    for (int i = 0; i < READERS; i++) {
        wg_add(&s.wg, 1);
        task_spawn(reader, NULL, NULL);
    }
    wg_wait(&s.wg);
}

static int run(demo_t *d, bool guarded)
{
    s.guarded = guarded;
    s.loads = s.ok = 0;
    cache_conn_t *c;
    cache_reply_t r;
    if (!demo_ok(d, cache_pool_get(s.pool, &c), "cache_pool_get"))
        return -1;
    cache_call(c, &r, "DEL", "user:42", NULL); /* the hot key has just expired */
    cache_reply_free(&r);
    cache_pool_put(s.pool, c);
    rt_config_t cfg = {.sched = RT_SCHED_RANDOM, .seed = 7, .wait_all = true};
    int64_t t0 = 0;
    if (!demo_ok(d, rt_run(&cfg, crowd, NULL), "rt_run"))
        return -1;
    (void)t0;
    printf("%d readers, %d got the value, ", READERS, s.ok);
    printf("%s%d load%s%s from the database\n", demo_c(d, s.loads > 1 ? DEMO_RED : DEMO_GREEN),
           s.loads, s.loads == 1 ? "" : "s", demo_c(d, DEMO_RESET));
    return 0;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "cache stampede",
        .about = "a hundred readers miss one key; singleflight lets one of them load it"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "A cache stampede: %d readers miss one hot key at once", READERS);
    cache_server_t srv;
    if (cache_server_start(&srv) < 0) {
        printf("%s\n", cache_server_error());
        return 1;
    }
    cache_config_t cfg = {.ttl_ms = 60000, .jitter_ms = 6000, .negative_ttl_ms = 5000, .seed = 1};
    if (demo_ok(&d, cache_pool_new("127.0.0.1", srv.port, 2, 8, &s.pool), "cache_pool_new") &&
        demo_ok(&d, cache_new(s.pool, &cfg, &s.cache), "cache_new")) {
        demo_step(&d, "Plain cache-aside: GET; on a miss, load and SET");
        if (run(&d, false) == 0) {
            demo_step(&d, "With the stampede guard (cache_get: one load per key, the others wait)");
            run(&d, true);
            demo_step(&d, "Why");
            printf("Every reader missed before the first load finished. singleflight keys the\n"
                   "load by the cache key: the first caller runs it, the others block on its\n"
                   "WaitGroup and share its result and its error.\n");
        }
    }
    cache_free(s.cache);
    cache_pool_free(s.pool);
    cache_server_stop(&srv);
    return demo_end(&d);
}
