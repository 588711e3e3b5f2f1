/*
 * st_line.c — the request line (RFC 9112 §3): method SP request-target SP
 * HTTP-version CRLF, after any empty lines a client left before it.
 *
 * The method is a token, compared case-sensitively. The target's first
 * byte picks its form and the method must fit it: "/" origin-form, "*"
 * asterisk-form (OPTIONS only), a letter absolute-form (scheme "://"
 * authority), and CONNECT always authority-form (host ":" port). Paths and
 * queries take only RFC 3986's characters, and a '%' two HEXDIGs. The
 * version is "HTTP/" DIGIT "." DIGIT exactly; one whose major is not 1 is
 * well formed but not ours: 505.
 *
 * Interface: st__line (from st_feed) → start / method / target / version,
 * each returning at the end of the input or of its phase.
 */
#include <string.h>

#include "st_internal.h"

#if LAB_SOLUTION

/* ---- the host automaton: uri-host [":" port] ------------------------------------ */

uint8_t st__host_step(st_parser_t *p, uint8_t h, uint8_t c)
{
    if (p->pct) { /* inside a pct-encoded octet of a reg-name */
        if (!st__is(c, ST_C_HEX))
            return ST_H_BAD;
        p->pct--;
        return h;
    }
    switch (h) {
    case ST_H_START:
        if (c == '[') {
            p->host_named = true;
            return ST_H_IP0;
        }
        /* fallthrough */
    case ST_H_REG:
        if (st__is(c, ST_C_REG) || c == '%') {
            p->host_named = true;
            p->pct = c == '%' ? 2 : 0;
            return ST_H_REG;
        }
        return c == ':' ? ST_H_PORT0 : ST_H_BAD;
    case ST_H_IP0:
    case ST_H_IP:
        /* An IPv6 literal: its characters, not its grammar. */
        if (st__is(c, ST_C_HEX) || c == ':' || c == '.')
            return ST_H_IP;
        return c == ']' && h == ST_H_IP ? ST_H_IP_END : ST_H_BAD;
    case ST_H_IP_END: return c == ':' ? ST_H_PORT0 : ST_H_BAD;
    case ST_H_PORT0:
    case ST_H_PORT: return c >= '0' && c <= '9' ? ST_H_PORT : ST_H_BAD;
    }
    return ST_H_BAD;
}

bool st__host_end(const st_parser_t *p, uint8_t h, bool need_host, bool need_port)
{
    if (p->pct || h == ST_H_BAD || h == ST_H_IP0 || h == ST_H_IP)
        return false;
    if (need_host && !p->host_named)
        return false;
    return !need_port || h == ST_H_PORT;
}

/* ---- empty lines, then the method ----------------------------------------------- */

static const uint8_t *start(st_parser_t *p, const uint8_t *s, const uint8_t *e)
{
    for (; s < e; s++, p->used++) {
        if (!st__head_left(p))
            return st__fail(p, 431);
        if (p->phase == ST_PH_START_LF) {
            if (*s != '\n')
                return st__fail(p, 400);
            p->phase = ST_PH_START;
        } else if (*s == '\r') {
            p->phase = ST_PH_START_LF;
        } else if (st__is(*s, ST_C_TCHAR)) {
            p->phase = ST_PH_METHOD;
            return s;
        } else {
            return st__fail(p, 400);
        }
    }
    return s;
}

static const uint8_t *method(st_parser_t *p, const uint8_t *s, const uint8_t *e)
{
    size_t avail = (size_t)(e - s), left = st__head_left(p);
    size_t i = st__run(s, st__min(avail, left), ST_C_TCHAR);
    memcpy(p->arena + p->alen, s, i);
    p->alen += i, p->used += i, s += i;
    if (i == avail)
        return s;
    if (i == left)
        return st__fail(p, 431);
    if (*s != ' ')
        return st__fail(p, 400);
    size_t n = p->alen; /* the method starts the arena */
    p->connect = n == 7 && !memcmp(p->arena, "CONNECT", 7);
    p->options = n == 7 && !memcmp(p->arena, "OPTIONS", 7);
    p->arena[p->alen++] = '\0';
    p->used++;
    p->phase = ST_PH_TARGET;
    p->sub = ST_T_FIRST;
    p->target_off = p->alen;
    return s + 1;
}

/* ---- the request-target ---------------------------------------------------------- */

/* The first byte: the form, and whether the method allows it. */
static bool target_first(st_parser_t *p, uint8_t c)
{
    if (p->connect) {
        p->form = ST_FORM_AUTHORITY;
        p->sub = ST_T_CONNECT;
        p->host = st__host_step(p, ST_H_START, c);
        return p->host != ST_H_BAD;
    }
    if (c == '/') {
        p->form = ST_FORM_ORIGIN;
        p->sub = ST_T_PATH;
    } else if (c == '*') {
        p->form = ST_FORM_ASTERISK;
        p->sub = ST_T_STAR;
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
        p->form = ST_FORM_ABSOLUTE;
        p->sub = ST_T_SCHEME;
    } else {
        return false;
    }
    return true;
}

