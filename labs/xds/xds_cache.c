/*
 * xds_cache.c — the snapshot cache: one consistent snapshot per node.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xds_internal.h"

#if LAB_SOLUTION

int xds_cache_new(bool ads, xds_cache_t **out)
{
    xds_cache_t *c = calloc(1, sizeof *c);
    if (!c)
        return -ENOMEM;
    c->ads = ads;
    *out = c;
    return 0;
}

void xds_cache_free(xds_cache_t *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->nnodes; i++)
        free(c->nodes[i]);
    free(c->nodes);
    free(c);
}

int xds__snap_find(const xds_snapshot_t *s, xds_type_t t, const char *name)
{
    for (int i = 0; i < s->n[t]; i++)
        if (strcmp(s->res[t][i].name, name) == 0)
            return i;
    return -1;
}

const xds_snapshot_t *xds__cache_lookup(const xds_cache_t *c, const char *node)
{
    for (int i = 0; i < c->nnodes; i++)
        if (strcmp(c->nodes[i]->name, node) == 0)
            return &c->nodes[i]->snap;
    return NULL;
}

/* Names unique, every reference inside the snapshot. Whether a body is
 * valid is the data plane's to judge (it NACKs), as Envoy's is. */
static int consistent(const xds_snapshot_t *s)
{
    for (int t = 0; t < XDS_NTYPES; t++) {
        if (s->n[t] < 0 || s->n[t] > XDS_MAX_RES)
            return -EINVAL;
        for (int i = 0; i < s->n[t]; i++) {
            const xds_resource_t *r = &s->res[t][i];
            if (!r->name[0] || xds__snap_find(s, t, r->name) != i)
                return -EINVAL;
            static const struct {
                xds_type_t from, to;
            } refs[] = {{XDS_CDS, XDS_EDS}, {XDS_LDS, XDS_RDS}, {XDS_LDS, XDS_SDS}};
            for (size_t k = 0; k < sizeof refs / sizeof refs[0]; k++) {
                char name[XDS_NAME];
                if ((int)refs[k].from != t)
                    continue;
                if (xds_resource_ref(t, r->body, refs[k].to, name, sizeof name))
                    return -EINVAL;
                if (name[0] && xds__snap_find(s, refs[k].to, name) < 0)
                    return -EINVAL;
            }
        }
    }
    return 0;
}

int xds_cache_set_snapshot(xds_cache_t *c, const char *node, const xds_snapshot_t *s)
{
    if (!node || !*node || consistent(s))
        return -EINVAL;
    for (int i = 0; i < c->nnodes; i++)
        if (strcmp(c->nodes[i]->name, node) == 0) {
            c->nodes[i]->snap = *s;
            return 0;
        }
    if (c->nnodes == c->cap) {
        int cap = c->cap ? 2 * c->cap : 4;
        xds_node_t **n = realloc(c->nodes, (size_t)cap * sizeof *n);
        if (!n)
            return -ENOMEM;
        c->nodes = n;
        c->cap = cap;
    }
    xds_node_t *n = calloc(1, sizeof *n);
    if (!n)
        return -ENOMEM;
    xds_name_copy(n->name, node);
    n->snap = *s;
    c->nodes[c->nnodes++] = n;
    return 0;
}

int xds_cache_get_snapshot(const xds_cache_t *c, const char *node, xds_snapshot_t *out)
{
    const xds_snapshot_t *s = xds__cache_lookup(c, node);
    if (!s)
        return -ENOENT;
    *out = *s;
    return 0;
}

#else

int xds_cache_new(bool ads, xds_cache_t **out)
{
    (void)ads;
    *out = NULL;
    return -ENOSYS;
}
void xds_cache_free(xds_cache_t *c)
{
    (void)c;
}
const xds_snapshot_t *xds__cache_lookup(const xds_cache_t *c, const char *node)
{
    (void)c;
    (void)node;
    return NULL;
}
int xds__snap_find(const xds_snapshot_t *s, xds_type_t t, const char *name)
{
    (void)s;
    (void)t;
    (void)name;
    return -1;
}
int xds_cache_set_snapshot(xds_cache_t *c, const char *node, const xds_snapshot_t *s)
{
    (void)c;
    (void)node;
    (void)s;
    return -ENOSYS;
}
int xds_cache_get_snapshot(const xds_cache_t *c, const char *node, xds_snapshot_t *out)
{
    (void)c;
    (void)node;
    (void)out;
    return -ENOSYS;
}

#endif
