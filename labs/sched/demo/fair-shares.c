/*
 * fair-shares.c — how the fair class splits one CPU, CFS against EEVDF.
 *
 * Two CPU hogs, nice 0 and nice 5, for 10 simulated seconds: both
 * generations give them 1024 : 335 of the CPU, the weights of the kernel's
 * table. What differs is the rhythm, shown for the first 100 ms (one
 * column per millisecond): CFS gives each its slice of the 6 ms latency
 * period, EEVDF hands the CPU over at each tick once a request is served.
 * A third task then wakes after a long sleep: CFS lets it in half a
 * latency early (sleeper credit), EEVDF places it by its saved lag.
 *
 *   sched_demo_fair-shares
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"

#define MS(x) ((uint64_t)(x) * SCHED_NSEC_PER_MSEC)

static sched_pid_t owner[100];

static void trace(void *ctx, const sched_event_t *ev)
{
    sched_pid_t *running = ctx;
    if (ev->kind == SCHED_EV_SWITCH)
        *running = ev->other;
}

static void run(sched_fair_t fair, const char *name)
{
    static const sched_op_t napper[] = {SCHED_WAIT_S(2), SCHED_RUN(SCHED_FOREVER)};
    sched_pid_t running = 0;
    sched_config_t c;
    sched_config_init(&c);
    c.fair = fair;
    c.on_event = trace;
    c.ctx = &running;
    sched_sim_t *sim;
    int rc = sched_sim_new(&c, &sim);
    if (rc) {
        fprintf(stderr, "fair-shares: the lab's sched_sim_new failed: %s\n",
                strerror(-rc));
        exit(1);
    }
    sched_attr_t a = {.name = "nice0"}, b = {.name = "nice5", .nice = 5};
    sched_attr_t s = {.name = "napper", .prog = napper, .nops = 2};
    sched_pid_t pa = sched_spawn(sim, 1, &a), pb = sched_spawn(sim, 1, &b);
    sched_pid_t ps = sched_spawn(sim, 1, &s);
    for (int ms = 0; ms < 100; ms++) {
        sched_run_until(sim, MS(ms) + MS(1) / 2);
        owner[ms] = running;
    }
    printf("%-6s first 100 ms (A = nice 0, b = nice 5, . = other):\n       ", name);
    for (int ms = 0; ms < 100; ms++)
        putchar(owner[ms] == pa ? 'A' : owner[ms] == pb ? 'b' : '.');
    sched_run_until(sim, MS(5000));
    sched_task_info_t ia, ib, is;
    sched_task_info(sim, pa, &ia);
    sched_task_info(sim, pb, &ib);
    printf("\n       after 5 s: nice 0 ran %.1f ms, nice 5 %.1f ms: 1024 : %.1f\n",
           (double)ia.sum_exec_ns / 1e6, (double)ib.sum_exec_ns / 1e6,
           1024.0 * (double)ib.sum_exec_ns / (double)ia.sum_exec_ns);
    sched_cpu_info_t ci;
    sched_wake_up(sim, 2);
    sched_cpu_info(sim, 0, &ci);
    sched_task_info(sim, ps, &is);
    printf("       the napper wakes at 5 s: vruntime %+.2f ms from min_vruntime, "
           "%+.2f ms from V; it %s\n",
           (double)(int64_t)(is.vruntime - ci.min_vruntime) / 1e6,
           (double)(int64_t)(is.vruntime - ci.avg_vruntime) / 1e6,
           ci.curr == ps ? "took the CPU at once" : "waited for its turn");
    sched_run_until(sim, MS(10000));
    sched_task_info(sim, pa, &ia);
    sched_task_info(sim, pb, &ib);
    sched_task_info(sim, ps, &is);
    printf("       5 s later, three hogs: %.0f : %.0f : %.0f ms\n\n",
           (double)ia.sum_exec_ns / 1e6, (double)ib.sum_exec_ns / 1e6,
           (double)is.sum_exec_ns / 1e6);
    sched_sim_free(sim);
}

int main(void)
{
    printf("nice 0 weighs %lu, nice 5 weighs %lu (not 1024 / 1.25^5 = 335.5)\n\n",
           sched_nice_weight(0), sched_nice_weight(5));
    run(SCHED_FAIR_CFS, "CFS");
    run(SCHED_FAIR_EEVDF, "EEVDF");
    return 0;
}
