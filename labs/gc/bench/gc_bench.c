/*
 * gc_bench.c — binary trees on the lab's heap (a small GCBench).
 *
 * One op builds a short-lived binary tree of depth 10 (2047 nodes) and
 * drops it, while a long-lived tree of depth 12 stays reachable; the
 * collector runs as often as GOGC says. The grader times a candidate's
 * heap against the reference on these, full and incremental.
 */
#include <undergo/bench.h>

#include <stddef.h>

#include "gc.h"

typedef struct tnode {
    struct tnode *left, *right;
    long i, j;
} tnode_t;

static const size_t tnode_offsets[] = {offsetof(tnode_t, left), offsetof(tnode_t, right)};
static const gc_type_t tnode_type = {"tnode", sizeof(tnode_t), 2, tnode_offsets};

/* A tree of the given depth, built top-down through the barrier. */
static tnode_t *build(gc_heap_t *h, int depth)
{
    tnode_t *n = gc_alloc(h, &tnode_type);
    if (!n || depth == 0)
        return n;
    gc_root_push(h, (void **)&n);
    gc_write(h, n, 0, build(h, depth - 1));
    gc_write(h, n, 1, build(h, depth - 1));
    gc_root_pop(h);
    return n;
}

static void run(ug_bench_t *b, bool incremental)
{
    gc_config_t c;
    gc_config_default(&c);
    c.heap_min = (size_t)1 << 20;
    c.incremental = incremental;
    gc_heap_t *h;
    if (gc_heap_new(&c, &h) != 0)
        return;
    tnode_t *keep = NULL, *tmp = NULL;
    gc_root_push(h, (void **)&keep);
    gc_root_push(h, (void **)&tmp);
    keep = build(h, 12);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        tmp = build(h, 10);
        ug_bench_keep(tmp);
        tmp = NULL;
    }
    ug_bench_stop_timer(b);
    gc_stats_t st;
    if (gc_stats(h, &st) == 0)
        ug_bench_metric(b, (double)st.pause_max_ns / 1e3, "pause-max-us");
    gc_heap_free(h);
}

UG_BENCH(BenchmarkBinaryTreesFull) { run(b, false); }

UG_BENCH(BenchmarkBinaryTreesIncremental) { run(b, true); }
