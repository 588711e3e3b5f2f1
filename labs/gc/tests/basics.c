/*
 * basics.c — whole collections: what is freed, what is kept, pacing,
 * statistics and errors. No incremental marking here.
 *
 * Every test draws its shapes from the seed (sizes, which objects die,
 * which fields hold the edges) and checks what the collector did as one
 * value: the list of freed ids, a count, a record written out as text.
 */
#include "fix.h"

/* A live cycle through the root and a dead one, allocated interleaved in a
 * seeded order, through seeded fields; every dead node also points into the
 * live cycle (an edge from garbage to live objects keeps no garbage). */
static void test_unreachable_cycle_is_freed(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    size_t nl = 2 + ug_rand_below(5), nd = 2 + ug_rand_below(11), il = 0, id = 0;
    node_t *live[6] = {NULL}, *dead[12] = {NULL};
    uint8_t want[64] = {0};
    while (il < nl || id < nd) {
        bool to_live = id == nd || (il < nl && ug_rand_below(2));
        node_t *n = fix_node(&f);
        if (to_live) {
            live[il++] = n;
        } else {
            dead[id++] = n;
            want[n->id] = 1;
        }
    }
    node_t *root = live[0];
    assert_int_equal(0, gc_root_push(f.h, (void **)&root));
    size_t kept;
    node_t *clutter = fix_clutter(&f, want, &kept);
    assert_int_equal(0, gc_root_push(f.h, (void **)&clutter));
    size_t fl = ug_rand_below(3), fd = ug_rand_below(3);
    char walk_want[128] = "", walk[128] = "", freed_want[128], freed[128];
    for (size_t i = 0; i < nl; i++) {
        fix_write(&f, live[i], fl, live[(i + 1) % nl]);
        FIX_CATF(walk_want, "%llu ", (unsigned long long)live[i]->id);
    }
    for (size_t i = 0; i < nd; i++) {
        fix_write(&f, dead[i], fd, dead[(i + 1) % nd]);
        fix_write(&f, dead[i], (fd + 1) % 3, live[ug_rand_below(nl)]);
    }
    fix_ids(freed_want, sizeof freed_want, want, f.next_id);
    assert_int_equal(0, gc_collect(f.h));
    assert_string_equal(freed_want, fix_freed_ids(&f, freed));
    /* The live cycle is whole: nl steps from the root lead back to it. */
    node_t *x = root;
    for (size_t i = 0; i < nl && x; i++, x = gc_read(f.h, x, fl))
        FIX_CATF(walk, "%llu ", (unsigned long long)x->id);
    assert_string_equal(walk_want, walk);
    assert_ptr_equal(root, x);
    gc_stats_t st;
    assert_int_equal(0, gc_stats(f.h, &st));
    assert_int_equal(nl + kept, st.heap_objects);
    assert_int_equal(0, gc_verify(f.h));
    fix_close(&f);
}

/* The root's data word holds a target's address, the targets' data words
 * hold each other's (some inside the payload): a precise collector keeps
 * only the targets held through pointer fields, a seeded few of them. */
