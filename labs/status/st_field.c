/*
 * st_field.c — header field lines (RFC 9112 §5) and what the head says as
 * a whole (§3.2, §6.1, §6.3).
 *
 * A field line is a token, a colon right after it (whitespace before the
 * colon is how one server reads "Transfer-Encoding : chunked" and another
 * does not), optional whitespace, a value of visible bytes, obs-text and
 * inner whitespace, and CRLF. A line that starts with whitespace is
 * obs-fold, or whitespace before the first field: both refused. The same
 * code reads the trailer section after a chunked body, without keeping it.
 *
 * Four fields are interpreted as their lines end: Host (one, valid),
 * Content-Length (one decimal number; repeats must agree), Transfer-Encoding
 * and Connection (comma-separated tokens, empty elements skipped). At the
 * empty line the head is judged whole, in this order: Host present in
 * HTTP/1.1; then the framing — Transfer-Encoding in HTTP/1.0 or beside
 * Content-Length, or not ending in exactly one chunked: 400; another coding
 * before chunked: 501 (none is implemented); a Content-Length over the
 * body limit: 413.
 *
 * Interface: st__fields (from st_feed) → field_start / name / ows / value /
 * field_lf / end_lf; st__field_done and st__head_done.
 */
#include <string.h>

#include "st_internal.h"

#if LAB_SOLUTION

/* ---- what the fields say ------------------------------------------------------------ */

static bool is_ws(char c)
{
    return c == ' ' || c == '\t';
}

/* Calls each(p, token, len) for every non-empty element of a comma-separated
 * list (RFC 9110 §5.6.1). Returns 0, or 400 for an element that is not a token. */
static int list_each(st_parser_t *p, const char *v, size_t n,
                     void (*each)(st_parser_t *, const char *, size_t))
{
    for (size_t i = 0; i <= n;) {
        size_t j = i;
        while (j < n && v[j] != ',')
            j++;
        size_t a = i, b = j;
        while (a < b && is_ws(v[a]))
            a++;
        while (b > a && is_ws(v[b - 1]))
            b--;
        if (a < b) {
            if (st__run((const uint8_t *)v + a, b - a, ST_C_TCHAR) != b - a)
                return 400;
            each(p, v + a, b - a);
        }
        i = j + 1;
    }
    return 0;
}

/* Whether token t is lower (letters and '-'), ignoring case. On a token,
 * OR-ing 0x20 maps only 'A'-'Z' onto letters and nothing else onto '-'. */
static bool token_is(const char *t, size_t n, const char *lower)
{
    size_t i = 0;
    for (; i < n && lower[i]; i++)
        if ((t[i] | 0x20) != lower[i])
            return false;
    return i == n && !lower[i];
}

static void te_coding(st_parser_t *p, const char *t, size_t n)
{
    bool chunked = token_is(t, n, "chunked");
    if (p->te_chunked_last)
        p->te_misplaced = true; /* anything after chunked, chunked again too */
    p->te_chunked_last = chunked;
    if (!chunked)
        p->te_unknown = true;
}

static void connection_option(st_parser_t *p, const char *t, size_t n)
{
    if (token_is(t, n, "close"))
        p->conn_close = true;
    else if (token_is(t, n, "keep-alive"))
        p->conn_keep_alive = true;
}

static int host_field(st_parser_t *p, const char *v, size_t n)
{
    if (++p->hosts > 1)
        return 400;
    uint8_t h = ST_H_START;
    p->pct = 0;
    /* A reg-name goes by in a run; '%', '[' and ':' through the automaton. */
    size_t i = st__run((const uint8_t *)v, n, ST_C_REG);
    if (i) {
        h = ST_H_REG;
        p->host_named = true;
    }
    for (; i < n && h != ST_H_BAD; i++)
        h = st__host_step(p, h, (uint8_t)v[i]);
    return st__host_end(p, h, false, false) ? 0 : 400; /* an empty Host is allowed */
}

static int content_length(st_parser_t *p, const char *v, size_t n)
{
    uint64_t len = 0;
    if (!n)
        return 400;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return 400; /* no sign, no list, no spaces inside */
        unsigned d = (unsigned)(v[i] - '0');
        if (len > ((uint64_t)INT64_MAX - d) / 10)
            return 400;
        len = len * 10 + d;
    }
    if (p->has_cl && p->cl != len)
        return 400;
    p->has_cl = true;
    p->cl = len;
    return 0;
}

int st__field_done(st_parser_t *p, const char *name, size_t nlen, const char *value, size_t vlen)
{
    switch (nlen) {
    case 4: return token_is(name, nlen, "host") ? host_field(p, value, vlen) : 0;
    case 10:
        return token_is(name, nlen, "connection") ? list_each(p, value, vlen, connection_option)
                                                  : 0;
    case 14: return token_is(name, nlen, "content-length") ? content_length(p, value, vlen) : 0;
    case 17:
        if (!token_is(name, nlen, "transfer-encoding"))
            return 0;
        p->has_te = true;
        return list_each(p, value, vlen, te_coding);
    }
    return 0;
}

int st__head_done(st_parser_t *p)
{
    if (p->minor >= 1 && p->hosts == 0)
        return 400;
    if (p->has_te) {
        if (p->minor == 0 || p->has_cl || p->te_misplaced || !p->te_chunked_last)
            return 400;
        if (p->te_unknown)
            return 501;
        p->framing = ST_BODY_CHUNKED;
        p->phase = ST_PH_CHUNK;
        p->sub = ST_CS_SIZE0;
        p->line = 0;
    } else if (p->has_cl) {
        if (p->cl > p->lim.max_body)
            return 413;
        p->framing = ST_BODY_LENGTH;
        p->left = p->cl;
        p->phase = ST_PH_LENGTH;
    }
    p->head_done = true;
    if (p->framing == ST_BODY_NONE || (p->framing == ST_BODY_LENGTH && !p->cl))
        st__done(p);
    return 0;
}

