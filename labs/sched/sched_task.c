/*
 * sched_task.c — the task model: processes and threads, states, signals,
 * exit, zombies, wait and reparenting.
 *
 * A process is a thread group: its first task is the leader, whose tid is
 * the group's tgid (what getpid returns); every thread has its own tid and
 * state. Family is per process: a child's parent is the leader of the
 * process that forked it, and children are reparented only when their
 * whole parent process is dead.
 *
 * Signals, as the model delivers them (at once, whatever the target does):
 *   fatal (SIGKILL; SIGTERM and the others when not caught), to a process
 *         or one thread: the whole process exits (a group exit, status =
 *         the signal). R, S, T and killable D threads die now; a plain D
 *         thread keeps it pending and dies when its wait ends.
 *   SIGSTOP: every thread stops. R → T. S → T in the middle of its sleep:
 *         still waiting, and after SIGCONT back to S, unless the event it
 *         waited for came meanwhile (then R). D stays D, the stop pending:
 *         it stops when the wait ends.
 *   SIGCONT: T → R (or back to S, above); pending stops are dropped.
 *   caught: interrupts an S sleep of the thread that takes it (the main
 *         thread, or the lowest live tid, for a process); otherwise it is
 *         handled and nothing visible happens.
 *   init ignores every signal it does not catch, SIGKILL and SIGSTOP too.
 *
 * Exit: a thread that is not the leader is released at once (X, never a
 * zombie). The leader becomes a zombie (Z); its parent hears of it, and
 * may reap it, only when the last thread of the process is gone. Then the
 * children go to the nearest ancestor that is a live subreaper, else to
 * init; zombies among them are reported to the new parent. A parent that
 * ignores SIGCHLD never keeps zombies: they are released at once. wait
 * reports the group-exit status if there was a group exit, else the
 * leader's own.
 *
 * Interface: the sched_task_* hooks of support/sched_sim.h.
 */
#include "sched_internal.h"

#include <errno.h>
#include <signal.h>

#if LAB_SOLUTION

#define SIG_BIT(s) (1ULL << (s))

static bool alive(const sched_task_t *t)
{
    return t->state != SCHED_ZOMBIE && t->state != SCHED_DEAD;
}

static sched_task_t *thread_of(sched_list_t *pos)
{
    return sched_entry(pos, sched_task_t, thread_node);
}

/* A live thread of the process other than `but`, or NULL. */
static sched_task_t *live_thread(sched_task_t *leader, const sched_task_t *but)
{
    sched_list_t *pos;
    sched_list_for_each(pos, &leader->threads) {
        sched_task_t *t = thread_of(pos);
        if (t != but && alive(t))
            return t;
    }
    return NULL;
}

/* ---- reaping and reparenting ------------------------------------------------------- */

/* A zombie whose whole process is gone: its parent may reap it. */
static bool reapable(sched_task_t *c)
{
    return c->state == SCHED_ZOMBIE && !live_thread(c, NULL);
}

static int wait_status(const sched_task_t *leader)
{
    return leader->flags & SCHED_F_GROUP_EXIT ? leader->group_exit_code : leader->exit_code;
}

static void release(sched_sim_t *sim, sched_task_t *leader)
{
    sched_list_del(&leader->sibling);
    sched_set_state(sim, leader, SCHED_DEAD);
}

/* do_notify_parent: wake the parent's waiters; a parent that ignores
 * SIGCHLD has the child released right away. */
static void notify_parent(sched_sim_t *sim, sched_task_t *child)
{
    sched_task_t *parent = child->parent;
    if (parent->attr.ignore_sigchld)
        release(sim, child);
    sched_wake_parent(sim, parent);
}

static sched_task_t *find_reaper(sched_sim_t *sim, sched_task_t *dead)
{
    for (sched_task_t *a = dead->parent; a && a != sim->init; a = a->parent)
        if (a->attr.subreaper && live_thread(a, NULL))
            return a;
    return sim->init;
}

static void reparent_children(sched_sim_t *sim, sched_task_t *dead)
{
    sched_task_t *reaper = find_reaper(sim, dead);
    while (!sched_list_empty(&dead->children)) {
        sched_task_t *c = sched_entry(dead->children.next, sched_task_t, sibling);
        sched_list_del(&c->sibling);
        c->parent = reaper;
        sched_list_add_tail(&reaper->children, &c->sibling);
        if (reapable(c))
            notify_parent(sim, c);
    }
}

/* The last thread of the process led by `leader` is gone: its children
 * find a new parent, and the leader becomes the zombie its parent hears
 * of, or goes straight to X if the parent ignores SIGCHLD. */
