/*
 * middleware.h — Gin's handler chain and router, in C.
 *
 * A request runs a chain: the handlers of every group it was registered
 * under, in the order their Use() calls added them, then the route's own.
 * mw_next() runs the rest of the chain and returns, so what a handler does
 * before mw_next() happens on the way in and what it does after happens on
 * the way out. mw_abort() stops the handlers after the current one from
 * running; it does not stop the current one, nor the "after" parts of the
 * handlers that are already running. The chain index is an int8_t, as in
 * Gin: abort sets it to MW_ABORT_INDEX (63), so a chain may hold at most 62
 * handlers. Where Gin panics ("too many handlers") a registration here
 * returns -E2BIG and registers nothing.
 *
 * Routes live in one radix tree per method: static text, `:name` (one
 * non-empty segment) and `*name` (the rest of the path, with its leading
 * '/'). Static beats `:param` beats `*catchAll`, with backtracking when a
 * static branch dead-ends. A lookup allocates nothing: parameters point
 * into the request path.
 *
 * Interface: mw_engine_new → mw_engine_group / mw_group → mw_use →
 * mw_handle → mw_serve (or mw_lookup) per request → mw_engine_free.
 * Chains without a router: mw_ctx_init → mw_ctx_run.
 * Handlers: mw_next, mw_abort, mw_abort_with_status, mw_is_aborted,
 * mw_status, mw_string, mw_set, mw_get, mw_ctx_param.
 * Errors are 0 or a negative errno.
 */
#ifndef UNDERGO_MIDDLEWARE_H
#define UNDERGO_MIDDLEWARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MW_ABORT_INDEX 63 /* math.MaxInt8 >> 1: chains hold at most 62 */
#define MW_MAX_PARAMS 16  /* wildcards in one route */
#define MW_MAX_KEYS 16    /* mw_set keys per request */
#define MW_KEY_MAX 32     /* bytes of a key, NUL included */
#define MW_PATH_MAX 1024  /* longest path a redirect is computed for */

typedef struct mw_ctx mw_ctx_t;
typedef struct mw_engine mw_engine_t;
typedef struct mw_group mw_group_t;

/* One handler: Gin's func(*gin.Context), with the closure's data as arg. */
typedef struct mw_handler {
    void (*fn)(mw_ctx_t *c, void *arg);
    void *arg;
} mw_handler_t;

/* A path parameter: key is the route's name for it (NUL-terminated, owned
 * by the engine), value points into the request path (not terminated). */
typedef struct mw_param {
    const char *key;
    const char *value;
    size_t value_len;
} mw_param_t;

/* Gin's *gin.Context. The caller owns the storage (a stack variable will
 * do); every field is read-only outside the lab's code. */
struct mw_ctx {
    const mw_handler_t *handlers; /* the chain being run */
    size_t nhandlers;
    int8_t index;          /* handler running now; -1 before the first */
    int status;            /* 200 until a handler sets it */
    bool written;          /* the status line is out: status is fixed */
    const char *full_path; /* the matched route's pattern, or NULL */
    mw_param_t params[MW_MAX_PARAMS];
    size_t nparams;
    struct {
        char key[MW_KEY_MAX];
        void *value;
    } keys[MW_MAX_KEYS];
    size_t nkeys;
    char location[MW_PATH_MAX + 2]; /* Location of a redirect, else "" */
    char allow[96];                 /* Allow of a 405, e.g. "GET, POST", else "" */
    char body[128];                 /* what mw_string wrote (truncated) */
    size_t body_len;
    void *user; /* the caller's, untouched */
};

/* Router options; all false is not the default: see mw_options_default. */
typedef struct mw_options {
    bool redirect_trailing_slash;   /* 301 (GET) / 307 to the other form */
    bool handle_method_not_allowed; /* 405 with Allow instead of 404 */
} mw_options_t;

/* Gin's defaults: trailing-slash redirects on, 405 off. */
mw_options_t mw_options_default(void);

/* ---- the context and the chain ------------------------------------------------- */

/* Resets c to a new request's state (Gin's c.reset()): no chain, index -1,
 * status 200, no keys, params, headers or body; sets c->user. */
void mw_ctx_init(mw_ctx_t *c, void *user);

/* Runs handlers[0..n) on c from the start, as the router does for a
 * matched route. -E2BIG if n >= MW_ABORT_INDEX, -EINVAL if n == 0. */
