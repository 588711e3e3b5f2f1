/*
 * sched_cfs.c — the Completely Fair Scheduler, as Linux ran it until 6.5.
 *
 * Each fair task has a virtual runtime: the CPU time it got, scaled by
 * NICE_0_LOAD / its weight, so a heavy task's clock runs slow. The CPU
 * always goes to the smallest vruntime; over time every task's vruntime
 * stays close to the others', which is what makes CPU time proportional to
 * weight. The queue (fair_queue) holds the waiting tasks sorted by
 * vruntime; the running one is out of it.
 *
 *   update_curr     vruntime += calc_delta_fair(ran); min_vruntime moves up
 *   sched_slice     period × weight / runqueue weight, at least min_granularity;
 *                   period = latency, or nr × min_granularity past nr_latency
 *   tick            preempt when the task ran its slice, or (after at least
 *                   min_granularity) when it is more than a slice ahead of
 *                   the leftmost waiter
 *   new task        max(parent's vruntime, min_vruntime + its vslice)
 *   wakeup          max(own vruntime, min_vruntime − latency/2): a sleeper
 *                   gets at most half a latency of credit
 *   wakeup preempt  when the running task is ahead of the woken one by
 *                   more than wakeup_granularity (scaled to the woken weight)
 * Moving between CPUs keeps the distance to min_vruntime, not the value.
 *
 * Interface: sched_cfs_class; the fair-queue helpers of sched_internal.h.
 */
#include "sched_internal.h"

#if LAB_SOLUTION

/* ---- the fair queue (shared with EEVDF) ---------------------------------------------- */

void sched__fair_insert(sched_cpu_t *cpu, sched_task_t *t)
{
    sched_list_t *pos = cpu->fair_queue.prev;
    while (pos != &cpu->fair_queue
           && sched__vdiff(t->vruntime, sched_entry(pos, sched_task_t, run_node)->vruntime) < 0)
        pos = pos->prev;
    sched_list_insert_after(pos, &t->run_node);
}

sched_task_t *sched__fair_first(sched_cpu_t *cpu)
{
    if (sched_list_empty(&cpu->fair_queue))
        return NULL;
    return sched_entry(cpu->fair_queue.next, sched_task_t, run_node);
}

sched_task_t *sched__fair_curr(const sched_sim_t *sim, sched_cpu_t *cpu)
{
    (void)sim;
    sched_task_t *c = cpu->curr;
    if (c && c->attr.policy == SCHED_POLICY_NORMAL && c->on_rq && c->cpu == cpu->id)
        return c;
    return NULL;
}

/* ---- vruntime ----------------------------------------------------------------------- */

static void update_min_vruntime(sched_sim_t *sim, sched_cpu_t *cpu)
{
    sched_task_t *curr = sched__fair_curr(sim, cpu), *left = sched__fair_first(cpu);
    uint64_t v = cpu->min_vruntime;
    if (curr)
        v = curr->vruntime;
    if (left)
        v = !curr || sched__vdiff(left->vruntime, v) < 0 ? left->vruntime : v;
    if (sched__vdiff(v, cpu->min_vruntime) > 0)
        cpu->min_vruntime = v;
}

static void cfs_update_curr(sched_sim_t *sim, sched_cpu_t *cpu)
{
    sched_task_t *curr = sched__fair_curr(sim, cpu);
    if (!curr)
        return;
    uint64_t delta = sched_account(sim, cpu);
    curr->vruntime += sched_calc_delta_fair(delta, curr);
    update_min_vruntime(sim, cpu);
}

/* The wall-clock slice of t: its weight's share of the period. */
static uint64_t sched_slice(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t)
{
    const sched_tunables_t *tun = &sim->tun;
    unsigned nr = cpu->fair_nr_running + !t->on_rq;
    uint64_t period = nr > tun->nr_latency ? nr * tun->min_granularity_ns : tun->latency_ns;
    sched_load_t lw = cpu->fair_load, *load = &cpu->fair_load;
    if (!t->on_rq) {
        sched_load_add(&lw, t->load.weight);
        load = &lw;
    }
    uint64_t slice = sched_calc_delta(period, t->load.weight, load);
    return slice > tun->min_granularity_ns ? slice : tun->min_granularity_ns;
}

static void place_entity(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, bool initial)
{
    uint64_t v = cpu->min_vruntime;
    if (initial)
        v += sched_calc_delta_fair(sched_slice(sim, cpu, t), t);   /* START_DEBIT */
    else
        v -= sim->tun.latency_ns / 2;                              /* GENTLE_FAIR_SLEEPERS */
    if (sched__vdiff(v, t->vruntime) > 0)
        t->vruntime = v;
}

/* ---- the class ------------------------------------------------------------------------ */

static void cfs_enqueue(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, int flags)
{
    cfs_update_curr(sim, cpu);
    if (flags & (SCHED_ENQ_NEW | SCHED_ENQ_MIGRATED))
        t->vruntime += cpu->min_vruntime;       /* it arrives relative to min_vruntime */
    if (flags & SCHED_ENQ_WAKEUP)
        place_entity(sim, cpu, t, false);
    sched_load_add(&cpu->fair_load, t->load.weight);
    cpu->fair_nr_running++;
    if (cpu->curr != t)
        sched__fair_insert(cpu, t);
    t->on_rq = true;
}

