/*
 * test_netpoll.c — the netpoller and the deadlock detector: a task parked
 * on a real descriptor is not asleep forever, while tasks that wait on
 * in-memory or simulated conns nothing can ever write to are Go's
 * deadlock. And the basics on every transport: bytes go through, echoed;
 * addresses read as Go prints them; accept deadlines.
 */
#include "net_test.h"

static rt_config_t fifo(void) {
    return (rt_config_t){.sched = RT_SCHED_FIFO, .seed = ug_seed()};
}

/* ---- parked on a descriptor, with nothing else to do ---- */

typedef struct {
    listener_t *l;
    conn_t *c;
    int rc;
    char got;
} np_t;

static void np_dialer(void *arg) {
    np_t *s = arg;
    conn_t *c;
    s->rc = net_dial("tcp", listener_addr(s->l), &c);
    if (s->rc) return;
    s->rc = (int)conn_read(c, &s->got, 1);   /* parks: main writes after accept */
    conn_free(c);
}

static void parked_main(void *arg) {
    np_t *s = arg;
    assert_int_equal(0, net_listen("tcp", "127.0.0.1:0", &s->l));
    uint64_t id;
    task_spawn(np_dialer, s, &id);
    /* FIFO: main parks in accept first, then the dialer parks on its read;
     * with no timer pending only the kernel can wake anyone. */
    assert_int_equal(0, listener_accept(s->l, &s->c));
    assert_int_equal(0, conn_write(s->c, "k", 1, NULL));
    task_join(id);
    conn_free(s->c);
    listener_free(s->l);
}

static void test_tasks_parked_on_sockets_are_not_a_deadlock(void **state) {
    (void)state;
    np_t s = {0};
    rt_config_t cfg = fifo();
    assert_int_equal(0, rt_run(&cfg, parked_main, &s));
    assert_int_equal(1, s.rc);
    assert_int_equal('k', s.got);
}

/* ---- in-memory conns nobody writes to ---- */

typedef struct {
    transport_t kind;
    pair_t p;
} dl_t;

static void dl_reader(void *arg) {
    char c;
    conn_read(arg, &c, 1);
}

static void dl_main(void *arg) {
    dl_t *s = arg;
    pair_open(s->kind, &s->p);
    task_spawn(dl_reader, s->p.a, NULL);
    char c;
    conn_read(s->p.b, &c, 1);    /* both ends read: nothing can ever arrive */
}

static void deadlock_on(transport_t kind) {
    dl_t s = {.kind = kind};
    rt_config_t cfg = fifo();
    assert_int_equal(-EDEADLK, rt_run(&cfg, dl_main, &s));
    const char *r = rt_report();
    assert_non_null(r);
    assert_non_null(strstr(r, "fatal error: all goroutines are asleep - deadlock!"));
    assert_non_null(strstr(r, "goroutine 1 [IO wait]:"));
    assert_non_null(strstr(r, "[IO wait]:\ndl_reader()"));
    assert_int_equal(kind, s.kind);
}

static void test_pipe_ends_that_both_read_are_a_deadlock(void **state) {
    (void)state;
    deadlock_on(T_PIPE);
}

static void test_buffered_ends_that_both_read_are_a_deadlock(void **state) {
    (void)state;
    deadlock_on(T_BUFFERED);
}

static void test_simulated_ends_that_both_read_are_a_deadlock(void **state) {
    (void)state;
    deadlock_on(T_SIM);
}

/* ---- echo on every transport ---- */

typedef struct {
    transport_t kind;
    size_t len, echoed;
    unsigned char *msg, *back;
    char laddr[112], raddr[112];
    char bl[112], br[112];
    const char *network;
} echo_t;

static void echo_server(void *arg) {
    conn_t *c = arg;
    unsigned char buf[4096];
    for (ssize_t n; (n = conn_read(c, buf, sizeof buf)) > 0;)
        if (conn_write(c, buf, (size_t)n, NULL)) break;
    conn_close_write(c);
}


