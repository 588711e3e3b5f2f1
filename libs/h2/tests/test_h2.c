/*
 * test_h2.c — libs/h2 over conn_pipe, the simulated network and TCP
 * loopback: requests with headers, bodies and trailers; many streams on
 * one conn; a megabyte each way through the flow-control windows;
 * RST_STREAM from either side; a conn that dies under parked tasks; and
 * teardown with streams still open (the ASan build checks for leaks).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/h2.h>
#include <undergo/labtest.h>
#include <undergo/runtime.h>
#include <undergo/simnet.h>

typedef enum { T_PIPE, T_SIM, T_TCP } transport_t;

typedef struct world world_t;
typedef void (*client_fn)(world_t *w, h2_conn_t *h);

struct world {
    transport_t kind;
    h2_handler_fn handler;
    client_fn client;
    chan_t *ready, *done;
    listener_t *l;
    conn_t *pa, *pb; /* conn_pipe's ends */
    conn_t *sc, *cc; /* the server's and the client's conn */
    char addr[64];
    int serve_rc;
    /* test inputs and results */
    size_t len, nstreams;
    uint32_t code;
    uint8_t *body;
    chan_t *ev;
    int rc[8];
    long v[8];
    char s[4][64];
};

/* ---- running a server and a client on a transport ---- */

static void server_task(void *arg)
{
    world_t *w = arg;
    conn_t *c = w->pb;
    if (w->kind == T_SIM)
        assert_int_equal(0, net_listen("tcp", ":80", &w->l));
    if (w->kind != T_PIPE) {
        snprintf(w->addr, sizeof w->addr, "%s", listener_addr(w->l));
        chan_send(w->ready, NULL);
        assert_int_equal(0, listener_accept(w->l, &c));
        listener_close(w->l);
    } else {
        chan_send(w->ready, NULL);
    }
    w->sc = c;
    w->serve_rc = h2_serve(c, w->handler, w);
    chan_send(w->done, NULL);
}

static void client_task(void *arg)
{
    world_t *w = arg;
    conn_t *c = w->pa;
    if (w->kind != T_PIPE) {
        int rc = net_dial("tcp", w->addr, &c);
        if (rc)
            fail_msg("dial %s: %s", w->addr, net_strerror(rc));
    }
    w->cc = c;
    h2_conn_t *h;
    assert_int_equal(0, h2_client(c, &h));
    w->client(w, h);
    assert_int_equal(0, h2_close(h));
    h2_free(h);
    chan_send(w->done, NULL);
}

static void world_main(void *arg)
{
    world_t *w = arg;
    simnet_t *n = NULL;
    simhost_t *sh = NULL, *ch = NULL;
    assert_int_equal(0, chan_make(0, 1, &w->ready));
    assert_int_equal(0, chan_make(0, 2, &w->done));
    assert_int_equal(0, chan_make(sizeof(int), 16, &w->ev));
    if (w->kind == T_SIM) {
        assert_int_equal(0, simnet_new(NULL, &n));
        simnet_host_add(n, "srv", &sh);
        simnet_host_add(n, "cli", &ch);
        simhost_spawn(sh, server_task, w, NULL);
    } else {
        if (w->kind == T_PIPE)
            assert_int_equal(0, conn_pipe(&w->pa, &w->pb));
        else
            assert_int_equal(0, net_listen("tcp", "127.0.0.1:0", &w->l));
        task_spawn(server_task, w, NULL);
    }
    chan_recv(w->ready, NULL, NULL);
    if (ch)
        simhost_spawn(ch, client_task, w, NULL);
    else
        task_spawn(client_task, w, NULL);
    chan_recv(w->done, NULL, NULL);
    chan_recv(w->done, NULL, NULL);
    listener_free(w->l);
    if (n)
        simnet_free(n);
    chan_free(w->ready);
    chan_free(w->done);
    chan_free(w->ev);
}

