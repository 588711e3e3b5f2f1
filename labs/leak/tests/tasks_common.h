/*
 * tasks_common.h — running a task-leak scenario: rt_run a main task that
 * sets the scenario up in a helper (so the helper's frame, like a returned
 * Go function's, is gone), lets virtual time pass until every task has
 * settled, then runs leak_tasks_check.
 *
 * What the test needs afterwards (channels to free, addresses to compare)
 * is kept in a world_t on the test's own stack, which is no root of the
 * task check: only tasks and globals are. The scenario's seeded plan (how
 * many of each shape, in which order) is the test's, in w.plan.
 *
 * The report is checked for what the rule fixes, never for ids or
 * addresses as values: counts of leaked tasks by function and state, and
 * the report's signature — one character per leaked task in id order (the
 * order the scenario spawned them): the letter of the expected wait object
 * it waits on (world_expect numbers them a, b, c, ...), else its state
 * (R receive, S send, X select, M mutex, W WaitGroup, ? other).
 *
 * Interface: world_t w = {.scenario = fn, .plan = &p} → run_world(&w) →
 * w.rc, count_leaked / leaked_signature → world_cleanup(&w).
 */
#ifndef LEAK_TESTS_TASKS_COMMON_H
#define LEAK_TESTS_TASKS_COMMON_H

#include <undergo/runtime.h>

#include "common.h"

#define MAX_CHANS 32

typedef struct world {
    void (*scenario)(struct world *w);
    const void *plan;            /* the scenario's seeded plan, the test's */
    int rc;                      /* of leak_tasks_check */
    leak_task_report_t rep;
    chan_t *chans[MAX_CHANS];    /* freed by world_cleanup */
    size_t nchans;
    ctx_t *ctxs[MAX_CHANS]; /* freed by world_cleanup */
    size_t nctxs;
    uintptr_t expect[MAX_CHANS]; /* wait objects the test names, masked */
    size_t nexpect;
} world_t;

/* The letter of expected object k in a signature. */
static inline char expect_letter(size_t k)
{
    return "abcdefghijklmnopqrstuvwxyz012345"[k % MAX_CHANS];
}

/* A channel the world frees at the end. */
static inline chan_t *world_chan(world_t *w, size_t elem, size_t cap)
{
    chan_t *ch = NULL;
    assert_true(w->nchans < MAX_CHANS);
    assert_int_equal(0, chan_make(elem, cap, &ch));
    w->chans[w->nchans++] = ch;
    return ch;
}

/* Names obj as the next expected wait object (letter a, b, c, ...). */
static inline void world_expect(world_t *w, const void *obj)
{
    assert_true(w->nexpect < MAX_CHANS);
    w->expect[w->nexpect++] = (uintptr_t)obj ^ MASK;
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
    for (size_t i = 0; i < w->nctxs; i++)
        ctx_free(w->ctxs[i]);
}

/* How many leaked tasks run fn in state. */
static inline size_t count_leaked(const world_t *w, const char *fn, task_state_t state)
{
    size_t n = 0;
    for (size_t i = 0; i < w->rep.ntasks; i++)
        n += strcmp(w->rep.tasks[i].fn, fn) == 0 && w->rep.tasks[i].state == state;
    return n;
}

/* How many leaked tasks were spawned by function creator. */
static inline size_t count_created_by(const world_t *w, const char *creator)
{
    size_t n = 0;
    for (size_t i = 0; i < w->rep.ntasks; i++)
        n += strcmp(w->rep.tasks[i].creator, creator) == 0;
    return n;
}

/* How many leaked tasks wait on obj (NULL: a nil channel). */
static inline size_t count_waiting_on(const world_t *w, const void *obj)
{
    size_t n = 0;
    for (size_t i = 0; i < w->rep.ntasks; i++)
        n += w->rep.tasks[i].wait_obj == obj;
    return n;
}

/* The signature character of a leaked task (see the file's comment). */
static inline char signature_of(const world_t *w, const leak_task_t *t)
{
    for (size_t k = 0; t->wait_obj && k < w->nexpect; k++)
        if (t->wait_obj == (const void *)(w->expect[k] ^ MASK))
            return expect_letter(k);
    switch (t->state) {
    case TASK_RECV: return 'R';
    case TASK_SEND: return 'S';
    case TASK_SELECT: return 'X';
    case TASK_MUTEX: return 'M';
    case TASK_WAITGROUP: return 'W';
    default: return '?';
    }
}

/* The report's signature, in buf (at most 63 tasks shown). */
static inline const char *leaked_signature(const world_t *w, char buf[static 64])
{
    size_t n = 0;
    for (size_t i = 0; i < w->rep.ntasks && n < 63; i++)
        buf[n++] = signature_of(w, &w->rep.tasks[i]);
    buf[n] = '\0';
    return buf;
}

/* Appends c to the expected signature in buf (of 64). */
static inline void sig_add(char buf[static 64], char c)
{
    size_t n = strlen(buf);
    if (n < 63) {
        buf[n] = c;
        buf[n + 1] = '\0';
    }
}

/* A seeded mask of n bits (n ≤ 16) with at least one bit set and, when
 * n > 1, at least one clear: every seed has both kinds. */
static inline unsigned seeded_mask(size_t n)
{
    unsigned all = (1u << n) - 1;
    return n > 1 ? 1 + (unsigned)ug_rand_below(all - 1) : 1;
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
