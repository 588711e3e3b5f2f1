/*
 * reflect_decode.c — json.Unmarshal by reflection, with Go's rules and Go's
 * errors.
 *
 * The input is checked whole first (reflect_json_check: a syntax error
 * changes nothing), then decoded token by token into the value the
 * descriptor describes. Go's rules kept here:
 *   - pointers on the way are allocated when nil (before the value is even
 *     looked at); null sets a pointer, interface, map or slice to nil and
 *     leaves any other value alone;
 *   - an object fills a struct through reflect_json_fields: the key matches a
 *     field's name exactly, else the first field whose name matches ignoring
 *     case; unknown keys are skipped; an embedded nil pointer is allocated
 *     (an unexported one cannot be, and is an error);
 *   - an object fills a map with string or integer keys (a nil map is made);
 *     an array fills a slice, reusing its backing array while it fits and
 *     growing it to cap*3/2 (at least 4) when not; [] gives an empty, non-nil
 *     slice; a string fills a []byte from base64;
 *   - numbers into integers must parse as integers and fit; into floats must
 *     not overflow; an interface {} receives float64, string, bool, nil,
 *     []interface {} and map[string]interface {} (unless it holds a non-nil
 *     pointer: then the value is decoded into what that points to);
 *   - ",string" fields take their value from inside a JSON string;
 *   - a type mismatch is remembered, the value skipped, and decoding goes on:
 *     the first such error is returned at the end, naming the innermost
 *     struct and the path of JSON keys that led to the field.
 *
 * Interface: reflect_json_unmarshal.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reflect.h"

#if LAB_SOLUTION

typedef struct dec {
    reflect_json_reader_t r;
    reflect_arena_t *a;
    int saved; /* the first remembered error, or 0 */
    reflect_error_t saved_msg;
    reflect_error_t *err;
    const reflect_type_t *ctx; /* the struct whose field is being decoded */
    const char *keys[256];     /* the JSON keys on the way down */
    size_t nkeys;
} dec_t;

static int dec_value(dec_t *d, const reflect_type_t *t, void *p);

/* ---- errors ------------------------------------------------------------------------- */

/* Remembers err (only the first one) and goes on. */
static void save(dec_t *d, int rc, const char *msg)
{
    if (d->saved)
        return;
    d->saved = rc;
    snprintf(d->saved_msg.msg, sizeof d->saved_msg.msg, "%s", msg);
}

/* Go's UnmarshalTypeError, with the error context of the moment. */
static void type_error(dec_t *d, const char *what, const char *lit, size_t litlen,
                       const reflect_type_t *t)
{
    char msg[sizeof d->saved_msg.msg], path[200] = "";
    size_t n = 0;
    for (size_t i = 0; i < d->nkeys && n < sizeof path; i++)
        n += (size_t)snprintf(path + n, sizeof path - n, "%s%s", i ? "." : "", d->keys[i]);
    int lw = (int)(litlen > 80 ? 80 : litlen);
    if (d->ctx || d->nkeys)
        snprintf(msg, sizeof msg,
                 "json: cannot unmarshal %s%s%.*s into Go struct field %s.%s of type %s", what,
                 lit ? " " : "", lw, lit ? lit : "", reflect_type_short_name(d->ctx), path,
                 t->name);
    else
        snprintf(msg, sizeof msg, "json: cannot unmarshal %s%s%.*s into Go value of type %s", what,
                 lit ? " " : "", lw, lit ? lit : "", t->name);
    save(d, -EDOM, msg);
}

/* Go's %q of a byte string. */
static void go_quote(const char *s, size_t n, char *out, size_t cap)
{
    reflect_buf_t b = {0};
    reflect_buf_byte(&b, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = c == '"'    ? "\\\""
                          : c == '\\' ? "\\\\"
                          : c == '\n' ? "\\n"
                          : c == '\r' ? "\\r"
                          : c == '\t' ? "\\t"
                                      : NULL;
        if (esc) {
            reflect_buf_cstr(&b, esc);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            char x[5];
            snprintf(x, sizeof x, "\\x%02x", c);
            reflect_buf_cstr(&b, x);
            i++;
        } else {
            uint32_t r;
            int w = reflect_utf8_decode(s + i, n - i, &r);
            if (r == 0xFFFD && w == 1) {
                char x[5];
                snprintf(x, sizeof x, "\\x%02x", c);
                reflect_buf_cstr(&b, x);
            } else {
                reflect_buf_put(&b, s + i, (size_t)w);
            }
            i += (size_t)w;
        }
    }
    reflect_buf_byte(&b, '"');
    snprintf(out, cap, "%s", reflect_buf_str(&b));
    reflect_buf_free(&b);
}

