/*
 * clock.h — time for tasks: a clock, sleeps and timers.
 *
 * With RT_CLOCK_VIRTUAL (the default) time advances by a tick (cfg.tick,
 * 1 µs) at every scheduling point and every clock_now, so time passes with
 * work and replays exactly; when all tasks are blocked it jumps to the next
 * timer, so an hour-long timeout takes no real time. Timers fire at the
 * first scheduling point at or after their deadline, in a fixed order
 * (deadline, then start order). RT_CLOCK_REAL follows CLOCK_MONOTONIC.
 * Times are nanoseconds since rt_run started.
 *
 * Interface: clock_now; clock_sleep; timer_new / ticker_new → timer_chan
 * (receive the fire time, an int64_t) / timer_stop / timer_reset /
 * ticker_reset → timer_free; timer_after_func spawns a task at the
 * deadline; clock_after is Go's time.After.
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

/* Nanoseconds since rt_run started (0 outside a run); then a tick passes.
 * Can't fail. */
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

/* Go's NewTicker: every period ns its channel (cap 1) receives the fire
 * time; ticks a slow receiver misses are dropped. Stop and free it with
 * timer_stop / timer_free. Returns 0, -EINVAL (period ≤ 0: Go panics),
 * -EPERM outside rt_run, -ENOMEM. */
int ticker_new(int64_t period, rt_timer_t **out);

/* Go's Ticker.Reset: the next tick is period from now, then every period.
 * Returns 0, -EINVAL (not a ticker, period ≤ 0), -EPERM, -ENOMEM. */
int ticker_reset(rt_timer_t *t, int64_t period);

/* Go's time.After: a channel that receives the fire time after ns. The
 * run owns it and frees it when the run ends. Returns NULL (a nil channel:
 * never ready) outside rt_run or without memory. */
chan_t *clock_after(int64_t ns);

/* The timer's channel (NULL for timer_after_func). Owned by the timer. */
chan_t *timer_chan(const rt_timer_t *t);

/* Stops t. Returns true if that prevented it from firing. */
bool timer_stop(rt_timer_t *t);

/* Restarts t to fire ns from now. Returns 1 if t was active (pending), 0
 * if it had fired or been stopped, as Go's Reset returns; -EINVAL for NULL,
 * -EPERM outside rt_run, -ENOMEM. */
int timer_reset(rt_timer_t *t, int64_t ns);

/* Stops and frees t and its channel. NULL is a no-op. */
void timer_free(rt_timer_t *t);

#endif
