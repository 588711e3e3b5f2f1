/*
 * leak_bench.c — what the detector costs: the allocator's bookkeeping on
 * an allocation churn, and one full leak check of a large heap.
 *
 * BenchmarkChurn frees and reallocates one slot of a 1024-slot window per
 * op, with seeded sizes from 16 to 272 bytes: the steady state of a server,
 * where the table's insert and remove are the whole overhead.
 * BenchmarkScan runs leak_check over 200 000 live objects, each pointing to
 * the one before, and 4 000 lost ones; one op is one check. The "found"
 * metric is the lost objects the check reported.
 *
 * Interface: UG_BENCH bodies; scan_world() builds the heap once.
 */
#include <stdlib.h>

#include <undergo/bench.h>

#include "leak.h"

#define WINDOW 1024
#define LIVE 200000
#define LOST 4000

typedef struct obj {
    struct obj *prev;
    uint64_t payload[3];
} obj_t;

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

UG_BENCH(BenchmarkChurn)
{
    static void *slot[WINDOW];
    static size_t size[4096];
    uint64_t s = 1;
    for (size_t i = 0; i < 4096; i++)
        size[i] = 16 + lcg(&s) % 257;
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        size_t j = i & (WINDOW - 1);
        leak_free(slot[j]);
        slot[j] = leak_malloc(size[i & 4095]);
    }
    ug_bench_stop_timer(b);
    for (size_t j = 0; j < WINDOW; j++) {
        leak_free(slot[j]);
        slot[j] = NULL;
    }
}

static obj_t **live;                  /* a root: the array of live objects */

/* Frees the heap at exit: its lost objects are lost on purpose, and a
 * sanitizer build would report them. */
static void scan_world_free(void)
{
    leak_reset();
    live = NULL;
}

/* Builds the heap once: live objects interleaved with lost ones. */
__attribute__((noinline)) static void scan_world(void)
{
    if (live)
        return;
    atexit(scan_world_free);
    uint64_t s = 7;
    live = leak_malloc(LIVE * sizeof *live);
    for (size_t i = 0, lost = 0; i < LIVE; i++) {
        obj_t *o = leak_malloc(sizeof *o);
        o->prev = i ? live[i - 1] : NULL;
        o->payload[0] = lcg(&s);
        o->payload[1] = i;
        o->payload[2] = lcg(&s) << 20;
        live[i] = o;
        if (lost < LOST && i % (LIVE / LOST) == 0) {
            obj_t *gone = leak_malloc(sizeof *gone);
            gone->prev = o;
            lost++;
        }
    }
}

UG_BENCH(BenchmarkScan)
{
    leak_report_t r = {0};
    scan_world();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        leak_report_free(&r);
        leak_check(&r);
    }
    ug_bench_stop_timer(b);
    ug_bench_metric(b, (double)(r.direct_objects + r.indirect_objects), "found");
    leak_report_free(&r);
}
