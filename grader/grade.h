/*
 * grade.h — grade one lab: build, list, test, benchmark, score.
 *
 * Interface: fill a grade_opts_t once per run, then grade_lab() per lab;
 * progress arrives through opts->on_event as it happens (from worker
 * threads, serialized by grade.c), the finished lab_result_t at the end.
 */
#ifndef UNDERGO_GRADE_H
#define UNDERGO_GRADE_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

#include "manifest.h"
#include "result.h"

typedef enum {
    GRADE_EV_LAB_START,     /* lab */
    GRADE_EV_BUILT,         /* lab; lr->status says how it went */
    GRADE_EV_TEST_DONE,     /* lab, test */
    GRADE_EV_BENCH_ROUND,   /* lab; round, rounds */
    GRADE_EV_LAB_DONE,      /* lab, lr */
} grade_event_kind_t;

typedef struct grade_event {
    grade_event_kind_t kind;
    const lab_t *lab;
    const lab_result_t *lr;
    const test_result_t *test;
    size_t done, total;     /* tests finished so far / to run; bench rounds */
} grade_event_t;

typedef struct grade_opts {
    const char *root;           /* source tree (holds labs/) */
    const char *bindir;         /* CMake build tree */
    const char *submission;     /* NULL: grade the tree's own sources */
    const char *variant;        /* "ref" or "stub" for the tree's own sources */
    bool handout;               /* root is a candidate handout */
    bool built;                 /* grade_build_all() built every target: skip cmake */
    int jobs;                   /* tests run at once */
    uint64_t seed;
    bool bench;
    int bench_rounds;           /* interleaved candidate/reference pairs */
    const char *benchtime;      /* -benchtime of each bench run, e.g. "200ms" */
    const regex_t *filter;      /* -run: tests to run; NULL: all */
    const char *filter_src;
    void (*on_event)(const grade_event_t *ev, void *ctx);
    void *ctx;
} grade_opts_t;

/* Grades lab into *lr (zeroed first; the caller frees it through the run
 * result). Returns 0 — whatever the verdicts — or a negative errno when
 * the grader itself failed (lr->status is then LAB_INTERNAL_ERROR with a
 * message in lr->build_output). */
int grade_lab(const grade_opts_t *o, const lab_t *lab, lab_result_t *lr);

/* Builds, in one `cmake --build`, every target grading labs[0..n) needs
 * (one call instead of one per lab: a batch runs a grader per candidate).
 * Returns 0 when all built; otherwise grade_lab() builds each lab itself
 * and so names the lab that fails. */
int grade_build_all(const grade_opts_t *o, const lab_t *const *labs, size_t n);

/* `grader bench`: builds lab's candidate and reference bench binaries and
 * runs them interleaved (C R R C ...), count times each; sink gets each
 * run's Go-format output. Returns 0, 1 with *why set (caller frees) when a
 * side failed to build or run, or a negative errno. */
int grade_bench_series(const grade_opts_t *o, const lab_t *lab, int count,
                       void (*sink)(bool candidate, const char *text, void *ctx), void *ctx,
                       char **why);

#endif
