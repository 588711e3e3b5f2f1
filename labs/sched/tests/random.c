/*
 * random.c — a seeded random workload checked against invariants, not
 * against a recorded answer: whatever the seed, the model must keep
 *   - the switch trace coherent: a CPU switches away from what it ran, and
 *     no task runs on two CPUs at once;
 *   - state changes along the edges of the state diagram only;
 *   - every runnable fair task running within a bound (no starvation);
 *   - under EEVDF, only eligible tasks picked (vruntime ≤ V);
 *   - the vruntimes of the fair tasks of one CPU within a bound of each other;
 *   - CPU time conserved: what the tasks were charged is what the CPUs ran;
 *   - every task created announced by a fork record;
 *   - no zombie left behind once init has had its turn.
 * The workload: hogs, interactive tasks, D sleepers on a "disk", wait-queue
 * producers and consumers, a forking shell, RT tasks at 10% duty, threads;
 * with SIGSTOP/SIGCONT and SIGKILL thrown in from outside.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sched_test.h"

#define MAX_TASKS 8192
/* Fair tasks have nice 0..4, so no weight is 2.5 times another's, and at
 * most 20 tasks share a CPU: a runnable fair task then waits at most
 * WAIT_BOUND for a CPU (20 tasks × a 4 ms tick × 2.5 + the RT tasks' 20%),
 * and the vruntimes of a CPU's runnable fair tasks stay within SPREAD_BOUND
 * of each other (a few ticks of the lightest task's vruntime). */
#define WAIT_BOUND MS(250)
#define SPREAD_BOUND MS(250)

typedef struct inv {
    sched_sim_t *sim;
    sched_pid_t running[SCHED_MAX_CPUS];
    char state[MAX_TASKS];
    uint64_t waiting_since[MAX_TASKS];   /* runnable and not running since, 0: not */
    uint64_t max_wait;
    int64_t max_spread;
    unsigned long_waits, wide_spreads;   /* past the bounds below */
    sched_fair_t fair;
    unsigned ineligible;                 /* EEVDF picks of a task with vruntime > V */
    unsigned bad_switch, bad_edge, double_run;
    unsigned forks;                      /* fork records seen */
} inv_t;

static bool edge_ok(char from, char to)
{
    switch (from) {
    case 'R': return strchr("SDTZX", to) != NULL;
    case 'S': return strchr("RTZX", to) != NULL;
    case 'D': return strchr("RTZX", to) != NULL;
    case 'T': return strchr("RSZX", to) != NULL;
    case 'Z': return to == 'X';
    default: return false;
    }
}

/* The spread of vruntimes among runnable fair tasks on cpu. */
static int64_t spread(inv_t *v, int cpu)
{
    bool any = false;
    uint64_t lo = 0, hi = 0;
    for (sched_pid_t t = 2; t <= sched_last_pid(v->sim) && t < MAX_TASKS; t++) {
        sched_task_info_t ti;
        if (sched_task_info(v->sim, t, &ti) || ti.state != SCHED_RUNNING || ti.cpu != cpu
            || ti.policy != SCHED_POLICY_NORMAL)
            continue;
        if (!any || (int64_t)(ti.vruntime - lo) < 0)
            lo = ti.vruntime;
        if (!any || (int64_t)(ti.vruntime - hi) > 0)
            hi = ti.vruntime;
        any = true;
    }
    return any ? (int64_t)(hi - lo) : 0;
}

static void wait_starts(inv_t *v, sched_pid_t t, uint64_t now)
{
    sched_task_info_t ti;
    if (t > 1 && t < MAX_TASKS && !sched_task_info(v->sim, t, &ti)
        && ti.policy == SCHED_POLICY_NORMAL && !v->waiting_since[t])
        v->waiting_since[t] = now + 1;              /* +1: 0 means "not waiting" */
}

static void wait_ends(inv_t *v, sched_pid_t t, uint64_t now)
{
    if (t <= 1 || t >= MAX_TASKS || !v->waiting_since[t])
        return;
    uint64_t w = now + 1 - v->waiting_since[t];
    if (w > v->max_wait)
        v->max_wait = w;
    v->long_waits += w > WAIT_BOUND;
    v->waiting_since[t] = 0;
}

