/*
 * bench_alloc.h — private interface between the bench harness and its
 * allocation counter (bench_alloc.c).
 *
 * The counter sees every malloc-family call of the bench binary; it adds to
 * its totals only while counting is on, which the harness ties to the bench
 * timer. Totals only grow, so the harness takes snapshots and subtracts.
 *
 * Interface: ug_balloc_count(true) → benchmark runs → ug_balloc_read() →
 * ug_balloc_count(false).
 */
#ifndef UNDERGO_HARNESS_BENCH_ALLOC_H
#define UNDERGO_HARNESS_BENCH_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

/* The counter is linked only into binaries that ask for it
 * (UG_BENCH_COUNT_ALLOCS() in bench.h), so these are weak references: NULL
 * when the binary does not count. */

/* Turns counting on or off for every thread. Can't fail. */
void ug_balloc_count(bool on) __attribute__((weak));

/* Stores the totals counted so far (allocations, requested bytes). */
void ug_balloc_read(uint64_t *allocs, uint64_t *bytes) __attribute__((weak));

/* True when this build really counts (false under ASan/TSan). */
bool ug_balloc_active(void) __attribute__((weak));

#endif
