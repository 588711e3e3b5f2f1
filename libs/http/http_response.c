/*
 * http_response.c — the response writer, Go's ResponseWriter (see http.h).
 *
 * Until the head is sent, the body waits in `out` (up to BUFFER_MAX bytes,
 * Go's bufio writer in front of its chunkWriter); the handler's headers
 * wait as ready lines in `hdrs`. The head goes out with the first flush:
 * at the end of a handler that stayed under the buffer, with a
 * Content-Length of what it wrote; earlier (an explicit flush, or more
 * than the buffer), chunked, unless the handler set Content-Length itself.
 * Head and buffered body leave in one write. Bodiless statuses (1xx, 204,
 * 304) and HEAD requests send no body bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http_impl.h"

#define BUFFER_MAX 4096

const char *http_status_text(int s) {
    switch (s) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Request Entity Too Large";
    case 414: return "Request URI Too Long";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "";
    }
}

void http_response_init(http_response_t *w) { memset(w, 0, sizeof *w); }

void http_response_fini(http_response_t *w) {
    free(w->out);
    free(w->hdrs);
    free(w->head);
}

void http_response_begin(http_response_t *w, conn_t *c, const http_request_t *r, bool close) {
    w->conn = c;
    w->req = r;
    w->olen = w->hlen = w->written = 0;
    w->status = 0;
    w->sent = w->chunked = w->has_length = w->failed = false;
    w->err = 0;
    w->close = close;
    w->head_only = r && !strcmp(r->method, "HEAD");
}

static bool bodiless(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

/* ---- headers ---- */

/* Removes every line of hdrs named name. */
static void remove_header(http_response_t *w, const char *name) {
    size_t nl = strlen(name), i = 0;
    while (i < w->hlen) {
        char *line = w->hdrs + i, *end = memchr(line, '\n', w->hlen - i);
        size_t len = (size_t)(end - line) + 1;
        if (len > nl && line[nl] == ':' && !strncasecmp(line, name, nl)) {
            memmove(line, line + len, w->hlen - i - len);
            w->hlen -= len;
        } else {
            i += len;
        }
    }
}

int http_add_header(http_response_t *w, const char *name, const char *value) {
    if (!name || !value || !name[0] || strpbrk(name, ":\r\n") || strpbrk(value, "\r\n"))
        return -EINVAL;
    if (w->sent) return -EALREADY;
    size_t need = strlen(name) + strlen(value) + 4;
    if (http_buf_reserve(&w->hdrs, &w->hcap, w->hlen + need + 1)) return -ENOMEM;
    w->hlen += (size_t)sprintf(w->hdrs + w->hlen, "%s: %s\r\n", name, value);
    if (!strcasecmp(name, "Content-Length")) w->has_length = true;
    return 0;
}

int http_set_header(http_response_t *w, const char *name, const char *value) {
    if (!name) return -EINVAL;
    if (w->sent) return -EALREADY;
    remove_header(w, name);
    if (!strcasecmp(name, "Content-Length")) w->has_length = false;
    return http_add_header(w, name, value);
}

int http_write_header(http_response_t *w, int status) {
    if (w->status) return -EALREADY;
    if (status < 100 || status > 999) return -EINVAL;
    w->status = status;
    return 0;
}

int http_response_status(const http_response_t *w) { return w->status; }
bool http_response_sent(const http_response_t *w) { return w->sent; }
size_t http_response_written(const http_response_t *w) { return w->written; }
void http_response_close(http_response_t *w) { w->close = true; }

/* ---- writers that keep everything (Go's timeoutWriter) ---- */

static int buffer_append(http_response_t *w, const void *buf, size_t len)
{
    if (http_buf_reserve(&w->out, &w->ocap, w->olen + len + 1))
        return -ENOMEM;
    memcpy(w->out + w->olen, buf, len);
    w->olen += len;
    w->out[w->olen] = '\0';
    w->written += len;
    return 0;
}

int http_response_buffer_new(http_response_t **out)
{
    if (!out)
        return -EINVAL;
    http_response_t *w = calloc(1, sizeof *w);
    if (!w)
        return -ENOMEM;
    w->buffered = true;
    *out = w;
    return 0;
}

void http_response_free(http_response_t *w)
{
    if (!w)
        return;
    http_response_fini(w);
    free(w);
}

const char *http_response_body(const http_response_t *w)
{
    return w->olen ? w->out : "";
}

