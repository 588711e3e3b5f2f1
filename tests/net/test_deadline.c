/*
 * test_deadline.c — Go's net.Conn rules, each checked on every transport:
 * TCP (IPv4, IPv6), Unix sockets, net.Pipe, the buffered pipe and a
 * simulated stream. The rules are internal/poll's and net/pipe.go's: a
 * past deadline fails pending and later calls at once with the timeout
 * error and nothing else does; a future one makes calls work again; zero
 * is none; a timed-out write says how much it wrote; close fails pending
 * and later calls; the peer reads what was written, then end of stream.
 */
#include "net_test.h"

typedef void (*rule_fn)(pair_t *p);

typedef struct {
    transport_t kind;
    rule_fn rule;
} job_t;

static void job_main(void *arg) {
    job_t *j = arg;
    pair_t p;
    pair_open(j->kind, &p);
    j->rule(&p);
    pair_close(&p);
}

static void run_rule(transport_t kind, rule_fn rule, rt_clock_mode_t clock) {
    job_t j = {kind, rule};
    rt_config_t cfg = {.sched = RT_SCHED_RANDOM, .seed = ug_seed(), .clock = clock};
    int rc = rt_run(&cfg, job_main, &j);
    if (rc) fail_msg("%s: rt_run returned %d\n%s", transport_names[kind], rc,
                     rt_report() ? rt_report() : "");
}

/* Yields until task id is parked on a conn. */
static void wait_io(uint64_t id) {
    task_info_t ti;
    for (int i = 0; i < 100000; i++) {
        if (task_lookup(id, &ti) == 0 && ti.state == TASK_IO) return;
        task_yield();
    }
    fail_msg("task %llu never parked on a conn", (unsigned long long)id);
}

typedef struct {
    conn_t *c;
    ssize_t rc;
    size_t n, len;
    char buf[64];
    int64_t delay;
} io_t;

static void reader(void *arg) {
    io_t *io = arg;
    io->rc = conn_read(io->c, io->buf, sizeof io->buf);
}

static void late_writer(void *arg) {
    io_t *io = arg;
    clock_sleep(io->delay);
    io->rc = conn_write(io->c, "z", 1, &io->n);
}

/* Writes in a task of its own: a net.Pipe write waits for its reader. */
typedef struct {
    conn_t *c;
    char buf[64];
    size_t len, n;
    int rc;
    bool close_after;
} bg_write_t;

static void bg_writer(void *arg) {
    bg_write_t *w = arg;
    w->rc = conn_write(w->c, w->buf, w->len, &w->n);
    if (w->close_after) conn_close(w->c);
}

static uint64_t write_in_background(bg_write_t *w, conn_t *c, const void *buf, size_t len) {
    uint64_t id;
    w->c = c;
    w->len = len;
    memcpy(w->buf, buf, len);
    task_spawn(bg_writer, w, &id);
    return id;
}

/* ---- the rules ---- */

static void past_deadline_fails_a_pending_read(pair_t *p) {
    io_t io = {.c = p->b};
    uint64_t id;
    task_spawn(reader, &io, &id);
    wait_io(id);
    assert_int_equal(0, conn_set_read_deadline(p->b, clock_now() - 1));
    task_join(id);
    assert_int_equal(-NET_ETIMEOUT, io.rc);
    assert_string_equal("i/o timeout", net_strerror((int)io.rc));
}

static void past_deadline_fails_a_later_read_even_with_data_waiting(pair_t *p) {
    char c[2] = {(char)('a' + ug_rand_below(26)), (char)('a' + ug_rand_below(26))}, got = 0;
    bg_write_t w = {0};
    uint64_t id = write_in_background(&w, p->a, c, 2);
    assert_int_equal(1, conn_read(p->b, &got, 1));       /* the data is here */
    assert_int_equal(c[0], got);
    assert_int_equal(0, conn_set_read_deadline(p->b, -1));   /* aLongTimeAgo */
    assert_int_equal(-NET_ETIMEOUT, conn_read(p->b, &got, 1));
    assert_int_equal(-NET_ETIMEOUT, conn_read(p->b, &got, 1));
    assert_int_equal(0, conn_set_read_deadline(p->b, 0));
    assert_int_equal(1, conn_read(p->b, &got, 1));
    assert_int_equal(c[1], got);
    task_join(id);
    assert_int_equal(0, w.rc);
}

static void future_deadline_times_out_then_a_later_one_makes_reads_work(pair_t *p) {
    int64_t d = clock_now() + (int64_t)(1 + ug_rand_below(5)) * CLOCK_MS;
    char got;
    assert_int_equal(0, conn_set_read_deadline(p->b, d));
    assert_int_equal(-NET_ETIMEOUT, conn_read(p->b, &got, 1));
    assert_true(clock_now() >= d);
    assert_int_equal(0, conn_set_read_deadline(p->b, clock_now() + 3600 * CLOCK_S));
    io_t w = {.c = p->a, .delay = 10 * CLOCK_MS};
    task_spawn(late_writer, &w, NULL);
    assert_int_equal(1, conn_read(p->b, &got, 1));
    assert_int_equal('z', got);
}

