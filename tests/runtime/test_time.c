/*
 * test_time.c — the virtual clock, timers, tickers, sleeps, and cancel
 * trees with values. Time passing with work: test_preempt.c.
 */
#include "rt_test.h"

typedef struct {
    trace_t tr;
    int64_t t[8];
    int rc[8];
    ctx_t *c[4];
} time_state_t;

static void hour_body(void *p) {
    time_state_t *s = p;
    s->t[0] = clock_now();
    s->rc[0] = clock_sleep(3600 * CLOCK_S);
    s->t[1] = clock_now();
}

static void test_an_hour_of_sleep_passes_at_once_on_the_virtual_clock(void **state) {
    (void)state;
    time_state_t s = {0};
    assert_int_equal(0, run_still(hour_body, &s));
    assert_int_equal(0, s.rc[0]);
    assert_int_equal(0, s.t[0]);
    assert_int_equal(3600 * CLOCK_S, s.t[1]);
}

typedef struct {
    time_state_t *s;
    int64_t ns;
    int tag;
} sleeper_t;

static void sleeper(void *p) {
    sleeper_t *a = p;
    clock_sleep(a->ns);
    trace_add(&a->s->tr, a->tag);
    assert_int_equal(a->ns, clock_now());
}

static void order_body(void *p) {
    time_state_t *s = p;
    /* Deadlines out of spawn order, two of them equal. */
    static const int64_t ns[] = {50, 10, 30, 10, 20};
    sleeper_t a[5];
    for (int i = 0; i < 5; i++) {
        a[i] = (sleeper_t){s, ns[i] * CLOCK_MS, i};
        task_spawn(sleeper, &a[i], NULL);
    }
    wait_blocked(2, TASK_SLEEP);
    clock_sleep(CLOCK_S);
}

static void test_sleepers_wake_in_deadline_order(void **state) {
    (void)state;
    time_state_t s = {0};
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .tick = RT_TICK_NONE};
    assert_int_equal(0, rt_run(&cfg, order_body, &s));
    static const int want[] = {1, 3, 4, 2, 0};
    assert_int_equal(5, s.tr.n);
    for (int i = 0; i < 5; i++) assert_int_equal(want[i], s.tr.ev[i]);
}

static void timers_body(void *p) {
    time_state_t *s = p;
    rt_timer_t *t[4];
    static const int64_t ns[] = {40, 10, 10, 25};
    for (int i = 0; i < 4; i++) assert_int_equal(0, timer_new(ns[i] * CLOCK_MS, &t[i]));
    assert_true(timer_stop(t[3]));
    assert_false(timer_stop(t[3]));
    for (int k = 0; k < 3; k++) {
        int64_t when = 0;
        chan_case_t c[3];
        for (int i = 0; i < 3; i++) c[i] = (chan_case_t){timer_chan(t[i]), CHAN_RECV, &when, false};
        int i = chan_select(c, 3, false);
        trace_add(&s->tr, i);
        s->t[k] = when;
    }
    assert_int_equal(-EAGAIN, chan_try_recv(timer_chan(t[3]), NULL, NULL));
    for (int i = 0; i < 4; i++) timer_free(t[i]);
}

static void test_timers_fire_by_deadline_and_a_stopped_timer_never_fires(void **state) {
    (void)state;
    time_state_t s = {0};
    assert_int_equal(0, run_seeded(timers_body, &s));
    assert_int_equal(3, s.tr.n);
    assert_int_equal(40 * CLOCK_MS, s.t[2]);
    assert_int_equal(0, s.tr.ev[2]);
    assert_int_equal(10 * CLOCK_MS, s.t[0]);
    assert_int_equal(10 * CLOCK_MS, s.t[1]);
}

static void reset_body(void *p) {
    time_state_t *s = p;
    rt_timer_t *t;
    timer_new(10 * CLOCK_MS, &t);
    clock_sleep(5 * CLOCK_MS);
    timer_reset(t, 100 * CLOCK_MS);
    chan_recv(timer_chan(t), &s->t[0], NULL);
    timer_free(t);
}

static void test_timer_reset_moves_the_deadline(void **state) {
    (void)state;
    time_state_t s = {0};
    assert_int_equal(0, run_still(reset_body, &s));
    assert_int_equal(105 * CLOCK_MS, s.t[0]);
}

static void later(void *p) {
    time_state_t *s = p;
    s->t[0] = clock_now();
}

static void after_func_body(void *p) {
    time_state_t *s = p;
    rt_timer_t *t;
    timer_after_func(7 * CLOCK_S, later, s, &t);
    assert_null(timer_chan(t));
    clock_sleep(10 * CLOCK_S);
    timer_free(t);
}

