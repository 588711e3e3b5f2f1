/*
 * tune_internal.h — the service's state, shared by tune_ingest.c and
 * tune_report.c. Editable: a faster service may change all of it.
 *
 * One mutex guards everything: the per-route map, the totals, the
 * patterns and the route cache.
 */
#ifndef UNDERGO_TUNE_INTERNAL_H
#define UNDERGO_TUNE_INTERNAL_H

#include <pthread.h>

#include "support/tune_line.h"
#include "tune.h"

#define TUNE_CACHE_MAX 65536 /* cached paths; the cache is emptied past it */

struct tune {
    pthread_mutex_t mu;
    tune_map_t routes; /* route name → stat */
    char **patterns;
    size_t n_patterns;
    tune_map_t cache; /* path → aux: pattern index + 1, or -1 for "other" */
    uint64_t good, bad;
};

/* The route of path (n bytes) by the patterns, computed (no cache):
 * *route and *rlen name it. Caller holds t->mu. */
void tune__classify(tune_t *t, const char *path, size_t n, const char **route, size_t *rlen);

#endif
