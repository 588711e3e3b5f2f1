/*
 * net_impl.h — what every transport of net.h shares (net.c), and the
 * interface a transport implements (net_sock.c, net_pipe.c, simnet.c).
 *
 * A conn or listener begins with an nd_t: per direction (read, write) a
 * queue of parked tasks, a deadline with its timer, and whether that
 * deadline has passed; and whether the object is closed. The generic calls
 * (conn_read, conn_write, listener_accept) hold the direction's lock (Go's
 * fdMutex: one Read and one Write at a time, so a Write's bytes stay
 * together), check closed and deadline, try the transport's operation, and
 * when it says -EAGAIN park until the transport (nd_wake), a deadline's
 * timer or a close readies them; then they try again.
 *
 * Interface: nd_init → (transport) nd_wake(d, dir) on readiness →
 * nd_close → nd_fini; the generic calls use nd_check / nd_wait.
 */
#ifndef UNDERGO_RT_NET_IMPL_H
#define UNDERGO_RT_NET_IMPL_H

#include <undergo/net.h>
#include <undergo/sync.h>
#include "rt.h"

enum { ND_READ, ND_WRITE };

typedef struct nd {
    rt_waitq_t waiters[2];
    mutex_t lock[2];             /* one reader, one writer at a time */
    int64_t deadline[2];         /* 0: none */
    bool expired[2];
    rt_timer_t timer[2];
    bool closed;
    bool real;                   /* a kernel descriptor: waits count as io_waiters */
    int reset;                   /* a transport's sticky error for both directions (-ECONNRESET) */
} nd_t;

typedef struct conn_ops {
    const char *network;
    /* One attempt each: a count (≥ 0; read: 0 is end of stream), -EAGAIN
     * to wait, or an error. The generic call handles closed and deadlines. */
    ssize_t (*read)(conn_t *c, void *buf, size_t len);
    ssize_t (*write)(conn_t *c, const void *buf, size_t len);
    /* A write stopped by an error: bytes the transport took but has not
     * reported yet (net.Pipe's handoff); may be NULL. */
    size_t (*write_abort)(conn_t *c);
    ssize_t (*read_from)(conn_t *c, void *buf, size_t len, char *from, size_t fromlen);
    int (*write_to)(conn_t *c, const void *buf, size_t len, const char *to);
    int (*close_write)(conn_t *c);
    void (*close)(conn_t *c);    /* after nd_close: release the transport */
    void (*free)(conn_t *c);
} conn_ops_t;

#define NET_ADDR_MAX 112

struct conn {
    nd_t nd;
    const conn_ops_t *ops;
    char laddr[NET_ADDR_MAX], raddr[NET_ADDR_MAX];
    struct conn *host_next, *host_prev;   /* simnet.c: the host's conns */
    void *host;
};

typedef struct listener_ops {
    int (*accept)(listener_t *l, conn_t **out);   /* -EAGAIN to wait */
    void (*close)(listener_t *l);
    void (*free)(listener_t *l);
} listener_ops_t;

struct listener {
    nd_t nd;
    const listener_ops_t *ops;
    char addr[NET_ADDR_MAX];
    struct listener *host_next, *host_prev;
    void *host;
};

void nd_init(nd_t *d, bool real);
void nd_wake(nd_t *d, int dir);
int nd_check(const nd_t *d, int dir);
int nd_wait(nd_t *d, int dir, const void *obj);
int nd_set_deadline(nd_t *d, int dir, int64_t t);
void nd_close(nd_t *d);
void nd_fini(nd_t *d);

/* net_sock.c */
int sock__listen(const char *network, const char *address, listener_t **out);
int sock__dial(const char *network, const char *address, int64_t deadline, conn_t **out);
int sock__listen_packet(const char *network, const char *address, conn_t **out);

/* simnet.c: the current task's host, and the calls made on one. */
void *simnet__host(void);
int simnet__listen(void *host, const char *network, const char *address, listener_t **out);
int simnet__dial(void *host, const char *network, const char *address, int64_t deadline,
                 conn_t **out);
int simnet__listen_packet(void *host, const char *network, const char *address, conn_t **out);
void simnet__forget_conn(conn_t *c);
void simnet__forget_listener(listener_t *l);

/* net_pipe.c: a stream pair for simnet's connections. */
int pipe__pair(const conn_pipe_config_t *cfg, bool sim, conn_t **a, conn_t **b);
void pipe__set_stalled(conn_t *c, bool stalled);
void pipe__reset(conn_t *c, int err);
void pipe__count(conn_t *c, uint64_t *sent, uint64_t *delivered);
conn_t *pipe__peer(conn_t *c);

#endif
