/*
 * dl_test.h — helpers shared by the deadlock lab's tests: a checker per test
 * (cmocka fixture) and report queries.
 *
 * Interface: dl_setup/dl_teardown as the group fixture; count_kind,
 * find_kind, run_tasks (rt_run with the checker's hooks, FIFO scheduling,
 * every task run to its end: tasks left blocked are the deadlocks to catch).
 */
#ifndef DL_TEST_H
#define DL_TEST_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <undergo/labtest.h>
#include "deadlock.h"

static inline int dl_setup(void **state) {
    dl_t *d = NULL;
    int rc = dl_new(0, &d);
    *state = d;
    return rc == 0 && d ? 0 : -1;
}

static inline int dl_teardown(void **state) {
    dl_free(*state);
    return 0;
}

/* Number of reports of kind k. */
static inline size_t count_kind(const dl_t *d, dl_kind_t k) {
    size_t n = 0;
    dl_report_t r;
    for (size_t i = 0; dl_report_get(d, i, &r) == 0; i++) n += r.kind == k;
    return n;
}

/* The first report of kind k into *out; fails the test if there is none. */
static inline void find_kind(const dl_t *d, dl_kind_t k, dl_report_t *out) {
    for (size_t i = 0; dl_report_get(d, i, out) == 0; i++)
        if (out->kind == k) return;
    fail_msg("expected a report of kind %d, found none among %zu", (int)k, dl_report_count(d));
}

/* Asserts that report r's text contains s. */
#define assert_text_has(r, s)                                                   \
    do {                                                                        \
        if (!strstr((r)->text, (s)))                                            \
            fail_msg("report lacks \"%s\":\n%s", (s), (r)->text);              \
    } while (0)

/* Runs main_fn under the runtime with d's hooks, FIFO scheduling (tasks run
 * in spawn order and switch only where they block or yield). */
static inline int run_tasks(dl_t *d, task_fn main_fn, void *arg) {
    rt_hooks_t hooks;
    assert_int_equal(0, dl_rt_hooks(d, &hooks));
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .wait_all = true, .hooks = &hooks};
    return rt_run(&cfg, main_fn, arg);
}

#endif
