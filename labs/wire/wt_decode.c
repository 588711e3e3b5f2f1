/*
 * wt_decode.c — bytes to a message, strictly.
 *
 * The reader walks records: a tag varint (field number above, wire type
 * in the low three bits), then the payload. Against the table a known
 * field must carry its type's wire type — or LEN for a repeated number,
 * which is then a packed run of them (both forms are accepted whatever the
 * table's packed flag). An unknown field's record is copied whole into the
 * message's unknown bytes. Merging: a repeated field appends, a singular
 * scalar takes the last value, a singular embedded message merges the
 * new bytes into the one already there.
 *
 * Each way to be malformed has its own code (wire.h, WT_ERRORS): a varint
 * cut short or too long, field 0 or above 2^29-1, wire types 3, 4, 6, 7,
 * the wrong wire type, a length past the end, fixed bytes cut short, a
 * packed run ending inside an element, a string that is not UTF-8, nesting
 * past WT_MAX_DEPTH.
 *
 * Interface: wt_decode(m, buf, len) → 0 or WT_E*.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wt_internal.h"

#if LAB_SOLUTION

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static bool wt__utf8_ok(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0) {
            k = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            k = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            k = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (n - i <= k)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (p[i + j] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += k + 1;
    }
    return true;
}

/* Room for `more` values in a repeated field's array (more than one when
 * a packed run's length says how many are coming): 0 or -ENOMEM. */
static int wt__reserve(wt_values_t *vs, size_t more)
{
    if (vs->n + more <= vs->cap)
        return 0;
    size_t cap = vs->cap ? vs->cap * 2 : 4;
    if (cap < vs->n + more)
        cap = vs->n + more;
    wt_value_t *v = realloc(vs->v, cap * sizeof *v);
    if (!v)
        return -ENOMEM;
    vs->v = v;
    vs->cap = cap;
    return 0;
}

/* A zeroed slot for one more value of f, without wt_push's search: a
 * repeated field appends; a singular field reuses its one slot, whose old
 * string or message wt_push frees. */
static wt_value_t *wt__slot(wt_msg_t *m, const wt_field_desc_t *f)
{
    wt_values_t *vs = &m->fields[f - m->desc->fields];
    bool owns = f->type == WT_STRING || f->type == WT_BYTES || f->type == WT_MESSAGE;
    if (f->label == WT_SINGULAR && vs->n == 1 && owns)
        return wt_push(m, f->number);
    if (f->label == WT_REPEATED && wt__reserve(vs, 1) < 0)
        return NULL;
    wt_value_t *v = f->label == WT_SINGULAR ? &vs->v[0] : &vs->v[vs->n];
    if (f->label == WT_REPEATED || vs->n == 0)
        vs->n++;
    memset(v, 0, sizeof *v);
    return v;
}

/* wt_varint_get again, here where the compiler can inline it into the
 * loops below: every tag and number goes through. */
static inline int wt__varint(const uint8_t *p, size_t n, uint64_t *v)
{
    uint64_t x = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i == n)
            return WT_ETRUNCATED_VARINT;
        uint8_t b = p[i];
        if (i == 9 && b > 1) /* the tenth byte holds bit 63 only */
            return WT_EOVERLONG_VARINT;
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = x;
            return (int)i + 1;
        }
    }
    return WT_EOVERLONG_VARINT;
}

/* The row of field `number`: fields mostly arrive in table order, so the
 * row after the last one is tried first. */
static const wt_field_desc_t *wt__row(const wt_desc_t *d, uint32_t number, size_t *hint)
{
    for (size_t i = *hint; i < *hint + 2 && i < d->nfields; i++)
        if (d->fields[i].number == number) {
            *hint = i;
            return &d->fields[i];
        }
    const wt_field_desc_t *f = wt_field(d, number);
    if (f)
        *hint = (size_t)(f - d->fields);
    return f;
}

/* A value of a varint type from its varint. */
static void wt__from_varint(wt_type_t t, uint64_t x, wt_value_t *v)
{
    switch (t) {
    case WT_INT32:
    case WT_ENUM: v->i = (int32_t)(uint32_t)x; break;
    case WT_SINT32: v->i = wt_unzigzag32((uint32_t)x); break;
    case WT_SINT64: v->i = wt_unzigzag64(x); break;
    case WT_UINT32: v->u = (uint32_t)x; break;
    case WT_UINT64: v->u = x; break;
    case WT_BOOL: v->b = x != 0; break;
    default: v->i = (int64_t)x; break;
    }
}

static void wt__from_fixed32(wt_type_t t, uint32_t x, wt_value_t *v)
{
    if (t == WT_FLOAT)
        memcpy(&v->f, &x, 4);
    else if (t == WT_SFIXED32)
        v->i = (int32_t)x;
    else
        v->u = x;
}

static void wt__from_fixed64(wt_type_t t, uint64_t x, wt_value_t *v)
{
    if (t == WT_DOUBLE)
        memcpy(&v->d, &x, 8);
    else if (t == WT_SFIXED64)
        v->i = (int64_t)x;
    else
        v->u = x;
}

