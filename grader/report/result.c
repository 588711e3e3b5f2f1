/*
 * result.c — names of verdicts and statuses, counting, what a lab's
 * verdicts say of its missing benchmarks, and freeing results.
 */
#include "result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const verdict_names[] = {
#define X(id, name) name,
    VERDICTS(X)
#undef X
};

static const char *const status_names[] = {"graded", "build-error", "not-submitted",
                                           "internal-error"};

const char *verdict_name(verdict_t v)
{
    return (unsigned)v < VERDICT_COUNT ? verdict_names[v] : NULL;
}

int verdict_parse(const char *s)
{
    for (int v = 0; v < VERDICT_COUNT; v++)
        if (!strcmp(verdict_names[v], s))
            return v;
    return -1;
}

const char *lab_status_name(lab_status_t s)
{
    return (unsigned)s < sizeof status_names / sizeof *status_names ? status_names[s] : NULL;
}

int lab_status_parse(const char *s)
{
    for (size_t i = 0; i < sizeof status_names / sizeof *status_names; i++)
        if (!strcmp(status_names[i], s))
            return (int)i;
    return -1;
}

size_t lab_count(const lab_result_t *lr, verdict_t v)
{
    size_t n = 0;
    for (size_t i = 0; i < lr->n_tests; i++)
        n += lr->tests[i].verdict == v;
    return n;
}

static bool has_samples(const lab_result_t *lr)
{
    for (size_t i = 0; i < lr->n_benches; i++)
        if (lr->benches[i].n > 0)
            return true;
    return false;
}

/* The length of s's first line, at most 160, without a closing ':'. */
static int first_line(const char *s)
{
    size_t n = strcspn(s, "\n");
    n = n < 160 ? n : 160;
    return (int)(n && s[n - 1] == ':' ? n - 1 : n);
}

const char *lab_why_no_samples(const run_result_t *r, const lab_result_t *lr, char *buf, size_t len)
{
    size_t failed = lr->n_tests - lab_count(lr, VERDICT_PASS);
    if (has_samples(lr))
        return NULL;
    if (lr->status != LAB_GRADED)
        snprintf(buf, len, "%s, so it was not benchmarked",
                 lr->status == LAB_BUILD_ERROR     ? "it did not build"
                 : lr->status == LAB_NOT_SUBMITTED ? "it was not submitted"
                                                   : "the grader could not grade it");
    else if (lr->perf_share <= 0)
        snprintf(buf, len, "it has no benchmarks");
    else if (r->bench == RUN_BENCH_OFF)
        snprintf(buf, len, "it was graded with --no-bench");
    else if (failed)
        snprintf(buf, len, "%zu of %zu tests did not pass, so its benchmarks were not run", failed,
                 lr->n_tests);
    else if (lr->perf_error) /* "the candidate benchmark failed in round 2 (...)" */
        snprintf(buf, len, "%.*s", first_line(lr->perf_error), lr->perf_error);
    else
        snprintf(buf, len, "its benchmarks were not run (the report does not say why)");
    return buf;
}

void lab_result_clear_tests(lab_result_t *lr)
{
    for (size_t i = 0; i < lr->n_tests; i++) {
        free(lr->tests[i].name);
        free(lr->tests[i].why);
        free(lr->tests[i].output);
        free(lr->tests[i].rerun);
    }
    free(lr->tests);
    lr->tests = NULL;
    lr->n_tests = 0;
}

static void lab_result_free(lab_result_t *lr)
{
    free(lr->name);
    free(lr->title);
    free(lr->question);
    free(lr->build_output);
    free(lr->build_warnings);
    free(lr->perf_error);
    for (size_t i = 0; i < lr->n_notes; i++)
        free(lr->notes[i]);
    free(lr->notes);
    lab_result_clear_tests(lr);
    for (size_t i = 0; i < lr->n_benches; i++) {
        free(lr->benches[i].name);
        free(lr->benches[i].unit);
        free(lr->benches[i].reference);
        free(lr->benches[i].candidate);
    }
    free(lr->benches);
}

void run_result_free(run_result_t *r)
{
    for (size_t i = 0; i < r->n_labs; i++)
        lab_result_free(&r->labs[i]);
    free(r->labs);
    free(r->submission);
    free(r->variant);
    free(r->isolation);
    free(r->machine);
    free(r->started_at);
    free(r->filter);
    memset(r, 0, sizeof *r);
}
