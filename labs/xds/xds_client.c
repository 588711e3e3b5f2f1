/*
 * xds_client.c — the data plane: applies responses (or rejects them whole
 * with a NACK), follows references with new subscriptions, keeps listeners
 * and clusters warming until what they need arrived, and routes requests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xds_internal.h"

#if LAB_SOLUTION

typedef struct ctype {
    bool requested;         /* a request of this type went out */
    char version[XDS_NAME]; /* the last accepted version_info */
    char nonce[XDS_NAME];   /* the last response's nonce */
    int nres;               /* what the client holds */
    xds_resource_t res[XDS_MAX_RES];
    int nnames; /* the subscription (EDS, RDS, SDS) */
    char names[XDS_MAX_RES][XDS_NAME];
} ctype_t;

struct xds_client {
    char node[XDS_NAME];
    bool delta;
    ctype_t t[XDS_NTYPES];
};

static const xds_type_t order[XDS_NTYPES] = {XDS_CDS, XDS_EDS, XDS_LDS, XDS_RDS, XDS_SDS};

int xds_client_new(const char *node, bool delta, xds_client_t **out)
{
    xds_client_t *c = calloc(1, sizeof *c);
    if (!c)
        return -ENOMEM;
    xds_name_copy(c->node, node);
    c->delta = delta;
    *out = c;
    return 0;
}

void xds_client_free(xds_client_t *c)
{
    free(c);
}

static const xds_resource_t *held(const xds_client_t *c, xds_type_t t, const char *name)
{
    const ctype_t *ct = &c->t[t];
    for (int i = 0; i < ct->nres; i++)
        if (strcmp(ct->res[i].name, name) == 0)
            return &ct->res[i];
    return NULL;
}

static void drop_held(ctype_t *ct, const char *name)
{
    for (int i = 0; i < ct->nres; i++)
        if (strcmp(ct->res[i].name, name) == 0) {
            memmove(&ct->res[i], &ct->res[i + 1], (size_t)(ct->nres - i - 1) * sizeof ct->res[0]);
            ct->nres--;
            return;
        }
}

static void upsert(ctype_t *ct, const xds_resource_t *r)
{
    for (int i = 0; i < ct->nres; i++)
        if (strcmp(ct->res[i].name, r->name) == 0) {
            ct->res[i] = *r;
            return;
        }
    if (ct->nres < XDS_MAX_RES)
        ct->res[ct->nres++] = *r;
}

