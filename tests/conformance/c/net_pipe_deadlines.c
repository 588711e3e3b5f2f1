/* net.Pipe's deadlines: a deadline moved into the past fails a pending read
 * and every later one, even with a writer waiting; clearing it makes reads
 * work; a timed-out write says how much the reader took; close fails the
 * closer's calls and gives the peer end of stream. */
#include <undergo/net.h>
#include "conf.h"

static conn_t *pa, *pb;
static chan_t *errs, *ns;

static void pending_reader(void *arg) {
    (void)arg;
    char c;
    int rc = (int)conn_read(pb, &c, 1);
    chan_send(errs, &rc);
}

static void xy_writer(void *arg) {
    (void)arg;
    int rc = conn_write(pa, "xy", 2, NULL);
    chan_send(errs, &rc);
}

static void small_reader(void *arg) {
    (void)arg;
    char small[3];
    int n = (int)conn_read(pb, small, sizeof small);
    chan_send(ns, &n);
}

static const char *tf(bool b) { return b ? "true" : "false"; }

CONF_CASE(net_pipe_deadlines) {
    CONF_OK(conn_pipe(&pa, &pb));
    CONF_OK(chan_make(sizeof(int), 0, &errs));
    CONF_OK(chan_make(sizeof(int), 0, &ns));
    int err, n;
    task_spawn(pending_reader, NULL, NULL);
    clock_sleep(CLOCK_MS);
    conn_set_read_deadline(pb, -1);
    chan_recv(errs, &err, NULL);
    printf("pending read timed out: %s %s\n", tf(err == -NET_ETIMEOUT), tf(err == -NET_ETIMEOUT));
    task_spawn(xy_writer, NULL, NULL);
    clock_sleep(CLOCK_MS);
    char buf[2];
    err = (int)conn_read(pb, buf, 2);
    printf("later read timed out, a writer waiting: %s\n", tf(err == -NET_ETIMEOUT));
    conn_set_read_deadline(pb, 0);
    n = (int)conn_read(pb, buf, 2);
    chan_recv(errs, &err, NULL);
    printf("cleared: read %d %.*s writer: %s\n", n, n, buf, err ? net_strerror(err) : "<nil>");
    task_spawn(small_reader, NULL, NULL);
    conn_set_write_deadline(pa, clock_now() + 5 * CLOCK_MS);
    char ten[10] = {0};
    size_t wrote;
    err = conn_write(pa, ten, sizeof ten, &wrote);
    chan_recv(ns, &n, NULL);
    printf("timed-out write wrote %zu of 10: %s reader took %d\n", wrote, tf(err == -NET_ETIMEOUT), n);
    conn_set_write_deadline(pa, 0);
    conn_close(pb);
    printf("read after close fails: %s\n", tf(conn_read(pb, buf, 2) == -NET_ECLOSED));
    printf("deadline after close fails: %s\n", tf(conn_set_deadline(pb, 0) != 0));
    printf("peer reads end of stream: %s\n", tf(conn_read(pa, buf, 2) == 0));
    printf("peer write fails: %s\n", tf(conn_write(pa, "z", 1, NULL) != 0));
    conn_free(pa);
    conn_free(pb);
}
