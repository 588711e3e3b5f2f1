/*
 * bench.c — `grader bench <lab>`: candidate and reference benchmarks,
 * interleaved, in Go's format (the same rounds the score is taken from,
 * rounds.h).
 *
 * stdout gets every run as it finishes (each with its "variant:" line, so
 * benchstat can split the columns); -o <dir> (made if missing, as mkdir -p)
 * also writes reference.txt and candidate.txt there for `grader compare
 * <dir>/reference.txt <dir>/candidate.txt`. stderr shows the progress: on a
 * terminal one line rewritten in place, in a pipe one line per stage
 * (building, then each round).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "fsutil.h"
#include "bins.h"
#include "build.h"
#include "plan.h"
#include "progress.h"
#include "rounds.h"
#include "strbuf.h"

typedef struct series {
    strbuf_t cand, ref;
    progress_t prog; /* stderr */
    double start;
    bool status_shown; /* a status line is on the terminal */
} series_t;

/* Clears the terminal's status line before other output goes there. */
static void status_clear(series_t *s)
{
    if (s->status_shown)
        fputs("\r\033[K", s->prog.f);
    s->status_shown = false;
}

/* "iface        round 2/6 done  21.5s": in place on a terminal, a line in a pipe. */
static void status(series_t *s, const char *lab, const char *what)
{
    status_clear(s);
    fprintf(s->prog.f, "%-12s %s  %.1fs%s", lab, what, progress_clock() - s->start,
            s->prog.tty ? "" : "\n");
    fflush(s->prog.f);
    s->status_shown = s->prog.tty;
}

static void on_event(const event_t *ev, void *ctx)
{
    char what[64];
    if (ev->kind != EV_BENCH_ROUND)
        return;
    snprintf(what, sizeof what, "round %zu/%zu done", ev->done, ev->total);
    status(ctx, ev->lab->name, what);
}

static int sink(bool candidate, size_t round, const char *text, void *ctx)
{
    series_t *s = ctx;
    (void)round;
    if (isatty(STDOUT_FILENO))
        status_clear(s);
    fputs(text, stdout);
    fflush(stdout);
    strbuf_adds(candidate ? &s->cand : &s->ref, text);
    return 0;
}

/* Builds lab's two bench binaries and runs count interleaved rounds.
 * Returns 0, 1 with *why set (caller frees), or -errno. */
static int bench_series(const tree_t *t, const lab_set_t *set, const lab_t *lab,
                        const char *submission, int count, const char *benchtime, series_t *s,
                        char **why)
{
    const char *only[] = {lab->name};
    plan_opts_t o = {.root = t->root, .bindir = t->bindir, .handout = t->handout,
                     .submission = submission, .variant = "ref", .labs = only, .n_labs = 1,
                     .seed = 1, .jobs = 1, .bench = true, .bench_rounds = count,
                     .benchtime = benchtime};
    plan_t p;
    char err[512];
    lab_result_t lr = {0};
    lab_bins_t b = {0};
    *why = NULL;
    int rc = plan_make(&o, set, &p, err, sizeof err);
    const plan_lab_t *pl = NULL;
    for (size_t i = 0; !rc && i < p.n_labs; i++)
        if (p.labs[i].selected)
            pl = &p.labs[i];
    if (rc == -EINVAL)
        *why = strdup(err);
    else if (!rc && pl->status != LAB_GRADED)
        *why = strdup(pl->why), rc = 1;
    if (!rc)
        rc = bins_init(lab, &b);
    if (!rc)
        status(s, lab->name, "building");
    if (!rc)
        rc = build_lab(&p, pl, build_tree(&p) == 0, &b, &lr);
    if (!rc && lr.status != LAB_GRADED)
        *why = lr.build_output, lr.build_output = NULL, rc = 1;
    bool cand_failed;
    events_t ev = {.fn = on_event, .ctx = s};
    if (!rc)
        rc = rounds_interleave(&p, lab, &b, 0, count, count, sink, s, &ev, why, &cand_failed);
    free(lr.build_output);
    free(lr.build_warnings);
    bins_free(&b);
    plan_free(&p);
    return rc == -EINVAL ? 1 : rc;
}

