/*
 * http_client.c — requests over one keep-alive connection (see http.h).
 *
 * A request is written in one conn_write (head and body); the response is
 * read with http-parser, chunked bodies decoded, a response to HEAD read
 * without a body, one that has no length read until the connection ends.
 *
 * Interface: http_client_new → http_client_do* → http_client_free.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http_impl.h"

struct http_client {
    conn_t *c;
    http_inbuf_t in;
    http_msg_t m;
    char *out;
    size_t ocap;
};

int http_client_new(conn_t *c, http_client_t **out) {
    if (!c || !out) return -EINVAL;
    http_client_t *cl = calloc(1, sizeof *cl);
    if (!cl) return -ENOMEM;
    cl->c = c;
    http_msg_init(&cl->m, HTTP_RESPONSE, 1 << 20, (size_t)1 << 30);
    *out = cl;
    return 0;
}

void http_client_free(http_client_t *cl) {
    if (!cl) return;
    http_msg_fini(&cl->m);
    free(cl->in.data);
    free(cl->out);
    free(cl);
}

/* The request's bytes into cl->out; returns their length or -ENOMEM. */
static ssize_t format_request(http_client_t *cl, const char *method, const char *target,
                              const http_header_t *h, size_t nh, const void *body, size_t len) {
    size_t need = strlen(method) + strlen(target) + strlen(conn_remote_addr(cl->c)) + 96 + len;
    for (size_t i = 0; i < nh; i++) need += strlen(h[i].name) + strlen(h[i].value) + 4;
    if (http_buf_reserve(&cl->out, &cl->ocap, need)) return -ENOMEM;
    char *p = cl->out;
    bool host = false;
    p += sprintf(p, "%s %s HTTP/1.1\r\n", method, target);
    for (size_t i = 0; i < nh; i++) {
        p += sprintf(p, "%s: %s\r\n", h[i].name, h[i].value);
        host |= !strcasecmp(h[i].name, "Host");
    }
    if (!host) p += sprintf(p, "Host: %s\r\n", conn_remote_addr(cl->c));
    if (len || (strcmp(method, "GET") && strcmp(method, "HEAD")))
        p += sprintf(p, "Content-Length: %zu\r\n", len);
    p += sprintf(p, "\r\n");
    if (len) memcpy(p, body, len), p += len;
    return p - cl->out;
}

/* Copies the parsed response into *out (owned by the caller). */
static int copy_response(http_client_t *cl, http_resp_t *out) {
    http_msg_t *m = &cl->m;
    if (http_msg_finish(m)) return -ENOMEM;
    size_t n = m->nh / 2;
    *out = (http_resp_t){.status = m->p.status_code, .version_minor = m->p.http_minor,
                         .nheaders = n, .body_len = m->blen,
                         .keep_alive = http_should_keep_alive(&m->p)};
    out->headers = calloc(n + 1, sizeof *out->headers);
    out->body = malloc(m->blen + 1);
    char *strings = malloc(m->alen + 1);
    if (!out->headers || !out->body || !strings) {
        free(strings);
        http_resp_free(out);
        return -ENOMEM;
    }
    memcpy(strings, m->arena ? m->arena : "", m->alen);
    for (size_t i = 0; i < n; i++)
        out->headers[i] = (http_header_t){strings + (m->headers[i].name - m->arena),
                                          strings + (m->headers[i].value - m->arena)};
    out->headers[n].name = strings;      /* kept for http_resp_free */
    memcpy(out->body, m->body ? m->body : "", m->blen);
    out->body[m->blen] = '\0';
    return 0;
}

int http_client_send(http_client_t *cl, const char *method, const char *target,
                     const http_header_t *headers, size_t nheaders, const void *body,
                     size_t body_len)
{
    if (!cl || !method || !target)
        return -EINVAL;
    ssize_t len = format_request(cl, method, target, headers, nheaders, body, body_len);
    if (len < 0)
        return (int)len;
    http_msg_reset(&cl->m);
    cl->m.skip_body = !strcmp(method, "HEAD");
    return conn_write(cl->c, cl->out, (size_t)len, NULL);
}

int http_client_read_head(http_client_t *cl, http_resp_t *out)
{
    if (!cl || !out)
        return -EINVAL;
    memset(out, 0, sizeof *out);
    int rc = http_msg_read_head(&cl->m, &cl->in, cl->c);
    if (rc)
        return rc == 1 ? -EPIPE : rc;
    if ((rc = copy_response(cl, out)))
        return rc;
    out->body[0] = '\0'; /* what came of the body waits for read_body */
    out->body_len = 0;
    return 0;
}

int http_client_read_body(http_client_t *cl, http_resp_t *out)
{
    if (!cl || !out)
        return -EINVAL;
    int rc = http_msg_read(&cl->m, &cl->in, cl->c);
    if (rc)
        return rc == 1 ? -EPIPE : rc;
    http_resp_free(out);
    return copy_response(cl, out);
}

int http_client_do(http_client_t *cl, const char *method, const char *target,
                   const http_header_t *headers, size_t nheaders, const void *body,
                   size_t body_len, http_resp_t *out) {
    if (!cl || !method || !target || !out) return -EINVAL;
    memset(out, 0, sizeof *out);
    int rc = http_client_send(cl, method, target, headers, nheaders, body, body_len);
    if (rc)
        return rc;
    rc = http_msg_read(&cl->m, &cl->in, cl->c);
    if (rc) return rc == 1 ? -EPIPE : rc;
    return copy_response(cl, out);
}

const char *http_resp_header(const http_resp_t *r, const char *name) {
    return http_find_header(r->headers, r->nheaders, name);
}

void http_resp_free(http_resp_t *r) {
    if (!r) return;
    if (r->headers) free((void *)r->headers[r->nheaders].name);
    free(r->headers);
    free(r->body);
    memset(r, 0, sizeof *r);
}

const char *http_request_header(const http_request_t *r, const char *name) {
    return http_find_header(r->headers, r->nheaders, name);
}

int http_request_clone(const http_request_t *r, http_request_t **out)
{
    if (!r || !out)
        return -EINVAL;
    size_t strings = strlen(r->method) + strlen(r->target) + strlen(r->path) + strlen(r->query) + 4;
    for (size_t i = 0; i < r->nheaders; i++)
        strings += strlen(r->headers[i].name) + strlen(r->headers[i].value) + 2;
    size_t hdrs = r->nheaders * sizeof(http_header_t);
    http_request_t *c = malloc(sizeof *c + hdrs + strings + r->body_len + 1);
    if (!c)
        return -ENOMEM;
    *c = *r;
    http_header_t *h = (http_header_t *)(c + 1);
    char *p = (char *)h + hdrs;
#define CLONE_STR(dst, src) (dst = p, p = stpcpy(p, src) + 1)
    CLONE_STR(c->method, r->method);
    CLONE_STR(c->target, r->target);
    CLONE_STR(c->path, r->path);
    CLONE_STR(c->query, r->query);
    for (size_t i = 0; i < r->nheaders; i++) {
        CLONE_STR(h[i].name, r->headers[i].name);
        CLONE_STR(h[i].value, r->headers[i].value);
    }
#undef CLONE_STR
    memcpy(p, r->body, r->body_len);
    p[r->body_len] = '\0';
    c->body = p;
    c->headers = h;
    *out = c;
    return 0;
}

void http_request_free(http_request_t *r)
{
    free(r);
}
