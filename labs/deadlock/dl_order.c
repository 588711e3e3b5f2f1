/*
 * dl_order.c — the lock-order graph and the chain cache (lockdep's core).
 *
 * Each thread keeps a stack of the locks it holds. Acquiring lock L of
 * class C while holding H1..Hk adds the edges Hi → C: "C was taken inside
 * Hi". If C can already reach Hi through the graph, the new edge closes a
 * cycle: two (or more) threads following those orders could each hold one
 * lock and wait for the next forever. That is reported at the acquisition
 * that creates the edge, even though nothing hangs now.
 *
 * The chain cache makes this cheap. A thread's chain key is a hash over
 * the classes it holds, in order; the key after the new acquisition names
 * exactly the set of edges it would add. A key seen before needs no work:
 * the hot path is one hash and one lock-free lookup. Only a new key takes
 * d->lock, adds the edges and runs a breadth-first search per new edge.
 * In front of the shared tables each thread keeps two small direct-mapped
 * caches (lock → class, validated chain keys; dl_internal.h), so a steady
 * workload never leaves the thread's own cache lines.
 *
 * Rules: a trylock adds no edge into the lock it takes (it never waits),
 * but a lock held through trylock orders later acquisitions like any
 * other. Taking a class already held (same lock, or a sibling without a
 * nesting annotation) is a self-deadlock.
 *
 * Interface: dl_acquire → dl__validate (slow: add_edge → bfs → report)
 * → ... → dl_release.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dl_internal.h"

#if LAB_SOLUTION

/* ---- the chain cache ---- */

#define chain_next dl__chain_next

static bool chain_cached(dl_t *d, uint64_t key) {
    size_t mask = DL_CHAIN_SLOTS - 1, i = key & mask;
    for (int n = 0; n < 32; n++, i = (i + 1) & mask) {
        uint64_t k = atomic_load_explicit(&d->chains[i], memory_order_relaxed);
        if (k == key) return true;
        if (!k) return false;
    }
    return false;
}

/* Caller holds d->lock. A full cache just stops caching. */
static void chain_insert(dl_t *d, uint64_t key) {
    if (d->nchains * 4 >= DL_CHAIN_SLOTS * 3) return;
    size_t mask = DL_CHAIN_SLOTS - 1, i = key & mask;
    for (int n = 0; n < 32; n++, i = (i + 1) & mask) {
        uint64_t k = atomic_load_explicit(&d->chains[i], memory_order_relaxed);
        if (k == key) return;
        if (!k) {
            atomic_store_explicit(&d->chains[i], key, memory_order_release);
            d->nchains++;
            return;
        }
    }
}

/* ---- edges ---- */

static uint64_t edge_key(uint32_t from, uint32_t to) { return (uint64_t)from << 32 | to; }

static size_t ekey_slot(const dl_t *d, uint64_t key) {
    size_t mask = d->ekcap - 1, i = dl__hash(key, 0) & mask;
    while (d->ekeys[i] && d->ekeys[i] != key) i = (i + 1) & mask;
    return i;
}

static int ekey_grow(dl_t *d) {
    size_t old = d->ekcap, cap = old ? old * 2 : 256;
    uint64_t *ok = d->ekeys;
    uint32_t *oi = d->eids;
    d->ekeys = calloc(cap, sizeof *d->ekeys);
    d->eids = calloc(cap, sizeof *d->eids);
    if (!d->ekeys || !d->eids) {
        free(d->ekeys), free(d->eids);
        d->ekeys = ok, d->eids = oi;
        return -ENOMEM;
    }
    d->ekcap = cap;
    for (size_t i = 0; i < old; i++) {
        if (!ok[i]) continue;
        size_t s = ekey_slot(d, ok[i]);
        d->ekeys[s] = ok[i];
        d->eids[s] = oi[i];
    }
    free(ok), free(oi);
    return 0;
}

