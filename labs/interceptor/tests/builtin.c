/*
 * builtin.c — tests of deadlines over the call path and of the built-in
 * interceptors: timeout, recovery, auth, logging and retry. Every instant
 * is exact: the clock moves only by sleeps and timers.
 *
 * Interface: ic_server_t + ic_inproc_invoke; ic_unary_client_run with
 * ic_timeout / ic_retry; the server chain with ic_recovery, ic_auth,
 * ic_logging.
 */
#include <errno.h>

#include "ic_test.h"

#define HOUR (3600 * CLOCK_S)

typedef struct world {
    ic_server_t srv;
    chan_t *done;      /* the handler's "I am finished" */
    int64_t t0;        /* when the call started */
    int64_t remaining; /* the handler's deadline - now, at its start; -1: none */
    int64_t woke;      /* when the handler saw its context end */
    int herr;          /* ctx_err then */
    int code;          /* what the client got */
    int64_t returned;  /* when */
    char msg[IC_STATUS_MSG];
    int64_t timeout;  /* client side */
    int64_t deadline; /* the call's own, 0: none */
    int64_t work;     /* how long the handler works; 0: an hour */
    bool ctx_restored;
} world_t;

/* Waits for its context (or an hour), then reports. */
static int slow_handler(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    (void)req, (void)resp;
    world_t *w = ud;
    int64_t when;
    w->remaining = ctx_deadline(call->ctx, &when) == 0 ? when - clock_now() : -1;
    chan_case_t cs[2] = {{ctx_done(call->ctx), CHAN_RECV, NULL, false},
                         {clock_after(w->work ? w->work : HOUR), CHAN_RECV, NULL, false}};
    chan_select(cs, 2, false);
    w->woke = clock_now() - w->t0;
    w->herr = ctx_err(call->ctx);
    int one = 1;
    chan_send(w->done, &one);
    return w->herr ? ic_error(call, IC_DEADLINE_EXCEEDED, "handler gave up") : IC_OK;
}

static void world_init(world_t *w)
{
    memset(w, 0, sizeof *w);
    w->srv.methods[0] = (ic_method_t){"/svc/Slow", {slow_handler, w}};
    w->srv.nmethods = 1;
}

static void deadline_body(void *arg)
{
    world_t *w = arg;
    chan_make(sizeof(int), 1, &w->done);
    clock_sleep((int64_t)ug_rand_below(1000) * CLOCK_MS); /* start anywhere */
    w->t0 = clock_now();
    ctx_t *c = ctx_background();
    if (w->deadline)
        ctx_with_timeout(ctx_background(), w->deadline, &c);
    ic_call_t call;
    ic_call_init(&call, c);
    ic_buf_t req = ic_buf_str("s"), resp;
    if (w->timeout) {
        ic_unary_client_int_t ti = {ic_timeout, &w->timeout};
        w->code = ic_unary_client_run(&ti, 1, &call, "/svc/Slow", &req, &resp, NULL,
                                      (ic_invoker_t){ic_inproc_invoke, &w->srv});
    } else {
        w->code = ic_inproc_invoke(&call, "/svc/Slow", &req, &resp, NULL, &w->srv);
    }
    w->returned = clock_now() - w->t0;
    w->ctx_restored = call.ctx == c;
    memcpy(w->msg, call.msg, sizeof w->msg);
    chan_recv(w->done, NULL, NULL);
    chan_free(w->done);
    if (c != ctx_background())
        ctx_free(c);
}

/* The client's deadline goes as grpc-timeout; the handler's context has
 * the same deadline and ends at that instant, as the client's call does. */
static void test_a_deadline_reaches_the_server_and_cancels_the_handler_at_its_instant(void **state)
{
    (void)state;
    world_t w;
    world_init(&w);
    w.deadline = (1 + (int64_t)ug_rand_below(5000)) * CLOCK_MS;
    ic_test_run(deadline_body, &w);
    assert_int_equal(IC_DEADLINE_EXCEEDED, w.code);
    assert_string_equal("context deadline exceeded", w.msg);
    assert_int_equal(w.deadline, w.returned);
    assert_int_equal(w.deadline, w.remaining);
    assert_int_equal(w.deadline, w.woke);
    assert_int_equal(-ETIMEDOUT, w.herr);
}

