/*
 * net_sock.c — net.h over the kernel's sockets: TCP (IPv4, IPv6), Unix
 * stream sockets and UDP datagrams, non-blocking, parked on the netpoller.
 *
 * Every descriptor is SOCK_NONBLOCK | SOCK_CLOEXEC. An attempt that gets
 * EAGAIN registers the descriptor with the netpoller (once per run) and
 * returns -EAGAIN, so the generic call in net.c parks; epoll's edge readies
 * the parked tasks (sock_ready) and they try again. EINTR (the preemption
 * signal) is retried. As Go does: TCP_NODELAY on every TCP conn,
 * SO_REUSEADDR on listeners, accept retries ECONNABORTED, a unix listener
 * removes its path on close; writes use MSG_NOSIGNAL (EPIPE, not SIGPIPE).
 * Unlike Go, an empty host (":8080") means loopback, not every interface.
 * UDP (Go's ListenPacket): recvfrom / sendto on an unconnected socket; a
 * datagram longer than the buffer is cut to it and the cut length
 * returned, as Go on Linux does (no MSG_TRUNC).
 *
 * Interface: sock__listen / sock__dial / sock__listen_packet from net.c;
 * then the conn_ops and listener_ops below.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "net_impl.h"

typedef struct sock_conn {
    conn_t c;
    rt_pollfd_t pfd;
    bool drained;                /* the last recv left the socket empty */
    bool rd_event;               /* epoll reported input since that recv */
    bool hup;                    /* the peer shut down or failed: no more edges */
} sock_conn_t;

typedef struct sock_listener {
    listener_t l;
    rt_pollfd_t pfd;
    int family;
    bool tcp6;
    char path[sizeof ((struct sockaddr_un *)0)->sun_path];   /* unix: removed on close */
} sock_listener_t;

typedef struct {
    struct sockaddr_storage ss;
    socklen_t len;
} addr_t;

/* ---- addresses ---- */

/* "host:port" for tcp/tcp4/tcp6 and udp/udp4/udp6 (host may be [v6], a
 * literal, localhost or empty: loopback), a path for unix. Returns 0,
 * -EINVAL, -EAFNOSUPPORT. */
static int parse_addr(const char *network, const char *address, addr_t *a) {
    memset(a, 0, sizeof *a);
    if (!strcmp(network, "unix")) {
        struct sockaddr_un *un = (struct sockaddr_un *)&a->ss;
        size_t n = strlen(address);
        if (n == 0 || n >= sizeof un->sun_path) return -EINVAL;
        un->sun_family = AF_UNIX;
        memcpy(un->sun_path, address, n + 1);
        a->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
        return 0;
    }
    bool v4 = !strcmp(network, "tcp4") || !strcmp(network, "udp4");
    bool v6 = !strcmp(network, "tcp6") || !strcmp(network, "udp6");
    if (!v4 && !v6 && strcmp(network, "tcp") && strcmp(network, "udp"))
        return -EAFNOSUPPORT;
    const char *colon = strrchr(address, ':');
    if (!colon) return -EINVAL;
    char host[64];
    size_t hl = (size_t)(colon - address);
    if (hl >= sizeof host) return -EINVAL;
    memcpy(host, address, hl);
    host[hl] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535) return -EINVAL;
    if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = '\0';
    }
    if (!host[0] || !strcmp(host, "localhost")) strcpy(host, v6 ? "::1" : "127.0.0.1");
    struct sockaddr_in *in4 = (struct sockaddr_in *)&a->ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;
    if (!v6 && inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        a->len = sizeof *in4;
    } else if (!v4 && inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        a->len = sizeof *in6;
    } else {
        return -EINVAL;
    }
    return 0;
}

/* Go's Addr.String(): "1.2.3.4:80", "[::1]:80", a unix path. */
static void format_addr(const struct sockaddr *sa, socklen_t len, char *out, size_t cap) {
    char ip[INET6_ADDRSTRLEN];
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const void *)sa;
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
        snprintf(out, cap, "%s:%u", ip, ntohs(in->sin_port));
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in = (const void *)sa;
        inet_ntop(AF_INET6, &in->sin6_addr, ip, sizeof ip);
        snprintf(out, cap, "[%s]:%u", ip, ntohs(in->sin6_port));
    } else if (sa->sa_family == AF_UNIX && len > offsetof(struct sockaddr_un, sun_path)) {
        snprintf(out, cap, "%s", ((const struct sockaddr_un *)sa)->sun_path);
    } else {
        out[0] = '\0';
    }
}

