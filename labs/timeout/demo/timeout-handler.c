/*
 * timeout-handler.c — TimeoutHandler on the simulated network: a handler
 * that finishes in time passes through; one that runs past the limit
 * earns the client a 503 at the limit, and its later write fails with
 * "http: Handler timeout". The Go original is timeout-handler.go.
 *
 * Interface: main → a server host, a client host → two requests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/demo.h>
#include <undergo/runtime.h>
#include <undergo/simnet.h>

#include "timeout.h"

#define MS 1000000LL

static int late_rc;
static chan_t *ready;
static to_server_t ts;
static to_timeout_handler_t th;

static void work(http_response_t *w, http_request_t *r, void *ud)
{
    (void)ud;
    clock_sleep(atoll(r->query) * MS);
    int rc = http_write(w, "done\n", 5);
    if (rc)
        late_rc = rc;
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

static void client(void *arg)
{
    demo_t *d = arg;
    const char *paths[] = {"/work?50", "/work?300"};
    for (int i = 0; i < 2; i++) {
        conn_t *c;
        http_client_t *hc;
        http_resp_t r;
        net_dial("tcp", "s:80", &c);
        http_client_new(c, &hc);
        int64_t t = clock_now();
        if (demo_ok(d, http_client_do(hc, "GET", paths[i], NULL, 0, NULL, 0, &r), "request")) {
            printf("  GET %-10s → %d after %lld ms: %s", paths[i], r.status,
                   (long long)((clock_now() - t) / MS), r.body);
            http_resp_free(&r);
        }
        http_client_free(hc);
        conn_free(c);
    }
    clock_sleep(500 * MS); /* the late handler finishes */
    printf("  the late handler's write after the 503: %s\n",
           late_rc ? to_strerror(late_rc) : "(succeeded)");
    chan_send(ready, NULL);
}

static void demo_main(void *arg)
{
    simnet_t *n;
    simhost_t *s, *c;
    chan_make(0, 1, &ready);
    simnet_new(NULL, &n);
    simnet_host_add(n, "s", &s);
    simnet_host_add(n, "c", &c);
    th = (to_timeout_handler_t){.handler = work, .dt = 100 * MS, .body = "too slow\n"};
    to_server_config_t cfg = {0};
    if (!demo_ok(arg, to_server_init(&ts, &cfg, to_timeout_serve, &th), "to_server_init"))
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
    demo_spec_t spec = {"timeout timeout-handler", "TimeoutHandler: 503 at the limit", false, NULL,
                        NULL};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "TimeoutHandler(work, 100ms, \"too slow\")");
    demo_note(&d, "1 ms each way on the simulated network; /work?N sleeps N ms");
    rt_config_t cfg = {.seed = 1, .tick = RT_TICK_NONE};
    rt_run(&cfg, demo_main, &d);
    return demo_end(&d);
}
