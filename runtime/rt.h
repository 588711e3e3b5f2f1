/*
 * rt.h — the runtime's private state, shared by the .c files of runtime/ only.
 *
 * The model: one scheduler context (the thread that called rt_run) and
 * tasks. A task that stops switches straight to the next runnable one; a
 * finished task goes back to the scheduler, whose stack can free the
 * task's. A task that must wait leaves an
 * rt_waiter (on its own stack) on the object's FIFO, then parks; whoever
 * satisfies the wait fills the waiter in, unlinks it and readies the task.
 *
 * Time: the virtual clock advances by cfg.tick at every scheduling point
 * (rt__point at the start of every operation that may switch, rt__tick in
 * clock_now), due timers fire there, and a task whose time slice has run
 * out yields there. A timer signal (preempt.c) interrupts a task that makes
 * no runtime call for a slice of CPU time; RT_ENTER marks the code it must
 * not interrupt.
 *
 * Interface: rt__park(state, kind, obj, queue, waiter) ↔ rt__wake(waiter) / rt__ready(task);
 * rt__point() at the start of operations that may switch; rt__panic(msg)
 * for Go's recoverable panics, rt__fatal(msg) for its fatal errors.
 */
#ifndef UNDERGO_RT_H
#define UNDERGO_RT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <undergo/runtime.h>

typedef struct task task_t;
typedef struct rt_select rt_select_t;

/* A blocked task's entry in an object's queue; lives on the task's stack. */
typedef struct rt_waiter {
    struct rt_waiter *next, *prev;
    task_t *task;
    void *elem;              /* channels: the value's source or destination */
    rt_select_t *sel;        /* non-NULL inside chan_select */
    int index;               /* select: this waiter's case */
    bool ok;                 /* recv: got a value; rwmutex: a reader */
    bool closed;             /* send: the channel was closed under it */
} rt_waiter_t;

/* A chan_select in progress: one waiter per case. */
struct rt_select {
    chan_case_t *cases;
    rt_waiter_t *w;
    size_t n;
    int fired;               /* the case that completed, -1 while waiting */
};

struct task {
    /* identity, read-only after spawn */
    uint64_t id, parent;
    task_fn fn;
    void *arg;
    const char *file, *creator, *fn_name;
    int line;
    /* scheduling */
    task_state_t state;
    rt_obj_kind_t wait_kind;
    const void *wait_obj;
    uint64_t wait_id;
    const chan_case_t *cases;
    size_t ncases;
    int64_t blocked_since;
    rt_waitq_t *wq;                  /* the queue holding waiter, if any */
    rt_waiter_t *waiter;
    rt_select_t *sel;                /* blocked in chan_select */
    rt_waitq_t joiners;
    const char *panic_msg;           /* this task's last panic */
    void *local;                     /* task_local(): Go's g._defer/_panic, a lab's */
    struct rt_once_frame *onces;     /* once_do calls under way, innermost first */
    int locks;                       /* rt__s.locks while switched out */
    void *host;                      /* simnet.c's host, inherited at spawn; NULL: none */
    /* stack: map is the whole mapping, guard page first */
    void *sp;
    char *map;
    void *asan_fake;
    /* all live tasks, in id order */
    task_t *next, *prev;
};

struct rt_timer {
    int64_t when;
    int64_t period;                  /* a ticker's; 0 for one-shot timers */
    uint64_t seq;                    /* start order: ties fire FIFO */
    size_t slot;                     /* heap index + 1; 0: not pending */
    void (*fire)(rt_timer_t *t);     /* runs on the scheduler, must not block */
    void *data;
    chan_t *ch;                      /* timer_new */
    task_fn fn;                      /* timer_after_func */
    void *arg;
    rt_timer_t *next;                /* clock_after's: the run's list */
    void *host;                      /* timer_after_func: the spawner's host */
};

/* Everything the scheduler owns; one run at a time. */
struct rt_sched {
    bool active;
    rt_config_t cfg;
    rt_hooks_t hooks;
    uint64_t rng;
    task_t *current;
    void *sp;                        /* the scheduler's saved context */
    const void *asan_bottom;         /* the scheduler's stack, for ASan */
    size_t asan_size;
    bool from_sched;                 /* the last switch left the scheduler */
    bool yield_points;               /* RANDOM without no_preempt: points yield */
    bool main_exited;                /* main called task_exit: the run goes on */
    bool over;                       /* main returned or a fatal error: stop */
    /* preemption (preempt.c) */
    int locks;                       /* > 0: in runtime code, no async switch */
    volatile sig_atomic_t preempt_pending;   /* the signal asks for a yield */
    uint64_t switches;               /* task switches so far */
    int64_t slice_end;               /* virtual time the running task must yield at */
    int64_t next_check;              /* rt__tick's one compare: min(slice_end,
                                        timer_next), or INT64_MIN on request */
    /* run queue: a ring of capacity ≥ live tasks, so pushes never fail */
    task_t **rq;
    size_t rq_cap, rq_head, rq_len;
    /* tasks */
    task_t *all_head, *all_tail;
    task_t **by_id;                  /* id → live task */
    size_t by_id_cap, live;
    uint64_t next_id;
    void **pool;                     /* cached stack mappings */
    size_t pool_len, stack_size, page;
    int stack_error;
    /* time */
    int64_t now;                     /* virtual clock */
    int64_t tick, slice;             /* resolved from cfg; tick 0: time stands still */
    bool slicing;                    /* slices and the preemption signal are on */
    int64_t timer_next;              /* when rt__tick must look at the heap */
    int64_t real_base;
    rt_timer_t **heap;
    size_t heap_len, heap_cap;
    uint64_t timer_seq;
    rt_timer_t *afters;              /* clock_after's timers, freed with the run */
    /* the netpoller (netpoll.c) */
    int epfd;                        /* -1 until a descriptor is watched */
    size_t io_waiters;               /* tasks parked on real descriptors */
    unsigned poll_countdown;         /* switches until a poll while tasks run */
};