int http_response_copy_headers(http_response_t *dst, const http_response_t *src)
{
    if (dst->sent)
        return -EALREADY;
    for (size_t i = 0; i < src->hlen;) {
        const char *line = src->hdrs + i, *colon = strchr(line, ':'), *end = strstr(line, "\r\n");
        char name[256];
        size_t nl = (size_t)(colon - line), vl = (size_t)(end - colon - 2);
        if (nl >= sizeof name)
            return -EINVAL;
        memcpy(name, line, nl);
        name[nl] = '\0';
        char *value = strndup(colon + 2, vl);
        if (!value)
            return -ENOMEM;
        int rc = http_add_header(dst, name, value);
        free(value);
        if (rc)
            return rc;
        i = (size_t)(end + 2 - src->hdrs);
    }
    return 0;
}

void http_response_fail(http_response_t *w, int err)
{
    w->err = err;
}

/* ---- sending ---- */

static int send_all(http_response_t *w, const char *buf, size_t len) {
    if (w->failed) return -EPIPE;
    int rc = conn_write(w->conn, buf, len, NULL);
    if (rc) w->failed = true;
    return rc;
}

/* Sends the head followed by the buffered body. final: the handler is
 * done, so what is buffered is the whole body. */
static int send_head(http_response_t *w, bool final) {
    if (!w->status) w->status = 200;
    bool nobody = bodiless(w->status);
    w->chunked = !final && !w->has_length && !nobody && w->req && w->req->version_minor >= 1;
    if (!final && !w->has_length && !w->chunked) w->close = true;   /* HTTP/1.0: until close */
    char line[128];
    int n = snprintf(line, sizeof line, "HTTP/1.1 %d %s\r\n", w->status, http_status_text(w->status));
    size_t need = (size_t)n + w->hlen + 96 + w->olen + 16;
    if (http_buf_reserve(&w->head, &w->head_cap, need)) return -ENOMEM;
    char *head = w->head;
    size_t len = (size_t)n;
    memcpy(head, line, len);
    if (w->hlen) memcpy(head + len, w->hdrs, w->hlen);
    len += w->hlen;
    if (final && !w->has_length && !nobody)
        len += (size_t)sprintf(head + len, "Content-Length: %zu\r\n", w->written);
    if (w->chunked) len += (size_t)sprintf(head + len, "Transfer-Encoding: chunked\r\n");
    if (w->close) len += (size_t)sprintf(head + len, "Connection: close\r\n");
    memcpy(head + len, "\r\n", 2);
    len += 2;
    bool body = w->olen && !nobody && !w->head_only;
    if (body && w->chunked) len += (size_t)sprintf(head + len, "%zx\r\n", w->olen);
    if (body) memcpy(head + len, w->out, w->olen), len += w->olen;
    if (body && w->chunked) memcpy(head + len, "\r\n", 2), len += 2;
    w->olen = 0;
    w->sent = true;
    return send_all(w, head, len);
}

/* After the head: sends out as a chunk (or raw). */
static int send_body(http_response_t *w) {
    if (!w->olen) return 0;
    int rc = 0;
    if (!bodiless(w->status) && !w->head_only) {
        char pre[24];
        if (w->chunked) rc = send_all(w, pre, (size_t)sprintf(pre, "%zx\r\n", w->olen));
        if (!rc) rc = send_all(w, w->out, w->olen);
        if (!rc && w->chunked) rc = send_all(w, "\r\n", 2);
    }
    w->olen = 0;
    return rc;
}

int http_write(http_response_t *w, const void *buf, size_t len) {
    if (w->err)
        return w->err;
    if (w->failed) return -EPIPE;
    if (!w->status) w->status = 200;
    if (w->buffered)
        return buffer_append(w, buf, len);
    w->written += len;
    while (len) {
        size_t room = BUFFER_MAX > w->olen ? BUFFER_MAX - w->olen : 0;
        if (!room) {
            int rc = w->sent ? send_body(w) : send_head(w, false);
            if (rc) return rc;
            continue;
        }
        size_t k = len < room ? len : room;
        if (http_buf_reserve(&w->out, &w->ocap, w->olen + k)) return -ENOMEM;
        memcpy(w->out + w->olen, buf, k);
        w->olen += k;
        buf = (const char *)buf + k;
        len -= k;
    }
    return 0;
}

int http_flush(http_response_t *w) {
    if (w->err)
        return w->err;
    if (w->buffered)
        return -ENOTSUP;
    if (w->failed) return -EPIPE;
    return w->sent ? send_body(w) : send_head(w, false);
}

int http_response_end(http_response_t *w) {
    if (w->failed) return -EPIPE;
    if (!w->sent) return send_head(w, true);
    int rc = send_body(w);
    if (!rc && w->chunked) rc = send_all(w, "0\r\n\r\n", 5);
    return rc;
}

/* Go's server answers a request it cannot read with a short plain text. */
void http_send_error(conn_t *c, int status) {
    char buf[256];
    const char *text = http_status_text(status);
    int n = snprintf(buf, sizeof buf,
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                     "Connection: close\r\n\r\n%d %s",
                     status, text, status, text);
    conn_write(c, buf, (size_t)n, NULL);
}
