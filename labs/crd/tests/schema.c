/*
 * schema.c — tests of the CRD's schema: the structural rules, OpenAPI v3
 * validation with the apiserver's messages, pruning and defaulting.
 *
 * Each case is a Widget spec (YAML) created through the server, so the
 * order the apiserver uses (default, prune, validate) is part of what is
 * tested; the seed varies names and values, never the rule.
 *
 * Interface: widget_world → crd_create → errs; crd_structural; crd_validate.
 */
#include <stdlib.h>

#include "crd_test.h"

/* Creates a Widget whose spec is `spec` (YAML flow text): the status code,
 * the errors joined in buf, the stored object in *out (or NULL). */
static int try_spec(world_t *w, const char *name, const char *spec, char *buf, size_t n,
                    crd_val_t **out)
{
    char text[1024];
    crd_errs_t errs = {0};
    snprintf(text, sizeof text,
             "apiVersion: undergo.dev/v1\nkind: Widget\nmetadata: {name: %s}\nspec: %s\n", name,
             spec);
    crd_val_t *obj = yaml(text);
    int code = crd_create(w->s, obj, out, &errs);
    crd_val_free(obj);
    joined(&errs, buf, n);
    return code;
}

static void test_the_course_crd_without_a_schema_is_refused_and_with_one_is_installed(void **state)
{
    (void)state;
    int64_t clock = 0;
    crd_server_t *s = crd_server_new(&clock);
    crd_errs_t errs = {0};
    char buf[1024];
    crd_val_t *bare = yaml(crd_fixture("example-crd")),
              *typed = yaml(crd_fixture("example-crd-schema"));
    assert_int_equal(422, crd_server_define(s, bare, &errs));
    assert_string_equal(
        "spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required",
        joined(&errs, buf, sizeof buf));
    errs.n = 0;
    assert_int_equal(201, crd_server_define(s, typed, &errs));
    crd_val_t *inst = yaml(crd_fixture("example-instance")), *out = NULL;
    char name[32];
    snprintf(name, sizeof name, "example-%u", (unsigned)ug_rand_below(1000));
    crd_set(crd_get(inst, "metadata"), "name", crd_val_str(name));
    crd_set(inst, "unknown", crd_val_int(1));
    assert_int_equal(201, crd_create(s, inst, &out, &errs));
    assert_string_equal("bar", str_at(out, "spec.foo"));
    assert_string_equal(name, str_at(out, "metadata.name"));
    assert_int_equal(0, crd_get(out, "unknown") != NULL);
    assert_int_equal(1, int_at(out, "metadata.generation"));
    assert_string_equal("1", str_at(out, "metadata.resourceVersion"));
    crd_val_free(out);
    crd_val_free(inst);
    crd_val_free(bare);
    crd_val_free(typed);
    crd_server_free(s);
}

static void test_a_non_structural_schema_is_refused_with_the_path_of_each_breach(void **state)
{
    (void)state;
    char f[16], buf[2048], text[512];
    snprintf(f, sizeof f, "f%u", (unsigned)ug_rand_below(100));
    static const struct {
        const char *schema, *want; /* %s: the field's name */
    } cases[] = {
        {"{properties: {spec: {type: object}}}",
         "root.type: Required value: must not be empty at the root"},
        {"{type: array, items: {type: string}}",
         "root.type: Invalid value: \"array\": must be object at the root"},
        {"{type: object, properties: {%s: {minimum: 1}}}",
         "root.properties[%s].type: Required value: must not be empty for specified object fields"},
        {"{type: object, properties: {%s: {type: array, items: {maxLength: 3}}}}",
         "root.properties[%s].items.type: Required value: must not be empty for specified array "
         "items"},
        {"{type: object, properties: {%s: {x-kubernetes-int-or-string: true, "
         "x-kubernetes-preserve-unknown-fields: "
         "true}}}",
         "root.properties[%s].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be "
         "false if "
         "x-kubernetes-int-or-string is true"},
        {"{type: object, properties: {%s: {type: object, properties: {a: {type: string}}, "
         "additionalProperties: {type: string}}}}",
         "root.properties[%s].additionalProperties: Forbidden: additionalProperties and properties "
         "are mutual "
         "exclusive"},
        {"{type: object, properties: {%s: {type: object, additionalProperties: {maxLength: 2}}}}",
         "root.properties[%s].additionalProperties.type: Required value: must not be empty for "
         "specified object "
         "fields"},
    };
    char got[4096] = "", want[4096] = "";
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        crd_errs_t errs = {0};
        snprintf(text, sizeof text, cases[k].schema, f);
        crd_val_t *schema = yaml(text);
        crd_structural(schema, "root", &errs);
        crd_val_free(schema);
        strcat(got, joined(&errs, buf, sizeof buf));
        strcat(got, "\n");
        snprintf(buf, sizeof buf, cases[k].want, f);
        strcat(want, buf);
        strcat(want, "\n");
    }
    assert_string_equal(want, got);
    /* structural ones pass: preserve-unknown-fields stands for a type */
    crd_errs_t errs = {0};
    snprintf(text, sizeof text,
             "{type: object, properties: {%s: {x-kubernetes-preserve-unknown-fields: true}, p: "
             "{x-kubernetes-int-or-string: true}}}",
             f);
    crd_val_t *ok = yaml(text);
    assert_int_equal(0, crd_structural(ok, "root", &errs));
    crd_val_free(ok);
}

