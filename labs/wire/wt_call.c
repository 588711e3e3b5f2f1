/*
 * wt_call.c — gRPC calls over HTTP/2 (libs/h2): a unary call and a
 * server-streaming one, on both sides.
 *
 * A call is one HTTP/2 stream. The client sends HEADERS (:method POST,
 * :path /pkg.Service/Method, content-type application/grpc, te: trailers),
 * then its message as DATA with the 5-byte prefix, then END_STREAM. The
 * server answers HEADERS (:status 200, content-type application/grpc),
 * zero or more prefixed messages, and trailers: grpc-status, and
 * grpc-message percent-encoded. An answer with no message at all may put
 * grpc-status in its only HEADERS ("trailers-only"), as an unknown method
 * does here. The HTTP status says only that HTTP worked; the call's
 * outcome is grpc-status.
 *
 * Interface: wt_serve(conn, service) on the server; wt_call_unary, or
 * wt_call_stream → wt_call_recv… → wt_call_free on the client.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <undergo/h2.h>
#include <undergo/net.h>

#include "wire.h"

#if LAB_SOLUTION

struct wt_sender {
    h2_stream_t *s;
};

struct wt_call {
    h2_stream_t *s;
    wt_deframer_t d;
    bool headers, done;
    wt_status_t st; /* from a trailers-only answer */
    bool st_set;
    uint8_t buf[16384];
    size_t off, len;
};

/* Encodes m behind a 5-byte prefix and writes it to s. */
static int wt__write_msg(h2_stream_t *s, const wt_msg_t *m)
{
    size_t n = wt_size(m);
    uint8_t *buf = malloc(WT_FRAME_HEADER + n);
    if (!buf)
        return -ENOMEM;
    wt_frame_header(buf, false, (uint32_t)n);
    ssize_t k = wt_encode(m, buf + WT_FRAME_HEADER, n);
    int rc = k < 0 ? (int)k : h2_write(s, buf, WT_FRAME_HEADER + n);
    free(buf);
    return rc;
}

int wt_send(wt_sender_t *out, const wt_msg_t *m)
{
    return wt__write_msg(out->s, m);
}

/* The trailers (or, with headers_too, a trailers-only answer) of a call. */
static void wt__finish(h2_stream_t *s, int code, const char *msg, bool headers_too)
{
    char status[16], enc[3 * sizeof((wt_status_t *)0)->message + 1];
    snprintf(status, sizeof status, "%d", code);
    h2_header_t h[5];
    size_t n = 0;
    if (headers_too) {
        h[n++] = (h2_header_t){":status", "200"};
        h[n++] = (h2_header_t){"content-type", "application/grpc"};
    }
    h[n++] = (h2_header_t){"grpc-status", status};
    if (msg && *msg) {
        wt_percent_encode(msg, enc, sizeof enc);
        h[n++] = (h2_header_t){"grpc-message", enc};
    }
    h2_send_headers(s, h, n, true);
}

