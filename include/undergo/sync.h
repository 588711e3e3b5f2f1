/*
 * sync.h — Go's sync package for tasks: Mutex, RWMutex, WaitGroup, Once,
 * Cond. Every type is usable zero-initialized, as in Go, and must not move
 * while in use.
 *
 * Mutex has Go's two modes: normal (a woken waiter competes with running
 * tasks, which may barge ahead of it) and starvation (after a waiter has
 * waited 1 ms, unlock hands the lock to the first waiter). RWMutex admits
 * the readers that queued behind a writer before the next writer. Misuse
 * Go makes a fatal error ends the run (rt_run returns -ENOTRECOVERABLE):
 * unlock of an unlocked Mutex, RUnlock or Unlock of an RWMutex not so
 * held, cond_wait without the lock. What Go makes a panic (a negative
 * WaitGroup counter) returns a negative errno and records the message
 * (rt_panic_message). Outside a run a fatal misuse returns -EPERM.
 *
 * Interface: mutex_lock → ... → mutex_unlock; rwmutex_rlock / rwmutex_lock
 * → rwmutex_runlock / rwmutex_unlock; wg_add → wg_done ... → wg_wait;
 * once_do; cond_wait (holding its mutex) ↔ cond_signal / cond_broadcast.
 */
#ifndef UNDERGO_SYNC_H
#define UNDERGO_SYNC_H

#include <stdbool.h>
#include <stdint.h>
#include <undergo/task.h>

/* A FIFO of blocked tasks (private to the runtime). */
typedef struct rt_waitq {
    struct rt_waiter *head, *tail;
} rt_waitq_t;

typedef struct mutex {
    /* private */
    bool locked;
    bool starving;              /* starvation mode: unlock hands off */
    bool woken;                 /* a woken waiter has not run yet */
    uint64_t owner;             /* task id, 0 if unlocked or the scheduler */
    rt_waitq_t waiters;
} mutex_t;

typedef struct rwmutex {
    /* private */
    mutex_t w;                  /* writers queue here first */
    bool writer_pending;        /* a writer holds w: new readers wait */
    bool wlocked;
    uint64_t writer;            /* task id holding the write lock */
    uint64_t readers;           /* read locks held */
    rt_waitq_t readq;           /* readers waiting for the writer */
    rt_waitq_t writeq;          /* the writer waiting for readers to leave */
} rwmutex_t;

typedef struct wg {
    /* private */
    int64_t count;
    rt_waitq_t waiters;
} wg_t;

typedef struct once {
    /* private */
    bool done;
    mutex_t mu;
} once_t;

typedef struct cond {
    /* private */
    rt_waitq_t waiters;
} cond_t;

/* Locks m (Go's rules above). Returns 0, -EINVAL for NULL, -EPERM if it
 * would block outside a task. Not reentrant: relocking deadlocks, as in Go. */
int mutex_lock(mutex_t *m);

/* Go's TryLock: locks m if it is free and not in starvation mode. Returns
 * true if it did. */
bool mutex_trylock(mutex_t *m);

/* Unlocks m and wakes (or, starving, hands the lock to) the first waiter.
 * Returns 0; a fatal error ("sync: unlock of unlocked mutex") if m is not
 * locked; -EINVAL for NULL. */
int mutex_unlock(mutex_t *m);

/* The id of the task holding m, or 0. Can't fail. */
uint64_t mutex_owner(const mutex_t *m);

/* Takes a read lock; waits while a writer holds or waits for the lock
 * (writers are not starved). Returns 0, -EINVAL, or -EPERM if it would block outside a task. */
int rwmutex_rlock(rwmutex_t *rw);

/* Drops a read lock. Returns 0; a fatal error ("sync: RUnlock of unlocked
 * RWMutex") if none is held. */
int rwmutex_runlock(rwmutex_t *rw);

/* Takes the write lock. Returns 0, -EINVAL, or -EPERM outside a task. */
int rwmutex_lock(rwmutex_t *rw);

/* Drops the write lock, admitting the readers waiting for it. Returns 0; a
 * fatal error ("sync: Unlock of unlocked RWMutex") if not held. */
int rwmutex_unlock(rwmutex_t *rw);

/* Id of the task holding the write lock, or 0. Can't fail. */
uint64_t rwmutex_writer(const rwmutex_t *rw);

/* Number of read locks held. Can't fail. */
uint64_t rwmutex_readers(const rwmutex_t *rw);

/* Adds delta to the counter; at zero, wakes every waiter. Returns 0, or
 * -ERANGE and a panic ("sync: negative WaitGroup counter"), counter kept. */
int wg_add(wg_t *wg, int64_t delta);

/* wg_add(wg, -1). */
int wg_done(wg_t *wg);

/* Waits until the counter is zero. Returns 0, or -EPERM outside a task. */
int wg_wait(wg_t *wg);

/* The counter. Can't fail. */
int64_t wg_count(const wg_t *wg);

/* Calls fn(arg) the first time only; later callers wait until that call
 * has returned. A task_exit inside fn counts as its return, as Go's
 * deferred done does. Returns 0, or an error of mutex_lock. */
int once_do(once_t *o, task_fn fn, void *arg);

/* Atomically unlocks m and waits for a signal, then relocks m. Returns 0;
 * -EPERM outside a task; a fatal error if m is not locked. */
int cond_wait(cond_t *c, mutex_t *m);

/* Wakes the longest waiter, if any. Can't fail. */
void cond_signal(cond_t *c);

/* Wakes every waiter. Can't fail. */
void cond_broadcast(cond_t *c);

#endif
