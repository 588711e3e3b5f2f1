/*
 * h2.c — tests of the call layer over HTTP/2 (libs/h2) on the simulated
 * network: a client chain and a server chain at the two ends of one
 * connection, metadata, status and deadline on the wire.
 *
 * The server host runs h2_serve with ic_h2_handler; the client host dials
 * it, opens one h2 connection and makes its calls through ic_h2_invoke.
 * Links have simnet's default 1 ms latency; the clock stands still while
 * tasks run, so instants are exact.
 *
 * Interface: world_run(w) → w's results.
 */
#include <errno.h>
#include <undergo/h2.h>
#include <undergo/simnet.h>

#include "ic_test.h"

typedef struct hw {
    ic_server_t srv;
    void (*client)(struct hw *w, h2_conn_t *h);
    chan_t *ready, *done;
    /* results */
    int code[4];
    char msg[4][IC_STATUS_MSG];
    ic_call_t call;
    ic_buf_t resp;
    int64_t returned, remaining;
    uint8_t bin[24];
    size_t nbin;
    char token[24];
    trace_t t;
} hw_t;

static void hw_server(void *arg)
{
    hw_t *w = arg;
    listener_t *l;
    conn_t *c;
    net_listen("tcp", ":80", &l);
    chan_send(w->ready, NULL);
    if (listener_accept(l, &c) == 0)
        h2_serve(c, ic_h2_handler, &w->srv);
    listener_close(l);
    listener_free(l);
    chan_send(w->done, NULL);
}

static void hw_client(void *arg)
{
    hw_t *w = arg;
    conn_t *c;
    h2_conn_t *h;
    if (net_dial("tcp", "srv:80", &c) == 0 && h2_client(c, &h) == 0) {
        w->client(w, h);
        h2_close(h);
        h2_free(h);
    }
    chan_send(w->done, NULL);
}

static void hw_main(void *arg)
{
    hw_t *w = arg;
    simnet_t *n;
    simhost_t *sh, *ch;
    chan_make(0, 1, &w->ready);
    chan_make(0, 2, &w->done);
    simnet_new(NULL, &n);
    simnet_host_add(n, "srv", &sh);
    simnet_host_add(n, "cli", &ch);
    simhost_spawn(sh, hw_server, w, NULL);
    chan_recv(w->ready, NULL, NULL);
    simhost_spawn(ch, hw_client, w, NULL);
    chan_recv(w->done, NULL, NULL);
    chan_recv(w->done, NULL, NULL);
    simnet_free(n);
    chan_free(w->ready);
    chan_free(w->done);
}

/* Echoes the request, x-bin into the header, the token into the trailer;
 * a request starting with a code byte other than 0 fails with that code. */
static int echo(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    (void)ud;
    size_t len;
    const void *v = ic_md_get(&call->md, "x-bin", 0, &len);
    if (v)
        ic_md_append(&call->header, "x-bin", v, len);
    v = ic_md_get(&call->md, "authorization", 0, &len);
    if (v)
        ic_md_append(&call->trailer, "seen-auth", v, len);
    if (req->len && req->data[0])
        return ic_error(call, req->data[0], "échec %d: 100%%", req->data[0]);
    *resp = *req;
    return IC_OK;
}

static void echo_client(hw_t *w, h2_conn_t *h)
{
    tr_t x[2] = {{&w->t, 1, 0}, {&w->t, 2, 0}};
    ic_unary_client_int_t ints[2] = {{tr_unary_client, &x[0]}, {tr_unary_client, &x[1]}};
    ic_call_init(&w->call, ctx_background());
    ic_md_append(&w->call.md, "X-Bin", w->bin, w->nbin);
    char auth[40];
    snprintf(auth, sizeof auth, "Bearer %s", w->token);
    ic_md_append(&w->call.md, "authorization", auth, strlen(auth));
    ic_buf_t req = {.data = {0, 'h', 'i'}, .len = 3};
    w->code[0] = ic_unary_client_run(ints, 2, &w->call, "/svc/Echo", &req, &w->resp, NULL,
                                     (ic_invoker_t){ic_h2_invoke, h});
    for (int i = 1; i < 4; i++) {
        ic_call_t call;
        ic_call_init(&call, ctx_background());
        ic_md_append(&call.md, "authorization", auth, strlen(auth));
        ic_buf_t r = {.data = {(uint8_t)(i == 3 ? 0 : 1 + ug_rand_below(16))}, .len = 1}, resp;
        const char *m = i == 2 ? "/svc/Nope" : "/svc/Echo";
        if (i == 3)
            call.md.n = 0; /* no token */
        w->code[i] = ic_h2_invoke(&call, m, &r, &resp, NULL, h);
        if (i == 1)
            w->code[i] = w->code[i] << 8 | r.data[0];
        memcpy(w->msg[i], call.msg, IC_STATUS_MSG);
    }
}

