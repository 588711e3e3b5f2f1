/*
 * gc_alloc.c — allocation: size classes, blocks, large objects, pacing.
 *
 * A small object takes a slot from its class's current block: first the
 * block's free list, then a never-used slot. When the block is full the
 * next block with free slots comes off the class's partial list, and only
 * then is a new 64 KB block taken (from the pool of empty blocks, or the
 * system). Objects over GC_SMALL_MAX bytes get their own malloc.
 *
 * Pacing is GOGC's rule: after a cycle marked `live` bytes, the goal is
 * live × (1 + GOGC/100), never below heap_min. heap_live counts the marked
 * bytes plus everything allocated since (before the first cycle: all that
 * was allocated). An allocation that would take heap_live past the goal
 * first runs a collection (full mode: the mark stops the world, the sweep
 * is then done lazily by allocation, as in Go) or starts a cycle and does
 * its first step (incremental, where the cycle starts earlier, halfway
 * from the live heap to the goal, to finish marking near the goal). While
 * a cycle runs, every step_bytes of allocation pays for one step: the
 * allocating mutator assists, as Go's do, with a budget sized to finish
 * the expected marking in time.
 *
 * Interface: gc_alloc → (pace → auto_collect | pace_incremental) →
 * class_take → block_take | block_new; gc__block_release, gc__partial_*.
 */
#include "gc_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#if LAB_SOLUTION

/* ---- blocks ---------------------------------------------------------------------- */

void gc__partial_push(gc_heap_t *h, gc_block_t *b)
{
    if (b->in_partial)
        return;
    b->pprev = NULL;
    b->pnext = h->partial[b->cls];
    if (b->pnext)
        b->pnext->pprev = b;
    h->partial[b->cls] = b;
    b->in_partial = true;
}

void gc__partial_remove(gc_heap_t *h, gc_block_t *b)
{
    if (!b->in_partial)
        return;
    if (b->pprev)
        b->pprev->pnext = b->pnext;
    else
        h->partial[b->cls] = b->pnext;
    if (b->pnext)
        b->pnext->pprev = b->pprev;
    b->in_partial = false;
}

static void heap_sys_add(gc_heap_t *h, size_t bytes)
{
    h->heap_sys += bytes;
    if (h->heap_sys > h->heap_peak)
        h->heap_peak = h->heap_sys;
}

/* A fresh block for class cls, linked at the head of the block list (so a
 * sweep in progress, which walks toward the tail, never visits it). */
static gc_block_t *block_new(gc_heap_t *h, uint32_t cls)
{
    gc_block_t *b = h->pool;
    if (b) {
        h->pool = b->next;
        h->npool--;
    } else {
        b = aligned_alloc(GC_BLOCK_SIZE, GC_BLOCK_SIZE);
        if (!b)
            return NULL;
        heap_sys_add(h, GC_BLOCK_SIZE);
    }
    size_t head = (sizeof *b + 15) & ~(size_t)15;
    *b = (gc_block_t){.cls = cls, .slot = cls * GC_GRAIN, .swept = h->sweepgen};
    b->slots = (char *)b + head;
    b->nslots = (uint32_t)((GC_BLOCK_SIZE - head) / b->slot);
    b->next = h->blocks;
    if (h->blocks)
        h->blocks->prev = b;
    h->blocks = b;
    return b;
}

void gc__block_release(gc_heap_t *h, gc_block_t *b)
{
    gc__partial_remove(h, b);
    if (h->cur[b->cls] == b)
        h->cur[b->cls] = NULL;
    if (b->prev)
        b->prev->next = b->next;
    else if (h->blocks == b)
        h->blocks = b->next;
    if (b->next)
        b->next->prev = b->prev;
    /* Blocks up to the goal's worth are kept: the heap will grow back to
     * the goal before the next cycle, and a block given back now would
     * cost page faults then. Debug heaps keep every block, so a dangling
     * pointer still finds a poisoned header instead of unmapped memory. */
    if (h->npool * GC_BLOCK_SIZE < h->next_gc || h->npool < GC_POOL_MIN || h->cfg.debug) {
        b->next = h->pool;
        h->pool = b;
        h->npool++;
    } else {
        free(b);
        h->heap_sys -= GC_BLOCK_SIZE;
    }
}

/* A free slot of b, or NULL if b is full. */
static gc_obj_t *block_take(gc_block_t *b)
{
    gc_obj_t *o = b->free;
    if (o) {
        b->free = *(gc_obj_t **)gc__payload(o);
        /* The next allocation's slot: fetch it while the caller works. */
        __builtin_prefetch(b->free, 1);
        return o;
    }
    if (b->bump < b->nslots)
        return (gc_obj_t *)(b->slots + (size_t)b->bump++ * b->slot);
    return NULL;
}

