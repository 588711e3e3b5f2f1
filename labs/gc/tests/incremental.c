/*
 * incremental.c — marking in steps while the mutator runs: the two classic
 * ways to lose an object, and how each barrier prevents them; black
 * allocation, floating garbage, the hybrid rule and the step budget.
 */
#include "fix.h"

static const gc_barrier_t safe_barriers[] = {GC_BARRIER_DIJKSTRA, GC_BARRIER_YUASA,
                                             GC_BARRIER_HYBRID};
static const char *const barrier_names[] = {"none", "dijkstra", "yuasa", "hybrid"};

typedef struct scene {
    node_t *p, *q;                 /* the two roots */
    void *hold;                    /* a third root slot */
    node_t *c;                     /* the object at risk */
    uint64_t cid;
} scene_t;

/* Black B gets a pointer to white C, then grey A, C's only other holder,
 * drops it. Which of p and q is scanned first does not matter. */
static void dijkstra_scene(fix_t *f, scene_t *s)
{
    s->p = fix_node(f);
    s->q = fix_node(f);
    assert_int_equal(0, gc_root_push(f->h, (void **)&s->p));
    assert_int_equal(0, gc_root_push(f->h, (void **)&s->q));
    fix_write(f, s->p, 0, fix_node(f));
    fix_write(f, s->q, 0, fix_node(f));
    assert_int_equal(0, gc_begin(f->h));
    assert_int_equal(1, gc_step(f->h, 1));         /* roots grey, one of them black */
    bool p_black = gc_color(f->h, s->p) == GC_BLACK;
    node_t *b = p_black ? s->p : s->q, *a = p_black ? s->q : s->p;
    assert_int_equal(GC_BLACK, gc_color(f->h, b));
    assert_int_equal(GC_GREY, gc_color(f->h, a));
    s->c = a->a;
    s->cid = s->c->id;
    assert_int_equal(GC_WHITE, gc_color(f->h, s->c));
    fix_write(f, b, 0, s->c);                      /* black → white */
    fix_write(f, a, 0, NULL);                      /* the grey path is cut */
}

/* A reference is copied into a root after the roots were scanned, then
 * deleted from the heap: only a root holds it now. */
static void yuasa_scene(fix_t *f, scene_t *s)
{
    s->p = fix_node(f);
    s->hold = NULL;
    assert_int_equal(0, gc_root_push(f->h, (void **)&s->p));
    assert_int_equal(0, gc_root_push(f->h, &s->hold));
    s->c = fix_node(f);
    s->cid = s->c->id;
    fix_write(f, s->p, 0, s->c);
    assert_int_equal(0, gc_begin(f->h));
    fix_scan_roots(f);
    assert_int_equal(GC_GREY, gc_color(f->h, s->p));
    assert_int_equal(GC_WHITE, gc_color(f->h, s->c));
    s->hold = s->c;                                /* a stack write: no barrier */
    fix_write(f, s->p, 0, NULL);                   /* the heap reference is deleted */
}

static void test_dijkstra_case_object_survives_under_every_barrier(void **state)
{
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        fix_t f;
        scene_t s;
        fix_open(&f, safe_barriers[i]);
        dijkstra_scene(&f, &s);
        int rc = gc_verify(f.h);
        if (rc != 0)
            fail_msg("%s: gc_verify: %s", barrier_names[safe_barriers[i]], gc_last_error(f.h));
        fix_finish(&f, 1);
        if (fix_freed(&f, s.cid))
            fail_msg("%s barrier: the live object was freed", barrier_names[safe_barriers[i]]);
        assert_int_equal(s.cid, s.c->id);
        assert_int_equal(0, gc_verify(f.h));
        fix_close(&f);
    }
}

static void test_dijkstra_case_without_barrier_frees_a_live_object_and_poison_shows_it(void **state)
{
    (void)state;
    fix_t f;
    scene_t s;
    fix_open(&f, GC_BARRIER_NONE);
    dijkstra_scene(&f, &s);
    assert_int_equal(-EPROTO, gc_verify(f.h));     /* no grey path reaches C any more */
    fix_finish(&f, 1);
    assert_true(fix_freed(&f, s.cid));
    assert_int_equal(GC_FREED, gc_color(f.h, s.c));
    assert_int_equal(-EFAULT, gc_verify(f.h));     /* a live object points to the corpse */
    assert_non_null(strstr(gc_last_error(f.h), "freed"));
    fix_close(&f);
}

