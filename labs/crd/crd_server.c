/*
 * crd_server.c — the API server's side of a custom resource: installing the
 * definition (structural schemas, one storage version), then create, update,
 * the status subresource, delete with finalizers, list and watch.
 *
 * What it keeps:
 *  - an object is stored at the storage version (apiVersion rewritten; the
 *    conversion strategy is None: the fields stay as they are);
 *  - every write that changes the object takes the next resourceVersion;
 *    a write that changes nothing keeps the old one and logs no event;
 *  - an update names the resourceVersion it read: another one is 409;
 *  - with the status subresource, the main resource ignores status and
 *    /status ignores everything but status; metadata.generation grows only
 *    when spec (anything but metadata and status) changes;
 *  - delete of an object with finalizers sets deletionTimestamp (202); the
 *    update that removes the last finalizer deletes it.
 *
 * Interface: crd_server_new → crd_server_define → crd_create / crd_update /
 * crd_update_status / crd_delete → crd_list / crd_watch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crd_internal.h"

#if LAB_SOLUTION

crd_server_t *crd_server_new(const int64_t *clock)
{
    crd_server_t *s = calloc(1, sizeof *s);
    if (s)
        s->clock = clock;
    return s;
}

static void log_clear(crd_server_t *s)
{
    for (size_t k = 0; k < s->nlog; k++)
        crd_val_free(s->log_obj[k]);
    s->nlog = 0;
    s->log_from = s->rv;
}

void crd_server_free(crd_server_t *s)
{
    if (!s)
        return;
    log_clear(s);
    for (size_t k = 0; k < s->nobj; k++)
        crd_val_free(s->obj[k]);
    crd_val_free(s->crd);
    free(s);
}

void crd_server_compact(crd_server_t *s)
{
    log_clear(s);
}

uint64_t crd_server_rv(const crd_server_t *s)
{
    return s->rv;
}

int crd_server_define(crd_server_t *s, const crd_val_t *crd, crd_errs_t *errs)
{
    const char *group = crd_str_at(crd, "spec.group"), *kind = crd_str_at(crd, "spec.names.kind");
    const crd_val_t *vers = crd_at(crd, "spec.versions");
    size_t before = errs->n;
    if (!group)
        crd_errs_add(errs, "spec.group: Required value");
    if (!kind)
        crd_errs_add(errs, "spec.names.kind: Required value");
    if (!vers || vers->kind != CRD_LIST || vers->n == 0) {
        crd_errs_add(errs, "spec.versions: Invalid value: null: must have exactly one version "
                           "marked as storage version");
        return 422;
    }
    if (vers->n > CRD_MAX_VERSIONS) {
        crd_errs_add(errs, "spec.versions: Too many: %zu: must have at most %d items", vers->n,
                     CRD_MAX_VERSIONS);
        return 422;
    }
    int storage = 0;
    char path[96];
    for (size_t k = 0; k < vers->n; k++) {
        const crd_val_t *v = vers->items[k];
        const crd_val_t *st = crd_get(v, "storage");
        storage += st && st->kind == CRD_BOOL && st->b;
        const crd_val_t *schema = crd_at(v, "schema.openAPIV3Schema");
        snprintf(path, sizeof path, "spec.versions[%zu].schema.openAPIV3Schema", k);
        if (!schema)
            crd_errs_add(errs, "%s: Required value: schemas are required", path);
        else
            crd_structural(schema, path, errs);
    }
    if (storage != 1)
        crd_errs_add(errs,
                     "spec.versions: Invalid value: %d: must have exactly one version marked as "
                     "storage version",
                     storage);
    if (errs->n != before)
        return 422;
    crd_val_free(s->crd);
    s->crd = crd_val_clone(crd);
    snprintf(s->group, sizeof s->group, "%s", group);
    snprintf(s->kind, sizeof s->kind, "%s", kind);
    vers = crd_at(s->crd, "spec.versions");
    s->nver = vers->n;
    for (size_t k = 0; k < vers->n; k++) {
        const crd_val_t *v = vers->items[k], *f;
        crd_version_t *cv = &s->ver[k];
        snprintf(cv->name, sizeof cv->name, "%s",
                 crd_str_at(v, "name") ? crd_str_at(v, "name") : "");
        cv->served = (f = crd_get(v, "served")) && f->kind == CRD_BOOL && f->b;
        cv->storage = (f = crd_get(v, "storage")) && f->kind == CRD_BOOL && f->b;
        cv->status = crd_at(v, "subresources.status") != NULL;
        cv->schema = crd_at(v, "schema.openAPIV3Schema");
    }
    return 201;
}

/* The served version an object's apiVersion names, or NULL. */
static const crd_version_t *version_of(const crd_server_t *s, const crd_val_t *obj)
{
    const char *av = crd_str_at(obj, "apiVersion"), *kind = crd_str_at(obj, "kind");
    size_t glen = strlen(s->group);
    if (!s->crd || !av || !kind || strcmp(kind, s->kind) || strncmp(av, s->group, glen) ||
        av[glen] != '/')
        return NULL;
    for (size_t k = 0; k < s->nver; k++)
        if (s->ver[k].served && !strcmp(s->ver[k].name, av + glen + 1))
            return &s->ver[k];
    return NULL;
}

