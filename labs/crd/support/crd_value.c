/*
 * crd_value.c — YAML/JSON value trees for the crd lab: libyaml's event
 * parser builds a crd_val_t; small helpers get, set, clone, compare and
 * print them; crd_errs_add collects field errors.
 *
 * Plain scalars resolve as YAML 1.2's core schema (null, ~, true, false,
 * integers, floats); quoted scalars are always strings. Anchors, aliases
 * and tags other than the core ones are refused.
 *
 * Interface: crd_yaml_parse → crd_get / crd_at / crd_set / crd_del →
 * crd_json; crd_val_free.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "../crd.h"

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz);
    if (!p)
        abort();
    return p;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

crd_val_t *crd_val_new(crd_kind_t kind)
{
    crd_val_t *v = xcalloc(1, sizeof *v);
    v->kind = kind;
    return v;
}

crd_val_t *crd_val_str(const char *s)
{
    crd_val_t *v = crd_val_new(CRD_STR);
    v->s = xstrdup(s);
    return v;
}

crd_val_t *crd_val_int(int64_t i)
{
    crd_val_t *v = crd_val_new(CRD_INT);
    v->i = i;
    return v;
}

void crd_val_free(crd_val_t *v)
{
    if (!v)
        return;
    for (size_t k = 0; k < v->n; k++) {
        if (v->keys)
            free(v->keys[k]);
        crd_val_free(v->items[k]);
    }
    free(v->keys);
    free(v->items);
    free(v->s);
    free(v);
}

static void append(crd_val_t *c, char *key, crd_val_t *v)
{
    c->items = realloc(c->items, (c->n + 1) * sizeof *c->items);
    if (!c->items)
        abort();
    if (c->kind == CRD_MAP) {
        c->keys = realloc(c->keys, (c->n + 1) * sizeof *c->keys);
        if (!c->keys)
            abort();
        c->keys[c->n] = key;
    }
    c->items[c->n++] = v;
}

crd_val_t *crd_val_clone(const crd_val_t *v)
{
    if (!v)
        return NULL;
    crd_val_t *c = crd_val_new(v->kind);
    c->b = v->b;
    c->i = v->i;
    c->f = v->f;
    c->s = v->s ? xstrdup(v->s) : NULL;
    for (size_t k = 0; k < v->n; k++)
        append(c, v->kind == CRD_MAP ? xstrdup(v->keys[k]) : NULL, crd_val_clone(v->items[k]));
    return c;
}

bool crd_val_equal(const crd_val_t *a, const crd_val_t *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind) {
        if ((a->kind == CRD_INT || a->kind == CRD_FLOAT) &&
            (b->kind == CRD_INT || b->kind == CRD_FLOAT))
            return (a->kind == CRD_INT ? (double)a->i : a->f) ==
                   (b->kind == CRD_INT ? (double)b->i : b->f);
        return false;
    }
    switch (a->kind) {
    case CRD_NULL: return true;
    case CRD_BOOL: return a->b == b->b;
    case CRD_INT: return a->i == b->i;
    case CRD_FLOAT: return a->f == b->f;
    case CRD_STR: return strcmp(a->s, b->s) == 0;
    case CRD_LIST:
        if (a->n != b->n)
            return false;
        for (size_t k = 0; k < a->n; k++)
            if (!crd_val_equal(a->items[k], b->items[k]))
                return false;
        return true;
    case CRD_MAP:
        if (a->n != b->n)
            return false;
        for (size_t k = 0; k < a->n; k++)
            if (!crd_val_equal(a->items[k], crd_get(b, a->keys[k])))
                return false;
        return true;
    }
    return false;
}

crd_val_t *crd_get(const crd_val_t *m, const char *key)
{
    if (!m || m->kind != CRD_MAP)
        return NULL;
    for (size_t k = 0; k < m->n; k++)
        if (strcmp(m->keys[k], key) == 0)
            return m->items[k];
    return NULL;
}

crd_val_t *crd_at(const crd_val_t *v, const char *dotted)
{
    char part[128];
    const char *p = dotted;
    while (v && *p) {
        size_t len = strcspn(p, ".");
        if (len >= sizeof part)
            return NULL;
        memcpy(part, p, len);
        part[len] = '\0';
        v = crd_get(v, part);
        p += len;
        if (*p == '.')
            p++;
    }
    return (crd_val_t *)v;
}

const char *crd_str_at(const crd_val_t *v, const char *dotted)
{
    const crd_val_t *s = crd_at(v, dotted);
    return s && s->kind == CRD_STR ? s->s : NULL;
}

void crd_set(crd_val_t *m, const char *key, crd_val_t *v)
{
    for (size_t k = 0; k < m->n; k++)
        if (strcmp(m->keys[k], key) == 0) {
            crd_val_free(m->items[k]);
            m->items[k] = v;
            return;
        }
    append(m, xstrdup(key), v);
}

bool crd_del(crd_val_t *m, const char *key)
{
    if (!m || m->kind != CRD_MAP)
        return false;
    for (size_t k = 0; k < m->n; k++)
        if (strcmp(m->keys[k], key) == 0) {
            free(m->keys[k]);
            crd_val_free(m->items[k]);
            memmove(&m->keys[k], &m->keys[k + 1], (m->n - k - 1) * sizeof *m->keys);
            memmove(&m->items[k], &m->items[k + 1], (m->n - k - 1) * sizeof *m->items);
            m->n--;
            return true;
        }
    return false;
}

/* ---- JSON text ------------------------------------------------------------------ */

