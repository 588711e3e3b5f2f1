/*
 * sched_core.c — the scheduler's core: classes in order, CPUs to choose.
 *
 * Classes are strictly ordered: a runnable real-time task always runs
 * before any fair task on the same CPU, so waking one preempts a fair task
 * at once, and the fair class only picks when no RT task is runnable. When
 * a CPU finds nothing to run it first tries to pull a waiting task from
 * another CPU (newidle balance), RT before fair.
 *
 * Choosing a CPU (select_task_rq), as the model does it:
 *   fork, any class:  the allowed CPU with the fewest runnable tasks
 *                     (ties: the lowest number)
 *   wakeup, fair:     the previous CPU if idle, else the lowest idle CPU,
 *                     else the previous CPU
 *   wakeup, RT:       the previous CPU
 *   then, for RT:     if that CPU runs or queues an RT task of the same or
 *                     higher priority, the allowed CPU of lowest priority
 *                     (idle < fair < RT 1 < … < RT 99; ties: the lowest
 *                     number), if it is lower than the task's own
 *   a CPU not allowed is replaced by the lowest allowed one.
 *
 * Interface: sched_core_pick_next / sched_core_tick (engine hooks),
 * sched__activate / sched__deactivate / sched__migrate (task model).
 */
#include "sched_internal.h"

#if LAB_SOLUTION

const sched_class_t *sched__class(const sched_sim_t *sim, const sched_task_t *t)
{
    if (t->attr.policy != SCHED_POLICY_NORMAL)
        return &sched_rt_class;
    return sim->fair == SCHED_FAIR_CFS ? &sched_cfs_class : &sched_eevdf_class;
}

static bool is_rt(const sched_task_t *t)
{
    return t->attr.policy != SCHED_POLICY_NORMAL;
}

/* ---- choosing a CPU --------------------------------------------------------------- */

static uint32_t allowed_mask(const sched_sim_t *sim, const sched_task_t *t)
{
    uint32_t all = (uint32_t)((1ULL << sim->ncpus) - 1);
    return t->attr.cpus ? t->attr.cpus & all : all;
}

static bool allowed(const sched_sim_t *sim, const sched_task_t *t, int cpu)
{
    return cpu >= 0 && (allowed_mask(sim, t) >> cpu & 1);
}

static unsigned nr_running(const sched_cpu_t *cpu)
{
    return cpu->rt_nr_running + cpu->fair_nr_running;
}

static bool cpu_idle(const sched_cpu_t *cpu)
{
    return !cpu->curr && nr_running(cpu) == 0;
}

/* How important the most important task on cpu is: 0 idle, 1 fair,
 * 1 + rt_priority for RT (cpupri's order). */
static int cpu_rank(const sched_cpu_t *cpu)
{
    if (cpu->rt_nr_running)
        for (int p = 99; p >= 1; p--)
            if (!sched_list_empty(&cpu->rt_queue[p]))
                return 1 + p;
    return nr_running(cpu) || cpu->curr ? 1 : 0;
}

static int first_allowed(const sched_sim_t *sim, const sched_task_t *t)
{
    for (int i = 0; i < sim->ncpus; i++)
        if (allowed(sim, t, i))
            return i;
    return 0;
}

static int fewest_running(sched_sim_t *sim, const sched_task_t *t)
{
    int best = -1;
    for (int i = 0; i < sim->ncpus; i++)
        if (allowed(sim, t, i)
            && (best < 0 || nr_running(&sim->cpu[i]) < nr_running(&sim->cpu[best])))
            best = i;
    return best;
}

static int select_fair(sched_sim_t *sim, const sched_task_t *t, int prev)
{
    if (allowed(sim, t, prev) && cpu_idle(&sim->cpu[prev]))
        return prev;
    for (int i = 0; i < sim->ncpus; i++)
        if (allowed(sim, t, i) && cpu_idle(&sim->cpu[i]))
            return i;
    return allowed(sim, t, prev) ? prev : first_allowed(sim, t);
}

