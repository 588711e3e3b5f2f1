/*
 * simnet.c — the simulated network of simnet.h: hosts, links, partitions,
 * crashes, and the net.h calls a task on a simulated host makes.
 *
 * A host owns what its tasks open (stream conns, listeners, packet conns:
 * lists threaded through conn_t/listener_t), so a crash can free them. A
 * stream connection is a buffered pipe pair (net_pipe.c) with the dialer's
 * link latency and bandwidth; dialing takes one round trip. A datagram's
 * fate is drawn when it is sent, from the network's own generator (seeded
 * from the run's seed): lost, or delivered once or twice, each copy after
 * latency + jitter (+ a latency more when reordered), by a runtime timer;
 * a partition or a down host at either end drops it. Link state per
 * ordered host pair sits behind a pointer, so counters have stable
 * addresses (stream pairs count into them directly).
 *
 * Interface: simnet.h; simnet__* for net.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/simnet.h>
#include "net_impl.h"

#define NAME_MAX_ 32
#define PKT_QUEUE_MAX 1024        /* a socket's receive queue, in datagrams */
#define PKT_MAX 65507
#define BACKLOG_MAX 128

typedef struct lstate {
    simlink_t cfg;
    bool cut;
    simnet_stats_t st;
} lstate_t;

typedef struct pkt {
    rt_timer_t t;
    simnet_t *net;
    int from, to;
    uint16_t from_port, to_port;
    size_t len;
    struct pkt *next, *prev;      /* in flight */
    char data[];
} pkt_t;

typedef struct at_call {
    rt_timer_t t;
    simnet_t *net;
    void (*fn)(simnet_t *n, void *arg);
    void *arg;
    struct at_call *next, *prev;
} at_call_t;

struct simhost {
    simnet_t *net;
    char name[NAME_MAX_];
    int idx;
    bool up;
    simdisk_t *disk;
    conn_t *conns;
    listener_t *listeners;
    uint16_t next_port;
    void (*on_crash)(simhost_t *h, void *ud);
    void *crash_ud;
};

struct simnet {
    simlink_t dflt;
    uint64_t rng;
    simhost_t **hosts;
    size_t n, cap;
    lstate_t **links;             /* cap × cap, from * cap + to */
    pkt_t *inflight;
    at_call_t *ats;
};

typedef struct sim_listener {
    listener_t l;
    uint16_t port;
    conn_t *backlog[BACKLOG_MAX];
    size_t head, len;
} sim_listener_t;

typedef struct dgram {
    struct dgram *next;
    char from[NET_ADDR_MAX];
    size_t len;
    char data[];
} dgram_t;

typedef struct pkt_conn {
    conn_t c;
    uint16_t port;
    dgram_t *head, *tail;
    size_t queued;
} pkt_conn_t;

/* ---- randomness: splitmix64, seeded from the run ---- */

