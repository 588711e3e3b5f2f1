/*
 * manifest.h — a lab's lab.yaml, parsed and checked.
 *
 * Every tool reads a lab from its manifest only: CMake (through labtool),
 * the grader, the handout and the README table. A broken manifest is
 * reported as one line, "labs/<name>/lab.yaml:LINE: what is wrong".
 *
 * Interface: manifest_load_all(root, &set, err) → use set.labs[i] →
 * manifest_set_free(&set). Labs come sorted in exam order.
 */
#ifndef UNDERGO_MANIFEST_H
#define UNDERGO_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lab_test {
    char *name;
    double weight;
    bool hidden;            /* lives in tests/hidden/, not in the handout */
} lab_test_t;

/* A demonstration: labs/<lab>/demo/<name>.c, built against the reference
 * (<lab>_demo_<name>) and the candidate's code (<lab>_demo_<name>_stub). */
typedef struct lab_demo {
    char *name;             /* [a-z][a-z0-9-]* */
    char *title;            /* one line */
    char *go;               /* the Go original in demo/, or NULL */
    bool html;              /* takes --html FILE */
} lab_demo_t;

typedef struct lab_policy {
    bool loopback;          /* network: loopback (else none) */
    bool io_uring;
    uint64_t memory_mb;
    int pids;
    double wall_s;
    double cpu_s;
} lab_policy_t;

typedef struct lab {
    char *name, *title, *question;
    char *prefix;           /* of the lab's file and symbol names; default: name */
    int section, number;    /* question "4.10" → 4, 10 */
    double points;
    char *dir;              /* "labs/<name>", relative to the root */
    char *path;             /* "labs/<name>/lab.yaml" */
    char **editable;  size_t n_editable;    /* at the lab root */
    char **sources;   size_t n_sources;     /* the lab library: the editable .c files, then
                                               support/ files; "support/x.c" relative to dir */
    bool sources_given;     /* `sources:` was in the manifest (not derived) */
    char **needs;     size_t n_needs;
    /* name prefixes only tests and benchmarks link (a conformance anchor):
     * the lab's code may not refer to them */
    char **test_only;
    size_t n_test_only;
    lab_test_t *tests; size_t n_tests;
    bool has_bench;
    double perf_share, perf_target, perf_floor;
    char **benchmarks; size_t n_benchmarks;   /* empty: every benchmark */
    /* `stub: passes`: the stub is correct but slow; it must pass every test
     * and earn no performance, the reference full performance. */
    bool stub_passes;
    lab_demo_t *demos; size_t n_demos;
    lab_policy_t policy;
} lab_t;

typedef struct lab_set {
    lab_t *labs;
    size_t n;
} lab_set_t;

/* Parses root/labs/<name>/lab.yaml into *lab. Returns 0, or -EINVAL with one
 * line "labs/<name>/lab.yaml:LINE: what is wrong" in err (then *lab is
 * zeroed). The caller frees *lab with manifest_free(). */
int manifest_load(const char *root, const char *name, lab_t *lab, char *err, size_t errlen);

/* Frees what manifest_load() allocated. Can't fail. */
void manifest_free(lab_t *lab);

/* Loads every root/labs/<name>/lab.yaml, sorted by exam question. With
 * only != NULL, loads only the labs named there (NULL-terminated; other
 * names are ignored). Returns 0 or -EINVAL/-ENOENT with one line in err. */
int manifest_load_all(const char *root, const char *const *only, lab_set_t *set,
                      char *err, size_t errlen);

/* Frees a set. Can't fail. */
void manifest_set_free(lab_set_t *set);

/* The lab named name in set, or NULL. */
const lab_t *manifest_find(const lab_set_t *set, const char *name);

/* Sum of the weights of the tests that count: all, or the visible ones. */
double manifest_total_weight(const lab_t *lab, bool with_hidden);

/* ---- the lab anatomy (manifest_check.c; docs/lab-format.md) ------------ */

#define MANIFEST_MIN_MUTANTS 12   /* mutants (tests/mutants/NAME.patch) a lab carries at least */

/* Called once per finding with one line, "labs/<name>/<file>: what is wrong". */
typedef void (*manifest_problem_fn)(void *ud, const char *msg);

/* Checks lab's folder under root against the lab anatomy as far as the
 * tree shows it: the files at its root, file name prefixes, support/, the
 * headers tests, benchmarks and demos include, LAB_SOLUTION in editable
 * sources, and the mutants (count, comment, files they touch, and that
 * each still applies, with `patch --dry-run`). Returns the number of
 * findings, or a negative errno when the folder cannot be read. */
int manifest_check(const char *root, const lab_t *lab, manifest_problem_fn problem, void *ud);

#endif
