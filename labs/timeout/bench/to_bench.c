/*
 * to_bench.c — what the lab's code costs a server under attack and a
 * handler behind TimeoutHandler.
 *
 * BenchmarkRequestUnderSlowloris: a to_server on real loopback sockets
 * (ReadHeaderTimeout 30 s, so they stay for the whole measurement) holds
 * 200 clients dribbling a header byte every 100 ms; ns/op is one request
 * of a normal keep-alive client, head to body. benchmarks/timeout/ runs
 * the same scenario against Go's net/http.
 *
 * BenchmarkTimeoutHandler: one call of to_timeout_serve around a handler
 * that answers at once (a task, a copy of the request, a kept writer, a
 * context with a timer, the copy back), on a writer that keeps what it
 * gets: the price of the wrapper itself.
 *
 * Interface: UG_BENCH bodies, each an rt_run of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/bench.h>
#include <undergo/runtime.h>

#include "timeout.h"

#define MS 1000000LL
#define DRIBBLERS 200

typedef struct slow_world {
    ug_bench_t *b;
    to_server_t ts;
    listener_t *l;
    char addr[64];
    bool stop;
    wg_t wg;
} slow_world_t;

static void hello(http_response_t *w, http_request_t *r, void *ud)
{
    (void)r, (void)ud;
    http_write(w, "hello\n", 6);
}

static void serve(void *arg)
{
    slow_world_t *sw = arg;
    http_serve(sw->ts.http, sw->l);
}

static void dribbler(void *arg)
{
    slow_world_t *sw = arg;
    conn_t *c;
    if (net_dial("tcp", sw->addr, &c) == 0) {
        char buf[64];
        conn_write(c, "GET / HTTP/1.1\r\nX-", 18, NULL);
        while (!sw->stop) {
            conn_set_read_deadline(c, clock_now() + 100 * MS);
            ssize_t k = conn_read(c, buf, sizeof buf);
            if (k != -NET_ETIMEOUT || conn_write(c, "a", 1, NULL))
                break;
        }
        conn_free(c);
    }
    wg_done(&sw->wg);
}

static void slow_main(void *arg)
{
    slow_world_t *sw = arg;
    to_server_config_t cfg = {.read_header_timeout = 30000 * MS};
    if (to_server_init(&sw->ts, &cfg, hello, NULL) || net_listen("tcp", "127.0.0.1:0", &sw->l))
        abort();
    snprintf(sw->addr, sizeof sw->addr, "%s", listener_addr(sw->l));
    task_spawn(serve, sw, NULL);
    wg_add(&sw->wg, DRIBBLERS);
    for (int i = 0; i < DRIBBLERS; i++)
        task_spawn(dribbler, sw, NULL);
    clock_sleep(50 * MS); /* they are connected and dribbling */
    conn_t *c;
    http_client_t *hc;
    if (net_dial("tcp", sw->addr, &c) || http_client_new(c, &hc))
        abort();
    ug_bench_reset_timer(sw->b);
    ug_bench_start_timer(sw->b);
    for (uint64_t i = 0; i < sw->b->n; i++) {
        http_resp_t r;
        if (http_client_do(hc, "GET", "/", NULL, 0, NULL, 0, &r) || r.status != 200)
            abort();
        http_resp_free(&r);
    }
    ug_bench_stop_timer(sw->b);
    http_client_free(hc);
    conn_free(c);
    sw->stop = true;
    to_server_fini(&sw->ts); /* closes every dribbler's connection */
    wg_wait(&sw->wg);
    listener_free(sw->l);
}

UG_BENCH(BenchmarkRequestUnderSlowloris)
{
    ug_bench_stop_timer(b);
    slow_world_t sw = {.b = b};
    rt_config_t cfg = {.seed = 1, .clock = RT_CLOCK_REAL};
    if (rt_run(&cfg, slow_main, &sw))
        abort();
}

static void quick(http_response_t *w, http_request_t *r, void *ud)
{
    (void)r, (void)ud;
    http_set_header(w, "X-Quick", "1");
    http_write(w, "quick\n", 6);
}

static void handler_main(void *arg)
{
    ug_bench_t *b = arg;
    to_timeout_handler_t th = {.handler = quick, .dt = 1000 * MS};
    http_header_t host = {"Host", "s"};
    http_request_t r = {.method = "GET",
                        .target = "/",
                        .path = "/",
                        .query = "",
                        .version_minor = 1,
                        .headers = &host,
                        .nheaders = 1,
                        .body = "",
                        .ctx = ctx_background()};
    ug_bench_reset_timer(b);
    ug_bench_start_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        http_response_t *w;
        if (http_response_buffer_new(&w))
            abort();
        to_timeout_serve(w, &r, &th);
        if (http_response_status(w) != 200)
            abort();
        http_response_free(w);
    }
    ug_bench_stop_timer(b);
}

UG_BENCH(BenchmarkTimeoutHandler)
{
    ug_bench_stop_timer(b);
    rt_config_t cfg = {.seed = 1, .clock = RT_CLOCK_REAL};
    if (rt_run(&cfg, handler_main, b))
        abort();
}
