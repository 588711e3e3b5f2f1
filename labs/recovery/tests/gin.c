/*
 * gin.c — Gin's Recovery over a server on the simulated network: a
 * panicking handler gets a 500 with an empty body (or the custom
 * handle's response), the panic and its stack are logged, a handler that
 * already wrote keeps its status, a dead connection is logged without a
 * status write, and without Recovery net/http's own recover logs the
 * panic and drops only that connection. The next connection is served.
 */
#include <errno.h>
#include <stdlib.h>
#include <undergo/simnet.h>

#include "rcv_test.h"

typedef struct world world_t;
struct world {
    rcv_engine_t e;
    http_server_t *srv;
    listener_t *l;
    char addr[64];
    chan_t *ready, *gate;
    void (*client)(world_t *w);
    trace_t log, t;
    char value[32], okbody[32], partial[32];
    int custom_calls;
};

static void log_to_trace(void *ud, const char *text)
{
    trace_add(&((world_t *)ud)->log, "%s", text);
}

static void server_task(void *arg)
{
    world_t *w = arg;
    net_listen("tcp", ":80", &w->l);
    snprintf(w->addr, sizeof w->addr, "%s", listener_addr(w->l));
    chan_send(w->ready, NULL);
    http_serve(w->srv, w->l);
}

static void client_task(void *arg)
{
    world_t *w = arg;
    w->client(w);
    chan_send(w->ready, NULL);
}

static void world_main(void *arg)
{
    world_t *w = arg;
    simnet_t *n = NULL;
    simhost_t *sh, *ch;
    chan_make(0, 1, &w->ready);
    chan_make(0, 1, &w->gate);
    http_server_config_t cfg = {.handler = rcv_serve_http, .invoke = rcv_invoke, .ud = &w->e};
    http_server_new(&cfg, &w->srv);
    simnet_new(NULL, &n);
    simnet_host_add(n, "srv", &sh);
    simnet_host_add(n, "cli", &ch);
    simhost_spawn(sh, server_task, w, NULL);
    chan_recv(w->ready, NULL, NULL);
    simhost_spawn(ch, client_task, w, NULL);
    chan_recv(w->ready, NULL, NULL);
    http_server_close(w->srv);
    http_server_free(w->srv);
    simnet_free(n);
    chan_free(w->ready);
    chan_free(w->gate);
}

static void run_world(world_t *w, void (*client)(world_t *))
{
    w->client = client;
    w->e.log = log_to_trace;
    w->e.log_ud = w;
    w->e.ud = w;
    rt_config_t cfg = {.seed = ug_seed()};
    int rc = rt_run(&cfg, world_main, w);
    if (rc)
        fail_msg("rt_run: %d\n%s", rc, rt_report() ? rt_report() : "");
}

/* One GET on a new connection: "status body" or "error N". */
static void get(world_t *w, const char *path)
{
    conn_t *c = NULL;
    http_client_t *cl = NULL;
    http_resp_t r = {0};
    int rc = net_dial("tcp", w->addr, &c);
    if (!rc)
        rc = http_client_new(c, &cl);
    if (!rc)
        rc = http_client_do(cl, "GET", path, NULL, 0, NULL, 0, &r);
    if (rc)
        trace_add(&w->t, "[error %d] ", rc);
    else
        trace_add(&w->t, "[%d '%s'] ", r.status, r.body);
    if (!rc)
        http_resp_free(&r);
    http_client_free(cl);
    conn_free(c);
}

/* ---- handlers ---- */

static void route(rcv_ctx_t *c)
{
    world_t *w = rcv_engine(c)->ud;
    const char *p = rcv_request(c)->path;
    if (!strcmp(p, "/panic"))
        rcv_panic(w->value);
    if (!strcmp(p, "/partial")) {
        rcv_write(c, w->partial, strlen(w->partial));
        rcv_panic(w->value);
    }
    if (!strcmp(p, "/status-then-panic")) {
        rcv_status(c, 201);
        rcv_panic(w->value);
    }
    if (!strcmp(p, "/big")) {
        chan_recv(w->gate, NULL, NULL); /* the client has gone */
        static char big[16384];
        memset(big, 'x', sizeof big - 1);
        rcv_string(c, 200, big);
        trace_add(&w->t, "unreached ");
    }
    rcv_string(c, 200, w->okbody);
}

static void custom(rcv_ctx_t *c, const char *err)
{
    world_t *w = rcv_engine(c)->ud;
    w->custom_calls++;
    char body[64];
    snprintf(body, sizeof body, "oops: %s", err);
    rcv_string(c, 503, body);
    rcv_abort(c);
}

static void setup_value(world_t *w)
{
    snprintf(w->value, sizeof w->value, "bad %u", (unsigned)ug_rand_below(10000));
    snprintf(w->okbody, sizeof w->okbody, "ok-%u", (unsigned)ug_rand_below(10000));
    snprintf(w->partial, sizeof w->partial, "partial-%u", (unsigned)ug_rand_below(10000));
}

static void two_requests(world_t *w)
{
    get(w, "/panic");
    get(w, "/ok");
}

static void
test_a_panicking_handler_gets_a_500_with_an_empty_body_and_the_next_request_is_served(void **state)
{
    (void)state;
    world_t *w = calloc(1, sizeof *w);
    setup_value(w);
    rcv_use(&w->e, rcv_recovery);
    rcv_use(&w->e, route);
    run_world(w, two_requests);
    char want[128];
    snprintf(want, sizeof want, "[500 ''] [200 '%s'] ", w->okbody);
    assert_string_equal(want, w->t.buf);
    free(w);
}

