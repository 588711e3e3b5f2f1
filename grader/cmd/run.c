/*
 * run.c — `grader run`: grade labs and report.
 *
 * Arguments are checked before anything is built, and every report path is
 * checked writable before the first test runs, so a typo costs a second,
 * not a whole grading run. Then the plan (plan.h), the pipeline
 * (pipeline.h), and the reports, written atomically at the end.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fsutil.h"
#include "pipeline.h"
#include "plan.h"
#include "progress.h"
#include "report.h"
#include "sandbox.h"
#include "score.h"
#include "strbuf.h"
#include "text.h"

#define RUN_USAGE                                                                              \
    "usage: grader run [--submission <dir>] [--variant ref|stub] [--json <file>]\n"           \
    "                  [--gradescope <file>] [--junit <file>] [--jobs <n>] [--seed <n>]\n"    \
    "                  [--no-bench] [--bench-rounds <n>] [--benchtime <d>] [-run <regex>]\n" \
    "                  [--html <file>] [--record <db> [--candidate <id>]] [<lab>...]\n"

typedef struct run_args {
    const char *submission, *variant, *json, *gradescope, *junit, *filter, *benchtime;
    const char *html, *record, *candidate;
    long long jobs, seed, rounds;
    bool bench, seed_given;
    const char **labs;
    int n_labs;
} run_args_t;

static int usage_error(const char *fmt, const char *arg)
{
    cli_error(NULL, fmt, arg);
    fputs(RUN_USAGE, stderr);
    return EXIT_USAGE;
}

/* Parses argv into a; returns 0, or an exit code after printing why. */
static int parse_args(int argc, char **argv, run_args_t *a)
{
    const char *v;
    long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    *a = (run_args_t){.variant = "ref", .benchtime = "200ms", .jobs = nproc > 0 ? nproc : 1,
                      .seed = 1, .rounds = 6, .bench = true};
    a->labs = calloc((size_t)argc + 1, sizeof *a->labs);
    for (int i = 1; i < argc; i++) {
        int r;
        const char *arg = argv[i];
#define STR_OPT(flag, field)                                  \
        if ((r = cli_value(argc, argv, &i, flag, &v)) != 0) { \
            if (r < 0)                                        \
                return EXIT_USAGE;                            \
            a->field = v;                                     \
            continue;                                         \
        }
#define NUM_OPT(flag, field, lo, hi)                                                      \
        if ((r = cli_value(argc, argv, &i, flag, &v)) != 0) {                             \
            if (r < 0 || cli_number(flag, v, lo, hi, &a->field))                          \
                return EXIT_USAGE;                                                        \
            continue;                                                                     \
        }
        STR_OPT("--submission", submission)
        STR_OPT("--variant", variant)
        STR_OPT("--json", json)
        STR_OPT("--gradescope", gradescope)
        STR_OPT("--junit", junit)
        STR_OPT("--html", html)
        STR_OPT("--record", record)
        STR_OPT("--candidate", candidate)
        STR_OPT("-run", filter)
        STR_OPT("--run", filter)
        STR_OPT("--benchtime", benchtime)
        NUM_OPT("--jobs", jobs, 1, 64)
        if ((r = cli_value(argc, argv, &i, "--seed", &v)) != 0) {
            if (r < 0 || cli_number("--seed", v, 0, 0x7fffffffffffffffLL, &a->seed))
                return EXIT_USAGE;
            a->seed_given = true;
            continue;
        }
        NUM_OPT("--bench-rounds", rounds, 1, 100)
#undef STR_OPT
#undef NUM_OPT
        if (!strcmp(arg, "--no-bench")) {
            a->bench = false;
        } else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(RUN_USAGE, stdout);
            return -1;
        } else if (arg[0] == '-') {
            return usage_error("unknown option '%s'", arg);
        } else {
            a->labs[a->n_labs++] = arg;
        }
    }
    if (strcmp(a->variant, "ref") && strcmp(a->variant, "stub"))
        return usage_error("--variant must be ref or stub, not '%s'", a->variant);
    if (!cli_benchtime_ok(a->benchtime))
        return usage_error("--benchtime takes a duration like 200ms or 1s, or a count like "
                           "100x, not '%s'", a->benchtime);
    /* A new seed for every grading run: a transcript saved from an earlier
     * run is then worth nothing (tests draw their inputs from the seed). */
    if (!a->seed_given) {
        uint32_t s;
        a->seed = getrandom(&s, sizeof s, 0) == (ssize_t)sizeof s ? (s >> 1) + 1 : time(NULL);
    }
    return 0;
}

/* Checks the argument values that name things: labs, folders, files. */
static int check_args(const run_args_t *a, const lab_set_t *set)
{
    for (int i = 0; i < a->n_labs; i++)
        if (!manifest_find(set, a->labs[i])) {
            cli_error("`grader list` shows the labs", "unknown lab '%s'", a->labs[i]);
            return EXIT_USAGE;
        }
    struct stat st;
    if (a->submission && (stat(a->submission, &st) < 0 || !S_ISDIR(st.st_mode))) {
        cli_error(NULL, "cannot open submission '%s': %s", a->submission,
                  errno ? strerror(errno) : "Not a directory");
        return EXIT_USAGE;
    }
    const char *outs[] = {a->json, a->gradescope, a->junit, a->html};
    for (size_t i = 0; i < sizeof outs / sizeof *outs; i++) {
        if (!outs[i])
            continue;
        int rc = fsutil_check_writable(outs[i]);
        if (rc) {
            cli_error(NULL, "cannot write report '%s': %s", outs[i], strerror(-rc));
            return EXIT_USAGE;
        }
        for (size_t j = 0; j < i; j++)
            if (outs[j] && !strcmp(outs[i], outs[j])) {
                cli_error(NULL, "two reports would go to '%s'", outs[i]);
                return EXIT_USAGE;
            }
    }
    return 0;
}

