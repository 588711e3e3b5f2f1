/*
 * client-timeouts.c — the client's timeouts, each at its virtual instant,
 * on a simulated network with 50 ms each way: a dial timeout shorter than
 * the handshake, a response-header timeout against a slow handler, a
 * client timeout in the middle of a body, across redirects, and a
 * canceled context.
 *
 * Interface: main → a server host, a client host → one call per case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/demo.h>
#include <undergo/runtime.h>
#include <undergo/simnet.h>

#include "timeout.h"

#define MS 1000000LL

static chan_t *ready;
static to_server_t ts;

static void handler(http_response_t *w, http_request_t *r, void *ud)
{
    (void)ud;
    long n = atol(r->query);
    if (!strcmp(r->path, "/slow"))
        clock_sleep(n * MS);
    if (!strcmp(r->path, "/body")) {
        http_set_header(w, "Content-Length", "2");
        http_flush(w);
        clock_sleep(n * MS);
    }
    if (!strcmp(r->path, "/hop") && n > 0) {
        char loc[32];
        snprintf(loc, sizeof loc, "/hop?%ld", n - 1);
        clock_sleep(100 * MS);
        http_set_header(w, "Location", loc);
        http_write_header(w, 302);
        return;
    }
    http_write(w, "ok", 2);
}

static void server(void *arg)
{
    (void)arg;
    listener_t *l;
    net_listen("tcp", ":80", &l);
    chan_send(ready, NULL);
    http_serve(ts.http, l);
    listener_free(l);
}

static void canceler(void *arg)
{
    clock_sleep(700 * MS);
    ctx_cancel(arg);
}

static void one(demo_t *d, const char *what, to_client_t cl, ctx_t *ctx, const char *url)
{
    (void)d;
    http_resp_t r;
    int64_t t = clock_now();
    int rc = to_client_get(&cl, ctx, url, &r);
    printf("  %-44s %-22s → ", what, url + 11);
    if (rc)
        printf("%s at +%lld ms\n", to_strerror(rc), (long long)((clock_now() - t) / MS));
    else
        printf("%d %s at +%lld ms\n", r.status, r.body, (long long)((clock_now() - t) / MS));
    http_resp_free(&r);
}

static void client(void *arg)
{
    demo_t *d = arg;
    one(d, "dial timeout 80 ms (handshake: 100 ms)", (to_client_t){.dial_timeout = 80 * MS}, NULL,
        "http://s:80/");
    one(d, "response-header timeout 500 ms", (to_client_t){.response_header_timeout = 500 * MS},
        NULL, "http://s:80/slow?2000");
    one(d, "the head in time, the body under 1 s", (to_client_t){.timeout = 1000 * MS}, NULL,
        "http://s:80/body?5000");
    one(d, "client timeout 1 s over redirects", (to_client_t){.timeout = 1000 * MS}, NULL,
        "http://s:80/hop?9");
    ctx_t *ctx;
    ctx_with_cancel(ctx_background(), &ctx);
    task_spawn(canceler, ctx, NULL);
    one(d, "context canceled at 700 ms", (to_client_t){0}, ctx, "http://s:80/slow?5000");
    ctx_free(ctx);
    chan_send(ready, NULL);
}

static void demo_main(void *arg)
{
    simnet_t *n;
    simhost_t *s, *c;
    simlink_t link = {.latency = 50 * MS};
    chan_make(0, 1, &ready);
    simnet_new(&link, &n);
    simnet_host_add(n, "s", &s);
    simnet_host_add(n, "c", &c);
    to_server_config_t cfg = {0};
    if (!demo_ok(arg, to_server_init(&ts, &cfg, handler, NULL), "to_server_init"))
        return;
    simhost_spawn(s, server, NULL, NULL);
    chan_recv(ready, NULL, NULL);
    simhost_spawn(c, client, arg, NULL);
    chan_recv(ready, NULL, NULL);
    to_server_fini(&ts);
    simnet_free(n);
    chan_free(ready);
}

int main(int argc, char **argv)
{
    demo_spec_t spec = {"timeout client-timeouts", "the client's timeouts at their instants", false,
                        NULL, NULL};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "client timeouts on a simulated network, 50 ms each way");
    rt_config_t cfg = {.seed = 1, .tick = RT_TICK_NONE};
    rt_run(&cfg, demo_main, &d);
    return demo_end(&d);
}
