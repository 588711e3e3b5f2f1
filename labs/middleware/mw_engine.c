/*
 * mw_engine.c — the engine: groups and their chains, one tree per method,
 * and what a request gets when no route matches.
 *
 * A group's chain is copied when the group or a route is made from it, so
 * a later Use() reaches only what is made after it (Gin's combineHandlers).
 * The 404/405 path runs the engine group's chain as it is when the request
 * arrives (Gin rebuilds allNoRoute on every engine Use()).
 *
 * Interface: mw_engine_new → mw_group / mw_use / mw_handle → mw_serve /
 * mw_lookup → mw_engine_free.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mw_internal.h"

mw_options_t mw_options_default(void)
{
    return (mw_options_t){.redirect_trailing_slash = true, .handle_method_not_allowed = false};
}

#if LAB_SOLUTION

int mw_engine_new(const mw_options_t *opt, mw_engine_t **out)
{
    mw_engine_t *e = calloc(1, sizeof *e);
    if (!e || !(e->root.base = strdup("/"))) {
        free(e);
        return -ENOMEM;
    }
    e->opt = opt ? *opt : mw_options_default();
    e->root.engine = e;
    *out = e;
    return 0;
}

void mw_engine_free(mw_engine_t *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->ntrees; i++) {
        mw__tree_free(e->trees[i].root);
        free(e->trees[i].method);
    }
    for (mw_group_t *g = e->root.next_owned, *next; g; g = next) {
        next = g->next_owned;
        free(g->base);
        free(g->handlers);
        free(g);
    }
    free(e->root.base);
    free(e->root.handlers);
    free(e);
}

mw_group_t *mw_engine_group(mw_engine_t *e)
{
    return &e->root;
}

/* base joined with rel, as Gin's joinPaths: one '/' between them, and a
 * trailing '/' of rel kept. */
static char *join_paths(const char *base, const char *rel)
{
    if (!*rel)
        return strdup(base);
    size_t bl = strlen(base);
    while (bl > 0 && base[bl - 1] == '/')
        bl--;
    size_t rl = strlen(rel);
    char *s = malloc(bl + 1 + rl + 1);
    if (!s)
        return NULL;
    memcpy(s, base, bl);
    size_t at = bl;
    if (rel[0] != '/')
        s[at++] = '/';
    memcpy(s + at, rel, rl + 1);
    return s;
}

int mw_group(mw_group_t *parent, const char *rel, const mw_handler_t *handlers, size_t n,
             mw_group_t **out)
{
    mw_group_t *g = calloc(1, sizeof *g);
    if (!g)
        return -ENOMEM;
    int rc = mw__chain_join(parent->handlers, parent->nhandlers, handlers, n, &g->handlers);
    if (rc == 0 && !(g->base = join_paths(parent->base, rel)))
        rc = -ENOMEM;
    if (rc) {
        free(g->handlers);
        free(g);
        return rc;
    }
    g->nhandlers = parent->nhandlers + n;
    g->engine = parent->engine;
    g->next_owned = g->engine->root.next_owned;
    g->engine->root.next_owned = g;
    *out = g;
    return 0;
}

int mw_use(mw_group_t *g, const mw_handler_t *handlers, size_t n)
{
    mw_handler_t *h;
    int rc = mw__chain_join(g->handlers, g->nhandlers, handlers, n, &h);
    if (rc)
        return rc;
    free(g->handlers);
    g->handlers = h;
    g->nhandlers += n;
    return 0;
}

static mw_tree_t *tree_of(const mw_engine_t *e, const char *method)
{
    for (size_t i = 0; i < e->ntrees; i++)
        if (strcmp(e->trees[i].method, method) == 0)
            return (mw_tree_t *)&e->trees[i];
    return NULL;
}

static int tree_add(mw_engine_t *e, const char *method, mw_tree_t **out)
{
    if (e->ntrees == sizeof e->trees / sizeof e->trees[0])
        return -ENOSPC;
    mw_tree_t *t = &e->trees[e->ntrees];
    t->method = strdup(method);
    t->root = calloc(1, sizeof *t->root);
    if (!t->method || !t->root) {
        free(t->method);
        free(t->root);
        return -ENOMEM;
    }
    e->ntrees++;
    *out = t;
    return 0;
}

int mw_handle(mw_group_t *g, const char *method, const char *rel, const mw_handler_t *handlers,
              size_t n)
{
    if (!method || !*method || n == 0)
        return -EINVAL;
    mw_handler_t *chain;
    int rc = mw__chain_join(g->handlers, g->nhandlers, handlers, n, &chain);
    if (rc)
        return rc;
    char *path = join_paths(g->base, rel);
    mw_tree_t *t = tree_of(g->engine, method);
    if (!path)
        rc = -ENOMEM;
    else if (path[0] != '/')
        rc = -EINVAL;
    else if (!t)
        rc = tree_add(g->engine, method, &t);
    if (rc == 0)
        rc = mw__tree_insert(t->root, path, chain, g->nhandlers + n);
    free(path);
    free(chain);
    return rc;
}

/* ---- requests ---------------------------------------------------------------------- */

