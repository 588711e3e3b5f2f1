/*
 * reflect_scan.c — support code (not part of the answer): the JSON reader
 * plumbing of encoding/json.
 *
 * reflect_json_check is Go's scanner (encoding/json/scanner.go) byte for byte:
 * a state machine with a stack of "inside an object key / object value / array
 * value", whose error texts are Go's SyntaxError messages, so an invalid input
 * is refused with the words Go uses. Go checks the whole input before decoding
 * anything; so does this lab's decoder, which then reads tokens from the
 * checked input with reflect_json_next and decodes string literals with
 * reflect_json_unquote (Go's unquoteBytes: invalid UTF-8 and lone surrogates
 * become U+FFFD).
 *
 * Interface: reflect_json_check → reflect_json_next / _peek / _skip →
 * reflect_json_unquote.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reflect.h"

/* ---- the scanner ------------------------------------------------------------------ */

enum { PARSE_OBJECT_KEY, PARSE_OBJECT_VALUE, PARSE_ARRAY_VALUE };
#define MAX_DEPTH 10000

typedef struct scanner scanner_t;
typedef int (*step_fn)(scanner_t *s, unsigned char c);

struct scanner {
    step_fn step;
    bool end_top;
    bool failed;
    unsigned char *stack;
    size_t depth, cap;
    int hex;         /* digits seen of the current \u escape */
    const char *lit; /* the literal being read: "true", "false", "null" */
    size_t lit_at;   /* its next letter */
    reflect_error_t *err;
};

static int st_begin_value(scanner_t *s, unsigned char c);
static int st_end_value(scanner_t *s, unsigned char c);
static int st_in_string(scanner_t *s, unsigned char c);

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Go's quoteChar: the byte as strconv.Quote(string(rune(c))) shows it, in
 * single quotes. */
static void quote_char(unsigned char c, char *out, size_t cap)
{
    if (c == '\'') {
        snprintf(out, cap, "'\\''");
    } else if (c == '"') {
        snprintf(out, cap, "'\"'");
    } else if (c == '\\') {
        snprintf(out, cap, "'\\\\'");
    } else if (c == '\a' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t' ||
               c == '\v') {
        static const char esc[] = "abtnvfr";
        snprintf(out, cap, "'\\%c'", esc[c == '\a' ? 0 : c - '\b' + 1]);
    } else if (c < 0x20 || c == 0x7f) {
        snprintf(out, cap, "'\\x%02x'", c);
    } else if (c < 0x80) {
        snprintf(out, cap, "'%c'", c);
    } else if (c < 0xA1 || c == 0xAD) {
        snprintf(out, cap, "'\\u%04x'", c); /* C1 controls, NBSP, soft hyphen: not printable */
    } else {
        snprintf(out, cap, "'%c%c'", 0xC0 | (c >> 6), 0x80 | (c & 0x3F));
    }
}

static int fail(scanner_t *s, unsigned char c, const char *context)
{
    char q[16];
    quote_char(c, q, sizeof q);
    s->failed = true;
    if (s->err)
        snprintf(s->err->msg, sizeof s->err->msg, "invalid character %s %s", q, context);
    return -1;
}

static int push(scanner_t *s, unsigned char c, unsigned char state)
{
    if (s->depth == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 32;
        unsigned char *st = realloc(s->stack, cap);
        if (!st)
            return fail(s, c, "exceeded max depth");
        s->stack = st;
        s->cap = cap;
    }
    s->stack[s->depth++] = state;
    if (s->depth > MAX_DEPTH)
        return fail(s, c, "exceeded max depth");
    return 0;
}

static void pop(scanner_t *s)
{
    s->depth--;
    if (s->depth == 0) {
        s->end_top = true;
    }
    s->step = st_end_value;
}

static int st_end_top(scanner_t *s, unsigned char c)
{
    if (!is_space(c))
        return fail(s, c, "after top-level value");
    return 0;
}

static int st_begin_string(scanner_t *s, unsigned char c)
{
    if (is_space(c))
        return 0;
    if (c == '"') {
        s->step = st_in_string;
        return 0;
    }
    return fail(s, c, "looking for beginning of object key string");
}

