/*
 * lock.c — a lock in Redis, and why releasing it takes a script.
 *
 * A takes the lock with SET lock <token> NX PX ttl, then stalls (a GC
 * pause, a slow call) past the TTL: the lock expires and B takes it. When
 * A wakes up and releases "its" lock with a plain DEL, it deletes B's:
 * now nobody holds the lock and a third client can enter while B still
 * works. Releasing with a compare-and-delete in Lua (one EVAL, atomic on
 * the server) deletes only the owner's token. The expiry is forced with
 * PEXPIREAT in the past, so no waiting is needed. The Go original
 * (lock.go) does the same with redigo.
 *
 * Interface: main → take → with_del → with_eval.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "cache.h"

static cache_conn_t *conn;

static void show_holder(demo_t *d, const char *a, const char *b)
{
    cache_reply_t r;
    cache_call(conn, &r, "GET", "lock:report", NULL);
    const char *who = r.type != CACHE_STRING ? NULL
                      : !strcmp(r.str, a)    ? "A"
                      : !strcmp(r.str, b)    ? "B"
                                             : "?";
    printf("  the lock is held by: %s%s%s\n", demo_c(d, who ? DEMO_GREEN : DEMO_RED),
           who ? who : "nobody", demo_c(d, DEMO_RESET));
    cache_reply_free(&r);
}

/* A takes the lock, stalls past its TTL, B takes it. */
static void take(demo_t *d, cache_t *c, char a[33], char b[33])
{
    cache_reply_t r;
    demo_ok(d, cache_lock(c, "lock:report", 30000, a), "cache_lock (A)");
    printf("A: SET lock:report %.8s… NX PX 30000 → OK\n", a);
    printf("B: SET lock:report … NX PX 30000 → %s\n",
           cache_lock(c, "lock:report", 30000, b) == -EBUSY ? "(nil): A holds it" : "?");
    cache_call(conn, &r, "PEXPIREAT", "lock:report", "1", NULL);
    cache_reply_free(&r);
    printf("A stalls past the TTL; the lock expires\n");
    demo_ok(d, cache_lock(c, "lock:report", 30000, b), "cache_lock (B)");
    printf("B: SET lock:report %.8s… NX PX 30000 → OK\n", b);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "cache lock",
        .about = "SET NX PX takes a lock; only a compare-and-delete releases it safely"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "A Redis lock: SET NX PX to take it, compare-and-delete to release it");
    cache_server_t srv;
    if (cache_server_start(&srv) < 0) {
        printf("%s\n", cache_server_error());
        return 1;
    }
    cache_pool_t *pool = NULL;
    cache_t *c = NULL;
    cache_config_t cfg = {.ttl_ms = 1000, .jitter_ms = 0, .negative_ttl_ms = 1000, .seed = 1};
    char a[33], b[33];
    if (demo_ok(&d, cache_connect("127.0.0.1", srv.port, 2, &conn), "cache_connect") &&
        demo_ok(&d, cache_pool_new("127.0.0.1", srv.port, 2, 2, &pool), "cache_pool_new") &&
        demo_ok(&d, cache_new(pool, &cfg, &c), "cache_new")) {
        demo_step(&d, "Released with a plain DEL");
        take(&d, c, a, b);
        cache_reply_t r;
        cache_call(conn, &r, "DEL", "lock:report", NULL);
        printf("A: DEL lock:report → %lld %s(B's lock, deleted)%s\n", (long long)r.integer,
               demo_c(&d, DEMO_RED), demo_c(&d, DEMO_RESET));
        cache_reply_free(&r);
        show_holder(&d, a, b);

        demo_step(&d, "Released with EVAL: if GET == token then DEL");
        take(&d, c, a, b);
        rc = cache_unlock(c, "lock:report", a);
        printf("A: cache_unlock → %s\n",
               rc == -EPERM ? "-EPERM: not the owner, nothing deleted" : "?");
        show_holder(&d, a, b);
        printf("B: cache_unlock → %s\n",
               cache_unlock(c, "lock:report", b) == 0 ? "0: released" : "?");
        show_holder(&d, a, b);
    }
    cache_free(c);
    cache_pool_free(pool);
    cache_close(conn);
    cache_server_stop(&srv);
    return demo_end(&d);
}
