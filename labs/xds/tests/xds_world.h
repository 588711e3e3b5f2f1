/*
 * xds_world.h — helpers for the xds tests: snapshots built from the seed
 * and a pump that runs one server stream against one client in memory,
 * delivering every message at once and logging each as one line, so a
 * test states the exact sequence of a protocol flow.
 */
#ifndef XDS_WORLD_H
#define XDS_WORLD_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/labtest.h>

#include "xds.h"

/* The endpoints' port, drawn from the seed by seed_port(). */
static int PORT = 8080;

static inline void seed_port(void)
{
    PORT = 1024 + (int)ug_rand_below(60000);
}

/* "10.<gen>.<i>.<k>:PORT" */
static inline const char *ep(int gen, int i, int k)
{
    static char buf[4][32];
    static int n;
    char *b = buf[n++ % 4];
    snprintf(b, 32, "10.%d.%d.%d:%d", gen, i, k, PORT);
    return b;
}

static inline void snap_add(xds_snapshot_t *s, xds_type_t t, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline void snap_add(xds_snapshot_t *s, xds_type_t t, const char *name, const char *fmt, ...)
{
    xds_resource_t *r = &s->res[t][s->n[t]++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, XDS_NAME, "%s", name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->body, XDS_BODY, fmt, ap);
    va_end(ap);
}

static inline void snap_versions(xds_snapshot_t *s, const char *v)
{
    for (int t = 0; t < XDS_NTYPES; t++)
        snprintf(s->version[t], XDS_NAME, "%s", v);
}

/* A snapshot at version v: listener "ingress" → route config "rc":
 * "/api" split w1:w2 over c0 and c1, "/" to c0; nclusters clusters ci,
 * each with assignment ci holding eps endpoints "10.<gen>.i.k:8080". */
static inline void snap_world(xds_snapshot_t *s, const char *v, int gen, int nclusters, int eps,
                              unsigned w1, unsigned w2)
{
    memset(s, 0, sizeof *s);
    snap_versions(s, v);
    snap_add(s, XDS_LDS, "ingress", "route=rc");
    snap_add(s, XDS_RDS, "rc", "/api c0=%u,c1=%u;/ c0=1", w1, w2);
    for (int i = 0; i < nclusters; i++) {
        char name[16], body[XDS_BODY];
        snprintf(name, sizeof name, "c%d", i);
        size_t o = 0;
        for (int k = 0; k < eps; k++)
            o += (size_t)snprintf(body + o, sizeof body - o, "%s10.%d.%d.%d:%d", k ? "," : "", gen,
                                  i, k, PORT);
        snap_add(s, XDS_CDS, name, "eds=%s", name);
        snap_add(s, XDS_EDS, name, "%s", body);
    }
}

typedef struct pump {
    xds_sstream_t *ss;
    xds_client_t *cl;
    char log[8192];
    size_t len;
    int responses, acks, nacks, stale;
} pump_t;

static inline void pump_log(pump_t *p, const char *line)
{
    p->len += (size_t)snprintf(p->log + p->len, sizeof p->log - p->len, "%s\n", line);
}

/* Delivers requests to the server, logging them. */
static inline void pump_requests(pump_t *p, const xds_request_t *q, int n)
{
    for (int i = 0; i < n; i++) {
        char line[1024];
        xds_request_str(&q[i], line, sizeof line);
        pump_log(p, line);
        int rc = xds_sstream_request(p->ss, &q[i]);
        p->acks += rc == XDS_REQ_ACK;
        p->nacks += rc == XDS_REQ_NACK;
        p->stale += rc == XDS_REQ_STALE;
    }
}

/* Runs the stream until it has nothing to send. */
static inline void pump_run(pump_t *p)
{
    static xds_response_t r;
    static xds_request_t out[8];
    for (int guard = 0; guard < 200 && xds_sstream_next(p->ss, &r) == 1; guard++) {
        char line[1024];
        xds_response_str(&r, line, sizeof line);
        pump_log(p, line);
        p->responses++;
        int n = xds_client_on_response(p->cl, &r, out, 8);
        if (n > 0)
            pump_requests(p, out, n);
    }
}

/* Opens a stream of cache c and a client for node; sends the client's first requests. */
static inline int pump_open(pump_t *p, xds_cache_t *c, const char *node, bool delta)
{
    memset(p, 0, sizeof *p);
    int rc = xds_sstream_open(c, delta, &p->ss);
    if (rc == 0)
        rc = xds_client_new(node, delta, &p->cl);
    if (rc)
        return rc;
    static xds_request_t out[8];
    int n = xds_client_start(p->cl, out, 8);
    if (n < 0)
        return n;
    pump_requests(p, out, n);
    return 0;
}

static inline void pump_close(pump_t *p)
{
    xds_sstream_close(p->ss);
    xds_client_free(p->cl);
}

static inline void pump_clear(pump_t *p)
{
    p->len = 0;
    p->log[0] = '\0';
    p->responses = p->acks = p->nacks = p->stale = 0;
}

/* The endpoint a request routes to, or "-". */
static inline const char *route(const xds_client_t *c, const char *path, uint64_t hash)
{
    static char ep[4][XDS_NAME];
    static int k;
    char *e = ep[k++ % 4];
    if (xds_client_route(c, "ingress", path, hash, e, XDS_NAME))
        snprintf(e, XDS_NAME, "-");
    return e;
}

#endif