static void run_world(world_t *w, transport_t kind, h2_handler_fn handler, client_fn client)
{
    w->kind = kind;
    w->handler = handler;
    w->client = client;
    rt_config_t cfg = {.seed = ug_seed()};
    int rc = rt_run(&cfg, world_main, w);
    if (rc)
        fail_msg("rt_run: %d\n%s", rc, rt_report() ? rt_report() : "");
}

static uint8_t *pattern(size_t len, uint64_t seed)
{
    uint8_t *b = malloc(len ? len : 1);
    uint64_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b[i] = (uint8_t)x;
    }
    return b;
}

static void request(h2_conn_t *h, const char *path, h2_stream_t **s)
{
    h2_header_t hd[] = {{":method", "POST"},
                        {":scheme", "http"},
                        {":path", path},
                        {":authority", "h2.test"},
                        {"content-type", "application/octet-stream"}};
    assert_int_equal(0, h2_request(h, hd, 5, s));
}

/* ---- the echo server: headers at once, the body back as it comes,
 * trailers with the count and the request's trailer ---- */

static void echo_handler(h2_stream_t *s, void *arg)
{
    (void)arg;
    size_t n;
    const h2_header_t *hd = h2_headers(s, &n);
    const char *path = h2_header_get(hd, n, ":path");
    h2_header_t resp[] = {{":status", "200"}, {"x-path", path ? path : "?"}};
    if (h2_send_headers(s, resp, 2, false))
        return;
    char buf[7000];
    size_t total = 0;
    ssize_t r;
    while ((r = h2_read(s, buf, sizeof buf)) > 0) {
        if (h2_write(s, buf, (size_t)r))
            return;
        total += (size_t)r;
    }
    if (r < 0)
        return;
    size_t nt;
    const h2_header_t *t = h2_trailers(s, &nt);
    const char *rt = h2_header_get(t, nt, "x-req-trailer");
    char len[32];
    snprintf(len, sizeof len, "%zu", total);
    h2_header_t trl[] = {{"grpc-status", "0"}, {"x-len", len}, {"x-req-trailer", rt ? rt : "none"}};
    h2_send_headers(s, trl, 3, true);
}

typedef struct call {
    h2_stream_t *s;
    const uint8_t *body;
    size_t len, chunk;
    const char *trailer;
    int wrc;
    wg_t wg;
} call_t;

static void call_writer(void *arg)
{
    call_t *c = arg;
    int rc = 0;
    for (size_t off = 0; off < c->len && !rc; off += c->chunk) {
        size_t k = c->len - off < c->chunk ? c->len - off : c->chunk;
        rc = h2_write(c->s, c->body + off, k);
    }
    if (!rc) {
        if (c->trailer) {
            h2_header_t t[] = {{"x-req-trailer", c->trailer}};
            rc = h2_send_headers(c->s, t, 1, true);
        } else {
            rc = h2_end(c->s);
        }
    }
    c->wrc = rc;
    wg_done(&c->wg);
}

/* One echo call: writes body (a task of its own) while reading the echo;
 * slow: the reader takes small bites and naps. Returns 0 if all matched. */