/* Records the edge from → to with its sites. Returns 0 or -ENOMEM. */
static int edge_add(dl_t *d, uint32_t from, uint32_t to, char *from_site, char *to_site) {
    size_t cap = d->capedges;
    if ((d->nedges + 1) * 2 > d->ekcap && ekey_grow(d)) return -ENOMEM;
    if (dl__grow((void **)&d->edges, &cap, d->nedges + 1, sizeof *d->edges)) return -ENOMEM;
    d->capedges = (uint32_t)cap;
    dl_class_t *c = &d->cls[from];
    size_t capout = c->capout;
    if (dl__grow((void **)&c->out, &capout, c->nout + 1, sizeof *c->out)) return -ENOMEM;
    c->capout = (uint32_t)capout;
    uint32_t id = d->nedges++;
    d->edges[id] = (dl_edge_t){from, to, from_site, to_site};
    c->out[c->nout++] = id;
    size_t s = ekey_slot(d, edge_key(from, to));
    d->ekeys[s] = edge_key(from, to);
    d->eids[s] = id;
    return 0;
}

void dl__order_free(dl_t *d) {
    for (uint32_t i = 0; i < d->nedges; i++) {
        free(d->edges[i].from_site);
        free(d->edges[i].to_site);
    }
    free(d->edges);
    free(d->ekeys);
    free(d->eids);
}

/* Breadth-first search from `src` for `dst`; fills path[] with the edge ids
 * src → ... → dst and returns their count, 0 if unreachable, or -ENOMEM. */
static int bfs(dl_t *d, uint32_t src, uint32_t dst, uint32_t *path, int max) {
    uint32_t *via = malloc(d->ncls * sizeof *via);     /* edge that reached a class */
    uint32_t *queue = malloc(d->ncls * sizeof *queue);
    if (!via || !queue) {
        free(via), free(queue);
        return -ENOMEM;
    }
    memset(via, 0xff, d->ncls * sizeof *via);
    size_t head = 0, tail = 0;
    queue[tail++] = src;
    via[src] = UINT32_MAX - 1;
    int n = 0;
    while (head < tail && via[dst] == UINT32_MAX) {
        dl_class_t *c = &d->cls[queue[head++]];
        for (uint32_t i = 0; i < c->nout; i++) {
            uint32_t to = d->edges[c->out[i]].to;
            if (via[to] != UINT32_MAX) continue;
            via[to] = c->out[i];
            queue[tail++] = to;
        }
    }
    if (via[dst] != UINT32_MAX) {
        uint32_t rev[DL_REPORT_MAX * 4];
        int k = 0;
        for (uint32_t at = dst; at != src && k < (int)(sizeof rev / sizeof rev[0]); k++) {
            rev[k] = via[at];
            at = d->edges[via[at]].from;
        }
        for (n = 0; n < k && n < max; n++) path[n] = rev[k - 1 - n];
    }
    free(via), free(queue);
    return n;
}

/* ---- reports ---- */

/* Signature of a class cycle: its classes rotated to start at the least. */
static uint64_t cycle_sig(dl_kind_t kind, const uint32_t *cls, int n) {
    int m = 0;
    for (int i = 1; i < n; i++)
        if (cls[i] < cls[m]) m = i;
    uint64_t h = dl__hash(kind, (uint64_t)n);
    for (int i = 0; i < n; i++) h = dl__hash(h, cls[(m + i) % n]);
    return h;
}

static const char *site(const char *s) { return s ? s : "(site not recorded)"; }

/* Where held lock h was taken: the caller's string, else its address. */
static const char *held_site(const dl_held_t *h, char *buf, size_t size) {
    if (h->flags & DL__SITE_PC) return dl__pc_name(h->site, buf, size);
    return site(h->site);
}

