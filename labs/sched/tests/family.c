/*
 * family.c — tests of processes and threads: zombies and wait, orphans and
 * their new parents, a thread's exit against the whole group's.
 */
#include "sched_test.h"

/* Z from exit until the parent's wait; wait then finds nothing more. */
static void test_exited_child_stays_a_zombie_until_its_parent_waits(void **state)
{
    (void)state;
    int code = 1 + (int)ug_rand_below(255);
    uint64_t work = MS(1 + ug_rand_below(40));
    sched_op_t prog[] = {SCHED_RUN(work), SCHED_EXIT_GROUP(0)};
    prog[1].code = code;
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_EEVDF);
    sched_pid_t parent = st_sleeper(sim, 1, "parent");
    sched_attr_t a = st_fair("child", 0, prog, NOPS(prog));
    sched_pid_t child = st_spawn(sim, parent, &a);
    int status = -1;

    assert_int_equal(0, sched_waitpid(sim, parent, child, &status));   /* not yet */
    st_run(sim, work + SEC(5));
    assert_int_equal(SCHED_ZOMBIE, sched_task_state(sim, child));
    assert_int_equal(0, sched_kill(sim, child, SIGKILL));              /* nothing to kill */
    assert_int_equal(SCHED_ZOMBIE, sched_task_state(sim, child));
    assert_int_equal(parent, st_info(sim, child).ppid);
    assert_int_equal(child, sched_waitpid(sim, parent, -1, &status));
    assert_int_equal(code << 8, status);
    assert_int_equal(SCHED_DEAD, sched_task_state(sim, child));
    assert_int_equal(-ECHILD, sched_waitpid(sim, parent, -1, &status));
    assert_int_equal(-ESRCH, sched_kill(sim, child, SIGKILL));
    sched_sim_free(sim);
}

/* The children of a dead process go to init, which reaps them when they die. */
static void test_orphans_are_reparented_to_init_which_reaps_them(void **state)
{
    (void)state;
    int n = 1 + (int)ug_rand_below(4);
    uint64_t life = MS(10 + ug_rand_below(50)) + US(ug_rand_below(1000));
    sched_op_t pprog[] = {SCHED_RUN(life), SCHED_EXIT_GROUP(0)};
    sched_op_t cprog[] = {SCHED_SLEEP(SEC(1)), SCHED_EXIT_GROUP(0)};
    sched_sim_t *sim = st_sim(2, SCHED_FAIR_CFS);
    sched_pid_t grandpa = st_sleeper(sim, 1, "grandpa");
    sched_attr_t pa = st_fair("parent", 0, pprog, NOPS(pprog));
    sched_pid_t parent = st_spawn(sim, grandpa, &pa);
    sched_attr_t ca = st_fair("child", 0, cprog, NOPS(cprog));
    sched_pid_t kids[4];
    for (int i = 0; i < n; i++)
        kids[i] = st_spawn(sim, parent, &ca);

    st_run(sim, MS(200));
    assert_int_equal(SCHED_ZOMBIE, sched_task_state(sim, parent));   /* grandpa never waits */
    assert_int_equal(life, st_exec(sim, parent));
    for (int i = 0; i < n; i++)
        assert_int_equal(1, st_info(sim, kids[i]).ppid);
    st_run(sim, SEC(2));
    for (int i = 0; i < n; i++)
        assert_int_equal(SCHED_DEAD, sched_task_state(sim, kids[i]));   /* init reaped */
    assert_int_equal(SCHED_ZOMBIE, sched_task_state(sim, parent));
    sched_sim_free(sim);
}

/* PR_SET_CHILD_SUBREAPER: orphans go to the nearest live subreaper above
 * them, past plain ancestors; when that subreaper dies, its orphans move
 * on up to the next one. A zombie among them is reported to the new parent,
 * with its exit code. Pids, code and the number of orphans are seeded. */
