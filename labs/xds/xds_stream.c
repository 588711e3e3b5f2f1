/*
 * xds_stream.c — the server side of one discovery stream over the cache:
 * ACK, NACK and stale nonces; State of the World (no response at the
 * client's version, wildcard LDS/CDS, ADS's order and its late removal of
 * stale clusters) and delta (only what changed, removals by name).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xds_internal.h"

#if LAB_SOLUTION

/* The push order of ADS: CDS → EDS → LDS → RDS, then secrets. */
static const xds_type_t order[XDS_NTYPES] = {XDS_CDS, XDS_EDS, XDS_LDS, XDS_RDS, XDS_SDS};

int xds_sstream_open(xds_cache_t *c, bool delta, xds_sstream_t **out)
{
    xds_sstream_t *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    s->cache = c;
    s->delta = delta;
    *out = s;
    return 0;
}

void xds_sstream_close(xds_sstream_t *s)
{
    free(s);
}

static bool has_name(const xds_tstate_t *ts, const char *name)
{
    for (int i = 0; i < ts->nnames; i++)
        if (strcmp(ts->names[i], name) == 0)
            return true;
    return false;
}

static bool subscribed(const xds_tstate_t *ts, const char *name)
{
    return ts->wildcard || has_name(ts, name);
}

static int find_res(const xds_resource_t *r, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(r[i].name, name) == 0)
            return i;
    return -1;
}

static void add_name(xds_tstate_t *ts, const char *name)
{
    if (!has_name(ts, name) && ts->nnames < XDS_MAX_RES)
        xds_name_copy(ts->names[ts->nnames++], name);
}

static void drop_name(xds_tstate_t *ts, const char *name)
{
    for (int i = 0; i < ts->nnames; i++)
        if (strcmp(ts->names[i], name) == 0) {
            memmove(ts->names[i], ts->names[i + 1], (size_t)(ts->nnames - i - 1) * XDS_NAME);
            ts->nnames--;
            return;
        }
}

static void drop_known(xds_tstate_t *ts, const char *name)
{
    int i = find_res(ts->known, ts->nknown, name);
    if (i >= 0) {
        memmove(&ts->known[i], &ts->known[i + 1],
                (size_t)(ts->nknown - i - 1) * sizeof ts->known[0]);
        ts->nknown--;
    }
}

static int request_sotw(xds_tstate_t *ts, const xds_request_t *req)
{
    bool lc = req->type == XDS_LDS || req->type == XDS_CDS;
    bool wildcard = lc && req->nnames == 0;
    bool changed = wildcard != ts->wildcard || req->nnames != ts->nnames;
    for (int i = 0; !changed && i < req->nnames; i++)
        changed = !has_name(ts, req->names[i]);
    if (changed) {
        ts->wildcard = wildcard;
        ts->nnames = 0;
        for (int i = 0; i < req->nnames; i++)
            add_name(ts, req->names[i]);
        /* A new stream's first request is answered by its version alone. */
        ts->names_changed = ts->seen;
    }
    bool first = !ts->seen;
    ts->seen = true;
    ts->pending = true;
    xds_name_copy(ts->req_version, req->version_info);
    if (req->error_detail[0]) {
        /* The rejected version is the one last sent: not again until it changes. */
        xds_name_copy(ts->nacked, ts->sent_version);
        return XDS_REQ_NACK;
    }
    return first || !req->response_nonce[0] ? XDS_REQ_OK : XDS_REQ_ACK;
}

static int request_delta(xds_tstate_t *ts, const xds_request_t *req)
{
    bool lc = req->type == XDS_LDS || req->type == XDS_CDS;
    if (!ts->seen) {
        ts->seen = true;
        ts->wildcard = lc && req->nnames == 0;
        for (int i = 0; i < req->ninitial && ts->nknown < XDS_MAX_RES; i++)
            ts->known[ts->nknown++] = req->initial[i];
    }
    for (int i = 0; i < req->nnames; i++)
        add_name(ts, req->names[i]);
    for (int i = 0; i < req->nunsub; i++) {
        drop_name(ts, req->unsub[i]);
        drop_known(ts, req->unsub[i]);
    }
    if (!req->response_nonce[0])
        return XDS_REQ_OK;
    ts->awaiting_ack = false;
    return req->error_detail[0] ? XDS_REQ_NACK : XDS_REQ_ACK;
}

