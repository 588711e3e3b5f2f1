/*
 * dl_waitfor.c — threads, and the wait-for graph of threads blocked on locks.
 *
 * The order graph predicts; this graph observes. A thread about to block on
 * a lock records it (t->waiting). It then waits for every thread holding
 * that lock — found by scanning the held stacks the checker already keeps,
 * so the hot path pays nothing for it. If following "waits for a lock held
 * by" from the new waiter leads back to it, those threads are deadlocked
 * right now; the report names each thread and the lock it waits for.
 *
 * The waiter publishes its wait before it searches, so of two threads that
 * close a cycle at the same moment at least one sees the other.
 *
 * Interface: dl_thread → dl_block (→ order check, then cycle search) →
 * dl_unblock; dl_thread_exit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "dl_internal.h"

#if LAB_SOLUTION

#define MAX_HOLDERS 16

dl_thread_t *dl__find_thread(dl_t *d, uint64_t id) {
    for (size_t i = 0; i < d->nthreads; i++)
        if (d->threads[i]->id == id) return d->threads[i];
    return NULL;
}

int dl_thread(dl_t *d, uint64_t id, dl_thread_t **out) {
    if (!d || !out) return -EINVAL;
    dl__lock(d);
    dl_thread_t *t = dl__find_thread(d, id);
    int rc = 0;
    if (!t) {
        t = calloc(1, sizeof *t);
        rc = t ? dl__grow((void **)&d->threads, &d->capthreads, d->nthreads + 1, sizeof t)
               : -ENOMEM;
        if (rc == 0) {
            t->d = d;
            t->id = id;
            d->threads[d->nthreads++] = t;
        } else {
            free(t);
            t = NULL;
        }
    }
    if (t) t->exited = false;   /* an id used again (a new OS thread) starts clean */
    dl__unlock(d);
    *out = t;
    return rc;
}

int dl_thread_exit(dl_thread_t *t) {
    if (!t) return -EINVAL;
    dl__lock(t->d);
    atomic_store(&t->depth, 0);
    atomic_store(&t->waiting, NULL);
    t->chain = 0;
    t->exited = true;
    dl__unlock(t->d);
    return 0;
}

/* Caller holds d->lock. */
size_t dl__holders(dl_t *d, const void *lock, dl_thread_t **out, size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < d->nthreads && n < max; i++) {
        dl_thread_t *t = d->threads[i];
        int depth = atomic_load_explicit(&t->depth, memory_order_acquire);
        for (int j = 0; j < depth; j++)
            if (dl__held_lock(&t->held[j]) == lock) {
                out[n++] = t;
                break;
            }
    }
    return n;
}

/* Depth-first search for a path of waits from `at` back to `goal`. On
 * success path[0..] holds the threads after goal and the number of threads
 * in the cycle (goal included) is returned; 0 if there is none. */
static int find_cycle(dl_t *d, dl_thread_t *at, dl_thread_t *goal, dl_thread_t **path,
                      int depth) {
    const void *lock = atomic_load(&at->waiting);
    if (!lock || depth >= DL_REPORT_MAX) return 0;
    dl_thread_t *h[MAX_HOLDERS];
    size_t n = dl__holders(d, lock, h, MAX_HOLDERS);
    for (size_t i = 0; i < n; i++) {
        if (h[i] == goal) return depth + 1;
        bool seen = false;
        for (int j = 0; j < depth; j++) seen |= path[j] == h[i];
        if (seen) continue;
        path[depth] = h[i];
        int k = find_cycle(d, h[i], goal, path, depth + 1);
        if (k) return k;
    }
    return 0;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Reports the cycle goal → path[0] → ... → path[n-1] → goal. */
static int report_waits(dl_t *d, dl_thread_t *goal, dl_thread_t **path, int n) {
    dl_report_t r = {.kind = DL_WAITFOR};
    dl_thread_t *cyc[DL_REPORT_MAX];
    cyc[r.n++] = goal;
    for (int i = 0; i < n && r.n < DL_REPORT_MAX; i++) cyc[r.n++] = path[i];
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return -ENOMEM;
    fprintf(f, "=== deadlock: %zu thread(s) wait for each other ===\n", r.n);
    uint64_t sig = dl__hash(DL_WAITFOR, r.n);
    for (size_t i = 0; i < r.n; i++) {
        const void *lock = atomic_load(&cyc[i]->waiting);
        fprintf(f, "  thread %llu waits for %s (%p) held by thread %llu\n",
                (unsigned long long)cyc[i]->id, dl__lock_name(d, lock), lock,
                (unsigned long long)cyc[(i + 1) % r.n]->id);
        r.ids[i] = cyc[i]->id;
    }
    fclose(f);
    qsort(r.ids, r.n, sizeof r.ids[0], cmp_u64);
    for (size_t i = 0; i < r.n; i++) sig = dl__hash(sig, r.ids[i]);
    return dl__report_add(d, &r, sig, buf);
}

int dl_block(dl_thread_t *t, const void *lock, unsigned flags, const char *where) {
    if (!t || !lock) return -EINVAL;
    if (!where) t->cur_ip = __builtin_return_address(0);   /* reports show the caller */
    int64_t c = dl__class_of(t->d, lock, flags);
    if (c < 0) return (int)c;
    int rc = dl__validate(t, lock, (uint32_t)c, flags & ~DL_TRY, where);
    if (rc && rc != -EDEADLK) return rc;
    atomic_store(&t->waiting, lock);
    dl__lock(t->d);
    dl_thread_t *path[DL_REPORT_MAX];
    int n = find_cycle(t->d, t, t, path, 0);
    int w = n ? report_waits(t->d, t, path, n - 1) : 0;
    dl__unlock(t->d);
    return w ? w : rc;
}

int dl_unblock(dl_thread_t *t) {
    if (!t) return -EINVAL;
    atomic_store(&t->waiting, NULL);
    return 0;
}

#else

int dl_thread(dl_t *d, uint64_t id, dl_thread_t **out) {
    (void)d, (void)id;
    if (out) *out = NULL;
    return -ENOSYS;
}
int dl_thread_exit(dl_thread_t *t) { (void)t; return -ENOSYS; }
int dl_block(dl_thread_t *t, const void *lock, unsigned flags, const char *where) {
    (void)t, (void)lock, (void)flags, (void)where;
    return -ENOSYS;
}
int dl_unblock(dl_thread_t *t) { (void)t; return -ENOSYS; }

#endif
