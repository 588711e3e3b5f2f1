/*
 * etcd_watch.c — watches and leases (etcd's watchable_store.go and
 * lease/lessor.go, without the gRPC around them).
 *
 * A watcher from revision S first gets the events of S and later that the
 * store still holds (its records, in revision order), then every write as
 * it happens. S below the compaction: cancelled with the compaction's
 * revision, as etcd's syncWatchers does. A lease holds keys; revoking it,
 * or its expiry on the store's clock, deletes them in one revision.
 *
 * Interface: etcd_watch → etcd_watch_next … → etcd_watch_cancel;
 * etcd_lease_grant / _keepalive / _revoke / _ttl; etcd__notify from writes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "etcd_internal.h"

#define SECOND 1000000000LL

void etcd_event_free(etcd_event_t *ev)
{
    if (!ev)
        return;
    etcd_kv_free(&ev->kv);
    etcd_kv_free(&ev->prev_kv);
}

#if LAB_SOLUTION

static int push(etcd_watcher_t *w, const etcd_key_t *k, size_t i)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 16;
        etcd_event_t *q = malloc(cap * sizeof *q);
        if (!q)
            return -ENOMEM;
        for (size_t j = 0; j < w->n; j++)
            q[j] = w->q[(w->head + j) % w->cap];
        free(w->q);
        w->q = q;
        w->head = 0;
        w->cap = cap;
    }
    etcd_event_t *ev = &w->q[(w->head + w->n++) % w->cap];
    memset(ev, 0, sizeof *ev);
    const etcd_rec_t *r = &k->recs[i];
    ev->type = r->tomb ? ETCD_EV_DELETE : ETCD_EV_PUT;
    etcd__rec_kv(k, r, &ev->kv);
    if (r->tomb) /* a delete event carries the key and the delete's revision */
        ev->kv.create_revision = ev->kv.version = ev->kv.lease = 0;
    if (w->prev_kv && i > 0 && !k->recs[i - 1].tomb)
        etcd__rec_kv(k, &k->recs[i - 1], &ev->prev_kv);
    return 0;
}

static bool watches(const etcd_watcher_t *w, const char *key)
{
    etcd_span_t sp = {w->key, w->has_end ? w->end : NULL, w->prefix};
    return etcd__span_has(&sp, key);
}

void etcd__notify(etcd_store_t *s, const etcd_key_t *k, size_t i)
{
    for (etcd_watcher_t *w = s->watchers; w; w = w->next)
        if (!w->cancelled && watches(w, k->key))
            push(w, k, i);
}

typedef struct hist {
    const etcd_key_t *k;
    size_t i;
} hist_t;

static int by_rev(const void *a, const void *b)
{
    const etcd_rec_t *x = &((const hist_t *)a)->k->recs[((const hist_t *)a)->i];
    const etcd_rec_t *y = &((const hist_t *)b)->k->recs[((const hist_t *)b)->i];
    if (x->main != y->main)
        return x->main < y->main ? -1 : 1;
    return x->sub < y->sub ? -1 : x->sub > y->sub;
}

int etcd_watch(etcd_store_t *s, const etcd_span_t *sp, int64_t start, bool prev_kv,
               etcd_watcher_t **out)
{
    etcd__leases_expire(s);
    etcd_watcher_t *w = calloc(1, sizeof *w);
    if (!w)
        return -ENOMEM;
    w->s = s;
    w->key = etcd__strdup(sp->key);
    w->has_end = sp->end != NULL;
    w->end = etcd__strdup(sp->end ? sp->end : "");
    w->prefix = sp->prefix;
    w->prev_kv = prev_kv;
    w->next = s->watchers;
    s->watchers = w;
    *out = w;
    if (start <= 0)
        start = s->rev + 1;
    if (start < s->compact) {
        w->cancelled = true;
        w->compact_rev = s->compact;
        return 0;
    }
    hist_t *h = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < s->nkeys; i++) {
        const etcd_key_t *k = &s->keys[i];
        if (!watches(w, k->key))
            continue;
        for (size_t j = 0; j < k->n; j++) {
            if (k->recs[j].main < start)
                continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 16;
                hist_t *nh = realloc(h, cap * sizeof *nh);
                if (!nh) {
                    free(h);
                    return -ENOMEM;
                }
                h = nh;
            }
            h[n++] = (hist_t){k, j};
        }
    }
    if (n)
        qsort(h, n, sizeof *h, by_rev);
    for (size_t i = 0; i < n; i++)
        push(w, h[i].k, h[i].i);
    free(h);
    return 0;
}

int etcd_watch_next(etcd_watcher_t *w, etcd_event_t *ev)
{
    if (w->n) {
        *ev = w->q[w->head];
        w->head = (w->head + 1) % w->cap;
        w->n--;
        return 1;
    }
    return w->cancelled ? -ECANCELED : 0;
}

int64_t etcd_watch_compact_rev(const etcd_watcher_t *w)
{
    return w->compact_rev;
}

static void watcher_free(etcd_watcher_t *w)
{
    for (size_t i = 0; i < w->n; i++)
        etcd_event_free(&w->q[(w->head + i) % w->cap]);
    free(w->q);
    free(w->key);
    free(w->end);
    free(w);
}

void etcd_watch_cancel(etcd_watcher_t *w)
{
    if (!w)
        return;
    for (etcd_watcher_t **p = &w->s->watchers; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            break;
        }
    watcher_free(w);
}

