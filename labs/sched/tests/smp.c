/*
 * smp.c — tests on several CPUs: a CPU per task when there are enough,
 * affinity, where a woken RT task goes, and the idle CPU that pulls work.
 */
#include "sched_test.h"

static sched_fair_t any_fair(void)
{
    return ug_rand_below(2) ? SCHED_FAIR_CFS : SCHED_FAIR_EEVDF;
}

/* With as many hogs as CPUs, fork spreads them and each gets a whole CPU,
 * for a seeded time. */
static void test_as_many_hogs_as_cpus_each_get_a_whole_cpu(void **state)
{
    (void)state;
    int ncpus = 2 + (int)ug_rand_below(3);
    uint64_t span = SEC(1) + US(ug_rand_below(1000000));
    sched_sim_t *sim = st_sim(ncpus, any_fair());
    sched_attr_t a = st_fair("hog", (int)ug_rand_below(40) - 20, NULL, 0);
    sched_pid_t pids[4];
    for (int i = 0; i < ncpus; i++)
        pids[i] = st_spawn(sim, 1, &a);
    st_run(sim, span);
    uint64_t got[4] = {0}, want[4] = {0};
    for (int i = 0; i < ncpus; i++) {
        got[i] = st_exec(sim, pids[i]);
        want[i] = span;
    }
    assert_memory_equal(want, got, sizeof want);
    sched_sim_free(sim);
}

/* A task pinned to one CPU stays there, even when another CPU goes idle. */
static void test_pinned_task_never_leaves_its_cpu(void **state)
{
    (void)state;
    int ncpus = 2 + (int)ug_rand_below(3), home = (int)ug_rand_below((uint64_t)ncpus);
    sched_op_t brief[] = {SCHED_RUN(MS(50)), SCHED_EXIT_GROUP(0)};
    sched_sim_t *sim = st_sim(ncpus, any_fair());
    sched_attr_t pinned = st_fair("pinned", 0, NULL, 0), b = st_fair("brief", 0, brief, 2);
    pinned.cpus = 1u << home;
    sched_pid_t p1 = st_spawn(sim, 1, &pinned), p2 = st_spawn(sim, 1, &pinned);
    for (int i = 0; i < ncpus; i++)
        st_spawn(sim, 1, &b);
    uint64_t span = SEC(2) + US(ug_rand_below(1000000));
    st_run(sim, span);
    int other = (home + 1) % ncpus;
    assert_int_equal(home, st_info(sim, p1).cpu);
    assert_int_equal(home, st_info(sim, p2).cpu);
    assert_int_equal(0, st_info(sim, p1).nr_migrations + st_info(sim, p2).nr_migrations);
    assert_int_equal(0, st_cpu(sim, other).curr);      /* idle: nothing it may pull */
    assert_int_equal(span, st_exec(sim, p1) + st_exec(sim, p2));
    sched_sim_free(sim);
}

/* A woken RT task whose CPU runs a higher RT task moves to the CPU running
 * the least important thing; one that outranks its CPU stays and preempts.
 * Priorities and pids are seeded. */
