/*
 * mw_tree.c — the radix tree of one method's routes.
 *
 * Insertion walks the static bytes the route shares with the tree,
 * splitting a node where the route leaves its prefix, and creates nodes for
 * what is new. Wildcards hang off the node whose prefix ends in the '/'
 * before them; the conflicts are decided there: one `:name` per place (the
 * same name to share it), and a `*name` owns its place alone.
 *
 * Lookup tries, at every node, the static child for the next byte, then
 * the param child, then the catch-all; a branch that finds nothing gives
 * its parameters back and the next one is tried (so /users/new/x can still
 * match /users/:id/x). It recurses at most once per node on the path and
 * never allocates.
 *
 * Interface: mw__tree_insert, mw__tree_find, mw__tree_free.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mw_internal.h"

#if LAB_SOLUTION

/* ---- the pattern ----------------------------------------------------------------- */

/* Checks every wildcard of path; counts them. 0, -EINVAL or -E2BIG. */
static int pattern_check(const char *path)
{
    size_t nwild = 0;
    if (path[0] != '/')
        return -EINVAL;
    for (const char *p = path; *p; p++) {
        if (*p != ':' && *p != '*')
            continue;
        if (p[-1] != '/')
            return -EINVAL;
        size_t len = strcspn(p + 1, "/");
        if (len == 0 || memchr(p + 1, ':', len) || memchr(p + 1, '*', len))
            return -EINVAL;
        if (*p == '*' && p[1 + len] != '\0')
            return -EINVAL;
        nwild++;
        p += len;
    }
    return nwild > MW_MAX_PARAMS ? -E2BIG : 0;
}

/* ---- nodes ------------------------------------------------------------------------- */

