/*
 * mw_chain.c — the context: running a chain, aborting it, the status, the
 * per-request keys and the path parameters.
 *
 * The chain is an array and c->index the handler running now. mw_next()
 * advances the index and calls handlers until the index passes the end;
 * a handler that itself calls mw_next() runs the rest of the chain before
 * its own next statement, so the outer loop finds the index already past
 * the end and returns: every handler runs once. Aborting just moves the
 * index to MW_ABORT_INDEX, beyond any chain, which is why a chain must be
 * shorter than that.
 *
 * Interface: mw_ctx_init → mw_ctx_run → mw_next / mw_abort ... ;
 * mw__chain_join for groups and routes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mw_internal.h"

#if LAB_SOLUTION

/* Field by field: the key and parameter arrays are dead past their counts,
 * and clearing them would cost every request a kilobyte of stores. */
void mw_ctx_init(mw_ctx_t *c, void *user)
{
    c->handlers = NULL;
    c->nhandlers = 0;
    c->index = -1;
    c->status = 200;
    c->written = false;
    c->full_path = NULL;
    c->nparams = 0;
    c->nkeys = 0;
    c->location[0] = c->allow[0] = c->body[0] = '\0';
    c->body_len = 0;
    c->user = user;
}

int mw_ctx_run(mw_ctx_t *c, const mw_handler_t *handlers, size_t n)
{
    if (n == 0)
        return -EINVAL;
    if (n >= MW_ABORT_INDEX)
        return -E2BIG;
    c->handlers = handlers;
    c->nhandlers = n;
    c->index = -1;
    mw_next(c);
    return 0;
}

void mw_next(mw_ctx_t *c)
{
    c->index++;
    while (c->index < (int8_t)c->nhandlers) {
        const mw_handler_t *h = &c->handlers[c->index];
        h->fn(c, h->arg);
        c->index++;
    }
}

void mw_abort(mw_ctx_t *c)
{
    c->index = MW_ABORT_INDEX;
}

bool mw_is_aborted(const mw_ctx_t *c)
{
    return c->index >= MW_ABORT_INDEX;
}

int mw_status(mw_ctx_t *c, int code)
{
    if (c->written)
        return c->status == code ? 0 : -EALREADY;
    c->status = code;
    return 0;
}

void mw_abort_with_status(mw_ctx_t *c, int code)
{
    mw_status(c, code);
    c->written = true;
    mw_abort(c);
}

int mw_string(mw_ctx_t *c, int code, const char *text)
{
    int rc = mw_status(c, code);
    c->written = true;
    size_t room = sizeof c->body - 1 - c->body_len, n = strlen(text);
    if (n > room)
        n = room;
    memcpy(c->body + c->body_len, text, n);
    c->body_len += n;
    c->body[c->body_len] = '\0';
    return rc;
}

int mw_set(mw_ctx_t *c, const char *key, void *value)
{
    if (strlen(key) >= MW_KEY_MAX)
        return -ENAMETOOLONG;
    for (size_t i = 0; i < c->nkeys; i++)
        if (strcmp(c->keys[i].key, key) == 0) {
            c->keys[i].value = value;
            return 0;
        }
    if (c->nkeys == MW_MAX_KEYS)
        return -ENOSPC;
    strcpy(c->keys[c->nkeys].key, key);
    c->keys[c->nkeys++].value = value;
    return 0;
}

int mw_get(const mw_ctx_t *c, const char *key, void **value)
{
    for (size_t i = 0; i < c->nkeys; i++)
        if (strcmp(c->keys[i].key, key) == 0) {
            *value = c->keys[i].value;
            return 0;
        }
    *value = NULL;
    return -ENOENT;
}

int mw_ctx_param(const mw_ctx_t *c, const char *key, char *buf, size_t cap)
{
    for (size_t i = 0; i < c->nparams; i++) {
        const mw_param_t *p = &c->params[i];
        if (strcmp(p->key, key) != 0)
            continue;
        if (p->value_len >= cap)
            return -ENOSPC;
        memcpy(buf, p->value, p->value_len);
        buf[p->value_len] = '\0';
        return (int)p->value_len;
    }
    return -ENOENT;
}

int mw__chain_join(const mw_handler_t *a, size_t na, const mw_handler_t *b, size_t nb,
                   mw_handler_t **out)
{
    if (na + nb >= MW_ABORT_INDEX)
        return -E2BIG;
    mw_handler_t *h = malloc((na + nb ? na + nb : 1) * sizeof *h);
    if (!h)
        return -ENOMEM;
    if (na)
        memcpy(h, a, na * sizeof *h);
    if (nb)
        memcpy(h + na, b, nb * sizeof *h);
    *out = h;
    return 0;
}

#else

void mw_ctx_init(mw_ctx_t *c, void *user)
{
    memset(c, 0, sizeof *c);
    c->user = user;
}

int mw_ctx_run(mw_ctx_t *c, const mw_handler_t *handlers, size_t n)
{
    (void)c, (void)handlers, (void)n;
    return -ENOSYS;
}

void mw_next(mw_ctx_t *c)
{
    (void)c;
}

void mw_abort(mw_ctx_t *c)
{
    (void)c;
}

bool mw_is_aborted(const mw_ctx_t *c)
{
    (void)c;
    return false;
}

int mw_status(mw_ctx_t *c, int code)
{
    (void)c, (void)code;
    return -ENOSYS;
}

void mw_abort_with_status(mw_ctx_t *c, int code)
{
    (void)c, (void)code;
}

int mw_string(mw_ctx_t *c, int code, const char *text)
{
    (void)c, (void)code, (void)text;
    return -ENOSYS;
}

int mw_set(mw_ctx_t *c, const char *key, void *value)
{
    (void)c, (void)key, (void)value;
    return -ENOSYS;
}

int mw_get(const mw_ctx_t *c, const char *key, void **value)
{
    (void)c, (void)key;
    *value = NULL;
    return -ENOSYS;
}

int mw_ctx_param(const mw_ctx_t *c, const char *key, char *buf, size_t cap)
{
    (void)c, (void)key, (void)buf, (void)cap;
    return -ENOSYS;
}

int mw__chain_join(const mw_handler_t *a, size_t na, const mw_handler_t *b, size_t nb,
                   mw_handler_t **out)
{
    (void)a, (void)na, (void)b, (void)nb;
    *out = NULL;
    return -ENOSYS;
}

#endif
