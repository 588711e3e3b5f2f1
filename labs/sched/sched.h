/*
 * sched.h — a discrete-event model of how Linux runs many tasks.
 *
 * A simulation holds tasks (threads grouped into processes, as Linux's
 * task_structs are) on one or more simulated CPUs. Each task runs a small
 * program: compute for so long, sleep, wait on a wait queue, wake others,
 * fork, wait for children, exit. Time is virtual (nanoseconds) and moves
 * only inside sched_run_until(); between runs the caller acts on the model
 * the way other processes would: sends signals, wakes wait queues, forks,
 * reaps. Everything is deterministic: the same calls give the same run.
 *
 * The task model: states R, S, D (optionally killable), T, Z and X; signals
 * SIGKILL, SIGTERM, SIGSTOP and SIGCONT (plus any signal a process catches);
 * zombies until the parent waits; orphans reparented to the nearest live
 * subreaper or to init (pid 1, which the simulation creates and which reaps
 * whatever it inherits). The scheduler: SCHED_FIFO and SCHED_RR (priorities
 * 1..99, 100 ms round-robin slices) above the fair class, which is either
 * CFS (Linux up to 6.5) or EEVDF (Linux 6.6 and later), chosen per
 * simulation. README.md gives every rule the model follows.
 *
 * Interface: sched_config_init → sched_sim_new → sched_spawn / sched_thread
 * → sched_run_until … (sched_kill, sched_wake_up, sched_waitpid between
 * runs) → sched_task_info / sched_cpu_info / sched_trace_* → sched_sim_free.
 * Functions return 0 (or a pid, or a count) or a negative errno.
 *
 * This header shares its name with the C library's <sched.h>, and the lab's
 * folder is on the include path, so a system header that includes <sched.h>
 * (pthread.h does) finds this one. It therefore begins by including the C
 * library's, outside its guard, and its own names never clash with libc's
 * (no sched_yield, SCHED_FIFO or struct sched_attr here). Include it from
 * another folder ("sched.h" from tests/, bench/, demo/, support/).
 */
#include_next <sched.h>

#ifndef UNDERGO_SCHED_H
#define UNDERGO_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SCHED_MAX_CPUS 8
#define SCHED_NR_WQ 16           /* wait queues 0..15 of a simulation */
#define SCHED_NSEC_PER_MSEC 1000000ULL
#define SCHED_NSEC_PER_SEC 1000000000ULL
#define SCHED_FOREVER UINT64_MAX /* a RUN that never ends: a CPU hog */

typedef struct sched_sim sched_sim_t;
typedef int32_t sched_pid_t;

/* A task's state, as the letter /proc/<pid>/stat shows. */
typedef enum sched_state {
    SCHED_RUNNING = 'R',         /* running or runnable */
    SCHED_SLEEPING = 'S',        /* interruptible sleep */
    SCHED_DISK = 'D',            /* uninterruptible sleep (killable or not) */
    SCHED_STOPPED = 'T',
    SCHED_ZOMBIE = 'Z',
    SCHED_DEAD = 'X',            /* released: reaped, or a thread that exited */
} sched_state_t;

/* Scheduling policies, numbered as in Linux. */
typedef enum sched_policy {
    SCHED_POLICY_NORMAL = 0,     /* the fair class (SCHED_OTHER) */
    SCHED_POLICY_FIFO = 1,
    SCHED_POLICY_RR = 2,
} sched_policy_t;

/* Which generation of the fair class the simulation runs. */
typedef enum sched_fair {
    SCHED_FAIR_CFS,              /* vruntime, min granularity, sleeper credit */
    SCHED_FAIR_EEVDF,            /* lag, eligibility, virtual deadlines */
} sched_fair_t;

/* ---- programs ------------------------------------------------------------------- */

typedef enum sched_op_kind {
    SCHED_OP_RUN,                /* compute for .ns of CPU time (SCHED_FOREVER: always) */
    SCHED_OP_SLEEP,              /* nanosleep(.ns): interruptible (S) */
    SCHED_OP_IO,                 /* wait .ns for a disk: uninterruptible (D) */
    SCHED_OP_WAIT,               /* sleep on wait queue .wq in state .state (S or D) */
    SCHED_OP_WAKE,               /* wake every task sleeping on wait queue .wq */
    SCHED_OP_FORK,               /* fork a child process running .attr */
    SCHED_OP_THREAD,             /* create a thread of this process running .attr */
    SCHED_OP_WAITPID,            /* wait(2) for any child: reap one zombie, else sleep (S) */
    SCHED_OP_EXIT,               /* this thread exits with .code (pthread_exit) */
    SCHED_OP_EXIT_GROUP,         /* the whole process exits with .code (exit) */
    SCHED_OP_LOOP,               /* go back to the first op */
} sched_op_kind_t;

struct sched_task_attr;

