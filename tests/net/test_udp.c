/*
 * test_udp.c — net_listen_packet / conn_read_from / conn_write_to on real
 * UDP sockets (loopback), with Go's semantics: ReadFrom parks until a
 * datagram comes and names its sender, deadlines fail pending and later
 * reads with the timeout error, a close readies a parked reader with
 * "use of closed network connection", a datagram longer than the buffer
 * is cut to it (Go on Linux: n is the count copied, no error), datagrams
 * keep their boundaries, and bad networks and addresses are errors.
 */
#include "net_test.h"

typedef void (*body_fn)(void);

static void run_body(void *arg)
{
    ((body_fn)arg)();
}

static void run_udp(body_fn body, rt_clock_mode_t clock)
{
    rt_config_t cfg = {.sched = RT_SCHED_RANDOM, .seed = ug_seed(), .clock = clock};
    int rc = rt_run(&cfg, run_body, (void *)body);
    if (rc)
        fail_msg("rt_run returned %d\n%s", rc, rt_report() ? rt_report() : "");
}

/* Yields until task id is parked on a conn. */
static void wait_io(uint64_t id)
{
    task_info_t ti;
    for (int i = 0; i < 100000; i++) {
        if (task_lookup(id, &ti) == 0 && ti.state == TASK_IO)
            return;
        task_yield();
    }
    fail_msg("task %llu never parked on a conn", (unsigned long long)id);
}

typedef struct {
    conn_t *c;
    ssize_t rc;
    char buf[64], from[112];
} rd_t;

static void reader(void *arg)
{
    rd_t *r = arg;
    r->rc = conn_read_from(r->c, r->buf, sizeof r->buf, r->from, sizeof r->from);
}

static void pair(const char *net, const char *addr, conn_t **a, conn_t **b)
{
    assert_int_equal(0, net_listen_packet(net, addr, a));
    assert_int_equal(0, net_listen_packet(net, addr, b));
}

/* ---- the rules ---- */

static void round_trip_names_the_sender(void)
{
    conn_t *a, *b;
    pair("udp", "127.0.0.1:0", &a, &b);
    assert_string_equal("udp", conn_network(a));
    assert_int_equal(0, strncmp(conn_local_addr(a), "127.0.0.1:", 10));
    assert_true(strcmp(conn_local_addr(a), "127.0.0.1:0") != 0); /* the port chosen */
    rd_t r = {.c = b};
    uint64_t id;
    task_spawn(reader, &r, &id);
    wait_io(id); /* parked: nothing has come yet */
    char msg[16];
    int len = snprintf(msg, sizeof msg, "ping %u", (unsigned)ug_rand_below(1000));
    assert_int_equal(0, conn_write_to(a, msg, (size_t)len, conn_local_addr(b)));
    task_join(id);
    assert_int_equal(len, r.rc);
    assert_memory_equal(msg, r.buf, (size_t)len);
    assert_string_equal(conn_local_addr(a), r.from);
    /* and back, to the address ReadFrom gave */
    assert_int_equal(0, conn_write_to(b, "pong", 4, r.from));
    char got[8], from[112];
    assert_int_equal(4, conn_read_from(a, got, sizeof got, from, sizeof from));
    assert_memory_equal("pong", got, 4);
    assert_string_equal(conn_local_addr(b), from);
    conn_free(a);
    conn_free(b);
}

static void datagrams_keep_their_boundaries_and_order(void)
{
    conn_t *a, *b;
    pair("udp4", ":0", &a, &b);
    assert_int_equal(0, strncmp(conn_local_addr(b), "127.0.0.1:", 10)); /* ":0": loopback */
    for (int i = 0; i < 5; i++) {
        char m[8];
        int len = snprintf(m, sizeof m, "m%d", i * 11);
        assert_int_equal(0, conn_write_to(a, m, (size_t)len, conn_local_addr(b)));
    }
    for (int i = 0; i < 5; i++) {
        char m[8], got[64];
        int len = snprintf(m, sizeof m, "m%d", i * 11);
        assert_int_equal(len, conn_read_from(b, got, sizeof got, NULL, 0));
        assert_memory_equal(m, got, (size_t)len);
    }
    conn_free(a);
    conn_free(b);
}

static void long_datagram_is_cut_to_the_buffer_and_the_rest_lost(void)
{
    conn_t *a, *b;
    pair("udp", "127.0.0.1:0", &a, &b);
    char big[1000], got[100];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)('a' + i % 26);
    assert_int_equal(0, conn_write_to(a, big, sizeof big, conn_local_addr(b)));
    assert_int_equal(0, conn_write_to(a, "next", 4, conn_local_addr(b)));
    assert_int_equal((ssize_t)sizeof got, conn_read_from(b, got, sizeof got, NULL, 0));
    assert_memory_equal(big, got, sizeof got);
    assert_int_equal(4, conn_read_from(b, got, sizeof got, NULL, 0)); /* not the tail */
    assert_memory_equal("next", got, 4);
    conn_free(a);
    conn_free(b);
}

