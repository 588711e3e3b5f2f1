/*
 * test.h — the test stage: every test of a lab run twice, and judged
 * outside the candidate's process.
 *
 * The test list comes from the manifest and the trusted binary (the
 * reference, never linked with candidate code); a manifest test the
 * candidate's binary does not run is a failure. For each test, with the
 * run's seed: the trusted binary writes the transcript to compare with,
 * the candidate's recording binary writes its own, each in its own
 * sandboxed process. The test passes when the candidate's process ended
 * cleanly and the transcripts are equal; otherwise the first line where
 * they differ says why.
 *
 * Interface: test_lab(plan, lab, bins, lr, events) after the build stage.
 */
#ifndef UNDERGO_TEST_H
#define UNDERGO_TEST_H

#include "bins.h"
#include "events.h"
#include "plan.h"
#include "result.h"

/* Runs pl's tests into lr->tests. Returns 0, whatever the verdicts (a lab
 * whose tests cannot be listed gets lr->status), or a negative errno on the
 * grader's own failure. */
int test_lab(const plan_t *p, const plan_lab_t *pl, const lab_bins_t *b, lab_result_t *lr,
             const events_t *ev);

/* Fills lr->tests with every planned test of pl, each with verdict v
 * (a lab that did not build, or was not submitted). Returns 0 or -ENOMEM. */
int test_fail_all(const plan_t *p, const plan_lab_t *pl, verdict_t v, lab_result_t *lr);

#endif