static void test_integer_equal_to_an_address_keeps_nothing_alive(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    node_t *root = fix_node(&f);
    assert_int_equal(0, gc_root_push(f.h, (void **)&root));
    size_t n = 2 + ug_rand_below(7), held = ug_rand_below(n < 4 ? n : 4);
    node_t *t[8];
    size_t order[8], kept;
    uint8_t want[64] = {0};
    for (size_t i = 0; i < n; i++) {
        t[i] = fix_node(&f);
        order[i] = i;
    }
    for (size_t i = n - 1; i > 0; i--) { /* a seeded permutation */
        size_t j = ug_rand_below(i + 1), k = order[i];
        order[i] = order[j];
        order[j] = k;
    }
    /* order[0, held) are held through fields; the rest only through words. */
    for (size_t i = 0; i < held; i++)
        fix_write(&f, root, i, t[order[i]]);
    for (size_t i = held; i < n; i++)
        want[t[order[i]]->id] = 1;
    root->word = (uint64_t)(uintptr_t)t[order[held + ug_rand_below(n - held)]];
    for (size_t i = 0; i < n; i++)
        t[i]->word = (uint64_t)(uintptr_t)t[ug_rand_below(n)] + 8 * ug_rand_below(5);
    node_t *clutter = fix_clutter(&f, want, &kept);
    assert_int_equal(0, gc_root_push(f.h, (void **)&clutter));
    char freed_want[256], freed[256];
    fix_ids(freed_want, sizeof freed_want, want, f.next_id);
    assert_int_equal(0, gc_collect(f.h));
    assert_string_equal(freed_want, fix_freed_ids(&f, freed));
    gc_stats_t st;
    assert_int_equal(0, gc_stats(f.h, &st));
    assert_int_equal(1 + held + kept, st.heap_objects);
    fix_close(&f);
}

/* A list of a million and a few nodes: marking it recursively would need
 * a million nested frames. Then it is cut after a seeded number of nodes. */
static void test_million_element_list_marks_without_recursion(void **state)
{
    (void)state;
    size_t n = 1000000 + ug_rand_below(1000), keep = 1 + ug_rand_below(1000);
    fix_t f;
    fix_config(&f, GC_BARRIER_HYBRID, n + 1);
    f.cfg.debug = false;
    fix_start(&f);
    node_t *head = NULL;
    assert_int_equal(0, gc_root_push(f.h, (void **)&head));
    for (size_t i = 0; i < n; i++) {
        node_t *x = fix_node(&f);
        x->a = head; /* no cycle runs: a plain store is safe */
        head = x;
    }
    assert_int_equal(0, gc_collect(f.h));
    gc_cycle_stats_t c;
    assert_int_equal(0, gc_cycle_stats(f.h, 1, &c));
    assert_int_equal(n, c.marked_objects);
    assert_int_equal(0, c.swept_objects);
    /* Cut after `keep` nodes: ids n .. n-keep+1 stay, 1 .. n-keep go. */
    node_t *last = head;
    for (size_t i = 1; i < keep; i++)
        last = last->a;
    fix_write(&f, last, 0, NULL);
    assert_int_equal(0, gc_collect(f.h));
    assert_int_equal(0, gc_cycle_stats(f.h, 2, &c));
    assert_int_equal(keep, c.marked_objects);
    assert_int_equal(n - keep, c.swept_objects);
    assert_int_equal(n - keep, f.nfreed);
    size_t once = 0, kept_freed = 0;
    for (size_t id = 1; id <= n; id++) {
        if (id <= n - keep)
            once += f.freed[id] == 1;
        else
            kept_freed += f.freed[id];
    }
    assert_int_equal(n - keep, once);
    assert_int_equal(0, kept_freed);
    fix_close(&f);
}

/* Pointer-free blobs; the size of each pacing case's blobs is its own. */
typedef struct pacing {
    int gogc;
    size_t size;  /* blob payload bytes, 32 or more (the hook reads an id) */
    size_t live;  /* blobs kept by the first cycle */
    size_t first; /* blobs before it: first × size is heap_min exactly */
} pacing_t;

/* What the spec says the case does, in pacing_run's words; returns the
 * allocation (1-based) that starts the second cycle. */
static size_t pacing_expect(const pacing_t *p, char *out, size_t cap)
{
    size_t min = p->first * p->size, live = p->live * p->size;
    size_t goal = live + live * (size_t)p->gogc / 100;
    goal = goal > min ? goal : min;
    /* After the first cycle heap_live is the live blobs plus the new one;
     * the next cycle starts at the allocation that would pass the goal. */
    size_t quiet = (goal - (p->live + 1) * p->size) / p->size;
    snprintf(out, cap,
             "live %zu before; cycle 1 at %zu: goal %zu live %zu; cycle 2 at %zu; "
             "cycle 1 marked %zu of %zu, swept %zu",
             min, p->first + 1, goal, (p->live + 1) * p->size, p->first + 2 + quiet, live, min,
             p->first - p->live);
    return p->first + 2 + quiet;
}

