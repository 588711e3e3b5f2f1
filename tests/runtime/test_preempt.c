/*
 * test_preempt.c — time passes with work: the tick at every scheduling
 * point, due timers firing there, the time slice that ends at one, the
 * timer signal that preempts a task making no runtime call, and the
 * options that turn each off.
 */
#include <stdatomic.h>
#include "rt_test.h"

typedef struct {
    int64_t t[4];
    long n[4];
    chan_t *ch;
    ctx_t *ctx;
    trace_t tr;
    atomic_bool flag;
} pre_t;

static void ops_body(void *p) {
    pre_t *s = p;
    chan_make(sizeof(int), 1, &s->ch);
    s->t[0] = clock_now();               /* 0, then a tick */
    for (int i = 0; i < 100; i++) chan_try_recv(s->ch, NULL, NULL);
    s->t[1] = clock_now();
    chan_free(s->ch);
}

static void test_every_scheduling_point_and_clock_read_costs_one_tick(void **state) {
    (void)state;
    pre_t s = {0};
    int64_t tick = 1 + (int64_t)ug_rand_below(1000);
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .tick = tick};
    assert_int_equal(0, rt_run(&cfg, ops_body, &s));
    assert_int_equal(0, s.t[0]);
    assert_int_equal(101 * tick, s.t[1]);   /* one clock read, 100 points */
}

static void test_tick_none_keeps_time_still_while_tasks_run(void **state) {
    (void)state;
    pre_t s = {0};
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .tick = RT_TICK_NONE};
    assert_int_equal(0, rt_run(&cfg, ops_body, &s));
    assert_int_equal(0, s.t[1]);
}

static void poll_until_done(void *p) {
    pre_t *s = p;
    ctx_with_timeout(ctx_background(), CLOCK_MS, &s->ctx);
    for (;;) {
        chan_case_t c[1] = {{ctx_done(s->ctx), CHAN_RECV, NULL, false}};
        if (chan_select(c, 1, true) == 0) break;
        s->n[0]++;
    }
    s->t[0] = clock_now();
    ctx_free(s->ctx);
}

/* The deadline is 1 ms = 1000 ticks away; select number k (from 1) runs at
 * k ticks, so the 1000th finds the context done after 999 defaults. */
static void test_a_select_default_loop_sees_its_deadline_after_a_fixed_count(void **state) {
    (void)state;
    pre_t a = {0}, b = {0};
    rt_config_t cfg = {.sched = RT_SCHED_RANDOM, .seed = ug_seed()};
    assert_int_equal(0, rt_run(&cfg, poll_until_done, &a));
    assert_int_equal(999, a.n[0]);
    assert_int_equal(CLOCK_MS, a.t[0]);
    cfg.sched = RT_SCHED_FIFO;
    assert_int_equal(0, rt_run(&cfg, poll_until_done, &b));
    assert_int_equal(999, b.n[0]);
}

typedef struct {
    pre_t *s;
    int tag;
} tagged_t;

static void stamped_worker(void *p) {
    tagged_t *w = p;
    for (int i = 0; i < 20; i++) {
        chan_try_send(w->s->ch, &w->tag);
        trace_add(&w->s->tr, w->tag);
        trace_add(&w->s->tr, (int)(clock_now() / 1000));
        if ((i + w->tag) % 3 == 0) clock_sleep((w->tag * 7919 + i * 104729) % 5000);
    }
}

static void stamped_body(void *p) {
    pre_t *s = p;
    chan_make(sizeof(int), 4, &s->ch);
    tagged_t w[4];
    uint64_t ids[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (tagged_t){s, i};
        task_spawn(stamped_worker, &w[i], &ids[i]);
    }
    for (int i = 0; i < 4; i++) task_join(ids[i]);
    chan_free(s->ch);
}

static void test_a_seed_replays_interleaving_and_timestamps_exactly(void **state) {
    (void)state;
    static pre_t a, b, c;
    rt_config_t cfg = {.seed = ug_rand()};
    assert_int_equal(0, rt_run(&cfg, stamped_body, &a));
    assert_int_equal(0, rt_run(&cfg, stamped_body, &b));
    cfg.seed++;
    assert_int_equal(0, rt_run(&cfg, stamped_body, &c));
    assert_int_equal(160, a.tr.n);
    assert_true(trace_equal(&a.tr, &b.tr));
    assert_false(trace_equal(&a.tr, &c.tr));
}

static void spin_on_try(void *p) {
    pre_t *s = p;
    while (!atomic_load(&s->flag)) {
        chan_try_recv(s->ch, NULL, NULL);
        s->n[0]++;
    }
}

static void set_flag(void *p) {
    pre_t *s = p;
    atomic_store(&s->flag, true);
}

static void slice_body(void *p) {
    pre_t *s = p;
    chan_make(sizeof(int), 1, &s->ch);
    uint64_t a, b;
    task_spawn(spin_on_try, s, &a);
    task_spawn(set_flag, s, &b);
    task_join(a);
    task_join(b);
    chan_free(s->ch);
}

