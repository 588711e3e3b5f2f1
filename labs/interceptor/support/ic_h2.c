/*
 * ic_h2.c — unary gRPC calls over libs/h2: what grpc-go's http2 transport
 * puts on the wire, for opaque messages.
 *
 * A request is HEADERS (:method POST, :scheme http, :path /svc/Method,
 * :authority, content-type application/grpc, te trailers, grpc-timeout,
 * the metadata), one DATA message in gRPC's framing (a compressed flag
 * byte, a 4-byte big-endian length, the bytes) and END_STREAM. A response
 * is HEADERS (:status 200, content-type, the header metadata), the message,
 * then trailers grpc-status / grpc-message and the trailer metadata; an
 * error may come trailers-only (one HEADERS with END_STREAM). grpc-message
 * is percent-encoded outside printable ASCII.
 *
 * The client watches its context in a task of its own, which resets the
 * stream when the context ends, so a parked read wakes.
 *
 * Interface: ic_h2_invoke as an invoker with ud = h2_conn_t; h2_serve(c,
 * ic_h2_handler, &server).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/h2.h>

#include "interceptor.h"

#define HDR_MAX (IC_MD_MAX + 12)

/* ---- shared ---- */

static bool h2c_reserved(const char *name)
{
    static const char *const r[] = {"content-type",         "te",
                                    "grpc-timeout",         "grpc-status",
                                    "grpc-message",         "grpc-encoding",
                                    "grpc-accept-encoding", "grpc-status-details-bin",
                                    "user-agent",           NULL};
    if (name[0] == ':')
        return true;
    for (size_t i = 0; r[i]; i++)
        if (strcmp(r[i], name) == 0)
            return true;
    return false;
}

/* Appends the non-reserved headers to md. */
static int h2c_md_from(const h2_header_t *h, size_t n, ic_md_t *md)
{
    for (size_t i = 0; i < n; i++)
        if (!h2c_reserved(h[i].name) && ic_md_append_wire(md, h[i].name, h[i].value))
            return -EINVAL;
    return 0;
}

/* Adds md's entries to hdr[*n..] with their wire values in vals. */
static int h2c_md_to(const ic_md_t *md, h2_header_t *hdr, size_t *n, char vals[][IC_MD_VALUE * 2])
{
    for (size_t i = 0; i < md->n; i++) {
        if (ic_md_value_to_wire(md, i, vals[i], IC_MD_VALUE * 2) < 0)
            return -EINVAL;
        hdr[(*n)++] = (h2_header_t){md->e[i].key, vals[i]};
    }
    return 0;
}

/* Reads the whole body and unframes one message into m. 0, or -errno. */
static int h2c_read_msg(h2_stream_t *s, ic_buf_t *m, bool *got)
{
    enum { CAP = IC_MSG_MAX + 5 };
    uint8_t *buf = malloc(CAP);
    size_t len = 0;
    int rc = buf ? 0 : -ENOMEM;
    while (!rc) {
        ssize_t r = h2_read(s, buf + len, CAP - len);
        if (r <= 0) {
            rc = (int)r;
            break;
        }
        len += (size_t)r;
        if (len == CAP)
            rc = -EMSGSIZE;
    }
    *got = len > 0;
    if (!rc && len) {
        size_t n = (size_t)buf[1] << 24 | (size_t)buf[2] << 16 | (size_t)buf[3] << 8 | buf[4];
        if (len < 5 || buf[0] != 0 || n != len - 5 || n > IC_MSG_MAX) {
            rc = -EPROTO;
        } else {
            memcpy(m->data, buf + 5, n);
            m->len = n;
        }
    }
    free(buf);
    return rc;
}

static int h2c_write_msg(h2_stream_t *s, const ic_buf_t *m)
{
    uint8_t hdr[5] = {0, (uint8_t)(m->len >> 24), (uint8_t)(m->len >> 16), (uint8_t)(m->len >> 8),
                      (uint8_t)m->len};
    int rc = h2_write(s, hdr, 5);
    return rc ? rc : h2_write(s, m->data, m->len);
}

static void h2c_pct_encode(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 4 < cap; in++) {
        unsigned char c = (unsigned char)*in;
        if (c >= 0x20 && c < 0x7f && c != '%')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, cap - o, "%%%02X", c);
    }
    out[o] = '\0';
}

