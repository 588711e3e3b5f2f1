/*
 * chain.c — tests of the four chains: the order of the way in and out for
 * chains of 0, 1, 3 and 20, short circuits, stream wrappers, and
 * grpc.UnaryInterceptor running outside ChainUnaryInterceptor's chain.
 *
 * Interceptor ids are drawn from the seed, so a trace is this run's; the
 * expected trace is built beside it: ">id1 ... >idN H <idN ... <id1 ".
 *
 * Interface: ic_*_run with tracing interceptors (ic_test.h) → trace.
 */
#include "ic_test.h"

#define MAXN 20

static const size_t sizes[] = {0, 1, 3, 20};

/* ids base+1..base+n; want: the onion around "H ". */
static void onion(tr_t *x, trace_t *t, size_t n, int base, trace_t *want)
{
    trace_reset(want);
    for (size_t i = 0; i < n; i++) {
        x[i] = (tr_t){t, base + (int)i + 1, 0};
        trace_add(want, ">%d ", x[i].id);
    }
    trace_add(want, "H ", 0);
    for (size_t i = n; i-- > 0;)
        trace_add(want, "<%d ", x[i].id);
}

static void test_unary_server_chains_of_0_1_3_and_20_run_the_first_given_outermost(void **state)
{
    (void)state;
    int base = (int)ug_rand_below(1000);
    for (size_t k = 0; k < 4; k++) {
        size_t n = sizes[k];
        tr_t x[MAXN];
        trace_t t, want;
        trace_reset(&t);
        onion(x, &t, n, base, &want);
        ic_unary_server_int_t ints[MAXN];
        for (size_t i = 0; i < n; i++)
            ints[i] = (ic_unary_server_int_t){tr_unary_server, &x[i]};
        ic_call_t call;
        ic_call_init(&call, NULL);
        ic_buf_t req = ic_buf_str("a"), resp = {.len = 0};
        ic_server_info_t info = {"/svc/M", NULL};
        assert_int_equal(IC_OK, ic_unary_server_run(ints, n, &call, &req, &resp, &info,
                                                    (ic_unary_handler_t){tr_handler, &t}));
        assert_string_equal(want.buf, t.buf);
        assert_int_equal('b', resp.data[0]);
    }
}

static int invoker(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
                   ic_conn_t *cc, void *ud)
{
    (void)cc, (void)method;
    return tr_handler(call, req, resp, ud);
}

static void test_unary_client_chains_of_0_1_3_and_20_run_the_first_given_outermost(void **state)
{
    (void)state;
    int base = (int)ug_rand_below(1000);
    for (size_t k = 0; k < 4; k++) {
        size_t n = sizes[k];
        tr_t x[MAXN];
        trace_t t, want;
        trace_reset(&t);
        onion(x, &t, n, base, &want);
        ic_unary_client_int_t ints[MAXN];
        for (size_t i = 0; i < n; i++)
            ints[i] = (ic_unary_client_int_t){tr_unary_client, &x[i]};
        ic_call_t call;
        ic_call_init(&call, NULL);
        ic_buf_t req = ic_buf_str("x"), resp = {.len = 0};
        assert_int_equal(IC_OK, ic_unary_client_run(ints, n, &call, "/svc/M", &req, &resp, NULL,
                                                    (ic_invoker_t){invoker, &t}));
        assert_string_equal(want.buf, t.buf);
        assert_int_equal('y', resp.data[0]);
    }
}

static int stream_handler(ic_stream_t *ss, void *ud)
{
    trace_add(ud, "H ", 0);
    ic_buf_t m;
    int code;
    while ((code = ic_stream_recv(ss, &m)) == IC_OK)
        if ((code = ic_stream_send(ss, &m)) != IC_OK)
            return code;
    return code == IC_EOF ? IC_OK : code;
}

typedef struct opener {
    trace_t *t;
    ic_memstream_t ms;
} opener_t;

static int streamer(ic_call_t *call, const ic_stream_info_t *desc, ic_conn_t *cc,
                    const char *method, ic_stream_t **out, void *ud)
{
    (void)desc, (void)cc, (void)method;
    opener_t *o = ud;
    trace_add(o->t, "H ", 0);
    ic_memstream_init(&o->ms, call, NULL, 0, NULL, 0);
    *out = &o->ms.s;
    return IC_OK;
}