/* Allocates blobs one by one, `p->live` of the first `p->first` kept by
 * roots, for as many allocations as the spec's second cycle needs, and
 * writes down when cycles began and what the first one recorded. */
static void pacing_run(const pacing_t *p, size_t total, char *out, size_t cap)
{
    const gc_type_t blob = {"blob", p->size, 0, NULL};
    static void *keep[128];
    memset(keep, 0, sizeof keep);
    fix_t f;
    fix_config(&f, GC_BARRIER_HYBRID, 16);
    f.cfg.gogc = p->gogc;
    f.cfg.heap_min = p->first * p->size;
    fix_start(&f);
    for (size_t i = 0; i < p->live; i++)
        assert_int_equal(0, gc_root_push(f.h, &keep[i]));
    size_t kept = 0, at[3] = {0, 0, 0}, live_before = 0, goal = 0, live_after = 0;
    uint64_t failed = 0;
    for (size_t i = 1; i <= total; i++) {
        void *b = gc_alloc(f.h, &blob);
        failed += b == NULL;
        /* a seeded choice of which of the first blobs live */
        if (i <= p->first && ug_rand_below(p->first - i + 1) < p->live - kept)
            keep[kept++] = b;
        gc_stats_t st = {0};
        failed += gc_stats(f.h, &st) != 0;
        for (uint64_t k = 1; k <= 2 && k <= st.begun; k++)
            at[k] = at[k] ? at[k] : i;
        if (i == p->first)
            live_before = st.heap_live;
        if (i == p->first + 1) {
            goal = st.next_gc;
            live_after = st.heap_live;
        }
    }
    gc_cycle_stats_t c = {0};
    failed += gc_cycle_stats(f.h, 1, &c) != 0;
    snprintf(out, cap,
             "live %zu before; cycle 1 at %zu: goal %zu live %zu; cycle 2 at %zu; "
             "cycle 1 marked %zu of %zu, swept %zu",
             live_before, at[1], goal, live_after, at[2], c.marked_bytes, c.heap_start,
             c.swept_objects);
    if (failed)
        fix_catf(out, cap, "; %llu calls failed", (unsigned long long)failed);
    fix_close(&f);
}

static void pacing_case(const pacing_t *p)
{
    char want[256], got[256];
    pacing_run(p, pacing_expect(p, want, sizeof want), got, sizeof got);
    assert_string_equal(want, got);
}

static void test_pacing_starts_a_cycle_when_the_heap_would_pass_live_times_one_plus_gogc(void **state)
{
    (void)state;
    /* 80 of 100 100-byte blobs live, heap_min 10000: goal 8000 × (1 + GOGC/100). */
    pacing_case(&(pacing_t){100, 100, 80, 100}); /* 16000 */
    pacing_case(&(pacing_t){50, 100, 80, 100});  /* 12000 */
    pacing_case(&(pacing_t){10, 100, 80, 100});  /* 8800 is below heap_min */
    /* Seeded: live × size a multiple of 200, so the goal is exact; one GOGC
     * keeps the goal below heap_min, the other (never 100) above it. */
    size_t live = 25 * (1 + ug_rand_below(4)), size = 8 * (4 + ug_rand_below(20));
    size_t dead = 1 + ug_rand_below(live);
    int low = (int)ug_rand_below((100 * dead - 1) / live + 1);
    int high = (int)(100 * dead / live + 1 + ug_rand_below(200));
    high = high == 100 ? 101 + (int)ug_rand_below(100) : high;
    pacing_case(&(pacing_t){low, size, live, live + dead});
    pacing_case(&(pacing_t){high, size, live, live + dead});
}

