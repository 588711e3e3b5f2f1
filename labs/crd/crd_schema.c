/*
 * crd_schema.c — what the API server does with a CRD's openAPIV3Schema: the
 * structural-schema rules, OpenAPI v3 validation with the apiserver's
 * messages, pruning and defaulting.
 *
 * A schema is a crd_val_t map as read from YAML. Field paths are written as
 * the apiserver writes them: "spec.ports[1].port".
 *
 * Interface: crd_structural, crd_validate, crd_prune, crd_default.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "crd.h"

#if LAB_SOLUTION

static bool flag(const crd_val_t *schema, const char *key)
{
    const crd_val_t *v = crd_get(schema, key);
    return v && v->kind == CRD_BOOL && v->b;
}

static void join(char *dst, size_t n, const char *path, const char *key)
{
    if (*path)
        snprintf(dst, n, "%s.%s", path, key);
    else
        snprintf(dst, n, "%s", key);
}

/* ---- structural rules --------------------------------------------------------- */

static int structural(const crd_val_t *s, const char *path, crd_errs_t *errs, const char *why)
{
    int added = 0;
    char sub[512];
    const crd_val_t *type = crd_get(s, "type");
    bool ios = flag(s, "x-kubernetes-int-or-string");
    if (ios && flag(s, "x-kubernetes-preserve-unknown-fields")) {
        crd_errs_add(
            errs,
            "%s.x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if "
            "x-kubernetes-int-or-string is true",
            path);
        added++;
    }
    if (why && !type && !ios && !flag(s, "x-kubernetes-preserve-unknown-fields")) {
        crd_errs_add(errs, "%s.type: Required value: must not be empty for specified %s", path,
                     why);
        added++;
    }
    const crd_val_t *props = crd_get(s, "properties");
    const crd_val_t *addl = crd_get(s, "additionalProperties");
    if (props && addl) {
        crd_errs_add(errs,
                     "%s.additionalProperties: Forbidden: additionalProperties and properties are "
                     "mutual exclusive",
                     path);
        added++;
    }
    for (size_t k = 0; props && k < props->n; k++) {
        snprintf(sub, sizeof sub, "%s.properties[%s]", path, props->keys[k]);
        added += structural(props->items[k], sub, errs, "object fields");
    }
    const crd_val_t *items = crd_get(s, "items");
    if (items) {
        snprintf(sub, sizeof sub, "%s.items", path);
        added += structural(items, sub, errs, "array items");
    }
    if (addl && addl->kind == CRD_MAP) {
        snprintf(sub, sizeof sub, "%s.additionalProperties", path);
        added += structural(addl, sub, errs, "object fields");
    }
    return added;
}

int crd_structural(const crd_val_t *schema, const char *path, crd_errs_t *errs)
{
    const crd_val_t *type = crd_get(schema, "type");
    int added = 0;
    if (!type) {
        crd_errs_add(errs, "%s.type: Required value: must not be empty at the root", path);
        added++;
    } else if (type->kind != CRD_STR || strcmp(type->s, "object")) {
        crd_errs_add(errs, "%s.type: Invalid value: \"%s\": must be object at the root", path,
                     type->kind == CRD_STR ? type->s : "");
        added++;
    }
    return added + structural(schema, path, errs, NULL);
}

/* ---- validation ----------------------------------------------------------------- */

static const char *kind_name(const crd_val_t *v)
{
    switch (v->kind) {
    case CRD_NULL: return "null";
    case CRD_BOOL: return "boolean";
    case CRD_INT: return "integer";
    case CRD_FLOAT: return "number";
    case CRD_STR: return "string";
    case CRD_MAP: return "object";
    case CRD_LIST: return "array";
    }
    return "";
}

static bool type_ok(const char *type, const crd_val_t *v)
{
    if (!strcmp(type, "object"))
        return v->kind == CRD_MAP;
    if (!strcmp(type, "array"))
        return v->kind == CRD_LIST;
    if (!strcmp(type, "string"))
        return v->kind == CRD_STR;
    if (!strcmp(type, "integer"))
        return v->kind == CRD_INT;
    if (!strcmp(type, "number"))
        return v->kind == CRD_INT || v->kind == CRD_FLOAT;
    if (!strcmp(type, "boolean"))
        return v->kind == CRD_BOOL;
    return true;
}

static double num(const crd_val_t *v)
{
    return v->kind == CRD_INT ? (double)v->i : v->f;
}

static void num_text(const crd_val_t *v, char *buf, size_t n)
{
    if (v->kind == CRD_INT)
        snprintf(buf, n, "%lld", (long long)v->i);
    else
        snprintf(buf, n, "%g", v->f);
}

/* Characters, not bytes: a UTF-8 continuation byte does not count. */
static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool matches(const char *pattern, const char *s)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code,
                                   &off, NULL);
    if (!re)
        return false;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return rc >= 0;
}

static bool digits(const char *s, int n)
{
    for (int k = 0; k < n; k++)
        if (s[k] < '0' || s[k] > '9')
            return false;
    return true;
}