static void test_validation_errors_name_the_field_and_the_rule_as_the_apiserver_does(void **state)
{
    (void)state;
    world_t w;
    assert_int_equal(201, widget_world(&w));
    int r = (int)ug_rand_below(50);
    char buf[2048];
    struct {
        char spec[256], want[400];
    } cases[11];
    size_t n = 0;
#define CASE(...) snprintf(cases[n].spec, sizeof cases[n].spec, __VA_ARGS__)
#define WANT(...) (snprintf(cases[n].want, sizeof cases[n].want, __VA_ARGS__), n++)
    CASE("{image: nginx, replicas: %d}", -1 - r);
    WANT("spec.replicas: Invalid value: %d: spec.replicas in body should be greater than or equal "
         "to 0",
         -1 - r);
    CASE("{image: nginx, replicas: %d}", 11 + r);
    WANT("spec.replicas: Invalid value: %d: spec.replicas in body should be less than or equal to "
         "10",
         11 + r);
    CASE("{replicas: %d}", r % 10);
    WANT("spec.image: Required value");
    CASE("{image: nginx, replicas: '%d'}", r);
    WANT("spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: "
         "\"string\"");
    CASE("{image: nginx, tier: tier%d}", r);
    WANT("spec.tier: Unsupported value: \"tier%d\": supported values: \"web\", \"worker\", "
         "\"batch\"",
         r);
    CASE("{image: nginx, tier: %d}", r);
    WANT("spec.tier: Invalid value: \"integer\": spec.tier in body must be of type string: "
         "\"integer\" | "
         "spec.tier: Unsupported value: %d: supported values: \"web\", \"worker\", \"batch\"",
         r);
    CASE("{image: 'Nginx%d'}", r);
    WANT("spec.image: Invalid value: \"Nginx%d\": spec.image in body should match "
         "'^[a-z0-9./-]+(:[A-Za-z0-9._-]+)?$'",
         r);
    CASE("{image: nginx, since: '2024-%02d-1'}", 1 + r % 12);
    WANT("spec.since: Invalid value: \"2024-%02d-1\": spec.since in body must be of type date: "
         "\"2024-%02d-1\"",
         1 + r % 12, 1 + r % 12);
    CASE("{image: nginx, tags: [a, '', b%d]}", r);
    WANT("spec.tags[1]: Invalid value: \"\": spec.tags[1] in body should be at least 1 chars long");
    CASE("{image: nginx, tags: [a, b, c, d, e%d]}", r);
    WANT("spec.tags: Too many: 5: must have at most 4 items");
    CASE("{image: nginx, limits: {cpu: 0}, labels: {k%d: 1}}", r);
    WANT("spec.limits.cpu: Invalid value: 0: spec.limits.cpu in body should be greater than 0 | "
         "spec.labels.k%d: "
         "Invalid value: \"integer\": spec.labels.k%d in body must be of type string: \"integer\"",
         r, r);
    char got_all[8192] = "", want_all[8192] = "";
    int codes = 0;
    for (size_t k = 0; k < n; k++) {
        codes += try_spec(&w, "bad", cases[k].spec, buf, sizeof buf, NULL) == 422;
        strcat(got_all, buf);
        strcat(got_all, "\n");
        strcat(want_all, cases[k].want);
        strcat(want_all, "\n");
    }
    assert_string_equal(want_all, got_all);
    assert_int_equal(n, codes);
    world_free(&w);
}

