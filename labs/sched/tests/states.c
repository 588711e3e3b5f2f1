/*
 * states.c — tests of task states and the signals that move tasks between
 * them: S and D sleeps, SIGKILL, caught signals, SIGSTOP and SIGCONT.
 */
#include "sched_test.h"

/* S while waiting, no CPU time while asleep, R again when woken. */
static void test_sleeper_on_a_wait_queue_is_S_gets_no_cpu_and_runs_when_woken(void **state)
{
    (void)state;
    uint64_t before = MS(1 + ug_rand_below(20)), after = MS(1 + ug_rand_below(20));
    int q = (int)ug_rand_below(15);
    sched_op_t prog[] = {SCHED_RUN(before), SCHED_WAIT_S(q), SCHED_RUN(after)};
    prog[1].wq = q;
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_EEVDF);
    sched_pid_t shell = st_sleeper(sim, 1, "shell");
    sched_attr_t a = st_fair("reader", 0, prog, NOPS(prog));
    sched_pid_t pid = st_spawn(sim, shell, &a);

    st_run(sim, SEC(1));
    assert_int_equal(SCHED_SLEEPING, sched_task_state(sim, pid));
    assert_int_equal(before, st_exec(sim, pid));
    assert_int_equal(0, st_cpu(sim, 0).curr);          /* the CPU is idle */
    assert_int_equal(1, sched_wake_up(sim, q));
    assert_int_equal(SCHED_RUNNING, sched_task_state(sim, pid));
    assert_int_equal(pid, st_cpu(sim, 0).curr);        /* an idle CPU takes it at once */
    st_run(sim, SEC(1) + after);
    assert_int_equal(SCHED_ZOMBIE, sched_task_state(sim, pid));
    assert_int_equal(before + after, st_exec(sim, pid));
    sched_sim_free(sim);
}

/* A plain D sleep does not end for SIGKILL; the kill waits for the wait.
 * Pids are seeded. */
static void test_uninterruptible_sleep_ignores_sigkill_until_its_wait_ends(void **state)
{
    (void)state;
    int q = (int)ug_rand_below(15);
    sched_op_t prog[] = {SCHED_WAIT_D(q), SCHED_RUN(MS(5)), SCHED_EXIT_GROUP(0)};
    prog[0].wq = q;
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_CFS);
    st_pad(sim);
    sched_pid_t shell = st_sleeper(sim, 1, "shell");
    sched_attr_t a = st_fair("nfs", 0, prog, NOPS(prog));
    sched_pid_t pid = st_spawn(sim, shell, &a);

    st_run(sim, MS(10 + ug_rand_below(100)));
    assert_int_equal(SCHED_DISK, sched_task_state(sim, pid));
    assert_int_equal(0, sched_kill(sim, pid, SIGKILL));
    assert_int_equal(0, sched_kill(sim, pid, SIGSTOP));
    st_run(sim, SEC(2));
    assert_int_equal(SCHED_DISK, sched_task_state(sim, pid));
    assert_int_equal(0, st_info(sim, pid).killable);
    assert_int_equal(1, sched_wake_up(sim, q));
    assert_int_equal(SCHED_ZOMBIE, sched_task_state(sim, pid));
    int status = -1;
    assert_int_equal(pid, sched_waitpid(sim, shell, pid, &status));
    assert_int_equal(SIGKILL, status);                 /* WIFSIGNALED, WTERMSIG 9 */
    assert_int_equal(0, st_exec(sim, pid));            /* it never ran its RUN */
    sched_sim_free(sim);
}

/* TASK_KILLABLE: a fatal signal ends the sleep, a caught one does not.
 * Pids are seeded. */
static void test_killable_sleep_wakes_for_sigkill_but_not_for_a_caught_signal(void **state)
{
    (void)state;
    int q = (int)ug_rand_below(15);
    sched_op_t prog[] = {SCHED_WAIT_KILLABLE(q), SCHED_RUN(MS(5))};
    prog[0].wq = q;
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_EEVDF);
    st_pad(sim);
    sched_pid_t shell = st_sleeper(sim, 1, "shell");
    sched_attr_t a = st_fair("killable", 0, prog, NOPS(prog));
    a.caught = 1ULL << SIGUSR1;
    sched_pid_t pid = st_spawn(sim, shell, &a);

    st_run(sim, MS(1 + ug_rand_below(50)));
    assert_int_equal(SCHED_DISK, sched_task_state(sim, pid));
    assert_int_equal(1, st_info(sim, pid).killable);
    assert_int_equal(0, sched_kill(sim, pid, SIGUSR1));
    st_run(sim, MS(100));
    assert_int_equal(SCHED_DISK, sched_task_state(sim, pid));
    assert_int_equal(0, sched_kill(sim, pid, SIGKILL));
    assert_int_equal(SCHED_ZOMBIE, sched_task_state(sim, pid));
    int status = -1;
    assert_int_equal(pid, sched_waitpid(sim, shell, -1, &status));
    assert_int_equal(SIGKILL, status);
    sched_sim_free(sim);
}