static void test_the_custom_recovery_handle_writes_its_own_response(void **state)
{
    (void)state;
    world_t *w = calloc(1, sizeof *w);
    setup_value(w);
    w->e.recovery = custom;
    rcv_use(&w->e, rcv_recovery);
    rcv_use(&w->e, route);
    run_world(w, two_requests);
    char want[128];
    snprintf(want, sizeof want, "[503 'oops: %s'] [200 '%s'] ", w->value, w->okbody);
    assert_string_equal(want, w->t.buf);
    assert_int_equal(1, w->custom_calls);
    free(w);
}

static void test_recovery_logs_the_panic_value_and_the_stack_of_the_handler(void **state)
{
    (void)state;
    world_t *w = calloc(1, sizeof *w);
    setup_value(w);
    rcv_use(&w->e, rcv_recovery);
    rcv_use(&w->e, route);
    run_world(w, two_requests);
    char want[128], head[512];
    snprintf(want, sizeof want, "[Recovery] panic recovered:\n%s\ngoroutine ", w->value);
    snprintf(head, sizeof head, "%.*s", (int)strlen(want), w->log.buf);
    assert_string_equal(want, head);
    /* the frames, innermost first: the deferred call, the panic, the handler, Recovery */
    char names[512] = "";
    for (const char *s = w->log.buf; (s = strchr(s, '\n')); s++)
        if (s[1] && s[1] != '\t' && strncmp(s + 1, "goroutine", 9) && strncmp(s + 1, "[", 1) &&
            strncmp(s + 1, w->value, strlen(w->value)))
            snprintf(names + strlen(names), sizeof names - strlen(names), "%.*s,",
                     (int)strcspn(s + 1, "\n"), s + 1);
    assert_string_equal("recovery_deferred(),panic({...}),route(),rcv_recovery(),invoke_frame(),"
                        "created by http_serve,",
                        names);
    free(w);
}

static void partial_then_ok(world_t *w)
{
    get(w, "/partial");
    get(w, "/status-then-panic");
}

static void
test_a_handler_that_already_wrote_keeps_its_status_and_body_and_a_warning_is_logged(void **state)
{
    (void)state;
    world_t *w = calloc(1, sizeof *w);
    setup_value(w);
    rcv_use(&w->e, rcv_recovery);
    rcv_use(&w->e, route);
    run_world(w, partial_then_ok);
    char want[128];
    snprintf(want, sizeof want, "[200 '%s'] [500 ''] ", w->partial);
    assert_string_equal(want, w->t.buf);
    assert_true(strstr(w->log.buf, "[WARNING] Headers were already written. Wanted to override "
                                   "status code 200 with 500\n") != NULL);
    free(w);
}

static void gone_client(world_t *w)
{
    conn_t *c = NULL;
    net_dial("tcp", w->addr, &c);
    const char *req = "GET /big HTTP/1.1\r\nHost: srv\r\nAuthorization: secret\r\n\r\n";
    conn_write(c, req, strlen(req), NULL);
    conn_close(c);
    conn_free(c);
    chan_send(w->gate, NULL);
    get(w, "/ok");
}

static void test_a_broken_pipe_is_logged_with_the_request_and_no_status_is_written(void **state)
{
    (void)state;
    world_t *w = calloc(1, sizeof *w);
    setup_value(w);
    w->e.recovery = custom;
    rcv_use(&w->e, rcv_recovery);
    rcv_use(&w->e, route);
    run_world(w, gone_client);
    char ok[64];
    snprintf(ok, sizeof ok, "[200 '%s'] ", w->okbody);
    assert_string_equal(ok, w->t.buf);
    assert_int_equal(0, w->custom_calls);
    const char *tail = strstr(w->log.buf, ": write: ");
    assert_non_null(tail);
    char want[] =
        ": write: broken pipe\nGET /big HTTP/1.1\r\nHost: srv\r\nAuthorization: *\r\n\r\n";
    assert_string_equal(want, tail);
    char start[16];
    snprintf(start, sizeof start, "%.10s", w->log.buf);
    assert_string_equal("write tcp ", start);
    free(w);
}

static void
test_without_recovery_the_server_logs_the_panic_and_drops_only_that_connection(void **state)
{
    (void)state;
    world_t *w = calloc(1, sizeof *w);
    setup_value(w);
    rcv_use(&w->e, route);
    run_world(w, two_requests);
    char want[128];
    snprintf(want, sizeof want, "[error -32] [200 '%s'] ", w->okbody);
    assert_string_equal(want, w->t.buf);
    snprintf(want, sizeof want, ": %s\ngoroutine ", w->value);
    const char *at = strstr(w->log.buf, ": bad ");
    assert_non_null(at);
    char got[128];
    snprintf(got, sizeof got, "%.*s", (int)strlen(want), at);
    assert_string_equal(want, got);
    char start[32];
    snprintf(start, sizeof start, "%.20s", w->log.buf);
    assert_string_equal("http: panic serving ", start);
    free(w);
}

UG_TEST_GROUP(
    recovery_gin, NULL, NULL,
    cmocka_unit_test(
        test_a_panicking_handler_gets_a_500_with_an_empty_body_and_the_next_request_is_served),
    cmocka_unit_test(test_the_custom_recovery_handle_writes_its_own_response),
    cmocka_unit_test(test_recovery_logs_the_panic_value_and_the_stack_of_the_handler),
    cmocka_unit_test(
        test_a_handler_that_already_wrote_keeps_its_status_and_body_and_a_warning_is_logged),
    cmocka_unit_test(test_a_broken_pipe_is_logged_with_the_request_and_no_status_is_written),
    cmocka_unit_test(
        test_without_recovery_the_server_logs_the_panic_and_drops_only_that_connection));
