/*
 * calls.c — gRPC calls over libs/h2 on the simulated network: a server
 * host runs wt_serve, a client host calls it. Unary and server-streaming
 * calls, an error status with a percent-encoded message, an unknown
 * method, a message larger than a DATA frame; and, through a raw h2
 * stream, what the server puts on the wire: the 5-byte prefix, the
 * content-type and the trailers.
 */
#include <stdio.h>
#include <stdlib.h>

#include <undergo/h2.h>
#include <undergo/runtime.h>
#include <undergo/simnet.h>

#include "wt_test.h"

typedef struct wt_world wt_world_t;
typedef void (*wt_client_fn)(wt_world_t *w, h2_conn_t *h);

struct wt_world {
    wt_client_fn client;
    chan_t *ready, *done;
    listener_t *l;
    char addr[64];
    /* inputs and results */
    int64_t x;
    size_t n, big;
    int rc[4];
    int64_t v[4];
    wt_status_t st;
    char raw[3][96];
};

/* The error message for key v: non-ASCII, a '%', and the seeded key. */
#define WT_T_SORRY(buf, v)                                                                         \
    snprintf((buf), sizeof(buf), "no such key: caf\xc3\xa9 100%% %lld", (long long)(v))
static char wt_t_sorry[96];

static int wt_t_double(const wt_msg_t *req, wt_msg_t *resp, const char **msg, void *arg)
{
    (void)arg;
    const wt_values_t *x = wt_get(req, 2);
    int64_t v = x->n ? x->v[0].i : 0;
    if (v < 0) {
        WT_T_SORRY(wt_t_sorry, v);
        *msg = wt_t_sorry;
        return WT_NOT_FOUND;
    }
    wt_push(resp, 2)->i = 2 * v;
    const wt_values_t *by = wt_get(req, 16);
    if (by->n) /* echo a big payload back */
        wt_value_set_bytes(wt_push(resp, 16), by->v[0].s.data, by->v[0].s.len);
    return WT_OK;
}

static int wt_t_count(const wt_msg_t *req, wt_sender_t *out, const char **msg, void *arg)
{
    (void)arg;
    (void)msg;
    int64_t n = wt_get(req, 2)->n ? wt_get(req, 2)->v[0].i : 0;
    for (int64_t k = 0; k < n; k++) {
        wt_msg_t *m = wt_msg_new(&wt_schema_all);
        wt_push(m, 1)->i = (int32_t)k;
        int rc = wt_send(out, m);
        wt_msg_free(m);
        if (rc < 0)
            return WT_INTERNAL;
    }
    return WT_OK;
}

static const wt_method_t wt_t_methods[] = {
    {"/wtc.Test/Double", &wt_schema_all, &wt_schema_all, wt_t_double, NULL, NULL},
    {"/wtc.Test/Count", &wt_schema_all, &wt_schema_all, NULL, wt_t_count, NULL},
};
static const wt_service_t wt_t_service = {wt_t_methods, 2};

static void wt_t_server(void *arg)
{
    wt_world_t *w = arg;
    assert_int_equal(0, net_listen("tcp", ":80", &w->l));
    snprintf(w->addr, sizeof w->addr, "%s", listener_addr(w->l));
    chan_send(w->ready, NULL);
    conn_t *c;
    if (listener_accept(w->l, &c) == 0)
        wt_serve(c, &wt_t_service);
    listener_close(w->l);
    chan_send(w->done, NULL);
}

static void wt_t_client(void *arg)
{
    wt_world_t *w = arg;
    conn_t *c;
    h2_conn_t *h;
    if (net_dial("tcp", w->addr, &c) == 0 && h2_client(c, &h) == 0) {
        w->client(w, h);
        h2_close(h);
        h2_free(h);
    }
    chan_send(w->done, NULL);
}

static void wt_t_main(void *arg)
{
    wt_world_t *w = arg;
    simnet_t *n = NULL;
    simhost_t *sh = NULL, *ch = NULL;
    chan_make(0, 1, &w->ready);
    chan_make(0, 2, &w->done);
    simnet_new(NULL, &n);
    simnet_host_add(n, "srv", &sh);
    simnet_host_add(n, "cli", &ch);
    simhost_spawn(sh, wt_t_server, w, NULL);
    chan_recv(w->ready, NULL, NULL);
    simhost_spawn(ch, wt_t_client, w, NULL);
    chan_recv(w->done, NULL, NULL);
    chan_recv(w->done, NULL, NULL);
    listener_free(w->l);
    simnet_free(n);
    chan_free(w->ready);
    chan_free(w->done);
}

static void wt_t_run(wt_world_t *w, wt_client_fn client)
{
    w->client = client;
    rt_config_t cfg = {.seed = ug_seed()};
    int rc = rt_run(&cfg, wt_t_main, w);
    if (rc)
        fail_msg("rt_run: %d\n%s", rc, rt_report() ? rt_report() : "");
}

/* ---- unary ---- */

