/*
 * client.c — the client's timeouts at their instants: the dial timeout,
 * the response-header timeout from the written request, the client
 * timeout over redirects and the body, redirects stopped after ten, and a
 * context's cancellation and deadline. The call starts at 0; a dial takes
 * 2L, the request reaches the server at 3L. Values come from the seed.
 */
#include "to_world.h"

typedef struct call {
    to_client_t cl;
    const char *url;
    int64_t cancel_at;   /* > 0: cancel the context then */
    int64_t ctx_timeout; /* > 0: a context with this timeout */
} call_t;

static call_t the_call;

static void cancel_later(void *arg)
{
    clock_sleep(the_call.cancel_at);
    ctx_cancel(arg);
}

/* Makes the call; v[0] its result, v[1] the status, s[0] the body, t[0]
 * the instant it returned. */
static void call_client(world_t *w)
{
    ctx_t *ctx = NULL;
    if (the_call.cancel_at) {
        ctx_with_cancel(ctx_background(), &ctx);
        task_spawn(cancel_later, ctx, NULL);
    } else if (the_call.ctx_timeout) {
        ctx_with_timeout(ctx_background(), the_call.ctx_timeout, &ctx);
    }
    http_resp_t r;
    w->v[0] = to_client_get(&the_call.cl, ctx, the_call.url, &r);
    w->t[0] = clock_now();
    w->v[1] = r.status;
    snprintf(w->s[0], sizeof w->s[0], "%s", r.body ? r.body : "");
    http_resp_free(&r);
    if (the_call.cancel_at && clock_now() < the_call.cancel_at)
        clock_sleep(the_call.cancel_at);
    ctx_free(ctx);
}

static void run_call(world_t *w, const call_t *c)
{
    the_call = *c;
    w->client = call_client;
    if (!w->latency)
        w->latency = seeded_latency();
    world_run(w);
}

/* A dial slower than its timeout fails at the timeout; one faster works. */
static void test_dial_timeout_fails_the_dial_at_its_instant(void **state)
{
    (void)state;
    int64_t lat = (100 + (int64_t)ug_rand_below(900)) * MS;
    int64_t d = 2 * lat - (1 + (int64_t)ug_rand_below((uint64_t)(lat / MS) - 1)) * MS;
    world_t slow = {.latency = lat};
    run_call(&slow, &(call_t){.cl = {.dial_timeout = d}, .url = "http://s:80/"});
    assert_int_equal(-NET_ETIMEOUT, slow.v[0]);
    assert_int_equal(d, slow.t[0]);
    world_t fast = {.latency = lat};
    run_call(&fast, &(call_t){.cl = {.dial_timeout = 2 * lat + 1}, .url = "http://s:80/"});
    assert_int_equal(0, fast.v[0]);
    assert_string_equal("ok", fast.s[0]);
    assert_int_equal(4 * lat, fast.t[0]);
}

/* The head must come within the timeout of the written request (2L):
 * a handler slower than that fails the call at 2L + timeout; a head that
 * comes in time with a slow body does not. */
static void test_response_header_timeout_counts_from_the_written_request(void **state)
{
    (void)state;
    int64_t rht = (1 + (int64_t)ug_rand_below(20)) * SEC;
    char url[64];
    snprintf(url, sizeof url, "http://s:80/sleep?%lld", (long long)(rht / MS + 10));
    world_t slow = {0};
    run_call(&slow, &(call_t){.cl = {.response_header_timeout = rht}, .url = url});
    assert_int_equal(-TO_EHEADER_TIMEOUT, slow.v[0]);
    assert_int_equal(2 * slow.latency + rht, slow.t[0]);
    snprintf(url, sizeof url, "http://s:80/flush?%lld", (long long)(2 * rht / MS));
    world_t body = {0};
    run_call(&body, &(call_t){.cl = {.response_header_timeout = rht}, .url = url});
    assert_int_equal(0, body.v[0]);
    assert_int_equal(200, body.v[1]);
    assert_int_equal(4 * body.latency + 2 * rht, body.t[0]);
}

/* The head comes at once, the body late: Client.Timeout ends the call at
 * exactly its timeout, in the middle of the body. */
static void test_client_timeout_covers_the_body(void **state)
{
    (void)state;
    int64_t t = (1 + (int64_t)ug_rand_below(20)) * SEC;
    char url[64];
    snprintf(url, sizeof url, "http://s:80/flush?%lld", (long long)(t / MS + 1000));
    world_t w = {0};
    run_call(&w, &(call_t){.cl = {.timeout = t, .response_header_timeout = t}, .url = url});
    assert_int_equal(-TO_ECLIENT_TIMEOUT, w.v[0]);
    assert_int_equal(t, w.t[0]);
}

