/*
 * net.h — Go's net.Conn and net.Listener on the runtime's scheduler.
 *
 * One API over three transports, so a lab's server runs unchanged on each:
 *   - real sockets: TCP on 127.0.0.1 / ::1 ("tcp", "tcp4", "tcp6"), Unix
 *     stream sockets ("unix") and UDP datagrams ("udp", "udp4", "udp6":
 *     net_listen_packet). Descriptors are non-blocking; a task that
 *     would block parks on the descriptor and the scheduler's netpoller
 *     (epoll) readies it, as Go's does;
 *   - in-memory streams (conn_pipe: Go's net.Pipe; conn_pipe_buffered: a
 *     window with bandwidth and latency on the virtual clock);
 *   - the simulated network (simnet.h): a task spawned on a simulated host
 *     that calls net_listen / net_dial reaches that network's hosts, never
 *     the kernel.
 *
 * Deadlines are Go's, exactly: an absolute time on the run's clock
 * (clock_now()); 0 means none; a deadline at or before now has passed, and
 * then every pending and future call in that direction fails at once with
 * -NET_ETIMEOUT ("i/o timeout", Go's os.ErrDeadlineExceeded), an error no
 * other cause returns; setting a future deadline makes calls work again. A
 * write that times out may have written part of its buffer: *n says how much.
 *
 * Errors: 0 or a negative errno, plus the codes of NET_ERRORS below.
 * Reading at end of stream returns 0 (Go's io.EOF).
 *
 * Interface: net_listen → listener_accept → conn_read / conn_write /
 * conn_set_*deadline → conn_close → conn_free; net_dial → the same;
 * listener_close → listener_free. Memory is manual, as for channels:
 * close unblocks and fails other tasks' calls, free releases the memory
 * once no task will touch the object again.
 */
#ifndef UNDERGO_NET_H
#define UNDERGO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct conn conn_t;
typedef struct listener listener_t;

/* The net's own error codes, negated like errno, beyond errno's range. */
#define NET_ERRORS(X)                                                           \
    X(NET_ETIMEOUT, 4201, "i/o timeout")                                        \
    X(NET_ECLOSED, 4202, "use of closed network connection")
enum {
#define NET__ENUM(name, value, msg) name = value,
    NET_ERRORS(NET__ENUM)
#undef NET__ENUM
};

/* Go's message for err (negative): "i/o timeout", "use of closed network
 * connection", else strerror's. Static storage. Can't fail. */
const char *net_strerror(int err);

/* ---- listeners ---- */

/* Go's net.Listen. network: "tcp", "tcp4", "tcp6", "unix" ("udp" is
 * net_listen_packet's). address: "127.0.0.1:0", "[::1]:8080", ":0" (tcp:
 * loopback), a socket path for unix. On a simulated host, "host:port" of
 * that network. *out is the caller's (listener_free). Returns 0, -EINVAL,
 * -EAFNOSUPPORT (unknown network), -EADDRINUSE, -EPERM outside a task, or
 * another negative errno. */
int net_listen(const char *network, const char *address, listener_t **out);

/* Go's Listener.Accept: waits for a connection (parks the task). Returns 0
 * with *out the caller's, -NET_ETIMEOUT (deadline), -NET_ECLOSED (closed),
 * or a negative errno. */
int listener_accept(listener_t *l, conn_t **out);

/* Go's TCPListener.SetDeadline, for accept. */
int listener_set_deadline(listener_t *l, int64_t t);

/* The bound address, "127.0.0.1:40123" (the port chosen for :0). Owned by l. */
const char *listener_addr(const listener_t *l);

/* Closes l: pending and later accepts fail with -NET_ECLOSED. Returns 0, or
 * -NET_ECLOSED if already closed. A unix socket's path is removed. */
int listener_close(listener_t *l);

/* Closes l if open and frees it. NULL is a no-op. */
void listener_free(listener_t *l);

/* ---- connections ---- */

/* Go's net.Dial: connects (parks until the handshake ends). *out is the
 * caller's (conn_free). Returns 0, -ECONNREFUSED, -EAFNOSUPPORT, -EINVAL,
 * -EHOSTUNREACH (simulated: no such host, partitioned, down), -EPERM
 * outside a task, or another negative errno. */
int net_dial(const char *network, const char *address, conn_t **out);

/* Go's net.DialTimeout: net_dial that gives up with -NET_ETIMEOUT after
 * timeout ns (≤ 0: none). */
int net_dial_timeout(const char *network, const char *address, int64_t timeout, conn_t **out);

/* Go's Conn.Read: up to len bytes into buf, waiting until at least one is
 * there. Returns the count (> 0), 0 at end of stream (and for len 0), or
 * -NET_ETIMEOUT, -NET_ECLOSED (c was closed), -ECONNRESET, or another
 * negative errno. */
