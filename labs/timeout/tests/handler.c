/*
 * handler.c — Go's TimeoutHandler: in time, the handler's response goes
 * out; at the limit, 503 with the body, and the handler's later writes
 * fail with ErrHandlerTimeout. The request reaches the server at 3L; the
 * response the client at +L. Limits, sleeps and bodies come from the seed.
 */
#include "to_world.h"

typedef struct slow {
    world_t *w;
    int64_t sleep;    /* before answering */
    int rc_late;      /* the write after the sleep */
    int rc_early;     /* a write before it */
    bool ctx_done;    /* the request's ctx had ended after the sleep */
    chan_t *finished; /* the handler's end (it may outlive the 503) */
} slow_t;

static void slow_handler(http_response_t *w, http_request_t *r, void *ud)
{
    slow_t *s = ud;
    s->rc_early = http_write(w, "early ", 6);
    clock_sleep(s->sleep);
    s->ctx_done = ctx_err(r->ctx) != 0;
    http_set_header(w, "X-Slow", "yes");
    http_write_header(w, 201);
    s->rc_late = http_write(w, "late", 4);
    chan_send(s->finished, NULL);
}

static void handler_client(world_t *w)
{
    slow_t *s = ((to_timeout_handler_t *)w->hud)->ud;
    conn_t *c = world_dial();
    w->t[0] = dribble_until_closed(c, "GET / HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n",
                                   3600 * SEC, w->s[0], sizeof w->s[0]);
    conn_free(c);
    chan_recv(s->finished, NULL, NULL);
}

/* Runs a slow handler behind a TimeoutHandler of limit dt and body. */
static void run_slow(world_t *w, slow_t *s, to_timeout_handler_t *th)
{
    chan_make(0, 1, &s->finished);
    th->handler = slow_handler;
    th->ud = s;
    w->latency = seeded_latency();
    w->handler = to_timeout_serve;
    w->hud = th;
    w->client = handler_client;
    world_run(w);
    chan_free(s->finished);
}

/* A handler that ends before dt: its headers and body go out, at the
 * instant it ended. Its first Write made the status 200, so its later
 * WriteHeader(201) is ignored, while a header set after that Write still
 * goes out (Go copies the timeoutWriter's headers at the end). */
static void test_timeout_handler_passes_a_fast_handler_through(void **state)
{
    (void)state;
    world_t w = {0};
    int64_t dt = (2 + (int64_t)ug_rand_below(20)) * SEC;
    slow_t s = {.sleep = dt - (1 + (int64_t)ug_rand_below(1000)) * MS};
    to_timeout_handler_t th = {.dt = dt};
    run_slow(&w, &s, &th);
    assert_int_equal(200, status_of(w.s[0]));
    assert_non_null(strstr(w.s[0], "X-Slow: yes\r\n"));
    assert_string_equal("early late", strstr(w.s[0], "\r\n\r\n") + 4);
    assert_int_equal(0, s.rc_late);
    assert_int_equal(0, s.ctx_done);
    assert_int_equal(3 * w.latency + s.sleep + w.latency, w.t[0]);
}

/* A handler still running at dt: the client gets 503 with the body at
 * 3L + dt + L, and nothing the handler wrote. */
static void test_timeout_handler_answers_503_with_its_body_at_the_limit(void **state)
{
    (void)state;
    world_t w = {0};
    int64_t dt = (1 + (int64_t)ug_rand_below(20)) * SEC;
    slow_t s = {.sleep = dt + (1 + (int64_t)ug_rand_below(5000)) * MS};
    char body[64];
    snprintf(body, sizeof body, "too slow %u", (unsigned)ug_rand_below(100000));
    to_timeout_handler_t th = {.dt = dt, .body = body};
    run_slow(&w, &s, &th);
    assert_int_equal(503, status_of(w.s[0]));
    assert_string_equal(body, strstr(w.s[0], "\r\n\r\n") + 4);
    assert_int_equal(3 * w.latency + dt + w.latency, w.t[0]);
}

/* After the 503, the handler's request ctx has ended and its writes fail
 * with TO_EHANDLER_TIMEOUT; with no body given, Go's page goes out. */
static void test_handler_writes_after_the_timeout_fail_with_err_handler_timeout(void **state)
{
    (void)state;
    world_t w = {0};
    int64_t dt = (1 + (int64_t)ug_rand_below(20)) * SEC;
    slow_t s = {.sleep = dt + (1 + (int64_t)ug_rand_below(5000)) * MS};
    to_timeout_handler_t th = {.dt = dt};
    run_slow(&w, &s, &th);
    assert_int_equal(503, status_of(w.s[0]));
    assert_string_equal(TO_TIMEOUT_BODY, strstr(w.s[0], "\r\n\r\n") + 4);
    assert_int_equal(0, s.rc_early);
    assert_int_equal(-TO_EHANDLER_TIMEOUT, s.rc_late);
    assert_string_equal("http: Handler timeout", to_strerror(s.rc_late));
    assert_int_equal(1, s.ctx_done);
    assert_int_equal(3 * w.latency + dt + w.latency, w.t[0]);
}

UG_TEST_GROUP(
    timeout_handler, NULL, NULL,
    cmocka_unit_test(test_timeout_handler_passes_a_fast_handler_through),
    cmocka_unit_test(test_timeout_handler_answers_503_with_its_body_at_the_limit),
    cmocka_unit_test(test_handler_writes_after_the_timeout_fail_with_err_handler_timeout));
