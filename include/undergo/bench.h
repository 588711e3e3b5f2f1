/*
 * bench.h — benchmarks in the spirit of Go's testing.B.
 *
 * A benchmark is a function that does its operation b->n times. The
 * harness grows b->n until one run lasts -benchtime (default 1s), then
 * prints one line in Go's benchmark format, which benchstat reads as is:
 *
 *   BenchmarkAssertCached-2   51234567   23.4 ns/op   0 B/op   0 allocs/op
 *
 * Interface: UG_BENCH(BenchmarkName) { for (uint64_t i = 0; i < b->n; i++) ...; }
 * in any file of a lab's bench/ folder; main() comes from undergo_bench.
 * Optional: ug_bench_reset_timer / stop / start around set-up work,
 * ug_bench_set_bytes for MB/s, ug_bench_metric for custom units.
 *
 * The bench binary understands Go's flags: -bench REGEX (default "."),
 * -benchtime 1s | 500ms | 1000x, -count N, -list; and -variant NAME (a
 * configuration line).
 *
 * B/op and allocs/op: a bench source that writes UG_BENCH_COUNT_ALLOCS()
 * (once, at file scope) links the harness's malloc interposer into its
 * binary, which then counts every malloc-family call between the timer's
 * start and stop and prints both columns, as Go's ReportAllocs does. It
 * replaces the malloc of the whole process, so a bench that measures an
 * allocator (glibc's, jemalloc) leaves it out and reports no memory columns.
 */
#ifndef UNDERGO_BENCH_H
#define UNDERGO_BENCH_H

#include <stdint.h>

typedef struct ug_bench {
    /* public */
    uint64_t n;          /* iterations to run; set by the harness */
    /* private */
    struct ug_bench__state *st;
} ug_bench_t;

typedef void (*ug_bench_fn)(ug_bench_t *b);

typedef struct ug_bench_def {
    const char *name;    /* "BenchmarkX": must start with "Benchmark" */
    ug_bench_fn fn;
} ug_bench_def_t;

/* Defines and registers a benchmark function named `name`. */
#define UG_BENCH(name)                                                        \
    static void name(ug_bench_t *b);                                          \
    static const ug_bench_def_t ug__bdef_##name = {#name, name};              \
    static const ug_bench_def_t *const ug__bdefp_##name                       \
        __attribute__((used, section("ug_benches"))) = &ug__bdef_##name;      \
    static void name(ug_bench_t *b)

/* Opts this bench binary into B/op and allocs/op (see above). */
#define UG_BENCH_COUNT_ALLOCS()                                               \
    extern const int ug__bench_alloc_counter;                                 \
    __attribute__((used)) static const int *const ug__bench_counts_allocs =   \
        &ug__bench_alloc_counter

/* Zeroes elapsed time and allocation counts; the timer keeps running. */
void ug_bench_reset_timer(ug_bench_t *b);
/* Stops the timer (and allocation counting), e.g. around set-up. */
void ug_bench_stop_timer(ug_bench_t *b);
/* Restarts a stopped timer. */
void ug_bench_start_timer(ug_bench_t *b);
/* Bytes processed per op; the line then shows MB/s as Go does. */
void ug_bench_set_bytes(ug_bench_t *b, uint64_t bytes_per_op);
/* Adds a custom metric to the line, e.g. (b, pause_ns, "pause-max-ns"). */
void ug_bench_metric(ug_bench_t *b, double value, const char *unit);

/* Keeps the compiler from deleting a computation whose result is unused. */
#define ug_bench_keep(x) __asm__ volatile("" : : "g"(x) : "memory")

#endif