int mw_ctx_run(mw_ctx_t *c, const mw_handler_t *handlers, size_t n);

/* Runs the handlers after the current one, each until it returns. */
void mw_next(mw_ctx_t *c);

/* The handlers after the current one will not run. */
void mw_abort(mw_ctx_t *c);

/* mw_status(code), writes the status line (it is fixed from now), aborts. */
void mw_abort_with_status(mw_ctx_t *c, int code);

/* True once mw_abort (or mw_abort_with_status) was called. */
bool mw_is_aborted(const mw_ctx_t *c);

/* Sets the response status. -EALREADY, and no change, once written. */
int mw_status(mw_ctx_t *c, int code);

/* Gin's c.String: sets the status, writes it, appends text to the body. */
int mw_string(mw_ctx_t *c, int code, const char *text);

/* Per-request keys: mw_set stores (or replaces) key's value; -ENAMETOOLONG
 * for a key of MW_KEY_MAX bytes or more, -ENOSPC past MW_MAX_KEYS keys. */
int mw_set(mw_ctx_t *c, const char *key, void *value);

/* *value = key's value; -ENOENT (and *value = NULL) when it was never set. */
int mw_get(const mw_ctx_t *c, const char *key, void **value);

/* Copies parameter key's value into buf (NUL-terminated); returns its
 * length, -ENOENT if the route has no such parameter, -ENOSPC if it does
 * not fit in cap bytes. */
int mw_ctx_param(const mw_ctx_t *c, const char *key, char *buf, size_t cap);

/* ---- the engine, groups and routes ------------------------------------------- */

/* A new engine (Gin's gin.New()); opt NULL means mw_options_default(). */
int mw_engine_new(const mw_options_t *opt, mw_engine_t **out);

/* Frees the engine, its groups and its routes. NULL is fine. */
void mw_engine_free(mw_engine_t *e);

/* The engine's own group ("/"): its Use() also runs on 404s and 405s. */
mw_group_t *mw_engine_group(mw_engine_t *e);

/* A group under parent at parent's path + rel, whose chain is parent's
 * chain as it is now followed by handlers[0..n) (n may be 0). Owned by the
 * engine. -E2BIG if the chain would reach MW_ABORT_INDEX. */
int mw_group(mw_group_t *parent, const char *rel, const mw_handler_t *handlers, size_t n,
             mw_group_t **out);

/* Appends handlers to g's chain: routes and groups made from g later get
 * them, earlier ones do not. -E2BIG (nothing appended) past the limit. */
int mw_use(mw_group_t *g, const mw_handler_t *handlers, size_t n);

/*
 * Registers method + (g's path joined with rel) with g's chain followed by
 * handlers[0..n), n >= 1. Nothing is registered on an error:
 *   -EINVAL  no method or handler, a path not starting with '/', a wildcard
 *            not right after '/', with no name, two in one segment, or a
 *            `*` that is not the last segment;
 *   -E2BIG   the chain would reach MW_ABORT_INDEX, or > MW_MAX_PARAMS wildcards;
 *   -EEXIST  this method already has this exact route;
 *   -EBUSY   a wildcard conflicts: another `:name` at the same place, a `*`
 *            beside any other route at its place, or a route ending where a
 *            `*` already matches.
 */
int mw_handle(mw_group_t *g, const char *method, const char *rel, const mw_handler_t *handlers,
              size_t n);

/* ---- requests ---------------------------------------------------------------------- */

/* Route lookup only: on a match sets c's chain, params and full_path and
 * returns 0 (nothing runs); -ENOENT when method has no route for path.
 * Allocates nothing. */
int mw_lookup(const mw_engine_t *e, const char *method, const char *path, size_t len, mw_ctx_t *c);

/*
 * Serves one request on c (reset first, c->user kept) and returns the
 * final status, or -EINVAL for a path not starting with '/'. A match runs
 * the route's chain. Otherwise, in Gin's order: a trailing-slash redirect
 * when the other form of the path has a route of this method (301 for GET,
 * 307 for any other; not for CONNECT nor "/"), with c->location; a 405 with
 * c->allow when enabled and another method has the path; else 404. A 404 or
 * 405 runs the engine group's chain with the status already set, then
 * writes "404 page not found" / "405 method not allowed" unless a handler
 * wrote something.
 */
int mw_serve(mw_engine_t *e, mw_ctx_t *c, const char *method, const char *path);

#endif
