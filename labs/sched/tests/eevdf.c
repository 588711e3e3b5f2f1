/*
 * eevdf.c — tests of the EEVDF generation of the fair class (Linux 6.6+):
 * shares, a new task's place and half-slice deadline, lag saved and
 * restored, eligibility, and RUN_TO_PARITY.
 */
#include "sched_test.h"

/* Shares follow the weight table under EEVDF too. */
static void test_eevdf_cpu_shares_follow_the_kernel_weight_table(void **state)
{
    (void)state;
    int other = 1 + (int)ug_rand_below(19);
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_EEVDF);
    sched_attr_t a = st_fair("nice0", 0, NULL, 0), b = st_fair("nice5", 5, NULL, 0);
    sched_attr_t c = st_fair("niceN", other, NULL, 0);
    sched_pid_t pa = st_spawn(sim, 1, &a), pb = st_spawn(sim, 1, &b), pc = st_spawn(sim, 1, &c);
    st_run(sim, SEC(600));
    uint64_t ea = st_exec(sim, pa), eb = st_exec(sim, pb), ec = st_exec(sim, pc);
    assert_int_equal(335, st_ratio(eb, ea, 1024));
    assert_int_equal(st_weight(other), st_ratio(ec, ea, 1024));
    assert_int_equal(SEC(600), ea + eb + ec);
    sched_sim_free(sim);
}

/* A new task joins at V with zero lag and a deadline half a slice away
 * (PLACE_DEADLINE_INITIAL); V itself does not move. */
static void test_eevdf_new_task_starts_at_V_with_half_a_slice_to_its_deadline(void **state)
{
    (void)state;
    int nice = (int)ug_rand_below(40) - 20, hogs = 1 + (int)ug_rand_below(3);
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_EEVDF);
    sched_attr_t hog = st_fair("hog", 0, NULL, 0), na = st_fair("new", nice, NULL, 0);
    for (int i = 0; i < hogs; i++)
        st_spawn(sim, 1, &hog);
    st_run(sim, MS(4) * (10 + ug_rand_below(100)));     /* a tick: accounting is fresh */
    uint64_t v = st_cpu(sim, 0).avg_vruntime;
    sched_pid_t n = st_spawn(sim, 1, &na);
    sched_task_info_t ti = st_info(sim, n);
    assert_int_equal(v, ti.vruntime);
    assert_int_equal(v, st_cpu(sim, 0).avg_vruntime);
    assert_int_equal(st_delta_fair(US(750), nice) / 2, ti.deadline - ti.vruntime);
    sched_sim_free(sim);
}

/* Lag = V − vruntime is saved when a task leaves (clamped to the task's
 * max(2·slice, tick), weighted) and restored when it returns, scaled by
 * (W + w) / W so that joining does not dilute it. */
static void test_eevdf_lag_is_saved_clamped_and_restored_scaled_by_the_runqueue_weight(void **state)
{
    (void)state;
    int na = (int)ug_rand_below(10), nb = (int)ug_rand_below(10), ns = (int)ug_rand_below(40) - 20;
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_EEVDF);
    sched_attr_t a = st_fair("a", na, NULL, 0), b = st_fair("b", nb, NULL, 0);
    sched_attr_t s = st_fair("s", ns, NULL, 0);
    st_spawn(sim, 1, &a);
    st_spawn(sim, 1, &b);
    sched_pid_t ps = st_spawn(sim, 1, &s);

    uint64_t t = MS(4) * (50 + ug_rand_below(200));
    st_run(sim, t);                                      /* a tick: accounting is fresh */
    int64_t lag = (int64_t)(st_cpu(sim, 0).avg_vruntime - st_info(sim, ps).vruntime);
    int64_t limit = (int64_t)st_delta_fair(MS(4), ns);  /* max(2 × 0.75 ms, 4 ms) */
    int64_t want_lag = lag > limit ? limit : lag < -limit ? -limit : lag;
    assert_int_equal(0, sched_kill(sim, ps, SIGSTOP));
    assert_int_equal(want_lag, st_info(sim, ps).vlag);

    st_run(sim, t + MS(4) * (1 + ug_rand_below(100)));
    uint64_t v = st_cpu(sim, 0).avg_vruntime;
    int64_t w = (int64_t)(st_weight(na) + st_weight(nb));
    int64_t scaled = want_lag * (w + (int64_t)st_weight(ns)) / w;
    assert_int_equal(0, sched_kill(sim, ps, SIGCONT));
    sched_task_info_t ti = st_info(sim, ps);
    assert_int_equal(v - (uint64_t)scaled, ti.vruntime);
    assert_int_equal(st_delta_fair(US(750), ns), ti.deadline - ti.vruntime);
    sched_sim_free(sim);
}

/* The lag saved is clamped to the task's own max(2·slice, tick): a heavy
 * task that runs while light ones wait builds more lag than that. */
static void test_eevdf_saved_lag_is_clamped_to_a_tick_of_the_tasks_own_vruntime(void **state)
{
    (void)state;
    int heavy = -20 + (int)ug_rand_below(11), light = 10 + (int)ug_rand_below(10);
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_EEVDF);
    sched_attr_t h = st_fair("heavy", heavy, NULL, 0), l = st_fair("light", light, NULL, 0);
    sched_pid_t ph = st_spawn(sim, 1, &h);
    st_spawn(sim, 1, &l);
    st_spawn(sim, 1, &l);
    int64_t limit = (int64_t)st_delta_fair(MS(4), heavy), lag = 0;
    int rc = 0;
    for (uint64_t k = 1; k <= 1000 && !rc && lag <= limit && lag >= -limit; k++) {
        sched_cpu_info_t ci;                        /* the first tick past the limit */
        sched_task_info_t ti;
        if (!(rc = sched_run_until(sim, MS(4) * k)) && !(rc = sched_cpu_info(sim, 0, &ci))
            && !(rc = sched_task_info(sim, ph, &ti)))
            lag = (int64_t)(ci.avg_vruntime - ti.vruntime);
    }
    assert_int_equal(0, rc);
    assert_int_equal(0, sched_kill(sim, ph, SIGSTOP));
    assert_int_equal(lag > 0 ? limit : -limit, st_info(sim, ph).vlag);
    sched_sim_free(sim);
}

