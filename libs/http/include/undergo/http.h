/*
 * http.h — a small HTTP/1.1 server and client on net.h's conns, shared by
 * the HTTP labs (timeouts, middleware, recovery). Pristine: no lab's
 * answer lives here. Messages are parsed by Debian's http-parser; the
 * strict parser of the status lab is that lab's own work.
 *
 * The server is Go's net/http in miniature: http_serve accepts on a
 * listener and serves each connection in a task of its own, one request
 * after another (keep-alive); a request arrives whole (headers and body,
 * Content-Length or chunked, decoded); the handler answers through a
 * response writer, Go's ResponseWriter: headers, then WriteHeader, then
 * the body, which gets a Content-Length when the handler returns before
 * 4 KiB were written and is sent chunked otherwise. Since the server
 * only sees net.h, it runs on real sockets and on the simulated network.
 *
 * Where labs plug in (http_server_config_t):
 *   handler   the application, or a chain built in front of it (middleware);
 *   invoke    how the server calls the handler: a recovery lab wraps the
 *             call; a nonzero return is a panic, and the server then drops
 *             the connection, as net/http does;
 *   on_event  the points of a connection's life where Go's server sets its
 *             deadlines (new, idle, request start, headers read, handler,
 *             closed), with a word of its own per connection: a timeout
 *             lab sets conn deadlines there.
 * Bad requests get Go's "400 Bad Request" (431 for a head over the limit,
 * 413 for bodies over the limit) and the connection is closed.
 *
 * Interface: http_server_new → http_serve(srv, listener) in a task →
 * http_server_close → (http_serve returns) → http_server_free. Client:
 * http_client_new(conn) → http_client_do → http_resp_free → http_client_free.
 */
#ifndef UNDERGO_HTTP_H
#define UNDERGO_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <undergo/ctx.h>
#include <undergo/net.h>

typedef struct http_header {
    const char *name, *value;
} http_header_t;

/* A request, read-only, valid until the handler returns. */
typedef struct http_request {
    const char *method;          /* "GET", "POST", ... */
    const char *target;          /* as sent: "/a/b?x=1" */
    const char *path;            /* the target up to '?' */
    const char *query;           /* after '?', or "" */
    int version_minor;           /* HTTP/1.<minor> */
    const http_header_t *headers;
    size_t nheaders;
    const char *body;            /* decoded; NUL-terminated for convenience */
    size_t body_len;
    bool keep_alive;             /* the client lets the connection serve another */
    conn_t *conn;
    void *user;                  /* free for the handler chain (per request) */
    /* Go's r.Context(): the server's is ctx_background(); a wrapper may
     * give the handler it calls a request with a context of its own. */
    ctx_t *ctx;
} http_request_t;

/* The first header named name (case-insensitive), or NULL. */
const char *http_request_header(const http_request_t *r, const char *name);

/* A deep copy of r (strings, headers, body) in one allocation, for a
 * handler that outlives the request (Go's r.WithContext in a goroutine);
 * conn, user and ctx are copied as they are. The caller frees *out with
 * http_request_free. Returns 0, -ENOMEM. */
int http_request_clone(const http_request_t *r, http_request_t **out);
void http_request_free(http_request_t *r);

/* ---- the response writer (Go's ResponseWriter) ---- */

typedef struct http_response http_response_t;

/* Sets header name to value, replacing any (Go's Header().Set); ignored
 * once the head is sent. Returns 0, -EALREADY (sent), -ENOMEM, -EINVAL. */
int http_set_header(http_response_t *w, const char *name, const char *value);
/* Adds one more header line (Header().Add). Same returns. */
int http_add_header(http_response_t *w, const char *name, const char *value);
/* Go's WriteHeader: the status for the head (sent with the first flush);
 * a second call is ignored and returns -EALREADY. */
int http_write_header(http_response_t *w, int status);
/* Go's Write: body bytes (WriteHeader(200) first if not called). Returns 0
 * or the conn's error (the response is then abandoned). */
int http_write(http_response_t *w, const void *buf, size_t len);
/* Go's Flusher: sends the head and what is buffered now; without a
 * Content-Length header the body becomes chunked. */
int http_flush(http_response_t *w);
/* The status set (0 before any), whether the head went out, body bytes
 * written so far. For recovery: a panic after the head was sent cannot
 * become a 500. */
int http_response_status(const http_response_t *w);
bool http_response_sent(const http_response_t *w);
size_t http_response_written(const http_response_t *w);
/* The response asks the client to close the connection after it. */
void http_response_close(http_response_t *w);

/* A writer with no connection: the handler's headers, status and body
 * stay in memory and are never sent, for wrappers that decide afterwards
 * what goes out (Go's timeoutWriter). http_write buffers every byte;
 * http_flush returns -ENOTSUP. Caller owns *out (http_response_free).
 * Returns 0, -ENOMEM. */
int http_response_buffer_new(http_response_t **out);
void http_response_free(http_response_t *w);
/* The body a buffered writer holds (http_response_written bytes; "" when
 * none). Valid until the next write or the free. */
