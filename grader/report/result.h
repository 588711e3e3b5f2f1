/*
 * result.h — what grading found: per test, per benchmark, per lab, per run.
 *
 * grade.c fills these; the report writers (terminal, JSON, Gradescope,
 * JUnit) only read them; report_json.c can also read its own JSON back, so
 * a saved run can be reported again or compared.
 *
 * Verdict precedence, strongest first, when one run shows several signs:
 * security > memory > timeout > output-limit > crash > fail > pass. A lab
 * that does not build gets build-error on every test, a lab the submission
 * does not hold not-submitted; a problem of the grader's own is
 * internal-error, never blamed on the candidate.
 */
#ifndef UNDERGO_RESULT_H
#define UNDERGO_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

#define VERDICTS(X)                                   \
    X(PASS, "pass")                                   \
    X(FAIL, "fail")                                   \
    X(CRASH, "crash")                                 \
    X(OUTPUT_LIMIT, "output-limit")                   \
    X(TIMEOUT, "timeout")                             \
    X(MEMORY, "memory")                               \
    X(SECURITY, "security")                           \
    X(BUILD_ERROR, "build-error")                     \
    X(NOT_SUBMITTED, "not-submitted")                 \
    X(INTERNAL_ERROR, "internal-error")

typedef enum {
#define X(id, name) VERDICT_##id,
    VERDICTS(X)
#undef X
    VERDICT_COUNT
} verdict_t;

/* "pass", "fail", ...; NULL for an out-of-range value. */
const char *verdict_name(verdict_t v);
/* The verdict named s, or -1. */
int verdict_parse(const char *s);

typedef struct test_result {
    char *name;
    double weight;
    bool hidden;
    verdict_t verdict;
    int signal;             /* for crash: the signal number */
    double duration_s;
    char *why;              /* one line: why it did not pass (the first check that
                             * differed from the reference's), or NULL */
    char *output;           /* what the test printed (capped), or NULL */
    uint64_t seed;
    char *rerun;            /* the one command that reruns just this test */
} test_result_t;

typedef struct bench_result {
    char *name;             /* "BenchmarkX" without the -N suffix */
    char *unit;             /* "ns/op" */
    double *reference, *candidate;   /* samples, one per interleaved round */
    size_t n;
    double ratio;           /* median of candidate/reference per round; 0: none */
    double ratio_lo, ratio_hi;   /* its 95% interval; 0 when too few rounds */
} bench_result_t;

typedef enum {
    LAB_GRADED = 0,         /* tests ran (whatever their verdicts) */
    LAB_BUILD_ERROR,        /* the submission did not build */
    LAB_NOT_SUBMITTED,      /* the submission holds none of the lab's files */
    LAB_INTERNAL_ERROR,     /* the grader could not grade it */
} lab_status_t;

typedef struct lab_result {
    char *name, *title, *question;
    double points;          /* the lab's maximum */
    lab_status_t status;
    char *build_output;     /* compiler or grader message when not graded */
    char *build_warnings;   /* the compiler's warnings when it built; NULL when none */
    char **notes;           /* what the plan says of the submission (files ignored,
                             * stubs used); n_notes lines */
    size_t n_notes;
    size_t n_absent_hidden; /* hidden tests not run: this tree (a handout) has none */
    double absent_weight;
    test_result_t *tests;
    size_t n_tests;
    bench_result_t *benches;
    size_t n_benches;
    double correctness;     /* passed weight / total weight, 0..1 */
    double perf_share;      /* p */
    double perf_target, perf_floor;
    double perf_ratio;      /* geometric mean of the benchmarks' ratios; 0: not measured */
    double perf_lo, perf_hi;    /* and of their intervals; 0 when not finite */
    double performance;     /* 0..1; counts only when correctness == 1 */
    bool perf_measured;
    bool perf_failed;       /* the candidate's benchmark failed: performance 0 */
    bool perf_internal;     /* the reference's benchmark failed: not measured, and the
                             * grader's fault (the run exits 1) */
    char *perf_error;       /* why a benchmark run failed (either side), or NULL */
    double score;
    double unmeasured;      /* points of the performance share not measured (full
                             * correctness, no benchmark run): not in score */
    double duration_s;
} lab_result_t;

/* Whether a run was asked for benchmarks (a report older than the field
 * does not say). */
typedef enum {
    RUN_BENCH_UNKNOWN = 0,
    RUN_BENCH_ON,
    RUN_BENCH_OFF, /* --no-bench */
} run_bench_t;

typedef struct run_result {
    char *submission;       /* NULL: the tree's own sources */
    char *variant;          /* "ref", "stub" or "candidate" */
    char *isolation;        /* what the sandbox enforced */
    char *machine;          /* cpu model, cores */
    char *started_at;       /* ISO 8601, UTC */
    uint64_t seed;
    double duration_s;
    char *filter;           /* -run REGEX, or NULL */
    lab_result_t *labs;
    size_t n_labs;
    double score, max;
    double unmeasured;      /* the labs' unmeasured points */
    bool partial;           /* not a whole grade: -run, a lab subset or --no-bench */
    run_bench_t bench;
} run_result_t;

/* Short name of a lab status ("graded", "build-error", ...). */
const char *lab_status_name(lab_status_t s);
int lab_status_parse(const char *s);

/* Counts tests of lr with verdict v. */
size_t lab_count(const lab_result_t *lr, verdict_t v);

/* Why lab lr of run r has no benchmark samples, in one line read from its
 * verdicts ("3 of 19 tests did not pass, so its benchmarks were not run"),
 * written to buf; NULL when it has samples. */
const char *lab_why_no_samples(const run_result_t *r, const lab_result_t *lr, char *buf,
                               size_t len);

/* Frees lr's test results and leaves it with none. Can't fail. */
void lab_result_clear_tests(lab_result_t *lr);

/* Frees everything a run_result_t owns. Can't fail. */
void run_result_free(run_result_t *r);

#endif