static void name_ends(int fd, char *laddr, char *raddr) {
    addr_t a = {.len = sizeof a.ss};
    if (getsockname(fd, (struct sockaddr *)&a.ss, &a.len) == 0)
        format_addr((struct sockaddr *)&a.ss, a.len, laddr, NET_ADDR_MAX);
    a.len = sizeof a.ss;
    if (raddr && getpeername(fd, (struct sockaddr *)&a.ss, &a.len) == 0)
        format_addr((struct sockaddr *)&a.ss, a.len, raddr, NET_ADDR_MAX);
}

/* ---- the netpoller's callbacks ---- */

static void conn_ready(rt_pollfd_t *p, uint32_t ev) {
    sock_conn_t *s = (sock_conn_t *)((char *)p - offsetof(sock_conn_t, pfd));
    if (ev & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) s->hup = true;
    if (ev & ~(uint32_t)EPOLLOUT) {
        s->rd_event = true;
        nd_wake(&s->c.nd, ND_READ);
    }
    if (ev & ~(uint32_t)(EPOLLIN | EPOLLRDHUP)) nd_wake(&s->c.nd, ND_WRITE);
}

static void listener_ready(rt_pollfd_t *p, uint32_t ev) {
    (void)ev;
    sock_listener_t *s = (sock_listener_t *)((char *)p - offsetof(sock_listener_t, pfd));
    nd_wake(&s->l.nd, ND_READ);
}

/* The attempt would block: watch the descriptor and let the caller park. */
static ssize_t would_block(rt_pollfd_t *p) {
    int rc = rt__netpoll_watch(p);
    return rc ? rc : -EAGAIN;
}

/* ---- conns ---- */

/* A recv that found the socket empty, or that returned less than it could
 * take, leaves it drained: what arrives later raises an edge, so until
 * epoll reports one the next read parks without a syscall (Go's reads
 * always try the syscall first: one EAGAIN per request saved). Not after
 * a hang-up: an end of stream that came with the data raises no edge. */
static ssize_t sock_read(conn_t *c, void *buf, size_t len) {
    sock_conn_t *s = (sock_conn_t *)c;
    if (s->drained && !s->rd_event && !s->hup && rt__netpoll_watching(&s->pfd)) return -EAGAIN;
    s->rd_event = false;
    for (;;) {
        ssize_t n = recv(s->pfd.fd, buf, len, 0);
        s->drained = n > 0 && (size_t)n < len;
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            s->drained = true;
            return would_block(&s->pfd);
        }
        return -errno;
    }
}

static ssize_t sock_write(conn_t *c, const void *buf, size_t len) {
    sock_conn_t *s = (sock_conn_t *)c;
    for (;;) {
        ssize_t n = send(s->pfd.fd, buf, len, MSG_NOSIGNAL);
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return would_block(&s->pfd);
        return -errno;
    }
}

static int sock_close_write(conn_t *c) {
    sock_conn_t *s = (sock_conn_t *)c;
    return shutdown(s->pfd.fd, SHUT_WR) == 0 ? 0 : -errno;
}

static void sock_close(conn_t *c) {
    sock_conn_t *s = (sock_conn_t *)c;
    rt__netpoll_forget(&s->pfd);
    close(s->pfd.fd);
    s->pfd.fd = -1;
}

static void sock_free(conn_t *c) { free(c); }

static const conn_ops_t tcp_ops = {
    .network = "tcp", .read = sock_read, .write = sock_write,
    .close_write = sock_close_write, .close = sock_close, .free = sock_free,
};
static const conn_ops_t tcp6_ops = {
    .network = "tcp6", .read = sock_read, .write = sock_write,
    .close_write = sock_close_write, .close = sock_close, .free = sock_free,
};
static const conn_ops_t unix_ops = {
    .network = "unix", .read = sock_read, .write = sock_write,
    .close_write = sock_close_write, .close = sock_close, .free = sock_free,
};

