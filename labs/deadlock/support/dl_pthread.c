/*
 * dl_pthread.c — the checker under unmodified pthread programs. Support
 * code: it drives any checker through deadlock.h alone, so it is shipped as
 * it is and works over the reference and a candidate's checker alike.
 *
 * Compiled with -DDL_INTERPOSE (benchmarks/deadlock does; the lab library
 * does not, so tests stay deterministic), this file defines
 * pthread_mutex_lock, _trylock, _unlock, _init, _destroy and the
 * pthread_rwlock_* calls. A program linked with it (or run with it
 * preloaded as a shared object) calls ours; we tell the process-wide
 * checker and forward to the C library's own functions, found with
 * dlsym(RTLD_NEXT, ...).
 *
 * A lock is taken with trylock first: the uncontended case costs one
 * atomic exchange plus the checker's dl_acquire. Only when the lock is busy
 * does the thread register its wait (the wait-for graph) and block in the
 * real call. A thread-local flag keeps the checker's own work from
 * recursing into us. Recursive mutexes are passed through unchecked.
 *
 * The acquisition site the checker records is its caller's address (where
 * = NULL), that is, this file's; the program's own frames follow it in the
 * stacks a report prints.
 *
 * Interface: dl_pthread_checker(); the interposed pthread calls.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "deadlock.h"

#if defined(DL_INTERPOSE)

static dl_t *g_dl;
static _Atomic int g_state;            /* 0 new, 1 starting, 2 ready, 3 failed */
static pthread_key_t g_key;
static __thread dl_thread_t *tl_self;     /* this thread's state, once made */
static __thread int tl_busy;              /* inside the checker: pass through */

#define REAL(name) static __typeof__(name) *real_##name;
REAL(pthread_mutex_lock) REAL(pthread_mutex_trylock) REAL(pthread_mutex_unlock)
REAL(pthread_mutex_init) REAL(pthread_mutex_destroy)
REAL(pthread_rwlock_rdlock) REAL(pthread_rwlock_wrlock) REAL(pthread_rwlock_tryrdlock)
REAL(pthread_rwlock_trywrlock) REAL(pthread_rwlock_unlock) REAL(pthread_rwlock_init)
REAL(pthread_rwlock_destroy)

static void resolve(void) {
#define FIND(name) real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name);
    FIND(pthread_mutex_lock) FIND(pthread_mutex_trylock) FIND(pthread_mutex_unlock)
    FIND(pthread_mutex_init) FIND(pthread_mutex_destroy)
    FIND(pthread_rwlock_rdlock) FIND(pthread_rwlock_wrlock) FIND(pthread_rwlock_tryrdlock)
    FIND(pthread_rwlock_trywrlock) FIND(pthread_rwlock_unlock) FIND(pthread_rwlock_init)
    FIND(pthread_rwlock_destroy)
}

static pthread_once_t g_resolved = PTHREAD_ONCE_INIT;

static _Atomic bool g_resolved_done;

/* Finds the C library's functions once; every entry point calls it first
 * (after the first time, one load). */
static inline void ensure_resolved(void) {
    if (__builtin_expect(atomic_load_explicit(&g_resolved_done, memory_order_acquire), 1)) return;
    pthread_once(&g_resolved, resolve);
    atomic_store_explicit(&g_resolved_done, true, memory_order_release);
}

static void print_report(void *ud, const dl_report_t *r) {
    (void)ud;
    fprintf(stderr, "%s", r->text);
}

static void thread_gone(void *p) { dl_thread_exit(p); }

/* Makes the checker once. Threads arriving meanwhile wait for it: one that
 * ran unchecked could hold a lock the checker never hears of. The maker's
 * own lock calls (inside calloc, say) pass through (tl_busy). */
static bool start(void) {
    int want = 0;
    if (!atomic_compare_exchange_strong(&g_state, &want, 1)) {
        while (atomic_load_explicit(&g_state, memory_order_acquire) == 1) sched_yield();
        return atomic_load_explicit(&g_state, memory_order_acquire) == 2;
    }
    tl_busy = 1;
    ensure_resolved();
    bool ok = real_pthread_mutex_lock && dl_new(0, &g_dl) == 0 &&
              pthread_key_create(&g_key, thread_gone) == 0;
    if (ok) dl_set_sink(g_dl, print_report, NULL);
    atomic_store_explicit(&g_state, ok ? 2 : 3, memory_order_release);
    tl_busy = 0;
    return ok;
}

static inline bool ready(void) {
    int s = atomic_load_explicit(&g_state, memory_order_acquire);
    return __builtin_expect(s == 2, 1) || (s != 3 && start());
}

/* Makes the checker before main, while the process has one thread. */
__attribute__((constructor)) static void start_early(void) { ready(); }

static dl_thread_t *self_slow(void) {
    if (dl_thread(g_dl, (uint64_t)gettid(), &tl_self) == 0)
        pthread_setspecific(g_key, tl_self);
    return tl_self;
}

/* Enters the checker: returns this thread's state, or NULL to pass through. */
static inline dl_thread_t *enter(void) {
    if (tl_busy || !ready()) return NULL;
    tl_busy = 1;
    dl_thread_t *t = tl_self ? tl_self : self_slow();
    if (!t) tl_busy = 0;
    return t;
}

static inline void leave(void) { tl_busy = 0; }

