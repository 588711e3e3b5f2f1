/*
 * deadlock.h — a deadlock checker in the style of Linux's lockdep, fed by
 * lock events, plus a wait-for graph for locks and channels.
 *
 * Three detectors share one checker (dl_t):
 *   1. The lock-order graph. Locks are grouped into classes (a class is the
 *      site that initialized the lock, so 10 000 locks made by one line are
 *      one node). Acquiring B while holding A adds the edge A → B. The first
 *      acquisition that closes a cycle is reported as a *potential* deadlock,
 *      whether or not the program ever hangs. Each distinct chain of held
 *      classes is validated once; afterwards an acquisition costs one hash
 *      lookup (the chain cache).
 *   2. The wait-for graph. A thread (or task) that really blocks on a lock
 *      waits for the lock's holders; a cycle there is a deadlock happening
 *      now, reported at once with each thread and the lock it waits for.
 *   3. Channels, through the runtime's hooks (dl_rt_hooks): Go's "all
 *      goroutines are asleep", and a partial deadlock — a group of tasks
 *      blocked on each other while other tasks still run.
 * Reports are deduplicated: one per distinct cycle.
 *
 * Interface: dl_new → dl_thread (one per thread/task) → dl_lock_init (class)
 * → dl_acquire / dl_block → dl_unblock / dl_release ... → dl_report_count /
 * dl_report_get → dl_free. For runtime programs: dl_rt_hooks into
 * rt_config_t.hooks. For pthread programs: support/dl_pthread.c (interposition).
 */
#ifndef DEADLOCK_H
#define DEADLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <undergo/runtime.h>

typedef struct dl dl_t;                /* the checker */
typedef struct dl_thread dl_thread_t;  /* one thread or task, owned by the checker */

/* Flags of an acquisition. */
enum {
    DL_TRY = 1u << 0,    /* a trylock: it cannot wait, so it adds no edge into the lock */
    DL_READ = 1u << 1,   /* a shared (read) acquisition; ordered like a write */
};
/* Nesting annotation: acquire as subclass n (1..7) of the lock's class, so an
 * intended same-class hierarchy (parent then child) is not a report. */
#define DL_SUBCLASS(n) ((unsigned)(n) << 8)
#define DL_MAX_SUBCLASS 7

/* What a report is about. */
typedef enum dl_kind {
    DL_ORDER = 1,    /* a cycle in the lock-order graph (potential deadlock) */
    DL_SELF,         /* a thread re-acquires a lock (or its class) it holds */
    DL_WAITFOR,      /* threads blocked on locks in a cycle (a real deadlock) */
    DL_ASLEEP,       /* every task is blocked and no timer is pending */
    DL_PARTIAL,      /* some tasks blocked on each other while others run */
} dl_kind_t;

#define DL_REPORT_MAX 16   /* participants kept in dl_report_t */

/* One report, as returned by dl_report_get. Strings are owned by the checker. */
typedef struct dl_report {
    dl_kind_t kind;
    size_t n;                          /* participants (classes or threads) */
    const char *cls[DL_REPORT_MAX];    /* ORDER, SELF: class names in cycle order */
    uint64_t ids[DL_REPORT_MAX];       /* WAITFOR, ASLEEP, PARTIAL: thread/task ids, ascending */
    const char *text;                  /* the full human-readable report */
} dl_report_t;

/* Called for every new report (e.g. to print it); text owned by the checker. */
typedef void (*dl_sink_fn)(void *ud, const dl_report_t *r);

/* Makes a checker that can track up to max_locks live lock instances
 * (0: 65536). Caller owns *out (dl_free). Returns 0, -EINVAL or -ENOMEM. */
int dl_new(size_t max_locks, dl_t **out);

/* Frees the checker, its threads and its reports. NULL is a no-op. */
void dl_free(dl_t *d);

/* Calls sink(ud, report) for every new report from now on (NULL: none). */
void dl_set_sink(dl_t *d, dl_sink_fn sink, void *ud);