static void test_woken_rt_task_moves_to_the_cpu_running_the_lowest_priority(void **state)
{
    (void)state;
    int mid = 20 + (int)ug_rand_below(60);
    int q = (int)ug_rand_below(15);
    sched_op_t prog[] = {SCHED_WAIT_S(0), SCHED_RUN(SCHED_FOREVER)};
    prog[0].wq = q;
    sched_sim_t *sim = st_sim(2, any_fair());
    st_pad(sim);
    sched_attr_t fair = st_fair("fair", 0, NULL, 0);
    fair.cpus = 2;
    sched_pid_t f = st_spawn(sim, 1, &fair);                          /* CPU 1 */
    sched_attr_t la = st_rt("low", SCHED_POLICY_FIFO, mid - 1 - (int)ug_rand_below(10), prog, 2);
    sched_attr_t ha = st_rt("high", SCHED_POLICY_RR, mid + 1 + (int)ug_rand_below(10), prog, 2);
    sched_pid_t low = st_spawn(sim, 1, &la);                          /* CPU 0, then asleep */
    sched_pid_t high = st_spawn(sim, 1, &ha);
    assert_int_equal(0, st_info(sim, low).cpu);
    assert_int_equal(0, st_info(sim, high).cpu);
    sched_attr_t ma = st_rt("mid", SCHED_POLICY_FIFO, mid, NULL, 0);
    ma.cpus = 1;
    sched_pid_t m = st_spawn(sim, 1, &ma);                            /* CPU 0 */
    st_run(sim, MS(20));

    assert_int_equal(2, sched_wake_up(sim, q));
    assert_int_equal(high, st_cpu(sim, 0).curr);      /* outranks mid: stays, preempts */
    assert_int_equal(low, st_cpu(sim, 1).curr);       /* below mid: moves over the fair task */
    assert_int_equal(1, st_info(sim, low).cpu);
    assert_int_equal(SCHED_RUNNING, sched_task_state(sim, m));
    assert_int_equal(SCHED_RUNNING, sched_task_state(sim, f));
    sched_sim_free(sim);
}

/* A CPU with nothing to run pulls, from the busiest CPU, the waiting task
 * that ran least recently; pinned tasks stay. The pids are seeded. */
static void test_idle_cpu_pulls_the_waiting_task_that_ran_least_recently(void **state)
{
    (void)state;
    st_rec_t rec;
    uint64_t life = MS(60 + ug_rand_below(100));
    sched_op_t brief[] = {SCHED_RUN(0), SCHED_EXIT_GROUP(0)};
    brief[0].ns = life;
    sched_sim_t *sim = st_sim_rec(2, any_fair(), 0, &rec);
    st_pad(sim);
    sched_attr_t xa = st_fair("brief", 0, brief, 2);
    xa.cpus = 2;
    sched_pid_t parent = st_sleeper(sim, 1, "parent");               /* never woken by it */
    sched_pid_t x = st_spawn(sim, parent, &xa);                       /* alone on CPU 1 */
    sched_attr_t ha = st_fair("hog", 0, NULL, 0), pa = st_fair("pinned", 0, NULL, 0);
    pa.cpus = 1;
    sched_pid_t h1 = st_spawn(sim, 1, &ha), h2 = st_spawn(sim, 1, &ha);
    st_spawn(sim, 1, &pa);
    assert_int_equal(0, st_info(sim, h1).cpu);
    assert_int_equal(0, st_info(sim, h2).cpu);
    st_run(sim, life - 1);

    /* When did h1 and h2 last leave CPU 0? The one that left first moves. */
    uint64_t left1 = 0, left2 = 0;
    sched_pid_t running = 0;
    for (size_t i = 0; i < rec.n && i < ST_REC_MAX; i++) {
        if (rec.cpu[i] != 0)
            continue;
        if (running == h1)
            left1 = rec.time[i];
        if (running == h2)
            left2 = rec.time[i];
        running = rec.next[i];
    }
    sched_pid_t want = running == h1 ? h2 : running == h2 ? h1 : left1 <= left2 ? h1 : h2;
    st_run(sim, life);
    assert_int_equal(life, st_exec(sim, x));
    assert_int_equal(want, st_cpu(sim, 1).curr);
    assert_int_equal(1, st_info(sim, want).nr_migrations);
    assert_int_equal(0, st_info(sim, want == h1 ? h2 : h1).cpu);
    sched_sim_free(sim);
}

UG_TEST_GROUP(sched_smp, NULL, NULL,
    cmocka_unit_test(test_as_many_hogs_as_cpus_each_get_a_whole_cpu),
    cmocka_unit_test(test_pinned_task_never_leaves_its_cpu),
    cmocka_unit_test(test_woken_rt_task_moves_to_the_cpu_running_the_lowest_priority),
    cmocka_unit_test(test_idle_cpu_pulls_the_waiting_task_that_ran_least_recently));