static uint64_t rng_next(simnet_t *n) {
    uint64_t z = (n->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static bool chance(simnet_t *n, double p) {
    return p > 0 && (double)(rng_next(n) >> 11) * 0x1p-53 < p;
}

static int64_t uniform(simnet_t *n, int64_t max) {
    return max > 0 ? (int64_t)(rng_next(n) % (uint64_t)(max + 1)) : 0;
}

/* ---- hosts and links ---- */

simhost_t *simnet_host(simnet_t *n, const char *name) {
    for (size_t i = 0; n && name && i < n->n; i++)
        if (!strcmp(n->hosts[i]->name, name)) return n->hosts[i];
    return NULL;
}

static lstate_t *link_of(simnet_t *n, int from, int to) {
    return n->links[(size_t)from * n->cap + (size_t)to];
}

/* Grows the host table and the link matrix to hold one more host. */
static int grow(simnet_t *n) {
    if (n->n < n->cap) return 0;
    size_t cap = n->cap ? n->cap * 2 : 8;
    simhost_t **hosts = realloc(n->hosts, cap * sizeof *hosts);
    if (!hosts) return -ENOMEM;
    n->hosts = hosts;
    lstate_t **links = calloc(cap * cap, sizeof *links);
    if (!links) return -ENOMEM;
    for (size_t i = 0; i < n->n; i++)
        for (size_t j = 0; j < n->n; j++) links[i * cap + j] = n->links[i * n->cap + j];
    free(n->links);
    n->links = links, n->cap = cap;
    return 0;
}

int simnet_new(const simlink_t *dflt, simnet_t **out) {
    RT_ENTER;
    if (!rt__s.active) return -EPERM;
    simnet_t *n = calloc(1, sizeof *n);
    if (!n) return -ENOMEM;
    n->dflt = dflt ? *dflt : (simlink_t){.latency = CLOCK_MS};
    /* The run's seed and where in the run the network was made: a replay
     * makes the same networks at the same points. */
    n->rng = rt__s.cfg.seed ^ 0x51e7e75eed5ull ^ ((uint64_t)rt__s.now * 0x9e3779b97f4a7c15ull) ^
             (rt__s.next_id << 32);
    *out = n;
    return 0;
}

int simnet_host_add(simnet_t *n, const char *name, simhost_t **out) {
    RT_ENTER;
    if (!n || !name || !name[0] || strchr(name, ':') || strlen(name) >= NAME_MAX_) return -EINVAL;
    if (simnet_host(n, name)) return -EEXIST;
    if (grow(n)) return -ENOMEM;
    simhost_t *h = calloc(1, sizeof *h);
    if (!h || simdisk_new(&h->disk)) {
        free(h);
        return -ENOMEM;
    }
    snprintf(h->name, sizeof h->name, "%s", name);
    h->net = n, h->idx = (int)n->n, h->up = true, h->next_port = 49152;
    n->hosts[n->n++] = h;
    for (size_t i = 0; i < n->n; i++) {
        lstate_t *a = calloc(1, sizeof *a), *b = i == (size_t)h->idx ? a : calloc(1, sizeof *b);
        if (!a || !b) return -ENOMEM;
        a->cfg = b->cfg = n->dflt;
        n->links[i * n->cap + (size_t)h->idx] = a;
        n->links[(size_t)h->idx * n->cap + i] = b;
    }
    if (out) *out = h;
    return 0;
}

int simnet_link_dir(simnet_t *n, const char *from, const char *to, const simlink_t *l) {
    RT_ENTER;
    simhost_t *a = simnet_host(n, from), *b = simnet_host(n, to);
    if (!a || !b || !l) return a && b ? -EINVAL : -ENOENT;
    link_of(n, a->idx, b->idx)->cfg = *l;
    return 0;
}

int simnet_link(simnet_t *n, const char *a, const char *b, const simlink_t *l) {
    int rc = simnet_link_dir(n, a, b, l);
    return rc ? rc : simnet_link_dir(n, b, a, l);
}

/* Stalls or resumes every stream between hosts a and b. */
static void stall_streams(simhost_t *a, simhost_t *b, bool stalled) {
    for (conn_t *c = a->conns; c; c = c->host_next) {
        conn_t *o = c->ops->read_from ? NULL : pipe__peer(c);
        if (o && o->host == b) pipe__set_stalled(c, stalled);
    }
}

static int set_cut(simnet_t *n, const char *an, const char *bn, bool cut) {
    RT_ENTER;
    simhost_t *a = simnet_host(n, an), *b = simnet_host(n, bn);
    if (!a || !b) return -ENOENT;
    link_of(n, a->idx, b->idx)->cut = cut;
    link_of(n, b->idx, a->idx)->cut = cut;
    stall_streams(a, b, cut);
    return 0;
}

int simnet_partition(simnet_t *n, const char *a, const char *b) { return set_cut(n, a, b, true); }
int simnet_heal(simnet_t *n, const char *a, const char *b) { return set_cut(n, a, b, false); }

int simnet_stats(simnet_t *n, const char *from, const char *to, simnet_stats_t *out) {
    simhost_t *a = simnet_host(n, from), *b = simnet_host(n, to);
    if (!a || !b) return -ENOENT;
    *out = link_of(n, a->idx, b->idx)->st;
    return 0;
}

/* ---- simnet_at ---- */

static void at_task(void *p) {
    at_call_t *a = p;
    a->fn(a->net, a->arg);
    free(a);
}

static void fire_at(rt_timer_t *t) {
    at_call_t *a = t->data;
    if (a->prev) a->prev->next = a->next; else a->net->ats = a->next;
    if (a->next) a->next->prev = a->prev;
    if (task__spawn(at_task, a, NULL, "simnet", 0, "simnet_at", "simnet_at") != 0) free(a);
}

int simnet_at(simnet_t *n, int64_t when, void (*fn)(simnet_t *n, void *arg), void *arg) {
    RT_ENTER;
    if (!n || !fn) return -EINVAL;
    at_call_t *a = calloc(1, sizeof *a);
    if (!a) return -ENOMEM;
    *a = (at_call_t){.t = {.fire = fire_at, .data = a}, .net = n, .fn = fn, .arg = arg,
                     .next = n->ats};
    if (n->ats) n->ats->prev = a;
    n->ats = a;
    return rt__timer_start(&a->t, when);
}

/* ---- tasks on hosts ---- */

void *simnet__host(void) { return rt__s.current ? rt__s.current->host : NULL; }
simhost_t *simhost_current(void) { return simnet__host(); }
bool simhost_up(const simhost_t *h) { return h->up; }
const char *simhost_name(const simhost_t *h) { return h->name; }
simdisk_t *simhost_disk(simhost_t *h) { return h->disk; }

void simhost_on_crash(simhost_t *h, void (*fn)(simhost_t *h, void *ud), void *ud) {
    h->on_crash = fn;
    h->crash_ud = ud;
}

int simhost__spawn(simhost_t *h, task_fn fn, void *arg, uint64_t *id, const char *file,
                   int line, const char *creator, const char *fn_name) {
    RT_ENTER;
    if (!h) return -EINVAL;
    if (!h->up) return -EHOSTDOWN;
    uint64_t tid;
    int rc = task__spawn(fn, arg, &tid, file, line, creator, fn_name);
    if (rc) return rc;
    rt__s.by_id[tid]->host = h;
    if (id) *id = tid;
    return 0;
}

/* Frees every conn and listener of h; stream peers are reset. */
static void drop_objects(simhost_t *h) {
    while (h->conns) {
        conn_t *c = h->conns, *o = c->ops->read_from ? NULL : pipe__peer(c);
        if (o) pipe__reset(o, -ECONNRESET);
        if (!c->nd.closed) c->nd.reset = -ECONNRESET;   /* no goodbye on the wire */
        conn_free(c);
    }
    while (h->listeners) listener_free(h->listeners);
}

int simhost_crash(simhost_t *h) {
    RT_ENTER;
    if (!h) return -EINVAL;
    if (!h->up) return -EALREADY;
    if (simnet__host() == h) return -EDEADLK;
    for (task_t *t = rt__s.all_head, *next; t; t = next) {
        next = t->next;
        if (t->host == h && t != rt__s.current) rt__task_kill(t);
    }
    h->up = false;
    if (h->on_crash) h->on_crash(h, h->crash_ud);
    drop_objects(h);
    simdisk_crash(h->disk);
    return 0;
}

int simhost_restart(simhost_t *h, task_fn boot, void *arg) {
    RT_ENTER;
    if (!h) return -EINVAL;
    if (h->up) return -EALREADY;
    h->up = true;
    return boot ? simhost__spawn(h, boot, arg, NULL, "simnet", 0, "simhost_restart", "boot") : 0;
}

void simnet_free(simnet_t *n) {
    RT_ENTER;
    if (!n) return;
    for (size_t i = 0; i < n->n; i++) {
        simhost_t *h = n->hosts[i];
        if (h->up && rt__s.active && simnet__host() != h) simhost_crash(h);
        drop_objects(h);
        simdisk_free(h->disk);
        free(h);
    }
    for (size_t i = 0; i < n->n; i++)
        for (size_t j = 0; j < n->n; j++)
            if (i <= j || link_of(n, (int)i, (int)j) != link_of(n, (int)j, (int)i))
                free(link_of(n, (int)i, (int)j));
    while (n->inflight) {
        pkt_t *p = n->inflight;
        n->inflight = p->next;
        if (rt__s.active) rt__timer_stop(&p->t);
        free(p);
    }
    while (n->ats) {
        at_call_t *a = n->ats;
        n->ats = a->next;
        if (rt__s.active) rt__timer_stop(&a->t);
        free(a);
    }
    free(n->links);
    free(n->hosts);
    free(n);
}

/* ---- ownership lists ---- */

static void own_conn(simhost_t *h, conn_t *c) {
    c->host = h;
    c->host_prev = NULL;
    c->host_next = h->conns;
    if (h->conns) h->conns->host_prev = c;
    h->conns = c;
}

void simnet__forget_conn(conn_t *c) {
    simhost_t *h = c->host;
    if (c->host_prev) c->host_prev->host_next = c->host_next; else h->conns = c->host_next;
    if (c->host_next) c->host_next->host_prev = c->host_prev;
    c->host = NULL;
}

void simnet__forget_listener(listener_t *l) {
    simhost_t *h = l->host;
    if (l->host_prev) l->host_prev->host_next = l->host_next; else h->listeners = l->host_next;
    if (l->host_next) l->host_next->host_prev = l->host_prev;
    l->host = NULL;
}

/* ---- addresses ---- */

/* "host:port" (an empty host: self) → host and port. */
static int parse(simhost_t *self, const char *address, simhost_t **h, uint16_t *port) {
    const char *colon = strrchr(address, ':');
    if (!colon) return -EINVAL;
    char name[NAME_MAX_];
    size_t len = (size_t)(colon - address);
    if (len >= sizeof name) return -EHOSTUNREACH;
    memcpy(name, address, len);
    name[len] = '\0';
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || p < 0 || p > 65535) return -EINVAL;
    *h = len ? simnet_host(self->net, name) : self;
    *port = (uint16_t)p;
    return *h ? 0 : -EHOSTUNREACH;
}

static bool port_used(simhost_t *h, uint16_t port, bool packet) {
    for (listener_t *l = h->listeners; !packet && l; l = l->host_next)
        if (((sim_listener_t *)l)->port == port) return true;
    for (conn_t *c = h->conns; packet && c; c = c->host_next)
        if (c->ops->read_from && ((pkt_conn_t *)c)->port == port) return true;
    return false;
}

static uint16_t pick_port(simhost_t *h, bool packet) {
    for (int i = 0; i < 16384; i++) {
        uint16_t p = h->next_port;
        h->next_port = p == 65535 ? 49152 : p + 1;
        if (!port_used(h, p, packet)) return p;
    }
    return 0;
}

/* ---- stream listeners ---- */

static int sim_accept(listener_t *l, conn_t **out) {
    sim_listener_t *s = (sim_listener_t *)l;
    if (!s->len) return -EAGAIN;
    *out = s->backlog[s->head];
    s->head = (s->head + 1) % BACKLOG_MAX;
    s->len--;
    own_conn(l->host, *out);
    return 0;
}

static void sim_listener_close(listener_t *l) {
    sim_listener_t *s = (sim_listener_t *)l;
    while (s->len) {             /* dialed but never accepted: the dialer sees a reset */
        conn_t *c = s->backlog[s->head];
        s->head = (s->head + 1) % BACKLOG_MAX;
        s->len--;
        conn_t *o = pipe__peer(c);
        if (o) pipe__reset(o, -ECONNRESET);
        c->nd.reset = -ECONNRESET;   /* no goodbye on the wire (and no timer) */
        conn_free(c);
    }
}

static void sim_listener_free(listener_t *l) { free(l); }

static const listener_ops_t sim_listener_ops = {
    .accept = sim_accept, .close = sim_listener_close, .free = sim_listener_free,
};

int simnet__listen(void *host, const char *network, const char *address, listener_t **out) {
    RT_ENTER;
    simhost_t *self = host, *h;
    uint16_t port;
    if (strcmp(network, "tcp") && strcmp(network, "tcp4")) return -EAFNOSUPPORT;
    int rc = parse(self, address, &h, &port);
    if (rc) return rc;
    if (h != self) return -EADDRNOTAVAIL;
    if (port && port_used(h, port, false)) return -EADDRINUSE;
    if (!port && !(port = pick_port(h, false))) return -EADDRINUSE;
    sim_listener_t *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    nd_init(&s->l.nd, false);
    s->l.ops = &sim_listener_ops;
    s->port = port;
    snprintf(s->l.addr, sizeof s->l.addr, "%s:%u", h->name, port);
    s->l.host = h;
    s->l.host_next = h->listeners;
    if (h->listeners) h->listeners->host_prev = &s->l;
    h->listeners = &s->l;
    *out = &s->l;
    return 0;
}

static sim_listener_t *find_listener(simhost_t *h, uint16_t port) {
    for (listener_t *l = h->listeners; l; l = l->host_next)
        if (((sim_listener_t *)l)->port == port && !l->nd.closed) return (sim_listener_t *)l;
    return NULL;
}

/* Is b reachable from a now? 0, -EHOSTUNREACH or -ECONNREFUSED. */
static int reachable(simhost_t *a, simhost_t *b, uint16_t port) {
    simnet_t *n = a->net;
    if (!b->up || link_of(n, a->idx, b->idx)->cut) return -EHOSTUNREACH;
    return find_listener(b, port) ? 0 : -ECONNREFUSED;
}

int simnet__dial(void *host, const char *network, const char *address, int64_t deadline,
                 conn_t **out)
{
    RT_ENTER;
    simhost_t *a = host, *b;
    uint16_t port;
    if (strcmp(network, "tcp") && strcmp(network, "tcp4")) return -EAFNOSUPPORT;
    int rc = parse(a, address, &b, &port);
    if (rc) return rc;
    simnet_t *n = a->net;
    lstate_t *ab = link_of(n, a->idx, b->idx), *ba = link_of(n, b->idx, a->idx);
    if ((rc = reachable(a, b, port))) return rc;
    /* SYN, SYN-ACK; a deadline that comes first ends the dial there, as a
     * connect that times out does. */
    int64_t rtt = ab->cfg.latency + ba->cfg.latency, left = deadline - clock_now();
    if (deadline > 0 && left < rtt) {
        clock_sleep(left);
        return -NET_ETIMEOUT;
    }
    clock_sleep(rtt);
    if ((rc = reachable(a, b, port))) return rc;        /* a crash or a cut meanwhile */
    sim_listener_t *l = find_listener(b, port);
    if (l->len == BACKLOG_MAX) return -ECONNREFUSED;
    conn_pipe_config_t cfg = {.bandwidth = ab->cfg.bandwidth, .latency = ab->cfg.latency};
    conn_t *cl, *sv;
    if ((rc = pipe__pair(&cfg, true, &cl, &sv))) return rc;
    uint16_t eph = pick_port(a, false);
    snprintf(cl->laddr, NET_ADDR_MAX, "%s:%u", a->name, eph);
    snprintf(cl->raddr, NET_ADDR_MAX, "%s:%u", b->name, port);
    snprintf(sv->laddr, NET_ADDR_MAX, "%s:%u", b->name, port);
    snprintf(sv->raddr, NET_ADDR_MAX, "%s:%u", a->name, eph);
    pipe__count(cl, &ab->st.bytes_sent, &ab->st.bytes_delivered);
    pipe__count(sv, &ba->st.bytes_sent, &ba->st.bytes_delivered);
    ab->st.conns++;
    l->backlog[(l->head + l->len++) % BACKLOG_MAX] = sv;   /* the listener's until accepted */
    nd_wake(&l->l.nd, ND_READ);
    own_conn(a, cl);
    *out = cl;
    return 0;
}

/* ---- datagrams ---- */

static ssize_t pkt_read_from(conn_t *c, void *buf, size_t len, char *from, size_t fromlen) {
    pkt_conn_t *p = (pkt_conn_t *)c;
    dgram_t *d = p->head;
    if (!d) return -EAGAIN;
    p->head = d->next;
    if (!p->head) p->tail = NULL;
    p->queued--;
    memcpy(buf, d->data, d->len < len ? d->len : len);
    if (from && fromlen) snprintf(from, fromlen, "%s", d->from);
    ssize_t n = (ssize_t)d->len;
    free(d);
    return n;
}

static pkt_conn_t *find_pkt(simhost_t *h, uint16_t port) {
    for (conn_t *c = h->conns; c; c = c->host_next)
        if (c->ops->read_from && ((pkt_conn_t *)c)->port == port && !c->nd.closed)
            return (pkt_conn_t *)c;
    return NULL;
}

/* A datagram arrives (or is dropped: a cut, a down host, no socket). */
static void fire_pkt(rt_timer_t *t) {
    pkt_t *p = t->data;
    simnet_t *n = p->net;
    if (p->prev) p->prev->next = p->next; else n->inflight = p->next;
    if (p->next) p->next->prev = p->prev;
    lstate_t *ls = link_of(n, p->from, p->to);
    simhost_t *dst = n->hosts[p->to];
    pkt_conn_t *pc = dst->up && !ls->cut ? find_pkt(dst, p->to_port) : NULL;
    dgram_t *d = pc && pc->queued < PKT_QUEUE_MAX ? malloc(sizeof *d + p->len) : NULL;
    if (!d) {
        ls->st.msgs_dropped++;
        free(p);
        return;
    }
    d->next = NULL;
    d->len = p->len;
    memcpy(d->data, p->data, p->len);
    snprintf(d->from, sizeof d->from, "%s:%u", n->hosts[p->from]->name, p->from_port);
    if (pc->tail) pc->tail->next = d; else pc->head = d;
    pc->tail = d;
    pc->queued++;
    ls->st.msgs_delivered++;
    ls->st.bytes_delivered += p->len;
    nd_wake(&pc->c.nd, ND_READ);
    free(p);
}

static int send_copy(simnet_t *n, pkt_conn_t *src, simhost_t *to, uint16_t port,
                     const void *buf, size_t len, int64_t delay) {
    pkt_t *p = malloc(sizeof *p + len);
    if (!p) return -ENOMEM;
    simhost_t *from = src->c.host;
    *p = (pkt_t){.t = {.fire = fire_pkt}, .net = n, .from = from->idx, .to = to->idx,
                 .from_port = src->port, .to_port = port, .len = len, .next = n->inflight};
    p->t.data = p;
    memcpy(p->data, buf, len);
    if (n->inflight) n->inflight->prev = p;
    n->inflight = p;
    return rt__timer_start(&p->t, rt__clock() + delay);
}

static int pkt_write_to(conn_t *c, const void *buf, size_t len, const char *to) {
    pkt_conn_t *src = (pkt_conn_t *)c;
    simhost_t *a = c->host, *b;
    uint16_t port;
    if (len > PKT_MAX) return -EMSGSIZE;
    int rc = parse(a, to, &b, &port);
    if (rc) return rc == -EHOSTUNREACH ? 0 : rc;   /* UDP: nobody there, nothing said */
    simnet_t *n = a->net;
    lstate_t *ls = link_of(n, a->idx, b->idx);
    simlink_t *l = &ls->cfg;
    ls->st.msgs_sent++;
    ls->st.bytes_sent += len;
    if (ls->cut || chance(n, l->loss)) {
        ls->st.msgs_dropped++;
        return 0;
    }
    int copies = chance(n, l->dup) ? 2 : 1;
    if (copies == 2) ls->st.msgs_duplicated++;
    for (int i = 0; i < copies && rc == 0; i++) {
        int64_t delay = l->latency + uniform(n, l->jitter);
        if (chance(n, l->reorder)) delay += l->latency + l->jitter + CLOCK_US;
        rc = send_copy(n, src, b, port, buf, len, delay);
    }
    return rc;
}

static void pkt_close(conn_t *c) {
    pkt_conn_t *p = (pkt_conn_t *)c;
    while (p->head) {
        dgram_t *d = p->head;
        p->head = d->next;
        free(d);
    }
    p->tail = NULL;
    p->queued = 0;
}

static void pkt_free(conn_t *c) { free(c); }

static ssize_t pkt_read(conn_t *c, void *buf, size_t len) {
    return pkt_read_from(c, buf, len, NULL, 0);
}

static const conn_ops_t pkt_ops = {
    .network = "udp", .read = pkt_read, .read_from = pkt_read_from, .write_to = pkt_write_to,
    .close = pkt_close, .free = pkt_free,
};

int simnet__listen_packet(void *host, const char *network, const char *address, conn_t **out) {
    RT_ENTER;
    simhost_t *self = host, *h;
    uint16_t port;
    if (strcmp(network, "udp") && strcmp(network, "udp4")) return -EAFNOSUPPORT;
    int rc = parse(self, address, &h, &port);
    if (rc) return rc;
    if (h != self) return -EADDRNOTAVAIL;
    if (port && port_used(h, port, true)) return -EADDRINUSE;
    if (!port && !(port = pick_port(h, true))) return -EADDRINUSE;
    pkt_conn_t *p = calloc(1, sizeof *p);
    if (!p) return -ENOMEM;
    nd_init(&p->c.nd, false);
    p->c.ops = &pkt_ops;
    p->port = port;
    snprintf(p->c.laddr, NET_ADDR_MAX, "%s:%u", h->name, port);
    own_conn(h, &p->c);
    *out = &p->c;
    return 0;
}