static void test_after_func_runs_its_function_as_a_task_at_the_deadline(void **state) {
    (void)state;
    time_state_t s = {0};
    assert_int_equal(0, run_seeded(after_func_body, &s));
    assert_int_equal(7 * CLOCK_S, s.t[0]);
}

static void wait_done(void *p) {
    ctx_t *c = p;
    chan_recv(ctx_done(c), NULL, NULL);
}

static void cancel_tree_body(void *p) {
    time_state_t *s = p;
    ctx_t *root, *a, *b, *a1;
    ctx_with_cancel(ctx_background(), &root);
    ctx_with_cancel(root, &a);
    ctx_with_cancel(root, &b);
    ctx_with_cancel(a, &a1);
    uint64_t w;
    task_spawn(wait_done, a1, &w);
    wait_blocked(w, TASK_RECV);
    ctx_cancel(a);
    task_join(w);
    s->rc[0] = ctx_err(root);
    s->rc[1] = ctx_err(a);
    s->rc[2] = ctx_err(b);
    s->rc[3] = ctx_err(a1);
    s->rc[4] = chan_closed(ctx_done(a1));
    ctx_free(a);                 /* parent first: a1 stays valid */
    s->rc[5] = ctx_err(a1);
    ctx_free(a1);
    ctx_free(b);                 /* child first */
    ctx_free(root);
}

static void test_cancel_reaches_descendants_but_not_parent_or_siblings(void **state) {
    (void)state;
    time_state_t s = {0};
    assert_int_equal(0, run_seeded(cancel_tree_body, &s));
    assert_int_equal(0, s.rc[0]);
    assert_int_equal(-ECANCELED, s.rc[1]);
    assert_int_equal(0, s.rc[2]);
    assert_int_equal(-ECANCELED, s.rc[3]);
    assert_int_equal(1, s.rc[4]);
    assert_int_equal(-ECANCELED, s.rc[5]);
}

static void timeout_body(void *p) {
    time_state_t *s = p;
    ctx_t *parent, *child, *late;
    ctx_with_timeout(ctx_background(), 30 * CLOCK_S, &parent);
    ctx_with_cancel(parent, &child);
    ctx_with_timeout(parent, 3600 * CLOCK_S, &late);
    ctx_deadline(late, &s->t[1]);    /* capped by the parent's */
    chan_t *never;
    chan_make(0, 0, &never);
    chan_case_t c[2] = {{never, CHAN_RECV, NULL, false}, {ctx_done(child), CHAN_RECV, NULL, false}};
    s->rc[0] = chan_select(c, 2, false);
    s->t[0] = clock_now();
    s->rc[1] = ctx_err(child);
    s->rc[2] = ctx_err(parent);
    s->rc[3] = ctx_err(late);
    chan_free(never);
    ctx_free(late);
    ctx_free(child);
    ctx_free(parent);
}

static void test_timeout_cancels_the_subtree_with_deadline_exceeded(void **state) {
    (void)state;
    time_state_t s = {0};
    assert_int_equal(0, run_seeded(timeout_body, &s));
    assert_int_equal(1, s.rc[0]);
    assert_int_equal(30 * CLOCK_S, s.t[0]);
    assert_int_equal(30 * CLOCK_S, s.t[1]);
    assert_int_equal(-ETIMEDOUT, s.rc[1]);
    assert_int_equal(-ETIMEDOUT, s.rc[2]);
    assert_int_equal(-ETIMEDOUT, s.rc[3]);
}

static void canceled_parent_body(void *p) {
    time_state_t *s = p;
    ctx_t *parent, *child, *past;
    ctx_with_cancel(ctx_background(), &parent);
    ctx_cancel(parent);
    ctx_with_cancel(parent, &child);
    s->rc[0] = ctx_err(child);
    s->rc[1] = chan_closed(ctx_done(child));
    ctx_with_timeout(ctx_background(), 0, &past);
    s->rc[2] = ctx_err(past);
    s->rc[3] = ctx_deadline(ctx_background(), NULL);
    s->rc[4] = ctx_done(ctx_background()) == NULL;
    ctx_free(past);
    ctx_free(child);
    ctx_free(parent);
}

static void test_child_of_a_canceled_parent_starts_canceled(void **state) {
    (void)state;
    time_state_t s = {0};
    assert_int_equal(0, run_seeded(canceled_parent_body, &s));
    assert_int_equal(-ECANCELED, s.rc[0]);
    assert_int_equal(1, s.rc[1]);
    assert_int_equal(-ETIMEDOUT, s.rc[2]);
    assert_int_equal(-ENOENT, s.rc[3]);
    assert_int_equal(1, s.rc[4]);
}

