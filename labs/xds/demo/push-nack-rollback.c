/*
 * push-nack-rollback — a timeline of one Envoy-like client and a
 * management server on one ADS stream, 5 ms each way: the first push
 * (CDS → EDS → LDS → RDS, each ACKed), a push whose route config the
 * client rejects (a NACK naming the version it keeps, the old routes go
 * on serving, the server does not send the bad version again), and the
 * operator's rollback as a new version, which the client takes. With
 * --html FILE it also draws the exchange as a sequence diagram.
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

/* What --html draws: every message and every phase, in order. */
typedef struct event {
    int at;
    char kind; /* 'q' request, 'n' NACK, 'r' response, 't' phase title */
    char line[160];
} event_t;
static event_t events[96];
static int nevents;

static void record(char kind, const char *line)
{
    if (nevents < (int)(sizeof events / sizeof events[0])) {
        events[nevents].at = now;
        events[nevents].kind = kind;
        size_t n = strnlen(line, sizeof events[0].line - 1);
        memcpy(events[nevents].line, line, n);
        events[nevents].line[n] = '\0';
        nevents++;
    }
}

static void phase(const char *title)
{
    demo_title(&d, "%s", title);
    record('t', title);
}

static void draw(void)
{
    FILE *f = demo_html_open(&d, "xDS over ADS: a push, a NACK and a rollback");
    if (!f)
        return;
    int h = 60 + 26 * nevents, cx = 120, sx = 880;
    demo_svg_open(f, 1000, h);
    demo_svg_text(f, cx, 24, "middle", "#333", "client (edge-1)");
    demo_svg_text(f, sx, 24, "middle", "#333", "management server");
    demo_svg_rect(f, cx - 1, 34, 2, h - 40, "#999", "none");
    demo_svg_rect(f, sx - 1, 34, 2, h - 40, "#999", "none");
    for (int i = 0; i < nevents; i++) {
        const event_t *e = &events[i];
        double y = 50 + 26 * i;
        if (e->kind == 't') {
            demo_svg_text(f, 500, y + 4, "middle", "#000", "%s", e->line);
            continue;
        }
        bool up = e->kind != 'r';
        const char *color = e->kind == 'n' ? "#c00" : e->kind == 'r' ? "#06c" : "#666";
        demo_svg_arrow(f, up ? cx : sx, y, up ? sx : cx, y + 12, 0, color);
        demo_svg_text(f, 500, y + 2, "middle", color, "%d ms  %s", e->at, e->line);
    }
    demo_svg_close(f);
    demo_html_close(&d, f);
}

static void show_req(const xds_request_t *q)
{
    char line[1024];
    xds_request_str(q, line, sizeof line);
    bool nack = q->error_detail[0];
    record(nack ? 'n' : 'q', line);
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
        record('r', line);
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
    demo_spec_t spec = {"xds push-nack-rollback",
                        "a config push, a NACK and a rollback, as a timeline", true, NULL, NULL};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    xds_snapshot_t s;
    memset(&s, 0, sizeof s);
    version(&s, "v1");
    add(&s, XDS_LDS, "ingress", "route=rc");
    add(&s, XDS_RDS, "rc", "/api blue=1;/ blue=1");
    add(&s, XDS_CDS, "blue", "eds=blue");
    add(&s, XDS_CDS, "green", "eds=green");
    add(&s, XDS_EDS, "blue", "10.0.0.1:8080,10.0.0.2:8080");
    add(&s, XDS_EDS, "green", "10.0.1.1:8080,10.0.1.2:8080");
    if (!demo_ok(&d, xds_cache_new(true, &cache), "xds_cache_new") ||
        !demo_ok(&d, xds_cache_set_snapshot(cache, "edge-1", &s), "xds_cache_set_snapshot v1") ||
        !demo_ok(&d, xds_sstream_open(cache, false, &ss), "xds_sstream_open") ||
        !demo_ok(&d, xds_client_new("edge-1", false, &cl), "xds_client_new"))
        goto out;

    phase("v1: the first push, over ADS (CDS → EDS → LDS → RDS)");
    xds_request_t first[2];
    int n = xds_client_start(cl, first, 2);
    if (!demo_ok(&d, n > 0 ? 0 : n, "xds_client_start"))
        goto out;
    deliver(first, n);
    run();
    where();

    phase("v2: the operator splits /api 50/50 blue/green, with a typo (weight 0)");
    now += 100;
    version(&s, "v2");
    snprintf(s.res[XDS_RDS][0].body, XDS_BODY, "/api blue=1,green=0;/ blue=1");
    if (!demo_ok(&d, xds_cache_set_snapshot(cache, "edge-1", &s), "xds_cache_set_snapshot v2"))
        goto out;
    run();
    demo_note(&d, "the client NACKed RDS: it still holds version %s, and routes as before",
              xds_client_version(cl, XDS_RDS));
    where();
    xds_response_t r;
    demo_note(&d, "the server holds the stream: another response now? %s",
              xds_sstream_next(ss, &r) == 1 ? "yes (wrong)" : "no");

    phase("v3: the rollout is fixed (green=1) and set as a new version");
    now += 100;
    version(&s, "v3");
    snprintf(s.res[XDS_RDS][0].body, XDS_BODY, "/api blue=1,green=1;/ blue=1");
    if (!demo_ok(&d, xds_cache_set_snapshot(cache, "edge-1", &s), "xds_cache_set_snapshot v3"))
        goto out;
    run();
    where();
    if (d.html)
        draw();
out:
    xds_sstream_close(ss);
    xds_client_free(cl);
    xds_cache_free(cache);
    return demo_end(&d);
}
