/*
 * cache_resp.c — RESP: byte buffers, the command encoder, the reply
 * parser and reply trees.
 *
 * The parser keeps the unread bytes and, when asked for a reply, first
 * checks that one whole reply is there (a walk that allocates nothing),
 * then builds it in a second walk over the same bytes. A reply cut at any
 * byte is simply "not yet": nothing is consumed until it is whole, so no
 * state has to survive between pieces. The price is walking a reply that
 * arrives in many pieces once per piece; the replies of a cache (values of
 * a few kilobytes) arrive in one or two.
 */
#include "cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#if LAB_SOLUTION

enum { MAX_DEPTH = 64 };
#define MAX_BULK ((int64_t)512 << 20)
#define MAX_ELEMS ((int64_t)1 << 24)

static int reserve(char **data, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    char *p = realloc(*data, n);
    if (!p)
        return -ENOMEM;
    *data = p;
    *cap = n;
    return 0;
}

int cache_buf_append(cache_buf_t *b, const void *p, size_t n)
{
    if (reserve(&b->data, &b->cap, b->len + n + 1) < 0)
        return -ENOMEM;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return 0;
}

void cache_buf_free(cache_buf_t *b)
{
    free(b->data);
    *b = (cache_buf_t){0};
}

void cache_reply_free(cache_reply_t *r)
{
    size_t n = r->type == CACHE_MAP ? 2 * r->n : r->n;
    for (size_t i = 0; r->elem && i < n; i++)
        cache_reply_free(&r->elem[i]);
    free(r->elem);
    free(r->str);
    *r = (cache_reply_t){0};
}

/* ---- the encoder ----------------------------------------------------------- */

static char *put_header(char *p, char type, size_t n)
{
    char digits[24];
    int k = 0;
    do
        digits[k++] = (char)('0' + n % 10);
    while ((n /= 10));
    *p++ = type;
    while (k)
        *p++ = digits[--k];
    *p++ = '\r';
    *p++ = '\n';
    return p;
}

int cache_encode(cache_buf_t *out, int argc, const char *const *argv, const size_t *lens)
{
    if (argc < 1)
        return -EINVAL;
    size_t need = 24;
    for (int i = 0; i < argc; i++)
        need += 26 + (lens ? lens[i] : strlen(argv[i]));
    if (reserve(&out->data, &out->cap, out->len + need + 1) < 0)
        return -ENOMEM;
    char *p = put_header(out->data + out->len, '*', (size_t)argc);
    for (int i = 0; i < argc; i++) {
        size_t n = lens ? lens[i] : strlen(argv[i]);
        p = put_header(p, '$', n);
        memcpy(p, argv[i], n);
        p += n;
        *p++ = '\r';
        *p++ = '\n';
    }
    out->len = (size_t)(p - out->data);
    out->data[out->len] = 0;
    return 0;
}

/* ---- the parser -------------------------------------------------------------- */

int cache_parser_feed(cache_parser_t *p, const void *data, size_t n)
{
    if (p->pos && p->pos == p->len)
        p->pos = p->len = 0;
    else if (p->pos > 4096 && p->pos * 2 > p->len) {
        memmove(p->buf, p->buf + p->pos, p->len - p->pos);
        p->len -= p->pos;
        p->pos = 0;
    }
    if (reserve(&p->buf, &p->cap, p->len + n) < 0)
        return -ENOMEM;
    memcpy(p->buf + p->len, data, n);
    p->len += n;
    return 0;
}

void cache_parser_free(cache_parser_t *p)
{
    free(p->buf);
    *p = (cache_parser_t){0};
}

/* The line starting at start: *end is the index of its CR. 1, 0 (no CRLF
 * yet) or -EPROTO (a lone CR or LF). */
static int find_line(const cache_parser_t *p, size_t start, size_t *end)
{
    const char *s = p->buf + start;
    size_t avail = p->len - start;
    const char *cr = memchr(s, '\r', avail);
    const char *lf = memchr(s, '\n', cr ? (size_t)(cr - s) : avail);
    if (lf)
        return -EPROTO;
    if (!cr || (size_t)(cr - s) + 1 >= avail)
        return 0;
    if (cr[1] != '\n')
        return -EPROTO;
    *end = (size_t)(cr - p->buf);
    return 1;
}