/* One step of a task's program. A program that ends without EXIT ends as
 * `return` would: EXIT_GROUP(0) in the main thread, EXIT(0) in a thread. */
typedef struct sched_op {
    sched_op_kind_t kind;
    uint64_t ns;                 /* RUN, SLEEP, IO */
    int wq;                      /* WAIT, WAKE: 0..SCHED_NR_WQ-1 */
    sched_state_t state;         /* WAIT: SCHED_SLEEPING or SCHED_DISK */
    bool killable;               /* WAIT in D: TASK_KILLABLE, woken by fatal signals */
    int code;                    /* EXIT, EXIT_GROUP: the exit code (0..255) */
    const struct sched_task_attr *attr; /* FORK, THREAD: the new task */
} sched_op_t;

#define SCHED_RUN(t) {.kind = SCHED_OP_RUN, .ns = (t)}
#define SCHED_SLEEP(t) {.kind = SCHED_OP_SLEEP, .ns = (t)}
#define SCHED_IO(t) {.kind = SCHED_OP_IO, .ns = (t)}
#define SCHED_WAIT_S(q) {.kind = SCHED_OP_WAIT, .wq = (q), .state = SCHED_SLEEPING}
#define SCHED_WAIT_D(q) {.kind = SCHED_OP_WAIT, .wq = (q), .state = SCHED_DISK}
#define SCHED_WAIT_KILLABLE(q) \
    {.kind = SCHED_OP_WAIT, .wq = (q), .state = SCHED_DISK, .killable = true}
#define SCHED_WAKE(q) {.kind = SCHED_OP_WAKE, .wq = (q)}
#define SCHED_FORK(a) {.kind = SCHED_OP_FORK, .attr = (a)}
#define SCHED_THREAD(a) {.kind = SCHED_OP_THREAD, .attr = (a)}
#define SCHED_WAITPID() {.kind = SCHED_OP_WAITPID}
#define SCHED_EXIT(c) {.kind = SCHED_OP_EXIT, .code = (c)}
#define SCHED_EXIT_GROUP(c) {.kind = SCHED_OP_EXIT_GROUP, .code = (c)}
#define SCHED_LOOP() {.kind = SCHED_OP_LOOP}

/* What a new task is. Owned by the caller; read only during the call that
 * creates the task, except .prog, which must outlive the task. */
typedef struct sched_task_attr {
    const char *name;            /* comm, for traces (at most 15 bytes kept) */
    sched_policy_t policy;
    int nice;                    /* -20..19, the fair class */
    int rt_priority;             /* 1..99 for FIFO and RR, 0 for NORMAL */
    uint32_t cpus;               /* allowed CPUs, bit i = CPU i; 0: every CPU */
    const sched_op_t *prog;      /* NULL: one RUN(SCHED_FOREVER) */
    size_t nops;
    /* process-wide, for sched_spawn and FORK (ignored for threads): */
    bool subreaper;              /* prctl(PR_SET_CHILD_SUBREAPER) */
    bool ignore_sigchld;         /* SIGCHLD set to SIG_IGN: children never stay zombies */
    uint64_t caught;             /* signals with a handler: bit (1 << sig) */
} sched_attr_t;

/* ---- the simulation ------------------------------------------------------------- */

typedef enum sched_event_kind {
    SCHED_EV_SWITCH,             /* cpu: prev → next (0 = idle) */
    SCHED_EV_STATE,              /* tid: from → to */
    SCHED_EV_MIGRATE,            /* tid: from_cpu → cpu */
    SCHED_EV_FORK,               /* tid created by other (its parent or creator) */
} sched_event_kind_t;

/* One trace record; the sched_switch, sched_wakeup … of the model. */
typedef struct sched_event {
    sched_event_kind_t kind;
    uint64_t time;
    int cpu;
    sched_pid_t tid;             /* SWITCH: prev; others: the task */
    sched_pid_t other;           /* SWITCH: next; FORK: the creator */
    sched_state_t from, to;      /* SWITCH: prev's state; STATE: the change */
    int from_cpu;                /* MIGRATE */
} sched_event_t;

typedef struct sched_config {
    int ncpus;                   /* 1..SCHED_MAX_CPUS */
    sched_fair_t fair;
    uint64_t tick_ns;            /* scheduler tick: 4 ms (HZ=250) */
    uint64_t rr_slice_ns;        /* SCHED_RR slice: 100 ms; a multiple of tick_ns */
    /* Called for every trace record, as it happens. May read the simulation
     * (sched_task_info …) but not change it. */
    void (*on_event)(void *ctx, const sched_event_t *ev);
    void *ctx;
    size_t trace_keep;           /* records kept for sched_trace_print (0: none) */
} sched_config_t;

/* Fills c with the defaults: 1 CPU, EEVDF, HZ=250, 100 ms RR slices. */
void sched_config_init(sched_config_t *c);