static int save(const char *dir, const char *name, const strbuf_t *sb)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = fsutil_write_atomic(path, sb->buf ? sb->buf : "", sb->len);
    if (rc)
        cli_error(NULL, "cannot write '%s': %s", path, strerror(-rc));
    return rc;
}

/* Makes -o's folder (mkdir -p) before anything runs. Returns 0 or an exit code. */
static int make_out(const char *out)
{
    struct stat st;
    int rc = fsutil_mkdirs(out);
    if (!rc && (stat(out, &st) < 0 || !S_ISDIR(st.st_mode)))
        rc = -ENOTDIR;
    if (rc)
        cli_error(NULL, "-o: cannot make folder '%s': %s", out, strerror(-rc));
    return rc ? EXIT_USAGE : 0;
}

/* Benchmarks lab and writes the series. Returns an exit code. */
static int bench_lab(const tree_t *t, const lab_set_t *set, const lab_t *lab,
                     const char *submission, int count, const char *benchtime, const char *out)
{
    series_t s = {.cand = STRBUF_INIT, .ref = STRBUF_INIT};
    char *why = NULL;
    int rc = EXIT_GRADED;
    progress_init(&s.prog, stderr);
    s.start = progress_clock();
    int g = bench_series(t, set, lab, submission, count, benchtime, &s, &why);
    status_clear(&s);
    if (g) {
        cli_error(NULL, "cannot benchmark lab '%s': %s", lab->name,
                  g < 0 ? strerror(-g)
                  : why ? why
                        : "unknown");
        rc = EXIT_CANNOT_GRADE;
    } else if (out && (save(out, "candidate.txt", &s.cand) || save(out, "reference.txt", &s.ref))) {
        rc = EXIT_CANNOT_GRADE;
    }
    free(why);
    strbuf_release(&s.cand);
    strbuf_release(&s.ref);
    return rc;
}

/* Checks the arguments. Returns 0 or an exit code after printing why. */
static int check_args(const cli_args_t *a)
{
    struct stat st;
    const char *sub = a->val[BENCH_SUBMISSION];
    const char *bt = a->val[BENCH_BENCHTIME];
    if (a->n_pos != 1)
        return a->n_pos ? cli_usage(&cli_bench, "bench takes one lab, not also '%s'", a->pos[1])
                        : cli_usage(&cli_bench, "which lab? name one");
    if (bt && !cli_benchtime_ok(bt))
        return cli_usage(&cli_bench,
                         "--benchtime takes a duration like 200ms or 1s, or a count "
                         "like 100x, not '%s'",
                         bt);
    if (sub && (stat(sub, &st) < 0 || !S_ISDIR(st.st_mode))) {
        cli_error(NULL, "cannot open submission '%s': %s", sub,
                  errno ? strerror(errno) : "Not a directory");
        return EXIT_USAGE;
    }
    return 0;
}

int cmd_bench(int argc, char **argv)
{
    cli_args_t a;
    lab_set_t set = {0};
    tree_t t = cli_tree();
    const lab_t *lab = NULL;
    int rc = cli_parse(&cli_bench, argc, argv, &a);
    if (!rc)
        rc = check_args(&a);
    if (!rc && cli_load_labs(&t, &set))
        rc = EXIT_CANNOT_GRADE;
    if (!rc && !(lab = manifest_find(&set, a.pos[0]))) {
        cli_error("`grader list` shows the labs", "unknown lab '%s'", a.pos[0]);
        rc = EXIT_USAGE;
    } else if (!rc && !lab->has_bench) {
        cli_error(NULL, "lab '%s' has no benchmarks", lab->name);
        rc = EXIT_USAGE;
    }
    if (!rc && a.val[BENCH_OUT])
        rc = make_out(a.val[BENCH_OUT]);
    if (!rc) {
        const char *benchtime = cli_get(&cli_bench, &a, BENCH_BENCHTIME);
        int count = (int)cli_get_num(&cli_bench, &a, BENCH_COUNT);
        rc = bench_lab(&t, &set, lab, a.val[BENCH_SUBMISSION], count, benchtime, a.val[BENCH_OUT]);
    }
    manifest_set_free(&set);
    cli_args_free(&a);
    return rc == CLI_HELP ? EXIT_GRADED : rc;
}
