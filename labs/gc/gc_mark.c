/*
 * gc_mark.c — tri-color marking in bounded steps, and whole collections.
 *
 * White: not yet seen (garbage if still white at the end). Grey: seen, its
 * fields not yet scanned; every grey object sits on the worklist. Black:
 * seen and scanned. A step pops grey objects, greys their white children
 * and blackens them, until its budget is spent; no recursion, so a list a
 * million long needs one worklist entry at a time, not a million frames.
 *
 *        roots ──► grey ──scan──► black
 *                   ▲
 *     white ─shade──┘   (a white left at the end is swept)
 *
 * The roots are scanned whole in the cycle's first step (Go scans each
 * goroutine stack whole); Yuasa's barrier needs them scanned as the cycle
 * begins, its snapshot. Dijkstra's barrier does not cover roots, so when
 * the worklist runs dry it rescans them and drains again with the world
 * stopped — the pause Go 1.8's hybrid barrier removed.
 *
 * Interface: gc_begin → gc_step … (gc__work: roots → drain → terminate →
 * sweep) → IDLE; gc_collect = begin + work to the end in one pause.
 */
#include "gc_internal.h"

#include <errno.h>
#include <stdlib.h>

#if LAB_SOLUTION

/* ---- shading and the worklist ----------------------------------------------------- */

void gc__shade(gc_heap_t *h, gc_obj_t *o)
{
    if (!o || gc__color(o) != GC_WHITE)
        return;
    gc__set_color(o, GC_GREY);
    if (h->nwl == h->capwl) {
        size_t ncap = h->capwl ? h->capwl * 2 : 1024;
        gc_obj_t **p = realloc(h->wl, ncap * sizeof *p);
        if (!p) {
            /* Stays grey, off the list; found again by greys_rescan. */
            h->wl_failed = true;
            return;
        }
        h->wl = p;
        h->capwl = ncap;
    }
    h->wl[h->nwl++] = o;
}

static void grey_collect(gc_heap_t *h, gc_obj_t *o, void *ctx)
{
    (void)ctx;
    if (gc__color(o) == GC_GREY && h->nwl < h->capwl)
        h->wl[h->nwl++] = o;
    else if (gc__color(o) == GC_GREY)
        h->wl_failed = true;
}

/* After a failed push: puts the grey objects back on the worklist. */
static void greys_rescan(gc_heap_t *h)
{
    h->wl_failed = false;
    gc__each_object(h, grey_collect, NULL);
}

static void shade_slot(gc_heap_t *h, void **slot)
{
    if (*slot)
        gc__shade(h, gc__hdr(*slot));
}

/* Greys everything the roots point to. */
static void roots_scan(gc_heap_t *h)
{
    for (size_t i = 0; i < h->nglobals; i++)
        shade_slot(h, h->globals[i]);
    for (size_t i = 0; i < h->nstack; i++)
        shade_slot(h, h->stack[i]);
    h->roots_scanned = true;
    if (h->trace)
        gc__trace_frame(h, NULL, "scan the roots: what they point to turns grey");
}

/* Children wait in a small ring between being found and being shaded, so
 * the header each shade must read is prefetched meanwhile: a scan is
 * mostly cache misses, and this lets several be in flight at once. */
#define GC_PREFETCH 16

typedef struct pending {
    gc_obj_t *ring[GC_PREFETCH];
    size_t head, n;
} pending_t;

static void pending_flush(gc_heap_t *h, pending_t *q)
{
    while (q->n) {
        gc__shade(h, q->ring[q->head]);
        q->head = (q->head + 1) % GC_PREFETCH;
        q->n--;
    }
}

static void pending_add(gc_heap_t *h, pending_t *q, gc_obj_t *c)
{
    if (q->n == GC_PREFETCH) {
        gc__shade(h, q->ring[q->head]);
        q->head = (q->head + 1) % GC_PREFETCH;
        q->n--;
    }
    __builtin_prefetch(c, 1);
    q->ring[(q->head + q->n++) % GC_PREFETCH] = c;
}

/* Blackens one grey object; its children will turn grey (if white). */
static void scan(gc_heap_t *h, pending_t *q, gc_obj_t *o)
{
    const gc_type_t *t = gc__type(o);
    char *base = gc__payload(o);
    for (size_t i = 0; i < t->nptrs; i++) {
        void *p = *(void **)(base + t->offsets[i]);
        if (p)
            pending_add(h, q, gc__hdr(p));
    }
    gc__set_color(o, GC_BLACK);
    h->scanned++;
    h->cyc.marked_objects++;
    h->cyc.marked_bytes += t->size;
    if (h->trace) {
        pending_flush(h, q);
        gc__trace_frame(h, o, "scan #%u: its children turn grey, it turns black",
                        gc__trace_id(h, o));
    }
}

