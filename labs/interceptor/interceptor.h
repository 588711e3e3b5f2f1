/*
 * interceptor.h — gRPC's interceptors in C, on undergo's runtime: unary and
 * streaming, server and client side, chained as grpc-go chains them, with
 * gRPC's status codes, metadata and the grpc-timeout header.
 *
 * A call is an ic_call_t: its context (deadline, cancellation), its
 * metadata and its status message. A handler or interceptor returns a gRPC
 * status code (IC_OK is 0) and may leave a message with ic_error. Chains
 * run interceptors in the order given: the first is the outermost, each
 * reaches the next through the handler (or invoker, streamer) it is
 * handed, and the last one's is the real handler; a chain of none is the
 * handler itself. An interceptor that returns without calling it is a
 * short circuit.
 *
 * Interface: server: ic_unary_server_run / ic_stream_server_run (or
 * ic_server_t with ic_inproc_invoke, support/); client: ic_unary_client_run /
 * ic_stream_client_run. Metadata: ic_md_append → ic_md_get; the wire form
 * by ic_md_value_to_wire / ic_md_append_wire. Deadlines: ic_timeout_encode /
 * ic_timeout_parse. Built-ins: ic_logging, ic_recovery, ic_auth, ic_timeout,
 * ic_retry; panics: ic_panic / ic_protect (support/).
 */
#ifndef UNDERGO_LAB_INTERCEPTOR_H
#define UNDERGO_LAB_INTERCEPTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <undergo/runtime.h>

/* ---- status codes ---- */

/* gRPC's codes: X(constant, value, grpc-go's String(), the canonical name) */
#define IC_CODES(X)                                                                                \
    X(IC_OK, 0, "OK", "OK")                                                                        \
    X(IC_CANCELED, 1, "Canceled", "CANCELLED")                                                     \
    X(IC_UNKNOWN, 2, "Unknown", "UNKNOWN")                                                         \
    X(IC_INVALID_ARGUMENT, 3, "InvalidArgument", "INVALID_ARGUMENT")                               \
    X(IC_DEADLINE_EXCEEDED, 4, "DeadlineExceeded", "DEADLINE_EXCEEDED")                            \
    X(IC_NOT_FOUND, 5, "NotFound", "NOT_FOUND")                                                    \
    X(IC_ALREADY_EXISTS, 6, "AlreadyExists", "ALREADY_EXISTS")                                     \
    X(IC_PERMISSION_DENIED, 7, "PermissionDenied", "PERMISSION_DENIED")                            \
    X(IC_RESOURCE_EXHAUSTED, 8, "ResourceExhausted", "RESOURCE_EXHAUSTED")                         \
    X(IC_FAILED_PRECONDITION, 9, "FailedPrecondition", "FAILED_PRECONDITION")                      \
    X(IC_ABORTED, 10, "Aborted", "ABORTED")                                                        \
    X(IC_OUT_OF_RANGE, 11, "OutOfRange", "OUT_OF_RANGE")                                           \
    X(IC_UNIMPLEMENTED, 12, "Unimplemented", "UNIMPLEMENTED")                                      \
    X(IC_INTERNAL, 13, "Internal", "INTERNAL")                                                     \
    X(IC_UNAVAILABLE, 14, "Unavailable", "UNAVAILABLE")                                            \
    X(IC_DATA_LOSS, 15, "DataLoss", "DATA_LOSS")                                                   \
    X(IC_UNAUTHENTICATED, 16, "Unauthenticated", "UNAUTHENTICATED")

#define IC__ENUM(c, v, s, n) c = v,
typedef enum ic_code { IC_CODES(IC__ENUM) } ic_code_t;
#undef IC__ENUM

/* grpc-go's codes.Code.String() into buf ("DeadlineExceeded"; "Code(N)" for
 * any other value), NUL-terminated. Returns the length it needed. */
size_t ic_code_string(int code, char *buf, size_t cap);
/* The code whose canonical name ("DEADLINE_EXCEEDED", as grpc-go's
 * UnmarshalJSON takes it) is name; -EINVAL for none. */
int ic_code_parse(const char *name);

/* ---- metadata ---- */

#define IC_MD_MAX 16    /* entries */
#define IC_MD_KEY 64    /* bytes of a key, with its NUL */
#define IC_MD_VALUE 256 /* bytes of a (decoded) value */

typedef struct ic_md_entry {
    char key[IC_MD_KEY]; /* lowercase, NUL-terminated */
    uint8_t value[IC_MD_VALUE];
    size_t len;
} ic_md_entry_t;

/* A metadata.MD: keys in the order first appended, values in append order. */
typedef struct ic_md {
    ic_md_entry_t e[IC_MD_MAX];
    size_t n;
} ic_md_t;

