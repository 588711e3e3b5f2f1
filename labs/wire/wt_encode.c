/*
 * wt_encode.c — a message to bytes.
 *
 * Each field is a record: a tag (number << 3 | wire type, as a varint),
 * then the payload its wire type says: a varint, 4 or 8 little-endian
 * bytes, or a varint length and that many bytes (strings, bytes, embedded
 * messages, packed repeated numbers). Fields go out in the table's order;
 * proto3 leaves out a singular scalar at its default, since the reader
 * cannot tell "absent" from "zero" anyway, but an embedded message that is
 * set is always sent (its presence is information). Unknown fields go out
 * last, byte for byte as they came in.
 *
 * Interface: wt_size(m) → wt_encode(m, buf, cap). wt_size is exact, so
 * one pass sizes every embedded message (a length precedes its bytes).
 */
#include <errno.h>
#include <string.h>

#include "wt_internal.h"

#if LAB_SOLUTION

/* wt_varint_put and wt_varint_len again, here where the compiler can
 * inline them into the loops below: every tag and number goes through. */
static inline size_t wt__put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

static inline size_t wt__varint_len(uint64_t v)
{
    return (size_t)(70 - __builtin_clzll(v | 1)) / 7;
}

/* The varint a value of a varint type travels as. int32 and enum are
 * sign-extended to 64 bits, so a negative one takes 10 bytes. */
static inline uint64_t wt__varint_of(wt_type_t t, const wt_value_t *v)
{
    switch (t) {
    case WT_SINT32: return wt_zigzag32((int32_t)v->i);
    case WT_SINT64: return wt_zigzag64(v->i);
    case WT_BOOL: return v->b ? 1 : 0;
    case WT_UINT32: return (uint32_t)v->u;
    case WT_INT32:
    case WT_ENUM: return (uint64_t)(int64_t)(int32_t)v->i;
    case WT_UINT64: return v->u;
    default: return (uint64_t)v->i;
    }
}

/* Whether a singular value is proto3's default, which is not sent. */
static inline bool wt__is_default(wt_type_t t, const wt_value_t *v)
{
    switch (t) {
    case WT_BOOL: return !v->b;
    case WT_FLOAT: {
        uint32_t bits;
        memcpy(&bits, &v->f, 4);
        return bits == 0;
    }
    case WT_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &v->d, 8);
        return bits == 0;
    }
    case WT_STRING:
    case WT_BYTES: return v->s.len == 0;
    case WT_MESSAGE: return false;
    case WT_UINT32:
    case WT_FIXED32: return (uint32_t)v->u == 0;
    case WT_UINT64:
    case WT_FIXED64: return v->u == 0;
    case WT_INT32:
    case WT_SINT32:
    case WT_SFIXED32:
    case WT_ENUM: return (int32_t)v->i == 0;
    default: return v->i == 0;
    }
}

/* The payload size of one value (without tag; a LEN value with its length). */
static inline size_t wt__value_size(const wt_field_desc_t *f, const wt_value_t *v)
{
    switch (wt__wire_type(f->type)) {
    case WT_WIRE_I64: return 8;
    case WT_WIRE_I32: return 4;
    case WT_WIRE_LEN: {
        size_t n = f->type == WT_MESSAGE ? wt_size(v->m) : v->s.len;
        return wt__varint_len(n) + n;
    }
    default: return wt__varint_len(wt__varint_of(f->type, v));
    }
}

/* The bytes of a packed field's elements, without tag and length. */
static size_t wt__packed_body(const wt_field_desc_t *f, const wt_values_t *vs)
{
    size_t n = 0;
    for (size_t i = 0; i < vs->n; i++)
        n += wt__value_size(f, &vs->v[i]);
    return n;
}

static bool wt__sends(const wt_field_desc_t *f, const wt_values_t *vs)
{
    if (vs->n == 0)
        return false;
    return f->label == WT_REPEATED || !wt__is_default(f->type, &vs->v[0]);
}