/* One byte of the target that is not its ending SP: false if it cannot be there. */
static bool target_step(st_parser_t *p, uint8_t c)
{
    switch (p->sub) {
    case ST_T_FIRST: return target_first(p, c);
    case ST_T_AUTH:
        if ((c == '/' || c == '?') && !p->pct) {
            p->sub = c == '/' ? ST_T_PATH : ST_T_QUERY;
            return st__host_end(p, p->host, true, false);
        }
        /* fallthrough */
    case ST_T_CONNECT: p->host = st__host_step(p, p->host, c); return p->host != ST_H_BAD;
    case ST_T_SCHEME:
        if (c == ':')
            p->sub = ST_T_SLASH1;
        return c == ':' || st__is(c, ST_C_SCHEME);
    case ST_T_SLASH1:
    case ST_T_SLASH2:
        if (c != '/')
            return false;
        p->sub = p->sub == ST_T_SLASH1 ? ST_T_SLASH2 : ST_T_AUTH;
        p->host = ST_H_START;
        return true;
    case ST_T_STAR: return false;
    }
    if (p->pct) {
        p->pct--;
        return st__is(c, ST_C_HEX);
    }
    if (c == '%') {
        p->pct = 2;
        return true;
    }
    if (c == '?')
        p->sub = ST_T_QUERY;
    return st__is(c, p->sub == ST_T_PATH ? ST_C_PCHAR : ST_C_QUERY) || c == '?';
}

/* The SP after the target: whether what was read is a whole target. */
static bool target_whole(const st_parser_t *p)
{
    switch (p->sub) {
    case ST_T_PATH:
    case ST_T_QUERY: return !p->pct;
    case ST_T_STAR: return p->options;
    case ST_T_AUTH: return st__host_end(p, p->host, true, false);
    case ST_T_CONNECT: return st__host_end(p, p->host, true, true);
    }
    return false; /* empty, or a scheme without "//" */
}

/* Paths and queries go by in runs; every other byte through target_step. */
static const uint8_t *target(st_parser_t *p, const uint8_t *s, const uint8_t *e)
{
    while (s < e) {
        if ((p->sub == ST_T_PATH || p->sub == ST_T_QUERY) && !p->pct) {
            size_t avail = (size_t)(e - s);
            size_t n = st__min(st__min(avail, st__head_left(p)), p->lim.max_target - p->target_len);
            size_t i = st__run(s, n, p->sub == ST_T_PATH ? ST_C_PCHAR : ST_C_QUERY);
            memcpy(p->arena + p->alen, s, i);
            p->alen += i, p->used += i, p->target_len += i, s += i;
            if (i == avail)
                return s;
        }
        uint8_t c = *s;
        if (c != ' ' && p->target_len == p->lim.max_target)
            return st__fail(p, 414);
        if (!st__head_left(p))
            return st__fail(p, 431);
        if (c == ' ') {
            if (!target_whole(p))
                return st__fail(p, 400);
            p->arena[p->alen++] = '\0';
            p->used++;
            p->phase = ST_PH_VERSION;
            p->sub = 0;
            return s + 1;
        }
        if (!target_step(p, c))
            return st__fail(p, 400);
        p->arena[p->alen++] = (char)c;
        p->used++, p->target_len++, s++;
    }
    return s;
}

/* ---- the version ---------------------------------------------------------------------- */

static const uint8_t *version_end(st_parser_t *p, const uint8_t *s)
{
    if (p->major != 1)
        return st__fail(p, 505);
    p->phase = ST_PH_FIELD_START;
    p->lines = 0;
    return s;
}

/* "HTTP/" DIGIT "." DIGIT CR LF, p->sub bytes of it already taken. */
static const uint8_t *version(st_parser_t *p, const uint8_t *s, const uint8_t *e)
{
    static const char shape[] = "HTTP/1.1\r\n";
    if (p->sub == 0 && e - s >= 10 && st__head_left(p) >= 10 && !memcmp(s, shape, 10)) {
        p->major = p->minor = 1;
        p->used += 10;
        return version_end(p, s + 10);
    }
    for (; s < e; s++) {
        if (!st__head_left(p))
            return st__fail(p, 431);
        uint8_t c = *s;
        bool digit = c >= '0' && c <= '9';
        if (p->sub == 5 && digit)
            p->major = c - '0';
        else if (p->sub == 7 && digit)
            p->minor = c - '0';
        else if (p->sub == 5 || p->sub == 7 || c != (uint8_t)shape[p->sub])
            return st__fail(p, 400);
        p->used++;
        if (++p->sub == 10)
            return version_end(p, s + 1);
    }
    return s;
}

const uint8_t *st__line(st_parser_t *p, const uint8_t *s, const uint8_t *e)
{
    while (s && s < e && p->phase <= ST_PH_VERSION) {
        switch (p->phase) {
        case ST_PH_START:
        case ST_PH_START_LF: s = start(p, s, e); break;
        case ST_PH_METHOD: s = method(p, s, e); break;
        case ST_PH_TARGET: s = target(p, s, e); break;
        default: s = version(p, s, e); break;
        }
    }
    return s;
}

#endif
