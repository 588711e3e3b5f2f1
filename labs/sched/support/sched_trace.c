/*
 * sched_trace.c — the model's trace: every context switch, state change,
 * migration and fork, handed to the config's on_event hook as it happens
 * and kept in a ring of the last trace_keep records for printing.
 *
 * Lines read like ftrace's sched events:
 *      0.104000 [000] sched_switch: prev=hog:2 prev_state=R ==> next=hog:3
 *      0.104000 [001] sched_state: web:4 S -> R
 */
#include "sched_engine.h"

#include <inttypes.h>
#include <stdio.h>

void sched__emit(sched_sim_t *sim, const sched_event_t *ev)
{
    struct sched_engine *e = sim->eng;
    if (e->cfg.on_event) {
        e->in_hook = true;
        e->cfg.on_event(e->cfg.ctx, ev);
        e->in_hook = false;
    }
    size_t keep = e->cfg.trace_keep;
    if (!keep)
        return;
    e->trace[(e->trace_head + e->trace_len) % keep] = *ev;
    if (e->trace_len < keep)
        e->trace_len++;
    else
        e->trace_head = (e->trace_head + 1) % keep;
}

/* "comm:tid", or "<idle>:0". */
static void name(const sched_sim_t *sim, sched_pid_t tid, char *buf, size_t len)
{
    sched_task_t *t = sched_find((sched_sim_t *)sim, tid);
    if (!tid || !t)
        snprintf(buf, len, "<idle>:0");
    else
        snprintf(buf, len, "%s:%d", t->comm, (int)tid);
}

void sched_event_format(const sched_sim_t *sim, const sched_event_t *ev, char *buf, size_t len)
{
    char a[32], b[32];
    uint64_t sec = ev->time / SCHED_NSEC_PER_SEC, usec = ev->time % SCHED_NSEC_PER_SEC / 1000;
    int n = snprintf(buf, len, "%4" PRIu64 ".%06" PRIu64 " [%03d] ", sec, usec, ev->cpu);
    if (n < 0 || (size_t)n >= len)
        return;
    buf += n;
    len -= (size_t)n;
    name(sim, ev->tid, a, sizeof a);
    name(sim, ev->other, b, sizeof b);
    switch (ev->kind) {
    case SCHED_EV_SWITCH:
        snprintf(buf, len, "sched_switch: prev=%s prev_state=%c ==> next=%s", a,
                 ev->tid ? (char)ev->from : 'R', b);
        break;
    case SCHED_EV_STATE:
        snprintf(buf, len, "sched_state: %s %c -> %c", a, (char)ev->from, (char)ev->to);
        break;
    case SCHED_EV_MIGRATE:
        snprintf(buf, len, "sched_migrate_task: %s orig_cpu=%d dest_cpu=%d", a, ev->from_cpu,
                 ev->cpu);
        break;
    case SCHED_EV_FORK:
        snprintf(buf, len, "sched_process_fork: %s by=%s", a, b);
        break;
    }
}

void sched_trace_print(const sched_sim_t *sim, FILE *f)
{
    const struct sched_engine *e = sim->eng;
    char line[160];
    for (size_t i = 0; i < e->trace_len; i++) {
        const sched_event_t *ev = &e->trace[(e->trace_head + i) % e->cfg.trace_keep];
        sched_event_format(sim, ev, line, sizeof line);
        fprintf(f, "%s\n", line);
    }
}
