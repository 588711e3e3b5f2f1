/*
 * crd_bench.c — objects validated per second against the Widget CRD's v1
 * schema (labs/crd/support/crd_fixtures.c), Go's benchmark format.
 *
 * BenchmarkValidateValid validates a Widget that passes every rule (types,
 * enum, pattern, lengths, items, format, int-or-string, nullable,
 * additionalProperties); BenchmarkValidateInvalid one that breaks five of
 * them and collects all five errors. One op = one object validated. The
 * objects are parsed once; validation only reads them.
 * benchmarks/crd/run times Debian's gojsonschema on the same schema and
 * objects in the same run.
 *
 * Interface: world() once → UG_BENCH bodies.
 */
#include <stdlib.h>

#include <undergo/bench.h>

#include "crd.h"

#define VALID                                                                                      \
    "apiVersion: undergo.dev/v1\nkind: Widget\nmetadata: {name: front}\n"                          \
    "spec:\n  image: registry.local/team/nginx:1.25.3\n  replicas: 3\n  tier: worker\n  port: "    \
    "8080\n"                                                                                       \
    "  since: 2024-05-01\n  owner: alice\n  tags: [edge, public, eu-west]\n  labels: {team: web, " \
    "env: prod}\n"                                                                                 \
    "  limits: {cpu: 1.5, memory: 512Mi}\n"                                                        \
    "status: {readyReplicas: 3, observedGeneration: 2}\n"

#define INVALID                                                                                    \
    "apiVersion: undergo.dev/v1\nkind: Widget\nmetadata: {name: front}\n"                          \
    "spec:\n  image: Registry/Nginx\n  replicas: 12\n  tier: gpu\n  port: 8080\n"                  \
    "  since: 2024-5-1\n  tags: [edge, '', eu-west]\n  labels: {team: web, env: prod}\n"           \
    "  limits: {cpu: 1.5, memory: 512Mi}\n"

static struct {
    crd_val_t *schema, *valid, *invalid;
} w;

static crd_val_t *parse(const char *text)
{
    crd_val_t *v = NULL;
    char err[128];
    if (crd_yaml_parse(text, &v, err, sizeof err))
        abort();
    return v;
}

static void world(void)
{
    if (w.schema)
        return;
    crd_val_t *crd = parse(crd_fixture("widget-crd"));
    crd_val_t *vers = crd_at(crd, "spec.versions");
    w.schema = crd_val_clone(crd_at(vers->items[1], "schema.openAPIV3Schema"));
    crd_val_free(crd);
    w.valid = parse(VALID);
    w.invalid = parse(INVALID);
}

static void run(ug_bench_t *b, const crd_val_t *obj, size_t want)
{
    world();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        crd_errs_t errs;
        errs.n = 0;
        if (crd_validate(w.schema, obj, &errs) != (int)want)
            abort();
    }
}

UG_BENCH(BenchmarkValidateValid)
{
    run(b, w.valid ? w.valid : (world(), w.valid), 0);
}

UG_BENCH(BenchmarkValidateInvalid)
{
    run(b, w.invalid ? w.invalid : (world(), w.invalid), 5);
}
