/*
 * ctx.c — cancel trees (Go's context.WithCancel / WithTimeout).
 *
 * Each context knows its parent and its children (a doubly linked sibling
 * list), so canceling walks down the tree and freeing either end unlinks
 * cleanly. Cancel closes the done channel, which wakes every receiver and
 * select at once. A deadline is a runtime timer whose callback cancels with
 * -ETIMEDOUT; a child that would outlive its parent's deadline takes the
 * parent's and needs no timer: the parent's cancel reaches it. A value
 * context is a child that carries one key and value and that nothing but
 * its parent cancels (Go gives WithValue no cancel function); ctx_value
 * walks up the parents.
 *
 * Interface: ctx_with_* → ctx_done / ctx_err / ctx_value → ctx_cancel →
 * ctx_free.
 */
#include <errno.h>
#include <stdlib.h>
#include "rt.h"

#define NO_DEADLINE INT64_MAX

struct ctx {
    ctx_t *parent;
    ctx_t *child, *next, *prev;      /* first child; siblings */
    chan_t *done;                    /* NULL only for the background */
    int err;
    int64_t deadline;
    rt_timer_t timer;
    bool has_value;                  /* ctx_with_value: key, value; no cancel */
    const void *key;
    void *value;
};

static ctx_t background = {.deadline = NO_DEADLINE};

ctx_t *ctx_background(void) { return &background; }

static void cancel(ctx_t *c, int err) {
    if (c->err || c == &background) return;
    c->err = err;
    if (rt__s.active) rt__timer_stop(&c->timer);
    (void)chan_close(c->done);
    for (ctx_t *k = c->child; k; k = k->next) cancel(k, err);
}

static void fire_deadline(rt_timer_t *t) { cancel(t->data, -ETIMEDOUT); }

static int make_child(ctx_t *parent, ctx_t **out) {
    if (!parent || !out) return -EINVAL;
    ctx_t *c = calloc(1, sizeof *c);
    if (!c) return -ENOMEM;
    if (chan_make(0, 0, &c->done)) {
        free(c);
        return -ENOMEM;
    }
    c->deadline = parent->deadline;
    c->timer.fire = fire_deadline;
    c->timer.data = c;
    if (parent != &background) {
        c->parent = parent;
        c->next = parent->child;
        if (parent->child) parent->child->prev = c;
        parent->child = c;
    }
    if (parent->err) cancel(c, parent->err);
    *out = c;
    return 0;
}

int ctx_with_cancel(ctx_t *parent, ctx_t **out) {
    RT_ENTER;
    return make_child(parent, out);
}

int ctx_with_deadline(ctx_t *parent, int64_t when, ctx_t **out) {
    RT_ENTER;
    if (!rt__s.active) return -EPERM;
    int rc = make_child(parent, out);
    if (rc || (*out)->err || when >= (*out)->deadline) return rc;
    ctx_t *c = *out;
    c->deadline = when;
    if (when <= rt__clock()) {
        cancel(c, -ETIMEDOUT);
        return 0;
    }
    rc = rt__timer_start(&c->timer, when);
    if (rc) {
        ctx_free(c);
        *out = NULL;
    }
    return rc;
}

int ctx_with_timeout(ctx_t *parent, int64_t ns, ctx_t **out) {
    return ctx_with_deadline(parent, rt__clock() + ns, out);
}

void ctx_cancel(ctx_t *c) {
    RT_ENTER;
    if (c && !c->has_value) cancel(c, -ECANCELED);
}

int ctx_with_value(ctx_t *parent, const void *key, void *value, ctx_t **out) {
    RT_ENTER;
    if (!key) return -EINVAL;
    int rc = make_child(parent, out);
    if (rc) return rc;
    (*out)->has_value = true;
    (*out)->key = key;
    (*out)->value = value;
    return 0;
}

void *ctx_value(const ctx_t *c, const void *key) {
    for (; c; c = c->parent)
        if (c->has_value && c->key == key) return c->value;
    return NULL;
}

chan_t *ctx_done(const ctx_t *c) { return c ? c->done : NULL; }

int ctx_err(const ctx_t *c) { return c ? c->err : -EINVAL; }

int ctx_deadline(const ctx_t *c, int64_t *when) {
    if (!c || c->deadline == NO_DEADLINE) return -ENOENT;
    if (when) *when = c->deadline;
    return 0;
}

void ctx_free(ctx_t *c) {
    RT_ENTER;
    if (!c || c == &background) return;
    cancel(c, -ECANCELED);
    if (c->prev) c->prev->next = c->next;
    else if (c->parent) c->parent->child = c->next;
    if (c->next) c->next->prev = c->prev;
    for (ctx_t *k = c->child, *next; k; k = next) {
        next = k->next;
        k->parent = NULL, k->next = k->prev = NULL;
    }
    chan_free(c->done);
    free(c);
}
