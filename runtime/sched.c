/*
 * sched.c — the scheduler: run queue, the run loop, park/ready, panics.
 *
 * rt_run turns the calling thread into the scheduler: it pops a runnable
 * task and switches to it; tasks then hand over to each other directly and
 * give control back when one exits or none is runnable. RT_SCHED_FIFO pops
 * the oldest task; RT_SCHED_RANDOM pops one chosen by a seeded generator,
 * and (unless no_preempt) yields at every scheduling point, so the seed
 * alone fixes the interleaving. Every scheduling point is also a tick of
 * the virtual clock (rt__tick): due timers fire there, and a task whose
 * time slice is spent yields there.
 *
 * The run ends when main returns (Go's exit), at a fatal error, or when no
 * task is runnable, no timer pending and no task parked on a descriptor:
 * deadlock. sched_idle is the one place the scheduler waits for the world:
 * with nothing runnable it waits in the netpoller (netpoll.c) and moves
 * the clock to the next timer.
 *
 * Interface: rt_run → (tasks: rt__park ↔ rt__ready, task_yield) → returns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rt.h"
#include "asan.h"

struct rt_sched rt__s;
static char *last_report;
static const char *last_panic;
static int run_result;

/* splitmix64: one word of state, every seed (also 0) is good. */
static uint64_t rng_next(void) {
    uint64_t z = (rt__s.rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A value in [0, bound), bound > 0; rejection keeps it uniform. */
uint64_t rt__rand_below(uint64_t bound) {
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t r;
    do r = rng_next(); while (r >= limit);
    return r % bound;
}

/* ---- run queue ---- */

/* Capacity is kept ≥ live tasks by task spawn, so this cannot overflow; it
 * is a power of two, so a mask wraps the ring. */
void rt__rq_push(task_t *t) {
    rt__s.rq[(rt__s.rq_head + rt__s.rq_len) & (rt__s.rq_cap - 1)] = t;
    rt__s.rq_len++;
}

/* Takes t out of the run queue (a killed task); O(queue length). */
void rt__rq_remove(task_t *t) {
    size_t mask = rt__s.rq_cap - 1, j = 0;
    for (size_t i = 0; i < rt__s.rq_len; i++) {
        task_t *x = rt__s.rq[(rt__s.rq_head + i) & mask];
        if (x != t) rt__s.rq[(rt__s.rq_head + j++) & mask] = x;
    }
    rt__s.rq_len = j;
}

/* Swaps a task chosen by the seed to the front; order is irrelevant in
 * random mode. Out of line: FIFO's pop then needs no spare registers. */
static __attribute__((noinline)) void rq_pick_random(void) {
    size_t i = (rt__s.rq_head + rt__rand_below(rt__s.rq_len)) & (rt__s.rq_cap - 1);
    task_t *tmp = rt__s.rq[i];
    rt__s.rq[i] = rt__s.rq[rt__s.rq_head];
    rt__s.rq[rt__s.rq_head] = tmp;
}

static inline task_t *rq_pop(void) {
    if (rt__s.rq_len == 0) return NULL;
    if (rt__s.cfg.sched == RT_SCHED_RANDOM && rt__s.rq_len > 1) rq_pick_random();
    task_t *t = rt__s.rq[rt__s.rq_head];
    rt__s.rq_head = (rt__s.rq_head + 1) & (rt__s.rq_cap - 1);
    rt__s.rq_len--;
    return t;
}

/* ---- switching ----
 *
 * A task that blocks or yields switches straight to the next runnable task
 * (one stack switch, as Go's scheduler does); it goes back to the
 * scheduler's stack only when none is runnable, when it has finished (its
 * stack is freed from there), or when real-clock timers need a look.
 */

static char *stack_lo(const task_t *t) { return t->map + rt__s.page; }

/* t becomes the running task, with a fresh time slice. */
static void enter(task_t *t) {
    t->state = TASK_RUNNING;
    rt__s.current = t;
    rt__s.switches++;
    rt__s.slice_end = rt__s.now + rt__s.slice;
    rt__s.next_check = rt__s.slice_end < rt__s.timer_next ? rt__s.slice_end : rt__s.timer_next;
    RT_HOOK(on_switch, t->id);
}

/* On arrival in a task: note the scheduler's stack if we came from it. */
void rt__arrived(void *fake) {
    const void *bottom = NULL;
    size_t size = 0;
    asan_finish_switch(fake, &bottom, &size);
    if (rt__s.from_sched) {
        rt__s.asan_bottom = bottom;
        rt__s.asan_size = size;
    }
}

/* The next task to run directly, or NULL to go through the scheduler
 * (which looks at real-clock timers: timer_next is INT64_MIN then). */
static inline task_t *direct_next(void) {
    if (rt__s.timer_next == INT64_MIN) return NULL;
    /* Tasks that keep running must not starve those waiting on descriptors:
     * every 61 switches (Go's schedtick % 61) the netpoller is polled. */
    if (rt__s.io_waiters && --rt__s.poll_countdown == 0) {
        rt__s.poll_countdown = 61;
        (void)rt__netpoll(0);
    }
    task_t *next = rq_pop();
    if (next && !next->sp && rt__task_start(next) != 0) {
        rt__s.stack_error = -ENOMEM;      /* the scheduler ends the run */
        rt__rq_push(next);
        return NULL;
    }
    return next;
}

/* Leaves t, which is queued, parked or done. A finished task passes no
 * fake-stack slot, so ASan drops its fake frames: it never runs again.
 * Inlined into the yield, the hottest switch. */
static inline __attribute__((always_inline)) void switch_out(task_t *t) {
    bool dying = t->state == TASK_DONE;
    task_t *next = dying ? NULL : direct_next();
    if (next == t) {
        enter(t);
        return;
    }
    t->locks = rt__s.locks;
    if (next) {
        asan_start_switch(&t->asan_fake, stack_lo(next), rt__s.stack_size);
        rt__s.from_sched = false;
        enter(next);
        rt__switch(&t->sp, next->sp);
    } else {
        asan_start_switch(dying ? NULL : &t->asan_fake, rt__s.asan_bottom, rt__s.asan_size);
        rt__switch(&t->sp, rt__s.sp);
    }
    rt__arrived(t->asan_fake);
    rt__s.locks = t->locks;
}

void rt__switch_out(task_t *t) { switch_out(t); }

/* The current task ends the run with result: control goes back to the
 * scheduler for good (the task's stack is dropped with the run). */
void rt__end_run(int result) {
    task_t *t = rt__s.current;
    rt__s.over = true;
    run_result = result;
    asan_start_switch(NULL, rt__s.asan_bottom, rt__s.asan_size);
    rt__switch(&t->sp, rt__s.sp);
    __builtin_unreachable();
}

/* Runs t until some task hands control back to the scheduler; reaps that
 * task if it finished. Returns 0 or -ENOMEM (no stack). */
static int run_task(task_t *t) {
    if (!t->sp && rt__task_start(t) != 0) return -ENOMEM;
    void *fake = NULL;
    asan_start_switch(&fake, stack_lo(t), rt__s.stack_size);
    rt__s.from_sched = true;
    enter(t);
    rt__switch(&rt__s.sp, t->sp);
    asan_finish_switch(fake, NULL, NULL);
    task_t *back = rt__s.current;
    rt__s.current = NULL;
    if (back->state == TASK_DONE) rt__task_reap(back);
    return rt__s.stack_error;
}

/* Go's checkdead: no task can run and nothing will wake one. */
static int deadlock(void) {
    free(last_report);
    last_report = rt__deadlock_report(rt__s.live ? "all goroutines are asleep - deadlock!"
                                                 : "no goroutines (main called runtime.Goexit) - deadlock!");
    RT_HOOK(on_deadlock, last_report ? last_report : "");
    return -EDEADLK;
}

/* Sleeps on the real clock until when (the preemption signal may cut a
 * sleep short: sleep again). */
static void sleep_until(int64_t when) {
    for (int64_t wait; (wait = when - rt__clock()) > 0;) {
        struct timespec ts = {wait / 1000000000, wait % 1000000000};
        nanosleep(&ts, NULL);
    }
}

/* The virtual clock does not wait for the kernel: with tasks parked on
 * real descriptors and a timer pending, the idle step lets the kernel
 * answer for at most this long before the clock jumps to the timer. */
#define IO_GRACE_NS INT64_C(1000000)

/* Nothing is runnable: wait for the world. This is the one place the
 * scheduler waits. Events come from the timer heap and the netpoller: the
 * virtual clock jumps to the next deadline, the real clock waits for it
 * in epoll_wait (or nanosleep when no descriptor is watched). A task
 * parked on a descriptor is not asleep forever: with no timer pending the
 * scheduler waits for the kernel, as Go's does. Returns 1 to go on, else
 * the run's result. */
static int sched_idle(void) {
    if (rt__s.live == 0) return rt__s.main_exited && !rt__s.cfg.wait_all ? deadlock() : 0;
    int64_t when = rt__timers_next();
    if (rt__s.io_waiters) {
        int64_t wait = -1;
        if (when != INT64_MAX) {
            wait = when - rt__clock();
            if (wait < 0) wait = 0;
            if (rt__s.cfg.clock == RT_CLOCK_VIRTUAL && wait > IO_GRACE_NS) wait = IO_GRACE_NS;
        }
        if (rt__netpoll(wait) > 0 || when == INT64_MAX) return 1;
    } else if (when == INT64_MAX) {
        return deadlock();
    }
    if (rt__s.cfg.clock == RT_CLOCK_VIRTUAL) {
        if (when > rt__s.now) rt__s.now = when;
    } else {
        sleep_until(when);
    }
    rt__timers_fire_due();
    return 1;
}

static int run_loop(void) {
    for (;;) {
        if (rt__s.heap_len && rt__s.cfg.clock == RT_CLOCK_REAL) rt__timers_fire_due();
        task_t *t = rq_pop();
        if (t) {
            int rc = run_task(t);
            if (rc) return rc;
            if (rt__s.over) return run_result;
            continue;
        }
        int rc = sched_idle();
        if (rc <= 0) return rc;
    }
}

static void sched_init(const rt_config_t *cfg) {
    memset(&rt__s, 0, sizeof rt__s);
    if (cfg) rt__s.cfg = *cfg;
    if (cfg && cfg->hooks) rt__s.hooks = *cfg->hooks;
    rt__s.rng = rt__s.cfg.seed;
    rt__s.yield_points = rt__s.cfg.sched == RT_SCHED_RANDOM && !rt__s.cfg.no_preempt;
    int64_t tick = rt__s.cfg.tick ? rt__s.cfg.tick : RT_DEFAULT_TICK;
    rt__s.tick = rt__s.cfg.clock == RT_CLOCK_VIRTUAL && tick > 0 ? tick : 0;
    int64_t slice = rt__s.cfg.slice ? rt__s.cfg.slice : RT_DEFAULT_SLICE;
    rt__s.slicing = slice > 0;
    rt__s.slice = slice > 0 ? slice : INT64_MAX / 4;   /* never reached, never overflows */
    rt__s.timer_next = INT64_MAX;
    rt__s.page = 4096;
    size_t sz = rt__s.cfg.stack_size ? rt__s.cfg.stack_size : RT_DEFAULT_STACK;
    if (sz < RT_MIN_STACK) sz = RT_MIN_STACK;
    rt__s.stack_size = (sz + rt__s.page - 1) / rt__s.page * rt__s.page;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    rt__s.real_base = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    rt__s.active = true;
    rt__s.poll_countdown = 61;
    rt__netpoll_init();
    free(last_report);
    last_report = NULL;
    last_panic = NULL;
    run_result = 0;
    if (rt__s.slicing) rt__preempt_start();
}

static void sched_teardown(void) {
    rt__preempt_stop();
    rt__netpoll_close();
    rt__timers_clear();
    rt__tasks_free();
    rt__afters_free();
    free(rt__s.rq);
    free(rt__s.heap);
    rt__s.rq = NULL;
    rt__s.heap = NULL;
    rt__s.active = false;
    rt__s.current = NULL;
}

/* True if this call runs on the stack of the current task (a nested call),
 * false if that task escaped by longjmp (a failed assertion): stale state. */
static bool called_from_task(void) {
    task_t *t = rt__s.current;
    if (!t || !t->map) return false;
    char *here = __builtin_frame_address(0);
    return here >= t->map && here < t->map + rt__s.page + rt__s.stack_size;
}

int rt_run(const rt_config_t *cfg, task_fn main_fn, void *arg) {
    if (rt__s.active) {
        if (called_from_task() || !rt__s.current) return -EBUSY;
        sched_teardown();
    }
    if (!main_fn) return -EINVAL;
    sched_init(cfg);
    int rc = task__spawn(main_fn, arg, NULL, "rt_run", 0, "rt_run", "main");
    if (rc == 0) rc = run_loop();
    sched_teardown();
    return rc;
}

const char *rt_report(void) { return last_report; }

const char *rt_panic_message(void) {
    return rt__s.active && rt__s.current ? rt__s.current->panic_msg : last_panic;
}

/* ---- blocking ---- */

/* The current task blocks on obj until someone calls rt__ready on it. q/w:
 * the queue its waiter is on (NULL if none), so a run that ends in deadlock
 * can take the waiter off before the stack holding it goes away. */
void rt__park(task_state_t why, rt_obj_kind_t kind, const void *obj, rt_waitq_t *q,
              rt_waiter_t *w) {
    task_t *t = rt__s.current;
    t->wq = q;
    t->waiter = w;
    t->state = why;
    t->wait_kind = kind;
    t->wait_obj = obj;
    t->blocked_since = rt__clock();
    RT_HOOK(on_block, t->id, why, obj);
    rt__switch_out(t);
}

/* Makes a blocked task runnable; callable from tasks and timer callbacks. */
void rt__ready(task_t *t) {
    t->state = TASK_RUNNABLE;
    t->wait_kind = RT_OBJ_NONE;
    t->wait_obj = NULL;
    t->wait_id = 0;
    t->cases = NULL;
    t->ncases = 0;
    t->wq = NULL;
    t->waiter = NULL;
    t->sel = NULL;
    rt__rq_push(t);
    RT_HOOK(on_unblock, t->id, rt__self_id());
}

/* The current task goes to the back of the run queue. */
static inline __attribute__((always_inline)) void yield_now(void) {
    task_t *t = rt__s.current;
    t->state = TASK_RUNNABLE;
    rt__rq_push(t);
    switch_out(t);
}

void rt__yield(void) { yield_now(); }

void task_yield(void) {
    RT_ENTER;
    if (rt__s.current && !rt__tick()) yield_now();
}

/* The slow half of rt__tick: fire what is due, end a spent slice. */
bool rt__tick_slow(void) {
    if (rt__timers_due()) rt__timers_fire_due();
    if (rt__s.preempt_pending || rt__s.now >= rt__s.slice_end) {
        rt__s.preempt_pending = 0;
        rt__yield();
        return true;
    }
    rt__s.next_check = rt__s.slice_end < rt__s.timer_next ? rt__s.slice_end : rt__s.timer_next;
    return false;
}

/* Go panics here (recoverable): we record the message for this task and
 * let the caller return an error. */
void rt__panic(const char *msg) {
    last_panic = msg;
    if (rt__s.current) rt__s.current->panic_msg = msg;
    RT_HOOK(on_panic, rt__self_id(), msg);
}

/* Go throws here (not recoverable): inside a task the run ends with
 * -ENOTRECOVERABLE and Go's report; outside one there is no run to end,
 * so the caller gets -EPERM and the message is recorded. */
int rt__fatal(const char *msg) {
    RT_HOOK(on_panic, rt__self_id(), msg);
    last_panic = msg;
    if (!rt__s.current) return -EPERM;
    rt__s.current->panic_msg = msg;
    free(last_report);
    last_report = rt__fatal_report(msg);
    rt__end_run(-ENOTRECOVERABLE);
    return -ENOTRECOVERABLE;
}
