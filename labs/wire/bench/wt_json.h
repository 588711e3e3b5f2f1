/*
 * wt_json.h — the same generic message as JSON with jansson, as a REST
 * API would send it (protobuf's JSON mapping, simplified: field names as
 * keys, 64-bit integers as strings, bytes as base64 is replaced by hex):
 * the other side of the benchmark and of the bytes-vs-json demo.
 *
 * Interface: wt_json_encode(m) → malloc'ed text; wt_json_decode(m, text).
 */
#ifndef WT_JSON_H
#define WT_JSON_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wire.h"

static json_t *wt_json_of(const wt_msg_t *m);

static json_t *wt_json_value(const wt_field_desc_t *f, const wt_value_t *v)
{
    char buf[32];
    switch (f->type) {
    case WT_INT64:
    case WT_SINT64:
    case WT_SFIXED64: snprintf(buf, sizeof buf, "%" PRId64, v->i); return json_string(buf);
    case WT_UINT64:
    case WT_FIXED64: snprintf(buf, sizeof buf, "%" PRIu64, v->u); return json_string(buf);
    case WT_UINT32:
    case WT_FIXED32: return json_integer((json_int_t)v->u);
    case WT_BOOL: return json_boolean(v->b);
    case WT_FLOAT: return json_real(v->f);
    case WT_DOUBLE: return json_real(v->d);
    case WT_STRING: return json_stringn((const char *)v->s.data, v->s.len);
    case WT_BYTES: {
        char *hex = malloc(2 * v->s.len + 1);
        for (size_t i = 0; i < v->s.len; i++)
            snprintf(hex + 2 * i, 3, "%02x", v->s.data[i]);
        hex[2 * v->s.len] = 0;
        json_t *j = json_string(hex);
        free(hex);
        return j;
    }
    case WT_MESSAGE: return wt_json_of(v->m);
    default: return json_integer((json_int_t)v->i);
    }
}

static json_t *wt_json_of(const wt_msg_t *m)
{
    json_t *o = json_object();
    for (size_t i = 0; i < m->desc->nfields; i++) {
        const wt_field_desc_t *f = &m->desc->fields[i];
        const wt_values_t *vs = &m->fields[i];
        if (!vs->n)
            continue;
        if (f->label == WT_SINGULAR) {
            json_object_set_new(o, f->name, wt_json_value(f, &vs->v[0]));
            continue;
        }
        json_t *a = json_array();
        for (size_t j = 0; j < vs->n; j++)
            json_array_append_new(a, wt_json_value(f, &vs->v[j]));
        json_object_set_new(o, f->name, a);
    }
    return o;
}

static inline char *wt_json_encode(const wt_msg_t *m)
{
    json_t *o = wt_json_of(m);
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

static int wt_json_into(wt_msg_t *m, json_t *o);

static int wt_json_set(wt_msg_t *m, const wt_field_desc_t *f, json_t *j)
{
    if (f->type == WT_MESSAGE) {
        wt_msg_t *sub = wt_push_msg(m, f->number);
        return sub ? wt_json_into(sub, j) : -1;
    }
    wt_value_t *v = wt_push(m, f->number);
    switch (f->type) {
    case WT_INT64:
    case WT_SINT64:
    case WT_SFIXED64: v->i = strtoll(json_string_value(j), NULL, 10); return 0;
    case WT_UINT64:
    case WT_FIXED64: v->u = strtoull(json_string_value(j), NULL, 10); return 0;
    case WT_UINT32:
    case WT_FIXED32: v->u = (uint64_t)json_integer_value(j); return 0;
    case WT_BOOL: v->b = json_is_true(j); return 0;
    case WT_FLOAT: v->f = (float)json_number_value(j); return 0;
    case WT_DOUBLE: v->d = json_number_value(j); return 0;
    case WT_STRING: return wt_value_set_bytes(v, json_string_value(j), json_string_length(j));
    case WT_BYTES: {
        const char *hex = json_string_value(j);
        size_t n = json_string_length(j) / 2;
        uint8_t *b = malloc(n + 1);
        for (size_t i = 0; i < n; i++) {
            unsigned x;
            sscanf(hex + 2 * i, "%2x", &x);
            b[i] = (uint8_t)x;
        }
        int rc = wt_value_set_bytes(v, b, n);
        free(b);
        return rc;
    }
    default: v->i = (int64_t)json_integer_value(j); return 0;
    }
}

static int wt_json_into(wt_msg_t *m, json_t *o)
{
    const char *key;
    json_t *val;
    json_object_foreach(o, key, val)
    {
        const wt_field_desc_t *f = NULL;
        for (size_t i = 0; i < m->desc->nfields && !f; i++)
            if (strcmp(m->desc->fields[i].name, key) == 0)
                f = &m->desc->fields[i];
        if (!f)
            continue;
        if (f->label == WT_SINGULAR) {
            if (wt_json_set(m, f, val) < 0)
                return -1;
            continue;
        }
        size_t i;
        json_t *e;
        json_array_foreach(val, i, e) if (wt_json_set(m, f, e) < 0) return -1;
    }
    return 0;
}

static inline int wt_json_decode(wt_msg_t *m, const char *text)
{
    json_t *o = json_loads(text, 0, NULL);
    if (!o)
        return -1;
    int rc = wt_json_into(m, o);
    json_decref(o);
    return rc;
}

#endif
