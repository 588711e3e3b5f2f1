/*
 * crd_ctrl.c — a controller for the lab's toy resource, Widget: an
 * informer (list, then watch from the list's resourceVersion, list again on
 * 410 Gone) fills a cache and queues every changed name; the reconcile loop
 * takes names from the work queue and converges each Widget.
 *
 * Reconciling a Widget, from the cache only:
 *  - no deletionTimestamp and no finalizer CRD_FINALIZER: add it (update);
 *  - deletionTimestamp set: do the cleanup, remove the finalizer (update);
 *    the server then deletes the object;
 *  - else, when status.readyReplicas != spec.replicas or
 *    status.observedGeneration != metadata.generation: write both
 *    (update_status).
 * A 409 (the cache was stale) puts the name back rate-limited; success
 * forgets its failures.
 *
 * Interface: crd_ctrl_new → crd_ctrl_sync → crd_ctrl_step / crd_ctrl_run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crd_internal.h"

#if LAB_SOLUTION

crd_ctrl_t *crd_ctrl_new(crd_server_t *s, int64_t *clock)
{
    crd_ctrl_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->s = s;
    c->clock = clock;
    c->q = crd_queue_new(clock);
    return c;
}

static void cache_clear(crd_ctrl_t *c)
{
    for (size_t k = 0; k < c->ncache; k++)
        crd_val_free(c->cache[k]);
    c->ncache = 0;
}

void crd_ctrl_free(crd_ctrl_t *c)
{
    if (!c)
        return;
    cache_clear(c);
    crd_queue_free(c->q);
    free(c);
}

crd_queue_t *crd_ctrl_queue(crd_ctrl_t *c)
{
    return c->q;
}

static long cache_find(const crd_ctrl_t *c, const char *name)
{
    for (size_t k = 0; k < c->ncache; k++)
        if (!strcmp(crd_str_at(c->cache[k], "metadata.name"), name))
            return (long)k;
    return -1;
}

const crd_val_t *crd_ctrl_cached(crd_ctrl_t *c, const char *name)
{
    long k = cache_find(c, name);
    return k < 0 ? NULL : c->cache[k];
}

static void cache_put(crd_ctrl_t *c, const crd_val_t *obj)
{
    long k = cache_find(c, crd_str_at(obj, "metadata.name"));
    if (k >= 0) {
        crd_val_free(c->cache[k]);
        c->cache[k] = crd_val_clone(obj);
    } else if (c->ncache < CRD_MAX_OBJS) {
        c->cache[c->ncache++] = crd_val_clone(obj);
    }
}

static void cache_drop(crd_ctrl_t *c, const char *name)
{
    long k = cache_find(c, name);
    if (k >= 0) {
        crd_val_free(c->cache[k]);
        c->cache[k] = c->cache[--c->ncache];
    }
}

static void relist(crd_ctrl_t *c)
{
    const crd_val_t *items[CRD_MAX_OBJS];
    uint64_t rv;
    size_t n = crd_list(c->s, items, CRD_MAX_OBJS, &rv);
    /* names that vanished while the watch was down are queued too */
    for (size_t k = 0; k < c->ncache; k++) {
        const char *name = crd_str_at(c->cache[k], "metadata.name");
        bool kept = false;
        for (size_t i = 0; i < n && !kept; i++)
            kept = !strcmp(crd_str_at(items[i], "metadata.name"), name);
        if (!kept)
            crd_queue_add(c->q, name);
    }
    cache_clear(c);
    for (size_t i = 0; i < n; i++) {
        cache_put(c, items[i]);
        crd_queue_add(c->q, crd_str_at(items[i], "metadata.name"));
    }
    c->rv = rv;
}

void crd_ctrl_sync(crd_ctrl_t *c)
{
    crd_event_t ev[64];
    size_t n;
    if (c->rv == 0) {
        relist(c);
        return;
    }
    for (;;) {
        if (crd_watch(c->s, c->rv, ev, 64, &n) == 410) {
            relist(c);
            return;
        }
        for (size_t k = 0; k < n; k++) {
            const char *name = crd_str_at(ev[k].obj, "metadata.name");
            if (ev[k].type == CRD_DELETED)
                cache_drop(c, name);
            else
                cache_put(c, ev[k].obj);
            crd_queue_add(c->q, name);
            c->rv = ev[k].rv;
        }
        if (n < 64)
            return;
    }
}

