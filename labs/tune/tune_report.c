/*
 * tune_report.c — the report, as a string and to a file descriptor.
 *
 * The handout builds the string by concatenation (every piece copies all
 * that came before it) and writes the report with one write() per piece.
 * The reference appends to a buffer that doubles, and writes it through a
 * 64 KiB buffer, flushed when full and once at the end.
 *
 * Interface: tune.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tune_internal.h"

/* The pieces of one route's line, in order: a label, then a number; the
 * route name comes first and "\n" last. */
static const char *const labels[] = {" count=", " bytes=", " errors=", " ms_avg=", " ms_max="};
#define NLABELS (sizeof labels / sizeof *labels)

static void numbers(const tune_stat_t *s, uint64_t v[NLABELS])
{
    v[0] = s->count, v[1] = s->bytes, v[2] = s->errors;
    v[3] = s->count ? s->ms_total / s->count : 0;
    v[4] = s->ms_max;
}

#if LAB_SOLUTION

typedef struct buf {
    char *p;
    size_t len, cap;
    int fd; /* >= 0: flushed to fd when full; else grows */
    int rc;
} buf_t;

static int flush(buf_t *b)
{
    for (size_t at = 0; at < b->len;) {
        ssize_t w = write(b->fd, b->p + at, b->len - at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return b->rc = -errno;
        at += (size_t)w;
    }
    b->len = 0;
    return 0;
}

static void put(buf_t *b, const char *s, size_t n)
{
    if (b->rc)
        return;
    if (b->len + n + 1 > b->cap) {
        if (b->fd >= 0 && flush(b) < 0)
            return;
        if (b->len + n + 1 > b->cap) {
            size_t cap = b->cap ? b->cap : 4096;
            while (cap < b->len + n + 1)
                cap *= 2;
            char *p = realloc(b->p, cap);
            if (!p) {
                b->rc = -ENOMEM;
                return;
            }
            b->p = p, b->cap = cap;
        }
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void put_u64(buf_t *b, uint64_t v)
{
    char d[24];
    int n = snprintf(d, sizeof d, "%" PRIu64, v);
    put(b, d, (size_t)n);
}

static int report(tune_t *t, buf_t *b)
{
    pthread_mutex_lock(&t->mu);
    tune_map_entry_t **v;
    long n = tune_map_sorted(&t->routes, &v);
    for (long i = 0; i < n; i++) {
        uint64_t num[NLABELS];
        numbers(&v[i]->stat, num);
        put(b, v[i]->key, v[i]->klen);
        for (size_t k = 0; k < NLABELS; k++) {
            put(b, labels[k], strlen(labels[k]));
            put_u64(b, num[k]);
        }
        put(b, "\n", 1);
    }
    put(b, "total good=", 11);
    put_u64(b, t->good);
    put(b, " bad=", 5);
    put_u64(b, t->bad);
    put(b, "\n", 1);
    pthread_mutex_unlock(&t->mu);
    free(v);
    return n < 0 ? (int)n : b->rc;
}

int tune_render(tune_t *t, char **out, size_t *len)
{
    buf_t b = {.fd = -1};
    int rc = report(t, &b);
    if (rc) {
        free(b.p);
        return rc;
    }
    *out = b.p, *len = b.len;
    return 0;
}

int tune_write_report(tune_t *t, int fd)
{
    buf_t b = {.fd = fd, .cap = 65536};
    b.p = malloc(b.cap);
    if (!b.p)
        return -ENOMEM;
    int rc = report(t, &b);
    if (!rc)
        rc = flush(&b);
    free(b.p);
    return rc;
}

#else

/* s + piece in a new string; s is freed. NULL when out of memory. */
static char *cat(char *s, const char *piece)
{
    if (!s)
        return NULL;
    size_t a = strlen(s), n = strlen(piece);
    char *r = malloc(a + n + 1);
    if (r) {
        memcpy(r, s, a);
        memcpy(r + a, piece, n + 1);
    }
    free(s);
    return r;
}

static char *cat_u64(char *s, uint64_t v)
{
    char d[24];
    snprintf(d, sizeof d, "%" PRIu64, v);
    return cat(s, d);
}

int tune_render(tune_t *t, char **out, size_t *len)
{
    pthread_mutex_lock(&t->mu);
    tune_map_entry_t **v;
    long n = tune_map_sorted(&t->routes, &v);
    char *s = n < 0 ? NULL : strdup("");
    for (long i = 0; i < n; i++) {
        uint64_t num[NLABELS];
        numbers(&v[i]->stat, num);
        s = cat(s, v[i]->key);
        for (size_t k = 0; k < NLABELS; k++)
            s = cat_u64(cat(s, labels[k]), num[k]);
        s = cat(s, "\n");
    }
    s = cat(cat_u64(cat(cat_u64(cat(s, "total good="), t->good), " bad="), t->bad), "\n");
    pthread_mutex_unlock(&t->mu);
    free(v);
    if (!s)
        return -ENOMEM;
    *out = s, *len = strlen(s);
    return 0;
}

static int say(int fd, const char *s)
{
    for (size_t at = 0, n = strlen(s); at < n;) {
        ssize_t w = write(fd, s + at, n - at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        at += (size_t)w;
    }
    return 0;
}

static int say_u64(int fd, uint64_t v)
{
    char d[24];
    snprintf(d, sizeof d, "%" PRIu64, v);
    return say(fd, d);
}

int tune_write_report(tune_t *t, int fd)
{
    pthread_mutex_lock(&t->mu);
    tune_map_entry_t **v;
    long n = tune_map_sorted(&t->routes, &v);
    int rc = n < 0 ? (int)n : 0;
    for (long i = 0; !rc && i < n; i++) {
        uint64_t num[NLABELS];
        numbers(&v[i]->stat, num);
        rc = say(fd, v[i]->key);
        for (size_t k = 0; !rc && k < NLABELS; k++)
            if (!(rc = say(fd, labels[k])))
                rc = say_u64(fd, num[k]);
        if (!rc)
            rc = say(fd, "\n");
    }
    if (!rc && !(rc = say(fd, "total good=")) && !(rc = say_u64(fd, t->good)) &&
        !(rc = say(fd, " bad=")) && !(rc = say_u64(fd, t->bad)))
        rc = say(fd, "\n");
    pthread_mutex_unlock(&t->mu);
    free(v);
    return rc;
}

#endif