static void test_int_or_string_and_nullable_accept_their_values_and_refuse_others(void **state)
{
    (void)state;
    world_t w;
    assert_int_equal(201, widget_world(&w));
    char buf[1024], name[32], spec[256];
    int r = (int)ug_rand_below(60000);
    int ok = 0;
    const char *good[] = {"{image: a, port: %d}", "{image: a, port: p%d}",
                          "{image: a, owner: null, replicas: %d}"};
    int vals[] = {r, r, r % 11};
    for (int k = 0; k < 3; k++) {
        snprintf(name, sizeof name, "ok%d", k);
        snprintf(spec, sizeof spec, good[k], vals[k]);
        ok += try_spec(&w, name, spec, buf, sizeof buf, NULL) == 201;
    }
    assert_int_equal(3, ok);
    crd_val_t *first = crd_get_obj(w.s, "ok0"), *second = crd_get_obj(w.s, "ok1");
    assert_int_equal(r, int_at(first, "spec.port"));
    snprintf(spec, sizeof spec, "p%d", r);
    assert_string_equal(spec, str_at(second, "spec.port"));
    crd_val_free(first);
    crd_val_free(second);
    snprintf(spec, sizeof spec, "{image: a, port: %d.5}", r);
    assert_int_equal(422, try_spec(&w, "bad1", spec, buf, sizeof buf, NULL));
    assert_string_equal(
        "spec.port: Invalid value: \"number\": spec.port in body must be of type int-or-string: "
        "\"number\"",
        buf);
    assert_int_equal(422, try_spec(&w, "bad2", "{image: null}", buf, sizeof buf, NULL));
    assert_string_equal(
        "spec.image: Invalid value: \"null\": spec.image in body must be of type string: \"null\"",
        buf);
    world_free(&w);
}

static void test_pattern_is_perl_syntax_and_lengths_count_characters(void **state)
{
    (void)state;
    crd_val_t *schema = yaml(
        "{type: object, properties: {code: {type: string, pattern: '^(?!x)\\d{3}-\\w+$'}, "
        "word: {type: string, maxLength: 3}}}");
    char text[128], buf[1024];
    unsigned d = 100 + (unsigned)ug_rand_below(900);
    snprintf(text, sizeof text, "{code: '%u-ab', word: 'été'}", d);
    crd_val_t *good = yaml(text);
    crd_errs_t errs = {0};
    assert_int_equal(0, crd_validate(schema, good, &errs));
    snprintf(text, sizeof text, "{code: 'x%u-ab', word: 'étés'}", d);
    crd_val_t *bad = yaml(text);
    assert_int_equal(2, crd_validate(schema, bad, &errs));
    char want[512];
    snprintf(want, sizeof want,
             "code: Invalid value: \"x%u-ab\": code in body should match '^(?!x)\\d{3}-\\w+$' | "
             "word: Invalid "
             "value: \"étés\": word in body should be at most 3 chars long",
             d);
    assert_string_equal(want, joined(&errs, buf, sizeof buf));
    crd_val_free(good);
    crd_val_free(bad);
    crd_val_free(schema);
}