static void oversized_datagram_is_emsgsize(void)
{
    conn_t *a, *b;
    pair("udp", "127.0.0.1:0", &a, &b);
    size_t n = 65508; /* one over IPv4's 65507 */
    char *huge = calloc(1, n);
    assert_non_null(huge);
    assert_int_equal(-EMSGSIZE, conn_write_to(a, huge, n, conn_local_addr(b)));
    assert_int_equal(0, conn_write_to(a, huge, n - 1, conn_local_addr(b))); /* the most */
    assert_int_equal(65507, conn_read_from(b, huge, n, NULL, 0));
    free(huge);
    conn_free(a);
    conn_free(b);
}

static void past_deadline_fails_a_parked_read_then_zero_makes_it_work(void)
{
    conn_t *a, *b;
    pair("udp", "127.0.0.1:0", &a, &b);
    rd_t r = {.c = b};
    uint64_t id;
    task_spawn(reader, &r, &id);
    wait_io(id);
    assert_int_equal(0, conn_set_read_deadline(b, clock_now() - 1));
    task_join(id);
    assert_int_equal(-NET_ETIMEOUT, r.rc);
    /* a datagram waiting does not beat a passed deadline */
    assert_int_equal(0, conn_write_to(a, "x", 1, conn_local_addr(b)));
    char got[4];
    assert_int_equal(-NET_ETIMEOUT, conn_read_from(b, got, sizeof got, NULL, 0));
    assert_int_equal(0, conn_set_read_deadline(b, 0));
    assert_int_equal(1, conn_read_from(b, got, sizeof got, NULL, 0));
    conn_free(a);
    conn_free(b);
}

static void future_deadline_times_out_with_nothing_sent(void)
{
    conn_t *b;
    assert_int_equal(0, net_listen_packet("udp", "127.0.0.1:0", &b));
    int64_t t0 = clock_now(), d = (int64_t)(1 + ug_rand_below(5)) * CLOCK_MS;
    assert_int_equal(0, conn_set_read_deadline(b, t0 + d));
    char got[4];
    assert_int_equal(-NET_ETIMEOUT, conn_read_from(b, got, sizeof got, NULL, 0));
    assert_true(clock_now() >= t0 + d);
    assert_string_equal("i/o timeout", net_strerror(-NET_ETIMEOUT));
    conn_free(b);
}

static void past_write_deadline_fails_write_to(void)
{
    conn_t *a, *b;
    pair("udp", "127.0.0.1:0", &a, &b);
    assert_int_equal(0, conn_set_write_deadline(a, -1));
    assert_int_equal(-NET_ETIMEOUT, conn_write_to(a, "x", 1, conn_local_addr(b)));
    assert_int_equal(0, conn_set_write_deadline(a, 0));
    assert_int_equal(0, conn_write_to(a, "x", 1, conn_local_addr(b)));
    conn_free(a);
    conn_free(b);
}

static void close_readies_a_parked_reader_with_closed(void)
{
    conn_t *b;
    assert_int_equal(0, net_listen_packet("udp", "127.0.0.1:0", &b));
    rd_t r = {.c = b};
    uint64_t id;
    task_spawn(reader, &r, &id);
    wait_io(id);
    assert_int_equal(0, conn_close(b));
    task_join(id);
    assert_int_equal(-NET_ECLOSED, r.rc);
    char got[4];
    assert_int_equal(-NET_ECLOSED, conn_read_from(b, got, sizeof got, NULL, 0));
    assert_int_equal(-NET_ECLOSED, conn_write_to(b, "x", 1, "127.0.0.1:9"));
    assert_int_equal(-NET_ECLOSED, conn_close(b));
    conn_free(b);
}

static void ipv6_round_trip(void)
{
    conn_t *a, *b;
    pair("udp6", "[::1]:0", &a, &b);
    assert_string_equal("udp6", conn_network(a));
    assert_int_equal(0, strncmp(conn_local_addr(a), "[::1]:", 6));
    assert_int_equal(0, conn_write_to(a, "six", 3, conn_local_addr(b)));
    char got[8], from[112];
    assert_int_equal(3, conn_read_from(b, got, sizeof got, from, sizeof from));
    assert_string_equal(conn_local_addr(a), from);
    conn_free(a);
    conn_free(b);
}