/* A decimal integer, optionally negative, all of s[0..n). */
static int parse_int(const char *s, size_t n, int64_t *out)
{
    size_t i = n && s[0] == '-';
    if (i == n)
        return -EPROTO;
    uint64_t v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - 9) / 10)
            return -EPROTO;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > (uint64_t)INT64_MAX + (s[0] == '-'))
        return -EPROTO;
    *out = s[0] == '-' ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

static int parse_double(const char *s, size_t n, double *out)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp)
        return -EPROTO;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    if (!strcmp(tmp, "inf") || !strcmp(tmp, "-inf") || !strcmp(tmp, "nan")) {
        *out = tmp[0] == 'n'   ? __builtin_nan("")
               : tmp[0] == '-' ? -__builtin_inf()
                               : __builtin_inf();
        return 0;
    }
    char *e;
    *out = strtod(tmp, &e);
    return *e || !(tmp[0] == '-' || (tmp[0] >= '0' && tmp[0] <= '9')) ? -EPROTO : 0;
}

static int set_str(cache_reply_t *out, cache_type_t t, const char *s, size_t n)
{
    if (!out)
        return 0;
    out->type = t;
    out->str = malloc(n + 1);
    if (!out->str)
        return -ENOMEM;
    memcpy(out->str, s, n);
    out->str[n] = 0;
    out->len = n;
    return 0;
}

static int parse(const cache_parser_t *p, size_t *pos, int depth, cache_reply_t *out);

/* $ ! =: a length, then that many bytes and a CRLF. */
static int parse_blob(const cache_parser_t *p, char t, const char *s, size_t n, size_t *next,
                      cache_reply_t *out)
{
    int64_t len;
    if (parse_int(s, n, &len) < 0)
        return -EPROTO;
    if (t == '$' && len == -1) {
        if (out)
            out->type = CACHE_NIL;
        return 1;
    }
    if (len < 0 || len > MAX_BULK)
        return -EPROTO;
    size_t b = *next, e = b + (size_t)len;
    if (e + 2 > p->len)
        return 0;
    if (p->buf[e] != '\r' || p->buf[e + 1] != '\n')
        return -EPROTO;
    if (t == '=' && (len < 4 || p->buf[b + 3] != ':'))
        return -EPROTO;
    *next = e + 2;
    if (t == '=') {
        if (out)
            memcpy(out->format, p->buf + b, 3);
        b += 4;
    }
    int rc = set_str(out,
                     t == '$'   ? CACHE_STRING
                     : t == '!' ? CACHE_ERROR
                                : CACHE_VERBATIM,
                     p->buf + b, e - b);
    return rc < 0 ? rc : 1;
}

/* * % ~ > |: a count, then that many values (twice that for % and |). */
static int parse_aggregate(const cache_parser_t *p, char t, const char *s, size_t n, size_t *next,
                           int depth, cache_reply_t *out)
{
    int64_t count;
    if (parse_int(s, n, &count) < 0)
        return -EPROTO;
    if (t == '*' && count == -1) {
        if (out)
            out->type = CACHE_NIL;
        return 1;
    }
    if (count < 0 || count > MAX_ELEMS)
        return -EPROTO;
    size_t total = (size_t)count * (t == '%' || t == '|' ? 2 : 1);
    cache_reply_t *elem = NULL;
    if (out && t != '|' && total && !(elem = calloc(total, sizeof *elem)))
        return -ENOMEM;
    for (size_t i = 0; i < total; i++) {
        int rc = parse(p, next, depth + 1, elem ? &elem[i] : NULL);
        if (rc <= 0) {
            for (size_t j = 0; elem && j < i; j++)
                cache_reply_free(&elem[j]);
            free(elem);
            return rc;
        }
    }
    if (t == '|') /* an attribute: dropped; the value it annotates follows */
        return parse(p, next, depth + 1, out);
    if (out) {
        out->type = t == '*'   ? CACHE_ARRAY
                    : t == '%' ? CACHE_MAP
                    : t == '~' ? CACHE_SET
                               : CACHE_PUSH;
        out->elem = elem;
        out->n = (size_t)count;
    }
    return 1;
}

