/*
 * hidden.c — tests kept out of the handout: SIGCHLD ignored, a D thread
 * holding up a dead process, init's immunity, and where a task pulled to
 * another CPU lands in each fair class.
 */
#include "../sched_test.h"

/* With SIGCHLD ignored, an exiting child goes straight to X. */
static void test_parent_ignoring_sigchld_never_keeps_a_zombie(void **state)
{
    (void)state;
    st_rec_t rec;
    uint64_t work = MS(1 + ug_rand_below(20));
    sched_op_t prog[] = {SCHED_RUN(work), SCHED_EXIT_GROUP(1)};
    sched_op_t forever[] = {SCHED_WAIT_S(15)};
    sched_sim_t *sim = st_sim_rec(1, SCHED_FAIR_CFS, 0, &rec);
    sched_attr_t pa = st_fair("daemon", 0, forever, 1);
    pa.ignore_sigchld = true;
    sched_pid_t parent = st_spawn(sim, 1, &pa);
    sched_attr_t ca = st_fair("worker", 0, prog, NOPS(prog));
    rec.watch = sched_last_pid(sim) + 1;
    sched_pid_t child = st_spawn(sim, parent, &ca);
    st_run(sim, work + MS(10));
    assert_string_equal("X", rec.watched);
    assert_int_equal(work, st_exec(sim, child));
    int status = -1;
    assert_int_equal(-ECHILD, sched_waitpid(sim, parent, child, &status));
    sched_sim_free(sim);
}

/* A killed process with a thread in plain D: the other threads are gone,
 * the leader is a zombie nobody may reap until that thread's wait ends;
 * wait then reports the signal. Pids and the signal are seeded. */
static void test_d_thread_keeps_a_killed_process_unreapable_until_its_wait_ends(void **state)
{
    (void)state;
    int q = (int)ug_rand_below(15), sig = ug_rand_below(2) ? SIGKILL : SIGTERM;
    sched_op_t dprog[] = {SCHED_WAIT_D(0)};
    dprog[0].wq = q;
    sched_sim_t *sim = st_sim(2, SCHED_FAIR_EEVDF);
    st_pad(sim);
    sched_pid_t parent = st_sleeper(sim, 1, "parent");
    sched_attr_t hog = st_fair("main", 0, NULL, 0), da = st_fair("io", 0, dprog, 1);
    sched_pid_t pid = st_spawn(sim, parent, &hog);
    sched_pid_t io = st_thread(sim, pid, &da);
    sched_pid_t other = st_thread(sim, pid, &hog);
    uint64_t when = MS(10 + ug_rand_below(50));
    st_run(sim, when);
    assert_int_equal(2 * when, st_exec(sim, pid) + st_exec(sim, other));   /* a CPU each */
    assert_int_equal(0, sched_kill(sim, pid, sig));
    assert_int_equal(SCHED_ZOMBIE, sched_task_state(sim, pid));
    assert_int_equal(SCHED_DEAD, sched_task_state(sim, other));
    assert_int_equal(SCHED_DISK, sched_task_state(sim, io));
    int status = -1;
    assert_int_equal(0, sched_waitpid(sim, parent, pid, &status));
    assert_int_equal(1, sched_wake_up(sim, q));
    assert_int_equal(SCHED_DEAD, sched_task_state(sim, io));
    assert_int_equal(pid, sched_waitpid(sim, parent, -1, &status));
    assert_int_equal(sig, status);
    sched_sim_free(sim);
}

/* init cannot be killed or stopped, and keeps reaping. The job's work and
 * its pid are seeded. */
static void test_init_ignores_sigkill_and_sigstop_and_keeps_reaping(void **state)
{
    (void)state;
    uint64_t work = MS(1 + ug_rand_below(9)) + US(ug_rand_below(1000));
    sched_op_t prog[] = {SCHED_RUN(work), SCHED_EXIT_GROUP(0)};
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_EEVDF);
    st_pad(sim);
    assert_int_equal(0, sched_kill(sim, 1, SIGKILL));
    assert_int_equal(0, sched_kill(sim, 1, SIGSTOP));
    assert_int_equal(0, sched_kill(sim, 1, SIGTERM));
    assert_int_equal(SCHED_SLEEPING, sched_task_state(sim, 1));
    sched_attr_t a = st_fair("job", 0, prog, NOPS(prog));
    sched_pid_t job = st_spawn(sim, 1, &a);
    st_run(sim, MS(20));
    assert_int_equal(SCHED_DEAD, sched_task_state(sim, job));
    assert_int_equal(work, st_exec(sim, job));
    assert_int_equal(SCHED_SLEEPING, sched_task_state(sim, 1));
    sched_sim_free(sim);
}

