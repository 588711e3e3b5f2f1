/*
 * crd_fixtures.c — the lab's YAML fixtures, shared by tests, demos and the
 * benchmark: the Widget CRD (two versions, v1 stored, with a status
 * subresource and a schema that uses every rule of the lab), a Widget, and
 * the course's Example CRD and instance as the course text has them (its
 * CRD has no schema, which apiextensions.k8s.io/v1 refuses) and with one.
 *
 * Interface: crd_fixture(name) → YAML text, or NULL.
 */
#include <string.h>

#include "../crd.h"

static const char widget_crd[] =
    "apiVersion: apiextensions.k8s.io/v1\n"
    "kind: CustomResourceDefinition\n"
    "metadata:\n"
    "  name: widgets.undergo.dev\n"
    "spec:\n"
    "  group: undergo.dev\n"
    "  scope: Namespaced\n"
    "  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}\n"
    "  versions:\n"
    "    - name: v1beta1\n"
    "      served: true\n"
    "      storage: false\n"
    "      schema:\n"
    "        openAPIV3Schema:\n"
    "          type: object\n"
    "          properties:\n"
    "            spec:\n"
    "              type: object\n"
    "              x-kubernetes-preserve-unknown-fields: true\n"
    "            status:\n"
    "              type: object\n"
    "              x-kubernetes-preserve-unknown-fields: true\n"
    "    - name: v1\n"
    "      served: true\n"
    "      storage: true\n"
    "      subresources:\n"
    "        status: {}\n"
    "      schema:\n"
    "        openAPIV3Schema:\n"
    "          type: object\n"
    "          properties:\n"
    "            spec:\n"
    "              type: object\n"
    "              required: [image]\n"
    "              properties:\n"
    "                image: {type: string, maxLength: 64, pattern: "
    "'^[a-z0-9./-]+(:[A-Za-z0-9._-]+)?$'}\n"
    "                replicas: {type: integer, minimum: 0, maximum: 10, default: 1}\n"
    "                tier: {type: string, enum: [web, worker, batch], default: web}\n"
    "                port: {x-kubernetes-int-or-string: true}\n"
    "                since: {type: string, format: date}\n"
    "                owner: {type: string, nullable: true, minLength: 1}\n"
    "                tags:\n"
    "                  type: array\n"
    "                  maxItems: 4\n"
    "                  items: {type: string, minLength: 1}\n"
    "                labels:\n"
    "                  type: object\n"
    "                  additionalProperties: {type: string, maxLength: 16}\n"
    "                extra:\n"
    "                  type: object\n"
    "                  x-kubernetes-preserve-unknown-fields: true\n"
    "                limits:\n"
    "                  type: object\n"
    "                  default: {}\n"
    "                  properties:\n"
    "                    cpu: {type: number, minimum: 0, exclusiveMinimum: true, default: 0.5}\n"
    "                    memory: {type: string}\n"
    "            status:\n"
    "              type: object\n"
    "              properties:\n"
    "                readyReplicas: {type: integer, minimum: 0}\n"
    "                observedGeneration: {type: integer}\n";

static const char widget[] = "apiVersion: undergo.dev/v1\n"
                             "kind: Widget\n"
                             "metadata:\n"
                             "  name: front\n"
                             "spec:\n"
                             "  image: nginx:1.25\n"
                             "  replicas: 3\n"
                             "  port: http\n"
                             "  tags: [edge, public]\n"
                             "  labels: {team: web}\n"
                             "  since: 2024-05-01\n";

/* The course's CRD, field for field in our own layout: no schema. */
static const char example_crd[] = "apiVersion: apiextensions.k8s.io/v1\n"
                                  "kind: CustomResourceDefinition\n"
                                  "metadata:\n"
                                  "  name: examples.example.com\n"
                                  "spec:\n"
                                  "  group: example.com\n"
                                  "  scope: Namespaced\n"
                                  "  names:\n"
                                  "    kind: Example\n"
                                  "    plural: examples\n"
                                  "    singular: example\n"
                                  "    shortNames: [ex]\n"
                                  "  versions:\n"
                                  "    - {name: v1, served: true, storage: true}\n";

/* The same CRD with the schema v1 asks for: spec.foo is a string. */
static const char example_crd_schema[] =
    "apiVersion: apiextensions.k8s.io/v1\n"
    "kind: CustomResourceDefinition\n"
    "metadata:\n"
    "  name: examples.example.com\n"
    "spec:\n"
    "  group: example.com\n"
    "  scope: Namespaced\n"
    "  names: {kind: Example, plural: examples, singular: example}\n"
    "  versions:\n"
    "    - name: v1\n"
    "      served: true\n"
    "      storage: true\n"
    "      schema:\n"
    "        openAPIV3Schema:\n"
    "          type: object\n"
    "          properties:\n"
    "            spec:\n"
    "              type: object\n"
    "              properties:\n"
    "                foo: {type: string}\n";

static const char example[] = "apiVersion: example.com/v1\n"
                              "kind: Example\n"
                              "metadata:\n"
                              "  name: example-instance\n"
                              "spec:\n"
                              "  foo: \"bar\"\n";

const char *crd_fixture(const char *name)
{
    static const struct {
        const char *name, *text;
    } all[] = {{"widget-crd", widget_crd},
               {"widget", widget},
               {"example-crd", example_crd},
               {"example-crd-schema", example_crd_schema},
               {"example-instance", example}};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        if (!strcmp(all[k].name, name))
            return all[k].text;
    return NULL;
}
