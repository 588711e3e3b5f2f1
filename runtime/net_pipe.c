/*
 * net_pipe.c — in-memory stream pairs: Go's net.Pipe, and a buffered pair
 * whose bytes take time (bandwidth, latency) on the run's clock; simnet.c's
 * stream connections are buffered pairs.
 *
 * A link has two directions; d[i] carries what end i writes. net.Pipe
 * (sync) hands bytes over without a buffer, as Go's pipe.go does: a write
 * posts its buffer and waits; one read takes up to its length from the
 * post and readies the writer, who returns the count or posts the rest.
 * A buffered direction is a ring of `window` bytes: a write copies in what
 * fits and records a segment that the link sends at `bandwidth` after the
 * segments before it and that arrives `latency` later; a timer moves
 * arrived segments to the readable part. Closing (or close_write) sends an
 * end-of-stream segment after the data; the peer's writes then fail with
 * -EPIPE. A stalled link (a partition) delivers nothing until unstalled;
 * a reset end (its peer's host crashed) fails every call with the error.
 *
 * Interface: conn_pipe / conn_pipe_buffered (net.h), pipe__pair and the
 * pipe__ controls for simnet.c; then the conn_ops below.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "net_impl.h"

#define WINDOW_DEFAULT (64 * 1024)

typedef struct seg {
    size_t bytes;
    int64_t arrival;
    bool fin;
} seg_t;

typedef struct pipe_dir {
    /* sync: the writer's posted buffer */
    const char *post;
    size_t post_len, taken;
    /* buffered: ring [head, head + used), of which the first ready bytes arrived */
    char *ring;
    size_t head, used, ready;
    seg_t *segs;
    size_t seg_head, nseg, seg_cap;
    int64_t tx_free;             /* when the link has sent what it holds */
    rt_timer_t deliver;
    /* both */
    bool fin_sent, eof;          /* the writer closed its side; the reader saw it arrive */
    bool reader_gone;            /* the reading end closed: writes fail */
    uint64_t *sent, *delivered;  /* simnet's counters, or NULL */
} pipe_dir_t;

typedef struct pipe_link {
    pipe_dir_t d[2];
    struct pipe_conn *end[2];
    conn_pipe_config_t cfg;
    bool sync, stalled;
} pipe_link_t;

typedef struct pipe_conn {
    conn_t c;
    pipe_link_t *p;
    int side;
} pipe_conn_t;

static pipe_conn_t *pc(conn_t *c) { return (pipe_conn_t *)c; }
static pipe_dir_t *out_dir(conn_t *c) { return &pc(c)->p->d[pc(c)->side]; }
static pipe_dir_t *in_dir(conn_t *c) { return &pc(c)->p->d[!pc(c)->side]; }
static conn_t *peer(conn_t *c) {
    pipe_conn_t *o = pc(c)->p->end[!pc(c)->side];
    return o ? &o->c : NULL;
}

/* Readies the tasks of end `side` waiting in dir. */
static void wake_end(pipe_link_t *p, int side, int dir) {
    if (p->end[side]) nd_wake(&p->end[side]->c.nd, dir);
}

/* ---- delivery (buffered) ---- */

static void arm(pipe_dir_t *d, pipe_link_t *p) {
    if (d->nseg && !p->stalled) {
        int64_t at = d->segs[d->seg_head].arrival;
        if (!d->deliver.slot || d->deliver.when != at) rt__timer_start(&d->deliver, at);
    }
}

/* Moves every arrived segment of d to the readable part. */
static void deliver(pipe_dir_t *d, pipe_link_t *p, int writer) {
    int64_t now = rt__clock();
    bool any = false;
    while (d->nseg && !p->stalled && d->segs[d->seg_head].arrival <= now) {
        seg_t *s = &d->segs[d->seg_head];
        d->ready += s->bytes;
        if (s->fin) d->eof = true;
        if (d->delivered) *d->delivered += s->bytes;
        d->seg_head = (d->seg_head + 1) % d->seg_cap;
        d->nseg--;
        any = true;
    }
    if (any) wake_end(p, !writer, ND_READ);
    arm(d, p);
}

static void fire_deliver(rt_timer_t *t) {
    pipe_link_t *p = t->data;
    deliver(t == &p->d[0].deliver ? &p->d[0] : &p->d[1], p, t == &p->d[0].deliver ? 0 : 1);
}

