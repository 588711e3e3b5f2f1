/*
 * gc_internal.h — the heap's layout, shared by the collector's files.
 *
 * Small objects live in 64 KB blocks, each block holding slots of one size
 * class (a multiple of 8 bytes, header included); bigger objects are
 * allocated one by one ("large"). Every object starts with a one-word
 * header (type and color), and the caller sees the payload just after it
 * (8-aligned).
 * A block hands out slots from its free list, then by bumping an index into
 * slots never used, so a fresh block needs no set-up.
 *
 * Sweeping uses a generation number, as Go's spans do: a block whose
 * `swept` differs from the heap's `sweepgen` still holds last cycle's
 * colors, so an object allocated in it is born black (the sweep will turn
 * it white); in a block already swept it is born white.
 *
 * Interface (internal): gc__hdr/gc__payload convert; gc__shade greys;
 * gc__alloc_object (gc_alloc.c) → gc__mark_* (gc_mark.c) → gc__sweep_*
 * (gc_sweep.c); gc__trace_frame (gc_trace.c) records for the HTML page.
 */
#ifndef GC_INTERNAL_H
#define GC_INTERNAL_H

#include "gc.h"

#if LAB_SOLUTION

#include <stdarg.h>

#define GC_BLOCK_SIZE ((size_t)64 << 10)
#define GC_GRAIN 8
#define GC_SMALL_MAX 1024                          /* largest small slot, header included */
#define GC_NCLASSES (GC_SMALL_MAX / GC_GRAIN + 1)
#define GC_CYCLE_RING 16
#define GC_LAZY_SWEEP_CHUNK 1024                   /* slots an allocation sweeps at a time */
#define GC_LAZY_SWEEP_CHUNKS 32                    /* chunks one allocation sweeps, at most */
#define GC_SWEEP_PER_UNIT 32                       /* automatic steps: slots per unit */
#define GC_ASSIST_MAX 8                            /* automatic steps: budget growth cap */
#define GC_POOL_MIN 8                              /* empty blocks always kept for reuse */
#define GC_POISON 0xdb

/* The header before every payload: one word, the type pointer with the
 * color in its two low bits and the verifier's scratch flag in the third
 * (types are 8-aligned, so those bits are free). One word, not two, makes
 * a binary-tree node 32 bytes instead of 40: less to mark, sweep and cache. */
typedef struct gc_obj {
    uintptr_t word;
} gc_obj_t;

#define GC__COLOR_MASK ((uintptr_t)3)
#define GC__SEEN ((uintptr_t)4)

static inline const gc_type_t *gc__type(const gc_obj_t *o)
{
    return (const gc_type_t *)(o->word & ~(uintptr_t)7);
}

static inline gc_color_t gc__color(const gc_obj_t *o)
{
    return (gc_color_t)(o->word & GC__COLOR_MASK);
}

static inline void gc__set_color(gc_obj_t *o, gc_color_t c)
{
    o->word = (o->word & ~GC__COLOR_MASK) | (uintptr_t)c;
}

typedef struct gc_block {
    struct gc_block *next, *prev;  /* every block in use */
    struct gc_block *pnext, *pprev;/* the class's blocks with free slots */
    bool in_partial;
    uint32_t cls, slot, nslots;
    uint32_t bump;                 /* slots [bump, nslots) were never used */
    uint64_t swept;                /* the sweepgen of its last sweep */
    gc_obj_t *free;                /* free slots; link in the first payload word */
    char *slots;
} gc_block_t;

typedef struct gc_large {
    struct gc_large *next, *prev;
    size_t bytes;                  /* what was taken from malloc */
    gc_obj_t hdr;                  /* the payload follows, 16-aligned */
} gc_large_t;

struct gc_trace;

struct gc_heap {
    gc_config_t cfg;
    char err[256];

    /* roots */
    void ***stack;
    size_t nstack, capstack;
    void ***globals;
    size_t nglobals, capglobals;

