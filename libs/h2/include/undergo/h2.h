/*
 * h2.h — HTTP/2 over any runtime conn_t (real TCP, conn_pipe, simnet), so
 * the same code runs on sockets and on the simulated network. The framing,
 * HPACK and flow-control bookkeeping are Debian's libnghttp2, driven in
 * memory mode: a reader task per conn feeds conn_read's bytes to the
 * session, a writer task drains the session's output to conn_write.
 *
 * Every call is made from a runtime task; "parks" means the task parks on
 * the runtime's sync primitives, never blocks the thread.
 *
 * Errors are negative errno values as in net.h; h2 protocol failures are
 * -EPROTO. A stream the peer reset reads -ECONNRESET (h2_stream_error
 * gives the code); a stream reset here reads -ECANCELED; a failed conn
 * fails every parked task with the conn's error.
 *
 * Interface (client): h2_client → h2_request → h2_write... → h2_end (or
 * h2_send_headers(.., true)) → h2_wait_headers → h2_read... → h2_trailers
 * → h2_stream_free; h2_close → h2_free.
 * Interface (server): h2_serve(conn, handler, arg); the handler calls
 * h2_headers / h2_read / h2_send_headers / h2_write / h2_end.
 */
#ifndef UNDERGO_H2_H
#define UNDERGO_H2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <undergo/net.h>

typedef struct h2_conn h2_conn_t;
typedef struct h2_stream h2_stream_t;
typedef struct h2_header {
    const char *name; /* NUL-terminated */
    const char *value;
} h2_header_t;
typedef void (*h2_handler_fn)(h2_stream_t *s, void *arg);

/* HTTP/2 error codes (RFC 7540 §7), for h2_reset and h2_stream_error. */
enum {
    H2_NO_ERROR = 0x0,
    H2_PROTOCOL_ERROR = 0x1,
    H2_INTERNAL_ERROR = 0x2,
    H2_FLOW_CONTROL_ERROR = 0x3,
    H2_STREAM_CLOSED = 0x5,
    H2_REFUSED_STREAM = 0x7,
    H2_CANCEL = 0x8,
    H2_ENHANCE_YOUR_CALM = 0xb,
};

/* Client: sends the preface and SETTINGS on c, which it now owns; starts
 * the conn's tasks. Returns 0, -ENOMEM, -EPROTO. */
int h2_client(conn_t *c, h2_conn_t **out);

/* Server: serves one conn (owned) until the peer closes it or h2 errors;
 * each stream's handler runs in its own task once the stream's request
 * HEADERS arrived; the stream is freed (and RST_STREAM(NO_ERROR) sent if
 * the response ended before the request did, RST_STREAM(INTERNAL_ERROR)
 * if the response never ended) when the handler returns. Waits for every
 * handler before it returns; c is freed. Returns 0 on orderly close (the
 * peer's end of stream), -error otherwise. */
int h2_serve(conn_t *c, h2_handler_fn fn, void *arg);

/* Client: GOAWAY, flush, close the conn, end its tasks; tasks parked on
 * its streams fail with -NET_ECLOSED. h2_free after (streams not freed by
 * then are freed with it). NULL-safe free. */
int h2_close(h2_conn_t *h);
void h2_free(h2_conn_t *h);

/* Client: opens a stream with request headers (pseudo-headers first:
 * :method :scheme :path :authority), without END_STREAM. Returns 0,
 * -EINVAL, -EPIPE (the conn failed or the peer sent GOAWAY), -ENOMEM. */
int h2_request(h2_conn_t *h, const h2_header_t *hdr, size_t n, h2_stream_t **out);

/* Response headers (server), or trailers when end_stream is true (either
 * side; a server's first headers with end_stream are a headers-only
 * response). */
int h2_send_headers(h2_stream_t *s, const h2_header_t *hdr, size_t n, bool end_stream);

/* DATA; parks while the stream's or conn's flow-control window is shut,
 * until every byte was handed to the session. 0 or -error. A server's
 * first write without headers sends ":status: 200" first. */
int h2_write(h2_stream_t *s, const void *buf, size_t len);

/* END_STREAM with no trailers (a client's half-close). Parks as h2_write. */
int h2_end(h2_stream_t *s);

/* Parks until data: >0 bytes, 0 at the peer's END_STREAM, -ECONNRESET
 * after the peer's RST_STREAM (h2_stream_error gives its code),
 * -ECANCELED after h2_reset, other -errors on conn failure. Reading
 * returns WINDOW_UPDATE credit to the peer. */
ssize_t h2_read(h2_stream_t *s, void *buf, size_t len);

/* Client: parks until the response HEADERS arrived (0) or the stream
 * failed (-error, as h2_read's). */
int h2_wait_headers(h2_stream_t *s);

/* Request headers (server) / response headers (client), pseudo-headers
 * included, in wire order. Owned by the stream. */
const h2_header_t *h2_headers(const h2_stream_t *s, size_t *n);
/* Trailers, after h2_read returned 0; *n = 0 if none. */
const h2_header_t *h2_trailers(const h2_stream_t *s, size_t *n);
/* The first value of name (case-insensitive), or NULL if absent. */
const char *h2_header_get(const h2_header_t *h, size_t n, const char *name);

/* RST_STREAM with code; wakes every task parked on the stream with
 * -ECANCELED. Returns 0, or -EINVAL for a stream already closed. */
int h2_reset(h2_stream_t *s, uint32_t code);

/* The RST_STREAM code received; 0 if none. */
uint32_t h2_stream_error(const h2_stream_t *s);

/* The stream's id (odd: client-initiated). */
int32_t h2_stream_id(const h2_stream_t *s);

/* Client streams: frees (RST_STREAM(CANCEL) if not closed). NULL-safe. */
void h2_stream_free(h2_stream_t *s);

#endif