/* One value at *pos: 1 (and *pos past it), 0 (incomplete) or -EPROTO /
 * -ENOMEM. With out NULL only checks. */
static int parse(const cache_parser_t *p, size_t *pos, int depth, cache_reply_t *out)
{
    if (depth > MAX_DEPTH)
        return -EPROTO;
    if (*pos >= p->len)
        return 0;
    size_t end;
    int rc = find_line(p, *pos + 1, &end);
    if (rc <= 0)
        return rc;
    char t = p->buf[*pos];
    const char *s = p->buf + *pos + 1;
    size_t n = end - (*pos + 1), next = end + 2;
    int64_t v = 0;
    double d = 0;
    switch (t) {
    case '+':
    case '-': rc = set_str(out, t == '+' ? CACHE_STATUS : CACHE_ERROR, s, n); break;
    case ':':
    case '(':
        rc = parse_int(s, n, &v);
        if (t == '(' && rc < 0 && n > 0) { /* a big number: digits past int64 */
            rc = 0;
            for (size_t i = s[0] == '-'; i < n; i++)
                rc = s[i] < '0' || s[i] > '9' ? -EPROTO : rc;
            rc = n == (size_t)(s[0] == '-') ? -EPROTO : rc;
        }
        if (rc == 0 && t == '(')
            rc = set_str(out, CACHE_BIGNUM, s, n);
        else if (rc == 0 && out)
            *out = (cache_reply_t){.type = CACHE_INTEGER, .integer = v};
        break;
    case '_':
        rc = n ? -EPROTO : 0;
        if (out)
            out->type = CACHE_NIL;
        break;
    case '#':
        rc = n == 1 && (s[0] == 't' || s[0] == 'f') ? 0 : -EPROTO;
        if (out)
            *out = (cache_reply_t){.type = CACHE_BOOL, .integer = s[0] == 't'};
        break;
    case ',':
        rc = parse_double(s, n, &d);
        if (rc == 0 && (rc = set_str(out, CACHE_DOUBLE, s, n)) == 0 && out)
            out->dbl = d;
        break;
    case '$':
    case '!':
    case '=': rc = parse_blob(p, t, s, n, &next, out); break;
    case '*':
    case '%':
    case '~':
    case '>':
    case '|': rc = parse_aggregate(p, t, s, n, &next, depth, out); break;
    default: rc = -EPROTO;
    }
    if (rc < 0 || (rc == 0 && (t == '$' || t == '!' || t == '=' || t == '*' || t == '%' ||
                               t == '~' || t == '>' || t == '|')))
        return rc;
    *pos = next;
    return 1;
}

int cache_parser_next(cache_parser_t *p, cache_reply_t *out)
{
    size_t pos = p->pos;
    int rc = parse(p, &pos, 0, NULL);
    if (rc <= 0)
        return rc;
    pos = p->pos;
    *out = (cache_reply_t){0};
    rc = parse(p, &pos, 0, out);
    if (rc < 0) {
        cache_reply_free(out);
        return rc;
    }
    p->pos = pos;
    return 1;
}

#else

int cache_buf_append(cache_buf_t *b, const void *p, size_t n)
{
    (void)b, (void)p, (void)n;
    return -ENOSYS;
}

void cache_buf_free(cache_buf_t *b)
{
    free(b->data);
    *b = (cache_buf_t){0};
}

void cache_reply_free(cache_reply_t *r)
{
    *r = (cache_reply_t){0};
}

int cache_encode(cache_buf_t *out, int argc, const char *const *argv, const size_t *lens)
{
    (void)out, (void)argc, (void)argv, (void)lens;
    return -ENOSYS;
}

int cache_parser_feed(cache_parser_t *p, const void *data, size_t n)
{
    (void)p, (void)data, (void)n;
    return -ENOSYS;
}

int cache_parser_next(cache_parser_t *p, cache_reply_t *out)
{
    (void)p, (void)out;
    return -ENOSYS;
}

void cache_parser_free(cache_parser_t *p)
{
    free(p->buf);
    *p = (cache_parser_t){0};
}

#endif