    /* allocation (gc_alloc.c) */
    gc_block_t *blocks;
    gc_block_t *cur[GC_NCLASSES];
    gc_block_t *partial[GC_NCLASSES];
    gc_block_t *pool;
    size_t npool;
    gc_large_t *large;
    gc_large_t *large_freed;       /* debug: freed large objects, kept mapped */
    size_t heap_alloc, heap_objects, heap_sys, heap_peak, next_gc;
    size_t heap_live;              /* marked by the last cycle + allocated since: paces */
    size_t trigger;                /* incremental mode: a cycle begins past this */
    size_t assist_bytes;           /* allocated since the last automatic step */
    size_t mark_est;               /* objects this cycle should scan (last cycle's count) */
    size_t scanned;                /* objects this cycle has scanned so far */

    /* the cycle (gc_mark.c, gc_sweep.c) */
    gc_phase_t phase;
    bool roots_scanned;
    uint64_t sweepgen;
    gc_obj_t **wl;                 /* the grey worklist (a stack) */
    size_t nwl, capwl;
    bool wl_failed;                /* a push found no memory: finish STW */
    gc_block_t *sweep_next;        /* the next block to sweep */
    gc_block_t *sweep_cur;         /* the block being swept: listed, not allocated from */
    uint32_t sweep_idx, sweep_live;
    gc_obj_t *sweep_free;
    gc_large_t *sweep_large;       /* the next large object to sweep */
    bool sweep_blocks_done;
    gc_cycle_stats_t cyc;
    gc_cycle_stats_t ring[GC_CYCLE_RING];
    uint64_t cycles, steps, pause_total, pause_max;

    struct gc_trace *trace;        /* NULL unless tracing */
};

static inline gc_obj_t *gc__hdr(const void *payload)
{
    return (gc_obj_t *)payload - 1;
}

static inline void *gc__payload(gc_obj_t *o)
{
    return o + 1;
}

static inline void **gc__field(gc_obj_t *o, size_t i)
{
    return (void **)((char *)(o + 1) + gc__type(o)->offsets[i]);
}

/* Records the error message; returns err (a negative errno). */
int gc__fail(gc_heap_t *h, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Monotonic nanoseconds. */
uint64_t gc__now(void);

/* Ends a pause that began at t0: statistics and the on_pause hook. */
void gc__pause(gc_heap_t *h, uint64_t t0, size_t units);

/* Greys a white object (NULL is ignored). */
void gc__shade(gc_heap_t *h, gc_obj_t *o);

/* Starts a cycle: IDLE → MARK. */
void gc__begin(gc_heap_t *h);

/* At most budget units of the cycle's work; returns the units done. */
size_t gc__work(gc_heap_t *h, size_t budget);

/* Runs the cycle in progress to its end, unbounded. */
void gc__finish(gc_heap_t *h);

/* MARK → SWEEP: sets the goal and the sweep cursors. */
void gc__sweep_start(gc_heap_t *h);

/* Recomputes h->trigger from the goal (incremental pacing). */
void gc__trigger_set(gc_heap_t *h);

/* At most budget units of sweeping; SWEEP → IDLE when done. */
size_t gc__sweep_work(gc_heap_t *h, size_t budget);

/* Gives an empty block back (pool or system). */
void gc__block_release(gc_heap_t *h, gc_block_t *b);

/* Puts b on its class's list of blocks with free slots. */
void gc__partial_push(gc_heap_t *h, gc_block_t *b);

/* Takes b off that list (if on it). */
void gc__partial_remove(gc_heap_t *h, gc_block_t *b);

/* Calls fn on every allocated (not freed) object. */
void gc__each_object(gc_heap_t *h, void (*fn)(gc_heap_t *, gc_obj_t *, void *), void *ctx);

/* Records a trace frame if tracing; `hl` is highlighted, `note` says why. */
void gc__trace_frame(gc_heap_t *h, gc_obj_t *hl, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The small number an object goes by in traces (0 when not tracing). */
unsigned gc__trace_id(gc_heap_t *h, const gc_obj_t *o);

/* Frees the trace recording. */
void gc__trace_free(gc_heap_t *h);

#else

/* The stub needs no layout: every function fails with -ENOSYS. */
struct gc_heap {
    int unused;
};

#endif
#endif