/* Wraps a connected descriptor. Returns 0 or -ENOMEM (fd closed). */
static int conn_wrap(int fd, int family, conn_t **out) {
    sock_conn_t *s = calloc(1, sizeof *s);
    if (!s) {
        close(fd);
        return -ENOMEM;
    }
    nd_init(&s->c.nd, true);
    s->c.ops = family == AF_UNIX ? &unix_ops : family == AF_INET6 ? &tcp6_ops : &tcp_ops;
    s->pfd = (rt_pollfd_t){.fd = fd, .ready = conn_ready};
    if (family != AF_UNIX) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    name_ends(fd, s->c.laddr, s->c.raddr);
    *out = &s->c;
    return 0;
}

/* Waits for a non-blocking connect to finish. Returns 0 or its error. */
static int connect_wait(conn_t *c, int64_t deadline) {
    sock_conn_t *s = (sock_conn_t *)c;
    int rc = rt__netpoll_watch(&s->pfd);
    if (!rc && deadline) rc = nd_set_deadline(&c->nd, ND_WRITE, deadline);
    for (int err = 0; !rc;) {
        socklen_t len = sizeof err;
        if (getsockopt(s->pfd.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return -errno;
        if (err && err != EINPROGRESS) return -err;
        addr_t peer = {.len = sizeof peer.ss};
        if (getpeername(s->pfd.fd, (struct sockaddr *)&peer.ss, &peer.len) == 0) break;
        rc = nd_wait(&c->nd, ND_WRITE, c);
    }
    if (deadline) nd_set_deadline(&c->nd, ND_WRITE, 0);
    return rc;
}

int sock__dial(const char *network, const char *address, int64_t deadline, conn_t **out) {
    RT_ENTER;
    if (!strncmp(network, "udp", 3))
        return -EAFNOSUPPORT; /* streams only */
    addr_t a;
    int rc = parse_addr(network, address, &a);
    if (rc) return rc;
    rt__point();
    int family = a.ss.ss_family;
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int c_rc;
    do c_rc = connect(fd, (struct sockaddr *)&a.ss, a.len);
    while (c_rc != 0 && errno == EINTR);
    if (c_rc != 0 && errno != EINPROGRESS) {
        rc = -errno;
        close(fd);
        return rc == -EAGAIN ? -ECONNREFUSED : rc;   /* unix: the backlog is full */
    }
    conn_t *c;
    if ((rc = conn_wrap(fd, family, &c))) return rc;
    if (c_rc != 0 && (rc = connect_wait(c, deadline))) {
        conn_free(c);
        return rc;
    }
    name_ends(fd, c->laddr, c->raddr);
    *out = c;
    return 0;
}

/* ---- listeners ---- */

static int sock_accept(listener_t *l, conn_t **out) {
    sock_listener_t *s = (sock_listener_t *)l;
    for (;;) {
        int fd = accept4(s->pfd.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) return conn_wrap(fd, s->family, out);
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return (int)would_block(&s->pfd);
        return -errno;
    }
}

static void sock_listener_close(listener_t *l) {
    sock_listener_t *s = (sock_listener_t *)l;
    rt__netpoll_forget(&s->pfd);
    close(s->pfd.fd);
    s->pfd.fd = -1;
    if (s->path[0]) unlink(s->path);
}

static void sock_listener_free(listener_t *l) { free(l); }

static const listener_ops_t sock_listener_ops = {
    .accept = sock_accept, .close = sock_listener_close, .free = sock_listener_free,
};

static int bind_listen(int fd, const addr_t *a) {
    int one = 1;
    if (a->ss.ss_family != AF_UNIX) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (const struct sockaddr *)&a->ss, a->len) != 0) return -errno;
    if (listen(fd, SOMAXCONN) != 0) return -errno;
    return 0;
}

