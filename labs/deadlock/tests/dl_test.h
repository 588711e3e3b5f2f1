/*
 * dl_test.h — helpers shared by the deadlock lab's tests: a checker per test
 * (cmocka fixture) and report queries.
 *
 * Interface: dl_setup/dl_teardown as the group fixture; count_kind,
 * find_kind, run_tasks (rt_run with the checker's hooks, FIFO scheduling,
 * every task run to its end: tasks left blocked are the deadlocks to catch);
 * seeded_name, cycle_text, ids_text and assert_text_has turn what the spec
 * fixes into strings for value checks (a cycle in any rotation, ids in
 * ascending order, a line of the text).
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

/* Writes prefix and a seeded number into buf ("acct.417"): names and
 * sites of a test's locks, so its transcript changes with the seed. */
static inline const char *seeded_name(char *buf, size_t cap, const char *prefix) {
    snprintf(buf, cap, "%s%u", prefix, (unsigned)ug_rand_below(1000));
    return buf;
}

/* The n names as a cycle, "x -> y -> z", rotated to start at the least name:
 * equal for every rotation of one cycle, different for the other direction. */
static inline const char *cycle_of(const char *const *names, size_t n, char *buf, size_t cap) {
    size_t m = 0, len = 0;
    buf[0] = 0;
    for (size_t i = 1; i < n; i++)
        if (strcmp(names[i] ? names[i] : "", names[m] ? names[m] : "") < 0) m = i;
    for (size_t i = 0; i < n && len < cap; i++) {
        const char *s = names[(m + i) % n];
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? " -> " : "", s ? s : "?");
    }
    return buf;
}

/* Report r's classes (ORDER, SELF) as cycle_of writes them. */
static inline const char *cycle_text(const dl_report_t *r, char *buf, size_t cap) {
    return cycle_of(r->cls, r->n < DL_REPORT_MAX ? r->n : DL_REPORT_MAX, buf, cap);
}

/* Report r's ids (WAITFOR, ASLEEP, PARTIAL) as "2 3 5". */
static inline const char *ids_text(const dl_report_t *r, char *buf, size_t cap) {
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < r->n && i < DL_REPORT_MAX && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%llu", i ? " " : "",
                                (unsigned long long)r->ids[i]);
    return buf;
}

/* s if text contains it, else "(absent)". */
static inline const char *text_find(const char *text, const char *s) {
    return text && strstr(text, s) ? s : "(absent)";
}

/* Checks that report r's text contains s (recorded: s, or "(absent)"). */
#define assert_text_has(r, s) assert_string_equal((s), text_find((r)->text, (s)))

/* Runs main_fn under the runtime with d's hooks, FIFO scheduling (tasks run
 * in spawn order and switch only where they block or yield). */
static inline int run_tasks(dl_t *d, task_fn main_fn, void *arg) {
    rt_hooks_t hooks;
    assert_int_equal(0, dl_rt_hooks(d, &hooks));
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .wait_all = true, .hooks = &hooks};
    return rt_run(&cfg, main_fn, arg);
}

#endif