/* One number of type f->type at p (wire type wt): its length, or an error. */
static int wt__scalar(wt_msg_t *m, const wt_field_desc_t *f, int wt, const uint8_t *p, size_t n)
{
    wt_value_t *v;
    if (wt == WT_WIRE_VARINT) {
        uint64_t x;
        int k = wt__varint(p, n, &x);
        if (k < 0)
            return k;
        if (!(v = wt__slot(m, f)))
            return -ENOMEM;
        wt__from_varint(f->type, x, v);
        return k;
    }
    size_t k = wt == WT_WIRE_I32 ? 4 : 8;
    if (n < k)
        return WT_ETRUNCATED_FIXED;
    if (!(v = wt__slot(m, f)))
        return -ENOMEM;
    if (k == 4)
        wt__from_fixed32(f->type, wt_get_fixed32(p), v);
    else
        wt__from_fixed64(f->type, wt_get_fixed64(p), v);
    return (int)k;
}

static int wt__decode(wt_msg_t *m, const uint8_t *buf, size_t len, int depth);

/* A packed run of numbers, p[0..n). */
static int wt__packed(wt_msg_t *m, const wt_field_desc_t *f, const uint8_t *p, size_t n)
{
    int wt = wt__wire_type(f->type);
    /* Size the array once: a varint ends at each byte below 0x80. */
    size_t count = wt == WT_WIRE_I32 ? n / 4 : wt == WT_WIRE_I64 ? n / 8 : 0;
    for (size_t i = 0; wt == WT_WIRE_VARINT && i < n; i++)
        count += p[i] < 0x80;
    if (f->label == WT_REPEATED && wt__reserve(&m->fields[f - m->desc->fields], count) < 0)
        return -ENOMEM;
    while (n > 0) {
        int k = wt__scalar(m, f, wt, p, n);
        if (k == WT_ETRUNCATED_VARINT || k == WT_ETRUNCATED_FIXED)
            return WT_EPACKED_PARTIAL;
        if (k < 0)
            return k;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* A LEN payload p[0..n) of a known field. */
static int wt__len_field(wt_msg_t *m, const wt_field_desc_t *f, const uint8_t *p, size_t n,
                         int depth)
{
    if (wt__packable(f->type))
        return wt__packed(m, f, p, n);
    if (f->type == WT_MESSAGE) {
        wt_msg_t *sub = NULL;
        const wt_values_t *vs = &m->fields[f - m->desc->fields];
        if (f->label == WT_SINGULAR && vs->n == 1)
            sub = vs->v[0].m; /* merge into the one there */
        else if (!(sub = wt_push_msg(m, f->number)))
            return -ENOMEM;
        return wt__decode(sub, p, n, depth + 1);
    }
    if (f->type == WT_STRING && !wt__utf8_ok(p, n))
        return WT_EBAD_UTF8;
    wt_value_t *v = wt__slot(m, f);
    if (!v)
        return -ENOMEM;
    return wt_value_set_bytes(v, p, n);
}

/* The length of the payload at p for wire type wt (LEN: with its varint;
 * *body, *blen say where its bytes are), or an error. */
static int wt__payload(int wt, const uint8_t *p, size_t n, const uint8_t **body, size_t *blen)
{
    uint64_t x;
    int k;
    switch (wt) {
    case WT_WIRE_VARINT: k = wt__varint(p, n, &x); return k;
    case WT_WIRE_I64: return n < 8 ? WT_ETRUNCATED_FIXED : 8;
    case WT_WIRE_I32: return n < 4 ? WT_ETRUNCATED_FIXED : 4;
    case WT_WIRE_LEN:
        k = wt__varint(p, n, &x);
        if (k < 0)
            return k;
        if (x > n - (size_t)k)
            return WT_ELENGTH_PAST_END;
        *body = p + k;
        *blen = (size_t)x;
        return k + (int)x;
    case 3:
    case 4: return WT_EGROUP;
    default: return WT_EBAD_WIRE_TYPE;
    }
}

static int wt__decode(wt_msg_t *m, const uint8_t *buf, size_t len, int depth)
{
    if (depth > WT_MAX_DEPTH)
        return WT_ETOO_DEEP;
    size_t off = 0, hint = 0;
    while (off < len) {
        uint64_t key;
        int k = wt__varint(buf + off, len - off, &key);
        if (k < 0)
            return k;
        int wt = (int)(key & 7);
        uint64_t number = key >> 3;
        if (number == 0)
            return WT_EFIELD_ZERO;
        if (number > 0x1fffffff)
            return WT_EFIELD_RANGE;
        const uint8_t *at = buf + off + (size_t)k, *body = NULL;
        size_t rest = len - off - (size_t)k, blen = 0;
        int pl = wt__payload(wt, at, rest, &body, &blen);
        if (pl < 0)
            return pl;
        const wt_field_desc_t *f = wt__row(m->desc, (uint32_t)number, &hint);
        int rc = 0;
        if (!f) {
            rc = wt_unknown_append(m, buf + off, (size_t)k + (size_t)pl);
        } else if (wt == WT_WIRE_LEN &&
                   (wt__wire_type(f->type) == WT_WIRE_LEN || f->label == WT_REPEATED)) {
            rc = wt__len_field(m, f, body, blen, depth);
        } else if (wt == wt__wire_type(f->type) && wt != WT_WIRE_LEN) {
            rc = wt__scalar(m, f, wt, at, rest);
            rc = rc < 0 ? rc : 0;
        } else {
            return WT_EWRONG_WIRE_TYPE;
        }
        if (rc < 0)
            return rc;
        off += (size_t)k + (size_t)pl;
    }
    return 0;
}

int wt_decode(wt_msg_t *m, const uint8_t *buf, size_t len)
{
    return wt__decode(m, buf, len, 0);
}

#else

int wt_decode(wt_msg_t *m, const uint8_t *buf, size_t len)
{
    (void)m;
    (void)buf;
    (void)len;
    return -ENOSYS;
}

#endif
