/*
 * sched_tables.c — the kernel's nice-to-weight tables and the fixed-point
 * division the fair class does with them.
 *
 * A nice level is a weight; each step is about 1.25×, so one nice level
 * is about 10% of CPU time between two competing tasks. The kernel does
 * not compute 1024 / 1.25^nice: it looks the weight up in a table, and
 * divides by a weight by multiplying with a precomputed 2^32 / weight.
 * Both tables are copied here exactly (kernel/sched/core.c), so the model's
 * shares and vruntimes are the kernel's to the nanosecond.
 *
 * Interface: sched_prio_to_weight[nice + 20], sched_prio_to_wmult[nice + 20],
 * sched_calc_delta (the kernel's __calc_delta), sched_load_add / _sub.
 */
#include "sched_sim.h"

const int sched_prio_to_weight[40] = {
    /* -20 */ 88761, 71755, 56483, 46273, 36291,
    /* -15 */ 29154, 23254, 18705, 14949, 11916,
    /* -10 */ 9548,  7620,  6100,  4904,  3906,
    /*  -5 */ 3121,  2501,  1991,  1586,  1277,
    /*   0 */ 1024,  820,   655,   526,   423,
    /*   5 */ 335,   272,   215,   172,   137,
    /*  10 */ 110,   87,    70,    56,    45,
    /*  15 */ 36,    29,    23,    18,    15,
};

const uint32_t sched_prio_to_wmult[40] = {
    /* -20 */ 48388,     59856,     76040,     92818,     118348,
    /* -15 */ 147320,    184698,    229616,    287308,    360437,
    /* -10 */ 449829,    563644,    704093,    875809,    1099582,
    /*  -5 */ 1376151,   1717300,   2157191,   2708050,   3363326,
    /*   0 */ 4194304,   5237765,   6557202,   8165337,   10153587,
    /*   5 */ 12820798,  15790321,  19976592,  24970740,  31350126,
    /*  10 */ 39045157,  49367440,  61356676,  76695844,  95443717,
    /*  15 */ 119304647, 148102320, 186737708, 238609294, 286331153,
};

unsigned long sched_nice_weight(int nice)
{
    if (nice < -20 || nice > 19)
        return 0;
    return (unsigned long)sched_prio_to_weight[nice + 20];
}

/* Index of the highest set bit, 1-based (the kernel's fls). */
static int fls32(uint32_t x)
{
    return x ? 32 - __builtin_clz(x) : 0;
}

/* __update_inv_weight: a runqueue's load has no table entry, so its
 * inverse is computed, and only when first needed. */
static void update_inv_weight(sched_load_t *lw)
{
    if (lw->inv_weight)
        return;
    if (lw->weight >= SCHED_WMULT_CONST)
        lw->inv_weight = 1;
    else if (!lw->weight)
        lw->inv_weight = SCHED_WMULT_CONST;
    else
        lw->inv_weight = (uint32_t)(SCHED_WMULT_CONST / lw->weight);
}

/* delta * weight / lw->weight, as (delta * (weight * inv)) >> 32 with the
 * shift reduced whenever the factor outgrows 32 bits. */
uint64_t sched_calc_delta(uint64_t delta, unsigned long weight, sched_load_t *lw)
{
    uint64_t fact = weight;
    int shift = SCHED_WMULT_SHIFT;
    uint32_t hi = (uint32_t)(fact >> 32);

    update_inv_weight(lw);
    if (hi) {
        int fs = fls32(hi);
        shift -= fs;
        fact >>= fs;
    }
    fact = (uint64_t)(uint32_t)fact * lw->inv_weight;
    hi = (uint32_t)(fact >> 32);
    if (hi) {
        int fs = fls32(hi);
        shift -= fs;
        fact >>= fs;
    }
    return (uint64_t)(((unsigned __int128)delta * (uint32_t)fact) >> shift);
}

void sched_load_add(sched_load_t *lw, unsigned long w)
{
    lw->weight += w;
    lw->inv_weight = 0;
}

void sched_load_sub(sched_load_t *lw, unsigned long w)
{
    lw->weight -= w;
    lw->inv_weight = 0;
}

uint64_t sched_calc_delta_fair(uint64_t delta, sched_task_t *t)
{
    if (t->load.weight != SCHED_NICE_0_LOAD)
        delta = sched_calc_delta(delta, SCHED_NICE_0_LOAD, &t->load);
    return delta;
}
