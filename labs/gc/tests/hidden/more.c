/*
 * more.c — hidden tests: globals, large objects, a collect in mid-cycle.
 */
#include "../fix.h"

static void test_global_root_keeps_its_object_until_removed(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    static void *global;
    global = fix_node(&f);
    uint64_t id = ((node_t *)global)->id;
    assert_int_equal(0, gc_global_add(f.h, &global));
    assert_int_equal(0, gc_collect(f.h));
    assert_false(fix_freed(&f, id));
    assert_int_equal(0, gc_global_remove(f.h, &global));
    assert_int_equal(0, gc_collect(f.h));
    assert_true(fix_freed(&f, id));
    fix_close(&f);
}

typedef struct big {
    node_t head;                   /* id lives where the free hook looks */
    char data[100000];
} big_t;

static const size_t big_offsets[] = {offsetof(big_t, head.a)};
static const gc_type_t big_type = {"big", sizeof(big_t), 1, big_offsets};

static void test_large_objects_are_marked_through_and_freed_with_their_bytes(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_YUASA);
    big_t *keep = gc_alloc(f.h, &big_type);
    assert_non_null(keep);
    keep->head.id = f.next_id++;
    assert_int_equal(0, gc_root_push(f.h, (void **)&keep));
    node_t *child = fix_node(&f);
    fix_write(&f, keep, 0, child);
    big_t *drop = gc_alloc(f.h, &big_type);
    assert_non_null(drop);
    drop->head.id = f.next_id++;
    uint64_t did = drop->head.id;
    gc_stats_t before, after;
    assert_int_equal(0, gc_stats(f.h, &before));
    assert_int_equal(0, gc_begin(f.h));
    fix_finish(&f, 1);
    assert_true(fix_freed(&f, did));
    assert_false(fix_freed(&f, child->id));
    assert_int_equal(0, gc_stats(f.h, &after));
    assert_int_equal(before.heap_alloc - sizeof(big_t), after.heap_alloc);
    assert_true(after.heap_sys < before.heap_sys);
    fix_close(&f);
}

static void test_collect_in_the_middle_of_a_cycle_finishes_it_and_runs_another(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    node_t *root = fix_node(&f);
    assert_int_equal(0, gc_root_push(f.h, (void **)&root));
    fix_write(&f, root, 0, fix_node(&f));
    assert_int_equal(0, gc_begin(f.h));
    assert_int_equal(1, gc_step(f.h, 1));
    uint64_t aid = root->a->id;
    fix_write(&f, root, 0, NULL);                  /* floating in cycle 1 */
    assert_int_equal(0, gc_collect(f.h));
    gc_stats_t st;
    assert_int_equal(0, gc_stats(f.h, &st));
    assert_int_equal(2, st.cycles);
    assert_int_equal(GC_PHASE_IDLE, st.phase);
    assert_true(fix_freed(&f, aid));               /* cycle 2 freed it */
    fix_close(&f);
}

UG_TEST_GROUP(gc_hidden, NULL, NULL,
    cmocka_unit_test(test_global_root_keeps_its_object_until_removed),
    cmocka_unit_test(test_large_objects_are_marked_through_and_freed_with_their_bytes),
    cmocka_unit_test(test_collect_in_the_middle_of_a_cycle_finishes_it_and_runs_another));