static void test_a_call_without_a_deadline_gives_the_handler_none(void **state)
{
    (void)state;
    world_t w;
    world_init(&w);
    w.work = (1 + (int64_t)ug_rand_below(3600)) * CLOCK_S;
    ic_test_run(deadline_body, &w);
    assert_int_equal(IC_OK, w.code);
    assert_int_equal(-1, w.remaining);
    assert_int_equal(w.work, w.woke);
    assert_int_equal(w.work, w.returned);
}

/* ic_timeout bounds the call; a shorter deadline of the call's own stays;
 * the call's context is its own again afterwards. */
static void
test_the_timeout_interceptor_ends_a_slow_call_with_deadline_exceeded_at_its_instant(void **state)
{
    (void)state;
    world_t w;
    world_init(&w);
    w.timeout = (1 + (int64_t)ug_rand_below(5000)) * CLOCK_MS;
    ic_test_run(deadline_body, &w);
    assert_int_equal(IC_DEADLINE_EXCEEDED, w.code);
    assert_int_equal(w.timeout, w.returned);
    assert_int_equal(w.timeout, w.remaining);
    assert_int_equal(w.timeout, w.woke);
    assert_int_equal(1, w.ctx_restored);

    int64_t t = w.timeout;
    world_init(&w);
    w.timeout = t;
    w.deadline = t / 2 + 1;
    ic_test_run(deadline_body, &w);
    assert_int_equal(IC_DEADLINE_EXCEEDED, w.code);
    assert_int_equal(t / 2 + 1, w.returned);
    /* grpc-timeout rounds up: 1 ns over whole ms goes as microseconds */
    assert_int_equal((t / 2 / CLOCK_US + 1) * CLOCK_US, w.remaining);
    assert_int_equal(t / 2 + 1, w.woke); /* the client's cancel reached it first */
    assert_int_equal(-ECANCELED, w.herr);
    assert_int_equal(1, w.ctx_restored);
}

/* ---- recovery ---- */

typedef struct panic_world {
    ic_server_t srv;
    char value[32];
    int calls;
    int code[3];
    char msg[3][IC_STATUS_MSG];
} panic_world_t;

static int panicky(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    (void)call;
    panic_world_t *w = ud;
    w->calls++;
    if (req->data[0] == 'p')
        ic_panic(w->value);
    *resp = *req;
    return IC_OK;
}

static void panic_body(void *arg)
{
    panic_world_t *w = arg;
    const char *reqs[3] = {"p", "ok", "p"};
    for (int i = 0; i < 3; i++) {
        ic_call_t call;
        ic_call_init(&call, ctx_background());
        ic_buf_t req = ic_buf_str(reqs[i]), resp;
        w->code[i] = ic_inproc_invoke(&call, "/svc/P", &req, &resp, NULL, &w->srv);
        memcpy(w->msg[i], call.msg, IC_STATUS_MSG);
    }
}

static void
test_a_panicking_handler_returns_internal_and_the_server_serves_the_next_call(void **state)
{
    (void)state;
    panic_world_t w = {0};
    snprintf(w.value, sizeof w.value, "boom %llu", (unsigned long long)ug_rand_below(100000));
    w.srv.methods[0] = (ic_method_t){"/svc/P", {panicky, &w}};
    w.srv.nmethods = 1;
    trace_t t;
    trace_reset(&t);
    tr_t x = {&t, 7, 0};
    w.srv.chain[0] = (ic_unary_server_int_t){tr_unary_server, &x};
    w.srv.chain[1] = (ic_unary_server_int_t){ic_recovery, NULL};
    w.srv.nchain = 2;
    ic_test_run(panic_body, &w);
    assert_int_equal(IC_INTERNAL, w.code[0]);
    assert_string_equal(w.value, w.msg[0]);
    assert_int_equal(IC_OK, w.code[1]);
    assert_int_equal(IC_INTERNAL, w.code[2]);
    assert_int_equal(3, w.calls);
    /* the interceptor outside recovery sees each call come back */
    assert_string_equal(">7 <7 >7 <7 >7 <7 ", t.buf);
}

static int panicky_stream(ic_stream_t *ss, void *ud)
{
    ic_buf_t m;
    if (ic_stream_recv(ss, &m) == IC_OK)
        ic_stream_send(ss, &m);
    ic_panic(ud);
}

