/*
 * gc.h — a tri-color mark-sweep collector for typed objects, after Go's.
 *
 * Every object has a type that lists the byte offsets of its pointer
 * fields, so marking is precise: a word that merely looks like an address
 * keeps nothing alive. Roots are explicit: a shadow stack of slots (the
 * addresses of the caller's local pointer variables), pushed and popped
 * like stack frames, plus global slots. Roots are read, never barriered,
 * exactly as Go never barriers stack writes.
 *
 * A cycle is IDLE → MARK → SWEEP → IDLE. Marking greys the roots, then
 * blackens grey objects one by one from an explicit worklist; sweeping
 * frees what is still white. gc_collect runs a whole cycle at once (stop
 * the world); gc_begin + gc_step run it in bounded steps while the caller
 * (the mutator) keeps working in between, which is what the write barrier
 * is for. Objects allocated while marking are born black.
 *
 * Interface: gc_config_default → gc_heap_new → gc_root_push / gc_global_add
 * → gc_alloc / gc_write … (cycles start by themselves: GOGC pacing) or
 * gc_collect, gc_begin + gc_step → gc_stats / gc_verify / gc_trace_html →
 * gc_heap_free. Functions return 0 (or a count) or a negative errno; the
 * message of the last error is gc_last_error(). One heap, one thread.
 */
#ifndef UNDERGO_GC_H
#define UNDERGO_GC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gc_heap gc_heap_t;

/* An object type: payload size and where its pointer fields are. Owned by
 * the caller and must outlive every object of the type. Payloads are
 * 8-aligned. */
typedef struct gc_type {
    const char *name;          /* shown in errors and traces */
    size_t size;               /* payload bytes (> 0) */
    size_t nptrs;              /* number of pointer fields */
    const size_t *offsets;     /* byte offset of each pointer field, 8-aligned */
} gc_type_t;

typedef enum gc_barrier {
    GC_BARRIER_NONE,           /* no barrier: incremental marking is unsafe */
    GC_BARRIER_DIJKSTRA,       /* insertion: shade the new value; roots rescanned at the end */
    GC_BARRIER_YUASA,          /* deletion: shade the old value (snapshot at the beginning) */
    GC_BARRIER_HYBRID,         /* Go 1.8: shade old; shade new until the roots are scanned */
} gc_barrier_t;

typedef enum gc_color { GC_WHITE, GC_GREY, GC_BLACK, GC_FREED } gc_color_t;

typedef enum gc_phase { GC_PHASE_IDLE, GC_PHASE_MARK, GC_PHASE_SWEEP } gc_phase_t;

typedef struct gc_config {
    int gogc;                  /* GOGC percent; < 0 turns automatic cycles off */
    size_t heap_min;           /* the goal before the first cycle, bytes */
    gc_barrier_t barrier;
    bool incremental;          /* automatic cycles run as steps inside gc_alloc */
    size_t step_budget;        /* work units of one automatic step */
    size_t step_bytes;         /* bytes allocated between automatic steps */
    bool debug;                /* poison freed objects, check every store */
    /* Called for each object just before it is freed; may not touch the heap. */
    void (*on_free)(void *ctx, void *obj);
    /* Called after each pause (a step or a whole collection) with its length. */
    void (*on_pause)(void *ctx, uint64_t ns, size_t units);
    void *ctx;                 /* passed to the hooks */
} gc_config_t;

/* Heap-wide counters. Byte counts are payload bytes (gc_type_t.size). */
typedef struct gc_stats {
    uint64_t cycles;           /* completed cycles (swept to the end) */
    uint64_t begun;            /* cycles begun, the running one included */
    gc_phase_t phase;
    size_t heap_alloc;         /* bytes of allocated objects, unswept garbage included */
    size_t heap_objects;       /* allocated objects */
    size_t heap_live;          /* marked by the last cycle + allocated since */
    size_t next_gc;            /* a cycle starts when an allocation would take
                                  heap_live past this */
    size_t heap_sys;           /* bytes held from the system (blocks, large objects) */
    size_t heap_peak;          /* the largest heap_sys so far */
    uint64_t steps;            /* pauses so far (steps and collections) */
    uint64_t pause_total_ns;
    uint64_t pause_max_ns;
} gc_stats_t;

/* One cycle's record. */
typedef struct gc_cycle_stats {
    uint64_t cycle;            /* 1 for the first cycle */
    size_t heap_start;         /* heap_alloc when the cycle began */
    size_t marked_objects;     /* black at the end of marking (allocated-black included) */
    size_t marked_bytes;
    size_t swept_objects;      /* freed by this cycle's sweep */
    size_t swept_bytes;
    size_t heap_end;           /* heap_alloc when the sweep finished */
    size_t next_gc;            /* the goal this cycle set */
    uint64_t steps;            /* pauses that did this cycle's work */
    uint64_t pause_total_ns;
    uint64_t pause_max_ns;
} gc_cycle_stats_t;

/* ---- the heap ---------------------------------------------------------------- */

