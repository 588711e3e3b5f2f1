/*
 * reflect_encode.c — json.Marshal by reflection, byte for byte as Go's
 * encoding/json writes it.
 *
 * One function per kind, chosen by the descriptor, recursing through
 * pointers, slices, maps, interfaces and struct fields. Go's rules kept here:
 *   - strings: '"' and '\\' escaped, \n \r \t short, other bytes below 0x20 and
 *     < > & as \u00XX (lower-case hex), U+2028 and U+2029 as \u2028 \u2029,
 *     each byte of invalid UTF-8 as \ufffd;
 *   - floats: the shortest decimal that reads back as the same float32 or
 *     float64, in %f style unless the magnitude is below 1e-6 or at least
 *     1e21, then %e style with "e-07" shortened to "e-7"; NaN and ±Inf are
 *     unsupported values;
 *   - nil pointer, interface, map and slice: null; an empty slice is [] and
 *     an empty map {}; a []byte is a base64 string;
 *   - map keys: a string key as is, an integer key in decimal, the entries
 *     sorted by that text; other key kinds are unsupported types;
 *   - struct fields: reflect_json_fields' list; omitempty drops false, 0, "",
 *     nil and empty slices and maps (never a struct); ",string" writes the
 *     value inside a JSON string; an embedded nil pointer drops its fields;
 *   - after 1000 nested pointers, maps or slices, a value met again on the
 *     way down is a cycle.
 *
 * Interface: reflect_json_marshal.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reflect.h"

#if LAB_SOLUTION

typedef struct seen {
    const reflect_type_t *type;
    const void *ptr;
    size_t len;
} seen_t;

typedef struct enc {
    reflect_buf_t *b;
    reflect_error_t *err;
    int rc;
    size_t level; /* nested pointers, maps and slices */
    seen_t *path; /* those deeper than CYCLE_DEPTH, on the way down */
    size_t npath, cappath;
} enc_t;

#define CYCLE_DEPTH 1000

static void enc_value(enc_t *e, const reflect_type_t *t, const void *p, bool quoted);

static void enc_fail(enc_t *e, int rc, const char *what, const char *detail)
{
    if (e->rc)
        return;
    e->rc = rc;
    if (e->err)
        snprintf(e->err->msg, sizeof e->err->msg, "json: %s: %s", what, detail);
}

/* ---- strings ------------------------------------------------------------------------ */

/* Bytes that go out as they are: printable ASCII but '"', '\\', '<', '>', '&'. */
static bool safe(unsigned char c)
{
    return c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
}

static void put_u(reflect_buf_t *b, unsigned v)
{
    static const char hex[] = "0123456789abcdef";
    char u[6] = {'\\',       'u', hex[(v >> 12) & 15], hex[(v >> 8) & 15], hex[(v >> 4) & 15],
                 hex[v & 15]};
    reflect_buf_put(b, u, 6);
}

static void enc_string(reflect_buf_t *b, const char *s, size_t n, bool html)
{
    reflect_buf_byte(b, '"');
    size_t start = 0, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (safe(c) || (!html && (c == '<' || c == '>' || c == '&'))) {
                i++;
                continue;
            }
            reflect_buf_put(b, s + start, i - start);
            if (c == '"' || c == '\\') {
                char esc[2] = {'\\', (char)c};
                reflect_buf_put(b, esc, 2);
            } else if (c == '\n') {
                reflect_buf_put(b, "\\n", 2);
            } else if (c == '\r') {
                reflect_buf_put(b, "\\r", 2);
            } else if (c == '\t') {
                reflect_buf_put(b, "\\t", 2);
            } else {
                put_u(b, c);
            }
            start = ++i;
            continue;
        }
        uint32_t r;
        int w = reflect_utf8_decode(s + i, n - i, &r);
        if ((r == 0xFFFD && w == 1) || r == 0x2028 || r == 0x2029) {
            reflect_buf_put(b, s + start, i - start);
            put_u(b, r);
            i += (size_t)w;
            start = i;
            continue;
        }
        i += (size_t)w;
    }
    reflect_buf_put(b, s + start, n - start);
    reflect_buf_byte(b, '"');
}

/* ---- numbers ------------------------------------------------------------------------- */