const char *http_response_body(const http_response_t *w);
/* Sets dst's headers to those src holds (each as http_add_header would).
 * Returns 0, -EALREADY (dst's head went out), -ENOMEM. */
int http_response_copy_headers(http_response_t *dst, const http_response_t *src);
/* From now on http_write and http_flush on w return err (a negative
 * errno or a lab's code) and send nothing. Can't fail. */
void http_response_fail(http_response_t *w, int err);

/* Go's StatusText: "OK", "Not Found", ... ("" for unknown codes). */
const char *http_status_text(int status);

/* ---- the server ---- */

typedef void (*http_handler_fn)(http_response_t *w, http_request_t *r, void *ud);

/* The points where Go's server sets deadlines (its conn.serve and
 * readRequest) and its ConnState transitions. Per connection they come in
 * the order NEW, (IDLE, REQUEST, HEADERS, HANDLER)*, CLOSED, the last
 * cycle cut short where the connection ends. */
typedef enum http_event {
    HTTP_EV_NEW,     /* accepted (ConnState StateNew) */
    HTTP_EV_IDLE,    /* waiting for a request (StateIdle; also before the first) */
    HTTP_EV_REQUEST, /* four bytes of it are here (Go's Peek(4)); the head comes next */
    HTTP_EV_HEADERS, /* the head is parsed; the body comes next (r is set) */
    HTTP_EV_HANDLER, /* the request is whole; the handler runs next (r is set) */
    HTTP_EV_CLOSED,  /* the connection is done (StateClosed) */
} http_event_t;

typedef struct http_server_config {
    http_handler_fn handler;
    void *ud;
    /* NULL: handler(w, r, ud). Else the server calls invoke, which calls
     * handler itself; a nonzero return is a panic: the connection drops. */
    int (*invoke)(http_handler_fn handler, http_response_t *w, http_request_t *r, void *ud);
    /* conn_ud: a word for this connection, NULL at HTTP_EV_NEW, the
     * hook's to use (free what it holds at HTTP_EV_CLOSED). */
    void (*on_event)(http_event_t ev, conn_t *c, const http_request_t *r, void **conn_ud, void *ud);
    /* The most bytes a request head may take on the wire, from the start
     * line to the blank line that ends it; 0: 1 MiB. One more is a 431. */
    size_t max_header_bytes;
    size_t max_body_bytes;       /* 0: 8 MiB */
} http_server_config_t;

typedef struct http_server http_server_t;

/* A server with that configuration (copied). Caller owns *out. Returns 0,
 * -EINVAL (no handler), -ENOMEM. */
int http_server_new(const http_server_config_t *cfg, http_server_t **out);

/* Go's Server.Serve: accepts on l until it or the server is closed, a task
 * per connection. Returns 0 after http_server_close, else accept's error.
 * l stays the caller's. */
int http_serve(http_server_t *s, listener_t *l);

/* Go's Server.Close: closes the listeners being served and every
 * connection, then waits until their tasks have ended. Returns 0. */
int http_server_close(http_server_t *s);

/* Frees a closed server (or one that never served). NULL: no-op. */
void http_server_free(http_server_t *s);

/* Connections the server has open now, and requests served in all. */
size_t http_server_conns(const http_server_t *s);
uint64_t http_server_requests(const http_server_t *s);

/* ---- the client: requests over one keep-alive connection ---- */

typedef struct http_resp {
    int status;
    int version_minor;
    http_header_t *headers;
    size_t nheaders;
    char *body;                  /* decoded (chunked too), NUL-terminated */
    size_t body_len;
    bool keep_alive;             /* the connection can carry the next request */
} http_resp_t;

typedef struct http_client http_client_t;

/* A client speaking on c (which stays the caller's: free it after the
 * client). Returns 0, -ENOMEM. */
int http_client_new(conn_t *c, http_client_t **out);

/* Sends one request (Host from the conn's remote address, Content-Length
 * when there is a body) and reads the whole response into *out (the
 * caller's: http_resp_free). Returns 0, a conn error, -EPROTO for a
 * response http-parser refuses, -EPIPE when the connection closes early. */
int http_client_do(http_client_t *cl, const char *method, const char *target,
                   const http_header_t *headers, size_t nheaders, const void *body,
                   size_t body_len, http_resp_t *out);

/* http_client_do in its halves, for a caller that puts deadlines between
 * them (Go's ResponseHeaderTimeout, a body read under Client.Timeout):
 * http_client_send writes the request; http_client_read_head reads the
 * response up to its blank line into *out (status, headers, an empty
 * body: the caller's, http_resp_free); http_client_read_body reads the
 * rest of the message and fills out's body. Same returns as
 * http_client_do. */
int http_client_send(http_client_t *cl, const char *method, const char *target,
                     const http_header_t *headers, size_t nheaders, const void *body,
                     size_t body_len);
int http_client_read_head(http_client_t *cl, http_resp_t *out);
int http_client_read_body(http_client_t *cl, http_resp_t *out);

/* The first header of the response named name, or NULL. */
const char *http_resp_header(const http_resp_t *r, const char *name);

void http_resp_free(http_resp_t *r);
void http_client_free(http_client_t *cl);

#endif