/* "json: invalid use of ,string struct tag, trying to unmarshal %q into T". */
static void string_tag_error(const char *item, size_t n, const reflect_type_t *t, char *msg,
                             size_t cap)
{
    char q[160];
    go_quote(item, n > 100 ? 100 : n, q, sizeof q);
    snprintf(msg, cap, "json: invalid use of ,string struct tag, trying to unmarshal %s into %s", q,
             t->name);
}

static void save_string_tag_error(dec_t *d, const char *item, size_t n, const reflect_type_t *t)
{
    char msg[256];
    string_tag_error(item, n, t, msg, sizeof msg);
    save(d, -EPROTO, msg);
}

/* An error that ends the decoding at once, as the ones Go returns. */
static int abort_string_tag(dec_t *d, const char *item, size_t n, const reflect_type_t *t)
{
    string_tag_error(item, n, t, d->saved_msg.msg, sizeof d->saved_msg.msg);
    d->saved = -EPROTO;
    return -EPROTO;
}

/* ---- targets --------------------------------------------------------------------------- */

static void *alloc(dec_t *d, const reflect_type_t *t)
{
    return reflect_arena_alloc(d->a, t->size, t->align ? t->align : 1);
}

/* Go's indirect: follows pointers down to a non-pointer, allocating nil ones;
 * for null, stops at the last settable pointer. Also steps into an interface
 * holding a non-nil pointer. NULL p (skipping) stays NULL. */
static void *indirect(dec_t *d, const reflect_type_t **tp, void *p, bool null, int *rc)
{
    const reflect_type_t *t = *tp;
    bool settable = true;
    while (p) {
        if (t->kind == REFLECT_INTERFACE) {
            reflect_any_t *a = p;
            if (a->type && a->type->kind == REFLECT_PTR && *(void **)a->ptr &&
                (!null || a->type->elem->kind == REFLECT_PTR)) {
                t = a->type;
                p = a->ptr;
                settable = false;
                continue;
            }
        }
        if (t->kind != REFLECT_PTR || (null && settable))
            break;
        void **pp = p;
        if (!*pp && !(*pp = alloc(d, t->elem))) {
            *rc = -ENOMEM;
            return NULL;
        }
        p = *pp;
        t = t->elem;
        settable = true;
    }
    *tp = t;
    return p;
}

/* Stores v of type vt into the interface {} at p. */
static int set_any(dec_t *d, void *p, const reflect_type_t *vt, const void *v)
{
    void *box = vt ? reflect_box(d->a, vt, v) : NULL;
    if (vt && !box)
        return -ENOMEM;
    *(reflect_any_t *)p = (reflect_any_t){vt, box};
    return 0;
}

/* ---- literals -------------------------------------------------------------------------- */

