/*
 * task.h — tasks (goroutines) and the scheduler that runs them.
 *
 * A task is a function running on its own stack (mmap'd, with a PROT_NONE
 * guard page below it). One OS thread runs them all. Tasks switch at runtime
 * calls (channel and sync operations, sleeps, task_yield), when a time slice
 * runs out at such a call, and, for a task that makes no runtime call for a
 * slice of CPU time, on a timer signal, as Go preempts. rt_run runs a main
 * task and what it spawns until main returns (Go's exit from main), until
 * no task can ever run again (Go's "all goroutines are asleep - deadlock!"),
 * or until a fatal error ("fatal error: sync: unlock of unlocked mutex").
 *
 * The scheduler is deterministic: in RT_SCHED_RANDOM mode a seed picks which
 * runnable task runs next, so every interleaving is reachable and one seed
 * replays exactly; RT_SCHED_FIFO is a plain run queue, as Go's with
 * GOMAXPROCS=1. The virtual clock advances by a tick at each scheduling
 * point, so time passes with work and still replays exactly; only the timer
 * signal depends on real time (docs/runtime.md, "Time and preemption").
 *
 * Interface: rt_run(&cfg, main, arg) → task_spawn / task_yield / task_join /
 * task_exit inside tasks → rt_run returns 0, -EDEADLK or -ENOTRECOVERABLE
 * with rt_report().
 * Introspection for detectors: task_foreach / task_lookup, and rt_hooks_t
 * callbacks on spawn, exit, block, unblock, lock acquire and release.
 */
#ifndef UNDERGO_TASK_H
#define UNDERGO_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*task_fn)(void *arg);
typedef struct chan_case chan_case_t;

/* What a task is doing; the blocked states name what it waits for. */
typedef enum task_state {
    TASK_RUNNABLE,   /* in the run queue */
    TASK_RUNNING,    /* the current task */
    TASK_SEND,       /* chan_send (obj NULL: nil channel, forever) */
    TASK_RECV,       /* chan_recv (obj NULL: nil channel, forever) */
    TASK_SELECT,     /* chan_select; see task_info_t.cases */
    TASK_MUTEX,      /* mutex_lock (also once_do behind a running call) */
    TASK_RWMUTEX_R,  /* rwmutex_rlock */
    TASK_RWMUTEX_W,  /* rwmutex_lock */
    TASK_WAITGROUP,  /* wg_wait */
    TASK_COND,       /* cond_wait */
    TASK_SLEEP,      /* clock_sleep; obj is the internal timer */
    TASK_JOIN,       /* task_join; task_info_t.wait_id is the awaited task */
    TASK_PARKED,     /* task_park */
    TASK_DONE,       /* finished; visible only to on_exit */
    TASK_IO,         /* a conn or listener (net.h): Go's "IO wait"; obj is it */
} task_state_t;

/* The kind of object a blocked task waits on. */
typedef enum rt_obj_kind {
    RT_OBJ_NONE, RT_OBJ_CHAN, RT_OBJ_SELECT, RT_OBJ_MUTEX, RT_OBJ_RWMUTEX,
    RT_OBJ_WAITGROUP, RT_OBJ_COND, RT_OBJ_TIMER, RT_OBJ_TASK, RT_OBJ_USER,
    RT_OBJ_CONN,     /* a conn_t or listener_t */
} rt_obj_kind_t;

/* A snapshot of one task, filled by task_foreach / task_lookup. */
typedef struct task_info {
    uint64_t id;                 /* 1 is the main task; ids are never reused */
    uint64_t parent;             /* spawning task, 0 for main and timers */
    task_state_t state;
    rt_obj_kind_t wait_kind;     /* RT_OBJ_NONE unless blocked */
    const void *wait_obj;        /* chan_t*, mutex_t*, ... (NULL: nil chan) */
    uint64_t wait_id;            /* TASK_JOIN: the awaited task */
    const chan_case_t *cases;    /* TASK_SELECT: the cases (caller's array) */
    size_t ncases;
    int64_t blocked_since;       /* clock_now() when it blocked */
    const char *fn;              /* the spawned function's name */
    const char *creator;         /* the function that called task_spawn */
    const char *file;            /* file:line of the task_spawn call */
    int line;
    void *stack_lo, *stack_hi;   /* usable stack; NULL before the first run */
    void *sp;                    /* saved stack pointer (stale while running) */
} task_info_t;

/* Callbacks for detectors; any may be NULL. task ids; 0 = the scheduler. */
typedef struct rt_hooks {
    void *ud;
    void (*on_spawn)(void *ud, uint64_t task, uint64_t parent);
    void (*on_exit)(void *ud, uint64_t task);
    void (*on_switch)(void *ud, uint64_t task);   /* task starts running */
    void (*on_block)(void *ud, uint64_t task, task_state_t why, const void *obj);
    void (*on_unblock)(void *ud, uint64_t task, uint64_t by);
    /* a lock was acquired / released; shared: a read lock of an rwmutex */
    void (*on_acquire)(void *ud, uint64_t task, const void *lock, rt_obj_kind_t kind, bool shared);
    void (*on_release)(void *ud, uint64_t task, const void *lock, rt_obj_kind_t kind, bool shared);
    void (*on_panic)(void *ud, uint64_t task, const char *msg);
    /* nothing can run: tasks are still inspectable with task_foreach */
    void (*on_deadlock)(void *ud, const char *report);
} rt_hooks_t;