/* Reports the cycle new edge (from → to) + path (to → ... → from). */
static int report_cycle(dl_thread_t *t, const dl_held_t *h, uint32_t to, const char *where,
                        const uint32_t *path, int n) {
    dl_t *d = t->d;
    dl_report_t r = {.kind = DL_ORDER};
    uint32_t cyc[DL_REPORT_MAX];
    cyc[r.n++] = h->cls;
    for (int i = 0; i < n && r.n < DL_REPORT_MAX; i++) cyc[r.n++] = d->edges[path[i]].from;
    for (size_t i = 0; i < r.n; i++) r.cls[i] = dl__class_name(d, cyc[i]);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return -ENOMEM;
    fprintf(f, "=== possible deadlock: lock order cycle of %zu classes ===\n", r.n);
    char name[128], *stack = where ? NULL : dl__stack_from(t->cur_ip);
    fprintf(f, "thread %llu takes %s at %s\n", (unsigned long long)t->id,
            dl__class_name(d, to), where ? where : site(stack));
    free(stack);
    fprintf(f, "  while holding %s, taken at %s;\n", dl__class_name(d, h->cls),
            held_site(h, name, sizeof name));
    fprintf(f, "but the opposite order was seen before:\n");
    for (int i = 0; i < n; i++) {
        const dl_edge_t *e = &d->edges[path[i]];
        fprintf(f, "  #%d %s -> %s\n       holding %s, taken at %s\n       then %s, taken at %s\n",
                i + 1, dl__class_name(d, e->from), dl__class_name(d, e->to),
                dl__class_name(d, e->from), site(e->from_site), dl__class_name(d, e->to),
                site(e->to_site));
    }
    fprintf(f, "scenario: thread X holds %s and waits for %s,\n", dl__class_name(d, h->cls),
            dl__class_name(d, to));
    fprintf(f, "          while thread Y holds %s and%s waits for %s.\n", dl__class_name(d, to),
            n > 1 ? " (through the chain above)" : "", dl__class_name(d, h->cls));
    fclose(f);
    return dl__report_add(d, &r, cycle_sig(DL_ORDER, cyc, (int)r.n), buf);
}

static int report_self(dl_thread_t *t, const dl_held_t *h, const void *lock, uint32_t cls,
                       const char *where) {
    dl_t *d = t->d;
    dl_report_t r = {.kind = DL_SELF, .n = 1, .cls = {dl__class_name(d, cls)}};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return -ENOMEM;
    fprintf(f, "=== possible deadlock: recursive locking ===\n");
    fprintf(f, "thread %llu takes %s (%p) at %s\n", (unsigned long long)t->id,
            dl__class_name(d, cls), lock, site(where));
    char name[128];
    fprintf(f, "  but already holds %s %s, taken at %s.\n",
            dl__held_lock(h) == lock ? "this very lock" : "another lock of class",
            dl__class_name(d, cls),
            held_site(h, name, sizeof name));
    if (dl__held_lock(h) != lock)
        fprintf(f, "if one is nested in the other on purpose, take the inner one with "
                   "DL_SUBCLASS(n).\n");
    fclose(f);
    return dl__report_add(d, &r, cycle_sig(DL_SELF, &cls, 1), buf);
}

/* ---- validation (slow path, under d->lock) ---- */

/* Adds held → cls unless known; reports when it closes a cycle. */
static int add_edge(dl_thread_t *t, const dl_held_t *h, uint32_t cls, const char *where) {
    dl_t *d = t->d;
    if (d->ekcap && d->ekeys[ekey_slot(d, edge_key(h->cls, cls))]) return 0;
    uint32_t path[DL_REPORT_MAX];
    int n = bfs(d, cls, h->cls, path, DL_REPORT_MAX - 1);
    if (n < 0) return n;
    int rc = n ? report_cycle(t, h, cls, where, path, n) : 0;
    char buf[128];
    char *to_site = where ? strdup(where) : dl__stack_from(t->cur_ip);
    char *from_site = strdup(held_site(h, buf, sizeof buf));
    int e = edge_add(d, h->cls, cls, from_site, to_site);
    if (e) free(to_site), free(from_site);
    return rc ? rc : e;
}

static int validate_locked(dl_thread_t *t, const void *lock, uint32_t cls, unsigned flags,
                           const char *where) {
    int depth = atomic_load_explicit(&t->depth, memory_order_relaxed), rc = 0;
    if (flags & DL_TRY) return 0;
    for (int i = 0; i < depth; i++)
        if (t->held[i].cls == cls) {
            rc = report_self(t, &t->held[i], lock, cls, where);
            break;
        }
    for (int i = 0; i < depth; i++) {
        if (t->held[i].cls == cls) continue;
        int e = add_edge(t, &t->held[i], cls, where);
        if (e && !rc) rc = e;
    }
    return rc;
}