static void zero_deadline_means_none(pair_t *p) {
    char got;
    assert_int_equal(0, conn_set_read_deadline(p->b, clock_now() + CLOCK_MS));
    assert_int_equal(0, conn_set_read_deadline(p->b, 0));
    io_t w = {.c = p->a, .delay = (int64_t)(5 + ug_rand_below(5)) * CLOCK_MS};
    task_spawn(late_writer, &w, NULL);
    assert_int_equal(1, conn_read(p->b, &got, 1));   /* past the old deadline */
    assert_int_equal('z', got);
}

static void set_deadline_covers_both_directions(pair_t *p) {
    char got;
    size_t n = 99;
    task_yield();                /* off time 0, which as a deadline means none */
    assert_int_equal(0, conn_set_deadline(p->b, clock_now()));   /* now has passed */
    assert_int_equal(-NET_ETIMEOUT, conn_read(p->b, &got, 1));
    assert_int_equal(-NET_ETIMEOUT, conn_write(p->b, "x", 1, &n));
    assert_int_equal(0, n);
    assert_int_equal(0, conn_set_write_deadline(p->b, 0));
    io_t r = {.c = p->a};
    uint64_t id;
    task_spawn(reader, &r, &id);
    assert_int_equal(0, conn_write(p->b, "x", 1, &n));
    assert_int_equal(1, n);
    task_join(id);
    assert_int_equal(1, r.rc);
    assert_int_equal(-NET_ETIMEOUT, conn_read(p->b, &got, 1));   /* still past */
}

/* A Go pipe reader takes what its buffer holds from one write. */
static void short_reader(void *arg) {
    io_t *io = arg;
    io->rc = conn_read(io->c, io->buf, io->len);
}

static void timed_out_write_says_how_much_it_wrote(pair_t *p) {
    size_t len = 32u << 20, n = 0, expect = 0;
    char *buf = malloc(len), *back = malloc(len);
    for (size_t i = 0; i < len; i++) buf[i] = (char)(i * 7 + ug_seed());
    io_t r = {.c = p->b, .len = 1 + ug_rand_below(sizeof r.buf)};
    if (p->kind == T_PIPE) {
        task_spawn(short_reader, &r, NULL);
        expect = r.len;
    } else if (p->kind == T_BUFFERED || p->kind == T_SIM) {
        expect = 64 * 1024;                          /* the window */
    }
    assert_int_equal(0, conn_set_write_deadline(p->a, clock_now() + 5 * CLOCK_MS));
    assert_int_equal(-NET_ETIMEOUT, conn_write(p->a, buf, len, &n));
    assert_true(n > 0 && n < len);
    if (expect) assert_int_equal(expect, n);
    /* Exactly those n bytes reach the peer, and nothing after them. */
    size_t got = 0;
    if (p->kind == T_PIPE) {
        memcpy(back, r.buf, (size_t)r.rc);
        got = (size_t)r.rc;
    }
    assert_int_equal(0, read_full(p->b, back + got, n - got));
    assert_memory_equal(buf, back, n);
    assert_int_equal(0, conn_set_read_deadline(p->b, clock_now() + 20 * CLOCK_MS));
    assert_int_equal(-NET_ETIMEOUT, conn_read(p->b, back, 1));
    free(buf);
    free(back);
}

typedef struct {
    conn_t *c;
    char *buf;
    size_t len, n;
    int rc;
} big_write_t;

static void big_writer(void *arg) {
    big_write_t *w = arg;
    w->rc = conn_write(w->c, w->buf, w->len, &w->n);
}

static void past_deadline_fails_a_pending_write(pair_t *p) {
    big_write_t w = {.c = p->a, .len = 32u << 20};
    w.buf = calloc(1, w.len);
    uint64_t id;
    task_spawn(big_writer, &w, &id);
    wait_io(id);
    assert_int_equal(0, conn_set_write_deadline(p->a, -1));
    task_join(id);
    assert_int_equal(-NET_ETIMEOUT, w.rc);
    assert_true(w.n < w.len);
    free(w.buf);
}

