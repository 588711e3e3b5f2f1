/*
 * ic_test.h — what the interceptor tests share: a trace that interceptors
 * write as they go in and out, tracing interceptors of the four kinds, and
 * a runner that puts a test body in a task on a virtual clock that stands
 * still while tasks run (time moves only by sleeps and timers, so instants
 * are exact).
 *
 * A tracing interceptor's ud is a tr_t: it appends ">ID " before it calls
 * its handler and "<ID " after; with stop set it appends "!ID " and returns
 * stop's code without calling it (a short circuit). Handlers append "H ".
 *
 * Interface: tr_reset → interceptors/handlers with &tr_t → run → trace.buf;
 * ic_test_run(body, arg).
 */
#ifndef IC_TEST_H
#define IC_TEST_H

#include <stdio.h>
#include <string.h>
#include <undergo/labtest.h>

#include "interceptor.h"

typedef struct trace {
    char buf[2048];
    size_t len;
} trace_t;

static inline void trace_add(trace_t *t, const char *fmt, int id)
{
    int w = snprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, id);
    if (w > 0 && (size_t)w < sizeof t->buf - t->len)
        t->len += (size_t)w;
}

static inline void trace_reset(trace_t *t)
{
    t->len = 0;
    t->buf[0] = '\0';
}

typedef struct tr {
    trace_t *t;
    int id;
    int stop; /* nonzero: short-circuit with this code */
} tr_t;

static inline int tr_unary_server(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp,
                                  const ic_server_info_t *info, ic_unary_handler_t h, void *ud)
{
    (void)info;
    tr_t *x = ud;
    if (x->stop) {
        trace_add(x->t, "!%d ", x->id);
        return ic_error(call, x->stop, "stopped by %d", x->id);
    }
    trace_add(x->t, ">%d ", x->id);
    int code = h.fn(call, req, resp, h.ud);
    trace_add(x->t, "<%d ", x->id);
    return code;
}

static inline int tr_unary_client(ic_call_t *call, const char *method, const ic_buf_t *req,
                                  ic_buf_t *resp, ic_conn_t *cc, ic_invoker_t inv, void *ud)
{
    tr_t *x = ud;
    if (x->stop) {
        trace_add(x->t, "!%d ", x->id);
        return ic_error(call, x->stop, "stopped by %d", x->id);
    }
    trace_add(x->t, ">%d ", x->id);
    int code = inv.fn(call, method, req, resp, cc, inv.ud);
    trace_add(x->t, "<%d ", x->id);
    return code;
}

static inline int tr_stream_server(ic_stream_t *ss, const ic_stream_info_t *info,
                                   ic_stream_handler_t h, void *ud)
{
    (void)info;
    tr_t *x = ud;
    if (x->stop) {
        trace_add(x->t, "!%d ", x->id);
        return x->stop;
    }
    trace_add(x->t, ">%d ", x->id);
    int code = h.fn(ss, h.ud);
    trace_add(x->t, "<%d ", x->id);
    return code;
}

static inline int tr_stream_client(ic_call_t *call, const ic_stream_info_t *desc, ic_conn_t *cc,
                                   const char *method, ic_streamer_t st, ic_stream_t **out,
                                   void *ud)
{
    tr_t *x = ud;
    if (x->stop) {
        trace_add(x->t, "!%d ", x->id);
        return x->stop;
    }
    trace_add(x->t, ">%d ", x->id);
    int code = st.fn(call, desc, cc, method, out, st.ud);
    trace_add(x->t, "<%d ", x->id);
    return code;
}

/* A handler: "H ", then resp = req with its first byte +1. ud: a trace_t. */
static inline int tr_handler(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    (void)call;
    trace_add(ud, "H ", 0);
    *resp = *req;
    if (resp->len)
        resp->data[0]++;
    return IC_OK;
}

static inline ic_buf_t ic_buf_str(const char *s)
{
    ic_buf_t b;
    b.len = strlen(s);
    memcpy(b.data, s, b.len);
    return b;
}

/* Runs body(arg) as the main task of a FIFO run on a still virtual clock. */
static inline void ic_test_run(void (*body)(void *), void *arg)
{
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .tick = RT_TICK_NONE, .seed = ug_seed()};
    assert_int_equal(0, rt_run(&cfg, body, arg));
}

#endif
