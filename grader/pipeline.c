/*
 * pipeline.c — one grading run through its stages (see pipeline.h).
 */
#include "pipeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bins.h"
#include "build.h"
#include "rounds.h"
#include "score.h"
#include "strbuf.h"
#include "test.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The lab's header fields and what the plan says of it. */
static int init_lab(const plan_lab_t *pl, lab_result_t *lr)
{
    const lab_t *lab = pl->lab;
    memset(lr, 0, sizeof *lr);
    lr->name = strdup(lab->name);
    lr->title = strdup(lab->title);
    lr->question = strdup(lab->question);
    lr->points = lab->points;
    lr->perf_share = lab->has_bench ? lab->perf_share : 0;
    lr->perf_target = lab->perf_target;
    lr->perf_floor = lab->perf_floor;
    lr->status = pl->status;
    lr->build_output = pl->why ? strdup(pl->why) : NULL;
    lr->n_absent_hidden = pl->n_absent_hidden;
    lr->absent_weight = pl->absent_weight;
    lr->notes = calloc(pl->n_notes + 1, sizeof *lr->notes);
    for (size_t i = 0; lr->notes && i < pl->n_notes; i++)
        if ((lr->notes[i] = strdup(pl->notes[i])))
            lr->n_notes++;
    bool ok = lr->name && lr->title && lr->question && lr->notes && lr->n_notes == pl->n_notes &&
              (!pl->why || lr->build_output);
    return ok ? 0 : -ENOMEM;
}

static verdict_t verdict_for(lab_status_t st)
{
    return st == LAB_NOT_SUBMITTED ? VERDICT_NOT_SUBMITTED
         : st == LAB_BUILD_ERROR   ? VERDICT_BUILD_ERROR
                                   : VERDICT_INTERNAL_ERROR;
}

/* build → test → bench for one lab; lr->status tells where it stopped. */
static int run_stages(const plan_t *p, const plan_lab_t *pl, bool built, lab_result_t *lr,
                      const events_t *ev)
{
    lab_bins_t b;
    int rc = bins_init(pl->lab, &b);
    if (!rc)
        rc = build_lab(p, pl, built, &b, lr);
    events_emit(ev, (event_t){.kind = EV_BUILT, .lab = pl->lab, .lr = lr});
    if (!rc && lr->status == LAB_GRADED)
        rc = test_lab(p, pl, &b, lr, ev);
    if (!rc && lr->status == LAB_GRADED) {
        score_lab(lr);
        /* Performance counts only with every test passed: the benchmarks
         * run only then. */
        if (p->o.bench && pl->lab->has_bench && lr->correctness >= 1.0 && b.cand_bench &&
            b.ref_bench)
            rc = rounds_score(p, pl, &b, lr, ev);
    }
    bins_free(&b);
    return rc;
}

static int grade_one(const plan_t *p, const plan_lab_t *pl, bool built, lab_result_t *lr,
                     const events_t *ev)
{
    double start = now_s();
    int rc = init_lab(pl, lr);
    events_emit(ev, (event_t){.kind = EV_LAB_START, .lab = pl->lab, .lr = lr});
    if (!rc && lr->status == LAB_GRADED)
        rc = run_stages(p, pl, built, lr, ev);
    if (rc < 0 && rc != -ENOMEM && lr->status == LAB_GRADED) {
        strbuf_t sb = STRBUF_INIT;
        strbuf_addf(&sb, "grader: cannot grade lab '%s': %s\n", pl->lab->name, strerror(-rc));
        free(lr->build_output);
        lr->build_output = strbuf_detach(&sb);
        lr->status = LAB_INTERNAL_ERROR;
        rc = 0;
    }
    if (!rc && lr->status != LAB_GRADED)
        rc = test_fail_all(p, pl, verdict_for(lr->status), lr);
    score_lab(lr);
    lr->duration_s = now_s() - start;
    events_emit(ev, (event_t){.kind = EV_LAB_DONE, .lab = pl->lab, .lr = lr});
    return rc;
}

int pipeline_run(const plan_t *p, run_result_t *r, const events_t *ev)
{
    r->labs = calloc(p->n_labs ? p->n_labs : 1, sizeof *r->labs);
    if (!r->labs)
        return -ENOMEM;
    bool built = build_tree(p) == 0;
    int failed = 0;
    for (size_t i = 0; i < p->n_labs; i++) {
        const plan_lab_t *pl = &p->labs[i];
        if (!pl->selected)
            continue;
        lab_result_t *lr = &r->labs[r->n_labs++];
        if (grade_one(p, pl, built, lr, ev) < 0)
            return -ENOMEM;
        failed |= lr->status == LAB_INTERNAL_ERROR || lr->perf_internal;
    }
    score_run(r);
    return failed;
}