size_t wt_size(const wt_msg_t *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->desc->nfields; i++) {
        const wt_field_desc_t *f = &m->desc->fields[i];
        const wt_values_t *vs = &m->fields[i];
        if (!wt__sends(f, vs))
            continue;
        size_t tag = wt__varint_len((uint64_t)f->number << 3);
        if (f->label == WT_REPEATED && f->packed && wt__packable(f->type)) {
            size_t body = wt__packed_body(f, vs);
            n += tag + wt__varint_len(body) + body;
            continue;
        }
        for (size_t j = 0; j < vs->n; j++)
            n += tag + wt__value_size(f, &vs->v[j]);
    }
    return n + m->unknown_len;
}

static uint8_t *wt__put_value(uint8_t *p, const wt_field_desc_t *f, const wt_value_t *v);

static uint8_t *wt__put_message(uint8_t *p, const wt_msg_t *m);

static uint8_t *wt__put_len(uint8_t *p, const void *data, size_t len)
{
    p += wt__put_varint(p, len);
    if (len)
        memcpy(p, data, len);
    return p + len;
}

static uint8_t *wt__put_value(uint8_t *p, const wt_field_desc_t *f, const wt_value_t *v)
{
    switch (f->type) {
    case WT_FIXED32: wt_put_fixed32(p, (uint32_t)v->u); return p + 4;
    case WT_SFIXED32: wt_put_fixed32(p, (uint32_t)v->i); return p + 4;
    case WT_FLOAT: {
        uint32_t bits;
        memcpy(&bits, &v->f, 4);
        wt_put_fixed32(p, bits);
        return p + 4;
    }
    case WT_FIXED64: wt_put_fixed64(p, v->u); return p + 8;
    case WT_SFIXED64: wt_put_fixed64(p, (uint64_t)v->i); return p + 8;
    case WT_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &v->d, 8);
        wt_put_fixed64(p, bits);
        return p + 8;
    }
    case WT_STRING:
    case WT_BYTES: return wt__put_len(p, v->s.data, v->s.len);
    case WT_MESSAGE: {
        /* Sizing the embedded message again at every level of nesting
         * would make encoding quadratic in the depth. Write it after a
         * one-byte length instead; when it turns out longer than 127
         * bytes, move it up to make room. It then ends where the exact
         * wt_size said it would, so it still fits in the buffer. */
        uint8_t *end = wt__put_message(p + 1, v->m);
        size_t len = (size_t)(end - (p + 1)), extra = wt__varint_len(len) - 1;
        if (extra)
            memmove(p + 1 + extra, p + 1, len);
        return p + wt__put_varint(p, len) + len;
    }
    default: return p + wt__put_varint(p, wt__varint_of(f->type, v));
    }
}

static uint8_t *wt__put_message(uint8_t *p, const wt_msg_t *m)
{
    for (size_t i = 0; i < m->desc->nfields; i++) {
        const wt_field_desc_t *f = &m->desc->fields[i];
        const wt_values_t *vs = &m->fields[i];
        if (!wt__sends(f, vs))
            continue;
        uint64_t key = (uint64_t)f->number << 3;
        if (f->label == WT_REPEATED && f->packed && wt__packable(f->type)) {
            p += wt__put_varint(p, key | WT_WIRE_LEN);
            p += wt__put_varint(p, wt__packed_body(f, vs));
            for (size_t j = 0; j < vs->n; j++)
                p = wt__put_value(p, f, &vs->v[j]);
            continue;
        }
        for (size_t j = 0; j < vs->n; j++) {
            p += wt__put_varint(p, key | (uint64_t)wt__wire_type(f->type));
            p = wt__put_value(p, f, &vs->v[j]);
        }
    }
    if (m->unknown_len)
        memcpy(p, m->unknown, m->unknown_len);
    return p + m->unknown_len;
}

ssize_t wt_encode(const wt_msg_t *m, uint8_t *buf, size_t cap)
{
    size_t n = wt_size(m);
    if (n > cap)
        return -ENOSPC;
    uint8_t *end = wt__put_message(buf, m);
    return end - buf;
}

#else

size_t wt_size(const wt_msg_t *m)
{
    (void)m;
    return 0;
}

ssize_t wt_encode(const wt_msg_t *m, uint8_t *buf, size_t cap)
{
    (void)m;
    (void)buf;
    (void)cap;
    return -ENOSYS;
}

#endif
