/*
 * subresource.c — the object rules a controller relies on, as a timeline:
 * spec and status are written through separate endpoints and
 * metadata.generation counts spec changes only; a writer holding an old
 * resourceVersion gets 409; a delete waits for the finalizers.
 *
 * Interface: main → crd_create / crd_update / crd_update_status /
 * crd_delete → print generation, resourceVersion, status.
 */
#include <stdio.h>

#include <undergo/demo.h>

#include "crd.h"

static void line(demo_t *d, const char *what, int code, const crd_val_t *o)
{
    char st[128] = "-";
    const crd_val_t *status = crd_get(o, "status");
    if (status)
        crd_json(status, st, sizeof st);
    const crd_val_t *gen = crd_at(o, "metadata.generation");
    printf("  %-44s %s%3d%s  gen %lld  rv %s  status %s%s%s\n", what,
           demo_c(d, code < 300 ? DEMO_GREEN : DEMO_RED), code, demo_c(d, DEMO_RESET),
           gen ? (long long)gen->i : 0LL,
           crd_str_at(o, "metadata.resourceVersion") ? crd_str_at(o, "metadata.resourceVersion")
                                                     : "-",
           st, crd_str_at(o, "metadata.deletionTimestamp") ? "  deleting" : "", "");
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {"crd subresource",
                                     "status subresource, generation, 409 conflicts, finalizers",
                                     false, NULL, NULL};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    int64_t clock = 1700000000LL * 1000000000LL;
    crd_server_t *s = crd_server_new(&clock);
    crd_val_t *crd = NULL, *w = NULL, *o = NULL, *stale = NULL, *next = NULL;
    char err[128];
    crd_errs_t errs = {0};
    if (!demo_ok_ptr(&d, s, "crd_server_new") ||
        !demo_ok(&d, crd_yaml_parse(crd_fixture("widget-crd"), &crd, err, sizeof err),
                 "crd_yaml_parse") ||
        !demo_ok(&d, crd_server_define(s, crd, &errs) == 201 ? 0 : -1, "crd_server_define") ||
        !demo_ok(&d, crd_yaml_parse(crd_fixture("widget"), &w, err, sizeof err), "crd_yaml_parse"))
        goto out;
    crd_set(crd_get(w, "metadata"), "finalizers", crd_val_new(CRD_LIST));
    crd_set(w, "status", crd_val_new(CRD_MAP));
    crd_set(crd_get(w, "status"), "readyReplicas", crd_val_int(3));
    demo_title(&d, "one Widget, three writers");
    int code = crd_create(s, w, &o, &errs);
    if (!demo_ok_ptr(&d, o, "crd_create"))
        goto out;
    line(&d, "create (status in the body is dropped)", code, o);
    stale = crd_val_clone(o);
    crd_set(crd_get(o, "spec"), "replicas", crd_val_int(5));
    code = crd_update(s, o, &next, &errs);
    line(&d, "update spec.replicas 3 -> 5", code, next);
    crd_val_free(o), o = next, next = NULL;
    crd_set(o, "status", crd_val_new(CRD_MAP));
    crd_set(crd_get(o, "status"), "readyReplicas", crd_val_int(5));
    crd_set(crd_get(o, "status"), "observedGeneration", crd_val_int(2));
    code = crd_update_status(s, o, &next, &errs);
    line(&d, "update /status readyReplicas 5", code, next);
    crd_val_free(o), o = next, next = NULL;
    crd_set(crd_get(stale, "spec"), "replicas", crd_val_int(1));
    code = crd_update(s, stale, &next, &errs);
    line(&d, "update from the copy read at create", code, o);
    demo_note(&d, "409: the copy's resourceVersion is not the stored one; read again, then write");
    crd_val_t *list = NULL;
    crd_yaml_parse("[" CRD_FINALIZER "]", &list, err, sizeof err);
    crd_set(crd_get(o, "metadata"), "finalizers", list);
    code = crd_update(s, o, &next, &errs);
    line(&d, "update: add finalizer " CRD_FINALIZER, code, next);
    crd_val_free(o), o = next, next = NULL;
    code = crd_delete(s, "front", &next);
    line(&d, "delete", code, next);
    demo_note(&d, "202: deletionTimestamp is set; the object stays until its finalizers are gone");
    crd_val_free(o), o = next, next = NULL;
    crd_set(crd_get(o, "metadata"), "finalizers", crd_val_new(CRD_LIST));
    code = crd_update(s, o, &next, &errs);
    line(&d, "update: remove the last finalizer", code, next);
    crd_val_t *gone = crd_get_obj(s, "front");
    printf("  get front: %s\n", gone ? "still there" : "404, deleted");
    crd_val_free(gone);
out:
    crd_val_free(next);
    crd_val_free(stale);
    crd_val_free(o);
    crd_val_free(w);
    crd_val_free(crd);
    crd_server_free(s);
    return demo_end(&d);
}
