/*
 * tune_ingest.c — the service's state, routes and ingestion.
 *
 * The handout's version is correct and slow on purpose: every line is
 * copied and split into freshly allocated tokens, every line's path is
 * matched against every pattern, every line takes the one global lock, and
 * tune_ingest_parallel ignores its workers. The reference parses in place
 * into a batch-local map keyed by path, classifies each distinct path once
 * through a route cache, merges the batch under the lock once, and spreads
 * a parallel batch over threads.
 *
 * Interface: tune.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tune_internal.h"

int tune_open(tune_t **out)
{
    tune_t *t = calloc(1, sizeof *t);
    if (!t)
        return -ENOMEM;
    pthread_mutex_init(&t->mu, NULL);
    tune_map_init(&t->routes);
    tune_map_init(&t->cache);
    *out = t;
    return 0;
}

static void free_patterns(char **p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i]);
    free(p);
}

void tune_close(tune_t *t)
{
    if (!t)
        return;
    tune_map_free(&t->routes);
    tune_map_free(&t->cache);
    free_patterns(t->patterns, t->n_patterns);
    pthread_mutex_destroy(&t->mu);
    free(t);
}

void tune__classify(tune_t *t, const char *path, size_t n, const char **route, size_t *rlen)
{
    if (!t->n_patterns) {
        *route = path, *rlen = n;
        return;
    }
    for (size_t i = 0; i < t->n_patterns; i++)
        if (tune_match(t->patterns[i], path, n)) {
            *route = t->patterns[i], *rlen = strlen(t->patterns[i]);
            return;
        }
    *route = "other", *rlen = 5;
}

int tune_set_routes(tune_t *t, const char *const *patterns, size_t n)
{
    char **p = calloc(n + 1, sizeof *p);
    if (!p)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (patterns[i][0] != '/' || strlen(patterns[i]) >= TUNE_MAX_ROUTE) {
            free_patterns(p, n);
            return -EINVAL;
        }
        if (!(p[i] = strdup(patterns[i]))) {
            free_patterns(p, n);
            return -ENOMEM;
        }
    }
    pthread_mutex_lock(&t->mu);
    free_patterns(t->patterns, t->n_patterns);
    t->patterns = p;
    t->n_patterns = n;
#if LAB_SOLUTION
    tune_map_clear(&t->cache); /* every cached route was decided by the old patterns */
#endif
    pthread_mutex_unlock(&t->mu);
    return 0;
}

void tune_totals(tune_t *t, uint64_t *good, uint64_t *bad)
{
    pthread_mutex_lock(&t->mu);
    *good = t->good;
    *bad = t->bad;
    pthread_mutex_unlock(&t->mu);
}

int tune_stat(tune_t *t, const char *route, tune_stat_t *out)
{
    pthread_mutex_lock(&t->mu);
    tune_map_entry_t *e = tune_map_get(&t->routes, route, strlen(route), false);
    if (e)
        *out = e->stat;
    pthread_mutex_unlock(&t->mu);
    return e ? 0 : -ENOENT;
}

static int copy_route(const char *r, size_t n, char *out, size_t len)
{
    if (n + 1 > len)
        return -ENOSPC;
    memcpy(out, r, n);
    out[n] = '\0';
    return 0;
}

#if LAB_SOLUTION

/* The route of path through the cache. Caller holds t->mu. */
static void route_cached(tune_t *t, const char *path, size_t n, const char **route, size_t *rlen)
{
    if (!t->n_patterns) {
        *route = path, *rlen = n;
        return;
    }
    if (t->cache.len >= TUNE_CACHE_MAX)
        tune_map_clear(&t->cache);
    tune_map_entry_t *e = tune_map_get(&t->cache, path, n, true);
    if (e && e->aux > 0) {
        *route = t->patterns[e->aux - 1], *rlen = strlen(*route);
        return;
    }
    if (e && e->aux < 0) {
        *route = "other", *rlen = 5;
        return;
    }
    tune__classify(t, path, n, route, rlen);
    if (e) {
        long aux = -1;
        for (size_t i = 0; i < t->n_patterns; i++)
            if (*route == t->patterns[i])
                aux = (long)i + 1;
        e->aux = aux;
    }
}

