/*
 * rt.c — tests of SCHED_FIFO and SCHED_RR: priority over the fair class,
 * preemption by priority, round-robin slices, a preempted task's place.
 */
#include "sched_test.h"

/* A waking RT task takes the CPU from a fair task at once, not at a tick. */
static void test_rt_task_preempts_a_fair_task_at_once(void **state)
{
    (void)state;
    uint64_t when = MS(10) + US(1 + ug_rand_below(3999)), work = MS(1 + ug_rand_below(30));
    int prio = 1 + (int)ug_rand_below(99);
    sched_op_t prog[] = {SCHED_RUN(work), SCHED_EXIT_GROUP(0)};
    sched_sim_t *sim = st_sim(1, ug_rand_below(2) ? SCHED_FAIR_CFS : SCHED_FAIR_EEVDF);
    sched_attr_t hog = st_fair("hog", -20, NULL, 0);
    sched_pid_t h = st_spawn(sim, 1, &hog);
    st_run(sim, when);
    sched_attr_t ra = st_rt("audio", ug_rand_below(2) ? SCHED_POLICY_FIFO : SCHED_POLICY_RR,
                            prio, prog, NOPS(prog));
    sched_pid_t r = st_spawn(sim, 1, &ra);

    assert_int_equal(r, st_cpu(sim, 0).curr);
    assert_int_equal(when, st_exec(sim, h));
    st_run(sim, when + work);
    assert_int_equal(when, st_exec(sim, h));           /* not a nanosecond meanwhile */
    assert_int_equal(work, st_exec(sim, r));
    assert_int_equal(h, st_cpu(sim, 0).curr);
    sched_sim_free(sim);
}

/* FIFO: the higher priority preempts; equal priorities never rotate; the
 * preempted task resumes before its peer. */
static void test_higher_fifo_priority_preempts_and_fifo_never_rotates(void **state)
{
    (void)state;
    int prio = 1 + (int)ug_rand_below(50);
    uint64_t when = MS(100 + ug_rand_below(400)), burst = MS(1 + ug_rand_below(50));
    sched_op_t prog[] = {SCHED_RUN(burst), SCHED_EXIT_GROUP(0)};
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_EEVDF);
    sched_attr_t fa = st_rt("first", SCHED_POLICY_FIFO, prio, NULL, 0);
    sched_attr_t fb = st_rt("second", SCHED_POLICY_FIFO, prio, NULL, 0);
    sched_pid_t a = st_spawn(sim, 1, &fa), b = st_spawn(sim, 1, &fb);
    st_run(sim, when);
    sched_attr_t ha = st_rt("urgent", SCHED_POLICY_FIFO, prio + 1 + (int)ug_rand_below(40),
                            prog, NOPS(prog));
    sched_pid_t hi = st_spawn(sim, 1, &ha);
    assert_int_equal(hi, st_cpu(sim, 0).curr);
    st_run(sim, SEC(2));
    assert_int_equal(SEC(2) - burst, st_exec(sim, a));
    assert_int_equal(0, st_exec(sim, b));
    assert_int_equal(burst, st_exec(sim, hi));
    sched_sim_free(sim);
}

/* RR: tasks of one priority take turns, 100 ms each, in the order they came.
 * Their number, priority, pids and start (at a tick) are seeded. */
static void test_rr_tasks_of_equal_priority_rotate_every_100ms(void **state)
{
    (void)state;
    st_rec_t rec;
    int n = 2 + (int)ug_rand_below(3), prio = 1 + (int)ug_rand_below(99);
    sched_sim_t *sim = st_sim_rec(1, SCHED_FAIR_CFS, 0, &rec);
    st_pad(sim);
    uint64_t start = MS(4) * ug_rand_below(50);
    st_run(sim, start);
    sched_pid_t tasks[4];
    sched_attr_t a = st_rt("rr", SCHED_POLICY_RR, prio, NULL, 0);
    for (int i = 0; i < n; i++)
        tasks[i] = st_spawn(sim, 1, &a);
    size_t first = rec.n;                   /* switches so far: init, then tasks[0] */
    st_run(sim, start + MS(1000));

    sched_pid_t got[10], want[10];
    uint64_t at[10], want_at[10];
    for (int k = 0; k < 10; k++) {
        got[k] = rec.next[first + (size_t)k];
        at[k] = rec.time[first + (size_t)k];
        want[k] = tasks[(k + 1) % n];
        want_at[k] = start + MS(100) * (uint64_t)(k + 1);
    }
    assert_memory_equal(want, got, sizeof want);
    assert_memory_equal(want_at, at, sizeof want_at);
    assert_int_equal(first + 10, rec.n);
    sched_sim_free(sim);
}