/* Appends a value under key, lowercased (metadata.Pairs/AppendToOutgoingContext).
 * A key is 1..63 of [0-9a-z-_.] once lowercased; a value of a key not ending
 * in "-bin" is printable ASCII (0x20..0x7e). Returns 0, -EINVAL (a bad key or
 * value, a NULL), -ENOSPC (no entry left, or a value over IC_MD_VALUE). */
int ic_md_append(ic_md_t *md, const char *key, const void *value, size_t len);
/* The idx-th value under key (matched case-insensitively) and its length in
 * *len, or NULL when there are not that many. */
const void *ic_md_get(const ic_md_t *md, const char *key, size_t idx, size_t *len);
/* How many values key has. */
size_t ic_md_count(const ic_md_t *md, const char *key);

/* Entry i's value as an HTTP/2 header value into buf, NUL-terminated: as is,
 * or for a "-bin" key standard base64 without padding, as grpc-go sends it.
 * Returns the length, or -ENOSPC (buf too small), -EINVAL (no entry i). */
int ic_md_value_to_wire(const ic_md_t *md, size_t i, char *buf, size_t cap);
/* Appends a header received from the wire: a "-bin" value is base64 with or
 * without padding (both are accepted, as grpc-go does) and is decoded.
 * Returns as ic_md_append; -EINVAL for bad base64 too. */
int ic_md_append_wire(ic_md_t *md, const char *key, const char *value);

/* ---- grpc-timeout ---- */

/* The grpc-timeout value for ns as grpc-go writes it: the finest unit of
 * n u m S M H whose count, rounded up, fits in 8 digits; "0n" for ns <= 0;
 * "99999999H" past that. Returns the length or -ENOSPC. */
int ic_timeout_encode(int64_t ns, char *buf, size_t cap);
/* Parses a grpc-timeout value: 1 to 8 digits, then one unit of H M S m u n.
 * Hours past int64's range clamp to INT64_MAX nanoseconds. Returns 0 with
 * *ns set, or -EINVAL. */
int ic_timeout_parse(const char *s, int64_t *ns);

/* ---- calls ---- */

#define IC_MSG_MAX 4096
#define IC_STATUS_MSG 160
#define IC_EOF (-1) /* a stream's end, from ic_stream_recv */

/* A message: opaque bytes. */
typedef struct ic_buf {
    uint8_t data[IC_MSG_MAX];
    size_t len;
} ic_buf_t;

typedef struct ic_call {
    /* public */
    ctx_t *ctx;     /* the call's context: its deadline and cancellation */
    ic_md_t md;     /* server: the request's metadata; client: what is sent */
    ic_md_t header; /* server: sent with the response; client: received */
    ic_md_t trailer;
    char msg[IC_STATUS_MSG]; /* the status message (grpc-message) */
    bool idempotent;         /* client: may be retried (a call option) */
    int attempts;            /* client: attempts made (set by the invoker) */
    void *user;              /* the application's */
} ic_call_t;