static bool format_ok(const char *format, const char *s)
{
    if (!strcmp(format, "date"))
        return strlen(s) == 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
               digits(s + 8, 2);
    if (!strcmp(format, "date-time"))
        return matches(
            "^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$", s);
    if (!strcmp(format, "uuid"))
        return matches(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", s);
    return true; /* unknown formats are not checked, as kube-openapi does */
}

static int validate(const crd_val_t *s, const crd_val_t *v, const char *path, crd_errs_t *errs)
{
    char text[CRD_ERR_LEN], lim[40], sub[512];
    int before = (int)errs->n;
    const crd_val_t *type = crd_get(s, "type");
    const char *t = type && type->kind == CRD_STR ? type->s : NULL;
    if (v->kind == CRD_NULL) {
        if (!flag(s, "nullable") && (t || flag(s, "x-kubernetes-int-or-string")))
            crd_errs_add(errs,
                         "%s: Invalid value: \"null\": %s in body must be of type %s: \"null\"",
                         path, path, t ? t : "int-or-string");
        return (int)errs->n - before;
    }
    if (flag(s, "x-kubernetes-int-or-string")) {
        if (v->kind != CRD_INT && v->kind != CRD_STR) {
            crd_errs_add(
                errs, "%s: Invalid value: \"%s\": %s in body must be of type int-or-string: \"%s\"",
                path, kind_name(v), path, kind_name(v));
            return (int)errs->n - before;
        }
    }
    /* a value of the wrong type is still held against the enum (as
     * kube-openapi runs its validators one after the other); the checks of
     * the type itself then have nothing to apply to */
    bool wrong = !flag(s, "x-kubernetes-int-or-string") && t && !type_ok(t, v);
    if (wrong)
        crd_errs_add(errs, "%s: Invalid value: \"%s\": %s in body must be of type %s: \"%s\"", path,
                     kind_name(v), path, t, kind_name(v));
    const crd_val_t *en = crd_get(s, "enum");
    if (en && en->kind == CRD_LIST) {
        bool found = false;
        for (size_t k = 0; k < en->n && !found; k++)
            found = crd_val_equal(en->items[k], v);
        if (!found) {
            char list[CRD_ERR_LEN] = "";
            size_t used = 0;
            for (size_t k = 0; k < en->n && used < sizeof list; k++) {
                if (k)
                    used += (size_t)snprintf(list + used,
                                             used < sizeof list ? sizeof list - used : 0, ", ");
                if (used < sizeof list)
                    used += crd_json(en->items[k], list + used, sizeof list - used);
            }
            crd_json(v, text, sizeof text);
            crd_errs_add(errs, "%s: Unsupported value: %s: supported values: %s", path, text, list);
        }
    }
    if (wrong)
        return (int)errs->n - before;
    const crd_val_t *c;
    if (v->kind == CRD_INT || v->kind == CRD_FLOAT) {
        num_text(v, text, sizeof text);
        if ((c = crd_get(s, "minimum")) && (c->kind == CRD_INT || c->kind == CRD_FLOAT)) {
            bool excl = flag(s, "exclusiveMinimum");
            num_text(c, lim, sizeof lim);
            if (excl ? num(v) <= num(c) : num(v) < num(c))
                crd_errs_add(errs, "%s: Invalid value: %s: %s in body should be greater than %s%s",
                             path, text, path, excl ? "" : "or equal to ", lim);
        }
        if ((c = crd_get(s, "maximum")) && (c->kind == CRD_INT || c->kind == CRD_FLOAT)) {
            bool excl = flag(s, "exclusiveMaximum");
            num_text(c, lim, sizeof lim);
            if (excl ? num(v) >= num(c) : num(v) > num(c))
                crd_errs_add(errs, "%s: Invalid value: %s: %s in body should be less than %s%s",
                             path, text, path, excl ? "" : "or equal to ", lim);
        }
    }
    if (v->kind == CRD_STR) {
        crd_json(v, text, sizeof text);
        size_t len = utf8_len(v->s);
        if ((c = crd_get(s, "minLength")) && c->kind == CRD_INT && (int64_t)len < c->i)
            crd_errs_add(errs,
                         "%s: Invalid value: %s: %s in body should be at least %lld chars long",
                         path, text, path, (long long)c->i);
        if ((c = crd_get(s, "maxLength")) && c->kind == CRD_INT && (int64_t)len > c->i)
            crd_errs_add(errs,
                         "%s: Invalid value: %s: %s in body should be at most %lld chars long",
                         path, text, path, (long long)c->i);
        if ((c = crd_get(s, "pattern")) && c->kind == CRD_STR && !matches(c->s, v->s))
            crd_errs_add(errs, "%s: Invalid value: %s: %s in body should match '%s'", path, text,
                         path, c->s);
        if ((c = crd_get(s, "format")) && c->kind == CRD_STR && !format_ok(c->s, v->s))
            crd_errs_add(errs, "%s: Invalid value: %s: %s in body must be of type %s: %s", path,
                         text, path, c->s, text);
    }
    if (v->kind == CRD_LIST) {
        if ((c = crd_get(s, "minItems")) && c->kind == CRD_INT && (int64_t)v->n < c->i)
            crd_errs_add(errs, "%s: Invalid value: %zu: %s in body should have at least %lld items",
                         path, v->n, path, (long long)c->i);
        if ((c = crd_get(s, "maxItems")) && c->kind == CRD_INT && (int64_t)v->n > c->i)
            crd_errs_add(errs, "%s: Too many: %zu: must have at most %lld items", path, v->n,
                         (long long)c->i);
        const crd_val_t *items = crd_get(s, "items");
        for (size_t k = 0; items && k < v->n; k++) {
            snprintf(sub, sizeof sub, "%s[%zu]", path, k);
            validate(items, v->items[k], sub, errs);
        }
    }
    if (v->kind == CRD_MAP) {
        const crd_val_t *req = crd_get(s, "required");
        for (size_t k = 0; req && req->kind == CRD_LIST && k < req->n; k++) {
            const crd_val_t *name = req->items[k];
            if (name->kind == CRD_STR && !crd_get(v, name->s)) {
                join(sub, sizeof sub, path, name->s);
                crd_errs_add(errs, "%s: Required value", sub);
            }
        }
        const crd_val_t *props = crd_get(s, "properties");
        const crd_val_t *addl = crd_get(s, "additionalProperties");
        for (size_t k = 0; k < v->n; k++) {
            const crd_val_t *ps = crd_get(props, v->keys[k]);
            if (!ps && addl && addl->kind == CRD_MAP)
                ps = addl;
            if (ps) {
                join(sub, sizeof sub, path, v->keys[k]);
                validate(ps, v->items[k], sub, errs);
            }
        }
    }
    return (int)errs->n - before;
}

int crd_validate(const crd_val_t *schema, const crd_val_t *obj, crd_errs_t *errs)
{
    return validate(schema, obj, "", errs);
}

/* ---- pruning and defaulting ------------------------------------------------------------ */

static void prune(const crd_val_t *s, crd_val_t *v, bool root)
{
    if (!s)
        return;
    if (v->kind == CRD_LIST) {
        const crd_val_t *items = crd_get(s, "items");
        for (size_t k = 0; items && k < v->n; k++)
            prune(items, v->items[k], false);
        return;
    }
    if (v->kind != CRD_MAP)
        return;
    const crd_val_t *props = crd_get(s, "properties");
    const crd_val_t *addl = crd_get(s, "additionalProperties");
    bool keep = flag(s, "x-kubernetes-preserve-unknown-fields") ||
                (addl && addl->kind == CRD_BOOL && addl->b);
    for (size_t k = 0; k < v->n;) {
        const char *key = v->keys[k];
        if (root &&
            (!strcmp(key, "apiVersion") || !strcmp(key, "kind") || !strcmp(key, "metadata"))) {
            k++;
            continue;
        }
        const crd_val_t *ps = crd_get(props, key);
        if (!ps && addl && addl->kind == CRD_MAP)
            ps = addl;
        if (ps) {
            prune(ps, v->items[k], false);
            k++;
        } else if (keep) {
            k++;
        } else {
            crd_del(v, key);
        }
    }
}

void crd_prune(const crd_val_t *schema, crd_val_t *obj)
{
    prune(schema, obj, true);
}

static void fill(const crd_val_t *s, crd_val_t *v)
{
    if (v->kind == CRD_LIST) {
        const crd_val_t *items = crd_get(s, "items");
        for (size_t k = 0; items && k < v->n; k++)
            fill(items, v->items[k]);
        return;
    }
    if (v->kind != CRD_MAP)
        return;
    const crd_val_t *props = crd_get(s, "properties");
    for (size_t k = 0; props && k < props->n; k++) {
        const crd_val_t *def = crd_get(props->items[k], "default");
        if (def && !crd_get(v, props->keys[k]))
            crd_set(v, props->keys[k], crd_val_clone(def));
    }
    const crd_val_t *addl = crd_get(s, "additionalProperties");
    for (size_t k = 0; k < v->n; k++) {
        const crd_val_t *ps = crd_get(props, v->keys[k]);
        if (!ps && addl && addl->kind == CRD_MAP)
            ps = addl;
        if (ps)
            fill(ps, v->items[k]);
    }
}

void crd_default(const crd_val_t *schema, crd_val_t *obj)
{
    fill(schema, obj);
}

#else

int crd_structural(const crd_val_t *schema, const char *path, crd_errs_t *errs)
{
    (void)schema, (void)path, (void)errs;
    return -ENOSYS;
}

int crd_validate(const crd_val_t *schema, const crd_val_t *obj, crd_errs_t *errs)
{
    (void)schema, (void)obj, (void)errs;
    return -ENOSYS;
}

void crd_prune(const crd_val_t *schema, crd_val_t *obj)
{
    (void)schema, (void)obj;
}

void crd_default(const crd_val_t *schema, crd_val_t *obj)
{
    (void)schema, (void)obj;
}

#endif
