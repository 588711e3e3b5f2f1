/*
 * reflect_type.c — the type registry: built-in descriptors, composite types
 * built once, struct registration with its checks, lookup by name, Go's
 * FieldByName and struct tags.
 *
 * Type identity is pointer identity, as in Go's runtime: *T, []T and map[K]V
 * are built on the first request and cached on their element type, so a
 * second request returns the same descriptor. A struct is registered before
 * its fields are added, so a field may refer to the struct itself (a *Node in
 * a Node). Registration checks what a compiler would: every field fits, is
 * aligned, does not overlap the previous one, has the C member's size, and no
 * name is used twice. Methods are kept sorted by name, as reflect.Type.Method
 * lists them, and unexported ones are left out, as reflection never sees them.
 *
 * Interface: reflect_builtin / reflect_ptr_to / reflect_slice_of /
 * reflect_map_of; reflect_struct_begin → _field / _method → _end;
 * reflect_type_by_name; reflect_type_field_by_name; reflect_tag_lookup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reflect.h"

#if LAB_SOLUTION

/* ---- kinds and built-ins ------------------------------------------------------ */

static const char *const kind_names[REFLECT_NKINDS] = {
    "invalid", "bool",  "int",    "int8",   "int16",  "int32",     "int64",
    "uint",    "uint8", "uint16", "uint32", "uint64", "float32",   "float64",
    "string",  "ptr",   "slice",  "map",    "struct", "interface",
};

const char *reflect_kind_name(reflect_kind_t k)
{
    return (unsigned)k < REFLECT_NKINDS ? kind_names[k] : "invalid";
}

/* What the registry keeps beside a descriptor (reflect_type_t.priv). */
typedef struct extra {
    const reflect_type_t *ptr_to, *slice_of;
    struct map_link *maps;   /* map[K]this, one per key type K */
    reflect_field_t *fields; /* STRUCT, while building and after */
    size_t nfields, cap_fields;
    reflect_method_t *methods;
    size_t nmethods, cap_methods;
} extra_t;

typedef struct map_link {
    struct map_link *next;
    const reflect_type_t *key, *map;
} map_link_t;

#define BUILTIN(k, n, ctype)                                                                       \
    [k] = {.kind = k, .size = sizeof(ctype), .align = _Alignof(ctype), .name = n, .complete = true}
static reflect_type_t builtins[REFLECT_NKINDS] = {
    BUILTIN(REFLECT_BOOL, "bool", bool),
    BUILTIN(REFLECT_INT, "int", int64_t),
    BUILTIN(REFLECT_INT8, "int8", int8_t),
    BUILTIN(REFLECT_INT16, "int16", int16_t),
    BUILTIN(REFLECT_INT32, "int32", int32_t),
    BUILTIN(REFLECT_INT64, "int64", int64_t),
    BUILTIN(REFLECT_UINT, "uint", uint64_t),
    BUILTIN(REFLECT_UINT8, "uint8", uint8_t),
    BUILTIN(REFLECT_UINT16, "uint16", uint16_t),
    BUILTIN(REFLECT_UINT32, "uint32", uint32_t),
    BUILTIN(REFLECT_UINT64, "uint64", uint64_t),
    BUILTIN(REFLECT_FLOAT32, "float32", float),
    BUILTIN(REFLECT_FLOAT64, "float64", double),
    BUILTIN(REFLECT_STRING, "string", reflect_string_t),
    BUILTIN(REFLECT_INTERFACE, "interface {}", reflect_any_t),
};

/* ---- the registry ------------------------------------------------------------------ */

static struct {
    reflect_type_t **types; /* every type with a name lookup can find */
    size_t n, cap;
    bool builtins_in;
} reg;

static int reg_add(reflect_type_t *t)
{
    if (reg.n == reg.cap) {
        size_t cap = reg.cap ? 2 * reg.cap : 64;
        reflect_type_t **types = realloc(reg.types, cap * sizeof *types);
        if (!types)
            return -ENOMEM;
        reg.types = types;
        reg.cap = cap;
    }
    reg.types[reg.n++] = t;
    return 0;
}

static void reg_builtins(void)
{
    if (reg.builtins_in)
        return;
    reg.builtins_in = true;
    for (size_t k = 0; k < REFLECT_NKINDS; k++)
        if (builtins[k].name && reg_add(&builtins[k]) < 0)
            reg.builtins_in = false;
}