static void echo_main(void *arg) {
    echo_t *e = arg;
    pair_t p;
    pair_open(e->kind, &p);
    snprintf(e->laddr, sizeof e->laddr, "%s", conn_local_addr(p.a));
    snprintf(e->raddr, sizeof e->raddr, "%s", conn_remote_addr(p.a));
    snprintf(e->bl, sizeof e->bl, "%s", conn_local_addr(p.b));
    snprintf(e->br, sizeof e->br, "%s", conn_remote_addr(p.b));
    e->network = conn_network(p.a);
    task_spawn(echo_server, p.b, NULL);
    /* Write and read in turns of up to 4 KiB (the server's buffer), so no transport's window
     * (net.Pipe has none) makes the writer wait for a reader it is. */
    for (size_t off = 0; off < e->len;) {
        size_t k = e->len - off < 4096 ? e->len - off : 4096;
        assert_int_equal(0, conn_write(p.a, e->msg + off, k, NULL));
        assert_int_equal(0, read_full(p.a, e->back + off, k));
        off += k;
        e->echoed = off;
    }
    pair_close(&p);
}

static void echo_on(transport_t kind, echo_t *e) {
    e->kind = kind;
    e->len = 1 + ug_rand_below(200000);
    e->msg = malloc(e->len);
    e->back = calloc(1, e->len);
    for (size_t i = 0; i < e->len; i++) e->msg[i] = (unsigned char)ug_rand();
    rt_config_t cfg = {.seed = ug_seed()};
    int rc = rt_run(&cfg, echo_main, e);
    if (rc) fail_msg("%s: %d\n%s", transport_names[kind], rc, rt_report() ? rt_report() : "");
    assert_int_equal(e->len, e->echoed);
    assert_memory_equal(e->msg, e->back, e->len);
    free(e->msg);
    free(e->back);
}

/* "127.0.0.1:<port>" with the port stripped, to compare as a value. */
static const char *host_of(char *addr) {
    char *colon = strrchr(addr, ':');
    if (colon) *colon = '\0';
    return addr;
}

static void test_echo_over_tcp_with_go_addresses(void **state) {
    (void)state;
    echo_t e = {0};
    echo_on(T_TCP, &e);
    assert_string_equal("tcp", e.network);
    assert_string_equal("127.0.0.1", host_of(e.laddr));
    assert_string_equal("127.0.0.1", host_of(e.raddr));
}

static void test_echo_over_tcp6_with_go_addresses(void **state) {
    (void)state;
    echo_t e = {0};
    echo_on(T_TCP6, &e);
    assert_string_equal("tcp6", e.network);
    assert_string_equal("[::1]", host_of(e.laddr));
}

static void test_echo_over_unix_sockets(void **state) {
    (void)state;
    echo_t e = {0};
    echo_on(T_UNIX, &e);
    assert_string_equal("unix", e.network);
    assert_string_equal("", e.laddr);             /* the dialing side is unnamed */
    assert_non_null(strstr(e.bl, "/tmp/ug-net-"));
}

static void test_echo_over_net_pipe(void **state) {
    (void)state;
    echo_t e = {0};
    echo_on(T_PIPE, &e);
    assert_string_equal("pipe", e.network);
    assert_string_equal("pipe", e.laddr);
}

static void test_echo_over_buffered_pipe(void **state) {
    (void)state;
    echo_t e = {0};
    echo_on(T_BUFFERED, &e);
    assert_string_equal("pipe", e.network);
}

static void test_echo_over_simulated_hosts(void **state) {
    (void)state;
    echo_t e = {0};
    echo_on(T_SIM, &e);
    assert_string_equal("tcp", e.network);
    assert_string_equal("b:80", e.raddr);
    assert_string_equal("a", host_of(e.laddr));
    assert_string_equal("b:80", e.bl);
}

/* ---- accept ---- */

typedef struct {
    transport_t kind;
    int rc[3];
} acc_t;

static void acc_body(void *arg) {
    acc_t *s = arg;
    listener_t *l = NULL;
    conn_t *c;
    s->rc[0] = s->kind == T_TCP ? net_listen("tcp", "127.0.0.1:0", &l)
                                : net_listen("tcp", ":8080", &l);
    if (s->rc[0]) return;
    listener_set_deadline(l, clock_now() + (int64_t)(1 + ug_rand_below(9)) * CLOCK_MS);
    s->rc[1] = listener_accept(l, &c);
    listener_close(l);
    s->rc[2] = listener_accept(l, &c);
    listener_free(l);
}

