/*
 * xds_net.c — the protocol core carried over the simulated network: a
 * management server (a task per stream reading requests, one writing what
 * xds_sstream_next says) and a data-plane agent (one ADS stream or one
 * stream per type; a lost stream is dialed again and resumed). Frames: a
 * kind byte, 'Q' (request) or 'R' (response), then the struct's bytes.
 * Pristine support code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/clock.h>
#include <undergo/net.h>
#include <undergo/sync.h>
#include <undergo/task.h>

#include "../xds.h"

static int read_full(conn_t *c, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = conn_read(c, (char *)buf + got, len - got);
        if (n <= 0)
            return n == 0 ? -EPIPE : (int)n;
        got += (size_t)n;
    }
    return 0;
}

static int send_frame(conn_t *c, char kind, const void *msg, size_t len)
{
    size_t n;
    int rc = conn_write(c, &kind, 1, &n);
    return rc ? rc : conn_write(c, msg, len, &n);
}

static int recv_frame(conn_t *c, char kind, void *msg, size_t len)
{
    char k;
    int rc = read_full(c, &k, 1);
    if (rc)
        return rc;
    return k == kind ? read_full(c, msg, len) : -EPROTO;
}

/* ---- the server ---- */

typedef struct sconn {
    struct xds_server *srv;
    conn_t *c;
    xds_sstream_t *ss;
    bool dead;
    int refs;
    struct sconn *next;
} sconn_t;

struct xds_server {
    xds_cache_t *cache;
    listener_t *l;
    mutex_t mu;
    cond_t cv;
    bool stopped, accepting;
    sconn_t *conns;
};

static void sconn_put(sconn_t *sc)
{
    xds_server_t *s = sc->srv;
    if (--sc->refs)
        return;
    for (sconn_t **p = &s->conns; *p; p = &(*p)->next)
        if (*p == sc) {
            *p = sc->next;
            break;
        }
    conn_free(sc->c);
    xds_sstream_close(sc->ss);
    free(sc);
    cond_broadcast(&s->cv);
}

static void sconn_reader(void *arg)
{
    sconn_t *sc = arg;
    xds_server_t *s = sc->srv;
    xds_request_t *req = malloc(sizeof *req);
    for (;;) {
        if (!req || recv_frame(sc->c, 'Q', req, sizeof *req))
            break;
        mutex_lock(&s->mu);
        if (!sc->ss && xds_sstream_open(s->cache, req->delta, &sc->ss))
            sc->ss = NULL;
        if (sc->ss)
            xds_sstream_request(sc->ss, req);
        cond_broadcast(&s->cv);
        mutex_unlock(&s->mu);
    }
    free(req);
    mutex_lock(&s->mu);
    sc->dead = true;
    conn_close(sc->c);
    cond_broadcast(&s->cv);
    sconn_put(sc);
    mutex_unlock(&s->mu);
}

static void sconn_writer(void *arg)
{
    sconn_t *sc = arg;
    xds_server_t *s = sc->srv;
    xds_response_t *r = malloc(sizeof *r);
    mutex_lock(&s->mu);
    while (r && !sc->dead) {
        if (!sc->ss || xds_sstream_next(sc->ss, r) != 1) {
            cond_wait(&s->cv, &s->mu);
            continue;
        }
        mutex_unlock(&s->mu);
        int rc = send_frame(sc->c, 'R', r, sizeof *r);
        mutex_lock(&s->mu);
        if (rc) {
            sc->dead = true;
            conn_close(sc->c);
        }
    }
    free(r);
    sconn_put(sc);
    mutex_unlock(&s->mu);
}

static void accept_loop(void *arg)
{
    xds_server_t *s = arg;
    conn_t *c;
    while (listener_accept(s->l, &c) == 0) {
        sconn_t *sc = calloc(1, sizeof *sc);
        if (!sc) {
            conn_free(c);
            continue;
        }
        mutex_lock(&s->mu);
        sc->srv = s;
        sc->c = c;
        sc->refs = 2;
        sc->next = s->conns;
        s->conns = sc;
        mutex_unlock(&s->mu);
        task_spawn(sconn_reader, sc, NULL);
        task_spawn(sconn_writer, sc, NULL);
    }
    mutex_lock(&s->mu);
    s->accepting = false;
    cond_broadcast(&s->cv);
    mutex_unlock(&s->mu);
}

