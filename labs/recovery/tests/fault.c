/*
 * fault.c — a nil dereference or a division by zero is a runtime error
 * panic of the task that faulted (the handler runs on an alternate signal
 * stack and injects the panic into the task): a deferred call recovers
 * it with Go's message, a server survives it in a handler, and nobody
 * recovering it ends the process with Go's report and status 2. Each
 * scenario runs in a child, so a handler that does not work crashes the
 * child, not the test binary.
 */
#include <stdint.h>

#include "rcv_test.h"

static volatile int zero;
static int *volatile nil_ptr;
static volatile uintptr_t nil_offset; /* a field of a nil struct pointer */
static volatile int sink;

__attribute__((noinline, no_sanitize("address", "undefined"))) static void deref(void *p)
{
    (void)p;
    sink = *(int *)((uintptr_t)nil_ptr + nil_offset);
}

__attribute__((noinline, no_sanitize("undefined"))) static void divide(void *p)
{
    (void)p;
    sink = 7 / zero;
}

static void report_recovered(void *p)
{
    (void)p;
    const char *r = rcv_recover();
    fprintf(stderr, "recovered: %s\n", r ? r : "nil");
}

static void guarded(void *p)
{
    rcv_defer(report_recovered, NULL);
    rcv_call((rcv_fn)p, NULL);
}

/* ug_rand_below decides how many faults in a row: each is recovered. */
static unsigned rounds;

static void child_faults(void *p)
{
    (void)p;
    if (rcv_catch_faults() != 0)
        _exit(3);
    for (unsigned i = 0; i < rounds; i++)
        rcv_call(guarded, i % 2 ? (void *)divide : (void *)deref);
    fprintf(stderr, "still alive\n");
}

static void
test_nil_dereference_and_division_by_zero_become_recoverable_runtime_errors(void **state)
{
    (void)state;
    rounds = 2 + (unsigned)ug_rand_below(4);
    char out[4096], want[4096] = "";
    assert_int_equal(0, run_child(child_faults, NULL, out, sizeof out));
    for (unsigned i = 0; i < rounds; i++)
        strcat(
            want,
            i % 2
                ? "recovered: runtime error: integer divide by zero\n"
                : "recovered: runtime error: invalid memory address or nil pointer dereference\n");
    strcat(want, "still alive\n");
    assert_string_equal(want, out);
}

static void child_unrecovered_fault(void *p)
{
    (void)p;
    if (rcv_catch_faults() != 0)
        _exit(3);
    rcv_call(deref, NULL);
}

static void
test_an_unrecovered_nil_dereference_prints_the_panic_and_the_signal_and_exits_2(void **state)
{
    (void)state;
    char out[4096], head[512];
    nil_offset = 8 * ug_rand_below(64);
    assert_int_equal(2, run_child(child_unrecovered_fault, NULL, out, sizeof out));
    assert_string_equal("panic: runtime error: invalid memory address or nil pointer dereference\n",
                        first_lines(out, 1, head, sizeof head));
    char sig[64];
    snprintf(sig, sizeof sig, "%.45s", out + strlen(head));
    assert_string_equal("[signal SIGSEGV: segmentation violation code=", sig);
    const char *addr = strstr(out, " addr=");
    assert_non_null(addr);
    char want_addr[32], got_addr[32];
    snprintf(want_addr, sizeof want_addr, " addr=%#lx ", (unsigned long)nil_offset);
    snprintf(got_addr, sizeof got_addr, "%.*s", (int)strlen(want_addr), addr);
    assert_string_equal(want_addr, got_addr);
    assert_non_null(strstr(out, "\n\ngoroutine 1 [running]:\nderef()\n"));
}

/* A server task faults in a handler; the server keeps serving. */
typedef struct {
    rcv_engine_t e;
    trace_t t;
} srv_t;

static void handler_faults(rcv_ctx_t *c)
{
    const char *p = rcv_request(c)->path;
    if (!strcmp(p, "/nil"))
        deref(NULL);
    if (!strcmp(p, "/div"))
        divide(NULL);
    rcv_string(c, 200, "ok");
}

#include <undergo/simnet.h>

static listener_t *flis;
static char faddr[64];
static chan_t *fready;
static const char *paths[8];
static unsigned npaths;

static void fserver(void *arg)
{
    http_server_t *srv = arg;
    net_listen("tcp", ":80", &flis);
    snprintf(faddr, sizeof faddr, "%s", listener_addr(flis));
    chan_send(fready, NULL);
    http_serve(srv, flis);
}

static void fclient(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < npaths; i++) {
        conn_t *c = NULL;
        http_client_t *cl = NULL;
        http_resp_t r = {0};
        int rc = net_dial("tcp", faddr, &c);
        if (!rc)
            rc = http_client_new(c, &cl);
        if (!rc)
            rc = http_client_do(cl, "GET", paths[i], NULL, 0, NULL, 0, &r);
        fprintf(stderr, "%s -> %d\n", paths[i], rc ? rc : r.status);
        if (!rc)
            http_resp_free(&r);
        http_client_free(cl);
        conn_free(c);
    }
    chan_send(fready, NULL);
}

static void discard(void *ud, const char *text)
{
    (void)ud, (void)text;
}

static void fmain(void *arg)
{
    srv_t *s = arg;
    simnet_t *n;
    simhost_t *sh, *ch;
    http_server_t *srv;
    chan_make(0, 1, &fready);
    http_server_config_t cfg = {.handler = rcv_serve_http, .invoke = rcv_invoke, .ud = &s->e};
    http_server_new(&cfg, &srv);
    simnet_new(NULL, &n);
    simnet_host_add(n, "srv", &sh);
    simnet_host_add(n, "cli", &ch);
    simhost_spawn(sh, fserver, srv, NULL);
    chan_recv(fready, NULL, NULL);
    simhost_spawn(ch, fclient, NULL, NULL);
    chan_recv(fready, NULL, NULL);
    http_server_close(srv);
    http_server_free(srv);
    simnet_free(n);
}

static void child_server(void *p)
{
    (void)p;
    if (rcv_catch_faults() != 0)
        _exit(3);
    static srv_t s;
    s.e.log = discard;
    rcv_use(&s.e, rcv_recovery);
    rcv_use(&s.e, handler_faults);
    rt_config_t cfg = {.seed = ug_seed()};
    if (rt_run(&cfg, fmain, &s) != 0)
        _exit(4);
}

static void test_a_fault_in_a_handler_is_a_500_and_the_server_keeps_serving(void **state)
{
    (void)state;
    static const char *const pool[] = {"/nil", "/div", "/ok"};
    npaths = 3 + (unsigned)ug_rand_below(4);
    char want[512] = "";
    for (unsigned i = 0; i < npaths; i++) {
        paths[i] = pool[i < 2 ? i : ug_rand_below(3)];
        snprintf(want + strlen(want), sizeof want - strlen(want), "%s -> %d\n", paths[i],
                 strcmp(paths[i], "/ok") ? 500 : 200);
    }
    char out[4096];
    assert_int_equal(0, run_child(child_server, NULL, out, sizeof out));
    assert_string_equal(want, out);
}

UG_TEST_GROUP(
    recovery_fault, NULL, NULL,
    cmocka_unit_test(test_nil_dereference_and_division_by_zero_become_recoverable_runtime_errors),
    cmocka_unit_test(
        test_an_unrecovered_nil_dereference_prints_the_panic_and_the_signal_and_exits_2),
    cmocka_unit_test(test_a_fault_in_a_handler_is_a_500_and_the_server_keeps_serving));
