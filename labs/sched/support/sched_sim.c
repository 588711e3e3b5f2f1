/*
 * sched_sim.c — the engine: virtual time, events, context switches and the
 * programs tasks run.
 *
 * The clock jumps from event to event. An event is a sleep timer running
 * out, a CPU burst (a RUN op) finishing on the CPU that runs it, or the
 * tick, which every busy CPU takes at each multiple of tick_ns. After each
 * event the engine reschedules every CPU whose need_resched is set: it asks
 * the scheduler what runs next (sched_core_pick_next), switches to it, and
 * runs its program until it computes (a burst is armed), blocks (the engine
 * reschedules that CPU at once, as a sleeping task calls schedule()), or is
 * preempted.
 *
 * A task's CPU burst is the engine's: it counts down only while the task
 * runs, and is armed as an event when the task is switched in. Accounting
 * (sum_exec, vruntime) is the scheduler's, through sched_account().
 *
 * Interface: sched__push (events), sched_run_until, sched__resched_all,
 * sched__task_new / sched__fork, and the helpers sched_sim.h promises.
 */
#include "sched_engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define RESCHED_LIMIT 10000      /* switches on one CPU at one instant before -ELOOP */
#define OPS_LIMIT 100000         /* zero-time ops in a row before -ELOOP */

/* ---- the event heap --------------------------------------------------------------- */

static bool ev_before(const sched_ev_t *a, const sched_ev_t *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    if (a->kind != b->kind)
        return a->kind < b->kind;
    if (a->key != b->key)
        return a->key < b->key;
    return a->seq < b->seq;
}

static void heap_swap(sched_ev_t *h, size_t i, size_t j)
{
    sched_ev_t tmp = h[i];
    h[i] = h[j];
    h[j] = tmp;
}