static void on_switch(inv_t *v, const sched_event_t *ev)
{
    if (v->running[ev->cpu] != ev->tid)
        v->bad_switch++;
    for (int c = 0; c < SCHED_MAX_CPUS; c++)
        if (c != ev->cpu && ev->other && v->running[c] == ev->other)
            v->double_run++;
    v->running[ev->cpu] = ev->other;
    if (ev->tid && ev->from == SCHED_RUNNING)
        wait_starts(v, ev->tid, ev->time);          /* preempted: waits again */
    wait_ends(v, ev->other, ev->time);
    sched_task_info_t ti;
    sched_cpu_info_t ci;
    if (v->fair == SCHED_FAIR_EEVDF && ev->other && !sched_task_info(v->sim, ev->other, &ti)
        && ti.policy == SCHED_POLICY_NORMAL && !sched_cpu_info(v->sim, ev->cpu, &ci))
        v->ineligible += (int64_t)(ti.vruntime - ci.avg_vruntime) > 0;
    int64_t s = spread(v, ev->cpu);
    if (s > v->max_spread)
        v->max_spread = s;
    v->wide_spreads += s > (int64_t)SPREAD_BOUND;
}

static void on_event(void *ctx, const sched_event_t *ev)
{
    inv_t *v = ctx;
    if (!v->sim)
        return;                                      /* init's first steps: nothing to check */
    v->forks += ev->kind == SCHED_EV_FORK;
    if (ev->kind == SCHED_EV_SWITCH) {
        on_switch(v, ev);
    } else if (ev->tid >= MAX_TASKS) {
        return;
    } else if (ev->kind == SCHED_EV_FORK) {
        v->state[ev->tid] = 'R';
        wait_starts(v, ev->tid, ev->time);
    } else if (ev->kind == SCHED_EV_STATE) {
        if (v->state[ev->tid] && !edge_ok(v->state[ev->tid], (char)ev->to))
            v->bad_edge++;
        v->state[ev->tid] = (char)ev->to;
        if (ev->to == SCHED_RUNNING)
            wait_starts(v, ev->tid, ev->time);
        else
            v->waiting_since[ev->tid] = 0;
    }
}

/* ---- the workload -------------------------------------------------------------------- */

static const sched_op_t hog_prog[] = {SCHED_RUN(SCHED_FOREVER)};
static const sched_op_t job_prog[] = {SCHED_RUN(MS(3)), SCHED_EXIT_GROUP(0)};
static const sched_attr_t job_attr = {.name = "job", .prog = job_prog, .nops = 2};

typedef struct kind {
    const char *name;
    sched_op_t prog[6];
    size_t nops;
    sched_policy_t policy;
} kind_t;