static const crd_version_t *storage_of(const crd_server_t *s)
{
    for (size_t k = 0; k < s->nver; k++)
        if (s->ver[k].storage)
            return &s->ver[k];
    return NULL;
}

static long find(const crd_server_t *s, const char *name)
{
    for (size_t k = 0; name && k < s->nobj; k++)
        if (!strcmp(crd_str_at(s->obj[k], "metadata.name"), name))
            return (long)k;
    return -1;
}

static void record(crd_server_t *s, crd_event_type_t type, const crd_val_t *obj)
{
    if (s->nlog == CRD_LOG_MAX) { /* the oldest event goes: watches before it get 410 */
        s->log_from = s->log[0].rv;
        crd_val_free(s->log_obj[0]);
        memmove(s->log, s->log + 1, (CRD_LOG_MAX - 1) * sizeof *s->log);
        memmove(s->log_obj, s->log_obj + 1, (CRD_LOG_MAX - 1) * sizeof *s->log_obj);
        s->nlog--;
    }
    s->log_obj[s->nlog] = crd_val_clone(obj);
    s->log[s->nlog] = (crd_event_t){type, s->rv, s->log_obj[s->nlog]};
    s->nlog++;
}

static void set_rv(crd_val_t *obj, uint64_t rv)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)rv);
    crd_set(crd_get(obj, "metadata"), "resourceVersion", crd_val_str(buf));
}

/* Defaulting, pruning and validation at the object's own version; then the
 * object is rewritten to the storage version. 0 or 422. */
static int admit(const crd_server_t *s, const crd_version_t *v, crd_val_t *obj, crd_errs_t *errs)
{
    crd_default(v->schema, obj);
    crd_prune(v->schema, obj);
    if (crd_validate(v->schema, obj, errs) > 0)
        return 422;
    char av[200];
    snprintf(av, sizeof av, "%s/%s", s->group, storage_of(s)->name);
    crd_set(obj, "apiVersion", crd_val_str(av));
    return 0;
}

static int reply(const crd_val_t *obj, crd_val_t **out, int code)
{
    if (out)
        *out = crd_val_clone(obj);
    return code;
}

int crd_create(crd_server_t *s, const crd_val_t *in, crd_val_t **out, crd_errs_t *errs)
{
    const crd_version_t *v = version_of(s, in);
    if (out)
        *out = NULL;
    if (!v)
        return 404;
    crd_val_t *obj = crd_val_clone(in);
    crd_val_t *meta = crd_get(obj, "metadata");
    const char *name = crd_str_at(obj, "metadata.name");
    if (!meta || !name || !*name) {
        crd_errs_add(errs, "metadata.name: Required value: name or generateName is required");
        crd_val_free(obj);
        return 422;
    }
    if (find(s, name) >= 0) {
        crd_val_free(obj);
        return 409;
    }
    if (v->status)
        crd_del(obj, "status");
    crd_del(meta, "deletionTimestamp");
    if (admit(s, v, obj, errs) || s->nobj == CRD_MAX_OBJS) {
        crd_val_free(obj);
        return 422;
    }
    crd_set(meta, "generation", crd_val_int(1));
    set_rv(obj, ++s->rv);
    s->obj[s->nobj++] = obj;
    record(s, CRD_ADDED, obj);
    return reply(obj, out, 201);
}

