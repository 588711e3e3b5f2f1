/*
 * demo_bench.c — a tiny bench binary for the harness's own tests: each
 * benchmark has a known allocation profile, so B/op and allocs/op can be
 * checked exactly, and none depends on speed.
 *
 * Interface: run by tests/bench/test_harness.c as demo_bench_ref [flags].
 */
#include <undergo/bench.h>

#include <stdlib.h>
#include <string.h>

/* The harness tests check B/op and allocs/op exactly. */
UG_BENCH_COUNT_ALLOCS();

/* One 64-byte malloc per op: 64 B/op, 1 allocs/op. */
UG_BENCH(BenchmarkMallocOnce)
{
    for (uint64_t i = 0; i < b->n; i++) {
        char *p = malloc(64);
        ug_bench_keep(p);
        free(p);
    }
}

/* calloc(4, 16) grown by realloc to 128: 192 B/op, 2 allocs/op. */
UG_BENCH(BenchmarkCallocRealloc)
{
    for (uint64_t i = 0; i < b->n; i++) {
        char *p = calloc(4, 16), *q = realloc(p, 128);
        ug_bench_keep(q);
        free(q ? q : p);
    }
}

/* Allocations with the timer stopped, or before a reset, do not count. */
UG_BENCH(BenchmarkAllocOutsideTimer)
{
    char *setup = malloc(1 << 20);

    ug_bench_keep(setup);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        ug_bench_stop_timer(b);
        char *p = malloc(32);
        ug_bench_keep(p);
        free(p);
        ug_bench_start_timer(b);
    }
    free(setup);
}

/* No allocation; MB/s from set_bytes and two custom metrics. */
UG_BENCH(BenchmarkCopyWithMetrics)
{
    static char src[256], dst[256];

    ug_bench_set_bytes(b, sizeof src);
    for (uint64_t i = 0; i < b->n; i++) {
        memcpy(dst, src, sizeof src);
        ug_bench_keep(dst);
    }
    ug_bench_metric(b, 7, "widgets/op");
    ug_bench_metric(b, 0.5, "alpha-ratio");
}
