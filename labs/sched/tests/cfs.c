/*
 * cfs.c — tests of the CFS generation of the fair class: shares by the
 * kernel's weight table, slices and the tick, a new task's place, sleeper
 * credit and wakeup preemption. Expected vruntimes come from the oracle in
 * sched_test.h, never from the code under test.
 */
#include "sched_test.h"

/* CPU time splits in the ratio of the table's weights: nice 0 against
 * nice 5 is 1024 : 335, not 1024 : 1024/1.25^5 (335.5). */
static void test_cfs_cpu_shares_follow_the_kernel_weight_table(void **state)
{
    (void)state;
    int other = 1 + (int)ug_rand_below(19);
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_CFS);
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

/* Run lengths of n equal hogs at HZ=4000: the slice is latency/n, at least
 * min_granularity, the period stretched past nr_latency tasks; the tick
 * preempts at the first tick past the slice. */
static void test_cfs_tick_preempts_after_the_slice_of_latency_over_n_with_min_granularity(void **state)
{
    (void)state;
    int ns[4] = {2, 3, 9, 2 + (int)ug_rand_below(14)};
    uint64_t tick = US(250), got[4], want[4];
    for (int k = 0; k < 4; k++) {
        st_rec_t rec;
        int n = ns[k];
        sched_sim_t *sim = st_sim_rec(1, SCHED_FAIR_CFS, tick, &rec);
        sched_attr_t a = st_fair("hog", 0, NULL, 0);
        for (int i = 0; i < n; i++)
            st_spawn(sim, 1, &a);
        st_run(sim, SEC(1));
        got[k] = rec.time[rec.n - 1] - rec.time[rec.n - 2];   /* the last run length */
        uint64_t period = n > 8 ? (uint64_t)n * US(750) : MS(6);
        uint64_t slice = st_calc_delta(period, 1024, 1024UL * (unsigned)n, 0);
        if (slice < US(750))
            slice = US(750);
        want[k] = (slice / tick + 1) * tick;
        sched_sim_free(sim);
    }
    assert_memory_equal(want, got, sizeof want);
}

/* START_DEBIT: a new task starts one vslice after min_vruntime (measured
 * on the CPU it lands on), so it waits its turn and does not preempt. */
static void test_cfs_new_task_starts_one_vslice_after_min_vruntime(void **state)
{
    (void)state;
    static const int cpus[] = {1, 2, 4};
    int ncpus = cpus[ug_rand_below(3)], nice = (int)ug_rand_below(40) - 20;
    uint64_t factor = ncpus == 1 ? 1 : ncpus == 2 ? 2 : 3;
    sched_sim_t *sim = st_sim(ncpus, SCHED_FAIR_CFS);
    sched_attr_t hog = st_fair("hog", 0, NULL, 0);
    sched_attr_t na = st_fair("new", nice, NULL, 0);
    na.cpus = 1;                                      /* both on CPU 0 */
    hog.cpus = 1;
    sched_pid_t h = st_spawn(sim, 1, &hog);
    st_run(sim, MS(50) + US(ug_rand_below(4000)));
    sched_pid_t n = st_spawn(sim, 1, &na);

    uint64_t slice = st_calc_delta(MS(6) * factor, st_weight(nice), 1024 + st_weight(nice), 0);
    if (slice < US(750) * factor)
        slice = US(750) * factor;
    uint64_t vslice = st_delta_fair(slice, nice);
    sched_task_info_t ti = st_info(sim, n);
    assert_int_equal(vslice, ti.vruntime - st_cpu(sim, 0).min_vruntime);
    assert_int_equal(h, st_cpu(sim, 0).curr);
    sched_sim_free(sim);
}

/* A long sleep earns at most latency/2 of credit: the sleeper comes back
 * at min_vruntime − latency/2. A short stop keeps the vruntime it had. */
static void test_cfs_sleeper_credit_is_capped_at_half_the_latency(void **state)
{
    (void)state;
    int q = (int)ug_rand_below(15);
    sched_op_t prog[] = {SCHED_WAIT_S(0), SCHED_RUN(SCHED_FOREVER)};
    prog[0].wq = q;
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_CFS);
    sched_attr_t hog = st_fair("hog", 0, NULL, 0), la = st_fair("long", 0, prog, NOPS(prog));
    st_spawn(sim, 1, &hog);
    sched_pid_t sleeper = st_spawn(sim, 1, &la), other = st_spawn(sim, 1, &hog);

    uint64_t t = SEC(1) + MS(4) * ug_rand_below(250);
    st_run(sim, t);
    assert_int_equal(1, sched_wake_up(sim, q));
    assert_int_equal(MS(3), st_cpu(sim, 0).min_vruntime - st_info(sim, sleeper).vruntime);

    st_run(sim, t + SEC(1));                           /* a tick: vruntimes are fresh */
    assert_int_equal(0, sched_kill(sim, other, SIGSTOP));
    uint64_t before = st_info(sim, other).vruntime;
    st_run(sim, t + SEC(1) + US(100 + ug_rand_below(900)));
    assert_int_equal(0, sched_kill(sim, other, SIGCONT));
    assert_int_equal(before, st_info(sim, other).vruntime);
    sched_sim_free(sim);
}

/* A woken task preempts only if the running one is ahead by more than the
 * wakeup granularity, scaled to the woken task's weight: the same 3 ms of
 * credit preempts for nice ≤ 4 and does not for nice ≥ 5. The pids are
 * seeded (st_pad). */
static void test_cfs_wakeup_preempts_only_past_the_granularity_scaled_to_the_woken_weight(void **state)
{
    (void)state;
    int nices[3] = {0, 5 + (int)ug_rand_below(15), -20 + (int)ug_rand_below(25)};
    sched_pid_t got[3], want[3];
    for (int k = 0; k < 3; k++) {
        int q = (int)ug_rand_below(15);
        sched_op_t prog[] = {SCHED_WAIT_S(0), SCHED_RUN(SCHED_FOREVER)};
        prog[0].wq = q;
        sched_sim_t *sim = st_sim(1, SCHED_FAIR_CFS);
        st_pad(sim);
        sched_attr_t hog = st_fair("hog", 0, NULL, 0), wa = st_fair("waker", nices[k], prog, 2);
        sched_pid_t h = st_spawn(sim, 1, &hog), w = st_spawn(sim, 1, &wa);
        st_run(sim, SEC(2) + US(ug_rand_below(4000)));
        assert_int_equal(1, sched_wake_up(sim, q));
        got[k] = st_cpu(sim, 0).curr;
        want[k] = MS(3) > st_delta_fair(MS(1), nices[k]) ? w : h;
        sched_sim_free(sim);
    }
    assert_memory_equal(want, got, sizeof want);
}

UG_TEST_GROUP(sched_cfs, NULL, NULL,
    cmocka_unit_test(test_cfs_cpu_shares_follow_the_kernel_weight_table),
    cmocka_unit_test(test_cfs_tick_preempts_after_the_slice_of_latency_over_n_with_min_granularity),
    cmocka_unit_test(test_cfs_new_task_starts_one_vslice_after_min_vruntime),
    cmocka_unit_test(test_cfs_sleeper_credit_is_capped_at_half_the_latency),
    cmocka_unit_test(test_cfs_wakeup_preempts_only_past_the_granularity_scaled_to_the_woken_weight));
