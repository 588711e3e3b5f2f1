/*
 * sched_api.c — the public calls of sched.h: checking what the
 * caller asks, handing it to the scheduler's hooks at the current instant,
 * rescheduling afterwards; and the read-only views of tasks and CPUs.
 *
 * Every call that changes the model ends with a reschedule of the CPUs
 * that asked for one, so the caller always sees a settled model.
 */
#include "sched_engine.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#define SIG_BIT(s) (1ULL << (s))
#define CATCHABLE (SIG_BIT(SIGTERM) | SIG_BIT(SIGINT) | SIG_BIT(SIGHUP) | SIG_BIT(SIGUSR1) \
                   | SIG_BIT(SIGUSR2))
#define KNOWN (CATCHABLE | SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP) | SIG_BIT(SIGCONT))

/* ---- checking input --------------------------------------------------------------- */

static bool attr_ok(const sched_sim_t *sim, const sched_attr_t *a, int depth);

static bool op_ok(const sched_sim_t *sim, const sched_op_t *op, int depth)
{
    switch (op->kind) {
    case SCHED_OP_RUN:
    case SCHED_OP_SLEEP:
    case SCHED_OP_IO:
    case SCHED_OP_WAITPID:
    case SCHED_OP_LOOP:
        return true;
    case SCHED_OP_WAIT:
        if (op->state != SCHED_SLEEPING && op->state != SCHED_DISK)
            return false;
        /* fall through */
    case SCHED_OP_WAKE:
        return op->wq >= 0 && op->wq < SCHED_NR_WQ;
    case SCHED_OP_FORK:
    case SCHED_OP_THREAD:
        return op->attr && attr_ok(sim, op->attr, depth + 1);
    case SCHED_OP_EXIT:
    case SCHED_OP_EXIT_GROUP:
        return op->code >= 0 && op->code <= 255;
    }
    return false;
}

/* Checks an attr and, to a depth of 8, the attrs its program forks. */
static bool attr_ok(const sched_sim_t *sim, const sched_attr_t *a, int depth)
{
    if (!a || depth > 8)
        return false;
    if (a->policy == SCHED_POLICY_NORMAL) {
        if (a->rt_priority != 0 || a->nice < -20 || a->nice > 19)
            return false;
    } else if (a->policy == SCHED_POLICY_FIFO || a->policy == SCHED_POLICY_RR) {
        if (a->rt_priority < 1 || a->rt_priority > 99)
            return false;
    } else {
        return false;
    }
    uint32_t all = (uint32_t)((1ULL << sim->ncpus) - 1);
    if (a->cpus && !(a->cpus & all))
        return false;
    if ((a->nops && !a->prog) || (a->caught & ~CATCHABLE))
        return false;
    for (size_t i = 0; i < a->nops; i++)
        if (!op_ok(sim, &a->prog[i], depth))
            return false;
    return true;
}

static bool alive(const sched_task_t *t)
{
    return t && t->state != SCHED_ZOMBIE && t->state != SCHED_DEAD && t->state != 0;
}

/* The leader of live process pid, or NULL. */
static sched_task_t *live_process(sched_sim_t *sim, sched_pid_t pid)
{
    sched_task_t *t = sched_find(sim, pid);
    if (!t || t->leader != t)
        return NULL;
    sched_task_t *th;
    sched_list_t *pos;
    sched_list_for_each(pos, &t->threads) {
        th = sched_entry(pos, sched_task_t, thread_node);
        if (alive(th))
            return t;
    }
    return NULL;
}

static int settle(sched_sim_t *sim, int rc)
{
    int r = sched__resched_all(sim);
    return r ? r : rc;
}

static int usable(const sched_sim_t *sim)
{
    if (sim->eng->broken)
        return sim->eng->broken;
    return sim->eng->in_hook ? -EINVAL : 0;
}

/* ---- acting --------------------------------------------------------------------------- */

sched_pid_t sched_spawn(sched_sim_t *sim, sched_pid_t parent, const sched_attr_t *a)
{
    int rc = usable(sim);
    if (rc)
        return rc;
    sched_task_t *p = live_process(sim, parent);
    if (!p)
        return -ESRCH;
    if (!attr_ok(sim, a, 0))
        return -EINVAL;
    return settle(sim, sched__fork(sim, p, a, false));
}

sched_pid_t sched_thread(sched_sim_t *sim, sched_pid_t creator, const sched_attr_t *a)
{
    int rc = usable(sim);
    if (rc)
        return rc;
    sched_task_t *c = sched_find(sim, creator);
    if (!alive(c))
        return -ESRCH;
    if (!attr_ok(sim, a, 0))
        return -EINVAL;
    return settle(sim, sched__fork(sim, c, a, true));
}

static int signal_ok(int sig)
{
    return sig > 0 && sig < 64 && (KNOWN & SIG_BIT(sig));
}