/* Reads the request's one message into a new message of type d. */
static int wt__read_request(h2_stream_t *s, const wt_desc_t *d, wt_msg_t **out)
{
    wt_deframer_t df;
    wt_deframer_init(&df, WT_MAX_MESSAGE);
    uint8_t buf[16384];
    int msgs = 0, rc = 0;
    wt_msg_t *m = wt_msg_new(d);
    ssize_t r;
    while (rc >= 0 && (r = h2_read(s, buf, sizeof buf)) != 0) {
        if (r < 0) {
            rc = (int)r;
            break;
        }
        for (size_t off = 0, used; rc >= 0 && off < (size_t)r; off += used) {
            rc = wt_deframer_feed(&df, buf + off, (size_t)r - off, &used);
            if (rc == 1) {
                rc = msgs++ ? WT_EFRAME_TRUNCATED : wt_decode(m, df.msg, df.len);
            }
        }
    }
    if (rc >= 0)
        rc = wt_deframer_end(&df);
    if (rc >= 0 && msgs != 1)
        rc = WT_EFRAME_TRUNCATED;
    wt_deframer_free(&df);
    if (rc < 0) {
        wt_msg_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

static const wt_method_t *wt__method(const wt_service_t *svc, const char *path)
{
    for (size_t i = 0; path && i < svc->nmethods; i++)
        if (strcmp(svc->methods[i].path, path) == 0)
            return &svc->methods[i];
    return NULL;
}

static void wt__handle(h2_stream_t *s, void *arg)
{
    const wt_service_t *svc = arg;
    size_t n;
    const h2_header_t *hd = h2_headers(s, &n);
    const char *path = h2_header_get(hd, n, ":path");
    const char *ct = h2_header_get(hd, n, "content-type");
    if (!ct || strncmp(ct, "application/grpc", 16) != 0) {
        h2_header_t h[] = {{":status", "415"}};
        h2_send_headers(s, h, 1, true);
        return;
    }
    const wt_method_t *m = wt__method(svc, path);
    if (!m) {
        char msg[200];
        snprintf(msg, sizeof msg, "unknown method %s", path ? path : "(none)");
        wt__finish(s, WT_UNIMPLEMENTED, msg, true);
        return;
    }
    wt_msg_t *req = NULL;
    int rc = wt__read_request(s, m->req, &req);
    if (rc < 0) {
        wt__finish(s, WT_INTERNAL, wt_strerror(rc), true);
        return;
    }
    h2_header_t h[] = {{":status", "200"}, {"content-type", "application/grpc"}};
    if (h2_send_headers(s, h, 2, false) < 0) {
        wt_msg_free(req);
        return;
    }
    const char *msg = NULL;
    int code;
    if (m->unary) {
        wt_msg_t *resp = wt_msg_new(m->resp);
        code = m->unary(req, resp, &msg, m->arg);
        if (code == WT_OK && wt__write_msg(s, resp) < 0)
            code = WT_INTERNAL, msg = "cannot send the response";
        wt_msg_free(resp);
    } else {
        wt_sender_t out = {s};
        code = m->stream(req, &out, &msg, m->arg);
    }
    wt_msg_free(req);
    wt__finish(s, code, msg, false);
}

int wt_serve(struct conn *c, const wt_service_t *svc)
{
    return h2_serve(c, wt__handle, (void *)svc);
}

/* Fills st from a header block holding grpc-status; false when absent. */
static bool wt__status(const h2_header_t *h, size_t n, wt_status_t *st)
{
    const char *code = h2_header_get(h, n, "grpc-status");
    if (!code)
        return false;
    st->code = atoi(code);
    const char *msg = h2_header_get(h, n, "grpc-message");
    wt_percent_decode(msg ? msg : "", st->message, sizeof st->message);
    return true;
}

static void wt__set(wt_status_t *st, int code, const char *msg)
{
    st->code = code;
    snprintf(st->message, sizeof st->message, "%s", msg);
}

int wt_call_stream(struct h2_conn *h, const char *path, const wt_msg_t *req, wt_call_t **out)
{
    wt_call_t *c = calloc(1, sizeof *c);
    if (!c)
        return -ENOMEM;
    wt_deframer_init(&c->d, WT_MAX_MESSAGE);
    h2_header_t hd[] = {{":method", "POST"},
                        {":scheme", "http"},
                        {":path", path},
                        {":authority", "localhost"},
                        {"content-type", "application/grpc"},
                        {"te", "trailers"}};
    int rc = h2_request(h, hd, 6, &c->s);
    if (rc == 0)
        rc = wt__write_msg(c->s, req);
    if (rc == 0)
        rc = h2_end(c->s);
    if (rc < 0) {
        wt_call_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

/* The response HEADERS: HTTP 200 and, for a trailers-only answer, the status. */
static int wt__headers(wt_call_t *c)
{
    int rc = h2_wait_headers(c->s);
    if (rc < 0)
        return rc;
    c->headers = true;
    size_t n;
    const h2_header_t *h = h2_headers(c->s, &n);
    const char *status = h2_header_get(h, n, ":status");
    if (!status || strcmp(status, "200") != 0) {
        wt__set(&c->st, WT_UNKNOWN, "the HTTP status is not 200");
        c->st_set = true;
    } else if (wt__status(h, n, &c->st)) {
        c->st_set = true;
    }
    return 0;
}

int wt_call_recv(wt_call_t *c, wt_msg_t *m, wt_status_t *st)
{
    if (!c->headers) {
        int rc = wt__headers(c);
        if (rc < 0)
            return rc;
    }
    for (;;) {
        while (c->off < c->len) {
            size_t used;
            int rc = wt_deframer_feed(&c->d, c->buf + c->off, c->len - c->off, &used);
            c->off += used;
            if (rc < 0)
                return rc;
            if (rc == 1) {
                if (c->d.compressed)
                    return WT_EFRAME_FLAG; /* no grpc-encoding was offered */
                rc = wt_decode(m, c->d.msg, c->d.len);
                return rc < 0 ? rc : 1;
            }
        }
        ssize_t r = h2_read(c->s, c->buf, sizeof c->buf);
        if (r < 0)
            return (int)r;
        if (r == 0)
            break;
        c->off = 0;
        c->len = (size_t)r;
    }
    int rc = wt_deframer_end(&c->d);
    if (rc < 0)
        return rc;
    size_t n;
    const h2_header_t *t = h2_trailers(c->s, &n);
    if (!wt__status(t, n, st)) {
        if (c->st_set)
            *st = c->st;
        else
            wt__set(st, WT_UNKNOWN, "no grpc-status in the trailers");
    }
    c->done = true;
    return 0;
}

int wt_call_unary(struct h2_conn *h, const char *path, const wt_msg_t *req, wt_msg_t *resp,
                  wt_status_t *st)
{
    wt_call_t *c;
    int rc = wt_call_stream(h, path, req, &c);
    if (rc < 0)
        return rc;
    int msgs = 0;
    while ((rc = wt_call_recv(c, resp, st)) == 1)
        msgs++;
    wt_call_free(c);
    if (rc < 0)
        return rc;
    if (st->code == WT_OK && msgs != 1)
        wt__set(st, WT_INTERNAL, "a unary call must answer one message");
    return 0;
}

void wt_call_free(wt_call_t *c)
{
    if (!c)
        return;
    h2_stream_free(c->s);
    wt_deframer_free(&c->d);
    free(c);
}

#else

int wt_send(wt_sender_t *out, const wt_msg_t *m)
{
    (void)out;
    (void)m;
    return -ENOSYS;
}
int wt_serve(struct conn *c, const wt_service_t *svc)
{
    (void)svc;
    conn_free(c);
    return -ENOSYS;
}
int wt_call_unary(struct h2_conn *h, const char *path, const wt_msg_t *req, wt_msg_t *resp,
                  wt_status_t *st)
{
    (void)h;
    (void)path;
    (void)req;
    (void)resp;
    st->code = -1;
    st->message[0] = 0;
    return -ENOSYS;
}
int wt_call_stream(struct h2_conn *h, const char *path, const wt_msg_t *req, wt_call_t **out)
{
    (void)h;
    (void)path;
    (void)req;
    *out = NULL;
    return -ENOSYS;
}
int wt_call_recv(wt_call_t *c, wt_msg_t *m, wt_status_t *st)
{
    (void)c;
    (void)m;
    (void)st;
    return -ENOSYS;
}
void wt_call_free(wt_call_t *c)
{
    (void)c;
}

#endif
