/*
 * gc_barrier.c — the write barrier on heap pointer stores.
 *
 * Marking runs in steps while the mutator keeps storing pointers. An
 * object is lost when both happen: a black object gets a pointer to a
 * white one, and every grey path to that white one is cut. Each barrier
 * breaks one half:
 *
 *   Dijkstra (insertion)  shade the NEW value: no black → white edge ever
 *                         (the strong invariant). Roots are not barriered,
 *                         so they are rescanned at the end, world stopped.
 *   Yuasa (deletion)      shade the OLD value: nothing reachable when the
 *                         roots were scanned can lose its last grey path
 *                         (the weak invariant; a snapshot at the beginning).
 *   hybrid (Go 1.8)       shade the old value, and the new one too while
 *                         the roots are not yet scanned; no rescan needed.
 *
 * Only stores into heap objects pass here; roots are plain variables.
 * With the barrier off (no cycle marking) a store is just a store.
 *
 * Interface: gc_write(h, obj, field, value) → barrier → store; gc_read.
 */
#include "gc_internal.h"

#include <errno.h>

#if LAB_SOLUTION

/* The debug checks: obj and value must be live objects. */
static int store_check(gc_heap_t *h, gc_obj_t *o, size_t field, void *value)
{
    if (gc__color(o) == GC_FREED)
        return gc__fail(h, -EFAULT, "gc_write: object %p was freed (store into field %zu)",
                        gc__payload(o), field);
    if (value && gc__color(gc__hdr(value)) == GC_FREED)
        return gc__fail(h, -EFAULT, "gc_write: the stored value %p was freed", value);
    return 0;
}

/* Shades per the barrier mode; old and val may be NULL. */
static void barrier(gc_heap_t *h, void *old, void *val)
{
    gc_obj_t *o = old ? gc__hdr(old) : NULL, *v = val ? gc__hdr(val) : NULL;
    switch (h->cfg.barrier) {
    case GC_BARRIER_NONE:
        return;
    case GC_BARRIER_DIJKSTRA:
        v = v && gc__color(v) == GC_WHITE ? v : NULL;
        gc__shade(h, v);
        o = NULL;
        break;
    case GC_BARRIER_YUASA:
        o = o && gc__color(o) == GC_WHITE ? o : NULL;
        gc__shade(h, o);
        v = NULL;
        break;
    case GC_BARRIER_HYBRID:
        o = o && gc__color(o) == GC_WHITE ? o : NULL;
        gc__shade(h, o);
        v = !h->roots_scanned && v && gc__color(v) == GC_WHITE ? v : NULL;
        gc__shade(h, v);
        break;
    }
    if (h->trace && (o || v))
        gc__trace_frame(h, v ? v : o, "write barrier shades #%u (the %s value)",
                        gc__trace_id(h, v ? v : o), v ? "new" : "old");
}

int gc_write(gc_heap_t *h, void *obj, size_t field, void *value)
{
    if (!obj)
        return gc__fail(h, -EINVAL, "gc_write: NULL object");
    gc_obj_t *o = gc__hdr(obj);
    if (h->cfg.debug) {
        int rc = store_check(h, o, field, value);
        if (rc < 0)
            return rc;
    }
    if (field >= gc__type(o)->nptrs)
        return gc__fail(h, -EINVAL, "gc_write: %s has %zu pointer fields, not field %zu",
                        gc__type(o)->name ? gc__type(o)->name : "object", gc__type(o)->nptrs, field);
    void **slot = gc__field(o, field);
    if (h->phase == GC_PHASE_MARK)
        barrier(h, *slot, value);
    *slot = value;
    return 0;
}

void *gc_read(const gc_heap_t *h, const void *obj, size_t field)
{
    (void)h;
    if (!obj)
        return NULL;
    gc_obj_t *o = gc__hdr(obj);
    return field < gc__type(o)->nptrs ? *gc__field(o, field) : NULL;
}

#else /* stub */

int gc_write(gc_heap_t *h, void *obj, size_t field, void *value)
{
    (void)h, (void)obj, (void)field, (void)value;
    return -ENOSYS;
}

void *gc_read(const gc_heap_t *h, const void *obj, size_t field)
{
    (void)h, (void)obj, (void)field;
    return NULL;
}

#endif
