/*
 * sync.c — WaitGroup, Once and Cond.
 *
 * WaitGroup is a counter plus a queue: reaching zero wakes every waiter.
 * Once is a flag behind a mutex, set only after fn returns, so late callers
 * wait for the first call to finish, as Go's does. Cond queues its waiters
 * before releasing the mutex, so a signal sent in between is not lost.
 *
 * Interface: wg_add → wg_done → wg_wait; once_do; cond_wait ↔ cond_signal
 * / cond_broadcast.
 */
#include <errno.h>
#include "rt.h"

/* ---- WaitGroup ---- */

int wg_add(wg_t *wg, int64_t delta) {
    if (!wg) return -EINVAL;
    if ((delta < 0 && wg->count < -delta) || (delta > 0 && wg->count > INT64_MAX - delta)) {
        rt__panic("sync: negative WaitGroup counter");
        return -ERANGE;
    }
    wg->count += delta;
    if (wg->count == 0) {
        rt_waiter_t *w;
        while ((w = rt__waitq_pop(&wg->waiters))) rt__wake(w);
    }
    return 0;
}

int wg_done(wg_t *wg) { return wg_add(wg, -1); }

int wg_wait(wg_t *wg) {
    if (!wg) return -EINVAL;
    rt__preempt();
    if (wg->count == 0) return 0;
    if (!rt__s.current) return -EPERM;
    rt_waiter_t w = {.task = rt__s.current};
    rt__waitq_push(&wg->waiters, &w);
    rt__park(TASK_WAITGROUP, RT_OBJ_WAITGROUP, wg, &wg->waiters, &w);
    return 0;
}

int64_t wg_count(const wg_t *wg) { return wg ? wg->count : 0; }

/* ---- Once ---- */

int once_do(once_t *o, task_fn fn, void *arg) {
    if (!o || !fn) return -EINVAL;
    if (o->done) return 0;
    int rc = mutex_lock(&o->mu);
    if (rc) return rc;
    if (!o->done) {
        fn(arg);
        o->done = true;
    }
    return mutex_unlock(&o->mu);
}

/* ---- Cond ---- */

int cond_wait(cond_t *c, mutex_t *m) {
    if (!c || !m) return -EINVAL;
    if (!rt__s.current) return -EPERM;
    rt_waiter_t w = {.task = rt__s.current};
    rt__waitq_push(&c->waiters, &w);
    int rc = mutex_unlock(m);
    if (rc) {
        rt__waitq_remove(&c->waiters, &w);
        return rc;
    }
    rt__park(TASK_COND, RT_OBJ_COND, c, &c->waiters, &w);
    return mutex_lock(m);
}

void cond_signal(cond_t *c) {
    rt_waiter_t *w = c ? rt__waitq_pop(&c->waiters) : NULL;
    if (w) rt__wake(w);
}

void cond_broadcast(cond_t *c) {
    rt_waiter_t *w;
    while (c && (w = rt__waitq_pop(&c->waiters))) rt__wake(w);
}