static int echo_call(h2_conn_t *h, const char *path, const uint8_t *body, size_t len,
                     const char *trailer, bool slow, char *got_trailer, size_t gtlen)
{
    call_t c = {.body = body, .len = len, .chunk = 8192, .trailer = trailer};
    request(h, path, &c.s);
    wg_add(&c.wg, 1);
    task_spawn(call_writer, &c, NULL);
    int bad = 0;
    if (h2_wait_headers(c.s))
        bad |= 1;
    size_t n;
    const h2_header_t *hd = h2_headers(c.s, &n);
    const char *st = h2_header_get(hd, n, ":status");
    const char *xp = h2_header_get(hd, n, "x-path");
    if (!st || strcmp(st, "200") || !xp || strcmp(xp, path))
        bad |= 2;
    uint8_t *got = malloc(len + 1);
    size_t off = 0;
    ssize_t r;
    int bites = 0;
    while ((r = h2_read(c.s, got + off, slow ? 1000 : len + 1 - off)) > 0) {
        off += (size_t)r;
        if (off > len)
            break;
        if (slow && ++bites % 16 == 0)
            clock_sleep(100000);
    }
    if (r != 0 || off != len || memcmp(got, body, len))
        bad |= 4;
    free(got);
    wg_wait(&c.wg);
    if (c.wrc)
        bad |= 8;
    const h2_header_t *t = h2_trailers(c.s, &n);
    char lenbuf[32];
    snprintf(lenbuf, sizeof lenbuf, "%zu", len);
    const char *gs = h2_header_get(t, n, "grpc-status");
    const char *xl = h2_header_get(t, n, "x-len");
    if (!gs || strcmp(gs, "0") || !xl || strcmp(xl, lenbuf))
        bad |= 16;
    const char *rt = h2_header_get(t, n, "x-req-trailer");
    if (got_trailer)
        snprintf(got_trailer, gtlen, "%s", rt ? rt : "(absent)");
    h2_stream_free(c.s);
    return bad;
}

/* ---- request/response with headers and trailers ---- */

static void unary_client(world_t *w, h2_conn_t *h)
{
    snprintf(w->s[1], sizeof w->s[1], "t%zu", w->len);
    w->rc[0] = echo_call(h, w->s[0], w->body, w->len, w->s[1], false, w->s[2], sizeof w->s[2]);
}

static void check_unary(transport_t kind)
{
    world_t w = {.len = 1 + ug_rand_below(3000)};
    snprintf(w.s[0], sizeof w.s[0], "/echo/%u", (unsigned)ug_rand_below(100000));
    w.body = pattern(w.len, ug_rand());
    run_world(&w, kind, echo_handler, unary_client);
    assert_int_equal(0, w.rc[0]);
    assert_string_equal(w.s[1], w.s[2]);
    assert_int_equal(0, w.serve_rc);
    free(w.body);
}

/* The request's headers, body and trailers reach the handler; its
 * response headers, body and trailers come back. */
static void test_a_request_gets_headers_body_and_trailers_over_a_pipe(void **state)
{
    (void)state;
    check_unary(T_PIPE);
}

static void test_a_request_gets_headers_body_and_trailers_over_simnet(void **state)
{
    (void)state;
    check_unary(T_SIM);
}

static void test_a_request_gets_headers_body_and_trailers_over_tcp(void **state)
{
    (void)state;
    check_unary(T_TCP);
}

/* A call without trailers: the response still has its own, and the
 * request's are absent. */
static void no_trailer_client(world_t *w, h2_conn_t *h)
{
    w->rc[0] = echo_call(h, "/plain", w->body, w->len, NULL, false, w->s[2], sizeof w->s[2]);
}

static void test_a_request_without_trailers_ends_with_end_stream(void **state)
{
    (void)state;
    world_t w = {.len = ug_rand_below(100)};
    w.body = pattern(w.len, ug_rand());
    run_world(&w, T_PIPE, echo_handler, no_trailer_client);
    assert_int_equal(0, w.rc[0]);
    assert_string_equal("none", w.s[2]);
    free(w.body);
}

/* ---- many concurrent streams on one conn ---- */

typedef struct many {
    world_t *w;
    h2_conn_t *h;
    size_t i;
    wg_t *wg;
} many_t;

static void many_one(void *arg)
{
    many_t *m = arg;
    char path[32];
    snprintf(path, sizeof path, "/s/%zu", m->i);
    size_t len = 1 + (m->i * 7919) % 20000;
    uint8_t *b = pattern(len, m->i + 1);
    if (!echo_call(m->h, path, b, len, path, false, NULL, 0))
        m->w->v[0]++;
    free(b);
    wg_done(m->wg);
}

