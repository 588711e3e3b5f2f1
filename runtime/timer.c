/*
 * timer.c — the clock, the timer heap, sleeps and user timers.
 *
 * Pending timers sit in a binary min-heap ordered by (deadline, start
 * order), so equal deadlines fire first-started first and a run replays
 * exactly. Timers fire on the scheduler's stack, between tasks: a callback
 * may ready tasks, send without blocking or close channels, never block.
 * The virtual clock moves only in rt__timers_advance, when no task can run.
 *
 * Interface: rt__timer_start / rt__timer_stop (runtime) and timer_new /
 * timer_after_func → timer_stop / timer_reset → timer_free (users);
 * the scheduler calls rt__timers_advance when idle.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include "rt.h"

/* ---- clock ---- */

static int64_t real_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec - rt__s.real_base;
}

int64_t clock_now(void) {
    if (!rt__s.active) return 0;
    return rt__s.cfg.clock == RT_CLOCK_REAL ? real_now() : rt__s.now;
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
    return true;
}

void rt__timers_fire_due(void) {
    int64_t now = clock_now();
    while (rt__s.heap_len && rt__s.heap[0]->when <= now) {
        rt_timer_t *t = rt__s.heap[0];
        rt__timer_stop(t);
        t->fire(t);
    }
}

/* Nothing can run: move the clock to the next deadline and fire. */
void rt__timers_advance(void) {
    int64_t when = rt__s.heap[0]->when;
    if (rt__s.cfg.clock == RT_CLOCK_VIRTUAL) {
        if (when > rt__s.now) rt__s.now = when;
    } else {
        int64_t wait = when - real_now();
        if (wait > 0) {
            struct timespec ts = {wait / 1000000000, wait % 1000000000};
            nanosleep(&ts, NULL);
        }
    }
    rt__timers_fire_due();
}

/* End of a run: timers still pending are simply forgotten. */
void rt__timers_clear(void) {
    for (size_t i = 0; i < rt__s.heap_len; i++) rt__s.heap[i]->slot = 0;
    rt__s.heap_len = 0;
}

/* ---- sleep ---- */

static void wake_sleeper(rt_timer_t *t) { rt__ready(t->data); }

int clock_sleep(int64_t ns) {
    task_t *self = rt__s.current;
    if (!self) return -EPERM;
    if (ns <= 0) return 0;
    rt_timer_t t = {.fire = wake_sleeper, .data = self};
    int rc = rt__timer_start(&t, clock_now() + ns);
    if (rc == 0) rt__park(TASK_SLEEP, RT_OBJ_TIMER, &t, NULL, NULL);
    return rc;
}

/* ---- user timers ---- */

static void fire_chan(rt_timer_t *t) {
    int64_t now = clock_now();
    (void)chan_try_send(t->ch, &now);   /* full: a value is already waiting */
}

static void fire_func(rt_timer_t *t) {
    (void)task__spawn(t->fn, t->arg, NULL, "timer", 0, "timer_after_func", "timer func");
}

static int timer_alloc(rt_timer_t **out) {
    if (!rt__s.active) return -EPERM;
    *out = calloc(1, sizeof **out);
    return *out ? 0 : -ENOMEM;
}

int timer_new(int64_t ns, rt_timer_t **out) {
    int rc = timer_alloc(out);
    if (rc) return rc;
    rc = chan_make(sizeof(int64_t), 1, &(*out)->ch);
    if (rc) {
        free(*out);
        return rc;
    }
    (*out)->fire = fire_chan;
    rc = rt__timer_start(*out, clock_now() + ns);
    if (rc) timer_free(*out);
    return rc;
}

int timer_after_func(int64_t ns, task_fn fn, void *arg, rt_timer_t **out) {
    if (!fn) return -EINVAL;
    int rc = timer_alloc(out);
    if (rc) return rc;
    (*out)->fire = fire_func;
    (*out)->fn = fn;
    (*out)->arg = arg;
    rc = rt__timer_start(*out, clock_now() + ns);
    if (rc) timer_free(*out);
    return rc;
}

chan_t *timer_chan(const rt_timer_t *t) { return t ? t->ch : NULL; }

bool timer_stop(rt_timer_t *t) { return t && rt__timer_stop(t); }

int timer_reset(rt_timer_t *t, int64_t ns) {
    if (!t) return -EINVAL;
    if (!rt__s.active) return -EPERM;
    return rt__timer_start(t, clock_now() + ns);
}

void timer_free(rt_timer_t *t) {
    if (!t) return;
    if (rt__s.active) rt__timer_stop(t);
    chan_free(t->ch);
    free(t);
}
