/*
 * sched_test.h — what the sched tests share: a fixture that builds a
 * simulation, short spellings for time and tasks, a recorder of context
 * switches and state changes, and an oracle for the kernel's fixed-point
 * arithmetic so expected vruntimes are computed here, not taken from the
 * code under test.
 *
 * Interface: st_sim → st_spawn / st_run / st_exec / st_info; st_rec_*;
 * st_calc_delta, st_weight.
 */
#ifndef SCHED_TEST_H
#define SCHED_TEST_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include <undergo/labtest.h>

#include "sched.h"

#define MS(x) ((uint64_t)(x) * SCHED_NSEC_PER_MSEC)
#define US(x) ((uint64_t)(x) * 1000ULL)
#define SEC(x) ((uint64_t)(x) * SCHED_NSEC_PER_SEC)
#define NOPS(p) (sizeof(p) / sizeof((p)[0]))

/* The kernel's weights, copied here so the tests do not trust the lab's. */
static const int st_weights[40] = {
    88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
    9548,  7620,  6100,  4904,  3906,  3121,  2501,  1991,  1586,  1277,
    1024,  820,   655,   526,   423,   335,   272,   215,   172,   137,
    110,   87,    70,    56,    45,    36,    29,    23,    18,    15,
};
static const uint32_t st_wmult[40] = {
    48388,     59856,     76040,     92818,     118348,    147320,    184698,    229616,
    287308,    360437,    449829,    563644,    704093,    875809,    1099582,   1376151,
    1717300,   2157191,   2708050,   3363326,   4194304,   5237765,   6557202,   8165337,
    10153587,  12820798,  15790321,  19976592,  24970740,  31350126,  39045157,  49367440,
    61356676,  76695844,  95443717,  119304647, 148102320, 186737708, 238609294, 286331153,
};

static inline unsigned long st_weight(int nice)
{
    return (unsigned long)st_weights[nice + 20];
}

/* __calc_delta(delta, weight, lw) with lw's inverse inv (0: 2^32-1 / lw). */
static inline uint64_t st_calc_delta(uint64_t delta, unsigned long weight, unsigned long lw,
                                     uint32_t inv)
{
    uint64_t fact = weight;
    int shift = 32;
    if (!inv)
        inv = (uint32_t)(0xffffffffUL / lw);
    if (fact >> 32) {
        int fs = 64 - __builtin_clzll(fact >> 32);
        shift -= fs;
        fact >>= fs;
    }
    fact = (uint64_t)(uint32_t)fact * inv;
    if (fact >> 32) {
        int fs = 64 - __builtin_clzll(fact >> 32);
        shift -= fs;
        fact >>= fs;
    }
    return (uint64_t)(((unsigned __int128)delta * (uint32_t)fact) >> shift);
}

/* calc_delta_fair for a task of nice level `nice`. */
static inline uint64_t st_delta_fair(uint64_t delta, int nice)
{
    if (st_weight(nice) == 1024)
        return delta;
    return st_calc_delta(delta, 1024, st_weight(nice), st_wmult[nice + 20]);
}

/* round(a * scale / b) for shares. */
static inline long st_ratio(uint64_t a, uint64_t b, long scale)
{
    if (!b)
        return -1;
    return (long)(((unsigned __int128)a * (unsigned)scale * 2 + b) / (2 * (unsigned __int128)b));
}

/* ---- the recorder --------------------------------------------------------------- */

#define ST_REC_MAX 4096

typedef struct st_rec {
    size_t n;                    /* switches seen (kept: the first ST_REC_MAX) */
    uint64_t time[ST_REC_MAX];
    int cpu[ST_REC_MAX];
    sched_pid_t next[ST_REC_MAX];
    size_t nstates;              /* state changes seen */
    unsigned zombies;            /* changes to Z */
    sched_pid_t watch;           /* count this task's changes in `watched` */
    char watched[64];            /* its states, in order */
    size_t nwatched;
} st_rec_t;