static reflect_type_t *reg_find(const char *name)
{
    reg_builtins();
    for (size_t i = 0; i < reg.n; i++)
        if (strcmp(reg.types[i]->name, name) == 0)
            return reg.types[i];
    return NULL;
}

static extra_t *extra_of(const reflect_type_t *t)
{
    reflect_type_t *m = (reflect_type_t *)t; /* descriptors are ours to annotate */
    if (!m->priv)
        m->priv = calloc(1, sizeof(extra_t));
    return m->priv;
}

const reflect_type_t *reflect_builtin(reflect_kind_t k)
{
    if ((unsigned)k >= REFLECT_NKINDS || !builtins[k].name)
        return NULL;
    reg_builtins();
    return &builtins[k];
}

const reflect_type_t *reflect_type_by_name(const char *name)
{
    return name ? reg_find(name) : NULL;
}

const char *reflect_type_short_name(const reflect_type_t *t)
{
    if (!t)
        return "";
    if (t->kind == REFLECT_STRUCT) {
        const char *dot = strrchr(t->name, '.');
        return dot ? dot + 1 : t->name;
    }
    if (t->kind == REFLECT_PTR || t->kind == REFLECT_SLICE || t->kind == REFLECT_MAP ||
        t->kind == REFLECT_INTERFACE)
        return "";
    return t->name;
}

/* ---- composite types ------------------------------------------------------------------ */

static reflect_type_t *composite(reflect_kind_t kind, size_t size, size_t align, const char *prefix,
                                 const reflect_type_t *key, const reflect_type_t *elem)
{
    reflect_type_t *t = calloc(1, sizeof *t);
    size_t n = strlen(prefix) + (key ? strlen(key->name) + 1 : 0) + strlen(elem->name) + 1;
    char *name = malloc(n);
    if (!t || !name || reg_add(t) < 0) {
        free(t);
        free(name);
        return NULL;
    }
    if (key)
        snprintf(name, n, "%s%s]%s", prefix, key->name, elem->name);
    else
        snprintf(name, n, "%s%s", prefix, elem->name);
    *t = (reflect_type_t){.kind = kind,
                          .size = size,
                          .align = align,
                          .name = name,
                          .elem = elem,
                          .key = key,
                          .complete = true};
    return t;
}

const reflect_type_t *reflect_ptr_to(const reflect_type_t *elem)
{
    extra_t *x = elem ? extra_of(elem) : NULL;
    if (!x)
        return NULL;
    if (!x->ptr_to)
        x->ptr_to = composite(REFLECT_PTR, sizeof(void *), _Alignof(void *), "*", NULL, elem);
    return x->ptr_to;
}

const reflect_type_t *reflect_slice_of(const reflect_type_t *elem)
{
    extra_t *x = elem ? extra_of(elem) : NULL;
    if (!x)
        return NULL;
    if (!x->slice_of)
        x->slice_of = composite(REFLECT_SLICE, sizeof(reflect_slice_t), _Alignof(reflect_slice_t),
                                "[]", NULL, elem);
    return x->slice_of;
}

static bool comparable_key(const reflect_type_t *k)
{
    return (k->kind >= REFLECT_BOOL && k->kind <= REFLECT_UINT64) || k->kind == REFLECT_STRING ||
           k->kind == REFLECT_PTR;
}

const reflect_type_t *reflect_map_of(const reflect_type_t *key, const reflect_type_t *elem)
{
    if (!key || !elem || !comparable_key(key))
        return NULL;
    extra_t *x = extra_of(elem);
    if (!x)
        return NULL;
    for (map_link_t *l = x->maps; l; l = l->next)
        if (l->key == key)
            return l->map;
    map_link_t *l = malloc(sizeof *l);
    const reflect_type_t *m = l ? composite(REFLECT_MAP, sizeof(void *), _Alignof(void *), "map[",
                                            key, elem)
                                : NULL;
    if (!m) {
        free(l);
        return NULL;
    }
    *l = (map_link_t){x->maps, key, m};
    x->maps = l;
    return m;
}

/* ---- structs ------------------------------------------------------------------------ */