static int st_begin_string_or_empty(scanner_t *s, unsigned char c)
{
    if (is_space(c))
        return 0;
    if (c == '}') {
        s->stack[s->depth - 1] = PARSE_OBJECT_VALUE;
        return st_end_value(s, c);
    }
    return st_begin_string(s, c);
}

static int st_begin_value_or_empty(scanner_t *s, unsigned char c)
{
    if (is_space(c))
        return 0;
    if (c == ']')
        return st_end_value(s, c);
    return st_begin_value(s, c);
}

static int st_end_value(scanner_t *s, unsigned char c)
{
    if (s->depth == 0) {
        s->step = st_end_top;
        s->end_top = true;
        return st_end_top(s, c);
    }
    if (is_space(c)) {
        s->step = st_end_value;
        return 0;
    }
    switch (s->stack[s->depth - 1]) {
    case PARSE_OBJECT_KEY:
        if (c == ':') {
            s->stack[s->depth - 1] = PARSE_OBJECT_VALUE;
            s->step = st_begin_value;
            return 0;
        }
        return fail(s, c, "after object key");
    case PARSE_OBJECT_VALUE:
        if (c == ',') {
            s->stack[s->depth - 1] = PARSE_OBJECT_KEY;
            s->step = st_begin_string;
            return 0;
        }
        if (c == '}') {
            pop(s);
            return 0;
        }
        return fail(s, c, "after object key:value pair");
    default:
        if (c == ',') {
            s->step = st_begin_value;
            return 0;
        }
        if (c == ']') {
            pop(s);
            return 0;
        }
        return fail(s, c, "after array element");
    }
}

/* Strings. */
static int st_in_string_esc(scanner_t *s, unsigned char c);
static int st_esc_u(scanner_t *s, unsigned char c);

static int st_in_string(scanner_t *s, unsigned char c)
{
    if (c == '"') {
        s->step = st_end_value;
        return 0;
    }
    if (c == '\\') {
        s->step = st_in_string_esc;
        return 0;
    }
    if (c < 0x20)
        return fail(s, c, "in string literal");
    return 0;
}

static int st_in_string_esc(scanner_t *s, unsigned char c)
{
    if (strchr("bfnrt\\/\"", c) && c) {
        s->step = st_in_string;
        return 0;
    }
    if (c == 'u') {
        s->step = st_esc_u;
        s->hex = 0;
        return 0;
    }
    return fail(s, c, "in string escape code");
}

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int st_esc_u(scanner_t *s, unsigned char c)
{
    if (!is_hex(c))
        return fail(s, c, "in \\u hexadecimal character escape");
    if (++s->hex == 4)
        s->step = st_in_string;
    return 0;
}

/* Numbers. */
static int st_0(scanner_t *s, unsigned char c);
static int st_1(scanner_t *s, unsigned char c);
static int st_dot(scanner_t *s, unsigned char c);
static int st_dot0(scanner_t *s, unsigned char c);
static int st_e(scanner_t *s, unsigned char c);
static int st_esign(scanner_t *s, unsigned char c);
static int st_e0(scanner_t *s, unsigned char c);

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int st_neg(scanner_t *s, unsigned char c)
{
    if (c == '0') {
        s->step = st_0;
        return 0;
    }
    if (c >= '1' && c <= '9') {
        s->step = st_1;
        return 0;
    }
    return fail(s, c, "in numeric literal");
}

static int st_1(scanner_t *s, unsigned char c)
{
    if (is_digit(c))
        return 0;
    return st_0(s, c);
}

static int st_0(scanner_t *s, unsigned char c)
{
    if (c == '.') {
        s->step = st_dot;
        return 0;
    }
    if (c == 'e' || c == 'E') {
        s->step = st_e;
        return 0;
    }
    return st_end_value(s, c);
}

static int st_dot(scanner_t *s, unsigned char c)
{
    if (is_digit(c)) {
        s->step = st_dot0;
        return 0;
    }
    return fail(s, c, "after decimal point in numeric literal");
}

static int st_dot0(scanner_t *s, unsigned char c)
{
    if (is_digit(c))
        return 0;
    if (c == 'e' || c == 'E') {
        s->step = st_e;
        return 0;
    }
    return st_end_value(s, c);
}

