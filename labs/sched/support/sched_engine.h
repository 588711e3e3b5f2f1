/*
 * sched_engine.h — the engine's private state, shared by the support files
 * (sched_sim.c: time and programs; sched_api.c: the public calls;
 * sched_trace.c: records). Nothing here is the scheduler's business.
 *
 * Events are kept in a binary heap ordered by (time, kind, key, seq):
 * at one instant, sleep timers fire first (by tid), then the ends of CPU
 * bursts (by CPU), then the tick. The order never depends on the order in
 * which a scheduler happened to arm them, so two correct schedulers see
 * the same events.
 */
#ifndef UNDERGO_SCHED_ENGINE_H
#define UNDERGO_SCHED_ENGINE_H

#include "sched_sim.h"

enum sched_ev_kind { SCHED_EV_TIMER, SCHED_EV_BURST, SCHED_EV_TICK };

typedef struct sched_ev {
    uint64_t time;
    int kind;                    /* enum sched_ev_kind */
    int key;                     /* TIMER: tid; BURST: cpu */
    uint64_t seq;
    sched_task_t *t;
    uint64_t gen;                /* TIMER: sleep_seq; BURST: burst_gen */
} sched_ev_t;

struct sched_engine {
    sched_config_t cfg;
    /* events */
    sched_ev_t *heap;
    size_t nheap, capheap;
    uint64_t seq;
    /* tasks by tid; tids are never reused */
    sched_task_t **tasks;
    size_t ntasks, captasks;     /* tasks[0] is unused */
    /* wait queues */
    sched_list_t wq[SCHED_NR_WQ];
    /* trace */
    sched_event_t *trace;
    size_t trace_len, trace_head; /* a ring of cfg.trace_keep records */
    /* CPUs: when the running task started running */
    uint64_t busy_since[SCHED_MAX_CPUS];
    int broken;                  /* a negative errno once the model broke */
    bool in_hook;                /* inside an on_event callback */
};

/* sched_sim.c */
void sched__push(sched_sim_t *sim, int kind, uint64_t time, int key, sched_task_t *t, uint64_t gen);
int sched__resched_all(sched_sim_t *sim);
void sched__wake_list(sched_sim_t *sim, sched_list_t *head);
sched_task_t *sched__task_new(sched_sim_t *sim, const sched_attr_t *a);
void sched__task_drop(sched_sim_t *sim, sched_task_t *t);
int sched__fork(sched_sim_t *sim, sched_task_t *parent, const sched_attr_t *a, bool thread);

/* sched_trace.c */
void sched__emit(sched_sim_t *sim, const sched_event_t *ev);

#endif
