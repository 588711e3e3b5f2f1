/*
 * cmd_history.c — `grader history` and `grader leaderboard`: the recorded
 * runs of a results history, as tables.
 *
 *   history      every run in order (or one candidate's), with its score,
 *                time ratio, tests passed, start time and submission hash
 *   leaderboard  each candidate's latest run, best first: score, then time
 *                ratio (lower is faster; unmeasured last), then id
 *
 * Exit codes: 0 listed; 1 the database cannot be read (corrupt, not a
 * history); 2 usage (unknown option, missing database file).
 *
 * Also the glue of `grader run --record`: the candidate id is checked
 * before grading (a typo or a reused id costs a second, not a run), the
 * run recorded after.
 *
 * Interface: cmd_history, cmd_leaderboard; record_prepare → grading →
 * record_run → record_free.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "history.h"

/* Parses "<db> [--candidate <id>]"; returns 0, CLI_HELP, or an exit code. */
static int list_args(const cli_command_t *c, int argc, char **argv, const char **db,
                     const char **candidate)
{
    cli_args_t a;
    int rc = cli_parse(c, argc, argv, &a);
    if (!rc && a.n_pos != 1)
        rc = a.n_pos ? cli_usage(c, "one history at a time, not also '%s'", a.pos[1])
                     : cli_usage(c, "which history? give its database file");
    if (!rc) {
        *db = a.pos[0];
        *candidate = c == &cli_history ? a.val[HISTORY_CANDIDATE] : NULL;
    }
    cli_args_free(&a);
    return rc;
}

/* Opens db for reading. Returns 0 or an exit code after printing why. */
static int open_db(const char *db, history_t **h)
{
    char err[512];
    int rc = history_open(db, false, h, err, sizeof err);
    if (rc)
        cli_error(rc == -ENOENT ? "`grader run --record <db>` or `grader batch` creates it" : NULL,
                  "%s", err);
    return rc == 0 ? 0 : rc == -ENOENT ? EXIT_USAGE : EXIT_CANNOT_GRADE;
}

static void print_ratio(const history_run_t *run)
{
    if (run->perf_ratio > 0)
        printf("  %6.3fx", run->perf_ratio);
    else
        printf("  %7s", "-");
}

static void print_runs(const history_run_t *runs, size_t n, bool ranked)
{
    size_t w = 9;
    for (size_t i = 0; i < n; i++)
        w = strlen(runs[i].candidate) > w ? strlen(runs[i].candidate) : w;
    if (ranked)
        printf("RANK  %-*s  %15s  %7s  %9s  %5s  %s\n", (int)w, "CANDIDATE", "SCORE", "RATIO",
               "TESTS", "RUN", "SUBMISSION");
    else
        printf(" RUN  %-*s  %15s  %7s  %9s  %-20s  %s\n", (int)w, "CANDIDATE", "SCORE", "RATIO",
               "TESTS", "STARTED", "SUBMISSION");
    for (size_t i = 0; i < n; i++) {
        const history_run_t *r = &runs[i];
        printf("%4zu  %-*s  %6.2f / %6.2f", ranked ? i + 1 : (size_t)r->id, (int)w, r->candidate,
               r->score, r->max);
        print_ratio(r);
        printf("  %4ld/%-4ld", r->passed, r->tests);
        if (ranked)
            printf("  %5lld", (long long)r->id);
        else
            printf("  %-20s", r->started_at);
        printf("  %.12s%s\n", r->sha256, r->partial ? "  partial" : "");
    }
}