typedef enum rt_sched_mode { RT_SCHED_RANDOM, RT_SCHED_FIFO } rt_sched_mode_t;
typedef enum rt_clock_mode { RT_CLOCK_VIRTUAL, RT_CLOCK_REAL } rt_clock_mode_t;

#define RT_DEFAULT_TICK INT64_C(1000)        /* 1 µs of virtual time per point */
#define RT_DEFAULT_SLICE INT64_C(10000000)   /* 10 ms, Go's forcePreemptNS */
#define RT_TICK_NONE INT64_C(-1)             /* time stands still while tasks run */
#define RT_SLICE_NONE INT64_C(-1)            /* no time slices, no timer signal */

/* Run configuration; all-zero is valid: seeded random, virtual clock. */
typedef struct rt_config {
    rt_sched_mode_t sched;
    uint64_t seed;               /* picks tasks (RANDOM) and select cases */
    bool no_preempt;             /* RANDOM: sync operations do not yield first */
    rt_clock_mode_t clock;
    int64_t tick;                /* virtual ns per scheduling point; 0: RT_DEFAULT_TICK */
    int64_t slice;               /* time slice, ns; 0: RT_DEFAULT_SLICE */
    bool wait_all;               /* main's return does not end the run: it ends
                                    when every task is done, and tasks left
                                    blocked are reported as a deadlock */
    size_t stack_size;           /* per task, ≥ 16 KiB; 0: 64 KiB (256 KiB under ASan) */
    const rt_hooks_t *hooks;     /* copied at rt_run; may be NULL */
} rt_config_t;

/* Runs main_fn(arg) as task 1 and every task it spawns. Returns 0 when main
 * returns (tasks still running or blocked are dropped, as Go's exit does;
 * with wait_all: when every task is done); -EDEADLK when tasks remain but
 * none can run; -ENOTRECOVERABLE after a fatal error (both: see rt_report);
 * -ENOMEM when a stack cannot be mapped; -EBUSY if called from a task;
 * -EINVAL for a NULL main_fn. */
int rt_run(const rt_config_t *cfg, task_fn main_fn, void *arg);

/* What ended the last rt_run badly, in Go's words ("fatal error: all
 * goroutines are asleep - deadlock!" and every task's state), or NULL.
 * Owned by the runtime, valid until the next rt_run. */
const char *rt_report(void);

/* Inside a task: the message of that task's last panic ("send on closed
 * channel", ...), or NULL. Outside: the last panic of the last run (or of a
 * call made outside any run). Static storage. */
const char *rt_panic_message(void);

/* The current task's own slot for one pointer (Go keeps a goroutine's
 * defer and panic records in its g): NULL when a task starts, never read
 * by the runtime, dropped with the task (freeing what it points to is the
 * owner's business, before the task ends). Outside a task: one slot for
 * the calling thread. Can't fail. */
void **task_local(void);

/* Spawns fn(arg) as a new runnable task; stores its id in *id if id != NULL.
 * Returns 0, -EPERM outside rt_run, -EINVAL for a NULL fn, -ENOMEM. */
#define task_spawn(fn, arg, id) \
    task__spawn((fn), (arg), (id), __FILE__, __LINE__, __func__, #fn)
int task__spawn(task_fn fn, void *arg, uint64_t *id, const char *file,
                int line, const char *creator, const char *fn_name);

/* The current task's id, or 0 outside a task. Can't fail. */
uint64_t task_self(void);

/* Lets the scheduler run another task. No-op outside a task. */
void task_yield(void);

/* Ends the current task (Go's runtime.Goexit): a once_do under way counts
 * as done. In main, the run goes on without main; when no other task is
 * left, it ends as Go's "no goroutines (main called runtime.Goexit) -
 * deadlock!". Returns -EPERM outside a task; never returns otherwise. */
int task_exit(void);

/* Waits until task id has finished. Returns 0 (also if it already has),
 * -EDEADLK for the task itself, -ESRCH for an id never spawned, -EPERM
 * outside a task. */
int task_join(uint64_t id);

/* Blocks the current task until task_ready(its id); obj is shown to
 * introspection. Returns 0, or -EPERM outside a task. */
int task_park(const void *obj);

/* Makes a task blocked in task_park runnable. Returns 0, -ESRCH for an
 * unknown id, -EINVAL if that task is not parked. */
int task_ready(uint64_t id);

/* Calls fn for every live task in id order until fn returns nonzero; returns
 * that value or 0. Snapshots are valid only during the call. */
int task_foreach(int (*fn)(const task_info_t *t, void *ud), void *ud);

/* Fills *out for task id. Returns 0 or -ESRCH (finished or never spawned). */
int task_lookup(uint64_t id, task_info_t *out);

/* Go 1.19's name of a state ("chan receive", "semacquire", ...). Static. */
const char *task_state_name(task_state_t s);
/* Go 1.19's wait reason of a task, as its tracebacks print it: the state's
 * name, or "chan receive (nil chan)", "select (no cases)". Static. */
const char *task_wait_reason(const task_info_t *t);

#endif
