/*
 * sched_eevdf.c — Earliest Eligible Virtual Deadline First, Linux 6.6+.
 *
 * vruntime is kept as in CFS, but the choice is made differently. The
 * runqueue's virtual time V is the weighted average vruntime of its tasks
 * (the running one included). A task's lag, V − vruntime, is the service
 * it is owed: lag ≥ 0 makes it eligible. Each task asks for a slice
 * (base_slice of CPU time) and gets a virtual deadline, vruntime + the
 * slice scaled by its weight. The CPU goes to the eligible task with the
 * earliest deadline.
 *
 *   V           ⌊Σ wᵢ·vᵢ / Σ wᵢ⌋, wᵢ the table weights (exact integers)
 *   eligible    Σ wᵢ·(vᵢ − v) ≥ 0, computed without dividing
 *   update_curr vruntime += calc_delta_fair(ran); once vruntime reaches the
 *               deadline: a new deadline, vruntime + calc_delta_fair(slice),
 *               and a reschedule if another task is runnable
 *   dequeue     the lag is saved, clamped to ± calc_delta_fair(max(2·slice, tick))
 *   enqueue     vruntime = V − lag·(W + w)/W (W: the weight already there,
 *               so adding the task does not dilute its lag); deadline =
 *               vruntime + vslice, half of it for a new task
 *   pick        RUN_TO_PARITY: the running task keeps the CPU while it is
 *               eligible and still has the deadline it was picked with;
 *               otherwise the earliest eligible deadline (ties: smaller
 *               vruntime, then the longer queued; the running task loses ties)
 *   wakeup      preempts when pick would choose the woken task
 *
 * min_vruntime is still kept (the smallest vruntime, never moving back):
 * V and the sums are stored relative to it, as the kernel does, to stay
 * far from overflow.
 *
 * Interface: sched_eevdf_class, sched__eevdf_avg_vruntime.
 */
#include "sched_internal.h"

#if LAB_SOLUTION

/* ---- V and eligibility -------------------------------------------------------------- */

static int64_t key(const sched_cpu_t *cpu, const sched_task_t *t)
{
    return sched__vdiff(t->vruntime, cpu->min_vruntime);
}

static void avg_add(sched_cpu_t *cpu, const sched_task_t *t)
{
    cpu->avg_vruntime += key(cpu, t) * (int64_t)t->load.weight;
    cpu->avg_load += (int64_t)t->load.weight;
}

static void avg_sub(sched_cpu_t *cpu, const sched_task_t *t)
{
    cpu->avg_vruntime -= key(cpu, t) * (int64_t)t->load.weight;
    cpu->avg_load -= (int64_t)t->load.weight;
}

/* Σ w·key and Σ w over the queue and the running task. */
static void sums(sched_sim_t *sim, sched_cpu_t *cpu, int64_t *avg, int64_t *load)
{
    sched_task_t *curr = sched__fair_curr(sim, cpu);
    *avg = cpu->avg_vruntime;
    *load = cpu->avg_load;
    if (curr) {
        *avg += key(cpu, curr) * (int64_t)curr->load.weight;
        *load += (int64_t)curr->load.weight;
    }
}

uint64_t sched__eevdf_avg_vruntime(sched_sim_t *sim, sched_cpu_t *cpu)
{
    int64_t avg, load;
    sums(sim, cpu, &avg, &load);
    if (load) {
        if (avg < 0)
            avg -= load - 1;                /* floor, not toward zero */
        avg /= load;
    }
    return cpu->min_vruntime + (uint64_t)avg;
}

static bool eligible(sched_sim_t *sim, sched_cpu_t *cpu, const sched_task_t *t)
{
    int64_t avg, load;
    sums(sim, cpu, &avg, &load);
    return avg >= key(cpu, t) * load;
}

