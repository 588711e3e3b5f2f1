/*
 * reflect_config.c — a config loader driven by struct tags: the exam's
 * "dynamic configuration" use of reflection, built on this lab's own
 * reflection API (fields, tags, setters) and nothing else.
 *
 * The struct is walked once into a table of keys: a field's key is its
 * `config:"name"` tag, or its Go name in lower case; a nested struct prefixes
 * its fields' keys with "name."; an embedded struct promotes them unprefixed;
 * `config:"-"` and unexported fields are left out. Then each `key = value`
 * line sets its field through the setters, which check the kind and the
 * range; afterwards a key that no line gave takes its `default:"..."` tag,
 * and a key marked `config:"name,required"` with neither is an error. The
 * first error stops the load and says where: the line and the key.
 *
 * Interface: reflect_config_load.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reflect.h"

#if LAB_SOLUTION

typedef struct entry {
    char key[128];
    reflect_value_t v;
    const reflect_field_t *field;
    bool required, seen;
} entry_t;

typedef struct loader {
    entry_t *e;
    size_t n, cap;
    reflect_arena_t *a;
    reflect_error_t *err;
} loader_t;

static int fail(loader_t *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(loader_t *l, const char *fmt, ...)
{
    if (l->err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(l->err->msg, sizeof l->err->msg, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

/* ---- the key table -------------------------------------------------------------------- */

static bool scalar(reflect_kind_t k)
{
    return k >= REFLECT_BOOL && k <= REFLECT_STRING;
}

static int add_entry(loader_t *l, const char *key, reflect_value_t v, const reflect_field_t *f,
                     bool required)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        entry_t *e = realloc(l->e, cap * sizeof *e);
        if (!e)
            return -ENOMEM;
        l->e = e;
        l->cap = cap;
    }
    entry_t *e = &l->e[l->n++];
    *e = (entry_t){.v = v, .field = f, .required = required};
    snprintf(e->key, sizeof e->key, "%s", key);
    return 0;
}

static int walk(loader_t *l, reflect_value_t sv, const char *prefix)
{
    for (size_t i = 0; i < sv.type->nfields; i++) {
        const reflect_field_t *f = &sv.type->fields[i];
        reflect_value_t fv;
        char tag[128], key[128];
        if (reflect_value_field(sv, i, &fv) < 0)
            return -EINVAL;
        ssize_t n = reflect_tag_lookup(f->tag, "config", tag, sizeof tag);
        if (n < 0)
            tag[0] = '\0';
        if (strcmp(tag, "-") == 0 || (!f->exported && !f->embedded))
            continue;
        char *comma = strchr(tag, ',');
        bool required = comma && strcmp(comma + 1, "required") == 0;
        if (comma)
            *comma = '\0';
        if (f->embedded && f->type->kind == REFLECT_STRUCT && !tag[0]) {
            int rc = walk(l, fv, prefix);
            if (rc < 0)
                return rc;
            continue;
        }
        if (!f->exported)
            continue;
        if (!tag[0]) {
            size_t k = 0;
            for (; f->name[k] && k + 1 < sizeof tag; k++)
                tag[k] = (char)(f->name[k] >= 'A' && f->name[k] <= 'Z' ? f->name[k] + 32
                                                                       : f->name[k]);
            tag[k] = '\0';
        }
        snprintf(key, sizeof key, "%s%s", prefix, tag);
        int rc;
        if (f->type->kind == REFLECT_STRUCT) {
            char sub[130];
            snprintf(sub, sizeof sub, "%s.", key);
            rc = walk(l, fv, sub);
        } else if (scalar(f->type->kind) ||
                   (f->type->kind == REFLECT_SLICE && scalar(f->type->elem->kind))) {
            rc = add_entry(l, key, fv, f, required);
        } else {
            rc = n >= 0 ? fail(l, "config: key \"%s\": unsupported type %s", key, f->type->name)
                        : 0;
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- values ------------------------------------------------------------------------------ */

/* Go's strconv.ParseBool. */
static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < 6; i++) {
        if (strcmp(s, yes[i]) == 0)
            return *out = true, 0;
        if (strcmp(s, no[i]) == 0)
            return *out = false, 0;
    }
    return -EINVAL;
}

/* Parses s into the scalar v: -EINVAL (does not parse), -ERANGE (does not fit). */
static int set_scalar(loader_t *l, reflect_value_t v, const char *s)
{
    char *end;
    errno = 0;
    switch (v.type->kind) {
    case REFLECT_BOOL: {
        bool b;
        return parse_bool(s, &b) < 0 ? -EINVAL : reflect_value_set_bool(v, b);
    }
    case REFLECT_STRING: {
        reflect_string_t str = reflect_arena_string(l->a, s, strlen(s));
        if (*s && !str.ptr)
            return -ENOMEM;
        return reflect_value_set_string(v, str);
    }
    case REFLECT_FLOAT32:
    case REFLECT_FLOAT64: {
        double d = strtod(s, &end);
        if (!*s || *end || isspace((unsigned char)*s))
            return -EINVAL;
        if (isinf(d) && errno == ERANGE)
            return -ERANGE;
        return reflect_value_set_float(v, d);
    }
    default: break;
    }
    if (!*s || isspace((unsigned char)*s))
        return -EINVAL;
    if (v.type->kind <= REFLECT_INT64) {
        long long x = strtoll(s, &end, 10);
        if (*end)
            return -EINVAL;
        return errno == ERANGE ? -ERANGE : reflect_value_set_int(v, x);
    }
    if (*s == '-')
        return -EINVAL;
    unsigned long long x = strtoull(s, &end, 10);
    if (*end)
        return -EINVAL;
    return errno == ERANGE ? -ERANGE : reflect_value_set_uint(v, x);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* A slice from comma-separated elements, each trimmed. */
static int set_slice(loader_t *l, reflect_value_t v, char *s)
{
    const reflect_type_t *et = v.type->elem;
    size_t n = *s ? 1 : 0;
    for (const char *p = s; *p; p++)
        n += *p == ',';
    reflect_slice_t sl;
    int rc = reflect_slice_make(l->a, et, n, n, &sl);
    if (rc < 0)
        return rc;
    char *p = s;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        rc = set_scalar(l, reflect_value_at(et, (char *)sl.data + i * et->size), trim(p));
        p = comma ? comma + 1 : p + strlen(p);
    }
    if (rc == 0)
        *(reflect_slice_t *)v.ptr = sl; /* v is settable: it came from the walk */
    return rc;
}

/* Strips double quotes, undoing \" \\ \n \t; -EINVAL for a bad quoted value. */
static int unquote(char *s)
{
    size_t n = strlen(s);
    if (n == 0 || s[0] != '"')
        return 0;
    if (n < 2 || s[n - 1] != '"')
        return -EINVAL;
    size_t w = 0;
    for (size_t r = 1; r < n - 1; r++) {
        if (s[r] == '"')
            return -EINVAL;
        if (s[r] != '\\') {
            s[w++] = s[r];
            continue;
        }
        char c = s[++r];
        if (r >= n - 1 || !strchr("\"\\nt", c))
            return -EINVAL;
        s[w++] = c == 'n' ? '\n' : c == 't' ? '\t' : c;
    }
    s[w] = '\0';
    return 0;
}

static int set_entry(loader_t *l, entry_t *e, char *value)
{
    int rc = unquote(value);
    if (rc < 0)
        return rc;
    if (e->v.type->kind == REFLECT_SLICE)
        return set_slice(l, e->v, value);
    return set_scalar(l, e->v, value);
}

/* ---- lines ------------------------------------------------------------------------------- */

static entry_t *find(loader_t *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->e[i].key, key) == 0)
            return &l->e[i];
    return NULL;
}

