/*
 * sched_internal.h — how the scheduler's own files talk to each other.
 *
 * Like the kernel, the scheduler is a core plus classes. The core
 * (sched_core.c) decides between classes — real-time above fair — and
 * between CPUs; each class (sched_rt.c, sched_cfs.c, sched_eevdf.c) keeps
 * its own runqueue on every CPU and decides within it. The task model
 * (sched_task.c) moves tasks between states and calls the core to put them
 * on a runqueue (activate) or take them off (deactivate).
 *
 * A class's enqueue/dequeue set and clear t->on_rq and keep the CPU's
 * counters; its pick returns the next task of the class, the task that
 * was running (prev) included, and does the bookkeeping of the switch
 * (put prev back, take next off its queue); nothing else moves tasks.
 *
 * Interface: sched__activate / sched__deactivate / sched__migrate →
 * class enqueue, dequeue, pick, put_prev, tick, wakeup_preempt.
 * This file is yours to change, like the .c files.
 */
#ifndef UNDERGO_SCHED_INTERNAL_H
#define UNDERGO_SCHED_INTERNAL_H

#include "support/sched_sim.h"

/* enqueue flags */
#define SCHED_ENQ_WAKEUP 0x1      /* the task was asleep or stopped */
#define SCHED_ENQ_NEW 0x2         /* a new task (wake_up_new_task) */
#define SCHED_ENQ_MIGRATED 0x4    /* it comes from another CPU */

/* dequeue flags */
#define SCHED_DEQ_SLEEP 0x1       /* it stops being runnable (sleep, stop, exit) */
#define SCHED_DEQ_MIGRATE 0x2     /* it moves to another CPU, still runnable */

/* Task-model flags, in sched_task.flags of a leader. */
#define SCHED_F_GROUP_EXIT 0x1    /* the process is dying (SIGNAL_GROUP_EXIT) */
#define SCHED_F_GROUP_STOP 0x2    /* the process is stopped */

typedef struct sched_class {
    const char *name;
    void (*enqueue)(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, int flags);
    void (*dequeue)(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *t, int flags);
    /* Next task of the class on cpu; prev is cpu->curr if it is of this class
     * and still runnable, else NULL. Only called when the class has tasks. */
    sched_task_t *(*pick)(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev);
    /* prev, runnable, leaves the CPU for a task of another class. */
    void (*put_prev)(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev);
    void (*tick)(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *curr);
    /* p, just enqueued on cpu, and cpu->curr are both of this class. */
    void (*wakeup_preempt)(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *p);
    /* Before a new task's first enqueue; `on` is the forking CPU. */
    void (*fork)(sched_sim_t *sim, sched_cpu_t *on, sched_task_t *parent, sched_task_t *t);
    /* A sleeping task is being woken onto another CPU. */
    void (*migrate)(sched_sim_t *sim, sched_cpu_t *from, sched_cpu_t *to, sched_task_t *t);
    /* Charges cpu->curr for its time (update_curr), if it is of this class. */
    void (*update_curr)(sched_sim_t *sim, sched_cpu_t *cpu);
} sched_class_t;

extern const sched_class_t sched_rt_class;
extern const sched_class_t sched_cfs_class;
extern const sched_class_t sched_eevdf_class;

/* ---- sched_core.c ------------------------------------------------------------- */

/* The class that schedules t. */
const sched_class_t *sched__class(const sched_sim_t *sim, const sched_task_t *t);

/* Makes t (already R) runnable: chooses its CPU, enqueues it there with
 * flags (SCHED_ENQ_WAKEUP or SCHED_ENQ_NEW), and preempts if it should.
 * `parent` is the forking task for SCHED_ENQ_NEW. */
void sched__activate(sched_sim_t *sim, sched_task_t *t, int flags, sched_task_t *parent);

/* Takes t off its runqueue (it sleeps, stops or dies). */
void sched__deactivate(sched_sim_t *sim, sched_task_t *t);

/* Moves runnable, not running t to CPU dst. */
void sched__migrate(sched_sim_t *sim, sched_task_t *t, sched_cpu_t *dst);

/* ---- helpers the classes share ---------------------------------------------------- */

/* a - b as the kernel compares vruntimes: signed, so wrapping is harmless. */
static inline int64_t sched__vdiff(uint64_t a, uint64_t b)
{
    return (int64_t)(a - b);
}

/* Inserts t into cpu's fair_queue by vruntime, after any equal one. */
void sched__fair_insert(sched_cpu_t *cpu, sched_task_t *t);

/* The first of cpu's fair_queue (smallest vruntime), or NULL. */
sched_task_t *sched__fair_first(sched_cpu_t *cpu);

/* cpu->curr if it is a runnable fair task, else NULL. */
sched_task_t *sched__fair_curr(const sched_sim_t *sim, sched_cpu_t *cpu);

/* EEVDF's V on cpu: the weighted average vruntime of its fair tasks. */
uint64_t sched__eevdf_avg_vruntime(sched_sim_t *sim, sched_cpu_t *cpu);

#endif
