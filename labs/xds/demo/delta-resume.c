/*
 * delta-resume — incremental xDS: the first push sends every resource
 * once, with a version of its own; an update sends only the one
 * assignment that changed; the stream is lost, and the new stream's first
 * requests say what the client holds (initial_resource_versions), so the
 * server sends nothing it already has, and then only the next change.
 */
#include <stdio.h>
#include <string.h>
#include <undergo/demo.h>

#include "xds.h"

#define HOP 5 /* ms one way */

static demo_t d;
static xds_cache_t *cache;
static xds_sstream_t *ss;
static xds_client_t *cl;
static int now;
static bool ok = true;

static void show_req(const xds_request_t *q)
{
    char line[1024];
    xds_request_str(q, line, sizeof line);
    bool nack = q->error_detail[0];
    demo_note(&d, "%4d ms  client → server  %s%s%s", now, demo_c(&d, nack ? DEMO_RED : DEMO_DIM),
              line, demo_c(&d, DEMO_RESET));
}

static void deliver(const xds_request_t *q, int n)
{
    for (int i = 0; i < n; i++) {
        show_req(&q[i]);
        xds_sstream_request(ss, &q[i]);
    }
}

/* Runs the stream dry: each response takes a hop, each answer a hop back. */
static void run(void)
{
    static xds_response_t r;
    static xds_request_t out[8];
    while (ok && xds_sstream_next(ss, &r) == 1) {
        now += HOP;
        char line[1024];
        xds_response_str(&r, line, sizeof line);
        demo_note(&d, "%4d ms  server → client  %s%s%s", now, demo_c(&d, DEMO_CYAN), line,
                  demo_c(&d, DEMO_RESET));
        int n = xds_client_on_response(cl, &r, out, 8);
        ok = demo_ok(&d, n > 0 ? 0 : n, "xds_client_on_response");
        now += HOP;
        if (ok)
            deliver(out, n);
    }
}

static void where(void)
{
    char ep[XDS_NAME];
    for (unsigned h = 0; ok && h < 4; h++) {
        int rc = xds_client_route(cl, "ingress", "/api/users", h, ep, sizeof ep);
        demo_note(&d, "GET /api/users (hash %u) → %s", h, rc ? "no route" : ep);
    }
}

static void add(xds_snapshot_t *s, xds_type_t t, const char *name, const char *body)
{
    xds_resource_t *r = &s->res[t][s->n[t]++];
    snprintf(r->name, XDS_NAME, "%s", name);
    snprintf(r->body, XDS_BODY, "%s", body);
}

static void version(xds_snapshot_t *s, const char *v)
{
    for (int t = 0; t < XDS_NTYPES; t++)
        snprintf(s->version[t], XDS_NAME, "%s", v);
}

int main(int argc, char **argv)
{
    demo_spec_t spec = {"xds delta-resume",
                        "delta xDS sends only changes, and resumes from what the client holds",
                        false, NULL, NULL};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    xds_snapshot_t s;
    memset(&s, 0, sizeof s);
    version(&s, "v1");
    add(&s, XDS_LDS, "ingress", "route=rc");
    add(&s, XDS_RDS, "rc", "/api api=1;/ web=1");
    add(&s, XDS_CDS, "api", "eds=api");
    add(&s, XDS_CDS, "web", "eds=web");
    add(&s, XDS_EDS, "api", "10.0.0.1:8080,10.0.0.2:8080");
    add(&s, XDS_EDS, "web", "10.0.1.1:8080");
    if (!demo_ok(&d, xds_cache_new(true, &cache), "xds_cache_new") ||
        !demo_ok(&d, xds_cache_set_snapshot(cache, "edge-1", &s), "xds_cache_set_snapshot v1") ||
        !demo_ok(&d, xds_sstream_open(cache, true, &ss), "xds_sstream_open") ||
        !demo_ok(&d, xds_client_new("edge-1", true, &cl), "xds_client_new"))
        goto out;
    demo_title(&d, "v1: the first delta push");
    xds_request_t q[8];
    int n = xds_client_start(cl, q, 8);
    if (!demo_ok(&d, n > 0 ? 0 : n, "xds_client_start"))
        goto out;
    deliver(q, n);
    run();
    where();
    demo_title(&d, "v2: api's endpoints change; nothing else");
    now += 100;
    version(&s, "v2");
    snprintf(s.res[XDS_EDS][0].body, XDS_BODY, "10.0.0.3:8080,10.0.0.4:8080");
    if (!demo_ok(&d, xds_cache_set_snapshot(cache, "edge-1", &s), "xds_cache_set_snapshot v2"))
        goto out;
    run();
    where();
    demo_title(&d, "the stream is lost; a new one resumes from what the client holds");
    now += 100;
    xds_sstream_close(ss);
    ss = NULL;
    if (!demo_ok(&d, xds_sstream_open(cache, true, &ss), "xds_sstream_open"))
        goto out;
    n = xds_client_reconnect(cl, q, 8);
    if (!demo_ok(&d, n > 0 ? 0 : n, "xds_client_reconnect"))
        goto out;
    deliver(q, n);
    run();
    demo_note(&d, "nothing was sent again");
    demo_title(&d, "v3: web gets a second endpoint");
    now += 100;
    version(&s, "v3");
    snprintf(s.res[XDS_EDS][1].body, XDS_BODY, "10.0.1.1:8080,10.0.1.2:8080");
    if (!demo_ok(&d, xds_cache_set_snapshot(cache, "edge-1", &s), "xds_cache_set_snapshot v3"))
        goto out;
    run();
out:
    xds_sstream_close(ss);
    xds_client_free(cl);
    xds_cache_free(cache);
    return demo_end(&d);
}