ssize_t conn_read(conn_t *c, void *buf, size_t len);

/* Go's Conn.Write: writes all len bytes, waiting for room as often as
 * needed. Returns 0 when all were written, else the error that stopped it
 * (-NET_ETIMEOUT, -NET_ECLOSED, -EPIPE: the peer closed, -ECONNRESET, ...);
 * *n (NULL: not wanted) is the count written either way. */
int conn_write(conn_t *c, const void *buf, size_t len, size_t *n);

/* Go's SetDeadline / SetReadDeadline / SetWriteDeadline: t is absolute run
 * time (ns, as clock_now), 0 for none; t <= clock_now() (any t < 0
 * included: net/http's "aLongTimeAgo") has passed. Returns 0, or
 * -NET_ECLOSED on a closed conn. */
int conn_set_deadline(conn_t *c, int64_t t);
int conn_set_read_deadline(conn_t *c, int64_t t);
int conn_set_write_deadline(conn_t *c, int64_t t);

/* Go's CloseWrite (TCP, unix, buffered pipes): the peer reads end of
 * stream after what was written. Returns 0, -NET_ECLOSED, -ENOTSUP. */
int conn_close_write(conn_t *c);

/* Go's LocalAddr().String() / RemoteAddr().String(): "127.0.0.1:8080",
 * "[::1]:8080", a unix path ("" when unnamed), "pipe" for conn_pipe, or a
 * simulated "host:port". Owned by c. */
const char *conn_local_addr(const conn_t *c);
const char *conn_remote_addr(const conn_t *c);

/* The network of c, as Dial names it: "tcp", "tcp6", "unix", "udp", "udp6",
 * "pipe", "sim". */
const char *conn_network(const conn_t *c);

/* Closes c: pending and later calls on it fail with -NET_ECLOSED; the peer
 * reads end of stream. Returns 0, or -NET_ECLOSED if already closed. */
int conn_close(conn_t *c);

/* Closes c if open and frees it; no task may be inside a call on c. NULL
 * is a no-op. */
void conn_free(conn_t *c);

/* ---- in-memory streams on the virtual clock ---- */

/* Go's net.Pipe: a synchronous, in-memory, full-duplex pair; a write waits
 * until readers have taken every byte. *a and *b are the caller's. Returns
 * 0, -ENOMEM, -EPERM outside rt_run. */
int conn_pipe(conn_t **a, conn_t **b);

/* A buffered pair. window: bytes a direction holds, in flight and unread
 * together (0: 64 KiB): a write waits for room. bandwidth: bytes/s each
 * direction carries (0: unlimited); latency: ns from a byte's last bit
 * leaving until it can be read. Deliveries are runtime timers. */
typedef struct conn_pipe_config {
    size_t window;
    uint64_t bandwidth;
    int64_t latency;
} conn_pipe_config_t;

int conn_pipe_buffered(const conn_pipe_config_t *cfg, conn_t **a, conn_t **b);

/* ---- datagrams (UDP sockets, or simulated hosts: simnet.h) ---- */

/* Go's net.ListenPacket. On a simulated host: "udp" or "udp4", ":port" or
 * "host:port" of that network (port 0 picks one). Elsewhere a real UDP
 * socket: "udp", "udp4", "udp6" and "127.0.0.1:0", "[::1]:0", ":0"
 * (loopback). *out is the caller's (conn_free). Returns 0, -EADDRINUSE,
 * -EINVAL, -EAFNOSUPPORT (not "udp..."), -EPERM outside a task. */
int net_listen_packet(const char *network, const char *address, conn_t **out);

/* Go's ReadFrom: waits for one datagram (parks the task), copies it into
 * buf, and its sender's address ("127.0.0.1:40123", "[::1]:53", a
 * simulated "host:port") into from (fromlen bytes, may be NULL). A real
 * socket returns, as Go on Linux does, the count copied: a datagram longer
 * than len is cut to len and the rest lost; a simulated one returns the
 * datagram's full length (the copy is still cut to len). Errors:
 * -NET_ETIMEOUT (read deadline), -NET_ECLOSED (c was closed, also while
 * parked), or a negative errno. */
ssize_t conn_read_from(conn_t *c, void *buf, size_t len, char *from, size_t fromlen);

/* Go's WriteTo: sends one datagram to "host:port", whole or not at all; it
 * may be lost (a real receiver's full buffer, a simulated link), and on a
 * simulated link duplicated or delayed. A real socket whose send buffer is
 * full parks the task until there is room (or the write deadline).
 * Returns 0, -NET_ETIMEOUT, -NET_ECLOSED, -EMSGSIZE (over 65507 bytes on
 * IPv4), -EINVAL (a bad address). conn_write on an unconnected real UDP
 * conn is Go's "destination address required" (-EDESTADDRREQ). */
int conn_write_to(conn_t *c, const void *buf, size_t len, const char *to);

#endif