int xds_server_start(xds_cache_t *cache, int port, xds_server_t **out)
{
    xds_server_t *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    char addr[32];
    snprintf(addr, sizeof addr, ":%d", port);
    int rc = net_listen("tcp", addr, &s->l);
    if (rc) {
        free(s);
        return rc;
    }
    s->cache = cache;
    s->accepting = true;
    if ((rc = task_spawn(accept_loop, s, NULL))) {
        listener_free(s->l);
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int xds_server_set_snapshot(xds_server_t *s, const char *node, const xds_snapshot_t *snap)
{
    mutex_lock(&s->mu);
    int rc = xds_cache_set_snapshot(s->cache, node, snap);
    cond_broadcast(&s->cv);
    mutex_unlock(&s->mu);
    return rc;
}

void xds_server_stop(xds_server_t *s)
{
    if (!s)
        return;
    listener_close(s->l);
    mutex_lock(&s->mu);
    s->stopped = true;
    for (sconn_t *sc = s->conns; sc; sc = sc->next) {
        sc->dead = true;
        conn_close(sc->c);
    }
    cond_broadcast(&s->cv);
    while (s->conns || s->accepting)
        cond_wait(&s->cv, &s->mu);
    mutex_unlock(&s->mu);
    listener_free(s->l);
    free(s);
}

/* ---- the agent ---- */

#define AGENT_OUT 8

struct xds_agent {
    xds_client_t *client;
    char addr[64];
    bool ads;
    void (*on_ack)(void *ud, xds_type_t t, const char *version);
    void *ud;
    mutex_t mu;
    cond_t cv;
    bool stopped, broken, running;
    int readers;
    conn_t *conns[XDS_NTYPES]; /* ADS: conns[0] */
    xds_request_t out[AGENT_OUT];
    xds_response_t in;
};

typedef struct areader {
    xds_agent_t *a;
    conn_t *c;
} areader_t;

static void agent_reader(void *arg);

/* The stream a request of t goes on, dialed if needed (agent locked). */
static conn_t *stream_for(xds_agent_t *a, xds_type_t t)
{
    int i = a->ads ? 0 : (int)t;
    if (a->conns[i] || a->broken || a->stopped)
        return a->conns[i];
    conn_t *c;
    if (net_dial("tcp", a->addr, &c))
        return NULL;
    areader_t *r = malloc(sizeof *r);
    if (r) {
        r->a = a;
        r->c = c;
    }
    if (!r || task_spawn(agent_reader, r, NULL)) {
        free(r);
        conn_free(c);
        return NULL;
    }
    a->readers++;
    a->conns[i] = c;
    return c;
}

/* Sends n requests (agent locked); a failure breaks the session. */
static void agent_send(xds_agent_t *a, int n)
{
    for (int i = 0; i < n; i++) {
        conn_t *c = stream_for(a, a->out[i].type);
        if (!c || send_frame(c, 'Q', &a->out[i], sizeof a->out[i])) {
            a->broken = true;
            cond_broadcast(&a->cv);
            return;
        }
    }
}

static void agent_reader(void *arg)
{
    areader_t *r = arg;
    xds_agent_t *a = r->a;
    xds_response_t *in = malloc(sizeof *in);
    for (;;) {
        if (!in || recv_frame(r->c, 'R', in, sizeof *in))
            break;
        mutex_lock(&a->mu);
        int n = xds_client_on_response(a->client, in, a->out, AGENT_OUT);
        if (n > 0) {
            bool ack = !a->out[0].error_detail[0];
            xds_type_t t = in->type;
            char v[XDS_NAME];
            xds_name_copy(v, in->version_info);
            agent_send(a, n);
            if (ack && a->on_ack)
                a->on_ack(a->ud, t, v);
        }
        mutex_unlock(&a->mu);
    }
    free(in);
    mutex_lock(&a->mu);
    a->broken = true;
    a->readers--;
    conn_close(r->c);
    conn_free(r->c);
    for (int i = 0; i < XDS_NTYPES; i++)
        if (a->conns[i] == r->c)
            a->conns[i] = NULL;
    cond_broadcast(&a->cv);
    mutex_unlock(&a->mu);
    free(r);
}

static void agent_main(void *arg)
{
    xds_agent_t *a = arg;
    bool first = true;
    mutex_lock(&a->mu);
    while (!a->stopped) {
        a->broken = false;
        int n = first ? xds_client_start(a->client, a->out, AGENT_OUT)
                      : xds_client_reconnect(a->client, a->out, AGENT_OUT);
        first = false;
        if (n > 0)
            agent_send(a, n);
        while (!a->broken && !a->stopped)
            cond_wait(&a->cv, &a->mu);
        for (int i = 0; i < XDS_NTYPES; i++)
            if (a->conns[i])
                conn_close(a->conns[i]);
        while (a->readers)
            cond_wait(&a->cv, &a->mu);
        if (a->stopped)
            break;
        mutex_unlock(&a->mu);
        clock_sleep(100 * CLOCK_MS);
        mutex_lock(&a->mu);
    }
    a->running = false;
    cond_broadcast(&a->cv);
    mutex_unlock(&a->mu);
}

int xds_agent_start(xds_client_t *client, const char *addr, bool ads,
                    void (*on_ack)(void *ud, xds_type_t t, const char *version), void *ud,
                    xds_agent_t **out)
{
    xds_agent_t *a = calloc(1, sizeof *a);
    if (!a)
        return -ENOMEM;
    a->client = client;
    snprintf(a->addr, sizeof a->addr, "%s", addr);
    a->ads = ads;
    a->on_ack = on_ack;
    a->ud = ud;
    a->running = true;
    int rc = task_spawn(agent_main, a, NULL);
    if (rc) {
        free(a);
        return rc;
    }
    *out = a;
    return 0;
}

void xds_agent_drop(xds_agent_t *a)
{
    mutex_lock(&a->mu);
    a->broken = true;
    cond_broadcast(&a->cv);
    mutex_unlock(&a->mu);
}

void xds_agent_lock(xds_agent_t *a)
{
    mutex_lock(&a->mu);
}

void xds_agent_unlock(xds_agent_t *a)
{
    mutex_unlock(&a->mu);
}

void xds_agent_stop(xds_agent_t *a)
{
    if (!a)
        return;
    mutex_lock(&a->mu);
    a->stopped = true;
    cond_broadcast(&a->cv);
    while (a->running)
        cond_wait(&a->cv, &a->mu);
    mutex_unlock(&a->mu);
    free(a);
}
