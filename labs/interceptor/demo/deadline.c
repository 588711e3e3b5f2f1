/*
 * deadline.c — a client's deadline becomes the grpc-timeout header, the
 * server parses it into its handler's context, and both ends give up at
 * the same instant on the virtual clock. The Go original is deadline.go.
 *
 * Interface: main → the header values of a few durations → one call with a
 * 250 ms timeout to a handler that would take a second.
 */
#include <errno.h>
#include <stdio.h>

#include <undergo/demo.h>

#include "interceptor.h"

typedef struct run {
    demo_t *d;
    ic_server_t srv;
    chan_t *done;
} run_t;

static int slow(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    run_t *r = ud;
    int64_t when = 0;
    ctx_deadline(call->ctx, &when);
    printf("  server: handler starts at %lld ms, its deadline is %lld ms\n",
           (long long)(clock_now() / CLOCK_MS), (long long)(when / CLOCK_MS));
    chan_case_t cs[2] = {{ctx_done(call->ctx), CHAN_RECV, NULL, false},
                         {clock_after(CLOCK_S), CHAN_RECV, NULL, false}};
    int which = chan_select(cs, 2, false);
    printf("  server: %s at %lld ms\n", which == 0 ? "context done" : "work finished",
           (long long)(clock_now() / CLOCK_MS));
    chan_send(r->done, NULL);
    *resp = *req;
    return which == 0 ? ic_error(call, IC_DEADLINE_EXCEEDED, "gave up") : IC_OK;
}

static void body(void *arg)
{
    run_t *r = arg;
    chan_make(1, 1, &r->done);
    int64_t t = 250 * CLOCK_MS;
    ic_unary_client_int_t ti = {ic_timeout, &t};
    ic_call_t call;
    ic_call_init(&call, ctx_background());
    ic_buf_t req = {.data = "x", .len = 1}, resp;
    printf("  client: calls at %lld ms with a 250 ms timeout\n",
           (long long)(clock_now() / CLOCK_MS));
    int code = ic_unary_client_run(&ti, 1, &call, "/demo.Slow/Work", &req, &resp, NULL,
                                   (ic_invoker_t){ic_inproc_invoke, &r->srv});
    char name[32];
    ic_code_string(code, name, sizeof name);
    printf("  client: %s \"%s\" at %lld ms\n", name, call.msg, (long long)(clock_now() / CLOCK_MS));
    if (code == IC_UNIMPLEMENTED)
        demo_ok(r->d, -ENOSYS, "ic_timeout");
    else
        chan_recv(r->done, NULL, NULL); /* the server has said what it saw */
    chan_free(r->done);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {"interceptor deadline",
                                     "a deadline travels as grpc-timeout and ends both sides",
                                     false, NULL, NULL};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "grpc-timeout: at most 8 digits and a unit");
    static const int64_t ds[] = {250 * CLOCK_MS, 1500 * CLOCK_MS, 100 * CLOCK_S,
                                 36 * 3600 * CLOCK_S, 1};
    for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
        char buf[16];
        int n = ic_timeout_encode(ds[i], buf, sizeof buf);
        if (!demo_ok(&d, n, "ic_timeout_encode"))
            return demo_end(&d);
        int64_t back = 0;
        ic_timeout_parse(buf, &back);
        printf("  %20lld ns  ->  grpc-timeout: %-10s -> %lld ns\n", (long long)ds[i], buf,
               (long long)back);
    }
    demo_step(&d, "a 250 ms timeout on a call that takes a second");
    run_t r = {.d = &d};
    r.srv.methods[0] = (ic_method_t){"/demo.Slow/Work", {slow, &r}};
    r.srv.nmethods = 1;
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .tick = RT_TICK_NONE};
    rt_run(&cfg, body, &r);
    return demo_end(&d);
}