static void stopped_timer_body(void *p) {
    time_state_t *s = p;
    ctx_t *c;
    ctx_with_timeout(ctx_background(), 5 * CLOCK_S, &c);
    ctx_cancel(c);               /* stops its timer: the clock must not move */
    chan_recv(ctx_done(c), NULL, NULL);
    s->t[0] = clock_now();
    s->rc[0] = ctx_err(c);
    ctx_free(c);
}

static void test_cancel_before_the_deadline_reports_canceled(void **state) {
    (void)state;
    time_state_t s = {0};
    assert_int_equal(0, run_still(stopped_timer_body, &s));
    assert_int_equal(0, s.t[0]);
    assert_int_equal(-ECANCELED, s.rc[0]);
}

static void real_body(void *p) {
    time_state_t *s = p;
    s->t[0] = clock_now();
    clock_sleep(2 * CLOCK_MS);
    s->t[1] = clock_now();
}

static void test_real_clock_sleep_lasts_at_least_its_duration(void **state) {
    (void)state;
    time_state_t s = {0};
    rt_config_t cfg = {.clock = RT_CLOCK_REAL, .seed = ug_seed()};
    assert_int_equal(0, rt_run(&cfg, real_body, &s));
    assert_true(s.t[1] - s.t[0] >= 2 * CLOCK_MS);
}

static void spin_until_fired(void *p) {
    time_state_t *s = p;
    rt_timer_t *t;
    timer_new(CLOCK_MS, &t);
    /* Never blocks: the timer must fire while tasks stay runnable. */
    while (chan_try_recv(timer_chan(t), &s->t[0], NULL) == -EAGAIN) {
        task_yield();
        s->rc[0]++;
    }
    timer_free(t);
}

static void busy_partner(void *p) {
    time_state_t *s = p;
    while (s->t[0] == 0) task_yield();
}

static void real_busy_body(void *p) {
    task_spawn(spin_until_fired, p, NULL);
    task_spawn(busy_partner, p, NULL);
}

static void test_real_clock_fires_timers_while_tasks_keep_running(void **state) {
    (void)state;
    time_state_t s = {0};
    rt_config_t cfg = {.clock = RT_CLOCK_REAL, .sched = RT_SCHED_FIFO, .wait_all = true};
    assert_int_equal(0, rt_run(&cfg, real_busy_body, &s));
    assert_true(s.t[0] >= CLOCK_MS);
    assert_true(s.rc[0] > 0);
}

static void test_time_calls_outside_a_run_are_refused(void **state) {
    (void)state;
    rt_timer_t *t;
    ctx_t *c;
    assert_int_equal(0, clock_now());
    assert_int_equal(-EPERM, clock_sleep(1));
    assert_int_equal(-EPERM, timer_new(1, &t));
    assert_int_equal(-EPERM, ctx_with_timeout(ctx_background(), 1, &c));
}

static void reset_result_body(void *p) {
    time_state_t *s = p;
    rt_timer_t *t;
    timer_new(10 * CLOCK_MS, &t);
    s->rc[0] = timer_reset(t, 20 * CLOCK_MS);     /* pending */
    chan_recv(timer_chan(t), &s->t[0], NULL);
    s->rc[1] = timer_reset(t, 5 * CLOCK_MS);      /* fired */
    timer_stop(t);
    s->rc[2] = timer_reset(t, 5 * CLOCK_MS);      /* stopped */
    timer_free(t);
}

static void test_timer_reset_returns_whether_the_timer_was_active(void **state) {
    (void)state;
    time_state_t s = {0};
    assert_int_equal(0, run_still(reset_result_body, &s));
    assert_int_equal(1, s.rc[0]);
    assert_int_equal(20 * CLOCK_MS, s.t[0]);
    assert_int_equal(0, s.rc[1]);
    assert_int_equal(0, s.rc[2]);
    assert_int_equal(-EINVAL, timer_reset(NULL, 1));
}

static void ticker_body(void *p) {
    time_state_t *s = p;
    int64_t period = (1 + (int64_t)ug_rand_below(9)) * CLOCK_MS;
    rt_timer_t *t;
    ticker_new(period, &t);
    for (int i = 0; i < 3; i++) chan_recv(timer_chan(t), &s->t[i], NULL);
    clock_sleep(5 * period + period / 2);     /* misses ticks: one waits */
    s->rc[0] = (int)chan_len(timer_chan(t));
    chan_recv(timer_chan(t), &s->t[3], NULL);
    chan_recv(timer_chan(t), &s->t[4], NULL);  /* the next one on the grid */
    s->t[5] = period;
    s->rc[1] = ticker_new(0, &(rt_timer_t *){NULL});
    s->rc[2] = ticker_reset(t, 2 * period);
    s->t[6] = clock_now();
    chan_recv(timer_chan(t), &s->t[7], NULL);
    timer_free(t);
}

