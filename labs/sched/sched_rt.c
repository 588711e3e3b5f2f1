/*
 * sched_rt.c — the real-time class: SCHED_FIFO and SCHED_RR.
 *
 * Each CPU keeps one FIFO list per priority (1..99, higher runs first);
 * the running task stays in its list, at its place. The class always runs
 * the first task of the highest non-empty list:
 *   - a task that wakes up (or is new) joins the tail of its list;
 *   - a task preempted by a higher priority keeps its place at the head,
 *     so it resumes before its peers;
 *   - SCHED_FIFO runs until it blocks or something higher arrives;
 *   - SCHED_RR also has a slice of rr_ticks ticks, counted down only while
 *     it runs; when it runs out the slice is refilled and, if others share
 *     the priority, the task moves to the tail. A sleep does not refill it.
 * Waking a task of strictly higher priority than the running one preempts
 * it; equal priority waits its turn. RT throttling (sched_rt_runtime_us)
 * is not modelled: an RT hog starves the fair class on its CPU.
 *
 * Interface: sched_rt_class.
 */
#include "sched_internal.h"

#if LAB_SOLUTION

static int prio(const sched_task_t *t)
{
    return t->attr.rt_priority;
}

static void rt_update_curr(sched_sim_t *sim, sched_cpu_t *cpu)
{
    if (cpu->curr && cpu->curr->attr.policy != SCHED_POLICY_NORMAL)
        sched_account(sim, cpu);
}

static void rt_enqueue(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, int flags)
{
    (void)sim, (void)flags;
    sched_list_add_tail(&cpu->rt_queue[prio(t)], &t->run_node);
    cpu->rt_nr_running++;
    t->on_rq = true;
}

static void rt_dequeue(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, int flags)
{
    (void)flags;
    if (cpu->curr == t)
        rt_update_curr(sim, cpu);
    sched_list_del(&t->run_node);
    cpu->rt_nr_running--;
    t->on_rq = false;
}

static sched_task_t *rt_pick(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev)
{
    if (prev)
        rt_update_curr(sim, cpu);
    for (int p = 99; p >= 1; p--) {
        if (sched_list_empty(&cpu->rt_queue[p]))
            continue;
        sched_task_t *next = sched_entry(cpu->rt_queue[p].next, sched_task_t, run_node);
        if (next != prev)
            next->prev_sum_exec = next->sum_exec;
        return next;
    }
    return NULL;
}

static void rt_put_prev(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev)
{
    (void)prev;
    rt_update_curr(sim, cpu);
}

static void rt_tick(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *curr)
{
    rt_update_curr(sim, cpu);
    if (curr->attr.policy != SCHED_POLICY_RR || --curr->rr_ticks > 0)
        return;
    curr->rr_ticks = sim->tun.rr_ticks;
    sched_list_t *q = &cpu->rt_queue[prio(curr)];
    if (q->next != q->prev) {            /* not alone at its priority */
        sched_list_del(&curr->run_node);
        sched_list_add_tail(q, &curr->run_node);
        sched_resched(sim, cpu);
    }
}

static void rt_wakeup_preempt(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *p)
{
    if (prio(p) > prio(cpu->curr))
        sched_resched(sim, cpu);
}

static void rt_fork(sched_sim_t *sim, sched_cpu_t *on, sched_task_t *parent, sched_task_t *t)
{
    (void)on, (void)parent;
    t->rr_ticks = sim->tun.rr_ticks;
}

static void rt_migrate(sched_sim_t *sim, sched_cpu_t *from, sched_cpu_t *to, sched_task_t *t)
{
    (void)sim, (void)from, (void)to, (void)t;
}

#else

static void rt_update_curr(sched_sim_t *sim, sched_cpu_t *cpu)
{
    (void)sim, (void)cpu;
}

static void rt_enqueue(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, int flags)
{
    (void)sim, (void)cpu, (void)t, (void)flags;
}

static void rt_dequeue(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, int flags)
{
    (void)sim, (void)cpu, (void)t, (void)flags;
}

static sched_task_t *rt_pick(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev)
{
    (void)sim, (void)cpu, (void)prev;
    return NULL;
}

static void rt_put_prev(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev)
{
    (void)sim, (void)cpu, (void)prev;
}

static void rt_tick(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *curr)
{
    (void)sim, (void)cpu, (void)curr;
}

static void rt_wakeup_preempt(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *p)
{
    (void)sim, (void)cpu, (void)p;
}

static void rt_fork(sched_sim_t *sim, sched_cpu_t *on, sched_task_t *parent, sched_task_t *t)
{
    (void)sim, (void)on, (void)parent, (void)t;
}

static void rt_migrate(sched_sim_t *sim, sched_cpu_t *from, sched_cpu_t *to, sched_task_t *t)
{
    (void)sim, (void)from, (void)to, (void)t;
}

#endif

const sched_class_t sched_rt_class = {
    .name = "rt",
    .enqueue = rt_enqueue,
    .dequeue = rt_dequeue,
    .pick = rt_pick,
    .put_prev = rt_put_prev,
    .tick = rt_tick,
    .wakeup_preempt = rt_wakeup_preempt,
    .fork = rt_fork,
    .migrate = rt_migrate,
    .update_curr = rt_update_curr,
};
