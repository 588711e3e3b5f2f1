/*
 * net_test.h — what the net tests share: a connected pair of conns over
 * any transport, made inside a run, so one rule is written once and
 * checked on each.
 *
 * Transports: TCP on 127.0.0.1 and on ::1, a Unix socket (the kernel, on
 * the netpoller), net.Pipe, a buffered pipe with latency, and a stream
 * across the simulated network (hosts "a" and "b").
 *
 * Interface: pair_open(kind, &p) in a task → p.a, p.b → pair_close(&p).
 */
#ifndef UNDERGO_TESTS_NET_TEST_H
#define UNDERGO_TESTS_NET_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <undergo/labtest.h>
#include <undergo/net.h>
#include <undergo/runtime.h>
#include <undergo/simnet.h>

typedef enum { T_TCP, T_TCP6, T_UNIX, T_PIPE, T_BUFFERED, T_SIM, T_COUNT } transport_t;

static const char *const transport_names[] = {"tcp", "tcp6", "unix", "pipe", "buffered", "sim"};

typedef struct pair {
    transport_t kind;
    conn_t *a, *b;               /* a dialed, b accepted */
    listener_t *l;
    simnet_t *net;
    chan_t *ready;
    char path[64];
} pair_t;

static void sim_server(void *arg) {
    pair_t *p = arg;
    assert_int_equal(0, net_listen("tcp", "b:80", &p->l));
    chan_send(p->ready, NULL);
    assert_int_equal(0, listener_accept(p->l, &p->b));
    chan_send(p->ready, NULL);
}

static void sim_client(void *arg) {
    pair_t *p = arg;
    assert_int_equal(0, net_dial("tcp", "b:80", &p->a));
    chan_send(p->ready, NULL);
}

static void pair_open_sim(pair_t *p) {
    simhost_t *a, *b;
    assert_int_equal(0, simnet_new(NULL, &p->net));
    assert_int_equal(0, simnet_host_add(p->net, "a", &a));
    assert_int_equal(0, simnet_host_add(p->net, "b", &b));
    assert_int_equal(0, chan_make(0, 2, &p->ready));
    assert_int_equal(0, simhost_spawn(b, sim_server, p, NULL));
    chan_recv(p->ready, NULL, NULL);
    assert_int_equal(0, simhost_spawn(a, sim_client, p, NULL));
    chan_recv(p->ready, NULL, NULL);
    chan_recv(p->ready, NULL, NULL);
}

/* A connected pair over transport kind; the current task is on no host. */
static inline void pair_open(transport_t kind, pair_t *p) {
    memset(p, 0, sizeof *p);
    p->kind = kind;
    const char *net = "tcp", *addr = "127.0.0.1:0";
    switch (kind) {
    case T_PIPE: assert_int_equal(0, conn_pipe(&p->a, &p->b)); return;
    case T_BUFFERED: {
        conn_pipe_config_t cfg = {.latency = CLOCK_MS, .bandwidth = 100 << 20};
        assert_int_equal(0, conn_pipe_buffered(&cfg, &p->a, &p->b));
        return;
    }
    case T_SIM: pair_open_sim(p); return;
    case T_TCP6: net = "tcp6", addr = "[::1]:0"; break;
    case T_UNIX:
        snprintf(p->path, sizeof p->path, "/tmp/ug-net-%d-%llu.sock", (int)getpid(),
                 (unsigned long long)ug_rand());
        net = "unix", addr = p->path;
        break;
    default: break;
    }
    assert_int_equal(0, net_listen(net, addr, &p->l));
    assert_int_equal(0, net_dial(net, listener_addr(p->l), &p->a));
    assert_int_equal(0, listener_accept(p->l, &p->b));
}

static inline void pair_close(pair_t *p) {
    conn_free(p->a);
    conn_free(p->b);
    listener_free(p->l);
    if (p->net) simnet_free(p->net);
    chan_free(p->ready);
}

/* Reads exactly len bytes (in as many reads as it takes). Returns 0 or the
 * first error; a short stream is -EPIPE. */
static inline int read_full(conn_t *c, void *buf, size_t len) {
    for (size_t got = 0; got < len;) {
        ssize_t n = conn_read(c, (char *)buf + got, len - got);
        if (n <= 0) return n == 0 ? -EPIPE : (int)n;
        got += (size_t)n;
    }
    return 0;
}

#endif
