/*
 * sched_bench.c — the model's throughput, in Go's benchmark format. One op
 * is 10 ms of simulated time of a busy machine; the lines also give the
 * context switches and trace events per op, so ns/event can be read off.
 *
 *   BenchmarkMixedCFS     2 CPUs: hogs, interactive tasks, disk sleepers,
 *                         a producer and consumers, RT at 10%: CFS
 *   BenchmarkMixedEEVDF   the same under EEVDF
 *   BenchmarkManyHogs     64 CPU hogs of mixed nice on one CPU (EEVDF):
 *                         the cost of picking among many
 *   BenchmarkForkReap     a shell forking short jobs and reaping them
 *
 * Interface: UG_BENCH functions; main() comes from undergo_bench.
 */
#include <stdio.h>
#include <stdlib.h>

#include <undergo/bench.h>

#include "sched.h"

#define MS(x) ((uint64_t)(x) * SCHED_NSEC_PER_MSEC)

typedef struct counts {
    uint64_t events, switches;
} counts_t;

static void count(void *ctx, const sched_event_t *ev)
{
    counts_t *c = ctx;
    c->events++;
    c->switches += ev->kind == SCHED_EV_SWITCH;
}

static sched_sim_t *bench_sim(int ncpus, sched_fair_t fair, counts_t *c)
{
    sched_config_t cfg;
    sched_config_init(&cfg);
    cfg.ncpus = ncpus;
    cfg.fair = fair;
    cfg.on_event = count;
    cfg.ctx = c;
    sched_sim_t *sim;
    if (sched_sim_new(&cfg, &sim)) {
        fprintf(stderr, "sched_bench: cannot create a simulation\n");
        exit(1);
    }
    return sim;
}

static void spawn(sched_sim_t *sim, sched_pid_t parent, const sched_attr_t *a)
{
    if (sched_spawn(sim, parent, a) <= 0) {
        fprintf(stderr, "sched_bench: cannot spawn %s\n", a->name);
        exit(1);
    }
}

/* Runs b->n ops of 10 ms each after set-up, and reports the counts. */
static void run_ops(ug_bench_t *b, sched_sim_t *sim, counts_t *c)
{
    uint64_t t = sched_now(sim);
    *c = (counts_t){0};
    ug_bench_reset_timer(b);
    ug_bench_start_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        t += MS(10);
        if (sched_run_until(sim, t)) {
            fprintf(stderr, "sched_bench: the model broke\n");
            exit(1);
        }
    }
    ug_bench_stop_timer(b);
    ug_bench_metric(b, (double)c->switches / (double)b->n, "switches/op");
    ug_bench_metric(b, (double)c->events / (double)b->n, "events/op");
    sched_sim_free(sim);
}

static const sched_op_t editor[] = {SCHED_RUN(300000), SCHED_SLEEP(MS(7)), SCHED_LOOP()};
static const sched_op_t db[] = {SCHED_RUN(MS(1)), SCHED_IO(MS(5)), SCHED_LOOP()};
static const sched_op_t consumer[] = {SCHED_RUN(500000), SCHED_WAIT_S(3), SCHED_LOOP()};
static const sched_op_t producer[] = {SCHED_RUN(MS(2)), SCHED_WAKE(3), SCHED_SLEEP(MS(3)),
                                      SCHED_LOOP()};
static const sched_op_t audio[] = {SCHED_RUN(MS(1)), SCHED_SLEEP(MS(9)), SCHED_LOOP()};

static void mixed(ug_bench_t *b, sched_fair_t fair)
{
    ug_bench_stop_timer(b);
    counts_t c;
    sched_sim_t *sim = bench_sim(2, fair, &c);
    for (int i = 0; i < 4; i++) {
        sched_attr_t hog = {.name = "hog", .nice = i};
        sched_attr_t ed = {.name = "editor", .nice = -i, .prog = editor, .nops = 3};
        sched_attr_t d = {.name = "db", .prog = db, .nops = 3};
        sched_attr_t co = {.name = "consumer", .prog = consumer, .nops = 3};
        spawn(sim, 1, &hog);
        spawn(sim, 1, &ed);
        spawn(sim, 1, &d);
        spawn(sim, 1, &co);
    }
    sched_attr_t pr = {.name = "producer", .prog = producer, .nops = 4};
    sched_attr_t au = {.name = "audio", .policy = SCHED_POLICY_FIFO, .rt_priority = 50,
                       .prog = audio, .nops = 3};
    spawn(sim, 1, &pr);
    spawn(sim, 1, &au);
    run_ops(b, sim, &c);
}

UG_BENCH(BenchmarkMixedCFS)
{
    mixed(b, SCHED_FAIR_CFS);
}

UG_BENCH(BenchmarkMixedEEVDF)
{
    mixed(b, SCHED_FAIR_EEVDF);
}

UG_BENCH(BenchmarkManyHogs)
{
    ug_bench_stop_timer(b);
    counts_t c;
    sched_sim_t *sim = bench_sim(1, SCHED_FAIR_EEVDF, &c);
    for (int i = 0; i < 64; i++) {
        sched_attr_t hog = {.name = "hog", .nice = i % 10};
        spawn(sim, 1, &hog);
    }
    run_ops(b, sim, &c);
}

/* Forking never reuses a pid, so the simulation is rebuilt (off the clock)
 * every 500 ops to keep its task table small. */
static sched_sim_t *fork_sim(counts_t *c)
{
    static const sched_op_t job[] = {SCHED_RUN(200000), SCHED_EXIT_GROUP(0)};
    static const sched_attr_t job_attr = {.name = "job", .prog = job, .nops = 2};
    static const sched_op_t shell[] = {SCHED_FORK(&job_attr), SCHED_FORK(&job_attr),
                                       SCHED_WAITPID(), SCHED_WAITPID(), SCHED_RUN(100000),
                                       SCHED_LOOP()};
    sched_sim_t *sim = bench_sim(2, SCHED_FAIR_EEVDF, c);
    sched_attr_t sh = {.name = "shell", .prog = shell, .nops = 6};
    spawn(sim, 1, &sh);
    spawn(sim, 1, &sh);
    return sim;
}

UG_BENCH(BenchmarkForkReap)
{
    ug_bench_stop_timer(b);
    counts_t c = {0};
    sched_sim_t *sim = fork_sim(&c);
    c = (counts_t){0};
    ug_bench_reset_timer(b);
    ug_bench_start_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        if (i && i % 500 == 0) {
            ug_bench_stop_timer(b);
            counts_t keep = c;
            sched_sim_free(sim);
            sim = fork_sim(&c);
            c = keep;
            ug_bench_start_timer(b);
        }
        if (sched_run_until(sim, sched_now(sim) + MS(10))) {
            fprintf(stderr, "sched_bench: the model broke\n");
            exit(1);
        }
    }
    ug_bench_stop_timer(b);
    ug_bench_metric(b, (double)c.switches / (double)b->n, "switches/op");
    ug_bench_metric(b, (double)c.events / (double)b->n, "events/op");
    sched_sim_free(sim);
}