/* find_lowest_rq: an RT task that cannot run on target looks elsewhere. */
static int select_rt(sched_sim_t *sim, const sched_task_t *t, int target)
{
    int mine = 1 + t->attr.rt_priority;
    if (cpu_rank(&sim->cpu[target]) < mine)
        return target;
    int best = -1;
    for (int i = 0; i < sim->ncpus; i++)
        if (allowed(sim, t, i) && (best < 0 || cpu_rank(&sim->cpu[i]) < cpu_rank(&sim->cpu[best])))
            best = i;
    return best >= 0 && cpu_rank(&sim->cpu[best]) < mine ? best : target;
}

static int select_cpu(sched_sim_t *sim, const sched_task_t *t, bool fork, int prev)
{
    int target;
    if (fork)
        target = fewest_running(sim, t);
    else if (!is_rt(t))
        return select_fair(sim, t, prev);
    else
        target = allowed(sim, t, prev) ? prev : first_allowed(sim, t);
    return is_rt(t) ? select_rt(sim, t, target) : target;
}

/* ---- putting tasks on runqueues and taking them off ------------------------------------- */

/* check_preempt_curr: does p, just enqueued on cpu, take the CPU? */
static void wakeup_preempt(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *p)
{
    sched_task_t *curr = cpu->curr;
    if (!curr || !curr->on_rq || curr->cpu != cpu->id) {
        sched_resched(sim, cpu);
        return;
    }
    const sched_class_t *pc = sched__class(sim, p), *cc = sched__class(sim, curr);
    if (pc == cc)
        pc->wakeup_preempt(sim, cpu, p);
    else if (is_rt(p))
        sched_resched(sim, cpu);
}

void sched__activate(sched_sim_t *sim, sched_task_t *t, int flags, sched_task_t *parent)
{
    const sched_class_t *c = sched__class(sim, t);
    int prev = t->cpu;
    int cpu;
    if (flags & SCHED_ENQ_NEW) {
        int on = parent && parent->cpu >= 0 ? parent->cpu : 0;
        c->fork(sim, &sim->cpu[on], parent, t);
        prev = on;
        cpu = select_cpu(sim, t, true, on);
    } else {
        cpu = select_cpu(sim, t, false, prev);
    }
    if (prev >= 0 && cpu != prev) {
        if (!(flags & SCHED_ENQ_NEW))
            c->migrate(sim, &sim->cpu[prev], &sim->cpu[cpu], t);
        flags |= SCHED_ENQ_MIGRATED;
    }
    sched_set_task_cpu(sim, t, cpu);
    c->enqueue(sim, &sim->cpu[cpu], t, flags);
    wakeup_preempt(sim, &sim->cpu[cpu], t);
}

void sched__deactivate(sched_sim_t *sim, sched_task_t *t)
{
    if (!t->on_rq)
        return;
    sched_cpu_t *cpu = &sim->cpu[t->cpu];
    sched__class(sim, t)->dequeue(sim, cpu, t, SCHED_DEQ_SLEEP);
    if (cpu->curr == t)
        sched_resched(sim, cpu);
}

void sched__migrate(sched_sim_t *sim, sched_task_t *t, sched_cpu_t *dst)
{
    const sched_class_t *c = sched__class(sim, t);
    c->dequeue(sim, &sim->cpu[t->cpu], t, SCHED_DEQ_MIGRATE);
    sched_set_task_cpu(sim, t, dst->id);
    c->enqueue(sim, dst, t, SCHED_ENQ_MIGRATED);
}

/* ---- newidle balance ------------------------------------------------------------------ */

/* The highest-priority queued (not running) RT task elsewhere that may run on cpu. */
static sched_task_t *rt_to_pull(sched_sim_t *sim, sched_cpu_t *cpu)
{
    unsigned waiting = 0;                          /* queued, not running: worth a look */
    for (int i = 0; i < sim->ncpus; i++) {
        sched_task_t *c = sim->cpu[i].curr;
        if (&sim->cpu[i] != cpu)
            waiting += sim->cpu[i].rt_nr_running - (c && is_rt(c) && c->on_rq);
    }
    if (!waiting)
        return NULL;
    for (int p = 99; p >= 1; p--) {
        for (int i = 0; i < sim->ncpus; i++) {
            sched_cpu_t *src = &sim->cpu[i];
            if (src == cpu || !src->rt_nr_running)
                continue;
            sched_list_t *pos;
            sched_list_for_each(pos, &src->rt_queue[p]) {
                sched_task_t *t = sched_entry(pos, sched_task_t, run_node);
                if (t != src->curr && allowed(sim, t, cpu->id))
                    return t;
            }
        }
    }
    return NULL;
}