typedef struct out {
    char *buf;
    size_t n, len;
} out_t;

static void put(out_t *o, const char *s, size_t len)
{
    for (size_t k = 0; k < len; k++, o->len++)
        if (o->len + 1 < o->n)
            o->buf[o->len] = s[k];
}

static void puts_(out_t *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_str(out_t *o, const char *s)
{
    put(o, "\"", 1);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            put(o, "\\", 1);
            put(o, s, 1);
        } else if ((unsigned char)*s < 0x20) {
            char e[8];
            snprintf(e, sizeof e, "\\u%04x", (unsigned char)*s);
            puts_(o, e);
        } else {
            put(o, s, 1);
        }
    }
    put(o, "\"", 1);
}

static void emit(out_t *o, const crd_val_t *v)
{
    char num[40];
    switch (v->kind) {
    case CRD_NULL: puts_(o, "null"); break;
    case CRD_BOOL: puts_(o, v->b ? "true" : "false"); break;
    case CRD_INT:
        snprintf(num, sizeof num, "%lld", (long long)v->i);
        puts_(o, num);
        break;
    case CRD_FLOAT:
        snprintf(num, sizeof num, "%g", v->f);
        puts_(o, num);
        break;
    case CRD_STR: put_str(o, v->s); break;
    case CRD_LIST:
    case CRD_MAP:
        puts_(o, v->kind == CRD_MAP ? "{" : "[");
        for (size_t k = 0; k < v->n; k++) {
            if (k)
                puts_(o, ",");
            if (v->kind == CRD_MAP) {
                put_str(o, v->keys[k]);
                puts_(o, ":");
            }
            emit(o, v->items[k]);
        }
        puts_(o, v->kind == CRD_MAP ? "}" : "]");
        break;
    }
}

size_t crd_json(const crd_val_t *v, char *buf, size_t n)
{
    out_t o = {buf, n, 0};
    if (v)
        emit(&o, v);
    else
        puts_(&o, "null");
    if (n)
        buf[o.len < n ? o.len : n - 1] = '\0';
    return o.len;
}

/* ---- YAML ------------------------------------------------------------------------ */