/* Fills *c with the defaults: GOGC 100, 4 MB heap_min, hybrid barrier,
 * full (not incremental) cycles, 1000-unit steps every 64 KB. Can't fail.
 * Automatic cycles in full mode mark with the world stopped and leave the
 * sweep to later allocations (or the next cycle), as Go does. */
void gc_config_default(gc_config_t *c);

/* Creates a heap; *out owns it (free with gc_heap_free). Returns 0, -EINVAL
 * for a bad config, -ENOMEM. */
int gc_heap_new(const gc_config_t *c, gc_heap_t **out);

/* Frees the heap and every object in it (no on_free calls). NULL is a no-op. */
void gc_heap_free(gc_heap_t *h);

/* The message of the last failed call on h, or "" if none. Owned by h. */
const char *gc_last_error(const gc_heap_t *h);

/* ---- objects ------------------------------------------------------------------ */

/* A new zeroed object of type t, owned by the heap; it lives while it is
 * reachable from a root. May run GC work first. NULL on error (bad type,
 * out of memory): see gc_last_error. */
void *gc_alloc(gc_heap_t *h, const gc_type_t *t);

/* obj's pointer field number `field` = value, through the write barrier.
 * Returns 0, -EINVAL (bad field), -EFAULT (obj or value freed, debug). */
int gc_write(gc_heap_t *h, void *obj, size_t field, void *value);

/* obj's pointer field number `field` (reads need no barrier), NULL if bad. */
void *gc_read(const gc_heap_t *h, const void *obj, size_t field);

/* ---- roots -------------------------------------------------------------------- */

/* Pushes the address of a pointer variable on the shadow stack. The
 * variable must stay valid until popped. Returns 0, -EINVAL, -ENOMEM. */
int gc_root_push(gc_heap_t *h, void **slot);

/* Pops the top slot. Returns 0, or -EINVAL when the stack is empty. */
int gc_root_pop(gc_heap_t *h);

/* Number of slots on the shadow stack. */
size_t gc_root_depth(const gc_heap_t *h);

/* Registers a global pointer variable as a root. Returns 0, -EINVAL, -ENOMEM. */
int gc_global_add(gc_heap_t *h, void **slot);

/* Unregisters a global. Returns 0, or -ENOENT if it was not registered. */
int gc_global_remove(gc_heap_t *h, void **slot);

/* ---- cycles ------------------------------------------------------------------- */

/* Finishes any cycle in progress, then runs a whole cycle with the world
 * stopped. Returns 0 or -ENOMEM. */
int gc_collect(gc_heap_t *h);

/* Starts an incremental cycle (IDLE → MARK) and turns the barrier on; the
 * roots are not scanned yet, except under Yuasa's barrier, whose snapshot
 * they are. Returns 0, or -EBUSY if a cycle is running. */
int gc_begin(gc_heap_t *h);

/* Scans the roots now (greys what they point to), as the first step would.
 * Returns 0, -EINVAL outside MARK, -EALREADY if they were scanned. */
int gc_mark_roots(gc_heap_t *h);

/* One bounded step: at most `budget` work units (one object blackened, one
 * heap slot or large object swept); the roots are scanned whole on the
 * first step, and the Dijkstra barrier's final root rescan and drain is one
 * unbounded step. Returns the units done (0 when IDLE), -EINVAL if
 * budget is 0, -ENOMEM. */
long gc_step(gc_heap_t *h, size_t budget);

/* The current phase. */
gc_phase_t gc_phase(const gc_heap_t *h);

/* ---- inspection ------------------------------------------------------------------- */

/* obj's color; GC_FREED for a freed slot (reliable with debug on). */
gc_color_t gc_color(const gc_heap_t *h, const void *obj);

/* Checks the heap: no live pointer to a freed object (-EFAULT), and while
 * marking, the tri-color invariant the barrier promises (-EPROTO): the
 * strong one for Dijkstra (no black → white edge), the weak one otherwise
 * (every white object held by a black one is reachable from a grey object
 * through white ones). Returns 0 or the error, message in gc_last_error. */
int gc_verify(gc_heap_t *h);

/* Copies the heap counters into *out. Returns 0 or -EINVAL. */
int gc_stats(const gc_heap_t *h, gc_stats_t *out);

/* Copies the record of cycle number `cycle` (1-based; the last 16 are kept).
 * Returns 0, -ENOENT if unknown or not finished. */
int gc_cycle_stats(const gc_heap_t *h, uint64_t cycle, gc_cycle_stats_t *out);

/* ---- trace -------------------------------------------------------------------- */

/* Starts recording a frame at every step and barrier shade (for heaps of at
 * most 64 objects; bigger heaps record nothing). Returns 0 or -ENOMEM. */
int gc_trace_start(gc_heap_t *h);

/* Writes the recorded frames as one self-contained HTML page (no external
 * references) that animates them. Returns 0, -EINVAL if nothing recorded,
 * or -errno of the failed write. */
int gc_trace_html(gc_heap_t *h, const char *path);

#endif
