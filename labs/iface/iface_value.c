/*
 * iface_value.c — interface values: sealing descriptors, conversion, dynamic
 * calls, type assertions, type switches and nil checks.
 *
 * A non-empty interface value is (itab, data); the empty interface `any` is
 * (type, data). Converting a concrete value to an interface means finding
 * the itab for the pair (iface_getitab, iface_itab.c); calling a method is one
 * indexed load from the itab. Asserting to a concrete type compares type
 * pointers; asserting to an interface asks the itab cache. The nil interface
 * is the one with no itab/type: an interface that holds a nil pointer has a
 * type, so it is not nil.
 *
 * Interface: iface_type_seal / iface_itype_seal → iface_from / iface_any_from
 * → iface_call → iface_assert_* / iface_switch; iface_is_nil at any point.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iface.h"

#if LAB_SOLUTION

/* ---- descriptors ------------------------------------------------------- */

/* FNV-1a of a name: equal names give equal hashes on every run. */
static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int method_cmp(const void *a, const void *b)
{
    const iface_method_t *x = a, *y = b;
    return strcmp(x->name, y->name);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int iface_type_seal(iface_type_t *t)
{
    if (!t || !t->name || (t->nmethods && !t->methods))
        return -EINVAL;
    if (t->kind == IFACE_KIND_PTR && t->size != sizeof(void *))
        return -EINVAL;
    for (size_t i = 0; i < t->nmethods; i++)
        if (!t->methods[i].name || !t->methods[i].fn)
            return -EINVAL;
    /* Sorting once here is what lets every itab be built by one merge.
     * (qsort must not see a NULL array, even an empty one.) */
    if (t->nmethods > 1)
        qsort(t->methods, t->nmethods, sizeof(t->methods[0]), method_cmp);
    for (size_t i = 1; i < t->nmethods; i++)
        if (strcmp(t->methods[i - 1].name, t->methods[i].name) == 0)
            return -EINVAL;
    t->hash = name_hash(t->name);
    return 0;
}

int iface_itype_seal(iface_itype_t *it)
{
    if (!it || !it->name || (it->nmethods && !it->methods))
        return -EINVAL;
    for (size_t i = 0; i < it->nmethods; i++)
        if (!it->methods[i])
            return -EINVAL;
    if (it->nmethods > 1)
        qsort(it->methods, it->nmethods, sizeof(it->methods[0]), name_cmp);
    for (size_t i = 1; i < it->nmethods; i++)
        if (strcmp(it->methods[i - 1], it->methods[i]) == 0)
            return -EINVAL;
    it->hash = name_hash(it->name);
    return 0;
}

int iface_method_index(const iface_itype_t *it, const char *name)
{
    size_t lo = 0, hi = it->nmethods;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(it->methods[mid], name);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -ENOENT;
}

/* ---- values ----------------------------------------------------------- */

int iface_from(const iface_itype_t *it, const iface_type_t *t, void *data, iface_t *out)
{
    const iface_itab_t *tab;
    int err = iface_getitab(it, t, &tab);
    if (err) {
        *out = (iface_t){0};
        return err;
    }
    *out = (iface_t){.tab = tab, .data = data};
    return 0;
}

iface_any_t iface_any_from(const iface_type_t *t, void *data)
{
    return (iface_any_t){.type = t, .data = data};
}

iface_any_t iface_to_any(iface_t v)
{
    return (iface_any_t){.type = v.tab ? v.tab->type : NULL, .data = v.data};
}

int iface_call(iface_t v, size_t i, intptr_t arg, intptr_t *ret)
{
    if (!v.tab)
        return -EFAULT;   /* Go: nil pointer dereference */
    if (i >= v.tab->nfun)
        return -EINVAL;
    /* The receiver is the data word, whatever it holds — even NULL. */
    *ret = v.tab->fun[i](v.data, arg);
    return 0;
}

bool iface_is_nil(iface_t v)
{
    return v.tab == NULL;
}

bool iface_any_is_nil(iface_any_t v)
{
    return v.type == NULL;
}

/* ---- assertions and switches -------------------------------------------- */

bool iface_assert_type_ok(iface_any_t v, const iface_type_t *t, void **data)
{
    /* Type identity is descriptor identity, never name equality. */
    bool ok = v.type != NULL && v.type == t;
    if (data)
        *data = ok ? v.data : NULL;
    return ok;
}

int iface_assert_type(iface_any_t v, const iface_type_t *t, void **data, char *msg, size_t cap)
{
    if (iface_assert_type_ok(v, t, data))
        return 0;
    if (msg && cap)
        snprintf(msg, cap, "interface conversion: interface {} is %s, not %s",
                 v.type ? v.type->name : "nil", t ? t->name : "nil");
    return -EINVAL;
}

bool iface_assert_iface_ok(iface_any_t v, const iface_itype_t *it, iface_t *out)
{
    const iface_itab_t *tab;
    if (v.type && iface_getitab(it, v.type, &tab) == 0) {
        *out = (iface_t){.tab = tab, .data = v.data};
        return true;
    }
    *out = (iface_t){0};
    return false;
}

int iface_assert_iface(iface_any_t v, const iface_itype_t *it, iface_t *out, char *msg, size_t cap)
{
    const iface_itab_t *tab = NULL;
    int err = v.type ? iface_getitab(it, v.type, &tab) : -ENOENT;

    *out = (iface_t){0};
    if (err == 0) {
        *out = (iface_t){.tab = tab, .data = v.data};
        return 0;
    }
    if (err != -ENOENT)
        return err;
    if (msg && cap && tab)
        snprintf(msg, cap, "interface conversion: %s is not %s: missing method %s",
                 v.type->name, it->name, tab->missing);
    else if (msg && cap)
        snprintf(msg, cap, "interface conversion: interface is nil, not %s", it->name);
    return -EINVAL;
}

/* True if case c matches v. */
static bool case_matches(iface_any_t v, const iface_case_t *c)
{
    const iface_itab_t *tab;
    if (c->type)
        return v.type == c->type;
    if (c->itype)
        return v.type && iface_getitab(c->itype, v.type, &tab) == 0;
    return v.type == NULL;   /* case nil */
}

int iface_switch(iface_any_t v, const iface_case_t *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (cases[i].type && cases[i].itype)
            return -EINVAL;
        if (case_matches(v, &cases[i]))
            return (int)i;
    }
    return (int)n;
}

