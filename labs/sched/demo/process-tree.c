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
 * Interface: main → build the tree → step (print) after each event.
 */
#include <signal.h>
#include <stdio.h>

#include <undergo/demo.h>

#include "sched.h"

#define MS(x) ((uint64_t)(x) * SCHED_NSEC_PER_MSEC)

typedef struct tree {
    sched_pid_t sup, daemon, server;
} tree_t;

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

static void step(demo_t *d, sched_sim_t *sim, const char *what)
{
    demo_step(d, "%.0f ms: %s", (double)sched_now(sim) / 1e6, what);
    print_tree(sim, 1, 0);
}

/* The tree of the header. Returns 0 or the lab's error. */
static int build(sched_sim_t *sim, tree_t *t)
{
    static const sched_op_t forever[] = {SCHED_WAIT_S(0)};
    static const sched_op_t brief[] = {SCHED_RUN(MS(20)), SCHED_EXIT_GROUP(3)};
    static const sched_op_t lead[] = {SCHED_RUN(MS(5)), SCHED_EXIT(0)};
    sched_attr_t sup = {.name = "supervisor", .prog = forever, .nops = 1, .subreaper = true};
    sched_attr_t dae = {.name = "daemon", .prog = forever, .nops = 1};
    sched_attr_t w1 = {.name = "worker-1", .prog = brief, .nops = 2};
    sched_attr_t w2 = {.name = "worker-2", .prog = forever, .nops = 1};
    sched_attr_t srv = {.name = "server", .prog = lead, .nops = 2};
    sched_attr_t thr = {.name = "server-thread"};
    sched_pid_t rc;
    if ((rc = t->sup = sched_spawn(sim, 1, &sup)) < 0
        || (rc = t->daemon = sched_spawn(sim, t->sup, &dae)) < 0
        || (rc = sched_spawn(sim, t->daemon, &w1)) < 0
        || (rc = sched_spawn(sim, t->daemon, &w2)) < 0
        || (rc = t->server = sched_spawn(sim, t->daemon, &srv)) < 0
        || (rc = sched_thread(sim, t->server, &thr)) < 0)
        return rc;
    rc = sched_thread(sim, t->server, &thr);
    return rc < 0 ? rc : 0;
}

/* The supervisor reaps with waitpid(-1, WNOHANG) until it gets 0. */
static bool reap_all(demo_t *d, sched_sim_t *sim, const tree_t *t)
{
    int status = 0;
    sched_pid_t got;
    printf("\n  the supervisor calls waitpid(-1, WNOHANG) until it gets 0:\n");
    while ((got = sched_waitpid(sim, t->sup, -1, &status)) > 0)
        printf("    reaped %d: %s %d\n", (int)got, status & 0x7f ? "killed by signal" : "exit code",
               status & 0x7f ? status & 0x7f : status >> 8);
    if (!demo_ok(d, got, "sched_waitpid"))
        return false;
    printf("    the server (%d) is not reapable while its threads run\n", (int)t->server);
    return true;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "sched process-tree",
        .about = "zombies, a subreaper, orphans moving up to init, a thread group's leader"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    sched_config_t c;
    sched_config_init(&c);
    c.ncpus = 2;
    sched_sim_t *sim = NULL;
    tree_t t = {0};
    demo_title(&d, "A process tree under a subreaper, step by step (init is 1; [state] as /proc)");
    if (!demo_ok(&d, sched_sim_new(&c, &sim), "sched_sim_new")
        || !demo_ok(&d, build(sim, &t), "sched_spawn"))
        goto out;
    step(&d, sim, "the tree");
    if (!demo_ok(&d, sched_run_until(sim, MS(50)), "sched_run_until"))
        goto out;
    step(&d, sim, "worker-1 exited (Z: the daemon never waits); the server's main thread exited "
                  "(Z, but two threads run on)");
    if (!demo_ok(&d, sched_kill(sim, t.daemon, SIGKILL), "sched_kill"))
        goto out;
    step(&d, sim, "the daemon is killed: its children now belong to the supervisor, the nearest "
                  "subreaper");
    if (!reap_all(&d, sim, &t))
        goto out;
    step(&d, sim, "after the reaping");
    if (!demo_ok(&d, sched_kill(sim, t.sup, SIGKILL), "sched_kill")
        || !demo_ok(&d, sched_run_until(sim, MS(100)), "sched_run_until"))
        goto out;
    step(&d, sim, "the supervisor is killed: everything goes to init, which reaps what dies");
    if (!demo_ok(&d, sched_kill(sim, t.server, SIGKILL), "sched_kill")
        || !demo_ok(&d, sched_run_until(sim, MS(150)), "sched_run_until"))
        goto out;
    step(&d, sim, "the server is killed (a signal to a process ends every thread): init reaped it");
out:
    sched_sim_free(sim);
    return demo_end(&d);
}