static void many_client(world_t *w, h2_conn_t *h)
{
    wg_t wg = {0};
    many_t *m = calloc(w->nstreams, sizeof *m);
    for (size_t i = 0; i < w->nstreams; i++) {
        m[i] = (many_t){w, h, i, &wg};
        wg_add(&wg, 1);
        task_spawn(many_one, &m[i], NULL);
    }
    wg_wait(&wg);
    free(m);
}

static void check_many(transport_t kind)
{
    world_t w = {.nstreams = 16 + ug_rand_below(33)};
    run_world(&w, kind, echo_handler, many_client);
    assert_int_equal(w.nstreams, w.v[0]);
    assert_int_equal(0, w.serve_rc);
}

/* Dozens of streams at once on one conn each get their own echo. */
static void test_many_concurrent_streams_share_one_conn_over_a_pipe(void **state)
{
    (void)state;
    check_many(T_PIPE);
}

static void test_many_concurrent_streams_share_one_conn_over_simnet(void **state)
{
    (void)state;
    check_many(T_SIM);
}

static void test_many_concurrent_streams_share_one_conn_over_tcp(void **state)
{
    (void)state;
    check_many(T_TCP);
}

/* ---- a megabyte each way, the reader slow ---- */

static void big_client(world_t *w, h2_conn_t *h)
{
    w->rc[0] = echo_call(h, "/big", w->body, w->len, "big", true, w->s[2], sizeof w->s[2]);
}

static void check_big(transport_t kind)
{
    world_t w = {.len = (1u << 20) + ug_rand_below(4096)};
    w.body = pattern(w.len, ug_rand());
    run_world(&w, kind, echo_handler, big_client);
    assert_int_equal(0, w.rc[0]);
    assert_string_equal("big", w.s[2]);
    free(w.body);
}

/* A body over the 64 KiB windows each way, echoed while it streams in:
 * both sides park on the windows and go on as the other reads. */
static void test_a_megabyte_each_way_passes_the_windows_over_a_pipe(void **state)
{
    (void)state;
    check_big(T_PIPE);
}

static void test_a_megabyte_each_way_passes_the_windows_over_simnet(void **state)
{
    (void)state;
    check_big(T_SIM);
}

static void test_a_megabyte_each_way_passes_the_windows_over_tcp(void **state)
{
    (void)state;
    check_big(T_TCP);
}

/* The handler writes a megabyte the client does not read yet: its writes
 * stop at the stream's 65535-byte window, and go on once it reads. */
static void pushy_handler(h2_stream_t *s, void *arg)
{
    world_t *w = arg;
    uint8_t buf[4096];
    memset(buf, 'p', sizeof buf);
    for (size_t off = 0; off < w->len; off += sizeof buf) {
        if (h2_write(s, buf, sizeof buf))
            return;
        w->v[1] = (long)(off + sizeof buf);
    }
    h2_end(s);
}

static void patient_client(world_t *w, h2_conn_t *h)
{
    h2_stream_t *s;
    request(h, "/pushy", &s);
    assert_int_equal(0, h2_end(s));
    assert_int_equal(0, h2_wait_headers(s));
    clock_sleep(200 * CLOCK_MS);
    w->v[2] = w->v[1];
    char buf[5000];
    ssize_t r;
    long total = 0;
    while ((r = h2_read(s, buf, sizeof buf)) > 0)
        total += r;
    w->rc[0] = (int)r;
    w->v[3] = total;
    h2_stream_free(s);
}

static void test_a_writer_parks_on_a_shut_window_until_the_reader_reads(void **state)
{
    (void)state;
    world_t w = {.len = (size_t)(256 + ug_rand_below(16)) * 4096};
    run_world(&w, T_PIPE, pushy_handler, patient_client);
    assert_true(w.v[2] <= 65535);
    assert_true(w.v[2] >= 16384);
    assert_int_equal(0, w.rc[0]);
    assert_int_equal((long)w.len, w.v[3]);
}

/* ---- RST_STREAM ---- */

