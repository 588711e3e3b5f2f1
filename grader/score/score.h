/*
 * score.h — the arithmetic of a lab's score, in one place.
 *
 *   score = points × ((1 − p) · correctness + p · performance)
 *   correctness = passed weight / total weight
 *   performance counts only when correctness is full; otherwise the share p
 *               is forfeited (a failing submission never gains by it)
 *
 * Performance comes from the benchmarks' interleaved rounds: per benchmark
 * the per-round candidate/reference ratios give a median and a 95%
 * confidence interval (order statistics, as benchstat does); the lab's
 * ratio and interval are the geometric means over its benchmarks. Then
 *   performance = 1 when the median ratio is at or below the target,
 *                 0 when it is at or past the floor,
 *                 linear between target and floor.
 * The interval decides only how many rounds run: while it holds the target
 * or the floor, more rounds narrow it (score_needs_rounds). A rule on the
 * interval's lower end would be kinder to noise but, on a shared machine,
 * also to a candidate twice as slow (docs/reviewers.md measures both).
 * A candidate whose own benchmark failed gets 0. When performance was not
 * measured (--no-bench, a lab without samples, the reference's benchmark
 * failing) the share is not added and is reported as not measured: it is
 * never counted as correctness.
 */
#ifndef UNDERGO_SCORE_H
#define UNDERGO_SCORE_H

#include <stdbool.h>

#include "result.h"

/* Performance in [0, 1] for a candidate/reference time ratio. */
double score_performance(double ratio, double target, double floor);

/* What a ratio earned, for reports to show it in those terms. */
typedef enum {
    SCORE_NOT_MEASURED, /* no ratio, or the lab's performance was not measured */
    SCORE_ZERO,
    SCORE_PARTIAL,
    SCORE_FULL,
} score_earned_t;

/* What lab lr's performance earned (performance 1, between, 0, or none). */
score_earned_t score_lab_earned(const lab_result_t *lr);

/* What benchmark b's ratio and interval alone would earn by lr's rule (the
 * one performance is scored by, applied to this benchmark). */
score_earned_t score_bench_earned(const lab_result_t *lr, const bench_result_t *b);

/* "full", "partial", "zero", "not-measured". */
const char *score_earned_name(score_earned_t e);

/* Fills each benchmark's ratio and interval from its samples, then
 * lr->correctness, performance, score and unmeasured. Can't fail. */
void score_lab(lab_result_t *lr);

/* True when more benchmark rounds could change lr's performance: its
 * interval is not finite yet, or holds the target or the floor. */
bool score_needs_rounds(const lab_result_t *lr);

/* Sums the labs into r->score, r->max and r->unmeasured. Can't fail. */
void score_run(run_result_t *r);

#endif