/* Counts the fair tasks switched in while not eligible (vruntime above V). */
typedef struct elig {
    sched_sim_t *sim;
    unsigned picks, ineligible;
} elig_t;

static void count_ineligible(void *ctx, const sched_event_t *ev)
{
    elig_t *e = ctx;
    sched_task_info_t ti;
    sched_cpu_info_t ci;
    if (!e->sim || ev->kind != SCHED_EV_SWITCH || !ev->other
        || sched_task_info(e->sim, ev->other, &ti) || ti.policy != SCHED_POLICY_NORMAL
        || sched_cpu_info(e->sim, ev->cpu, &ci))
        return;
    e->picks++;
    e->ineligible += (int64_t)(ti.vruntime - ci.avg_vruntime) > 0;
}

/* Only eligible tasks (lag ≥ 0) may run: a heavy task, whose deadlines are
 * nearly always the nearest, is never picked while ahead of V, and a light
 * one gets exactly its share of a seeded span. */
static void test_eevdf_only_eligible_tasks_run_and_a_light_task_gets_its_share(void **state)
{
    (void)state;
    int heavy = -20 + (int)ug_rand_below(5), light = (int)ug_rand_below(4);
    elig_t e = {0};
    sched_config_t c;
    sched_config_init(&c);
    c.on_event = count_ineligible;
    c.ctx = &e;
    sched_sim_t *sim = NULL;
    assert_int_equal(0, sched_sim_new(&c, &sim));
    e.sim = sim;
    sched_attr_t h = st_fair("heavy", heavy, NULL, 0), l = st_fair("light", light, NULL, 0);
    sched_attr_t vl = st_fair("lighter", 19, NULL, 0);
    sched_pid_t ph = st_spawn(sim, 1, &h), pl = st_spawn(sim, 1, &l);
    uint64_t span = SEC(600) + MS(4) * ug_rand_below(1000);
    st_run(sim, span);
    uint64_t eh = st_exec(sim, ph), el = st_exec(sim, pl);
    long want = st_ratio(st_weight(light), st_weight(light) + st_weight(heavy), 1000);
    assert_int_equal(want, st_ratio(el, eh + el, 1000));
    assert_int_equal(span, eh + el);
    st_spawn(sim, 1, &vl);                     /* deadlines 51 ms of vruntime away */
    st_run(sim, span + SEC(20));
    assert_int_equal(0, e.ineligible);
    sched_sim_free(sim);
}

/* RUN_TO_PARITY: once picked, a task keeps the CPU until it has used its
 * slice, even if a task with an earlier deadline arrives; then the next
 * tick hands the CPU over. */
static void test_eevdf_picked_task_keeps_the_cpu_until_its_slice_is_used(void **state)
{
    (void)state;
    sched_op_t prog[] = {SCHED_SLEEP(MS(10)), SCHED_RUN(SCHED_FOREVER)};
    uint64_t delta = US(10 + ug_rand_below(340));
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_EEVDF);
    sched_attr_t aa = st_fair("a", 0, prog, NOPS(prog)), wa = st_fair("w", 0, NULL, 0);
    sched_pid_t a = st_spawn(sim, 1, &aa);
    st_run(sim, MS(10) + delta);                         /* a woke at 10 ms and runs */
    assert_int_equal(a, st_cpu(sim, 0).curr);
    sched_pid_t w = st_spawn(sim, 1, &wa);
    sched_task_info_t ta = st_info(sim, a), tw = st_info(sim, w);
    assert_int_equal(US(750) - delta, ta.deadline - ta.vruntime);
    assert_int_equal(ta.vruntime, tw.vruntime);                 /* w joins at V = a's */
    assert_int_equal(US(375), tw.deadline - tw.vruntime);       /* so its deadline is earlier */
    assert_int_equal(a, st_cpu(sim, 0).curr);
    st_run(sim, MS(12) - 1);
    assert_int_equal(a, st_cpu(sim, 0).curr);
    st_run(sim, MS(12));                                 /* the tick after a's slice */
    assert_int_equal(w, st_cpu(sim, 0).curr);
    sched_sim_free(sim);
}

UG_TEST_GROUP(sched_eevdf, NULL, NULL,
    cmocka_unit_test(test_eevdf_cpu_shares_follow_the_kernel_weight_table),
    cmocka_unit_test(test_eevdf_new_task_starts_at_V_with_half_a_slice_to_its_deadline),
    cmocka_unit_test(test_eevdf_lag_is_saved_clamped_and_restored_scaled_by_the_runqueue_weight),
    cmocka_unit_test(test_eevdf_saved_lag_is_clamped_to_a_tick_of_the_tasks_own_vruntime),
    cmocka_unit_test(test_eevdf_only_eligible_tasks_run_and_a_light_task_gets_its_share),
    cmocka_unit_test(test_eevdf_picked_task_keeps_the_cpu_until_its_slice_is_used));
