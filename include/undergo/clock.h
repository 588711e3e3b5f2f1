/*
 * clock.h — time for tasks: a clock, sleeps and timers.
 *
 * With RT_CLOCK_VIRTUAL (the default) time stands still while any task can
 * run and jumps to the next timer when all are blocked, so an hour-long
 * timeout takes no real time and timers fire in a fixed order (deadline,
 * then start order). RT_CLOCK_REAL follows CLOCK_MONOTONIC. Times are
 * nanoseconds since rt_run started.
 *
 * Interface: clock_now; clock_sleep; timer_new → timer_chan (receive the
 * fire time, an int64_t) / timer_stop / timer_reset → timer_free;
 * timer_after_func spawns a task at the deadline.
 */
#ifndef UNDERGO_CLOCK_H
#define UNDERGO_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <undergo/chan.h>

#define CLOCK_US INT64_C(1000)
#define CLOCK_MS INT64_C(1000000)
#define CLOCK_S  INT64_C(1000000000)

typedef struct rt_timer rt_timer_t;

/* Nanoseconds since rt_run started (0 outside a run). Can't fail. */
int64_t clock_now(void);

/* Blocks the current task for ns (≤ 0: returns at once). Returns 0, or
 * -EPERM outside a task. */
int clock_sleep(int64_t ns);

/* Starts a one-shot timer: after ns, its channel (cap 1, int64_t elements)
 * receives the fire time. The caller owns *out (timer_free). Returns 0,
 * -EPERM outside rt_run, -ENOMEM. */
int timer_new(int64_t ns, rt_timer_t **out);

/* Starts a timer that spawns fn(arg) as a task after ns (Go's AfterFunc);
 * timer_chan is NULL. Caller owns *out. Returns 0, -EPERM, -ENOMEM. */
int timer_after_func(int64_t ns, task_fn fn, void *arg, rt_timer_t **out);

/* The timer's channel (NULL for timer_after_func). Owned by the timer. */
chan_t *timer_chan(const rt_timer_t *t);

/* Stops t. Returns true if that prevented it from firing. */
bool timer_stop(rt_timer_t *t);

/* Restarts t to fire ns from now. Returns 0, or -EPERM outside rt_run. */
int timer_reset(rt_timer_t *t, int64_t ns);

/* Stops and frees t and its channel. NULL is a no-op. */
void timer_free(rt_timer_t *t);

#endif