/* The handler reads until its stream is reset, and reports what it saw. */
static void parked_handler(h2_stream_t *s, void *arg)
{
    world_t *w = arg;
    char buf[100];
    ssize_t r;
    int first = 1;
    h2_header_t resp[] = {{":status", "200"}};
    h2_send_headers(s, resp, 1, false);
    while ((r = h2_read(s, buf, sizeof buf)) > 0) {
        if (first) {
            int one = 1;
            chan_send(w->ev, &one);
            first = 0;
        }
    }
    w->rc[1] = (int)r;
    w->v[1] = h2_stream_error(s);
    w->rc[2] = h2_write(s, "x", 1);
    int two = 2;
    chan_send(w->ev, &two);
}

typedef struct parked {
    h2_stream_t *s;
    int rc;
    wg_t wg;
} parked_t;

static void parked_reader(void *arg)
{
    parked_t *p = arg;
    char buf[16];
    ssize_t r;
    while ((r = h2_read(p->s, buf, sizeof buf)) > 0) {
    }
    p->rc = (int)r;
    wg_done(&p->wg);
}

static void resetting_client(world_t *w, h2_conn_t *h)
{
    h2_stream_t *s;
    request(h, "/parked", &s);
    assert_int_equal(0, h2_write(s, "hello", 5));
    assert_int_equal(0, h2_wait_headers(s));
    int ev;
    chan_recv(w->ev, &ev, NULL);
    parked_t p = {.s = s};
    wg_add(&p.wg, 1);
    task_spawn(parked_reader, &p, NULL);
    clock_sleep(CLOCK_MS);
    w->rc[0] = h2_reset(s, w->code);
    chan_recv(w->ev, &ev, NULL);
    wg_wait(&p.wg);
    w->rc[3] = p.rc;
    w->rc[4] = h2_write(s, "y", 1);
    h2_stream_free(s);
}

/* The client resets: the handler parked in h2_read gets -ECONNRESET and
 * the code; the client's own parked reader gets -ECANCELED. */
static void check_client_reset(transport_t kind)
{
    uint32_t codes[] = {H2_CANCEL, H2_INTERNAL_ERROR, H2_REFUSED_STREAM, H2_ENHANCE_YOUR_CALM};
    world_t w = {.code = codes[ug_rand_below(4)]};
    run_world(&w, kind, parked_handler, resetting_client);
    assert_int_equal(0, w.rc[0]);
    assert_int_equal(-ECONNRESET, w.rc[1]);
    assert_int_equal(w.code, w.v[1]);
    assert_int_equal(-ECONNRESET, w.rc[2]);
    assert_int_equal(-ECANCELED, w.rc[3]);
    assert_int_equal(-ECANCELED, w.rc[4]);
}

static void test_a_client_reset_wakes_the_parked_handler_over_a_pipe(void **state)
{
    (void)state;
    check_client_reset(T_PIPE);
}

static void test_a_client_reset_wakes_the_parked_handler_over_simnet(void **state)
{
    (void)state;
    check_client_reset(T_SIM);
}

/* The handler resets while the client is parked reading. */
static void resetting_handler(h2_stream_t *s, void *arg)
{
    world_t *w = arg;
    h2_header_t resp[] = {{":status", "200"}};
    h2_send_headers(s, resp, 1, false);
    h2_write(s, "partial", 7);
    clock_sleep(2 * CLOCK_MS);
    w->rc[1] = h2_reset(s, w->code);
    w->rc[2] = h2_write(s, "x", 1);
    char buf[8];
    w->rc[3] = (int)h2_read(s, buf, sizeof buf);
}

static void reset_reader_client(world_t *w, h2_conn_t *h)
{
    h2_stream_t *s;
    request(h, "/reset", &s);
    assert_int_equal(0, h2_wait_headers(s));
    char buf[100];
    ssize_t r;
    long got = 0;
    while ((r = h2_read(s, buf, sizeof buf)) > 0)
        got += r;
    w->rc[0] = (int)r;
    w->v[0] = got;
    w->v[1] = h2_stream_error(s);
    w->rc[4] = h2_write(s, "y", 1);
    h2_stream_free(s);
}

