/*
 * gc_heap.c — the heap object: configuration, errors, roots, statistics.
 *
 * The root set is two arrays of slot addresses: the shadow stack, pushed
 * and popped like frames, and the globals. The collector reads through
 * the slots when it scans roots, so the caller assigns its variables
 * directly and no barrier sees those writes — the model of Go's stacks.
 *
 * Interface: gc_config_default → gc_heap_new → gc_root_push/pop,
 * gc_global_add/remove → gc_stats, gc_cycle_stats → gc_heap_free.
 */
#include "gc_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void gc_config_default(gc_config_t *c)
{
    memset(c, 0, sizeof *c);
    c->gogc = 100;
    c->heap_min = (size_t)4 << 20;
    c->barrier = GC_BARRIER_HYBRID;
    c->step_budget = 1000;
    c->step_bytes = (size_t)64 << 10;
}

#if LAB_SOLUTION

/* ---- errors and time ------------------------------------------------------------ */

int gc__fail(gc_heap_t *h, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->err, sizeof h->err, fmt, ap);
    va_end(ap);
    return err;
}

const char *gc_last_error(const gc_heap_t *h)
{
    return h ? h->err : "no heap";
}

uint64_t gc__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void gc__pause(gc_heap_t *h, uint64_t t0, size_t units)
{
    uint64_t ns = gc__now() - t0;
    h->steps++;
    h->pause_total += ns;
    if (ns > h->pause_max)
        h->pause_max = ns;
    /* The running cycle's record, or the one just finished. */
    gc_cycle_stats_t *c = h->phase != GC_PHASE_IDLE ? &h->cyc
                                                    : &h->ring[(h->cycles - 1) % GC_CYCLE_RING];
    if (h->cycles > 0 || h->phase != GC_PHASE_IDLE) {
        c->steps++;
        c->pause_total_ns += ns;
        if (ns > c->pause_max_ns)
            c->pause_max_ns = ns;
    }
    if (h->cfg.on_pause)
        h->cfg.on_pause(h->cfg.ctx, ns, units);
}

/* ---- the heap ------------------------------------------------------------------- */

int gc_heap_new(const gc_config_t *c, gc_heap_t **out)
{
    if (!out)
        return -EINVAL;
    *out = NULL;
    if (!c || c->barrier > GC_BARRIER_HYBRID || (c->incremental && (!c->step_budget || !c->step_bytes)))
        return -EINVAL;
    gc_heap_t *h = calloc(1, sizeof *h);
    if (!h)
        return -ENOMEM;
    h->cfg = *c;
    h->next_gc = c->heap_min;
    gc__trigger_set(h);
    *out = h;
    return 0;
}

void gc_heap_free(gc_heap_t *h)
{
    if (!h)
        return;
    gc_block_t *b, *bn;
    for (b = h->blocks; b; b = bn) {
        bn = b->next;
        free(b);
    }
    for (b = h->pool; b; b = bn) {
        bn = b->next;
        free(b);
    }
    gc_large_t *l, *ln;
    for (l = h->large; l; l = ln) {
        ln = l->next;
        free(l);
    }
    for (l = h->large_freed; l; l = ln) {
        ln = l->next;
        free(l);
    }
    gc__trace_free(h);
    free(h->wl);
    free(h->stack);
    free(h->globals);
    free(h);
}

/* ---- roots ---------------------------------------------------------------------- */

/* Appends slot to a growable array of slots. */
static int slots_append(gc_heap_t *h, void ****arr, size_t *n, size_t *cap, void **slot)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        void ***p = realloc(*arr, ncap * sizeof *p);
        if (!p)
            return gc__fail(h, -ENOMEM, "out of memory for roots");
        *arr = p;
        *cap = ncap;
    }
    (*arr)[(*n)++] = slot;
    return 0;
}

int gc_root_push(gc_heap_t *h, void **slot)
{
    if (!slot)
        return gc__fail(h, -EINVAL, "gc_root_push: NULL slot");
    return slots_append(h, &h->stack, &h->nstack, &h->capstack, slot);
}

int gc_root_pop(gc_heap_t *h)
{
    if (h->nstack == 0)
        return gc__fail(h, -EINVAL, "gc_root_pop: the root stack is empty");
    h->nstack--;
    return 0;
}

size_t gc_root_depth(const gc_heap_t *h)
{
    return h->nstack;
}

int gc_global_add(gc_heap_t *h, void **slot)
{
    if (!slot)
        return gc__fail(h, -EINVAL, "gc_global_add: NULL slot");
    return slots_append(h, &h->globals, &h->nglobals, &h->capglobals, slot);
}

int gc_global_remove(gc_heap_t *h, void **slot)
{
    for (size_t i = 0; i < h->nglobals; i++) {
        if (h->globals[i] == slot) {
            h->globals[i] = h->globals[--h->nglobals];
            return 0;
        }
    }
    return gc__fail(h, -ENOENT, "gc_global_remove: %p is not a registered global", (void *)slot);
}

/* ---- statistics ----------------------------------------------------------------- */

gc_phase_t gc_phase(const gc_heap_t *h)
{
    return h->phase;
}

int gc_stats(const gc_heap_t *h, gc_stats_t *out)
{
    if (!h || !out)
        return -EINVAL;
    *out = (gc_stats_t){
        .cycles = h->cycles, .begun = h->cyc.cycle, .phase = h->phase,
        .heap_alloc = h->heap_alloc, .heap_live = h->heap_live,
        .heap_objects = h->heap_objects, .next_gc = h->next_gc, .heap_sys = h->heap_sys,
        .heap_peak = h->heap_peak, .steps = h->steps, .pause_total_ns = h->pause_total,
        .pause_max_ns = h->pause_max,
    };
    return 0;
}

int gc_cycle_stats(const gc_heap_t *h, uint64_t cycle, gc_cycle_stats_t *out)
{
    if (cycle == 0 || cycle > h->cycles || h->cycles - cycle >= GC_CYCLE_RING)
        return -ENOENT;
    *out = h->ring[(cycle - 1) % GC_CYCLE_RING];
    return 0;
}

#else /* stub */

int gc_heap_new(const gc_config_t *c, gc_heap_t **out)
{
    (void)c;
    if (out)
        *out = NULL;
    return -ENOSYS;
}

void gc_heap_free(gc_heap_t *h) { free(h); }

const char *gc_last_error(const gc_heap_t *h)
{
    (void)h;
    return "not implemented";
}

int gc_root_push(gc_heap_t *h, void **slot)
{
    (void)h, (void)slot;
    return -ENOSYS;
}

int gc_root_pop(gc_heap_t *h)
{
    (void)h;
    return -ENOSYS;
}

size_t gc_root_depth(const gc_heap_t *h)
{
    (void)h;
    return 0;
}

int gc_global_add(gc_heap_t *h, void **slot)
{
    (void)h, (void)slot;
    return -ENOSYS;
}

int gc_global_remove(gc_heap_t *h, void **slot)
{
    (void)h, (void)slot;
    return -ENOSYS;
}

gc_phase_t gc_phase(const gc_heap_t *h)
{
    (void)h;
    return GC_PHASE_IDLE;
}

int gc_stats(const gc_heap_t *h, gc_stats_t *out)
{
    (void)h, (void)out;
    return -ENOSYS;
}

int gc_cycle_stats(const gc_heap_t *h, uint64_t cycle, gc_cycle_stats_t *out)
{
    (void)h, (void)cycle, (void)out;
    return -ENOSYS;
}

#endif