static void acc_main(void *arg) {
    acc_t *s = arg;
    if (s->kind == T_TCP) {
        acc_body(s);
        return;
    }
    simnet_t *n;
    simhost_t *h;
    simnet_new(NULL, &n);
    simnet_host_add(n, "h", &h);
    uint64_t id;
    simhost_spawn(h, acc_body, s, &id);
    task_join(id);
    simnet_free(n);
}

static void accept_deadline_on(transport_t kind) {
    acc_t s = {.kind = kind};
    rt_config_t cfg = {.seed = ug_seed()};
    assert_int_equal(0, rt_run(&cfg, acc_main, &s));
    assert_int_equal(0, s.rc[0]);
    assert_int_equal(-NET_ETIMEOUT, s.rc[1]);
    assert_int_equal(-NET_ECLOSED, s.rc[2]);
}

static void test_accept_deadline_and_close_on_tcp(void **state) {
    (void)state;
    accept_deadline_on(T_TCP);
}

static void test_accept_deadline_and_close_on_simulated_hosts(void **state) {
    (void)state;
    accept_deadline_on(T_SIM);
}

/* ---- dialing errors ---- */

typedef struct {
    int rc[6];
} dial_t;

static void dial_body(void *arg) {
    dial_t *s = arg;
    conn_t *c;
    listener_t *l;
    /* A port nobody listens on: take one, then close it. */
    net_listen("tcp", "127.0.0.1:0", &l);
    char addr[112];
    snprintf(addr, sizeof addr, "%s", listener_addr(l));
    listener_free(l);
    s->rc[0] = net_dial("tcp", addr, &c);
    s->rc[1] = net_dial("udp", addr, &c);
    s->rc[2] = net_dial("tcp", "no-port", &c);
    s->rc[3] = net_listen("tcp", "127.0.0.1:99999", &l);
    s->rc[4] = net_dial("unix", "/nonexistent/ug.sock", &c);
    s->rc[5] = net_listen_packet("udp", "no-port", &c);
}

static void test_dial_errors_are_errnos(void **state) {
    (void)state;
    dial_t s = {0};
    rt_config_t cfg = {.seed = ug_seed()};
    assert_int_equal(0, rt_run(&cfg, dial_body, &s));
    assert_int_equal(-ECONNREFUSED, s.rc[0]);
    assert_int_equal(-EAFNOSUPPORT, s.rc[1]);
    assert_int_equal(-EINVAL, s.rc[2]);
    assert_int_equal(-EINVAL, s.rc[3]);
    assert_int_equal(-ENOENT, s.rc[4]);
    assert_int_equal(-EINVAL, s.rc[5]);
}

static void test_outside_a_task_calls_fail_with_eperm(void **state) {
    (void)state;
    conn_t *c;
    listener_t *l;
    assert_int_equal(-EPERM, net_dial("tcp", "127.0.0.1:1", &c));
    assert_int_equal(-EPERM, net_listen("tcp", "127.0.0.1:0", &l));
    assert_int_equal(-EPERM, conn_pipe(&c, &c));
    assert_int_equal((int)ug_rand_below(1), 0);
}

UG_TEST_GROUP(netpoll, NULL, NULL,
    cmocka_unit_test(test_tasks_parked_on_sockets_are_not_a_deadlock),
    cmocka_unit_test(test_pipe_ends_that_both_read_are_a_deadlock),
    cmocka_unit_test(test_buffered_ends_that_both_read_are_a_deadlock),
    cmocka_unit_test(test_simulated_ends_that_both_read_are_a_deadlock),
    cmocka_unit_test(test_echo_over_tcp_with_go_addresses),
    cmocka_unit_test(test_echo_over_tcp6_with_go_addresses),
    cmocka_unit_test(test_echo_over_unix_sockets),
    cmocka_unit_test(test_echo_over_net_pipe),
    cmocka_unit_test(test_echo_over_buffered_pipe),
    cmocka_unit_test(test_echo_over_simulated_hosts),
    cmocka_unit_test(test_accept_deadline_and_close_on_tcp),
    cmocka_unit_test(test_accept_deadline_and_close_on_simulated_hosts),
    cmocka_unit_test(test_dial_errors_are_errnos),
    cmocka_unit_test(test_outside_a_task_calls_fail_with_eperm));
