/*
 * reflect_value.c — values: reading through a descriptor, walking into
 * fields, elements and map entries, and setting with every check Go makes.
 *
 * A Value is (type, pointer to the bytes, flags). Go's rules for setting,
 * which this file keeps:
 *   - reflect.ValueOf(x) is a copy: it cannot be set. reflect_value_of gives
 *     such a Value; reflect_value_at (ValueOf(&x).Elem()) an addressable one.
 *   - Elem of a pointer is addressable (it lives where the pointer points);
 *     Elem of an interface is not (the box is not the caller's to change).
 *   - A field is addressable when its struct is, and read-only when reached
 *     through an unexported field; slice elements are always addressable.
 *   - CanSet = addressable and not read-only. A setter checks that first, then
 *     the kind, then the range, and changes nothing when it refuses.
 *
 * Interface: reflect_value_of / _at → _kind / _elem / _field / _field_by_name /
 * _index / _map_index / _map_entry / _len / _cap → getters → setters, _set,
 * _set_zero; _is_nil / _is_zero.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reflect.h"

#if LAB_SOLUTION

reflect_value_t reflect_value_of(const reflect_type_t *t, const void *p)
{
    if (!t || !p)
        return (reflect_value_t){0};
    return (reflect_value_t){t, (void *)p, 0};
}

reflect_value_t reflect_value_at(const reflect_type_t *t, void *p)
{
    if (!t || !p)
        return (reflect_value_t){0};
    return (reflect_value_t){t, p, REFLECT_FLAG_ADDR};
}

reflect_kind_t reflect_value_kind(reflect_value_t v)
{
    return v.type ? v.type->kind : REFLECT_INVALID;
}

bool reflect_value_can_addr(reflect_value_t v)
{
    return v.type && (v.flags & REFLECT_FLAG_ADDR);
}

bool reflect_value_can_set(reflect_value_t v)
{
    return v.type && (v.flags & (REFLECT_FLAG_ADDR | REFLECT_FLAG_RO | REFLECT_FLAG_EMBED_RO)) ==
                         REFLECT_FLAG_ADDR;
}

/* ---- walking --------------------------------------------------------------------- */

int reflect_value_elem(reflect_value_t v, reflect_value_t *out)
{
    if (!out)
        return -EINVAL;
    switch (reflect_value_kind(v)) {
    case REFLECT_PTR: {
        void *p = *(void **)v.ptr;
        unsigned ro = v.flags & (REFLECT_FLAG_RO | REFLECT_FLAG_EMBED_RO);
        *out = p ? (reflect_value_t){v.type->elem, p, REFLECT_FLAG_ADDR | ro}
                 : (reflect_value_t){0};
        return 0;
    }
    case REFLECT_INTERFACE: {
        const reflect_any_t *a = v.ptr;
        unsigned ro = v.flags & (REFLECT_FLAG_RO | REFLECT_FLAG_EMBED_RO) ? REFLECT_FLAG_RO : 0;
        *out = a->type ? (reflect_value_t){a->type, a->ptr, ro} : (reflect_value_t){0};
        return 0;
    }
    default: return -EINVAL;
    }
}

int reflect_value_field(reflect_value_t v, size_t i, reflect_value_t *out)
{
    if (!out || reflect_value_kind(v) != REFLECT_STRUCT)
        return -EINVAL;
    if (i >= v.type->nfields)
        return -ERANGE;
    const reflect_field_t *f = &v.type->fields[i];
    /* Only the sticky flag is inherited: see reflect.h. */
    unsigned flags = v.flags & (REFLECT_FLAG_ADDR | REFLECT_FLAG_RO);
    if (!f->exported)
        flags |= f->embedded ? REFLECT_FLAG_EMBED_RO : REFLECT_FLAG_RO;
    *out = (reflect_value_t){f->type, (char *)v.ptr + f->offset, flags};
    return 0;
}

