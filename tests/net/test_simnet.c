/*
 * test_simnet.c — the simulated network and disk: a seeded scenario with
 * loss, duplication, jitter, reordering and a partition healed later
 * replays byte for byte with its seed and differently with another; a
 * partition stalls streams and drops datagrams; a crash ends the host's
 * tasks, resets its peers and keeps only what it fsynced; torn writes and
 * injected EIO behave as documented; a dial timeout shorter than the round
 * trip fails the dial at the timeout.
 */
#include <stdarg.h>
#include "net_test.h"

/* ---- the replay scenario ---- */

#define NODES 3
#define ROUNDS 100

typedef struct {
    char buf[1 << 18];
    size_t len;
    int cut_deliveries, healed_deliveries;
} trace_buf_t;

static void tprintf(trace_buf_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tprintf(trace_buf_t *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
    va_end(ap);
    if (n > 0 && t->len + (size_t)n < sizeof t->buf) t->len += (size_t)n;
}

typedef struct {
    trace_buf_t *t;
    const char *name;
    conn_t *sock;
} node_t;

static const char *const names[NODES] = {"n1", "n2", "n3"};

static void node_recv(void *arg) {
    node_t *nd = arg;
    char msg[64], from[64];
    for (ssize_t n; (n = conn_read_from(nd->sock, msg, sizeof msg - 1, from, sizeof from)) > 0;) {
        msg[n] = '\0';
        int64_t now = clock_now();
        tprintf(nd->t, "%lld %s<-%s %s\n", (long long)now, nd->name, from, msg);
        bool pair12 = (!strcmp(nd->name, "n1") && !strncmp(from, "n2:", 3)) ||
                      (!strcmp(nd->name, "n2") && !strncmp(from, "n1:", 3));
        if (pair12 && now >= 21 * CLOCK_MS && now < 60 * CLOCK_MS) nd->t->cut_deliveries++;
        if (pair12 && now >= 61 * CLOCK_MS) nd->t->healed_deliveries++;
    }
}

static void node_main(void *arg) {
    node_t *nd = arg;
    assert_int_equal(0, net_listen_packet("udp", ":7", &nd->sock));
    task_spawn(node_recv, nd, NULL);
    for (int i = 0; i < ROUNDS; i++) {
        for (int j = 0; j < NODES; j++) {
            if (!strcmp(names[j], nd->name)) continue;
            char msg[32], to[16];
            snprintf(msg, sizeof msg, "%s#%d", nd->name, i);
            snprintf(to, sizeof to, "%s:7", names[j]);
            assert_int_equal(0, conn_write_to(nd->sock, msg, strlen(msg), to));
        }
        clock_sleep(CLOCK_MS);
    }
}

static void cut(simnet_t *n, void *arg) {
    (void)arg;
    simnet_partition(n, "n1", "n2");
}

static void heal(simnet_t *n, void *arg) {
    (void)arg;
    simnet_heal(n, "n1", "n2");
}

static void scenario_main(void *arg) {
    trace_buf_t *t = arg;
    simlink_t l = {.latency = 2 * CLOCK_MS, .jitter = CLOCK_MS, .loss = 0.1, .dup = 0.05,
                   .reorder = 0.1};
    simnet_t *n;
    node_t nodes[NODES];
    assert_int_equal(0, simnet_new(&l, &n));
    for (int i = 0; i < NODES; i++) {
        simhost_t *h;
        assert_int_equal(0, simnet_host_add(n, names[i], &h));
        nodes[i] = (node_t){.t = t, .name = names[i]};
        assert_int_equal(0, simhost_spawn(h, node_main, &nodes[i], NULL));
    }
    simnet_at(n, 20 * CLOCK_MS, cut, NULL);
    simnet_at(n, 60 * CLOCK_MS, heal, NULL);
    clock_sleep(150 * CLOCK_MS);
    for (int i = 0; i < NODES; i++)
        for (int j = 0; j < NODES; j++) {
            simnet_stats_t st;
            if (i == j || simnet_stats(n, names[i], names[j], &st)) continue;
            tprintf(t, "%s->%s sent %llu delivered %llu dropped %llu dup %llu\n", names[i],
                    names[j], (unsigned long long)st.msgs_sent,
                    (unsigned long long)st.msgs_delivered, (unsigned long long)st.msgs_dropped,
                    (unsigned long long)st.msgs_duplicated);
            /* Every datagram was dropped or delivered; each copy adds one. */
            assert_int_equal(st.msgs_sent + st.msgs_duplicated,
                             st.msgs_delivered + st.msgs_dropped);
            assert_int_equal(ROUNDS, st.msgs_sent);
        }
    simnet_free(n);
}

static void run_scenario(uint64_t seed, trace_buf_t *t) {
    rt_config_t cfg = {.seed = seed};
    int rc = rt_run(&cfg, scenario_main, t);
    if (rc) fail_msg("seed %llu: %d\n%s", (unsigned long long)seed, rc, rt_report());
}

static void test_partition_scenario_replays_byte_for_byte_with_its_seed(void **state) {
    (void)state;
    static trace_buf_t a, b, c;
    uint64_t seed = ug_seed() * 1000 + ug_rand_below(1000);
    run_scenario(seed, &a);
    run_scenario(seed, &b);
    run_scenario(seed + 1, &c);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.buf, b.buf, a.len);
    assert_true(a.len != c.len || memcmp(a.buf, c.buf, a.len) != 0);
    assert_int_equal(0, a.cut_deliveries);      /* nothing crosses the cut */
    assert_true(a.healed_deliveries > 0);       /* and traffic resumes after the heal */
}