/* Pointer-free objects of a seeded size, next to the nodes. */
typedef struct census {
    size_t nodes, blobs;
} census_t;

/* One cycle's record as text: the fields the spec fixes. */
static void cycle_text(const gc_cycle_stats_t *c, char *out, size_t cap)
{
    snprintf(out, cap, "cycle %llu: marked %zu (%zu B), swept %zu (%zu B), heap %zu -> %zu",
             (unsigned long long)c->cycle, c->marked_objects, c->marked_bytes, c->swept_objects,
             c->swept_bytes, c->heap_start, c->heap_end);
}

static void test_collect_records_marked_swept_and_heap_per_cycle(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    const size_t bsize = 8 * (4 + ug_rand_below(60)), nsize = sizeof(node_t);
    const gc_type_t blob = {"blob", bsize, 0, NULL};
    void *keep[40] = {NULL};
    for (int i = 0; i < 40; i++)
        assert_int_equal(0, gc_root_push(f.h, &keep[i]));
    /* Cycle 1: a seeded mix of kept and dead nodes and blobs. */
    census_t kept = {0}, dead = {0};
    size_t n = 10 + ug_rand_below(30), nkeep = 0;
    uint64_t failed = 0;
    bool is_blob[40];
    for (size_t i = 0; i < n; i++) {
        bool b = ug_rand_below(3) == 0, k = ug_rand_below(2);
        void *o = b ? gc_alloc(f.h, &blob) : (void *)fix_node(&f);
        failed += o == NULL;
        *(b ? (k ? &kept.blobs : &dead.blobs) : (k ? &kept.nodes : &dead.nodes)) += 1;
        if (k) {
            is_blob[nkeep] = b;
            keep[nkeep++] = o;
        }
    }
    size_t start = (kept.nodes + dead.nodes) * nsize + (kept.blobs + dead.blobs) * bsize;
    size_t live = kept.nodes * nsize + kept.blobs * bsize;
    char want[256], got[256];
    snprintf(want, sizeof want, "cycle 1: marked %zu (%zu B), swept %zu (%zu B), heap %zu -> %zu",
             kept.nodes + kept.blobs, live, dead.nodes + dead.blobs, start - live, start, live);
    assert_int_equal(0, gc_collect(f.h));
    gc_cycle_stats_t c = {0};
    assert_int_equal(0, gc_cycle_stats(f.h, 1, &c));
    cycle_text(&c, got, sizeof got);
    assert_string_equal(want, got);
    assert_true(c.steps >= 1);
    gc_stats_t st;
    assert_int_equal(0, gc_stats(f.h, &st));
    assert_int_equal(1, st.cycles);
    assert_int_equal(kept.nodes + kept.blobs, st.heap_objects);
    assert_int_equal(live, st.heap_alloc);
    assert_true(st.heap_sys >= st.heap_alloc);
    assert_int_equal(-ENOENT, gc_cycle_stats(f.h, 2, &c));
    /* Cycle 2: a seeded number of the kept objects dropped, more garbage. */
    size_t drop = ug_rand_below(nkeep + 1), more = 1 + ug_rand_below(20);
    census_t gone = {0};
    for (size_t i = 0; i < drop; i++) {
        *(is_blob[i] ? &gone.blobs : &gone.nodes) += 1;
        keep[i] = NULL; /* a root write */
    }
    for (size_t i = 0; i < more; i++)
        fix_node(&f);
    size_t start2 = live + more * nsize, live2 = live - gone.nodes * nsize - gone.blobs * bsize;
    snprintf(want, sizeof want, "cycle 2: marked %zu (%zu B), swept %zu (%zu B), heap %zu -> %zu",
             nkeep - drop, live2, drop + more, start2 - live2, start2, live2);
    assert_int_equal(0, gc_collect(f.h));
    assert_int_equal(0, gc_cycle_stats(f.h, 2, &c));
    cycle_text(&c, got, sizeof got);
    assert_string_equal(want, got);
    assert_int_equal(0, gc_stats(f.h, &st));
    assert_int_equal(2, st.cycles);
    assert_int_equal(nkeep - drop, st.heap_objects);
    assert_int_equal(-ENOENT, gc_cycle_stats(f.h, 3, &c));
    assert_int_equal(0, failed);
    fix_close(&f);
}