/* The checker's view of thread/task `id` (made on first use; owned by the
 * checker, valid until dl_free). Returns 0, -EINVAL or -ENOMEM. */
int dl_thread(dl_t *d, uint64_t id, dl_thread_t **out);

/* The thread ended: forgets its held locks and its wait. Returns 0 or -EINVAL. */
int dl_thread_exit(dl_thread_t *t);

/* Puts lock in the class named by site (equal strings: one class). A lock
 * never initialized is a class of its own. The site string is copied.
 * Returns 0, -EINVAL, -ENOSPC (too many locks or classes) or -ENOMEM. */
int dl_lock_init(dl_t *d, const void *lock, const char *site);

#define DL__STR2(x) #x
#define DL__STR(x) DL__STR2(x)
/* dl_lock_init with this source line as the class. */
#define DL_LOCK_INIT(d, lock) dl_lock_init((d), (lock), __FILE__ ":" DL__STR(__LINE__))

/* Forgets lock (it was destroyed; its address may be reused). Returns 0,
 * or -ENOENT if it was unknown. */
int dl_lock_destroy(dl_t *d, const void *lock);

/* Thread t acquired lock with flags; where names the acquisition site for
 * reports (kept while held, copied when needed; NULL: the caller's code
 * address and stack are shown instead). Checks the order graph first.
 * Returns 0; -EDEADLK if this acquisition is (or closes) a deadlock,
 * reported once; -EINVAL, -ENOSPC or -ENOMEM. */
int dl_acquire(dl_thread_t *t, const void *lock, unsigned flags, const char *where);

/* Thread t released lock. Returns 0, or -ENOENT if t does not hold it. */
int dl_release(dl_thread_t *t, const void *lock);

/* Thread t is about to wait for lock, held by other threads: checks the
 * order graph as an attempt, then the wait-for graph. Returns 0, or
 * -EDEADLK if the wait closes a cycle (reported once), or an error. */
int dl_block(dl_thread_t *t, const void *lock, unsigned flags, const char *where);

/* Thread t stopped waiting (it got the lock or gave up). Returns 0 or -EINVAL. */
int dl_unblock(dl_thread_t *t);

/* Number of distinct reports so far. Can't fail. */
size_t dl_report_count(const dl_t *d);

/* Fills *out with report i (0 = oldest). Returns 0 or -ERANGE. */
int dl_report_get(const dl_t *d, size_t i, dl_report_t *out);

/* Number of lock classes and of order-graph edges. Can't fail. */
size_t dl_class_count(const dl_t *d);
size_t dl_edge_count(const dl_t *d);

/* Full order-graph validations done (chain-cache misses). Can't fail. */
uint64_t dl_validations(const dl_t *d);

/* ---- the runtime (tasks, channels, Mutex/RWMutex) ---- */

/* Fills *hooks so that the runtime feeds d (task ids are thread ids).
 * Returns 0 or -EINVAL. */
int dl_rt_hooks(dl_t *d, rt_hooks_t *hooks);

/* The current task may send (CHAN_SEND) or receive (CHAN_RECV) on ch, like a
 * directional channel parameter in Go; the wait-for graph uses it to know
 * who could wake a task blocked on ch. Returns 0, -EINVAL, -EPERM outside a
 * task, -ENOMEM. Operations the checker sees teach it the same. */
int dl_chan_role(dl_t *d, const chan_t *ch, chan_dir_t dir);

/* mutex_trylock, told to the checker as a trylock (the runtime's hook does
 * not say). Returns what mutex_trylock returns. */
int dl_mutex_trylock(dl_t *d, mutex_t *m);

/* ---- pthread programs ---- */

/* The process-wide checker that support/dl_pthread.c's interposed
 * pthread_mutex_* and pthread_rwlock_* calls feed, made on first use
 * (reports go to stderr), or NULL when interposition is not linked in or
 * failed. Owned by the library; support code, not yours to write. */
dl_t *dl_pthread_checker(void);

#endif
