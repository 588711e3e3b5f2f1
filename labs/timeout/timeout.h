/*
 * timeout.h — every timeout of Go's net/http on libs/http's server and
 * client, with Go's meanings, fallbacks and instants.
 *
 * The server (to_server.c): libs/http reads requests and calls on_event at
 * the points where Go's conn.serve and readRequest set deadlines; this lab
 * sets them there, as Go does:
 *   - the header deadline t0 + ReadHeaderTimeout (0: ReadTimeout), where
 *     t0 is the connection's start for its first request, and for a later
 *     one the moment four bytes of it arrived (when an idle timeout is in
 *     force) or the end of the previous response (when none is);
 *   - the whole-request deadline t0 + ReadTimeout once the head is read;
 *   - the write deadline: end of the head + WriteTimeout, covering the
 *     handler and the response;
 *   - between requests, now + IdleTimeout (0: ReadTimeout), cleared when
 *     the next request's first four bytes are here.
 * MaxHeaderBytes (≤ 0: 1 MiB) plus Go's 4096 bytes of bufio slop is what a
 * head may take on the wire; more is a 431.
 *
 * The timeout handler (to_handler.c): Go's http.TimeoutHandler. The
 * wrapped handler runs in a task of its own with a writer that keeps what
 * it writes and a request whose context ends at the time limit; if it
 * returns in time, what it wrote goes out; if not, the client gets 503
 * with the handler's body, and the handler's later writes fail with
 * TO_EHANDLER_TIMEOUT (Go's ErrHandlerTimeout).
 *
 * The client (to_client.c): Go's http.Client.Get with a Transport that
 * dials every request (DisableKeepAlives): the dial timeout, the
 * response-header timeout (from the end of the request's write to the end
 * of the response's head), the client timeout (one deadline from the start
 * of the call over every redirect and the body), and a context whose
 * cancellation or deadline ends the call where it is.
 *
 * Errors: 0 or a negative errno, net.h's NET_ETIMEOUT (the dial timed
 * out), or a code of TO_ERRORS, negated.
 *
 * Interface: to_server_init → http_serve(ts.http, l) → http_server_close →
 * to_server_fini; to_timeout_serve as a handler with a
 * to_timeout_handler_t; to_client_get → http_resp_free.
 */
#ifndef UNDERGO_LAB_TIMEOUT_H
#define UNDERGO_LAB_TIMEOUT_H

#include <stddef.h>
#include <stdint.h>
#include <undergo/ctx.h>
#include <undergo/http.h>
#include <undergo/net.h>

#define TO_ERRORS(X)                                                                               \
    X(TO_EHANDLER_TIMEOUT, 4301, "http: Handler timeout")                                          \
    X(TO_EHEADER_TIMEOUT, 4302, "net/http: timeout awaiting response headers")                     \
    X(TO_ECLIENT_TIMEOUT, 4303, "context deadline exceeded (Client.Timeout exceeded)")             \
    X(TO_EREDIRECTS, 4304, "stopped after 10 redirects")
enum {
#define TO__ENUM(name, value, msg) name = value,
    TO_ERRORS(TO__ENUM)
#undef TO__ENUM
};

/* Go's text for err (negative): TO_ERRORS', else net_strerror's. */
const char *to_strerror(int err);

/* ---- the server ---- */

/* Go's http.Server fields (durations in ns; 0: none, as in Go). */
typedef struct to_server_config {
    int64_t read_header_timeout;
    int64_t read_timeout;
    int64_t write_timeout;
    int64_t idle_timeout;
    int max_header_bytes; /* ≤ 0: Go's DefaultMaxHeaderBytes, 1 MiB */
} to_server_config_t;

/* Go's Server.readHeaderTimeout() and idleTimeout(): the fallbacks. */
int64_t to_read_header_timeout(const to_server_config_t *cfg);
int64_t to_idle_timeout(const to_server_config_t *cfg);
/* Go's initialReadLimitSize(): the bytes a head may take on the wire. */
size_t to_head_limit(const to_server_config_t *cfg);

/* A server: libs/http's, configured with these timeouts. */
typedef struct to_server {
    to_server_config_t cfg;
    http_handler_fn handler;
    void *ud;
    http_server_t *http; /* serve it with http_serve */
} to_server_t;

/* Makes ts->http, serving handler(w, r, ud) with cfg's deadlines. ts must
 * stay put until to_server_fini. Returns 0, -EINVAL, -ENOMEM. */
int to_server_init(to_server_t *ts, const to_server_config_t *cfg, http_handler_fn handler,
                   void *ud);
/* Frees ts->http (closed first if still serving). */
void to_server_fini(to_server_t *ts);

/* ---- the timeout handler ---- */

/* Go's http.TimeoutHandler(handler, dt, body). body NULL or "": Go's
 * default page. */
typedef struct to_timeout_handler {
    http_handler_fn handler;
    void *ud;
    int64_t dt;
    const char *body;
} to_timeout_handler_t;

/* Go's default body of the 503. */
#define TO_TIMEOUT_BODY                                                                            \
    "<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>"

/* A handler (ud: a to_timeout_handler_t that outlives the server). The
 * wrapped handler gets its own writer and a copy of the request whose ctx
 * ends dt after the call; it may go on running after the 503. */
void to_timeout_serve(http_response_t *w, http_request_t *r, void *ud);

/* ---- the client ---- */

/* Go's Client.Timeout, net.Dialer.Timeout, Transport.ResponseHeaderTimeout
 * (ns; 0: none). */
typedef struct to_client {
    int64_t timeout;
    int64_t dial_timeout;
    int64_t response_header_timeout;
} to_client_t;

/* Go's client.Get(url) under ctx (NULL: the background): url is
 * "http://host:port/path"; 301, 302, 303, 307 and 308 with a Location are
 * followed, at most 10 times. *out (the caller's, http_resp_free) holds the
 * last response, body read. Returns 0, -NET_ETIMEOUT (a dial timed out),
 * -TO_EHEADER_TIMEOUT, -TO_ECLIENT_TIMEOUT, ctx's error (-ECANCELED,
 * -ETIMEDOUT), -TO_EREDIRECTS, -EINVAL (a bad url), or a dial or conn
 * error. */
int to_client_get(const to_client_t *cl, ctx_t *ctx, const char *url, http_resp_t *out);

#endif
