/*
 * sched_sim.h — the simulator's insides: tasks, CPUs, and the contract
 * between the engine (support/, pristine) and the scheduler you write.
 *
 * The engine owns time and mechanism: the event queue, the clock, each
 * task's program, wait queues and sleep timers, the context switch itself,
 * the trace. You own every decision: what a state change does, which task
 * runs next, vruntime, lag and deadlines, and when to preempt. The engine
 * calls your functions (the hooks below) at the points the kernel would;
 * you call back into the engine through the helpers below them.
 *
 * The protocol, for one CPU:
 *   tick          → sched_core_tick(cpu)                 every tick_ns, busy CPUs
 *   a task blocks → sched_task_sleep(t, state, killable) t is running
 *   a sleep ends  → sched_task_wake(t)                    timer or wait queue
 *   then, for every CPU with need_resched set:
 *                   sched_core_pick_next(cpu)             cpu->curr is still prev
 *                 → the engine switches to what it returned and runs its program
 * Fork, signals, exit and wait come from programs or from the API, always
 * at the current instant, through the sched_task_* hooks.
 */
#ifndef UNDERGO_SCHED_SIM_H
#define UNDERGO_SCHED_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched.h"

/* ---- intrusive lists ------------------------------------------------------------ */

typedef struct sched_list {
    struct sched_list *prev, *next;
} sched_list_t;

static inline void sched_list_init(sched_list_t *h)
{
    h->prev = h->next = h;
}

static inline bool sched_list_empty(const sched_list_t *h)
{
    return h->next == h;
}

/* Inserts n after pos. */
static inline void sched_list_insert_after(sched_list_t *pos, sched_list_t *n)
{
    n->prev = pos;
    n->next = pos->next;
    pos->next->prev = n;
    pos->next = n;
}

static inline void sched_list_add_head(sched_list_t *h, sched_list_t *n)
{
    sched_list_insert_after(h, n);
}

static inline void sched_list_add_tail(sched_list_t *h, sched_list_t *n)
{
    sched_list_insert_after(h->prev, n);
}

/* Unlinks n and leaves it pointing at itself (so unlinking twice is fine). */
static inline void sched_list_del(sched_list_t *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = n;
}

#define sched_entry(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define sched_list_for_each(pos, head) \
    for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
#define sched_list_for_each_safe(pos, tmp, head)                      \
    for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head); \
         (pos) = (tmp), (tmp) = (pos)->next)

/* ---- the kernel's tables and fixed-point arithmetic (sched_tables.c) -------------- */

#define SCHED_NICE_0_LOAD 1024UL
#define SCHED_WMULT_CONST 0xffffffffUL
#define SCHED_WMULT_SHIFT 32

/* A load: a weight and its cached inverse (2^32 / weight), 0 = not computed. */
typedef struct sched_load {
    unsigned long weight;
    uint32_t inv_weight;
} sched_load_t;

/* sched_prio_to_weight[] and sched_prio_to_wmult[] of kernel/sched/core.c,
 * indexed by nice + 20. */
extern const int sched_prio_to_weight[40];
extern const uint32_t sched_prio_to_wmult[40];

/* delta * weight / lw->weight as the kernel's __calc_delta computes it
 * (32-bit fixed point with lw's inverse; computes the inverse if unset). */
uint64_t sched_calc_delta(uint64_t delta, unsigned long weight, sched_load_t *lw);

/* update_load_add / update_load_sub: change a weight, drop its inverse. */
void sched_load_add(sched_load_t *lw, unsigned long w);
void sched_load_sub(sched_load_t *lw, unsigned long w);

/* ---- tasks ---------------------------------------------------------------------- */

typedef struct sched_task sched_task_t;
typedef struct sched_cpu sched_cpu_t;

struct sched_task {
    /* identity — the engine, at creation */
    sched_pid_t tid;
    char comm[16];
    sched_attr_t attr;            /* as given (prog pointer shared) */

    /* family — yours (sched_task.c) */
    sched_pid_t tgid;
    sched_task_t *leader;         /* the thread group leader (itself, for a leader) */
    sched_task_t *parent;         /* leader of the parent process (NULL for init) */
    sched_list_t children;        /* on a leader: leaders of its child processes */
    sched_list_t sibling;         /* in the parent's children */
    sched_list_t threads;         /* on a leader: every thread of the group, itself too */
    sched_list_t thread_node;     /* in the leader's threads */