int tune_route(tune_t *t, const char *path, char *out, size_t len)
{
    const char *r;
    size_t n;
    pthread_mutex_lock(&t->mu);
    route_cached(t, path, strlen(path), &r, &n);
    int rc = copy_route(r, n, out, len);
    pthread_mutex_unlock(&t->mu);
    return rc;
}

/* One batch parsed in place into local (path → stat); bad lines counted. */
typedef struct batch {
    tune_map_t local;
    uint64_t good, bad;
    int rc;
} batch_t;

static void parse_line(batch_t *b, const char *s, const char *end)
{
    tune_line_t l;
    tune_line_init(&l);
    while (s < end) {
        while (s < end && *s == ' ')
            s++;
        if (s == end)
            break;
        const char *tok = s, *eq = NULL;
        while (s < end && *s != ' ') {
            if (*s == '=' && !eq)
                eq = s;
            s++;
        }
        if (eq)
            tune_line_field(&l, tok, (size_t)(eq - tok), eq + 1, (size_t)(s - eq - 1));
        else
            tune_line_field(&l, tok, (size_t)(s - tok), NULL, 0);
    }
    if (!tune_line_done(&l)) {
        b->bad++;
        return;
    }
    tune_map_entry_t *e = tune_map_get(&b->local, l.path, l.path_len, true);
    if (!e) {
        b->rc = -ENOMEM;
        return;
    }
    tune_stat_add(&e->stat, &l);
    b->good++;
}

static void parse_batch(batch_t *b, const char *buf, size_t len)
{
    const char *s = buf, *end = buf + len;
    while (s < end && !b->rc) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *eol = nl ? nl : end;
        if (eol > s)
            parse_line(b, s, eol);
        s = nl ? nl + 1 : end;
    }
}

/* Folds a parsed batch into the service: one lock for the whole batch. */
static long merge_batch(tune_t *t, batch_t *b)
{
    long rc = b->rc;
    pthread_mutex_lock(&t->mu);
    for (size_t i = 0; !rc && i < b->local.cap; i++) {
        tune_map_entry_t *p = &b->local.slots[i];
        if (!p->key)
            continue;
        const char *r;
        size_t n;
        route_cached(t, p->key, p->klen, &r, &n);
        tune_map_entry_t *e = tune_map_get(&t->routes, r, n, true);
        if (!e)
            rc = -ENOMEM;
        else
            tune_stat_merge(&e->stat, &p->stat);
    }
    if (!rc) {
        t->good += b->good;
        t->bad += b->bad;
    }
    pthread_mutex_unlock(&t->mu);
    tune_map_free(&b->local);
    return rc ? rc : (long)b->good;
}

long tune_ingest(tune_t *t, const char *buf, size_t len)
{
    batch_t b = {0};
    tune_map_init(&b.local);
    parse_batch(&b, buf, len);
    return merge_batch(t, &b);
}

typedef struct worker {
    tune_t *t;
    const char *buf;
    size_t len;
    long rc;
    pthread_t th;
} worker_t;

static void *work(void *arg)
{
    worker_t *w = arg;
    w->rc = tune_ingest(w->t, w->buf, w->len);
    return NULL;
}

long tune_ingest_parallel(tune_t *t, const char *buf, size_t len, int workers)
{
    if (workers < 1 || workers > TUNE_MAX_WORKERS)
        return -EINVAL;
    worker_t w[TUNE_MAX_WORKERS];
    bool started[TUNE_MAX_WORKERS] = {0};
    size_t at = 0;
    for (int i = 0; i < workers; i++) {
        /* Chunks end at a line's end, so no line is split between two. */
        size_t end = i == workers - 1 ? len : at + (len - at) / (size_t)(workers - i);
        const char *nl = end < len ? memchr(buf + end, '\n', len - end) : NULL;
        end = nl ? (size_t)(nl - buf) + 1 : len;
        if (end < at)
            end = at;
        w[i] = (worker_t){.t = t, .buf = buf + at, .len = end - at};
        at = end;
        started[i] = i > 0 && pthread_create(&w[i].th, NULL, work, &w[i]) == 0;
        if (i > 0 && !started[i])
            work(&w[i]);
    }
    work(&w[0]);
    long good = 0, rc = 0;
    for (int i = 0; i < workers; i++) {
        if (started[i])
            pthread_join(w[i].th, NULL);
        if (w[i].rc < 0)
            rc = w[i].rc;
        else
            good += w[i].rc;
    }
    return rc ? rc : good;
}