/* Each hop takes 4L + s; Client.Timeout is one deadline over all of them:
 * the call fails at its timeout, during the hop it falls in. */
static void test_client_timeout_spans_every_redirect(void **state)
{
    (void)state;
    world_t w = {.latency = seeded_latency(), .hop_sleep = (1 + (int64_t)ug_rand_below(1000)) * MS};
    int64_t hop = 4 * w.latency + w.hop_sleep;
    int k = 2 + (int)ug_rand_below(6);
    /* inside hop k + 1, after its request reached the server (at 3L: the
     * dial's 2L, then the request's L) and before the answer (4L + s) */
    int64_t t = k * hop + 3 * w.latency + (w.latency + w.hop_sleep) / 2;
    run_call(&w, &(call_t){.cl = {.timeout = t, .response_header_timeout = hop},
                           .url = "http://s:80/hop?9"});
    assert_int_equal(-TO_ECLIENT_TIMEOUT, w.v[0]);
    assert_int_equal(t, w.t[0]);
    assert_int_equal(k + 1, w.served);
    world_t ok = {.latency = w.latency, .hop_sleep = w.hop_sleep};
    int64_t four = 4 * hop + 4 * w.latency; /* the last hop answers at once */
    run_call(&ok, &(call_t){.cl = {.timeout = four + 1}, .url = "http://s:80/hop?4"});
    assert_int_equal(0, ok.v[0]);
    assert_string_equal("ok", ok.s[0]);
    assert_int_equal(four, ok.t[0]);
}

/* Go's defaultCheckRedirect: ten requests, then "stopped after 10
 * redirects"; nine redirects are followed. */
static void test_redirects_stop_after_ten(void **state)
{
    (void)state;
    world_t far = {0};
    run_call(&far, &(call_t){.url = "http://s:80/hop?10"});
    assert_int_equal(-TO_EREDIRECTS, far.v[0]);
    assert_int_equal(10, far.served);
    world_t near = {0};
    char url[64];
    int n = 1 + (int)ug_rand_below(9);
    snprintf(url, sizeof url, "http://s:80/hop?%d", n);
    run_call(&near, &(call_t){.url = url});
    assert_int_equal(0, near.v[0]);
    assert_int_equal(n + 1, near.served);
}

/* Canceling the context ends the call at that instant, waiting for the
 * head or the body. */
static void test_canceling_the_context_ends_the_request_at_that_instant(void **state)
{
    (void)state;
    world_t w = {0};
    int64_t at = (1 + (int64_t)ug_rand_below(20)) * SEC;
    char url[64];
    snprintf(url, sizeof url, "http://s:80/%s?%lld", ug_rand_below(2) ? "sleep" : "flush",
             (long long)(2 * at / MS));
    run_call(&w, &(call_t){.cl = {.timeout = 4 * at}, .url = url, .cancel_at = at});
    assert_int_equal(-ECANCELED, w.v[0]);
    assert_int_equal(at, w.t[0]);
}

/* A context's deadline ends the call with context.DeadlineExceeded. */
static void test_context_deadline_ends_the_request(void **state)
{
    (void)state;
    world_t w = {0};
    int64_t d = (1 + (int64_t)ug_rand_below(20)) * SEC;
    char url[64];
    snprintf(url, sizeof url, "http://s:80/sleep?%lld", (long long)(2 * d / MS));
    run_call(&w, &(call_t){.cl = {.timeout = 4 * d}, .url = url, .ctx_timeout = d});
    assert_int_equal(-ETIMEDOUT, w.v[0]);
    assert_int_equal(d, w.t[0]);
}

UG_TEST_GROUP(timeout_client, NULL, NULL,
              cmocka_unit_test(test_dial_timeout_fails_the_dial_at_its_instant),
              cmocka_unit_test(test_response_header_timeout_counts_from_the_written_request),
              cmocka_unit_test(test_client_timeout_covers_the_body),
              cmocka_unit_test(test_client_timeout_spans_every_redirect),
              cmocka_unit_test(test_redirects_stop_after_ten),
              cmocka_unit_test(test_canceling_the_context_ends_the_request_at_that_instant),
              cmocka_unit_test(test_context_deadline_ends_the_request));