/* ---- streams across a partition ---- */

static void stall_main(void *arg) {
    int *rc = arg;
    pair_t p;
    pair_open(T_SIM, &p);
    simnet_partition(p.net, "a", "b");
    char got[2];
    rc[0] = conn_write(p.a, "hi", 2, NULL);                 /* buffered: fits */
    conn_set_read_deadline(p.b, clock_now() + 50 * CLOCK_MS);
    rc[1] = (int)conn_read(p.b, got, 2);                    /* stalled */
    simnet_heal(p.net, "a", "b");
    conn_set_read_deadline(p.b, 0);
    rc[2] = read_full(p.b, got, 2);
    rc[3] = got[0] == 'h' && got[1] == 'i';
    simnet_stats_t st;
    simnet_stats(p.net, "a", "b", &st);
    rc[4] = (int)st.bytes_delivered;
    rc[5] = (int)st.conns;
    pair_close(&p);
}

static void test_a_partition_stalls_a_stream_until_healed(void **state) {
    (void)state;
    int rc[6] = {0};
    rt_config_t cfg = {.seed = ug_seed()};
    assert_int_equal(0, rt_run(&cfg, stall_main, rc));
    assert_int_equal(0, rc[0]);
    assert_int_equal(-NET_ETIMEOUT, rc[1]);
    assert_int_equal(0, rc[2]);
    assert_int_equal(1, rc[3]);
    assert_int_equal(2, rc[4]);
    assert_int_equal(1, rc[5]);
}

typedef struct {
    simnet_t *n;
    int rc[4];
} reach_t;

static void reach_listener(void *arg) {
    (void)arg;
    listener_t *l;
    net_listen("tcp", ":80", &l);
    conn_t *c;
    listener_accept(l, &c);      /* never returns: the host crashes */
}

static void reach_dialer(void *arg) {
    reach_t *s = arg;
    conn_t *c;
    s->rc[0] = net_dial("tcp", "b:81", &c);                 /* nobody listens */
    simnet_partition(s->n, "a", "b");
    s->rc[1] = net_dial("tcp", "b:80", &c);
    simnet_heal(s->n, "a", "b");
    simhost_crash(simnet_host(s->n, "b"));
    s->rc[2] = net_dial("tcp", "b:80", &c);
    s->rc[3] = net_dial("tcp", "nosuchhost:80", &c);
}

