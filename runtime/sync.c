/*
 * sync.c — WaitGroup, Once and Cond.
 *
 * WaitGroup is a counter plus a queue: reaching zero wakes every waiter.
 * Once is a flag behind a mutex, set only after fn returns, so late callers
 * wait for the first call to finish, as Go's does; a task_exit inside fn
 * sets it too (Go's done is deferred), through the task's list of once
 * frames. Cond queues its waiters before releasing the mutex, so a signal
 * sent in between is not lost; releasing a mutex not held is Go's fatal
 * "sync: unlock of unlocked mutex".
 *
 * Interface: wg_add → wg_done → wg_wait; once_do; cond_wait ↔ cond_signal
 * / cond_broadcast.
 */
#include <errno.h>
#include "rt.h"

/* ---- WaitGroup ---- */

int wg_add(wg_t *wg, int64_t delta) {
    RT_ENTER;
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
    RT_ENTER;
    if (!wg) return -EINVAL;
    rt__point();
    if (wg->count == 0) return 0;
    if (!rt__s.current) return -EPERM;
    rt_waiter_t w = {.task = rt__s.current};
    rt__waitq_push(&wg->waiters, &w);
    rt__park(TASK_WAITGROUP, RT_OBJ_WAITGROUP, wg, &wg->waiters, &w);
    return 0;
}

int64_t wg_count(const wg_t *wg) { return wg ? wg->count : 0; }

/* ---- Once ---- */

/* fn is user code: it runs outside RT_ENTER, so it can be preempted. */
int once_do(once_t *o, task_fn fn, void *arg) {
    if (!o || !fn) return -EINVAL;
    if (o->done) return 0;
    int rc = mutex_lock(&o->mu);
    if (rc) return rc;
    if (!o->done) {
        task_t *t = rt__s.current;
        rt_once_frame_t f = {.once = o, .up = t ? t->onces : NULL};
        if (t) t->onces = &f;
        fn(arg);
        if (t) t->onces = f.up;
        o->done = true;
    }
    return mutex_unlock(&o->mu);
}

void rt__onces_finish(task_t *t) {
    for (rt_once_frame_t *f = t->onces; f; f = f->up) {
        f->once->done = true;
        mutex_unlock(&f->once->mu);
    }
    t->onces = NULL;
}

/* ---- Cond ---- */

int cond_wait(cond_t *c, mutex_t *m) {
    RT_ENTER;
    if (!c || !m) return -EINVAL;
    if (!rt__s.current) return -EPERM;
    rt_waiter_t w = {.task = rt__s.current};
    rt__waitq_push(&c->waiters, &w);
    if (!m->locked) rt__waitq_remove(&c->waiters, &w);   /* the stack is going away */
    int rc = mutex_unlock(m);                            /* not locked: fatal, no return */
    if (rc) return rc;
    rt__park(TASK_COND, RT_OBJ_COND, c, &c->waiters, &w);
    return mutex_lock(m);
}

void cond_signal(cond_t *c) {
    RT_ENTER;
    rt_waiter_t *w = c ? rt__waitq_pop(&c->waiters) : NULL;
    if (w) rt__wake(w);
}

void cond_broadcast(cond_t *c) {
    RT_ENTER;
    rt_waiter_t *w;
    while (c && (w = rt__waitq_pop(&c->waiters))) rt__wake(w);
}
