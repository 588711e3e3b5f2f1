/*
 * ic_bench.c — what a chain costs per call, in process: a unary call
 * through 0 and through 5 pass-through interceptors to a handler that
 * copies a 16-byte request, and a stream chain of 5 wrappers around one
 * SendMsg. benchmarks/interceptor/ times grpc-go's own chain the same way.
 *
 * Interface: UG_BENCH bodies calling ic_unary_server_run /
 * ic_stream_server_run directly (no runtime: no context is needed).
 */
#include <string.h>
#include <undergo/bench.h>

#include "interceptor.h"

static volatile int sink;

static int pass(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
                ic_unary_handler_t h, void *ud)
{
    (void)info, (void)ud;
    return h.fn(call, req, resp, h.ud);
}

static int handler(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    (void)call, (void)ud;
    memcpy(resp->data, req->data, req->len);
    resp->len = req->len;
    return IC_OK;
}

static void unary(ug_bench_t *b, size_t n)
{
    static ic_call_t call;
    static ic_buf_t req = {.data = "0123456789abcdef", .len = 16}, resp;
    ic_unary_server_int_t ints[5];
    for (size_t i = 0; i < 5; i++)
        ints[i] = (ic_unary_server_int_t){pass, NULL};
    ic_server_info_t info = {"/bench.Svc/Echo", NULL};
    ic_call_init(&call, NULL);
    for (uint64_t i = 0; i < b->n; i++)
        sink += ic_unary_server_run(ints, n, &call, &req, &resp, &info,
                                    (ic_unary_handler_t){handler, NULL});
}

UG_BENCH(BenchmarkUnaryChain0)
{
    unary(b, 0);
}
UG_BENCH(BenchmarkUnaryChain5)
{
    unary(b, 5);
}

static int null_send(ic_stream_t *s, const ic_buf_t *m)
{
    (void)s;
    return (int)(m->len & 0);
}

static int null_recv(ic_stream_t *s, ic_buf_t *m)
{
    (void)s, (void)m;
    return IC_EOF;
}

static const ic_stream_ops_t null_ops = {null_send, null_recv};

static int stream_pass(ic_stream_t *ss, const ic_stream_info_t *info, ic_stream_handler_t h,
                       void *ud)
{
    (void)info, (void)ud;
    return h.fn(ss, h.ud);
}

static int send_one(ic_stream_t *ss, void *ud)
{
    return ic_stream_send(ss, ud);
}

UG_BENCH(BenchmarkStreamChain5)
{
    static ic_call_t call;
    static ic_buf_t m = {.data = "0123456789abcdef", .len = 16};
    ic_call_init(&call, NULL);
    ic_stream_t s = {&null_ops, NULL, &call, NULL};
    ic_stream_server_int_t ints[5];
    for (size_t i = 0; i < 5; i++)
        ints[i] = (ic_stream_server_int_t){stream_pass, NULL};
    ic_stream_info_t info = {"/bench.Svc/Stream", true, true};
    for (uint64_t i = 0; i < b->n; i++)
        sink += ic_stream_server_run(ints, 5, &s, &info, (ic_stream_handler_t){send_one, &m});
}
