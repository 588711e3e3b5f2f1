/*
 * fair-shares.c — how the fair class splits one CPU, CFS against EEVDF.
 *
 * Two CPU hogs, nice 0 and nice 5, for 5 simulated seconds: both
 * generations give them 1024 : 335 of the CPU, the weights of the kernel's
 * table. What differs is the rhythm, shown for the first 100 ms (one
 * column per millisecond): CFS gives each its slice of the 6 ms latency
 * period, EEVDF hands the CPU over at each tick once a request is served.
 * A third task then wakes after a long sleep: CFS lets it in half a
 * latency early (sleeper credit), EEVDF places it by its saved lag.
 *
 * Interface: main → run(CFS), run(EEVDF), each one simulation.
 */
#include <stdio.h>

#include <undergo/demo.h>

#include "sched.h"

#define MS(x) ((uint64_t)(x) * SCHED_NSEC_PER_MSEC)

static void trace(void *ctx, const sched_event_t *ev)
{
    sched_pid_t *running = ctx;
    if (ev->kind == SCHED_EV_SWITCH)
        *running = ev->other;
}

/* The first 100 ms, one letter per millisecond: who had the CPU. */
static bool first_100ms(demo_t *d, sched_sim_t *sim, const sched_pid_t *running,
                        sched_pid_t pa, sched_pid_t pb)
{
    char line[101] = {0};
    for (int ms = 0; ms < 100; ms++) {
        if (!demo_ok(d, sched_run_until(sim, MS(ms) + MS(1) / 2), "sched_run_until"))
            return false;
        line[ms] = *running == pa ? 'A' : *running == pb ? 'b' : '.';
    }
    printf("  first 100 ms (A = nice 0, b = nice 5, . = other):\n  %s\n", line);
    return true;
}

/* CPU time of tid so far, in ms (0 after a failed call, counted). */
static double exec_ms(demo_t *d, sched_sim_t *sim, sched_pid_t tid)
{
    sched_task_info_t ti = {0};
    return demo_ok(d, sched_task_info(sim, tid, &ti), "sched_task_info")
               ? (double)ti.sum_exec_ns / 1e6 : 0;
}

/* The napper wakes after 5 s asleep: where the class puts it. */
static bool wake_napper(demo_t *d, sched_sim_t *sim, sched_pid_t ps)
{
    sched_cpu_info_t ci;
    sched_task_info_t is;
    if (!demo_ok(d, sched_wake_up(sim, 2), "sched_wake_up")
        || !demo_ok(d, sched_cpu_info(sim, 0, &ci), "sched_cpu_info")
        || !demo_ok(d, sched_task_info(sim, ps, &is), "sched_task_info"))
        return false;
    printf("  the napper wakes at 5 s: vruntime %+.2f ms from min_vruntime, %+.2f ms from V;"
           " it %s\n", (double)(int64_t)(is.vruntime - ci.min_vruntime) / 1e6,
           (double)(int64_t)(is.vruntime - ci.avg_vruntime) / 1e6,
           ci.curr == ps ? "took the CPU at once" : "waited for its turn");
    return true;
}

static void run(demo_t *d, sched_fair_t fair, const char *name)
{
    static const sched_op_t napper[] = {SCHED_WAIT_S(2), SCHED_RUN(SCHED_FOREVER)};
    sched_pid_t running = 0;
    sched_config_t c;
    sched_config_init(&c);
    c.fair = fair;
    c.on_event = trace;
    c.ctx = &running;
    sched_sim_t *sim = NULL;
    demo_step(d, "%s", name);
    if (!demo_ok(d, sched_sim_new(&c, &sim), "sched_sim_new"))
        return;
    sched_attr_t a = {.name = "nice0"}, b = {.name = "nice5", .nice = 5};
    sched_attr_t s = {.name = "napper", .prog = napper, .nops = 2};
    sched_pid_t pa = sched_spawn(sim, 1, &a), pb = pa < 0 ? pa : sched_spawn(sim, 1, &b);
    sched_pid_t ps = pb < 0 ? pb : sched_spawn(sim, 1, &s);
    if (!demo_ok(d, ps, "sched_spawn") || !first_100ms(d, sim, &running, pa, pb)
        || !demo_ok(d, sched_run_until(sim, MS(5000)), "sched_run_until"))
        goto out;
    double ea = exec_ms(d, sim, pa), eb = exec_ms(d, sim, pb);
    printf("  after 5 s: nice 0 ran %.1f ms, nice 5 %.1f ms: 1024 : %.1f\n", ea, eb,
           ea > 0 ? 1024.0 * eb / ea : 0);
    if (!wake_napper(d, sim, ps) || !demo_ok(d, sched_run_until(sim, MS(10000)), "sched_run_until"))
        goto out;
    printf("  5 s later, three hogs: %.0f : %.0f : %.0f ms\n", exec_ms(d, sim, pa),
           exec_ms(d, sim, pb), exec_ms(d, sim, ps));
out:
    sched_sim_free(sim);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "sched fair-shares",
        .about = "CFS and EEVDF split a CPU 1024 : 335 for nice 0 and 5, in different rhythms"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Two hogs, nice 0 and nice 5, on one CPU; a napper wakes at 5 s");
    demo_note(&d, "nice 0 weighs %lu, nice 5 weighs %lu (not 1024 / 1.25^5 = 335.5)",
              sched_nice_weight(0), sched_nice_weight(5));
    run(&d, SCHED_FAIR_CFS, "CFS (Linux up to 6.5)");
    if (!d.failures)
        run(&d, SCHED_FAIR_EEVDF, "EEVDF (Linux 6.6 and later)");
    return demo_end(&d);
}
