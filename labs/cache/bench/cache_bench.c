/*
 * cache_bench.c — the client's speed: pipelined SET and GET against a
 * real redis-server (batches of 16, as redis-benchmark -P 16 sends them),
 * and the parser alone on a buffer of GET replies. One op is one command
 * and its reply. The server is started once per process (its launcher is
 * support/cache_server.c) and stopped at exit.
 *
 * benchmarks/cache/cache_vs_hiredis runs the same pipelines with hiredis
 * and redis-benchmark in one run and prints the ratios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <undergo/bench.h>

#include "cache.h"

enum { DEPTH = 16, KEYS = 1000 };

static cache_server_t srv;
static cache_conn_t *conn;

static void stop(void)
{
    cache_close(conn);
    cache_server_stop(&srv);
}

static cache_conn_t *connection(void)
{
    if (conn)
        return conn;
    if (cache_server_start(&srv) < 0 || cache_connect("127.0.0.1", srv.port, 2, &conn) < 0) {
        fprintf(stderr, "cache_bench: %s\n", cache_server_error());
        exit(1);
    }
    atexit(stop);
    return conn;
}

/* n commands in pipelines of DEPTH: SET key:i <64 bytes> or GET key:i. */
static void pipelined(ug_bench_t *b, bool set)
{
    cache_conn_t *c = connection();
    static const char value[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    char keys[DEPTH][16];
    for (uint64_t done = 0; done < b->n;) {
        uint64_t k = b->n - done < DEPTH ? b->n - done : DEPTH;
        for (uint64_t j = 0; j < k; j++) {
            int len = snprintf(keys[j], sizeof keys[j], "key:%llu",
                               (unsigned long long)((done + j) % KEYS));
            const char *argv[] = {set ? "SET" : "GET", keys[j], value};
            size_t lens[] = {3, (size_t)len, 64};
            cache_append(c, set ? 3 : 2, argv, lens);
        }
        for (uint64_t j = 0; j < k; j++) {
            cache_reply_t r;
            if (cache_read(c, &r) < 0) {
                fprintf(stderr, "cache_bench: %s\n", cache_conn_error(c));
                exit(1);
            }
            cache_reply_free(&r);
        }
        done += k;
    }
}

UG_BENCH(BenchmarkPipelinedSet)
{
    connection();
    ug_bench_reset_timer(b);
    pipelined(b, true);
}

UG_BENCH(BenchmarkPipelinedGet)
{
    ug_bench_t warm = *b;
    warm.n = KEYS;
    pipelined(&warm, true); /* every key present */
    ug_bench_reset_timer(b);
    pipelined(b, false);
}

UG_BENCH(BenchmarkParseReplies)
{
    char reply[128];
    int len = snprintf(reply, sizeof reply, "$64\r\n%064d\r\n", 7);
    cache_parser_t p = {0};
    for (uint64_t i = 0; i < b->n; i++) {
        cache_reply_t r;
        cache_parser_feed(&p, reply, (size_t)len);
        cache_parser_next(&p, &r);
        ug_bench_keep(r.len);
        cache_reply_free(&r);
    }
    cache_parser_free(&p);
}