int reflect_value_field_by_name(reflect_value_t v, const char *name, reflect_value_t *out)
{
    if (!out || reflect_value_kind(v) != REFLECT_STRUCT)
        return -EINVAL;
    reflect_field_path_t path;
    int rc = reflect_type_field_by_name(v.type, name, &path);
    if (rc < 0)
        return rc;
    for (size_t d = 0; d < path.depth; d++) {
        if (v.type->kind == REFLECT_PTR) {
            if ((rc = reflect_value_elem(v, &v)) < 0)
                return rc;
            if (!v.type)
                return -EFAULT; /* Go: indirection through nil pointer to embedded struct */
        }
        if ((rc = reflect_value_field(v, path.index[d], &v)) < 0)
            return rc;
    }
    *out = v;
    return 0;
}

int reflect_value_len(reflect_value_t v, size_t *n)
{
    if (!n)
        return -EINVAL;
    switch (reflect_value_kind(v)) {
    case REFLECT_SLICE: *n = ((const reflect_slice_t *)v.ptr)->len; return 0;
    case REFLECT_STRING: *n = ((const reflect_string_t *)v.ptr)->len; return 0;
    case REFLECT_MAP: *n = reflect_map_len(*(reflect_map_t *const *)v.ptr); return 0;
    default: return -EINVAL;
    }
}

int reflect_value_cap(reflect_value_t v, size_t *n)
{
    if (!n || reflect_value_kind(v) != REFLECT_SLICE)
        return -EINVAL;
    *n = ((const reflect_slice_t *)v.ptr)->cap;
    return 0;
}

int reflect_value_index(reflect_value_t v, size_t i, reflect_value_t *out)
{
    if (!out || reflect_value_kind(v) != REFLECT_SLICE)
        return -EINVAL;
    const reflect_slice_t *s = v.ptr;
    if (i >= s->len)
        return -ERANGE;
    const reflect_type_t *e = v.type->elem;
    unsigned ro = v.flags & (REFLECT_FLAG_RO | REFLECT_FLAG_EMBED_RO) ? REFLECT_FLAG_RO : 0;
    *out = (reflect_value_t){e, (char *)s->data + i * e->size, REFLECT_FLAG_ADDR | ro};
    return 0;
}

int reflect_value_map_index(reflect_value_t v, reflect_value_t key, reflect_value_t *out)
{
    if (!out || reflect_value_kind(v) != REFLECT_MAP || key.type != v.type->key)
        return -EINVAL;
    void *e = reflect_map_find(*(reflect_map_t **)v.ptr, key.ptr);
    if (!e)
        return -ENOENT;
    unsigned ro = v.flags & (REFLECT_FLAG_RO | REFLECT_FLAG_EMBED_RO) ? REFLECT_FLAG_RO : 0;
    *out = (reflect_value_t){v.type->elem, e, ro};
    return 0;
}

int reflect_value_map_entry(reflect_value_t v, size_t i, reflect_value_t *key,
                            reflect_value_t *elem)
{
    if (reflect_value_kind(v) != REFLECT_MAP)
        return -EINVAL;
    const void *k;
    void *e;
    int rc = reflect_map_entry(*(reflect_map_t **)v.ptr, i, &k, &e);
    if (rc < 0)
        return rc;
    unsigned ro = v.flags & (REFLECT_FLAG_RO | REFLECT_FLAG_EMBED_RO) ? REFLECT_FLAG_RO : 0;
    if (key)
        *key = (reflect_value_t){v.type->key, (void *)k, ro};
    if (elem)
        *elem = (reflect_value_t){v.type->elem, e, ro};
    return 0;
}

/* ---- getters --------------------------------------------------------------------- */

int reflect_value_bool(reflect_value_t v, bool *out)
{
    if (!out || reflect_value_kind(v) != REFLECT_BOOL)
        return -EINVAL;
    *out = *(const bool *)v.ptr;
    return 0;
}

