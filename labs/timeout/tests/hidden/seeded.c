/*
 * seeded.c — seeded scenarios checked against a model of Go's rules: a
 * keep-alive session under a random mix of the server's timeouts (some of
 * them zero), and client calls under random mixes of the client's.
 */
#include "../to_world.h"

static void session_client(world_t *w)
{
    conn_t *c = world_dial();
    char buf[512];
    exchange(c, "GET / HTTP/1.1\r\nHost: s\r\n\r\n", 2, buf, sizeof buf);
    w->v[0] = status_of(buf);
    clock_sleep(w->t[1]);
    w->t[0] = dribble_until_closed(c, "GET ", 100 * MS, w->s[0], sizeof w->s[0]);
    conn_free(c);
}

/* When the server closes, by Go's rules: the response leaves at 3L; the
 * next request's four bytes arrive at 5L + gap. */
static int64_t model_server(const to_server_config_t *c, int64_t lat, int64_t gap)
{
    int64_t hdr = c->read_header_timeout ? c->read_header_timeout : c->read_timeout;
    int64_t idle = c->idle_timeout ? c->idle_timeout : c->read_timeout;
    int64_t done = 3 * lat, four = 5 * lat + gap;
    if (!idle)
        return done + hdr; /* readRequest starts at once */
    if (four >= done + idle)
        return done + idle;
    return four + hdr;
}

/* The client sees it L later, but reads only after its gap (from 4L). */
static int64_t model_close(const to_server_config_t *c, int64_t lat, int64_t gap)
{
    int64_t seen = model_server(c, lat, gap) + lat, awake = 4 * lat + gap;
    return seen > awake ? seen : awake;
}

static void test_seeded_keepalive_sessions_close_where_go_would(void **state)
{
    (void)state;
    uint64_t closes = 0, expected = 0; /* hashes of the instants, in order */
    int ok = 0;
    for (int i = 0; i < 12; i++) {
        world_t w = {.latency = seeded_latency(), .client = session_client};
        int64_t pick[3];
        for (int k = 0; k < 3; k++)
            pick[k] = ug_rand_below(3) ? (1 + (int64_t)ug_rand_below(10)) * SEC : 0;
        if (!pick[0] && !pick[1])
            pick[1] = (1 + (int64_t)ug_rand_below(10)) * SEC;
        w.cfg = (to_server_config_t){.read_header_timeout = pick[0],
                                     .read_timeout = pick[1],
                                     .idle_timeout = pick[2]};
        w.t[1] = (int64_t)ug_rand_below(12) * SEC + (100 + (int64_t)ug_rand_below(800)) * MS;
        world_run(&w);
        ok += w.v[0] == 200;
        closes = closes * 31 + (uint64_t)w.t[0];
        expected = expected * 31 + (uint64_t)model_close(&w.cfg, w.latency, w.t[1]);
    }
    assert_int_equal(12, ok);
    assert_int_equal(expected, closes);
}

static void late_client(world_t *w)
{
    to_client_t cl = {.timeout = w->t[1], .response_header_timeout = w->t[2]};
    char url[64];
    snprintf(url, sizeof url, "http://s:80/%s?%lld", w->v[2] ? "flush" : "sleep",
             (long long)(w->t[3] / MS));
    http_resp_t r;
    w->v[0] = to_client_get(&cl, NULL, url, &r);
    w->t[0] = clock_now();
    http_resp_free(&r);
}

/* Go's rules for one call: the head by 2L + ResponseHeaderTimeout (from
 * the written request), everything by Client.Timeout. */
static void test_seeded_client_calls_fail_where_go_would(void **state)
{
    (void)state;
    uint64_t got = 0, want = 0; /* hashes of (instant, result), in order */
    for (int i = 0; i < 12; i++) {
        world_t w = {.latency = seeded_latency()};
        w.client = late_client;
        w.v[2] = (long)ug_rand_below(2);                 /* head first, or all late */
        w.t[3] = (1 + (int64_t)ug_rand_below(10)) * SEC; /* the handler's delay */
        w.t[1] = ug_rand_below(4) ? (1 + (int64_t)ug_rand_below(10)) * SEC + 500 * MS : 0;
        w.t[2] = ug_rand_below(4) ? (1 + (int64_t)ug_rand_below(10)) * SEC + 250 * MS : 0;
        world_run(&w);
        int64_t lat = w.latency, done = 4 * lat + w.t[3], head = w.v[2] ? 4 * lat : done;
        int64_t rc = 0, at = done;
        if (w.t[2] && head > 2 * lat + w.t[2])
            rc = -TO_EHEADER_TIMEOUT, at = 2 * lat + w.t[2];
        if (w.t[1] && w.t[1] < at)
            rc = -TO_ECLIENT_TIMEOUT, at = w.t[1];
        got = got * 31 + (uint64_t)w.t[0] * 7 + (uint64_t)w.v[0];
        want = want * 31 + (uint64_t)at * 7 + (uint64_t)rc;
    }
    assert_int_equal(want, got);
}

UG_TEST_GROUP(timeout_seeded, NULL, NULL,
              cmocka_unit_test(test_seeded_keepalive_sessions_close_where_go_would),
              cmocka_unit_test(test_seeded_client_calls_fail_where_go_would));
