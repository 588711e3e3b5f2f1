/*
 * tasks_common.h — running a task-leak scenario: rt_run a main task that
 * sets the scenario up in a helper (so the helper's frame, like a returned
 * Go function's, is gone), lets virtual time pass until every task has
 * settled, then runs leak_tasks_check.
 *
 * What the test needs afterwards (channels to free, addresses to compare)
 * is kept in a world_t on the test's own stack, which is no root of the
 * task check: only tasks and globals are.
 *
 * Interface: world_t w = {.scenario = fn} → run_world(&w) → w.rc, w.rep →
 * world_cleanup(&w).
 */
#ifndef LEAK_TESTS_TASKS_COMMON_H
#define LEAK_TESTS_TASKS_COMMON_H

#include <undergo/runtime.h>

#include "common.h"

#define MAX_CHANS 8

typedef struct world {
    void (*scenario)(struct world *w);
    int rc;                      /* of leak_tasks_check */
    leak_task_report_t rep;
    chan_t *chans[MAX_CHANS];    /* freed by world_cleanup */
    size_t nchans;
    ctx_t *ctx;
    uintptr_t expect[4];         /* wait objects the test expects, masked */
} world_t;

/* A channel the world frees at the end. */
static inline chan_t *world_chan(world_t *w, size_t elem, size_t cap)
{
    chan_t *ch = NULL;
    assert_true(w->nchans < MAX_CHANS);
    assert_int_equal(0, chan_make(elem, cap, &ch));
    w->chans[w->nchans++] = ch;
    return ch;
}

static inline void world_main(void *arg)
{
    world_t *w = arg;
    w->scenario(w);
    clock_sleep(10 * CLOCK_S);   /* every timer due, every task settled */
    scrub_stack();
    w->rc = leak_tasks_check(&w->rep);
}

static inline void run_world(world_t *w)
{
    rt_config_t cfg = {.seed = ug_seed(), .wait_all = true};
    w->rc = -1;
    rt_run(&cfg, world_main, w);
}

static inline void world_cleanup(world_t *w)
{
    leak_task_report_free(&w->rep);
    for (size_t i = 0; i < w->nchans; i++)
        chan_free(w->chans[i]);
    ctx_free(w->ctx);
}

/* The leaked task running fn, or NULL. */
static inline const leak_task_t *leaked(const world_t *w, const char *fn)
{
    for (size_t i = 0; i < w->rep.ntasks; i++)
        if (strcmp(w->rep.tasks[i].fn, fn) == 0)
            return &w->rep.tasks[i];
    return NULL;
}

#endif
