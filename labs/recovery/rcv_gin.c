/*
 * rcv_gin.c — Gin's handler chain and Recovery middleware, and net/http's
 * recover around a handler, on rcv_call/rcv_defer/rcv_recover.
 *
 * Every handler of the chain runs as a frame of its own (rcv_call), as a
 * Go function does, so Recovery's deferred call belongs to Recovery: a
 * panic deeper in the chain unwinds to it, and ServeHTTP then goes on as
 * after a normal return (it writes the head if nobody did). The writer
 * follows Gin's responseWriter: the status may change until the head is
 * written (size -1 until then); after that Status() only warns, so a
 * handler that wrote part of its body before panicking keeps its 200.
 *
 * Recovery tells a dead connection from a bug by the panic's text, as Gin
 * does ("broken pipe", "connection reset by peer"): then it logs the error
 * and the request's head, records the error and aborts without writing a
 * status; otherwise it logs "[Recovery] panic recovered:", the value and
 * the stack, and calls the recovery handle (default: AbortWithStatus(500),
 * an empty body).
 *
 * Interface: recovery.h's HTTP part.
 */
#include <ctype.h>
#include <stdarg.h>
#include <strings.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "recovery.h"

struct rcv_ctx {
    rcv_engine_t *e;
    http_response_t *w;
    http_request_t *r;
    int index;
    int status;
    long size;       /* -1: head not written (Gin's noWritten) */
    const char *err; /* c.Error */
    char errbuf[256];
};

#if LAB_SOLUTION