/* ---- the run ------------------------------------------------------------------------- */

static char *machine_line(void)
{
    char model[256] = "unknown cpu", line[512];
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (!strncmp(line, "model name", 10) && colon) {
            snprintf(model, sizeof model, "%s", colon + 2);
            model[strcspn(model, "\n")] = '\0';
            break;
        }
    }
    if (f)
        fclose(f);
    struct utsname u;
    uname(&u);
    strbuf_t sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s, %ld cores, %s %s %s", model, sysconf(_SC_NPROCESSORS_ONLN), u.sysname,
                u.release, u.machine);
    return strbuf_detach(&sb);
}

static int write_report(const char *path, char *text)
{
    if (!path) {
        free(text);
        return 0;
    }
    int rc = text ? fsutil_write_atomic(path, text, strlen(text)) : -ENOMEM;
    free(text);
    if (rc)
        cli_error(NULL, "cannot write report '%s': %s", path, strerror(-rc));
    return rc ? -1 : 0;
}

static int write_reports(const run_args_t *a, const run_result_t *r)
{
    int bad = 0;
    bad |= a->json ? write_report(a->json, report_json(r)) : 0;
    bad |= a->gradescope ? write_report(a->gradescope, report_gradescope(r)) : 0;
    bad |= a->junit ? write_report(a->junit, report_junit(r)) : 0;
    bad |= a->html ? write_report(a->html, report_html(r)) : 0;
    return bad;
}

static void init_run(const run_args_t *a, const tree_t *t, const plan_t *p, run_result_t *r)
{
    memset(r, 0, sizeof *r);
    r->submission = p->o.submission ? strdup(p->o.submission) : NULL;
    r->variant = strdup(a->submission || t->handout ? "candidate" : a->variant);
    r->isolation = strdup(sandbox_describe());
    r->machine = machine_line();
    r->started_at = text_utc_now();
    r->seed = (uint64_t)a->seed;
    r->filter = a->filter ? strdup(a->filter) : NULL;
    /* Not a whole grade: the history keeps it apart from the ranked ones. */
    r->partial = a->filter || !a->bench || (a->n_labs > 0 && plan_selected(p) < p->n_labs);
}

static plan_opts_t plan_opts(const run_args_t *a, const tree_t *t, const regex_t *re)
{
    return (plan_opts_t){
        .root = t->root, .bindir = t->bindir, .handout = t->handout,
        .submission = a->submission, .variant = a->variant, .labs = a->labs,
        .n_labs = (size_t)a->n_labs, .filter = re, .filter_src = a->filter,
        .seed = (uint64_t)a->seed, .jobs = (int)a->jobs, .bench = a->bench,
        .bench_rounds = (int)a->rounds, .benchtime = a->benchtime,
    };
}

static int grade_all(const plan_t *p, run_result_t *r)
{
    progress_t prog;
    progress_init(&prog, stderr);
    events_t ev = {.fn = progress_event, .ctx = &prog};
    return pipeline_run(p, r, &ev) != 0;
}

int cmd_run(int argc, char **argv)
{
    run_args_t a;
    lab_set_t set = {0};
    run_result_t r = {0};
    record_t rec = {0};
    regex_t re;
    bool have_re = false;
    tree_t t = cli_tree();
    int rc = parse_args(argc, argv, &a);
    if (rc) {
        free(a.labs);
        return rc < 0 ? EXIT_GRADED : rc;
    }
    if (cli_load_labs(&t, &set)) {
        free(a.labs);
        return EXIT_CANNOT_GRADE;
    }
    rc = check_args(&a, &set);
    if (!rc && a.filter) {
        if (regcomp(&re, a.filter, REG_EXTENDED | REG_NOSUB) != 0)
            rc = usage_error("-run: '%s' is not a valid regular expression", a.filter);
        have_re = !rc;
    }
    if (!rc && a.candidate && !a.record)
        rc = usage_error("option '%s' needs --record <db>", "--candidate");
    plan_t plan = {0};
    char err[512];
    plan_opts_t po = plan_opts(&a, &t, have_re ? &re : NULL);
    if (!rc && (rc = plan_make(&po, &set, &plan, err, sizeof err)) != 0) {
        cli_error(NULL, "%s", err);
        rc = rc == -EINVAL ? EXIT_USAGE : EXIT_CANNOT_GRADE;
    }
    if (!rc && a.record)
        rc = record_prepare(&rec, a.record, a.candidate, plan.o.submission, a.variant,
                            plan.sha256);
    if (!rc) {
        double start = progress_clock();
        init_run(&a, &t, &plan, &r);
        int failed = grade_all(&plan, &r);
        r.duration_s = progress_clock() - start;
        report_print_table(stdout, &r, progress_color(stdout));
        rc = write_reports(&a, &r) || failed ? EXIT_CANNOT_GRADE : EXIT_GRADED;
        if (a.record && failed)
            cli_error(NULL, "run not recorded: the grader could not grade every lab");
        else if (a.record && record_run(&rec, &r))
            rc = EXIT_CANNOT_GRADE;
    }
    plan_free(&plan);
    if (have_re)
        regfree(&re);
    record_free(&rec);
    run_result_free(&r);
    manifest_set_free(&set);
    free(a.labs);
    return rc;
}
