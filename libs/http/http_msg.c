/*
 * http_msg.c — one HTTP/1.1 message read with http-parser (see
 * http_impl.h for the model).
 *
 * The callbacks get the target, names and values in pieces (a read can
 * end anywhere); each piece is appended to the string open in the arena,
 * and a new string opens when the callback kind changes. The header
 * limit counts the bytes of the head as they came on the wire, from the
 * first byte of the start line to the end of the blank line: the parser is
 * never handed more of the head than the limit leaves, so a head one byte
 * longer fails (http-parser's own 80 KiB cap is lifted, so the limit is
 * the configured one). The body limit counts decoded bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http_impl.h"

#define INBUF 16384

int http_buf_reserve(char **buf, size_t *cap, size_t need) {
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 256;
    while (c < need) c *= 2;
    char *p = realloc(*buf, c);
    if (!p) return -ENOMEM;
    *buf = p, *cap = c;
    return 0;
}

static int append(http_msg_t *m, const char *at, size_t len)
{
    if (http_buf_reserve(&m->arena, &m->acap, m->alen + len + 1)) return m->error = -ENOMEM;
    memcpy(m->arena + m->alen, at, len);
    m->alen += len;
    return 0;
}

/* Closes the open string and opens one of kind `kind`; returns its offset. */
static size_t open_str(http_msg_t *m, int kind) {
    if (m->last) append(m, "", 1);
    m->last = kind;
    return m->alen;
}

static http_msg_t *msg(http_parser *p) { return p->data; }

static int on_begin(http_parser *p) {
    http_msg_t *m = msg(p);
    m->started = true;
    if (m->on_start) m->on_start(m, m->ud);
    return 0;
}

static int on_url(http_parser *p, const char *at, size_t len) {
    http_msg_t *m = msg(p);
    if (m->last != 1) m->url = open_str(m, 1);
    return append(m, at, len);
}

static int add_offset(http_msg_t *m, size_t off) {
    if (m->nh == m->hcap) {
        size_t cap = m->hcap ? m->hcap * 2 : 32;
        size_t *h = realloc(m->hoff, cap * sizeof *h);
        if (!h) return m->error = -ENOMEM;
        m->hoff = h, m->hcap = cap;
    }
    m->hoff[m->nh++] = off;
    return 0;
}

static int on_field(http_parser *p, const char *at, size_t len) {
    http_msg_t *m = msg(p);
    if (m->last != 2 && add_offset(m, open_str(m, 2))) return -1;
    return append(m, at, len);
}

static int on_value(http_parser *p, const char *at, size_t len) {
    http_msg_t *m = msg(p);
    if (m->last != 3 && add_offset(m, open_str(m, 3))) return -1;
    return append(m, at, len);
}

static int on_headers_complete(http_parser *p) {
    http_msg_t *m = msg(p);
    if (m->last) append(m, "", 1);
    if (m->nh % 2 && add_offset(m, m->alen) == 0) append(m, "", 1);   /* "Name:" and no value */
    m->last = 0;
    m->headers_done = true;
    if (m->on_headers) m->on_headers(m, m->ud);
    return m->skip_body ? 1 : 0;    /* 1: no body (a response to HEAD) */
}

static int on_body(http_parser *p, const char *at, size_t len) {
    http_msg_t *m = msg(p);
    if (m->blen + len > m->max_body) return m->error = -EFBIG;
    if (http_buf_reserve(&m->body, &m->bcap, m->blen + len + 1)) return m->error = -ENOMEM;
    memcpy(m->body + m->blen, at, len);
    m->blen += len;
    return 0;
}

static int on_complete(http_parser *p) {
    http_msg_t *m = msg(p);
    m->done = true;
    http_parser_pause(p, 1);     /* stop here: pipelined bytes wait for the next */
    return 0;
}

static const http_parser_settings settings = {
    .on_message_begin = on_begin, .on_url = on_url, .on_header_field = on_field,
    .on_header_value = on_value, .on_headers_complete = on_headers_complete,
    .on_body = on_body, .on_message_complete = on_complete,
};

