/*
 * process-tree.c — a process tree through exit, zombies, reparenting and
 * reaping, printed like pstree at each step, with each task's state.
 *
 *   supervisor (a subreaper, like systemd --user or tini)
 *     └ daemon
 *         ├ worker-1 ... exits: a zombie until someone waits
 *         ├ worker-2
 *         └ server (three threads)
 *   Then the daemon dies: its children go to the supervisor (the nearest
 *   subreaper), which reaps the zombie; the server's main thread exits
 *   while its threads run on (a zombie leader nobody may reap yet); and
 *   when the supervisor dies too, what is left goes to init, which reaps.
 *
 *   sched_demo_process-tree
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"

#define MS(x) ((uint64_t)(x) * SCHED_NSEC_PER_MSEC)

static void print_tree(sched_sim_t *sim, sched_pid_t pid, int depth)
{
    sched_task_info_t ti;
    if (sched_task_info(sim, pid, &ti) || ti.state == SCHED_DEAD)
        return;
    printf("%*s%s%s %d [%c]", 2 * depth + 2, "", depth ? "└ " : "", ti.comm, (int)pid,
           (char)ti.state);
    if (ti.nr_threads > 1 || (ti.state == SCHED_ZOMBIE && ti.nr_threads))
        printf("  threads alive: %d", ti.nr_threads);
    printf("\n");
    for (sched_pid_t c = 2; c <= sched_last_pid(sim); c++) {
        sched_task_info_t ci;
        if (!sched_task_info(sim, c, &ci) && ci.tid == ci.tgid && ci.ppid == pid && c != pid)
            print_tree(sim, c, depth + 1);
    }
}

static void step(sched_sim_t *sim, const char *what)
{
    printf("\n%6.0f ms  %s\n", (double)sched_now(sim) / 1e6, what);
    print_tree(sim, 1, 0);
}

int main(void)
{
    static const sched_op_t forever[] = {SCHED_WAIT_S(0)};
    static const sched_op_t brief[] = {SCHED_RUN(MS(20)), SCHED_EXIT_GROUP(3)};
    static const sched_op_t lead[] = {SCHED_RUN(MS(5)), SCHED_EXIT(0)};
    sched_config_t c;
    sched_config_init(&c);
    c.ncpus = 2;
    sched_sim_t *sim;
    int rc = sched_sim_new(&c, &sim);
    if (rc) {
        fprintf(stderr, "process-tree: the lab's sched_sim_new failed: %s\n",
                strerror(-rc));
        return 1;
    }
    sched_attr_t sup = {.name = "supervisor", .prog = forever, .nops = 1, .subreaper = true};
    sched_attr_t dae = {.name = "daemon", .prog = forever, .nops = 1};
    sched_attr_t w1 = {.name = "worker-1", .prog = brief, .nops = 2};
    sched_attr_t w2 = {.name = "worker-2", .prog = forever, .nops = 1};
    sched_attr_t srv = {.name = "server", .prog = lead, .nops = 2};
    sched_attr_t thr = {.name = "server-thread"};
    sched_pid_t s = sched_spawn(sim, 1, &sup);
    sched_pid_t d = sched_spawn(sim, s, &dae);
    sched_pid_t k1 = sched_spawn(sim, d, &w1);
    sched_spawn(sim, d, &w2);
    sched_pid_t sv = sched_spawn(sim, d, &srv);
    sched_thread(sim, sv, &thr);
    sched_thread(sim, sv, &thr);
    step(sim, "the tree (init is 1; [state] as /proc shows it)");

    sched_run_until(sim, MS(50));
    step(sim, "worker-1 exited (Z: the daemon never waits); the server's main thread exited "
              "(Z, but two threads run on)");

    sched_kill(sim, d, SIGKILL);
    step(sim, "the daemon is killed: its children now belong to the supervisor, the nearest "
              "subreaper");

    int status = 0;
    printf("\n  the supervisor calls waitpid(-1, WNOHANG) until it gets 0:\n");
    for (sched_pid_t got; (got = sched_waitpid(sim, s, -1, &status)) > 0;)
        printf("    reaped %d: %s %d\n", (int)got, status & 0x7f ? "killed by signal" : "exit code",
               status & 0x7f ? status & 0x7f : status >> 8);
    printf("    the server (%d) is not reapable while its threads run\n", (int)sv);
    step(sim, "after the reaping");
    (void)k1;

    sched_kill(sim, s, SIGKILL);
    sched_run_until(sim, MS(100));
    step(sim, "the supervisor is killed: everything goes to init, which reaps what dies");

    sched_kill(sim, sv, SIGKILL);
    sched_run_until(sim, MS(150));
    step(sim, "the server is killed (a signal to a process ends every thread): init reaped it");
    sched_sim_free(sim);
    return 0;
}