static mw_node_t *node_new(enum mw_kind kind, const char *s, size_t len)
{
    mw_node_t *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    char *copy = malloc(len + 1);
    if (!copy) {
        free(n);
        return NULL;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    if (kind == MW_STATIC) {
        n->prefix = copy;
        n->plen = len;
    } else {
        n->name = copy;
    }
    return n;
}

/* Adds child c to n's static children. */
static int add_child(mw_node_t *n, mw_node_t *c)
{
    char *idx = realloc(n->indices, n->nchild + 1);
    if (!idx)
        return -ENOMEM;
    n->indices = idx;
    mw_node_t **ch = realloc(n->child, (n->nchild + 1) * sizeof *ch);
    if (!ch)
        return -ENOMEM;
    n->child = ch;
    idx[n->nchild] = c->prefix[0];
    ch[n->nchild++] = c;
    return 0;
}

/* Splits n after k bytes of its prefix: the tail and everything n held
 * move to a new child, so the tree means what it meant before. */
static int split(mw_node_t *n, size_t k)
{
    mw_node_t *tail = node_new(MW_STATIC, n->prefix + k, n->plen - k);
    if (!tail)
        return -ENOMEM;
    tail->indices = n->indices;
    tail->child = n->child;
    tail->nchild = n->nchild;
    tail->param = n->param;
    tail->catchall = n->catchall;
    tail->handlers = n->handlers;
    tail->nhandlers = n->nhandlers;
    tail->full_path = n->full_path;
    tail->priority = n->priority;
    n->indices = NULL;
    n->child = NULL;
    n->nchild = 0;
    n->param = n->catchall = NULL;
    n->handlers = NULL;
    n->nhandlers = 0;
    n->full_path = NULL;
    n->plen = k;
    n->prefix[k] = '\0';
    return add_child(n, tail);
}

/* Counts one more route through child c of n and moves c ahead of the
 * siblings with fewer (Gin's incrementChildPrio). */
static void promote(mw_node_t *n, mw_node_t *c)
{
    size_t i = 0;
    c->priority++;
    while (n->child[i] != c)
        i++;
    for (; i > 0 && n->child[i - 1]->priority < c->priority; i--) {
        n->child[i] = n->child[i - 1];
        n->child[i - 1] = c;
        char b = n->indices[i];
        n->indices[i] = n->indices[i - 1];
        n->indices[i - 1] = b;
    }
}

static mw_node_t *static_child(const mw_node_t *n, char c)
{
    for (size_t i = 0; i < n->nchild; i++)
        if (n->indices[i] == c)
            return n->child[i];
    return NULL;
}

/* Makes n the end of route path. */
static int set_route(mw_node_t *n, const char *path, const mw_handler_t *h, size_t cnt)
{
    if (n->handlers)
        return -EEXIST;
    if (n->catchall)
        return -EBUSY;
    mw_handler_t *copy = malloc(cnt * sizeof *copy);
    char *full = strdup(path);
    if (!copy || !full) {
        free(copy);
        free(full);
        return -ENOMEM;
    }
    memcpy(copy, h, cnt * sizeof *copy);
    n->handlers = copy;
    n->nhandlers = cnt;
    n->full_path = full;
    return 0;
}

/* The wildcard at p (':' or '*') under n; *next is where the walk goes on. */
static int wildcard(mw_node_t *n, const char *p, mw_node_t **next)
{
    size_t len = strcspn(p + 1, "/");
    if (*p == ':') {
        if (n->catchall)
            return -EBUSY;
        if (n->param) {
            if (strlen(n->param->name) != len || memcmp(n->param->name, p + 1, len) != 0)
                return -EBUSY;
        } else if (!(n->param = node_new(MW_PARAM, p + 1, len))) {
            return -ENOMEM;
        }
        *next = n->param;
        return 0;
    }
    if (n->catchall) {
        if (strcmp(n->catchall->name, p + 1) != 0)
            return -EBUSY;
        *next = n->catchall;
        return 0;
    }
    if (n->nchild || n->param || n->handlers)
        return -EBUSY;
    if (!(n->catchall = node_new(MW_CATCHALL, p + 1, len)))
        return -ENOMEM;
    *next = n->catchall;
    return 0;
}

int mw__tree_insert(mw_node_t *root, const char *path, const mw_handler_t *h, size_t cnt)
{
    int rc = pattern_check(path);
    if (rc)
        return rc;
    if (root->plen == 0 && root->nchild == 0 && !root->param && !root->catchall &&
        !root->handlers) {
        /* An empty tree: the root takes the route's first static run. */
        size_t len = strcspn(path, ":*");
        char *pre = malloc(len + 1);
        if (!pre)
            return -ENOMEM;
        memcpy(pre, path, len);
        pre[len] = '\0';
        free(root->prefix);
        root->prefix = pre;
        root->plen = len;
    }
    mw_node_t *n = root;
    const char *p = path;
    for (;;) {
        size_t k = 0;
        while (k < n->plen && p[k] == n->prefix[k])
            k++;
        if (k < n->plen && (rc = split(n, k)))
            return rc;
        p += k;
        if (*p == '\0')
            return set_route(n, path, h, cnt);
        if (n->kind == MW_CATCHALL)
            return -EBUSY;
        if (*p == ':' || *p == '*') {
            if (n->kind != MW_STATIC || p[-1] != '/')
                return -EINVAL;
            if ((rc = wildcard(n, p, &n)))
                return rc;
            p += 1 + strcspn(p + 1, "/");
            if (*p == '\0')
                return set_route(n, path, h, cnt);
            /* A param's continuation: the static child for '/'. */
        }
        if (n->catchall)
            return -EBUSY;
        mw_node_t *c = static_child(n, *p);
        if (!c) {
            if (!(c = node_new(MW_STATIC, p, strcspn(p, ":*"))))
                return -ENOMEM;
            if ((rc = add_child(n, c))) {
                mw__tree_free(c);
                return rc;
            }
        }
        promote(n, c);
        n = c;
    }
}

/* ---- lookup ------------------------------------------------------------------------ */

/* Whether path[0..len) starts with n's prefix. Prefixes are short: a
 * byte loop beats a call to memcmp. */
static inline bool has_prefix(const mw_node_t *n, const char *path, size_t len)
{
    if (len < n->plen)
        return false;
    for (size_t i = 0; i < n->plen; i++)
        if (path[i] != n->prefix[i])
            return false;
    return true;
}

/* Below node n, whose bytes were all consumed: path[0..len) is the rest.
 * Walks static children in a loop; it recurses only into the static child
 * of a node that also has wildcards, the one place a dead end must come
 * back to try them. */
static const mw_node_t *find_below(const mw_node_t *n, const char *path, size_t len, mw_ctx_t *c)
{
    for (;;) {
        if (len == 0 && n->handlers)
            return n;
        const mw_node_t *s = len > 0 ? static_child(n, path[0]) : NULL;
        if (!s || !has_prefix(s, path, len))
            break;
        if (!n->param && !n->catchall) {
            path += s->plen;
            len -= s->plen;
            n = s;
            continue;
        }
        const mw_node_t *r = find_below(s, path + s->plen, len - s->plen, c);
        if (r)
            return r;
        break;
    }
    if (n->kind != MW_STATIC || n->plen == 0 || n->prefix[n->plen - 1] != '/')
        return NULL;
    size_t saved = c->nparams;
    if (n->param && len > 0 && c->nparams < MW_MAX_PARAMS) {
        size_t seg = 0; /* segments are short: a loop beats memchr's call */
        while (seg < len && path[seg] != '/')
            seg++;
        if (seg > 0) {
            c->params[c->nparams++] = (mw_param_t){n->param->name, path, seg};
            const mw_node_t *r = find_below(n->param, path + seg, len - seg, c);
            if (r)
                return r;
            c->nparams = saved;
        }
    }
    if (n->catchall && c->nparams < MW_MAX_PARAMS) {
        /* The value keeps the '/' that ends n's prefix, as Gin's does. */
        c->params[c->nparams++] = (mw_param_t){n->catchall->name, path - 1, len + 1};
        return n->catchall;
    }
    return NULL;
}

const mw_node_t *mw__tree_find(const mw_node_t *root, const char *path, size_t len, mw_ctx_t *c)
{
    if (!has_prefix(root, path, len))
        return NULL;
    return find_below(root, path + root->plen, len - root->plen, c);
}

void mw__tree_free(mw_node_t *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nchild; i++)
        mw__tree_free(n->child[i]);
    mw__tree_free(n->param);
    mw__tree_free(n->catchall);
    free(n->child);
    free(n->indices);
    free(n->prefix);
    free(n->name);
    free(n->handlers);
    free(n->full_path);
    free(n);
}

#else

int mw__tree_insert(mw_node_t *root, const char *path, const mw_handler_t *h, size_t cnt)
{
    (void)root, (void)path, (void)h, (void)cnt;
    return -ENOSYS;
}

const mw_node_t *mw__tree_find(const mw_node_t *root, const char *path, size_t len, mw_ctx_t *c)
{
    (void)root, (void)path, (void)len, (void)c;
    return NULL;
}

void mw__tree_free(mw_node_t *n)
{
    free(n);
}

#endif