void etcd__watchers_free(etcd_store_t *s)
{
    while (s->watchers) {
        etcd_watcher_t *w = s->watchers;
        s->watchers = w->next;
        watcher_free(w);
    }
}

/* ---- leases ---- */

static etcd_lease_t *lease_find(etcd_store_t *s, int64_t id)
{
    for (size_t i = 0; i < s->nleases; i++)
        if (s->leases[i].id == id)
            return &s->leases[i];
    return NULL;
}

bool etcd__lease_exists(etcd_store_t *s, int64_t id)
{
    return lease_find(s, id) != NULL;
}

/* Deletes the lease's keys in one revision and forgets it. */
static void revoke(etcd_store_t *s, etcd_lease_t *l)
{
    int64_t id = l->id;
    *l = s->leases[--s->nleases];
    etcd__write_begin(s);
    for (size_t i = 0; i < s->nkeys; i++) {
        etcd_key_t *k = &s->keys[i];
        if (k->n && !k->recs[k->n - 1].tomb && k->recs[k->n - 1].lease == id) {
            char *key = etcd__strdup(k->key);
            etcd_span_t sp = {key, NULL, false};
            etcd__write_delete(s, &sp, NULL);
            free(key);
        }
    }
    etcd__write_end(s);
}

void etcd__leases_expire(etcd_store_t *s)
{
    if (!s->nleases)
        return;
    int64_t now = s->now();
    for (;;) {
        etcd_lease_t *first = NULL;
        for (size_t i = 0; i < s->nleases; i++) {
            etcd_lease_t *l = &s->leases[i];
            if (l->expiry <= now && (!first || l->expiry < first->expiry ||
                                     (l->expiry == first->expiry && l->id < first->id)))
                first = l;
        }
        if (!first)
            return;
        revoke(s, first);
    }
}

int etcd_lease_grant(etcd_store_t *s, int64_t id, int64_t ttl, int64_t *out_id)
{
    etcd__leases_expire(s);
    if (ttl <= 0 || id < 0)
        return -EINVAL;
    if (!id)
        while (lease_find(s, s->next_lease))
            s->next_lease++;
    if (!id)
        id = s->next_lease++;
    else if (lease_find(s, id))
        return -EEXIST;
    if (s->nleases == s->lcap) {
        size_t cap = s->lcap ? 2 * s->lcap : 8;
        etcd_lease_t *l = realloc(s->leases, cap * sizeof *l);
        if (!l)
            return -ENOMEM;
        s->leases = l;
        s->lcap = cap;
    }
    s->leases[s->nleases++] = (etcd_lease_t){id, ttl, s->now() + ttl * SECOND};
    if (out_id)
        *out_id = id;
    return 0;
}

int etcd_lease_keepalive(etcd_store_t *s, int64_t id)
{
    etcd__leases_expire(s);
    etcd_lease_t *l = lease_find(s, id);
    if (!l)
        return -ETCD_ENOLEASE;
    l->expiry = s->now() + l->ttl * SECOND;
    return 0;
}

int etcd_lease_revoke(etcd_store_t *s, int64_t id)
{
    etcd__leases_expire(s);
    etcd_lease_t *l = lease_find(s, id);
    if (!l)
        return -ETCD_ENOLEASE;
    revoke(s, l);
    return 0;
}

int64_t etcd_lease_ttl(etcd_store_t *s, int64_t id)
{
    etcd__leases_expire(s);
    etcd_lease_t *l = lease_find(s, id);
    if (!l)
        return -ETCD_ENOLEASE;
    return (l->expiry - s->now() + SECOND - 1) / SECOND;
}

#else

void etcd__notify(etcd_store_t *s, const etcd_key_t *k, size_t i)
{
    (void)s, (void)k, (void)i;
}
int etcd_watch(etcd_store_t *s, const etcd_span_t *sp, int64_t start, bool prev_kv,
               etcd_watcher_t **out)
{
    (void)s, (void)sp, (void)start, (void)prev_kv;
    *out = NULL;
    return -ENOSYS;
}
int etcd_watch_next(etcd_watcher_t *w, etcd_event_t *ev)
{
    (void)w;
    memset(ev, 0, sizeof *ev);
    return -ENOSYS;
}
int64_t etcd_watch_compact_rev(const etcd_watcher_t *w)
{
    (void)w;
    return -ENOSYS;
}
void etcd_watch_cancel(etcd_watcher_t *w)
{
    (void)w;
}
void etcd__watchers_free(etcd_store_t *s)
{
    (void)s;
}
bool etcd__lease_exists(etcd_store_t *s, int64_t id)
{
    (void)s, (void)id;
    return false;
}
void etcd__leases_expire(etcd_store_t *s)
{
    (void)s;
}
int etcd_lease_grant(etcd_store_t *s, int64_t id, int64_t ttl, int64_t *out_id)
{
    (void)s, (void)id, (void)ttl, (void)out_id;
    return -ENOSYS;
}
int etcd_lease_keepalive(etcd_store_t *s, int64_t id)
{
    (void)s, (void)id;
    return -ENOSYS;
}
int etcd_lease_revoke(etcd_store_t *s, int64_t id)
{
    (void)s, (void)id;
    return -ENOSYS;
}
int64_t etcd_lease_ttl(etcd_store_t *s, int64_t id)
{
    (void)s, (void)id;
    return -ENOSYS;
}

#endif
