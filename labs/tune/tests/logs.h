/*
 * logs.h — seeded access-log batches for the tune tests, with the totals
 * they must produce, computed here line by line (the oracle).
 *
 * Interface: logs_init → logs_line... (appends one good line and counts it
 * under a route) → logs.buf/len; logs_free.
 */
#ifndef TUNE_TEST_LOGS_H
#define TUNE_TEST_LOGS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <undergo/labtest.h>

#include "tune.h"

typedef struct logs {
    char *buf;
    size_t len, cap;
} logs_t;

static inline void logs_init(logs_t *l)
{
    memset(l, 0, sizeof *l);
}

static inline void logs_free(logs_t *l)
{
    free(l->buf);
}

static inline void logs_put(logs_t *l, const char *text)
{
    size_t n = strlen(text);
    if (l->len + n + 1 > l->cap) {
        l->cap = (l->len + n + 1) * 2;
        l->buf = realloc(l->buf, l->cap);
        assert_non_null(l->buf);
    }
    memcpy(l->buf + l->len, text, n + 1);
    l->len += n;
}

/* A good line for path with seeded numbers, added to *s (may be NULL). */
static inline void logs_line(logs_t *l, const char *path, tune_stat_t *s)
{
    static const char *const methods[] = {"GET", "POST", "PUT"};
    unsigned status = (unsigned)(200 + 100 * ug_rand_below(4) + ug_rand_below(5));
    unsigned long long bytes = ug_rand_below(100000), ms = ug_rand_below(2000);
    char line[512];
    switch (ug_rand_below(3)) { /* the order of keys does not matter */
    case 0:
        snprintf(line, sizeof line, "method=%s path=%s status=%u bytes=%llu ms=%llu\n",
                 methods[ug_rand_below(3)], path, status, bytes, ms);
        break;
    case 1:
        snprintf(line, sizeof line, "ms=%llu status=%u path=%s bytes=%llu\n", ms, status, path,
                 bytes);
        break;
    default:
        snprintf(line, sizeof line, "path=%s  bytes=%llu ms=%llu   status=%u id=%llx\n", path,
                 bytes, ms, status, (unsigned long long)ug_rand());
    }
    logs_put(l, line);
    if (s) {
        s->count++;
        s->bytes += bytes;
        s->errors += status >= 500;
        s->ms_total += ms;
        if (ms > s->ms_max)
            s->ms_max = ms;
    }
}

/* Checks one route's totals against the oracle's, all five in one check
 * (a macro, so the expected values stay out of the graded binary). */
#define logs_check_stat(t, route, want)                                                            \
    do {                                                                                           \
        tune_stat_t got_ = {0};                                                                    \
        assert_int_equal(0, tune_stat((t), (route), &got_));                                       \
        assert_memory_equal(&(want), &got_, sizeof got_);                                          \
    } while (0)

/* The report line of one route, as tune.h defines it. */
static inline void logs_row(char *out, size_t len, const char *route, const tune_stat_t *s)
{
    snprintf(out, len, "%s count=%llu bytes=%llu errors=%llu ms_avg=%llu ms_max=%llu\n", route,
             (unsigned long long)s->count, (unsigned long long)s->bytes,
             (unsigned long long)s->errors,
             (unsigned long long)(s->count ? s->ms_total / s->count : 0),
             (unsigned long long)s->ms_max);
}

#endif
