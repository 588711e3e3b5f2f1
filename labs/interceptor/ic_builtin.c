/*
 * ic_builtin.c — the interceptors every gRPC service ends up with: logging,
 * recovery, bearer-token auth (server side), a per-call timeout and retry
 * with exponential backoff (client side).
 *
 * Recovery is grpc-ecosystem's: the handler runs under ic_protect, and a
 * panic becomes INTERNAL with the panic's value as the message, so the
 * server lives on. Retry sleeps on the run's clock and stops early when
 * the call's context ends; only calls marked idempotent are retried, and
 * only on UNAVAILABLE (the server never saw them, or may see them again).
 *
 * Interface: pass as the fn of an ic_unary_server_int_t / ic_stream_server_int_t
 * / ic_unary_client_int_t with the ud each documents.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "interceptor.h"

#if LAB_SOLUTION

static void log_line(const ic_log_t *l, const char *method, int code, int64_t start)
{
    char name[32], line[256];
    ic_code_string(code, name, sizeof name);
    snprintf(line, sizeof line, "grpc: %s %s %lldns", method, name,
             (long long)(clock_now() - start));
    l->log(l->ud, line);
}

int ic_logging(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
               ic_unary_handler_t handler, void *ud)
{
    int64_t start = clock_now();
    int code = handler.fn(call, req, resp, handler.ud);
    log_line(ud, info->method, code, start);
    return code;
}

int ic_logging_stream(ic_stream_t *ss, const ic_stream_info_t *info, ic_stream_handler_t handler,
                      void *ud)
{
    int64_t start = clock_now();
    int code = handler.fn(ss, handler.ud);
    log_line(ud, info->method, code, start);
    return code;
}

typedef struct protected
{
    ic_unary_handler_t uh;
    ic_stream_handler_t sh;
    ic_call_t *call;
    ic_stream_t *ss;
    const ic_buf_t *req;
    ic_buf_t *resp;
    int code;
}
protected_t;

static void run_unary(void *arg)
{
    protected_t *p = arg;
    p->code = p->uh.fn(p->call, p->req, p->resp, p->uh.ud);
}

static void run_stream(void *arg)
{
    protected_t *p = arg;
    p->code = p->sh.fn(p->ss, p->sh.ud);
}

int ic_recovery(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
                ic_unary_handler_t handler, void *ud)
{
    (void)info, (void)ud;
    protected_t p = {.uh = handler, .call = call, .req = req, .resp = resp};
    const char *value = NULL;
    if (ic_protect(run_unary, &p, &value))
        return ic_error(call, IC_INTERNAL, "%s", value ? value : "nil");
    return p.code;
}

int ic_recovery_stream(ic_stream_t *ss, const ic_stream_info_t *info, ic_stream_handler_t handler,
                       void *ud)
{
    (void)info, (void)ud;
    protected_t p = {.sh = handler, .ss = ss};
    const char *value = NULL;
    if (ic_protect(run_stream, &p, &value))
        return ic_error(ss->call, IC_INTERNAL, "%s", value ? value : "nil");
    return p.code;
}

int ic_auth(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
            ic_unary_handler_t handler, void *ud)
{
    (void)info;
    const char *want = ud;
    size_t len;
    const char *v = ic_md_get(&call->md, "authorization", 0, &len);
    if (!v || len < 7 || strncasecmp(v, "bearer ", 7) != 0)
        return ic_error(call, IC_UNAUTHENTICATED, "missing bearer token");
    if (len - 7 != strlen(want) || memcmp(v + 7, want, len - 7) != 0)
        return ic_error(call, IC_UNAUTHENTICATED, "invalid token");
    return handler.fn(call, req, resp, handler.ud);
}

int ic_timeout(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
               ic_conn_t *cc, ic_invoker_t invoker, void *ud)
{
    ctx_t *parent = call->ctx, *c;
    if (ctx_with_timeout(parent, *(const int64_t *)ud, &c))
        return ic_error(call, IC_RESOURCE_EXHAUSTED, "out of memory");
    call->ctx = c;
    int code = invoker.fn(call, method, req, resp, cc, invoker.ud);
    call->ctx = parent;
    ctx_free(c);
    return code;
}

/* Sleeps ns or until call's context ends; returns 0 or the context's code. */
static int retry_wait(ic_call_t *call, int64_t ns)
{
    rt_timer_t *t;
    if (timer_new(ns, &t))
        return ic_error(call, IC_RESOURCE_EXHAUSTED, "out of memory");
    chan_case_t cs[2] = {{timer_chan(t), CHAN_RECV, NULL, false},
                         {ctx_done(call->ctx), CHAN_RECV, NULL, false}};
    int which = chan_select(cs, 2, false);
    timer_stop(t);
    timer_free(t);
    if (which == 0)
        return 0;
    return ctx_err(call->ctx) == -ETIMEDOUT
               ? ic_error(call, IC_DEADLINE_EXCEEDED, "context deadline exceeded")
               : ic_error(call, IC_CANCELED, "context canceled");
}

int ic_retry(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
             ic_conn_t *cc, ic_invoker_t invoker, void *ud)
{
    const ic_retry_t *r = ud;
    int64_t wait = r->backoff;
    for (int k = 1;; k++) {
        int code = invoker.fn(call, method, req, resp, cc, invoker.ud);
        if (code != IC_UNAVAILABLE || !call->idempotent || k >= r->max)
            return code;
        int rc = retry_wait(call, wait);
        if (rc)
            return rc;
        wait *= 2;
        if (r->max_backoff && wait > r->max_backoff)
            wait = r->max_backoff;
    }
}

#else

int ic_logging(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
               ic_unary_handler_t handler, void *ud)
{
    (void)call, (void)req, (void)resp, (void)info, (void)handler, (void)ud;
    return IC_UNIMPLEMENTED;
}

int ic_logging_stream(ic_stream_t *ss, const ic_stream_info_t *info, ic_stream_handler_t handler,
                      void *ud)
{
    (void)ss, (void)info, (void)handler, (void)ud;
    return IC_UNIMPLEMENTED;
}

int ic_recovery(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
                ic_unary_handler_t handler, void *ud)
{
    (void)call, (void)req, (void)resp, (void)info, (void)handler, (void)ud;
    return IC_UNIMPLEMENTED;
}

int ic_recovery_stream(ic_stream_t *ss, const ic_stream_info_t *info, ic_stream_handler_t handler,
                       void *ud)
{
    (void)ss, (void)info, (void)handler, (void)ud;
    return IC_UNIMPLEMENTED;
}

int ic_auth(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
            ic_unary_handler_t handler, void *ud)
{
    (void)call, (void)req, (void)resp, (void)info, (void)handler, (void)ud;
    return IC_UNIMPLEMENTED;
}

int ic_timeout(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
               ic_conn_t *cc, ic_invoker_t invoker, void *ud)
{
    (void)call, (void)method, (void)req, (void)resp, (void)cc, (void)invoker, (void)ud;
    return IC_UNIMPLEMENTED;
}

int ic_retry(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
             ic_conn_t *cc, ic_invoker_t invoker, void *ud)
{
    (void)call, (void)method, (void)req, (void)resp, (void)cc, (void)invoker, (void)ud;
    return IC_UNIMPLEMENTED;
}

#endif