/* Queues a segment of n bytes (or the end of stream); 0 or -ENOMEM. */
static int send_seg(pipe_link_t *p, int writer, size_t n, bool fin) {
    pipe_dir_t *d = &p->d[writer];
    if (d->nseg == d->seg_cap) {
        size_t cap = d->seg_cap ? d->seg_cap * 2 : 16;
        seg_t *s = malloc(cap * sizeof *s);
        if (!s) return -ENOMEM;
        for (size_t i = 0; i < d->nseg; i++) s[i] = d->segs[(d->seg_head + i) % d->seg_cap];
        free(d->segs);
        d->segs = s, d->seg_cap = cap, d->seg_head = 0;
    }
    int64_t now = rt__clock(), start = d->tx_free > now ? d->tx_free : now;
    int64_t tx = p->cfg.bandwidth ? (int64_t)((double)n * 1e9 / (double)p->cfg.bandwidth) : 0;
    d->tx_free = start + tx;
    d->segs[(d->seg_head + d->nseg++) % d->seg_cap] =
        (seg_t){.bytes = n, .arrival = d->tx_free + p->cfg.latency, .fin = fin};
    deliver(d, p, writer);
    return 0;
}

/* ---- the ops ---- */

static ssize_t pipe_read(conn_t *c, void *buf, size_t len) {
    pipe_link_t *p = pc(c)->p;
    pipe_dir_t *d = in_dir(c);
    if (c->nd.reset) return c->nd.reset;
    if (p->sync) {
        if (d->fin_sent) return 0;
        if (!d->post || d->taken) return -EAGAIN;
        size_t n = len < d->post_len ? len : d->post_len;
        memcpy(buf, d->post, n);
        d->taken = n;
        wake_end(p, !pc(c)->side, ND_WRITE);
        return (ssize_t)n;
    }
    if (!d->ready) return d->eof ? 0 : -EAGAIN;
    size_t cap = p->cfg.window, n = len < d->ready ? len : d->ready;
    size_t first = cap - d->head < n ? cap - d->head : n;
    memcpy(buf, d->ring + d->head, first);
    memcpy((char *)buf + first, d->ring, n - first);
    d->head = (d->head + n) % cap;
    d->used -= n, d->ready -= n;
    wake_end(p, !pc(c)->side, ND_WRITE);
    return (ssize_t)n;
}

static ssize_t pipe_write(conn_t *c, const void *buf, size_t len) {
    pipe_link_t *p = pc(c)->p;
    pipe_dir_t *d = out_dir(c);
    if (c->nd.reset) return c->nd.reset;
    if (d->reader_gone || d->fin_sent) return -EPIPE;
    if (p->sync) {
        if (d->post && d->taken) {
            size_t n = d->taken;
            d->post = NULL;
            if (d->sent) *d->sent += n;
            return (ssize_t)n;
        }
        if (!d->post) {
            d->post = buf, d->post_len = len, d->taken = 0;
            wake_end(p, !pc(c)->side, ND_READ);
        }
        return -EAGAIN;
    }
    size_t cap = p->cfg.window, room = cap - d->used, n = len < room ? len : room;
    if (n == 0) return -EAGAIN;
    size_t tail = (d->head + d->used) % cap, first = cap - tail < n ? cap - tail : n;
    memcpy(d->ring + tail, buf, first);
    memcpy(d->ring, (const char *)buf + first, n - first);
    d->used += n;
    if (d->sent) *d->sent += n;
    int rc = send_seg(p, pc(c)->side, n, false);
    if (rc) {
        d->used -= n;
        return rc;
    }
    return (ssize_t)n;
}

/* A sync write stopped by a deadline or close: what the reader took. */
static size_t pipe_write_abort(conn_t *c) {
    pipe_dir_t *d = out_dir(c);
    size_t n = d->post ? d->taken : 0;
    d->post = NULL;
    return n;
}

static int pipe_close_write(conn_t *c) {
    pipe_link_t *p = pc(c)->p;
    pipe_dir_t *d = out_dir(c);
    if (p->sync) return -ENOTSUP;
    if (d->fin_sent) return 0;
    d->fin_sent = true;
    return send_seg(p, pc(c)->side, 0, true);
}