static void test_orphans_go_to_the_nearest_live_subreaper(void **state)
{
    (void)state;
    static const sched_op_t forever[] = {SCHED_WAIT_S(15)};
    int code = 1 + (int)ug_rand_below(255);
    sched_op_t brief[] = {SCHED_RUN(MS(1)), SCHED_EXIT_GROUP(0)};
    brief[1].code = code;
    int n = 1 + (int)ug_rand_below(3);
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_EEVDF);
    st_pad(sim);
    sched_attr_t sub = st_fair("supervisor", 0, forever, 1);
    sub.subreaper = true;
    sched_pid_t outer = st_spawn(sim, 1, &sub);
    sched_pid_t inner = st_spawn(sim, outer, &sub);
    sched_pid_t plain = st_sleeper(sim, inner, "plain");
    sched_attr_t dad = st_fair("dad", 0, forever, 1);
    sched_pid_t parent = st_spawn(sim, plain, &dad);
    sched_attr_t kid = st_fair("kid", 0, brief, NOPS(brief));
    sched_pid_t child = st_spawn(sim, parent, &kid);
    sched_pid_t orphans[3];
    for (int i = 0; i < n; i++)
        orphans[i] = st_spawn(sim, parent, &dad);

    st_run(sim, MS(50));
    assert_int_equal(SCHED_ZOMBIE, sched_task_state(sim, child));      /* dad never waits */
    assert_int_equal(0, sched_kill(sim, parent, SIGKILL));
    assert_int_equal(inner, st_info(sim, child).ppid);                 /* past plain */
    for (int i = 0; i < n; i++)
        assert_int_equal(inner, st_info(sim, orphans[i]).ppid);
    assert_int_equal(0, sched_kill(sim, inner, SIGKILL));              /* it dies too */
    st_run(sim, MS(60));
    assert_int_equal(outer, st_info(sim, child).ppid);
    for (int i = 0; i < n; i++)
        assert_int_equal(outer, st_info(sim, orphans[i]).ppid);
    assert_int_equal(outer, st_info(sim, plain).ppid);
    int status = -1;
    assert_int_equal(child, sched_waitpid(sim, outer, child, &status));
    assert_int_equal(code << 8, status);
    assert_int_equal(0, sched_waitpid(sim, outer, orphans[0], &status));
    sched_sim_free(sim);
}

/* A thread that exits is released at once; its process runs on. */
static void test_thread_exit_leaves_the_process_running_and_is_never_a_zombie(void **state)
{
    (void)state;
    st_rec_t rec;
    uint64_t work = MS(1 + ug_rand_below(80));
    sched_op_t tprog[] = {SCHED_RUN(work), SCHED_EXIT(3)};
    sched_sim_t *sim = st_sim_rec(2, SCHED_FAIR_EEVDF, 0, &rec);
    sched_attr_t main_attr = st_fair("server", 0, NULL, 0);
    sched_pid_t pid = st_spawn(sim, 1, &main_attr);
    sched_attr_t ta = st_fair("handler", 0, tprog, NOPS(tprog));
    rec.watch = sched_last_pid(sim) + 1;
    sched_pid_t tid = st_thread(sim, pid, &ta);

    assert_int_equal(pid, st_info(sim, tid).tgid);
    assert_int_equal(2, st_info(sim, pid).nr_threads);
    st_run(sim, MS(200));
    assert_int_equal(SCHED_DEAD, sched_task_state(sim, tid));
    assert_string_equal("X", rec.watched);              /* R → X, never Z */
    assert_int_equal(SCHED_RUNNING, sched_task_state(sim, pid));
    assert_int_equal(1, st_info(sim, pid).nr_threads);
    assert_int_equal(work, st_exec(sim, tid));
    sched_sim_free(sim);
}

/* The leader that exits first is a zombie nobody can reap until the last
 * thread is gone; wait then reports the leader's own code. */
static void test_leader_exit_is_reported_only_when_the_last_thread_exits(void **state)
{
    (void)state;
    uint64_t lead = MS(2 + ug_rand_below(20)), rest = MS(40 + ug_rand_below(40));
    int lcode = 1 + (int)ug_rand_below(100), tcode = 101 + (int)ug_rand_below(100);
    sched_op_t lprog[] = {SCHED_RUN(lead), SCHED_EXIT(0)};
    sched_op_t tprog[] = {SCHED_RUN(rest), SCHED_EXIT(0)};
    lprog[1].code = lcode;
    tprog[1].code = tcode;
    sched_sim_t *sim = st_sim(2, SCHED_FAIR_CFS);
    sched_pid_t parent = st_sleeper(sim, 1, "parent");
    sched_attr_t la = st_fair("leader", 0, lprog, NOPS(lprog));
    sched_pid_t pid = st_spawn(sim, parent, &la);
    sched_attr_t ta = st_fair("thread", 0, tprog, NOPS(tprog));
    sched_pid_t tid = st_thread(sim, pid, &ta);
    int status = -1;

    st_run(sim, lead + MS(1));
    assert_int_equal(SCHED_ZOMBIE, sched_task_state(sim, pid));
    assert_int_equal(SCHED_RUNNING, sched_task_state(sim, tid));
    assert_int_equal(0, sched_waitpid(sim, parent, pid, &status));    /* not reapable */
    st_run(sim, rest + MS(1));
    assert_int_equal(SCHED_DEAD, sched_task_state(sim, tid));
    assert_int_equal(pid, sched_waitpid(sim, parent, pid, &status));
    assert_int_equal(lcode << 8, status);
    sched_sim_free(sim);
}

