/*
 * slowloris.c — hundreds of clients dribble a header byte at a time at a
 * server on real loopback sockets while a normal client keeps asking; the
 * server stays responsive and ReadHeaderTimeout closes every dribbler.
 *
 * The Go original (slowloris.go) is the same scenario against net/http.
 *
 * Interface: main → server → dribblers + normal client → the counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/demo.h>
#include <undergo/runtime.h>

#include "timeout.h"

#define MS 1000000LL

static int clients = 200;
static int64_t rht = 1000 * MS;
static char addr[64];
static int closed, dribbling;
static int64_t close_min = -1, close_max, lat_sum, lat_max;
static int requests;

static void hello(http_response_t *w, http_request_t *r, void *ud)
{
    (void)r, (void)ud;
    http_write(w, "hello\n", 6);
}

static void dribbler(void *arg)
{
    (void)arg;
    conn_t *c;
    if (net_dial("tcp", addr, &c))
        return;
    int64_t start = clock_now();
    dribbling++;
    conn_write(c, "GET / HTTP/1.1\r\nX-", 18, NULL);
    char buf[64];
    for (;;) {
        conn_set_read_deadline(c, clock_now() + 100 * MS);
        ssize_t k = conn_read(c, buf, sizeof buf);
        if (k == -NET_ETIMEOUT && conn_write(c, "a", 1, NULL) == 0)
            continue;
        if (k != -NET_ETIMEOUT && k > 0)
            continue;
        break;
    }
    int64_t after = clock_now() - start;
    closed++;
    if (close_min < 0 || after < close_min)
        close_min = after;
    if (after > close_max)
        close_max = after;
    conn_free(c);
}

static void normal(void *arg)
{
    chan_t *done = arg;
    clock_sleep(200 * MS); /* the dribblers are connected */
    for (int i = 0; i < 40; i++) {
        conn_t *c;
        int64_t t = clock_now();
        if (net_dial("tcp", addr, &c))
            break;
        http_client_t *hc;
        http_resp_t r;
        http_client_new(c, &hc);
        if (http_client_do(hc, "GET", "/", NULL, 0, NULL, 0, &r) == 0 && r.status == 200) {
            int64_t l = clock_now() - t;
            lat_sum += l, requests++;
            if (l > lat_max)
                lat_max = l;
        }
        http_resp_free(&r);
        http_client_free(hc);
        conn_free(c);
        clock_sleep(25 * MS);
    }
    chan_send(done, NULL);
}

typedef struct run {
    demo_t *d;
    to_server_t ts;
    listener_t *l;
} run_t;

static void serve(void *arg)
{
    run_t *r = arg;
    http_serve(r->ts.http, r->l);
}

static void demo_main(void *arg)
{
    run_t *r = arg;
    to_server_config_t cfg = {.read_header_timeout = rht};
    if (!demo_ok(r->d, to_server_init(&r->ts, &cfg, hello, NULL), "to_server_init"))
        return;
    if (net_listen("tcp", "127.0.0.1:0", &r->l))
        return;
    snprintf(addr, sizeof addr, "%s", listener_addr(r->l));
    task_spawn(serve, r, NULL);
    for (int i = 0; i < clients; i++)
        task_spawn(dribbler, NULL, NULL);
    chan_t *done;
    chan_make(0, 0, &done);
    task_spawn(normal, done, NULL);
    chan_recv(done, NULL, NULL);
    while (closed < dribbling && clock_now() < 10 * rht)
        clock_sleep(50 * MS);
    to_server_fini(&r->ts);
    listener_free(r->l);
    chan_free(done);
}

int main(int argc, char **argv)
{
    static const char *const opts[] = {"--clients", "--rht-ms", NULL};
    demo_spec_t spec = {"timeout slowloris", "slowloris against ReadHeaderTimeout on loopback",
                        false, opts, "[--clients N] [--rht-ms MS]"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    if (demo_option(&d, "--clients"))
        clients = atoi(demo_option(&d, "--clients"));
    if (demo_option(&d, "--rht-ms"))
        rht = atoll(demo_option(&d, "--rht-ms")) * MS;
    demo_title(&d, "slowloris: %d clients dribbling a header byte every 100 ms", clients);
    demo_note(&d, "server: ReadHeaderTimeout %lld ms, on 127.0.0.1", (long long)(rht / MS));
    run_t r = {.d = &d};
    rt_config_t cfg = {.seed = 1, .clock = RT_CLOCK_REAL}; /* latency in real time */
    rt_run(&cfg, demo_main, &r);
    demo_step(&d, "the dribblers");
    printf("  %d of %d closed by the server, after %.0f..%.0f ms (ReadHeaderTimeout %lld ms)\n",
           closed, dribbling, close_min / 1e6, close_max / 1e6, (long long)(rht / MS));
    demo_step(&d, "a normal client meanwhile");
    printf("  %d requests answered, latency mean %.3f ms, max %.3f ms\n", requests,
           requests ? lat_sum / 1e6 / requests : 0.0, lat_max / 1e6);
    return demo_end(&d);
}