static void bad_networks_and_addresses_are_errors(void)
{
    conn_t *c;
    listener_t *l;
    assert_int_equal(-EAFNOSUPPORT, net_listen_packet("tcp", "127.0.0.1:0", &c));
    assert_int_equal(-EAFNOSUPPORT, net_listen("udp", "127.0.0.1:0", &l)); /* streams only */
    assert_int_equal(-EAFNOSUPPORT, net_dial("udp", "127.0.0.1:9", &c));
    assert_int_equal(-EINVAL, net_listen_packet("udp", "no-port", &c));
    assert_int_equal(-EINVAL, net_listen_packet("udp", "127.0.0.1:70000", &c));
    assert_int_equal(0, net_listen_packet("udp", "127.0.0.1:0", &c));
    conn_t *d;
    assert_int_equal(-EADDRINUSE, net_listen_packet("udp", conn_local_addr(c), &d));
    assert_int_equal(-EINVAL, conn_write_to(c, "x", 1, "nowhere"));
    assert_int_equal(-EINVAL, conn_write_to(c, "x", 1, NULL));
    assert_int_equal(-EDESTADDRREQ, conn_write(c, "x", 1, NULL)); /* unconnected */
    conn_free(c);
}

static void nobody_listening_is_no_error_and_read_takes_a_datagram(void)
{
    conn_t *a, *b;
    pair("udp", "127.0.0.1:0", &a, &b);
    char gone[112];
    snprintf(gone, sizeof gone, "%s", conn_local_addr(b));
    conn_free(b);               /* its port: nobody there now */
    for (int i = 0; i < 3; i++) /* the ICMP answer is not an error (Go) */
        assert_int_equal(0, conn_write_to(a, "lost", 4, gone));
    /* Go's Read on a listening UDPConn: the next datagram, sender unsaid */
    assert_int_equal(0, conn_write_to(a, "self", 4, conn_local_addr(a)));
    char got[8];
    assert_int_equal(4, conn_read(a, got, sizeof got));
    assert_memory_equal("self", got, 4);
    conn_free(a);
}

#define UDP_TEST(name, clock)                                                                      \
    static void test_##name(void **state)                                                          \
    {                                                                                              \
        (void)state;                                                                               \
        run_udp(name, clock);                                                                      \
    }
UDP_TEST(round_trip_names_the_sender, RT_CLOCK_VIRTUAL)
UDP_TEST(datagrams_keep_their_boundaries_and_order, RT_CLOCK_VIRTUAL)
UDP_TEST(long_datagram_is_cut_to_the_buffer_and_the_rest_lost, RT_CLOCK_VIRTUAL)
UDP_TEST(oversized_datagram_is_emsgsize, RT_CLOCK_VIRTUAL)
UDP_TEST(past_deadline_fails_a_parked_read_then_zero_makes_it_work, RT_CLOCK_VIRTUAL)
UDP_TEST(future_deadline_times_out_with_nothing_sent, RT_CLOCK_VIRTUAL)
UDP_TEST(past_write_deadline_fails_write_to, RT_CLOCK_VIRTUAL)
UDP_TEST(close_readies_a_parked_reader_with_closed, RT_CLOCK_VIRTUAL)
UDP_TEST(ipv6_round_trip, RT_CLOCK_VIRTUAL)
UDP_TEST(bad_networks_and_addresses_are_errors, RT_CLOCK_VIRTUAL)
UDP_TEST(nobody_listening_is_no_error_and_read_takes_a_datagram, RT_CLOCK_VIRTUAL)
/* The real clock: the idle step waits in epoll_wait until the deadline. */
#define future_deadline_on_the_real_clock future_deadline_times_out_with_nothing_sent
UDP_TEST(future_deadline_on_the_real_clock, RT_CLOCK_REAL)

UG_TEST_GROUP(udp, NULL, NULL, cmocka_unit_test(test_round_trip_names_the_sender),
              cmocka_unit_test(test_datagrams_keep_their_boundaries_and_order),
              cmocka_unit_test(test_long_datagram_is_cut_to_the_buffer_and_the_rest_lost),
              cmocka_unit_test(test_oversized_datagram_is_emsgsize),
              cmocka_unit_test(test_past_deadline_fails_a_parked_read_then_zero_makes_it_work),
              cmocka_unit_test(test_future_deadline_times_out_with_nothing_sent),
              cmocka_unit_test(test_past_write_deadline_fails_write_to),
              cmocka_unit_test(test_close_readies_a_parked_reader_with_closed),
              cmocka_unit_test(test_ipv6_round_trip),
              cmocka_unit_test(test_bad_networks_and_addresses_are_errors),
              cmocka_unit_test(test_nobody_listening_is_no_error_and_read_takes_a_datagram),
              cmocka_unit_test(test_future_deadline_on_the_real_clock));
