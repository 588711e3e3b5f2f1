/*
 * resp_dump.h — a reply tree as one line of text, so a test compares
 * whole trees with one value check: "s:abc" a bulk string, "+OK" a status,
 * "-ERR x" an error, ":5" an integer, ",1.5" a double, "#1" a boolean,
 * "(123" a big number, "=txt:hi" a verbatim string, "_" nil, and
 * "*[a b]" "%{k v}" "~[...]" ">[...]" the aggregates.
 *
 * resp_gen(&bytes, &dump, depth) makes a random reply (ug_rand) and its dump.
 *
 * Interface: resp_dump(&reply, &buf) appends to buf.
 */
#ifndef RESP_DUMP_H
#define RESP_DUMP_H

#include <stdio.h>
#include <string.h>

#include <undergo/labtest.h>

#include "cache.h"

static inline void resp_word(char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (char)('a' + ug_rand_below(26));
    out[n] = 0;
}

static inline void resp_dump(const cache_reply_t *r, cache_buf_t *b)
{
    char tmp[64];
    static const char agg[] = {
        [CACHE_ARRAY] = '*', [CACHE_MAP] = '%', [CACHE_SET] = '~', [CACHE_PUSH] = '>'};
    switch (r->type) {
    case CACHE_NIL: cache_buf_append(b, "_", 1); return;
    case CACHE_STATUS: cache_buf_append(b, "+", 1); break;
    case CACHE_ERROR: cache_buf_append(b, "-", 1); break;
    case CACHE_STRING: cache_buf_append(b, "s:", 2); break;
    case CACHE_BIGNUM: cache_buf_append(b, "(", 1); break;
    case CACHE_DOUBLE: cache_buf_append(b, ",", 1); break;
    case CACHE_VERBATIM:
        cache_buf_append(b, "=", 1);
        cache_buf_append(b, r->format, 3);
        cache_buf_append(b, ":", 1);
        break;
    case CACHE_INTEGER:
    case CACHE_BOOL:
        snprintf(tmp, sizeof tmp, "%c%lld", r->type == CACHE_BOOL ? '#' : ':',
                 (long long)r->integer);
        cache_buf_append(b, tmp, strlen(tmp));
        return;
    case CACHE_ARRAY:
    case CACHE_MAP:
    case CACHE_SET:
    case CACHE_PUSH: {
        size_t n = r->type == CACHE_MAP ? 2 * r->n : r->n;
        cache_buf_append(b, &agg[r->type], 1);
        cache_buf_append(b, r->type == CACHE_MAP ? "{" : "[", 1);
        for (size_t i = 0; i < n; i++) {
            if (i)
                cache_buf_append(b, " ", 1);
            resp_dump(&r->elem[i], b);
        }
        cache_buf_append(b, r->type == CACHE_MAP ? "}" : "]", 1);
        return;
    }
    default:
        snprintf(tmp, sizeof tmp, "?%d", (int)r->type);
        cache_buf_append(b, tmp, strlen(tmp));
        return;
    }
    cache_buf_append(b, r->str ? r->str : "", r->str ? r->len : 0);
}

/* A random reply: its bytes into b, its dump into d. */
static inline void resp_gen(cache_buf_t *b, cache_buf_t *d, int depth)
{
    char tmp[128], w[24];
    int kind = (int)ug_rand_below(depth < 3 ? 11 : 7), n;
    resp_word(w, ug_rand_below(12));
    switch (kind) {
    case 0: n = snprintf(tmp, sizeof tmp, "+%s\r\n", w), snprintf(tmp + 64, 64, "+%s", w); break;
    case 1:
        n = snprintf(tmp, sizeof tmp, "-E %s\r\n", w), snprintf(tmp + 64, 64, "-E %s", w);
        break;
    case 2: {
        long long v = (long long)ug_rand_below(1u << 30) - (1 << 29);
        n = snprintf(tmp, sizeof tmp, ":%lld\r\n", v), snprintf(tmp + 64, 64, ":%lld", v);
        break;
    }
    case 3: {
        size_t len = strlen(w);
        if (len > 2)
            w[1] = '\r', w[2] = '\n'; /* CRLF inside a bulk string is data */
        n = snprintf(tmp, sizeof tmp, "$%zu\r\n%s\r\n", len, w);
        snprintf(tmp + 64, 64, "s:%s", w);
        break;
    }
    case 4:
        n = snprintf(tmp, sizeof tmp, "%s", ug_rand_below(2) ? "_\r\n" : "$-1\r\n"),
        snprintf(tmp + 64, 64, "_");
        break;
    case 5: {
        int t = (int)ug_rand_below(2);
        n = snprintf(tmp, sizeof tmp, "#%c\r\n", t ? 't' : 'f'), snprintf(tmp + 64, 64, "#%d", t);
        break;
    }
    case 6: {
        int q = (int)ug_rand_below(400);
        n = snprintf(tmp, sizeof tmp, ",%d.%02d\r\n", q / 4, (q % 4) * 25);
        snprintf(tmp + 64, 64, ",%d.%02d", q / 4, (q % 4) * 25);
        break;
    }
    default: {
        static const char types[] = "*%~>";
        char t = types[kind - 7];
        int count = (int)ug_rand_below(4);
        n = snprintf(tmp, sizeof tmp, "%c%d\r\n", t, count);
        cache_buf_append(b, tmp, (size_t)n);
        cache_buf_append(d, &t, 1);
        cache_buf_append(d, t == '%' ? "{" : "[", 1);
        for (int i = 0; i < count * (t == '%' ? 2 : 1); i++) {
            if (i)
                cache_buf_append(d, " ", 1);
            resp_gen(b, d, depth + 1);
        }
        cache_buf_append(d, t == '%' ? "}" : "]", 1);
        return;
    }
    }
    cache_buf_append(b, tmp, (size_t)n);
    cache_buf_append(d, tmp + 64, strlen(tmp + 64));
}

#endif
