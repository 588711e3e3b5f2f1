/*
 * plan.h — what one grading run grades, decided before anything is built.
 *
 * A plan holds the run's options, and for every lab of the tree: whether
 * it is graded in this run (selected), the bytes of its editable files
 * exactly as they will be compiled (read once from the submission, or the
 * handout's stub for a file the submission leaves out), the files of the
 * submission's lab folder that are ignored, and the tests this run gives.
 * The SHA-256 that names the submission in the history is taken over those
 * same bytes, so what is recorded and what is graded cannot differ.
 *
 * Interface: plan_make(&opts, set, &plan, err) → the stages read plan.labs
 * → plan_free(&plan).
 */
#ifndef UNDERGO_PLAN_H
#define UNDERGO_PLAN_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manifest.h"
#include "result.h"

#define PLAN_SHA256_HEX 64

/* Where the bytes of an editable file come from. */
typedef enum {
    STAGED_SUBMITTED = 0,   /* the submission's own file */
    STAGED_STUB,            /* missing from the submission: the handout's stub */
} staged_from_t;

typedef struct staged_file {
    char *name;             /* the editable file, e.g. "iface.c" */
    char *data;             /* its bytes, NUL-terminated */
    size_t len;
    staged_from_t from;
} staged_file_t;

typedef struct plan_lab {
    const lab_t *lab;
    bool selected;          /* graded in this run */
    lab_status_t status;    /* LAB_GRADED: go on; else why not (why says more) */
    char *why;              /* one line or more for the report; NULL when graded */
    staged_file_t *files;   /* a submission's editable files, in manifest order */
    size_t n_files;
    char **notes;           /* lines for the report: files ignored, stubs used */
    size_t n_notes;
    const lab_test_t **tests;   /* the tests this run gives, in manifest order */
    size_t n_tests;
    size_t n_absent_hidden; /* hidden tests this tree does not have (a handout) */
    double absent_weight;   /* and their weight */
} plan_lab_t;

typedef struct plan_opts {
    const char *root;           /* source tree (holds labs/) */
    const char *bindir;         /* CMake build tree */
    bool handout;               /* root is a candidate handout */
    const char *submission;     /* a folder, or NULL: the tree's own sources */
    const char *variant;        /* the tree's own sources: "ref" or "stub" */
    const char *const *labs;    /* labs to grade; NULL or empty: all */
    size_t n_labs;
    const regex_t *filter;      /* -run: tests to run; NULL: all */
    const char *filter_src;
    uint64_t seed;
    int jobs;                   /* test processes at once */
    bool bench;
    int bench_rounds;           /* interleaved candidate/reference pairs */
    const char *benchtime;      /* -benchtime of each bench run, e.g. "200ms" */
} plan_opts_t;

typedef struct plan {
    plan_opts_t o;              /* submission made absolute */
    plan_lab_t *labs;           /* every lab of the set, in exam order */
    size_t n_labs;
    char sha256[PLAN_SHA256_HEX + 1];
    char *submission_abs;       /* owned */
} plan_t;

/* Makes the plan: reads every lab's editable files of the submission (or
 * hashes the tree's own), selects labs and tests. Returns 0; -EINVAL when
 * the submission cannot be read at all (err says why, one line); or
 * -errno. A lab the submission cannot give is not an error: its status
 * says why. Free with plan_free() either way. */
int plan_make(const plan_opts_t *o, const lab_set_t *set, plan_t *p, char *err, size_t errlen);

/* The hash a plan of submission would have (for a batch, before it grades
 * anyone). Returns 0 or -errno. */
int plan_hash_submission(const lab_set_t *set, const char *root, const char *submission,
                         char hex[PLAN_SHA256_HEX + 1]);

/* Frees what plan_make() allocated. Can't fail. */
void plan_free(plan_t *p);

/* Number of labs graded in this run. */
size_t plan_selected(const plan_t *p);

#endif