void http_msg_init(http_msg_t *m, enum http_parser_type type, size_t max_header, size_t max_body) {
    memset(m, 0, sizeof *m);
    m->type = type;
    m->max_header = max_header;
    m->max_body = max_body;
    http_parser_init(&m->p, type);
    m->p.data = m;
    http_parser_set_max_header_size(UINT32_MAX); /* the limit is max_header */
}

void http_msg_reset(http_msg_t *m) {
    m->alen = m->nh = m->blen = m->url = m->header_bytes = 0;
    m->last = 0;
    m->headers_done = m->done = m->skip_body = m->started = false;
    m->error = 0;
}

void http_msg_fini(http_msg_t *m) {
    free(m->arena);
    free(m->hoff);
    free(m->headers);
    free(m->body);
}

/* Feeds what in holds, but no more of an unfinished head than the header
 * limit leaves. Returns 0 (a message is whole), -EAGAIN (more is needed),
 * or an error: a head that used up the limit unfinished is -E2BIG. */
static int feed(http_msg_t *m, http_inbuf_t *in) {
    size_t len = in->len;
    bool in_head = !m->headers_done && m->max_header;
    if (in_head && len > m->max_header - m->header_bytes)
        len = m->max_header - m->header_bytes;
    size_t n = http_parser_execute(&m->p, &settings, in->data + in->off, len);
    in->off += n, in->len -= n;
    if (in_head && !m->headers_done)
        m->header_bytes += n;
    enum http_errno e = HTTP_PARSER_ERRNO(&m->p);
    if (m->done) {
        http_parser_pause(&m->p, 0);
        return 0;
    }
    if (m->error) return m->error;
    if (e != HPE_OK) return -EPROTO;
    if (in_head && !m->headers_done && m->header_bytes >= m->max_header)
        return -E2BIG;
    return -EAGAIN;
}

int http_inbuf_fill(http_inbuf_t *in, conn_t *c, size_t want)
{
    if (!in->data) {
        in->data = malloc(INBUF);
        if (!in->data) return -ENOMEM;
        in->cap = INBUF;
    }
    if (in->off && in->len)
        memmove(in->data, in->data + in->off, in->len);
    in->off = 0;
    while (in->len < want) {
        ssize_t k = conn_read(c, in->data + in->len, in->cap - in->len);
        if (k <= 0)
            return k ? (int)k : 1;
        in->len += (size_t)k;
    }
    return 0;
}

/* Reads until the message is whole, or (head) until its head is. */
static int read_until(http_msg_t *m, http_inbuf_t *in, conn_t *c, bool head)
{
    for (;;) {
        if (m->done || (head && m->headers_done))
            return 0;
        if (in->len) {
            int rc = feed(m, in);
            if (rc != -EAGAIN) return rc;
            continue;
        }
        int rc = http_inbuf_fill(in, c, 1);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            if (!m->started) return 1;
            http_parser_execute(&m->p, &settings, NULL, 0);   /* EOF ends a body read to close */
            if (m->done) {
                http_parser_pause(&m->p, 0);
                return 0;
            }
            return -EPIPE;
        }
    }
}

int http_msg_read(http_msg_t *m, http_inbuf_t *in, conn_t *c)
{
    return read_until(m, in, c, false);
}

int http_msg_read_head(http_msg_t *m, http_inbuf_t *in, conn_t *c)
{
    return read_until(m, in, c, true);
}

int http_msg_finish(http_msg_t *m) {
    if (m->body) m->body[m->blen] = '\0';
    size_t n = m->nh / 2;
    if (n + 1 > m->headers_cap) {
        http_header_t *h = realloc(m->headers, (n + 1) * sizeof *h);
        if (!h) return -ENOMEM;
        m->headers = h, m->headers_cap = n + 1;
    }
    for (size_t i = 0; i < n; i++)
        m->headers[i] = (http_header_t){m->arena + m->hoff[2 * i], m->arena + m->hoff[2 * i + 1]};
    return 0;
}

const char *http_msg_url(const http_msg_t *m) { return m->arena ? m->arena + m->url : ""; }

const char *http_find_header(const http_header_t *h, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(h[i].name, name)) return h[i].value;
    return NULL;
}