static void test_unknown_fields_are_pruned_except_under_preserve_unknown_fields(void **state)
{
    (void)state;
    world_t w;
    assert_int_equal(201, widget_world(&w));
    char spec[256], buf[1024], json[1024];
    unsigned r = (unsigned)ug_rand_below(1000);
    snprintf(spec, sizeof spec,
             "{image: a, junk%u: 1, extra: {anything: {deep: %u}}, limits: {cpu: 2, gpu: %u}, "
             "labels: {x: y}}",
             r, r, r);
    crd_val_t *out = NULL;
    assert_int_equal(201, try_spec(&w, "p", spec, buf, sizeof buf, &out));
    crd_json(crd_get(out, "spec"), json, sizeof json);
    char want[512];
    snprintf(want, sizeof want,
             "{\"image\":\"a\",\"extra\":{\"anything\":{\"deep\":%u}},\"limits\":{\"cpu\":2},"
             "\"labels\":{\"x\":\"y\"},"
             "\"replicas\":1,\"tier\":\"web\"}",
             r);
    assert_string_equal(want, json);
    /* v1beta1 preserves everything under spec; the object is stored as v1 */
    char text[256];
    snprintf(text, sizeof text,
             "apiVersion: undergo.dev/v1beta1\nkind: Widget\nmetadata: {name: q}\nspec: {image: a, "
             "junk: %u}\n"
             "top%u: 1\n",
             r, r);
    crd_val_t *obj = yaml(text), *out2 = NULL;
    crd_errs_t errs = {0};
    assert_int_equal(201, crd_create(w.s, obj, &out2, &errs));
    crd_json(out2, json, sizeof json);
    snprintf(want, sizeof want,
             "{\"apiVersion\":\"undergo.dev/"
             "v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"q\",\"generation\":1,"
             "\"resourceVersion\":\"2\"},\"spec\":{\"image\":\"a\",\"junk\":%u}}",
             r);
    assert_string_equal(want, json);
    crd_val_free(obj);
    crd_val_free(out2);
    crd_val_free(out);
    world_free(&w);
}

static void test_defaults_fill_absent_fields_at_every_present_depth(void **state)
{
    (void)state;
    world_t w;
    assert_int_equal(201, widget_world(&w));
    char spec[256], buf[1024], json[1024];
    unsigned r = 1 + (unsigned)ug_rand_below(9);
    crd_val_t *out = NULL;
    /* absent: replicas, tier and limits (whose own default then fills cpu) */
    assert_int_equal(201, try_spec(&w, "d1", "{image: a}", buf, sizeof buf, &out));
    crd_json(crd_get(out, "spec"), json, sizeof json);
    assert_string_equal(
        "{\"image\":\"a\",\"replicas\":1,\"tier\":\"web\",\"limits\":{\"cpu\":0.5}}", json);
    crd_val_free(out);
    /* present values win; a present object still gets its fields' defaults */
    snprintf(spec, sizeof spec, "{image: a, replicas: %u, tier: batch, limits: {memory: %uMi}}", r,
             r);
    assert_int_equal(201, try_spec(&w, "d2", spec, buf, sizeof buf, &out));
    crd_json(crd_get(out, "spec"), json, sizeof json);
    char want[256];
    snprintf(want, sizeof want,
             "{\"image\":\"a\",\"replicas\":%u,\"tier\":\"batch\",\"limits\":{\"memory\":\"%uMi\","
             "\"cpu\":0.5}}",
             r, r);
    assert_string_equal(want, json);
    crd_val_free(out);
    /* a default is not validated away: an explicit bad value still fails */
    assert_int_equal(422,
                     try_spec(&w, "d3", "{image: a, limits: {cpu: -1}}", buf, sizeof buf, NULL));
    world_free(&w);
}

UG_TEST_GROUP(
    schema, NULL, NULL,
    cmocka_unit_test(test_the_course_crd_without_a_schema_is_refused_and_with_one_is_installed),
    cmocka_unit_test(test_a_non_structural_schema_is_refused_with_the_path_of_each_breach),
    cmocka_unit_test(test_validation_errors_name_the_field_and_the_rule_as_the_apiserver_does),
    cmocka_unit_test(test_int_or_string_and_nullable_accept_their_values_and_refuse_others),
    cmocka_unit_test(test_pattern_is_perl_syntax_and_lengths_count_characters),
    cmocka_unit_test(test_unknown_fields_are_pruned_except_under_preserve_unknown_fields),
    cmocka_unit_test(test_defaults_fill_absent_fields_at_every_present_depth));