int reflect_struct_begin(const char *name, size_t size, size_t align, reflect_type_t **out)
{
    if (!name || !*name || !out || align == 0 || (align & (align - 1)) || size % align)
        return -EINVAL;
    reflect_type_t *old = reg_find(name);
    if (old && (old->complete || old->kind != REFLECT_STRUCT))
        return -EEXIST;
    reflect_type_t *t = old;
    if (!t) {
        t = calloc(1, sizeof *t);
        char *copy = strdup(name);
        if (!t || !copy || reg_add(t) < 0) {
            free(t);
            free(copy);
            return -ENOMEM;
        }
        t->name = copy;
    }
    /* A struct abandoned half-built is started over under the same name. */
    extra_t *x = extra_of(t);
    if (!x)
        return -ENOMEM;
    x->nfields = x->nmethods = 0;
    t->kind = REFLECT_STRUCT;
    t->size = size;
    t->align = align;
    t->fields = NULL;
    t->nfields = 0;
    t->methods = NULL;
    t->nmethods = 0;
    *out = t;
    return 0;
}

static bool is_exported(const char *name)
{
    return name[0] >= 'A' && name[0] <= 'Z';
}

static bool has_field(const extra_t *x, const char *name)
{
    for (size_t i = 0; i < x->nfields; i++)
        if (strcmp(x->fields[i].name, name) == 0)
            return true;
    return false;
}

static bool has_method(const extra_t *x, const char *name)
{
    for (size_t i = 0; i < x->nmethods; i++)
        if (strcmp(x->methods[i].name, name) == 0)
            return true;
    return false;
}

/* The layout rules a C compiler keeps and a hand-written declaration may not. */
static int check_field(const reflect_type_t *st, const extra_t *x, size_t offset, size_t csize,
                       const reflect_type_t *type, bool embedded)
{
    if (csize != type->size || (type->align && offset % type->align) || offset > st->size ||
        type->size > st->size - offset)
        return -EINVAL;
    if (x->nfields) {
        const reflect_field_t *prev = &x->fields[x->nfields - 1];
        if (offset < prev->offset + prev->type->size)
            return -EINVAL;
    }
    if (embedded) {
        const reflect_type_t *e = type->kind == REFLECT_PTR ? type->elem : type;
        if (e->kind != REFLECT_STRUCT)
            return -EINVAL;
    }
    return 0;
}

int reflect_struct_field(reflect_type_t *st, const char *name, size_t offset, size_t csize,
                         const reflect_type_t *type, const char *tag, bool embedded)
{
    if (!st || st->kind != REFLECT_STRUCT || st->complete || !name || !*name || !type)
        return -EINVAL;
    extra_t *x = extra_of(st);
    if (!x)
        return -ENOMEM;
    int rc = check_field(st, x, offset, csize, type, embedded);
    if (rc < 0)
        return rc;
    if (has_field(x, name) || has_method(x, name))
        return -EEXIST;
    if (x->nfields == x->cap_fields) {
        size_t cap = x->cap_fields ? 2 * x->cap_fields : 8;
        reflect_field_t *f = realloc(x->fields, cap * sizeof *f);
        if (!f)
            return -ENOMEM;
        x->fields = f;
        x->cap_fields = cap;
    }
    x->fields[x->nfields] = (reflect_field_t){.name = name,
                                              .tag = tag ? tag : "",
                                              .type = type,
                                              .offset = offset,
                                              .index = x->nfields,
                                              .embedded = embedded,
                                              .exported = is_exported(name)};
    x->nfields++;
    st->fields = x->fields;
    st->nfields = x->nfields;
    return 0;
}

int reflect_struct_method(reflect_type_t *st, const char *name, reflect_fn_t fn,
                          const reflect_type_t *out, const reflect_type_t *const *in, size_t nin)
{
    if (!st || st->kind != REFLECT_STRUCT || st->complete || !name || !*name || !fn || (nin && !in))
        return -EINVAL;
    for (size_t i = 0; i < nin; i++)
        if (!in[i])
            return -EINVAL;
    extra_t *x = extra_of(st);
    if (!x)
        return -ENOMEM;
    if (!is_exported(name))
        return 0;
    if (has_method(x, name) || has_field(x, name))
        return -EEXIST;
    if (x->nmethods == x->cap_methods) {
        size_t cap = x->cap_methods ? 2 * x->cap_methods : 4;
        reflect_method_t *m = realloc(x->methods, cap * sizeof *m);
        if (!m)
            return -ENOMEM;
        x->methods = m;
        x->cap_methods = cap;
    }
    const reflect_type_t **args = nin ? malloc(nin * sizeof *args) : NULL;
    if (nin && !args)
        return -ENOMEM;
    for (size_t i = 0; i < nin; i++)
        args[i] = in[i];
    x->methods[x->nmethods++] =
        (reflect_method_t){.name = name, .fn = fn, .in = args, .nin = nin, .out = out};
    return 0;
}

