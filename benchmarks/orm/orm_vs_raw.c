/*
 * orm_vs_raw.c — the orm lab's reference against hand-written prepared
 * statements on the same rows: the ORM/raw ratio of each operation of
 * labs/orm/bench/orm_workload.h (insert, first, find, preload).
 *
 * A shared machine makes two benchmarks timed one after the other
 * disagree by more than the difference being measured. So the two sides
 * run interleaved: rounds of one batch each (ORM then raw, then raw then
 * ORM, ...), a batch lasting about 20 ms; the ratio of each round is its
 * ORM time over its raw time, and the median of the rounds' ratios is the
 * answer (the lab's target: at most 1.10). Inserted rows are deleted after
 * every batch, off the clock, so both sides insert into the same table.
 *
 * Output is Go's benchmark format, one line per side (ns/op the median
 * over rounds) and the ratio as a metric of the ORM's line:
 *
 *   BenchmarkFirst/orm-2   123456   1650 ns/op   1.07 orm/raw
 *   BenchmarkFirst/raw-2   123456   1540 ns/op
 *
 * ORM_VS_RAW_ROUNDS=N (default 15) and ORM_VS_RAW_BATCH_MS=N (default 20)
 * size the run; the ctest smoke run makes both small.
 *
 * Interface: main → calibrate → rounds → print.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "orm_workload.h"

typedef enum op { INSERT, FIRST, FIND, PRELOAD, NOPS } op_t;
static const char *const op_names[NOPS] = {"Insert", "First", "Find", "Preload"};

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static volatile int64_t sink;

/* Runs n operations of op on one side; returns the time they took. */
static double batch(wl_t *w, op_t op, bool orm, uint64_t n)
{
    double t = now_ns();
    for (uint64_t i = 0; i < n; i++) {
        switch (op) {
        case INSERT: sink = orm ? wl_insert_orm(w, i) : wl_insert_raw(w, i); break;
        case FIRST: sink = orm ? wl_first_orm(w) : wl_first_raw(w); break;
        case FIND: orm ? wl_find_orm(w) : wl_find_raw(w); break;
        case PRELOAD: orm ? wl_preload_orm(w) : wl_preload_raw(w); break;
        default: break;
        }
    }
    t = now_ns() - t;
    if (op == INSERT)
        wl_insert_cleanup(w);
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long env_long(const char *name, long def)
{
    const char *s = getenv(name);
    long v = s && *s ? strtol(s, NULL, 10) : 0;
    return v > 0 ? v : def;
}

int main(void)
{
    enum { MAX_ROUNDS = 101 };
    int rounds = (int)env_long("ORM_VS_RAW_ROUNDS", 15);
    if (rounds > MAX_ROUNDS)
        rounds = MAX_ROUNDS;
    double batch_ns = (double)env_long("ORM_VS_RAW_BATCH_MS", 20) * 1e6;
    long procs = sysconf(_SC_NPROCESSORS_ONLN);
    wl_t w = {0};
    wl_setup(&w);
    printf("goos: linux\npkg: undergo/benchmarks/orm\n");
    double ratios[NOPS];
    for (op_t op = 0; op < NOPS; op++) {
        /* Calibrate on the raw side: grow n until one batch lasts batch_ns. */
        uint64_t n = 16;
        for (double t = batch(&w, op, false, n); t < batch_ns && n < (1u << 24);
             t = batch(&w, op, false, n))
            n = t > 0 ? (uint64_t)(n * (batch_ns / t) * 1.1) + 1 : n * 10;
        double r[MAX_ROUNDS], orm_ns[MAX_ROUNDS], raw_ns[MAX_ROUNDS];
        for (int k = 0; k < rounds; k++) {
            bool orm_first = k % 2 == 0;
            double a = batch(&w, op, orm_first, n), b = batch(&w, op, !orm_first, n);
            orm_ns[k] = (orm_first ? a : b) / (double)n;
            raw_ns[k] = (orm_first ? b : a) / (double)n;
            r[k] = orm_ns[k] / raw_ns[k];
        }
        ratios[op] = median(r, rounds);
        uint64_t total = n * (uint64_t)rounds;
        printf("Benchmark%s/orm-%ld\t%10llu\t%10.0f ns/op\t%8.3f orm/raw\n", op_names[op], procs,
               (unsigned long long)total, median(orm_ns, rounds), ratios[op]);
        printf("Benchmark%s/raw-%ld\t%10llu\t%10.0f ns/op\n", op_names[op], procs,
               (unsigned long long)total, median(raw_ns, rounds));
        fflush(stdout);
    }
    printf("PASS\n");
    fprintf(stderr, "orm/raw (median of %d interleaved rounds; target <= 1.10):", rounds);
    for (op_t op = 0; op < NOPS; op++)
        fprintf(stderr, " %s %.2fx", op_names[op], ratios[op]);
    fprintf(stderr, "\n");
    wl_close(&w);
    return 0;
}
