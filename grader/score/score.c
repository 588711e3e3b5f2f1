/*
 * score.c — correctness, performance and points (see score.h).
 *
 * Interface: score_lab() per lab after its tests and benchmarks ran (the
 * bench stage also asks score_needs_rounds() between rounds), then
 * score_run().
 */
#include "score.h"

#include <stdlib.h>

#include "benchstat.h"
#include "stats.h"

#define FULL_EPS 1e-12

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

/* One benchmark's median ratio and 95% interval from its rounds. */
static void bench_ratio(bench_result_t *b)
{
    double *r = calloc(b->n + 1, sizeof *r);
    size_t k = 0;
    for (size_t j = 0; r && j < b->n; j++)
        if (b->reference[j] > 0 && b->candidate[j] > 0)
            r[k++] = b->candidate[j] / b->reference[j];
    benchstat_summary_t s;
    if (k && benchstat_summarize(r, k, 0.95, &s) == 0) {
        b->ratio = s.center;
        b->ratio_lo = s.ci_finite ? s.lo : 0;
        b->ratio_hi = s.ci_finite ? s.hi : 0;
    } else {
        b->ratio = b->ratio_lo = b->ratio_hi = 0;
    }
    free(r);
}

/* The lab's ratio and interval: geometric means over its benchmarks. */
static void lab_ratio(lab_result_t *lr)
{
    double *c = calloc(3 * lr->n_benches + 1, sizeof *c), *lo = c + lr->n_benches,
           *hi = lo + lr->n_benches;
    size_t used = 0, used_ci = 0;
    for (size_t i = 0; c && i < lr->n_benches; i++) {
        bench_ratio(&lr->benches[i]);
        c[i] = lr->benches[i].ratio;
        lo[i] = lr->benches[i].ratio_lo;
        hi[i] = lr->benches[i].ratio_hi;
    }
    lr->perf_ratio = c ? stats_geomean(c, lr->n_benches, &used) : 0;
    double l = c ? stats_geomean(lo, lr->n_benches, &used_ci) : 0;
    bool ci = used && used_ci == used;
    lr->perf_lo = ci ? l : 0;
    lr->perf_hi = ci ? stats_geomean(hi, lr->n_benches, NULL) : 0;
    free(c);
}

/* Performance from a median ratio, the rule of score.h: full at or below
 * the target, none at or past the floor, linear between. The interval only
 * decides how many rounds are run (score_needs_rounds): on a shared machine
 * it is wide enough to reach a target twice the reference's time away,
 * while the median stays within a fifth of it. */
static double perf_of(double ratio, double target, double floor)
{
    return score_performance(ratio, target, floor);
}

static double performance(const lab_result_t *lr)
{
    if (lr->perf_failed)
        return 0;
    return perf_of(lr->perf_ratio, lr->perf_target, lr->perf_floor);
}

static score_earned_t earned(double perf)
{
    return perf >= 1 ? SCORE_FULL : perf > 0 ? SCORE_PARTIAL : SCORE_ZERO;
}

score_earned_t score_lab_earned(const lab_result_t *lr)
{
    return lr->perf_measured ? earned(lr->performance) : SCORE_NOT_MEASURED;
}

score_earned_t score_bench_earned(const lab_result_t *lr, const bench_result_t *b)
{
    if (lr->perf_failed)
        return SCORE_ZERO;
    if (!lr->perf_measured || !(b->ratio > 0))
        return SCORE_NOT_MEASURED;
    return earned(perf_of(b->ratio, lr->perf_target, lr->perf_floor));
}

const char *score_earned_name(score_earned_t e)
{
    static const char *const names[] = {"not-measured", "zero", "partial", "full"};
    return (unsigned)e < sizeof names / sizeof *names ? names[e] : "not-measured";
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
    lab_ratio(lr);
    lr->perf_measured = lr->perf_failed || lr->perf_ratio > 0;
    bool full = lr->correctness >= 1.0 - FULL_EPS;
    lr->performance = full && lr->perf_measured ? performance(lr) : 0;
    lr->score = lr->points * (1 - lr->perf_share) * lr->correctness +
                lr->points * lr->perf_share * lr->performance;
    lr->unmeasured = full && !lr->perf_measured ? lr->points * lr->perf_share : 0;
}

bool score_needs_rounds(const lab_result_t *lr)
{
    if (lr->perf_failed || !(lr->perf_ratio > 0))
        return false;
    if (!(lr->perf_lo > 0))
        return true;
    /* The median could still cross the target or the floor: more rounds
     * narrow the interval around it. */
    bool target_inside = lr->perf_lo <= lr->perf_target && lr->perf_target < lr->perf_hi;
    bool floor_inside = lr->perf_lo < lr->perf_floor && lr->perf_floor <= lr->perf_hi;
    return target_inside || floor_inside;
}

void score_run(run_result_t *r)
{
    r->score = r->max = r->unmeasured = 0;
    for (size_t i = 0; i < r->n_labs; i++) {
        r->score += r->labs[i].score;
        r->max += r->labs[i].points;
        r->unmeasured += r->labs[i].unmeasured;
    }
}
