/*
 * crd.h — the API of the crd lab: what a Kubernetes API server does for a
 * CustomResourceDefinition (schema rules, validation, pruning, defaulting,
 * versions, the status subresource, resourceVersion conflicts, finalizers,
 * list and watch) and what a controller does with it (an informer's cache,
 * client-go's work queue and rate limiter, a reconcile loop).
 *
 * Values are YAML/JSON trees (crd_val_t), read by support/crd_value.c with
 * libyaml. Time is a virtual clock the caller owns: an int64_t of
 * nanoseconds that the queue, the server and the controller read through a
 * pointer and that only the caller moves.
 *
 * Interface: values (support) → crd_structural / crd_validate / crd_prune /
 * crd_default → crd_server_* → crd_queue_* → crd_ctrl_*.
 */
#ifndef CRD_H
#define CRD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- values (support/crd_value.c) ---------------------------------------- */

typedef enum crd_kind {
    CRD_NULL,
    CRD_BOOL,
    CRD_INT,
    CRD_FLOAT,
    CRD_STR,
    CRD_MAP,
    CRD_LIST
} crd_kind_t;

typedef struct crd_val {
    crd_kind_t kind;
    bool b;
    int64_t i;
    double f;
    char *s;                /* CRD_STR */
    size_t n;               /* CRD_MAP and CRD_LIST: entries */
    char **keys;            /* CRD_MAP: keys[k] names items[k] */
    struct crd_val **items; /* CRD_MAP and CRD_LIST */
} crd_val_t;

/* Parses one YAML document (plain scalars resolve as YAML 1.2's core schema:
 * null, true/false, integers, floats, else strings; quoted ones are strings).
 * 0 and *out, or -EINVAL with a line in err. */
int crd_yaml_parse(const char *text, crd_val_t **out, char *err, size_t errlen);
crd_val_t *crd_val_new(crd_kind_t kind);
crd_val_t *crd_val_str(const char *s);
crd_val_t *crd_val_int(int64_t i);
void crd_val_free(crd_val_t *v);
crd_val_t *crd_val_clone(const crd_val_t *v);
bool crd_val_equal(const crd_val_t *a, const crd_val_t *b);
/* A map's entry, or NULL (also when m is not a map). */
crd_val_t *crd_get(const crd_val_t *m, const char *key);
/* Follows a dotted path of map keys: "metadata.name". */
crd_val_t *crd_at(const crd_val_t *v, const char *dotted);
const char *crd_str_at(const crd_val_t *v, const char *dotted); /* NULL unless a string */
/* Sets m[key] = v (taking v; replacing and freeing an old entry). */
void crd_set(crd_val_t *m, const char *key, crd_val_t *v);
/* Removes m[key]; true when it was there. */
bool crd_del(crd_val_t *m, const char *key);
/* JSON text of v into buf (truncated to n-1); the length it needs. Keys in
 * insertion order. */
size_t crd_json(const crd_val_t *v, char *buf, size_t n);

/* The lab's YAML fixtures (support/crd_fixtures.c): "widget-crd", "widget",
 * "example-crd" (the course's, without a schema), "example-crd-schema",
 * "example-instance"; NULL for another name. */
const char *crd_fixture(const char *name);

/* ---- errors ---------------------------------------------------------------- */

#define CRD_MAX_ERRS 16
#define CRD_ERR_LEN 256

/* Field errors as the apiserver prints them, one per line:
 * "spec.replicas: Invalid value: -1: spec.replicas in body should be greater
 * than or equal to 0". Beyond CRD_MAX_ERRS only n counts. */
typedef struct crd_errs {
    size_t n;
    char msg[CRD_MAX_ERRS][CRD_ERR_LEN];
} crd_errs_t;