static void cfs_dequeue(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, int flags)
{
    cfs_update_curr(sim, cpu);
    if (cpu->curr != t)
        sched_list_del(&t->run_node);
    t->on_rq = false;
    sched_load_sub(&cpu->fair_load, t->load.weight);
    cpu->fair_nr_running--;
    if (flags & SCHED_DEQ_MIGRATE)
        t->vruntime -= cpu->min_vruntime;       /* it leaves relative to min_vruntime */
    update_min_vruntime(sim, cpu);
}

static sched_task_t *cfs_pick(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev)
{
    if (prev)
        cfs_update_curr(sim, cpu);
    sched_task_t *left = sched__fair_first(cpu), *next = left;
    if (prev && (!left || sched__vdiff(prev->vruntime, left->vruntime) < 0))
        next = prev;
    if (next != prev) {
        if (prev)
            sched__fair_insert(cpu, prev);
        sched_list_del(&next->run_node);
        next->prev_sum_exec = next->sum_exec;
    }
    return next;
}

static void cfs_put_prev(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev)
{
    cfs_update_curr(sim, cpu);
    sched__fair_insert(cpu, prev);
}

/* check_preempt_tick */
static void cfs_tick(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *curr)
{
    cfs_update_curr(sim, cpu);
    if (cpu->fair_nr_running <= 1)
        return;
    uint64_t ideal = sched_slice(sim, cpu, curr);
    uint64_t ran = curr->sum_exec - curr->prev_sum_exec;
    if (ran > ideal) {
        sched_resched(sim, cpu);
        return;
    }
    if (ran < sim->tun.min_granularity_ns)
        return;
    sched_task_t *left = sched__fair_first(cpu);
    int64_t delta = sched__vdiff(curr->vruntime, left->vruntime);
    if (delta > 0 && (uint64_t)delta > ideal)
        sched_resched(sim, cpu);
}

/* check_preempt_wakeup / wakeup_preempt_entity */
static void cfs_wakeup_preempt(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *p)
{
    sched_task_t *curr = cpu->curr;
    if (cpu->need_resched)
        return;
    cfs_update_curr(sim, cpu);
    int64_t vdiff = sched__vdiff(curr->vruntime, p->vruntime);
    if (vdiff <= 0)
        return;
    if ((uint64_t)vdiff > sched_calc_delta_fair(sim->tun.wakeup_granularity_ns, p))
        sched_resched(sim, cpu);
}

static void set_load(sched_task_t *t)
{
    t->load.weight = (unsigned long)sched_prio_to_weight[t->attr.nice + 20];
    t->load.inv_weight = sched_prio_to_wmult[t->attr.nice + 20];
}

/* task_fork_fair: placed on the forking CPU, then carried relative to its
 * min_vruntime to wherever the task is enqueued. */
static void cfs_fork(sched_sim_t *sim, sched_cpu_t *on, sched_task_t *parent, sched_task_t *t)
{
    set_load(t);
    cfs_update_curr(sim, on);
    if (parent && parent->attr.policy == SCHED_POLICY_NORMAL)
        t->vruntime = parent->vruntime;
    else
        t->vruntime = on->min_vruntime;
    place_entity(sim, on, t, true);
    t->vruntime -= on->min_vruntime;
}

static void cfs_migrate(sched_sim_t *sim, sched_cpu_t *from, sched_cpu_t *to, sched_task_t *t)
{
    (void)sim, (void)to;
    t->vruntime -= from->min_vruntime;
}

#else

void sched__fair_insert(sched_cpu_t *cpu, sched_task_t *t)
{
    (void)cpu, (void)t;
}

sched_task_t *sched__fair_first(sched_cpu_t *cpu)
{
    (void)cpu;
    return NULL;
}

sched_task_t *sched__fair_curr(const sched_sim_t *sim, sched_cpu_t *cpu)
{
    (void)sim, (void)cpu;
    return NULL;
}

static void cfs_update_curr(sched_sim_t *sim, sched_cpu_t *cpu)
{
    (void)sim, (void)cpu;
}

static void cfs_enqueue(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, int flags)
{
    (void)sim, (void)cpu, (void)t, (void)flags;
}

static void cfs_dequeue(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, int flags)
{
    (void)sim, (void)cpu, (void)t, (void)flags;
}

static sched_task_t *cfs_pick(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev)
{
    (void)sim, (void)cpu, (void)prev;
    return NULL;
}

static void cfs_put_prev(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev)
{
    (void)sim, (void)cpu, (void)prev;
}

static void cfs_tick(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *curr)
{
    (void)sim, (void)cpu, (void)curr;
}

static void cfs_wakeup_preempt(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *p)
{
    (void)sim, (void)cpu, (void)p;
}

static void cfs_fork(sched_sim_t *sim, sched_cpu_t *on, sched_task_t *parent, sched_task_t *t)
{
    (void)sim, (void)on, (void)parent, (void)t;
}

static void cfs_migrate(sched_sim_t *sim, sched_cpu_t *from, sched_cpu_t *to, sched_task_t *t)
{
    (void)sim, (void)from, (void)to, (void)t;
}

#endif

const sched_class_t sched_cfs_class = {
    .name = "cfs",
    .enqueue = cfs_enqueue,
    .dequeue = cfs_dequeue,
    .pick = cfs_pick,
    .put_prev = cfs_put_prev,
    .tick = cfs_tick,
    .wakeup_preempt = cfs_wakeup_preempt,
    .fork = cfs_fork,
    .migrate = cfs_migrate,
    .update_curr = cfs_update_curr,
};
