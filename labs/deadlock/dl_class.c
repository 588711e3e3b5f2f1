/*
 * dl_class.c — lock classes: which node of the order graph a lock is.
 *
 * Like lockdep, the checker reasons about classes, not instances: a class is
 * the site that initialized a lock (dl_lock_init's string), so every lock
 * made by one line of code is one node, and an ordering bug between two
 * per-object locks is found even if the two objects involved are never the
 * same twice. A lock nobody initialized (a zeroed runtime mutex, a
 * PTHREAD_MUTEX_INITIALIZER) is a class of its own, keyed by its address.
 * A nesting annotation (DL_SUBCLASS(n)) selects a sibling class, so
 * "parent, then child of the same type" is an ordinary edge.
 *
 * Two tables: class key → class id (slow path, under d->lock) and lock
 * address → class id (read lock-free on every acquisition; fixed capacity,
 * so readers never see it move).
 *
 * Interface: dl_lock_init / dl_lock_destroy; dl__class_of(d, lock, flags).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dl_internal.h"

#if LAB_SOLUTION

#define DELETED ((uintptr_t)1)

int dl__classes_init(dl_t *d, size_t max_locks) {
    if (max_locks > (SIZE_MAX >> 4)) return -EINVAL;
    size_t cap = 16;
    while (cap < 2 * max_locks) cap *= 2;
    d->instcap = cap;
    d->inst = calloc(cap, sizeof *d->inst);
    /* fixed: the hot path reads class entries without the lock */
    d->cls = calloc(DL_MAX_CLASSES, sizeof *d->cls);
    d->ncls = 1;
    return d->inst && d->cls ? 0 : -ENOMEM;
}

void dl__classes_free(dl_t *d) {
    for (uint32_t i = 0; d->cls && i < d->ncls; i++) {
        free(d->cls[i].name);
        free(d->cls[i].out);
    }
    free(d->cls);
    free(d->inst);
    free(d->ckeys);
    free(d->cids);
}

const char *dl__class_name(const dl_t *d, uint32_t cls) {
    return cls && cls < d->ncls ? d->cls[cls].name : "?";
}

/* ---- class key → id (caller holds d->lock) ---- */

static size_t ckey_slot(const dl_t *d, uint64_t key) {
    size_t mask = d->ckcap - 1, i = key & mask;
    while (d->ckeys[i] && d->ckeys[i] != key) i = (i + 1) & mask;
    return i;
}

static int ckey_grow(dl_t *d) {
    size_t old = d->ckcap, cap = old ? old * 2 : 64;
    uint64_t *ok = d->ckeys;
    uint32_t *oi = d->cids;
    d->ckeys = calloc(cap, sizeof *d->ckeys);
    d->cids = calloc(cap, sizeof *d->cids);
    if (!d->ckeys || !d->cids) {
        free(d->ckeys), free(d->cids);
        d->ckeys = ok, d->cids = oi;
        return -ENOMEM;
    }
    d->ckcap = cap;
    for (size_t i = 0; i < old; i++) {
        if (!ok[i]) continue;
        size_t s = ckey_slot(d, ok[i]);
        d->ckeys[s] = ok[i];
        d->cids[s] = oi[i];
    }
    free(ok), free(oi);
    return 0;
}

/* The class with key, made (named name) if new. Returns id or -errno. */
static int64_t class_get(dl_t *d, uint64_t key, const char *name, uint32_t base) {
    if ((d->ncls + 1) * 2 > d->ckcap && ckey_grow(d)) return -ENOMEM;
    size_t s = ckey_slot(d, key);
    if (d->ckeys[s]) return d->cids[s];
    if (d->ncls >= DL_MAX_CLASSES) return -ENOSPC;
    char *copy = strdup(name);
    if (!copy) return -ENOMEM;
    uint32_t id = d->ncls;
    d->cls[id] = (dl_class_t){.name = copy, .key = key, .base = base ? base : id};
    __atomic_store_n(&d->ncls, id + 1, __ATOMIC_RELEASE);
    d->ckeys[s] = key;
    d->cids[s] = id;
    return id;
}

/* ---- lock address → class (lock-free lookups) ---- */

static size_t inst_hash(const dl_t *d, const void *lock) {
    return dl__mix((uintptr_t)lock, 0) & (d->instcap - 1);   /* as dl__inst_class */
}

