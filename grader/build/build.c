/*
 * build.c — the build stage (see build.h).
 *
 * Binary names. In the source tree, for variant V (ref or stub):
 * <lab>_graded_V (recording tests + V), <lab>_test_ref (judging tests +
 * the reference: the trusted side), <lab>_bench_V and <lab>_bench_ref. In
 * a handout there is one variant, the candidate's code: <lab>_graded,
 * <lab>_bench; the trusted side is what the handout ships compiled in
 * reference/bin/ (<lab>_test, <lab>_bench).
 */
#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "proc.h"
#include "strbuf.h"
#include "text.h"

static char *path_of(const char *dir, const char *lab, const char *what, const char *variant)
{
    strbuf_t sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/%s_%s%s%s", dir, lab, what, variant ? "_" : "", variant ? variant : "");
    return strbuf_detach(&sb);
}

/* The CMake target grading pl needs (cmake/undergo_lab.cmake makes one
 * per lab and variant); false when there is nothing to build (a handout
 * grading a submission: its trusted side comes compiled). */
static bool lab_target(const plan_t *p, const plan_lab_t *pl, char t[256])
{
    const lab_t *lab = pl->lab;
    if (p->o.handout && p->o.submission)
        return false;
    if (p->o.handout)
        snprintf(t, 256, "%s_grading", lab->name);
    else
        snprintf(t, 256, "%s_grading_%s", lab->name, p->o.submission ? "ref" : p->o.variant);
    return true;
}

/* `cmake --build <bindir> --target ...` (trusted: the pristine tree).
 * Returns its exit status; *out gets what it printed (caller frees). */
static int cmake_targets(const plan_t *p, const char *const *targets, size_t n, char **out)
{
    const char **argv = calloc(n + 5, sizeof *argv);
    if (!argv)
        return -ENOMEM;
    size_t k = 0;
    argv[k++] = "cmake";
    argv[k++] = "--build";
    argv[k++] = p->o.bindir;
    argv[k++] = "--target";
    for (size_t i = 0; i < n; i++)
        argv[k++] = targets[i];
    int rc = n ? proc_run(argv, NULL, out) : 0;
    free(argv);
    return rc;
}

int build_tree(const plan_t *p)
{
    char (*t)[256] = calloc(p->n_labs + 1, sizeof *t);
    const char **targets = calloc(p->n_labs + 1, sizeof *targets);
    size_t k = 0;
    for (size_t i = 0; t && targets && i < p->n_labs; i++) {
        const plan_lab_t *pl = &p->labs[i];
        if (pl->selected && pl->status == LAB_GRADED && lab_target(p, pl, t[k]))
            targets[k] = t[k], k++;
    }
    int rc = t && targets ? cmake_targets(p, targets, k, NULL) : -ENOMEM;
    free(t);
    free(targets);
    return rc;
}

static int set_failed(lab_result_t *lr, lab_status_t st, const char *log)
{
    lr->status = st;
    free(lr->build_output);
    lr->build_output = log ? text_clean(log, strlen(log)) : NULL;
    return log && !lr->build_output ? -ENOMEM : 0;
}

/* Builds pl's own target. Returns 0, or 1 with lr failed. */
static int cmake_lab(const plan_t *p, const plan_lab_t *pl, lab_result_t *lr)
{
    char t[256];
    const char *targets[1] = {t};
    if (!lab_target(p, pl, t))
        return 0;
    char *out = NULL;
    int rc = cmake_targets(p, targets, 1, &out);
    if (rc == 0) {
        free(out);
        return 0;
    }
    strbuf_t sb = STRBUF_INIT;
    strbuf_addf(&sb, "grader: building lab '%s' failed (cmake exit %d)\n%s", pl->lab->name, rc,
                out ? out : "");
    free(out);
    set_failed(lr, LAB_INTERNAL_ERROR, sb.buf);
    strbuf_release(&sb);
    return 1;
}

/* The trusted side and the reference benchmark. */
static int trusted_paths(const plan_t *p, const lab_t *lab, const char *bindir, lab_bins_t *b)
{
    char refdir[PATH_MAX];
    snprintf(refdir, sizeof refdir, "%s/reference/bin", p->o.root);
    b->trusted = p->o.handout ? path_of(refdir, lab->name, "test", NULL)
                              : path_of(bindir, lab->name, "test", "ref");
    if (lab->has_bench)
        b->ref_bench = p->o.handout ? path_of(refdir, lab->name, "bench", NULL)
                                    : path_of(bindir, lab->name, "bench", "ref");
    return b->trusted && (!lab->has_bench || b->ref_bench) ? 0 : -ENOMEM;
}

int build_lab(const plan_t *p, const plan_lab_t *pl, bool tree_built, lab_bins_t *b,
              lab_result_t *lr)
{
    const lab_t *lab = pl->lab;
    char bindir[PATH_MAX];
    snprintf(bindir, sizeof bindir, "%s/bin", p->o.bindir);
    if (!tree_built && cmake_lab(p, pl, lr))
        return 0;
    int rc = trusted_paths(p, lab, bindir, b);
    if (rc || !p->o.submission) {
        const char *v = p->o.handout ? NULL : p->o.variant;
        if (!rc && !(b->test = path_of(bindir, lab->name, "graded", v)))
            rc = -ENOMEM;
        if (!rc && lab->has_bench && !(b->cand_bench = path_of(bindir, lab->name, "bench", v)))
            rc = -ENOMEM;
        return rc;
    }
    compile_out_t co;
    rc = compile_submission(p, pl, b, &co);
    if (co.status != LAB_GRADED)
        set_failed(lr, co.status, co.log);
    if (co.warnings) {
        lr->build_warnings = text_clean(co.warnings, strlen(co.warnings));
        if (!lr->build_warnings)
            rc = -ENOMEM;
    }
    compile_out_free(&co);
    return rc;
}