static bool same_rv(const crd_val_t *a, const crd_val_t *b)
{
    const char *ra = crd_str_at(a, "metadata.resourceVersion"),
               *rb = crd_str_at(b, "metadata.resourceVersion");
    return ra && rb && !strcmp(ra, rb);
}

/* Everything but metadata, and status when it is a subresource. */
static bool spec_equal(const crd_val_t *a, const crd_val_t *b, bool status)
{
    crd_val_t *x = crd_val_clone(a), *y = crd_val_clone(b);
    crd_del(x, "metadata"), crd_del(y, "metadata");
    if (status)
        crd_del(x, "status"), crd_del(y, "status");
    bool eq = crd_val_equal(x, y);
    crd_val_free(x), crd_val_free(y);
    return eq;
}

static void remove_at(crd_server_t *s, long k)
{
    ++s->rv;
    set_rv(s->obj[k], s->rv);
    record(s, CRD_DELETED, s->obj[k]);
    crd_val_free(s->obj[k]);
    s->obj[k] = s->obj[--s->nobj];
}

static bool has_finalizers(const crd_val_t *obj)
{
    const crd_val_t *f = crd_at(obj, "metadata.finalizers");
    return f && f->kind == CRD_LIST && f->n > 0;
}

/* The shared path of update and update_status: `status` says which part of
 * in is taken. */