static void reach_main(void *arg) {
    reach_t *s = arg;
    simhost_t *a, *b;
    simnet_new(NULL, &s->n);
    simnet_host_add(s->n, "a", &a);
    simnet_host_add(s->n, "b", &b);
    simhost_spawn(b, reach_listener, NULL, NULL);
    clock_sleep(CLOCK_MS);
    uint64_t id;
    simhost_spawn(a, reach_dialer, s, &id);
    task_join(id);
    simnet_free(s->n);
}

static void test_dials_fail_across_cuts_to_down_hosts_and_closed_ports(void **state) {
    (void)state;
    reach_t s = {0};
    rt_config_t cfg = {.seed = ug_seed()};
    assert_int_equal(0, rt_run(&cfg, reach_main, &s));
    assert_int_equal(-ECONNREFUSED, s.rc[0]);
    assert_int_equal(-EHOSTUNREACH, s.rc[1]);
    assert_int_equal(-EHOSTUNREACH, s.rc[2]);
    assert_int_equal(-EHOSTUNREACH, s.rc[3]);
}

/* ---- dial timeouts ---- */

typedef struct {
    int64_t latency, timeout, at[2];
    int rc[2];
} dialto_t;

static void dialto_listener(void *arg)
{
    (void)arg;
    listener_t *l;
    net_listen("tcp", ":80", &l);
    conn_t *c;
    while (listener_accept(l, &c) == 0)
        conn_free(c);
}

static void dialto_dialer(void *arg)
{
    dialto_t *s = arg;
    conn_t *c;
    int64_t t0 = clock_now();
    s->rc[0] = net_dial_timeout("tcp", "b:80", s->timeout, &c); /* shorter than the RTT */
    s->at[0] = clock_now() - t0;
    t0 = clock_now();
    s->rc[1] = net_dial_timeout("tcp", "b:80", 2 * s->latency + s->timeout, &c);
    s->at[1] = clock_now() - t0;
    if (s->rc[1] == 0)
        conn_free(c);
}

static void dialto_main(void *arg)
{
    dialto_t *s = arg;
    simlink_t l = {.latency = s->latency};
    simnet_t *n;
    simhost_t *a, *b;
    simnet_new(&l, &n);
    simnet_host_add(n, "a", &a);
    simnet_host_add(n, "b", &b);
    simhost_spawn(b, dialto_listener, NULL, NULL);
    clock_sleep(CLOCK_MS);
    uint64_t id;
    simhost_spawn(a, dialto_dialer, s, &id);
    task_join(id);
    simnet_free(n);
}

/* A dial whose round trip outlasts its timeout fails at the timeout, as a
 * connect does; a longer timeout lets it finish after the round trip. */
static void test_a_dial_timeout_shorter_than_the_round_trip_fails_at_the_timeout(void **state)
{
    (void)state;
    dialto_t s = {.latency = (int64_t)(10 + ug_rand_below(90)) * CLOCK_MS};
    s.timeout = (int64_t)(1 + ug_rand_below((uint64_t)s.latency / CLOCK_MS)) * CLOCK_MS;
    rt_config_t cfg = {.seed = ug_seed(), .tick = RT_TICK_NONE};
    assert_int_equal(0, rt_run(&cfg, dialto_main, &s));
    assert_int_equal(-NET_ETIMEOUT, s.rc[0]);
    assert_int_equal(s.timeout, s.at[0]);
    assert_int_equal(0, s.rc[1]);
    assert_int_equal(2 * s.latency, s.at[1]);
}

/* ---- crash and restart ---- */

typedef struct {
    simnet_t *n;
    uint64_t sleeper;
    char synced[16], unsynced[16], after[64];
    int64_t size_after;
    int client_rc, redial_rc, lookup_rc, restart_rc[2];
} crash_t;

static void db_sleeper(void *arg) {
    (void)arg;
    clock_sleep(3600 * CLOCK_S);
}

static void db_serve(void *arg) {
    crash_t *s = arg;
    simdisk_t *d = simhost_disk(simhost_current());
    assert_int_equal(0, simdisk_append(d, "log", s->synced, strlen(s->synced), NULL));
    assert_int_equal(0, simdisk_fsync(d, "log"));
    assert_int_equal(0, simdisk_append(d, "log", s->unsynced, strlen(s->unsynced), NULL));
    assert_int_equal(0, simdisk_write(d, "other", 0, "lost", 4));   /* never synced */
    task_spawn(db_sleeper, NULL, &s->sleeper);
    listener_t *l;
    assert_int_equal(0, net_listen("tcp", ":80", &l));
    conn_t *c;
    while (listener_accept(l, &c) == 0) {}
}

