/*
 * orm_bench.c — the orm lab's benchmarks, in Go's format: each operation
 * of orm_workload.h through the ORM (Benchmark*ORM, the graded ones: a
 * candidate's ORM against the reference's) and by hand (Benchmark*Raw,
 * the yardstick: the lab's target is ORM ≤ 1.1 × raw).
 *
 * For the ORM/raw ratio itself, timed interleaved so that a busy machine
 * slows both alike, run benchmarks/orm (orm_vs_raw).
 *
 * Interface: UG_BENCH functions; main() comes from undergo_bench.
 */
#include <undergo/bench.h>

#include "orm_workload.h"

UG_BENCH_COUNT_ALLOCS();

static wl_t *workload(void)
{
    static wl_t w;
    if (!w.db)
        wl_setup(&w);
    return &w;
}

UG_BENCH(BenchmarkInsertORM)
{
    wl_t *w = workload();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        ug_bench_keep(wl_insert_orm(w, i));
    ug_bench_stop_timer(b);
    wl_insert_cleanup(w);
}

UG_BENCH(BenchmarkInsertRaw)
{
    wl_t *w = workload();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        ug_bench_keep(wl_insert_raw(w, i));
    ug_bench_stop_timer(b);
    wl_insert_cleanup(w);
}

UG_BENCH(BenchmarkFirstORM)
{
    wl_t *w = workload();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        ug_bench_keep(wl_first_orm(w));
}

UG_BENCH(BenchmarkFirstRaw)
{
    wl_t *w = workload();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        ug_bench_keep(wl_first_raw(w));
}

UG_BENCH(BenchmarkFindORM)
{
    wl_t *w = workload();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        wl_find_orm(w);
}

UG_BENCH(BenchmarkFindRaw)
{
    wl_t *w = workload();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        wl_find_raw(w);
}

UG_BENCH(BenchmarkPreloadORM)
{
    wl_t *w = workload();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        wl_preload_orm(w);
}

UG_BENCH(BenchmarkPreloadRaw)
{
    wl_t *w = workload();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        wl_preload_raw(w);
}