static void enc_uint(reflect_buf_t *b, uint64_t v)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    reflect_buf_put(b, p, (size_t)(tmp + sizeof tmp - p));
}

static void enc_int(reflect_buf_t *b, int64_t v)
{
    if (v < 0) {
        reflect_buf_byte(b, '-');
        enc_uint(b, 0 - (uint64_t)v);
        return;
    }
    enc_uint(b, (uint64_t)v);
}

/* The shortest "d.ddde±X" (trailing zeros allowed) that reads back as f.
 * For a normal float the decimals of 15 digits (6 for a float32) are spaced
 * wider than the float's rounding interval, so if the 15-digit rounding
 * reads back, it is the shortest one padded with zeros; if not, 16 or 17
 * digits do. A subnormal has fewer bits: its precision is found by
 * bisection, since every precision above a round-tripping one round-trips. */
static void shortest(double f, bool f32, char *out, size_t cap)
{
    double a = fabs(f);
    if (f32 ? a >= 1.17549435082228750797e-38 : a >= 2.22507385850720138309e-308) {
        for (int p = f32 ? 6 : 15; p <= (f32 ? 9 : 17); p++) {
            snprintf(out, cap, "%.*e", p - 1, f);
            if (f32 ? strtof(out, NULL) == (float)f : strtod(out, NULL) == f)
                return;
        }
    }
    int lo = 1, hi = f32 ? 9 : 17;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(out, cap, "%.*e", mid - 1, f);
        bool same = f32 ? strtof(out, NULL) == (float)f : strtod(out, NULL) == f;
        if (same)
            hi = mid;
        else
            lo = mid + 1;
    }
    snprintf(out, cap, "%.*e", lo - 1, f);
}

/* f as m / 10^k exactly, for the smallest k <= 8: then the digits of m are
 * the shortest form (m is below 2^50, or 2^21 for a float32, so the next
 * decimal with k places lies outside f's rounding interval, and a·10^k is
 * computed closer than 0.5 to m), and no printf
 * is needed. False when no such k exists. */
static bool short_decimal(double f, bool f32, char *digits, size_t *nd, int *exp)
{
    static const double p10[9] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    double a = fabs(f);
    for (int k = 1; k <= 8; k++) {
        double s = a * p10[k];
        if (s >= (f32 ? 2097152.0 : 1125899906842624.0))
            return false;
        double m = nearbyint(s);
        if (m == 0 || (f32 ? (float)m / (float)p10[k] != (float)a : m / p10[k] != a))
            continue;
        char tmp[24];
        size_t n = 0;
        for (uint64_t v = (uint64_t)m; v; v /= 10)
            tmp[n++] = (char)('0' + v % 10);
        for (size_t i = 0; i < n; i++)
            digits[i] = tmp[n - 1 - i];
        *exp = (int)n - 1 - k;
        while (n > 1 && digits[n - 1] == '0')
            n--;
        *nd = n;
        return true;
    }
    return false;
}