static int method_cmp(const void *a, const void *b)
{
    return strcmp(((const reflect_method_t *)a)->name, ((const reflect_method_t *)b)->name);
}

/* "func(string, int64) string": Go's Type.String() of the method's type. */
static char *signature(const reflect_method_t *m)
{
    size_t n = sizeof("func() ") + (m->out ? strlen(m->out->name) : 0);
    for (size_t i = 0; i < m->nin; i++)
        n += strlen(m->in[i]->name) + 2;
    char *s = malloc(n);
    if (!s)
        return NULL;
    strcpy(s, "func(");
    for (size_t i = 0; i < m->nin; i++) {
        if (i)
            strcat(s, ", ");
        strcat(s, m->in[i]->name);
    }
    strcat(s, ")");
    if (m->out) {
        strcat(s, " ");
        strcat(s, m->out->name);
    }
    return s;
}

int reflect_struct_end(reflect_type_t *st)
{
    if (!st || st->kind != REFLECT_STRUCT || st->complete)
        return -EINVAL;
    extra_t *x = extra_of(st);
    if (!x)
        return -ENOMEM;
    if (x->nmethods > 1)
        qsort(x->methods, x->nmethods, sizeof *x->methods, method_cmp);
    for (size_t i = 0; i < x->nmethods; i++) {
        x->methods[i].index = i;
        if (!x->methods[i].sig && !(x->methods[i].sig = signature(&x->methods[i])))
            return -ENOMEM;
    }
    st->methods = x->methods;
    st->nmethods = x->nmethods;
    st->complete = true;
    return 0;
}

/* ---- FieldByName ------------------------------------------------------------------------ */

/* One struct to look through at the current depth, and how it was reached. */
typedef struct scan {
    const reflect_type_t *type;
    size_t depth;
    size_t index[REFLECT_MAX_DEPTH];
    int count; /* times reached at this depth (2 = more than once) */
} scan_t;

/* The embedded struct a field promotes fields from, or NULL. */
static const reflect_type_t *embedded_struct(const reflect_field_t *f)
{
    if (!f->embedded)
        return NULL;
    const reflect_type_t *t = f->type->kind == REFLECT_PTR ? f->type->elem : f->type;
    return t->kind == REFLECT_STRUCT ? t : NULL;
}

static bool seen(const reflect_type_t *const *visited, size_t n, const reflect_type_t *t)
{
    for (size_t i = 0; i < n; i++)
        if (visited[i] == t)
            return true;
    return false;
}

/* Adds t to the next level's queue, or marks it reached twice. */
static int queue(scan_t **next, size_t *nnext, size_t *cap, const scan_t *from, size_t i,
                 const reflect_type_t *t)
{
    for (size_t k = 0; k < *nnext; k++)
        if ((*next)[k].type == t) {
            (*next)[k].count = 2;
            return 0;
        }
    if (from->depth + 1 >= REFLECT_MAX_DEPTH)
        return 0;
    if (*nnext == *cap) {
        size_t c = *cap ? 2 * *cap : 8;
        scan_t *grown = realloc(*next, c * sizeof *grown);
        if (!grown)
            return -ENOMEM;
        *next = grown;
        *cap = c;
    }
    scan_t *s = &(*next)[(*nnext)++];
    *s = *from;
    s->type = t;
    s->index[s->depth++] = i;
    s->count = from->count > 1 ? 2 : 1;
    return 0;
}

/* Go's FieldByNameFunc: breadth first, one depth at a time; a name found
 * twice at one depth (or in a struct reached twice) annihilates. */