/* FIFO: the spinner runs first and never blocks; after its slice (1 ms =
 * 1000 ticks) it yields at a point, and the setter runs. */
static void test_a_spent_time_slice_yields_at_the_next_scheduling_point(void **state) {
    (void)state;
    pre_t s = {0};
    int64_t slice = CLOCK_MS * (1 + (int64_t)ug_rand_below(4));
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .slice = slice};
    assert_int_equal(0, rt_run(&cfg, slice_body, &s));
    /* the spinner's slice started at its first run, one tick in (main's
     * join was a point); it yields at the point where it is spent */
    assert_int_equal(slice / RT_DEFAULT_TICK, s.n[0]);
}

static void spin_then_count(void *p) {
    pre_t *s = p;
    for (long i = 0; i < 100000; i++) {
        chan_try_recv(s->ch, NULL, NULL);
        if (atomic_load(&s->flag)) s->n[1]++;
    }
}

static void no_slice_body(void *p) {
    pre_t *s = p;
    chan_make(sizeof(int), 1, &s->ch);
    uint64_t a, b;
    task_spawn(spin_then_count, s, &a);
    task_spawn(set_flag, s, &b);
    task_join(a);
    task_join(b);
    chan_free(s->ch);
}

static void test_slice_none_lets_a_task_run_until_it_blocks(void **state) {
    (void)state;
    pre_t s = {0};
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .slice = RT_SLICE_NONE};
    assert_int_equal(0, rt_run(&cfg, no_slice_body, &s));
    assert_int_equal(0, s.n[1]);                 /* the setter never ran in between */
    assert_true(atomic_load(&s.flag));
}

static void spin_no_calls(void *p) {
    pre_t *s = p;
    while (!atomic_load(&s->flag)) {
    }
    s->t[0] = clock_now();
}

static void signal_body(void *p) {
    uint64_t a, b;
    task_spawn(spin_no_calls, p, &a);
    task_spawn(set_flag, p, &b);
    task_join(a);
    task_join(b);
}

static void test_a_spin_without_runtime_calls_is_preempted_by_the_signal(void **state) {
    (void)state;
    pre_t s = {0};
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .seed = ug_seed()};
    assert_int_equal(0, rt_run(&cfg, signal_body, &s));
    assert_true(atomic_load(&s.flag));
    assert_true(s.t[0] >= RT_DEFAULT_SLICE);     /* the preemption charged its slice */
}

static void fire_flag(void *p) { set_flag(p); }

static void spin_for_timer(void *p) {
    pre_t *s = p;
    rt_timer_t *t;
    timer_after_func(3 * CLOCK_MS, fire_flag, s, &t);
    while (!atomic_load(&s->flag)) {
    }
    timer_free(t);
}

static void test_a_spin_waiting_for_a_timer_ends(void **state) {
    (void)state;
    pre_t s = {0};
    rt_config_t cfg = {.sched = RT_SCHED_FIFO};
    assert_int_equal(0, rt_run(&cfg, spin_for_timer, &s));
    assert_true(atomic_load(&s.flag));
}

static void timer_mid_work(void *p) {
    pre_t *s = p;
    rt_timer_t *t;
    timer_new(50 * CLOCK_US, &t);
    chan_make(sizeof(int), 1, &s->ch);
    while (chan_try_recv(timer_chan(t), &s->t[0], NULL) == -EAGAIN) s->n[0]++;
    chan_free(s->ch);
    timer_free(t);
}

/* A timer due at 50 µs fires at the 50th tick, with the time it fired. */
static void test_a_due_timer_fires_at_a_scheduling_point(void **state) {
    (void)state;
    pre_t s = {0};
    rt_config_t cfg = {.sched = RT_SCHED_FIFO};
    assert_int_equal(0, rt_run(&cfg, timer_mid_work, &s));
    assert_int_equal(49, s.n[0]);
    assert_int_equal(50 * CLOCK_US, s.t[0]);
}

UG_TEST_GROUP(preempt_rules, NULL, NULL,
    cmocka_unit_test(test_every_scheduling_point_and_clock_read_costs_one_tick),
    cmocka_unit_test(test_tick_none_keeps_time_still_while_tasks_run),
    cmocka_unit_test(test_a_select_default_loop_sees_its_deadline_after_a_fixed_count),
    cmocka_unit_test(test_a_seed_replays_interleaving_and_timestamps_exactly),
    cmocka_unit_test(test_a_spent_time_slice_yields_at_the_next_scheduling_point),
    cmocka_unit_test(test_slice_none_lets_a_task_run_until_it_blocks),
    cmocka_unit_test(test_a_spin_without_runtime_calls_is_preempted_by_the_signal),
    cmocka_unit_test(test_a_spin_waiting_for_a_timer_ends),
    cmocka_unit_test(test_a_due_timer_fires_at_a_scheduling_point));