static void check_server_reset(transport_t kind)
{
    uint32_t codes[] = {H2_CANCEL, H2_INTERNAL_ERROR, H2_REFUSED_STREAM, H2_ENHANCE_YOUR_CALM};
    world_t w = {.code = codes[ug_rand_below(4)]};
    run_world(&w, kind, resetting_handler, reset_reader_client);
    assert_int_equal(-ECONNRESET, w.rc[0]);
    assert_int_equal(7, w.v[0]);
    assert_int_equal(w.code, w.v[1]);
    assert_int_equal(-ECONNRESET, w.rc[4]);
    assert_int_equal(0, w.rc[1]);
    assert_int_equal(-ECANCELED, w.rc[2]);
    assert_int_equal(-ECANCELED, w.rc[3]);
}

/* The server resets: the client parked in h2_read gets -ECONNRESET and
 * the code, after the data that came before. */
static void test_a_server_reset_wakes_the_parked_client_over_a_pipe(void **state)
{
    (void)state;
    check_server_reset(T_PIPE);
}

static void test_a_server_reset_wakes_the_parked_client_over_simnet(void **state)
{
    (void)state;
    check_server_reset(T_SIM);
}

/* ---- the conn dies under parked tasks ---- */

static void closing_handler(h2_stream_t *s, void *arg)
{
    world_t *w = arg;
    char buf[16];
    h2_read(s, buf, sizeof buf);
    conn_close(w->sc);
    w->rc[1] = (int)h2_read(s, buf, sizeof buf);
}

static void stranded_client(world_t *w, h2_conn_t *h)
{
    h2_stream_t *s;
    request(h, "/close", &s);
    assert_int_equal(0, h2_write(s, "z", 1));
    w->rc[0] = h2_wait_headers(s);
    h2_stream_t *s2;
    w->rc[2] = h2_request(h, (h2_header_t[]){{":method", "GET"}, {":path", "/"}}, 2, &s2);
    h2_stream_free(s);
}

/* The server's conn closes while the client waits for the response: the
 * client's wait fails with the conn's end (-EPIPE), so do new requests,
 * and the handler's own read fails. */
static void check_server_close(transport_t kind)
{
    world_t w = {0};
    run_world(&w, kind, closing_handler, stranded_client);
    assert_int_equal(-EPIPE, w.rc[0]);
    assert_int_equal(-EPIPE, w.rc[2]);
    assert_int_equal(-NET_ECLOSED, w.rc[1]);
    assert_int_equal(-NET_ECLOSED, w.serve_rc);
}

static void test_a_server_closing_the_conn_fails_the_waiting_client_over_a_pipe(void **state)
{
    (void)state;
    check_server_close(T_PIPE);
}

static void test_a_server_closing_the_conn_fails_the_waiting_client_over_simnet(void **state)
{
    (void)state;
    check_server_close(T_SIM);
}

static void waiting_handler(h2_stream_t *s, void *arg)
{
    world_t *w = arg;
    char buf[16];
    h2_read(s, buf, sizeof buf);
    int one = 1;
    chan_send(w->ev, &one);
    w->rc[1] = (int)h2_read(s, buf, sizeof buf);
}

static void vanishing_client(world_t *w, h2_conn_t *h)
{
    h2_stream_t *s;
    request(h, "/gone", &s);
    assert_int_equal(0, h2_write(s, "z", 1));
    int ev;
    chan_recv(w->ev, &ev, NULL);
    parked_t p = {.s = s};
    wg_add(&p.wg, 1);
    task_spawn(parked_reader, &p, NULL);
    clock_sleep(CLOCK_MS);
    conn_close(w->cc);
    wg_wait(&p.wg);
    w->rc[0] = p.rc;
    h2_stream_free(s);
}

