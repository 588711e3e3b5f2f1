/*
 * dl_report.c — the report list: one entry per distinct cycle.
 *
 * Every detector builds a dl_report_t and a signature of what it found (the
 * cycle's classes or threads in a canonical order). A signature seen before
 * is dropped, so a loop that takes A then B a million times after B then A
 * was seen produces one report, as lockdep does.
 *
 * Interface: dl__report_add (detectors) → dl_report_count / dl_report_get
 * (users); the sink hears each new report once.
 */
#include <errno.h>
#include <stdlib.h>
#include "dl_internal.h"

#if LAB_SOLUTION

/* Caller holds d->lock. */
int dl__report_add(dl_t *d, dl_report_t *r, uint64_t sig, char *text) {
    for (size_t i = 0; i < d->nreps; i++)
        if (d->reps[i].sig == sig && d->reps[i].r.kind == r->kind) {
            free(text);
            return -EDEADLK;
        }
    if (!text || dl__grow((void **)&d->reps, &d->capreps, d->nreps + 1, sizeof *d->reps)) {
        free(text);
        return -ENOMEM;
    }
    r->text = text;
    d->reps[d->nreps++] = (dl_rep_t){*r, sig};
    if (d->sink) d->sink(d->sink_ud, r);
    return -EDEADLK;
}

void dl__reports_free(dl_t *d) {
    for (size_t i = 0; i < d->nreps; i++) free((char *)d->reps[i].r.text);
    free(d->reps);
}

size_t dl_report_count(const dl_t *d) { return d ? d->nreps : 0; }

int dl_report_get(const dl_t *d, size_t i, dl_report_t *out) {
    if (!d || !out || i >= d->nreps) return -ERANGE;
    *out = d->reps[i].r;
    return 0;
}

#else

size_t dl_report_count(const dl_t *d) { (void)d; return 0; }
int dl_report_get(const dl_t *d, size_t i, dl_report_t *out) {
    (void)d, (void)i, (void)out;
    return -ENOSYS;
}

#endif