static void db_boot(void *arg) {
    crash_t *s = arg;
    simdisk_t *d = simhost_disk(simhost_current());
    s->size_after = simdisk_size(d, "log");
    ssize_t n = simdisk_read(d, "log", 0, s->after, sizeof s->after - 1);
    if (n >= 0) s->after[n] = '\0';
    s->restart_rc[1] = (int)simdisk_size(d, "other");
    listener_t *l;
    net_listen("tcp", ":80", &l);
    conn_t *c;
    while (listener_accept(l, &c) == 0) {}
}

static void db_client(void *arg) {
    crash_t *s = arg;
    conn_t *c;
    assert_int_equal(0, net_dial("tcp", "db:80", &c));
    char buf[8];
    s->client_rc = (int)conn_read(c, buf, sizeof buf);   /* the crash resets it */
    conn_free(c);
    /* Until the host is back and its boot task listens again. */
    for (int i = 0; i < 100 && (s->redial_rc = net_dial("tcp", "db:80", &c)); i++)
        clock_sleep(CLOCK_MS);
    if (s->redial_rc == 0) conn_free(c);
}

static void crash_main(void *arg) {
    crash_t *s = arg;
    simhost_t *db, *cl;
    simnet_new(NULL, &s->n);
    simnet_host_add(s->n, "db", &db);
    simnet_host_add(s->n, "client", &cl);
    simhost_spawn(db, db_serve, s, NULL);
    clock_sleep(CLOCK_MS);
    uint64_t client;
    simhost_spawn(cl, db_client, s, &client);
    clock_sleep(10 * CLOCK_MS);
    assert_int_equal(0, simhost_crash(db));
    task_info_t ti;
    s->lookup_rc = task_lookup(s->sleeper, &ti);
    clock_sleep(CLOCK_MS);
    s->restart_rc[0] = simhost_restart(db, db_boot, s);
    task_join(client);
    simnet_free(s->n);
}

static void test_a_crash_keeps_only_what_was_fsynced(void **state) {
    (void)state;
    crash_t s = {0};
    snprintf(s.synced, sizeof s.synced, "synced%llu;", (unsigned long long)ug_rand_below(1000));
    snprintf(s.unsynced, sizeof s.unsynced, "lost%llu;", (unsigned long long)ug_rand_below(1000));
    rt_config_t cfg = {.seed = ug_seed()};
    int rc = rt_run(&cfg, crash_main, &s);
    if (rc) fail_msg("%d\n%s", rc, rt_report());
    assert_string_equal(s.synced, s.after);
    assert_int_equal(strlen(s.synced), s.size_after);
    assert_int_equal(-ENOENT, s.restart_rc[1]);   /* a file never synced is gone */
    assert_int_equal(-ESRCH, s.lookup_rc);        /* the host's tasks are gone */
    assert_int_equal(-ECONNRESET, s.client_rc);
    assert_int_equal(0, s.restart_rc[0]);
    assert_int_equal(0, s.redial_rc);
}

/* ---- the disk ---- */

static void test_a_torn_write_keeps_its_first_bytes_on_a_crash(void **state) {
    (void)state;
    simdisk_t *d;
    assert_int_equal(0, simdisk_new(&d));
    size_t keep = ug_rand_below(7);
    char expect[16] = "AAAA", got[16] = {0};
    assert_int_equal(0, simdisk_write(d, "f", 0, "AAAA", 4));
    assert_int_equal(0, simdisk_fsync(d, "f"));
    simdisk_tear_next_write(d, keep);
    assert_int_equal(0, simdisk_write(d, "f", 2, "BBBBBB", 6));
    assert_int_equal(8, simdisk_size(d, "f"));   /* whole until the crash */
    simdisk_crash(d);
    memcpy(expect + 2, "BBBBBB", keep);
    size_t len = 2 + keep > 4 ? 2 + keep : 4;
    assert_int_equal(len, simdisk_size(d, "f"));
    assert_int_equal(len, simdisk_read(d, "f", 0, got, sizeof got));
    assert_memory_equal(expect, got, len);
    simdisk_free(d);
}