int xds_sstream_request(xds_sstream_t *s, const xds_request_t *req)
{
    if (req->delta != s->delta || (unsigned)req->type >= XDS_NTYPES)
        return -EINVAL;
    xds_tstate_t *ts = &s->t[req->type];
    if (req->response_nonce[0] && strcmp(req->response_nonce, ts->nonce) != 0)
        return XDS_REQ_STALE;
    if (!s->node[0])
        xds_name_copy(s->node, req->node);
    return s->delta ? request_delta(ts, req) : request_sotw(ts, req);
}

static void begin(xds_sstream_t *s, xds_tstate_t *ts, xds_type_t t, const xds_snapshot_t *snap,
                  xds_response_t *out)
{
    memset(out, 0, sizeof *out);
    out->delta = s->delta;
    out->type = t;
    xds_name_copy(out->version_info, snap->version[t]);
    snprintf(ts->nonce, XDS_NAME, "%llu", (unsigned long long)++s->nonces);
    xds_name_copy(out->nonce, ts->nonce);
    xds_name_copy(ts->sent_version, snap->version[t]);
}

/* Every type the client holds but `except` is ACKed at the snapshot's version. */
static bool all_current(const xds_sstream_t *s, const xds_snapshot_t *snap, xds_type_t except)
{
    for (int t = 0; t < XDS_NTYPES; t++) {
        const xds_tstate_t *ts = &s->t[t];
        if (!ts->seen || t == (int)except)
            continue;
        if (s->delta ? ts->awaiting_ack
                     : (!ts->pending || ts->names_changed ||
                        strcmp(ts->req_version, snap->version[t]) != 0))
            return false;
    }
    return true;
}

static int next_sotw(xds_sstream_t *s, const xds_snapshot_t *snap, xds_response_t *out)
{
    bool ads = s->cache->ads;
    for (int k = 0; k < XDS_NTYPES; k++) {
        xds_type_t t = order[k];
        xds_tstate_t *ts = &s->t[t];
        if (!ts->pending)
            continue;
        if (ts->nacked[0] && strcmp(ts->nacked, snap->version[t]) == 0 && !ts->names_changed)
            continue;
        if (!ts->names_changed && strcmp(ts->req_version, snap->version[t]) == 0)
            continue;
        if (ads && !ts->wildcard) {
            /* go-control-plane's rule: answer only a request that names every
             * resource of the type in the snapshot (so it has seen the CDS or
             * LDS response that refers to them). */
            bool all = true;
            for (int i = 0; i < snap->n[t]; i++)
                all = all && has_name(ts, snap->res[t][i].name);
            if (!all)
                continue;
        }
        begin(s, ts, t, snap, out);
        for (int i = 0; i < snap->n[t]; i++)
            if (subscribed(ts, snap->res[t][i].name))
                out->res[out->nres++] = snap->res[t][i];
        if (t == XDS_CDS && ads) {
            /* Keep stale clusters until the rest of the push is ACKed. */
            for (int i = 0; i < ts->nsent && out->nres < XDS_MAX_RES; i++)
                if (xds__snap_find(snap, t, ts->sent[i].name) < 0) {
                    out->res[out->nres++] = ts->sent[i];
                    ts->removal_pending = true;
                }
        }
        if (t == XDS_CDS) {
            ts->nsent = out->nres;
            memcpy(ts->sent, out->res, (size_t)out->nres * sizeof out->res[0]);
        }
        ts->pending = false;
        ts->names_changed = false;
        return 1;
    }
    xds_tstate_t *cds = &s->t[XDS_CDS];
    if (ads && cds->removal_pending && cds->pending && all_current(s, snap, XDS_CDS)) {
        begin(s, cds, XDS_CDS, snap, out);
        for (int i = 0; i < snap->n[XDS_CDS]; i++)
            if (subscribed(cds, snap->res[XDS_CDS][i].name))
                out->res[out->nres++] = snap->res[XDS_CDS][i];
        cds->nsent = out->nres;
        memcpy(cds->sent, out->res, (size_t)out->nres * sizeof out->res[0]);
        cds->removal_pending = false;
        cds->pending = false;
        return 1;
    }
    return 0;
}

