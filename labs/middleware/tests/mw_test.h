/*
 * mw_test.h — what the middleware tests share: handlers that write a trace.
 *
 * A trace handler's arg is a step_t; the request's c->user a trace_t. Each
 * step appends tokens to the trace: ">N" then mw_next() then "<N" (NEXT),
 * "N" (PLAIN: returns without mw_next), "!N" then mw_abort() (ABORT, and
 * its own code still runs: it appends "~N" after the abort).
 *
 * Interface: trace_reset → steps → mw_ctx_run / mw_serve → t.buf.
 */
#ifndef MW_TEST_H
#define MW_TEST_H

#include <stdio.h>
#include <string.h>

#include "middleware.h"

typedef struct trace {
    char buf[1024];
    size_t len;
} trace_t;

typedef enum step_kind { STEP_NEXT, STEP_PLAIN, STEP_ABORT } step_kind_t;

typedef struct step {
    step_kind_t kind;
    int id;
} step_t;

static inline void trace_add(trace_t *t, const char *fmt, int id)
{
    int w = snprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, id);
    if (w > 0 && (size_t)w < sizeof t->buf - t->len)
        t->len += (size_t)w;
}

static inline void trace_reset(trace_t *t)
{
    t->len = 0;
    t->buf[0] = '\0';
}

static inline void step_fn(mw_ctx_t *c, void *arg)
{
    const step_t *s = arg;
    trace_t *t = c->user;
    switch (s->kind) {
    case STEP_NEXT:
        trace_add(t, ">%d ", s->id);
        mw_next(c);
        trace_add(t, "<%d ", s->id);
        break;
    case STEP_PLAIN: trace_add(t, "%d ", s->id); break;
    case STEP_ABORT:
        trace_add(t, "!%d ", s->id);
        mw_abort(c);
        trace_add(t, "~%d ", s->id);
        break;
    }
}

/* The handler for step s. */
static inline mw_handler_t step_h(step_t *s)
{
    return (mw_handler_t){step_fn, s};
}

#endif