static void test_ticker_ticks_on_its_grid_and_drops_missed_ticks(void **state) {
    (void)state;
    time_state_t s = {0};
    assert_int_equal(0, run_still(ticker_body, &s));
    int64_t p = s.t[5];
    assert_int_equal(p, s.t[0]);
    assert_int_equal(2 * p, s.t[1]);
    assert_int_equal(3 * p, s.t[2]);
    assert_int_equal(1, s.rc[0]);
    assert_int_equal(4 * p, s.t[3]);           /* the first missed tick, kept */
    assert_int_equal(9 * p, s.t[4]);           /* 5..8 dropped */
    assert_int_equal(-EINVAL, s.rc[1]);
    assert_int_equal(0, s.rc[2]);
    assert_int_equal(s.t[6] + 2 * p, s.t[7]);
}

static void after_body(void *p) {
    time_state_t *s = p;
    chan_t *never;
    chan_make(0, 0, &never);
    chan_case_t c[2] = {{never, CHAN_RECV, NULL, false}, {clock_after(7 * CLOCK_MS), CHAN_RECV, &s->t[0], false}};
    s->rc[0] = chan_select(c, 2, false);
    for (int i = 0; i < 100; i++) (void)clock_after(CLOCK_S);   /* freed with the run */
    chan_free(never);
}

static void test_clock_after_is_a_timeout_channel_the_run_owns(void **state) {
    (void)state;
    time_state_t s = {0};
    assert_int_equal(0, run_still(after_body, &s));
    assert_int_equal(1, s.rc[0]);
    assert_int_equal(7 * CLOCK_MS, s.t[0]);
    assert_null(clock_after(1));               /* outside a run */
}

static void values_body(void *p) {
    time_state_t *s = p;
    static const char k1, k2, k3;
    ctx_t *a, *b, *c;
    ctx_with_value(ctx_background(), &k1, "one", &a);
    ctx_with_value(a, &k2, "two", &b);
    ctx_with_cancel(b, &c);
    s->rc[0] = !strcmp("one", ctx_value(c, &k1));
    s->rc[1] = !strcmp("two", ctx_value(c, &k2));
    s->rc[2] = ctx_value(c, &k3) == NULL && ctx_value(a, &k2) == NULL;
    ctx_cancel(b);                             /* a value context has no cancel */
    s->rc[3] = ctx_err(b);
    ctx_cancel(a);
    s->rc[4] = ctx_err(c);
    s->rc[5] = ctx_with_value(a, NULL, NULL, &(ctx_t *){NULL});
    ctx_free(c);
    ctx_free(b);
    ctx_free(a);
}

static void test_context_values_are_found_through_the_parents(void **state) {
    (void)state;
    time_state_t s = {0};
    assert_int_equal(0, run_seeded(values_body, &s));
    assert_int_equal(1, s.rc[0]);
    assert_int_equal(1, s.rc[1]);
    assert_int_equal(1, s.rc[2]);
    assert_int_equal(0, s.rc[3]);
    assert_int_equal(0, s.rc[4]);
    assert_int_equal(-EINVAL, s.rc[5]);
}

UG_TEST_GROUP(time_rules, NULL, NULL,
    cmocka_unit_test(test_an_hour_of_sleep_passes_at_once_on_the_virtual_clock),
    cmocka_unit_test(test_sleepers_wake_in_deadline_order),
    cmocka_unit_test(test_timers_fire_by_deadline_and_a_stopped_timer_never_fires),
    cmocka_unit_test(test_timer_reset_moves_the_deadline),
    cmocka_unit_test(test_after_func_runs_its_function_as_a_task_at_the_deadline),
    cmocka_unit_test(test_cancel_reaches_descendants_but_not_parent_or_siblings),
    cmocka_unit_test(test_timeout_cancels_the_subtree_with_deadline_exceeded),
    cmocka_unit_test(test_child_of_a_canceled_parent_starts_canceled),
    cmocka_unit_test(test_cancel_before_the_deadline_reports_canceled),
    cmocka_unit_test(test_real_clock_sleep_lasts_at_least_its_duration),
    cmocka_unit_test(test_real_clock_fires_timers_while_tasks_keep_running),
    cmocka_unit_test(test_time_calls_outside_a_run_are_refused),
    cmocka_unit_test(test_timer_reset_returns_whether_the_timer_was_active),
    cmocka_unit_test(test_ticker_ticks_on_its_grid_and_drops_missed_ticks),
    cmocka_unit_test(test_clock_after_is_a_timeout_channel_the_run_owns),
    cmocka_unit_test(test_context_values_are_found_through_the_parents));