int reflect_value_int(reflect_value_t v, int64_t *out)
{
    if (!out)
        return -EINVAL;
    switch (reflect_value_kind(v)) {
    case REFLECT_INT8: *out = *(const int8_t *)v.ptr; return 0;
    case REFLECT_INT16: *out = *(const int16_t *)v.ptr; return 0;
    case REFLECT_INT32: *out = *(const int32_t *)v.ptr; return 0;
    case REFLECT_INT:
    case REFLECT_INT64: *out = *(const int64_t *)v.ptr; return 0;
    default: return -EINVAL;
    }
}

int reflect_value_uint(reflect_value_t v, uint64_t *out)
{
    if (!out)
        return -EINVAL;
    switch (reflect_value_kind(v)) {
    case REFLECT_UINT8: *out = *(const uint8_t *)v.ptr; return 0;
    case REFLECT_UINT16: *out = *(const uint16_t *)v.ptr; return 0;
    case REFLECT_UINT32: *out = *(const uint32_t *)v.ptr; return 0;
    case REFLECT_UINT:
    case REFLECT_UINT64: *out = *(const uint64_t *)v.ptr; return 0;
    default: return -EINVAL;
    }
}

int reflect_value_float(reflect_value_t v, double *out)
{
    if (!out)
        return -EINVAL;
    switch (reflect_value_kind(v)) {
    case REFLECT_FLOAT32: *out = *(const float *)v.ptr; return 0;
    case REFLECT_FLOAT64: *out = *(const double *)v.ptr; return 0;
    default: return -EINVAL;
    }
}

int reflect_value_string(reflect_value_t v, reflect_string_t *out)
{
    if (!out || reflect_value_kind(v) != REFLECT_STRING)
        return -EINVAL;
    *out = *(const reflect_string_t *)v.ptr;
    return 0;
}

/* ---- setters --------------------------------------------------------------------- */

/* The order of the checks is the contract: settable, then kind, then range. */
static int settable(reflect_value_t v, reflect_kind_t lo, reflect_kind_t hi)
{
    if (!reflect_value_can_set(v))
        return -EPERM;
    if (v.type->kind < lo || v.type->kind > hi)
        return -EINVAL;
    return 0;
}

int reflect_value_set_bool(reflect_value_t v, bool x)
{
    int rc = settable(v, REFLECT_BOOL, REFLECT_BOOL);
    if (rc == 0)
        *(bool *)v.ptr = x;
    return rc;
}

int reflect_value_set_int(reflect_value_t v, int64_t x)
{
    int rc = settable(v, REFLECT_INT, REFLECT_INT64);
    if (rc < 0)
        return rc;
    switch (v.type->kind) {
    case REFLECT_INT8:
        if (x < INT8_MIN || x > INT8_MAX)
            return -ERANGE;
        *(int8_t *)v.ptr = (int8_t)x;
        return 0;
    case REFLECT_INT16:
        if (x < INT16_MIN || x > INT16_MAX)
            return -ERANGE;
        *(int16_t *)v.ptr = (int16_t)x;
        return 0;
    case REFLECT_INT32:
        if (x < INT32_MIN || x > INT32_MAX)
            return -ERANGE;
        *(int32_t *)v.ptr = (int32_t)x;
        return 0;
    default: *(int64_t *)v.ptr = x; return 0;
    }
}

int reflect_value_set_uint(reflect_value_t v, uint64_t x)
{
    int rc = settable(v, REFLECT_UINT, REFLECT_UINT64);
    if (rc < 0)
        return rc;
    switch (v.type->kind) {
    case REFLECT_UINT8:
        if (x > UINT8_MAX)
            return -ERANGE;
        *(uint8_t *)v.ptr = (uint8_t)x;
        return 0;
    case REFLECT_UINT16:
        if (x > UINT16_MAX)
            return -ERANGE;
        *(uint16_t *)v.ptr = (uint16_t)x;
        return 0;
    case REFLECT_UINT32:
        if (x > UINT32_MAX)
            return -ERANGE;
        *(uint32_t *)v.ptr = (uint32_t)x;
        return 0;
    default: *(uint64_t *)v.ptr = x; return 0;
    }
}

