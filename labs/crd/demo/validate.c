/*
 * validate.c — what the API server does with a CRD and its objects: the
 * course's Example CRD has no schema and apiextensions.k8s.io/v1 refuses
 * it; with a schema it is installed and its instance is created. Then the
 * Widget CRD: a Widget is defaulted and pruned on the way in, and invalid
 * ones are refused with the apiserver's field errors.
 *
 * Interface: main → crd_server_define → crd_create → print the stored
 * object or the errors.
 */
#include <stdio.h>

#include <undergo/demo.h>

#include "crd.h"

static crd_val_t *parse(demo_t *d, const char *text)
{
    crd_val_t *v = NULL;
    char err[128];
    demo_ok(d, crd_yaml_parse(text, &v, err, sizeof err), "crd_yaml_parse");
    return v;
}

static void show(demo_t *d, int code, const crd_val_t *out, const crd_errs_t *errs)
{
    char json[1024];
    printf("  => %s%d%s\n", demo_c(d, code < 300 ? DEMO_GREEN : DEMO_RED), code,
           demo_c(d, DEMO_RESET));
    if (out) {
        crd_json(out, json, sizeof json);
        printf("  stored: %s\n", json);
    }
    for (size_t k = 0; k < errs->n && k < CRD_MAX_ERRS; k++)
        printf("  %s\n", errs->msg[k]);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {"crd validate",
                                     "structural schemas, defaulting, pruning, validation errors",
                                     false, NULL, NULL};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    int64_t clock = 0;
    crd_server_t *s = crd_server_new(&clock);
    if (!demo_ok_ptr(&d, s, "crd_server_new"))
        return demo_end(&d);
    crd_errs_t errs = {0};
    crd_val_t *out = NULL;

    demo_title(&d, "the course's Example CRD");
    crd_val_t *bare = parse(&d, crd_fixture("example-crd"));
    demo_step(&d, "define it as written: versions[0] has no schema");
    show(&d, crd_server_define(s, bare, &errs), NULL, &errs);
    errs.n = 0;
    crd_val_t *typed = parse(&d, crd_fixture("example-crd-schema"));
    demo_step(&d, "define it with a schema: spec.foo is a string");
    show(&d, crd_server_define(s, typed, &errs), NULL, &errs);
    crd_val_t *inst = parse(&d, crd_fixture("example-instance"));
    demo_step(&d, "create example-instance (spec.foo: \"bar\")");
    int code = crd_create(s, inst, &out, &errs);
    show(&d, code, out, &errs);
    crd_val_free(out);
    crd_server_free(s);

    demo_title(&d, "the Widget CRD: v1beta1 served, v1 stored, status subresource");
    s = crd_server_new(&clock);
    crd_val_t *wcrd = parse(&d, crd_fixture("widget-crd"));
    if (!demo_ok(&d, crd_server_define(s, wcrd, &errs) == 201 ? 0 : -1, "crd_server_define"))
        goto out;
    static const char *const cases[][2] = {
        {"a Widget with replicas, tier and limits left out, and a field the schema does not know",
         "{image: 'nginx:1.25', colour: blue, extra: {kept: true}}"},
        {"replicas below the minimum", "{image: nginx, replicas: -1}"},
        {"no image, a tier outside the enum, a bad date", "{tier: gpu, since: '2024-5-1'}"},
        {"an image the pattern refuses, an int-or-string given a list",
         "{image: 'Nginx!', port: [80]}"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char text[512];
        snprintf(text, sizeof text,
                 "apiVersion: undergo.dev/v1\nkind: Widget\nmetadata: {name: w%zu}\nspec: %s\n", k,
                 cases[k][1]);
        demo_step(&d, "%s", cases[k][0]);
        printf("  spec: %s\n", cases[k][1]);
        crd_val_t *obj = parse(&d, text);
        errs.n = 0;
        code = crd_create(s, obj, &out, &errs);
        show(&d, code, out ? crd_get(out, "spec") : NULL, &errs);
        crd_val_free(out);
        out = NULL;
        crd_val_free(obj);
    }
out:
    crd_val_free(wcrd);
    crd_val_free(inst);
    crd_val_free(typed);
    crd_val_free(bare);
    crd_server_free(s);
    return demo_end(&d);
}