    /* state and signals — yours; change .state only through sched_set_state() */
    sched_state_t state;
    bool killable;                /* sleeping in D, woken by fatal signals */
    sched_state_t sleep_state;    /* stopped in the middle of this sleep (S or D), or 0 */
    bool sleep_woken;             /* ... and the sleep's event came meanwhile */
    uint64_t pending;             /* signals pending: bit (1 << sig) */
    unsigned flags;               /* yours: SIGNAL_GROUP_EXIT-like bits, as you please */
    int exit_code;                /* wait(2) status of this thread */
    int group_exit_code;          /* on a leader: status of a group exit */

    /* scheduling — yours, except where marked */
    sched_load_t load;            /* from nice: sched_prio_to_weight / _wmult */
    int cpu;                      /* the CPU it is queued on, runs on, or last ran on;
                                     change it only through sched_set_task_cpu() */
    bool on_rq;                   /* counted in cpu's runqueue (queued or running) */
    sched_list_t run_node;        /* in a cpu's rt_queue[] or fair_queue */
    uint64_t exec_start;          /* engine (sched_account) */
    uint64_t sum_exec;            /* engine (sched_account) */
    uint64_t prev_sum_exec;       /* sum_exec when it was last picked */
    uint64_t vruntime;
    uint64_t deadline;            /* EEVDF */
    uint64_t slice;               /* EEVDF: the request, ns */
    int64_t vlag;                 /* EEVDF */
    uint64_t picked_deadline;     /* EEVDF: deadline when last picked (RUN_TO_PARITY) */
    int rr_ticks;                 /* SCHED_RR: ticks left of the slice */
    uint64_t last_ran;            /* engine: when it last left a CPU (or was created) */

    /* program and sleeps — the engine's */
    size_t pc;
    uint64_t burst_left;          /* of the current RUN */
    uint64_t run_start;
    uint64_t burst_gen;
    bool burst_armed;
    uint64_t sleep_seq;
    int wait_wq;                  /* -1, a wait queue, or SCHED_WQ_CHILD */
    sched_list_t wait_node;
    bool timer_armed;
    bool interrupted;             /* the sleep was cut short by a signal */
    sched_list_t child_waiters;   /* on a leader: its threads asleep in wait() */
    uint64_t nr_switches, nr_migrations;
};

#define SCHED_WQ_CHILD (-2)       /* wait_wq of a task asleep in wait(): its process's */

/* ---- CPUs ----------------------------------------------------------------------- */

struct sched_cpu {
    int id;
    sched_task_t *curr;           /* engine: running task, NULL when idle */
    bool need_resched;            /* set it with sched_resched(); the engine clears it */

    /* real-time class: yours */
    sched_list_t rt_queue[100];   /* by rt_priority (1..99) */
    unsigned rt_nr_running;

    /* fair class: yours */
    sched_list_t fair_queue;      /* queued fair tasks (not curr), in your order */
    unsigned fair_nr_running;     /* fair tasks on_rq here, curr included */
    sched_load_t fair_load;       /* their weights */
    uint64_t min_vruntime;
    int64_t avg_vruntime;         /* EEVDF: Σ w·(v − min_vruntime) over fair_queue */
    int64_t avg_load;             /* EEVDF: Σ w over fair_queue */

    /* engine */
    uint64_t busy_ns;
};

/* The fair class's tunables, scaled like the kernel's for the CPU count:
 * factor = 1 + ilog2(min(ncpus, 8)). */
typedef struct sched_tunables {
    uint64_t tick_ns;
    int rr_ticks;                 /* rr_slice_ns / tick_ns */
    uint64_t latency_ns;          /* CFS sched_latency: 6 ms × factor */
    uint64_t min_granularity_ns;  /* CFS: 0.75 ms × factor */
    uint64_t wakeup_granularity_ns; /* CFS: 1 ms × factor */
    unsigned nr_latency;          /* CFS: latency / min_granularity = 8 */
    uint64_t base_slice_ns;       /* EEVDF: 0.75 ms × factor */
} sched_tunables_t;

struct sched_engine;

struct sched_sim {
    /* read-only for you */
    uint64_t now;
    int ncpus;
    sched_fair_t fair;
    sched_tunables_t tun;
    sched_task_t *init;
    /* the CPUs: their class fields are yours */
    sched_cpu_t cpu[SCHED_MAX_CPUS];
    /* private: the engine's */
    struct sched_engine *eng;
};

/* ---- hooks: what you implement ---------------------------------------------------- */

/* sched_task.c — the task model */