#else

int tune_route(tune_t *t, const char *path, char *out, size_t len)
{
    const char *r;
    size_t n;
    pthread_mutex_lock(&t->mu);
    tune__classify(t, path, strlen(path), &r, &n);
    int rc = copy_route(r, n, out, len);
    pthread_mutex_unlock(&t->mu);
    return rc;
}

/* A line split as a quick first version would: a copy of the line, then
 * a fresh string per token, per key and per value. */
typedef struct tokens {
    char **v;
    size_t n;
} tokens_t;

static void free_tokens(tokens_t *tk)
{
    for (size_t i = 0; i < tk->n; i++)
        free(tk->v[i]);
    free(tk->v);
}

static int split(const char *line, tokens_t *tk)
{
    tk->v = NULL, tk->n = 0;
    char *copy = strdup(line), *save = NULL;
    if (!copy)
        return -ENOMEM;
    for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char **v = realloc(tk->v, (tk->n + 1) * sizeof *v);
        char *dup = strdup(tok);
        if (!v || !dup) {
            free(dup);
            tk->v = v ? v : tk->v;
            free(copy);
            return -ENOMEM;
        }
        tk->v = v;
        tk->v[tk->n++] = dup;
    }
    free(copy);
    return 0;
}

static long ingest_line(tune_t *t, const char *line)
{
    tokens_t tk;
    if (split(line, &tk) < 0) {
        free_tokens(&tk);
        return -ENOMEM;
    }
    char **keys = calloc(tk.n + 1, sizeof *keys), **vals = calloc(tk.n + 1, sizeof *vals);
    long rc = keys && vals ? 0 : -ENOMEM;
    tune_line_t l;
    tune_line_init(&l);
    for (size_t i = 0; !rc && i < tk.n; i++) {
        char *eq = strchr(tk.v[i], '=');
        keys[i] = strndup(tk.v[i], eq ? (size_t)(eq - tk.v[i]) : strlen(tk.v[i]));
        vals[i] = eq ? strdup(eq + 1) : NULL;
        if (!keys[i] || (eq && !vals[i]))
            rc = -ENOMEM;
        else
            tune_line_field(&l, keys[i], strlen(keys[i]), vals[i], vals[i] ? strlen(vals[i]) : 0);
    }
    bool good = tune_line_done(&l);
    pthread_mutex_lock(&t->mu);
    if (!rc && good) {
        const char *r;
        size_t n;
        tune__classify(t, l.path, l.path_len, &r, &n);
        tune_map_entry_t *e = tune_map_get(&t->routes, r, n, true);
        if (e)
            tune_stat_add(&e->stat, &l);
        else
            rc = -ENOMEM;
    }
    if (!rc)
        good ? t->good++ : t->bad++;
    pthread_mutex_unlock(&t->mu);
    for (size_t i = 0; keys && vals && i < tk.n; i++)
        free(keys[i]), free(vals[i]);
    free(keys), free(vals);
    free_tokens(&tk);
    return rc ? rc : good;
}

long tune_ingest(tune_t *t, const char *buf, size_t len)
{
    long good = 0;
    const char *s = buf, *end = buf + len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *eol = nl ? nl : end;
        if (eol > s) {
            char *line = strndup(s, (size_t)(eol - s));
            long rc = line ? ingest_line(t, line) : -ENOMEM;
            free(line);
            if (rc < 0)
                return rc;
            good += rc;
        }
        s = nl ? nl + 1 : end;
    }
    return good;
}

long tune_ingest_parallel(tune_t *t, const char *buf, size_t len, int workers)
{
    if (workers < 1 || workers > TUNE_MAX_WORKERS)
        return -EINVAL;
    return tune_ingest(t, buf, len);
}

#endif