static void test_a_torn_write_then_fsynced_is_whole(void **state) {
    (void)state;
    simdisk_t *d;
    char got[8] = {0};
    assert_int_equal(0, simdisk_new(&d));
    simdisk_tear_next_write(d, ug_rand_below(3));
    assert_int_equal(0, simdisk_write(d, "f", 0, "whole", 5));
    assert_int_equal(0, simdisk_fsync(d, "f"));
    simdisk_crash(d);
    assert_int_equal(5, simdisk_read(d, "f", 0, got, sizeof got));
    assert_string_equal("whole", got);
    simdisk_free(d);
}

static void test_injected_eio_fails_once_and_a_failed_fsync_drops_dirty_data(void **state) {
    (void)state;
    simdisk_t *d;
    char got[16] = {0};
    unsigned fails = 1 + (unsigned)ug_rand_below(3);
    assert_int_equal(0, simdisk_new(&d));
    simdisk_fail_next(d, SIMDISK_WRITE, fails);
    int eio = 0;
    for (unsigned i = 0; i < fails; i++) eio += simdisk_write(d, "f", 0, "x", 1) == -EIO;
    assert_int_equal(fails, eio);
    assert_int_equal(0, simdisk_write(d, "f", 0, "kept", 4));
    assert_int_equal(0, simdisk_fsync(d, "f"));
    assert_int_equal(0, simdisk_write(d, "f", 4, "+dirty", 6));
    simdisk_fail_next(d, SIMDISK_FSYNC, 1);
    assert_int_equal(-EIO, simdisk_fsync(d, "f"));
    assert_int_equal(4, simdisk_read(d, "f", 0, got, sizeof got));   /* dirty pages gone */
    assert_string_equal("kept", got);
    simdisk_fail_next(d, SIMDISK_READ, 1);
    assert_int_equal(-EIO, simdisk_read(d, "f", 0, got, sizeof got));
    assert_int_equal(0, simdisk_fsync(d, "f"));                      /* reported once */
    simdisk_free(d);
}

static void lat_main(void *arg) {
    int64_t *t = arg;
    simdisk_t *d;
    simdisk_new(&d);
    simdisk_set_latency(d, 100 * CLOCK_US, 2 * CLOCK_MS);
    t[0] = clock_now();
    simdisk_write(d, "f", 0, "x", 1);
    t[1] = clock_now();
    simdisk_fsync(d, "f");
    t[2] = clock_now();
    simdisk_free(d);
}

static void test_disk_latencies_take_virtual_time(void **state) {
    (void)state;
    int64_t t[3];
    rt_config_t cfg = {.seed = ug_seed(), .tick = RT_TICK_NONE};
    assert_int_equal(0, rt_run(&cfg, lat_main, t));
    assert_int_equal(100 * CLOCK_US, t[1] - t[0]);
    assert_int_equal(2 * CLOCK_MS, t[2] - t[1]);
}

UG_TEST_GROUP(
    simnet, NULL, NULL,
    cmocka_unit_test(test_partition_scenario_replays_byte_for_byte_with_its_seed),
    cmocka_unit_test(test_a_partition_stalls_a_stream_until_healed),
    cmocka_unit_test(test_dials_fail_across_cuts_to_down_hosts_and_closed_ports),
    cmocka_unit_test(test_a_dial_timeout_shorter_than_the_round_trip_fails_at_the_timeout),
    cmocka_unit_test(test_a_crash_keeps_only_what_was_fsynced),
    cmocka_unit_test(test_a_torn_write_keeps_its_first_bytes_on_a_crash),
    cmocka_unit_test(test_a_torn_write_then_fsynced_is_whole),
    cmocka_unit_test(test_injected_eio_fails_once_and_a_failed_fsync_drops_dirty_data),
    cmocka_unit_test(test_disk_latencies_take_virtual_time));
