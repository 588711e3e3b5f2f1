/*
 * vr_lan.c — one simulated Ethernet segment for VRRP routers, on the
 * runtime's virtual clock (the runtime's simnet carries TCP-like streams,
 * not multicast, so the segment is simulated here).
 *
 * Model: a queue of timed items — scheduled actions and deliveries of
 * messages multicast to 224.0.0.18 — plus every router's own deadline.
 * One task runs the loop: it sleeps on the virtual clock to the earliest
 * instant due, then handles, at that instant, the routers' timers by index,
 * then the queued items in the order they were queued. A message sent at t
 * is delivered to every other router at t, with TTL 255, unless the sender
 * or the receiver is isolated or the seeded loss drops that copy.
 *
 * Interface: vr_lan_new → vr_lan_add … → vr_lan_at … → vr_lan_run →
 * vr_lan_events / vr_lan_sent / … → vr_lan_free.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/runtime.h>

#include "vrrp.h"

#define LAN_MAX 16
#define MSG_MAX (8 + 4 * VR_MAX_ADDRS + 8)

typedef struct lan_item {
    int64_t t;
    uint64_t seq;
    bool deliver; /* else an action */
    vr_action_t act;
    int idx, arg;
    uint32_t src;
    size_t len;
    uint8_t msg[MSG_MAX];
} lan_item_t;

typedef struct lan_node {
    vr_lan_t *lan;
    int idx;
    vr_router_t *r;
    uint32_t ip;
    bool isolated;
    uint64_t sent, rejected, garps;
    int last_priority;
} lan_node_t;

struct vr_lan {
    uint64_t rng;
    int loss_permille;
    int64_t now, until;
    int rc;
    int n;
    lan_node_t nodes[LAN_MAX];
    lan_item_t *q;
    size_t nq, capq;
    uint64_t seq;
    vr_event_t *ev;
    size_t nev, capev;
};

