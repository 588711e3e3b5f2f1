/*
 * rounds.h — the bench stage: candidate and reference benchmarks run in
 * interleaved rounds.
 *
 * Round k runs both bench binaries once each, the candidate first when k is
 * even (C R, R C, C R, ...): linear drift of a shared machine then hits
 * both sides alike within each pair. Scoring takes, per benchmark, the
 * median over rounds of candidate/reference ns/op; `grader bench` keeps the
 * raw output of every run instead. Both go through rounds_interleave().
 *
 * Interface: rounds_score(plan, lab, bins, lr, events) after every test
 * passed; rounds_interleave(...) with a sink for `grader bench`.
 */
#ifndef UNDERGO_ROUNDS_H
#define UNDERGO_ROUNDS_H

#include <stdbool.h>

#include "bins.h"
#include "events.h"
#include "plan.h"
#include "result.h"

/* One run of one side: the Go-format text it printed. Returns 0 to go on,
 * 1 when that side's output is not usable (counted as that side failing),
 * or another non-zero value to stop the rounds (that value is returned). */
typedef int (*rounds_sink_fn)(bool candidate, size_t round, const char *text, void *ctx);

/* Runs rounds first .. first+n-1 of lab's two bench binaries interleaved,
 * handing each run's output to sink; total is the round count progress
 * events show. A side that fails (exit, signal, limit) stops the rounds:
 * returns 1 with *why (caller frees) and *cand_failed saying which side.
 * Returns 0, the sink's non-zero value, 1, or -errno. */
int rounds_interleave(const plan_t *p, const lab_t *lab, const lab_bins_t *b, int first, int n,
                      int total, rounds_sink_fn sink, void *ctx, const events_t *ev,
                      char **why, bool *cand_failed);

/* Measures lab for the score: the plan's rounds, then more (four at a
 * time, up to three times as many) while the result is near the target or
 * the floor (score_needs_rounds); fills lr->benches' samples and scores.
 * Returns 0 or -errno on the grader's own failure. */
int rounds_score(const plan_t *p, const plan_lab_t *pl, const lab_bins_t *b, lab_result_t *lr,
                 const events_t *ev);

#endif
