/*
 * test_http.c — the HTTP/1.1 core over real loopback sockets (TCP, Unix)
 * and over the simulated network, with the same server and client code:
 * keep-alive, Content-Length and chunked bodies both ways, pipelining,
 * HEAD, HTTP/1.0, Go's error answers, the head limit counted on the wire,
 * the hooks labs plug into (events with their word per connection, the
 * wait for four bytes, invoke as a panic guard, deadlines set from
 * events), and Close.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <undergo/http.h>
#include <undergo/labtest.h>
#include <undergo/runtime.h>
#include <undergo/simnet.h>

typedef enum { T_TCP, T_UNIX, T_SIM } transport_t;

typedef struct world world_t;
typedef void (*client_fn)(world_t *w);

struct world {
    transport_t kind;
    http_server_config_t cfg;
    http_server_t *srv;
    listener_t *l;
    client_fn client;
    char addr[128];
    const char *net;
    chan_t *ready;
    /* what tests record */
    char events[512];
    int rc[16];
    long v[16];
    char s[4][256];
};

/* ---- the handler: echoes the request, or acts on its path ---- */

static void handler(http_response_t *w, http_request_t *r, void *ud) {
    (void)ud;
    char buf[512];
    if (!strcmp(r->path, "/big")) {
        for (int i = 0; i < 100; i++) {
            snprintf(buf, sizeof buf, "%099d\n", i);
            http_write(w, buf, strlen(buf));
        }
        return;
    }
    if (!strcmp(r->path, "/status")) {
        http_set_header(w, "X-Kind", "teapot");
        http_write_header(w, atoi(r->query));
        return;
    }
    http_set_header(w, "Content-Type", "text/plain");
    int n = snprintf(buf, sizeof buf, "%s %s q=%s v=1.%d body=", r->method, r->path, r->query,
                     r->version_minor);
    http_write(w, buf, (size_t)n);
    http_write(w, r->body, r->body_len);
}

/* ---- running a server and a client on a transport ---- */

static void server_task(void *arg) {
    world_t *w = arg;
    if (w->kind == T_SIM) assert_int_equal(0, net_listen("tcp", ":80", &w->l));
    snprintf(w->addr, sizeof w->addr, "%s", listener_addr(w->l));
    chan_send(w->ready, NULL);
    http_serve(w->srv, w->l);
}

static void client_task(void *arg) {
    world_t *w = arg;
    w->client(w);
    chan_send(w->ready, NULL);
}

static void world_main(void *arg) {
    world_t *w = arg;
    simnet_t *n = NULL;
    simhost_t *sh = NULL, *ch = NULL;
    char path[64];
    assert_int_equal(0, chan_make(0, 1, &w->ready));
    assert_int_equal(0, http_server_new(&w->cfg, &w->srv));
    w->net = w->kind == T_UNIX ? "unix" : "tcp";
    if (w->kind == T_SIM) {
        assert_int_equal(0, simnet_new(NULL, &n));
        simnet_host_add(n, "srv", &sh);
        simnet_host_add(n, "cli", &ch);
        simhost_spawn(sh, server_task, w, NULL);
    } else {
        snprintf(path, sizeof path, "/tmp/ug-http-%d-%llu.sock", (int)getpid(),
                 (unsigned long long)ug_rand());
        assert_int_equal(0, net_listen(w->net, w->kind == T_UNIX ? path : "127.0.0.1:0", &w->l));
        task_spawn(server_task, w, NULL);
    }
    chan_recv(w->ready, NULL, NULL);
    if (ch) simhost_spawn(ch, client_task, w, NULL);
    else task_spawn(client_task, w, NULL);
    chan_recv(w->ready, NULL, NULL);
    http_server_close(w->srv);
    http_server_free(w->srv);
    if (w->kind != T_SIM) listener_free(w->l);
    if (n) simnet_free(n);
    chan_free(w->ready);
}

static void run_world(transport_t kind, world_t *w, client_fn client) {
    w->kind = kind;
    w->client = client;
    if (!w->cfg.handler) w->cfg.handler = handler;
    rt_config_t cfg = {.seed = ug_seed()};
    int rc = rt_run(&cfg, world_main, w);
    if (rc) fail_msg("rt_run: %d\n%s", rc, rt_report() ? rt_report() : "");
}

static conn_t *dial(world_t *w) {
    conn_t *c;
    int rc = net_dial(w->net, w->addr, &c);
    if (rc) fail_msg("dial %s: %s", w->addr, net_strerror(rc));
    return c;
}

