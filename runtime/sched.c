/*
 * sched.c — the scheduler: run queue, the run loop, park/ready, panics.
 *
 * rt_run turns the calling thread into the scheduler: it pops a runnable
 * task and switches to it; tasks then hand over to each other directly and
 * give control back when one exits or none is runnable. RT_SCHED_FIFO pops the oldest task; RT_SCHED_RANDOM pops one
 * chosen by a seeded generator, and (unless no_preempt) makes the start of
 * every sync operation a scheduling point, so the seed alone fixes the
 * interleaving. When nothing is runnable the clock advances to the next
 * timer; with no timer either, the live tasks can never run: deadlock.
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

static task_t *rq_pop(void) {
    if (rt__s.rq_len == 0) return NULL;
    if (rt__s.cfg.sched == RT_SCHED_RANDOM && rt__s.rq_len > 1) {
        /* Swap the chosen task to the front; order is irrelevant here. */
        size_t i = (rt__s.rq_head + rt__rand_below(rt__s.rq_len)) & (rt__s.rq_cap - 1);
        task_t *tmp = rt__s.rq[i];
        rt__s.rq[i] = rt__s.rq[rt__s.rq_head];
        rt__s.rq[rt__s.rq_head] = tmp;
    }
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

/* t becomes the running task. */
static void enter(task_t *t) {
    t->state = TASK_RUNNING;
    rt__s.current = t;
    if (rt__s.hooks.on_switch) rt__s.hooks.on_switch(rt__s.hooks.ud, t->id);
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

/* The next task to run directly, or NULL to go through the scheduler. */
static task_t *direct_next(void) {
    if (rt__s.cfg.clock == RT_CLOCK_REAL && rt__s.heap_len) return NULL;
    task_t *next = rq_pop();
    if (next && !next->sp && rt__task_start(next) != 0) {
        rt__s.stack_error = -ENOMEM;      /* the scheduler ends the run */
        rt__rq_push(next);
        return NULL;
    }
    return next;
}

/* Leaves t, which is queued, parked or done. A finished task passes no
 * fake-stack slot, so ASan drops its fake frames: it never runs again. */
void rt__switch_out(task_t *t) {
    bool dying = t->state == TASK_DONE;
    task_t *next = dying ? NULL : direct_next();
    if (next == t) {
        enter(t);
        return;
    }
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

static int deadlock(void) {
    free(last_report);
    last_report = rt__deadlock_report();
    if (rt__s.hooks.on_deadlock)
        rt__s.hooks.on_deadlock(rt__s.hooks.ud, last_report ? last_report : "");
    return -EDEADLK;
}

static int run_loop(void) {
    for (;;) {
        if (rt__s.heap_len && rt__s.cfg.clock == RT_CLOCK_REAL) rt__timers_fire_due();
        task_t *t = rq_pop();
        if (t) {
            int rc = run_task(t);
            if (rc) return rc;
            continue;
        }
        if (rt__s.live == 0) return 0;
        if (rt__s.heap_len == 0) return deadlock();
        rt__timers_advance();
    }
}

static void sched_init(const rt_config_t *cfg) {
    memset(&rt__s, 0, sizeof rt__s);
    if (cfg) rt__s.cfg = *cfg;
    if (cfg && cfg->hooks) rt__s.hooks = *cfg->hooks;
    rt__s.rng = rt__s.cfg.seed;
    rt__s.page = 4096;
    size_t sz = rt__s.cfg.stack_size ? rt__s.cfg.stack_size : RT_DEFAULT_STACK;
    if (sz < RT_MIN_STACK) sz = RT_MIN_STACK;
    rt__s.stack_size = (sz + rt__s.page - 1) / rt__s.page * rt__s.page;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    rt__s.real_base = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    rt__s.active = true;
    free(last_report);
    last_report = NULL;
    last_panic = NULL;
}

static void sched_teardown(void) {
    rt__timers_clear();
    rt__tasks_free();
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

const char *rt_panic_message(void) { return last_panic; }

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
    t->blocked_since = clock_now();
    if (rt__s.hooks.on_block) rt__s.hooks.on_block(rt__s.hooks.ud, t->id, why, obj);
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
    if (rt__s.hooks.on_unblock)
        rt__s.hooks.on_unblock(rt__s.hooks.ud, t->id, rt__self_id());
}

void task_yield(void) {
    task_t *t = rt__s.current;
    if (!t) return;
    t->state = TASK_RUNNABLE;
    rt__rq_push(t);
    rt__switch_out(t);
}

/* A scheduling point before a sync operation, in seeded random mode. */
void rt__preempt(void) {
    if (rt__s.cfg.sched == RT_SCHED_RANDOM && !rt__s.cfg.no_preempt && rt__s.current)
        task_yield();
}

/* Go would crash; we record the message and let the caller return an error. */
void rt__panic(const char *msg) {
    last_panic = msg;
    if (rt__s.hooks.on_panic) rt__s.hooks.on_panic(rt__s.hooks.ud, rt__self_id(), msg);
}