static void test_yuasa_case_object_moved_to_a_root_survives_under_every_barrier(void **state)
{
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        fix_t f;
        scene_t s;
        fix_open(&f, safe_barriers[i]);
        yuasa_scene(&f, &s);
        int rc = gc_verify(f.h);
        if (rc != 0)
            fail_msg("%s: gc_verify: %s", barrier_names[safe_barriers[i]], gc_last_error(f.h));
        fix_finish(&f, 1);
        if (fix_freed(&f, s.cid))
            fail_msg("%s barrier: the object held by a root was freed",
                     barrier_names[safe_barriers[i]]);
        assert_int_equal(0, gc_verify(f.h));
        fix_close(&f);
    }
}

static void test_yuasa_case_without_barrier_frees_the_object_a_root_holds(void **state)
{
    (void)state;
    fix_t f;
    scene_t s;
    fix_open(&f, GC_BARRIER_NONE);
    yuasa_scene(&f, &s);
    assert_int_equal(-EPROTO, gc_verify(f.h));
    fix_finish(&f, 1);
    assert_true(fix_freed(&f, s.cid));
    assert_int_equal(-EFAULT, gc_verify(f.h));     /* the root points to the corpse */
    fix_close(&f);
}

static void test_objects_allocated_during_marking_are_black_and_kept_for_the_cycle(void **state)
{
    (void)state;
    for (int bar = GC_BARRIER_NONE; bar <= GC_BARRIER_HYBRID; bar++) {
        fix_t f;
        fix_open(&f, (gc_barrier_t)bar);
        node_t *root = fix_node(&f);
        assert_int_equal(0, gc_root_push(f.h, (void **)&root));
        assert_int_equal(0, gc_begin(f.h));
        node_t *x = fix_node(&f);
        assert_int_equal(GC_BLACK, gc_color(f.h, x));
        fix_scan_roots(&f);
        node_t *y = fix_node(&f);
        assert_int_equal(GC_BLACK, gc_color(f.h, y));
        uint64_t xid = x->id, yid = y->id;
        fix_finish(&f, 2);
        /* Unreferenced, but the cycle had already passed them. */
        assert_false(fix_freed(&f, xid));
        assert_false(fix_freed(&f, yid));
        assert_int_equal(GC_WHITE, gc_color(f.h, x));  /* the sweep whitened them */
        assert_int_equal(0, gc_collect(f.h));
        assert_true(fix_freed(&f, xid));
        assert_true(fix_freed(&f, yid));
        fix_close(&f);
    }
}

static void test_floating_garbage_is_freed_by_the_next_cycle(void **state)
{
    (void)state;
    static const gc_barrier_t snap[] = {GC_BARRIER_YUASA, GC_BARRIER_HYBRID};
    for (size_t i = 0; i < 2; i++) {
        fix_t f;
        fix_open(&f, snap[i]);
        node_t *root = fix_node(&f);
        assert_int_equal(0, gc_root_push(f.h, (void **)&root));
        node_t *a = fix_node(&f);
        uint64_t aid = a->id;
        fix_write(&f, root, 0, a);
        assert_int_equal(0, gc_begin(f.h));
        fix_scan_roots(&f);
        fix_write(&f, root, 0, NULL);              /* a dies, but was live at the snapshot */
        assert_int_equal(GC_GREY, gc_color(f.h, a));
        fix_finish(&f, 3);
        assert_false(fix_freed(&f, aid));          /* floating garbage */
        assert_int_equal(0, gc_collect(f.h));
        assert_true(fix_freed(&f, aid));
        fix_close(&f);
    }
    /* Dijkstra shades only what is stored, so the same death is seen at once. */
    fix_t f;
    fix_open(&f, GC_BARRIER_DIJKSTRA);
    node_t *root = fix_node(&f);
    assert_int_equal(0, gc_root_push(f.h, (void **)&root));
    node_t *a = fix_node(&f);
    uint64_t aid = a->id;
    fix_write(&f, root, 0, a);
    assert_int_equal(0, gc_begin(f.h));
    assert_int_equal(0, gc_mark_roots(f.h));
    fix_write(&f, root, 0, NULL);
    fix_finish(&f, 3);
    assert_true(fix_freed(&f, aid));
    fix_close(&f);
}

