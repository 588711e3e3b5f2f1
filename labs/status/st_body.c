/*
 * st_body.c — the body as the head framed it (RFC 9112 §6.3, §7.1):
 * Content-Length bytes, or chunks — a size line (HEXDIG, then extensions),
 * data, CRLF — up to the last chunk of size 0, then the trailer section,
 * which st_field.c reads with a budget of its own and does not keep.
 *
 * Body bytes go to on_body in runs as they pass, straight from the
 * caller's buffer. The sum of chunk sizes is held to max_body as each size
 * digit arrives (413), so a size of twenty hex digits never overflows. A
 * chunk-size line longer than max_field is 400: extensions are not a
 * place to park megabytes.
 *
 * Interface: st__body (from st_feed) → length / chunk_line / data / data_cr
 * / data_lf.
 */
#include "st_internal.h"

#if LAB_SOLUTION

static void deliver(st_parser_t *p, const uint8_t *s, size_t n)
{
    if (n && p->on_body)
        p->on_body(p->ud, (const char *)s, n);
    p->body += n;
    p->left -= n;
}

static const uint8_t *length(st_parser_t *p, const uint8_t *s, const uint8_t *e)
{
    size_t n = (size_t)st__min((size_t)(e - s), p->left < SIZE_MAX ? (size_t)p->left : SIZE_MAX);
    deliver(p, s, n);
    if (!p->left)
        st__done(p);
    return s + n;
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    return (c | 0x20) - 'a' + 10;
}

/* The chunk-size line is complete: data, or the trailer section. */
static void chunk_line_end(st_parser_t *p)
{
    if (p->chunk == 0) {
        p->trailer = true;
        p->used = 0;
        p->lines = 0;
        p->phase = ST_PH_FIELD_START;
        return;
    }
    p->left = p->chunk;
    p->phase = ST_PH_DATA;
}

/* The next st_csub after byte c in state cs, or 0xff when c cannot be there. */
static uint8_t chunk_step(uint8_t cs, uint8_t c)
{
    bool ws = c == ' ' || c == '\t', tok = st__is(c, ST_C_TCHAR);
    switch (cs) {
    case ST_CS_SIZE0: return st__is(c, ST_C_HEX) ? ST_CS_SIZE : 0xff;
    case ST_CS_SIZE:
        if (st__is(c, ST_C_HEX))
            return ST_CS_SIZE;
        /* fallthrough */
    case ST_CS_VAL_TOKEN:
    case ST_CS_VAL_AFTER_Q:
        if (cs == ST_CS_VAL_TOKEN && tok)
            return cs;
        return c == ';' ? ST_CS_EXT_PRE : ws ? ST_CS_BWS : c == '\r' ? ST_CS_LF : 0xff;
    case ST_CS_BWS: return ws ? cs : c == ';' ? ST_CS_EXT_PRE : 0xff;
    case ST_CS_EXT_PRE: return ws ? cs : tok ? ST_CS_EXT_NAME : 0xff;
    case ST_CS_EXT_NAME:
        if (tok)
            return cs;
        if (c == '\r')
            return ST_CS_LF;
        /* fallthrough */
    case ST_CS_EXT_NAME_BWS:
        return ws ? ST_CS_EXT_NAME_BWS : c == '=' ? ST_CS_VAL_PRE : c == ';' ? ST_CS_EXT_PRE : 0xff;
    case ST_CS_VAL_PRE: return ws ? cs : c == '"' ? ST_CS_VAL_QUOTED : tok ? ST_CS_VAL_TOKEN : 0xff;
    case ST_CS_VAL_QUOTED:
        if (c == '"')
            return ST_CS_VAL_AFTER_Q;
        if (c == '\\')
            return ST_CS_VAL_QPAIR;
        return (ws || st__is(c, ST_C_VCHAR)) ? cs : 0xff;
    case ST_CS_VAL_QPAIR: return (ws || st__is(c, ST_C_VCHAR)) ? ST_CS_VAL_QUOTED : 0xff;
    }
    return 0xff;
}

