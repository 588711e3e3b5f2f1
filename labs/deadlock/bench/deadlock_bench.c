/*
 * deadlock_bench.c — the checker's hot and slow paths, timed for grading.
 *
 * BenchmarkAcquireCachedPair: take two locks in order and release them; the
 * chain is cached after the first round, so this is the cost every locked
 * region of a checked program pays. BenchmarkAcquireDeepChain: eight nested
 * locks, cached. BenchmarkNewChains: every op builds a never-seen chain, so
 * it times validation (edges, search) on a growing graph.
 *
 * Interface: setup (a checker and one thread) → the timed loop → dl_free.
 */
#include <stdlib.h>
#include <undergo/bench.h>
#include "deadlock.h"

enum { NLOCKS = 64 };
static int locks[NLOCKS];

static dl_t *setup(dl_thread_t **t) {
    dl_t *d = NULL;
    if (dl_new(0, &d) || dl_thread(d, 1, t)) abort();
    return d;
}

UG_BENCH(BenchmarkAcquireCachedPair) {
    dl_thread_t *t;
    dl_t *d = setup(&t);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        int k = (int)(i % (NLOCKS - 1));
        dl_acquire(t, &locks[k], 0, "outer");
        dl_acquire(t, &locks[k + 1], 0, "inner");
        dl_release(t, &locks[k + 1]);
        dl_release(t, &locks[k]);
    }
    ug_bench_stop_timer(b);
    dl_free(d);
}

UG_BENCH(BenchmarkAcquireDeepChain) {
    dl_thread_t *t;
    dl_t *d = setup(&t);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        int base = (int)(i % (NLOCKS - 8));
        for (int k = 0; k < 8; k++) dl_acquire(t, &locks[base + k], 0, "deep");
        for (int k = 7; k >= 0; k--) dl_release(t, &locks[base + k]);
    }
    ug_bench_stop_timer(b);
    dl_free(d);
}

UG_BENCH(BenchmarkNewChains) {
    enum { MANY = 4096 };
    static int many[MANY];
    dl_thread_t *t;
    dl_t *d = setup(&t);
    uint64_t x = 1;
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        /* ascending pairs of a large pool: mostly new chains, no cycle */
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int lo = (int)((x >> 33) % (MANY - 1));
        int hi = lo + 1 + (int)((x >> 17) % (uint64_t)(MANY - 1 - lo));
        dl_acquire(t, &many[lo], 0, "pool");
        dl_acquire(t, &many[hi], 0, "pool");
        dl_release(t, &many[hi]);
        dl_release(t, &many[lo]);
        if ((i & 8191) == 8191) {   /* keep the graph (and each search) bounded */
            ug_bench_stop_timer(b);
            dl_free(d);
            d = setup(&t);
            ug_bench_start_timer(b);
        }
    }
    ug_bench_stop_timer(b);
    dl_free(d);
}
