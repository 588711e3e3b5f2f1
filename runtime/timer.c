/*
 * timer.c — the clock, the timer heap, sleeps and user timers.
 *
 * Pending timers sit in a binary min-heap ordered by (deadline, start
 * order), so equal deadlines fire first-started first and a run replays
 * exactly. Timers fire at scheduling points (rt__tick, on the running
 * task's stack but acting for no task) and when the scheduler is idle: a
 * callback may ready tasks, send without blocking or close channels, never
 * block. The virtual clock moves by a tick at every scheduling point and
 * jumps to the next deadline when no task can run (sched.c).
 *
 * A ticker is a timer with a period: firing re-arms it at the next multiple
 * of the period, skipping ticks a slow receiver missed (its channel holds
 * one), as Go's does. clock_after's timers belong to the run: they are
 * freed when it ends.
 *
 * Interface: rt__timer_start / rt__timer_stop (runtime) and timer_new /
 * timer_after_func / ticker_new / clock_after → timer_stop / timer_reset /
 * ticker_reset → timer_free (users).
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include "rt.h"
#include "chan_impl.h"

/* ---- clock ---- */

static int64_t real_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec - rt__s.real_base;
}

int64_t rt__clock(void) {
    if (!rt__s.active) return 0;
    return rt__s.cfg.clock == RT_CLOCK_REAL ? real_now() : rt__s.now;
}

/* Reading the clock is work: a tick passes after the read. */
int64_t clock_now(void) {
    RT_ENTER;
    int64_t now = rt__clock();
    rt__tick();
    return now;
}

/* ---- heap ---- */