/* Creates a simulation at time 0 with init (pid 1) asleep in wait().
 * Returns 0, -EINVAL for a bad config, -ENOMEM. */
int sched_sim_new(const sched_config_t *c, sched_sim_t **out);

/* Frees the simulation and every task. NULL is fine. */
void sched_sim_free(sched_sim_t *sim);

/* The simulation's clock, ns. */
uint64_t sched_now(const sched_sim_t *sim);

/* Runs the simulation until time t (≥ now). Returns 0, or a negative
 * errno if the model broke (-ELOOP: a CPU rescheduled without end). */
int sched_run_until(sched_sim_t *sim, uint64_t t);

/* ---- acting on the model (between runs, at the current time) --------------------- */

/* Process `parent` forks a child that runs `a` (fork + exec). Returns the
 * child's pid, or -ESRCH (no such live process), -EINVAL (bad attr). */
sched_pid_t sched_spawn(sched_sim_t *sim, sched_pid_t parent, const sched_attr_t *a);

/* Thread `creator` creates a thread of its process (pthread_create).
 * Returns the new tid, or -ESRCH, -EINVAL. */
sched_pid_t sched_thread(sched_sim_t *sim, sched_pid_t creator, const sched_attr_t *a);

/* kill(pid, sig): a signal to process `pid`. sig is SIGKILL, SIGTERM,
 * SIGSTOP, SIGCONT, or a signal the process catches. Returns 0, -ESRCH,
 * -EINVAL (a signal the model does not know). */
int sched_kill(sched_sim_t *sim, sched_pid_t pid, int sig);

/* tgkill(tid, sig): the same, directed at one thread. */
int sched_tkill(sched_sim_t *sim, sched_pid_t tid, int sig);

/* wake_up(wq): wakes every task sleeping on wait queue wq. Returns how
 * many were woken, or -EINVAL. */
int sched_wake_up(sched_sim_t *sim, int wq);

/* waitpid(pid, &status, WNOHANG) by process `parent`: pid > 0 one child,
 * -1 any. Returns the reaped pid (and its wait(2) status in *status),
 * 0 if no child is ready, -ECHILD if there is no such child. */
sched_pid_t sched_waitpid(sched_sim_t *sim, sched_pid_t parent, sched_pid_t pid, int *status);

/* ---- looking at it ---------------------------------------------------------------- */

typedef struct sched_task_info {
    char comm[16];               /* its name */
    sched_pid_t tid, tgid, ppid; /* ppid: the parent process (0 for init) */
    sched_state_t state;
    bool killable;               /* in D: a killable sleep */
    bool running;                /* on a CPU right now */
    int cpu;                     /* where it runs, is queued, or last ran */
    sched_policy_t policy;
    int nice, rt_priority;
    int nr_threads;              /* live threads of its process */
    int exit_status;             /* wait(2) status, once it exited */
    uint64_t sum_exec_ns;        /* CPU time so far */
    uint64_t vruntime, deadline; /* fair class, as last updated */
    int64_t vlag;                /* EEVDF: lag saved when it left its runqueue */
    int rr_ticks;                /* SCHED_RR: ticks left of the slice */
    uint64_t nr_switches;        /* times it was switched in */
    uint64_t nr_migrations;
} sched_task_info_t;

/* Fills *out for task tid (alive or not). Returns 0 or -ESRCH. */
int sched_task_info(const sched_sim_t *sim, sched_pid_t tid, sched_task_info_t *out);

/* The state letter of tid, or 0 if there never was such a task. */
sched_state_t sched_task_state(const sched_sim_t *sim, sched_pid_t tid);

typedef struct sched_cpu_info {
    sched_pid_t curr;            /* running task, 0 when idle */
    unsigned nr_running;         /* runnable tasks here, the running one included */
    unsigned rt_nr_running, fair_nr_running;
    uint64_t min_vruntime;
    uint64_t avg_vruntime;       /* EEVDF's V; min_vruntime under CFS */
    uint64_t busy_ns;            /* time spent running tasks */
} sched_cpu_info_t;

/* Fills *out for CPU cpu. Returns 0 or -EINVAL. */
int sched_cpu_info(const sched_sim_t *sim, int cpu, sched_cpu_info_t *out);

/* The highest pid handed out so far (pids are never reused). */
sched_pid_t sched_last_pid(const sched_sim_t *sim);

/* Prints the kept trace records, one per line, ftrace-like. */
void sched_trace_print(const sched_sim_t *sim, FILE *f);

/* Formats one record into buf (≤ len bytes, NUL-terminated). */
void sched_event_format(const sched_sim_t *sim, const sched_event_t *ev, char *buf, size_t len);

/* The weight of a nice level in the fair class (Linux's sched_prio_to_weight). */
unsigned long sched_nice_weight(int nice);

#endif