static void
test_calls_over_http2_carry_messages_metadata_and_status_through_both_chains(void **state)
{
    (void)state;
    static hw_t w;
    memset(&w, 0, sizeof w);
    w.nbin = 1 + ug_rand_below(sizeof w.bin - 1);
    for (size_t i = 0; i < w.nbin; i++)
        w.bin[i] = (uint8_t)ug_rand();
    snprintf(w.token, sizeof w.token, "t%llu", (unsigned long long)ug_rand_below(100000));
    trace_reset(&w.t);
    w.srv.methods[0] = (ic_method_t){"/svc/Echo", {echo, NULL}};
    w.srv.nmethods = 1;
    w.srv.chain[0] = (ic_unary_server_int_t){ic_auth, w.token};
    w.srv.nchain = 1;
    w.client = echo_client;
    ic_test_run(hw_main, &w);
    assert_int_equal(IC_OK, w.code[0]);
    assert_string_equal(">1 >2 <2 <1 ", w.t.buf);
    assert_int_equal(3, w.resp.len);
    assert_memory_equal("\0hi", w.resp.data, 3);
    size_t len = 0;
    const void *v = ic_md_get(&w.call.header, "x-bin", 0, &len);
    assert_int_equal(w.nbin, len);
    assert_memory_equal(w.bin, v, len);
    char auth[40];
    snprintf(auth, sizeof auth, "Bearer %s", w.token);
    v = ic_md_get(&w.call.trailer, "seen-auth", 0, &len);
    assert_int_equal(strlen(auth), len);
    assert_memory_equal(auth, v, len);
    int code = w.code[1] >> 8, sent = w.code[1] & 0xff;
    char want[64];
    snprintf(want, sizeof want, "échec %d: 100%%", sent);
    assert_int_equal(sent, code);
    assert_string_equal(want, w.msg[1]);
    assert_int_equal(IC_UNIMPLEMENTED, w.code[2]);
    assert_string_equal("unknown method /svc/Nope", w.msg[2]);
    assert_int_equal(IC_UNAUTHENTICATED, w.code[3]);
    assert_string_equal("missing bearer token", w.msg[3]);
}

static int slow(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    hw_t *w = ud;
    int64_t when;
    w->remaining = ctx_deadline(call->ctx, &when) == 0 ? when - clock_now() : -1;
    chan_recv(ctx_done(call->ctx), NULL, NULL);
    *resp = *req;
    return ic_error(call, IC_DEADLINE_EXCEEDED, "handler gave up");
}

static void slow_client(hw_t *w, h2_conn_t *h)
{
    int64_t t = (int64_t)w->nbin * CLOCK_MS;
    ic_unary_client_int_t ti = {ic_timeout, &t};
    ic_call_init(&w->call, ctx_background());
    ic_buf_t req = {.data = {0}, .len = 1};
    int64_t t0 = clock_now();
    w->code[0] = ic_unary_client_run(&ti, 1, &w->call, "/svc/Slow", &req, &w->resp, NULL,
                                     (ic_invoker_t){ic_h2_invoke, h});
    w->returned = clock_now() - t0;
    memcpy(w->msg[0], w->call.msg, IC_STATUS_MSG);
    clock_sleep(t + 10 * CLOCK_MS); /* let the server's side end */
}

static void
test_a_deadline_goes_as_grpc_timeout_and_the_client_gives_up_at_its_instant(void **state)
{
    (void)state;
    static hw_t w;
    memset(&w, 0, sizeof w);
    w.nbin = 5 + ug_rand_below(500); /* the timeout in ms */
    w.srv.methods[0] = (ic_method_t){"/svc/Slow", {slow, &w}};
    w.srv.nmethods = 1;
    w.client = slow_client;
    ic_test_run(hw_main, &w);
    assert_int_equal(IC_DEADLINE_EXCEEDED, w.code[0]);
    assert_string_equal("context deadline exceeded", w.msg[0]);
    assert_int_equal((int64_t)w.nbin * CLOCK_MS, w.returned);
    assert_int_equal((int64_t)w.nbin * CLOCK_MS, w.remaining);
}

UG_TEST_GROUP(
    interceptor_h2, NULL, NULL,
    cmocka_unit_test(test_calls_over_http2_carry_messages_metadata_and_status_through_both_chains),
    cmocka_unit_test(test_a_deadline_goes_as_grpc_timeout_and_the_client_gives_up_at_its_instant));