static bool parse_int(const char *s, size_t n, int64_t *out)
{
    char buf[32];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (buf[0] != '-' && buf[0] != '+' && (buf[0] < '0' || buf[0] > '9'))
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static bool parse_uint(const char *s, size_t n, uint64_t *out)
{
    char buf[32];
    if (n == 0 || n >= sizeof buf || s[0] == '-')
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (buf[0] != '+' && (buf[0] < '0' || buf[0] > '9'))
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* Go's ParseFloat(s, bits): an overflow is an error, an underflow is not. */
static bool parse_float(const char *s, size_t n, bool f32, double *out)
{
    char buf[400];
    if (n == 0 || n >= sizeof buf || isspace((unsigned char)s[0]))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    double v = f32 ? strtof(buf, &end) : strtod(buf, &end);
    if (*end || (isinf(v) && !strchr(buf, 'i') && !strchr(buf, 'I')))
        return false;
    *out = v;
    return true;
}

static bool int_fits(reflect_kind_t k, int64_t v)
{
    switch (k) {
    case REFLECT_INT8: return v >= INT8_MIN && v <= INT8_MAX;
    case REFLECT_INT16: return v >= INT16_MIN && v <= INT16_MAX;
    case REFLECT_INT32: return v >= INT32_MIN && v <= INT32_MAX;
    default: return true;
    }
}

static bool uint_fits(reflect_kind_t k, uint64_t v)
{
    switch (k) {
    case REFLECT_UINT8: return v <= UINT8_MAX;
    case REFLECT_UINT16: return v <= UINT16_MAX;
    case REFLECT_UINT32: return v <= UINT32_MAX;
    default: return true;
    }
}

static void store_int(const reflect_type_t *t, void *p, int64_t v)
{
    switch (t->kind) {
    case REFLECT_INT8: *(int8_t *)p = (int8_t)v; break;
    case REFLECT_INT16: *(int16_t *)p = (int16_t)v; break;
    case REFLECT_INT32: *(int32_t *)p = (int32_t)v; break;
    default: *(int64_t *)p = v;
    }
}

static void store_uint(const reflect_type_t *t, void *p, uint64_t v)
{
    switch (t->kind) {
    case REFLECT_UINT8: *(uint8_t *)p = (uint8_t)v; break;
    case REFLECT_UINT16: *(uint16_t *)p = (uint16_t)v; break;
    case REFLECT_UINT32: *(uint32_t *)p = (uint32_t)v; break;
    default: *(uint64_t *)p = v;
    }
}

static int lit_null(dec_t *d, const char *item, size_t n, const reflect_type_t *t, void *p,
                    bool quoted)
{
    if (quoted && !(n == 4 && memcmp(item, "null", 4) == 0)) {
        save_string_tag_error(d, item, n, t);
        return 0;
    }
    if (t->kind == REFLECT_INTERFACE || t->kind == REFLECT_PTR || t->kind == REFLECT_MAP ||
        t->kind == REFLECT_SLICE)
        memset(p, 0, t->size);
    return 0;
}

static int lit_bool(dec_t *d, const char *item, size_t n, const reflect_type_t *t, void *p,
                    bool quoted)
{
    bool v = item[0] == 't';
    if (quoted && !(n == 4 && memcmp(item, "true", 4) == 0) &&
        !(n == 5 && memcmp(item, "false", 5) == 0)) {
        save_string_tag_error(d, item, n, t);
        return 0;
    }
    if (t->kind == REFLECT_BOOL)
        *(bool *)p = v;
    else if (t->kind == REFLECT_INTERFACE)
        return set_any(d, p, reflect_builtin(REFLECT_BOOL), &v);
    else if (quoted)
        save_string_tag_error(d, item, n, t);
    else
        type_error(d, "bool", NULL, 0, t);
    return 0;
}

static int lit_bytes(dec_t *d, reflect_string_t s, void *p)
{
    unsigned char *out = reflect_arena_alloc(d->a, s.len * 3 / 4 + 3, 1);
    if (!out)
        return -ENOMEM;
    size_t bad = 0;
    ssize_t n = reflect_base64_decode(s.ptr, s.len, out, &bad);
    if (n < 0) {
        char msg[64];
        snprintf(msg, sizeof msg, "illegal base64 data at input byte %zu", bad);
        save(d, -EPROTO, msg);
        return 0;
    }
    *(reflect_slice_t *)p = (reflect_slice_t){out, (size_t)n, (size_t)n};
    return 0;
}

static int lit_string(dec_t *d, const char *item, size_t n, const reflect_type_t *t, void *p,
                      bool quoted)
{
    reflect_string_t s;
    int rc = reflect_json_unquote(d->a, item, n, &s);
    if (rc == -ENOMEM)
        return rc;
    if (rc < 0)
        return quoted ? abort_string_tag(d, item, n, t) : rc;
    if (t->kind == REFLECT_SLICE && t->elem->kind == REFLECT_UINT8)
        return lit_bytes(d, s, p);
    /* A copy: the decoded value must not point into the caller's input. */
    if (s.ptr >= item && s.ptr < item + n)
        s = reflect_arena_string(d->a, s.ptr, s.len);
    if (s.len && !s.ptr)
        return -ENOMEM;
    if (t->kind == REFLECT_STRING)
        *(reflect_string_t *)p = s;
    else if (t->kind == REFLECT_INTERFACE)
        return set_any(d, p, reflect_builtin(REFLECT_STRING), &s);
    else
        type_error(d, "string", NULL, 0, t);
    return 0;
}

static int lit_number(dec_t *d, const char *item, size_t n, const reflect_type_t *t, void *p,
                      bool quoted)
{
    if (item[0] != '-' && (item[0] < '0' || item[0] > '9'))
        return quoted ? abort_string_tag(d, item, n, t) : -EINVAL;
    int64_t i;
    uint64_t u;
    double f;
    switch (t->kind) {
    case REFLECT_INTERFACE:
        if (!parse_float(item, n, false, &f)) {
            type_error(d, "number", item, n, reflect_builtin(REFLECT_FLOAT64));
            return 0;
        }
        return set_any(d, p, reflect_builtin(REFLECT_FLOAT64), &f);
    case REFLECT_INT:
    case REFLECT_INT8:
    case REFLECT_INT16:
    case REFLECT_INT32:
    case REFLECT_INT64:
        if (!parse_int(item, n, &i) || !int_fits(t->kind, i))
            type_error(d, "number", item, n, t);
        else
            store_int(t, p, i);
        return 0;
    case REFLECT_UINT:
    case REFLECT_UINT8:
    case REFLECT_UINT16:
    case REFLECT_UINT32:
    case REFLECT_UINT64:
        if (!parse_uint(item, n, &u) || !uint_fits(t->kind, u))
            type_error(d, "number", item, n, t);
        else
            store_uint(t, p, u);
        return 0;
    case REFLECT_FLOAT32:
    case REFLECT_FLOAT64:
        if (!parse_float(item, n, t->kind == REFLECT_FLOAT32, &f))
            type_error(d, "number", item, n, t);
        else if (t->kind == REFLECT_FLOAT32)
            *(float *)p = (float)f;
        else
            *(double *)p = f;
        return 0;
    default:
        if (quoted)
            return abort_string_tag(d, item, n, t);
        type_error(d, "number", NULL, 0, t);
        return 0;
    }
}

/* Go's literalStore: item is a JSON literal, or with quoted the text found
 * inside a ",string" field's JSON string. */
static int dec_literal(dec_t *d, const char *item, size_t n, const reflect_type_t *t, void *p,
                       bool quoted)
{
    if (!p)
        return 0;
    if (n == 0) {
        save_string_tag_error(d, item, n, t);
        return 0;
    }
    int rc = 0;
    p = indirect(d, &t, p, item[0] == 'n', &rc);
    if (!p)
        return rc;
    switch (item[0]) {
    case 'n': return lit_null(d, item, n, t, p, quoted);
    case 't':
    case 'f': return lit_bool(d, item, n, t, p, quoted);
    case '"': return lit_string(d, item, n, t, p, quoted);
    default: return lit_number(d, item, n, t, p, quoted);
    }
}

/* ---- interface {} values ------------------------------------------------------------------ */

static int dec_any(dec_t *d, reflect_any_t *out);

static int any_array(dec_t *d, reflect_any_t *out)
{
    const reflect_type_t *any = reflect_builtin(REFLECT_INTERFACE);
    const reflect_type_t *st = reflect_slice_of(any);
    reflect_slice_t s;
    if (!st || reflect_slice_make(d->a, any, 0, 0, &s) < 0)
        return -ENOMEM;
    reflect_json_next(&d->r, NULL); /* [ */
    while (reflect_json_peek(&d->r) != REFLECT_TOK_ARRAY_END) {
        if (s.len == s.cap) {
            reflect_slice_t g;
            if (reflect_slice_make(d->a, any, s.len, s.cap ? 2 * s.cap : 4, &g) < 0)
                return -ENOMEM;
            if (s.len)
                memcpy(g.data, s.data, s.len * sizeof(reflect_any_t));
            s = g;
        }
        int rc = dec_any(d, (reflect_any_t *)s.data + s.len++);
        if (rc < 0)
            return rc;
    }
    reflect_json_next(&d->r, NULL); /* ] */
    return set_any(d, out, st, &s);
}

static int any_object(dec_t *d, reflect_any_t *out)
{
    const reflect_type_t *mt = reflect_map_of(reflect_builtin(REFLECT_STRING),
                                              reflect_builtin(REFLECT_INTERFACE));
    reflect_map_t *m = mt ? reflect_map_new(d->a, mt) : NULL;
    if (!m)
        return -ENOMEM;
    reflect_json_next(&d->r, NULL); /* { */
    reflect_json_token_t key;
    while (reflect_json_next(&d->r, &key) == REFLECT_TOK_STRING) {
        reflect_string_t k;
        reflect_any_t v;
        void *slot;
        int rc = reflect_json_unquote(d->a, key.raw, key.len, &k);
        if (rc == 0 && k.ptr >= key.raw && k.ptr < key.raw + key.len)
            k = reflect_arena_string(d->a, k.ptr, k.len);
        if (rc == 0)
            rc = dec_any(d, &v);
        if (rc == 0)
            rc = reflect_map_put(m, &k, &slot);
        if (rc < 0)
            return rc;
        *(reflect_any_t *)slot = v;
    }
    return set_any(d, out, mt, &m);
}

/* Go's valueInterface: the generic value of whatever comes next. */
static int dec_any(dec_t *d, reflect_any_t *out)
{
    *out = (reflect_any_t){0};
    switch (reflect_json_peek(&d->r)) {
    case REFLECT_TOK_ARRAY: return any_array(d, out);
    case REFLECT_TOK_OBJECT: return any_object(d, out);
    default: {
        reflect_json_token_t tok;
        reflect_json_next(&d->r, &tok);
        return dec_literal(d, tok.raw, tok.len, reflect_builtin(REFLECT_INTERFACE), out, false);
    }
    }
}

/* ---- arrays ------------------------------------------------------------------------------- */

/* Makes room for element i, as Go's decoder grows a slice. */
static int grow(dec_t *d, const reflect_type_t *et, reflect_slice_t *s, size_t i)
{
    if (i >= s->cap) {
        size_t cap = s->cap + s->cap / 2;
        if (cap < 4)
            cap = 4;
        reflect_slice_t g;
        if (reflect_slice_make(d->a, et, s->len, cap, &g) < 0)
            return -ENOMEM;
        if (s->len)
            memcpy(g.data, s->data, s->len * et->size);
        *s = g;
    }
    if (i >= s->len)
        s->len = i + 1;
    return 0;
}

static int dec_array(dec_t *d, const reflect_type_t *t, void *p)
{
    int rc = 0;
    p = indirect(d, &t, p, false, &rc);
    if (rc < 0)
        return rc;
    if (!p) {
        reflect_json_skip(&d->r);
        return 0;
    }
    if (t->kind == REFLECT_INTERFACE)
        return any_array(d, p);
    if (t->kind != REFLECT_SLICE) {
        type_error(d, "array", NULL, 0, t);
        reflect_json_skip(&d->r);
        return 0;
    }
    reflect_slice_t *s = p;
    const reflect_type_t *et = t->elem;
    size_t i = 0;
    reflect_json_next(&d->r, NULL); /* [ */
    while (reflect_json_peek(&d->r) != REFLECT_TOK_ARRAY_END) {
        if ((rc = grow(d, et, s, i)) < 0 ||
            (rc = dec_value(d, et, (char *)s->data + i * et->size)) < 0)
            return rc;
        i++;
    }
    reflect_json_next(&d->r, NULL); /* ] */
    if (i < s->len)
        s->len = i;
    if (i == 0 && reflect_slice_make(d->a, et, 0, 0, s) < 0)
        return -ENOMEM;
    return 0;
}

/* ---- objects ------------------------------------------------------------------------------ */

static bool fold_equal(const char *a, const char *b, size_t n)
{
    if (strlen(a) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

static const reflect_json_field_t *find_field(const reflect_json_field_t *fs, size_t n,
                                              reflect_string_t key)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(fs[i].name) == key.len &&
            (key.len == 0 || memcmp(fs[i].name, key.ptr, key.len) == 0))
            return &fs[i];
    for (size_t i = 0; i < n; i++)
        if (fold_equal(fs[i].name, key.ptr, key.len))
            return &fs[i];
    return NULL;
}

/* The field's storage, allocating nil embedded pointers on the way; NULL
 * with *rc == 0 when one of them is unexported (a remembered error: the
 * decoder cannot set it, as Go's cannot). */
static void *field_ptr(dec_t *d, const reflect_type_t *t, void *p, const reflect_json_field_t *jf,
                       int *rc)
{
    bool exported = true;
    for (size_t i = 0; i < jf->depth; i++) {
        if (t->kind == REFLECT_PTR) {
            void **pp = p;
            if (!*pp && !exported) {
                char msg[200];
                snprintf(msg, sizeof msg,
                         "json: cannot set embedded pointer to unexported struct: %s",
                         t->elem->name);
                save(d, -EPROTO, msg);
                return NULL;
            }
            if (!*pp && !(*pp = alloc(d, t->elem))) {
                *rc = -ENOMEM;
                return NULL;
            }
            p = *pp;
            t = t->elem;
        }
        const reflect_field_t *f = &t->fields[jf->index[i]];
        p = (char *)p + f->offset;
        t = f->type;
        exported = f->exported;
    }
    return p;
}

/* Go's valueQuoted for a ",string" field: null, or the text of a string. */
static int dec_quoted(dec_t *d, const reflect_type_t *t, void *p)
{
    reflect_json_token_t tok;
    reflect_tok_t k = reflect_json_peek(&d->r);
    if (k == REFLECT_TOK_NULL) {
        reflect_json_next(&d->r, &tok);
        return dec_literal(d, tok.raw, tok.len, t, p, false);
    }
    if (k == REFLECT_TOK_STRING) {
        reflect_json_next(&d->r, &tok);
        reflect_string_t s;
        int rc = reflect_json_unquote(d->a, tok.raw, tok.len, &s);
        if (rc < 0)
            return rc;
        return dec_literal(d, s.ptr ? s.ptr : "", s.len, t, p, true);
    }
    reflect_json_skip(&d->r);
    char msg[200];
    snprintf(msg, sizeof msg,
             "json: invalid use of ,string struct tag, trying to unmarshal unquoted value into %s",
             t->name);
    save(d, -EPROTO, msg);
    return 0;
}

/* The map key's bytes for key text k, or false after a remembered error. */
static bool map_key(dec_t *d, const reflect_type_t *kt, reflect_string_t k, void *out)
{
    if (kt->kind == REFLECT_STRING) {
        *(reflect_string_t *)out = reflect_arena_string(d->a, k.ptr, k.len);
        return true;
    }
    int64_t i;
    uint64_t u;
    if (kt->kind <= REFLECT_INT64) {
        if (!parse_int(k.ptr, k.len, &i) || !int_fits(kt->kind, i)) {
            type_error(d, "number", k.ptr ? k.ptr : "", k.len, kt);
            return false;
        }
        store_int(kt, out, i);
    } else {
        if (!parse_uint(k.ptr, k.len, &u) || !uint_fits(kt->kind, u)) {
            type_error(d, "number", k.ptr ? k.ptr : "", k.len, kt);
            return false;
        }
        store_uint(kt, out, u);
    }
    return true;
}

/* One key and its value into the map m of type t. */
static int map_member(dec_t *d, const reflect_type_t *t, reflect_map_t *m, reflect_string_t key)
{
    void *elem = alloc(d, t->elem);
    unsigned char kbuf[16];
    if (!elem)
        return -ENOMEM;
    int rc = dec_value(d, t->elem, elem);
    if (rc < 0)
        return rc;
    if (!map_key(d, t->key, key, kbuf))
        return 0;
    void *slot;
    if ((rc = reflect_map_put(m, kbuf, &slot)) < 0)
        return rc;
    memcpy(slot, elem, t->elem->size);
    return 0;
}

/* One key and its value into the struct at p. */
static int struct_member(dec_t *d, const reflect_type_t *t, void *p, const reflect_json_field_t *fs,
                         size_t n, reflect_string_t key)
{
    const reflect_json_field_t *jf = find_field(fs, n, key);
    if (!jf) {
        reflect_json_skip(&d->r);
        return 0;
    }
    int rc = 0;
    void *fp = field_ptr(d, t, p, jf, &rc);
    if (!fp) {
        reflect_json_skip(&d->r);
        return rc;
    }
    if (d->nkeys < sizeof d->keys / sizeof d->keys[0])
        d->keys[d->nkeys++] = jf->name;
    d->ctx = t;
    const reflect_type_t *ft = jf->field->type;
    return jf->quoted ? dec_quoted(d, ft, fp) : dec_value(d, ft, fp);
}

static int dec_object(dec_t *d, const reflect_type_t *t, void *p)
{
    int rc = 0;
    p = indirect(d, &t, p, false, &rc);
    if (rc < 0)
        return rc;
    if (!p) {
        reflect_json_skip(&d->r);
        return 0;
    }
    if (t->kind == REFLECT_INTERFACE)
        return any_object(d, p);
    const reflect_json_field_t *fs = NULL;
    size_t nfs = 0;
    if (t->kind == REFLECT_MAP && t->key->kind >= REFLECT_INT && t->key->kind <= REFLECT_STRING &&
        t->key->kind != REFLECT_FLOAT32 && t->key->kind != REFLECT_FLOAT64) {
        if (!*(reflect_map_t **)p && !(*(reflect_map_t **)p = reflect_map_new(d->a, t)))
            return -ENOMEM;
    } else if (t->kind == REFLECT_STRUCT) {
        if ((rc = reflect_json_fields(t, &fs, &nfs)) < 0)
            return rc;
    } else {
        type_error(d, "object", NULL, 0, t);
        reflect_json_skip(&d->r);
        return 0;
    }
    const reflect_type_t *ctx = d->ctx;
    size_t nkeys = d->nkeys;
    reflect_json_token_t tok;
    reflect_json_next(&d->r, NULL); /* { */
    while (rc == 0 && reflect_json_next(&d->r, &tok) == REFLECT_TOK_STRING) {
        reflect_string_t key;
        if ((rc = reflect_json_unquote(d->a, tok.raw, tok.len, &key)) < 0)
            break;
        if (t->kind == REFLECT_MAP)
            rc = map_member(d, t, *(reflect_map_t **)p, key);
        else
            rc = struct_member(d, t, p, fs, nfs, key);
        /* Each key starts from the context the object started with. */
        d->ctx = ctx;
        d->nkeys = nkeys;
    }
    return rc;
}

static int dec_value(dec_t *d, const reflect_type_t *t, void *p)
{
    switch (reflect_json_peek(&d->r)) {
    case REFLECT_TOK_OBJECT: return dec_object(d, t, p);
    case REFLECT_TOK_ARRAY: return dec_array(d, t, p);
    default: {
        reflect_json_token_t tok;
        reflect_json_next(&d->r, &tok);
        return dec_literal(d, tok.raw, tok.len, t, p, false);
    }
    }
}

int reflect_json_unmarshal(const char *data, size_t len, const reflect_type_t *t, void *p,
                           reflect_arena_t *a, reflect_error_t *err)
{
    int rc = reflect_json_check(data ? data : "", data ? len : 0, err);
    if (rc < 0)
        return rc;
    if (!t || !p) {
        if (err && !t)
            snprintf(err->msg, sizeof err->msg, "json: Unmarshal(nil)");
        else if (err)
            snprintf(err->msg, sizeof err->msg, "json: Unmarshal(nil *%s)", t->name);
        return -EINVAL;
    }
    if (!a)
        return -EINVAL;
    dec_t *d = calloc(1, sizeof *d);
    if (!d)
        return -ENOMEM;
    d->r = (reflect_json_reader_t){data, len, 0};
    d->a = a;
    d->err = err;
    rc = dec_value(d, t, p);
    if (rc == 0)
        rc = d->saved;
    if (rc < 0 && err)
        snprintf(err->msg, sizeof err->msg, "%s",
                 d->saved        ? d->saved_msg.msg
                 : rc == -ENOMEM ? "json: out of memory"
                                 : "json: decoding failed");
    free(d);
    return rc;
}

#else /* the stub */

int reflect_json_unmarshal(const char *data, size_t len, const reflect_type_t *t, void *p,
                           reflect_arena_t *a, reflect_error_t *err)
{
    (void)data, (void)len, (void)t, (void)p, (void)a, (void)err;
    return -ENOSYS;
}

#endif
