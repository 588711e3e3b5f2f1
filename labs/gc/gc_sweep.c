/*
 * gc_sweep.c — freeing what marking left white, a slot at a time.
 *
 * When marking ends, every live object is black and the rest is white.
 * The sweep walks the blocks, then the large objects: a white object is
 * freed (its slot goes on the block's new free list), a black one turns
 * white for the next cycle. A block left with no object goes back to the
 * pool. Sweeping is budgeted per slot like marking is per object, so it
 * too runs in small steps; the block being swept is kept out of
 * allocation until it is done, so its free list is rebuilt in peace.
 *
 * The cursor only moves toward the tail of each list, and blocks and large
 * objects created during the sweep go to the head, so they are never
 * visited: they were born after the mark, and white is right for them.
 *
 * Interface: gc__sweep_start (goal, cursors) → gc__sweep_work … → IDLE.
 */
#include "gc_internal.h"

#include <stdlib.h>
#include <string.h>

#if LAB_SOLUTION

void gc__sweep_start(gc_heap_t *h)
{
    size_t live = h->cyc.marked_bytes;
    size_t goal = h->cfg.gogc >= 0 ? live + live / 100 * (size_t)h->cfg.gogc
                                       + live % 100 * (size_t)h->cfg.gogc / 100
                                   : live * 2;
    h->next_gc = goal > h->cfg.heap_min ? goal : h->cfg.heap_min;
    h->heap_live = live;           /* the garbage still in heap_alloc does not count */
    h->phase = GC_PHASE_SWEEP;
    gc__trigger_set(h);
    h->cyc.next_gc = h->next_gc;
    h->sweepgen++;
    h->sweep_next = h->blocks;
    h->sweep_cur = NULL;
    h->sweep_large = h->large;
    h->sweep_blocks_done = false;
    if (h->trace)
        gc__trace_frame(h, NULL, "marking done: no grey left; white objects are garbage");
}

/* Frees one white object: hook, accounting, poison, color. */
static inline void object_free(gc_heap_t *h, gc_obj_t *o)
{
    size_t size = gc__type(o)->size;
    if (h->cfg.on_free)
        h->cfg.on_free(h->cfg.ctx, gc__payload(o));
    h->heap_alloc -= size;
    h->heap_objects--;
    h->cyc.swept_objects++;
    h->cyc.swept_bytes += size;
    if (h->cfg.debug)
        memset(gc__payload(o), GC_POISON, size);
    gc__set_color(o, GC_FREED);
}

/* Takes b out of allocation and starts its sweep. */
static void block_open(gc_heap_t *h, gc_block_t *b)
{
    gc__partial_remove(h, b);
    if (h->cur[b->cls] == b)
        h->cur[b->cls] = NULL;
    h->sweep_cur = b;
    h->sweep_idx = 0;
    h->sweep_live = 0;
    h->sweep_free = NULL;
}

/* Ends b's sweep: new free list, then back to allocation or released. */
static void block_close(gc_heap_t *h, gc_block_t *b)
{
    h->sweep_cur = NULL;
    b->free = h->sweep_free;
    b->swept = h->sweepgen;
    if (h->sweep_live == 0)
        gc__block_release(h, b);
    else if (b->free || b->bump < b->nslots)
        gc__partial_push(h, b);
}

/* Sweeps slots of the open block; returns the units spent. */
static size_t block_sweep(gc_heap_t *h, gc_block_t *b, size_t budget)
{
    /* Locals, not h's fields, in the loop: it runs for every slot. */
    uint32_t i = h->sweep_idx, live = h->sweep_live;
    uint32_t end = b->bump - i < budget ? b->bump : i + (uint32_t)budget;
    gc_obj_t *free_list = h->sweep_free;
    size_t units = end - i;
    for (; i < end; i++) {
        gc_obj_t *o = (gc_obj_t *)(b->slots + (size_t)i * b->slot);
        if (gc__color(o) == GC_WHITE) {
            object_free(h, o);
        } else if (gc__color(o) != GC_FREED) {
            gc__set_color(o, GC_WHITE);
            live++;
            continue;
        }
        *(gc_obj_t **)gc__payload(o) = free_list;
        free_list = o;
    }
    h->sweep_idx = i;
    h->sweep_live = live;
    h->sweep_free = free_list;
    if (i == b->bump)
        block_close(h, b);
    return units;
}

/* Sweeps large objects; returns the units spent. */
static size_t large_sweep(gc_heap_t *h, size_t budget)
{
    size_t units = 0;
    while (units < budget && h->sweep_large) {
        gc_large_t *l = h->sweep_large;
        h->sweep_large = l->next;
        units++;
        if (gc__color(&l->hdr) != GC_WHITE) {
            gc__set_color(&l->hdr, GC_WHITE);
            continue;
        }
        object_free(h, &l->hdr);
        if (l->prev)
            l->prev->next = l->next;
        else
            h->large = l->next;
        if (l->next)
            l->next->prev = l->prev;
        h->heap_sys -= l->bytes;
        if (h->cfg.debug) {
            /* Kept mapped, poisoned, so a dangling pointer is caught. */
            l->next = h->large_freed;
            h->large_freed = l;
        } else {
            free(l);
        }
    }
    return units;
}

/* SWEEP → IDLE: the cycle's record goes into the ring. */
static void sweep_end(gc_heap_t *h)
{
    h->phase = GC_PHASE_IDLE;
    h->cyc.heap_end = h->heap_alloc;
    h->cycles++;
    h->ring[(h->cycles - 1) % GC_CYCLE_RING] = h->cyc;
    if (h->trace)
        gc__trace_frame(h, NULL, "sweep done: garbage freed, survivors white again");
}

size_t gc__sweep_work(gc_heap_t *h, size_t budget)
{
    size_t units = 0;
    while (units < budget && !h->sweep_blocks_done) {
        if (!h->sweep_cur) {
            gc_block_t *b = h->sweep_next;
            if (!b) {
                h->sweep_blocks_done = true;
                break;
            }
            h->sweep_next = b->next;
            block_open(h, b);
        }
        units += block_sweep(h, h->sweep_cur, budget - units);
    }
    if (units < budget)
        units += large_sweep(h, budget - units);
    if (h->sweep_blocks_done && !h->sweep_large && h->phase == GC_PHASE_SWEEP)
        sweep_end(h);
    return units;
}

#endif
