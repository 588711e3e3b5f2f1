/*
 * reflect_text.c — support code (not part of the answer): the output buffer,
 * UTF-8 decoding as Go's unicode/utf8 does it, and base64 as Go's
 * encoding/base64 StdEncoding does it (padded; the decoder's error names the
 * first bad byte the way Go's CorruptInputError does).
 *
 * Interface: reflect_buf_reserve / _put / _str / _free; reflect_utf8_decode /
 * _put; reflect_base64_encode / _decode.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reflect.h"

/* ---- the buffer ------------------------------------------------------------- */

int reflect_buf_reserve(reflect_buf_t *b, size_t n)
{
    if (b->oom)
        return -ENOMEM;
    if (b->cap - b->len >= n)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < n) {
        if (cap > SIZE_MAX / 2)
            goto oom;
        cap *= 2;
    }
    char *data = realloc(b->data, cap);
    if (!data)
        goto oom;
    b->data = data;
    b->cap = cap;
    return 0;
oom:
    b->oom = true;
    return -ENOMEM;
}

void reflect_buf_free(reflect_buf_t *b)
{
    free(b->data);
    *b = (reflect_buf_t){0};
}

const char *reflect_buf_str(reflect_buf_t *b)
{
    if (b->oom || reflect_buf_reserve(b, 1) < 0)
        return "";
    b->data[b->len] = '\0';
    return b->data;
}

/* ---- UTF-8 ------------------------------------------------------------------- */

int reflect_utf8_decode(const char *s, size_t n, uint32_t *rune)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char c = p[0];
    *rune = 0xFFFD;
    if (c < 0x80) {
        *rune = c;
        return 1;
    }
    size_t w;
    uint32_t r, min;
    if (c >= 0xC2 && c <= 0xDF) {
        w = 2, r = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        w = 3, r = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        w = 4, r = c & 0x07, min = 0x10000;
    } else {
        return 1;
    }
    if (n < w)
        return 1;
    for (size_t i = 1; i < w; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 1;
        r = (r << 6) | (p[i] & 0x3F);
    }
    if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        return 1;
    *rune = r;
    return (int)w;
}

void reflect_utf8_put(reflect_buf_t *b, uint32_t r)
{
    char out[4];
    if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        r = 0xFFFD;
    if (r < 0x80) {
        reflect_buf_byte(b, (char)r);
    } else if (r < 0x800) {
        out[0] = (char)(0xC0 | (r >> 6));
        out[1] = (char)(0x80 | (r & 0x3F));
        reflect_buf_put(b, out, 2);
    } else if (r < 0x10000) {
        out[0] = (char)(0xE0 | (r >> 12));
        out[1] = (char)(0x80 | ((r >> 6) & 0x3F));
        out[2] = (char)(0x80 | (r & 0x3F));
        reflect_buf_put(b, out, 3);
    } else {
        out[0] = (char)(0xF0 | (r >> 18));
        out[1] = (char)(0x80 | ((r >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((r >> 6) & 0x3F));
        out[3] = (char)(0x80 | (r & 0x3F));
        reflect_buf_put(b, out, 4);
    }
}

/* ---- base64 ------------------------------------------------------------------ */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void reflect_base64_encode(reflect_buf_t *b, const void *src, size_t n)
{
    const unsigned char *p = src;
    if (reflect_buf_reserve(b, (n + 2) / 3 * 4) < 0)
        return;
    char *o = b->data + b->len;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        *o++ = b64[v >> 18];
        *o++ = b64[(v >> 12) & 63];
        *o++ = b64[(v >> 6) & 63];
        *o++ = b64[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        *o++ = b64[v >> 18];
        *o++ = b64[(v >> 12) & 63];
        *o++ = '=';
        *o++ = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        *o++ = b64[v >> 18];
        *o++ = b64[(v >> 12) & 63];
        *o++ = b64[(v >> 6) & 63];
        *o++ = '=';
    }
    b->len = (size_t)(o - b->data);
}

static int b64_value(unsigned char c)
{
    const char *at = c ? strchr(b64, c) : NULL;
    return at ? (int)(at - b64) : -1;
}

/* Go's StdEncoding.Decode, which skips '\r' and '\n' anywhere and reports the
 * offset of the first byte that breaks a quantum. */
ssize_t reflect_base64_decode(const char *s, size_t n, void *out, size_t *bad)
{
    unsigned char *o = out;
    size_t olen = 0, i = 0;
    while (i < n) {
        int q[4];
        size_t got = 0, pad_at = 0;
        while (got < 4) {
            if (i == n) {
                if (got == 0)
                    return (ssize_t)olen;
                *bad = n - got; /* Go: a short final quantum fails at its start */
                if (got == 1 || pad_at == 0)
                    return -EILSEQ;
                break;
            }
            unsigned char c = (unsigned char)s[i++];
            if (c == '\r' || c == '\n')
                continue;
            if (c == '=') {
                /* padding: "xx==" or "xxx=" and nothing after */
                if (got < 2) {
                    *bad = i - 1;
                    return -EILSEQ;
                }
                if (got == 2) {
                    while (i < n && (s[i] == '\r' || s[i] == '\n'))
                        i++;
                    if (i == n || s[i] != '=') {
                        *bad = i == n ? n : i;
                        return -EILSEQ;
                    }
                    i++;
                }
                while (i < n && (s[i] == '\r' || s[i] == '\n'))
                    i++;
                if (i < n) {
                    *bad = i;
                    return -EILSEQ;
                }
                pad_at = got;
                break;
            }
            int v = b64_value(c);
            if (v < 0) {
                *bad = i - 1;
                return -EILSEQ;
            }
            q[got++] = v;
        }
        size_t nq = pad_at ? pad_at : got;
        uint32_t v = 0;
        for (size_t k = 0; k < 4; k++)
            v = v << 6 | (uint32_t)(k < nq ? q[k] : 0);
        o[olen++] = (unsigned char)(v >> 16);
        if (nq > 2)
            o[olen++] = (unsigned char)(v >> 8);
        if (nq > 3)
            o[olen++] = (unsigned char)v;
        if (pad_at)
            break;
    }
    return (ssize_t)olen;
}