static void update_min_vruntime(sched_sim_t *sim, sched_cpu_t *cpu)
{
    sched_task_t *curr = sched__fair_curr(sim, cpu), *left = sched__fair_first(cpu);
    uint64_t v = cpu->min_vruntime;
    if (curr)
        v = curr->vruntime;
    if (left)
        v = !curr || sched__vdiff(left->vruntime, v) < 0 ? left->vruntime : v;
    int64_t delta = sched__vdiff(v, cpu->min_vruntime);
    if (delta > 0) {
        cpu->avg_vruntime -= cpu->avg_load * delta;   /* keys are relative to it */
        cpu->min_vruntime = v;
    }
}

/* ---- deadlines and placement ---------------------------------------------------------- */

static void update_deadline(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t)
{
    if (sched__vdiff(t->vruntime, t->deadline) < 0)
        return;
    t->slice = sim->tun.base_slice_ns;
    t->deadline = t->vruntime + sched_calc_delta_fair(t->slice, t);
    if (cpu->fair_nr_running > 1)
        sched_resched(sim, cpu);
}

static void eevdf_update_curr(sched_sim_t *sim, sched_cpu_t *cpu)
{
    sched_task_t *curr = sched__fair_curr(sim, cpu);
    if (!curr)
        return;
    uint64_t delta = sched_account(sim, cpu);
    curr->vruntime += sched_calc_delta_fair(delta, curr);
    update_deadline(sim, cpu, curr);
    update_min_vruntime(sim, cpu);
}

static void place_entity(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, bool initial)
{
    uint64_t v = sched__eevdf_avg_vruntime(sim, cpu);
    int64_t lag = 0;
    t->slice = sim->tun.base_slice_ns;
    uint64_t vslice = sched_calc_delta_fair(t->slice, t);
    if (cpu->fair_nr_running) {
        sched_task_t *curr = sched__fair_curr(sim, cpu);
        int64_t load = cpu->avg_load + (curr ? (int64_t)curr->load.weight : 0);
        lag = t->vlag * (load + (int64_t)t->load.weight);
        lag /= load ? load : 1;
    }
    t->vruntime = v - (uint64_t)lag;
    if (initial)
        vslice /= 2;                        /* PLACE_DEADLINE_INITIAL */
    t->deadline = t->vruntime + vslice;
}

static void update_entity_lag(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t)
{
    int64_t lag = sched__vdiff(sched__eevdf_avg_vruntime(sim, cpu), t->vruntime);
    uint64_t span = 2 * t->slice > sim->tun.tick_ns ? 2 * t->slice : sim->tun.tick_ns;
    int64_t limit = (int64_t)sched_calc_delta_fair(span, t);
    t->vlag = lag < -limit ? -limit : lag > limit ? limit : lag;
}

/* ---- pick_eevdf ------------------------------------------------------------------------ */

static sched_task_t *pick_eevdf(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *curr)
{
    if (curr && !eligible(sim, cpu, curr))
        curr = NULL;
    if (curr && curr->picked_deadline == curr->deadline)
        return curr;                        /* RUN_TO_PARITY */
    sched_task_t *best = NULL;
    sched_list_t *pos;
    sched_list_for_each(pos, &cpu->fair_queue) {
        sched_task_t *t = sched_entry(pos, sched_task_t, run_node);
        if (eligible(sim, cpu, t) && (!best || sched__vdiff(t->deadline, best->deadline) < 0))
            best = t;
    }
    if (!best || (curr && sched__vdiff(curr->deadline, best->deadline) < 0))
        best = curr;
    return best ? best : sched__fair_first(cpu);
}

/* ---- the class ------------------------------------------------------------------------ */

static void eevdf_enqueue(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, int flags)
{
    eevdf_update_curr(sim, cpu);
    place_entity(sim, cpu, t, flags & SCHED_ENQ_NEW);
    sched_load_add(&cpu->fair_load, t->load.weight);
    cpu->fair_nr_running++;
    if (cpu->curr != t) {
        sched__fair_insert(cpu, t);
        avg_add(cpu, t);
    }
    t->on_rq = true;
}