static void logf_(rcv_engine_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(rcv_engine_t *e, const char *fmt, ...)
{
    char text[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (e->log)
        e->log(e->log_ud, text);
    else
        fputs(text, stderr);
}

int rcv__use(rcv_engine_t *e, rcv_handler_fn h, const char *name)
{
    if (!e || !h)
        return -EINVAL;
    if (e->nhandlers >= RCV_MAX_HANDLERS)
        return -ENOSPC;
    e->names[e->nhandlers] = name;
    e->handlers[e->nhandlers++] = h;
    return 0;
}

static void run_handler(void *p)
{
    rcv_ctx_t *c = p;
    c->e->handlers[c->index](c);
}

void rcv_next(rcv_ctx_t *c)
{
    c->index++;
    while (c->index < (int)c->e->nhandlers) {
        rcv__call(run_handler, c, c->e->names[c->index], __FILE__, __LINE__);
        c->index++;
    }
}

void rcv_abort(rcv_ctx_t *c)
{
    c->index = RCV_ABORT_INDEX;
}
bool rcv_is_aborted(const rcv_ctx_t *c)
{
    return c->index >= RCV_ABORT_INDEX;
}

static void write_header_now(rcv_ctx_t *c)
{
    if (c->size != -1)
        return;
    c->size = 0;
    http_write_header(c->w, c->status);
}

void rcv_status(rcv_ctx_t *c, int code)
{
    if (code <= 0 || code == c->status)
        return;
    if (c->size != -1) {
        logf_(c->e,
              "[WARNING] Headers were already written. Wanted to override status code %d with %d\n",
              c->status, code);
        return;
    }
    c->status = code;
}

void rcv_abort_with_status(rcv_ctx_t *c, int code)
{
    rcv_status(c, code);
    write_header_now(c);
    rcv_abort(c);
}

int rcv_write(rcv_ctx_t *c, const void *buf, size_t len)
{
    write_header_now(c);
    int rc = http_write(c->w, buf, len);
    if (rc == 0)
        c->size += (long)len;
    return rc;
}

int rcv_flush(rcv_ctx_t *c)
{
    write_header_now(c);
    return http_flush(c->w);
}

/* Go's *net.OpError text for a failed write on the request's conn. */
static const char *op_error(rcv_ctx_t *c, int err)
{
    conn_t *cn = c->r->conn;
    char sys[64];
    snprintf(sys, sizeof sys, "%s", strerror(-err));
    sys[0] = (char)tolower((unsigned char)sys[0]);
    snprintf(c->errbuf, sizeof c->errbuf, "write %s %s->%s: write: %s", conn_network(cn),
             conn_local_addr(cn), conn_remote_addr(cn), sys);
    return c->errbuf;
}

void rcv_string(rcv_ctx_t *c, int code, const char *s)
{
    rcv_status(c, code);
    if (c->size == -1)
        http_set_header(c->w, "Content-Type", "text/plain; charset=utf-8");
    int rc = rcv_write(c, s, strlen(s));
    if (rc)
        rcv_panic(op_error(c, rc));
}

int rcv_writer_status(const rcv_ctx_t *c)
{
    return c->status;
}
bool rcv_written(const rcv_ctx_t *c)
{
    return c->size != -1;
}
const char *rcv_last_error(const rcv_ctx_t *c)
{
    return c->err;
}
http_request_t *rcv_request(rcv_ctx_t *c)
{
    return c->r;
}
rcv_engine_t *rcv_engine(rcv_ctx_t *c)
{
    return c->e;
}

static bool contains_fold(const char *s, const char *sub)
{
    size_t n = strlen(sub);
    for (; *s; s++)
        if (!strncasecmp(s, sub, n))
            return true;
    return false;
}

/* httputil.DumpRequest(req, false), Authorization masked as Gin does. */
static void dump_head(const http_request_t *r, char *buf, size_t cap)
{
    size_t len = (size_t)snprintf(buf, cap, "%s %s HTTP/1.%d\r\n", r->method, r->target,
                                  r->version_minor);
    for (size_t i = 0; i < r->nheaders && len < cap; i++) {
        bool auth = !strcasecmp(r->headers[i].name, "Authorization");
        len += (size_t)snprintf(buf + len, cap - len, "%s: %s\r\n", r->headers[i].name,
                                auth ? "*" : r->headers[i].value);
    }
    if (len < cap)
        snprintf(buf + len, cap - len, "\r\n");
}

static void recovery_deferred(void *p)
{
    rcv_ctx_t *c = p;
    const char *err = rcv_recover();
    if (!err)
        return;
    bool broken = contains_fold(err, "broken pipe") ||
                  contains_fold(err, "connection reset by peer");
    if (broken) {
        char head[2048];
        dump_head(c->r, head, sizeof head);
        logf_(c->e, "%s\n%s", err, head);
        c->err = err;
        rcv_abort(c);
        return;
    }
    char stack[4096];
    rcv_stack(stack, sizeof stack);
    logf_(c->e, "[Recovery] panic recovered:\n%s\n%s", err, stack);
    if (c->e->recovery)
        c->e->recovery(c, err);
    else
        rcv_abort_with_status(c, 500);
}

void rcv_recovery(rcv_ctx_t *c)
{
    rcv_defer(recovery_deferred, c);
    rcv_next(c);
}

void rcv_serve_http(http_response_t *w, http_request_t *r, void *ud)
{
    rcv_ctx_t c = {.e = ud, .w = w, .r = r, .index = -1, .status = 200, .size = -1};
    rcv_next(&c);
    write_header_now(&c);
}

typedef struct invocation {
    http_handler_fn h;
    http_response_t *w;
    http_request_t *r;
    rcv_engine_t *e;
    int panicked;
} invocation_t;

static void invoke_deferred(void *p)
{
    invocation_t *s = p;
    const char *err = rcv_recover();
    if (!err)
        return;
    char stack[4096];
    rcv_stack(stack, sizeof stack);
    logf_(s->e, "http: panic serving %s: %s\n%s", conn_remote_addr(s->r->conn), err, stack);
    s->panicked = 1;
}

static void invoke_frame(void *p)
{
    invocation_t *s = p;
    rcv_defer(invoke_deferred, s);
    s->h(s->w, s->r, s->e);
}

int rcv_invoke(http_handler_fn h, http_response_t *w, http_request_t *r, void *ud)
{
    invocation_t s = {h, w, r, ud, 0};
    rcv_call(invoke_frame, &s);
    return s.panicked;
}

#else

int rcv__use(rcv_engine_t *e, rcv_handler_fn h, const char *name)
{
    (void)e, (void)h, (void)name;
    return -ENOSYS;
}
void rcv_serve_http(http_response_t *w, http_request_t *r, void *ud)
{
    (void)r, (void)ud;
    http_write_header(w, 501);
}
int rcv_invoke(http_handler_fn h, http_response_t *w, http_request_t *r, void *ud)
{
    (void)h, (void)w, (void)r, (void)ud;
    return 1;
}
void rcv_recovery(rcv_ctx_t *c)
{
    (void)c;
}
void rcv_next(rcv_ctx_t *c)
{
    (void)c;
}
void rcv_abort(rcv_ctx_t *c)
{
    (void)c;
}
bool rcv_is_aborted(const rcv_ctx_t *c)
{
    (void)c;
    return false;
}
void rcv_status(rcv_ctx_t *c, int code)
{
    (void)c, (void)code;
}
void rcv_abort_with_status(rcv_ctx_t *c, int code)
{
    (void)c, (void)code;
}
int rcv_write(rcv_ctx_t *c, const void *buf, size_t len)
{
    (void)c, (void)buf, (void)len;
    return -ENOSYS;
}
void rcv_string(rcv_ctx_t *c, int code, const char *s)
{
    (void)c, (void)code, (void)s;
}
int rcv_flush(rcv_ctx_t *c)
{
    (void)c;
    return -ENOSYS;
}
int rcv_writer_status(const rcv_ctx_t *c)
{
    (void)c;
    return 0;
}
bool rcv_written(const rcv_ctx_t *c)
{
    (void)c;
    return false;
}
const char *rcv_last_error(const rcv_ctx_t *c)
{
    (void)c;
    return NULL;
}
http_request_t *rcv_request(rcv_ctx_t *c)
{
    return c->r;
}
rcv_engine_t *rcv_engine(rcv_ctx_t *c)
{
    return c->e;
}

#endif
