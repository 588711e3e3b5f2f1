/*
 * fix.h — what the gc tests share: a node type with three pointer fields
 * and an id, and a heap whose on_free hook records which ids were freed.
 *
 * Interface: fix_open(&f, barrier, debug) → fix_node … → fix_freed(&f, id)
 * → fix_close(&f). Automatic cycles are off (GOGC < 0) unless a test
 * turns them on: the tests decide when cycles and steps happen.
 */
#ifndef GC_TEST_FIX_H
#define GC_TEST_FIX_H

#include <undergo/labtest.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gc.h"

typedef struct node {
    struct node *a, *b, *c;        /* pointer fields 0, 1, 2 */
    uint64_t id;                   /* set by fix_node; read by the free hook */
    uint64_t word;                 /* plain data */
} node_t;

static const size_t node_offsets[] = {offsetof(node_t, a), offsetof(node_t, b),
                                      offsetof(node_t, c)};
static const gc_type_t node_type = {"node", sizeof(node_t), 3, node_offsets};

typedef struct fix {
    gc_heap_t *h;
    gc_config_t cfg;
    uint8_t *freed;                /* freed[id] counts frees of that id */
    size_t cap;
    uint64_t next_id;
    size_t nfreed;
} fix_t;

static inline void fix_on_free(void *ctx, void *obj)
{
    fix_t *f = ctx;
    uint64_t id = ((node_t *)obj)->id;
    if (id < f->cap)
        f->freed[id]++;
    f->nfreed++;
}

/* Config with the test hooks; the heap is made by fix_start. */
static inline void fix_config(fix_t *f, gc_barrier_t barrier, size_t cap)
{
    memset(f, 0, sizeof *f);
    gc_config_default(&f->cfg);
    f->cfg.gogc = -1;
    f->cfg.barrier = barrier;
    f->cfg.debug = true;
    f->cfg.on_free = fix_on_free;
    f->cfg.ctx = f;
    f->cap = cap;
    f->next_id = 1;
}

static inline void fix_start(fix_t *f)
{
    f->freed = calloc(f->cap, 1);
    assert_non_null(f->freed);
    int rc = gc_heap_new(&f->cfg, &f->h);
    assert_int_equal(0, rc);
    assert_non_null(f->h);
}

static inline void fix_open(fix_t *f, gc_barrier_t barrier)
{
    fix_config(f, barrier, 4096);
    fix_start(f);
}

static inline void fix_close(fix_t *f)
{
    gc_heap_free(f->h);
    free(f->freed);
    f->h = NULL;
    f->freed = NULL;
}

/* A new node with the next id. */
static inline node_t *fix_node(fix_t *f)
{
    node_t *n = gc_alloc(f->h, &node_type);
    assert_non_null(n);
    n->id = f->next_id++;
    return n;
}

static inline bool fix_freed(const fix_t *f, uint64_t id)
{
    return id < f->cap && f->freed[id] > 0;
}

/* Steps with the given budget until the cycle is over. */
static inline void fix_finish(fix_t *f, size_t budget)
{
    for (int guard = 0; gc_phase(f->h) != GC_PHASE_IDLE; guard++) {
        long rc = gc_step(f->h, budget);
        assert_true(rc >= 0);
        assert_true(guard < 10000000);
    }
}

/* Steps with the given budget until the cycle is over; returns how many
 * steps failed, plus one if the cycle never ended. It asserts nothing, so
 * a test checks the result once, however many steps an implementation
 * takes. */
static inline uint64_t fix_steps_to_idle(fix_t *f, size_t budget)
{
    uint64_t failed = 0;
    for (long guard = 0; gc_phase(f->h) != GC_PHASE_IDLE && guard < 10000000; guard++)
        failed += gc_step(f->h, budget) < 0;
    return failed + (gc_phase(f->h) != GC_PHASE_IDLE);
}

/* Makes sure the roots are scanned (Yuasa's gc_begin scans them itself). */
static inline void fix_scan_roots(fix_t *f)
{
    int rc = gc_mark_roots(f->h);
    if (rc != 0 && rc != -EALREADY)
        fail_msg("gc_mark_roots: %d: %s", rc, gc_last_error(f->h));
}

static inline void fix_write(fix_t *f, void *obj, size_t field, void *value)
{
    int rc = gc_write(f->h, obj, field, value);
    if (rc != 0)
        fail_msg("gc_write: %d: %s", rc, gc_last_error(f->h));
}

#endif