static void group_dead(sched_sim_t *sim, sched_task_t *leader)
{
    reparent_children(sim, leader);
    if (leader->parent && leader->parent->attr.ignore_sigchld)
        release(sim, leader);
    else
        sched_set_state(sim, leader, SCHED_ZOMBIE);
    if (leader->parent)
        sched_wake_parent(sim, leader->parent);
}

sched_pid_t sched_task_reap(sched_sim_t *sim, sched_task_t *leader, sched_pid_t pid, int *status)
{
    bool any = false;
    sched_list_t *pos;
    sched_list_for_each(pos, &leader->children) {
        sched_task_t *c = sched_entry(pos, sched_task_t, sibling);
        if (pid != -1 && c->tid != pid)
            continue;
        any = true;
        if (reapable(c)) {
            *status = wait_status(c);
            release(sim, c);
            return c->tid;
        }
    }
    return any ? 0 : -ECHILD;
}

/* ---- exit ------------------------------------------------------------------------------ */

/* do_exit of one thread, in whatever state it is. */
static void exit_thread(sched_sim_t *sim, sched_task_t *t, int status)
{
    sched_task_t *leader = t->leader;
    if (!alive(t))
        return;
    t->exit_code = status;
    sched_wait_end(sim, t);
    sched__deactivate(sim, t);
    t->sleep_state = 0;
    t->pending = 0;
    bool last = !live_thread(leader, t);
    if (t != leader) {
        sched_list_del(&t->thread_node);
        sched_set_state(sim, t, SCHED_DEAD);
    }
    if (last)
        group_dead(sim, leader);
    else if (t == leader)
        sched_set_state(sim, t, SCHED_ZOMBIE);      /* delayed: threads still run */
}

/* do_group_exit / zap_other_threads: every thread dies, or, in a plain D
 * sleep, keeps the kill pending. */
static void group_exit(sched_sim_t *sim, sched_task_t *leader, int status)
{
    if (leader->flags & SCHED_F_GROUP_EXIT)
        return;
    leader->flags |= SCHED_F_GROUP_EXIT;
    leader->group_exit_code = status;
    sched_list_t *pos, *tmp;
    sched_list_for_each_safe(pos, tmp, &leader->threads) {
        sched_task_t *t = thread_of(pos);
        if (t->state == SCHED_DISK && !t->killable)
            t->pending |= SIG_BIT(SIGKILL);
        else
            exit_thread(sim, t, status);
    }
}

void sched_task_exit(sched_sim_t *sim, sched_task_t *t, int code, bool group)
{
    int status = (code & 0xff) << 8;
    if (group)
        group_exit(sim, t->leader, status);
    else
        exit_thread(sim, t, status);
}

/* ---- sleeping and waking ---------------------------------------------------------------- */

int sched_task_sleep(sched_sim_t *sim, sched_task_t *t, sched_state_t state, bool killable)
{
    t->killable = state == SCHED_DISK && killable;
    sched_set_state(sim, t, state);
    sched__deactivate(sim, t);
    return 0;
}

static void make_runnable(sched_sim_t *sim, sched_task_t *t)
{
    sched_set_state(sim, t, SCHED_RUNNING);
    sched__activate(sim, t, SCHED_ENQ_WAKEUP, NULL);
}

void sched_task_wake(sched_sim_t *sim, sched_task_t *t)
{
    if (t->state == SCHED_STOPPED) {
        if (t->sleep_state)
            t->sleep_woken = true;            /* it will not sleep again after SIGCONT */
        return;
    }
    if (t->state != SCHED_SLEEPING && t->state != SCHED_DISK)
        return;
    t->killable = false;
    if (t->pending & SIG_BIT(SIGKILL)) {
        exit_thread(sim, t, t->leader->group_exit_code);
    } else if (t->pending & SIG_BIT(SIGSTOP)) {
        t->pending &= ~SIG_BIT(SIGSTOP);
        sched_set_state(sim, t, SCHED_STOPPED);
    } else {
        make_runnable(sim, t);
    }
}

/* ---- signals ---------------------------------------------------------------------------- */

static void stop_thread(sched_sim_t *sim, sched_task_t *t)
{
    switch (t->state) {
    case SCHED_RUNNING:
        sched__deactivate(sim, t);
        sched_set_state(sim, t, SCHED_STOPPED);
        break;
    case SCHED_SLEEPING:                      /* stopped in the middle of its sleep */
        t->sleep_state = SCHED_SLEEPING;
        t->sleep_woken = false;
        sched_set_state(sim, t, SCHED_STOPPED);
        break;
    case SCHED_DISK:
        t->pending |= SIG_BIT(SIGSTOP);
        break;
    default:
        break;
    }
}

