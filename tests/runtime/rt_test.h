/*
 * rt_test.h — helpers shared by the runtime's tests.
 *
 * Interface: RUN(mode, body, state) runs body(state) as the main task under
 * a seeded configuration and returns rt_run's result; a trace records the
 * order of events for replay tests.
 */
#ifndef UNDERGO_TESTS_RT_TEST_H
#define UNDERGO_TESTS_RT_TEST_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/labtest.h>
#include <undergo/runtime.h>

/* The default run: seeded random scheduling, virtual clock. */
static inline int run_seeded(task_fn body, void *state) {
    rt_config_t cfg = {.sched = RT_SCHED_RANDOM, .seed = ug_seed()};
    return rt_run(&cfg, body, state);
}

/* Seeded, with time standing still while tasks run (RT_TICK_NONE): for
 * tests of exact timer arithmetic. */
static inline int run_still(task_fn body, void *state) {
    rt_config_t cfg = {.sched = RT_SCHED_RANDOM, .seed = ug_seed(), .tick = RT_TICK_NONE};
    return rt_run(&cfg, body, state);
}

static inline int run_fifo(task_fn body, void *state) {
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .seed = ug_seed()};
    return rt_run(&cfg, body, state);
}

/* Yields until task id is blocked in state s (it has queued itself). */
static inline void wait_blocked(uint64_t id, task_state_t s) {
    task_info_t ti;
    for (int i = 0; i < 1000; i++) {
        if (task_lookup(id, &ti) == 0 && ti.state == s) return;
        task_yield();
    }
    fail_msg("task %llu never reached state %s", (unsigned long long)id, task_state_name(s));
}

/* An append-only log of small integers. */
typedef struct trace {
    int ev[4096];
    size_t n;
} trace_t;

static inline void trace_add(trace_t *t, int v) {
    if (t->n < sizeof t->ev / sizeof t->ev[0]) t->ev[t->n++] = v;
}

static inline bool trace_equal(const trace_t *a, const trace_t *b) {
    return a->n == b->n && memcmp(a->ev, b->ev, a->n * sizeof a->ev[0]) == 0;
}

#endif
