/*
 * gc_verify.c — checking the heap against the invariants.
 *
 * Always: walking from the roots never reaches a freed object (garbage
 * still waiting for the sweep may point anywhere; it is not walked).
 * While marking, the invariant the barrier is meant to keep:
 *
 *   strong (Dijkstra)   no black object points to a white one.
 *   weak (the others)   a white object pointed to by a black object (or by
 *                       a root, once the roots are scanned and so count as
 *                       black) can be reached from some grey object through
 *                       white objects only: some grey path still leads to it.
 *
 * The weak check floods from every grey object (and from the roots while
 * they are unscanned, for then they are grey) through white objects,
 * flagging what it reaches, then looks at every black → white edge.
 *
 * Interface: gc_verify → live_check → strong_obj | weak_check → message.
 */
#include "gc_internal.h"

#include <errno.h>
#include <stdlib.h>

#if LAB_SOLUTION

typedef struct verify {
    int rc;                        /* the first problem found */
    gc_obj_t **q;                  /* flood queue (weak check) */
    size_t nq, capq;
} verify_t;

static const char *tname(const gc_obj_t *o)
{
    return gc__type(o)->name ? gc__type(o)->name : "object";
}

/* Records a problem unless one is recorded already. */
static void problem(gc_heap_t *h, verify_t *v, int rc, gc_obj_t *from, size_t field, gc_obj_t *to,
                    const char *what)
{
    if (v->rc)
        return;
    if (from)
        v->rc = gc__fail(h, rc, "gc_verify: %p (%s) field %zu -> %p: %s", gc__payload(from),
                         tname(from), field, gc__payload(to), what);
    else
        v->rc = gc__fail(h, rc, "gc_verify: root slot %zu -> %p: %s", field, gc__payload(to),
                         what);
}

/* Appends o to the queue; false (and rc = -ENOMEM) without memory. */
static bool queue_push(verify_t *v, gc_obj_t *o)
{
    if (v->nq == v->capq) {
        size_t ncap = v->capq ? v->capq * 2 : 256;
        gc_obj_t **p = realloc(v->q, ncap * sizeof *p);
        if (!p) {
            v->rc = -ENOMEM;
            return false;
        }
        v->q = p;
        v->capq = ncap;
    }
    v->q[v->nq++] = o;
    return true;
}

/* Calls fn on the object each root slot holds (globals, then the stack). */
static void roots_each(gc_heap_t *h, verify_t *v, void (*fn)(gc_heap_t *, verify_t *, size_t, gc_obj_t *))
{
    size_t k = 0;
    for (size_t i = 0; i < h->nglobals; i++, k++)
        if (*h->globals[i])
            fn(h, v, k, gc__hdr(*h->globals[i]));
    for (size_t i = 0; i < h->nstack; i++, k++)
        if (*h->stack[i])
            fn(h, v, k, gc__hdr(*h->stack[i]));
}

static void strong_obj(gc_heap_t *h, gc_obj_t *o, void *ctx)
{
    if (gc__color(o) != GC_BLACK)
        return;
    for (size_t i = 0; i < gc__type(o)->nptrs; i++) {
        void *p = *gc__field(o, i);
        if (p && gc__color(gc__hdr(p)) == GC_WHITE)
            problem(h, ctx, -EPROTO, o, i, gc__hdr(p), "black points to white (strong invariant)");
    }
}

/* ---- the weak check ---------------------------------------------------------------- */

static void flood_push(verify_t *v, gc_obj_t *o)
{
    if (v->rc || gc__color(o) != GC_WHITE || (o->word & GC__SEEN))
        return;
    if (queue_push(v, o))
        o->word |= GC__SEEN;
}

static void flood_children(verify_t *v, gc_obj_t *o)
{
    for (size_t i = 0; i < gc__type(o)->nptrs; i++) {
        void *p = *gc__field(o, i);
        if (p)
            flood_push(v, gc__hdr(p));
    }
}

static void flood_from_grey(gc_heap_t *h, gc_obj_t *o, void *ctx)
{
    (void)h;
    if (gc__color(o) == GC_GREY)
        flood_children(ctx, o);
}