extern struct rt_sched rt__s;

/* arch/<cpu>.S */
void rt__switch(void **save_sp, void *load_sp);
void *rt__prepare(void *top, void (*entry)(void *), void *arg);

/* sched.c */
uint64_t rt__rand_below(uint64_t bound);
void rt__rq_push(task_t *t);
void rt__rq_remove(task_t *t);
void rt__park(task_state_t why, rt_obj_kind_t kind, const void *obj, rt_waitq_t *q,
              rt_waiter_t *w);
void rt__ready(task_t *t);
void rt__switch_out(task_t *t);
void rt__arrived(void *fake);
void rt__yield(void);
bool rt__tick_slow(void);
void rt__panic(const char *msg);
int rt__fatal(const char *msg);
_Noreturn void rt__end_run(int result);
static inline uint64_t rt__self_id(void) { return rt__s.current ? rt__s.current->id : 0; }

/* Time passes: one tick of work. Fires due timers and ends a spent time
 * slice (a yield). Returns true if it yielded. Only inside a task. */
static inline bool rt__tick(void) {
    if (!rt__s.current) return false;
    rt__s.now += rt__s.tick;
    return rt__s.now >= rt__s.next_check ? rt__tick_slow() : false;
}

/* A scheduling point, at the start of every operation that may switch: a
 * tick, and in seeded random mode a yield, so the seed picks who goes on. */
static inline void rt__point(void) {
    if (!rt__tick() && rt__s.yield_points && rt__s.current) rt__yield();
}

/* RT_ENTER at the top of a runtime function: the timer signal does not
 * switch tasks until it returns (the runtime's state may be mid-update). */
static inline int rt__enter(void) { return ++rt__s.locks; }
static inline void rt__leave(int *unused) { (void)unused; rt__s.locks--; }
#define RT_ENTER __attribute__((cleanup(rt__leave), unused)) int rt__guard_ = rt__enter()

/* Calls a hook, if set, as runtime code: the signal never switches in it. */
#define RT_HOOK(name, ...)                                                    \
    do {                                                                      \
        if (rt__s.hooks.name) {                                               \
            rt__s.locks++;                                                    \
            rt__s.hooks.name(rt__s.hooks.ud, __VA_ARGS__);                    \
            rt__s.locks--;                                                    \
        }                                                                     \
    } while (0)

/* Something for rt__tick to look at by time at (INT64_MIN: at once). */
static inline void rt__check_by(int64_t at) {
    if (at < rt__s.next_check) rt__s.next_check = at;
}

/* preempt.c */
void rt__preempt_start(void);
void rt__preempt_stop(void);

/* task.c */
int rt__task_start(task_t *t);
void rt__task_kill(task_t *t);
void rt__task_reap(task_t *t);
void rt__tasks_free(void);
void rt__task_info(const task_t *t, task_info_t *out);

/* timer.c */
static inline int64_t rt__now(void) { return rt__s.now; }   /* virtual; no tick */
int64_t rt__clock(void);                                    /* either clock; no tick */
int rt__timer_start(rt_timer_t *t, int64_t when);
bool rt__timer_stop(rt_timer_t *t);
bool rt__timers_due(void);
int64_t rt__timers_next(void);
void rt__timers_fire_due(void);
void rt__timers_clear(void);
void rt__afters_free(void);

/* netpoll.c: real descriptors. A watched descriptor's ready() runs on the
 * scheduler when epoll reports it (edge-triggered: in, out, hang-up). */
typedef struct rt_pollfd {
    int fd;
    uint64_t run;                    /* the run it is registered in; 0: none */
    void (*ready)(struct rt_pollfd *p, uint32_t events);
} rt_pollfd_t;
int rt__netpoll_watch(rt_pollfd_t *p);
bool rt__netpoll_watching(const rt_pollfd_t *p);
void rt__netpoll_forget(rt_pollfd_t *p);
int rt__netpoll(int64_t timeout_ns);
void rt__netpoll_init(void);
void rt__netpoll_close(void);

/* report.c */
char *rt__deadlock_report(const char *why);
char *rt__fatal_report(const char *msg);

/* sync.c: a once_do under way; task_exit marks its once done. */
typedef struct rt_once_frame {
    once_t *once;
    struct rt_once_frame *up;
} rt_once_frame_t;
void rt__onces_finish(task_t *t);

/* select.c: a waiter that belongs to a select won; drop its siblings. */
void rt__select_claim(rt_waiter_t *w);
/* select.c: a run ends with the select still waiting; unlink all. */
void rt__select_cancel(rt_select_t *sel);

/* Wait queues: FIFO, O(1) removal from the middle. */
static inline void rt__waitq_push(rt_waitq_t *q, rt_waiter_t *w) {
    w->next = NULL;
    w->prev = q->tail;
    if (q->tail) q->tail->next = w; else q->head = w;
    q->tail = w;
}

static inline void rt__waitq_remove(rt_waitq_t *q, rt_waiter_t *w) {
    if (w->prev) w->prev->next = w->next; else q->head = w->next;
    if (w->next) w->next->prev = w->prev; else q->tail = w->prev;
    w->next = w->prev = NULL;
}

static inline rt_waiter_t *rt__waitq_pop(rt_waitq_t *q) {
    rt_waiter_t *w = q->head;
    if (w) rt__waitq_remove(q, w);
    return w;
}

/* Readies the waiter's task (the waiter is already unlinked). */
static inline void rt__wake(rt_waiter_t *w) { rt__ready(w->task); }

#endif
