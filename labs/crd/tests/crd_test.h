/*
 * crd_test.h — what the crd tests share: fixtures parsed from YAML, a server
 * with the Widget CRD installed, and small builders.
 *
 * Interface: yaml(text) → a value (the test fails on a parse error);
 * widget_world(&w) → w.s with the Widget CRD; widget(name, replicas).
 */
#ifndef CRD_TEST_H
#define CRD_TEST_H

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <undergo/labtest.h>

#include "crd.h"

static inline crd_val_t *yaml(const char *text)
{
    crd_val_t *v = NULL;
    char err[128];
    int rc = crd_yaml_parse(text, &v, err, sizeof err);
    if (rc != 0)
        fail_msg("fixture does not parse: %s", err);
    return v;
}

typedef struct world {
    int64_t clock;
    crd_server_t *s;
    crd_val_t *crd;
} world_t;

/* A server with the Widget CRD; the clock starts at a seeded second. */
static inline int widget_world(world_t *w)
{
    crd_errs_t errs = {0};
    w->clock = (int64_t)(1700000000 + ug_rand_below(1000)) * 1000000000LL;
    w->s = crd_server_new(&w->clock);
    w->crd = yaml(crd_fixture("widget-crd"));
    return w->s ? crd_server_define(w->s, w->crd, &errs) : -1;
}

static inline void world_free(world_t *w)
{
    crd_server_free(w->s);
    crd_val_free(w->crd);
}

/* A v1 Widget named name with spec.image and spec.replicas. */
static inline crd_val_t *widget(const char *name, int replicas)
{
    char text[256];
    snprintf(text, sizeof text,
             "apiVersion: undergo.dev/v1\nkind: Widget\nmetadata: {name: %s}\n"
             "spec: {image: 'nginx:1.25', replicas: %d}\n",
             name, replicas);
    return yaml(text);
}

static inline int64_t int_at(const crd_val_t *v, const char *path)
{
    const crd_val_t *x = crd_at(v, path);
    return x && x->kind == CRD_INT ? x->i : -999;
}

static inline const char *str_at(const crd_val_t *v, const char *path)
{
    const char *s = crd_str_at(v, path);
    return s ? s : "(none)";
}

/* The errors joined by " | " (so a test checks all of them at once). */
static inline const char *joined(const crd_errs_t *e, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < e->n && k < CRD_MAX_ERRS; k++)
        used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%s", k ? " | " : "",
                                 e->msg[k]);
    return buf;
}

#endif