/* Sends raw bytes, reads until the server closes; returns the bytes. */
static void raw_exchange(world_t *w, const char *req, char *out, size_t cap) {
    conn_t *c = dial(w);
    assert_int_equal(0, conn_write(c, req, strlen(req), NULL));
    size_t len = 0;
    for (ssize_t n; len + 1 < cap && (n = conn_read(c, out + len, cap - 1 - len)) > 0;)
        len += (size_t)n;
    out[len] = '\0';
    conn_free(c);
}

/* ---- the cases ---- */

static void keep_alive_client(world_t *w) {
    conn_t *c = dial(w);
    http_client_t *cl;
    http_client_new(c, &cl);
    int n = 2 + (int)ug_rand_below(8), ok = 0;
    for (int i = 0; i < n; i++) {
        char target[64], body[32], want[160];
        snprintf(target, sizeof target, "/item/%d?x=%d", i, i * 3);
        snprintf(body, sizeof body, "payload-%d", i);
        http_resp_t r;
        if (http_client_do(cl, "POST", target, NULL, 0, body, strlen(body), &r)) break;
        snprintf(want, sizeof want, "POST /item/%d q=x=%d v=1.1 body=payload-%d", i, i * 3, i);
        ok += r.status == 200 && !strcmp(r.body, want) && r.keep_alive;
        if (i == 0) snprintf(w->s[0], sizeof w->s[0], "%s", http_resp_header(&r, "Content-Length"));
        http_resp_free(&r);
    }
    w->v[0] = n, w->v[1] = ok;
    w->v[2] = (long)http_server_conns(w->srv);
    w->v[3] = (long)http_server_requests(w->srv);
    http_client_free(cl);
    conn_free(c);
}

static void check_keep_alive(transport_t t) {
    world_t w = {0};
    run_world(t, &w, keep_alive_client);
    assert_int_equal(w.v[0], w.v[1]);
    assert_int_equal(1, w.v[2]);              /* one connection served them all */
    assert_int_equal(w.v[0], w.v[3]);
    assert_string_equal("39", w.s[0]);        /* "POST /item/0 q=x=0 v=1.1 body=payload-0" */
}

static void bodies_client(world_t *w) {
    conn_t *c = dial(w);
    http_client_t *cl;
    http_client_new(c, &cl);
    http_resp_t r;
    w->rc[0] = http_client_do(cl, "GET", "/big", NULL, 0, NULL, 0, &r);
    snprintf(w->s[0], sizeof w->s[0], "%s", http_resp_header(&r, "Transfer-Encoding") ?: "-");
    w->v[0] = (long)r.body_len;
    w->v[1] = r.body_len == 10000 && !strncmp(r.body + 9900, "000000", 6);
    http_resp_free(&r);
    w->rc[1] = http_client_do(cl, "HEAD", "/x", NULL, 0, NULL, 0, &r);
    snprintf(w->s[1], sizeof w->s[1], "%s", http_resp_header(&r, "Content-Length") ?: "-");
    w->v[2] = (long)r.body_len;
    http_resp_free(&r);
    w->rc[2] = http_client_do(cl, "GET", "/status?204", NULL, 0, NULL, 0, &r);
    w->v[3] = r.status;
    snprintf(w->s[2], sizeof w->s[2], "%s|%s", http_resp_header(&r, "X-Kind") ?: "-",
             http_resp_header(&r, "Content-Length") ?: "-");
    http_resp_free(&r);
    http_client_free(cl);
    conn_free(c);
}

static void check_bodies(transport_t t) {
    world_t w = {0};
    run_world(t, &w, bodies_client);
    assert_int_equal(0, w.rc[0]);
    assert_string_equal("chunked", w.s[0]);   /* over the buffer: chunked */
    assert_int_equal(10000, w.v[0]);
    assert_int_equal(1, w.v[1]);
    assert_int_equal(0, w.rc[1]);
    assert_string_equal("22", w.s[1]);        /* HEAD: the length, no body */
    assert_int_equal(0, w.v[2]);
    assert_int_equal(204, w.v[3]);
    assert_string_equal("teapot|-", w.s[2]);  /* 204: no Content-Length */
}