static void test_a_panicking_stream_handler_returns_internal_after_what_it_sent(void **state)
{
    (void)state;
    char value[32];
    snprintf(value, sizeof value, "stream boom %llu", (unsigned long long)ug_rand_below(1000));
    ic_call_t call;
    ic_call_init(&call, NULL);
    ic_buf_t in = ic_buf_str("z"), out[2];
    ic_memstream_t ms;
    ic_memstream_init(&ms, &call, &in, 1, out, 2);
    ic_stream_server_int_t r = {ic_recovery_stream, NULL};
    ic_stream_info_t info = {"/svc/S", true, true};
    assert_int_equal(IC_INTERNAL,
                     ic_stream_server_run(&r, 1, &ms.s, &info,
                                          (ic_stream_handler_t){panicky_stream, value}));
    assert_string_equal(value, call.msg);
    assert_int_equal(1, ms.nsent);
}

/* ---- auth ---- */

typedef struct auth_world {
    ic_server_t srv;
    char token[24];
    const char *auth[5];
    char good[40], good_lower[40];
    int code[5];
    char msg[5][IC_STATUS_MSG];
    int handled;
    uint8_t sent, echoed;
} auth_world_t;

static int counted(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    (void)call;
    ((auth_world_t *)ud)->handled++;
    *resp = *req;
    return IC_OK;
}

static void auth_body(void *arg)
{
    auth_world_t *w = arg;
    for (int i = 0; i < 5; i++) {
        ic_call_t call;
        ic_call_init(&call, ctx_background());
        if (w->auth[i])
            ic_md_append(&call.md, "Authorization", w->auth[i], strlen(w->auth[i]));
        ic_buf_t req = {.data = {w->sent}, .len = 1}, resp = {.len = 0};
        w->code[i] = ic_inproc_invoke(&call, "/svc/A", &req, &resp, NULL, &w->srv);
        memcpy(w->msg[i], call.msg, IC_STATUS_MSG);
        if (i == 3)
            w->echoed = resp.data[0];
    }
}

static void test_auth_refuses_missing_and_wrong_tokens_before_the_handler(void **state)
{
    (void)state;
    auth_world_t w = {.sent = (uint8_t)(1 + ug_rand_below(255))};
    snprintf(w.token, sizeof w.token, "tok%llu", (unsigned long long)ug_rand_below(1000000));
    snprintf(w.good, sizeof w.good, "Bearer %s", w.token);
    snprintf(w.good_lower, sizeof w.good_lower, "bearer %s", w.token);
    w.auth[0] = NULL;
    w.auth[1] = "Basic dXNlcjpwYXNz";
    w.auth[2] = "Bearer tok";
    w.auth[3] = w.good;
    w.auth[4] = w.good_lower;
    w.srv.methods[0] = (ic_method_t){"/svc/A", {counted, &w}};
    w.srv.nmethods = 1;
    w.srv.chain[0] = (ic_unary_server_int_t){ic_auth, w.token};
    w.srv.nchain = 1;
    ic_test_run(auth_body, &w);
    assert_int_equal(IC_UNAUTHENTICATED, w.code[0]);
    assert_string_equal("missing bearer token", w.msg[0]);
    assert_int_equal(IC_UNAUTHENTICATED, w.code[1]);
    assert_string_equal("missing bearer token", w.msg[1]);
    assert_int_equal(IC_UNAUTHENTICATED, w.code[2]);
    assert_string_equal("invalid token", w.msg[2]);
    assert_int_equal(IC_OK, w.code[3]);
    assert_int_equal(IC_OK, w.code[4]);
    assert_int_equal(2, w.handled);
    assert_int_equal(w.sent, w.echoed);
}

/* ---- logging ---- */

typedef struct log_world {
    ic_server_t srv;
    char lines[4][128];
    int nlines;
    int64_t sleep;
    int code;
} log_world_t;

static void log_fn(void *ud, const char *line)
{
    log_world_t *w = ud;
    if (w->nlines < 4)
        snprintf(w->lines[w->nlines++], sizeof w->lines[0], "%s", line);
}

static int sleepy(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    log_world_t *w = ud;
    clock_sleep(w->sleep);
    *resp = *req;
    return w->code ? ic_error(call, w->code, "x") : IC_OK;
}

static void log_body(void *arg)
{
    log_world_t *w = arg;
    for (int i = 0; i < 2; i++) {
        ic_call_t call;
        ic_call_init(&call, ctx_background());
        ic_buf_t req = ic_buf_str("l"), resp;
        ic_inproc_invoke(&call, "/svc/Log", &req, &resp, NULL, &w->srv);
        w->code = IC_UNAVAILABLE;
    }
}