static void test_popping_an_empty_root_stack_is_a_clear_error(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    assert_int_equal(-EINVAL, gc_root_pop(f.h));
    assert_non_null(strstr(gc_last_error(f.h), "empty"));
    /* Seeded depth; the slots hold nodes in a seeded order, so the nodes
     * a collection frees after 1 to n pops name the slots popped. Clutter
     * under them, held by the bottom root, dies in part beside them. */
    void *slots[64] = {NULL};
    size_t n = 1 + ug_rand_below(64), some = 1 + ug_rand_below(n), kept;
    for (size_t i = 0; i < n; i++) {
        size_t j = ug_rand_below(i + 1);
        slots[i] = slots[j];
        slots[j] = fix_node(&f);
    }
    uint8_t want[128] = {0};
    for (size_t i = n - some; i < n; i++)
        want[((node_t *)slots[i])->id] = 1;
    node_t *hold = fix_clutter(&f, want, &kept);
    char ids[512], expect[512];
    fix_ids(expect, sizeof expect, want, f.next_id);
    int64_t failed = gc_root_push(f.h, (void **)&hold) != 0;
    for (size_t i = 0; i < n; i++)
        failed += gc_root_push(f.h, &slots[i]) != 0;
    assert_int_equal(1 + n, gc_root_depth(f.h));
    for (size_t i = 0; i < some; i++)
        failed += gc_root_pop(f.h) != 0;
    assert_int_equal(1 + n - some, gc_root_depth(f.h));
    failed += gc_collect(f.h) != 0;
    assert_string_equal(expect, fix_freed_ids(&f, ids));
    gc_stats_t st = {0};
    failed += gc_stats(f.h, &st) != 0;
    assert_int_equal(n - some + kept, st.heap_objects);
    for (size_t i = some; i <= n; i++)
        failed += gc_root_pop(f.h) != 0;
    assert_int_equal(0, failed);
    assert_int_equal(0, gc_root_depth(f.h));
    assert_int_equal(-EINVAL, gc_root_pop(f.h));
    assert_non_null(strstr(gc_last_error(f.h), "empty"));
    assert_int_equal(0, gc_root_depth(f.h));
    assert_int_equal(-EINVAL, gc_root_push(f.h, NULL));
    fix_close(&f);
}

/* A seeded number of nodes die; one of them, through a seeded field, is
 * stored into and stored. */
static void test_storing_into_a_freed_object_is_a_clear_error_in_debug_mode(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    node_t *root = fix_node(&f);
    assert_int_equal(0, gc_root_push(f.h, (void **)&root));
    size_t n = 1 + ug_rand_below(8), k = ug_rand_below(3);
    node_t *dead[8];
    uint8_t want[64] = {0};
    size_t kept;
    node_t *clutter = fix_clutter(&f, want, &kept);
    assert_int_equal(0, gc_root_push(f.h, (void **)&clutter));
    for (size_t i = 0; i < n; i++) {
        dead[i] = fix_node(&f);
        want[dead[i]->id] = 1;
    }
    node_t *gone = dead[ug_rand_below(n)];
    char freed_want[256], freed[256];
    fix_ids(freed_want, sizeof freed_want, want, f.next_id);
    assert_int_equal(0, gc_collect(f.h));
    assert_string_equal(freed_want, fix_freed_ids(&f, freed));
    assert_int_equal(GC_FREED, gc_color(f.h, gone));
    assert_int_equal(-EFAULT, gc_write(f.h, gone, k, root));
    assert_non_null(strstr(gc_last_error(f.h), "freed"));
    assert_int_equal(-EFAULT, gc_write(f.h, root, k, gone));
    assert_null(gc_read(f.h, root, k)); /* the bad store did not happen */
    assert_int_equal(0, gc_write(f.h, root, k, root));
    node_t *self = gc_read(f.h, root, k);
    assert_non_null(self);
    assert_int_equal(1, self ? self->id : 0);
    fix_close(&f);
}