#else /* stub: compiles warning-free, every operation reports failure */

int iface_type_seal(iface_type_t *t)
{
    (void)t;
    return -ENOSYS;
}

int iface_itype_seal(iface_itype_t *it)
{
    (void)it;
    return -ENOSYS;
}

int iface_method_index(const iface_itype_t *it, const char *name)
{
    (void)it;
    (void)name;
    return -ENOSYS;
}

int iface_from(const iface_itype_t *it, const iface_type_t *t, void *data, iface_t *out)
{
    (void)it;
    (void)t;
    (void)data;
    *out = (iface_t){0};
    return -ENOSYS;
}

iface_any_t iface_any_from(const iface_type_t *t, void *data)
{
    (void)t;
    (void)data;
    return (iface_any_t){0};
}

iface_any_t iface_to_any(iface_t v)
{
    (void)v;
    return (iface_any_t){0};
}

int iface_call(iface_t v, size_t i, intptr_t arg, intptr_t *ret)
{
    (void)v;
    (void)i;
    (void)arg;
    *ret = 0;
    return -ENOSYS;
}

bool iface_is_nil(iface_t v)
{
    (void)v;
    return false;
}

bool iface_any_is_nil(iface_any_t v)
{
    (void)v;
    return false;
}

bool iface_assert_type_ok(iface_any_t v, const iface_type_t *t, void **data)
{
    (void)v;
    (void)t;
    if (data)
        *data = NULL;
    return false;
}

int iface_assert_type(iface_any_t v, const iface_type_t *t, void **data, char *msg, size_t cap)
{
    (void)v;
    (void)t;
    if (data)
        *data = NULL;
    if (msg && cap)
        msg[0] = '\0';
    return -ENOSYS;
}

bool iface_assert_iface_ok(iface_any_t v, const iface_itype_t *it, iface_t *out)
{
    (void)v;
    (void)it;
    *out = (iface_t){0};
    return false;
}

int iface_assert_iface(iface_any_t v, const iface_itype_t *it, iface_t *out, char *msg, size_t cap)
{
    (void)v;
    (void)it;
    *out = (iface_t){0};
    if (msg && cap)
        msg[0] = '\0';
    return -ENOSYS;
}

int iface_switch(iface_any_t v, const iface_case_t *cases, size_t n)
{
    (void)v;
    (void)cases;
    (void)n;
    return -ENOSYS;
}

#endif