static int st_e(scanner_t *s, unsigned char c)
{
    if (c == '+' || c == '-') {
        s->step = st_esign;
        return 0;
    }
    return st_esign(s, c);
}

static int st_esign(scanner_t *s, unsigned char c)
{
    if (is_digit(c)) {
        s->step = st_e0;
        return 0;
    }
    return fail(s, c, "in exponent of numeric literal");
}

static int st_e0(scanner_t *s, unsigned char c)
{
    if (is_digit(c))
        return 0;
    return st_end_value(s, c);
}

/* Literals: true, false, null, one letter at a time. */
static int st_literal(scanner_t *s, unsigned char c)
{
    if (c == (unsigned char)s->lit[s->lit_at]) {
        if (s->lit[++s->lit_at] == '\0')
            s->step = st_end_value;
        return 0;
    }
    char context[64];
    snprintf(context, sizeof context, "in literal %s (expecting '%c')", s->lit, s->lit[s->lit_at]);
    return fail(s, c, context);
}

static int st_begin_value(scanner_t *s, unsigned char c)
{
    if (is_space(c))
        return 0;
    switch (c) {
    case '{': s->step = st_begin_string_or_empty; return push(s, c, PARSE_OBJECT_KEY);
    case '[': s->step = st_begin_value_or_empty; return push(s, c, PARSE_ARRAY_VALUE);
    case '"': s->step = st_in_string; return 0;
    case '-': s->step = st_neg; return 0;
    case '0': s->step = st_0; return 0;
    case 't':
    case 'f':
    case 'n':
        s->lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
        s->lit_at = 1;
        s->step = st_literal;
        return 0;
    }
    if (c >= '1' && c <= '9') {
        s->step = st_1;
        return 0;
    }
    return fail(s, c, "looking for beginning of value");
}

int reflect_json_check(const char *data, size_t len, reflect_error_t *err)
{
    scanner_t s = {.step = st_begin_value, .err = err};
    int rc = 0;
    for (size_t i = 0; i < len && rc == 0; i++)
        rc = s.step(&s, (unsigned char)data[i]);
    if (rc == 0 && !s.end_top) {
        rc = s.step(&s, ' '); /* Go's eof(): a space ends a number at the top */
        if (rc == 0 && !s.end_top) {
            rc = -1;
            if (err)
                snprintf(err->msg, sizeof err->msg, "unexpected end of JSON input");
        }
    }
    free(s.stack);
    return rc ? -EBADMSG : 0;
}

/* ---- tokens -------------------------------------------------------------------------- */

static void skip_separators(reflect_json_reader_t *r)
{
    while (r->pos < r->len && (is_space((unsigned char)r->data[r->pos]) || r->data[r->pos] == ':' ||
                               r->data[r->pos] == ','))
        r->pos++;
}

reflect_tok_t reflect_json_next(reflect_json_reader_t *r, reflect_json_token_t *tok)
{
    skip_separators(r);
    reflect_json_token_t t = {REFLECT_TOK_END, r->data + r->pos, 0};
    if (r->pos < r->len) {
        const char *p = r->data + r->pos;
        size_t n = 1;
        switch (*p) {
        case '{': t.kind = REFLECT_TOK_OBJECT; break;
        case '}': t.kind = REFLECT_TOK_OBJECT_END; break;
        case '[': t.kind = REFLECT_TOK_ARRAY; break;
        case ']': t.kind = REFLECT_TOK_ARRAY_END; break;
        case 't':
            t.kind = REFLECT_TOK_TRUE;
            n = 4;
            break;
        case 'f':
            t.kind = REFLECT_TOK_FALSE;
            n = 5;
            break;
        case 'n':
            t.kind = REFLECT_TOK_NULL;
            n = 4;
            break;
        case '"':
            t.kind = REFLECT_TOK_STRING;
            while (p[n] != '"')
                n += p[n] == '\\' ? 2 : 1;
            n++;
            break;
        default:
            t.kind = REFLECT_TOK_NUMBER;
            while (r->pos + n < r->len && strchr("0123456789+-.eE", p[n]) && p[n])
                n++;
        }
        t.len = n;
        r->pos += n;
    }
    if (tok)
        *tok = t;
    return t.kind;
}

