/*
 * loadgen.c — a small HTTP/1.1 load generator on plain sockets: `conns`
 * keep-alive connections on one epoll thread, each sending the next GET as
 * soon as the previous response is whole (Content-Length framed), until
 * `total` responses have come back. The same client for every server, so
 * only the server differs between two runs.
 *
 * Interface: loadgen_run(addr, port, conns, total) → 0 or -1.
 */
#include "loadgen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define RBUF 8192

typedef struct lg_conn {
    int fd;
    char buf[RBUF];
    size_t len;
} lg_conn_t;

static const char request[] = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n";

/* Length of the first whole response in c->buf, or 0 if not yet whole. */
static size_t response_len(const lg_conn_t *c) {
    const char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
    if (!end) return 0;
    size_t head = (size_t)(end - c->buf) + 4, body = 0;
    for (const char *p = c->buf; p < end; p++) {
        if ((*p == '\n') && !strncasecmp(p + 1, "Content-Length:", 15)) {
            body = strtoul(p + 16, NULL, 10);
            break;
        }
    }
    return c->len >= head + body ? head + body : 0;
}

static int dial(const char *addr, int port) {
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, addr, &sa.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* Reads what c has; counts and answers every whole response. */
static int drain(lg_conn_t *c, uint64_t *sent, uint64_t *done, uint64_t total) {
    for (;;) {
        ssize_t n = read(c->fd, c->buf + c->len, RBUF - c->len);
        if (n < 0 && errno == EAGAIN) return 0;
        if (n <= 0) return -1;
        c->len += (size_t)n;
        for (size_t r; (r = response_len(c));) {
            memmove(c->buf, c->buf + r, c->len - r);
            c->len -= r;
            (*done)++;
            if (*sent < total) {
                if (write(c->fd, request, sizeof request - 1) != (ssize_t)(sizeof request - 1))
                    return -1;
                (*sent)++;
            }
        }
        if (c->len == RBUF) return -1;
    }
}

int loadgen_run(const char *addr, int port, int conns, uint64_t total) {
    int ep = epoll_create1(0), rc = -1;
    lg_conn_t *cs = calloc((size_t)conns, sizeof *cs);
    uint64_t sent = 0, done = 0;
    for (int i = 0; cs && i < conns; i++) {
        if ((cs[i].fd = dial(addr, port)) < 0) goto out;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &cs[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
    }
    for (int i = 0; i < conns && sent < total; i++) {
        if (fcntl(cs[i].fd, F_SETFL, O_NONBLOCK) != 0) goto out;
        if (write(cs[i].fd, request, sizeof request - 1) != (ssize_t)(sizeof request - 1)) goto out;
        sent++;
    }
    struct epoll_event evs[64];
    while (done < total) {
        int n = epoll_wait(ep, evs, 64, 10000);
        if (n <= 0) goto out;            /* a server that stopped answering */
        for (int i = 0; i < n; i++)
            if (drain(evs[i].data.ptr, &sent, &done, total)) goto out;
    }
    rc = 0;
out:
    for (int i = 0; cs && i < conns; i++)
        if (cs[i].fd > 0) close(cs[i].fd);
    free(cs);
    close(ep);
    return rc;
}