/* Scans up to budget grey objects; returns how many. Nothing is left
 * pending when it returns. */
static size_t drain(gc_heap_t *h, size_t budget)
{
    pending_t q = {.n = 0};
    size_t units = 0;
    for (;;) {
        if (h->nwl == 0) {
            pending_flush(h, &q);
            if (h->nwl == 0 && h->wl_failed)
                greys_rescan(h);
            if (h->nwl == 0)
                break;
        }
        if (units >= budget)
            break;
        scan(h, &q, h->wl[--h->nwl]);
        units++;
    }
    pending_flush(h, &q);
    return units;
}

/* ---- the cycle -------------------------------------------------------------------- */

void gc__begin(gc_heap_t *h)
{
    h->phase = GC_PHASE_MARK;
    h->roots_scanned = false;
    h->nwl = 0;
    h->mark_est = h->cycles ? h->ring[(h->cycles - 1) % GC_CYCLE_RING].marked_objects
                            : h->heap_objects;
    h->scanned = 0;
    h->cyc = (gc_cycle_stats_t){.cycle = h->cycles + 1, .heap_start = h->heap_alloc};
    if (h->trace)
        gc__trace_frame(h, NULL, "cycle %llu begins: everything is white, the barrier is on",
                        (unsigned long long)h->cyc.cycle);
    /* Yuasa's barrier sees heap stores only: a pointer moved from a root
     * into a black object, then cleared from the root, would escape both
     * the barrier and a later root scan. So the snapshot is taken now. */
    if (h->cfg.barrier == GC_BARRIER_YUASA)
        roots_scan(h);
}

/* Marking is over when no grey is left; Dijkstra first rescans the roots. */
static size_t mark_terminate(gc_heap_t *h)
{
    size_t units = 0;
    if (h->cfg.barrier == GC_BARRIER_DIJKSTRA) {
        roots_scan(h);
        units = drain(h, SIZE_MAX);
    }
    gc__sweep_start(h);
    return units;
}

size_t gc__work(gc_heap_t *h, size_t budget)
{
    if (h->phase == GC_PHASE_MARK) {
        if (!h->roots_scanned)
            roots_scan(h);
        size_t units = drain(h, budget);
        if (h->nwl == 0 && !h->wl_failed)
            units += mark_terminate(h);
        return units;
    }
    if (h->phase == GC_PHASE_SWEEP)
        return gc__sweep_work(h, budget);
    return 0;
}

void gc__finish(gc_heap_t *h)
{
    while (h->phase != GC_PHASE_IDLE)
        gc__work(h, SIZE_MAX);
}

/* ---- the API ---------------------------------------------------------------------- */

int gc_collect(gc_heap_t *h)
{
    uint64_t t0 = gc__now();
    gc__finish(h);
    gc__begin(h);
    gc__finish(h);
    gc__pause(h, t0, 0);
    return 0;
}

int gc_begin(gc_heap_t *h)
{
    if (h->phase != GC_PHASE_IDLE)
        return gc__fail(h, -EBUSY, "gc_begin: cycle %llu is still running",
                        (unsigned long long)h->cyc.cycle);
    gc__begin(h);
    return 0;
}

int gc_mark_roots(gc_heap_t *h)
{
    if (h->phase != GC_PHASE_MARK)
        return gc__fail(h, -EINVAL, "gc_mark_roots: not marking");
    if (h->roots_scanned)
        return gc__fail(h, -EALREADY, "gc_mark_roots: the roots were scanned already");
    roots_scan(h);
    return 0;
}

long gc_step(gc_heap_t *h, size_t budget)
{
    if (budget == 0)
        return gc__fail(h, -EINVAL, "gc_step: a budget of 0 can make no progress");
    if (h->phase == GC_PHASE_IDLE)
        return 0;
    uint64_t t0 = gc__now();
    size_t units = gc__work(h, budget);
    gc__pause(h, t0, units);
    return (long)units;
}

gc_color_t gc_color(const gc_heap_t *h, const void *obj)
{
    (void)h;
    return obj ? (gc_color_t)gc__color(gc__hdr(obj)) : GC_FREED;
}

#else /* stub */

int gc_collect(gc_heap_t *h)
{
    (void)h;
    return -ENOSYS;
}

int gc_begin(gc_heap_t *h)
{
    (void)h;
    return -ENOSYS;
}

int gc_mark_roots(gc_heap_t *h)
{
    (void)h;
    return -ENOSYS;
}

long gc_step(gc_heap_t *h, size_t budget)
{
    (void)h, (void)budget;
    return -ENOSYS;
}

gc_color_t gc_color(const gc_heap_t *h, const void *obj)
{
    (void)h, (void)obj;
    return GC_FREED;
}

#endif