void crd_errs_add(crd_errs_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- schemas (crd_schema.c) ------------------------------------------------- */

/* The structural-schema rules for an openAPIV3Schema at `path` (e.g.
 * "spec.versions[0].schema.openAPIV3Schema"): the root is an object; every
 * specified field and array item has a non-empty type (unless
 * x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields says
 * otherwise); int-or-string does not also preserve unknown fields;
 * properties and additionalProperties are exclusive. Adds one error per breach; returns
 * how many it added. */
int crd_structural(const crd_val_t *schema, const char *path, crd_errs_t *errs);
/* OpenAPI v3 validation of obj (a whole object: the schema's root) against
 * schema. Adds one error per failed rule with the field's path; returns how
 * many it added. */
int crd_validate(const crd_val_t *schema, const crd_val_t *obj, crd_errs_t *errs);
/* Drops every field the schema does not specify, except under
 * x-kubernetes-preserve-unknown-fields: true. At the root apiVersion, kind
 * and metadata are kept. */
void crd_prune(const crd_val_t *schema, crd_val_t *obj);
/* Fills absent fields that have a default, at every depth of obj that is
 * present (a default of an object is itself defaulted). */
void crd_default(const crd_val_t *schema, crd_val_t *obj);

/* ---- the API server (crd_server.c) -------------------------------------------- */

typedef struct crd_server crd_server_t;

typedef enum crd_event_type { CRD_ADDED, CRD_MODIFIED, CRD_DELETED } crd_event_type_t;

typedef struct crd_event {
    crd_event_type_t type;
    uint64_t rv;          /* the object's resourceVersion after the event */
    const crd_val_t *obj; /* the object as it was then (owned by the server) */
} crd_event_t;

crd_server_t *crd_server_new(const int64_t *clock);
void crd_server_free(crd_server_t *s);
/* Installs a CRD: spec.group, spec.names.kind, spec.versions (each with
 * name, served, storage, schema.openAPIV3Schema, optional
 * subresources.status). Exactly one storage version; every schema
 * structural. 201, or 422 with errs. */
int crd_server_define(crd_server_t *s, const crd_val_t *crd, crd_errs_t *errs);
/* Objects by metadata.name. Each returns an HTTP status: 201/200 done (and
 * *out, a copy the caller frees, when out is not NULL), 202 deletion
 * pending on finalizers, 404 unknown version, kind or name, 409 name taken
 * or stale resourceVersion, 422 invalid (errs). */
int crd_create(crd_server_t *s, const crd_val_t *obj, crd_val_t **out, crd_errs_t *errs);
int crd_update(crd_server_t *s, const crd_val_t *obj, crd_val_t **out, crd_errs_t *errs);
int crd_update_status(crd_server_t *s, const crd_val_t *obj, crd_val_t **out, crd_errs_t *errs);
int crd_delete(crd_server_t *s, const char *name, crd_val_t **out);
/* A copy of the stored object (caller frees), or NULL. */
crd_val_t *crd_get_obj(crd_server_t *s, const char *name);
/* Every object (owned by the server, valid until its next change), sorted by
 * name, and the list's resourceVersion. */
size_t crd_list(crd_server_t *s, const crd_val_t **items, size_t max, uint64_t *rv);
/* The events after resourceVersion `since`, oldest first: 200 and *n, or
 * 410 Gone when the server no longer holds all of them. */
int crd_watch(crd_server_t *s, uint64_t since, crd_event_t *ev, size_t max, size_t *n);
/* Forgets every event so far (etcd's compaction): older watches get 410. */
void crd_server_compact(crd_server_t *s);
uint64_t crd_server_rv(const crd_server_t *s);

/* ---- the work queue (crd_queue.c) --------------------------------------------- */

#define CRD_KEY_MAX 64

typedef struct crd_queue crd_queue_t;

crd_queue_t *crd_queue_new(const int64_t *clock);
void crd_queue_free(crd_queue_t *q);
void crd_queue_add(crd_queue_t *q, const char *key);
/* The next key (copied into key), or -EAGAIN when none is ready. Makes the
 * key processing until crd_queue_done. Moves due delayed keys in first. */
int crd_queue_get(crd_queue_t *q, char key[CRD_KEY_MAX]);
void crd_queue_done(crd_queue_t *q, const char *key);
size_t crd_queue_len(crd_queue_t *q); /* ready keys, after moving due ones */
void crd_queue_add_after(crd_queue_t *q, const char *key, int64_t delay_ns);
/* The default controller rate limiter's delay for key (counting one more
 * failure), then add_after. */
void crd_queue_add_rate_limited(crd_queue_t *q, const char *key);
/* Returns the delay add_rate_limited would use now (and counts it). */
int64_t crd_queue_when(crd_queue_t *q, const char *key);
void crd_queue_forget(crd_queue_t *q, const char *key);
int crd_queue_requeues(crd_queue_t *q, const char *key);
/* The earliest instant a delayed key becomes ready, or -1 when none waits. */
int64_t crd_queue_next_ready(crd_queue_t *q);

/* ---- the controller (crd_ctrl.c) ------------------------------------------------ */

#define CRD_FINALIZER "undergo.dev/cleanup"

typedef struct crd_ctrl crd_ctrl_t;

crd_ctrl_t *crd_ctrl_new(crd_server_t *s, int64_t *clock);
void crd_ctrl_free(crd_ctrl_t *c);
/* The informer: lists when it has no resourceVersion or the watch answers
 * 410, else applies the watch's events; every changed name is queued. */
void crd_ctrl_sync(crd_ctrl_t *c);
/* The cached copy of name (owned by the cache), or NULL. */
const crd_val_t *crd_ctrl_cached(crd_ctrl_t *c, const char *name);
/* Processes one ready key with the reconciler: 1 when it did, 0 when none. */
int crd_ctrl_step(crd_ctrl_t *c);
/* Syncs and steps until the queue is empty, advancing *clock to the next
 * delayed key when nothing is ready; stops after max_steps. Steps done. */
int crd_ctrl_run(crd_ctrl_t *c, int max_steps);
crd_queue_t *crd_ctrl_queue(crd_ctrl_t *c);

#endif