/* From the CPU with the most queued fair tasks, the one that ran least recently. */
static sched_task_t *fair_to_pull(sched_sim_t *sim, sched_cpu_t *cpu)
{
    sched_task_t *best = NULL;
    unsigned most = 0;
    for (int i = 0; i < sim->ncpus; i++) {
        sched_cpu_t *src = &sim->cpu[i];
        unsigned queued = 0;
        sched_task_t *oldest = NULL;
        sched_list_t *pos;
        sched_list_for_each(pos, &src->fair_queue) {
            sched_task_t *t = sched_entry(pos, sched_task_t, run_node);
            queued++;
            if (src != cpu && allowed(sim, t, cpu->id)
                && (!oldest || t->last_ran < oldest->last_ran
                    || (t->last_ran == oldest->last_ran && t->tid < oldest->tid)))
                oldest = t;
        }
        if (oldest && queued > most) {
            most = queued;
            best = oldest;
        }
    }
    return best;
}

static bool idle_balance(sched_sim_t *sim, sched_cpu_t *cpu)
{
    sched_task_t *t = rt_to_pull(sim, cpu);
    if (!t)
        t = fair_to_pull(sim, cpu);
    if (!t)
        return false;
    sched__migrate(sim, t, cpu);
    return true;
}

/* ---- engine hooks ---------------------------------------------------------------------- */

sched_task_t *sched_core_pick_next(sched_sim_t *sim, sched_cpu_t *cpu)
{
    sched_task_t *prev = cpu->curr;
    if (prev && (!prev->on_rq || prev->cpu != cpu->id))
        prev = NULL;                              /* it slept, stopped, died or moved */
    if (!cpu->rt_nr_running && !cpu->fair_nr_running && idle_balance(sim, cpu))
        prev = NULL;
    const sched_class_t *pc = prev ? sched__class(sim, prev) : NULL;
    if (cpu->rt_nr_running) {
        if (pc && pc != &sched_rt_class)
            pc->put_prev(sim, cpu, prev);
        return sched_rt_class.pick(sim, cpu, pc == &sched_rt_class ? prev : NULL);
    }
    if (cpu->fair_nr_running) {
        const sched_class_t *fair = sim->fair == SCHED_FAIR_CFS ? &sched_cfs_class
                                                                : &sched_eevdf_class;
        return fair->pick(sim, cpu, pc == fair ? prev : NULL);
    }
    return NULL;
}

void sched_core_tick(sched_sim_t *sim, sched_cpu_t *cpu)
{
    sched_task_t *curr = cpu->curr;
    if (curr && curr->on_rq && curr->cpu == cpu->id)
        sched__class(sim, curr)->tick(sim, cpu, curr);
}

uint64_t sched_core_avg_vruntime(sched_sim_t *sim, sched_cpu_t *cpu)
{
    return sim->fair == SCHED_FAIR_EEVDF ? sched__eevdf_avg_vruntime(sim, cpu)
                                         : cpu->min_vruntime;
}

#else /* the stub: nothing ever runs */

const sched_class_t *sched__class(const sched_sim_t *sim, const sched_task_t *t)
{
    (void)t;
    return sim->fair == SCHED_FAIR_CFS ? &sched_cfs_class : &sched_eevdf_class;
}

void sched__activate(sched_sim_t *sim, sched_task_t *t, int flags, sched_task_t *parent)
{
    (void)sim, (void)t, (void)flags, (void)parent;
}

void sched__deactivate(sched_sim_t *sim, sched_task_t *t)
{
    (void)sim, (void)t;
}

void sched__migrate(sched_sim_t *sim, sched_task_t *t, sched_cpu_t *dst)
{
    (void)sim, (void)t, (void)dst;
}

sched_task_t *sched_core_pick_next(sched_sim_t *sim, sched_cpu_t *cpu)
{
    (void)sim, (void)cpu;
    return NULL;
}

void sched_core_tick(sched_sim_t *sim, sched_cpu_t *cpu)
{
    (void)sim, (void)cpu;
}

uint64_t sched_core_avg_vruntime(sched_sim_t *sim, sched_cpu_t *cpu)
{
    (void)sim, (void)cpu;
    return 0;
}

#endif
