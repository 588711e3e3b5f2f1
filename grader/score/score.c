/*
 * score.c — correctness, performance and points (see score.h).
 *
 * Interface: score_lab() per lab after its tests and benchmarks ran, then
 * score_run(). The benchmark ratio of a lab is the geometric mean of its
 * benchmarks' median ratios, so no single benchmark dominates.
 */
#include "score.h"

#include "stats.h"

#include <stdlib.h>

double score_performance(double ratio, double target, double floor)
{
    if (!(ratio > 0))
        return 0;
    if (ratio <= target)
        return 1;
    if (ratio >= floor)
        return 0;
    return (floor - ratio) / (floor - target);
}

/* Geometric mean of the benchmarks' ratios; 0 when there are none. */
static double lab_ratio(const lab_result_t *lr)
{
    double *r = calloc(lr->n_benches + 1, sizeof *r);
    if (!r)
        return 0;
    for (size_t i = 0; i < lr->n_benches; i++)
        r[i] = lr->benches[i].ratio;
    double g = stats_geomean(r, lr->n_benches, NULL);
    free(r);
    return g;
}

void score_lab(lab_result_t *lr)
{
    double total = 0, passed = 0;
    for (size_t i = 0; i < lr->n_tests; i++) {
        total += lr->tests[i].weight;
        if (lr->tests[i].verdict == VERDICT_PASS)
            passed += lr->tests[i].weight;
    }
    lr->correctness = total > 0 ? passed / total : 0;
    lr->perf_ratio = lab_ratio(lr);
    lr->perf_measured = lr->perf_ratio > 0;
    bool full = lr->correctness >= 1.0 - 1e-12;
    lr->performance = full && lr->perf_measured
                          ? score_performance(lr->perf_ratio, lr->perf_target, lr->perf_floor)
                          : 0;
    if (lr->perf_measured)
        lr->score = lr->points * ((1 - lr->perf_share) * lr->correctness +
                                  lr->perf_share * lr->performance);
    else
        lr->score = lr->points * lr->correctness;
}

void score_run(run_result_t *r)
{
    r->score = r->max = 0;
    for (size_t i = 0; i < r->n_labs; i++) {
        r->score += r->labs[i].score;
        r->max += r->labs[i].points;
    }
}