/* A slot of class cls and its block; NULL when out of memory. */
static gc_obj_t *class_take(gc_heap_t *h, uint32_t cls, gc_block_t **bp)
{
    gc_block_t *b = h->cur[cls];
    gc_obj_t *o = b ? block_take(b) : NULL;
    while (!o) {
        b = h->partial[cls];
        /* Before growing, sweep: the garbage of unswept blocks is the
         * cheapest memory there is, and a block just swept is still in
         * the cache when we allocate from it (Go sweeps spans here too). */
        for (int k = 0; !b && h->phase == GC_PHASE_SWEEP && k < GC_LAZY_SWEEP_CHUNKS; k++) {
            gc__sweep_work(h, GC_LAZY_SWEEP_CHUNK);
            b = h->partial[cls];
        }
        if (b)
            gc__partial_remove(h, b);
        else if (!(b = block_new(h, cls)))
            return NULL;
        h->cur[cls] = b;
        o = block_take(b);
    }
    *bp = b;
    return o;
}

/* A large object's header, linked at the head of the large list. */
static gc_obj_t *large_take(gc_heap_t *h, size_t size)
{
    size_t bytes = sizeof(gc_large_t) + size;
    /* calloc: memory fresh from the system is known zero and not touched
     * again, so a big object costs no page faults until it is used. */
    gc_large_t *l = calloc(1, bytes);
    if (!l)
        return NULL;
    l->bytes = bytes;
    l->prev = NULL;
    l->next = h->large;
    if (h->large)
        h->large->prev = l;
    h->large = l;
    heap_sys_add(h, bytes);
    return &l->hdr;
}

/* ---- pacing --------------------------------------------------------------------- */

/* Incremental mode starts a cycle halfway from the live heap to the
 * goal, so the marking can be spread over the other half (Go's trigger).
 * Called when the goal changes; gc_alloc compares with h->trigger. */
void gc__trigger_set(gc_heap_t *h)
{
    size_t live = h->cycles || h->phase == GC_PHASE_SWEEP ? h->cyc.marked_bytes : 0;
    h->trigger = h->cfg.gogc < 0 ? SIZE_MAX : live + (h->next_gc - live) / 2;
}

/* The budget of one automatic step: enough marking to finish by the
 * goal at this rate of steps (at most GC_ASSIST_MAX times the configured
 * budget), or a sweep of GC_SWEEP_PER_UNIT slots per unit (a slot is
 * much cheaper to sweep than an object to scan). */
static size_t assist_budget(const gc_heap_t *h)
{
    size_t budget = h->cfg.step_budget;
    if (h->phase == GC_PHASE_SWEEP)
        return budget * GC_SWEEP_PER_UNIT;
    size_t left = h->next_gc > h->heap_live ? h->next_gc - h->heap_live : 0;
    size_t steps = left / h->cfg.step_bytes + 1;
    size_t work = h->mark_est > h->scanned ? h->mark_est - h->scanned : 0;
    size_t want = 2 * work / steps;
    if (want > budget)
        budget = want < budget * GC_ASSIST_MAX ? want : budget * GC_ASSIST_MAX;
    return budget;
}

/* Incremental mode: start a cycle at the trigger, or pay for a step
 * (gc_alloc calls this only when one of the two is due). */
static void pace_incremental(gc_heap_t *h, size_t size)
{
    h->assist_bytes = 0;
    uint64_t t0 = gc__now();
    if (h->phase == GC_PHASE_IDLE) {
        gc__begin(h);
        gc__pause(h, t0, gc__work(h, h->cfg.step_budget));
        return;
    }
    /* Sweeping is left to allocation, which finds each block hot in the
     * cache right after sweeping it, until the next cycle is due. */
    if (h->phase == GC_PHASE_SWEEP && h->heap_live + size <= h->trigger)
        return;
    /* Past twice the goal the steps are not keeping up: finish now. */
    if (h->heap_live > 2 * h->next_gc) {
        gc__finish(h);
        gc__pause(h, t0, 0);
        return;
    }
    gc__pause(h, t0, gc__work(h, assist_budget(h)));
}

/* Full mode: a stop-the-world mark; the sweep is left to allocation. */
static void auto_collect(gc_heap_t *h)
{
    uint64_t t0 = gc__now();
    gc__finish(h);                 /* the last cycle's lazy sweep, if any */
    gc__begin(h);
    while (h->phase == GC_PHASE_MARK)
        gc__work(h, SIZE_MAX);
    gc__pause(h, t0, 0);
}

/* Runs the GC work an allocation of `size` bytes owes, if any: the
 * common case costs a comparison or two. */
