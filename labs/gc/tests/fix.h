/*
 * fix.h — what the gc tests share: a node type with three pointer fields
 * and an id, and a heap whose on_free hook records which ids were freed.
 *
 * Interface: fix_open(&f, barrier) → fix_node / fix_chain / fix_clutter …
 * → fix_frees, fix_freed_ids (what was freed, as a value a test checks
 * once) → fix_close(&f). Automatic cycles are off (GOGC < 0) unless a
 * test turns them on: the tests decide when cycles and steps happen.
 *
 * The helpers check nothing per call (they run in loops of up to a million
 * iterations): a failed allocation or store ends the test with a message,
 * which a correct collector never causes, and a test checks aggregates —
 * counts, the list of freed ids — once, with the value it expects.
 */
#ifndef GC_TEST_FIX_H
#define GC_TEST_FIX_H

#include <undergo/labtest.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
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
    if (id < f->cap && f->freed[id] < UINT8_MAX)
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
    if (!f->freed)
        fail_msg("out of memory for %zu free counters", f->cap);
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

/* A new node with the next id; a failed allocation ends the test. */
static inline node_t *fix_node(fix_t *f)
{
    node_t *n = gc_alloc(f->h, &node_type);
    if (!n)
        fail_msg("gc_alloc: NULL for node %llu: %s", (unsigned long long)f->next_id,
                 gc_last_error(f->h));
    n->id = f->next_id++;
    return n;
}

/* How many times the node with this id was freed (1 at most, if right). */
static inline unsigned fix_frees(const fix_t *f, uint64_t id)
{
    return id < f->cap ? f->freed[id] : 0;
}

/* The ids in [1, n) whose count is not 0, ascending, as "3 4 9" (a count
 * above one as "9*2"), or "-" when there is none. Returns buf. */
static inline const char *fix_ids(char *buf, size_t cap, const uint8_t *count, uint64_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (uint64_t id = 1; id < n && len + 1 < cap; id++) {
        if (!count[id])
            continue;
        int w = count[id] > 1 ? snprintf(buf + len, cap - len, "%s%llu*%u", len ? " " : "",
                                         (unsigned long long)id, (unsigned)count[id])
                              : snprintf(buf + len, cap - len, "%s%llu", len ? " " : "",
                                         (unsigned long long)id);
        len = w > 0 && len + (size_t)w < cap ? len + (size_t)w : cap - 1;
    }
    if (!len)
        snprintf(buf, cap, "-");
    return buf;
}

/* Appends to the string in buf (cap bytes), cutting what does not fit. */
static inline void fix_catf(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void fix_catf(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

/* fix_catf into an array. */
#define FIX_CATF(buf, ...) fix_catf((buf), sizeof(buf), __VA_ARGS__)

/* The ids freed so far, as fix_ids writes them; buf is an array. */
#define fix_freed_ids(f, buf) fix_ids((buf), sizeof(buf), (f)->freed, (f)->next_id)

/* A chain of n new nodes linked through `field`; returns its head (NULL
 * for n = 0). Its nodes are not rooted while it is built: no cycle may
 * start meanwhile (automatic cycles off), though one may be running. */
static inline node_t *fix_chain(fix_t *f, size_t n, size_t field)
{
    node_t *head = NULL;
    for (size_t i = 0; i < n; i++) {
        node_t *x = fix_node(f);
        int rc = gc_write(f->h, x, field, head);
        if (rc != 0)
            fail_msg("gc_write: %d: %s", rc, gc_last_error(f->h));
        head = x;
    }
    return head;
}

/* Seeded clutter around a scene: 16 to 32 new nodes, each at random
 * garbage (its id set in dead[], which must cover every id) or linked
 * into a chain through field 0, whose head it returns for the caller to
 * hold (NULL if none); *kept gets the chain's length. The freed ids then
 * differ from seed to seed in some 24 bits. No cycle may start meanwhile. */
static inline node_t *fix_clutter(fix_t *f, uint8_t *dead, size_t *kept)
{
    node_t *head = NULL;
    size_t n = 16 + ug_rand_below(17);
    *kept = 0;
    for (size_t i = 0; i < n; i++) {
        node_t *x = fix_node(f);
        int rc;
        if (ug_rand_below(2)) {
            rc = gc_write(f->h, x, 0, head);
            head = x;
            ++*kept;
        } else {
            dead[x->id] = 1;
            rc = gc_write(f->h, x, 1, head); /* garbage may point at live nodes */
        }
        if (rc != 0)
            fail_msg("gc_write: %d: %s", rc, gc_last_error(f->h));
    }
    return head;
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

/* Steps the running cycle to its end: one check, however many steps. */
#define fix_finish(f, budget) assert_int_equal(0, fix_steps_to_idle((f), (budget)))

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
