/*
 * stats.h — the two summaries every part of the grader shares: the median
 * (of benchmark samples, of per-round ratios) and the geometric mean (of
 * ratios across benchmarks or labs, so no single one dominates).
 */
#ifndef UNDERGO_STATS_H
#define UNDERGO_STATS_H

#include <stddef.h>

/* Median of v[0..n) (n > 0); v is sorted in place. */
double stats_median(double *v, size_t n);

/* Geometric mean of the positive values of v[0..n); 0 when there are none.
 * *used (may be NULL) gets how many were positive. */
double stats_geomean(const double *v, size_t n, size_t *used);

#endif