int sched_kill(sched_sim_t *sim, sched_pid_t pid, int sig)
{
    int rc = usable(sim);
    if (rc)
        return rc;
    sched_task_t *t = sched_find(sim, pid);
    if (!t || t->leader != t || t->state == SCHED_DEAD)
        return -ESRCH;
    if (!signal_ok(sig))
        return -EINVAL;
    return settle(sim, sched_task_signal(sim, t, sig, true));
}

int sched_tkill(sched_sim_t *sim, sched_pid_t tid, int sig)
{
    int rc = usable(sim);
    if (rc)
        return rc;
    sched_task_t *t = sched_find(sim, tid);
    if (!t || t->state == SCHED_DEAD || t->state == 0)
        return -ESRCH;
    if (!signal_ok(sig))
        return -EINVAL;
    return settle(sim, sched_task_signal(sim, t, sig, false));
}

int sched_wake_up(sched_sim_t *sim, int wq)
{
    int rc = usable(sim);
    if (rc)
        return rc;
    if (wq < 0 || wq >= SCHED_NR_WQ)
        return -EINVAL;
    int n = 0;
    sched_list_t *pos;
    sched_list_for_each(pos, &sim->eng->wq[wq])
        n++;
    sched__wake_list(sim, &sim->eng->wq[wq]);
    return settle(sim, n);
}

sched_pid_t sched_waitpid(sched_sim_t *sim, sched_pid_t parent, sched_pid_t pid, int *status)
{
    int rc = usable(sim);
    if (rc)
        return rc;
    sched_task_t *p = live_process(sim, parent);
    if (!p)
        return -ESRCH;
    if (pid == 0 || pid < -1)
        return -EINVAL;
    int st = 0;
    sched_pid_t got = sched_task_reap(sim, p, pid, &st);
    if (got > 0 && status)
        *status = st;
    return settle(sim, got);
}

/* ---- looking --------------------------------------------------------------------------- */

static sched_task_t *find_const(const sched_sim_t *sim, sched_pid_t tid)
{
    return sched_find((sched_sim_t *)sim, tid);
}

static int live_threads(const sched_task_t *t)
{
    const sched_task_t *l = t->leader ? t->leader : t;
    int n = 0;
    const sched_list_t *pos;
    for (pos = l->threads.next; pos != &l->threads; pos = pos->next)
        n += alive(sched_entry(pos, sched_task_t, thread_node));
    return n;
}

int sched_task_info(const sched_sim_t *sim, sched_pid_t tid, sched_task_info_t *out)
{
    const sched_task_t *t = find_const(sim, tid);
    if (!t)
        return -ESRCH;
    bool running = t->cpu >= 0 && sim->cpu[t->cpu].curr == t;
    *out = (sched_task_info_t){
        .tid = t->tid, .tgid = t->tgid,
        .ppid = t->leader && t->leader->parent ? t->leader->parent->tgid : 0,
        .state = t->state, .killable = t->state == SCHED_DISK && t->killable,
        .running = running, .cpu = t->cpu, .policy = t->attr.policy, .nice = t->attr.nice,
        .rt_priority = t->attr.rt_priority, .nr_threads = live_threads(t),
        .exit_status = t->exit_code,
        .sum_exec_ns = t->sum_exec + (running ? sim->now - t->exec_start : 0),
        .vruntime = t->vruntime, .deadline = t->deadline, .vlag = t->vlag,
        .rr_ticks = t->rr_ticks, .nr_switches = t->nr_switches,
        .nr_migrations = t->nr_migrations,
    };
    memcpy(out->comm, t->comm, sizeof out->comm);
    return 0;
}

sched_state_t sched_task_state(const sched_sim_t *sim, sched_pid_t tid)
{
    const sched_task_t *t = find_const(sim, tid);
    return t ? t->state : (sched_state_t)0;
}

int sched_cpu_info(const sched_sim_t *sim, int cpu, sched_cpu_info_t *out)
{
    if (cpu < 0 || cpu >= sim->ncpus)
        return -EINVAL;
    sched_sim_t *s = (sched_sim_t *)sim;
    sched_cpu_t *c = &s->cpu[cpu];
    *out = (sched_cpu_info_t){
        .curr = c->curr ? c->curr->tid : 0,
        .nr_running = c->rt_nr_running + c->fair_nr_running,
        .rt_nr_running = c->rt_nr_running, .fair_nr_running = c->fair_nr_running,
        .min_vruntime = c->min_vruntime, .avg_vruntime = sched_core_avg_vruntime(s, c),
        .busy_ns = c->busy_ns + (c->curr ? sim->now - sim->eng->busy_since[cpu] : 0),
    };
    return 0;
}

sched_pid_t sched_last_pid(const sched_sim_t *sim)
{
    return (sched_pid_t)(sim->eng->ntasks - 1);
}
