/*
 * mutex.c — Mutex and RWMutex, with the rules of Go's sync/mutex.go and
 * sync/rwmutex.go on one thread.
 *
 * Mutex has Go's two modes. Normal mode: waiters queue FIFO, but unlock
 * only wakes the first one, which must then compete for the lock with
 * tasks that are already running; a running task that calls mutex_lock
 * while the woken waiter has not yet run simply takes the lock (barging).
 * A woken waiter that loses goes back to the front of the queue. Once a
 * waiter has waited more than 1 ms (on the run's clock), it switches the
 * mutex to starvation mode: unlock hands the lock straight to the first
 * waiter and yields to it, and newcomers queue at the tail even when the
 * lock looks free. The waiter that receives the lock returns the mutex to
 * normal mode if it is the last waiter or waited less than 1 ms. While one
 * woken waiter has not run, unlock wakes no other (Go's mutexWoken).
 *
 * RWMutex: writers first take an inner Mutex (so they queue among
 * themselves by its rules), then announce themselves: from then on new
 * readers wait, and the writer waits for the readers already inside to
 * leave. Unlock admits every reader that queued meanwhile before it
 * releases the inner Mutex, so those readers go before the next writer.
 *
 * Unlock of an unlocked Mutex, RUnlock without a read lock and Unlock
 * without the write lock are fatal errors, as in Go (rt__fatal).
 *
 * Interface: mutex_lock → mutex_unlock; rwmutex_rlock → rwmutex_runlock;
 * rwmutex_lock → rwmutex_unlock. Hooks see every acquire and release.
 */
#include <errno.h>
#include "rt.h"

#define STARVATION_NS INT64_C(1000000)   /* Go's starvationThresholdNs */

static void hook_acquire(const void *lock, rt_obj_kind_t kind, bool shared) {
    RT_HOOK(on_acquire, rt__self_id(), lock, kind, shared);
}

static void hook_release(const void *lock, rt_obj_kind_t kind, bool shared) {
    RT_HOOK(on_release, rt__self_id(), lock, kind, shared);
}

static void waitq_push_front(rt_waitq_t *q, rt_waiter_t *w) {
    w->prev = NULL;
    w->next = q->head;
    if (q->head) q->head->prev = w; else q->tail = w;
    q->head = w;
}

/* ---- the Mutex core, shared with RWMutex's writer lock ---- */

static bool can_take(const mutex_t *m) { return !m->locked && !m->starving; }

static void take(mutex_t *m) {
    m->locked = true;
    m->owner = rt__self_id();
}

/* Go's lockSlow without spinning (one thread: nobody could release the
 * lock while we spin). Blocks as `why` on obj. */
static void lock_slow(mutex_t *m, task_state_t why, rt_obj_kind_t kind, const void *obj) {
    int64_t start = 0;
    bool starving = false;
    for (;;) {
        if (can_take(m)) {
            take(m);
            return;
        }
        if (starving && m->locked) m->starving = true;
        rt_waiter_t w = {.task = rt__s.current};
        if (start) waitq_push_front(&m->waiters, &w);   /* woken and lost: front */
        else rt__waitq_push(&m->waiters, &w);
        if (!start) start = rt__clock();
        rt__park(why, kind, obj, &m->waiters, &w);
        starving = starving || rt__clock() - start > STARVATION_NS;
        if (w.ok) {                       /* handed off: we own it */
            if (!starving || !m->waiters.head) m->starving = false;
            return;
        }
        m->woken = false;
    }
}

/* Locks m or returns -EPERM when it would have to wait outside a task. */
static int lock_core(mutex_t *m, task_state_t why, rt_obj_kind_t kind, const void *obj) {
    if (can_take(m)) {
        take(m);
        return 0;
    }
    if (!rt__s.current) return -EPERM;
    lock_slow(m, why, kind, obj);
    return 0;
}

/* Go's unlockSlow: starvation mode hands off, normal mode wakes one. */
static void unlock_core(mutex_t *m) {
    m->locked = false;
    m->owner = 0;
    rt_waiter_t *w = m->waiters.head;
    if (!w) return;
    if (m->starving) {
        rt__waitq_pop(&m->waiters);
        w->ok = true;
        m->locked = true;
        m->owner = w->task->id;
        rt__wake(w);
        if (rt__s.current) rt__yield();   /* Go's semrelease handoff: the waiter runs */
    } else if (!m->woken) {
        rt__waitq_pop(&m->waiters);
        m->woken = true;
        rt__wake(w);
    }
}