/* Shared set-up: a nice -10 hog holds CPU 0, a nice 0 hog pinned to CPU 1
 * shares it with t. At a tick when t waits, the CPU 0 hog is killed: CPU 0,
 * idle, pulls t. Fills the min_vruntimes and t's vruntime just before. */
static sched_pid_t pull_across(sched_sim_t *sim, uint64_t *m0, uint64_t *m1, uint64_t *tv)
{
    sched_attr_t aa = st_fair("heavy", -10, NULL, 0), ba = st_fair("hog", 0, NULL, 0);
    sched_attr_t ta = st_fair("t", 0, NULL, 0);
    aa.cpus = 1;
    ba.cpus = 2;
    sched_pid_t parent = st_sleeper(sim, 1, "parent");
    sched_pid_t a = st_spawn(sim, parent, &aa);
    sched_pid_t t = st_spawn(sim, 1, &ta);
    sched_pid_t b = st_spawn(sim, 1, &ba);
    assert_int_equal(1, st_info(sim, t).cpu);
    uint64_t when = MS(400) + MS(4) * ug_rand_below(50);
    int rc = sched_run_until(sim, when);
    sched_cpu_info_t ci = {0};
    for (int i = 0; i < 100 && !rc && !(rc = sched_cpu_info(sim, 1, &ci)) && ci.curr != b; i++)
        rc = sched_run_until(sim, when += MS(4));    /* a tick at which t waits */
    assert_int_equal(0, rc);
    assert_int_equal(b, ci.curr);
    *m0 = st_cpu(sim, 0).min_vruntime;
    *m1 = st_cpu(sim, 1).min_vruntime;
    *tv = st_info(sim, t).vruntime;
    assert_int_equal(0, sched_kill(sim, a, SIGKILL));
    assert_int_equal(0, st_info(sim, t).cpu);
    return t;
}

/* CFS carries vruntime across CPUs as a distance to min_vruntime. */
static void test_cfs_task_pulled_to_another_cpu_keeps_its_distance_to_min_vruntime(void **state)
{
    (void)state;
    uint64_t m0, m1, tv;
    sched_sim_t *sim = st_sim(2, SCHED_FAIR_CFS);
    sched_pid_t t = pull_across(sim, &m0, &m1, &tv);
    assert_int_equal(tv - m1 + m0, st_info(sim, t).vruntime);
    sched_sim_free(sim);
}

/* EEVDF places a task pulled onto an empty CPU at that CPU's V (its
 * min_vruntime): with nobody there, there is no lag to keep. */
static void test_eevdf_task_pulled_onto_an_empty_cpu_starts_at_its_min_vruntime(void **state)
{
    (void)state;
    uint64_t m0, m1, tv;
    sched_sim_t *sim = st_sim(2, SCHED_FAIR_EEVDF);
    sched_pid_t t = pull_across(sim, &m0, &m1, &tv);
    sched_task_info_t ti = st_info(sim, t);
    assert_int_equal(m0, ti.vruntime);
    assert_int_equal(US(750) * 2, ti.deadline - ti.vruntime);     /* 2 CPUs: factor 2 */
    sched_sim_free(sim);
}

UG_TEST_GROUP(sched_hidden, NULL, NULL,
    cmocka_unit_test(test_parent_ignoring_sigchld_never_keeps_a_zombie),
    cmocka_unit_test(test_d_thread_keeps_a_killed_process_unreapable_until_its_wait_ends),
    cmocka_unit_test(test_init_ignores_sigkill_and_sigstop_and_keeps_reaping),
    cmocka_unit_test(test_cfs_task_pulled_to_another_cpu_keeps_its_distance_to_min_vruntime),
    cmocka_unit_test(test_eevdf_task_pulled_onto_an_empty_cpu_starts_at_its_min_vruntime));