static bool in_list(char names[][XDS_NAME], int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

static void req_init(const xds_client_t *c, xds_type_t t, xds_request_t *q)
{
    memset(q, 0, sizeof *q);
    q->delta = c->delta;
    q->type = t;
    xds_name_copy(q->node, c->node);
}

/* A SotW request of t carrying the state of the client: version, nonce, names. */
static void req_sotw(const xds_client_t *c, xds_type_t t, bool nonce, xds_request_t *q)
{
    const ctype_t *ct = &c->t[t];
    req_init(c, t, q);
    xds_name_copy(q->version_info, ct->version);
    if (nonce)
        xds_name_copy(q->response_nonce, ct->nonce);
    q->nnames = ct->nnames;
    memcpy(q->names, ct->names, sizeof q->names);
}

int xds_client_start(xds_client_t *c, xds_request_t *out, int max)
{
    int n = 0;
    xds_type_t first[2] = {XDS_CDS, XDS_LDS};
    for (int i = 0; i < 2 && n < max; i++) {
        req_init(c, first[i], &out[n++]);
        c->t[first[i]].requested = true;
    }
    return n;
}

/* The names held resources of `from` refer to in `to`. */
static int refs(const xds_client_t *c, xds_type_t from, xds_type_t to, char names[][XDS_NAME])
{
    int n = 0;
    const ctype_t *ct = &c->t[from];
    for (int i = 0; i < ct->nres; i++) {
        char name[XDS_NAME];
        if (xds_resource_ref(from, ct->res[i].body, to, name, sizeof name) == 0 && name[0] &&
            !in_list(names, n, name) && n < XDS_MAX_RES)
            xds_name_copy(names[n++], name);
    }
    return n;
}

/* Follows references: a request for every subscription that changed. */
static int resubscribe(xds_client_t *c, xds_type_t changed, xds_request_t *out, int max)
{
    static const struct {
        xds_type_t from, to;
    } deps[] = {{XDS_CDS, XDS_EDS}, {XDS_LDS, XDS_RDS}, {XDS_LDS, XDS_SDS}};
    int n = 0;
    for (size_t k = 0; k < sizeof deps / sizeof deps[0]; k++) {
        if (deps[k].from != changed)
            continue;
        xds_type_t to = deps[k].to;
        ctype_t *ct = &c->t[to];
        char names[XDS_MAX_RES][XDS_NAME];
        int nn = refs(c, changed, to, names);
        bool same = nn == ct->nnames;
        for (int i = 0; same && i < nn; i++)
            same = in_list(ct->names, ct->nnames, names[i]);
        if (same || n >= max)
            continue;
        xds_request_t *q = &out[n++];
        if (c->delta) {
            req_init(c, to, q);
            for (int i = 0; i < nn; i++)
                if (!in_list(ct->names, ct->nnames, names[i]))
                    xds_name_copy(q->names[q->nnames++], names[i]);
            for (int i = 0; i < ct->nnames; i++)
                if (!in_list(names, nn, ct->names[i]))
                    xds_name_copy(q->unsub[q->nunsub++], ct->names[i]);
        }
        /* What is no longer referred to is dropped. */
        for (int i = 0; i < ct->nnames; i++)
            if (!in_list(names, nn, ct->names[i]))
                drop_held(ct, ct->names[i]);
        ct->nnames = nn;
        memcpy(ct->names, names, sizeof names);
        if (!c->delta)
            req_sotw(c, to, ct->requested, q);
        ct->requested = true;
    }
    return n;
}

int xds_client_on_response(xds_client_t *c, const xds_response_t *r, xds_request_t *out, int max)
{
    if ((unsigned)r->type >= XDS_NTYPES || r->delta != c->delta || max < 1 ||
        r->nres > XDS_MAX_RES || r->nremoved > XDS_MAX_RES)
        return -EINVAL;
    xds_type_t t = r->type;
    ctype_t *ct = &c->t[t];
    xds_name_copy(ct->nonce, r->nonce);
    char err[XDS_ERR] = "";
    for (int i = 0; i < r->nres && !err[0]; i++) {
        char why[XDS_ERR - XDS_NAME - 2];
        if (xds_resource_check(t, r->res[i].body, why, sizeof why))
            snprintf(err, sizeof err, "%s: %s", r->res[i].name, why);
    }
    if (err[0]) {
        /* NACK: the previous version, this nonce, the reason; nothing applied. */
        if (c->delta) {
            req_init(c, t, &out[0]);
            xds_name_copy(out[0].response_nonce, r->nonce);
        } else {
            req_sotw(c, t, true, &out[0]);
        }
        snprintf(out[0].error_detail, XDS_ERR, "%s", err);
        return 1;
    }
    if (!c->delta && (t == XDS_LDS || t == XDS_CDS))
        ct->nres = 0; /* State of the World: what is missing is deleted */
    for (int i = 0; i < r->nres; i++)
        upsert(ct, &r->res[i]);
    for (int i = 0; c->delta && i < r->nremoved; i++)
        drop_held(ct, r->removed[i]);
    xds_name_copy(ct->version, r->version_info);
    if (c->delta) {
        req_init(c, t, &out[0]);
        xds_name_copy(out[0].response_nonce, r->nonce);
    } else {
        req_sotw(c, t, true, &out[0]);
    }
    return 1 + resubscribe(c, t, out + 1, max - 1);
}

int xds_client_reconnect(xds_client_t *c, xds_request_t *out, int max)
{
    int n = 0;
    for (int k = 0; k < XDS_NTYPES && n < max; k++) {
        xds_type_t t = order[k];
        ctype_t *ct = &c->t[t];
        if (!ct->requested)
            continue;
        xds_request_t *q = &out[n++];
        if (!c->delta) {
            req_sotw(c, t, false, q);
            continue;
        }
        req_init(c, t, q);
        q->nnames = ct->nnames;
        memcpy(q->names, ct->names, sizeof q->names);
        for (int i = 0; i < ct->nres; i++) {
            xds_name_copy(q->initial[i].name, ct->res[i].name);
            xds_name_copy(q->initial[i].version, ct->res[i].version);
        }
        q->ninitial = ct->nres;
    }
    return n;
}

/* Does what the resource needs (by reference) sit in the client? */
static bool ready(const xds_client_t *c, xds_type_t t, const xds_resource_t *r)
{
    static const struct {
        xds_type_t from, to;
    } deps[] = {{XDS_CDS, XDS_EDS}, {XDS_LDS, XDS_RDS}, {XDS_LDS, XDS_SDS}};
    for (size_t k = 0; k < sizeof deps / sizeof deps[0]; k++) {
        char name[XDS_NAME];
        if (deps[k].from == t && xds_resource_ref(t, r->body, deps[k].to, name, sizeof name) == 0 &&
            name[0] && !held(c, deps[k].to, name))
            return false;
    }
    return true;
}

int xds_client_state(const xds_client_t *c, xds_type_t t, const char *name)
{
    if ((unsigned)t >= XDS_NTYPES)
        return XDS_ABSENT;
    const xds_resource_t *r = held(c, t, name);
    if (!r)
        return XDS_ABSENT;
    return ready(c, t, r) ? XDS_ACTIVE : XDS_WARMING;
}

const char *xds_client_version(const xds_client_t *c, xds_type_t t)
{
    return (unsigned)t < XDS_NTYPES ? c->t[t].version : "";
}

int xds_client_route(const xds_client_t *c, const char *listener, const char *path, uint64_t hash,
                     char *endpoint, size_t len)
{
    if (xds_client_state(c, XDS_LDS, listener) != XDS_ACTIVE)
        return -ENOENT;
    char name[XDS_NAME];
    xds_resource_ref(XDS_LDS, held(c, XDS_LDS, listener)->body, XDS_RDS, name, sizeof name);
    const xds_resource_t *rc = held(c, XDS_RDS, name);
    char clusters[8][XDS_NAME];
    uint32_t w[8];
    int n = xds_route_lookup(rc->body, path, clusters, w, 8);
    if (n == 0)
        return -ENOENT;
    uint64_t total = 0;
    for (int i = 0; i < n; i++)
        total += w[i];
    uint64_t x = hash % total;
    int pick = 0;
    while (x >= w[pick]) {
        x -= w[pick];
        pick++;
    }
    if (xds_client_state(c, XDS_CDS, clusters[pick]) != XDS_ACTIVE)
        return -ENOENT;
    xds_resource_ref(XDS_CDS, held(c, XDS_CDS, clusters[pick])->body, XDS_EDS, name, sizeof name);
    const xds_resource_t *cla = held(c, XDS_EDS, name);
    int ne = xds_endpoints(cla->body, -1, NULL, 0);
    if (ne == 0)
        return -ENOENT;
    xds_endpoints(cla->body, (int)((hash / total) % (uint64_t)ne), endpoint, len);
    return 0;
}

#else

int xds_client_new(const char *node, bool delta, xds_client_t **out)
{
    (void)node;
    (void)delta;
    *out = NULL;
    return -ENOSYS;
}
void xds_client_free(xds_client_t *c)
{
    (void)c;
}
int xds_client_start(xds_client_t *c, xds_request_t *out, int max)
{
    (void)c;
    (void)out;
    (void)max;
    return -ENOSYS;
}
int xds_client_on_response(xds_client_t *c, const xds_response_t *r, xds_request_t *out, int max)
{
    (void)c;
    (void)r;
    (void)out;
    (void)max;
    return -ENOSYS;
}
int xds_client_reconnect(xds_client_t *c, xds_request_t *out, int max)
{
    (void)c;
    (void)out;
    (void)max;
    return -ENOSYS;
}
int xds_client_state(const xds_client_t *c, xds_type_t t, const char *name)
{
    (void)c;
    (void)t;
    (void)name;
    return -ENOSYS;
}
const char *xds_client_version(const xds_client_t *c, xds_type_t t)
{
    (void)c;
    (void)t;
    return "";
}
int xds_client_route(const xds_client_t *c, const char *listener, const char *path, uint64_t hash,
                     char *endpoint, size_t len)
{
    (void)c;
    (void)listener;
    (void)path;
    (void)hash;
    (void)endpoint;
    (void)len;
    return -ENOSYS;
}

#endif