/* Seeded calls, good and bad, each written down as its result; the
 * expected line is what the spec says of each. */
static void test_bad_types_fields_and_calls_are_rejected_with_a_message(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    assert_null(gc_alloc(f.h, NULL));
    assert_true(strlen(gc_last_error(f.h)) > 0);
    /* Types: good, size 0, a pointer field past the payload; the size and
     * the offsets are seeded. */
    size_t size = 8 * (4 + ug_rand_below(6)), words = size / 8; /* the hook reads 32 */
    size_t good_off[1] = {8 * ug_rand_below(words)};
    size_t past_off[1] = {size - 8 + 8 * (1 + ug_rand_below(3))};
    const gc_type_t types[] = {
        {"good", size, 1, good_off},
        {"empty", 0, 0, NULL},
        {"past", size, 1, past_off},
    };
    char want[256] = "", got[256] = "";
    for (int i = 0; i < 8; i++) {
        size_t t = i < 3 ? (size_t)i : ug_rand_below(3);
        void *o = gc_alloc(f.h, &types[t]);
        FIX_CATF(want, "%s:%s ", types[t].name, t == 0 ? "ok" : "NULL");
        FIX_CATF(got, "%s:%s ", types[t].name, o ? "ok" : "NULL");
        if (!o && !*gc_last_error(f.h))
            FIX_CATF(got, "(no message) ");
    }
    assert_string_equal(want, got);
    /* Fields: a node has three; seeded field numbers, some past them. */
    node_t *n = fix_node(&f);
    assert_int_equal(0, gc_root_push(f.h, (void **)&n));
    assert_int_equal(-EINVAL, gc_write(f.h, n, 3, NULL));
    assert_non_null(strstr(gc_last_error(f.h), "field"));
    want[0] = got[0] = 0;
    for (int i = 0; i < 8; i++) {
        size_t field = ug_rand_below(3) ? ug_rand_below(3) : 3 + ug_rand_below(1000);
        int rc = gc_write(f.h, n, field, n);
        FIX_CATF(want, "%zu:%d ", field, field < 3 ? 0 : -EINVAL);
        FIX_CATF(got, "%zu:%d ", field, rc);
        FIX_CATF(want, "%s ", field < 3 ? "self" : "NULL");
        void *r = gc_read(f.h, n, field);
        FIX_CATF(got, "%s ", r == n ? "self" : r ? "other" : "NULL");
    }
    assert_string_equal(want, got);
    /* Calls in the wrong state. */
    assert_int_equal(-EINVAL, gc_step(f.h, 0));
    assert_int_equal(-EINVAL, gc_mark_roots(f.h));
    assert_int_equal(0, gc_begin(f.h));
    assert_int_equal(-EBUSY, gc_begin(f.h));
    assert_int_equal(0, gc_mark_roots(f.h));
    assert_int_equal(-EALREADY, gc_mark_roots(f.h));
    assert_int_equal(-EINVAL, gc_step(f.h, 0));
    void *g = NULL;
    assert_int_equal(-ENOENT, gc_global_remove(f.h, &g));
    assert_int_equal(-EINVAL, gc_global_add(f.h, NULL));
    gc_heap_t *h2 = (gc_heap_t *)1;
    assert_int_equal(-EINVAL, gc_heap_new(NULL, &h2));
    assert_null(h2);
    fix_close(&f);
}