/* Starts a call on ctx (not owned): empty metadata and message. */
void ic_call_init(ic_call_t *call, ctx_t *ctx);
/* Sets call's status message (printf) and returns code: status.Errorf. */
int ic_error(ic_call_t *call, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- unary, server side ---- */

typedef struct ic_server_info {
    const char *method; /* "/pkg.Service/Method" */
    void *server;       /* the service's implementation */
} ic_server_info_t;

typedef int (*ic_unary_handler_fn)(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud);
typedef struct ic_unary_handler {
    ic_unary_handler_fn fn;
    void *ud;
} ic_unary_handler_t;

typedef int (*ic_unary_server_fn)(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp,
                                  const ic_server_info_t *info, ic_unary_handler_t handler,
                                  void *ud);
typedef struct ic_unary_server_int {
    ic_unary_server_fn fn;
    void *ud;
} ic_unary_server_int_t;

/* Calls handler through ints[0..n), ints[0] outermost (ChainUnaryInterceptor).
 * Returns what the outermost returned. Can't fail beyond that. */
int ic_unary_server_run(const ic_unary_server_int_t *ints, size_t n, ic_call_t *call,
                        const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
                        ic_unary_handler_t handler);

/* ---- unary, client side ---- */

typedef struct ic_conn ic_conn_t; /* a ClientConn; opaque here */

typedef int (*ic_invoker_fn)(ic_call_t *call, const char *method, const ic_buf_t *req,
                             ic_buf_t *resp, ic_conn_t *cc, void *ud);
typedef struct ic_invoker {
    ic_invoker_fn fn;
    void *ud;
} ic_invoker_t;

typedef int (*ic_unary_client_fn)(ic_call_t *call, const char *method, const ic_buf_t *req,
                                  ic_buf_t *resp, ic_conn_t *cc, ic_invoker_t invoker, void *ud);
typedef struct ic_unary_client_int {
    ic_unary_client_fn fn;
    void *ud;
} ic_unary_client_int_t;

/* Calls invoker through ints[0..n), ints[0] outermost (WithChainUnaryInterceptor). */
int ic_unary_client_run(const ic_unary_client_int_t *ints, size_t n, ic_call_t *call,
                        const char *method, const ic_buf_t *req, ic_buf_t *resp, ic_conn_t *cc,
                        ic_invoker_t invoker);

/* ---- streams ---- */

typedef struct ic_stream ic_stream_t;
typedef struct ic_stream_ops {
    int (*send)(ic_stream_t *s, const ic_buf_t *m); /* 0 or a code */
    int (*recv)(ic_stream_t *s, ic_buf_t *m);       /* 0, IC_EOF or a code */
} ic_stream_ops_t;

/* A ServerStream or ClientStream. A wrapper sets inner to the stream it
 * wraps and calls through it (ic_stream_send(s->inner, m)). */
struct ic_stream {
    const ic_stream_ops_t *ops;
    ic_stream_t *inner;
    ic_call_t *call;
    void *ud;
};

/* SendMsg and RecvMsg: s->ops's. */
int ic_stream_send(ic_stream_t *s, const ic_buf_t *m);
int ic_stream_recv(ic_stream_t *s, ic_buf_t *m);

typedef struct ic_stream_info {
    const char *method;
    bool client_streams, server_streams;
} ic_stream_info_t;

typedef int (*ic_stream_handler_fn)(ic_stream_t *ss, void *ud);
typedef struct ic_stream_handler {
    ic_stream_handler_fn fn;
    void *ud;
} ic_stream_handler_t;

typedef int (*ic_stream_server_fn)(ic_stream_t *ss, const ic_stream_info_t *info,
                                   ic_stream_handler_t handler, void *ud);
typedef struct ic_stream_server_int {
    ic_stream_server_fn fn;
    void *ud;
} ic_stream_server_int_t;

/* Calls handler(ss) through ints[0..n), ints[0] outermost. */
int ic_stream_server_run(const ic_stream_server_int_t *ints, size_t n, ic_stream_t *ss,
                         const ic_stream_info_t *info, ic_stream_handler_t handler);

/* Opens a client stream into *out, or returns a code. */
typedef int (*ic_streamer_fn)(ic_call_t *call, const ic_stream_info_t *desc, ic_conn_t *cc,
                              const char *method, ic_stream_t **out, void *ud);
typedef struct ic_streamer {
    ic_streamer_fn fn;
    void *ud;
} ic_streamer_t;

typedef int (*ic_stream_client_fn)(ic_call_t *call, const ic_stream_info_t *desc, ic_conn_t *cc,
                                   const char *method, ic_streamer_t streamer, ic_stream_t **out,
                                   void *ud);
typedef struct ic_stream_client_int {
    ic_stream_client_fn fn;
    void *ud;
} ic_stream_client_int_t;

/* Opens a stream through ints[0..n), ints[0] outermost: *out is the stream
 * the outermost returned (a wrapper, or the streamer's own). */
int ic_stream_client_run(const ic_stream_client_int_t *ints, size_t n, ic_call_t *call,
                         const ic_stream_info_t *desc, ic_conn_t *cc, const char *method,
                         ic_stream_t **out, ic_streamer_t streamer);

/* ---- panics (support/ic_panic.c) ---- */

/* Go's panic(value) inside a handler: unwinds to the innermost ic_protect of
 * this task. With none, prints "panic: VALUE" and ends the process with
 * status 2, as an unrecovered panic ends a Go server. */
_Noreturn void ic_panic(const char *value);
/* Calls fn(arg); returns 0 when it returned, 1 when it panicked, with the
 * panic's value in *value (may be NULL). Nests. */
int ic_protect(void (*fn)(void *arg), void *arg, const char **value);

/* ---- built-in interceptors ---- */

/* Logging (server, unary and stream): one line per finished call through
 * log(ud, line): "grpc: METHOD CODE DURATIONns" with CODE as ic_code_string
 * and the duration on the run's clock. */
typedef struct ic_log {
    void (*log)(void *ud, const char *line);
    void *ud;
} ic_log_t;
int ic_logging(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
               ic_unary_handler_t handler, void *ud);
int ic_logging_stream(ic_stream_t *ss, const ic_stream_info_t *info, ic_stream_handler_t handler,
                      void *ud);

/* Recovery (server, unary and stream; ud unused): a handler that panics
 * returns IC_INTERNAL with the panic's value as the message. */
int ic_recovery(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
                ic_unary_handler_t handler, void *ud);
int ic_recovery_stream(ic_stream_t *ss, const ic_stream_info_t *info, ic_stream_handler_t handler,
                       void *ud);

/* Auth (server, unary; ud: the expected token, a C string): the call's
 * "authorization" metadata must be "Bearer TOKEN" ("bearer" in any case).
 * None, or another scheme: IC_UNAUTHENTICATED "missing bearer token"; a
 * wrong token: IC_UNAUTHENTICATED "invalid token". The handler is not run. */
int ic_auth(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
            ic_unary_handler_t handler, void *ud);

/* Per-call timeout (client, unary; ud: an int64_t of nanoseconds): the call
 * runs on a child of its context with that timeout (a shorter deadline the
 * call already has stays); the context is restored after. */
int ic_timeout(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
               ic_conn_t *cc, ic_invoker_t invoker, void *ud);

/* Retry (client, unary; ud: an ic_retry_t): an idempotent call that ends
 * IC_UNAVAILABLE is tried again, up to max attempts in all, sleeping
 * backoff·2^(k-1) (capped at max_backoff) before attempt k+1 on the run's
 * clock. A context that ends during a sleep ends the call with
 * IC_DEADLINE_EXCEEDED or IC_CANCELED. call->attempts counts the attempts. */
typedef struct ic_retry {
    int max;             /* attempts in all; <= 1: no retry */
    int64_t backoff;     /* ns before the second attempt */
    int64_t max_backoff; /* cap; 0: none */
} ic_retry_t;
int ic_retry(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
             ic_conn_t *cc, ic_invoker_t invoker, void *ud);

/* ---- the in-memory call path (support/ic_inproc.c) ---- */

#define IC_METHODS_MAX 16
#define IC_INTS_MAX 32

typedef struct ic_method {
    const char *name; /* "/svc/Method" */
    ic_unary_handler_t handler;
} ic_method_t;

/* A server: its methods and its chain. unary is grpc.UnaryInterceptor (runs
 * outside the chain), chain grpc.ChainUnaryInterceptor's. */
typedef struct ic_server {
    ic_method_t methods[IC_METHODS_MAX];
    size_t nmethods;
    ic_unary_server_int_t unary; /* optional */
    ic_unary_server_int_t chain[IC_INTS_MAX];
    size_t nchain;
    void *impl; /* info.server */
} ic_server_t;

/* The invoker (ud = the ic_server_t) of a client over memory: the request's
 * metadata goes through the wire form, the context's deadline as
 * grpc-timeout; the server runs the method in a task of its own, on a context
 * with the parsed timeout, through its chain. Returns the server's code with
 * its message, header and trailer; IC_UNIMPLEMENTED for an unknown method;
 * IC_DEADLINE_EXCEEDED / IC_CANCELED when the client's context ends first
 * (the server's context is canceled then). Must run in a task. */
int ic_inproc_invoke(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
                     ic_conn_t *cc, void *ud);

/* ---- the call layer over HTTP/2 (support/ic_h2.c, libs/h2) ---- */

struct h2_conn;
struct h2_stream;

/* The invoker of a client over HTTP/2 (ud = an h2_conn_t from h2_client):
 * POST :path METHOD, content-type application/grpc, te trailers, the
 * metadata (-bin in base64), grpc-timeout from the context's deadline; the
 * request in gRPC's 5-byte framing; the status from grpc-status and
 * grpc-message (percent-decoded), in the trailers or a trailers-only
 * response. The context's end resets the stream (CANCEL) and the call
 * returns IC_DEADLINE_EXCEEDED or IC_CANCELED. A broken transport is
 * IC_UNAVAILABLE. Must run in a task. */
int ic_h2_invoke(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
                 ic_conn_t *cc, void *ud);
/* An h2_serve handler (arg = an ic_server_t): one unary call per stream,
 * run as ic_inproc_invoke's server side runs it, on a context with the
 * request's grpc-timeout. */
void ic_h2_handler(struct h2_stream *s, void *arg);

/* A stream over memory (support/): recv yields msgs[0..n) then IC_EOF, send
 * appends to sent (up to cap, else IC_RESOURCE_EXHAUSTED). */
typedef struct ic_memstream {
    ic_stream_t s;
    const ic_buf_t *msgs;
    size_t n, next;
    ic_buf_t *sent;
    size_t nsent, cap;
} ic_memstream_t;
void ic_memstream_init(ic_memstream_t *m, ic_call_t *call, const ic_buf_t *msgs, size_t n,
                       ic_buf_t *sent, size_t cap);

#endif
