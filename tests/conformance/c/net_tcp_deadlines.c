/* TCP over loopback: a past deadline fails reads at once, even with data
 * waiting, and only with a timeout error; a future one fails a read when
 * it comes; clearing it makes reads work; a timed-out write reports what
 * went out, and exactly that reaches the peer; close gives net.ErrClosed
 * to the closer and end of stream to the peer. */
#include <undergo/net.h>
#include "conf.h"

static const char *tf(bool b) { return b ? "true" : "false"; }

static int read_full(conn_t *c, char *buf, size_t len) {
    for (size_t got = 0; got < len;) {
        ssize_t n = conn_read(c, buf + got, len - got);
        if (n <= 0) return -1;
        got += (size_t)n;
    }
    return 0;
}

CONF_CASE(net_tcp_deadlines) {
    listener_t *l;
    conn_t *a, *b;
    CONF_OK(net_listen("tcp", "127.0.0.1:0", &l));
    CONF_OK(net_dial("tcp", listener_addr(l), &a));
    CONF_OK(listener_accept(l, &b));
    conn_write(a, "xy", 2, NULL);
    char buf[1];
    conn_read(b, buf, 1);
    conn_set_read_deadline(b, -1);
    int err = (int)conn_read(b, buf, 1);
    printf("past deadline, data waiting: %s %s %s\n", tf(err == -NET_ETIMEOUT),
           tf(err == -NET_ETIMEOUT), tf(err == -NET_ECLOSED));
    conn_set_read_deadline(b, 0);
    int n = (int)conn_read(b, buf, 1);
    printf("cleared: read %d %.*s\n", n, n, buf);
    int64_t start = clock_now();
    conn_set_read_deadline(b, start + 20 * CLOCK_MS);
    err = (int)conn_read(b, buf, 1);
    printf("future deadline: %s after >= 20ms: %s\n", tf(err == -NET_ETIMEOUT),
           tf(clock_now() - start >= 20 * CLOCK_MS));
    conn_set_read_deadline(b, 0);
    size_t len = 32u << 20, wrote;
    char *big = calloc(1, len), *back = malloc(len);
    conn_set_write_deadline(a, clock_now() + 5 * CLOCK_MS);
    err = conn_write(a, big, len, &wrote);
    printf("timed-out write: %s wrote some, not all: %s\n", tf(err == -NET_ETIMEOUT),
           tf(wrote > 0 && wrote < len));
    int full = read_full(b, back, wrote);
    conn_set_read_deadline(b, clock_now() + 20 * CLOCK_MS);
    int err2 = (int)conn_read(b, buf, 1);
    printf("the peer got exactly that: %s %s\n", tf(full == 0), tf(err2 == -NET_ETIMEOUT));
    conn_set_read_deadline(b, 0);
    conn_close(b);
    printf("read after close: %s\n", tf(conn_read(b, buf, 1) == -NET_ECLOSED));
    printf("deadline after close fails: %s\n", tf(conn_set_deadline(b, 0) != 0));
    printf("peer reads end of stream: %s\n", tf(conn_read(a, buf, 1) == 0));
    free(big);
    free(back);
    conn_free(a);
    conn_free(b);
    listener_free(l);
}