/* Adds an event; on allocation failure the model is marked broken. */
void sched__push(sched_sim_t *sim, int kind, uint64_t time, int key, sched_task_t *t, uint64_t gen)
{
    struct sched_engine *e = sim->eng;
    if (time < sim->now) {
        e->broken = -EPROTO;              /* an event in the past: the engine's own bug */
        return;
    }
    if (e->nheap == e->capheap) {
        size_t cap = e->capheap ? 2 * e->capheap : 64;
        sched_ev_t *h = realloc(e->heap, cap * sizeof *h);
        if (!h) {
            e->broken = -ENOMEM;
            return;
        }
        e->heap = h;
        e->capheap = cap;
    }
    size_t i = e->nheap++;
    e->heap[i] = (sched_ev_t){time, kind, key, e->seq++, t, gen};
    while (i > 0 && ev_before(&e->heap[i], &e->heap[(i - 1) / 2])) {
        heap_swap(e->heap, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static sched_ev_t heap_pop(struct sched_engine *e)
{
    sched_ev_t top = e->heap[0];
    e->heap[0] = e->heap[--e->nheap];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < e->nheap && ev_before(&e->heap[l], &e->heap[m]))
            m = l;
        if (r < e->nheap && ev_before(&e->heap[r], &e->heap[m]))
            m = r;
        if (m == i)
            break;
        heap_swap(e->heap, i, m);
        i = m;
    }
    return top;
}

/* ---- helpers promised to the scheduler ------------------------------------------------ */

sched_task_t *sched_find(sched_sim_t *sim, sched_pid_t tid)
{
    struct sched_engine *e = sim->eng;
    if (tid <= 0 || (size_t)tid >= e->ntasks)
        return NULL;
    return e->tasks[tid];
}

uint64_t sched_account(sched_sim_t *sim, sched_cpu_t *cpu)
{
    sched_task_t *t = cpu->curr;
    if (!t)
        return 0;
    uint64_t delta = sim->now - t->exec_start;
    t->exec_start = sim->now;
    t->sum_exec += delta;
    return delta;
}

void sched_resched(sched_sim_t *sim, sched_cpu_t *cpu)
{
    (void)sim;
    cpu->need_resched = true;
}

void sched_set_state(sched_sim_t *sim, sched_task_t *t, sched_state_t state)
{
    if (t->state == state)
        return;
    sched_state_t from = t->state;
    t->state = state;
    if (from)
        sched__emit(sim, &(sched_event_t){.kind = SCHED_EV_STATE, .time = sim->now,
                                          .cpu = t->cpu, .tid = t->tid, .from = from,
                                          .to = state});
}

void sched_set_task_cpu(sched_sim_t *sim, sched_task_t *t, int cpu)
{
    if (t->cpu == cpu)
        return;
    int from = t->cpu;
    t->cpu = cpu;
    if (from < 0)
        return;             /* a new task's first CPU is no migration */
    t->nr_migrations++;
    sched__emit(sim, &(sched_event_t){.kind = SCHED_EV_MIGRATE, .time = sim->now, .cpu = cpu,
                                      .tid = t->tid, .from_cpu = from});
}

void sched_wait_end(sched_sim_t *sim, sched_task_t *t)
{
    (void)sim;
    sched_list_del(&t->wait_node);
    t->wait_wq = -1;
    t->timer_armed = false;
}

void sched_wait_interrupt(sched_sim_t *sim, sched_task_t *t)
{
    sched_wait_end(sim, t);
    t->interrupted = true;
}

/* Wakes every task on a list of sleepers, in the order they went to sleep.
 * Only those asleep when the call began: a mark ends the walk, so a task
 * that joins the list meanwhile waits for the next wake-up. */
void sched__wake_list(sched_sim_t *sim, sched_list_t *head)
{
    sched_list_t mark;
    sched_list_init(&mark);
    sched_list_add_tail(head, &mark);        /* wake only who slept before now */
    while (head->next != &mark) {
        sched_task_t *t = sched_entry(head->next, sched_task_t, wait_node);
        sched_wait_end(sim, t);
        sched_task_wake(sim, t);
    }
    sched_list_del(&mark);
}

void sched_wake_parent(sched_sim_t *sim, sched_task_t *leader)
{
    sched__wake_list(sim, &leader->child_waiters);
}

/* ---- tasks --------------------------------------------------------------------------- */

/* A new task with a fresh tid, not yet linked anywhere. NULL on ENOMEM. */
sched_task_t *sched__task_new(sched_sim_t *sim, const sched_attr_t *a)
{
    struct sched_engine *e = sim->eng;
    if (e->ntasks >= e->captasks) {
        size_t cap = e->captasks ? 2 * e->captasks : 64;
        sched_task_t **v = realloc(e->tasks, cap * sizeof *v);
        if (!v)
            return NULL;
        if (!e->captasks)
            v[0] = NULL;             /* tid 0 is nobody */
        e->tasks = v;
        e->captasks = cap;
    }
    sched_task_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->tid = (sched_pid_t)e->ntasks;
    e->tasks[e->ntasks++] = t;
    t->attr = *a;
    snprintf(t->comm, sizeof t->comm, "%s", a->name ? a->name : "task");
    sched_list_init(&t->children);
    sched_list_init(&t->sibling);
    sched_list_init(&t->threads);
    sched_list_init(&t->thread_node);
    sched_list_init(&t->run_node);
    sched_list_init(&t->wait_node);
    sched_list_init(&t->child_waiters);
    t->cpu = -1;
    t->wait_wq = -1;
    t->last_ran = sim->now;
    return t;
}

/* Takes back the newest task after its fork failed. */
void sched__task_drop(sched_sim_t *sim, sched_task_t *t)
{
    struct sched_engine *e = sim->eng;
    if ((size_t)t->tid == e->ntasks - 1)
        e->ntasks--;
    e->tasks[t->tid] = NULL;
    free(t);
}

/* Forks a task running a; returns its tid or a negative errno. */
int sched__fork(sched_sim_t *sim, sched_task_t *parent, const sched_attr_t *a, bool thread)
{
    static const sched_op_t hog[] = {SCHED_RUN(SCHED_FOREVER)};
    sched_attr_t attr = *a;
    if (!attr.prog) {
        attr.prog = hog;
        attr.nops = 1;
    }
    sched_task_t *t = sched__task_new(sim, &attr);
    if (!t)
        return -ENOMEM;
    int rc = sched_task_fork(sim, parent, t, thread);
    if (rc) {
        sched__task_drop(sim, t);
        return rc < 0 ? rc : -EPROTO;
    }
    sched__emit(sim, &(sched_event_t){.kind = SCHED_EV_FORK, .time = sim->now, .cpu = t->cpu,
                                      .tid = t->tid, .other = parent ? parent->tid : 0});
    return t->tid;
}

/* ---- sleeps --------------------------------------------------------------------------- */

/* The running task t starts a sleep: on wait queue wq (or the child-exit
 * list, or none) and/or a timer of ns (0: none). */
static void start_sleep(sched_sim_t *sim, sched_task_t *t, int wq, uint64_t ns,
                        sched_state_t state, bool killable)
{
    struct sched_engine *e = sim->eng;
    t->sleep_seq++;
    t->wait_wq = wq;
    if (wq >= 0)
        sched_list_add_tail(&e->wq[wq], &t->wait_node);
    else if (wq == SCHED_WQ_CHILD)
        sched_list_add_tail(&t->leader->child_waiters, &t->wait_node);
    if (ns) {
        t->timer_armed = true;
        sched__push(sim, SCHED_EV_TIMER, sim->now + ns, t->tid, t, t->sleep_seq);
    }
    if (sched_task_sleep(sim, t, state, killable))
        sched_wait_end(sim, t);
}

static void on_timer(sched_sim_t *sim, const sched_ev_t *ev)
{
    sched_task_t *t = ev->t;
    if (!t->timer_armed || t->sleep_seq != ev->gen)
        return;                                  /* the sleep ended otherwise */
    sched_wait_end(sim, t);
    sched_task_wake(sim, t);
}

/* ---- programs ------------------------------------------------------------------------- */

static void arm_burst(sched_sim_t *sim, sched_task_t *t)
{
    t->run_start = sim->now;
    if (t->burst_armed || t->burst_left == SCHED_FOREVER)
        return;
    t->burst_armed = true;
    sched__push(sim, SCHED_EV_BURST, sim->now + t->burst_left, t->cpu, t, ++t->burst_gen);
}

static bool is_leader(const sched_task_t *t)
{
    return t->leader == t;
}

/* Runs one zero-time op of t (pc < nops). */
static void do_op(sched_sim_t *sim, sched_task_t *t, const sched_op_t *op)
{
    switch (op->kind) {
    case SCHED_OP_RUN:
        t->pc++;
        t->burst_left = op->ns;
        break;
    case SCHED_OP_SLEEP:
    case SCHED_OP_IO:
        t->pc++;
        start_sleep(sim, t, -1, op->ns ? op->ns : 1,
                    op->kind == SCHED_OP_SLEEP ? SCHED_SLEEPING : SCHED_DISK, false);
        break;
    case SCHED_OP_WAIT:
        t->pc++;
        start_sleep(sim, t, op->wq, 0, op->state, op->state == SCHED_DISK && op->killable);
        break;
    case SCHED_OP_WAKE:
        t->pc++;
        sched__wake_list(sim, &sim->eng->wq[op->wq]);
        break;
    case SCHED_OP_FORK:
    case SCHED_OP_THREAD:
        t->pc++;
        sched__fork(sim, t, op->attr, op->kind == SCHED_OP_THREAD);
        break;
    case SCHED_OP_WAITPID: {
        int status;
        sched_pid_t rc = sched_task_reap(sim, t->leader, -1, &status);
        /* init waits even with no child: it is the reaper of last resort */
        if (rc > 0 || (rc < 0 && t != sim->init))
            t->pc++;
        else
            start_sleep(sim, t, SCHED_WQ_CHILD, 0, SCHED_SLEEPING, false);
        break;
    }
    case SCHED_OP_EXIT:
    case SCHED_OP_EXIT_GROUP:
        t->pc++;
        sched_task_exit(sim, t, op->code, op->kind == SCHED_OP_EXIT_GROUP);
        break;
    case SCHED_OP_LOOP:
        t->pc = 0;
        break;
    }
}

/* Runs the program of cpu's current task until it computes, blocks or is
 * preempted. Blocking asks for a reschedule, as the task would call
 * schedule(). */
static void run_program(sched_sim_t *sim, sched_cpu_t *cpu)
{
    sched_task_t *t = cpu->curr;
    for (int n = 0; n < OPS_LIMIT; n++) {
        if (cpu->curr != t || cpu->need_resched)
            return;
        if (t->state != SCHED_RUNNING || !t->on_rq || t->cpu != cpu->id) {
            cpu->need_resched = true;
            return;
        }
        if (t->burst_left) {
            arm_burst(sim, t);
            return;
        }
        if (t->interrupted) {
            t->interrupted = false;
            if (t->pc < t->attr.nops && t->attr.prog[t->pc].kind == SCHED_OP_WAITPID)
                t->pc++;                         /* wait() returned EINTR */
        }
        if (t->pc >= t->attr.nops) {
            sched_task_exit(sim, t, 0, is_leader(t));   /* return from main or thread */
            continue;
        }
        do_op(sim, t, &t->attr.prog[t->pc]);
    }
    sim->eng->broken = -ELOOP;
}

/* ---- context switches ----------------------------------------------------------------- */

static void switch_out(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *prev)
{
    struct sched_engine *e = sim->eng;
    cpu->busy_ns += sim->now - e->busy_since[cpu->id];
    if (prev->burst_armed)                    /* in the middle of a RUN */
        prev->burst_left -= sim->now - prev->run_start;
    prev->burst_armed = false;
    prev->burst_gen++;
    prev->last_ran = sim->now;
}

static void switch_in(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *next)
{
    sim->eng->busy_since[cpu->id] = sim->now;
    next->exec_start = sim->now;
    next->run_start = sim->now;
    next->nr_switches++;
}

/* Is next something cpu may run? A scheduler bug must not become a crash. */
static bool runnable_here(sched_sim_t *sim, sched_cpu_t *cpu, sched_task_t *next)
{
    if (!next)
        return true;
    if (next->state != SCHED_RUNNING || !next->on_rq || next->cpu != cpu->id)
        return false;
    for (int i = 0; i < sim->ncpus; i++)
        if (&sim->cpu[i] != cpu && sim->cpu[i].curr == next)
            return false;
    return true;
}

/* Reschedules cpu until it settles: picks, switches, runs the program. */
static int schedule(sched_sim_t *sim, sched_cpu_t *cpu)
{
    for (int n = 0; n < RESCHED_LIMIT; n++) {
        cpu->need_resched = false;
        sched_task_t *prev = cpu->curr;
        sched_task_t *next = sched_core_pick_next(sim, cpu);
        if (!runnable_here(sim, cpu, next))
            return -EPROTO;
        if (next != prev) {
            if (prev)
                switch_out(sim, cpu, prev);
            cpu->curr = next;
            if (next)
                switch_in(sim, cpu, next);
            sched__emit(sim, &(sched_event_t){.kind = SCHED_EV_SWITCH, .time = sim->now,
                                              .cpu = cpu->id, .tid = prev ? prev->tid : 0,
                                              .other = next ? next->tid : 0,
                                              .from = prev ? prev->state : SCHED_RUNNING});
        }
        if (next)
            run_program(sim, cpu);
        if (sim->eng->broken)
            return sim->eng->broken;
        if (!cpu->need_resched)
            return 0;
    }
    return -ELOOP;
}

int sched__resched_all(sched_sim_t *sim)
{
    for (int round = 0; round < RESCHED_LIMIT; round++) {
        bool any = false;
        for (int i = 0; i < sim->ncpus; i++) {
            if (!sim->cpu[i].need_resched)
                continue;
            any = true;
            int rc = schedule(sim, &sim->cpu[i]);
            if (rc)
                return sim->eng->broken = rc;
        }
        if (!any)
            return sim->eng->broken;
    }
    return sim->eng->broken = -ELOOP;
}

/* ---- events ---------------------------------------------------------------------------- */

static void on_burst(sched_sim_t *sim, const sched_ev_t *ev)
{
    sched_task_t *t = ev->t;
    if (t->burst_gen != ev->gen || !t->burst_armed || t->cpu < 0 || sim->cpu[t->cpu].curr != t)
        return;
    t->burst_armed = false;
    t->burst_left = 0;
    run_program(sim, &sim->cpu[t->cpu]);
}

static void on_tick(sched_sim_t *sim)
{
    for (int i = 0; i < sim->ncpus; i++)
        if (sim->cpu[i].curr)
            sched_core_tick(sim, &sim->cpu[i]);
    sched__push(sim, SCHED_EV_TICK, sim->now + sim->tun.tick_ns, 0, NULL, 0);
}

int sched_run_until(sched_sim_t *sim, uint64_t t)
{
    struct sched_engine *e = sim->eng;
    if (e->broken)
        return e->broken;
    if (t < sim->now || e->in_hook)
        return -EINVAL;
    while (e->nheap && e->heap[0].time <= t) {
        sched_ev_t ev = heap_pop(e);
        sim->now = ev.time;
        if (ev.kind == SCHED_EV_TIMER)
            on_timer(sim, &ev);
        else if (ev.kind == SCHED_EV_BURST)
            on_burst(sim, &ev);
        else
            on_tick(sim);
        int rc = sched__resched_all(sim);
        if (rc)
            return rc;
    }
    sim->now = t;
    return 0;
}

uint64_t sched_now(const sched_sim_t *sim)
{
    return sim->now;
}

/* ---- the simulation -------------------------------------------------------------------- */

void sched_config_init(sched_config_t *c)
{
    *c = (sched_config_t){.ncpus = 1, .fair = SCHED_FAIR_EEVDF,
                          .tick_ns = 4 * SCHED_NSEC_PER_MSEC,
                          .rr_slice_ns = 100 * SCHED_NSEC_PER_MSEC};
}

static int ilog2(unsigned v)
{
    int r = 0;
    while (v >>= 1)
        r++;
    return r;
}

static void set_tunables(sched_sim_t *sim)
{
    const sched_config_t *c = &sim->eng->cfg;
    uint64_t f = 1 + (uint64_t)ilog2((unsigned)(c->ncpus < 8 ? c->ncpus : 8));
    sim->tun = (sched_tunables_t){
        .tick_ns = c->tick_ns,
        .rr_ticks = (int)(c->rr_slice_ns / c->tick_ns),
        .latency_ns = 6000000ULL * f,
        .min_granularity_ns = 750000ULL * f,
        .wakeup_granularity_ns = 1000000ULL * f,
        .nr_latency = 8,
        .base_slice_ns = 750000ULL * f,
    };
}

static bool config_ok(const sched_config_t *c)
{
    return c && c->ncpus >= 1 && c->ncpus <= SCHED_MAX_CPUS
        && (c->fair == SCHED_FAIR_CFS || c->fair == SCHED_FAIR_EEVDF)
        && c->tick_ns >= 1000 && c->tick_ns <= SCHED_NSEC_PER_SEC
        && c->rr_slice_ns >= c->tick_ns && c->rr_slice_ns % c->tick_ns == 0;
}

static int start_init(sched_sim_t *sim)
{
    static const sched_op_t init_prog[] = {SCHED_WAITPID(), SCHED_LOOP()};
    sched_attr_t a = {.name = "init", .prog = init_prog, .nops = 2};
    sched_task_t *t = sched__task_new(sim, &a);
    if (!t)
        return -ENOMEM;
    sim->init = t;
    int rc = sched_task_fork(sim, NULL, t, false);
    if (rc) {
        sim->init = NULL;
        sched__task_drop(sim, t);
        return rc < 0 ? rc : -EPROTO;
    }
    sched__push(sim, SCHED_EV_TICK, sim->tun.tick_ns, 0, NULL, 0);
    return sched__resched_all(sim);
}

int sched_sim_new(const sched_config_t *c, sched_sim_t **out)
{
    *out = NULL;
    if (!config_ok(c))
        return -EINVAL;
    sched_sim_t *sim = calloc(1, sizeof *sim);
    struct sched_engine *e = calloc(1, sizeof *e);
    if (!sim || !e) {
        free(sim);
        free(e);
        return -ENOMEM;
    }
    sim->eng = e;
    e->cfg = *c;
    e->ntasks = 1;               /* tid 0 is nobody */
    if (c->trace_keep && !(e->trace = calloc(c->trace_keep, sizeof *e->trace))) {
        sched_sim_free(sim);
        return -ENOMEM;
    }
    sim->ncpus = c->ncpus;
    sim->fair = c->fair;
    set_tunables(sim);
    for (int i = 0; i < SCHED_MAX_CPUS; i++) {
        sched_cpu_t *cpu = &sim->cpu[i];
        cpu->id = i;
        for (int p = 0; p < 100; p++)
            sched_list_init(&cpu->rt_queue[p]);
        sched_list_init(&cpu->fair_queue);
    }
    for (int q = 0; q < SCHED_NR_WQ; q++)
        sched_list_init(&e->wq[q]);
    int rc = start_init(sim);
    if (rc) {
        sched_sim_free(sim);
        return rc;
    }
    *out = sim;
    return 0;
}

void sched_sim_free(sched_sim_t *sim)
{
    if (!sim)
        return;
    struct sched_engine *e = sim->eng;
    for (size_t i = 0; e && i < e->ntasks; i++)
        free(e->tasks[i]);
    if (e) {
        free(e->tasks);
        free(e->heap);
        free(e->trace);
        free(e);
    }
    free(sim);
}