/* Slot holding lock, or NULL. Safe without d->lock. */
static dl_inst_t *inst_find(const dl_t *d, const void *lock) {
    size_t mask = d->instcap - 1, i = inst_hash(d, lock);
    for (size_t n = 0; n < d->instcap; n++, i = (i + 1) & mask) {
        uintptr_t k = atomic_load_explicit(&d->inst[i].lock, memory_order_acquire);
        if (k == (uintptr_t)lock) return &d->inst[i];
        if (!k) return NULL;
    }
    return NULL;
}

/* Maps lock to cls (caller holds d->lock). Returns 0 or -ENOSPC. */
static int inst_set(dl_t *d, const void *lock, uint32_t cls) {
    dl_inst_t *e = inst_find(d, lock);
    if (e) {
        atomic_store(&e->cls, cls);
        return 0;
    }
    if (d->ninst * 4 >= d->instcap * 3) return -ENOSPC;   /* keep probes short */
    size_t mask = d->instcap - 1, i = inst_hash(d, lock);
    for (;; i = (i + 1) & mask) {
        uintptr_t k = atomic_load(&d->inst[i].lock);
        if (k == 0 || k == DELETED) break;
    }
    atomic_store(&d->inst[i].cls, cls);                   /* before the key: readers */
    atomic_store_explicit(&d->inst[i].lock, (uintptr_t)lock, memory_order_release);
    d->ninst++;
    return 0;
}

/* A lock's class changed or it is gone: every thread's front cache of
 * lock → class must be emptied before its next use. Caller holds d->lock. */
static void flush_fronts(dl_t *d) {
    for (size_t i = 0; i < d->nthreads; i++)
        atomic_store_explicit(&d->threads[i]->flush, true, memory_order_release);
}

int dl_lock_init(dl_t *d, const void *lock, const char *site) {
    if (!d || !lock || (uintptr_t)lock == DELETED || !site) return -EINVAL;
    dl__lock(d);
    int64_t c = class_get(d, dl__hash_str(site), site, 0);
    int rc = c < 0 ? (int)c : inst_set(d, lock, (uint32_t)c);
    flush_fronts(d);
    dl__unlock(d);
    return rc;
}

int dl_lock_destroy(dl_t *d, const void *lock) {
    if (!d || !lock) return -EINVAL;
    dl__lock(d);
    dl_inst_t *e = inst_find(d, lock);
    if (e) {
        atomic_store_explicit(&e->lock, DELETED, memory_order_release);
        d->ninst--;
        flush_fronts(d);
    }
    dl__unlock(d);
    return e ? 0 : -ENOENT;
}

/* Slow path of dl__class_of: a lock seen for the first time, or a
 * subclass not made yet. */
static int64_t class_slow(dl_t *d, const void *lock, unsigned sub) {
    char name[64];
    dl__lock(d);
    dl_inst_t *e = inst_find(d, lock);
    int64_t c;
    if (e) {
        c = atomic_load(&e->cls);
    } else {
        snprintf(name, sizeof name, "lock %p", lock);
        c = class_get(d, dl__hash((uintptr_t)lock, 0x10c4), name, 0);
        if (c > 0 && inst_set(d, lock, (uint32_t)c)) c = -ENOSPC;
    }
    if (c > 0 && sub) {
        dl_class_t *base = &d->cls[c];
        snprintf(name, sizeof name, "%.50s/%u", base->name, sub);
        int64_t s = class_get(d, dl__hash(base->key, sub), name, (uint32_t)c);
        if (s > 0) __atomic_store_n(&d->cls[c].sub[sub], (uint32_t)s, __ATOMIC_RELEASE);
        c = s;
    }
    dl__unlock(d);
    return c;
}

const char *dl__lock_name(const dl_t *d, const void *lock) {
    dl_inst_t *e = inst_find(d, lock);
    return e ? dl__class_name(d, atomic_load(&e->cls)) : "unknown lock";
}

int64_t dl__class_of(dl_t *d, const void *lock, unsigned flags) {
    unsigned sub = (flags >> 8) & DL_MAX_SUBCLASS;
    uint32_t c = dl__inst_class(d, lock);
    if (!c) return class_slow(d, lock, sub);
    if (!sub) return c;
    uint32_t s = __atomic_load_n(&d->cls[c].sub[sub], __ATOMIC_ACQUIRE);
    return s ? s : class_slow(d, lock, sub);
}

#else

int dl_lock_init(dl_t *d, const void *lock, const char *site) {
    (void)d, (void)lock, (void)site;
    return -ENOSYS;
}
int dl_lock_destroy(dl_t *d, const void *lock) {
    (void)d, (void)lock;
    return -ENOSYS;
}

#endif