static int sleepy_stream(ic_stream_t *ss, void *ud)
{
    (void)ss;
    clock_sleep(*(int64_t *)ud);
    return IC_DATA_LOSS;
}

static void log_stream_body(void *arg)
{
    log_world_t *w = arg;
    ic_log_t l = {log_fn, w};
    ic_stream_server_int_t li = {ic_logging_stream, &l};
    ic_call_t call;
    ic_call_init(&call, ctx_background());
    ic_memstream_t ms;
    ic_memstream_init(&ms, &call, NULL, 0, NULL, 0);
    ic_stream_info_t info = {"/svc/Stream", false, true};
    w->code = ic_stream_server_run(&li, 1, &ms.s, &info,
                                   (ic_stream_handler_t){sleepy_stream, &w->sleep});
}

static void test_logging_writes_one_line_per_call_with_its_code_and_duration(void **state)
{
    (void)state;
    log_world_t w = {0};
    w.sleep = (1 + (int64_t)ug_rand_below(999)) * CLOCK_US;
    ic_log_t l = {log_fn, &w};
    w.srv.methods[0] = (ic_method_t){"/svc/Log", {sleepy, &w}};
    w.srv.nmethods = 1;
    w.srv.chain[0] = (ic_unary_server_int_t){ic_logging, &l};
    w.srv.nchain = 1;
    ic_test_run(log_body, &w);
    ic_test_run(log_stream_body, &w);
    char want[128];
    assert_int_equal(3, w.nlines);
    snprintf(want, sizeof want, "grpc: /svc/Log OK %lldns", (long long)w.sleep);
    assert_string_equal(want, w.lines[0]);
    snprintf(want, sizeof want, "grpc: /svc/Log Unavailable %lldns", (long long)w.sleep);
    assert_string_equal(want, w.lines[1]);
    snprintf(want, sizeof want, "grpc: /svc/Stream DataLoss %lldns", (long long)w.sleep);
    assert_string_equal(want, w.lines[2]);
    assert_int_equal(IC_DATA_LOSS, w.code);
}

/* ---- retry ---- */

typedef struct retry_world {
    int fail; /* attempts that fail before one succeeds */
    int fail_code;
    bool idempotent;
    int64_t limit; /* the call's deadline, 0: none */
    ic_retry_t r;
    int64_t at[8]; /* attempt instants, from the call's start */
    int attempts;
    int code;
    int64_t returned;
} retry_world_t;

static int flaky(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
                 ic_conn_t *cc, void *ud)
{
    (void)method, (void)cc;
    retry_world_t *w = ud;
    if (w->attempts < 8)
        w->at[w->attempts] = clock_now();
    if (w->attempts++ < w->fail)
        return ic_error(call, w->fail_code, "try again");
    *resp = *req;
    return IC_OK;
}

static void retry_body(void *arg)
{
    retry_world_t *w = arg;
    clock_sleep((int64_t)ug_rand_below(1000) * CLOCK_US);
    int64_t t0 = clock_now();
    ctx_t *c = ctx_background();
    if (w->limit)
        ctx_with_timeout(ctx_background(), w->limit, &c);
    ic_call_t call;
    ic_call_init(&call, c);
    call.idempotent = w->idempotent;
    ic_unary_client_int_t ri = {ic_retry, &w->r};
    ic_buf_t req = ic_buf_str("r"), resp;
    w->code = ic_unary_client_run(&ri, 1, &call, "/svc/R", &req, &resp, NULL,
                                  (ic_invoker_t){flaky, w});
    w->returned = clock_now() - t0;
    for (int i = 0; i < w->attempts && i < 8; i++)
        w->at[i] -= t0;
    if (c != ctx_background())
        ctx_free(c);
}

/* Backoff b, 2b, 4b ... capped at 3b, before attempts 2, 3, 4 ...; at most
 * max attempts. */