/* A caught signal interrupts an S sleep: the program goes on (EINTR). */
static void test_caught_signal_cuts_an_interruptible_sleep_short(void **state)
{
    (void)state;
    uint64_t when = MS(10 + ug_rand_below(90)), work = MS(1 + ug_rand_below(30));
    int code = 1 + (int)ug_rand_below(200);
    sched_op_t prog[] = {SCHED_SLEEP(SEC(100)), SCHED_RUN(work), SCHED_EXIT_GROUP(code)};
    prog[2].code = code;
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_CFS);
    sched_pid_t shell = st_sleeper(sim, 1, "shell");
    sched_attr_t a = st_fair("daemon", 0, prog, NOPS(prog));
    a.caught = 1ULL << SIGHUP;
    sched_pid_t pid = st_spawn(sim, shell, &a);

    st_run(sim, when);
    assert_int_equal(SCHED_SLEEPING, sched_task_state(sim, pid));
    assert_int_equal(0, sched_kill(sim, pid, SIGHUP));
    assert_int_equal(SCHED_RUNNING, sched_task_state(sim, pid));
    st_run(sim, when + work - 1);
    assert_int_equal(SCHED_RUNNING, sched_task_state(sim, pid));
    st_run(sim, when + work);
    assert_int_equal(SCHED_ZOMBIE, sched_task_state(sim, pid));
    int status = -1;
    assert_int_equal(pid, sched_waitpid(sim, shell, pid, &status));
    assert_int_equal(code << 8, status);               /* WIFEXITED, WEXITSTATUS code */
    sched_sim_free(sim);
}

/* SIGTERM nobody catches is fatal, and wait reports its number. */
static void test_uncaught_sigterm_kills_a_sleeper_with_its_number(void **state)
{
    (void)state;
    static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1};
    int sig = sigs[ug_rand_below(4)];
    sched_op_t prog[] = {SCHED_SLEEP(SEC(100))};
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_EEVDF);
    st_pad(sim);
    sched_pid_t shell = st_sleeper(sim, 1, "shell");
    sched_attr_t a = st_fair("victim", 0, prog, NOPS(prog));
    sched_pid_t pid = st_spawn(sim, shell, &a);

    st_run(sim, MS(5 + ug_rand_below(50)));
    assert_int_equal(0, sched_kill(sim, pid, sig));
    assert_int_equal(SCHED_ZOMBIE, sched_task_state(sim, pid));
    int status = -1;
    assert_int_equal(pid, sched_waitpid(sim, shell, pid, &status));
    assert_int_equal(sig, status);
    assert_int_equal(-EINVAL, sched_kill(sim, shell, 0));
    assert_int_equal(-EINVAL, sched_kill(sim, shell, SIGSEGV));
    sched_sim_free(sim);
}

/* SIGSTOP stops every thread of the process; SIGCONT resumes them all.
 * How many threads, and when the stop and the resume come, are seeded. */