static inline void pace(gc_heap_t *h, size_t size)
{
    if (h->cfg.incremental) {
        h->assist_bytes += size;
        if (h->phase == GC_PHASE_IDLE ? h->heap_live + size > h->trigger
                                      : h->assist_bytes >= h->cfg.step_bytes)
            pace_incremental(h, size);
        return;
    }
    /* A cycle the caller is stepping by hand is left alone. */
    if (h->cfg.gogc >= 0 && h->heap_live + size > h->next_gc && h->phase != GC_PHASE_MARK)
        auto_collect(h);
}

/* ---- gc_alloc ------------------------------------------------------------------- */

/* Zeroes a new payload: a small slot's `words` words with plain stores
 * (most objects are a few words, and a memset call would cost more than
 * the stores), else `size` bytes. */
static inline void payload_zero(void *p, size_t words, size_t size)
{
    uint64_t *w = p;
    switch (words) {
    case 4: w[3] = 0; __attribute__((fallthrough));
    case 3: w[2] = 0; __attribute__((fallthrough));
    case 2: w[1] = 0; __attribute__((fallthrough));
    case 1: w[0] = 0; break;
    default: memset(p, 0, size); break;
    }
}

static int type_check_offsets(gc_heap_t *h, const gc_type_t *t);

/* Returns 0 if t is a usable type, else the error. */
static inline int type_check(gc_heap_t *h, const gc_type_t *t)
{
    if (!t || t->size == 0 || (t->nptrs && !t->offsets))
        return gc__fail(h, -EINVAL, "gc_alloc: bad type (NULL, size 0 or no offsets)");
    return h->cfg.debug ? type_check_offsets(h, t) : 0;
}

/* The debug check of a type's offsets. */
static int type_check_offsets(gc_heap_t *h, const gc_type_t *t)
{
    for (size_t i = 0; i < t->nptrs; i++)
        if (t->offsets[i] % sizeof(void *) || t->offsets[i] + sizeof(void *) > t->size)
            return gc__fail(h, -EINVAL, "gc_alloc: type %s: pointer field %zu at offset %zu "
                            "is misaligned or past the payload", t->name ? t->name : "?", i,
                            t->offsets[i]);
    return 0;
}

void *gc_alloc(gc_heap_t *h, const gc_type_t *t)
{
    if (type_check(h, t) < 0)
        return NULL;
    size_t size = t->size;
    pace(h, size);
    size_t slot = (sizeof(gc_obj_t) + size + GC_GRAIN - 1) & ~(size_t)(GC_GRAIN - 1);
    gc_block_t *b = NULL;
    gc_obj_t *o;
    if (slot <= GC_SMALL_MAX)
        o = class_take(h, (uint32_t)(slot / GC_GRAIN), &b);
    else
        o = large_take(h, size);
    if (!o) {
        gc__fail(h, -ENOMEM, "gc_alloc: out of memory for a %zu-byte %s", size,
                 t->name ? t->name : "object");
        return NULL;
    }
    /* Born black while marking (the mark is past it), and in a block the
     * sweep has yet to reach (the sweep would otherwise free it). */
    uint8_t color = GC_WHITE;
    if (h->phase == GC_PHASE_MARK || (h->phase == GC_PHASE_SWEEP && b && b->swept != h->sweepgen))
        color = GC_BLACK;
    o->word = (uintptr_t)t | (uintptr_t)color;
    if (b)
        payload_zero(gc__payload(o), (b->slot - sizeof *o) / 8, size);
    if (color == GC_BLACK && h->phase == GC_PHASE_MARK) {
        h->cyc.marked_objects++;
        h->cyc.marked_bytes += size;
    }
    h->heap_alloc += size;
    h->heap_live += size;
    h->heap_objects++;
    if (h->trace)
        gc__trace_frame(h, o, "allocate #%u (%s)", gc__trace_id(h, o),
                        color == GC_BLACK ? "born black: marking is on" : "white");
    return gc__payload(o);
}

/* ---- walking the heap ------------------------------------------------------------- */

static void block_each(gc_heap_t *h, gc_block_t *b, void (*fn)(gc_heap_t *, gc_obj_t *, void *),
                       void *ctx)
{
    for (uint32_t i = 0; i < b->bump; i++) {
        gc_obj_t *o = (gc_obj_t *)(b->slots + (size_t)i * b->slot);
        if (gc__color(o) != GC_FREED)
            fn(h, o, ctx);
    }
}

void gc__each_object(gc_heap_t *h, void (*fn)(gc_heap_t *, gc_obj_t *, void *), void *ctx)
{
    for (gc_block_t *b = h->blocks; b; b = b->next)
        block_each(h, b, fn, ctx);
    for (gc_large_t *l = h->large; l; l = l->next)
        fn(h, &l->hdr, ctx);
}

#else /* stub */

void *gc_alloc(gc_heap_t *h, const gc_type_t *t)
{
    (void)h, (void)t;
    return NULL;
}

#endif
