/*
 * recovery.c — the built-ins around one service: on the server, logging
 * outermost, then recovery, then auth; on the client, retry. A handler
 * that panics answers INTERNAL and the next call is served; a call without
 * a token is UNAUTHENTICATED; a flaky method is retried with backoff. The
 * Go original is recovery.go.
 *
 * Interface: main → calls through ic_inproc_invoke → printed statuses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "interceptor.h"

typedef struct run {
    demo_t *d;
    ic_server_t srv;
    int flaky;
} run_t;

static void log_line(void *ud, const char *line)
{
    (void)ud;
    printf("  log: %s\n", line);
}

static int work(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    (void)call, (void)ud;
    if (req->len && req->data[0] == '!')
        ic_panic("runtime error: index out of range [5] with length 0");
    *resp = *req;
    return IC_OK;
}

static int flaky(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    run_t *r = ud;
    printf("  server: flaky attempt %d at %lld ms\n", ++r->flaky,
           (long long)(clock_now() / CLOCK_MS));
    *resp = *req;
    return r->flaky < 3 ? ic_error(call, IC_UNAVAILABLE, "try later") : IC_OK;
}

static void call_one(run_t *r, const char *method, const char *token, const char *body, bool retry)
{
    static ic_retry_t rp = {.max = 4, .backoff = 100 * CLOCK_MS, .max_backoff = CLOCK_S};
    ic_unary_client_int_t ri = {ic_retry, &rp};
    ic_call_t call;
    ic_call_init(&call, ctx_background());
    call.idempotent = true;
    if (token)
        ic_md_append(&call.md, "authorization", token, strlen(token));
    ic_buf_t req = {.len = strlen(body)}, resp;
    memcpy(req.data, body, req.len);
    int code = ic_unary_client_run(&ri, retry, &call, method, &req, &resp, NULL,
                                   (ic_invoker_t){ic_inproc_invoke, &r->srv});
    char name[32];
    ic_code_string(code, name, sizeof name);
    printf("  client: %s %s%s%s%s\n", method, name, call.msg[0] ? " \"" : "", call.msg,
           call.msg[0] ? "\"" : "");
    if (code == IC_UNIMPLEMENTED && !call.msg[0])
        demo_ok(r->d, -ENOSYS, "the interceptors");
}

static void body(void *arg)
{
    run_t *r = arg;
    demo_step(r->d, "a panicking handler, then the next call");
    call_one(r, "/demo.Svc/Work", "Bearer s3cret", "!", false);
    call_one(r, "/demo.Svc/Work", "Bearer s3cret", "ok", false);
    demo_step(r->d, "no token, a wrong one");
    call_one(r, "/demo.Svc/Work", NULL, "ok", false);
    call_one(r, "/demo.Svc/Work", "Bearer guess", "ok", false);
    demo_step(r->d, "UNAVAILABLE twice, retried after 100 ms and 200 ms");
    call_one(r, "/demo.Svc/Flaky", "Bearer s3cret", "ok", true);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        "interceptor recovery", "recovery, auth and logging on the server, retry on the client",
        false, NULL, NULL};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "ChainUnaryInterceptor(logging, recovery, auth)");
    run_t r = {.d = &d};
    static ic_log_t lg = {log_line, NULL};
    r.srv.methods[0] = (ic_method_t){"/demo.Svc/Work", {work, &r}};
    r.srv.methods[1] = (ic_method_t){"/demo.Svc/Flaky", {flaky, &r}};
    r.srv.nmethods = 2;
    r.srv.chain[0] = (ic_unary_server_int_t){ic_logging, &lg};
    r.srv.chain[1] = (ic_unary_server_int_t){ic_recovery, NULL};
    r.srv.chain[2] = (ic_unary_server_int_t){ic_auth, "s3cret"};
    r.srv.nchain = 3;
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .tick = RT_TICK_NONE};
    rt_run(&cfg, body, &r);
    return demo_end(&d);
}
