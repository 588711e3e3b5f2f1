/*
 * cache_conn.c — one connection: an output buffer of queued commands
 * (pipelining), the parser for what comes back, and the count of replies
 * owed. Replies arrive in the order commands were sent, so reading is
 * "the next reply", never "the reply to command k".
 *
 * A connection that lost its server, or read bytes that are not RESP, is
 * broken for good: it no longer knows which reply belongs to which
 * command. It says so in one line (cache_conn_error) and the pool closes
 * it when it comes back.
 */
#include "cache.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct cache_conn {
    int fd;
    int port;
    cache_buf_t out;
    size_t sent; /* bytes of out already written */
    cache_parser_t in;
    size_t pending;
    bool broken;
    char err[160];
};

#if LAB_SOLUTION

__attribute__((format(printf, 2, 3))) static int fail(cache_conn_t *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(c->err, sizeof c->err, "redis 127.0.0.1:%d: ", c->port);
    vsnprintf(c->err + n, sizeof c->err - (size_t)n, fmt, ap);
    va_end(ap);
    c->broken = true;
    return -ECONNRESET;
}

int cache_connect(const char *host, int port, int proto, cache_conn_t **out)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if ((proto != 2 && proto != 3) || inet_pton(AF_INET, host, &a.sin_addr) != 1)
        return -EINVAL;
    cache_conn_t *c = calloc(1, sizeof *c);
    if (!c)
        return -ENOMEM;
    c->port = port;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int rc = c->fd < 0 ? -errno : 0;
    while (rc == 0 && connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0)
        if (errno != EINTR)
            rc = -errno;
    int one = 1;
    if (rc == 0)
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (rc == 0 && proto == 3) {
        cache_reply_t r;
        rc = cache_call(c, &r, "HELLO", "3", NULL);
        if (rc == 0 && r.type != CACHE_MAP)
            rc = -EPROTO;
        cache_reply_free(&r);
    }
    if (rc < 0) {
        cache_close(c);
        return rc;
    }
    *out = c;
    return 0;
}

void cache_close(cache_conn_t *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    cache_buf_free(&c->out);
    cache_parser_free(&c->in);
    free(c);
}

int cache_append(cache_conn_t *c, int argc, const char *const *argv, const size_t *lens)
{
    if (c->broken)
        return -ECONNRESET;
    int rc = cache_encode(&c->out, argc, argv, lens);
    if (rc == 0)
        c->pending++;
    return rc;
}

int cache_flush(cache_conn_t *c)
{
    if (c->broken)
        return -ECONNRESET;
    while (c->sent < c->out.len) {
        ssize_t n = send(c->fd, c->out.data + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail(c, "write failed (%s) with %zu replies owed", strerror(errno), c->pending);
        c->sent += (size_t)n;
    }
    c->out.len = c->sent = 0;
    return 0;
}

int cache_read(cache_conn_t *c, cache_reply_t *out)
{
    if (c->broken)
        return -ECONNRESET;
    if (!c->pending)
        return -EINVAL;
    int rc = cache_flush(c);
    while (rc == 0) {
        rc = cache_parser_next(&c->in, out);
        if (rc == 1) {
            c->pending--;
            return 0;
        }
        if (rc < 0) {
            fail(c, "the server sent bytes that are not RESP");
            return rc == -EPROTO ? -EPROTO : rc;
        }
        char chunk[16384];
        ssize_t n = recv(c->fd, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            return fail(c, "the server closed the connection with %zu replies owed", c->pending);
        if (n < 0)
            return fail(c, "read failed (%s) with %zu replies owed", strerror(errno), c->pending);
        rc = cache_parser_feed(&c->in, chunk, (size_t)n);
    }
    return rc;
}

int cache_callv(cache_conn_t *c, cache_reply_t *out, int argc, const char *const *argv,
                const size_t *lens)
{
    if (c->pending)
        return -EBUSY;
    int rc = cache_append(c, argc, argv, lens);
    return rc < 0 ? rc : cache_read(c, out);
}

int cache_call(cache_conn_t *c, cache_reply_t *out, const char *cmd, ...)
{
    const char *argv[32];
    int argc = 0;
    va_list ap;
    va_start(ap, cmd);
    for (const char *a = cmd; a && argc < 32; a = va_arg(ap, const char *))
        argv[argc++] = a;
    va_end(ap);
    return cache_callv(c, out, argc, argv, NULL);
}

size_t cache_pending(const cache_conn_t *c)
{
    return c->pending;
}

bool cache_broken(const cache_conn_t *c)
{
    return c->broken;
}

const char *cache_conn_error(const cache_conn_t *c)
{
    return c->err;
}

#else

int cache_connect(const char *host, int port, int proto, cache_conn_t **out)
{
    (void)host, (void)port, (void)proto, (void)out;
    return -ENOSYS;
}

void cache_close(cache_conn_t *c)
{
    free(c);
}

int cache_append(cache_conn_t *c, int argc, const char *const *argv, const size_t *lens)
{
    (void)c, (void)argc, (void)argv, (void)lens;
    return -ENOSYS;
}

int cache_flush(cache_conn_t *c)
{
    (void)c;
    return -ENOSYS;
}

int cache_read(cache_conn_t *c, cache_reply_t *out)
{
    (void)c, (void)out;
    return -ENOSYS;
}

int cache_callv(cache_conn_t *c, cache_reply_t *out, int argc, const char *const *argv,
                const size_t *lens)
{
    (void)c, (void)out, (void)argc, (void)argv, (void)lens;
    return -ENOSYS;
}

int cache_call(cache_conn_t *c, cache_reply_t *out, const char *cmd, ...)
{
    (void)c, (void)out, (void)cmd;
    return -ENOSYS;
}

size_t cache_pending(const cache_conn_t *c)
{
    (void)c;
    return 0;
}

bool cache_broken(const cache_conn_t *c)
{
    (void)c;
    return false;
}

const char *cache_conn_error(const cache_conn_t *c)
{
    (void)c;
    return "";
}

#endif
