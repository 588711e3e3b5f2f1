/*
 * frames.c — a gRPC unary call, frame by frame. A server on a simulated
 * host serves wtc.Test/Double with wt_serve; the client speaks plain
 * HTTP/2 (libs/h2) so the demo can print what gRPC puts on the stream:
 * the request HEADERS, the 5-byte prefix and the message in DATA, the
 * response HEADERS, DATA, and the trailers holding grpc-status. Then the
 * same call with a negative number: an error status, its message
 * percent-encoded in grpc-message.
 *
 * Interface: main → rt_run(world) → server task (wt_serve) and client task.
 */
#include <inttypes.h>
#include <stdio.h>

#include <undergo/demo.h>
#include <undergo/h2.h>
#include <undergo/runtime.h>
#include <undergo/simnet.h>

#include "wire.h"

static demo_t d;
static chan_t *ready, *done;
static listener_t *l;
static char addr[64];

static int double_it(const wt_msg_t *req, wt_msg_t *resp, const char **msg, void *arg)
{
    (void)arg;
    int64_t v = wt_get(req, 2)->n ? wt_get(req, 2)->v[0].i : 0;
    if (v < 0) {
        *msg = "negative: caf\xc3\xa9 100% refused";
        return WT_INVALID_ARGUMENT;
    }
    wt_push(resp, 2)->i = 2 * v;
    return WT_OK;
}

static const wt_method_t methods[] = {
    {"/wtc.Test/Double", &wt_schema_all, &wt_schema_all, double_it, NULL, NULL}};
static const wt_service_t service = {methods, 1};

static void server(void *arg)
{
    (void)arg;
    net_listen("tcp", ":80", &l);
    snprintf(addr, sizeof addr, "%s", listener_addr(l));
    chan_send(ready, NULL);
    conn_t *c;
    if (listener_accept(l, &c) == 0)
        wt_serve(c, &service);
    listener_close(l);
    chan_send(done, NULL);
}

static void hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x ", p[i]);
}

static void headers(const char *what, const h2_header_t *h, size_t n)
{
    printf("  %s%s%s\n", demo_c(&d, DEMO_BOLD), what, demo_c(&d, DEMO_RESET));
    for (size_t i = 0; i < n; i++)
        printf("    %s: %s\n", h[i].name, h[i].value);
}

static void call(h2_conn_t *h, int64_t x)
{
    h2_header_t hd[] = {{":method", "POST"},
                        {":scheme", "http"},
                        {":path", "/wtc.Test/Double"},
                        {":authority", "srv"},
                        {"content-type", "application/grpc"},
                        {"te", "trailers"}};
    wt_msg_t *m = wt_msg_new(&wt_schema_all);
    wt_push(m, 2)->i = x;
    uint8_t req[32];
    ssize_t n = wt_encode(m, req + 5, sizeof req - 5);
    wt_msg_free(m);
    if (!demo_ok(&d, n, "wt_encode"))
        return;
    wt_frame_header(req, false, (uint32_t)n);
    demo_title(&d, "Double(%" PRId64 ")", x);
    headers("client HEADERS", hd, 6);
    printf("  %sclient DATA%s   ", demo_c(&d, DEMO_BOLD), demo_c(&d, DEMO_RESET));
    printf("%s", demo_c(&d, DEMO_YELLOW));
    hex(req, 5);
    printf("%s", demo_c(&d, DEMO_RESET));
    hex(req + 5, (size_t)n);
    printf("  (prefix: flag 0, length %zd; then i64=%" PRId64 ")\n", n, x);
    printf("  client END_STREAM\n");
    h2_stream_t *s;
    if (!demo_ok(&d, h2_request(h, hd, 6, &s), "h2_request"))
        return;
    h2_write(s, req, 5 + (size_t)n);
    h2_end(s);
    if (!demo_ok(&d, h2_wait_headers(s), "h2_wait_headers"))
        return;
    size_t k;
    const h2_header_t *rh = h2_headers(s, &k);
    headers("server HEADERS", rh, k);
    uint8_t buf[256];
    size_t got = 0;
    ssize_t r;
    while ((r = h2_read(s, buf + got, sizeof buf - got)) > 0)
        got += (size_t)r;
    if (got) {
        printf("  %sserver DATA%s   %s", demo_c(&d, DEMO_BOLD), demo_c(&d, DEMO_RESET),
               demo_c(&d, DEMO_YELLOW));
        hex(buf, got < 5 ? got : 5);
        printf("%s", demo_c(&d, DEMO_RESET));
        if (got > 5)
            hex(buf + 5, got - 5);
        printf("\n");
    } else {
        printf("  server DATA     (none: an error carries no message)\n");
    }
    const h2_header_t *t = h2_trailers(s, &k);
    headers("server trailers (HEADERS with END_STREAM)", t, k);
    const char *gm = h2_header_get(t, k, "grpc-message");
    if (gm) {
        char plain[128];
        wt_percent_decode(gm, plain, sizeof plain);
        demo_note(&d, "grpc-message decoded: %s", plain);
    }
    h2_stream_free(s);
}

static void client(void *arg)
{
    (void)arg;
    conn_t *c;
    h2_conn_t *h;
    if (demo_ok(&d, net_dial("tcp", addr, &c), "net_dial") &&
        demo_ok(&d, h2_client(c, &h), "h2_client")) {
        call(h, 21);
        if (!d.failures)
            call(h, -4);
        h2_close(h);
        h2_free(h);
    }
    chan_send(done, NULL);
}

static void world(void *arg)
{
    (void)arg;
    simnet_t *n;
    simhost_t *sh, *ch;
    chan_make(0, 1, &ready);
    chan_make(0, 2, &done);
    simnet_new(NULL, &n);
    simnet_host_add(n, "srv", &sh);
    simnet_host_add(n, "cli", &ch);
    simhost_spawn(sh, server, NULL, NULL);
    chan_recv(ready, NULL, NULL);
    simhost_spawn(ch, client, NULL, NULL);
    chan_recv(done, NULL, NULL);
    chan_recv(done, NULL, NULL);
    listener_free(l);
    simnet_free(n);
    chan_free(ready);
    chan_free(done);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {.name = "wire frames",
                                     .about = "a gRPC unary call, frame by frame"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    rt_config_t cfg = {.seed = 1};
    rt_run(&cfg, world, NULL);
    demo_step(&d, "the HTTP status is 200 both times: the call's outcome is grpc-status");
    return demo_end(&d);
}