static const mw_node_t *match(const mw_tree_t *t, const char *path, size_t len, mw_ctx_t *c)
{
    c->nparams = 0;
    const mw_node_t *n = mw__tree_find(t->root, path, len, c);
    if (!n)
        c->nparams = 0;
    return n;
}

int mw_lookup(const mw_engine_t *e, const char *method, const char *path, size_t len, mw_ctx_t *c)
{
    const mw_tree_t *t = tree_of(e, method);
    const mw_node_t *n = t ? match(t, path, len, c) : NULL;
    if (!n)
        return -ENOENT;
    c->handlers = n->handlers;
    c->nhandlers = n->nhandlers;
    c->full_path = n->full_path;
    return 0;
}

/* Whether path with its trailing '/' added or removed has a route in t;
 * if so, writes that path to c->location. */
static bool trailing_slash(const mw_tree_t *t, const char *path, size_t len, mw_ctx_t *c)
{
    if (len >= MW_PATH_MAX)
        return false;
    char alt[MW_PATH_MAX + 1];
    size_t alen = len;
    memcpy(alt, path, len);
    if (path[len - 1] == '/')
        alen--;
    else
        alt[alen++] = '/';
    alt[alen] = '\0';
    mw_ctx_t scratch;
    scratch.nparams = 0;
    if (!mw__tree_find(t->root, alt, alen, &scratch))
        return false;
    memcpy(c->location, alt, alen + 1);
    return true;
}

/* Appends every other method that has path to c->allow; true if any. */
static bool allowed(const mw_engine_t *e, const char *method, const char *path, size_t len,
                    mw_ctx_t *c)
{
    size_t at = 0;
    for (size_t i = 0; i < e->ntrees; i++) {
        const mw_tree_t *t = &e->trees[i];
        mw_ctx_t scratch;
        scratch.nparams = 0;
        if (strcmp(t->method, method) == 0 || !mw__tree_find(t->root, path, len, &scratch))
            continue;
        int w = snprintf(c->allow + at, sizeof c->allow - at, "%s%s", at ? ", " : "", t->method);
        if (w > 0 && (size_t)w < sizeof c->allow - at)
            at += (size_t)w;
    }
    return at > 0;
}

/* 404 or 405: the engine group's chain runs with the status set; the
 * default body is written only if no handler wrote anything. */
static int serve_error(mw_engine_t *e, mw_ctx_t *c, int code, const char *body)
{
    c->status = code;
    if (e->root.nhandlers)
        mw_ctx_run(c, e->root.handlers, e->root.nhandlers);
    if (!c->written && c->status == code)
        mw_string(c, code, body);
    c->written = true;
    return c->status;
}

int mw_serve(mw_engine_t *e, mw_ctx_t *c, const char *method, const char *path)
{
    mw_ctx_init(c, c->user);
    size_t len = strlen(path);
    if (len == 0 || path[0] != '/')
        return -EINVAL;
    const mw_tree_t *t = tree_of(e, method);
    if (t) {
        const mw_node_t *n = match(t, path, len, c);
        if (n) {
            c->full_path = n->full_path;
            mw_ctx_run(c, n->handlers, n->nhandlers);
            c->written = true;
            return c->status;
        }
        if (strcmp(method, "CONNECT") != 0 && len > 1 && e->opt.redirect_trailing_slash &&
            trailing_slash(t, path, len, c)) {
            c->status = strcmp(method, "GET") == 0 ? 301 : 307;
            c->written = true;
            return c->status;
        }
    }
    if (e->opt.handle_method_not_allowed && allowed(e, method, path, len, c))
        return serve_error(e, c, 405, "405 method not allowed");
    return serve_error(e, c, 404, "404 page not found");
}

#else

int mw_engine_new(const mw_options_t *opt, mw_engine_t **out)
{
    (void)opt;
    *out = NULL;
    return -ENOSYS;
}

void mw_engine_free(mw_engine_t *e)
{
    (void)e;
}

mw_group_t *mw_engine_group(mw_engine_t *e)
{
    (void)e;
    return NULL;
}

int mw_group(mw_group_t *parent, const char *rel, const mw_handler_t *handlers, size_t n,
             mw_group_t **out)
{
    (void)parent, (void)rel, (void)handlers, (void)n;
    *out = NULL;
    return -ENOSYS;
}

int mw_use(mw_group_t *g, const mw_handler_t *handlers, size_t n)
{
    (void)g, (void)handlers, (void)n;
    return -ENOSYS;
}

int mw_handle(mw_group_t *g, const char *method, const char *rel, const mw_handler_t *handlers,
              size_t n)
{
    (void)g, (void)method, (void)rel, (void)handlers, (void)n;
    return -ENOSYS;
}

int mw_lookup(const mw_engine_t *e, const char *method, const char *path, size_t len, mw_ctx_t *c)
{
    (void)e, (void)method, (void)path, (void)len, (void)c;
    return -ENOSYS;
}

int mw_serve(mw_engine_t *e, mw_ctx_t *c, const char *method, const char *path)
{
    (void)e, (void)c, (void)method, (void)path;
    return -ENOSYS;
}

#endif