static void flood_from_root(gc_heap_t *h, verify_t *v, size_t k, gc_obj_t *o)
{
    (void)h, (void)k;
    flood_push(v, o);
}

static void weak_obj(gc_heap_t *h, gc_obj_t *o, void *ctx)
{
    if (gc__color(o) != GC_BLACK)
        return;
    for (size_t i = 0; i < gc__type(o)->nptrs; i++) {
        void *p = *gc__field(o, i);
        gc_obj_t *c = p ? gc__hdr(p) : NULL;
        if (c && gc__color(c) == GC_WHITE && !(c->word & GC__SEEN))
            problem(h, ctx, -EPROTO, o, i, c, "black points to a white object no grey path "
                                              "reaches (weak invariant)");
    }
}

static void weak_root(gc_heap_t *h, verify_t *v, size_t k, gc_obj_t *o)
{
    if (gc__color(o) == GC_WHITE && !(o->word & GC__SEEN))
        problem(h, v, -EPROTO, NULL, k, o, "a scanned root holds a white object no grey path "
                                           "reaches (weak invariant)");
}

static void unflag(gc_heap_t *h, gc_obj_t *o, void *ctx)
{
    (void)h, (void)ctx;
    o->word &= ~GC__SEEN;
}

static void weak_check(gc_heap_t *h, verify_t *v)
{
    gc__each_object(h, flood_from_grey, v);
    if (!h->roots_scanned)
        roots_each(h, v, flood_from_root);
    for (size_t i = 0; i < v->nq && !v->rc; i++)
        flood_children(v, v->q[i]);
    if (v->rc == -ENOMEM)
        v->rc = gc__fail(h, -ENOMEM, "gc_verify: out of memory");
    gc__each_object(h, weak_obj, v);
    if (h->roots_scanned)
        roots_each(h, v, weak_root);
    gc__each_object(h, unflag, NULL);
}

/* ---- no live pointer to a freed object --------------------------------------------- */

/* Queues o for the live walk, or reports it if it was freed. */
static void live_visit(gc_heap_t *h, verify_t *v, gc_obj_t *from, size_t field, gc_obj_t *o)
{
    if (gc__color(o) == GC_FREED) {
        problem(h, v, -EFAULT, from, field, o, "points to a freed object");
        return;
    }
    if (v->rc || (o->word & GC__SEEN))
        return;
    if (!queue_push(v, o))
        return;
    o->word |= GC__SEEN;
}

static void live_root(gc_heap_t *h, verify_t *v, size_t k, gc_obj_t *o)
{
    live_visit(h, v, NULL, k, o);
}

/* Walks what the roots reach (garbage awaiting the sweep may point
 * anywhere, so only live objects are checked). */
static void live_check(gc_heap_t *h, verify_t *v)
{
    roots_each(h, v, live_root);
    for (size_t i = 0; i < v->nq && !v->rc; i++) {
        gc_obj_t *o = v->q[i];
        for (size_t k = 0; k < gc__type(o)->nptrs; k++) {
            void *p = *gc__field(o, k);
            if (p)
                live_visit(h, v, o, k, gc__hdr(p));
        }
    }
    if (v->rc == -ENOMEM)
        v->rc = gc__fail(h, -ENOMEM, "gc_verify: out of memory");
    gc__each_object(h, unflag, NULL);
    v->nq = 0;
}

/* ---- the API ------------------------------------------------------------------------ */

int gc_verify(gc_heap_t *h)
{
    verify_t v = {0};
    live_check(h, &v);
    if (!v.rc && h->phase == GC_PHASE_MARK) {
        if (h->cfg.barrier == GC_BARRIER_DIJKSTRA)
            gc__each_object(h, strong_obj, &v);
        else
            weak_check(h, &v);
    }
    free(v.q);
    return v.rc;
}

#else /* stub */

int gc_verify(gc_heap_t *h)
{
    (void)h;
    return -ENOSYS;
}

#endif