static void h2c_pct_decode(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 1 < cap; in++) {
        unsigned v;
        if (in[0] == '%' && in[1] && in[2] && sscanf(in + 1, "%2x", &v) == 1) {
            out[o++] = (char)v;
            in += 2;
        } else {
            out[o++] = *in;
        }
    }
    out[o] = '\0';
}

/* ---- client ---- */

typedef struct watch {
    ctx_t *ctx;
    h2_stream_t *s;
    chan_t *stop, *gone;
    bool fired;
} watch_t;

static void h2c_watch(void *arg)
{
    watch_t *w = arg;
    chan_case_t cs[2] = {{w->stop, CHAN_RECV, NULL, false},
                         {ctx_done(w->ctx), CHAN_RECV, NULL, false}};
    if (chan_select(cs, 2, false) == 1) {
        w->fired = true;
        h2_reset(w->s, H2_CANCEL);
    }
    chan_send(w->gone, NULL);
}

static int h2c_ctx_code(ic_call_t *call)
{
    return ctx_err(call->ctx) == -ETIMEDOUT
               ? ic_error(call, IC_DEADLINE_EXCEEDED, "context deadline exceeded")
               : ic_error(call, IC_CANCELED, "context canceled");
}

typedef char wire_vals_t[IC_MD_MAX][IC_MD_VALUE * 2];

static int h2c_open(ic_call_t *call, const char *method, h2_conn_t *h, h2_stream_t **s)
{
    wire_vals_t *vals = malloc(sizeof *vals);
    if (!vals)
        return ic_error(call, IC_RESOURCE_EXHAUSTED, "out of memory");
    h2_header_t hdr[HDR_MAX] = {{":method", "POST"},
                                {":scheme", "http"},
                                {":path", method},
                                {":authority", "undergo"},
                                {"content-type", "application/grpc"},
                                {"te", "trailers"}};
    size_t n = 6;
    char t[16];
    int64_t when;
    if (ctx_deadline(call->ctx, &when) == 0) {
        ic_timeout_encode(when - clock_now(), t, sizeof t);
        hdr[n++] = (h2_header_t){"grpc-timeout", t};
    }
    int code = IC_OK;
    if (h2c_md_to(&call->md, hdr, &n, *vals))
        code = ic_error(call, IC_INTERNAL, "bad metadata");
    else if (h2_request(h, hdr, n, s))
        code = ic_error(call, IC_UNAVAILABLE, "transport is closing");
    free(vals);
    return code;
}

/* The status of a finished response, with its metadata. */
static int h2c_status(ic_call_t *call, h2_stream_t *s)
{
    size_t nh, nt;
    const h2_header_t *h = h2_headers(s, &nh), *t = h2_trailers(s, &nt);
    const char *st = h2_header_get(h, nh, "grpc-status");
    const h2_header_t *src = h;
    size_t nsrc = nh;
    if (!st) {
        st = h2_header_get(t, nt, "grpc-status");
        src = t, nsrc = nt;
    } else {
        nt = 0; /* trailers-only */
    }
    if (h2c_md_from(h, nh, &call->header) || h2c_md_from(t, nt, &call->trailer))
        return ic_error(call, IC_INTERNAL, "bad metadata");
    if (!st)
        return ic_error(call, IC_INTERNAL, "server closed the stream without sending trailers");
    const char *msg = h2_header_get(src, nsrc, "grpc-message");
    h2c_pct_decode(msg ? msg : "", call->msg, sizeof call->msg);
    return atoi(st);
}

int ic_h2_invoke(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
                 ic_conn_t *cc, void *ud)
{
    (void)cc;
    call->attempts++;
    call->header.n = call->trailer.n = 0;
    if (ctx_err(call->ctx))
        return h2c_ctx_code(call);
    h2_stream_t *s;
    int code = h2c_open(call, method, ud, &s);
    if (code)
        return code;
    watch_t w = {call->ctx, s, NULL, NULL, false};
    chan_make(0, 0, &w.stop);
    chan_make(0, 1, &w.gone);
    task_spawn(h2c_watch, &w, NULL);
    bool got = false;
    int rc = h2c_write_msg(s, req);
    if (!rc)
        rc = h2_end(s);
    if (!rc)
        rc = h2_wait_headers(s);
    if (!rc)
        rc = h2c_read_msg(s, resp, &got);
    chan_close(w.stop);
    chan_recv(w.gone, NULL, NULL);
    chan_free(w.stop);
    chan_free(w.gone);
    if (w.fired)
        code = h2c_ctx_code(call);
    else if (rc)
        code = ic_error(call, IC_UNAVAILABLE, "transport: %s", strerror(rc < 0 ? -rc : rc));
    else
        code = h2c_status(call, s);
    if (code == IC_OK && !got)
        code = ic_error(call, IC_INTERNAL, "no response message");
    h2_stream_free(s);
    return code;
}

