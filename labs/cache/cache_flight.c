/*
 * cache_flight.c — Go's singleflight on the runtime's tasks: a list of the
 * loads in flight, each with a WaitGroup its duplicates wait on. The call
 * is counted (refs) by everyone holding it, so the last one out frees it,
 * and it leaves the list as soon as its function returns: a caller that
 * arrives later starts a new load, as Go's Do does.
 *
 * No mutex: one OS thread runs every task and the list is only touched
 * between scheduling points (wg_wait and the loader are the only ones), so
 * no other task can see it half-changed. Outside a runtime run (one caller,
 * nobody to wait for) it works the same.
 */
#include "cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <undergo/runtime.h>

typedef struct flight_call {
    struct flight_call *next;
    char *key;
    wg_t done;
    cache_buf_t val;
    int rc;
    int dups, refs;
} flight_call_t;

struct cache_flight {
    flight_call_t *calls;
};

#if LAB_SOLUTION

int cache_flight_new(cache_flight_t **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : -ENOMEM;
}

void cache_flight_free(cache_flight_t *g)
{
    free(g);
}

/* Hands c's result to one caller and drops its reference. */
static int take(flight_call_t *c, cache_buf_t *out, bool *shared)
{
    out->len = 0;
    int rc = c->rc;
    if (rc == 0 && cache_buf_append(out, c->val.data, c->val.len) < 0)
        rc = -ENOMEM;
    if (shared)
        *shared = c->dups > 0;
    if (--c->refs == 0) {
        cache_buf_free(&c->val);
        free(c->key);
        free(c);
    }
    return rc;
}

int cache_flight_do(cache_flight_t *g, const char *key, cache_load_fn fn, void *ud,
                    cache_buf_t *out, bool *shared)
{
    flight_call_t *c = g->calls;
    while (c && strcmp(c->key, key))
        c = c->next;
    if (c) {
        c->dups++;
        c->refs++;
        wg_wait(&c->done);
        return take(c, out, shared);
    }
    c = calloc(1, sizeof *c);
    if (!c || !(c->key = strdup(key))) {
        free(c);
        return -ENOMEM;
    }
    c->refs = 1;
    wg_add(&c->done, 1);
    c->next = g->calls;
    g->calls = c;

    c->rc = fn(ud, key, &c->val);

    flight_call_t **pp = &g->calls;
    while (*pp != c)
        pp = &(*pp)->next;
    *pp = c->next;
    wg_done(&c->done);
    return take(c, out, shared);
}

#else

int cache_flight_new(cache_flight_t **out)
{
    *out = NULL;
    return -ENOSYS;
}

void cache_flight_free(cache_flight_t *g)
{
    free(g);
}

int cache_flight_do(cache_flight_t *g, const char *key, cache_load_fn fn, void *ud,
                    cache_buf_t *out, bool *shared)
{
    (void)g, (void)key, (void)fn, (void)ud, (void)out, (void)shared;
    return -ENOSYS;
}

#endif
