/*
 * status.h — a strict, incremental HTTP/1.1 request parser (RFC 9112) and
 * the status a server answers with (RFC 9110).
 *
 * A parser reads one request at a time from bytes that arrive in pieces of
 * any size, one byte included: the request line (method, request-target in
 * one of its four forms, version), the header field lines, then the body as
 * the head frames it (Content-Length, or chunked with its trailer section).
 * It keeps what it needs of the head in its own memory, so the caller may
 * reuse a buffer as soon as st_feed returns; body bytes go to a callback as
 * they pass. Where request smuggling lives (RFC 9112 §11.2) it refuses
 * rather than guesses: whitespace before a colon, obs-fold, bare CR or LF,
 * a Content-Length that is not one decimal number, Transfer-Encoding beside
 * Content-Length or not ending in chunked, a missing or repeated Host.
 *
 * Every problem ends the request at the first byte where it can no longer
 * be valid, with the status that byte earns; the handout README gives the
 * rules and their order. The status of a complete request is the handler's
 * outcome. Not thread-safe: one parser per connection.
 *
 * Interface: st_parser_new → st_feed (any pieces) → ST_DONE: st_head, the
 * body through on_body, st_status(p, handler_rc), st_keep_alive →
 * st_parser_reset for the next request on the connection … → st_parser_free.
 * The connection ending before ST_DONE: st_eof, then st_status.
 */
#ifndef UNDERGO_STATUS_H
#define UNDERGO_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- configuration ------------------------------------------------------ */

/* What a zero field of st_limits_t stands for. */
#define ST_DEFAULT_MAX_TARGET 8192u  /* request-target bytes */
#define ST_DEFAULT_MAX_FIELD 8192u   /* bytes of one field line */
#define ST_DEFAULT_MAX_HEAD 65536u   /* bytes of the whole head */
#define ST_DEFAULT_MAX_FIELDS 100u   /* field lines */
#define ST_DEFAULT_MAX_BODY 1048576u /* body bytes */

/* Limits of one request; 0 takes the default above. */
typedef struct st_limits {
    size_t max_target; /* request-target bytes: one more is 414 */
    size_t max_field;  /* one field line, name to the end of the value
                             (its CRLF not counted): one more byte is 431 */
    size_t max_head;   /* the head: empty lines before the request line,
                             the request line, field lines, every CRLF and the
                             final empty line: one more byte is 431 (the
                             trailer section has a budget of its own, as large) */
    size_t max_fields; /* field lines of the head (and of the trailer
                             section): one more is 431 */
    uint64_t max_body; /* Content-Length, or the sum of chunk sizes: over is 413 */
} st_limits_t;

/* Receives body bytes (chunked: the decoded data) as they pass; data points
 * into the caller's buffer and is valid only during the call. */
typedef void (*st_body_fn)(void *ud, const char *data, size_t len);

typedef struct st_config {
    st_limits_t limits;
    st_body_fn on_body; /* may be NULL: the body is checked and dropped */
    void *ud;           /* passed to on_body */
} st_config_t;

/* ---- what a request is made of ------------------------------------------- */

typedef enum st_state {
    ST_MORE,  /* every byte was taken; the request is not complete */
    ST_DONE,  /* the request is complete */
    ST_ERROR, /* the request cannot be valid (st_status says how) */
} st_state_t;

/* The request-target's form (RFC 9112 §3.2). */
typedef enum st_form {
    ST_FORM_ORIGIN,    /* /path?query */
    ST_FORM_ABSOLUTE,  /* http://host:port/path?query */
    ST_FORM_AUTHORITY, /* host:port, CONNECT only */
    ST_FORM_ASTERISK,  /* *, OPTIONS only */
} st_form_t;

/* How the body is framed (RFC 9112 §6.3). */
typedef enum st_framing {
    ST_BODY_NONE,    /* neither Content-Length nor Transfer-Encoding */
    ST_BODY_LENGTH,  /* Content-Length (possibly 0) */
    ST_BODY_CHUNKED, /* Transfer-Encoding ending in chunked */
} st_framing_t;

/* One header field line: the name as sent, the value without the optional
 * whitespace around it. Both NUL-terminated. */
typedef struct st_field {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
} st_field_t;

/* The head of a request. Every pointer is into the parser and stays valid
 * until st_parser_reset or st_parser_free; strings are NUL-terminated. */
typedef struct st_head {
    const char *method; /* "GET": case-sensitive, as sent */
    const char *target; /* as sent: "/a?b", "http://h/", "h:443", "*" */
    size_t target_len;
    st_form_t form;
    int version;              /* HTTP/1.<version> */
    const st_field_t *fields; /* in the order sent */
    size_t nfields;
    st_framing_t framing;
    uint64_t content_length; /* ST_BODY_LENGTH: the length; else 0 */
} st_head_t;

typedef struct st_parser st_parser_t;

/* ---- the parser (st_parser.c) ----------------------------------------------- */

/* A parser with cfg (copied; NULL: default limits, no body callback); the
 * caller owns *out. Returns 0, -EINVAL (out NULL), -ENOMEM. */
int st_parser_new(const st_config_t *cfg, st_parser_t **out);

/* Frees p. NULL is fine. */
void st_parser_free(st_parser_t *p);

/* Forgets the request (and every pointer st_head gave); the next st_feed
 * starts a new one. Keeps the configuration. Can't fail. */
void st_parser_reset(st_parser_t *p);

/* Parses the next len bytes of the connection. Returns ST_MORE (every byte
 * taken), ST_DONE (the request is complete; *used says how many bytes of
 * buf it took: the rest begins the next request) or ST_ERROR. After ST_DONE
 * or ST_ERROR, further calls take nothing (*used = 0) and return the same.
 * used may be NULL. */
st_state_t st_feed(st_parser_t *p, const char *buf, size_t len, size_t *used);

/* The connection ended. Returns ST_DONE if the request was complete, else
 * ST_ERROR: st_status is then 0 if the head was not complete (answer
 * nothing, close) and 400 if the body was cut short. */
st_state_t st_eof(st_parser_t *p);

/* The head, once complete: the empty line after the fields was read and
 * every check of the whole head passed. Returns 0, -EAGAIN (not yet) or
 * -EPROTO (the request failed before its head was complete). */
int st_head(const st_parser_t *p, st_head_t *out);

/* ---- the answer (st_status.c) --------------------------------------------------- */

/* The status of the response: after ST_ERROR, the parse's status (400, 413,
 * 414, 431, 501, 505; 0 for a head cut short by st_eof); after ST_DONE the
 * handler's outcome: handler_rc 0 is 200, 100..599 is that status, anything
 * else (a negative errno: the handler failed) is 500. -EAGAIN while the
 * request is still arriving. */
int st_status(const st_parser_t *p, int handler_rc);

/* After ST_DONE: whether the connection may carry another request
 * (HTTP/1.1 unless Connection has "close"; HTTP/1.0 only if Connection has
 * "keep-alive" and not "close"). False in every other state. */
bool st_keep_alive(const st_parser_t *p);

/* RFC 9110's reason phrase of status ("Bad Request"), for the codes this
 * lab sends (200, 400, 413, 414, 431, 500, 501, 505); "" for others. */
const char *st_reason(int status);

#endif
