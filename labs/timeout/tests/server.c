/*
 * server.c — the server's deadlines at their exact instants.
 *
 * With one-way latency L, a dial at 0 returns at 2L, when the server's
 * accept returns too, so the first request's clock starts at 2L; a close
 * at T reaches the client at T + L. A request sent at 2L arrives at 3L
 * and its response at 4L.
 * Timeouts, latencies and gaps come from the seed.
 */
#include "to_world.h"

#define GET "GET / HTTP/1.1\r\nHost: s\r\n\r\n"

/* Go's readHeaderTimeout(), idleTimeout() and initialReadLimitSize(). */
static void test_fallbacks_and_the_head_limit_follow_go(void **state)
{
    (void)state;
    int64_t a = 1 + (int64_t)ug_rand_below(1000), b = 1 + (int64_t)ug_rand_below(1000);
    int m = 1 + (int)ug_rand_below(100000);
    to_server_config_t only_read = {.read_timeout = a};
    to_server_config_t both = {.read_timeout = a,
                               .read_header_timeout = b,
                               .idle_timeout = b,
                               .max_header_bytes = m};
    to_server_config_t none = {.max_header_bytes = -m};
    assert_int_equal(a, to_read_header_timeout(&only_read));
    assert_int_equal(a, to_idle_timeout(&only_read));
    assert_int_equal(b, to_read_header_timeout(&both));
    assert_int_equal(b, to_idle_timeout(&both));
    assert_int_equal(0, to_read_header_timeout(&none));
    assert_int_equal(0, to_idle_timeout(&none));
    assert_int_equal((size_t)m + 4096, to_head_limit(&both));
    assert_int_equal((1u << 20) + 4096, to_head_limit(&none));
}

static void dribble_client(world_t *w)
{
    conn_t *c = world_dial();
    w->t[0] = dribble_until_closed(c, w->s[1], 100 * MS, w->s[0], sizeof w->s[0]);
    conn_free(c);
}

/* A client that dribbles its head a byte at a time is closed at
 * 2L + ReadHeaderTimeout, with nothing written (Go closes silently). */
static void test_read_header_timeout_closes_a_dribbling_connection_at_its_instant(void **state)
{
    (void)state;
    world_t w = {.latency = seeded_latency(), .client = dribble_client};
    int64_t h = (1 + (int64_t)ug_rand_below(30)) * SEC + (int64_t)ug_rand_below(1000) * MS;
    w.cfg = (to_server_config_t){.read_header_timeout = h, .read_timeout = 10 * h};
    snprintf(w.s[1], sizeof w.s[1], "GET / HTTP/1.1\r\nX-");
    world_run(&w);
    assert_int_equal(2 * w.latency + h + w.latency, w.t[0]);
    assert_string_equal("", w.s[0]);
}

/* ReadHeaderTimeout 0: the head gets ReadTimeout. */
static void test_read_timeout_stands_in_for_a_zero_read_header_timeout(void **state)
{
    (void)state;
    world_t w = {.latency = seeded_latency(), .client = dribble_client};
    int64_t r = (1 + (int64_t)ug_rand_below(30)) * SEC + (int64_t)ug_rand_below(1000) * MS;
    w.cfg = (to_server_config_t){.read_timeout = r};
    snprintf(w.s[1], sizeof w.s[1], "GET /%d HTTP/1.1\r\nX-", (int)ug_rand_below(1000));
    world_run(&w);
    assert_int_equal(2 * w.latency + r + w.latency, w.t[0]);
    assert_string_equal("", w.s[0]);
}

/* The head arrives in time, the body dribbles: ReadTimeout ends it,
 * counted from the request's start (2L), not from the end of its head. */
static void test_read_timeout_covers_the_body_from_the_start_of_the_request(void **state)
{
    (void)state;
    world_t w = {.latency = seeded_latency(), .client = dribble_client};
    int64_t r = (1 + (int64_t)ug_rand_below(30)) * SEC + (int64_t)ug_rand_below(1000) * MS;
    w.cfg = (to_server_config_t){.read_timeout = r, .read_header_timeout = r / 2};
    snprintf(w.s[1], sizeof w.s[1], "POST / HTTP/1.1\r\nHost: s\r\nContent-Length: 100000\r\n\r\n");
    world_run(&w);
    assert_int_equal(2 * w.latency + r + w.latency, w.t[0]);
    assert_string_equal("", w.s[0]);
}