static void eevdf_dequeue(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, int flags)
{
    (void)flags;
    eevdf_update_curr(sim, cpu);
    update_entity_lag(sim, cpu, t);
    if (cpu->curr != t) {
        sched_list_del(&t->run_node);
        avg_sub(cpu, t);
    }
    t->on_rq = false;
    sched_load_sub(&cpu->fair_load, t->load.weight);
    cpu->fair_nr_running--;
    update_min_vruntime(sim, cpu);
}

static sched_task_t *eevdf_pick(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev)
{
    if (prev)
        eevdf_update_curr(sim, cpu);
    sched_task_t *next = pick_eevdf(sim, cpu, prev);
    if (next != prev) {
        if (prev) {
            sched__fair_insert(cpu, prev);
            avg_add(cpu, prev);
        }
        sched_list_del(&next->run_node);
        avg_sub(cpu, next);
        next->picked_deadline = next->deadline;
        next->prev_sum_exec = next->sum_exec;
    }
    return next;
}

static void eevdf_put_prev(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev)
{
    eevdf_update_curr(sim, cpu);
    sched__fair_insert(cpu, prev);
    avg_add(cpu, prev);
}

static void eevdf_tick(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *curr)
{
    (void)curr;
    eevdf_update_curr(sim, cpu);
}

static void eevdf_wakeup_preempt(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *p)
{
    if (cpu->need_resched)
        return;
    eevdf_update_curr(sim, cpu);
    if (pick_eevdf(sim, cpu, sched__fair_curr(sim, cpu)) == p)
        sched_resched(sim, cpu);
}

static void eevdf_fork(sched_sim_t *sim, sched_cpu_t *on, sched_task_t *parent, sched_task_t *t)
{
    (void)parent;
    t->load.weight = (unsigned long)sched_prio_to_weight[t->attr.nice + 20];
    t->load.inv_weight = sched_prio_to_wmult[t->attr.nice + 20];
    t->vlag = 0;
    t->slice = sim->tun.base_slice_ns;
    eevdf_update_curr(sim, on);
}

static void eevdf_migrate(sched_sim_t *sim, sched_cpu_t *from, sched_cpu_t *to, sched_task_t *t)
{
    (void)sim, (void)from, (void)to, (void)t;   /* the lag saved at dequeue travels */
}

#else

uint64_t sched__eevdf_avg_vruntime(sched_sim_t *sim, sched_cpu_t *cpu)
{
    (void)sim, (void)cpu;
    return 0;
}

static void eevdf_update_curr(sched_sim_t *sim, sched_cpu_t *cpu)
{
    (void)sim, (void)cpu;
}

static void eevdf_enqueue(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, int flags)
{
    (void)sim, (void)cpu, (void)t, (void)flags;
}

static void eevdf_dequeue(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, int flags)
{
    (void)sim, (void)cpu, (void)t, (void)flags;
}

static sched_task_t *eevdf_pick(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev)
{
    (void)sim, (void)cpu, (void)prev;
    return NULL;
}

static void eevdf_put_prev(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev)
{
    (void)sim, (void)cpu, (void)prev;
}

static void eevdf_tick(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *curr)
{
    (void)sim, (void)cpu, (void)curr;
}

static void eevdf_wakeup_preempt(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *p)
{
    (void)sim, (void)cpu, (void)p;
}

static void eevdf_fork(sched_sim_t *sim, sched_cpu_t *on, sched_task_t *parent, sched_task_t *t)
{
    (void)sim, (void)on, (void)parent, (void)t;
}

static void eevdf_migrate(sched_sim_t *sim, sched_cpu_t *from, sched_cpu_t *to, sched_task_t *t)
{
    (void)sim, (void)from, (void)to, (void)t;
}

#endif

const sched_class_t sched_eevdf_class = {
    .name = "eevdf",
    .enqueue = eevdf_enqueue,
    .dequeue = eevdf_dequeue,
    .pick = eevdf_pick,
    .put_prev = eevdf_put_prev,
    .tick = eevdf_tick,
    .wakeup_preempt = eevdf_wakeup_preempt,
    .fork = eevdf_fork,
    .migrate = eevdf_migrate,
    .update_curr = eevdf_update_curr,
};
