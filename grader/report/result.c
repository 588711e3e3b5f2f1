/*
 * result.c — names of verdicts and statuses, counting, and freeing results.
 */
#include "result.h"

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