static bool before(const rt_timer_t *a, const rt_timer_t *b) {
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void heap_set(size_t i, rt_timer_t *t) {
    rt__s.heap[i] = t;
    t->slot = i + 1;
}

static void sift_up(size_t i) {
    rt_timer_t *t = rt__s.heap[i];
    while (i > 0 && before(t, rt__s.heap[(i - 1) / 2])) {
        heap_set(i, rt__s.heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    heap_set(i, t);
}

static void sift_down(size_t i) {
    rt_timer_t *t = rt__s.heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= rt__s.heap_len) break;
        if (c + 1 < rt__s.heap_len && before(rt__s.heap[c + 1], rt__s.heap[c])) c++;
        if (!before(rt__s.heap[c], t)) break;
        heap_set(i, rt__s.heap[c]);
        i = c;
    }
    heap_set(i, t);
}

/* The heap's top changed: tell rt__tick when to look next. The real clock
 * cannot be compared with the virtual one: look at every tick. */
static void heap_changed(void) {
    if (!rt__s.heap_len) rt__s.timer_next = INT64_MAX;
    else if (rt__s.cfg.clock == RT_CLOCK_REAL) rt__s.timer_next = INT64_MIN;
    else rt__s.timer_next = rt__s.heap[0]->when;
    rt__check_by(rt__s.timer_next);
}

/* Makes t pending at clock time when (restarting it if pending). Returns 0,
 * or -ENOMEM with t stopped. */
int rt__timer_start(rt_timer_t *t, int64_t when) {
    rt__timer_stop(t);
    t->when = when;
    t->seq = ++rt__s.timer_seq;
    if (rt__s.heap_len == rt__s.heap_cap) {
        size_t cap = rt__s.heap_cap ? rt__s.heap_cap * 2 : 64;
        rt_timer_t **h = realloc(rt__s.heap, cap * sizeof *h);
        if (!h) return -ENOMEM;
        rt__s.heap = h, rt__s.heap_cap = cap;
    }
    rt__s.heap[rt__s.heap_len++] = t;
    sift_up(rt__s.heap_len - 1);
    heap_changed();
    return 0;
}

/* Removes t from the heap. Returns true if it was pending. */
bool rt__timer_stop(rt_timer_t *t) {
    if (!t->slot) return false;
    size_t i = t->slot - 1;
    t->slot = 0;
    rt_timer_t *last = rt__s.heap[--rt__s.heap_len];
    if (i < rt__s.heap_len) {
        heap_set(i, last);
        sift_up(i);
        sift_down(last->slot - 1);
    }
    heap_changed();
    return true;
}

bool rt__timers_due(void) {
    return rt__s.heap_len && rt__s.heap[0]->when <= rt__clock();
}

int64_t rt__timers_next(void) { return rt__s.heap_len ? rt__s.heap[0]->when : INT64_MAX; }

/* Fires every due timer. The callbacks act for no task (a woken task's
 * waker, a spawned task's parent: 0), even when a task's tick runs them. */
void rt__timers_fire_due(void) {
    task_t *self = rt__s.current;
    rt__s.current = NULL;
    rt__s.locks++;
    int64_t now = rt__clock();
    while (rt__s.heap_len && rt__s.heap[0]->when <= now) {
        rt_timer_t *t = rt__s.heap[0];
        rt__timer_stop(t);
        t->fire(t);
    }
    rt__s.locks--;
    rt__s.current = self;
}

/* End of a run: timers still pending are simply forgotten. */
void rt__timers_clear(void) {
    for (size_t i = 0; i < rt__s.heap_len; i++) rt__s.heap[i]->slot = 0;
    rt__s.heap_len = 0;
    rt__s.timer_next = INT64_MAX;
}

/* ---- sleep ---- */

static void wake_sleeper(rt_timer_t *t) { rt__ready(t->data); }

int clock_sleep(int64_t ns) {
    RT_ENTER;
    task_t *self = rt__s.current;
    if (!self) return -EPERM;
    rt__point();
    if (ns <= 0) return 0;
    rt_timer_t t = {.fire = wake_sleeper, .data = self};
    int rc = rt__timer_start(&t, rt__clock() + ns);
    if (rc == 0) rt__park(TASK_SLEEP, RT_OBJ_TIMER, &t, NULL, NULL);
    return rc;
}

/* ---- user timers ---- */

static void fire_chan(rt_timer_t *t) {
    int64_t now = rt__clock();
    (void)chan__send_now(t->ch, &now);  /* full: a value is already waiting */
}

/* Go's ticker: the next deadline is the next multiple of the period. */
static void fire_ticker(rt_timer_t *t) {
    int64_t now = rt__clock();
    (void)chan__send_now(t->ch, &now);
    int64_t when = t->when + t->period * (1 + (now - t->when) / t->period);
    (void)rt__timer_start(t, when);     /* its heap slot was just freed */
}

/* The task runs where its timer's creator ran (a simulated host, or none). */
static void fire_func(rt_timer_t *t) {
    uint64_t id;
    if (task__spawn(t->fn, t->arg, &id, "timer", 0, "timer_after_func", "timer func") == 0)
        rt__s.by_id[id]->host = t->host;
}

static int timer_alloc(rt_timer_t **out) {
    if (!rt__s.active) return -EPERM;
    *out = calloc(1, sizeof **out);
    return *out ? 0 : -ENOMEM;
}

int timer_new(int64_t ns, rt_timer_t **out) {
    RT_ENTER;
    int rc = timer_alloc(out);
    if (rc) return rc;
    rc = chan_make(sizeof(int64_t), 1, &(*out)->ch);
    if (rc) {
        free(*out);
        return rc;
    }
    (*out)->fire = fire_chan;
    rc = rt__timer_start(*out, rt__clock() + ns);
    if (rc) timer_free(*out);
    return rc;
}

int ticker_new(int64_t period, rt_timer_t **out) {
    RT_ENTER;
    if (period <= 0) return -EINVAL;
    int rc = timer_new(period, out);
    if (rc == 0) {
        (*out)->fire = fire_ticker;
        (*out)->period = period;
    }
    return rc;
}

int ticker_reset(rt_timer_t *t, int64_t period) {
    RT_ENTER;
    if (!t || !t->period || period <= 0) return -EINVAL;
    if (!rt__s.active) return -EPERM;
    t->period = period;
    return rt__timer_start(t, rt__clock() + period);
}

chan_t *clock_after(int64_t ns) {
    RT_ENTER;
    rt_timer_t *t;
    if (timer_new(ns, &t)) return NULL;
    t->next = rt__s.afters;
    rt__s.afters = t;
    return t->ch;
}

void rt__afters_free(void) {
    for (rt_timer_t *t = rt__s.afters, *next; t; t = next) {
        next = t->next;
        chan_free(t->ch);
        free(t);
    }
    rt__s.afters = NULL;
}

int timer_after_func(int64_t ns, task_fn fn, void *arg, rt_timer_t **out) {
    RT_ENTER;
    if (!fn) return -EINVAL;
    int rc = timer_alloc(out);
    if (rc) return rc;
    (*out)->fire = fire_func;
    (*out)->host = rt__s.current ? rt__s.current->host : NULL;
    (*out)->fn = fn;
    (*out)->arg = arg;
    rc = rt__timer_start(*out, rt__clock() + ns);
    if (rc) timer_free(*out);
    return rc;
}

chan_t *timer_chan(const rt_timer_t *t) { return t ? t->ch : NULL; }

bool timer_stop(rt_timer_t *t) {
    RT_ENTER;
    return t && rt__timer_stop(t);
}

int timer_reset(rt_timer_t *t, int64_t ns) {
    RT_ENTER;
    if (!t) return -EINVAL;
    if (!rt__s.active) return -EPERM;
    bool active = t->slot != 0;
    int rc = rt__timer_start(t, rt__clock() + ns);
    return rc ? rc : active;
}

void timer_free(rt_timer_t *t) {
    RT_ENTER;
    if (!t) return;
    if (rt__s.active) rt__timer_stop(t);
    chan_free(t->ch);
    free(t);
}
