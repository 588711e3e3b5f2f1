/*
 * bins.h — the binaries grading one lab runs, and how a run of them is
 * sandboxed.
 *
 *   test       the recording build of the tests linked with the code being
 *              graded: it records what that code produced and judges nothing
 *   trusted    the judging build linked with the reference (never with
 *              candidate code): the transcript to compare with
 *   cand_bench / ref_bench   the two sides of the benchmarks (NULL without)
 *
 * work/            this lab's private folder (0711: nobody may pass, not list)
 * work/build/      a submission's compile scratch; its binaries in build/bin/
 * work/run/        the scratch dir of test and bench runs
 * A run sees only its binary's folder (read-only) and run/ (writable), so
 * one test cannot replace the binary the next test runs, and no run sees
 * the sources, the build tree or the reference's.
 *
 * Interface: bins_init → build stage fills the paths → bins_run_spec per
 * run → bins_free.
 */
#ifndef UNDERGO_BINS_H
#define UNDERGO_BINS_H

#include <limits.h>

#include "manifest.h"
#include "sandbox.h"

typedef struct lab_bins {
    char *test, *trusted, *cand_bench, *ref_bench;
    char work[PATH_MAX / 2], build[PATH_MAX / 2 + 16], scratch[PATH_MAX / 2 + 16];
} lab_bins_t;

/* The environment of one run; the spec points into it, so it lives as
 * long as the spec. */
typedef struct run_env {
    char home[PATH_MAX + 8], tmp[PATH_MAX + 8];
    const char *envp[8];
} run_env_t;

/* Creates work/, work/build/ and work/run/ under $TMPDIR. Returns 0 or -errno. */
int bins_init(const lab_t *lab, lab_bins_t *b);

/* Removes work/ and frees the paths. Can't fail. */
void bins_free(lab_bins_t *b);

/* The lab's sandbox policy for running argv (one of b's binaries) with
 * run/ as home, TMPDIR and working directory. */
sandbox_spec_t bins_run_spec(const lab_t *lab, const lab_bins_t *b, const char *const *argv,
                             run_env_t *env);

#endif
