/*
 * compile.h — a submission's staged files compiled and linked against the
 * pristine tests and benchmarks, inside the sandbox.
 *
 * Only the plan's staged bytes of the editable files come from the
 * submission; headers, support sources, tests and benches always come from
 * the pristine tree. The compiler runs in the sandbox's compile profile;
 * every object of an editable file is audited before it is linked; the
 * links use the pristine libraries named in the lab's recipe
 * (<build>/labs/<lab>/recipe.json).
 *
 * Interface: compile_submission(p, pl, bins, &out) → out.status, out.log,
 * bins->test / bins->cand_bench.
 */
#ifndef UNDERGO_COMPILE_H
#define UNDERGO_COMPILE_H

#include "bins.h"
#include "plan.h"
#include "result.h"

typedef struct compile_out {
    lab_status_t status;    /* LAB_GRADED when both binaries were built */
    char *log;              /* why not: the compiler's first errors, or the audit's line */
    char *warnings;         /* the compiler's warnings when it built; NULL when none */
} compile_out_t;

/* Builds pl's staged files into b->build; sets b->test and b->cand_bench.
 * Returns 0 (out->status says how it went) or a negative errno on the
 * grader's own failure. Free out with compile_out_free(). */
int compile_submission(const plan_t *p, const plan_lab_t *pl, lab_bins_t *b, compile_out_t *out);

/* Frees what compile_submission() filled. Can't fail. */
void compile_out_free(compile_out_t *out);

#endif
