/*
 * net.c — the transport-independent half of net.h: deadlines, parking,
 * the per-direction locks, closing, and the calls that dispatch to a
 * transport's conn_ops (see net_impl.h for the model).
 *
 * Deadlines follow Go's runtime/netpoll.go: setting one stops the old
 * timer; a time at or before now marks the direction expired and readies
 * its waiters; a future time clears the mark and arms the timer, whose
 * firing marks it and readies them; 0 clears both. An expired direction
 * fails every call at once, before any attempt (internal/poll's prepare).
 *
 * Interface: net_listen / net_dial / net_listen_packet pick the transport
 * (the current task's simulated host, else the kernel); the rest dispatch
 * on the object.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "net_impl.h"

const char *net_strerror(int err) {
    switch (-err) {
#define NET__MSG(name, value, msg) case name: return msg;
        NET_ERRORS(NET__MSG)
#undef NET__MSG
    default: return strerror(-err);
    }
}

/* ---- the shared descriptor half ---- */

static void fire_deadline(rt_timer_t *t, int dir) {
    nd_t *d = t->data;
    d->expired[dir] = true;
    nd_wake(d, dir);
}
static void fire_read(rt_timer_t *t) { fire_deadline(t, ND_READ); }
static void fire_write(rt_timer_t *t) { fire_deadline(t, ND_WRITE); }

void nd_init(nd_t *d, bool real) {
    memset(d, 0, sizeof *d);
    d->real = real;
    d->timer[ND_READ] = (rt_timer_t){.fire = fire_read, .data = d};
    d->timer[ND_WRITE] = (rt_timer_t){.fire = fire_write, .data = d};
}

/* Readies every task parked on direction dir; they try again. */
void nd_wake(nd_t *d, int dir) {
    rt_waiter_t *w;
    while ((w = rt__waitq_pop(&d->waiters[dir]))) rt__wake(w);
}

/* Why a call in direction dir must fail now, or 0. */
int nd_check(const nd_t *d, int dir) {
    if (d->closed) return -NET_ECLOSED;
    if (d->expired[dir]) return -NET_ETIMEOUT;
    return 0;
}

/* Parks the current task until d is ready in dir, expires or closes.
 * Returns nd_check's verdict then; -EPERM outside a task. */
int nd_wait(nd_t *d, int dir, const void *obj) {
    if (!rt__s.current) return -EPERM;
    rt_waiter_t w = {.task = rt__s.current};
    rt__waitq_push(&d->waiters[dir], &w);
    if (d->real) rt__s.io_waiters++;
    rt__park(TASK_IO, RT_OBJ_CONN, obj, &d->waiters[dir], &w);
    if (d->real) rt__s.io_waiters--;
    return nd_check(d, dir);
}

int nd_set_deadline(nd_t *d, int dir, int64_t t) {
    if (d->closed) return -NET_ECLOSED;
    rt__timer_stop(&d->timer[dir]);
    d->deadline[dir] = t;
    d->expired[dir] = false;
    if (t == 0) return 0;
    if (t <= rt__clock()) {
        d->expired[dir] = true;
        nd_wake(d, dir);
        return 0;
    }
    return rt__timer_start(&d->timer[dir], t);
}

/* Marks d closed and readies every waiter (they fail with -NET_ECLOSED). */
void nd_close(nd_t *d) {
    d->closed = true;
    for (int dir = ND_READ; dir <= ND_WRITE; dir++) {
        rt__timer_stop(&d->timer[dir]);
        nd_wake(d, dir);
    }
}

void nd_fini(nd_t *d) {
    for (int dir = ND_READ; dir <= ND_WRITE; dir++) {
        if (rt__s.active) rt__timer_stop(&d->timer[dir]);
        d->timer[dir].slot = 0;
    }
}

/* The direction's lock, Go's fdMutex; taking it is a scheduling point. */
static int nd_lock(nd_t *d, int dir) {
    if (!rt__s.current) return -EPERM;
    return mutex_lock(&d->lock[dir]);
}

/* ---- listeners ---- */

int net_listen(const char *network, const char *address, listener_t **out) {
    if (!network || !address || !out) return -EINVAL;
    if (!rt__s.current) return -EPERM;
    void *h = simnet__host();
    return h ? simnet__listen(h, network, address, out) : sock__listen(network, address, out);
}

int listener_accept(listener_t *l, conn_t **out) {
    RT_ENTER;
    int rc = nd_lock(&l->nd, ND_READ);
    if (rc) return rc;
    for (;;) {
        if ((rc = nd_check(&l->nd, ND_READ))) break;
        rc = l->ops->accept(l, out);
        if (rc != -EAGAIN) break;
        if ((rc = nd_wait(&l->nd, ND_READ, l))) break;
    }
    mutex_unlock(&l->nd.lock[ND_READ]);
    return rc;
}

int listener_set_deadline(listener_t *l, int64_t t) {
    RT_ENTER;
    return nd_set_deadline(&l->nd, ND_READ, t);
}

const char *listener_addr(const listener_t *l) { return l->addr; }

int listener_close(listener_t *l) {
    RT_ENTER;
    if (l->nd.closed) return -NET_ECLOSED;
    nd_close(&l->nd);
    l->ops->close(l);
    return 0;
}

void listener_free(listener_t *l) {
    RT_ENTER;
    if (!l) return;
    if (!l->nd.closed) listener_close(l);
    nd_fini(&l->nd);
    if (l->host) simnet__forget_listener(l);
    l->ops->free(l);
}

/* ---- connections ---- */