static inline void st_rec_event(void *ctx, const sched_event_t *ev)
{
    st_rec_t *r = ctx;
    if (ev->kind == SCHED_EV_SWITCH) {
        if (r->n < ST_REC_MAX) {
            r->time[r->n] = ev->time;
            r->cpu[r->n] = ev->cpu;
            r->next[r->n] = ev->other;
        }
        r->n++;
    } else if (ev->kind == SCHED_EV_STATE) {
        r->nstates++;
        r->zombies += ev->to == SCHED_ZOMBIE;
        if (ev->tid == r->watch && r->nwatched + 1 < sizeof r->watched)
            r->watched[r->nwatched++] = (char)ev->to;
    }
}

/* ---- building and running ------------------------------------------------------------ */

/* A simulation; with rec, every event goes to the recorder. */
static inline sched_sim_t *st_sim_rec(int ncpus, sched_fair_t fair, uint64_t tick,
                                      st_rec_t *rec)
{
    sched_config_t c;
    sched_config_init(&c);
    c.ncpus = ncpus;
    c.fair = fair;
    if (tick)
        c.tick_ns = tick;
    if (rec) {
        memset(rec, 0, sizeof *rec);
        c.on_event = st_rec_event;
        c.ctx = rec;
    }
    sched_sim_t *sim = NULL;
    assert_int_equal(0, sched_sim_new(&c, &sim));
    return sim;
}

static inline sched_sim_t *st_sim(int ncpus, sched_fair_t fair)
{
    return st_sim_rec(ncpus, fair, 0, NULL);
}

static inline void st_run(sched_sim_t *sim, uint64_t until)
{
    assert_int_equal(0, sched_run_until(sim, until));
}

static inline sched_task_info_t st_info(sched_sim_t *sim, sched_pid_t tid)
{
    sched_task_info_t ti;
    memset(&ti, 0, sizeof ti);
    assert_int_equal(0, sched_task_info(sim, tid, &ti));
    return ti;
}

static inline uint64_t st_exec(sched_sim_t *sim, sched_pid_t tid)
{
    return st_info(sim, tid).sum_exec_ns;
}

static inline sched_cpu_info_t st_cpu(sched_sim_t *sim, int cpu)
{
    sched_cpu_info_t ci;
    memset(&ci, 0, sizeof ci);
    assert_int_equal(0, sched_cpu_info(sim, cpu, &ci));
    return ci;
}

/* A fair task of nice `nice` running prog (NULL: a CPU hog). */
static inline sched_attr_t st_fair(const char *name, int nice, const sched_op_t *prog, size_t n)
{
    return (sched_attr_t){.name = name, .policy = SCHED_POLICY_NORMAL, .nice = nice,
                          .prog = prog, .nops = n};
}

static inline sched_attr_t st_rt(const char *name, sched_policy_t pol, int prio,
                                 const sched_op_t *prog, size_t n)
{
    return (sched_attr_t){.name = name, .policy = pol, .rt_priority = prio, .prog = prog,
                          .nops = n};
}

/* Spawns a as a child of parent; the pid must be the next one. */
static inline sched_pid_t st_spawn(sched_sim_t *sim, sched_pid_t parent, const sched_attr_t *a)
{
    sched_pid_t want = sched_last_pid(sim) + 1;
    sched_pid_t pid = sched_spawn(sim, parent, a);
    assert_int_equal(want, pid);
    return pid;
}

static inline sched_pid_t st_thread(sched_sim_t *sim, sched_pid_t creator, const sched_attr_t *a)
{
    sched_pid_t want = sched_last_pid(sim) + 1;
    sched_pid_t tid = sched_thread(sim, creator, a);
    assert_int_equal(want, tid);
    return tid;
}

/* A process that sleeps forever on wait queue 15 (a shell waiting for input). */
static inline sched_pid_t st_sleeper(sched_sim_t *sim, sched_pid_t parent, const char *name)
{
    static const sched_op_t prog[] = {SCHED_WAIT_S(15)};
    sched_attr_t a = st_fair(name, 0, prog, 1);
    return st_spawn(sim, parent, &a);
}

/* Spawns a seeded number (0..63) of processes that sleep forever on wait
 * queue 15, children of init, and lets them fall asleep (at the current
 * time: the clock does not move). The pids of what a test spawns next then
 * change with the seed while nothing it measures does. Returns how many. */
static inline int st_pad(sched_sim_t *sim)
{
    int n = (int)ug_rand_below(64);
    for (int i = 0; i < n; i++)
        st_sleeper(sim, 1, "pad");
    st_run(sim, sched_now(sim));
    return n;
}

#endif
