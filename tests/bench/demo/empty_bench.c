/*
 * empty_bench.c — a bench binary without a single benchmark: its link has
 * no "ug_benches" section, so the harness must cope with absent bounds.
 *
 * Interface: run by tests/bench/test_harness.c as empty_bench.
 */
#include <undergo/bench.h>

/* Gives the translation unit something to hold; never read. */
const int empty_bench_unused = 0;
