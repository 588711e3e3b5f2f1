/*
 * more.c — hidden tests: globals, large objects, a collect in mid-cycle.
 */
#include "../fix.h"

#define NGLOBALS 6

/* Seeded chains held by globals (and one by a stack root, which the
 * globals must not be confused with); a seeded subset of the globals is
 * removed, and only their chains are freed. */
static void test_global_root_keeps_its_object_until_removed(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    static void *globals[NGLOBALS];
    uint64_t first[NGLOBALS + 1];
    size_t n = 1 + ug_rand_below(NGLOBALS);
    for (size_t i = 0; i < n; i++) {
        first[i] = f.next_id;
        globals[i] = fix_chain(&f, 1 + ug_rand_below(4), ug_rand_below(3));
        assert_int_equal(0, gc_global_add(f.h, &globals[i]));
    }
    first[n] = f.next_id;
    node_t *local = fix_chain(&f, 1 + ug_rand_below(3), 0);
    assert_int_equal(0, gc_root_push(f.h, (void **)&local));
    uint64_t end = f.next_id;
    fix_chain(&f, 1 + ug_rand_below(4), 0); /* garbage */
    uint8_t want[96] = {0};
    for (uint64_t id = end; id < f.next_id; id++)
        want[id] = 1;
    size_t kept;
    node_t *clutter = fix_clutter(&f, want, &kept);
    assert_int_equal(0, gc_root_push(f.h, (void **)&clutter));
    char ids[512], expect[512];
    fix_ids(expect, sizeof expect, want, f.next_id);
    assert_int_equal(0, gc_collect(f.h));
    assert_string_equal(expect, fix_freed_ids(&f, ids));
    /* Remove a seeded subset (at least one); the rest keep their chains,
     * for a whole collection and for a stepped cycle alike. */
    uint64_t failed = 0;
    size_t must = ug_rand_below(n);
    for (size_t i = 0; i < n; i++) {
        if (i != must && ug_rand_below(2))
            continue;
        failed += gc_global_remove(f.h, &globals[i]) != 0;
        for (uint64_t id = first[i]; id < first[i + 1]; id++)
            want[id] = 1;
    }
    fix_ids(expect, sizeof expect, want, f.next_id);
    if (ug_rand_below(2))
        failed += gc_collect(f.h) != 0;
    else
        failed += (gc_begin(f.h) != 0) + fix_steps_to_idle(&f, 1 + ug_rand_below(3));
    assert_int_equal(0, failed);
    assert_string_equal(expect, fix_freed_ids(&f, ids));
    assert_int_equal(-ENOENT, gc_global_remove(f.h, &globals[must]));
    fix_close(&f);
}

typedef struct big {
    node_t head;                   /* id lives where the free hook looks */
    char data[];
} big_t;

static const size_t big_offsets[] = {offsetof(big_t, head.a)};

/* Large objects of a seeded size, a seeded number kept (each holding a
 * small child) and dropped; a stepped cycle frees the dropped ones and
 * gives their bytes back. */
static void test_large_objects_are_marked_through_and_freed_with_their_bytes(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_YUASA);
    const gc_type_t big_type = {"big", sizeof(big_t) + 20000 + 8 * ug_rand_below(20000), 1,
                                big_offsets};
    size_t nkeep = 1 + ug_rand_below(3), ndrop = 1 + ug_rand_below(3);
    big_t *keep[3] = {NULL};
    uint8_t want[64] = {0}, children[64] = {0};
    for (size_t i = 0; i < nkeep + ndrop; i++) {
        big_t *b = gc_alloc(f.h, &big_type);
        if (!b)
            fail_msg("gc_alloc: NULL for a large object: %s", gc_last_error(f.h));
        b->head.id = f.next_id++;
        if (i < nkeep) {
            keep[i] = b;
            assert_int_equal(0, gc_root_push(f.h, (void **)&keep[i]));
            node_t *child = fix_node(&f);
            children[child->id] = 1;
            fix_write(&f, b, 0, child);
        } else {
            want[b->head.id] = 1;
        }
    }
    gc_stats_t before, after;
    assert_int_equal(0, gc_stats(f.h, &before));
    assert_int_equal(0, gc_begin(f.h));
    fix_finish(&f, 1);
    char ids[128], expect[128];
    fix_ids(expect, sizeof expect, want, f.next_id);
    assert_string_equal(expect, fix_freed_ids(&f, ids));
    size_t kept_children = 0;
    for (size_t i = 0; i < nkeep; i++) {
        node_t *child = gc_read(f.h, keep[i], 0);
        kept_children += child && child->id < 64 && children[child->id];
    }
    assert_int_equal(nkeep, kept_children);
    assert_int_equal(0, gc_stats(f.h, &after));
    assert_int_equal(ndrop * big_type.size, before.heap_alloc - after.heap_alloc);
    assert_int_equal(nkeep * 2, after.heap_objects);
    assert_true(after.heap_sys <= before.heap_sys - ndrop * big_type.size);
    fix_close(&f);
}

/* A seeded chain hangs off the root and is dropped after a seeded number
 * of single-unit steps: floating in cycle 1, which gc_collect must finish
 * (not abandon) before its own cycle 2 frees it. */
static void test_collect_in_the_middle_of_a_cycle_finishes_it_and_runs_another(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    node_t *root = fix_node(&f);
    assert_int_equal(0, gc_root_push(f.h, (void **)&root));
    uint64_t first = f.next_id;
    size_t m = 1 + ug_rand_below(6);
    fix_write(&f, root, 0, fix_chain(&f, m, 0));
    uint8_t want[64] = {0}, dead[64] = {0};
    for (uint64_t id = first; id < f.next_id; id++)
        want[id] = 1;
    size_t kept;
    fix_write(&f, root, 1, fix_clutter(&f, dead, &kept));
    size_t ndead = 0;
    for (uint64_t id = 0; id < 64; id++) {
        ndead += dead[id];
        want[id] |= dead[id];
    }
    assert_int_equal(0, gc_begin(f.h));
    size_t steps = 1 + ug_rand_below(m < 3 ? m : 3);
    uint64_t units = 0;
    for (size_t i = 0; i < steps; i++)
        units += (uint64_t)gc_step(f.h, 1);
    assert_int_equal(steps, units);                /* marking is not over yet */
    fix_write(&f, root, 0, NULL);                  /* floating in cycle 1 */
    assert_int_equal(0, gc_collect(f.h));
    gc_stats_t st;
    assert_int_equal(0, gc_stats(f.h, &st));
    assert_int_equal(2, st.cycles);
    assert_int_equal(2, st.begun);
    assert_int_equal(GC_PHASE_IDLE, st.phase);
    gc_cycle_stats_t c = {0};
    assert_int_equal(0, gc_cycle_stats(f.h, 1, &c));
    assert_int_equal(1 + m + kept, c.marked_objects); /* the chain floated */
    assert_int_equal(ndead, c.swept_objects);
    char ids[512], expect[512];
    fix_ids(expect, sizeof expect, want, f.next_id);
    assert_string_equal(expect, fix_freed_ids(&f, ids)); /* cycle 2 freed it */
    fix_close(&f);
}

UG_TEST_GROUP(gc_hidden, NULL, NULL,
    cmocka_unit_test(test_global_root_keeps_its_object_until_removed),
    cmocka_unit_test(test_large_objects_are_marked_through_and_freed_with_their_bytes),
    cmocka_unit_test(test_collect_in_the_middle_of_a_cycle_finishes_it_and_runs_another));