static int load_line(loader_t *l, char *line, int lineno)
{
    char *s = trim(line);
    if (!*s || *s == '#')
        return 0;
    char *eq = strchr(s, '=');
    if (!eq)
        return fail(l, "config: line %d: expected key = value", lineno);
    *eq = '\0';
    char *key = trim(s), *value = trim(eq + 1);
    if (!*key)
        return fail(l, "config: line %d: expected key = value", lineno);
    entry_t *e = find(l, key);
    if (!e)
        return fail(l, "config: line %d: unknown key \"%s\"", lineno, key);
    if (e->seen)
        return fail(l, "config: line %d: duplicate key \"%s\"", lineno, key);
    e->seen = true;
    char shown[64];
    snprintf(shown, sizeof shown, "%.60s", value);
    int rc = set_entry(l, e, value);
    if (rc == -ENOMEM)
        return rc;
    if (rc < 0)
        return fail(l, "config: line %d: key \"%s\": invalid %s value \"%s\"", lineno, key,
                    e->v.type->name, shown);
    return 0;
}

/* Defaults and required keys, after every line. */
static int finish(loader_t *l)
{
    char def[256];
    for (size_t i = 0; i < l->n; i++) {
        entry_t *e = &l->e[i];
        if (e->seen)
            continue;
        if (reflect_tag_lookup(e->field->tag, "default", def, sizeof def) >= 0) {
            char shown[64];
            snprintf(shown, sizeof shown, "%.60s", def);
            int rc = set_entry(l, e, def);
            if (rc == -ENOMEM)
                return rc;
            if (rc < 0)
                return fail(l, "config: key \"%s\": invalid %s default \"%s\"", e->key,
                            e->v.type->name, shown);
        } else if (e->required) {
            return fail(l, "config: missing required key \"%s\"", e->key);
        }
    }
    return 0;
}

int reflect_config_load(const char *text, size_t len, const reflect_type_t *t, void *p,
                        reflect_arena_t *a, reflect_error_t *err)
{
    loader_t l = {.a = a, .err = err};
    if (!t || t->kind != REFLECT_STRUCT || !p || !a || (len && !text))
        return fail(&l, "config: load needs a struct type, a struct and an arena");
    char *copy = malloc(len + 1);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, text, len);
    copy[len] = '\0';
    int rc = walk(&l, reflect_value_at(t, p), "");
    char *line = copy;
    for (int lineno = 1; rc == 0 && line; lineno++) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[n - 1] = '\0';
        rc = load_line(&l, line, lineno);
        line = nl ? nl + 1 : NULL;
    }
    if (rc == 0)
        rc = finish(&l);
    free(copy);
    free(l.e);
    return rc;
}

#else /* the stub */

int reflect_config_load(const char *text, size_t len, const reflect_type_t *t, void *p,
                        reflect_arena_t *a, reflect_error_t *err)
{
    (void)text, (void)len, (void)t, (void)p, (void)a, (void)err;
    return -ENOSYS;
}

#endif