static void test_retry_repeats_unavailable_idempotent_calls_with_doubling_backoff(void **state)
{
    (void)state;
    retry_world_t w = {.fail = (int)ug_rand_below(7),
                       .fail_code = IC_UNAVAILABLE,
                       .idempotent = true};
    int64_t b = (1 + (int64_t)ug_rand_below(100)) * CLOCK_MS;
    w.r = (ic_retry_t){.max = 5, .backoff = b, .max_backoff = 3 * b};
    ic_test_run(retry_body, &w);
    int want = w.fail + 1 < 5 ? w.fail + 1 : 5;
    assert_int_equal(want, w.attempts);
    assert_int_equal(w.fail < 5 ? IC_OK : IC_UNAVAILABLE, w.code);
    int64_t t = 0, wait = b;
    for (int i = 0; i < want; i++) {
        assert_int_equal(t, w.at[i]);
        t += wait;
        wait = wait * 2 > 3 * b ? 3 * b : wait * 2;
    }
    assert_int_equal(w.at[want - 1], w.returned);
}

static void test_retry_leaves_non_idempotent_calls_and_other_codes_alone(void **state)
{
    (void)state;
    int64_t b = (1 + (int64_t)ug_rand_below(100)) * CLOCK_MS;
    retry_world_t w = {.fail = 3,
                       .fail_code = IC_UNAVAILABLE,
                       .idempotent = false,
                       .r = {.max = 5, .backoff = b}};
    ic_test_run(retry_body, &w);
    assert_int_equal(1, w.attempts);
    assert_int_equal(IC_UNAVAILABLE, w.code);
    static const int others[] = {IC_INTERNAL, IC_DEADLINE_EXCEEDED, IC_UNKNOWN,
                                 IC_RESOURCE_EXHAUSTED, IC_ABORTED};
    w = (retry_world_t){.fail = 3,
                        .fail_code = others[ug_rand_below(5)],
                        .idempotent = true,
                        .r = {.max = 5, .backoff = b}};
    ic_test_run(retry_body, &w);
    assert_int_equal(1, w.attempts);
    assert_int_equal(w.fail_code, w.code);
    w = (retry_world_t){.fail = 3,
                        .fail_code = IC_UNAVAILABLE,
                        .idempotent = true,
                        .r = {.max = 1, .backoff = b}};
    ic_test_run(retry_body, &w);
    assert_int_equal(1, w.attempts);
    /* no cap: 4 attempts at 0, b, 3b, 7b */
    w = (retry_world_t){.fail = 3,
                        .fail_code = IC_UNAVAILABLE,
                        .idempotent = true,
                        .r = {.max = 4, .backoff = b}};
    ic_test_run(retry_body, &w);
    assert_int_equal(4, w.attempts);
    assert_int_equal(IC_OK, w.code);
    assert_int_equal(7 * b, w.at[3]);
}

/* A deadline inside the third backoff ends the call at its instant. */
static void test_retry_stops_at_the_deadline_that_ends_during_a_backoff(void **state)
{
    (void)state;
    int64_t b = (2 + (int64_t)ug_rand_below(100)) * CLOCK_MS;
    retry_world_t w = {.fail = 10,
                       .fail_code = IC_UNAVAILABLE,
                       .idempotent = true,
                       .limit = 3 * b + b / 2,
                       .r = {.max = 10, .backoff = b}};
    ic_test_run(retry_body, &w);
    assert_int_equal(3, w.attempts); /* at 0, b, 3b; the next would be at 7b */
    assert_int_equal(IC_DEADLINE_EXCEEDED, w.code);
    assert_int_equal(3 * b + b / 2, w.returned);
}

UG_TEST_GROUP(
    interceptor_builtin, NULL, NULL,
    cmocka_unit_test(test_a_deadline_reaches_the_server_and_cancels_the_handler_at_its_instant),
    cmocka_unit_test(test_a_call_without_a_deadline_gives_the_handler_none),
    cmocka_unit_test(
        test_the_timeout_interceptor_ends_a_slow_call_with_deadline_exceeded_at_its_instant),
    cmocka_unit_test(test_a_panicking_handler_returns_internal_and_the_server_serves_the_next_call),
    cmocka_unit_test(test_a_panicking_stream_handler_returns_internal_after_what_it_sent),
    cmocka_unit_test(test_auth_refuses_missing_and_wrong_tokens_before_the_handler),
    cmocka_unit_test(test_logging_writes_one_line_per_call_with_its_code_and_duration),
    cmocka_unit_test(test_retry_repeats_unavailable_idempotent_calls_with_doubling_backoff),
    cmocka_unit_test(test_retry_leaves_non_idempotent_calls_and_other_codes_alone),
    cmocka_unit_test(test_retry_stops_at_the_deadline_that_ends_during_a_backoff));