static void test_sigstop_stops_every_thread_and_sigcont_resumes_them(void **state)
{
    (void)state;
    int nthreads = 1 + (int)ug_rand_below(3);
    uint64_t stop = MS(100) + US(ug_rand_below(100000)), cont = stop + SEC(1);
    uint64_t resumed = MS(100) + US(ug_rand_below(100000));
    sched_sim_t *sim = st_sim(2, SCHED_FAIR_EEVDF);
    sched_attr_t a = st_fair("worker", 0, NULL, 0);
    sched_pid_t pid = st_spawn(sim, 1, &a);
    sched_pid_t tids[4] = {pid};
    for (int i = 1; i <= nthreads; i++)
        tids[i] = st_thread(sim, pid, &a);

    st_run(sim, stop);
    assert_int_equal(0, sched_kill(sim, pid, SIGSTOP));
    char states[5] = {0}, want[5] = {0};
    uint64_t stopped_at = 0, after_stop = 0, after_cont = 0;
    for (int i = 0; i <= nthreads; i++) {
        states[i] = (char)sched_task_state(sim, tids[i]);
        want[i] = 'T';
        stopped_at += st_exec(sim, tids[i]);
    }
    assert_string_equal(want, states);
    assert_int_equal(2 * stop, stopped_at);            /* both CPUs busy until the stop */
    st_run(sim, cont);
    for (int i = 0; i <= nthreads; i++)
        after_stop += st_exec(sim, tids[i]);
    assert_int_equal(stopped_at, after_stop);          /* no CPU while stopped */
    assert_int_equal(0, st_cpu(sim, 0).curr + st_cpu(sim, 1).curr);

    assert_int_equal(0, sched_kill(sim, pid, SIGCONT));
    for (int i = 0; i <= nthreads; i++) {
        states[i] = (char)sched_task_state(sim, tids[i]);
        want[i] = 'R';
    }
    assert_string_equal(want, states);
    st_run(sim, cont + resumed);
    for (int i = 0; i <= nthreads; i++)
        after_cont += st_exec(sim, tids[i]);
    assert_int_equal(2 * resumed, after_cont - after_stop);   /* both CPUs busy again */
    sched_sim_free(sim);
}

/* A sleeper stopped mid-sleep goes back to sleep after SIGCONT, unless what
 * it waited for happened while it was stopped. The work after the sleep
 * and the pids are seeded. */
static void test_stopped_sleeper_resumes_its_sleep_after_sigcont_unless_woken_meanwhile(void **state)
{
    (void)state;
    int qa = (int)ug_rand_below(7), qb = 7 + (int)ug_rand_below(7);
    uint64_t work = MS(1) + US(ug_rand_below(9000));
    sched_op_t pa[] = {SCHED_WAIT_S(0), SCHED_RUN(0)}, pb[] = {SCHED_WAIT_S(0), SCHED_RUN(0)};
    pa[0].wq = qa;
    pb[0].wq = qb;
    pa[1].ns = pb[1].ns = work;
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_CFS);
    st_pad(sim);
    sched_attr_t a = st_fair("a", 0, pa, NOPS(pa)), b = st_fair("b", 0, pb, NOPS(pb));
    sched_pid_t ta = st_spawn(sim, 1, &a), tb = st_spawn(sim, 1, &b);

    st_run(sim, MS(20));
    assert_int_equal(0, sched_kill(sim, ta, SIGSTOP));
    assert_int_equal(0, sched_kill(sim, tb, SIGSTOP));
    assert_int_equal(SCHED_STOPPED, sched_task_state(sim, ta));
    assert_int_equal(SCHED_STOPPED, sched_task_state(sim, tb));
    assert_int_equal(1, sched_wake_up(sim, qa));        /* a's data arrives meanwhile */
    assert_int_equal(SCHED_STOPPED, sched_task_state(sim, ta));
    st_run(sim, MS(40));
    assert_int_equal(0, sched_kill(sim, ta, SIGCONT));
    assert_int_equal(0, sched_kill(sim, tb, SIGCONT));
    assert_int_equal(SCHED_RUNNING, sched_task_state(sim, ta));
    assert_int_equal(SCHED_SLEEPING, sched_task_state(sim, tb));
    st_run(sim, MS(60));
    assert_int_equal(work, st_exec(sim, ta));
    assert_int_equal(0, st_exec(sim, tb));
    assert_int_equal(1, sched_wake_up(sim, qb));
    assert_int_equal(SCHED_RUNNING, sched_task_state(sim, tb));
    sched_sim_free(sim);
}

UG_TEST_GROUP(sched_states, NULL, NULL,
    cmocka_unit_test(test_sleeper_on_a_wait_queue_is_S_gets_no_cpu_and_runs_when_woken),
    cmocka_unit_test(test_uninterruptible_sleep_ignores_sigkill_until_its_wait_ends),
    cmocka_unit_test(test_killable_sleep_wakes_for_sigkill_but_not_for_a_caught_signal),
    cmocka_unit_test(test_caught_signal_cuts_an_interruptible_sleep_short),
    cmocka_unit_test(test_uncaught_sigterm_kills_a_sleeper_with_its_number),
    cmocka_unit_test(test_sigstop_stops_every_thread_and_sigcont_resumes_them),
    cmocka_unit_test(test_stopped_sleeper_resumes_its_sleep_after_sigcont_unless_woken_meanwhile));