static void continue_thread(sched_sim_t *sim, sched_task_t *t)
{
    t->pending &= ~SIG_BIT(SIGSTOP);
    if (t->state != SCHED_STOPPED)
        return;
    if (t->sleep_state && !t->sleep_woken) {
        sched_set_state(sim, t, t->sleep_state);  /* back to its sleep */
        t->sleep_state = 0;
        return;
    }
    t->sleep_state = 0;
    make_runnable(sim, t);
}

/* The thread that takes a caught signal sent to the process. */
static sched_task_t *signal_target(sched_task_t *leader)
{
    if (alive(leader))
        return leader;
    sched_task_t *best = NULL;
    sched_list_t *pos;
    sched_list_for_each(pos, &leader->threads) {
        sched_task_t *t = thread_of(pos);
        if (alive(t) && (!best || t->tid < best->tid))
            best = t;
    }
    return best;
}

static void deliver_caught(sched_sim_t *sim, sched_task_t *t)
{
    if (!t)
        return;
    if (t->state == SCHED_SLEEPING) {
        sched_wait_interrupt(sim, t);
        make_runnable(sim, t);
    } else if (t->state == SCHED_STOPPED && t->sleep_state) {
        sched_wait_interrupt(sim, t);       /* the sleep is over: EINTR after SIGCONT */
        t->sleep_woken = true;
    }
}

int sched_task_signal(sched_sim_t *sim, sched_task_t *t, int sig, bool group)
{
    sched_task_t *leader = t->leader;
    bool caught = sig < 64 && (leader->attr.caught & SIG_BIT(sig));
    if (leader == sim->init && !caught)
        return 0;
    if (!live_thread(leader, NULL) || (leader->flags & SCHED_F_GROUP_EXIT))
        return 0;                           /* nothing left to signal */
    sched_list_t *pos, *tmp;
    if (caught) {
        deliver_caught(sim, group ? signal_target(leader) : t);
    } else if (sig == SIGSTOP) {
        leader->flags |= SCHED_F_GROUP_STOP;
        sched_list_for_each_safe(pos, tmp, &leader->threads)
            stop_thread(sim, thread_of(pos));
    } else if (sig == SIGCONT) {
        leader->flags &= ~SCHED_F_GROUP_STOP;
        sched_list_for_each_safe(pos, tmp, &leader->threads)
            continue_thread(sim, thread_of(pos));
    } else if (sig == SIGKILL || sig == SIGTERM || sig == SIGINT || sig == SIGHUP
               || sig == SIGUSR1 || sig == SIGUSR2) {
        group_exit(sim, leader, sig);
    } else {
        return -EINVAL;
    }
    return 0;
}

/* ---- fork ----------------------------------------------------------------------------- */

int sched_task_fork(sched_sim_t *sim, sched_task_t *parent, sched_task_t *t, bool thread)
{
    if (thread) {
        sched_task_t *leader = parent->leader;
        t->leader = leader;
        t->tgid = leader->tgid;
        t->parent = leader->parent;
        sched_list_add_tail(&leader->threads, &t->thread_node);
    } else {
        t->leader = t;
        t->tgid = t->tid;
        t->parent = parent ? parent->leader : NULL;
        sched_list_add_tail(&t->threads, &t->thread_node);
        if (t->parent)
            sched_list_add_tail(&t->parent->children, &t->sibling);
    }
    sched_set_state(sim, t, SCHED_RUNNING);
    sched__activate(sim, t, SCHED_ENQ_NEW, parent);
    return 0;
}

#else

sched_pid_t sched_task_reap(sched_sim_t *sim, sched_task_t *leader, sched_pid_t pid, int *status)
{
    (void)sim, (void)leader, (void)pid, (void)status;
    return -ENOSYS;
}

void sched_task_exit(sched_sim_t *sim, sched_task_t *t, int code, bool group)
{
    (void)sim, (void)t, (void)code, (void)group;
}

int sched_task_sleep(sched_sim_t *sim, sched_task_t *t, sched_state_t state, bool killable)
{
    (void)sim, (void)t, (void)state, (void)killable;
    return -ENOSYS;
}

void sched_task_wake(sched_sim_t *sim, sched_task_t *t)
{
    (void)sim, (void)t;
}

int sched_task_signal(sched_sim_t *sim, sched_task_t *t, int sig, bool group)
{
    (void)sim, (void)t, (void)sig, (void)group;
    return -ENOSYS;
}

int sched_task_fork(sched_sim_t *sim, sched_task_t *parent, sched_task_t *t, bool thread)
{
    (void)sim, (void)parent, (void)t, (void)thread;
    return -ENOSYS;
}

#endif