int reflect_value_set_float(reflect_value_t v, double x)
{
    int rc = settable(v, REFLECT_FLOAT32, REFLECT_FLOAT64);
    if (rc < 0)
        return rc;
    if (v.type->kind == REFLECT_FLOAT32) {
        /* Go's OverflowFloat: finite and beyond float32's largest. */
        if (isfinite(x) && fabs(x) > 3.40282346638528859811704183484516925440e+38)
            return -ERANGE;
        *(float *)v.ptr = (float)x;
    } else {
        *(double *)v.ptr = x;
    }
    return 0;
}

int reflect_value_set_string(reflect_value_t v, reflect_string_t x)
{
    int rc = settable(v, REFLECT_STRING, REFLECT_STRING);
    if (rc == 0)
        *(reflect_string_t *)v.ptr = x;
    return rc;
}

int reflect_value_set(reflect_value_t dst, reflect_value_t src, reflect_error_t *err)
{
    if (!dst.type || !src.type) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "reflect: call of reflect.Value.Set on zero Value");
        return -EINVAL;
    }
    if (!reflect_value_can_set(dst)) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "reflect: reflect.Value.Set using %s",
                     dst.flags & (REFLECT_FLAG_RO | REFLECT_FLAG_EMBED_RO)
                         ? "value obtained using unexported field"
                         : "unaddressable value");
        return -EPERM;
    }
    if (src.type == dst.type) {
        memmove(dst.ptr, src.ptr, dst.type->size);
        return 0;
    }
    if (dst.type->kind == REFLECT_INTERFACE) {
        *(reflect_any_t *)dst.ptr = (reflect_any_t){src.type, src.ptr};
        return 0;
    }
    if (err)
        snprintf(err->msg, sizeof err->msg,
                 "reflect.Set: value of type %s is not assignable to type %s", src.type->name,
                 dst.type->name);
    return -EINVAL;
}

int reflect_value_set_zero(reflect_value_t v)
{
    if (!reflect_value_can_set(v))
        return -EPERM;
    memset(v.ptr, 0, v.type->size);
    return 0;
}

/* ---- nil and zero ---------------------------------------------------------------- */

int reflect_value_is_nil(reflect_value_t v)
{
    switch (reflect_value_kind(v)) {
    case REFLECT_PTR:
    case REFLECT_MAP: return *(void *const *)v.ptr == NULL;
    case REFLECT_SLICE: return ((const reflect_slice_t *)v.ptr)->data == NULL;
    case REFLECT_INTERFACE: return ((const reflect_any_t *)v.ptr)->type == NULL;
    default: return -EINVAL;
    }
}

bool reflect_value_is_zero(reflect_value_t v)
{
    switch (reflect_value_kind(v)) {
    case REFLECT_INVALID: return false;
    case REFLECT_FLOAT32: {
        float f = *(const float *)v.ptr;
        return f == 0 && !signbit(f);
    }
    case REFLECT_FLOAT64: {
        double d = *(const double *)v.ptr;
        return d == 0 && !signbit(d);
    }
    case REFLECT_STRING: return ((const reflect_string_t *)v.ptr)->len == 0;
    case REFLECT_SLICE:
    case REFLECT_PTR:
    case REFLECT_MAP:
    case REFLECT_INTERFACE: return reflect_value_is_nil(v) == 1;
    case REFLECT_STRUCT:
        for (size_t i = 0; i < v.type->nfields; i++) {
            reflect_value_t f;
            if (reflect_value_field(v, i, &f) == 0 && !reflect_value_is_zero(f))
                return false;
        }
        return true;
    default: {
        /* bools and integers: every byte zero */
        const unsigned char *p = v.ptr;
        for (size_t i = 0; i < v.type->size; i++)
            if (p[i])
                return false;
        return true;
    }
    }
}

