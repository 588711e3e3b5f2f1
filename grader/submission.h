/*
 * submission.h — build a candidate's files of one lab into test and bench
 * binaries, inside the sandbox.
 *
 * Only the manifest's editable files come from the submission; headers,
 * other sources, tests and benches always come from the pristine tree. The
 * compiler runs in the sandbox's compile profile, every object is audited
 * before it is linked, and the links use the pristine test and bench
 * libraries named in the lab's recipe (<build>/labs/<lab>/recipe.json).
 *
 * Interface: submission_build(o, lab, scratch, &out) → out.test_bin ... →
 * submission_out_free(&out).
 */
#ifndef UNDERGO_SUBMISSION_H
#define UNDERGO_SUBMISSION_H

#include "grade.h"

typedef struct submission_out {
    lab_status_t status;    /* LAB_GRADED when both binaries were built */
    char *log;              /* why not, for the report (compiler's first errors) */
    char *test_bin;
    char *bench_bin;        /* NULL when the lab has no benchmarks */
} submission_out_t;

/* Builds lab from o->submission into scratch. Returns 0 (see out->status
 * for the outcome) or a negative errno on the grader's own failure. */
int submission_build(const grade_opts_t *o, const lab_t *lab, const char *scratch,
                     submission_out_t *out);

/* Frees what submission_build() filled. Can't fail. */
void submission_out_free(submission_out_t *out);

/* Opens the lab's file `file` of the submission in dir: DIR/labs/<lab>/<file>,
 * else DIR/<lab>/<file>, never through a symbolic link, and only a regular
 * file of at most 1 MiB that is not a hard link. Returns an fd (caller
 * closes), -ENOENT when absent, or another negative errno with *why set to
 * the reason ("is a hard link"). */
int submission_open(const char *dir, const lab_t *lab, const char *file, const char **why);


/* True when dir holds at least one of lab's editable files. */
bool submission_has_lab(const char *dir, const lab_t *lab);

#endif
