/*
 * dl_core.c — the checker's life cycle and the small tools every part uses:
 * the spinlock that guards slow paths, hashing, array growth, backtraces.
 *
 * The spinlock is a plain atomic_flag: the checker may sit underneath
 * pthread_mutex_lock itself (interposition), so it must not call it.
 *
 * Interface: dl_new → dl_set_sink → ... → dl_free; dl__lock/dl__unlock
 * around every slow path.
 */
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dl_internal.h"

#if LAB_SOLUTION

void dl__lock(dl_t *d) {
    while (atomic_flag_test_and_set_explicit(&d->lock, memory_order_acquire))
        sched_yield();   /* slow paths are rare; yielding beats spinning on 2 cores */
}

void dl__unlock(dl_t *d) { atomic_flag_clear_explicit(&d->lock, memory_order_release); }

/* A 64-bit mix (splitmix64's finalizer) of h and v. Never returns 0 for the
 * chain cache's sake (0 marks an empty slot). */
uint64_t dl__hash(uint64_t h, uint64_t v) {
    uint64_t x = h ^ (v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x ? x : 1;
}

/* FNV-1a of a string, mixed. */
uint64_t dl__hash_str(const char *s) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return dl__hash(h, 0);
}

/* Grows *arr (of *cap elements of elem bytes) to hold need. Returns 0 or
 * -ENOMEM with *arr unchanged. New elements are zeroed. */
int dl__grow(void **arr, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap * 2 : 8;
    while (n < need) n *= 2;
    void *p = realloc(*arr, n * elem);
    if (!p) return -ENOMEM;
    memset((char *)p + *cap * elem, 0, (n - *cap) * elem);
    *arr = p;
    *cap = n;
    return 0;
}

const char *dl__pc_name(const void *pc, char *buf, size_t size) {
    Dl_info info;
    if (dladdr(pc, &info) && info.dli_fname) {
        const char *base = strrchr(info.dli_fname, '/');
        snprintf(buf, size, "%s+%#lx", base ? base + 1 : info.dli_fname,
                 (unsigned long)((const char *)pc - (const char *)info.dli_fbase));
    } else {
        snprintf(buf, size, "%p", pc);
    }
    return buf;
}

/* The call stack from the frame that returns to ip outwards, as one line
 * ("prog+0x.. <- prog+0x.."); just ip if the stack does not contain it.
 * malloc'd, or NULL. */
char *dl__stack_from(const void *ip) {
    void *pc[DL_FRAMES + 16];
    char name[128];
    int n = backtrace(pc, DL_FRAMES + 16), from = n;
    for (int i = 0; i < n; i++)
        if (pc[i] == ip) {
            from = i;
            break;
        }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    if (from == n) fputs(dl__pc_name(ip, name, sizeof name), f);
    for (int i = from; i < n && i < from + DL_FRAMES; i++)
        fprintf(f, "%s%s", i > from ? " <- " : "", dl__pc_name(pc[i], name, sizeof name));
    fclose(f);
    return buf;
}

int dl_new(size_t max_locks, dl_t **out) {
    if (!out) return -EINVAL;
    dl_t *d = calloc(1, sizeof *d);
    if (!d) return -ENOMEM;
    atomic_flag_clear(&d->lock);
    d->chains = calloc(DL_CHAIN_SLOTS, sizeof *d->chains);
    int rc = d->chains ? dl__classes_init(d, max_locks ? max_locks : 65536) : -ENOMEM;
    if (rc) {
        dl_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

void dl_free(dl_t *d) {
    if (!d) return;
    for (size_t i = 0; i < d->nthreads; i++) free(d->threads[i]);
    free(d->threads);
    dl__reports_free(d);
    dl__order_free(d);
    dl__classes_free(d);
    free(d->chains);
    free(d->roles);
    free(d);
}

void dl_set_sink(dl_t *d, dl_sink_fn sink, void *ud) {
    if (!d) return;
    dl__lock(d);
    d->sink = sink;
    d->sink_ud = ud;
    dl__unlock(d);
}

size_t dl_class_count(const dl_t *d) { return d && d->ncls ? d->ncls - 1 : 0; }
size_t dl_edge_count(const dl_t *d) { return d ? d->nedges : 0; }
uint64_t dl_validations(const dl_t *d) { return d ? atomic_load(&d->validations) : 0; }

#else

int dl_new(size_t max_locks, dl_t **out) {
    (void)max_locks;
    if (out) *out = NULL;
    return -ENOSYS;
}
void dl_free(dl_t *d) { (void)d; }
void dl_set_sink(dl_t *d, dl_sink_fn sink, void *ud) { (void)d, (void)sink, (void)ud; }
size_t dl_class_count(const dl_t *d) { (void)d; return 0; }
size_t dl_edge_count(const dl_t *d) { (void)d; return 0; }
uint64_t dl_validations(const dl_t *d) { (void)d; return 0; }

#endif
