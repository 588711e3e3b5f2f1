/*
 * strbuf.h — a growable, always NUL-terminated byte string.
 *
 * Interface: strbuf_t sb = STRBUF_INIT; strbuf_addf(&sb, ...); use sb.buf;
 * strbuf_release(&sb) or take ownership with strbuf_detach(). Allocation
 * failure is sticky: sb.oom is set, later appends do nothing, and callers
 * check it once at the end.
 */
#ifndef UNDERGO_STRBUF_H
#define UNDERGO_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
    char *buf;      /* NULL until the first append */
    size_t len, cap;
    bool oom;
} strbuf_t;

#define STRBUF_INIT {NULL, 0, 0, false}

/* Appends len bytes of s. */
void strbuf_add(strbuf_t *sb, const char *s, size_t len);
/* Appends a NUL-terminated string. */
void strbuf_adds(strbuf_t *sb, const char *s);
/* Appends printf-style text. */
void strbuf_addf(strbuf_t *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the buffer (caller frees; "" when empty, NULL on oom) and resets sb. */
char *strbuf_detach(strbuf_t *sb);
/* Frees the buffer and resets sb. */
void strbuf_release(strbuf_t *sb);

#endif