/* A fatal signal sent to one thread ends the whole thread group. */
static void test_sigkill_to_one_thread_kills_the_whole_process(void **state)
{
    (void)state;
    int nthreads = 1 + (int)ug_rand_below(4);
    sched_op_t sleepy[] = {SCHED_SLEEP(SEC(10))};
    sched_sim_t *sim = st_sim(2, SCHED_FAIR_EEVDF);
    st_pad(sim);
    sched_pid_t parent = st_sleeper(sim, 1, "parent");
    sched_attr_t hog = st_fair("main", 0, NULL, 0), nap = st_fair("napper", 0, sleepy, 1);
    sched_pid_t pid = st_spawn(sim, parent, &hog);
    sched_pid_t tids[5] = {pid};
    for (int i = 1; i <= nthreads; i++)
        tids[i] = st_thread(sim, pid, i % 2 ? &nap : &hog);

    st_run(sim, MS(30));
    sched_pid_t target = tids[1 + ug_rand_below((uint64_t)nthreads)];
    assert_int_equal(0, sched_tkill(sim, target, SIGKILL));
    char states[6] = {0}, want[6] = {0};
    for (int i = 0; i <= nthreads; i++) {
        states[i] = (char)sched_task_state(sim, tids[i]);
        want[i] = i ? 'X' : 'Z';
    }
    assert_string_equal(want, states);
    int status = -1;
    assert_int_equal(pid, sched_waitpid(sim, parent, -1, &status));
    assert_int_equal(SIGKILL, status);
    sched_sim_free(sim);
}

/* wait() in a program sleeps in S until a child exits, then reaps it. The
 * child's work, the shell's own and the pids are seeded. */
static void test_waitpid_op_sleeps_the_parent_in_S_until_a_child_exits(void **state)
{
    (void)state;
    uint64_t work = MS(5 + ug_rand_below(50)) + US(ug_rand_below(1000));
    uint64_t own = US(100 + ug_rand_below(900));
    sched_op_t cprog[] = {SCHED_RUN(work), SCHED_EXIT_GROUP(9)};
    sched_attr_t ca = st_fair("job", 0, cprog, NOPS(cprog));
    sched_op_t pprog[] = {SCHED_FORK(&ca), SCHED_WAITPID(), SCHED_RUN(own), SCHED_WAITPID(),
                          SCHED_EXIT_GROUP(0)};
    sched_sim_t *sim = st_sim(1, SCHED_FAIR_EEVDF);
    st_pad(sim);
    sched_pid_t top = st_sleeper(sim, 1, "top");
    sched_attr_t pa = st_fair("shell", 0, pprog, NOPS(pprog));
    sched_pid_t shell = st_spawn(sim, top, &pa);
    sched_pid_t job = shell + 1;

    st_run(sim, work / 2);
    assert_int_equal(SCHED_SLEEPING, sched_task_state(sim, shell));
    assert_int_equal(shell, st_info(sim, job).ppid);
    st_run(sim, work + MS(1));
    assert_int_equal(SCHED_DEAD, sched_task_state(sim, job));          /* reaped by the shell */
    assert_int_equal(work, st_exec(sim, job));
    st_run(sim, work + MS(10));
    assert_int_equal(SCHED_ZOMBIE, sched_task_state(sim, shell));      /* 2nd wait: ECHILD */
    assert_int_equal(own, st_exec(sim, shell));
    sched_sim_free(sim);
}

UG_TEST_GROUP(sched_family, NULL, NULL,
    cmocka_unit_test(test_exited_child_stays_a_zombie_until_its_parent_waits),
    cmocka_unit_test(test_orphans_are_reparented_to_init_which_reaps_them),
    cmocka_unit_test(test_orphans_go_to_the_nearest_live_subreaper),
    cmocka_unit_test(test_thread_exit_leaves_the_process_running_and_is_never_a_zombie),
    cmocka_unit_test(test_leader_exit_is_reported_only_when_the_last_thread_exits),
    cmocka_unit_test(test_sigkill_to_one_thread_kills_the_whole_process),
    cmocka_unit_test(test_waitpid_op_sleeps_the_parent_in_S_until_a_child_exits));
