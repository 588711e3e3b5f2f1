/*
 * xds_resource.c — the resources' text bodies (parsing, validation, the
 * names they refer to, routing helpers), the type URLs, and one-line
 * renderings of messages. Pristine support code: not the lesson.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../xds.h"

static const char *const urls[XDS_NTYPES] = {
    "type.googleapis.com/envoy.config.cluster.v3.Cluster",
    "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
    "type.googleapis.com/envoy.config.listener.v3.Listener",
    "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret",
};
static const char *const shorts[XDS_NTYPES] = {"CDS", "EDS", "LDS", "RDS", "SDS"};

const char *xds_type_url(xds_type_t t)
{
    return (unsigned)t < XDS_NTYPES ? urls[t] : NULL;
}

const char *xds_type_short(xds_type_t t)
{
    return (unsigned)t < XDS_NTYPES ? shorts[t] : "?";
}

int xds_type_from_url(const char *url)
{
    for (int t = 0; t < XDS_NTYPES; t++)
        if (url && strcmp(url, urls[t]) == 0)
            return t;
    return -1;
}

/* The value of "key=" in a space-separated body, copied to out. */
static int kv(const char *body, const char *key, char *out, size_t len)
{
    size_t kl = strlen(key);
    const char *p = body;
    out[0] = '\0';
    while (p && *p) {
        while (*p == ' ')
            p++;
        if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
            p += kl + 1;
            size_t n = strcspn(p, " ");
            if (n == 0 || n >= len)
                return -EINVAL;
            memcpy(out, p, n);
            out[n] = '\0';
            return 0;
        }
        p = strchr(p, ' ');
    }
    return -ENOENT;
}

static int fail(char *err, size_t errlen, const char *fmt, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, what);
    return -EINVAL;
}

/* Parses one route "<prefix> c=w,c=w" of [p, end). */
static int parse_route(const char *p, const char *end, char *prefix, char clusters[][XDS_NAME],
                       uint32_t *weights, int max, int *n)
{
    while (p < end && *p == ' ')
        p++;
    size_t pl = strcspn(p, " ;");
    if (pl == 0 || pl >= XDS_NAME || p[0] != '/' || p + pl >= end)
        return -EINVAL;
    memcpy(prefix, p, pl);
    prefix[pl] = '\0';
    p += pl + 1;
    *n = 0;
    while (p < end) {
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (!eq || eq == p || eq - p >= XDS_NAME || *n >= max)
            return -EINVAL;
        char *e;
        unsigned long w = strtoul(eq + 1, &e, 10);
        if (e == eq + 1 || w == 0 || w > 1000000 || (e < end && *e != ','))
            return -EINVAL;
        memcpy(clusters[*n], p, (size_t)(eq - p));
        clusters[*n][eq - p] = '\0';
        weights[(*n)++] = (uint32_t)w;
        p = e < end ? e + 1 : end;
    }
    return *n ? 0 : -EINVAL;
}

int xds_resource_check(xds_type_t t, const char *body, char *err, size_t errlen)
{
    char v[XDS_BODY];
    if (!body)
        return fail(err, errlen, "%s", "no body");
    switch (t) {
    case XDS_LDS:
        if (kv(body, "route", v, sizeof v))
            return fail(err, errlen, "listener: %s", "no route config name");
        if (strstr(body, "secret") && kv(body, "secret", v, sizeof v))
            return fail(err, errlen, "listener: %s", "bad secret name");
        return 0;
    case XDS_CDS:
        if (kv(body, "eds", v, sizeof v))
            return fail(err, errlen, "cluster: %s", "no eds service name");
        return 0;
    case XDS_SDS:
        if (kv(body, "cert", v, sizeof v))
            return fail(err, errlen, "secret: %s", "no certificate");
        return 0;
    case XDS_EDS: {
        if (!*body)
            return fail(err, errlen, "%s", "assignment: no endpoints");
        char ep[XDS_NAME];
        int n = xds_endpoints(body, -1, ep, sizeof ep);
        for (int i = 0; i < n; i++) {
            xds_endpoints(body, i, ep, sizeof ep);
            char *c = strchr(ep, ':');
            if (!c || c == ep || atoi(c + 1) <= 0 || atoi(c + 1) > 65535)
                return fail(err, errlen, "assignment: bad endpoint %s", ep);
        }
        return n > 0 ? 0 : fail(err, errlen, "%s", "assignment: no endpoints");
    }
    case XDS_RDS: {
        const char *p = body;
        if (!*p)
            return fail(err, errlen, "%s", "route config: no routes");
        for (int k = 1; *p; k++) {
            const char *end = strchr(p, ';');
            if (!end)
                end = p + strlen(p);
            char prefix[XDS_NAME], cl[8][XDS_NAME], num[16];
            uint32_t w[8];
            int n;
            snprintf(num, sizeof num, "%d", k);
            if (parse_route(p, end, prefix, cl, w, 8, &n))
                return fail(err, errlen, "route config: bad route %s", num);
            p = *end ? end + 1 : end;
        }
        return 0;
    }
    default: return fail(err, errlen, "%s", "unknown type");
    }
}

