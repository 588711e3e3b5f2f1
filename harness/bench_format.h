/*
 * bench_format.h — private: one benchmark result and its line in Go's
 * benchmark format, shared by the harness (bench.c) and its tests.
 *
 * Interface: fill a ug_bench_result_t → ug_bench__format_result() → print
 * after the padded name.
 */
#ifndef UNDERGO_HARNESS_BENCH_FORMAT_H
#define UNDERGO_HARNESS_BENCH_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UG_BENCH_MAX_METRICS 8
#define UG_BENCH_UNIT_MAX 32

typedef struct ug_bench_metric {
    double value;
    char unit[UG_BENCH_UNIT_MAX];
} ug_bench_metric_t;

/* What one run of a benchmark measured. */
typedef struct ug_bench_result {
    uint64_t n;             /* iterations */
    uint64_t ns;            /* timed nanoseconds of the run */
    uint64_t bytes_per_op;  /* from ug_bench_set_bytes, 0 if unset */
    uint64_t alloc_bytes;   /* bytes allocated while timed */
    uint64_t allocs;        /* allocations while timed */
    bool memstats;          /* print B/op and allocs/op (the counter is linked) */
    size_t nmetrics;        /* custom metrics, in the order reported */
    ug_bench_metric_t metrics[UG_BENCH_MAX_METRICS];
} ug_bench_result_t;

/* Writes `x unit` right-aligned as Go's testing package does (four
 * significant digits for small values). Returns snprintf's count. */
int ug_bench__format_value(char *buf, size_t len, double x, const char *unit);

/* Writes everything after "Name-P\t": iterations, ns/op, MB/s, custom
 * metrics sorted by unit, then B/op and allocs/op when r->memstats is set
 * or either was reported as a metric (Go prints them only with
 * -benchmem or ReportAllocs); no newline. Returns the length
 * it needed (truncates like snprintf). */
size_t ug_bench__format_result(char *buf, size_t len, const ug_bench_result_t *r);

/* True if `unit` is usable: non-empty, no whitespace, fits the buffer. */
bool ug_bench__unit_ok(const char *unit);

#endif
