/*
 * http_impl.h — what the http lib's files share: reading one message with
 * http-parser (http_msg.c) into reusable buffers, and the response writer
 * (http_response.c) the server drives.
 *
 * A connection keeps one input buffer and one http_msg_t for its life:
 * http_msg_read parses from the buffer, reads the conn when it runs dry,
 * and stops (the parser paused) at the end of one message, so pipelined
 * bytes stay in the buffer for the next. Strings land NUL-terminated in
 * an arena; http_msg_finish turns offsets into pointers.
 *
 * Interface: http_msg_init → (http_msg_reset → [http_msg_read_head →]
 * http_msg_read → http_msg_finish)* → http_msg_fini.
 */
#ifndef UNDERGO_HTTP_IMPL_H
#define UNDERGO_HTTP_IMPL_H

#include <http_parser.h>
#include <undergo/http.h>

typedef struct http_inbuf {
    char *data;
    size_t off, len, cap;
} http_inbuf_t;

typedef struct http_msg {
    http_parser p;
    enum http_parser_type type;
    char *arena;                 /* NUL-terminated strings */
    size_t alen, acap;
    size_t url;                  /* offset of the target */
    size_t *hoff;                /* name, value offsets, in pairs */
    size_t nh, hcap;
    http_header_t *headers;      /* after http_msg_finish */
    size_t headers_cap;
    char *body;
    size_t blen, bcap;
    int last;                    /* 0 none, 1 url, 2 field, 3 value: the open string */
    bool headers_done, done, skip_body, started;
    size_t header_bytes, max_header, max_body; /* head bytes fed so far; limits (0: none) */
    int error;                   /* -E2BIG (headers), -EFBIG (body), -ENOMEM */
    /* hooks for the server: the first byte arrived / the headers are parsed */
    void (*on_start)(struct http_msg *m, void *ud);
    void (*on_headers)(struct http_msg *m, void *ud);
    void *ud;
} http_msg_t;

void http_msg_init(http_msg_t *m, enum http_parser_type type, size_t max_header, size_t max_body);
void http_msg_reset(http_msg_t *m);
void http_msg_fini(http_msg_t *m);
/* Reads one message from in (refilled from c). Returns 0; 1 when the conn
 * ended cleanly before a message began; -EPROTO (a parse error), -E2BIG,
 * -EFBIG, -EPIPE (ended mid-message), or the conn's error. */
int http_msg_read(http_msg_t *m, http_inbuf_t *in, conn_t *c);
/* As http_msg_read, but returns 0 once the head is parsed (the body, or
 * what arrived of it, may be read already); http_msg_read goes on from
 * there. */
int http_msg_read_head(http_msg_t *m, http_inbuf_t *in, conn_t *c);
/* Reads from c until in holds at least want bytes (kept at in->data).
 * Returns 0, 1 at end of stream before that, or the conn's error. */
int http_inbuf_fill(http_inbuf_t *in, conn_t *c, size_t want);
/* Fills m->headers (pointers into the arena). 0 or -ENOMEM. */
int http_msg_finish(http_msg_t *m);
const char *http_msg_url(const http_msg_t *m);
const char *http_find_header(const http_header_t *h, size_t n, const char *name);

/* Growable byte buffers. */
int http_buf_reserve(char **buf, size_t *cap, size_t need);

/* ---- the response writer ---- */

struct http_response {
    conn_t *conn;
    const http_request_t *req;
    char *out;                   /* head and buffered body */
    size_t olen, ocap;
    char *hdrs;                  /* "Name: value\r\n"... set by the handler */
    size_t hlen, hcap;
    char *head;                  /* the head being sent, reused */
    size_t head_cap;
    int status;
    bool sent, chunked, has_length, close, head_only, failed;
    bool buffered;               /* http_response_buffer_new: never sends */
    int err;                     /* http_response_fail's error, 0 when none */
    size_t written;              /* body bytes accepted */
    size_t body_start;           /* where the body begins in out, before the head is sent */
};

void http_response_init(http_response_t *w);
void http_response_fini(http_response_t *w);
void http_response_begin(http_response_t *w, conn_t *c, const http_request_t *r, bool close);
/* Ends the response: sends what is left (the head with Content-Length if
 * nothing went out yet; the last chunk if chunked). 0 or the conn's error. */
int http_response_end(http_response_t *w);
/* A bare error response (400, 413, 431) on c, Go's text, then close. */
void http_send_error(conn_t *c, int status);

#endif