static int search(const reflect_type_t *t, const char *name, reflect_field_path_t *out)
{
    scan_t *cur = NULL, *next = malloc(sizeof *next);
    size_t ncur = 0, nnext = 1, capcur = 0, capnext = 1, nvisited = 0;
    const reflect_type_t **visited = NULL;
    int rc = -ENOENT;
    bool found = false;
    if (!next)
        return -ENOMEM;
    next[0] = (scan_t){.type = t, .count = 1};
    while (nnext > 0 && !found) {
        scan_t *swap = cur;
        size_t capswap = capcur;
        cur = next, ncur = nnext, capcur = capnext;
        next = swap, nnext = 0, capnext = capswap;
        for (size_t s = 0; s < ncur; s++) {
            const scan_t *sc = &cur[s];
            if (seen(visited, nvisited, sc->type))
                continue;
            const reflect_type_t **v = realloc(visited, (nvisited + 1) * sizeof *v);
            if (!v) {
                rc = -ENOMEM;
                goto out;
            }
            visited = v;
            visited[nvisited++] = sc->type;
            for (size_t i = 0; i < sc->type->nfields; i++) {
                const reflect_field_t *f = &sc->type->fields[i];
                if (strcmp(f->name, name) == 0) {
                    if (sc->count > 1 || found) {
                        rc = -ENOTUNIQ;
                        goto out;
                    }
                    found = true;
                    out->field = f;
                    out->depth = sc->depth + 1;
                    memcpy(out->index, sc->index, sc->depth * sizeof(size_t));
                    out->index[sc->depth] = i;
                    rc = 0;
                    continue;
                }
                const reflect_type_t *e = embedded_struct(f);
                if (!found && e && queue(&next, &nnext, &capnext, sc, i, e) < 0) {
                    rc = -ENOMEM;
                    goto out;
                }
            }
        }
    }
out:
    free(cur);
    free(next);
    free(visited);
    return rc;
}

int reflect_type_field_by_name(const reflect_type_t *t, const char *name, reflect_field_path_t *out)
{
    if (!t || t->kind != REFLECT_STRUCT || !name || !out)
        return -EINVAL;
    bool embeds = false;
    for (size_t i = 0; i < t->nfields; i++) {
        if (strcmp(t->fields[i].name, name) == 0) {
            *out = (reflect_field_path_t){.field = &t->fields[i], .depth = 1, .index = {i}};
            return 0;
        }
        embeds |= t->fields[i].embedded;
    }
    if (!embeds || !*name)
        return -ENOENT;
    reflect_field_path_t p;
    int rc = search(t, name, &p);
    if (rc == 0)
        *out = p;
    return rc;
}

/* ---- struct tags ---------------------------------------------------------------------- */

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Reads n hex digits at s into *v. */
static bool hex_digits(const char *s, size_t n, uint32_t *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = hexval(s[i]);
        if (d < 0)
            return false;
        *v = *v * 16 + (uint32_t)d;
    }
    return true;
}

/* strconv.Unquote of q[0..n) (with its double quotes) into b. */
static bool unquote(const char *q, size_t n, reflect_buf_t *b)
{
    if (n < 2 || q[0] != '"' || q[n - 1] != '"')
        return false;
    static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"";
    for (size_t i = 1; i < n - 1;) {
        char c = q[i];
        if (c == '\n')
            return false;
        if (c != '\\') {
            reflect_buf_byte(b, c);
            i++;
            continue;
        }
        if (i + 1 >= n - 1)
            return false;
        char e = q[i + 1];
        const char *at = strchr(simple, e);
        uint32_t v;
        if (e && at && (at - simple) % 2 == 0) {
            reflect_buf_byte(b, at[1]);
            i += 2;
        } else if (e == 'x' && i + 4 <= n - 1 && hex_digits(q + i + 2, 2, &v)) {
            reflect_buf_byte(b, (char)v);
            i += 4;
        } else if (e >= '0' && e <= '7' && i + 4 <= n - 1 && q[i + 2] >= '0' && q[i + 2] <= '7' &&
                   q[i + 3] >= '0' && q[i + 3] <= '7') {
            v = (uint32_t)((e - '0') * 64 + (q[i + 2] - '0') * 8 + (q[i + 3] - '0'));
            if (v > 255)
                return false;
            reflect_buf_byte(b, (char)v);
            i += 4;
        } else if ((e == 'u' || e == 'U') && i + 2 + (e == 'u' ? 4u : 8u) <= n - 1 &&
                   hex_digits(q + i + 2, e == 'u' ? 4 : 8, &v)) {
            if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000))
                return false;
            reflect_utf8_put(b, v);
            i += 2 + (e == 'u' ? 4 : 8);
        } else {
            return false;
        }
    }
    return true;
}