reflect_tok_t reflect_json_peek(reflect_json_reader_t *r)
{
    size_t pos = r->pos;
    reflect_tok_t k = reflect_json_next(r, NULL);
    r->pos = pos;
    return k;
}

void reflect_json_skip(reflect_json_reader_t *r)
{
    size_t depth = 0;
    do {
        switch (reflect_json_next(r, NULL)) {
        case REFLECT_TOK_OBJECT:
        case REFLECT_TOK_ARRAY: depth++; break;
        case REFLECT_TOK_OBJECT_END:
        case REFLECT_TOK_ARRAY_END: depth--; break;
        case REFLECT_TOK_END: return;
        default: break;
        }
    } while (depth > 0);
}

/* ---- string literals ------------------------------------------------------------------ */

static int32_t getu4(const char *s, size_t n)
{
    if (n < 6 || s[0] != '\\' || s[1] != 'u')
        return -1;
    int32_t r = 0;
    for (size_t i = 2; i < 6; i++) {
        char c = s[i];
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (v < 0)
            return -1;
        r = r * 16 + v;
    }
    return r;
}

/* Decodes the escape at s[0] == '\\' into b; returns the bytes consumed or -1. */
static int unescape(const char *s, size_t n, reflect_buf_t *b)
{
    if (n < 2)
        return -1;
    switch (s[1]) {
    case '"':
    case '\\':
    case '/':
    case '\'': reflect_buf_byte(b, s[1]); return 2;
    case 'b': reflect_buf_byte(b, '\b'); return 2;
    case 'f': reflect_buf_byte(b, '\f'); return 2;
    case 'n': reflect_buf_byte(b, '\n'); return 2;
    case 'r': reflect_buf_byte(b, '\r'); return 2;
    case 't': reflect_buf_byte(b, '\t'); return 2;
    case 'u': break;
    default: return -1;
    }
    int32_t r = getu4(s, n);
    if (r < 0)
        return -1;
    if (r >= 0xD800 && r < 0xE000) {
        int32_t r2 = getu4(s + 6, n - 6);
        if (r < 0xDC00 && r2 >= 0xDC00 && r2 < 0xE000) {
            reflect_utf8_put(b, 0x10000 + (((uint32_t)r - 0xD800) << 10) + ((uint32_t)r2 - 0xDC00));
            return 12;
        }
        r = 0xFFFD;
    }
    reflect_utf8_put(b, (uint32_t)r);
    return 6;
}

int reflect_json_unquote(reflect_arena_t *a, const char *raw, size_t len, reflect_string_t *out)
{
    if (len < 2 || raw[0] != '"' || raw[len - 1] != '"')
        return -EINVAL;
    const char *s = raw + 1;
    size_t n = len - 2, r = 0;
    /* The common case: nothing to change, point into the input. */
    while (r < n) {
        unsigned char c = (unsigned char)s[r];
        if (c == '\\' || c == '"' || c < ' ')
            break;
        if (c < 0x80) {
            r++;
            continue;
        }
        uint32_t rune;
        int w = reflect_utf8_decode(s + r, n - r, &rune);
        if (rune == 0xFFFD && w == 1)
            break;
        r += (size_t)w;
    }
    if (r == n) {
        *out = (reflect_string_t){n ? s : NULL, n};
        return 0;
    }
    reflect_buf_t b = {0};
    reflect_buf_put(&b, s, r);
    int rc = 0;
    while (r < n && rc == 0) {
        unsigned char c = (unsigned char)s[r];
        if (c == '\\') {
            int w = unescape(s + r, n - r, &b);
            if (w < 0)
                rc = -EINVAL;
            else
                r += (size_t)w;
        } else if (c == '"' || c < ' ') {
            rc = -EINVAL;
        } else if (c < 0x80) {
            reflect_buf_byte(&b, (char)c);
            r++;
        } else {
            uint32_t rune;
            r += (size_t)reflect_utf8_decode(s + r, n - r, &rune);
            reflect_utf8_put(&b, rune);
        }
    }
    if (rc == 0 && b.oom)
        rc = -ENOMEM;
    if (rc == 0) {
        *out = reflect_arena_string(a, b.data, b.len);
        if (b.len && !out->ptr)
            rc = -ENOMEM;
    }
    reflect_buf_free(&b);
    return rc;
}