static void test_stream_server_and_client_chains_run_the_first_given_outermost(void **state)
{
    (void)state;
    int base = (int)ug_rand_below(1000);
    ic_stream_info_t info = {"/svc/S", true, true};
    for (size_t k = 0; k < 4; k++) {
        size_t n = sizes[k];
        tr_t x[MAXN];
        trace_t t, want;
        trace_reset(&t);
        onion(x, &t, n, base, &want);
        ic_stream_server_int_t ints[MAXN];
        for (size_t i = 0; i < n; i++)
            ints[i] = (ic_stream_server_int_t){tr_stream_server, &x[i]};
        ic_call_t call;
        ic_call_init(&call, NULL);
        ic_buf_t in[2] = {ic_buf_str("p"), ic_buf_str("q")}, out[2];
        ic_memstream_t ms;
        ic_memstream_init(&ms, &call, in, 2, out, 2);
        assert_int_equal(IC_OK, ic_stream_server_run(ints, n, &ms.s, &info,
                                                     (ic_stream_handler_t){stream_handler, &t}));
        assert_string_equal(want.buf, t.buf);
        assert_int_equal(2, ms.nsent);

        ic_stream_client_int_t cints[MAXN];
        for (size_t i = 0; i < n; i++)
            cints[i] = (ic_stream_client_int_t){tr_stream_client, &x[i]};
        trace_reset(&t);
        opener_t o = {.t = &t};
        ic_stream_t *s = NULL;
        assert_int_equal(IC_OK, ic_stream_client_run(cints, n, &call, &info, NULL, "/svc/S", &s,
                                                     (ic_streamer_t){streamer, &o}));
        assert_string_equal(want.buf, t.buf);
        assert_ptr_equal(&o.ms.s, s);
    }
}

/* Interceptor k of 5 stops with a seeded code: the ones before it run in
 * and out, it returns its code, nothing after it runs. */
static void test_an_interceptor_that_does_not_call_its_handler_short_circuits_the_rest(void **state)
{
    (void)state;
    size_t k = ug_rand_below(5);
    int code = 1 + (int)ug_rand_below(16);
    tr_t x[5];
    trace_t t, want;
    trace_reset(&t), trace_reset(&want);
    ic_unary_server_int_t si[5];
    ic_unary_client_int_t ci[5];
    for (size_t i = 0; i < 5; i++) {
        x[i] = (tr_t){&t, (int)i + 1, i == k ? code : 0};
        si[i] = (ic_unary_server_int_t){tr_unary_server, &x[i]};
        ci[i] = (ic_unary_client_int_t){tr_unary_client, &x[i]};
    }
    for (size_t i = 0; i < k; i++)
        trace_add(&want, ">%d ", (int)i + 1);
    trace_add(&want, "!%d ", (int)k + 1);
    for (size_t i = k; i-- > 0;)
        trace_add(&want, "<%d ", (int)i + 1);

    ic_call_t call;
    ic_call_init(&call, NULL);
    ic_buf_t req = ic_buf_str("a"), resp = {.len = 0};
    ic_server_info_t info = {"/svc/M", NULL};
    assert_int_equal(code, ic_unary_server_run(si, 5, &call, &req, &resp, &info,
                                               (ic_unary_handler_t){tr_handler, &t}));
    assert_string_equal(want.buf, t.buf);
    char msg[32];
    snprintf(msg, sizeof msg, "stopped by %d", (int)k + 1);
    assert_string_equal(msg, call.msg);
    assert_int_equal(0, resp.len);

    trace_reset(&t);
    assert_int_equal(code, ic_unary_client_run(ci, 5, &call, "/svc/M", &req, &resp, NULL,
                                               (ic_invoker_t){invoker, &t}));
    assert_string_equal(want.buf, t.buf);
}

/* A wrapper stream: counts and tags every message on its way through. */
typedef struct wrap {
    ic_stream_t s;
    char tag;
    int sent, received;
} wrap_t;

static int wrap_send(ic_stream_t *s, const ic_buf_t *m)
{
    wrap_t *w = s->ud;
    ic_buf_t copy = *m;
    copy.data[copy.len++] = (uint8_t)w->tag;
    w->sent++;
    return ic_stream_send(s->inner, &copy);
}

static int wrap_recv(ic_stream_t *s, ic_buf_t *m)
{
    wrap_t *w = s->ud;
    int code = ic_stream_recv(s->inner, m);
    if (code == IC_OK) {
        w->received++;
        m->data[m->len++] = (uint8_t)(w->tag - 'a' + 'A');
    }
    return code;
}

static const ic_stream_ops_t wrap_ops = {wrap_send, wrap_recv};

static int wrapping_server(ic_stream_t *ss, const ic_stream_info_t *info, ic_stream_handler_t h,
                           void *ud)
{
    (void)info;
    wrap_t *w = ud;
    w->s = (ic_stream_t){&wrap_ops, ss, ss->call, w};
    return h.fn(&w->s, h.ud);
}

static int wrapping_client(ic_call_t *call, const ic_stream_info_t *desc, ic_conn_t *cc,
                           const char *method, ic_streamer_t st, ic_stream_t **out, void *ud)
{
    wrap_t *w = ud;
    ic_stream_t *inner;
    int code = st.fn(call, desc, cc, method, &inner, st.ud);
    if (code)
        return code;
    w->s = (ic_stream_t){&wrap_ops, inner, call, w};
    *out = &w->s;
    return IC_OK;
}