#else /* the stub */

reflect_value_t reflect_value_of(const reflect_type_t *t, const void *p)
{
    (void)t, (void)p;
    return (reflect_value_t){0};
}

reflect_value_t reflect_value_at(const reflect_type_t *t, void *p)
{
    (void)t, (void)p;
    return (reflect_value_t){0};
}

reflect_kind_t reflect_value_kind(reflect_value_t v)
{
    (void)v;
    return REFLECT_INVALID;
}

bool reflect_value_can_addr(reflect_value_t v)
{
    (void)v;
    return false;
}

bool reflect_value_can_set(reflect_value_t v)
{
    (void)v;
    return false;
}

int reflect_value_elem(reflect_value_t v, reflect_value_t *out)
{
    (void)v, (void)out;
    return -ENOSYS;
}

int reflect_value_field(reflect_value_t v, size_t i, reflect_value_t *out)
{
    (void)v, (void)i, (void)out;
    return -ENOSYS;
}

int reflect_value_field_by_name(reflect_value_t v, const char *name, reflect_value_t *out)
{
    (void)v, (void)name, (void)out;
    return -ENOSYS;
}

int reflect_value_len(reflect_value_t v, size_t *n)
{
    (void)v, (void)n;
    return -ENOSYS;
}

int reflect_value_cap(reflect_value_t v, size_t *n)
{
    (void)v, (void)n;
    return -ENOSYS;
}

int reflect_value_index(reflect_value_t v, size_t i, reflect_value_t *out)
{
    (void)v, (void)i, (void)out;
    return -ENOSYS;
}

int reflect_value_map_index(reflect_value_t v, reflect_value_t key, reflect_value_t *out)
{
    (void)v, (void)key, (void)out;
    return -ENOSYS;
}

int reflect_value_map_entry(reflect_value_t v, size_t i, reflect_value_t *key,
                            reflect_value_t *elem)
{
    (void)v, (void)i, (void)key, (void)elem;
    return -ENOSYS;
}

int reflect_value_bool(reflect_value_t v, bool *out)
{
    (void)v, (void)out;
    return -ENOSYS;
}

int reflect_value_int(reflect_value_t v, int64_t *out)
{
    (void)v, (void)out;
    return -ENOSYS;
}

int reflect_value_uint(reflect_value_t v, uint64_t *out)
{
    (void)v, (void)out;
    return -ENOSYS;
}

int reflect_value_float(reflect_value_t v, double *out)
{
    (void)v, (void)out;
    return -ENOSYS;
}

int reflect_value_string(reflect_value_t v, reflect_string_t *out)
{
    (void)v, (void)out;
    return -ENOSYS;
}

int reflect_value_set_bool(reflect_value_t v, bool x)
{
    (void)v, (void)x;
    return -ENOSYS;
}

int reflect_value_set_int(reflect_value_t v, int64_t x)
{
    (void)v, (void)x;
    return -ENOSYS;
}

int reflect_value_set_uint(reflect_value_t v, uint64_t x)
{
    (void)v, (void)x;
    return -ENOSYS;
}

int reflect_value_set_float(reflect_value_t v, double x)
{
    (void)v, (void)x;
    return -ENOSYS;
}

int reflect_value_set_string(reflect_value_t v, reflect_string_t x)
{
    (void)v, (void)x;
    return -ENOSYS;
}

int reflect_value_set(reflect_value_t dst, reflect_value_t src, reflect_error_t *err)
{
    (void)dst, (void)src, (void)err;
    return -ENOSYS;
}

int reflect_value_set_zero(reflect_value_t v)
{
    (void)v;
    return -ENOSYS;
}

int reflect_value_is_nil(reflect_value_t v)
{
    (void)v;
    return -ENOSYS;
}

bool reflect_value_is_zero(reflect_value_t v)
{
    (void)v;
    return false;
}

#endif