int net_dial(const char *network, const char *address, conn_t **out) {
    if (!network || !address || !out) return -EINVAL;
    if (!rt__s.current) return -EPERM;
    void *h = simnet__host();
    return h ? simnet__dial(h, network, address, 0, out) : sock__dial(network, address, 0, out);
}

int net_dial_timeout(const char *network, const char *address, int64_t timeout, conn_t **out) {
    if (!network || !address || !out) return -EINVAL;
    if (!rt__s.current) return -EPERM;
    void *h = simnet__host();
    int64_t deadline = timeout > 0 ? rt__clock() + timeout : 0;
    return h ? simnet__dial(h, network, address, deadline, out)
             : sock__dial(network, address, deadline, out);
}

ssize_t conn_read(conn_t *c, void *buf, size_t len) {
    RT_ENTER;
    int rc = nd_lock(&c->nd, ND_READ);
    if (rc) return rc;
    ssize_t n;
    for (;;) {
        /* Go: a closed conn fails, a zero-byte read returns at once, then
         * the deadline is checked before any attempt. */
        if (c->nd.closed) { n = -NET_ECLOSED; break; }
        if (len == 0) { n = 0; break; }
        if ((n = nd_check(&c->nd, ND_READ))) break;
        n = c->ops->read(c, buf, len);
        if (n != -EAGAIN) break;
        if ((n = nd_wait(&c->nd, ND_READ, c))) break;
    }
    mutex_unlock(&c->nd.lock[ND_READ]);
    return n;
}

int conn_write(conn_t *c, const void *buf, size_t len, size_t *n) {
    RT_ENTER;
    size_t done = 0;
    int rc = nd_lock(&c->nd, ND_WRITE);
    while (rc == 0 && (rc = nd_check(&c->nd, ND_WRITE)) == 0 && done < len) {
        ssize_t k = c->ops->write(c, (const char *)buf + done, len - done);
        if (k >= 0) done += (size_t)k;
        else if (k != -EAGAIN) rc = (int)k;
        else rc = nd_wait(&c->nd, ND_WRITE, c);
    }
    if (rc && rc != -EPERM && c->ops->write_abort) done += c->ops->write_abort(c);
    if (rc != -EPERM) mutex_unlock(&c->nd.lock[ND_WRITE]);
    if (n) *n = done;
    return rc;
}

int conn_set_read_deadline(conn_t *c, int64_t t) {
    RT_ENTER;
    return nd_set_deadline(&c->nd, ND_READ, t);
}

int conn_set_write_deadline(conn_t *c, int64_t t) {
    RT_ENTER;
    return nd_set_deadline(&c->nd, ND_WRITE, t);
}

int conn_set_deadline(conn_t *c, int64_t t) {
    RT_ENTER;
    int rc = nd_set_deadline(&c->nd, ND_READ, t);
    return rc ? rc : nd_set_deadline(&c->nd, ND_WRITE, t);
}

int conn_close_write(conn_t *c) {
    RT_ENTER;
    if (c->nd.closed) return -NET_ECLOSED;
    return c->ops->close_write ? c->ops->close_write(c) : -ENOTSUP;
}

const char *conn_local_addr(const conn_t *c) { return c->laddr; }
const char *conn_remote_addr(const conn_t *c) { return c->raddr; }
const char *conn_network(const conn_t *c) { return c->ops->network; }

int conn_close(conn_t *c) {
    RT_ENTER;
    if (c->nd.closed) return -NET_ECLOSED;
    nd_close(&c->nd);
    c->ops->close(c);
    return 0;
}

void conn_free(conn_t *c) {
    RT_ENTER;
    if (!c) return;
    if (!c->nd.closed) conn_close(c);
    nd_fini(&c->nd);
    if (c->host) simnet__forget_conn(c);
    c->ops->free(c);
}

/* ---- datagrams ---- */

int net_listen_packet(const char *network, const char *address, conn_t **out) {
    if (!network || !address || !out) return -EINVAL;
    if (!rt__s.current) return -EPERM;
    void *h = simnet__host();
    return h ? simnet__listen_packet(h, network, address, out)
             : sock__listen_packet(network, address, out);
}

ssize_t conn_read_from(conn_t *c, void *buf, size_t len, char *from, size_t fromlen) {
    RT_ENTER;
    if (!c->ops->read_from) return -EINVAL;
    int rc = nd_lock(&c->nd, ND_READ);
    if (rc) return rc;
    ssize_t n;
    for (;;) {
        if ((n = nd_check(&c->nd, ND_READ))) break;
        n = c->ops->read_from(c, buf, len, from, fromlen);
        if (n != -EAGAIN) break;
        if ((n = nd_wait(&c->nd, ND_READ, c))) break;
    }
    mutex_unlock(&c->nd.lock[ND_READ]);
    return n;
}

int conn_write_to(conn_t *c, const void *buf, size_t len, const char *to) {
    RT_ENTER;
    if (!c->ops->write_to || !to) return -EINVAL;
    if (!c->nd.real) { /* simulated: never full, never waits */
        rt__point();
        int rc = nd_check(&c->nd, ND_WRITE);
        return rc ? rc : c->ops->write_to(c, buf, len, to);
    }
    /* A socket: Go's WriteTo holds the write lock and parks while the
     * kernel's send buffer is full. */
    int rc = nd_lock(&c->nd, ND_WRITE);
    if (rc)
        return rc;
    for (;;) {
        if ((rc = nd_check(&c->nd, ND_WRITE)))
            break;
        rc = c->ops->write_to(c, buf, len, to);
        if (rc != -EAGAIN)
            break;
        if ((rc = nd_wait(&c->nd, ND_WRITE, c)))
            break;
    }
    mutex_unlock(&c->nd.lock[ND_WRITE]);
    return rc;
}
