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
 * or non-zero to stop the rounds (that value is returned). */
typedef int (*rounds_sink_fn)(bool candidate, size_t round, const char *text, void *ctx);

/* Runs `rounds` interleaved rounds of lab's two bench binaries, handing
 * each run's output to sink. A side that fails (exit, signal, limit)
 * stops the rounds: returns 1 with *why (caller frees) and *cand_failed
 * saying which side. Returns 0, the sink's non-zero value, 1, or -errno. */
int rounds_interleave(const plan_t *p, const lab_t *lab, const lab_bins_t *b, int rounds,
                      rounds_sink_fn sink, void *ctx, const events_t *ev, char **why,
                      bool *cand_failed);

/* Measures lab for the score: fills lr->benches (samples and ratios).
 * Returns 0 or -errno on the grader's own failure. */
int rounds_score(const plan_t *p, const plan_lab_t *pl, const lab_bins_t *b, lab_result_t *lr,
                 const events_t *ev);

#endif