static bool all_digits(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static crd_val_t *scalar(const yaml_event_t *e)
{
    const char *s = (const char *)e->data.scalar.value;
    if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return crd_val_str(s);
    if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
        return crd_val_new(CRD_NULL);
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE") || !strcmp(s, "false") ||
        !strcmp(s, "False") || !strcmp(s, "FALSE")) {
        crd_val_t *v = crd_val_new(CRD_BOOL);
        v->b = s[0] == 't' || s[0] == 'T';
        return v;
    }
    if (all_digits(s)) {
        errno = 0;
        long long i = strtoll(s, NULL, 10);
        if (!errno)
            return crd_val_int(i);
    }
    char *end;
    double f = strtod(s, &end);
    if (end != s && !*end && strspn(s, "+-0123456789.eE") == strlen(s)) {
        crd_val_t *v = crd_val_new(CRD_FLOAT);
        v->f = f;
        return v;
    }
    return crd_val_str(s);
}

int crd_yaml_parse(const char *text, crd_val_t **out, char *err, size_t errlen)
{
    yaml_parser_t p;
    yaml_event_t e;
    crd_val_t *stack[64];
    char *pending[64]; /* a map's key waiting for its value */
    int depth = 0, rc = -EINVAL;
    crd_val_t *root = NULL;
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
    for (;;) {
        if (!yaml_parser_parse(&p, &e)) {
            if (err)
                snprintf(err, errlen, "line %zu: %s", p.problem_mark.line + 1,
                         p.problem ? p.problem : "parse error");
            goto fail;
        }
        yaml_event_type_t t = e.type;
        crd_val_t *v = NULL;
        if (t == YAML_ALIAS_EVENT) {
            if (err)
                snprintf(err, errlen, "line %zu: aliases are not supported", e.start_mark.line + 1);
            yaml_event_delete(&e);
            goto fail;
        }
        if (t == YAML_SCALAR_EVENT) {
            if (depth > 0 && stack[depth - 1]->kind == CRD_MAP && !pending[depth - 1]) {
                pending[depth - 1] = xstrdup((const char *)e.data.scalar.value);
                yaml_event_delete(&e);
                continue;
            }
            v = scalar(&e);
        } else if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
            if (depth == 64) {
                yaml_event_delete(&e);
                goto fail;
            }
            v = crd_val_new(t == YAML_MAPPING_START_EVENT ? CRD_MAP : CRD_LIST);
        } else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
            v = stack[--depth];
            free(pending[depth]);
            t = YAML_NO_EVENT; /* a finished container: attach it below */
        } else if (t == YAML_DOCUMENT_END_EVENT || t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&e);
            break;
        } else {
            yaml_event_delete(&e);
            continue;
        }
        yaml_event_delete(&e);
        if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
            pending[depth] = NULL;
            stack[depth++] = v;
            continue;
        }
        if (depth == 0) {
            root = v;
            continue;
        }
        crd_val_t *parent = stack[depth - 1];
        if (parent->kind == CRD_MAP) {
            if (!pending[depth - 1]) { /* a complex key */
                crd_val_free(v);
                if (err)
                    snprintf(err, errlen, "non-scalar keys are not supported");
                goto fail;
            }
            append(parent, pending[depth - 1], v);
            pending[depth - 1] = NULL;
        } else {
            append(parent, NULL, v);
        }
    }
    yaml_parser_delete(&p);
    if (!root) {
        if (err)
            snprintf(err, errlen, "empty document");
        return -EINVAL;
    }
    *out = root;
    return 0;
fail:
    while (depth > 0) {
        depth--;
        free(pending[depth]);
        crd_val_free(stack[depth]);
    }
    crd_val_free(root);
    yaml_parser_delete(&p);
    return rc;
}

void crd_errs_add(crd_errs_t *e, const char *fmt, ...)
{
    if (e->n < CRD_MAX_ERRS) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg[e->n], CRD_ERR_LEN, fmt, ap);
        va_end(ap);
    }
    e->n++;
}
