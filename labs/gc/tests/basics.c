/*
 * basics.c — whole collections: what is freed, what is kept, pacing,
 * statistics and errors. No incremental marking here.
 */
#include "fix.h"

static void test_unreachable_cycle_is_freed(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    node_t *root = fix_node(&f);
    assert_int_equal(0, gc_root_push(f.h, (void **)&root));
    node_t *kept = fix_node(&f);
    fix_write(&f, root, 0, kept);
    fix_write(&f, kept, 0, root);                  /* a live cycle through the root */
    node_t *x = fix_node(&f), *y = fix_node(&f), *z = fix_node(&f);
    fix_write(&f, x, 0, y);
    fix_write(&f, y, 0, z);
    fix_write(&f, z, 0, x);                        /* a dead cycle */
    uint64_t xid = x->id, yid = y->id, zid = z->id;
    assert_int_equal(0, gc_collect(f.h));
    assert_true(fix_freed(&f, xid));
    assert_true(fix_freed(&f, yid));
    assert_true(fix_freed(&f, zid));
    assert_false(fix_freed(&f, root->id));
    assert_false(fix_freed(&f, kept->id));
    assert_ptr_equal(root, kept->a);
    assert_int_equal(0, gc_verify(f.h));
    fix_close(&f);
}

static void test_integer_equal_to_an_address_keeps_nothing_alive(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    node_t *root = fix_node(&f);
    assert_int_equal(0, gc_root_push(f.h, (void **)&root));
    node_t *target = fix_node(&f);
    uint64_t tid = target->id;
    /* The address sits in a data field: a precise collector ignores it. */
    root->word = (uint64_t)(uintptr_t)target;
    assert_int_equal(0, gc_collect(f.h));
    assert_true(fix_freed(&f, tid));
    assert_false(fix_freed(&f, root->id));
    fix_close(&f);
}

static void test_million_element_list_marks_without_recursion(void **state)
{
    (void)state;
    fix_t f;
    fix_config(&f, GC_BARRIER_HYBRID, 1100000);
    f.cfg.debug = false;
    fix_start(&f);
    node_t *head = NULL;
    assert_int_equal(0, gc_root_push(f.h, (void **)&head));
    for (int i = 0; i < 1000000; i++) {
        node_t *n = fix_node(&f);
        n->a = head;                               /* no cycle runs: a plain store is safe */
        head = n;
    }
    assert_int_equal(0, gc_collect(f.h));
    gc_cycle_stats_t c;
    assert_int_equal(0, gc_cycle_stats(f.h, 1, &c));
    assert_int_equal(1000000, c.marked_objects);
    assert_int_equal(0, c.swept_objects);
    /* Cut after the second element: 999998 become garbage. */
    fix_write(&f, head->a, 0, NULL);
    assert_int_equal(0, gc_collect(f.h));
    assert_int_equal(0, gc_cycle_stats(f.h, 2, &c));
    assert_int_equal(2, c.marked_objects);
    assert_int_equal(999998, c.swept_objects);
    assert_int_equal(999998, f.nfreed);
    fix_close(&f);
}

/* 100-byte blobs with no pointers. */
static const gc_type_t blob_type = {"blob", 100, 0, NULL};

static void pacing_case(int gogc, size_t want_goal)
{
    fix_t f;
    fix_config(&f, GC_BARRIER_HYBRID, 16);
    f.cfg.gogc = gogc;
    f.cfg.heap_min = 10000;
    fix_start(&f);
    static void *keep[80];
    memset(keep, 0, sizeof keep);
    for (int i = 0; i < 80; i++)
        assert_int_equal(0, gc_root_push(f.h, &keep[i]));
    gc_stats_t st;
    /* 100 allocations reach the goal (10000) exactly without passing it. */
    for (int i = 0; i < 100; i++) {
        void *p = gc_alloc(f.h, &blob_type);
        assert_non_null(p);
        if (i < 80)
            keep[i] = p;
        assert_int_equal(0, gc_stats(f.h, &st));
        assert_int_equal(0, st.begun);
    }
    assert_int_equal(10000, st.heap_live);
    /* The 101st would pass it: a cycle runs first and finds 80 blobs live
     * (its sweep may be left to later allocations). */
    assert_non_null(gc_alloc(f.h, &blob_type));
    assert_int_equal(0, gc_stats(f.h, &st));
    assert_int_equal(1, st.begun);
    assert_int_equal(want_goal, st.next_gc);
    assert_int_equal(8100, st.heap_live);
    /* The next cycle waits until an allocation would pass want_goal. */
    size_t quiet = (want_goal - 8100) / 100;
    for (size_t i = 0; i < quiet; i++) {
        assert_non_null(gc_alloc(f.h, &blob_type));
        assert_int_equal(0, gc_stats(f.h, &st));
        assert_int_equal(1, st.begun);
    }
    assert_non_null(gc_alloc(f.h, &blob_type));
    assert_int_equal(0, gc_stats(f.h, &st));
    assert_int_equal(2, st.begun);
    assert_true(st.cycles >= 1);
    gc_cycle_stats_t c;
    assert_int_equal(0, gc_cycle_stats(f.h, 1, &c));
    assert_int_equal(8000, c.marked_bytes);
    assert_int_equal(10000, c.heap_start);
    assert_int_equal(20, c.swept_objects);
    fix_close(&f);
}

static void test_pacing_starts_a_cycle_when_the_heap_would_pass_live_times_one_plus_gogc(void **state)
{
    (void)state;
    pacing_case(100, 16000);                       /* 8000 × (1 + 100/100) */
    pacing_case(50, 12000);                        /* 8000 × (1 + 50/100) */
    pacing_case(10, 10000);                        /* 8800 is below heap_min */
}