/* One request, then the client waits: v[0] the first status, t[0] the
 * close. w->s[1], when set, is sent w->t[1] ns after the response, then
 * dribbled. */
static void keepalive_client(world_t *w)
{
    conn_t *c = world_dial();
    char buf[512];
    exchange(c, GET, 2, buf, sizeof buf);
    w->v[0] = status_of(buf);
    w->t[2] = clock_now();
    if (w->t[1])
        clock_sleep(w->t[1]);
    w->t[0] = dribble_until_closed(c, w->s[1], 100 * MS, w->s[0], sizeof w->s[0]);
    conn_free(c);
}

/* After the response (sent at 3L) the connection idles until
 * 3L + IdleTimeout. */
static void test_idle_timeout_closes_a_kept_alive_connection_after_the_response(void **state)
{
    (void)state;
    world_t w = {.latency = seeded_latency(), .client = keepalive_client};
    int64_t idle = (1 + (int64_t)ug_rand_below(60)) * SEC;
    w.cfg = (to_server_config_t){.idle_timeout = idle, .read_timeout = 100 * SEC};
    world_run(&w);
    assert_int_equal(200, w.v[0]);
    assert_int_equal(4 * w.latency, w.t[2]);
    assert_int_equal(3 * w.latency + idle + w.latency, w.t[0]);
}

/* IdleTimeout 0: the idle wait gets ReadTimeout. */
static void test_zero_idle_timeout_falls_back_to_read_timeout(void **state)
{
    (void)state;
    world_t w = {.latency = seeded_latency(), .client = keepalive_client};
    int64_t r = (1 + (int64_t)ug_rand_below(60)) * SEC;
    w.cfg = (to_server_config_t){.read_timeout = r};
    world_run(&w);
    assert_int_equal(200, w.v[0]);
    assert_int_equal(4 * w.latency + r, w.t[0]);
}

/* The second request starts after a gap; its header clock starts when
 * its first four bytes arrive (4L + gap + L), and the idle deadline no
 * longer applies. */
static void test_header_clock_of_a_later_request_starts_at_its_first_four_bytes(void **state)
{
    (void)state;
    world_t w = {.latency = seeded_latency(), .client = keepalive_client};
    int64_t h = (1 + (int64_t)ug_rand_below(20)) * SEC, gap = (1 + (int64_t)ug_rand_below(9)) * SEC;
    w.cfg = (to_server_config_t){.read_header_timeout = h, .idle_timeout = gap + SEC};
    w.t[1] = gap;
    snprintf(w.s[1], sizeof w.s[1], "GET ");
    world_run(&w);
    assert_int_equal(200, w.v[0]);
    assert_int_equal(4 * w.latency + gap + w.latency + h + w.latency, w.t[0]);
}

/* The second request's first four bytes come after a gap, the rest
 * after the idle timeout would have passed; v[1] its status. */
static void late_rest_client(world_t *w)
{
    conn_t *c = world_dial();
    char buf[512];
    exchange(c, GET, 2, buf, sizeof buf);
    w->v[0] = status_of(buf);
    clock_sleep(w->t[1]);
    conn_write(c, "GET ", 4, NULL);
    clock_sleep(w->t[1] + 2 * SEC);
    w->t[0] = dribble_until_closed(c, "/ HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n",
                                   3600 * SEC, w->s[0], sizeof w->s[0]);
    w->v[1] = status_of(w->s[0]);
    conn_free(c);
}

/* With no header timeout at all, the idle deadline ends with the four
 * bytes: the rest of the head may come after it. */
static void test_idle_deadline_ends_when_the_next_request_begins(void **state)
{
    (void)state;
    world_t w = {.latency = seeded_latency(), .client = late_rest_client};
    int64_t gap = (1 + (int64_t)ug_rand_below(9)) * SEC;
    w.cfg = (to_server_config_t){.idle_timeout = gap + SEC};
    w.t[1] = gap;
    world_run(&w);
    assert_int_equal(200, w.v[0]);
    assert_int_equal(200, w.v[1]);
    assert_int_equal(4 * w.latency + gap + gap + 2 * SEC + 2 * w.latency, w.t[0]);
}

/* /sleep for `ms`, then the client reads until the server closes. */
static void sleepy_client(world_t *w)
{
    conn_t *c = world_dial();
    w->t[0] = dribble_until_closed(c, w->s[1], 60 * SEC, w->s[0], sizeof w->s[0]);
    conn_free(c);
}