/* ---- mutexes ---- */

static bool recursive(const pthread_mutex_t *m) {
    return (m->__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE;   /* glibc's layout */
}

int pthread_mutex_lock(pthread_mutex_t *m) {
    ensure_resolved();
    dl_thread_t *t = recursive(m) ? NULL : enter();
    if (!t) return real_pthread_mutex_lock(m);
    int rc = real_pthread_mutex_trylock(m);
    if (rc == EBUSY) {
        dl_block(t, m, 0, NULL);
        rc = real_pthread_mutex_lock(m);
        dl_unblock(t);
    }
    if (rc == 0) dl_acquire(t, m, 0, NULL);
    leave();
    return rc;
}

int pthread_mutex_trylock(pthread_mutex_t *m) {
    ensure_resolved();
    int rc = real_pthread_mutex_trylock(m);
    dl_thread_t *t = rc == 0 && !recursive(m) ? enter() : NULL;
    if (t) {
        dl_acquire(t, m, DL_TRY, NULL);
        leave();
    }
    return rc;
}

int pthread_mutex_unlock(pthread_mutex_t *m) {
    ensure_resolved();
    dl_thread_t *t = recursive(m) ? NULL : enter();
    if (t) {
        dl_release(t, m);
        leave();
    }
    return real_pthread_mutex_unlock(m);
}

/* The class of a lock is where it was initialized: the caller's address. */
static void init_class(const void *lock, const void *pc, const char *what) {
    if (!enter()) return;
    char site[96];
    Dl_info info;
    if (dladdr(pc, &info) && info.dli_sname)
        snprintf(site, sizeof site, "%s in %s+%#lx", what, info.dli_sname,
                 (unsigned long)((const char *)pc - (const char *)info.dli_saddr));
    else
        snprintf(site, sizeof site, "%s at %p", what, pc);
    dl_lock_init(g_dl, lock, site);
    leave();
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a) {
    ensure_resolved();
    int rc = real_pthread_mutex_init(m, a);
    if (rc == 0) init_class(m, __builtin_return_address(0), "mutex");
    return rc;
}

int pthread_mutex_destroy(pthread_mutex_t *m) {
    ensure_resolved();
    if (enter()) {
        dl_lock_destroy(g_dl, m);
        leave();
    }
    return real_pthread_mutex_destroy(m);
}

/* ---- rwlocks ---- */

static int rw_lock(pthread_rwlock_t *rw, bool read) {
    ensure_resolved();
    __typeof__(pthread_rwlock_rdlock) *lock = read ? real_pthread_rwlock_rdlock : real_pthread_rwlock_wrlock;
    __typeof__(pthread_rwlock_rdlock) *try = read ? real_pthread_rwlock_tryrdlock : real_pthread_rwlock_trywrlock;
    dl_thread_t *t = enter();
    if (!t) return lock(rw);
    unsigned flags = read ? DL_READ : 0;
    int rc = try(rw);
    if (rc == EBUSY) {
        dl_block(t, rw, flags, NULL);
        rc = lock(rw);
        dl_unblock(t);
    }
    if (rc == 0) dl_acquire(t, rw, flags, NULL);
    leave();
    return rc;
}

int pthread_rwlock_rdlock(pthread_rwlock_t *rw) { return rw_lock(rw, true); }

int pthread_rwlock_wrlock(pthread_rwlock_t *rw) { return rw_lock(rw, false); }

static int rw_try(pthread_rwlock_t *rw, bool read) {
    ensure_resolved();
    int rc = read ? real_pthread_rwlock_tryrdlock(rw) : real_pthread_rwlock_trywrlock(rw);
    dl_thread_t *t = rc == 0 ? enter() : NULL;
    if (t) {
        dl_acquire(t, rw, DL_TRY | (read ? DL_READ : 0), NULL);
        leave();
    }
    return rc;
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw) { return rw_try(rw, true); }

int pthread_rwlock_trywrlock(pthread_rwlock_t *rw) { return rw_try(rw, false); }

int pthread_rwlock_unlock(pthread_rwlock_t *rw) {
    ensure_resolved();
    dl_thread_t *t = enter();
    if (t) {
        dl_release(t, rw);
        leave();
    }
    return real_pthread_rwlock_unlock(rw);
}

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *a) {
    ensure_resolved();
    int rc = real_pthread_rwlock_init(rw, a);
    if (rc == 0) init_class(rw, __builtin_return_address(0), "rwlock");
    return rc;
}

int pthread_rwlock_destroy(pthread_rwlock_t *rw) {
    ensure_resolved();
    if (enter()) {
        dl_lock_destroy(g_dl, rw);
        leave();
    }
    return real_pthread_rwlock_destroy(rw);
}

dl_t *dl_pthread_checker(void) { return ready() ? g_dl : NULL; }

/* One line at exit, so a run that found nothing says so. */
__attribute__((destructor)) static void summary(void) {
    if (atomic_load(&g_state) == 2)
        fprintf(stderr, "deadlock checker: %zu report(s), %zu lock classes, %zu edges\n",
                dl_report_count(g_dl), dl_class_count(g_dl), dl_edge_count(g_dl));
}

#else

/* Without DL_INTERPOSE nothing is interposed and there is no checker. */
dl_t *dl_pthread_checker(void) { return NULL; }

#endif