/* The common chunk-size line, a few HEXDIGs and CRLF all in the buffer,
 * in one go; NULL when it is not that (the byte loop decides then). */
static const uint8_t *chunk_line_fast(st_parser_t *p, const uint8_t *s, const uint8_t *e)
{
    size_t avail = (size_t)(e - s), i = 0;
    uint64_t v = 0;
    /* At most 15 digits: 60 bits, no overflow. */
    while (i < 15 && i < avail && st__is(s[i], ST_C_HEX))
        v = v * 16 + (uint64_t)hexval(s[i++]);
    if (!i || i + 1 >= avail || s[i] != '\r' || s[i + 1] != '\n' || i > p->lim.max_field ||
        v > p->lim.max_body - p->body)
        return NULL;
    p->chunk = v;
    chunk_line_end(p);
    return s + i + 2;
}

static const uint8_t *chunk_line(st_parser_t *p, const uint8_t *s, const uint8_t *e)
{
    if (p->sub == ST_CS_SIZE0) {
        const uint8_t *end = chunk_line_fast(p, s, e);
        if (end)
            return end;
    }
    for (; s < e; s++) {
        uint8_t c = *s;
        if (p->sub == ST_CS_LF) {
            if (c != '\n')
                return st__fail(p, 400);
            chunk_line_end(p);
            return s + 1;
        }
        if (p->line == p->lim.max_field && c != '\r')
            return st__fail(p, 400);
        uint8_t next = chunk_step(p->sub, c);
        if (next == 0xff)
            return st__fail(p, 400);
        if (next == ST_CS_SIZE) {
            /* The sum of chunk sizes stays within max_body, digit by digit. */
            uint64_t room = p->lim.max_body - p->body, d = (uint64_t)hexval(c);
            if (p->chunk > room / 16 || d > room - p->chunk * 16)
                return st__fail(p, 413);
            p->chunk = p->chunk * 16 + d;
        }
        p->sub = next;
        p->line++;
    }
    return s;
}

static const uint8_t *data(st_parser_t *p, const uint8_t *s, const uint8_t *e)
{
    size_t n = (size_t)st__min((size_t)(e - s), p->left < SIZE_MAX ? (size_t)p->left : SIZE_MAX);
    deliver(p, s, n);
    if (p->left)
        return s + n;
    p->phase = ST_PH_DATA_CR;
    if ((size_t)(e - s) - n >= 2 && s[n] == '\r' && s[n + 1] == '\n') {
        /* The CRLF after the data is here too: straight to the next size. */
        p->phase = ST_PH_CHUNK;
        p->sub = ST_CS_SIZE0;
        p->line = 0;
        p->chunk = 0;
        return s + n + 2;
    }
    return s + n;
}

static const uint8_t *data_end(st_parser_t *p, const uint8_t *s)
{
    uint8_t want = p->phase == ST_PH_DATA_CR ? '\r' : '\n';
    if (*s != want)
        return st__fail(p, 400);
    if (p->phase == ST_PH_DATA_CR) {
        p->phase = ST_PH_DATA_LF;
    } else {
        p->phase = ST_PH_CHUNK;
        p->sub = ST_CS_SIZE0;
        p->line = 0;
        p->chunk = 0;
    }
    return s + 1;
}

const uint8_t *st__body(st_parser_t *p, const uint8_t *s, const uint8_t *e)
{
    while (s && s < e && p->phase >= ST_PH_LENGTH && p->phase < ST_PH_OVER) {
        switch (p->phase) {
        case ST_PH_LENGTH: s = length(p, s, e); break;
        case ST_PH_CHUNK: s = chunk_line(p, s, e); break;
        case ST_PH_DATA: s = data(p, s, e); break;
        default: s = data_end(p, s); break;
        }
    }
    return s;
}

#endif