/* The client's conn closes under a reader parked on a stream and a
 * handler parked on the other side: both fail, neither hangs; the server
 * sees the end of stream and returns 0. */
static void test_a_client_conn_closing_fails_parked_tasks_on_both_sides(void **state)
{
    (void)state;
    transport_t kinds[] = {T_PIPE, T_SIM};
    world_t w = {0};
    run_world(&w, kinds[ug_rand_below(2)], waiting_handler, vanishing_client);
    assert_int_equal(-NET_ECLOSED, w.rc[0]);
    assert_int_equal(-EPIPE, w.rc[1]);
    assert_int_equal(0, w.serve_rc);
}

/* ---- teardown with streams open ---- */

static void leaving_client(world_t *w, h2_conn_t *h)
{
    size_t n = w->nstreams;
    h2_stream_t **s = calloc(n, sizeof *s);
    for (size_t i = 0; i < n; i++) {
        char path[32];
        snprintf(path, sizeof path, "/l/%zu", i);
        request(h, path, &s[i]);
        if (i % 3 == 0)
            h2_write(s[i], "abc", 3);
        if (i % 3 == 1)
            h2_stream_free(s[i]); /* before any answer */
    }
    clock_sleep(5 * CLOCK_MS);
    w->v[0] = (long)n;
    free(s); /* the rest go with h2_free */
}

/* h2_close and h2_free with streams still open, some freed before their
 * answer: every handler returns and nothing leaks (the ASan build). */
static void test_closing_with_streams_open_frees_everything(void **state)
{
    (void)state;
    transport_t kinds[] = {T_PIPE, T_SIM, T_TCP};
    world_t w = {.nstreams = 3 + ug_rand_below(10)};
    run_world(&w, kinds[ug_rand_below(3)], echo_handler, leaving_client);
    assert_int_equal((long)w.nstreams, w.v[0]);
    assert_int_equal(0, w.serve_rc);
}

UG_TEST_GROUP(h2, NULL, NULL,
              cmocka_unit_test(test_a_request_gets_headers_body_and_trailers_over_a_pipe),
              cmocka_unit_test(test_a_request_gets_headers_body_and_trailers_over_simnet),
              cmocka_unit_test(test_a_request_gets_headers_body_and_trailers_over_tcp),
              cmocka_unit_test(test_a_request_without_trailers_ends_with_end_stream),
              cmocka_unit_test(test_many_concurrent_streams_share_one_conn_over_a_pipe),
              cmocka_unit_test(test_many_concurrent_streams_share_one_conn_over_simnet),
              cmocka_unit_test(test_many_concurrent_streams_share_one_conn_over_tcp),
              cmocka_unit_test(test_a_megabyte_each_way_passes_the_windows_over_a_pipe),
              cmocka_unit_test(test_a_megabyte_each_way_passes_the_windows_over_simnet),
              cmocka_unit_test(test_a_megabyte_each_way_passes_the_windows_over_tcp),
              cmocka_unit_test(test_a_writer_parks_on_a_shut_window_until_the_reader_reads),
              cmocka_unit_test(test_a_client_reset_wakes_the_parked_handler_over_a_pipe),
              cmocka_unit_test(test_a_client_reset_wakes_the_parked_handler_over_simnet),
              cmocka_unit_test(test_a_server_reset_wakes_the_parked_client_over_a_pipe),
              cmocka_unit_test(test_a_server_reset_wakes_the_parked_client_over_simnet),
              cmocka_unit_test(test_a_server_closing_the_conn_fails_the_waiting_client_over_a_pipe),
              cmocka_unit_test(test_a_server_closing_the_conn_fails_the_waiting_client_over_simnet),
              cmocka_unit_test(test_a_client_conn_closing_fails_parked_tasks_on_both_sides),
              cmocka_unit_test(test_closing_with_streams_open_frees_everything));