static void test_collect_records_marked_swept_and_heap_per_cycle(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    node_t *keep[10];
    for (int i = 0; i < 10; i++) {
        keep[i] = fix_node(&f);
        assert_int_equal(0, gc_root_push(f.h, (void **)&keep[i]));
    }
    for (int i = 0; i < 5; i++)
        fix_node(&f);
    assert_int_equal(0, gc_collect(f.h));
    gc_cycle_stats_t c;
    assert_int_equal(0, gc_cycle_stats(f.h, 1, &c));
    assert_int_equal(1, c.cycle);
    assert_int_equal(10, c.marked_objects);
    assert_int_equal(10 * sizeof(node_t), c.marked_bytes);
    assert_int_equal(5, c.swept_objects);
    assert_int_equal(5 * sizeof(node_t), c.swept_bytes);
    assert_int_equal(15 * sizeof(node_t), c.heap_start);
    assert_int_equal(10 * sizeof(node_t), c.heap_end);
    assert_true(c.steps >= 1);
    gc_stats_t st;
    assert_int_equal(0, gc_stats(f.h, &st));
    assert_int_equal(1, st.cycles);
    assert_int_equal(10, st.heap_objects);
    assert_true(st.heap_sys >= st.heap_alloc);
    assert_int_equal(-ENOENT, gc_cycle_stats(f.h, 2, &c));
    fix_close(&f);
}

static void test_popping_an_empty_root_stack_is_a_clear_error(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    assert_int_equal(-EINVAL, gc_root_pop(f.h));
    assert_non_null(strstr(gc_last_error(f.h), "empty"));
    void *slot = NULL;
    assert_int_equal(0, gc_root_push(f.h, &slot));
    assert_int_equal(1, gc_root_depth(f.h));
    assert_int_equal(0, gc_root_pop(f.h));
    assert_int_equal(-EINVAL, gc_root_pop(f.h));
    assert_int_equal(0, gc_root_depth(f.h));
    fix_close(&f);
}

static void test_storing_into_a_freed_object_is_a_clear_error_in_debug_mode(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    node_t *root = fix_node(&f);
    assert_int_equal(0, gc_root_push(f.h, (void **)&root));
    node_t *gone = fix_node(&f);
    uint64_t gid = gone->id;
    assert_int_equal(0, gc_collect(f.h));
    assert_true(fix_freed(&f, gid));
    assert_int_equal(GC_FREED, gc_color(f.h, gone));
    assert_int_equal(-EFAULT, gc_write(f.h, gone, 0, root));
    assert_non_null(strstr(gc_last_error(f.h), "freed"));
    assert_int_equal(-EFAULT, gc_write(f.h, root, 0, gone));
    assert_null(root->a);                          /* the bad store did not happen */
    assert_int_equal(0, gc_write(f.h, root, 0, root));
    fix_close(&f);
}

static void test_bad_types_fields_and_calls_are_rejected_with_a_message(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    assert_null(gc_alloc(f.h, NULL));
    assert_true(strlen(gc_last_error(f.h)) > 0);
    static const gc_type_t empty = {"empty", 0, 0, NULL};
    assert_null(gc_alloc(f.h, &empty));
    static const size_t past[] = {16};
    static const gc_type_t outside = {"outside", 16, 1, past};
    assert_null(gc_alloc(f.h, &outside));
    node_t *n = fix_node(&f);
    assert_int_equal(-EINVAL, gc_write(f.h, n, 3, NULL));
    assert_non_null(strstr(gc_last_error(f.h), "field"));
    assert_int_equal(-EINVAL, gc_step(f.h, 0));
    assert_int_equal(0, gc_begin(f.h));
    assert_int_equal(-EBUSY, gc_begin(f.h));
    assert_int_equal(0, gc_mark_roots(f.h));
    assert_int_equal(-EALREADY, gc_mark_roots(f.h));
    void *g = NULL;
    assert_int_equal(-ENOENT, gc_global_remove(f.h, &g));
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
 * survivor, so the next cycle scans it again: the small child only it holds
 * survives every one of them (2 to 5, from the seed, each a whole
 * collection or a stepped cycle), and is freed with it once it is dropped. */
static void test_a_large_survivor_is_scanned_again_by_every_later_cycle(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    large_t *big = gc_alloc(f.h, &large_type);
    assert_non_null(big);
    big->head.id = f.next_id++;
    uint64_t bid = big->head.id;
    assert_int_equal(0, gc_root_push(f.h, (void **)&big));
    node_t *child = fix_node(&f);
    uint64_t cid = child->id;
    fix_write(&f, big, 0, child);
    child = NULL;
    uint64_t cycles = 2 + ug_rand_below(4), lost = 0, failed = 0;
    for (uint64_t i = 0; i < cycles; i++) {
        if (ug_rand_below(2))
            failed += gc_collect(f.h) != 0;
        else
            failed += (gc_begin(f.h) != 0) + fix_steps_to_idle(&f, 1 + ug_rand_below(4));
        lost += fix_freed(&f, cid);
    }
    assert_int_equal(0, failed);
    assert_int_equal(0, lost);
    assert_int_equal(cid, ((node_t *)gc_read(f.h, big, 0))->id);
    big = NULL;                                    /* dropped: a root write */
    assert_int_equal(0, gc_collect(f.h));
    assert_int_equal(1, f.freed[bid]);
    assert_int_equal(1, f.freed[cid]);
    gc_stats_t st;
    assert_int_equal(0, gc_stats(f.h, &st));
    assert_int_equal(0, st.heap_objects);
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
