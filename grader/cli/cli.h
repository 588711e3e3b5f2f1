/*
 * cli.h — what the subcommands share: exit codes, the tree being graded,
 * and git-style messages ("grader: <what>" and an optional "hint: <fix>").
 */
#ifndef UNDERGO_CLI_H
#define UNDERGO_CLI_H

#include <stdbool.h>

#include "manifest.h"
#include "result.h"

enum {
    EXIT_GRADED = 0,        /* grading completed, whatever the score */
    EXIT_CANNOT_GRADE = 1,  /* grading could not run */
    EXIT_USAGE = 2,         /* unknown lab, bad flag, bad argument */
};

typedef struct tree {
    const char *root;       /* holds labs/ */
    const char *bindir;     /* the CMake build tree */
    bool handout;           /* root is a candidate's handout */
} tree_t;

/* The tree this grader was built from. Can't fail. */
tree_t cli_tree(void);

/* Prints "grader: <msg>" (and "hint: <hint>" when hint != NULL) to stderr. */
void cli_error(const char *hint, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Loads every manifest of the tree; on error prints it and returns -1. */
int cli_load_labs(const tree_t *t, lab_set_t *set);

/* True when s is a -benchtime the bench harness takes: a Go duration
 * ("200ms", "1.5s", "2m") or a count ("100x"). */
bool cli_benchtime_ok(const char *s);

/* Parses a whole number in [lo, hi] for option name; -1 after an error. */
int cli_number(const char *name, const char *s, long long lo, long long hi, long long *out);

/* The commands. Each returns an exit code. */
int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_handout(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_leaderboard(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_mutants(int argc, char **argv);
int cmd_doctor(int argc, char **argv);

/* Loads a run from a JSON report or "DB:RUN_ID" into *r (free with
 * run_result_free). Returns 0, or an exit code after printing why. */
int report_load_run(const char *in, run_result_t *r);

/* `grader run --record <db> [--candidate <id>]` (cmd_history.c). */
typedef struct record {
    struct history *h;
    char *candidate;
    char sha256[65];
} record_t;

/* Opens (creating) db and checks that candidate (default: the submission's
 * folder name, or the variant) is not already used by another submission
 * than the one with hash sha256 (the plan's). Returns 0, or an exit code
 * after printing why; call record_free either way. */
int record_prepare(record_t *rec, const char *db, const char *candidate, const char *submission,
                   const char *variant, const char *sha256);

/* Records r in one transaction. Returns 0, or an exit code after printing why. */
int record_run(record_t *rec, const run_result_t *r);

/* Closes the history. Can't fail. */
void record_free(record_t *rec);

#endif