/* Copies the unquoted value to buf; its length, -ENOENT, or -ERANGE. */
static ssize_t tag_value(const char *q, size_t n, char *buf, size_t cap)
{
    reflect_buf_t b = {0};
    ssize_t rc = unquote(q, n, &b) ? (ssize_t)b.len : -ENOENT;
    if (rc >= 0 && b.oom)
        rc = -ENOMEM;
    if (rc >= 0 && (size_t)rc >= cap)
        rc = -ERANGE;
    if (rc >= 0) {
        if (b.len) /* an empty value left b.data NULL */
            memcpy(buf, b.data, b.len);
        buf[b.len] = '\0';
    }
    reflect_buf_free(&b);
    return rc;
}

ssize_t reflect_tag_lookup(const char *tag, const char *key, char *buf, size_t cap)
{
    if (!tag || !key || !buf)
        return -EINVAL;
    const char *t = tag;
    while (*t) {
        while (*t == ' ')
            t++;
        if (!*t)
            break;
        /* The key runs to a colon; a space, a quote or a control byte ends the tag. */
        size_t i = 0;
        while (t[i] && (unsigned char)t[i] > ' ' && t[i] != ':' && t[i] != '"' &&
               (unsigned char)t[i] != 0x7f)
            i++;
        if (i == 0 || t[i] != ':' || t[i + 1] != '"')
            break;
        const char *name = t;
        size_t nlen = i;
        t += i + 1;
        /* The quoted value, a backslash escaping the next byte. */
        i = 1;
        while (t[i] && t[i] != '"') {
            if (t[i] == '\\' && t[i + 1])
                i++;
            i++;
        }
        if (!t[i])
            break;
        const char *q = t;
        t += i + 1;
        if (strlen(key) == nlen && strncmp(name, key, nlen) == 0)
            return tag_value(q, i + 1, buf, cap);
    }
    return -ENOENT;
}

#else /* the stub */

const char *reflect_kind_name(reflect_kind_t k)
{
    (void)k;
    return "";
}

const reflect_type_t *reflect_builtin(reflect_kind_t k)
{
    (void)k;
    return NULL;
}

const reflect_type_t *reflect_ptr_to(const reflect_type_t *elem)
{
    (void)elem;
    return NULL;
}

const reflect_type_t *reflect_slice_of(const reflect_type_t *elem)
{
    (void)elem;
    return NULL;
}

const reflect_type_t *reflect_map_of(const reflect_type_t *key, const reflect_type_t *elem)
{
    (void)key, (void)elem;
    return NULL;
}

int reflect_struct_begin(const char *name, size_t size, size_t align, reflect_type_t **out)
{
    (void)name, (void)size, (void)align, (void)out;
    return -ENOSYS;
}

int reflect_struct_field(reflect_type_t *st, const char *name, size_t offset, size_t csize,
                         const reflect_type_t *type, const char *tag, bool embedded)
{
    (void)st, (void)name, (void)offset, (void)csize, (void)type, (void)tag, (void)embedded;
    return -ENOSYS;
}

int reflect_struct_method(reflect_type_t *st, const char *name, reflect_fn_t fn,
                          const reflect_type_t *out, const reflect_type_t *const *in, size_t nin)
{
    (void)st, (void)name, (void)fn, (void)out, (void)in, (void)nin;
    return -ENOSYS;
}

int reflect_struct_end(reflect_type_t *st)
{
    (void)st;
    return -ENOSYS;
}

const reflect_type_t *reflect_type_by_name(const char *name)
{
    (void)name;
    return NULL;
}

const char *reflect_type_short_name(const reflect_type_t *t)
{
    (void)t;
    return "";
}

int reflect_type_field_by_name(const reflect_type_t *t, const char *name, reflect_field_path_t *out)
{
    (void)t, (void)name, (void)out;
    return -ENOSYS;
}

ssize_t reflect_tag_lookup(const char *tag, const char *key, char *buf, size_t cap)
{
    (void)tag, (void)key, (void)buf, (void)cap;
    return -ENOSYS;
}

#endif
