/*
 * wt_msg.c — the generic in-memory message: per row of its descriptor
 * table an array of values, plus the raw bytes of unknown fields. This is
 * the lab's pristine representation, not the answer: the wire format
 * (wt_encode.c, wt_decode.c) is.
 *
 * Interface: wt_msg_new → wt_push / wt_push_msg / wt_value_set_bytes →
 * wt_get → wt_msg_free. wt_strerror names the codec's errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

wt_msg_t *wt_msg_new(const wt_desc_t *d)
{
    /* One allocation: the message, its table of values, then one slot per
     * singular field (which never needs more), so setting a singular field
     * allocates nothing. Repeated fields grow their own arrays. */
    size_t nsingular = 0;
    for (size_t i = 0; i < d->nfields; i++)
        nsingular += d->fields[i].label == WT_SINGULAR;
    wt_msg_t *m = calloc(1, sizeof *m + d->nfields * sizeof *m->fields +
                                nsingular * sizeof(wt_value_t));
    if (!m)
        return NULL;
    m->desc = d;
    m->fields = (wt_values_t *)(m + 1);
    wt_value_t *slot = (wt_value_t *)(m->fields + d->nfields);
    for (size_t i = 0; i < d->nfields; i++)
        if (d->fields[i].label == WT_SINGULAR) {
            m->fields[i].v = slot++;
            m->fields[i].cap = 1;
        }
    return m;
}

static void wt__value_clear(const wt_field_desc_t *f, wt_value_t *v)
{
    if (f->type == WT_STRING || f->type == WT_BYTES)
        free(v->s.data);
    else if (f->type == WT_MESSAGE)
        wt_msg_free(v->m);
    memset(v, 0, sizeof *v);
}

void wt_msg_free(wt_msg_t *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->desc->nfields; i++) {
        wt_values_t *vs = &m->fields[i];
        for (size_t j = 0; j < vs->n; j++)
            wt__value_clear(&m->desc->fields[i], &vs->v[j]);
        if (m->desc->fields[i].label == WT_REPEATED)
            free(vs->v); /* a singular field's slot is part of m */
    }
    free(m->unknown);
    free(m);
}

/* The index of field `number` in d, or -1: a binary search, since
 * tables are in field-number order. */
static long wt__index(const wt_desc_t *d, uint32_t number)
{
    size_t lo = 0, hi = d->nfields;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        uint32_t n = d->fields[mid].number;
        if (n == number)
            return (long)mid;
        if (n < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

const wt_field_desc_t *wt_field(const wt_desc_t *d, uint32_t number)
{
    long i = wt__index(d, number);
    return i < 0 ? NULL : &d->fields[i];
}

const wt_values_t *wt_get(const wt_msg_t *m, uint32_t number)
{
    long i = wt__index(m->desc, number);
    return i < 0 ? NULL : &m->fields[i];
}

wt_value_t *wt_push(wt_msg_t *m, uint32_t number)
{
    long i = wt__index(m->desc, number);
    if (i < 0)
        return NULL;
    const wt_field_desc_t *f = &m->desc->fields[i];
    wt_values_t *vs = &m->fields[i];
    if (f->label == WT_SINGULAR && vs->n == 1) {
        wt__value_clear(f, &vs->v[0]);
        return &vs->v[0];
    }
    if (vs->n == vs->cap) {
        size_t cap = vs->cap ? vs->cap * 2 : 4;
        wt_value_t *v = realloc(vs->v, cap * sizeof *v);
        if (!v)
            return NULL;
        vs->v = v;
        vs->cap = cap;
    }
    wt_value_t *v = &vs->v[vs->n++];
    memset(v, 0, sizeof *v);
    return v;
}

wt_msg_t *wt_push_msg(wt_msg_t *m, uint32_t number)
{
    const wt_field_desc_t *f = wt_field(m->desc, number);
    if (!f || f->type != WT_MESSAGE)
        return NULL;
    wt_msg_t *sub = wt_msg_new(f->message);
    if (!sub)
        return NULL;
    wt_value_t *v = wt_push(m, number);
    if (!v) {
        wt_msg_free(sub);
        return NULL;
    }
    v->m = sub;
    return sub;
}

int wt_value_set_bytes(wt_value_t *v, const void *p, size_t len)
{
    uint8_t *data = malloc(len + 1);
    if (!data)
        return -ENOMEM;
    if (len)
        memcpy(data, p, len);
    data[len] = 0;
    free(v->s.data);
    v->s.data = data;
    v->s.len = len;
    return 0;
}

int wt_unknown_append(wt_msg_t *m, const uint8_t *p, size_t len)
{
    if (m->unknown_len + len > m->unknown_cap) {
        size_t cap = m->unknown_cap ? m->unknown_cap : 32;
        while (cap < m->unknown_len + len)
            cap *= 2;
        uint8_t *u = realloc(m->unknown, cap);
        if (!u)
            return -ENOMEM;
        m->unknown = u;
        m->unknown_cap = cap;
    }
    memcpy(m->unknown + m->unknown_len, p, len);
    m->unknown_len += len;
    return 0;
}

const char *wt_strerror(int code)
{
    switch (code) {
#define WT__CASE(name, value, text)                                                                \
    case name: return #name ": " text;
        WT_ERRORS(WT__CASE)
#undef WT__CASE
    default: break;
    }
    return code < 0 ? strerror(-code) : "no error";
}