static const kind_t kinds[] = {
    {"hog", {SCHED_RUN(SCHED_FOREVER)}, 1, SCHED_POLICY_NORMAL},
    {"editor", {SCHED_RUN(US(300)), SCHED_SLEEP(MS(7)), SCHED_LOOP()}, 3, SCHED_POLICY_NORMAL},
    {"db", {SCHED_RUN(MS(1)), SCHED_IO(MS(5)), SCHED_LOOP()}, 3, SCHED_POLICY_NORMAL},
    {"consumer", {SCHED_RUN(US(500)), SCHED_WAIT_S(3), SCHED_LOOP()}, 3, SCHED_POLICY_NORMAL},
    {"producer", {SCHED_RUN(MS(2)), SCHED_WAKE(3), SCHED_SLEEP(MS(3)), SCHED_LOOP()}, 4,
     SCHED_POLICY_NORMAL},
    {"shell", {SCHED_RUN(MS(2)), SCHED_FORK(&job_attr), SCHED_WAITPID(), SCHED_SLEEP(MS(10)),
               SCHED_LOOP()}, 5, SCHED_POLICY_NORMAL},
    {"audio", {SCHED_RUN(MS(1)), SCHED_SLEEP(MS(9)), SCHED_LOOP()}, 3, SCHED_POLICY_FIFO},
    {"timer", {SCHED_RUN(US(500)), SCHED_SLEEP(US(4500)), SCHED_LOOP()}, 3, SCHED_POLICY_RR},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static sched_pid_t spawn_random(sched_sim_t *sim)
{
    const kind_t *k = &kinds[ug_rand_below(NKINDS)];
    sched_attr_t a = {.name = k->name, .policy = k->policy, .prog = k->prog, .nops = k->nops};
    if (k->policy == SCHED_POLICY_NORMAL)
        a.nice = (int)ug_rand_below(5);
    else
        a.rt_priority = 1 + (int)ug_rand_below(99);
    sched_pid_t pid = sched_spawn(sim, 1, &a);
    if (pid > 0 && ug_rand_below(4) == 0) {
        sched_attr_t t = {.name = "thread", .nice = a.nice, .prog = hog_prog, .nops = 1};
        t.prog = k->policy == SCHED_POLICY_NORMAL ? kinds[1].prog : hog_prog;
        t.nops = k->policy == SCHED_POLICY_NORMAL ? kinds[1].nops : 1;
        sched_thread(sim, pid, &t);
    }
    return pid;
}

/* Runs a workload for `secs` seconds; fills v. Returns the tasks' total CPU time. */
static uint64_t run_workload(sched_fair_t fair, int ncpus, inv_t *v, int secs)
{
    memset(v, 0, sizeof *v);
    v->fair = fair;
    sched_config_t c;
    sched_config_init(&c);
    c.ncpus = ncpus;
    c.fair = fair;
    c.on_event = on_event;
    c.ctx = v;
    assert_int_equal(0, sched_sim_new(&c, &v->sim));
    sched_sim_t *sim = v->sim;
    sched_pid_t procs[32];
    int n = 4 + 2 * ncpus + (int)ug_rand_below(6), stopped = 0;
    for (int i = 0; i < n; i++)
        procs[i] = spawn_random(sim);
    for (uint64_t t = MS(50); t <= SEC(secs); t += MS(50)) {
        assert_int_equal(0, sched_run_until(sim, t));
        int i = (int)ug_rand_below((uint64_t)n);
        if (stopped) {
            sched_kill(sim, stopped, SIGCONT);
            stopped = 0;
        } else if (ug_rand_below(3) == 0) {
            stopped = procs[i];
            sched_kill(sim, stopped, SIGSTOP);
        } else if (ug_rand_below(8) == 0 && sched_last_pid(sim) < MAX_TASKS - 16) {
            sched_kill(sim, procs[i], ug_rand_below(2) ? SIGKILL : SIGTERM);
            procs[i] = spawn_random(sim);
        }
    }
    if (stopped)
        sched_kill(sim, stopped, SIGCONT);
    for (int i = 0; i < n; i++)
        sched_kill(sim, procs[i], SIGKILL);
    assert_int_equal(0, sched_run_until(sim, SEC(secs + 1)));
    uint64_t total = 0, busy = 0;
    int missing = 0;
    for (sched_pid_t t = 1; t <= sched_last_pid(sim); t++) {
        sched_task_info_t ti;
        if (sched_task_info(sim, t, &ti))
            missing++;
        else
            total += ti.sum_exec_ns;
    }
    for (int i = 0; i < ncpus; i++)
        busy += st_cpu(sim, i).busy_ns;
    assert_int_equal(0, missing);
    assert_int_equal(busy, total);
    assert_int_equal(v->forks + 1, sched_last_pid(sim));   /* init's own is not seen */
    return total;
}

/* Zombies left once everything was killed and init had a second to reap. */
static int zombies_left(sched_sim_t *sim)
{
    int z = 0;
    for (sched_pid_t t = 2; t <= sched_last_pid(sim); t++)
        z += sched_task_state(sim, t) == SCHED_ZOMBIE;
    return z;
}

static void check_invariants(sched_fair_t fair)
{
    int ncpus = 1 + (int)ug_rand_below(4);
    inv_t v;
    uint64_t total = run_workload(fair, ncpus, &v, 5);
    assert_int_equal(0, v.bad_switch);
    assert_int_equal(0, v.double_run);
    assert_int_equal(0, v.bad_edge);
    assert_int_equal(0, zombies_left(v.sim));
    assert_int_equal(0, v.long_waits);
    assert_int_equal(0, v.wide_spreads);
    assert_int_equal(0, v.ineligible);
    if (getenv("SCHED_TEST_VERBOSE"))
        fprintf(stderr, "ncpus %d: max wait %.1f ms, max spread %.1f ms, cpu %.1f s\n", ncpus,
                (double)v.max_wait / 1e6, (double)v.max_spread / 1e6, (double)total / 1e9);
    sched_sim_free(v.sim);
}

static void test_random_workload_keeps_every_invariant_under_cfs(void **state)
{
    (void)state;
    check_invariants(SCHED_FAIR_CFS);
}

static void test_random_workload_keeps_every_invariant_under_eevdf(void **state)
{
    (void)state;
    check_invariants(SCHED_FAIR_EEVDF);
}

UG_TEST_GROUP(sched_random, NULL, NULL,
    cmocka_unit_test(test_random_workload_keeps_every_invariant_under_cfs),
    cmocka_unit_test(test_random_workload_keeps_every_invariant_under_eevdf));
