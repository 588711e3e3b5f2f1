/*
 * mutex.c — Mutex and RWMutex with FIFO handoff.
 *
 * Unlock never just frees a contended lock: it hands it to the first waiter
 * (Go's "starvation mode", here always on), so the woken task owns the lock
 * when it runs and nobody can barge in. RWMutex keeps readers and writers
 * in one arrival-ordered queue: a new reader waits behind a waiting writer
 * (writers are not starved), and a released write lock admits the run of
 * readers at the head of the queue together.
 *
 * Interface: mutex_lock → mutex_unlock; rwmutex_rlock → rwmutex_runlock;
 * rwmutex_lock → rwmutex_unlock. Hooks see every acquire and release.
 */
#include <errno.h>
#include "rt.h"

static void hook_acquire(const void *lock, rt_obj_kind_t kind, bool shared) {
    if (rt__s.hooks.on_acquire)
        rt__s.hooks.on_acquire(rt__s.hooks.ud, rt__self_id(), lock, kind, shared);
}

static void hook_release(const void *lock, rt_obj_kind_t kind, bool shared) {
    if (rt__s.hooks.on_release)
        rt__s.hooks.on_release(rt__s.hooks.ud, rt__self_id(), lock, kind, shared);
}

/* ---- Mutex ---- */

int mutex_lock(mutex_t *m) {
    if (!m) return -EINVAL;
    rt__preempt();
    if (!m->locked) {
        m->locked = true;
        m->owner = rt__self_id();
    } else {
        if (!rt__s.current) return -EPERM;
        rt_waiter_t w = {.task = rt__s.current};
        rt__waitq_push(&m->waiters, &w);
        rt__park(TASK_MUTEX, RT_OBJ_MUTEX, m, &m->waiters, &w);   /* wakes up owning m */
    }
    hook_acquire(m, RT_OBJ_MUTEX, false);
    return 0;
}

int mutex_trylock(mutex_t *m) {
    if (!m) return -EINVAL;
    if (m->locked) return -EBUSY;
    m->locked = true;
    m->owner = rt__self_id();
    hook_acquire(m, RT_OBJ_MUTEX, false);
    return 0;
}

int mutex_unlock(mutex_t *m) {
    if (!m || !m->locked) {
        rt__panic("sync: unlock of unlocked mutex");
        return -EPERM;
    }
    hook_release(m, RT_OBJ_MUTEX, false);
    rt_waiter_t *w = rt__waitq_pop(&m->waiters);
    if (w) {
        m->owner = w->task->id;
        rt__wake(w);
    } else {
        m->locked = false;
        m->owner = 0;
    }
    return 0;
}

uint64_t mutex_owner(const mutex_t *m) { return m ? m->owner : 0; }

/* ---- RWMutex ---- */

/* Admits whoever is at the head of the queue if the lock allows it. */
static void rw_grant(rwmutex_t *rw) {
    rt_waiter_t *w = rw->waiters.head;
    if (!w || rw->wlocked) return;
    if (!w->ok) {                       /* a writer: needs no readers */
        if (rw->readers) return;
        rt__waitq_pop(&rw->waiters);
        rw->wlocked = true;
        rw->writer = w->task->id;
        rt__wake(w);
        return;
    }
    while ((w = rw->waiters.head) && w->ok) {
        rt__waitq_pop(&rw->waiters);
        rw->readers++;
        rt__wake(w);
    }
}

static void rw_wait(rwmutex_t *rw, bool reader) {
    rt_waiter_t w = {.task = rt__s.current, .ok = reader};
    rt__waitq_push(&rw->waiters, &w);
    rt__park(reader ? TASK_RWMUTEX_R : TASK_RWMUTEX_W, RT_OBJ_RWMUTEX, rw, &rw->waiters, &w);
}

int rwmutex_rlock(rwmutex_t *rw) {
    if (!rw) return -EINVAL;
    rt__preempt();
    if (!rw->wlocked && !rw->waiters.head) {
        rw->readers++;
    } else {
        if (!rt__s.current) return -EPERM;
        rw_wait(rw, true);               /* wakes up holding a read lock */
    }
    hook_acquire(rw, RT_OBJ_RWMUTEX, true);
    return 0;
}

int rwmutex_runlock(rwmutex_t *rw) {
    if (!rw || rw->readers == 0) {
        rt__panic("sync: RUnlock of unlocked RWMutex");
        return -EPERM;
    }
    hook_release(rw, RT_OBJ_RWMUTEX, true);
    rw->readers--;
    rw_grant(rw);
    return 0;
}

int rwmutex_lock(rwmutex_t *rw) {
    if (!rw) return -EINVAL;
    rt__preempt();
    if (!rw->wlocked && rw->readers == 0 && !rw->waiters.head) {
        rw->wlocked = true;
        rw->writer = rt__self_id();
    } else {
        if (!rt__s.current) return -EPERM;
        rw_wait(rw, false);              /* wakes up holding the write lock */
    }
    hook_acquire(rw, RT_OBJ_RWMUTEX, false);
    return 0;
}

int rwmutex_unlock(rwmutex_t *rw) {
    if (!rw || !rw->wlocked) {
        rt__panic("sync: Unlock of unlocked RWMutex");
        return -EPERM;
    }
    hook_release(rw, RT_OBJ_RWMUTEX, false);
    rw->wlocked = false;
    rw->writer = 0;
    rw_grant(rw);
    return 0;
}

uint64_t rwmutex_writer(const rwmutex_t *rw) { return rw ? rw->writer : 0; }
uint64_t rwmutex_readers(const rwmutex_t *rw) { return rw ? rw->readers : 0; }
