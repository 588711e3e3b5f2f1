/*
 * ic_chain.c — calls, status messages and the four chains.
 *
 * grpc-go chains interceptors with closures: the handler handed to
 * interceptor i runs interceptor i+1 with a handler for i+2, and so on,
 * and the last one is handed the real handler. Here a closure is a link on
 * the stack of the call it belongs to: {the chain, the position, the real
 * handler}; the handler handed down is link_next with that link as ud.
 *
 * Interface: ic_unary_server_run, ic_unary_client_run, ic_stream_server_run,
 * ic_stream_client_run; ic_call_init, ic_error, ic_stream_send/recv.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "interceptor.h"

#if LAB_SOLUTION

void ic_call_init(ic_call_t *call, ctx_t *ctx)
{
    memset(call, 0, sizeof *call);
    call->ctx = ctx;
}

int ic_error(ic_call_t *call, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(call->msg, sizeof call->msg, fmt, ap);
    va_end(ap);
    return code;
}

int ic_stream_send(ic_stream_t *s, const ic_buf_t *m)
{
    return s->ops->send(s, m);
}
int ic_stream_recv(ic_stream_t *s, ic_buf_t *m)
{
    return s->ops->recv(s, m);
}

/* ---- unary server ---- */

typedef struct us_link {
    const ic_unary_server_int_t *ints;
    size_t n, next; /* the interceptor the handler handed down runs */
    const ic_server_info_t *info;
    ic_unary_handler_t final;
} us_link_t;

static int us_next(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    const us_link_t *l = ud;
    if (l->next == l->n)
        return l->final.fn(call, req, resp, l->final.ud);
    us_link_t down = *l;
    down.next++;
    const ic_unary_server_int_t *i = &l->ints[l->next];
    return i->fn(call, req, resp, l->info, (ic_unary_handler_t){us_next, &down}, i->ud);
}

int ic_unary_server_run(const ic_unary_server_int_t *ints, size_t n, ic_call_t *call,
                        const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
                        ic_unary_handler_t handler)
{
    us_link_t l = {ints, n, 0, info, handler};
    return us_next(call, req, resp, &l);
}

/* ---- unary client ---- */

typedef struct uc_link {
    const ic_unary_client_int_t *ints;
    size_t n, next;
    ic_invoker_t final;
} uc_link_t;

static int uc_next(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
                   ic_conn_t *cc, void *ud)
{
    const uc_link_t *l = ud;
    if (l->next == l->n)
        return l->final.fn(call, method, req, resp, cc, l->final.ud);
    uc_link_t down = *l;
    down.next++;
    const ic_unary_client_int_t *i = &l->ints[l->next];
    return i->fn(call, method, req, resp, cc, (ic_invoker_t){uc_next, &down}, i->ud);
}

int ic_unary_client_run(const ic_unary_client_int_t *ints, size_t n, ic_call_t *call,
                        const char *method, const ic_buf_t *req, ic_buf_t *resp, ic_conn_t *cc,
                        ic_invoker_t invoker)
{
    uc_link_t l = {ints, n, 0, invoker};
    return uc_next(call, method, req, resp, cc, &l);
}

/* ---- stream server ---- */

typedef struct ss_link {
    const ic_stream_server_int_t *ints;
    size_t n, next;
    const ic_stream_info_t *info;
    ic_stream_handler_t final;
} ss_link_t;

static int ss_next(ic_stream_t *ss, void *ud)
{
    const ss_link_t *l = ud;
    if (l->next == l->n)
        return l->final.fn(ss, l->final.ud);
    ss_link_t down = *l;
    down.next++;
    const ic_stream_server_int_t *i = &l->ints[l->next];
    return i->fn(ss, l->info, (ic_stream_handler_t){ss_next, &down}, i->ud);
}

int ic_stream_server_run(const ic_stream_server_int_t *ints, size_t n, ic_stream_t *ss,
                         const ic_stream_info_t *info, ic_stream_handler_t handler)
{
    ss_link_t l = {ints, n, 0, info, handler};
    return ss_next(ss, &l);
}

/* ---- stream client ---- */

typedef struct sc_link {
    const ic_stream_client_int_t *ints;
    size_t n, next;
    ic_streamer_t final;
} sc_link_t;

static int sc_next(ic_call_t *call, const ic_stream_info_t *desc, ic_conn_t *cc, const char *method,
                   ic_stream_t **out, void *ud)
{
    const sc_link_t *l = ud;
    if (l->next == l->n)
        return l->final.fn(call, desc, cc, method, out, l->final.ud);
    sc_link_t down = *l;
    down.next++;
    const ic_stream_client_int_t *i = &l->ints[l->next];
    return i->fn(call, desc, cc, method, (ic_streamer_t){sc_next, &down}, out, i->ud);
}

int ic_stream_client_run(const ic_stream_client_int_t *ints, size_t n, ic_call_t *call,
                         const ic_stream_info_t *desc, ic_conn_t *cc, const char *method,
                         ic_stream_t **out, ic_streamer_t streamer)
{
    sc_link_t l = {ints, n, 0, streamer};
    return sc_next(call, desc, cc, method, out, &l);
}

#else

void ic_call_init(ic_call_t *call, ctx_t *ctx)
{
    memset(call, 0, sizeof *call);
    call->ctx = ctx;
}

int ic_error(ic_call_t *call, int code, const char *fmt, ...)
{
    (void)call, (void)code, (void)fmt;
    return IC_UNIMPLEMENTED;
}

int ic_stream_send(ic_stream_t *s, const ic_buf_t *m)
{
    (void)s, (void)m;
    return IC_UNIMPLEMENTED;
}

int ic_stream_recv(ic_stream_t *s, ic_buf_t *m)
{
    (void)s, (void)m;
    return IC_UNIMPLEMENTED;
}

int ic_unary_server_run(const ic_unary_server_int_t *ints, size_t n, ic_call_t *call,
                        const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
                        ic_unary_handler_t handler)
{
    (void)ints, (void)n, (void)call, (void)req, (void)resp, (void)info, (void)handler;
    return IC_UNIMPLEMENTED;
}

int ic_unary_client_run(const ic_unary_client_int_t *ints, size_t n, ic_call_t *call,
                        const char *method, const ic_buf_t *req, ic_buf_t *resp, ic_conn_t *cc,
                        ic_invoker_t invoker)
{
    (void)ints, (void)n, (void)call, (void)method, (void)req, (void)resp, (void)cc, (void)invoker;
    return IC_UNIMPLEMENTED;
}

int ic_stream_server_run(const ic_stream_server_int_t *ints, size_t n, ic_stream_t *ss,
                         const ic_stream_info_t *info, ic_stream_handler_t handler)
{
    (void)ints, (void)n, (void)ss, (void)info, (void)handler;
    return IC_UNIMPLEMENTED;
}

int ic_stream_client_run(const ic_stream_client_int_t *ints, size_t n, ic_call_t *call,
                         const ic_stream_info_t *desc, ic_conn_t *cc, const char *method,
                         ic_stream_t **out, ic_streamer_t streamer)
{
    (void)ints, (void)n, (void)call, (void)desc, (void)cc, (void)method, (void)out, (void)streamer;
    return IC_UNIMPLEMENTED;
}

#endif