/* The slow path: the chain `key` was never validated. */
static int validate_new(dl_thread_t *t, const void *lock, uint32_t cls, unsigned flags,
                        const char *where, uint64_t key) {
    dl_t *d = t->d;
    dl__lock(d);
    atomic_fetch_add_explicit(&d->validations, 1, memory_order_relaxed);
    int rc = validate_locked(t, lock, cls, flags, where);
    if (rc == 0 || rc == -EDEADLK) chain_insert(d, key);
    dl__unlock(d);
    return rc;
}

int dl__validate(dl_thread_t *t, const void *lock, uint32_t cls, unsigned flags,
                 const char *where) {
    uint64_t key = chain_next(t->chain, cls, flags);
    return chain_cached(t->d, key) ? 0 : validate_new(t, lock, cls, flags, where, key);
}

/* ---- the event API ---- */

/* lock's class through the thread's front cache (filled on a miss), or 0
 * if the lock is unknown. */
static uint32_t local_class(dl_thread_t *t, const void *lock) {
    size_t i;
    uint32_t c = dl__front_class(t, lock, &i);
    if (c) return c;
    if (atomic_exchange(&t->flush, false)) memset(t->lc, 0, sizeof t->lc);
    c = dl__inst_class(t->d, lock);
    if (c) {
        t->lc[i].lock = lock;
        t->lc[i].cls = c;
    }
    return c;
}

int dl_acquire(dl_thread_t *t, const void *lock, unsigned flags, const char *where) {
    return dl__acquire(t, lock, flags, where, __builtin_return_address(0));
}

int dl__acquire(dl_thread_t *t, const void *lock, unsigned flags, const char *where,
                const void *ip) {
    if (!t || !lock) return -EINVAL;
    const void *site = where ? (const void *)where : ip;
    unsigned site_pc = where ? 0 : DL__SITE_PC;
    if (!flags && dl__acquire_fast(t, lock, site, site_pc)) return 0;
    t->cur_ip = ip;
    int depth = atomic_load_explicit(&t->depth, memory_order_relaxed);
    if (depth >= DL_MAX_DEPTH) return -ENOSPC;
    uint32_t c = flags >> 8 ? 0 : local_class(t, lock);   /* the common case */
    if (!c) {
        int64_t slow = dl__class_of(t->d, lock, flags);
        if (slow < 0) return (int)slow;
        c = (uint32_t)slow;
    }
    uint64_t key = chain_next(t->chain, c, flags);
    int rc = 0;
    uint64_t *front = &t->cc[key & (DL_CHAINS_LOCAL - 1)];
    /* holding nothing, an acquisition adds no edge: nothing to validate */
    if (depth && *front != key) {
        rc = chain_cached(t->d, key) ? 0 : validate_new(t, lock, c, flags, where, key);
        *front = key;
    }
    if (rc && rc != -EDEADLK) return rc;
    dl__held_set(&t->held[depth], lock, c, flags, site, site_pc, t->chain);
    t->chain = key;
    atomic_store_explicit(&t->depth, depth + 1, memory_order_release);
    return rc;
}

int dl_release(dl_thread_t *t, const void *lock) {
    if (!t || !lock) return -EINVAL;
    if (dl__release_fast(t, lock)) return 0;
    int depth = atomic_load_explicit(&t->depth, memory_order_relaxed), i = depth - 1;
    while (i >= 0 && dl__held_lock(&t->held[i]) != lock) i--;
    if (i < 0) return -ENOENT;
    /* out-of-order release: the locks above slide down, their chain is rebuilt */
    uint64_t chain = t->held[i].prev_chain;
    for (int j = i; j < depth - 1; j++) {
        const dl_held_t *up = &t->held[j + 1];
        t->held[j].cls = up->cls;
        t->held[j].flags = up->flags;
        t->held[j].site = up->site;
        t->held[j].prev_chain = chain;
        atomic_store_explicit(&t->held[j].lock, dl__held_lock(up), memory_order_relaxed);
        chain = chain_next(chain, up->cls, up->flags);
    }
    t->chain = chain;
    atomic_store_explicit(&t->depth, depth - 1, memory_order_release);
    return 0;
}

#else

int dl_acquire(dl_thread_t *t, const void *lock, unsigned flags, const char *where) {
    (void)t, (void)lock, (void)flags, (void)where;
    return -ENOSYS;
}
int dl_release(dl_thread_t *t, const void *lock) {
    (void)t, (void)lock;
    return -ENOSYS;
}

#endif