static void close_fails_pending_and_later_calls(pair_t *p) {
    io_t io = {.c = p->b};
    uint64_t id;
    char got;
    task_spawn(reader, &io, &id);
    wait_io(id);
    assert_int_equal(0, conn_close(p->b));
    task_join(id);
    assert_int_equal(-NET_ECLOSED, io.rc);
    assert_int_equal(-NET_ECLOSED, conn_read(p->b, &got, 1));
    assert_int_equal(-NET_ECLOSED, conn_write(p->b, "x", 1, NULL));
    assert_int_equal(-NET_ECLOSED, conn_set_deadline(p->b, 0));
    assert_int_equal(-NET_ECLOSED, conn_close(p->b));
    assert_string_equal("use of closed network connection", net_strerror(-NET_ECLOSED));
    assert_int_equal(0, conn_read(p->a, &got, 1));    /* the peer: end of stream */
}

static void peer_reads_the_data_then_end_of_stream(pair_t *p) {
    char msg[48], back[48];
    size_t len = 1 + ug_rand_below(sizeof msg);
    for (size_t i = 0; i < len; i++) msg[i] = (char)ug_rand();
    bg_write_t w = {.close_after = true};
    uint64_t id = write_in_background(&w, p->a, msg, len);
    assert_int_equal(0, read_full(p->b, back, len));
    assert_memory_equal(msg, back, len);
    assert_int_equal(0, conn_read(p->b, back, 1));
    assert_int_equal(0, conn_read(p->b, back, 1));
    task_join(id);
    assert_int_equal(0, w.rc);
}

static void deadline_in_the_past_has_nothing_to_do_with_the_peer(pair_t *p) {
    /* Expiring b's read side leaves a's directions and b's write side alone. */
    char got;
    assert_int_equal(0, conn_set_read_deadline(p->b, -1));
    bg_write_t w = {0};
    uint64_t id = write_in_background(&w, p->b, "q", 1);
    assert_int_equal(1, conn_read(p->a, &got, 1));
    assert_int_equal('q', got);
    task_join(id);
    assert_int_equal(0, w.rc);
}

/* ---- one test per rule and transport ---- */

#define ON(rule, t, clock)                                                        \
    static void test_##rule##_on_##t(void **state) {                              \
        (void)state;                                                              \
        run_rule(T_##t, rule, clock);                                             \
    }
#define ON_ALL(rule)                                                              \
    ON(rule, TCP, RT_CLOCK_VIRTUAL) ON(rule, TCP6, RT_CLOCK_VIRTUAL)              \
    ON(rule, UNIX, RT_CLOCK_VIRTUAL) ON(rule, PIPE, RT_CLOCK_VIRTUAL)             \
    ON(rule, BUFFERED, RT_CLOCK_VIRTUAL) ON(rule, SIM, RT_CLOCK_VIRTUAL)
#define T_ALL(rule)                                                               \
    cmocka_unit_test(test_##rule##_on_TCP), cmocka_unit_test(test_##rule##_on_TCP6), \
    cmocka_unit_test(test_##rule##_on_UNIX), cmocka_unit_test(test_##rule##_on_PIPE), \
    cmocka_unit_test(test_##rule##_on_BUFFERED), cmocka_unit_test(test_##rule##_on_SIM)

ON_ALL(past_deadline_fails_a_pending_read)
ON_ALL(past_deadline_fails_a_later_read_even_with_data_waiting)
ON_ALL(future_deadline_times_out_then_a_later_one_makes_reads_work)
ON_ALL(zero_deadline_means_none)
ON_ALL(set_deadline_covers_both_directions)
ON_ALL(timed_out_write_says_how_much_it_wrote)
ON_ALL(past_deadline_fails_a_pending_write)
ON_ALL(close_fails_pending_and_later_calls)
ON_ALL(peer_reads_the_data_then_end_of_stream)
ON_ALL(deadline_in_the_past_has_nothing_to_do_with_the_peer)

/* The real clock: the idle step waits in epoll_wait until the deadline. */
#define future_deadline_on_the_real_clock future_deadline_times_out_then_a_later_one_makes_reads_work
ON(future_deadline_on_the_real_clock, TCP, RT_CLOCK_REAL)
ON(future_deadline_on_the_real_clock, UNIX, RT_CLOCK_REAL)

UG_TEST_GROUP(deadlines, NULL, NULL,
    T_ALL(past_deadline_fails_a_pending_read),
    T_ALL(past_deadline_fails_a_later_read_even_with_data_waiting),
    T_ALL(future_deadline_times_out_then_a_later_one_makes_reads_work),
    T_ALL(zero_deadline_means_none),
    T_ALL(set_deadline_covers_both_directions),
    T_ALL(timed_out_write_says_how_much_it_wrote),
    T_ALL(past_deadline_fails_a_pending_write),
    T_ALL(close_fails_pending_and_later_calls),
    T_ALL(peer_reads_the_data_then_end_of_stream),
    T_ALL(deadline_in_the_past_has_nothing_to_do_with_the_peer),
    cmocka_unit_test(test_future_deadline_on_the_real_clock_on_TCP),
    cmocka_unit_test(test_future_deadline_on_the_real_clock_on_UNIX));
