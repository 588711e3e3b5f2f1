/*
 * reflect_call.c — methods by name, and calling them through libffi.
 *
 * Go's Value.Call knows at run time what the compiler knew statically for a
 * direct call: where each argument goes. Here libffi knows the platform's
 * calling convention; this file turns each reflect type into an ffi_type
 * (cached in the descriptor), checks the arguments against the method's
 * parameters before anything is called, and calls with ffi_call — never a
 * closure, so no executable memory is mapped. Two rules of libffi matter:
 * every argument is passed as a pointer to its value, and a result narrower
 * than a register comes back widened in an ffi_arg, so it is narrowed here
 * before it is stored.
 *
 * Interface: reflect_type_method_by_name / reflect_value_method_by_name →
 * reflect_func_call (or reflect_call_by_name for both).
 */
#include <errno.h>
#include <ffi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reflect.h"

#if LAB_SOLUTION

/* ---- finding methods -------------------------------------------------------------- */

int reflect_type_method_by_name(const reflect_type_t *t, const char *name,
                                const reflect_method_t **out)
{
    if (t && t->kind == REFLECT_PTR)
        t = t->elem;
    if (!t || t->kind != REFLECT_STRUCT || !name || !out)
        return -EINVAL;
    /* Sorted by name: a binary search. */
    size_t lo = 0, hi = t->nmethods;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t->methods[mid].name, name);
        if (c == 0) {
            *out = &t->methods[mid];
            return 0;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -ENOENT;
}

int reflect_value_method_by_name(reflect_value_t v, const char *name, reflect_func_t *out)
{
    if (!out)
        return -EINVAL;
    void *recv;
    if (reflect_value_kind(v) == REFLECT_PTR && v.type->elem->kind == REFLECT_STRUCT)
        recv = *(void **)v.ptr;
    else if (reflect_value_kind(v) == REFLECT_STRUCT)
        recv = v.ptr;
    else
        return -EINVAL;
    const reflect_method_t *m;
    int rc = reflect_type_method_by_name(v.type, name, &m);
    if (rc < 0)
        return rc;
    /* Pointer receivers only: a T that is not addressable has no methods. */
    if (v.type->kind == REFLECT_STRUCT && !reflect_value_can_addr(v))
        return -ENOENT;
    *out = (reflect_func_t){m, recv};
    return 0;
}

/* ---- ffi types ---------------------------------------------------------------------- */

static ffi_type *ffi_of(const reflect_type_t *t);

/* An ffi struct type of n elements, or NULL. Never freed: it is the type's. */
static ffi_type *ffi_struct(ffi_type **elems, size_t n)
{
    ffi_type *st = calloc(1, sizeof *st);
    ffi_type **el = calloc(n + 1, sizeof *el);
    if (!st || !el) {
        free(st);
        free(el);
        return NULL;
    }
    memcpy(el, elems, n * sizeof *el);
    st->type = FFI_TYPE_STRUCT;
    st->elements = el;
    return st;
}

static ffi_type *ffi_of_struct(const reflect_type_t *t)
{
    if (t->nfields == 0) {
        /* libffi has no empty struct; an empty C struct is passed as nothing */
        return NULL;
    }
    ffi_type **el = calloc(t->nfields, sizeof *el);
    if (!el)
        return NULL;
    ffi_type *st = NULL;
    size_t i = 0;
    for (; i < t->nfields; i++)
        if (!(el[i] = ffi_of(t->fields[i].type)))
            break;
    if (i == t->nfields)
        st = ffi_struct(el, t->nfields);
    free(el);
    return st;
}

static ffi_type *ffi_of(const reflect_type_t *t)
{
    switch (t->kind) {
    case REFLECT_BOOL:
    case REFLECT_UINT8: return &ffi_type_uint8;
    case REFLECT_INT8: return &ffi_type_sint8;
    case REFLECT_INT16: return &ffi_type_sint16;
    case REFLECT_UINT16: return &ffi_type_uint16;
    case REFLECT_INT32: return &ffi_type_sint32;
    case REFLECT_UINT32: return &ffi_type_uint32;
    case REFLECT_INT:
    case REFLECT_INT64: return &ffi_type_sint64;
    case REFLECT_UINT:
    case REFLECT_UINT64: return &ffi_type_uint64;
    case REFLECT_FLOAT32: return &ffi_type_float;
    case REFLECT_FLOAT64: return &ffi_type_double;
    case REFLECT_PTR:
    case REFLECT_MAP: return &ffi_type_pointer;
    default: break;
    }
    reflect_type_t *m = (reflect_type_t *)t; /* the cache slot is ours */
    if (m->ffi_cache)
        return m->ffi_cache;
    ffi_type *st = NULL;
    if (t->kind == REFLECT_STRING)
        st = ffi_struct((ffi_type *[]){&ffi_type_pointer, &ffi_type_uint64}, 2);
    else if (t->kind == REFLECT_SLICE)
        st = ffi_struct((ffi_type *[]){&ffi_type_pointer, &ffi_type_uint64, &ffi_type_uint64}, 3);
    else if (t->kind == REFLECT_INTERFACE)
        st = ffi_struct((ffi_type *[]){&ffi_type_pointer, &ffi_type_pointer}, 2);
    else if (t->kind == REFLECT_STRUCT)
        st = ffi_of_struct(t);
    m->ffi_cache = st;
    return st;
}

/* ---- calling ------------------------------------------------------------------------ */

static int call_error(reflect_error_t *err, int rc, const char *fmt, const char *a, const char *b)
{
    if (err)
        snprintf(err->msg, sizeof err->msg, fmt, a, b);
    return rc;
}

