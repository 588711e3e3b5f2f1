/*
 * strbuf.c — see strbuf.h. Growth doubles, so appending n bytes one at a
 * time costs O(n) overall.
 */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool grow(strbuf_t *sb, size_t extra)
{
    if (sb->oom)
        return false;
    if (sb->len + extra + 1 <= sb->cap)
        return true;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    char *p = realloc(sb->buf, cap);
    if (!p) {
        sb->oom = true;
        return false;
    }
    sb->buf = p;
    sb->cap = cap;
    return true;
}

void strbuf_add(strbuf_t *sb, const char *s, size_t len)
{
    if (!grow(sb, len))
        return;
    memcpy(sb->buf + sb->len, s, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

void strbuf_adds(strbuf_t *sb, const char *s) { strbuf_add(sb, s, strlen(s)); }

void strbuf_addf(strbuf_t *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !grow(sb, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

char *strbuf_detach(strbuf_t *sb)
{
    char *p = sb->oom ? NULL : sb->buf ? sb->buf : strdup("");
    if (sb->oom)
        free(sb->buf);
    *sb = (strbuf_t)STRBUF_INIT;
    return p;
}

void strbuf_release(strbuf_t *sb)
{
    free(sb->buf);
    *sb = (strbuf_t)STRBUF_INIT;
}
