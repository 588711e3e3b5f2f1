/*
 * rt-timeline.c — SCHED_RR against SCHED_FIFO on one CPU, as a timeline
 * (one column per 10 ms of simulated time).
 *
 * Three RR tasks of one priority take turns, 100 ms each. Three FIFO tasks
 * of one priority do not: the first runs until it blocks. In both rows a
 * higher-priority FIFO task wakes at 250 ms for 60 ms: it takes the CPU at
 * once, and the task it preempted resumes first, with what it had left of
 * its slice. A fair task, nice -20 or not, gets nothing while they run.
 *
 * Interface: main → row(RR), row(FIFO), each one simulation.
 */
#include <stdio.h>

#include <undergo/demo.h>

#include "sched.h"

#define MS(x) ((uint64_t)(x) * SCHED_NSEC_PER_MSEC)
#define COLS 80

typedef struct scene {
    sched_pid_t irq, fair, rt[3];
} scene_t;

/* The shell, the FIFO 90 task asleep on queue 1, a nice -20 hog, three RT
 * tasks of policy pol. Returns 0 or the lab's error. */
static int populate(sched_sim_t *sim, sched_policy_t pol, scene_t *s)
{
    static const sched_op_t irq[] = {SCHED_WAIT_S(1), SCHED_RUN(MS(60)), SCHED_EXIT_GROUP(0)};
    static const sched_op_t shell[] = {SCHED_WAIT_S(0)};
    sched_attr_t sh = {.name = "shell", .prog = shell, .nops = 1};
    sched_attr_t hi = {.name = "irq", .policy = SCHED_POLICY_FIFO, .rt_priority = 90,
                       .prog = irq, .nops = 3};
    sched_attr_t fair = {.name = "fair", .nice = -20};
    sched_attr_t a = {.name = "rt", .policy = pol, .rt_priority = 10};
    sched_pid_t parent = sched_spawn(sim, 1, &sh);
    if (parent < 0 || (s->irq = sched_spawn(sim, parent, &hi)) < 0)
        return parent < 0 ? parent : s->irq;
    if ((s->fair = sched_spawn(sim, parent, &fair)) < 0)
        return s->fair;
    for (int i = 0; i < 3; i++)
        if ((s->rt[i] = sched_spawn(sim, parent, &a)) < 0)
            return s->rt[i];
    return 0;
}

/* Who runs at 5 ms into column col: A B C, ! (the FIFO 90 task), f, or '.'. */
static char who(const scene_t *s, sched_pid_t curr)
{
    for (int i = 0; i < 3; i++)
        if (curr == s->rt[i])
            return (char)('A' + i);
    return curr == s->irq ? '!' : curr == s->fair ? 'f' : '.';
}

static void row(demo_t *d, sched_policy_t pol, const char *name)
{
    sched_config_t c;
    sched_config_init(&c);
    sched_sim_t *sim = NULL;
    scene_t s = {0};
    if (!demo_ok(d, sched_sim_new(&c, &sim), "sched_sim_new")
        || !demo_ok(d, populate(sim, pol, &s), "sched_spawn"))
        goto out;
    char line[COLS + 1] = {0};
    for (int col = 0; col < COLS; col++) {
        sched_cpu_info_t ci;
        if ((col == 25 && !demo_ok(d, sched_wake_up(sim, 1), "sched_wake_up"))
            || !demo_ok(d, sched_run_until(sim, MS(10) * (uint64_t)col + MS(5)), "sched_run_until")
            || !demo_ok(d, sched_cpu_info(sim, 0, &ci), "sched_cpu_info"))
            goto out;
        line[col] = who(&s, ci.curr);
    }
    sched_task_info_t fi;
    if (demo_ok(d, sched_task_info(sim, s.fair, &fi), "sched_task_info"))
        printf("%-5s %s   fair task: %.0f ms\n", name, line, (double)fi.sum_exec_ns / 1e6);
out:
    sched_sim_free(sim);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "sched rt-timeline",
        .about = "SCHED_RR tasks rotate every 100 ms, SCHED_FIFO tasks never; a FIFO 90 preempts"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Three RT tasks of priority 10 on one CPU, a FIFO 90 task from 250 ms");
    printf("      0 ms%*s800 ms   (A B C: the three tasks, !: FIFO 90 from 250 ms)\n", COLS - 10,
           "");
    row(&d, SCHED_POLICY_RR, "RR");
    if (!d.failures)
        row(&d, SCHED_POLICY_FIFO, "FIFO");
    if (!d.failures)
        demo_note(&d, "a fair task, even at nice -20, runs only when no RT task can");
    return demo_end(&d);
}
