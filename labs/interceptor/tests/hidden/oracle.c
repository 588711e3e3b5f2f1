/*
 * oracle.c — seeded chains against a model of grpc-go's: chains of every
 * length up to 24 whose interceptors pass, short-circuit or rewrite the
 * request and response, on the unary server and client sides; the trace,
 * the code, the message and the response must be what the model computes.
 *
 * Interface: ic_unary_server_run / ic_unary_client_run → trace, compared
 * with model().
 */
#include "../ic_test.h"

#define MAXN 24

typedef struct step {
    int id, stop;
    bool rewrite; /* adds its id to the request's first byte on the way in */
} step_t;

static int rw_server(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp,
                     const ic_server_info_t *info, ic_unary_handler_t h, void *ud)
{
    step_t *s = ud;
    tr_t x = {call->user, s->id, s->stop};
    if (!s->rewrite || s->stop)
        return tr_unary_server(call, req, resp, info, h, &x);
    ic_buf_t mine = *req;
    mine.data[0] = (uint8_t)(mine.data[0] + s->id);
    int code = tr_unary_server(call, &mine, resp, info, h, &x);
    resp->data[resp->len++] = (uint8_t)s->id;
    return code;
}

static int rw_client(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
                     ic_conn_t *cc, ic_invoker_t inv, void *ud)
{
    step_t *s = ud;
    tr_t x = {call->user, s->id, s->stop};
    if (!s->rewrite || s->stop)
        return tr_unary_client(call, method, req, resp, cc, inv, &x);
    ic_buf_t mine = *req;
    mine.data[0] = (uint8_t)(mine.data[0] + s->id);
    int code = tr_unary_client(call, method, &mine, resp, cc, inv, &x);
    resp->data[resp->len++] = (uint8_t)s->id;
    return code;
}

static int inv(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
               ic_conn_t *cc, void *ud)
{
    (void)method, (void)cc;
    return tr_handler(call, req, resp, ud);
}

/* The model: the trace, the code and the response of steps[0..n). */
static int model(const step_t *s, size_t n, trace_t *t, ic_buf_t *resp, uint8_t req0, char *msg)
{
    size_t i = 0;
    int code = IC_OK;
    for (; i < n; i++) {
        if (s[i].stop) {
            trace_add(t, "!%d ", s[i].id);
            snprintf(msg, IC_STATUS_MSG, "stopped by %d", s[i].id);
            code = s[i].stop;
            break;
        }
        trace_add(t, ">%d ", s[i].id);
        if (s[i].rewrite)
            req0 = (uint8_t)(req0 + s[i].id);
    }
    resp->len = 0;
    if (i == n) {
        trace_add(t, "H ", 0);
        resp->data[0] = (uint8_t)(req0 + 1);
        resp->len = 1;
    }
    while (i-- > 0) {
        trace_add(t, "<%d ", s[i].id);
        if (s[i].rewrite)
            resp->data[resp->len++] = (uint8_t)s[i].id;
    }
    return code;
}

static void test_seeded_chains_agree_with_a_model_of_grpc_go_s_chaining(void **state)
{
    (void)state;
    for (int round = 0; round < 40; round++) {
        size_t n = ug_rand_below(MAXN + 1);
        step_t s[MAXN];
        for (size_t i = 0; i < n; i++)
            s[i] = (step_t){1 + (int)ug_rand_below(99),
                            ug_rand_below(6) == 0 ? 1 + (int)ug_rand_below(16) : 0,
                            ug_rand_below(2) == 0};
        trace_t want, got;
        ic_buf_t wresp = {.len = 0}, req = {.data = {(uint8_t)ug_rand()}, .len = 1};
        char wmsg[IC_STATUS_MSG] = "";
        trace_reset(&want);
        int wcode = model(s, n, &want, &wresp, req.data[0], wmsg);
        for (int side = 0; side < 2; side++) {
            ic_unary_server_int_t si[MAXN];
            ic_unary_client_int_t ci[MAXN];
            for (size_t i = 0; i < n; i++) {
                si[i] = (ic_unary_server_int_t){rw_server, &s[i]};
                ci[i] = (ic_unary_client_int_t){rw_client, &s[i]};
            }
            ic_call_t call;
            ic_call_init(&call, NULL);
            call.user = &got;
            trace_reset(&got);
            ic_buf_t resp = {.len = 0};
            ic_server_info_t info = {"/svc/M", NULL};
            int code = side == 0 ? ic_unary_server_run(si, n, &call, &req, &resp, &info,
                                                       (ic_unary_handler_t){tr_handler, &got})
                                 : ic_unary_client_run(ci, n, &call, "/svc/M", &req, &resp, NULL,
                                                       (ic_invoker_t){inv, &got});
            assert_int_equal(wcode, code);
            assert_string_equal(want.buf, got.buf);
            assert_string_equal(wmsg, call.msg);
            assert_int_equal(wresp.len, resp.len);
            assert_memory_equal(wresp.data, resp.data, wresp.len ? wresp.len : 1);
        }
    }
}

UG_TEST_GROUP(interceptor_oracle, NULL, NULL,
              cmocka_unit_test(test_seeded_chains_agree_with_a_model_of_grpc_go_s_chaining));