static uint64_t lan_rand(vr_lan_t *lan)
{
    uint64_t z = (lan->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static lan_item_t *lan_push(vr_lan_t *lan, int64_t t)
{
    if (lan->nq == lan->capq) {
        size_t cap = lan->capq ? 2 * lan->capq : 64;
        lan_item_t *q = realloc(lan->q, cap * sizeof *q);
        if (!q)
            return NULL;
        lan->q = q, lan->capq = cap;
    }
    lan_item_t *it = &lan->q[lan->nq++];
    memset(it, 0, offsetof(lan_item_t, msg));
    it->t = t, it->seq = lan->seq++;
    return it;
}

static void lan_send(void *ud, const uint8_t *msg, size_t len)
{
    lan_node_t *from = ud;
    vr_lan_t *lan = from->lan;
    from->sent++;
    from->last_priority = len > 2 ? msg[2] : -1;
    if (from->isolated || len > MSG_MAX)
        return;
    for (int j = 0; j < lan->n; j++) {
        if (j == from->idx || lan->nodes[j].isolated)
            continue;
        if (lan->loss_permille && (int)(lan_rand(lan) % 1000) < lan->loss_permille)
            continue;
        lan_item_t *it = lan_push(lan, lan->now);
        if (!it) {
            lan->rc = -ENOMEM;
            return;
        }
        it->deliver = true, it->idx = j, it->src = from->ip, it->len = len;
        memcpy(it->msg, msg, len);
    }
}

static void lan_frame(void *ud, const uint8_t *frame, size_t len)
{
    (void)frame, (void)len;
    ((lan_node_t *)ud)->garps++;
}

static void lan_notify(void *ud, vr_state_t from, vr_state_t to, int priority)
{
    lan_node_t *node = ud;
    vr_lan_t *lan = node->lan;
    if (lan->nev == lan->capev) {
        size_t cap = lan->capev ? 2 * lan->capev : 32;
        vr_event_t *ev = realloc(lan->ev, cap * sizeof *ev);
        if (!ev) {
            lan->rc = -ENOMEM;
            return;
        }
        lan->ev = ev, lan->capev = cap;
    }
    lan->ev[lan->nev++] = (vr_event_t){lan->now, node->idx, from, to, priority};
}

int vr_lan_new(uint64_t seed, vr_lan_t **out)
{
    vr_lan_t *lan = calloc(1, sizeof *lan);
    if (!lan)
        return -ENOMEM;
    lan->rng = seed;
    *out = lan;
    return 0;
}

void vr_lan_free(vr_lan_t *lan)
{
    if (!lan)
        return;
    for (int i = 0; i < lan->n; i++)
        vr_router_free(lan->nodes[i].r);
    free(lan->q);
    free(lan->ev);
    free(lan);
}

int vr_lan_add(vr_lan_t *lan, const vr_config_t *cfg)
{
    if (lan->n == LAN_MAX)
        return -ENOSPC;
    lan_node_t *node = &lan->nodes[lan->n];
    *node = (lan_node_t){.lan = lan, .idx = lan->n, .ip = cfg->primary_ip, .last_priority = -1};
    vr_io_t io = {lan_send, lan_frame, lan_notify, node};
    int rc = vr_router_new(cfg, &io, &node->r);
    if (rc < 0)
        return rc;
    return lan->n++;
}

vr_router_t *vr_lan_router(vr_lan_t *lan, int idx)
{
    return idx >= 0 && idx < lan->n ? lan->nodes[idx].r : NULL;
}

int vr_lan_at(vr_lan_t *lan, int64_t t, vr_action_t act, int idx, int arg)
{
    if (idx < 0 || idx >= lan->n || t < lan->now)
        return -EINVAL;
    lan_item_t *it = lan_push(lan, t);
    if (!it)
        return -ENOMEM;
    it->act = act, it->idx = idx, it->arg = arg;
    return 0;
}

static void lan_act(vr_lan_t *lan, const lan_item_t *it)
{
    lan_node_t *node = &lan->nodes[it->idx];
    switch (it->act) {
    case VR_ACT_START: vr_startup(node->r, lan->now); break;
    case VR_ACT_SHUTDOWN: vr_shutdown(node->r, lan->now); break;
    case VR_ACT_ISOLATE: node->isolated = true; break;
    case VR_ACT_REJOIN: node->isolated = false; break;
    case VR_ACT_TRACK_DOWN: vr_track_set(node->r, it->arg, false, lan->now); break;
    case VR_ACT_TRACK_UP: vr_track_set(node->r, it->arg, true, lan->now); break;
    case VR_ACT_LOSS: lan->loss_permille = it->arg; break;
    }
}

/* The earliest queued item (by time, then queue order), or -1. */
static long lan_first(const vr_lan_t *lan)
{
    long best = -1;
    for (size_t i = 0; i < lan->nq; i++) {
        const lan_item_t *a = &lan->q[i];
        if (best < 0 || a->t < lan->q[best].t ||
            (a->t == lan->q[best].t && a->seq < lan->q[best].seq))
            best = (long)i;
    }
    return best;
}

/* Handles one thing due at lan->now, timers first (so two routers whose
 * timers fire at one instant both act before either hears the other);
 * false when nothing is due. */
static bool lan_step(vr_lan_t *lan)
{
    for (int j = 0; j < lan->n; j++) {
        int64_t d = vr_next_deadline(lan->nodes[j].r);
        if (d >= 0 && d <= lan->now) {
            vr_tick(lan->nodes[j].r, lan->now);
            return true;
        }
    }
    long i = lan_first(lan);
    if (i < 0 || lan->q[i].t > lan->now)
        return false;
    lan_item_t it = lan->q[i];
    lan->q[i] = lan->q[--lan->nq];
    if (!it.deliver)
        lan_act(lan, &it);
    else if (vr_input(lan->nodes[it.idx].r, it.msg, it.len, it.src, VR_TTL, lan->now) < 0)
        lan->nodes[it.idx].rejected++;
    return true;
}

static int64_t lan_next(const vr_lan_t *lan)
{
    int64_t next = -1;
    long i = lan_first(lan);
    if (i >= 0)
        next = lan->q[i].t;
    for (int j = 0; j < lan->n; j++) {
        int64_t d = vr_next_deadline(lan->nodes[j].r);
        if (d >= 0 && (next < 0 || d < next))
            next = d;
    }
    return next;
}

static void lan_task(void *arg)
{
    vr_lan_t *lan = arg;
    int64_t base = clock_now() - lan->now; /* the virtual clock of this run at lan->now */
    long guard = 0;
    while (lan->rc == 0) {
        if (lan_step(lan)) {
            /* a router that handles its own timer without moving it would spin */
            if (++guard > 1000000) {
                lan->rc = -ELOOP;
                break;
            }
            continue;
        }
        guard = 0;
        int64_t next = lan_next(lan);
        if (next < 0 || next > lan->until)
            next = lan->until;
        if (next <= lan->now && next == lan->until)
            break;
        if (next < lan->now)
            next = lan->now; /* a deadline in the past: handle it now */
        clock_sleep(next - (clock_now() - base));
        lan->now = next;
    }
}

int vr_lan_run(vr_lan_t *lan, int64_t until)
{
    if (until < lan->now)
        return -EINVAL;
    lan->until = until;
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .tick = RT_TICK_NONE, .slice = RT_SLICE_NONE};
    int rc = rt_run(&cfg, lan_task, lan);
    return rc < 0 ? rc : lan->rc;
}

size_t vr_lan_events(const vr_lan_t *lan, const vr_event_t **out)
{
    *out = lan->ev;
    return lan->nev;
}

uint64_t vr_lan_sent(const vr_lan_t *lan, int idx)
{
    return lan->nodes[idx].sent;
}

uint64_t vr_lan_rejected(const vr_lan_t *lan, int idx)
{
    return lan->nodes[idx].rejected;
}

uint64_t vr_lan_garps(const vr_lan_t *lan, int idx)
{
    return lan->nodes[idx].garps;
}

int vr_lan_last_priority(const vr_lan_t *lan, int idx)
{
    return lan->nodes[idx].last_priority;
}
