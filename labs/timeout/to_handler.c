/*
 * to_handler.c — Go's http.TimeoutHandler.
 *
 * The wrapped handler runs in a task of its own, writing into a writer
 * that keeps everything (Go's timeoutWriter), with a copy of the request
 * whose context ends dt after the call. The caller's task selects on the
 * handler's end and that context:
 *   - the handler ended: its headers, status (200 when it set none) and
 *     body are copied to the real writer;
 *   - the deadline passed: 503 with the body, and the kept writer fails
 *     every later write with TO_EHANDLER_TIMEOUT; what the handler wrote
 *     before is never sent;
 *   - the parent context was canceled: 503 with no body, and later writes
 *     fail with its error.
 * The handler may outlive the call, so the copy, the kept writer and the
 * context belong to whichever of the two tasks leaves last.
 *
 * Interface: see timeout.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/runtime.h>
#include "timeout.h"

#if LAB_SOLUTION

typedef struct to_call {
    const to_timeout_handler_t *th;
    http_response_t *tw; /* the kept writer */
    http_request_t *r;   /* the copy, with ctx */
    ctx_t *ctx;
    chan_t *done; /* closed when the handler returns */
    int refs;     /* the two tasks */
} to_call_t;

static void release(to_call_t *call)
{
    if (--call->refs)
        return;
    http_response_free(call->tw);
    http_request_free(call->r);
    ctx_free(call->ctx);
    chan_free(call->done);
    free(call);
}

static void run_handler(void *arg)
{
    to_call_t *call = arg;
    call->th->handler(call->tw, call->r, call->th->ud);
    chan_close(call->done);
    release(call);
}

/* Makes the call's state, ready for the handler's task. 0 or -ENOMEM. */
static int call_new(const to_timeout_handler_t *th, const http_request_t *r, to_call_t **out)
{
    to_call_t *call = calloc(1, sizeof *call);
    if (!call)
        return -ENOMEM;
    call->th = th;
    call->refs = 2;
    ctx_t *parent = r->ctx ? r->ctx : ctx_background();
    if (ctx_with_timeout(parent, th->dt, &call->ctx) || http_response_buffer_new(&call->tw) ||
        http_request_clone(r, &call->r) || chan_make(0, 0, &call->done)) {
        call->refs = 1;
        release(call);
        return -ENOMEM;
    }
    call->r->ctx = call->ctx;
    *out = call;
    return 0;
}

/* The handler finished in time: what it wrote goes out. */
static void copy_out(http_response_t *w, const http_response_t *tw)
{
    http_response_copy_headers(w, tw);
    int status = http_response_status(tw);
    http_write_header(w, status ? status : 200);
    http_write(w, http_response_body(tw), http_response_written(tw));
}

void to_timeout_serve(http_response_t *w, http_request_t *r, void *ud)
{
    const to_timeout_handler_t *th = ud;
    to_call_t *call;
    if (call_new(th, r, &call)) {
        http_write_header(w, 503);
        return;
    }
    if (task_spawn(run_handler, call, NULL)) {
        call->refs = 1;
        release(call);
        http_write_header(w, 503);
        return;
    }
    chan_case_t cases[2] = {{.ch = call->done, .dir = CHAN_RECV},
                            {.ch = ctx_done(call->ctx), .dir = CHAN_RECV}};
    /* A handler that ended exactly at the deadline made both ready: Go's
     * select may take either; this one takes the handler's result. */
    int k = chan_select(cases, 1, true) == 0 ? 0 : chan_select(cases, 2, false);
    if (k == 0) {
        copy_out(w, call->tw);
    } else {
        int err = ctx_err(call->ctx);
        http_write_header(w, 503);
        if (err == -ETIMEDOUT) {
            const char *body = th->body && th->body[0] ? th->body : TO_TIMEOUT_BODY;
            http_write(w, body, strlen(body));
            http_response_fail(call->tw, -TO_EHANDLER_TIMEOUT);
        } else {
            http_response_fail(call->tw, err);
        }
    }
    release(call);
}

#else

void to_timeout_serve(http_response_t *w, http_request_t *r, void *ud)
{
    (void)r, (void)ud;
    http_write_header(w, 501);
}

#endif