int sock__listen(const char *network, const char *address, listener_t **out) {
    RT_ENTER;
    if (!strncmp(network, "udp", 3))
        return -EAFNOSUPPORT; /* net_listen_packet's */
    addr_t a;
    int rc = parse_addr(network, address, &a);
    if (rc) return rc;
    sock_listener_t *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    s->family = a.ss.ss_family;
    int fd = socket(s->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || (rc = bind_listen(fd, &a))) {
        rc = fd < 0 ? -errno : rc;
        if (fd >= 0) close(fd);
        free(s);
        return rc;
    }
    nd_init(&s->l.nd, true);
    s->l.ops = &sock_listener_ops;
    s->pfd = (rt_pollfd_t){.fd = fd, .ready = listener_ready};
    if (s->family == AF_UNIX) snprintf(s->path, sizeof s->path, "%s", address);
    name_ends(fd, s->l.addr, NULL);
    *out = &s->l;
    return 0;
}

/* ---- datagrams ---- */

/* Go's ReadFrom: one datagram, cut to len; its sender into from. Always
 * tries the syscall first (epoll's edge comes only for later arrivals). */
static ssize_t udp_read_from(conn_t *c, void *buf, size_t len, char *from, size_t fromlen)
{
    sock_conn_t *s = (sock_conn_t *)c;
    for (;;) {
        addr_t a = {.len = sizeof a.ss};
        ssize_t n = recvfrom(s->pfd.fd, buf, len, 0, (struct sockaddr *)&a.ss, &a.len);
        if (n >= 0) {
            if (from && fromlen) {
                char tmp[NET_ADDR_MAX];
                format_addr((struct sockaddr *)&a.ss, a.len, tmp, sizeof tmp);
                snprintf(from, fromlen, "%s", tmp);
            }
            return n;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return would_block(&s->pfd);
        return -errno;
    }
}

static ssize_t udp_read(conn_t *c, void *buf, size_t len)
{
    return udp_read_from(c, buf, len, NULL, 0);
}

/* Go's Write on an unconnected UDPConn: "destination address required". */
static ssize_t udp_write(conn_t *c, const void *buf, size_t len)
{
    (void)c, (void)buf, (void)len;
    return -EDESTADDRREQ;
}

/* Go's WriteTo: the whole datagram or an error; -EAGAIN (a full send
 * buffer) parks the caller in net.c until epoll reports room. */
static int udp_write_to(conn_t *c, const void *buf, size_t len, const char *to)
{
    sock_conn_t *s = (sock_conn_t *)c;
    addr_t a;
    int rc = parse_addr(s->c.ops->network, to, &a);
    if (rc)
        return rc;
    for (;;) {
        ssize_t n = sendto(s->pfd.fd, buf, len, MSG_NOSIGNAL, (struct sockaddr *)&a.ss, a.len);
        if (n >= 0)
            return 0;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return (int)would_block(&s->pfd);
        return -errno;
    }
}

static const conn_ops_t udp_ops = {
    .network = "udp",
    .read = udp_read,
    .write = udp_write,
    .read_from = udp_read_from,
    .write_to = udp_write_to,
    .close = sock_close,
    .free = sock_free,
};
static const conn_ops_t udp6_ops = {
    .network = "udp6",
    .read = udp_read,
    .write = udp_write,
    .read_from = udp_read_from,
    .write_to = udp_write_to,
    .close = sock_close,
    .free = sock_free,
};

int sock__listen_packet(const char *network, const char *address, conn_t **out)
{
    RT_ENTER;
    if (strncmp(network, "udp", 3))
        return -EAFNOSUPPORT;
    addr_t a;
    int rc = parse_addr(network, address, &a);
    if (rc)
        return rc;
    int fd = socket(a.ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (bind(fd, (struct sockaddr *)&a.ss, a.len) != 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    sock_conn_t *s = calloc(1, sizeof *s);
    if (!s) {
        close(fd);
        return -ENOMEM;
    }
    nd_init(&s->c.nd, true);
    s->c.ops = a.ss.ss_family == AF_INET6 ? &udp6_ops : &udp_ops;
    s->pfd = (rt_pollfd_t){.fd = fd, .ready = conn_ready};
    name_ends(fd, s->c.laddr, NULL);
    *out = &s->c;
    return 0;
}