static int write(crd_server_t *s, const crd_val_t *in, crd_val_t **out, crd_errs_t *errs,
                 bool status)
{
    const crd_version_t *v = version_of(s, in);
    if (out)
        *out = NULL;
    if (!v)
        return 404;
    long k = find(s, crd_str_at(in, "metadata.name"));
    if (k < 0)
        return 404;
    crd_val_t *old = s->obj[k];
    if (!crd_str_at(in, "metadata.resourceVersion")) {
        crd_errs_add(
            errs, "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
        return 422;
    }
    if (!same_rv(in, old))
        return 409;
    crd_val_t *obj;
    if (status) { /* /status: the old object with the new status */
        obj = crd_val_clone(old);
        const crd_val_t *st = crd_get(in, "status");
        if (st)
            crd_set(obj, "status", crd_val_clone(st));
        else
            crd_del(obj, "status");
        char av[200];
        snprintf(av, sizeof av, "%s", crd_str_at(in, "apiVersion"));
        crd_set(obj, "apiVersion", crd_val_str(av));
    } else {
        obj = crd_val_clone(in);
        if (v->status) {
            const crd_val_t *st = crd_get(old, "status");
            if (st)
                crd_set(obj, "status", crd_val_clone(st));
            else
                crd_del(obj, "status");
        }
    }
    crd_val_t *meta = crd_get(obj, "metadata"), *ometa = crd_get(old, "metadata");
    const char *keep[] = {"generation", "deletionTimestamp"};
    for (size_t i = 0; i < 2; i++) {
        const crd_val_t *ov = crd_get(ometa, keep[i]);
        if (ov)
            crd_set(meta, keep[i], crd_val_clone(ov));
        else
            crd_del(meta, keep[i]);
    }
    if (admit(s, v, obj, errs)) {
        crd_val_free(obj);
        return 422;
    }
    if (crd_val_equal(obj, old)) {
        crd_val_free(obj);
        return reply(old, out, 200);
    }
    if (!spec_equal(obj, old, v->status))
        crd_set(meta, "generation", crd_val_int(crd_at(old, "metadata.generation")->i + 1));
    set_rv(obj, ++s->rv);
    crd_val_free(old);
    s->obj[k] = obj;
    if (crd_get(meta, "deletionTimestamp") && !has_finalizers(obj)) {
        s->rv--; /* the removal takes this write's resourceVersion */
        reply(obj, out, 200);
        remove_at(s, k);
        return 200;
    }
    record(s, CRD_MODIFIED, obj);
    return reply(obj, out, 200);
}

int crd_update(crd_server_t *s, const crd_val_t *in, crd_val_t **out, crd_errs_t *errs)
{
    return write(s, in, out, errs, false);
}

int crd_update_status(crd_server_t *s, const crd_val_t *in, crd_val_t **out, crd_errs_t *errs)
{
    const crd_version_t *v = version_of(s, in);
    if (!v || !v->status) {
        if (out)
            *out = NULL;
        return 404;
    }
    return write(s, in, out, errs, true);
}

int crd_delete(crd_server_t *s, const char *name, crd_val_t **out)
{
    long k = find(s, name);
    if (out)
        *out = NULL;
    if (k < 0)
        return 404;
    crd_val_t *obj = s->obj[k];
    if (!has_finalizers(obj)) {
        reply(obj, out, 200);
        remove_at(s, k);
        return 200;
    }
    crd_val_t *meta = crd_get(obj, "metadata");
    if (!crd_get(meta, "deletionTimestamp")) {
        char ts[32];
        time_t secs = (time_t)(*s->clock / 1000000000LL);
        struct tm tm;
        gmtime_r(&secs, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
        crd_set(meta, "deletionTimestamp", crd_val_str(ts));
        set_rv(obj, ++s->rv);
        record(s, CRD_MODIFIED, obj);
    }
    return reply(obj, out, 202);
}

crd_val_t *crd_get_obj(crd_server_t *s, const char *name)
{
    long k = find(s, name);
    return k < 0 ? NULL : crd_val_clone(s->obj[k]);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(crd_str_at(*(const crd_val_t *const *)a, "metadata.name"),
                  crd_str_at(*(const crd_val_t *const *)b, "metadata.name"));
}

size_t crd_list(crd_server_t *s, const crd_val_t **items, size_t max, uint64_t *rv)
{
    size_t n = 0;
    for (size_t k = 0; k < s->nobj && n < max; k++)
        items[n++] = s->obj[k];
    if (n)
        qsort(items, n, sizeof *items, by_name);
    *rv = s->rv;
    return n;
}

int crd_watch(crd_server_t *s, uint64_t since, crd_event_t *ev, size_t max, size_t *n)
{
    *n = 0;
    if (since < s->log_from)
        return 410;
    for (size_t k = 0; k < s->nlog && *n < max; k++)
        if (s->log[k].rv > since)
            ev[(*n)++] = s->log[k];
    return 200;
}

#else

crd_server_t *crd_server_new(const int64_t *clock)
{
    (void)clock;
    return NULL;
}
void crd_server_free(crd_server_t *s)
{
    (void)s;
}
void crd_server_compact(crd_server_t *s)
{
    (void)s;
}
uint64_t crd_server_rv(const crd_server_t *s)
{
    (void)s;
    return 0;
}
int crd_server_define(crd_server_t *s, const crd_val_t *crd, crd_errs_t *errs)
{
    (void)s, (void)crd, (void)errs;
    return 501;
}
int crd_create(crd_server_t *s, const crd_val_t *obj, crd_val_t **out, crd_errs_t *errs)
{
    (void)s, (void)obj, (void)errs;
    if (out)
        *out = NULL;
    return 501;
}
int crd_update(crd_server_t *s, const crd_val_t *obj, crd_val_t **out, crd_errs_t *errs)
{
    return crd_create(s, obj, out, errs);
}
int crd_update_status(crd_server_t *s, const crd_val_t *obj, crd_val_t **out, crd_errs_t *errs)
{
    return crd_create(s, obj, out, errs);
}
int crd_delete(crd_server_t *s, const char *name, crd_val_t **out)
{
    (void)s, (void)name;
    if (out)
        *out = NULL;
    return 501;
}
crd_val_t *crd_get_obj(crd_server_t *s, const char *name)
{
    (void)s, (void)name;
    return NULL;
}
size_t crd_list(crd_server_t *s, const crd_val_t **items, size_t max, uint64_t *rv)
{
    (void)s, (void)items, (void)max;
    *rv = 0;
    return 0;
}
int crd_watch(crd_server_t *s, uint64_t since, crd_event_t *ev, size_t max, size_t *n)
{
    (void)s, (void)since, (void)ev, (void)max;
    *n = 0;
    return 501;
}

#endif