/* Links a new task t (tid, comm, attr set; cpu -1; lists empty; the rest
 * zero) into the family: a new process whose parent is the process of
 * thread `parent` (NULL only for init), or, with thread set, a new thread
 * of `parent`'s process. Then makes it runnable, as copy_process and
 * wake_up_new_task do: scheduling fields from attr, its place in the fair
 * class (parent's CPU), a CPU, the runqueue, wakeup preemption.
 * Returns 0 or a negative errno. */
int sched_task_fork(sched_sim_t *sim, sched_task_t *parent, sched_task_t *t, bool thread);

/* The running task t goes to sleep in state (S or D; killable for
 * TASK_KILLABLE); the engine has already put it on its wait queue and
 * armed its timer. Returns 0 if it sleeps (or is stopped in the middle of
 * the sleep: the wait queue and timer stay), 1 if the sleep ended at once
 * (a pending signal: it died, or runs on interrupted); the engine then
 * ends the sleep's bookkeeping. */
int sched_task_sleep(sched_sim_t *sim, sched_task_t *t, sched_state_t state, bool killable);

/* The event t sleeps for has come (its timer, its wait queue, a child's
 * exit). The engine has taken t off its wait queue. */
void sched_task_wake(sched_sim_t *sim, sched_task_t *t);

/* Delivers sig to thread t (group false) or to t's whole process (group
 * true), with the model's rules. Returns 0 or -EINVAL. */
int sched_task_signal(sched_sim_t *sim, sched_task_t *t, int sig, bool group);

/* Running thread t exits (group false) or ends its whole process (group
 * true) with code. */
void sched_task_exit(sched_sim_t *sim, sched_task_t *t, int code, bool group);

/* waitpid(pid, WNOHANG) by the process led by `leader`. Returns the reaped
 * pid with *status set, 0 if none is ready, -ECHILD. */
sched_pid_t sched_task_reap(sched_sim_t *sim, sched_task_t *leader, sched_pid_t pid, int *status);

/* sched_core.c — the scheduler */

/* A tick on cpu, whose curr is a task: account it, run its class's tick. */
void sched_core_tick(sched_sim_t *sim, sched_cpu_t *cpu);

/* Chooses what cpu runs next, cpu->curr being the task that ran until
 * now (maybe no longer runnable). Returns the next task (maybe the same
 * one) or NULL for idle. */
sched_task_t *sched_core_pick_next(sched_sim_t *sim, sched_cpu_t *cpu);

/* EEVDF's V for cpu (for sched_cpu_info); CFS: its min_vruntime. It may
 * be called from a trace hook, so it must change nothing. */
uint64_t sched_core_avg_vruntime(sched_sim_t *sim, sched_cpu_t *cpu);

/* ---- helpers: what the engine gives you (sched_sim.c) ------------------------------ */

/* The task with that tid, or NULL. */
sched_task_t *sched_find(sched_sim_t *sim, sched_pid_t tid);

/* Charges cpu's running task for the time since it was last charged:
 * adds it to sum_exec, moves exec_start to now, returns it (update_curr's
 * first half). 0 if idle. */
uint64_t sched_account(sched_sim_t *sim, sched_cpu_t *cpu);

/* Asks the engine to run sched_core_pick_next on cpu (resched_curr). */
void sched_resched(sched_sim_t *sim, sched_cpu_t *cpu);

/* Sets t->state and records the change in the trace. */
void sched_set_state(sched_sim_t *sim, sched_task_t *t, sched_state_t state);

/* Sets t->cpu, counting and tracing a migration if it changes. */
void sched_set_task_cpu(sched_sim_t *sim, sched_task_t *t, int cpu);

/* Ends t's sleep bookkeeping: off its wait queue, its timer disarmed.
 * Call it whenever a sleep ends without its event (signal, death). */
void sched_wait_end(sched_sim_t *sim, sched_task_t *t);

/* Marks t's current sleep as cut short: its program moves on. */
void sched_wait_interrupt(sched_sim_t *sim, sched_task_t *t);

/* Wakes the tasks of process `leader` asleep in wait() (__wake_up_parent). */
void sched_wake_parent(sched_sim_t *sim, sched_task_t *leader);

/* calc_delta_fair: delta × NICE_0_LOAD / t->load.weight, the kernel's way
 * (delta itself when the weight is NICE_0_LOAD). */
uint64_t sched_calc_delta_fair(uint64_t delta, sched_task_t *t);

#endif