int xds_resource_ref(xds_type_t t, const char *body, xds_type_t ref, char *name, size_t len)
{
    name[0] = '\0';
    int rc = 0;
    if (t == XDS_CDS && ref == XDS_EDS)
        rc = kv(body, "eds", name, len);
    else if (t == XDS_LDS && ref == XDS_RDS)
        rc = kv(body, "route", name, len);
    else if (t == XDS_LDS && ref == XDS_SDS)
        rc = kv(body, "secret", name, len);
    if (rc == -ENOENT) {
        name[0] = '\0';
        rc = 0;
    }
    return rc;
}

void xds_resource_hash(const char *body, char out[XDS_NAME])
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)body; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    snprintf(out, XDS_NAME, "%016llx", (unsigned long long)h);
}

int xds_route_lookup(const char *rc_body, const char *path, char clusters[][XDS_NAME],
                     uint32_t *weights, int max)
{
    const char *p = rc_body;
    while (p && *p) {
        const char *end = strchr(p, ';');
        if (!end)
            end = p + strlen(p);
        char prefix[XDS_NAME];
        int n;
        if (parse_route(p, end, prefix, clusters, weights, max, &n))
            return 0;
        if (strncmp(path, prefix, strlen(prefix)) == 0)
            return n;
        p = *end ? end + 1 : end;
    }
    return 0;
}

int xds_endpoints(const char *cla_body, int i, char *ep, size_t len)
{
    int k = 0;
    const char *p = cla_body;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (k == i) {
            snprintf(ep, len, "%.*s", (int)n, p);
        }
        k++;
        p += n;
        if (*p == ',')
            p++;
    }
    return k;
}

static void names_str(char *out, size_t len, int n, const char (*names)[XDS_NAME])
{
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; i < n && o < len; i++)
        o += (size_t)snprintf(out + o, len - o, "%s%s", i ? "," : "", names[i]);
}

void xds_request_str(const xds_request_t *r, char *out, size_t len)
{
    char names[512], un[256] = "";
    names_str(names, sizeof names, r->nnames, r->names);
    if (r->delta) {
        names_str(un, sizeof un, r->nunsub, r->unsub);
        snprintf(out, len, "req %s n=%s sub=[%s] unsub=[%s] initial=%d%s%s",
                 xds_type_short(r->type), r->response_nonce, names, un, r->ninitial,
                 r->error_detail[0] ? " NACK " : "", r->error_detail);
    } else {
        snprintf(out, len, "req %s v=%s n=%s names=[%s]%s%s", xds_type_short(r->type),
                 r->version_info, r->response_nonce, names, r->error_detail[0] ? " NACK " : "",
                 r->error_detail);
    }
}

void xds_response_str(const xds_response_t *r, char *out, size_t len)
{
    char names[XDS_MAX_RES][XDS_NAME], s[512], rm[256] = "";
    for (int i = 0; i < r->nres && i < XDS_MAX_RES; i++)
        xds_name_copy(names[i], r->res[i].name);
    names_str(s, sizeof s, r->nres, (const char(*)[XDS_NAME])names);
    if (r->delta) {
        names_str(rm, sizeof rm, r->nremoved, r->removed);
        snprintf(out, len, "resp %s n=%s res=[%s] removed=[%s]", xds_type_short(r->type), r->nonce,
                 s, rm);
    } else {
        snprintf(out, len, "resp %s v=%s n=%s res=[%s]", xds_type_short(r->type), r->version_info,
                 r->nonce, s);
    }
}