static void wt_t_unary(wt_world_t *w, h2_conn_t *h)
{
    wt_msg_t *req = wt_msg_new(&wt_schema_all), *resp = wt_msg_new(&wt_schema_all);
    wt_push(req, 2)->i = w->x;
    if (w->big) {
        uint8_t *b = malloc(w->big);
        for (size_t i = 0; i < w->big; i++)
            b[i] = (uint8_t)(i * 7 + (size_t)w->x);
        wt_value_set_bytes(wt_push(req, 16), b, w->big);
        free(b);
    }
    w->rc[0] = wt_call_unary(h, "/wtc.Test/Double", req, resp, &w->st);
    w->v[0] = wt_get(resp, 2)->n ? wt_get(resp, 2)->v[0].i : -1;
    const wt_values_t *by = wt_get(resp, 16);
    w->v[1] = by->n ? (int64_t)by->v[0].s.len : 0;
    w->v[2] = 0;
    for (size_t i = 0; by->n && i < by->v[0].s.len; i++)
        w->v[2] += by->v[0].s.data[i] != (uint8_t)(i * 7 + (size_t)w->x);
    wt_msg_free(req);
    wt_msg_free(resp);
}

static void test_a_unary_call_returns_the_response_and_status_ok(void **state)
{
    (void)state;
    wt_world_t w = {.x = (int64_t)ug_rand_below(1u << 30)};
    wt_t_run(&w, wt_t_unary);
    assert_int_equal(0, w.rc[0]);
    assert_int_equal(WT_OK, w.st.code);
    assert_int_equal(2 * w.x, w.v[0]);
}

static void test_a_message_larger_than_a_data_frame_round_trips(void **state)
{
    (void)state;
    wt_world_t w = {.x = 3, .big = 40000 + ug_rand_below(100000)};
    wt_t_run(&w, wt_t_unary);
    assert_int_equal(0, w.rc[0]);
    assert_int_equal(WT_OK, w.st.code);
    assert_int_equal((int64_t)w.big, w.v[1]);
    assert_int_equal(0, w.v[2]);
}

static void test_an_error_status_and_its_message_reach_the_client(void **state)
{
    (void)state;
    wt_world_t w = {.x = -1 - (int64_t)ug_rand_below(1000)};
    wt_t_run(&w, wt_t_unary);
    assert_int_equal(0, w.rc[0]);
    assert_int_equal(WT_NOT_FOUND, w.st.code);
    char want[96];
    WT_T_SORRY(want, w.x);
    assert_string_equal(want, w.st.message);
    assert_int_equal(-1, w.v[0]); /* no response message */
}

static void wt_t_unknown(wt_world_t *w, h2_conn_t *h)
{
    wt_msg_t *req = wt_msg_new(&wt_schema_all), *resp = wt_msg_new(&wt_schema_all);
    char path[64];
    snprintf(path, sizeof path, "/wtc.Test/Nope%d", (int)w->x);
    w->rc[0] = wt_call_unary(h, path, req, resp, &w->st);
    /* The connection still serves the next call. */
    wt_push(req, 2)->i = w->x;
    wt_status_t st;
    w->rc[1] = wt_call_unary(h, "/wtc.Test/Double", req, resp, &st);
    w->v[0] = wt_get(resp, 2)->n ? wt_get(resp, 2)->v[0].i : -1;
    wt_msg_free(req);
    wt_msg_free(resp);
}

static void test_an_unknown_method_is_unimplemented_and_the_conn_goes_on(void **state)
{
    (void)state;
    wt_world_t w = {.x = (int64_t)ug_rand_below(1000)};
    wt_t_run(&w, wt_t_unknown);
    assert_int_equal(0, w.rc[0]);
    assert_int_equal(WT_UNIMPLEMENTED, w.st.code);
    assert_int_equal(0, w.rc[1]);
    assert_int_equal(2 * w.x, w.v[0]);
}

/* ---- server streaming ---- */

static void wt_t_stream(wt_world_t *w, h2_conn_t *h)
{
    wt_msg_t *req = wt_msg_new(&wt_schema_all);
    wt_push(req, 2)->i = (int64_t)w->n;
    wt_call_t *c = NULL;
    w->rc[0] = wt_call_stream(h, "/wtc.Test/Count", req, &c);
    int64_t count = 0, in_order = 0;
    int rc = -1;
    while (c) {
        wt_msg_t *m = wt_msg_new(&wt_schema_all);
        rc = wt_call_recv(c, m, &w->st);
        if (rc == 1) {
            const wt_values_t *v = wt_get(m, 1);
            in_order += (v->n ? v->v[0].i : 0) == count;
            count++;
        }
        wt_msg_free(m);
        if (rc != 1)
            break;
    }
    w->rc[1] = rc;
    w->v[0] = count;
    w->v[1] = in_order;
    wt_call_free(c);
    wt_msg_free(req);
}

