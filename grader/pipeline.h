/*
 * pipeline.h — one grading run: plan → build → test → bench → score.
 *
 * The plan (plan.h) is made first, from the manifests and the submission;
 * then every selected lab flows through the stages, each in its own file
 * with one entry point: build_lab (build/), test_lab (test/), rounds_score
 * (bench/), score_lab (score/). A stage that cannot go on leaves the lab's
 * status and message; the stages after it are skipped for that lab only.
 * The result is what the report writers (report/) read.
 *
 * Interface: plan_make → pipeline_run(plan, &run, events) → reports →
 * run_result_free, plan_free.
 */
#ifndef UNDERGO_PIPELINE_H
#define UNDERGO_PIPELINE_H

#include "events.h"
#include "plan.h"
#include "result.h"

/* Grades every selected lab of p into r (which the caller zeroed and
 * filled with the run's header). Returns 0 when every lab was graded
 * (whatever the scores), 1 when the grader could not grade some lab (its
 * status is internal-error), or -ENOMEM. */
int pipeline_run(const plan_t *p, run_result_t *r, const events_t *ev);

#endif
