/*
 * chain-order.c — grpc.ChainUnaryInterceptor(A, B, C): A is the
 * outermost, so the way in is A B C, the handler, and the way out C B A;
 * the same on the client side with WithChainUnaryInterceptor; a chain of
 * none is the handler itself. The Go original is chain-order.go.
 *
 * Interface: main → three server calls, one client call → printed traces.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "interceptor.h"

static int named(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
                 ic_unary_handler_t h, void *ud)
{
    printf("  %s: before handler (%s)\n", (const char *)ud, info->method);
    int code = h.fn(call, req, resp, h.ud);
    printf("  %s: after handler\n", (const char *)ud);
    return code;
}

static int cnamed(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
                  ic_conn_t *cc, ic_invoker_t inv, void *ud)
{
    printf("  client %s: before invoker (%s)\n", (const char *)ud, method);
    int code = inv.fn(call, method, req, resp, cc, inv.ud);
    printf("  client %s: after invoker\n", (const char *)ud);
    return code;
}

static int hello(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    (void)call, (void)ud;
    printf("  handler\n");
    *resp = *req;
    return IC_OK;
}

static int wire(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
                ic_conn_t *cc, void *ud)
{
    (void)method, (void)cc, (void)ud;
    printf("  (the request goes on the wire)\n");
    return hello(call, req, resp, NULL);
}

static bool ran(demo_t *d, int code, const ic_call_t *call, const char *what)
{
    if (code == IC_UNIMPLEMENTED && !call->msg[0])
        return demo_ok(d, -ENOSYS, what);
    return true;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {"interceptor chain-order",
                                     "the first interceptor given is the outermost", false, NULL,
                                     NULL};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "grpc.ChainUnaryInterceptor(A, B, C)");
    ic_unary_server_int_t ints[] = {{named, "A"}, {named, "B"}, {named, "C"}};
    ic_server_info_t info = {"/demo.Greeter/Hello", NULL};
    ic_buf_t req = {.data = "hi", .len = 2}, resp;
    ic_call_t call;
    static const size_t ns[] = {3, 1, 0};
    for (size_t i = 0; i < 3; i++) {
        demo_step(&d, "a chain of %zu", ns[i]);
        ic_call_init(&call, NULL);
        int code = ic_unary_server_run(ints, ns[i], &call, &req, &resp, &info,
                                       (ic_unary_handler_t){hello, NULL});
        if (!ran(&d, code, &call, "ic_unary_server_run"))
            return demo_end(&d);
    }
    demo_step(&d, "grpc.WithChainUnaryInterceptor(X, Y) on the client");
    ic_unary_client_int_t cints[] = {{cnamed, "X"}, {cnamed, "Y"}};
    ic_call_init(&call, NULL);
    int code = ic_unary_client_run(cints, 2, &call, "/demo.Greeter/Hello", &req, &resp, NULL,
                                   (ic_invoker_t){wire, NULL});
    ran(&d, code, &call, "ic_unary_client_run");
    return demo_end(&d);
}
