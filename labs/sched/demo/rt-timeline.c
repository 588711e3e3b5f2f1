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
 *   sched_demo_rt-timeline
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"

#define MS(x) ((uint64_t)(x) * SCHED_NSEC_PER_MSEC)
#define COLS 80

static void row(sched_policy_t pol, const char *name)
{
    static const sched_op_t irq[] = {SCHED_WAIT_S(1), SCHED_RUN(MS(60)), SCHED_EXIT_GROUP(0)};
    static const sched_op_t shell[] = {SCHED_WAIT_S(0)};
    sched_config_t c;
    sched_config_init(&c);
    sched_sim_t *sim;
    int rc = sched_sim_new(&c, &sim);
    if (rc) {
        fprintf(stderr, "rt-timeline: the lab's sched_sim_new failed: %s\n",
                strerror(-rc));
        exit(1);
    }
    sched_attr_t sh = {.name = "shell", .prog = shell, .nops = 1};
    sched_pid_t parent = sched_spawn(sim, 1, &sh);
    sched_attr_t hi = {.name = "irq", .policy = SCHED_POLICY_FIFO, .rt_priority = 90,
                       .prog = irq, .nops = 3};
    sched_pid_t h = sched_spawn(sim, parent, &hi);
    sched_attr_t fair = {.name = "fair", .nice = -20};
    sched_pid_t f = sched_spawn(sim, parent, &fair);
    sched_pid_t t[3];
    for (int i = 0; i < 3; i++) {
        sched_attr_t a = {.name = "rt", .policy = pol, .rt_priority = 10};
        t[i] = sched_spawn(sim, parent, &a);
    }
    char line[COLS + 1] = {0};
    for (int col = 0; col < COLS; col++) {
        if (col == 25)
            sched_wake_up(sim, 1);          /* the high-priority task wakes at 250 ms */
        sched_run_until(sim, MS(10) * (uint64_t)col + MS(5));
        sched_cpu_info_t ci;
        sched_cpu_info(sim, 0, &ci);
        char ch = '.';
        for (int i = 0; i < 3; i++)
            if (ci.curr == t[i])
                ch = (char)('A' + i);
        if (ci.curr == h)
            ch = '!';
        if (ci.curr == f)
            ch = 'f';
        line[col] = ch;
    }
    sched_task_info_t fi;
    sched_task_info(sim, f, &fi);
    printf("%-5s %s   fair task: %.0f ms\n", name, line, (double)fi.sum_exec_ns / 1e6);
    sched_sim_free(sim);
}

int main(void)
{
    printf("      0 ms%*s800 ms   (A B C: the three tasks, !: FIFO 90 from 250 ms)\n", COLS - 10,
           "");
    row(SCHED_POLICY_RR, "RR");
    row(SCHED_POLICY_FIFO, "FIFO");
    return 0;
}