/* ---- Mutex ---- */

int mutex_lock(mutex_t *m) {
    RT_ENTER;
    if (!m) return -EINVAL;
    rt__point();
    int rc = lock_core(m, TASK_MUTEX, RT_OBJ_MUTEX, m);
    if (rc == 0) hook_acquire(m, RT_OBJ_MUTEX, false);
    return rc;
}

bool mutex_trylock(mutex_t *m) {
    RT_ENTER;
    rt__tick();
    if (!m || !can_take(m)) return false;
    take(m);
    hook_acquire(m, RT_OBJ_MUTEX, false);
    return true;
}

int mutex_unlock(mutex_t *m) {
    RT_ENTER;
    if (!m) return -EINVAL;
    if (!m->locked) return rt__fatal("sync: unlock of unlocked mutex");
    hook_release(m, RT_OBJ_MUTEX, false);
    unlock_core(m);
    return 0;
}

uint64_t mutex_owner(const mutex_t *m) { return m ? m->owner : 0; }

/* ---- RWMutex ---- */

int rwmutex_rlock(rwmutex_t *rw) {
    RT_ENTER;
    if (!rw) return -EINVAL;
    rt__point();
    if (!rw->writer_pending) {
        rw->readers++;
    } else {
        if (!rt__s.current) return -EPERM;
        rt_waiter_t w = {.task = rt__s.current};
        rt__waitq_push(&rw->readq, &w);
        rt__park(TASK_RWMUTEX_R, RT_OBJ_RWMUTEX, rw, &rw->readq, &w);   /* wakes holding it */
    }
    hook_acquire(rw, RT_OBJ_RWMUTEX, true);
    return 0;
}

int rwmutex_runlock(rwmutex_t *rw) {
    RT_ENTER;
    if (!rw) return -EINVAL;
    if (rw->readers == 0) return rt__fatal("sync: RUnlock of unlocked RWMutex");
    hook_release(rw, RT_OBJ_RWMUTEX, true);
    rw->readers--;
    rt_waiter_t *w;
    if (rw->readers == 0 && rw->writer_pending && (w = rt__waitq_pop(&rw->writeq)))
        rt__wake(w);                       /* the last reader lets the writer in */
    return 0;
}

int rwmutex_lock(rwmutex_t *rw) {
    RT_ENTER;
    if (!rw) return -EINVAL;
    rt__point();
    if (!rt__s.current && (!can_take(&rw->w) || rw->readers)) return -EPERM;
    lock_core(&rw->w, TASK_RWMUTEX_W, RT_OBJ_RWMUTEX, rw);
    rw->writer_pending = true;
    if (rw->readers) {
        rt_waiter_t w = {.task = rt__s.current};
        rt__waitq_push(&rw->writeq, &w);
        rt__park(TASK_RWMUTEX_W, RT_OBJ_RWMUTEX, rw, &rw->writeq, &w);
    }
    rw->wlocked = true;
    rw->writer = rt__self_id();
    hook_acquire(rw, RT_OBJ_RWMUTEX, false);
    return 0;
}

int rwmutex_unlock(rwmutex_t *rw) {
    RT_ENTER;
    if (!rw) return -EINVAL;
    if (!rw->wlocked) return rt__fatal("sync: Unlock of unlocked RWMutex");
    hook_release(rw, RT_OBJ_RWMUTEX, false);
    rw->wlocked = false;
    rw->writer = 0;
    rw->writer_pending = false;
    rt_waiter_t *w;
    while ((w = rt__waitq_pop(&rw->readq))) {
        rw->readers++;
        rt__wake(w);
    }
    unlock_core(&rw->w);
    return 0;
}

uint64_t rwmutex_writer(const rwmutex_t *rw) { return rw ? rw->writer : 0; }
uint64_t rwmutex_readers(const rwmutex_t *rw) { return rw ? rw->readers : 0; }
