/*
 * ic_inproc.c — the in-memory call path: a client's invoker that calls a
 * server's chain directly, and a stream over arrays.
 *
 * ic_inproc_invoke does what the transport would: the request's metadata
 * goes through its wire form (ic_md_value_to_wire → ic_md_append_wire), the
 * deadline through grpc-timeout (ic_timeout_encode → ic_timeout_parse), and
 * the server runs the method in a task of its own on a context with that
 * timeout, through grpc.UnaryInterceptor then the ChainUnaryInterceptor
 * chain. The client waits for the answer or for its own context; when its
 * context ends first it cancels the server's. The call record is shared by
 * the two tasks and freed by the last.
 *
 * Interface: ic_server_t s = {...}; ic_inproc_invoke as an ic_invoker_t's fn
 * with ud = &s. ic_memstream_init for a stream over memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "interceptor.h"

typedef struct inproc_call {
    ic_server_t *srv;
    const ic_method_t *m;
    ic_call_t call;
    ctx_t *ctx;
    ic_buf_t req, resp;
    int code;
    chan_t *done;
    int refs;
} inproc_call_t;

static void inproc_unref(inproc_call_t *c)
{
    if (--c->refs)
        return;
    ctx_free(c->ctx);
    chan_free(c->done);
    free(c);
}

/* grpc.UnaryInterceptor, when set, runs outside the chain: the handler it
 * is handed runs the chain. */
typedef struct outer {
    ic_server_t *srv;
    const ic_server_info_t *info;
    ic_unary_handler_t handler;
} outer_t;

static int inproc_chain(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    outer_t *o = ud;
    return ic_unary_server_run(o->srv->chain, o->srv->nchain, call, req, resp, o->info, o->handler);
}

static void inproc_serve(void *arg)
{
    inproc_call_t *c = arg;
    ic_server_info_t info = {c->m->name, c->srv->impl};
    outer_t o = {c->srv, &info, c->m->handler};
    if (c->srv->unary.fn)
        c->code = ic_unary_server_run(&c->srv->unary, 1, &c->call, &c->req, &c->resp, &info,
                                      (ic_unary_handler_t){inproc_chain, &o});
    else
        c->code = inproc_chain(&c->call, &c->req, &c->resp, &o);
    int one = 1;
    chan_send(c->done, &one); /* cap 1: never waits */
    inproc_unref(c);
}

/* Copies md through its wire form; returns 0 or a code. */
static int inproc_wire(const ic_md_t *from, ic_md_t *to)
{
    static char v[IC_MD_VALUE * 2];
    for (size_t i = 0; i < from->n; i++) {
        if (ic_md_value_to_wire(from, i, v, sizeof v) < 0 ||
            ic_md_append_wire(to, from->e[i].key, v) != 0)
            return IC_INTERNAL;
    }
    return IC_OK;
}

static const ic_method_t *inproc_find(const ic_server_t *s, const char *method)
{
    for (size_t i = 0; i < s->nmethods; i++)
        if (strcmp(s->methods[i].name, method) == 0)
            return &s->methods[i];
    return NULL;
}

static int inproc_ctx_code(ic_call_t *call)
{
    return ctx_err(call->ctx) == -ETIMEDOUT
               ? ic_error(call, IC_DEADLINE_EXCEEDED, "context deadline exceeded")
               : ic_error(call, IC_CANCELED, "context canceled");
}

/* The server's context: the parsed grpc-timeout, if the client had one. */
static int inproc_server_ctx(ic_call_t *call, ctx_t **out)
{
    int64_t when, ns;
    char t[16];
    if (ctx_deadline(call->ctx, &when) != 0)
        return ctx_with_cancel(ctx_background(), out);
    if (ic_timeout_encode(when - clock_now(), t, sizeof t) < 0 || ic_timeout_parse(t, &ns))
        return -EINVAL;
    return ctx_with_timeout(ctx_background(), ns, out);
}

/* Starts the server's side of a call, or returns a code. */
static int inproc_start(ic_call_t *call, ic_server_t *s, const ic_method_t *m, const ic_buf_t *req,
                        inproc_call_t **out)
{
    inproc_call_t *c = calloc(1, sizeof *c);
    if (!c)
        return ic_error(call, IC_RESOURCE_EXHAUSTED, "out of memory");
    c->srv = s, c->m = m, c->req = *req, c->refs = 2;
    if (inproc_server_ctx(call, &c->ctx) || chan_make(sizeof(int), 1, &c->done)) {
        ctx_free(c->ctx);
        free(c);
        return ic_error(call, IC_INTERNAL, "bad grpc-timeout");
    }
    ic_call_init(&c->call, c->ctx);
    if (inproc_wire(&call->md, &c->call.md) != IC_OK) {
        c->refs = 1;
        inproc_unref(c);
        return ic_error(call, IC_INTERNAL, "bad metadata");
    }
    task_spawn(inproc_serve, c, NULL);
    *out = c;
    return IC_OK;
}

int ic_inproc_invoke(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
                     ic_conn_t *cc, void *ud)
{
    (void)cc;
    ic_server_t *s = ud;
    call->attempts++;
    if (ctx_err(call->ctx))
        return inproc_ctx_code(call);
    const ic_method_t *m = inproc_find(s, method);
    if (!m)
        return ic_error(call, IC_UNIMPLEMENTED, "unknown method %s", method);
    inproc_call_t *c = NULL;
    int code = inproc_start(call, s, m, req, &c);
    if (code)
        return code;
    chan_case_t cs[2] = {{c->done, CHAN_RECV, NULL, false},
                         {ctx_done(call->ctx), CHAN_RECV, NULL, false}};
    if (chan_select(cs, 2, false) == 1) {
        ctx_cancel(c->ctx); /* the handler's context ends with the client's */
        inproc_unref(c);
        return inproc_ctx_code(call);
    }
    code = c->code;
    memcpy(call->msg, c->call.msg, sizeof call->msg);
    if (code == IC_OK)
        *resp = c->resp;
    call->header.n = call->trailer.n = 0;
    if (inproc_wire(&c->call.header, &call->header) ||
        inproc_wire(&c->call.trailer, &call->trailer))
        code = ic_error(call, IC_INTERNAL, "bad metadata");
    inproc_unref(c);
    return code;
}

static int mem_send(ic_stream_t *s, const ic_buf_t *m)
{
    ic_memstream_t *ms = (ic_memstream_t *)s;
    if (ms->nsent == ms->cap)
        return IC_RESOURCE_EXHAUSTED;
    ms->sent[ms->nsent++] = *m;
    return IC_OK;
}

static int mem_recv(ic_stream_t *s, ic_buf_t *m)
{
    ic_memstream_t *ms = (ic_memstream_t *)s;
    if (ms->next == ms->n)
        return IC_EOF;
    *m = ms->msgs[ms->next++];
    return IC_OK;
}

static const ic_stream_ops_t mem_ops = {mem_send, mem_recv};

void ic_memstream_init(ic_memstream_t *m, ic_call_t *call, const ic_buf_t *msgs, size_t n,
                       ic_buf_t *sent, size_t cap)
{
    *m = (ic_memstream_t){
        .s = {&mem_ops, NULL, call, m}, .msgs = msgs, .n = n, .sent = sent, .cap = cap};
}
