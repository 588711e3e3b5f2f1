/*
 * score.h — the arithmetic of a lab's score, in one place.
 *
 *   score = points × ((1 − p) · correctness + p · performance)
 *   correctness = passed weight / total weight
 *   performance = 1 at ratio ≤ target, 0 at ratio ≥ floor, linear between;
 *                 it counts only when correctness is full.
 *
 * When performance was not measured (--no-bench, or a lab without
 * benchmarks) the score is points × correctness.
 */
#ifndef UNDERGO_SCORE_H
#define UNDERGO_SCORE_H

#include "result.h"

/* Performance in [0, 1] for a candidate/reference time ratio. */
double score_performance(double ratio, double target, double floor);


/* Fills lr->correctness, lr->performance and lr->score from its tests and
 * benchmarks. Can't fail. */
void score_lab(lab_result_t *lr);

/* Sums the labs into r->score and r->max. Can't fail. */
void score_run(run_result_t *r);

#endif