static void test_a_server_stream_delivers_every_message_in_order_then_the_status(void **state)
{
    (void)state;
    wt_world_t w = {.n = 1 + ug_rand_below(200)};
    wt_t_run(&w, wt_t_stream);
    assert_int_equal(0, w.rc[0]);
    assert_int_equal(0, w.rc[1]);
    assert_int_equal((int64_t)w.n, w.v[0]);
    assert_int_equal((int64_t)w.n, w.v[1]);
    assert_int_equal(WT_OK, w.st.code);
}

/* ---- the bytes on the wire, through a raw h2 stream ---- */

static void wt_t_raw(wt_world_t *w, h2_conn_t *h)
{
    h2_header_t hd[] = {{":method", "POST"},
                        {":scheme", "http"},
                        {":path", "/wtc.Test/Double"},
                        {":authority", "t"},
                        {"content-type", "application/grpc"},
                        {"te", "trailers"}};
    uint8_t req[16] = {0, 0, 0, 0, 0, 0x10};
    /* i64 (field 2) = x, a plain varint. */
    size_t k = 1 + wt_varint_put(req + 6, (uint64_t)w->x);
    wt_frame_header(req, false, (uint32_t)k);
    h2_stream_t *s;
    if ((w->rc[0] = h2_request(h, hd, 6, &s)) < 0)
        return;
    h2_write(s, req, 5 + k);
    h2_end(s);
    w->rc[1] = h2_wait_headers(s);
    size_t n;
    const h2_header_t *rh = h2_headers(s, &n);
    const char *ct = h2_header_get(rh, n, "content-type");
    snprintf(w->raw[0], sizeof w->raw[0], "%s", ct ? ct : "(none)");
    uint8_t buf[256];
    size_t got = 0;
    ssize_t r;
    while ((r = h2_read(s, buf + got, sizeof buf - got)) > 0)
        got += (size_t)r;
    w->v[0] = (int64_t)got;
    w->v[1] = got >= 5 ? buf[0] : -1;
    w->v[2] = got >= 5 ? (int64_t)((uint32_t)buf[1] << 24 | (uint32_t)buf[2] << 16 |
                                   (uint32_t)buf[3] << 8 | buf[4])
                       : -1;
    wt_msg_t *m = wt_msg_new(&wt_schema_all);
    w->v[3] = got > 5 && wt_decode(m, buf + 5, got - 5) == 0 && wt_get(m, 2)->n
                  ? wt_get(m, 2)->v[0].i
                  : -1;
    wt_msg_free(m);
    const h2_header_t *t = h2_trailers(s, &n);
    const char *gs = h2_header_get(t, n, "grpc-status");
    const char *gm = h2_header_get(t, n, "grpc-message");
    snprintf(w->raw[1], sizeof w->raw[1], "%s", gs ? gs : "(none)");
    snprintf(w->raw[2], sizeof w->raw[2], "%s", gm ? gm : "(none)");
    h2_stream_free(s);
}

static void test_the_answer_is_prefixed_messages_then_grpc_status_trailers(void **state)
{
    (void)state;
    wt_world_t w = {.x = (int64_t)ug_rand_below(1u << 20)};
    wt_t_run(&w, wt_t_raw);
    assert_int_equal(0, w.rc[0]);
    assert_int_equal(0, w.rc[1]);
    assert_string_equal("application/grpc", w.raw[0]);
    /* One message: flag 0, length = the bytes after the prefix. */
    int64_t body = (int64_t)(1 + wt_varint_len((uint64_t)(2 * w.x)));
    assert_int_equal(5 + body, w.v[0]);
    assert_int_equal(0, w.v[1]);
    assert_int_equal(body, w.v[2]);
    assert_int_equal(2 * w.x, w.v[3]);
    assert_string_equal("0", w.raw[1]);
    assert_string_equal("(none)", w.raw[2]);
}

static void test_grpc_message_goes_out_percent_encoded(void **state)
{
    (void)state;
    wt_world_t w = {.x = -1 - (int64_t)ug_rand_below(1000)};
    wt_t_run(&w, wt_t_raw);
    assert_int_equal(0, w.rc[1]);
    assert_int_equal(0, w.v[0]); /* no message */
    assert_string_equal("5", w.raw[1]);
    char want[96];
    snprintf(want, sizeof want, "no such key: caf%%C3%%A9 100%%25 %lld", (long long)w.x);
    assert_string_equal(want, w.raw[2]);
}

UG_TEST_GROUP(
    wire_calls, NULL, NULL, cmocka_unit_test(test_a_unary_call_returns_the_response_and_status_ok),
    cmocka_unit_test(test_a_message_larger_than_a_data_frame_round_trips),
    cmocka_unit_test(test_an_error_status_and_its_message_reach_the_client),
    cmocka_unit_test(test_an_unknown_method_is_unimplemented_and_the_conn_goes_on),
    cmocka_unit_test(test_a_server_stream_delivers_every_message_in_order_then_the_status),
    cmocka_unit_test(test_the_answer_is_prefixed_messages_then_grpc_status_trailers),
    cmocka_unit_test(test_grpc_message_goes_out_percent_encoded));