/* Preempted by a higher priority, an RR task keeps its place at the head
 * and the rest of its slice: it resumes first and rotates when that is used. */
static void test_preempted_rr_task_keeps_its_place_and_the_rest_of_its_slice(void **state)
{
    (void)state;
    st_rec_t rec;
    uint64_t when = MS(4 * (1 + ug_rand_below(20))) + MS(2), burst = MS(1 + ug_rand_below(30));
    sched_op_t prog[] = {SCHED_RUN(burst), SCHED_EXIT_GROUP(0)};
    sched_sim_t *sim = st_sim_rec(1, SCHED_FAIR_EEVDF, 0, &rec);
    sched_attr_t rr = st_rt("rr", SCHED_POLICY_RR, 10, NULL, 0);
    sched_pid_t a = st_spawn(sim, 1, &rr), b = st_spawn(sim, 1, &rr);
    st_run(sim, when);
    int left = st_info(sim, a).rr_ticks;
    assert_int_equal(25 - (int)((when - MS(2)) / MS(4)), left);
    sched_attr_t fa = st_rt("irq", SCHED_POLICY_FIFO, 50, prog, NOPS(prog));
    st_spawn(sim, 1, &fa);
    size_t mark = rec.n;
    st_run(sim, SEC(1));

    /* back to a when the burst ends, then b once a's remaining ticks are used */
    uint64_t resume = when + burst;
    uint64_t first_tick = (resume + MS(4) - 1) / MS(4) * MS(4);   /* a tick at resume counts */
    assert_int_equal(a, rec.next[mark]);
    assert_int_equal(resume, rec.time[mark]);
    assert_int_equal(b, rec.next[mark + 1]);
    assert_int_equal(first_tick + MS(4) * (uint64_t)(left - 1), rec.time[mark + 1]);
    sched_sim_free(sim);
}

/* The RR slice is refilled only when it runs out: a task that slept comes
 * back with what it had left. */
static void test_rr_slice_is_not_refilled_by_a_sleep(void **state)
{
    (void)state;
    st_rec_t rec;
    uint64_t run = MS(10 + ug_rand_below(50)), nap = MS(1 + ug_rand_below(50));
    sched_op_t prog[] = {SCHED_RUN(run), SCHED_SLEEP(nap), SCHED_RUN(SCHED_FOREVER)};
    sched_sim_t *sim = st_sim_rec(1, SCHED_FAIR_EEVDF, 0, &rec);
    sched_attr_t aa = st_rt("napper", SCHED_POLICY_RR, 10, prog, NOPS(prog));
    sched_attr_t ba = st_rt("hog", SCHED_POLICY_RR, 10, NULL, 0);
    sched_pid_t a = st_spawn(sim, 1, &aa), b = st_spawn(sim, 1, &ba);
    size_t mark = rec.n;
    st_run(sim, run + nap);
    int left = 25 - (int)((run - 1) / MS(4));          /* ticks it ran through */
    assert_int_equal(left, st_info(sim, a).rr_ticks);
    st_run(sim, SEC(1));

    uint64_t b_expires = (run + MS(4) - 1) / MS(4) * MS(4) + MS(4) * 24;
    sched_pid_t got[3] = {rec.next[mark], rec.next[mark + 1], rec.next[mark + 2]};
    sched_pid_t want[3] = {b, a, b};
    uint64_t at[3] = {rec.time[mark], rec.time[mark + 1], rec.time[mark + 2]};
    uint64_t want_at[3] = {run, b_expires, b_expires + MS(4) * (uint64_t)left};
    assert_memory_equal(want, got, sizeof want);
    assert_memory_equal(want_at, at, sizeof want_at);
    sched_sim_free(sim);
}

UG_TEST_GROUP(sched_rt, NULL, NULL,
    cmocka_unit_test(test_rt_task_preempts_a_fair_task_at_once),
    cmocka_unit_test(test_higher_fifo_priority_preempts_and_fifo_never_rotates),
    cmocka_unit_test(test_rr_tasks_of_equal_priority_rotate_every_100ms),
    cmocka_unit_test(test_preempted_rr_task_keeps_its_place_and_the_rest_of_its_slice),
    cmocka_unit_test(test_rr_slice_is_not_refilled_by_a_sleep));