/* Two wrappers, the first outermost, so the second wraps the first: a
 * received message passes the first, then the second ("mAB"); a sent one
 * the second, then the first ("mABba", the handler echoes). */
static void test_a_stream_wrapper_sees_every_message_sent_and_received(void **state)
{
    (void)state;
    size_t n = 1 + ug_rand_below(4);
    ic_buf_t in[4], out[4];
    for (size_t i = 0; i < n; i++) {
        in[i].len = 1;
        in[i].data[0] = (uint8_t)('0' + ug_rand_below(10));
    }
    wrap_t w[2] = {{.tag = 'a'}, {.tag = 'b'}};
    ic_stream_server_int_t ints[2] = {{wrapping_server, &w[0]}, {wrapping_server, &w[1]}};
    ic_call_t call;
    ic_call_init(&call, NULL);
    ic_memstream_t ms;
    ic_memstream_init(&ms, &call, in, n, out, 4);
    ic_stream_info_t info = {"/svc/Echo", true, true};
    trace_t t;
    trace_reset(&t);
    assert_int_equal(IC_OK, ic_stream_server_run(ints, 2, &ms.s, &info,
                                                 (ic_stream_handler_t){stream_handler, &t}));
    assert_int_equal(n, ms.nsent);
    for (size_t i = 0; i < n; i++) {
        char want[6] = {(char)in[i].data[0], 'A', 'B', 'b', 'a', 0};
        out[i].data[out[i].len] = 0;
        assert_string_equal(want, (char *)out[i].data);
    }
    assert_int_equal((int)n, w[0].sent);
    assert_int_equal((int)n, w[1].received);

    /* Client side: the outer wrapper is what the caller gets. */
    opener_t o = {.t = &t};
    ic_memstream_init(&o.ms, &call, in, n, out, 4);
    ic_stream_client_int_t cints[2] = {{wrapping_client, &w[0]}, {wrapping_client, &w[1]}};
    ic_stream_t *s = NULL;
    assert_int_equal(IC_OK, ic_stream_client_run(cints, 2, &call, &info, NULL, "/svc/Echo", &s,
                                                 (ic_streamer_t){streamer, &o}));
    assert_ptr_equal(&w[0].s, s);
    assert_ptr_equal(&w[1].s, s->inner);
    assert_ptr_equal(&o.ms.s, s->inner->inner);
}

typedef struct outer_world {
    ic_server_t srv;
    trace_t t;
    tr_t x[4];
    int code;
    ic_buf_t resp;
} outer_world_t;

static void outer_body(void *arg)
{
    outer_world_t *w = arg;
    ic_call_t call;
    ic_call_init(&call, ctx_background());
    ic_buf_t req = ic_buf_str("k");
    w->code = ic_inproc_invoke(&call, "/svc/M", &req, &w->resp, NULL, &w->srv);
}

/* grpc.UnaryInterceptor(u) with ChainUnaryInterceptor(c1, c2, c3): u runs
 * first, then the chain in order. */
static void test_the_unary_interceptor_option_runs_outside_the_chain(void **state)
{
    (void)state;
    outer_world_t w = {0};
    int base = (int)ug_rand_below(1000);
    trace_reset(&w.t);
    for (int i = 0; i < 4; i++)
        w.x[i] = (tr_t){&w.t, base + i, 0};
    w.srv.methods[0] = (ic_method_t){"/svc/M", {tr_handler, &w.t}};
    w.srv.nmethods = 1;
    w.srv.unary = (ic_unary_server_int_t){tr_unary_server, &w.x[0]};
    for (int i = 1; i < 4; i++)
        w.srv.chain[w.srv.nchain++] = (ic_unary_server_int_t){tr_unary_server, &w.x[i]};
    ic_test_run(outer_body, &w);
    trace_t want;
    trace_reset(&want);
    for (int i = 0; i < 4; i++)
        trace_add(&want, ">%d ", base + i);
    trace_add(&want, "H ", 0);
    for (int i = 4; i-- > 0;)
        trace_add(&want, "<%d ", base + i);
    assert_int_equal(IC_OK, w.code);
    assert_string_equal(want.buf, w.t.buf);
    assert_int_equal('l', w.resp.data[0]);
}

UG_TEST_GROUP(
    interceptor_chain, NULL, NULL,
    cmocka_unit_test(test_unary_server_chains_of_0_1_3_and_20_run_the_first_given_outermost),
    cmocka_unit_test(test_unary_client_chains_of_0_1_3_and_20_run_the_first_given_outermost),
    cmocka_unit_test(test_stream_server_and_client_chains_run_the_first_given_outermost),
    cmocka_unit_test(test_an_interceptor_that_does_not_call_its_handler_short_circuits_the_rest),
    cmocka_unit_test(test_a_stream_wrapper_sees_every_message_sent_and_received),
    cmocka_unit_test(test_the_unary_interceptor_option_runs_outside_the_chain));