/* Delta: what changed for t. On ADS, removals of clusters and assignments
 * wait for the late pass (removals = true), which sends only them. */
static int diff_delta(xds_sstream_t *s, xds_type_t t, const xds_snapshot_t *snap, bool removals,
                      xds_response_t *out)
{
    xds_tstate_t *ts = &s->t[t];
    xds_response_t r;
    memset(&r, 0, sizeof r);
    if (!removals)
        for (int i = 0; i < snap->n[t]; i++) {
            const xds_resource_t *res = &snap->res[t][i];
            if (!subscribed(ts, res->name))
                continue;
            char v[XDS_NAME];
            xds_resource_hash(res->body, v);
            int k = find_res(ts->known, ts->nknown, res->name);
            if (k >= 0 && strcmp(ts->known[k].version, v) == 0)
                continue;
            r.res[r.nres] = *res;
            xds_name_copy(r.res[r.nres].version, v);
            r.nres++;
        }
    bool late = s->cache->ads && (t == XDS_CDS || t == XDS_EDS);
    if (removals || !late)
        for (int i = 0; i < ts->nknown; i++)
            if (xds__snap_find(snap, t, ts->known[i].name) < 0)
                xds_name_copy(r.removed[r.nremoved++], ts->known[i].name);
    if (!r.nres && !r.nremoved)
        return 0;
    begin(s, ts, t, snap, out);
    out->nres = r.nres;
    memcpy(out->res, r.res, sizeof r.res);
    out->nremoved = r.nremoved;
    memcpy(out->removed, r.removed, sizeof r.removed);
    for (int i = 0; i < r.nres; i++) {
        int k = find_res(ts->known, ts->nknown, r.res[i].name);
        if (k < 0 && ts->nknown < XDS_MAX_RES)
            k = ts->nknown++;
        if (k >= 0) {
            memset(&ts->known[k], 0, sizeof ts->known[k]);
            xds_name_copy(ts->known[k].name, r.res[i].name);
            xds_name_copy(ts->known[k].version, r.res[i].version);
        }
    }
    for (int i = 0; i < r.nremoved; i++)
        drop_known(ts, r.removed[i]);
    ts->awaiting_ack = true;
    return 1;
}

static int next_delta(xds_sstream_t *s, const xds_snapshot_t *snap, xds_response_t *out)
{
    for (int k = 0; k < XDS_NTYPES; k++) {
        xds_tstate_t *ts = &s->t[order[k]];
        if (ts->seen && !ts->awaiting_ack && diff_delta(s, order[k], snap, false, out))
            return 1;
    }
    /* ADS: stale clusters, then their assignments, once the rest is ACKed. */
    for (xds_type_t t = XDS_CDS; s->cache->ads && t <= XDS_EDS; t++) {
        xds_tstate_t *ts = &s->t[t];
        if (ts->seen && !ts->awaiting_ack && all_current(s, snap, t) &&
            diff_delta(s, t, snap, true, out))
            return 1;
    }
    return 0;
}

int xds_sstream_next(xds_sstream_t *s, xds_response_t *out)
{
    const xds_snapshot_t *snap = s->node[0] ? xds__cache_lookup(s->cache, s->node) : NULL;
    if (!snap)
        return 0;
    return s->delta ? next_delta(s, snap, out) : next_sotw(s, snap, out);
}

#else

int xds_sstream_open(xds_cache_t *c, bool delta, xds_sstream_t **out)
{
    (void)c;
    (void)delta;
    *out = NULL;
    return -ENOSYS;
}
void xds_sstream_close(xds_sstream_t *s)
{
    (void)s;
}
int xds_sstream_request(xds_sstream_t *s, const xds_request_t *req)
{
    (void)s;
    (void)req;
    return -ENOSYS;
}
int xds_sstream_next(xds_sstream_t *s, xds_response_t *out)
{
    (void)s;
    (void)out;
    return 0;
}

#endif