static void test_hybrid_barrier_shades_the_new_value_only_until_roots_are_scanned(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    node_t *h = fix_node(&f);
    assert_int_equal(0, gc_root_push(f.h, (void **)&h));
    node_t *w1 = fix_node(&f), *w2 = fix_node(&f), *n = fix_node(&f), *m = fix_node(&f);
    fix_write(&f, h, 0, w1);
    fix_write(&f, h, 1, w2);
    fix_write(&f, h, 2, n);
    fix_write(&f, n, 0, m);
    assert_int_equal(0, gc_begin(f.h));
    fix_write(&f, h, 0, w2);                       /* roots unscanned: old and new shaded */
    assert_int_equal(GC_GREY, gc_color(f.h, w1));
    assert_int_equal(GC_GREY, gc_color(f.h, w2));
    assert_int_equal(0, gc_mark_roots(f.h));
    fix_write(&f, h, 1, m);                        /* roots scanned: only the old value */
    assert_int_equal(GC_WHITE, gc_color(f.h, m));
    fix_write(&f, n, 0, NULL);                     /* deleting m's other reference shades it */
    assert_int_equal(GC_GREY, gc_color(f.h, m));
    assert_int_equal(0, gc_verify(f.h));
    fix_finish(&f, 1);
    assert_int_equal(0, f.nfreed);
    fix_close(&f);
}

static size_t max_units;

static void on_pause(void *ctx, uint64_t ns, size_t units)
{
    (void)ns;
    (void)ctx;
    if (units > max_units)
        max_units = units;
}

static node_t *tree(fix_t *f, int depth)
{
    node_t *n = fix_node(f);
    if (depth > 0) {
        n->a = tree(f, depth - 1);                 /* no cycle is running yet */
        n->b = tree(f, depth - 1);
    }
    return n;
}

static void test_each_step_does_at_most_its_budget_of_work(void **state)
{
    (void)state;
    fix_t f;
    fix_config(&f, GC_BARRIER_HYBRID, 8192);
    max_units = 0;
    f.cfg.on_pause = on_pause;
    fix_start(&f);
    node_t *root = tree(&f, 11);                   /* 4095 live */
    assert_int_equal(0, gc_root_push(f.h, (void **)&root));
    for (int i = 0; i < 1000; i++)
        fix_node(&f);                              /* 1000 dead */
    assert_int_equal(0, gc_begin(f.h));
    size_t total = 0, steps = 0;
    while (gc_phase(f.h) != GC_PHASE_IDLE) {
        long rc = gc_step(f.h, 7);
        assert_true(rc >= 0 && rc <= 7);
        total += (size_t)rc;
        if (++steps % 5 == 0)
            fix_write(&f, root, 2, fix_node(&f));  /* the mutator runs between steps */
        assert_true(steps < 100000);
    }
    assert_true(max_units <= 7);
    /* Every live object was scanned and every dead one swept, 7 at a time. */
    assert_true(total >= 4095 + 1000);
    assert_true(steps >= (4095 + 1000) / 7);
    assert_int_equal(1000, f.nfreed);
    gc_cycle_stats_t c;
    assert_int_equal(0, gc_cycle_stats(f.h, 1, &c));
    assert_true(c.marked_objects >= 4095);
    assert_int_equal(1000, c.swept_objects);
    fix_close(&f);
}

UG_TEST_GROUP(gc_incremental, NULL, NULL,
    cmocka_unit_test(test_dijkstra_case_object_survives_under_every_barrier),
    cmocka_unit_test(test_dijkstra_case_without_barrier_frees_a_live_object_and_poison_shows_it),
    cmocka_unit_test(test_yuasa_case_object_moved_to_a_root_survives_under_every_barrier),
    cmocka_unit_test(test_yuasa_case_without_barrier_frees_the_object_a_root_holds),
    cmocka_unit_test(test_objects_allocated_during_marking_are_black_and_kept_for_the_cycle),
    cmocka_unit_test(test_floating_garbage_is_freed_by_the_next_cycle),
    cmocka_unit_test(test_hybrid_barrier_shades_the_new_value_only_until_roots_are_scanned),
    cmocka_unit_test(test_each_step_does_at_most_its_budget_of_work));