static void raw_client(world_t *w) {
    unsigned k = (unsigned)ug_rand_below(100);
    char req[512];
    /* A chunked request body, then a pipelined second request that closes. */
    snprintf(req, sizeof req,
             "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\n3\r\n%03u\r\n0\r\n\r\n"
             "GET /d?z HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", k);
    raw_exchange(w, req, w->s[0], sizeof w->s[0]);
    raw_exchange(w, "GET /old HTTP/1.0\r\n\r\n", w->s[1], sizeof w->s[1]);
    raw_exchange(w, "GET / HTTP/1.1\r\nBad Header\r\n\r\n", w->s[2], sizeof w->s[2]);
    w->v[0] = k;
}

static void check_raw(transport_t t) {
    world_t w = {0};
    run_world(t, &w, raw_client);
    char want[512];
    snprintf(want, sizeof want,
             "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 30\r\n\r\n"
             "POST /c q= v=1.1 body=hello%03ld"
             "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 22\r\n"
             "Connection: close\r\n\r\nGET /d q=z v=1.1 body=", w.v[0]);
    assert_string_equal(want, w.s[0]);
    assert_string_equal("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 23\r\n"
                        "Connection: close\r\n\r\nGET /old q= v=1.0 body=", w.s[1]);
    assert_string_equal("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        "Connection: close\r\n\r\n400 Bad Request", w.s[2]);
}

/* ---- the hooks ---- */

/* Records each event; the connection's word is set at "new" and must be
 * handed back unchanged with every later event ("!" if not). */
static void record_event(http_event_t ev, conn_t *c, const http_request_t *r, void **conn_ud,
                         void *ud)
{
    (void)c;
    world_t *w = ud;
    static const char *const names[] = {"new", "idle", "request", "headers", "handler", "closed"};
    size_t len = strlen(w->events);
    bool kept = ev == HTTP_EV_NEW ? *conn_ud == NULL : *conn_ud == w;
    *conn_ud = w;
    snprintf(w->events + len, sizeof w->events - len, "%s%s%s%s ", names[ev], r ? ":" : "",
             r ? r->path : "", kept ? "" : "!");
}

static int guard(http_handler_fn h, http_response_t *w, http_request_t *r, void *ud) {
    if (!strcmp(r->path, "/panic")) return 1;    /* as if the handler had panicked */
    h(w, r, ud);
    return 0;
}

static void hooks_client(world_t *w) {
    conn_t *c = dial(w);
    http_client_t *cl;
    http_client_new(c, &cl);
    http_resp_t r;
    /* Three bytes are not yet a request: "request" waits for the fourth. */
    const char *req = "GET /one HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_int_equal(0, conn_write(c, req, 3, NULL));
    clock_sleep((int64_t)(1 + ug_rand_below(10)) * CLOCK_MS);
    strcat(w->events, "| ");
    assert_int_equal(0, conn_write(c, req + 3, strlen(req) - 3, NULL));
    char buf[256];
    w->rc[0] = conn_read(c, buf, sizeof buf) > 0 ? 0 : -1;
    http_resp_free(&r);
    w->rc[1] = http_client_do(cl, "GET", "/panic", NULL, 0, NULL, 0, &r);
    http_resp_free(&r);
    http_client_free(cl);
    conn_free(c);
    while (http_server_conns(w->srv)) task_yield();
}

static void check_hooks(transport_t t) {
    world_t w = {0};
    w.cfg = (http_server_config_t){.handler = handler, .ud = &w, .on_event = record_event,
                                   .invoke = guard};
    run_world(t, &w, hooks_client);
    assert_int_equal(0, w.rc[0]);
    assert_int_equal(-EPIPE, w.rc[1]);          /* the panic dropped the connection */
    assert_string_equal("new idle | request headers:/one handler:/one idle request "
                        "headers:/panic handler:/panic closed ",
                        w.events);
}

/* A timeout lab's idle timeout: a deadline set when the connection idles. */
static void idle_deadline(http_event_t ev, conn_t *c, const http_request_t *r, void **conn_ud,
                          void *ud)
{
    (void)r, (void)conn_ud;
    world_t *w = ud;
    if (ev == HTTP_EV_IDLE) conn_set_read_deadline(c, clock_now() + w->v[9]);
    if (ev == HTTP_EV_REQUEST) conn_set_read_deadline(c, 0);
}

static void idle_client(world_t *w) {
    conn_t *c = dial(w);
    int64_t t0 = clock_now();
    char b;
    w->rc[0] = (int)conn_read(c, &b, 1);        /* send nothing: the server gives up */
    w->v[0] = clock_now() - t0 >= w->v[9];
    conn_free(c);
}

static void check_idle_deadline(transport_t t) {
    world_t w = {0};
    w.v[9] = (long)(1 + ug_rand_below(5)) * CLOCK_S;
    w.cfg = (http_server_config_t){.handler = handler, .ud = &w, .on_event = idle_deadline};
    run_world(t, &w, idle_client);
    assert_int_equal(0, w.rc[0]);               /* end of stream: the server closed */
    assert_int_equal(1, w.v[0]);
}

/* A request whose head takes exactly len bytes on the wire: the start
 * line, "Connection: close", and a header padded to fit. */
static void head_of(char *req, size_t len)
{
    static const char start[] = "GET / HTTP/1.1\r\nConnection: close\r\nX-Long: ";
    size_t pad = len - (sizeof start - 1) - 4;
    memcpy(req, start, sizeof start - 1);
    memset(req + sizeof start - 1, 'x', pad);
    strcpy(req + sizeof start - 1 + pad, "\r\n\r\n");
}

static void limits_client(world_t *w) {
    char req[600];
    snprintf(req, sizeof req, "POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n%0100d", 7);
    raw_exchange(w, req, w->s[0], sizeof w->s[0]);
    head_of(req, (size_t)w->v[9]); /* the limit exactly */
    raw_exchange(w, req, w->s[1], sizeof w->s[1]);
    head_of(req, (size_t)w->v[9] + 1); /* one byte over */
    raw_exchange(w, req, w->s[2], sizeof w->s[2]);
}

static void check_limits(transport_t t) {
    world_t w = {0};
    w.v[9] = 200 + (long)ug_rand_below(300);
    w.cfg = (http_server_config_t){.handler = handler,
                                   .max_body_bytes = 10 + ug_rand_below(50),
                                   .max_header_bytes = (size_t)w.v[9]};
    run_world(t, &w, limits_client);
    assert_string_equal("HTTP/1.1 413 Request Entity Too Large", strtok(w.s[0], "\r"));
    assert_string_equal("HTTP/1.1 200 OK", strtok(w.s[1], "\r"));
    assert_string_equal("HTTP/1.1 431 Request Header Fields Too Large", strtok(w.s[2], "\r"));
}

static void big_head_client(world_t *w)
{
    size_t len = (size_t)w->v[9];
    char *req = malloc(len + 1), *out = malloc(4096);
    head_of(req, len);
    raw_exchange(w, req, out, 4096);
    snprintf(w->s[0], sizeof w->s[0], "%s", strtok(out, "\r"));
    free(req);
    free(out);
}

/* http-parser's own cap (80 KiB) does not apply: the configured limit does. */
static void check_big_head(transport_t t)
{
    world_t w = {0};
    w.v[9] = (100 << 10) + (long)ug_rand_below(100 << 10);
    run_world(t, &w, big_head_client);
    assert_string_equal("HTTP/1.1 200 OK", w.s[0]);
}

static void close_client(world_t *w) {
    conn_t *c = dial(w);
    http_client_t *cl;
    http_client_new(c, &cl);
    http_resp_t r;
    w->rc[0] = http_client_do(cl, "GET", "/", NULL, 0, NULL, 0, &r);
    http_resp_free(&r);
    http_server_close(w->srv);                  /* closes the idle connection */
    w->rc[1] = http_client_do(cl, "GET", "/", NULL, 0, NULL, 0, &r);
    w->v[0] = (long)http_server_conns(w->srv);
    http_client_free(cl);
    conn_free(c);
}

static void check_close(transport_t t) {
    world_t w = {0};
    run_world(t, &w, close_client);
    assert_int_equal(0, w.rc[0]);
    assert_true(w.rc[1] != 0);                  /* EPIPE or a reset, by transport */
    assert_int_equal(0, w.v[0]);
}

#define ON(check, t)                                                            \
    static void test_##check##_over_##t(void **state) {                          \
        (void)state;                                                             \
        check_##check(T_##t);                                                    \
    }
#define ON3(check) ON(check, TCP) ON(check, UNIX) ON(check, SIM)
#define T3(check)                                                               \
    cmocka_unit_test(test_##check##_over_TCP), cmocka_unit_test(test_##check##_over_UNIX), \
    cmocka_unit_test(test_##check##_over_SIM)

ON3(keep_alive)
ON3(bodies)
ON3(raw)
ON3(hooks)
ON3(idle_deadline)
ON3(limits)
ON3(big_head)
ON3(close)

UG_TEST_GROUP(http, NULL, NULL, T3(keep_alive), T3(bodies), T3(raw), T3(hooks), T3(idle_deadline),
              T3(limits), T3(big_head), T3(close));
