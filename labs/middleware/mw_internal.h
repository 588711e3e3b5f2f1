/*
 * mw_internal.h — what the middleware lab's sources share: the radix tree's
 * nodes, the per-method trees, groups and the engine.
 *
 * A static node holds a run of literal bytes (prefix) and its static
 * children, one per distinct first byte (indices[i] is child[i]'s first
 * byte). A node whose prefix ends in '/' may also have one `:param` child
 * and/or one `*catchAll` child. Static children are kept in descending
 * order of priority, so a lookup tries the busiest subtree first. A param
 * node matches one non-empty segment;
 * its children are static nodes starting with '/'. A catch-all node is a
 * leaf. Any node may end a route (handlers != NULL).
 *
 * Interface: mw__tree_insert, mw__tree_find, mw__tree_free (mw_tree.c);
 * mw__chain_join (mw_chain.c).
 */
#ifndef MW_INTERNAL_H
#define MW_INTERNAL_H

#include "middleware.h"

enum mw_kind { MW_STATIC, MW_PARAM, MW_CATCHALL };

typedef struct mw_node {
    enum mw_kind kind;
    char *prefix; /* static bytes (MW_STATIC only), not terminated */
    size_t plen;
    char *name; /* the wildcard's name (MW_PARAM, MW_CATCHALL) */
    char *indices;
    struct mw_node **child;
    size_t nchild;
    struct mw_node *param, *catchall;
    size_t priority;        /* routes registered through this node */
    mw_handler_t *handlers; /* the route's whole chain, or NULL */
    size_t nhandlers;
    char *full_path;
} mw_node_t;

typedef struct mw_tree {
    char *method;
    mw_node_t *root;
} mw_tree_t;

struct mw_group {
    mw_engine_t *engine;
    char *base;
    mw_handler_t *handlers;
    size_t nhandlers;
    struct mw_group *next_owned; /* the engine's list of groups */
};

struct mw_engine {
    mw_options_t opt;
    mw_group_t root;
    mw_tree_t trees[16];
    size_t ntrees;
};

/* Inserts path into root (a static node with an empty prefix at first)
 * with a copy of the chain. 0 or the errno of mw_handle. */
int mw__tree_insert(mw_node_t *root, const char *path, const mw_handler_t *h, size_t n);

/* The node of the route matching path[0..len), params appended to c, or
 * NULL. Allocates nothing. */
const mw_node_t *mw__tree_find(const mw_node_t *root, const char *path, size_t len, mw_ctx_t *c);

/* Frees n and everything under it. */
void mw__tree_free(mw_node_t *n);

/* A new array a[0..na) + b[0..nb) in *out; -E2BIG at MW_ABORT_INDEX. */
int mw__chain_join(const mw_handler_t *a, size_t na, const mw_handler_t *b, size_t nb,
                   mw_handler_t **out);

#endif