/* ---- field lines -------------------------------------------------------------------- */

static const uint8_t *field_start(st_parser_t *p, const uint8_t *s)
{
    if (!st__head_left(p))
        return st__fail(p, 431);
    if (*s == '\r') {
        p->used++;
        p->phase = ST_PH_END_LF;
        return s + 1;
    }
    if (p->lines == p->lim.max_fields)
        return st__fail(p, 431);
    if (!st__is(*s, ST_C_TCHAR))
        return st__fail(p, 400); /* SP or HTAB: obs-fold, or space before the first field */
    p->lines++;
    p->line = 0;
    p->mark = p->alen;
    p->phase = ST_PH_NAME;
    return s;
}

/* After a run of n bytes stopped at s (there is a byte there): 431 if a
 * budget was spent and s is not the CR a field line may end with. */
static bool over_budget(const st_parser_t *p, const uint8_t *s)
{
    return (p->line == p->lim.max_field && *s != '\r') || !st__head_left(p);
}

static const uint8_t *name(st_parser_t *p, const uint8_t *s, const uint8_t *e)
{
    size_t avail = (size_t)(e - s);
    size_t n = st__min(st__min(avail, st__head_left(p)), p->lim.max_field - p->line);
    size_t i = st__run(s, n, ST_C_TCHAR);
    if (!p->trailer) {
        memcpy(p->arena + p->alen, s, i);
        p->alen += i;
    }
    p->line += i, p->used += i, s += i;
    if (i == avail)
        return s;
    if (over_budget(p, s))
        return st__fail(p, 431);
    if (*s != ':')
        return st__fail(p, 400); /* whitespace before the colon included */
    p->name_len = p->line;
    if (!p->trailer)
        p->arena[p->alen++] = '\0';
    p->line++, p->used++;
    p->mark = p->vend = p->alen;
    p->phase = ST_PH_OWS;
    return s + 1;
}

static const uint8_t *ows(st_parser_t *p, const uint8_t *s, const uint8_t *e)
{
    for (; s < e; s++, p->line++, p->used++) {
        if (over_budget(p, s))
            return st__fail(p, 431);
        if (*s != ' ' && *s != '\t') {
            p->phase = ST_PH_VALUE;
            return s;
        }
    }
    return s;
}

static const uint8_t *field_lf(st_parser_t *p, const uint8_t *s);

static const uint8_t *value(st_parser_t *p, const uint8_t *s, const uint8_t *e)
{
    size_t avail = (size_t)(e - s);
    size_t n = st__min(st__min(avail, st__head_left(p)), p->lim.max_field - p->line);
    size_t i = st__value_run(s, n);
    if (!p->trailer && i) {
        size_t j = i;
        while (j && (s[j - 1] == ' ' || s[j - 1] == '\t'))
            j--;
        memcpy(p->arena + p->alen, s, i);
        if (j)
            p->vend = p->alen + j; /* trailing whitespace is not the value's */
        p->alen += i;
    }
    p->line += i, p->used += i, s += i;
    if (i == avail)
        return s;
    if (over_budget(p, s))
        return st__fail(p, 431);
    if (*s != '\r')
        return st__fail(p, 400); /* a control byte, a bare LF */
    if (!p->trailer) {
        p->arena[p->vend] = '\0';
        p->alen = p->vend + 1;
    }
    p->used++;
    p->phase = ST_PH_FIELD_LF;
    /* The LF is most often right there: take it without a trip round the loop. */
    return s + 1 < e ? field_lf(p, s + 1) : s + 1;
}

static const uint8_t *field_lf(st_parser_t *p, const uint8_t *s)
{
    if (!st__head_left(p))
        return st__fail(p, 431);
    if (*s != '\n')
        return st__fail(p, 400);
    p->used++;
    p->phase = ST_PH_FIELD_START;
    if (p->trailer)
        return s + 1; /* trailer fields are checked, not kept */
    const char *v = p->arena + p->mark, *nm = v - p->name_len - 1;
    size_t vlen = p->vend - p->mark;
    int rc = st__field_done(p, nm, p->name_len, v, vlen);
    if (rc)
        return st__fail(p, rc);
    p->fields[p->nfields++] = (st_field_t){nm, p->name_len, v, vlen};
    return s + 1;
}

static const uint8_t *end_lf(st_parser_t *p, const uint8_t *s)
{
    if (!st__head_left(p))
        return st__fail(p, 431);
    if (*s != '\n')
        return st__fail(p, 400);
    p->used++;
    if (p->trailer) {
        st__done(p);
        return s + 1;
    }
    int rc = st__head_done(p);
    return rc ? st__fail(p, rc) : s + 1;
}

const uint8_t *st__fields(st_parser_t *p, const uint8_t *s, const uint8_t *e)
{
    while (s && s < e && p->phase >= ST_PH_FIELD_START && p->phase <= ST_PH_END_LF) {
        switch (p->phase) {
        case ST_PH_FIELD_START: s = field_start(p, s); break;
        case ST_PH_NAME: s = name(p, s, e); break;
        case ST_PH_OWS: s = ows(p, s, e); break;
        case ST_PH_VALUE: s = value(p, s, e); break;
        case ST_PH_FIELD_LF: s = field_lf(p, s); break;
        default: s = end_lf(p, s); break;
        }
    }
    return s;
}

#endif