/* Go's "reflect: Call using X as type Y" check, and interface boxing. */
static int check_args(const reflect_method_t *m, const reflect_value_t *args, size_t nargs,
                      reflect_any_t *boxes, reflect_error_t *err)
{
    if (nargs < m->nin)
        return call_error(err, -EINVAL, "reflect: Call with too few input arguments", "", "");
    if (nargs > m->nin)
        return call_error(err, -EINVAL, "reflect: Call with too many input arguments", "", "");
    for (size_t i = 0; i < nargs; i++) {
        const reflect_type_t *want = m->in[i], *got = args[i].type;
        if (!got)
            return call_error(err, -EINVAL, "reflect: Call using zero Value argument", "", "");
        if (want->kind == REFLECT_INTERFACE && got != want)
            boxes[i] = (reflect_any_t){got, args[i].ptr};
        else if (got != want)
            return call_error(err, -EINVAL, "reflect: Call using %s as type %s", got->name,
                              want->name);
    }
    return 0;
}

int reflect_func_call(reflect_func_t f, const reflect_value_t *args, size_t nargs, void *ret,
                      reflect_error_t *err)
{
    const reflect_method_t *m = f.method;
    if (!m)
        return call_error(err, -EINVAL, "reflect: Call of nil function", "", "");
    if (nargs && !args)
        return -EINVAL;
    if (m->out && !ret)
        return call_error(err, -EINVAL, "reflect: Call with nowhere to put the result", "", "");
    size_t n = m->nin + 1;
    /* A few arguments fit on the stack; more take the heap. */
    ffi_type *types_s[8];
    void *values_s[8];
    reflect_any_t boxes_s[8];
    bool heap = n > 8;
    ffi_type **types = heap ? calloc(n, sizeof *types) : types_s;
    void **values = heap ? calloc(n, sizeof *values) : values_s;
    reflect_any_t *boxes = heap ? calloc(n, sizeof *boxes) : boxes_s;
    if (!heap)
        memset(boxes_s, 0, sizeof boxes_s);
    int rc = types && values && boxes ? check_args(m, args, nargs, boxes + 1, err) : -ENOMEM;
    if (rc < 0)
        goto out;
    types[0] = &ffi_type_pointer;
    values[0] = &f.recv;
    for (size_t i = 0; i < m->nin; i++) {
        bool boxed = boxes[i + 1].type != NULL;
        types[i + 1] = ffi_of(m->in[i]);
        values[i + 1] = boxed ? (void *)&boxes[i + 1] : args[i].ptr;
        if (!types[i + 1]) {
            rc = call_error(err, -EINVAL, "reflect: cannot pass %s through libffi", m->in[i]->name,
                            "");
            goto out;
        }
    }
    ffi_type *rtype = m->out ? ffi_of(m->out) : &ffi_type_void;
    ffi_cif cif;
    if (!rtype || ffi_prep_cif(&cif, FFI_DEFAULT_ABI, (unsigned)n, rtype, types) != FFI_OK) {
        rc = call_error(err, -EINVAL, "reflect: cannot call %s through libffi", m->sig, "");
        goto out;
    }
    /* A result narrower than a register comes back in a whole ffi_arg. */
    union {
        ffi_arg word;
        unsigned char bytes[64];
    } small;
    bool widened = m->out && rtype->type != FFI_TYPE_STRUCT && rtype->type != FFI_TYPE_FLOAT &&
                   rtype->type != FFI_TYPE_DOUBLE;
    void *rv = m->out && (widened || m->out->size <= sizeof small) ? (void *)&small : ret;
    ffi_call(&cif, m->fn, rv, values);
    if (m->out && rv == &small) {
        if (widened) {
            /* little-endian: the value's bytes are the low bytes of the word */
            uint64_t w = (uint64_t)small.word;
            memcpy(ret, &w, m->out->size);
        } else {
            memcpy(ret, small.bytes, m->out->size);
        }
    }
out:
    if (heap) {
        free(types);
        free(values);
        free(boxes);
    }
    return rc;
}

int reflect_call_by_name(reflect_value_t v, const char *name, const reflect_value_t *args,
                         size_t nargs, void *ret, reflect_error_t *err)
{
    reflect_func_t f;
    int rc = reflect_value_method_by_name(v, name, &f);
    if (rc == -ENOENT)
        return call_error(err, rc, "reflect: no method %s on %s", name, v.type->name);
    if (rc < 0)
        return call_error(err, rc, "reflect: cannot look up method %s on %s", name ? name : "",
                          v.type ? v.type->name : "invalid Value");
    return reflect_func_call(f, args, nargs, ret, err);
}

#else /* the stub */

int reflect_type_method_by_name(const reflect_type_t *t, const char *name,
                                const reflect_method_t **out)
{
    (void)t, (void)name, (void)out;
    return -ENOSYS;
}

int reflect_value_method_by_name(reflect_value_t v, const char *name, reflect_func_t *out)
{
    (void)v, (void)name, (void)out;
    return -ENOSYS;
}

int reflect_func_call(reflect_func_t f, const reflect_value_t *args, size_t nargs, void *ret,
                      reflect_error_t *err)
{
    (void)f, (void)args, (void)nargs, (void)ret, (void)err;
    return -ENOSYS;
}

int reflect_call_by_name(reflect_value_t v, const char *name, const reflect_value_t *args,
                         size_t nargs, void *ret, reflect_error_t *err)
{
    (void)v, (void)name, (void)args, (void)nargs, (void)ret, (void)err;
    return -ENOSYS;
}

#endif
