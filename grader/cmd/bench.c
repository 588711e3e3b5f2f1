/*
 * bench.c — `grader bench <lab>`: candidate and reference benchmarks,
 * interleaved, in Go's format (the same rounds the score is taken from,
 * rounds.h).
 *
 * stdout gets every run as it finishes (each with its "variant:" line, so
 * benchstat can split the columns); -o <dir> also writes reference.txt and
 * candidate.txt there for `grader compare <dir>/reference.txt <dir>/candidate.txt`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "fsutil.h"
#include "bins.h"
#include "build.h"
#include "plan.h"
#include "rounds.h"
#include "strbuf.h"

#define BENCH_USAGE \
    "usage: grader bench <lab> [--submission <dir>] [--count <n>] [--benchtime <d>] [-o <dir>]\n"

typedef struct series {
    strbuf_t cand, ref;
} series_t;

static int sink(bool candidate, size_t round, const char *text, void *ctx)
{
    series_t *s = ctx;
    (void)round;
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
        rc = build_lab(&p, pl, build_tree(&p) == 0, &b, &lr);
    if (!rc && lr.status != LAB_GRADED)
        *why = lr.build_output, lr.build_output = NULL, rc = 1;
    bool cand_failed;
    if (!rc)
        rc = rounds_interleave(&p, lab, &b, 0, count, count, sink, s, NULL, why, &cand_failed);
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

static int bad_usage(const char *fmt, const char *arg)
{
    cli_error(NULL, fmt, arg);
    fputs(BENCH_USAGE, stderr);
    return EXIT_USAGE;
}

int cmd_bench(int argc, char **argv)
{
    const char *lab_name = NULL, *submission = NULL, *benchtime = "1s", *out = NULL, *v;
    long long count = 6;
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = cli_value(argc, argv, &i, "--submission", &v)) != 0) {
            if (r < 0) return EXIT_USAGE;
            submission = v;
        } else if ((r = cli_value(argc, argv, &i, "--benchtime", &v)) != 0) {
            if (r < 0) return EXIT_USAGE;
            benchtime = v;
        } else if ((r = cli_value(argc, argv, &i, "-o", &v)) != 0) {
            if (r < 0) return EXIT_USAGE;
            out = v;
        } else if ((r = cli_value(argc, argv, &i, "--count", &v)) != 0) {
            if (r < 0 || cli_number("--count", v, 1, 1000, &count)) return EXIT_USAGE;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(BENCH_USAGE, stdout);
            return EXIT_GRADED;
        } else if (argv[i][0] == '-') {
            return bad_usage("unknown option '%s'", argv[i]);
        } else if (lab_name) {
            return bad_usage("bench takes one lab, not also '%s'", argv[i]);
        } else {
            lab_name = argv[i];
        }
    }
    if (!lab_name)
        return bad_usage("%s", "which lab? name one");
    struct stat st;
    if (out && (stat(out, &st) < 0 || !S_ISDIR(st.st_mode)))
        return bad_usage("-o: '%s' is not a folder", out);
    if (submission && (stat(submission, &st) < 0 || !S_ISDIR(st.st_mode)))
        return bad_usage("cannot open submission '%s'", submission);
    tree_t t = cli_tree();
    lab_set_t set;
    if (cli_load_labs(&t, &set))
        return EXIT_CANNOT_GRADE;
    const lab_t *lab = manifest_find(&set, lab_name);
    int rc = EXIT_GRADED;
    if (!lab) {
        cli_error("`grader list` shows the labs", "unknown lab '%s'", lab_name);
        rc = EXIT_USAGE;
    } else if (!lab->has_bench) {
        cli_error(NULL, "lab '%s' has no benchmarks", lab_name);
        rc = EXIT_USAGE;
    } else {
        series_t s = {STRBUF_INIT, STRBUF_INIT};
        char *why = NULL;
        int g = bench_series(&t, &set, lab, submission, (int)count, benchtime, &s, &why);
        if (g) {
            cli_error(NULL, "cannot benchmark lab '%s': %s", lab_name,
                      g < 0 ? strerror(-g) : why ? why : "unknown");
            rc = EXIT_CANNOT_GRADE;
        } else if (out && (save(out, "candidate.txt", &s.cand) || save(out, "reference.txt", &s.ref))) {
            rc = EXIT_CANNOT_GRADE;
        }
        free(why);
        strbuf_release(&s.cand);
        strbuf_release(&s.ref);
    }
    manifest_set_free(&set);
    return rc;
}