/* ---- server ---- */

typedef struct outer {
    ic_server_t *srv;
    const ic_server_info_t *info;
    ic_unary_handler_t handler;
} outer_t;

static int h2c_chain(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    outer_t *o = ud;
    return ic_unary_server_run(o->srv->chain, o->srv->nchain, call, req, resp, o->info, o->handler);
}

static int h2c_dispatch(ic_server_t *srv, const char *path, ic_call_t *call, const ic_buf_t *req,
                        ic_buf_t *resp)
{
    const ic_method_t *m = NULL;
    for (size_t i = 0; path && i < srv->nmethods; i++)
        if (strcmp(srv->methods[i].name, path) == 0)
            m = &srv->methods[i];
    if (!m)
        return ic_error(call, IC_UNIMPLEMENTED, "unknown method %s", path ? path : "");
    ic_server_info_t info = {m->name, srv->impl};
    outer_t o = {srv, &info, m->handler};
    if (srv->unary.fn)
        return ic_unary_server_run(&srv->unary, 1, call, req, resp, &info,
                                   (ic_unary_handler_t){h2c_chain, &o});
    return h2c_chain(call, req, resp, &o);
}

static void h2c_respond(h2_stream_t *s, ic_call_t *call, int code, const ic_buf_t *resp)
{
    wire_vals_t *vals = malloc(sizeof *vals);
    if (!vals)
        return;
    h2_header_t hdr[HDR_MAX] = {{":status", "200"}, {"content-type", "application/grpc"}};
    size_t n = 2;
    h2c_md_to(&call->header, hdr, &n, *vals);
    if (h2_send_headers(s, hdr, n, false) || (code == IC_OK && h2c_write_msg(s, resp))) {
        free(vals);
        return;
    }
    char st[16], msg[IC_STATUS_MSG * 3];
    snprintf(st, sizeof st, "%d", code);
    h2c_pct_encode(call->msg, msg, sizeof msg);
    n = 0;
    hdr[n++] = (h2_header_t){"grpc-status", st};
    if (msg[0])
        hdr[n++] = (h2_header_t){"grpc-message", msg};
    h2c_md_to(&call->trailer, hdr, &n, *vals);
    h2_send_headers(s, hdr, n, true);
    free(vals);
}

void ic_h2_handler(struct h2_stream *s, void *arg)
{
    ic_server_t *srv = arg;
    size_t nh;
    const h2_header_t *h = h2_headers(s, &nh);
    const char *t = h2_header_get(h, nh, "grpc-timeout");
    int64_t ns;
    ctx_t *ctx;
    ic_buf_t *req = malloc(2 * sizeof *req), *resp = req + 1;
    if (!req) {
        h2_reset(s, H2_INTERNAL_ERROR);
        return;
    }
    ic_call_t call;
    int code = IC_OK;
    if (t && ic_timeout_parse(t, &ns) == 0)
        ctx_with_timeout(ctx_background(), ns, &ctx);
    else
        ctx_with_cancel(ctx_background(), &ctx);
    ic_call_init(&call, ctx);
    bool got = false;
    if (t && ic_timeout_parse(t, &ns) != 0)
        code = ic_error(&call, IC_INTERNAL, "malformed grpc-timeout: %s", t);
    else if (h2c_md_from(h, nh, &call.md))
        code = ic_error(&call, IC_INTERNAL, "bad metadata");
    else if (h2c_read_msg(s, req, &got) || !got)
        code = ic_error(&call, IC_INTERNAL, "bad request message");
    else
        code = h2c_dispatch(srv, h2_header_get(h, nh, ":path"), &call, req, resp);
    h2c_respond(s, &call, code, resp);
    ctx_free(ctx);
    free(req);
}
