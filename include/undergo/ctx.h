/*
 * ctx.h — Go's context: a tree of cancelation scopes with deadlines.
 *
 * Canceling a context closes its done channel and cancels every descendant
 * with the same error: -ECANCELED (Go's context.Canceled) after ctx_cancel,
 * -ETIMEDOUT (context.DeadlineExceeded) when the deadline passes. A child's
 * deadline is never later than its parent's.
 *
 * Interface: ctx_background → ctx_with_cancel / ctx_with_timeout /
 * ctx_with_deadline / ctx_with_value → select on ctx_done(c) → ctx_err /
 * ctx_value → ctx_cancel → ctx_free (in any order between parent and
 * child, but a value context after its children).
 */
#ifndef UNDERGO_CTX_H
#define UNDERGO_CTX_H

#include <stdint.h>
#include <undergo/chan.h>

typedef struct ctx ctx_t;

/* The root: never canceled, no deadline, nil done channel. Static. */
ctx_t *ctx_background(void);

/* A child of parent canceled by ctx_cancel or with parent. Caller owns *out
 * (ctx_free). Returns 0, -EINVAL (NULL parent), -ENOMEM. */
int ctx_with_cancel(ctx_t *parent, ctx_t **out);

/* A child whose deadline is clock_now() + ns. As ctx_with_cancel; needs a
 * run (-EPERM outside rt_run). */
int ctx_with_timeout(ctx_t *parent, int64_t ns, ctx_t **out);

/* A child whose deadline is the clock time when. As ctx_with_timeout. */
int ctx_with_deadline(ctx_t *parent, int64_t when, ctx_t **out);

/* A child of parent that carries value under key (compared as a pointer,
 * as Go compares keys with ==); canceled only with its parent. Free it
 * after its children: they find values through it. Caller owns *out.
 * Returns 0, -EINVAL (NULL parent or key), -ENOMEM. */
int ctx_with_value(ctx_t *parent, const void *key, void *value, ctx_t **out);
/* The value of the nearest context from c up that carries key, or NULL.
 * Can't fail. */
void *ctx_value(const ctx_t *c, const void *key);
/* Cancels c and its descendants with -ECANCELED; no-op if already
 * canceled, the background, or a value context. Can't fail. */
void ctx_cancel(ctx_t *c);

/* Closed when c is canceled; NULL (never ready) for the background. Owned
 * by c. */
chan_t *ctx_done(const ctx_t *c);

/* 0 while live, else -ECANCELED or -ETIMEDOUT. Can't fail. */
int ctx_err(const ctx_t *c);

/* Stores c's deadline in *when. Returns 0, or -ENOENT if it has none. */
int ctx_deadline(const ctx_t *c, int64_t *when);

/* Cancels and frees c; its children stay valid (and canceled). NULL and
 * the background are no-ops. */
void ctx_free(ctx_t *c);

#endif