/* strconv.FormatFloat(f, fmt, -1, bits) from the shortest digits. */
static void enc_float(enc_t *e, double f, bool f32)
{
    if (isnan(f) || isinf(f)) {
        enc_fail(e, -EDOM, "unsupported value", isnan(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf");
        return;
    }
    reflect_buf_t *b = e->b;
    if (f == 0) {
        reflect_buf_cstr(b, signbit(f) ? "-0" : "0");
        return;
    }
    /* A whole number whose neighbours are at most 1 apart (below 2^24 for a
     * float32, 1e15 < 2^53 for a float64) is its own shortest form. */
    if (fabs(f) < (f32 ? 16777216.0 : 1e15) && f == (double)(int64_t)f) {
        enc_int(b, (int64_t)f);
        return;
    }
    char digits[24];
    size_t nd = 0;
    int exp = 0;
    bool neg = f < 0;
    if (!short_decimal(f, f32, digits, &nd, &exp)) {
        char sci[40];
        shortest(f, f32, sci, sizeof sci);
        const char *p = sci + neg;
        for (; *p != 'e'; p++)
            if (*p != '.')
                digits[nd++] = *p;
        while (nd > 1 && digits[nd - 1] == '0')
            nd--;
        exp = atoi(p + 1);
    }
    double a = fabs(f);
    bool use_e = f32 ? ((float)a < 1e-6f || (float)a >= 1e21f) : (a < 1e-6 || a >= 1e21);
    char out[64];
    size_t n = 0;
    if (neg)
        out[n++] = '-';
    if (use_e) {
        out[n++] = digits[0];
        if (nd > 1) {
            out[n++] = '.';
            memcpy(out + n, digits + 1, nd - 1);
            n += nd - 1;
        }
        /* Go writes two exponent digits at least, then encoding/json turns
         * e-07 into e-7 (positive exponents here are >= 21 already). */
        n += (size_t)snprintf(out + n, sizeof out - n, "e%c%d", exp < 0 ? '-' : '+', abs(exp));
    } else if (exp >= 0) {
        for (int i = 0; i <= exp || (size_t)i < nd; i++) {
            if (i == exp + 1)
                out[n++] = '.';
            out[n++] = (size_t)i < nd ? digits[i] : '0';
        }
    } else {
        out[n++] = '0';
        out[n++] = '.';
        for (int i = -1; i > exp; i--)
            out[n++] = '0';
        memcpy(out + n, digits, nd);
        n += nd;
    }
    reflect_buf_put(b, out, n);
}

static int64_t int_of(const reflect_type_t *t, const void *p)
{
    switch (t->kind) {
    case REFLECT_INT8: return *(const int8_t *)p;
    case REFLECT_INT16: return *(const int16_t *)p;
    case REFLECT_INT32: return *(const int32_t *)p;
    default: return *(const int64_t *)p;
    }
}

static uint64_t uint_of(const reflect_type_t *t, const void *p)
{
    switch (t->kind) {
    case REFLECT_UINT8: return *(const uint8_t *)p;
    case REFLECT_UINT16: return *(const uint16_t *)p;
    case REFLECT_UINT32: return *(const uint32_t *)p;
    default: return *(const uint64_t *)p;
    }
}

/* ---- cycles -------------------------------------------------------------------------- */

/* Enters a pointer, map or slice; false (and the error) on a cycle. */
static bool enter(enc_t *e, const reflect_type_t *t, const void *ptr, size_t len)
{
    if (++e->level <= CYCLE_DEPTH)
        return true;
    for (size_t i = 0; i < e->npath; i++)
        if (e->path[i].type == t && e->path[i].ptr == ptr && e->path[i].len == len) {
            char what[200];
            snprintf(what, sizeof what, "encountered a cycle via %s", t->name);
            enc_fail(e, -EDOM, "unsupported value", what);
            return false;
        }
    if (e->npath == e->cappath) {
        size_t cap = e->cappath ? 2 * e->cappath : 64;
        seen_t *grown = realloc(e->path, cap * sizeof *grown);
        if (!grown) {
            enc_fail(e, -ENOMEM, "out of memory", "cycle check");
            return false;
        }
        e->path = grown;
        e->cappath = cap;
    }
    e->path[e->npath++] = (seen_t){t, ptr, len};
    return true;
}

static void leave(enc_t *e)
{
    if (e->level-- > CYCLE_DEPTH)
        e->npath--;
}

/* ---- composite kinds -------------------------------------------------------------------- */

static void enc_slice(enc_t *e, const reflect_type_t *t, const reflect_slice_t *s)
{
    if (!s->data) {
        reflect_buf_cstr(e->b, "null");
        return;
    }
    const reflect_type_t *et = t->elem;
    if (et->kind == REFLECT_UINT8) {
        reflect_buf_byte(e->b, '"');
        reflect_base64_encode(e->b, s->data, s->len);
        reflect_buf_byte(e->b, '"');
        return;
    }
    if (!enter(e, t, s->data, s->len))
        return;
    reflect_buf_byte(e->b, '[');
    for (size_t i = 0; i < s->len && !e->rc; i++) {
        if (i)
            reflect_buf_byte(e->b, ',');
        enc_value(e, et, (const char *)s->data + i * et->size, false);
    }
    reflect_buf_byte(e->b, ']');
    leave(e);
}

typedef struct kv {
    char *key; /* the key as text */
    size_t len;
    const void *elem;
} kv_t;

static int kv_cmp(const void *x, const void *y)
{
    const kv_t *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->key, b->key, n) : 0;
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* The key's text: the string, or the integer in decimal (into tmp). */
static void key_text(const reflect_type_t *kt, const void *k, char *tmp, size_t cap, kv_t *kv)
{
    if (kt->kind == REFLECT_STRING) {
        const reflect_string_t *s = k;
        kv->key = (char *)s->ptr;
        kv->len = s->len;
    } else if (kt->kind >= REFLECT_INT && kt->kind <= REFLECT_INT64) {
        kv->len = (size_t)snprintf(tmp, cap, "%lld", (long long)int_of(kt, k));
        kv->key = tmp;
    } else {
        kv->len = (size_t)snprintf(tmp, cap, "%llu", (unsigned long long)uint_of(kt, k));
        kv->key = tmp;
    }
}

static void enc_map(enc_t *e, const reflect_type_t *t, const reflect_map_t *m)
{
    const reflect_type_t *kt = t->key;
    if (kt->kind != REFLECT_STRING && !(kt->kind >= REFLECT_INT && kt->kind <= REFLECT_UINT64)) {
        enc_fail(e, -EOPNOTSUPP, "unsupported type", t->name);
        return;
    }
    if (!m) {
        reflect_buf_cstr(e->b, "null");
        return;
    }
    if (!enter(e, t, m, 0))
        return;
    size_t n = reflect_map_len(m);
    kv_t *kvs = calloc(n ? n : 1, sizeof *kvs);
    char *nums = kt->kind == REFLECT_STRING ? NULL : malloc((n ? n : 1) * 24);
    if (!kvs || (kt->kind != REFLECT_STRING && !nums)) {
        enc_fail(e, -ENOMEM, "out of memory", t->name);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const void *k;
        void *v;
        reflect_map_entry(m, i, &k, &v);
        key_text(kt, k, nums ? nums + 24 * i : NULL, 24, &kvs[i]);
        kvs[i].elem = v;
    }
    if (n > 1)
        qsort(kvs, n, sizeof *kvs, kv_cmp);
    reflect_buf_byte(e->b, '{');
    for (size_t i = 0; i < n && !e->rc; i++) {
        if (i)
            reflect_buf_byte(e->b, ',');
        enc_string(e->b, kvs[i].key, kvs[i].len, true);
        reflect_buf_byte(e->b, ':');
        enc_value(e, t->elem, kvs[i].elem, false);
    }
    reflect_buf_byte(e->b, '}');
out:
    free(kvs);
    free(nums);
    leave(e);
}

/* Go's isEmptyValue, for omitempty. */
static bool is_empty(const reflect_type_t *t, const void *p)
{
    switch (t->kind) {
    case REFLECT_BOOL: return !*(const bool *)p;
    case REFLECT_FLOAT32: return *(const float *)p == 0;
    case REFLECT_FLOAT64: return *(const double *)p == 0;
    case REFLECT_STRING: return ((const reflect_string_t *)p)->len == 0;
    case REFLECT_SLICE: return ((const reflect_slice_t *)p)->len == 0;
    case REFLECT_MAP: return reflect_map_len(*(reflect_map_t *const *)p) == 0;
    case REFLECT_PTR: return *(void *const *)p == NULL;
    case REFLECT_INTERFACE: return ((const reflect_any_t *)p)->type == NULL;
    case REFLECT_STRUCT: return false;
    default: return t->kind <= REFLECT_INT64 ? int_of(t, p) == 0 : uint_of(t, p) == 0;
    }
}

/* The field at the end of jf's path inside the struct at p, or NULL when the
 * path crosses a nil embedded pointer. */
static const void *field_at(const reflect_type_t *t, const void *p, const reflect_json_field_t *jf)
{
    for (size_t d = 0; d < jf->depth; d++) {
        if (t->kind == REFLECT_PTR) {
            p = *(void *const *)p;
            if (!p)
                return NULL;
            t = t->elem;
        }
        const reflect_field_t *f = &t->fields[jf->index[d]];
        p = (const char *)p + f->offset;
        t = f->type;
    }
    return p;
}

static void enc_struct(enc_t *e, const reflect_type_t *t, const void *p)
{
    const reflect_json_field_t *fs;
    size_t n;
    int rc = reflect_json_fields(t, &fs, &n);
    if (rc < 0) {
        enc_fail(e, rc, "cannot list the fields of", t->name);
        return;
    }
    char next = '{';
    for (size_t i = 0; i < n && !e->rc; i++) {
        const reflect_json_field_t *jf = &fs[i];
        const void *fp = field_at(t, p, jf);
        if (!fp || (jf->omitempty && is_empty(jf->field->type, fp)))
            continue;
        reflect_buf_byte(e->b, next);
        next = ',';
        enc_string(e->b, jf->name, strlen(jf->name), true);
        reflect_buf_byte(e->b, ':');
        enc_value(e, jf->field->type, fp, jf->quoted);
    }
    if (next == '{')
        reflect_buf_byte(e->b, '{');
    reflect_buf_byte(e->b, '}');
}

/* ---- any value ------------------------------------------------------------------------ */

static void enc_quoted_string(enc_t *e, const reflect_string_t *s)
{
    /* ",string" on a string: the JSON string, itself written as a string;
     * HTML characters are escaped on the first pass only. */
    reflect_buf_t inner = {0};
    enc_string(&inner, s->ptr, s->len, true);
    if (inner.oom)
        enc_fail(e, -ENOMEM, "out of memory", "string");
    else
        enc_string(e->b, inner.data, inner.len, false);
    reflect_buf_free(&inner);
}

static void enc_value(enc_t *e, const reflect_type_t *t, const void *p, bool quoted)
{
    if (e->rc)
        return;
    reflect_buf_t *b = e->b;
    if (quoted && t->kind != REFLECT_STRING && t->kind != REFLECT_PTR)
        reflect_buf_byte(b, '"');
    switch (t->kind) {
    case REFLECT_BOOL: reflect_buf_cstr(b, *(const bool *)p ? "true" : "false"); break;
    case REFLECT_INT:
    case REFLECT_INT8:
    case REFLECT_INT16:
    case REFLECT_INT32:
    case REFLECT_INT64: enc_int(b, int_of(t, p)); break;
    case REFLECT_UINT:
    case REFLECT_UINT8:
    case REFLECT_UINT16:
    case REFLECT_UINT32:
    case REFLECT_UINT64: enc_uint(b, uint_of(t, p)); break;
    case REFLECT_FLOAT32: enc_float(e, *(const float *)p, true); break;
    case REFLECT_FLOAT64: enc_float(e, *(const double *)p, false); break;
    case REFLECT_STRING: {
        const reflect_string_t *s = p;
        if (quoted)
            enc_quoted_string(e, s);
        else
            enc_string(b, s->ptr, s->len, true);
        break;
    }
    case REFLECT_PTR: {
        const void *to = *(void *const *)p;
        if (!to) {
            reflect_buf_cstr(b, "null");
        } else if (enter(e, t, to, 0)) {
            enc_value(e, t->elem, to, quoted);
            leave(e);
        }
        break;
    }
    case REFLECT_SLICE: enc_slice(e, t, p); break;
    case REFLECT_MAP: enc_map(e, t, *(reflect_map_t *const *)p); break;
    case REFLECT_INTERFACE: {
        const reflect_any_t *a = p;
        if (a->type)
            enc_value(e, a->type, a->ptr, false);
        else
            reflect_buf_cstr(b, "null");
        break;
    }
    case REFLECT_STRUCT: enc_struct(e, t, p); break;
    default: enc_fail(e, -EOPNOTSUPP, "unsupported type", t->name);
    }
    if (quoted && t->kind != REFLECT_STRING && t->kind != REFLECT_PTR)
        reflect_buf_byte(b, '"');
}

int reflect_json_marshal(const reflect_type_t *t, const void *p, reflect_buf_t *out,
                         reflect_error_t *err)
{
    if (!out)
        return -EINVAL;
    if (!t || !p) {
        reflect_buf_cstr(out, "null");
        return out->oom ? -ENOMEM : 0;
    }
    enc_t e = {.b = out, .err = err};
    enc_value(&e, t, p, false);
    free(e.path);
    if (!e.rc && out->oom)
        e.rc = -ENOMEM;
    return e.rc;
}

#else /* the stub */

int reflect_json_marshal(const reflect_type_t *t, const void *p, reflect_buf_t *out,
                         reflect_error_t *err)
{
    (void)t, (void)p, (void)out, (void)err;
    return -ENOSYS;
}

#endif