/* A large object: over the small-object limit, so it has a malloc of its
 * own and is swept apart from the blocks. */
typedef struct large {
    node_t head;                   /* id lives where the free hook looks */
    char data[8000];
} large_t;

static const size_t large_offsets[] = {offsetof(large_t, head.a)};
static const gc_type_t large_type = {"large", sizeof(large_t), 1, large_offsets};

/* A large object that survives a cycle turns white again like any
 * survivor, so the next cycle scans it again: the small children only it
 * holds (a chain of 1 to 6, from the seed) survive every one of them (2 to
 * 5, from the seed, each a whole collection or a stepped cycle), and are
 * freed with it once it is dropped; seeded clutter lives and dies beside. */
static void test_a_large_survivor_is_scanned_again_by_every_later_cycle(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    large_t *big = gc_alloc(f.h, &large_type);
    if (!big)
        fail_msg("gc_alloc: NULL for a large object: %s", gc_last_error(f.h));
    big->head.id = f.next_id++;
    uint64_t bid = big->head.id;
    assert_int_equal(0, gc_root_push(f.h, (void **)&big));
    uint8_t want[64] = {0};
    size_t kept;
    node_t *clutter = fix_clutter(&f, want, &kept);
    assert_int_equal(0, gc_root_push(f.h, (void **)&clutter));
    size_t m = 1 + ug_rand_below(6);
    node_t *child = fix_chain(&f, m, 0);
    uint64_t cid = child->id; /* the chain's head, the last made */
    fix_write(&f, big, 0, child);
    child = NULL;
    uint64_t cycles = 2 + ug_rand_below(4), lost = 0, failed = 0;
    for (uint64_t i = 0; i < cycles; i++) {
        if (ug_rand_below(2))
            failed += gc_collect(f.h) != 0;
        else
            failed += (gc_begin(f.h) != 0) + fix_steps_to_idle(&f, 1 + ug_rand_below(4));
        for (uint64_t id = cid - m + 1; id <= cid; id++)
            lost += fix_frees(&f, id);
    }
    assert_int_equal(0, failed);
    assert_int_equal(0, lost);
    node_t *first = gc_read(f.h, big, 0);
    assert_int_equal(cid, first ? first->id : 0);
    big = NULL;                                    /* dropped: a root write */
    assert_int_equal(0, gc_collect(f.h));
    want[bid] = 1;
    for (uint64_t id = cid - m + 1; id <= cid; id++)
        want[id] = 1;
    char freed_want[256], freed[256];
    fix_ids(freed_want, sizeof freed_want, want, f.next_id);
    assert_string_equal(freed_want, fix_freed_ids(&f, freed));
    gc_stats_t st;
    assert_int_equal(0, gc_stats(f.h, &st));
    assert_int_equal(kept, st.heap_objects);
    assert_int_equal(cycles + 1, st.cycles);
    fix_close(&f);
}

UG_TEST_GROUP(gc_basics, NULL, NULL,
    cmocka_unit_test(test_a_large_survivor_is_scanned_again_by_every_later_cycle),
    cmocka_unit_test(test_unreachable_cycle_is_freed),
    cmocka_unit_test(test_integer_equal_to_an_address_keeps_nothing_alive),
    cmocka_unit_test(test_million_element_list_marks_without_recursion),
    cmocka_unit_test(test_pacing_starts_a_cycle_when_the_heap_would_pass_live_times_one_plus_gogc),
    cmocka_unit_test(test_collect_records_marked_swept_and_heap_per_cycle),
    cmocka_unit_test(test_popping_an_empty_root_stack_is_a_clear_error),
    cmocka_unit_test(test_storing_into_a_freed_object_is_a_clear_error_in_debug_mode),
    cmocka_unit_test(test_bad_types_fields_and_calls_are_rejected_with_a_message));