static int list(const char *db, const char *candidate, bool leaderboard)
{
    history_t *h;
    history_run_t *runs = NULL, *part = NULL;
    size_t n = 0, np = 0;
    int rc = open_db(db, &h);
    if (rc)
        return rc;
    rc = leaderboard ? history_leaderboard(h, false, &runs, &n)
                     : history_list(h, candidate, &runs, &n);
    if (!rc && leaderboard)
        rc = history_leaderboard(h, true, &part, &np);
    if (rc) {
        cli_error(NULL, "%s", history_error(h));
    } else if (n + np == 0) {
        fprintf(stderr, "grader: no runs recorded%s%s%s\n", candidate ? " for '" : "",
                candidate ? candidate : "", candidate ? "'" : "");
    } else {
        if (n)
            print_runs(runs, n, leaderboard);
        if (np) {
            printf("%sPartial runs (-run, a lab subset or --no-bench), ranked apart from whole "
                   "grades:\n", n ? "\n" : "");
            print_runs(part, np, true);
        }
    }
    history_runs_free(runs, rc ? 0 : n);
    history_runs_free(part, rc ? 0 : np);
    history_close(h);
    return rc ? EXIT_CANNOT_GRADE : EXIT_GRADED;
}

int cmd_history(int argc, char **argv)
{
    const char *db = NULL, *candidate = NULL;
    int rc = list_args(&cli_history, argc, argv, &db, &candidate);
    if (rc)
        return rc == CLI_HELP ? EXIT_GRADED : rc;
    return list(db, candidate, false);
}

int cmd_leaderboard(int argc, char **argv)
{
    const char *db = NULL, *candidate = NULL;
    int rc = list_args(&cli_leaderboard, argc, argv, &db, &candidate);
    if (rc)
        return rc == CLI_HELP ? EXIT_GRADED : rc;
    return list(db, NULL, true);
}

/* ---- grader run --record ---------------------------------------------------------------- */

/* The folder name of submission (trailing slashes ignored), else variant. */
static char *default_candidate(const char *submission, const char *variant)
{
    if (!submission)
        return strdup(variant ? variant : "tree");
    char *s = strdup(submission);
    size_t n = s ? strlen(s) : 0;
    while (n > 1 && s[n - 1] == '/')
        s[--n] = '\0';
    char *base = s ? strrchr(s, '/') : NULL, *out = s ? strdup(base ? base + 1 : s) : NULL;
    free(s);
    return out;
}

int record_prepare(record_t *rec, const char *db, const char *candidate, const char *submission,
                   const char *variant, const char *sha256)
{
    char err[512];
    memset(rec, 0, sizeof *rec);
    rec->candidate = candidate ? strdup(candidate) : default_candidate(submission, variant);
    if (!rec->candidate || !*rec->candidate || strpbrk(rec->candidate, "/\t\n\r")) {
        cli_error("a candidate id is a non-empty name without '/'",
                  "'%s' is not a usable candidate id", rec->candidate ? rec->candidate : "");
        return EXIT_USAGE;
    }
    snprintf(rec->sha256, sizeof rec->sha256, "%s", sha256);
    int rc = history_open(db, true, &rec->h, err, sizeof err);
    if (rc != 0) {
        cli_error(NULL, "%s", err);
        return EXIT_CANNOT_GRADE;
    }
    if ((rc = history_check_candidate(rec->h, rec->candidate, rec->sha256)) != 0) {
        cli_error(rc == -EEXIST ? "give this submission its own --candidate id" : NULL, "%s",
                  history_error(rec->h));
        return rc == -EEXIST ? EXIT_USAGE : EXIT_CANNOT_GRADE;
    }
    return 0;
}

int record_run(record_t *rec, const run_result_t *r)
{
    int64_t id;
    int rc = history_record(rec->h, rec->candidate, rec->sha256, r, 0, &id);
    if (rc) {
        cli_error(NULL, "run not recorded: %s", history_error(rec->h));
        return rc == -EEXIST ? EXIT_USAGE : EXIT_CANNOT_GRADE;
    }
    fprintf(stderr, "grader: recorded run %lld of '%s'\n", (long long)id, rec->candidate);
    return 0;
}

void record_free(record_t *rec)
{
    history_close(rec->h);
    free(rec->candidate);
    memset(rec, 0, sizeof *rec);
}