static void pipe_close(conn_t *c) {
    pipe_link_t *p = pc(c)->p;
    pipe_dir_t *o = out_dir(c);
    in_dir(c)->reader_gone = true;
    wake_end(p, !pc(c)->side, ND_WRITE);
    if (p->sync || c->nd.reset) {
        o->fin_sent = o->eof = true;
        wake_end(p, !pc(c)->side, ND_READ);
    } else if (!o->fin_sent) {
        o->fin_sent = true;
        send_seg(p, pc(c)->side, 0, true);
    }
}

static void pipe_free(conn_t *c) {
    pipe_link_t *p = pc(c)->p;
    p->end[pc(c)->side] = NULL;
    free(c);
    if (p->end[0] || p->end[1]) return;   /* the other end may still read */
    for (int i = 0; i < 2; i++) {
        if (rt__s.active) rt__timer_stop(&p->d[i].deliver);
        free(p->d[i].ring);
        free(p->d[i].segs);
    }
    free(p);
}

static const conn_ops_t pipe_ops = {
    .network = "pipe", .read = pipe_read, .write = pipe_write, .write_abort = pipe_write_abort,
    .close_write = pipe_close_write, .close = pipe_close, .free = pipe_free,
};
static const conn_ops_t sim_stream_ops = {
    .network = "tcp", .read = pipe_read, .write = pipe_write, .write_abort = pipe_write_abort,
    .close_write = pipe_close_write, .close = pipe_close, .free = pipe_free,
};

/* ---- making pairs ---- */

int pipe__pair(const conn_pipe_config_t *cfg, bool sim, conn_t **a, conn_t **b) {
    if (!rt__s.active) return -EPERM;
    pipe_link_t *p = calloc(1, sizeof *p);
    if (!p) return -ENOMEM;
    p->sync = cfg == NULL;
    if (cfg) p->cfg = *cfg;
    if (!p->sync && !p->cfg.window) p->cfg.window = WINDOW_DEFAULT;
    for (int i = 0; i < 2; i++) {
        p->d[i].deliver = (rt_timer_t){.fire = fire_deliver, .data = p};
        p->end[i] = calloc(1, sizeof *p->end[i]);
        if (!p->sync) p->d[i].ring = malloc(p->cfg.window);
        if (!p->end[i] || (!p->sync && !p->d[i].ring)) goto err;
        nd_init(&p->end[i]->c.nd, false);
        p->end[i]->c.ops = sim ? &sim_stream_ops : &pipe_ops;
        p->end[i]->p = p;
        p->end[i]->side = i;
        strcpy(p->end[i]->c.laddr, "pipe");
        strcpy(p->end[i]->c.raddr, "pipe");
    }
    *a = &p->end[0]->c;
    *b = &p->end[1]->c;
    return 0;
err:
    for (int i = 0; i < 2; i++) {
        free(p->end[i]);
        free(p->d[i].ring);
    }
    free(p);
    return -ENOMEM;
}

int conn_pipe(conn_t **a, conn_t **b) {
    RT_ENTER;
    if (!a || !b) return -EINVAL;
    return pipe__pair(NULL, false, a, b);
}

int conn_pipe_buffered(const conn_pipe_config_t *cfg, conn_t **a, conn_t **b) {
    RT_ENTER;
    if (!a || !b) return -EINVAL;
    conn_pipe_config_t dflt = {0};
    if (cfg && cfg->latency < 0) return -EINVAL;
    return pipe__pair(cfg ? cfg : &dflt, false, a, b);
}

/* ---- simnet's controls ---- */

void pipe__set_stalled(conn_t *c, bool stalled) {
    pipe_link_t *p = pc(c)->p;
    if (p->stalled == stalled) return;
    p->stalled = stalled;
    for (int i = 0; i < 2; i++) {
        if (stalled) rt__timer_stop(&p->d[i].deliver);
        else deliver(&p->d[i], p, i);
    }
}

/* c's peer is gone without a goodbye: every call on c fails with err. */
void pipe__reset(conn_t *c, int err) {
    c->nd.reset = err;
    nd_wake(&c->nd, ND_READ);
    nd_wake(&c->nd, ND_WRITE);
}

/* Counts the bytes c writes into *sent and their arrival into *delivered. */
void pipe__count(conn_t *c, uint64_t *sent, uint64_t *delivered) {
    out_dir(c)->sent = sent;
    out_dir(c)->delivered = delivered;
}

/* Kept for symmetry with peer(): the other end of c, or NULL once freed. */
conn_t *pipe__peer(conn_t *c) { return peer(c); }