/* The write deadline is end of head (3L) + WriteTimeout: a handler that
 * takes WriteTimeout - L answers; one that takes WriteTimeout + L loses
 * its response and the connection closes when it tries to write. */
static void test_write_timeout_counts_from_the_end_of_the_head_and_covers_the_handler(void **state)
{
    (void)state;
    int64_t lat = seeded_latency(), wt = (1 + (int64_t)ug_rand_below(20)) * SEC;
    world_t fast = {.latency = lat, .client = sleepy_client};
    fast.cfg = (to_server_config_t){.write_timeout = wt};
    snprintf(fast.s[1], sizeof fast.s[1],
             "GET /sleep?%lld HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n",
             (long long)((wt - lat) / MS));
    world_run(&fast);
    assert_int_equal(200, status_of(fast.s[0]));
    assert_int_equal(3 * lat + (wt - lat) + lat, fast.t[0]);

    world_t slow = {.latency = lat, .client = sleepy_client};
    slow.cfg = (to_server_config_t){.write_timeout = wt};
    snprintf(slow.s[1], sizeof slow.s[1], "GET /sleep?%lld HTTP/1.1\r\nHost: s\r\n\r\n",
             (long long)((wt + lat) / MS));
    world_run(&slow);
    assert_string_equal("", slow.s[0]);
    assert_int_equal(3 * lat + (wt + lat) + lat, slow.t[0]);
}

/* A head of n bytes: request line, an X-Pad header filled to size, blank line. */
static void make_head(char *buf, size_t n)
{
    const char *pre = "GET / HTTP/1.1\r\nHost: s\r\nConnection: close\r\nX-Pad: ";
    size_t k = strlen(pre);
    memcpy(buf, pre, k);
    memset(buf + k, 'p', n - k - 4);
    memcpy(buf + n - 4, "\r\n\r\n", 5);
}

static void big_head_client(world_t *w)
{
    size_t limit = to_head_limit(&w->cfg);
    char *head = malloc(limit + 2);
    for (int i = 0; i < 2; i++) {
        conn_t *c = world_dial();
        make_head(head, limit + (size_t)i);
        w->t[i] = dribble_until_closed(c, head, 60 * SEC, w->s[i], sizeof w->s[i]);
        conn_free(c);
    }
    free(head);
}

/* Exactly MaxHeaderBytes + 4096 bytes of head are served; one more is a
 * 431 with Go's text. */
static void test_head_over_max_header_bytes_plus_slop_gets_431(void **state)
{
    (void)state;
    world_t w = {.latency = seeded_latency(), .client = big_head_client};
    w.cfg.max_header_bytes = 100 + (int)ug_rand_below(8000);
    world_run(&w);
    assert_int_equal((size_t)w.cfg.max_header_bytes + 4096, to_head_limit(&w.cfg));
    assert_int_equal(200, status_of(w.s[0]));
    assert_int_equal(431, status_of(w.s[1]));
    assert_string_equal("HTTP/1.1 431 Request Header Fields Too Large\r\n"
                        "Content-Type: text/plain; charset=utf-8\r\n"
                        "Connection: close\r\n\r\n431 Request Header Fields Too Large",
                        w.s[1]);
}

UG_TEST_GROUP(
    timeout_server, NULL, NULL, cmocka_unit_test(test_fallbacks_and_the_head_limit_follow_go),
    cmocka_unit_test(test_read_header_timeout_closes_a_dribbling_connection_at_its_instant),
    cmocka_unit_test(test_read_timeout_stands_in_for_a_zero_read_header_timeout),
    cmocka_unit_test(test_read_timeout_covers_the_body_from_the_start_of_the_request),
    cmocka_unit_test(test_idle_timeout_closes_a_kept_alive_connection_after_the_response),
    cmocka_unit_test(test_zero_idle_timeout_falls_back_to_read_timeout),
    cmocka_unit_test(test_header_clock_of_a_later_request_starts_at_its_first_four_bytes),
    cmocka_unit_test(test_idle_deadline_ends_when_the_next_request_begins),
    cmocka_unit_test(test_write_timeout_counts_from_the_end_of_the_head_and_covers_the_handler),
    cmocka_unit_test(test_head_over_max_header_bytes_plus_slop_gets_431));
