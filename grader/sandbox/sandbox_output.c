/*
 * sandbox_output.c — keep the head and the tail of an output stream.
 *
 * A sandboxed program may write gigabytes; the grader keeps the first cap
 * bytes (where the first error usually is) and the last cap bytes (where
 * the summary is), and replaces the middle by one line saying how much was
 * cut. Memory stays at 2·cap whatever the program writes.
 *
 * Interface: sb_capture_init → sb_capture_add... → sb_capture_finish.
 */
#include "sandbox_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sb_capture_init(sb_capture_t *c, size_t cap)
{
    memset(c, 0, sizeof(*c));
    c->cap = cap;
    c->head = malloc(cap);
    c->ring = malloc(cap);
    if (!c->head || !c->ring) {
        sb_capture_free(c);
        return -ENOMEM;
    }
    return 0;
}

void sb_capture_add(sb_capture_t *c, const char *buf, size_t n)
{
    c->total += n;
    size_t h = c->cap - c->head_len;
    if (h > n)
        h = n;
    memcpy(c->head + c->head_len, buf, h);
    c->head_len += h;
    buf += h;
    n -= h;
    /* Only the last cap bytes of what is left can survive. */
    if (n > c->cap) {
        buf += n - c->cap;
        n = c->cap;
    }
    while (n > 0) {
        size_t chunk = c->cap - c->ring_pos;
        if (chunk > n)
            chunk = n;
        memcpy(c->ring + c->ring_pos, buf, chunk);
        c->ring_pos = (c->ring_pos + chunk) % c->cap;
        c->ring_len = c->ring_len + chunk > c->cap ? c->cap : c->ring_len + chunk;
        buf += chunk;
        n -= chunk;
    }
}

int sb_capture_finish(sb_capture_t *c, sandbox_output_t *out)
{
    size_t cut = c->total - c->head_len - c->ring_len;
    char mark[64] = "";
    if (cut > 0)
        snprintf(mark, sizeof(mark), "\n... [%zu bytes cut] ...\n", cut);
    size_t mlen = strlen(mark);
    size_t len = c->head_len + mlen + c->ring_len;
    char *data = malloc(len + 1);
    if (!data) {
        sb_capture_free(c);
        return -ENOMEM;
    }
    memcpy(data, c->head, c->head_len);
    memcpy(data + c->head_len, mark, mlen);
    /* The ring's oldest byte is at ring_pos once it has wrapped. */
    size_t start = c->ring_len == c->cap ? c->ring_pos : 0;
    char *t = data + c->head_len + mlen;
    if (start) {
        memcpy(t, c->ring + start, c->cap - start);
        t += c->cap - start;
    }
    memcpy(t, c->ring, start ? c->ring_pos : c->ring_len);
    data[len] = '\0';
    out->data = data;
    out->len = len;
    out->total = c->total;
    out->truncated = cut > 0;
    sb_capture_free(c);
    return 0;
}

void sb_capture_free(sb_capture_t *c)
{
    free(c->head);
    free(c->ring);
    c->head = c->ring = NULL;
}