static bool has_finalizer(const crd_val_t *obj)
{
    const crd_val_t *f = crd_at(obj, "metadata.finalizers");
    for (size_t k = 0; f && f->kind == CRD_LIST && k < f->n; k++)
        if (f->items[k]->kind == CRD_STR && !strcmp(f->items[k]->s, CRD_FINALIZER))
            return true;
    return false;
}

static int64_t int_at(const crd_val_t *obj, const char *path)
{
    const crd_val_t *v = crd_at(obj, path);
    return v && v->kind == CRD_INT ? v->i : -1;
}

/* One reconcile of name: the server's answer (200 or 201 fine, 409 retry),
 * 0 when nothing was to be done. */
static int reconcile(crd_ctrl_t *c, const char *name)
{
    const crd_val_t *cached = crd_ctrl_cached(c, name);
    crd_errs_t errs = {0};
    if (!cached)
        return 0; /* deleted: nothing left to converge */
    crd_val_t *obj = crd_val_clone(cached);
    crd_val_t *meta = crd_get(obj, "metadata");
    int code = 0;
    if (crd_get(meta, "deletionTimestamp")) {
        if (has_finalizer(obj)) {
            crd_val_t *f = crd_get(meta, "finalizers"), *keep = crd_val_new(CRD_LIST);
            /* keep every other finalizer in its order */
            for (size_t k = 0; k < f->n; k++)
                if (!(f->items[k]->kind == CRD_STR && !strcmp(f->items[k]->s, CRD_FINALIZER))) {
                    keep->items = realloc(keep->items, (keep->n + 1) * sizeof *keep->items);
                    if (!keep->items)
                        abort();
                    keep->items[keep->n++] = crd_val_clone(f->items[k]);
                }
            crd_set(meta, "finalizers", keep);
            code = crd_update(c->s, obj, NULL, &errs);
        }
    } else if (!has_finalizer(obj)) {
        crd_val_t *f = crd_get(meta, "finalizers");
        if (!f || f->kind != CRD_LIST) {
            f = crd_val_new(CRD_LIST);
            crd_set(meta, "finalizers", f);
        }
        f->items = realloc(f->items, (f->n + 1) * sizeof *f->items);
        if (!f->items)
            abort();
        f->items[f->n++] = crd_val_str(CRD_FINALIZER);
        code = crd_update(c->s, obj, NULL, &errs);
    } else {
        int64_t want = int_at(obj, "spec.replicas"), gen = int_at(obj, "metadata.generation");
        if (int_at(obj, "status.readyReplicas") != want ||
            int_at(obj, "status.observedGeneration") != gen) {
            crd_val_t *st = crd_val_new(CRD_MAP);
            crd_set(st, "readyReplicas", crd_val_int(want));
            crd_set(st, "observedGeneration", crd_val_int(gen));
            crd_set(obj, "status", st);
            code = crd_update_status(c->s, obj, NULL, &errs);
        }
    }
    crd_val_free(obj);
    return code;
}

int crd_ctrl_step(crd_ctrl_t *c)
{
    char key[CRD_KEY_MAX];
    if (crd_queue_get(c->q, key) != 0)
        return 0;
    int code = reconcile(c, key);
    if (code == 409)
        crd_queue_add_rate_limited(c->q, key);
    else
        crd_queue_forget(c->q, key);
    crd_queue_done(c->q, key);
    return 1;
}

int crd_ctrl_run(crd_ctrl_t *c, int max_steps)
{
    int steps = 0;
    while (steps < max_steps) {
        crd_ctrl_sync(c);
        if (crd_ctrl_step(c)) {
            steps++;
            continue;
        }
        int64_t next = crd_queue_next_ready(c->q);
        if (next < 0)
            break;
        if (next > *c->clock)
            *c->clock = next;
    }
    return steps;
}

#else

crd_ctrl_t *crd_ctrl_new(crd_server_t *s, int64_t *clock)
{
    (void)s, (void)clock;
    return NULL;
}
void crd_ctrl_free(crd_ctrl_t *c)
{
    (void)c;
}
void crd_ctrl_sync(crd_ctrl_t *c)
{
    (void)c;
}
const crd_val_t *crd_ctrl_cached(crd_ctrl_t *c, const char *name)
{
    (void)c, (void)name;
    return NULL;
}
int crd_ctrl_step(crd_ctrl_t *c)
{
    (void)c;
    return -ENOSYS;
}
int crd_ctrl_run(crd_ctrl_t *c, int max_steps)
{
    (void)c, (void)max_steps;
    return -ENOSYS;
}
crd_queue_t *crd_ctrl_queue(crd_ctrl_t *c)
{
    (void)c;
    return NULL;
}

#endif
