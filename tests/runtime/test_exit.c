/*
 * test_exit.c — how a run ends, as a Go program does: main's return drops
 * every other task (wait_all keeps the old "run them all, report who is
 * left"), task_exit in main lets the others run and ends in Go's Goexit
 * deadlock, wait reasons read as Go 1.19 prints them, and each task keeps
 * its own last panic message.
 */
#include "rt_test.h"

typedef struct {
    chan_t *ch;
    int ran, after;
    const char *msg[3];
} exit_state_t;

static void count_later(void *p) {
    exit_state_t *s = p;
    task_yield();
    s->ran++;
}

static void block_forever(void *p) { chan_recv(((exit_state_t *)p)->ch, NULL, NULL); }

static void spawn_and_return(void *p) {
    exit_state_t *s = p;
    chan_make(0, 0, &s->ch);
    int n = 1 + (int)ug_rand_below(8);
    for (int i = 0; i < n; i++) {
        task_spawn(count_later, s, NULL);
        task_spawn(block_forever, s, NULL);
    }
}

static void test_main_returning_ends_the_run_and_drops_the_others(void **state) {
    (void)state;
    exit_state_t s = {0};
    assert_int_equal(0, run_fifo(spawn_and_return, &s));
    assert_int_equal(0, s.ran);
    assert_null(rt_report());
    assert_int_equal(0, chan_close(s.ch));   /* no stale waiter left on it */
    chan_free(s.ch);
}

static void test_wait_all_runs_every_task_and_reports_the_blocked_ones(void **state) {
    (void)state;
    exit_state_t s = {0};
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .wait_all = true};
    assert_int_equal(-EDEADLK, rt_run(&cfg, spawn_and_return, &s));
    assert_true(s.ran >= 1);
    assert_non_null(strstr(rt_report(), "[chan receive]"));
    chan_free(s.ch);
}

static void finish_later(void *p) {
    exit_state_t *s = p;
    clock_sleep(CLOCK_MS);
    s->ran++;
}

static void goexit_main(void *p) {
    exit_state_t *s = p;
    task_spawn(finish_later, s, NULL);
    task_exit();
    s->after = 1;
}

static void test_task_exit_in_main_runs_the_rest_then_reports_goexit(void **state) {
    (void)state;
    exit_state_t s = {0};
    assert_int_equal(-EDEADLK, run_seeded(goexit_main, &s));
    assert_int_equal(1, s.ran);
    assert_int_equal(0, s.after);
    assert_string_equal("fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n",
                        rt_report());
}

static void nil_send(void *p) { (void)p; chan_send(NULL, NULL); }
static void lock_twice(void *p) {
    static mutex_t mu;
    (void)p;
    mutex_lock(&mu);
    mutex_lock(&mu);
}

static void reasons_main(void *p) {
    (void)p;
    task_spawn(nil_send, NULL, NULL);
    task_spawn(lock_twice, NULL, NULL);
    chan_select(NULL, 0, false);
}

static void test_deadlock_report_uses_go_1_19_wait_reasons(void **state) {
    (void)state;
    assert_int_equal(-EDEADLK, run_seeded(reasons_main, NULL));
    const char *r = rt_report();
    assert_non_null(strstr(r, "goroutine 1 [select (no cases)]:"));
    assert_non_null(strstr(r, "goroutine 2 [chan send (nil chan)]:"));
    assert_non_null(strstr(r, "goroutine 3 [semacquire]:"));
    assert_string_equal("semacquire", task_state_name(TASK_WAITGROUP));
    assert_string_equal("sync.Cond.Wait", task_state_name(TASK_COND));
}

static void panic_then_record(void *p) {
    exit_state_t *s = p;
    int slot = (int)task_self() - 2;
    chan_t *ch;
    chan_make(0, 0, &ch);
    if (slot == 0) chan_close(NULL);
    if (slot == 1) {
        chan_close(ch);
        chan_close(ch);
    }
    task_yield();
    s->msg[slot] = rt_panic_message();
    chan_free(ch);
}

static void panics_main(void *p) {
    uint64_t ids[3];
    for (int i = 0; i < 3; i++) task_spawn(panic_then_record, p, &ids[i]);
    for (int i = 0; i < 3; i++) task_join(ids[i]);
}

static void test_each_task_sees_its_own_last_panic(void **state) {
    (void)state;
    exit_state_t s = {0};
    assert_int_equal(0, run_seeded(panics_main, &s));
    assert_string_equal("close of nil channel", s.msg[0]);
    assert_string_equal("close of closed channel", s.msg[1]);
    assert_null(s.msg[2]);
}

UG_TEST_GROUP(exit_rules, NULL, NULL,
    cmocka_unit_test(test_main_returning_ends_the_run_and_drops_the_others),
    cmocka_unit_test(test_wait_all_runs_every_task_and_reports_the_blocked_ones),
    cmocka_unit_test(test_task_exit_in_main_runs_the_rest_then_reports_goexit),
    cmocka_unit_test(test_deadlock_report_uses_go_1_19_wait_reasons),
    cmocka_unit_test(test_each_task_sees_its_own_last_panic));
