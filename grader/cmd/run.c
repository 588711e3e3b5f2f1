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
#include "commands.h"
#include "fsutil.h"
#include "pipeline.h"
#include "plan.h"
#include "progress.h"
#include "report.h"
#include "sandbox.h"
#include "score.h"
#include "strbuf.h"
#include "text.h"

typedef struct run_args {
    const char *submission, *variant, *json, *gradescope, *junit, *filter, *benchtime;
    const char *html, *record, *candidate;
    long long jobs, seed, rounds;
    bool bench;
    char **labs;
    int n_labs;
    cli_args_t cli; /* owns labs */
} run_args_t;

/* Parses argv into a; returns 0, CLI_HELP, or an exit code after printing why. */
static int parse_args(int argc, char **argv, run_args_t *a)
{
    long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    memset(a, 0, sizeof *a);
    int rc = cli_parse(&cli_run, argc, argv, &a->cli);
    if (rc)
        return rc;
    const char **v = a->cli.val;
    const long long *num = a->cli.num;
    a->submission = v[RUN_SUBMISSION];
    a->variant = cli_get(&cli_run, &a->cli, RUN_VARIANT);
    a->json = v[RUN_JSON];
    a->gradescope = v[RUN_GRADESCOPE];
    a->junit = v[RUN_JUNIT];
    a->html = v[RUN_HTML];
    a->record = v[RUN_RECORD];
    a->candidate = v[RUN_CANDIDATE];
    a->filter = v[RUN_FILTER];
    a->benchtime = cli_get(&cli_run, &a->cli, RUN_BENCHTIME);
    a->jobs = v[RUN_JOBS] ? num[RUN_JOBS] : nproc > 0 ? nproc : 1;
    a->rounds = cli_get_num(&cli_run, &a->cli, RUN_BENCH_ROUNDS);
    a->bench = !v[RUN_NO_BENCH];
    a->labs = a->cli.pos;
    a->n_labs = a->cli.n_pos;
    if (strcmp(a->variant, "ref") && strcmp(a->variant, "stub"))
        return cli_usage(&cli_run, "--variant must be ref or stub, not '%s'", a->variant);
    if (!cli_benchtime_ok(a->benchtime))
        return cli_usage(&cli_run,
                         "--benchtime takes a duration like 200ms or 1s, or a count "
                         "like 100x, not '%s'",
                         a->benchtime);
    if (a->candidate && !a->record)
        return cli_usage(&cli_run, "option '--candidate' needs --record <db>");
    /* A new seed for every grading run: a transcript saved from an earlier
     * run is then worth nothing (tests draw their inputs from the seed). */
    if (v[RUN_SEED]) {
        a->seed = num[RUN_SEED];
    } else {
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
    r->bench = a->bench ? RUN_BENCH_ON : RUN_BENCH_OFF;
}

static plan_opts_t plan_opts(const run_args_t *a, const tree_t *t, const regex_t *re)
{
    return (plan_opts_t){
        .root = t->root,
        .bindir = t->bindir,
        .handout = t->handout,
        .submission = a->submission,
        .variant = a->variant,
        .labs = (const char *const *)a->labs,
        .n_labs = (size_t)a->n_labs,
        .filter = re,
        .filter_src = a->filter,
        .seed = (uint64_t)a->seed,
        .jobs = (int)a->jobs,
        .bench = a->bench,
        .bench_rounds = (int)a->rounds,
        .benchtime = a->benchtime,
    };
}

/* Compiles -run's regex. Returns 0 or an exit code after naming it. */
static int compile_filter(const char *src, regex_t *re)
{
    char why[256];
    int e = regcomp(re, src, REG_EXTENDED | REG_NOSUB);
    if (!e)
        return 0;
    regerror(e, re, why, sizeof why);
    cli_error(NULL, "-run '%s' is not a valid regular expression: %s", src, why);
    return EXIT_USAGE;
}

/* The tests lab gives this tree (hidden ones only outside a handout): a
 * line each when all is set, else their count. */
static void print_lab_tests(const plan_t *p, const lab_t *lab, bool all)
{
    size_t n = 0;
    for (size_t i = 0; i < lab->n_tests; i++)
        n += !(p->o.handout && lab->tests[i].hidden);
    fprintf(stderr, "  %s, %zu tests%s\n", lab->name, n, all ? ":" : "");
    for (size_t i = 0; all && i < lab->n_tests; i++)
        if (!(p->o.handout && lab->tests[i].hidden))
            fprintf(stderr, "    %s\n", lab->tests[i].name);
}

/* A -run that selects no test of any lab is a typo, caught before anything
 * is built. Returns 0, or EXIT_USAGE after naming the regex and the
 * selected labs' tests (each test of up to three labs; more, their counts). */
static int check_filter(const plan_t *p, const char *src)
{
    size_t tests = 0, n = 0;
    for (size_t i = 0; i < p->n_labs; i++)
        if (p->labs[i].selected)
            tests += p->labs[i].n_tests, n++;
    if (!src || tests > 0)
        return 0;
    fprintf(stderr, "grader: -run '%s' matches no test of %s\n", src,
            n == 1 ? "the lab" : "the labs");
    for (size_t i = 0; i < p->n_labs; i++)
        if (p->labs[i].selected)
            print_lab_tests(p, p->labs[i].lab, n <= 3);
    fprintf(stderr,
            "hint: -run takes an extended regular expression, matched anywhere in a "
            "test's name%s\n",
            n <= 3 ? "" : "; name a lab to see its tests");
    return EXIT_USAGE;
}

static int grade_all(const plan_t *p, run_result_t *r)
{
    progress_t prog;
    progress_init(&prog, stderr);
    events_t ev = {.fn = progress_event, .ctx = &prog};
    return pipeline_run(p, r, &ev) != 0;
}

/* Grades the plan, reports, records. Returns the exit code. */
static int grade_and_report(const run_args_t *a, const tree_t *t, const plan_t *plan, record_t *rec)
{
    run_result_t r;
    double start = progress_clock();
    init_run(a, t, plan, &r);
    int failed = grade_all(plan, &r);
    r.duration_s = progress_clock() - start;
    report_print_table(stdout, &r, progress_color(stdout));
    int rc = write_reports(a, &r) || failed ? EXIT_CANNOT_GRADE : EXIT_GRADED;
    if (a->record && failed)
        cli_error(NULL, "run not recorded: the grader could not grade every lab");
    else if (a->record && record_run(rec, &r))
        rc = EXIT_CANNOT_GRADE;
    run_result_free(&r);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    run_args_t a;
    lab_set_t set = {0};
    record_t rec = {0};
    plan_t plan = {0};
    regex_t re;
    bool have_re = false;
    char err[512];
    tree_t t = cli_tree();
    int rc = parse_args(argc, argv, &a);
    if (!rc && cli_load_labs(&t, &set))
        rc = EXIT_CANNOT_GRADE;
    if (!rc)
        rc = check_args(&a, &set);
    if (!rc && a.filter)
        have_re = !(rc = compile_filter(a.filter, &re));
    plan_opts_t po = plan_opts(&a, &t, have_re ? &re : NULL);
    if (!rc && (rc = plan_make(&po, &set, &plan, err, sizeof err)) != 0) {
        cli_error(NULL, "%s", err);
        rc = rc == -EINVAL ? EXIT_USAGE : EXIT_CANNOT_GRADE;
    }
    if (!rc)
        rc = check_filter(&plan, a.filter);
    if (!rc && a.record)
        rc = record_prepare(&rec, a.record, a.candidate, plan.o.submission, a.variant,
                            plan.sha256);
    if (!rc)
        rc = grade_and_report(&a, &t, &plan, &rec);
    plan_free(&plan);
    if (have_re)
        regfree(&re);
    record_free(&rec);
    manifest_set_free(&set);
    cli_args_free(&a.cli);
    return rc == CLI_HELP ? EXIT_GRADED : rc;
}
