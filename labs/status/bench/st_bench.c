/*
 * st_bench.c — parse throughput: whole requests, head and body, through
 * st_feed in one piece, parser reset between requests as on a keep-alive
 * connection. Three shapes: a small GET, a browser's GET with a dozen
 * fields, a chunked POST.
 *
 * Interface: bench_parse(b, request) behind each Benchmark.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <undergo/bench.h>

#include "status.h"

UG_BENCH_COUNT_ALLOCS();

#include "st_requests.h"

static void bench_parse(ug_bench_t *b, const char *req, size_t len)
{
    st_parser_t *p = NULL;
    if (st_parser_new(NULL, &p) < 0) {
        fprintf(stderr, "st_parser_new failed\n");
        exit(1);
    }
    ug_bench_set_bytes(b, len);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        size_t used = 0;
        if (st_feed(p, req, len, &used) != ST_DONE || used != len) {
            fprintf(stderr, "the request did not parse (status %d)\n", st_status(p, 0));
            exit(1);
        }
        ug_bench_keep(used);
        st_parser_reset(p);
    }
    st_parser_free(p);
}

UG_BENCH(BenchmarkParseSmall)
{
    bench_parse(b, small, sizeof small - 1);
}

UG_BENCH(BenchmarkParseBrowser)
{
    bench_parse(b, browser, sizeof browser - 1);
}

UG_BENCH(BenchmarkParseChunked)
{
    bench_parse(b, chunked, sizeof chunked - 1);
}
