/*
 * incremental.c — marking in steps while the mutator runs: the two classic
 * ways to lose an object, and how each barrier prevents them; black
 * allocation, floating garbage, the hybrid rule and the step budget.
 *
 * Around each scene the seed adds garbage and chains of children, so what
 * a test checks — which ids were freed, how many objects a cycle marked
 * and swept — changes with the seed while the scene itself does not.
 */
#include "fix.h"

static const gc_barrier_t safe_barriers[] = {GC_BARRIER_DIJKSTRA, GC_BARRIER_YUASA,
                                             GC_BARRIER_HYBRID};
static const char *const barrier_names[] = {"none", "dijkstra", "yuasa", "hybrid"};

#define MAXID 128

typedef struct scene {
    node_t *p, *q;                 /* the two roots */
    void *hold;                    /* a third root slot */
    node_t *c;                     /* the object at risk */
    uint64_t cid;
    uint64_t other;         /* Dijkstra scene: the candidate for C not chosen */
    uint8_t garbage[MAXID]; /* ids unreachable from the start (clutter's too) */
    uint8_t lost[MAXID];    /* ids freed too when C is lost (C's chain) */
    size_t nlive;           /* objects reachable when the cycle began */
} scene_t;

/* n unreachable nodes, recorded in s->garbage. */
static void garbage(fix_t *f, scene_t *s, size_t n)
{
    uint64_t first = f->next_id;
    fix_chain(f, n, ug_rand_below(3));
    for (uint64_t id = first; id < f->next_id; id++)
        s->garbage[id] = 1;
}

/* Black B gets a pointer to white C, then grey A, C's only other holder,
 * drops it. Which of p and q is scanned first does not matter, so nothing
 * checked names C's id. Each root also holds a seeded chain. */
static void dijkstra_scene(fix_t *f, scene_t *s)
{
    memset(s, 0, sizeof *s);
    garbage(f, s, ug_rand_below(4));
    s->p = fix_node(f);
    s->q = fix_node(f);
    assert_int_equal(0, gc_root_push(f->h, (void **)&s->p));
    assert_int_equal(0, gc_root_push(f->h, (void **)&s->q));
    node_t *cp = fix_node(f), *cq = fix_node(f);
    fix_write(f, s->p, 0, cp);
    fix_write(f, s->q, 0, cq);
    size_t lp = ug_rand_below(5), lq = ug_rand_below(5);
    fix_write(f, s->p, 1, fix_chain(f, lp, ug_rand_below(3)));
    fix_write(f, s->q, 1, fix_chain(f, lq, ug_rand_below(3)));
    size_t kept;
    fix_write(f, s->p, 2, fix_clutter(f, s->garbage, &kept));
    garbage(f, s, ug_rand_below(5));
    s->nlive = 4 + lp + lq + kept;
    assert_int_equal(0, gc_begin(f->h));
    assert_int_equal(1, gc_step(f->h, 1));         /* roots grey, one of them black */
    bool p_black = gc_color(f->h, s->p) == GC_BLACK;
    node_t *b = p_black ? s->p : s->q, *a = p_black ? s->q : s->p;
    assert_int_equal(GC_BLACK, gc_color(f->h, b));
    assert_int_equal(GC_GREY, gc_color(f->h, a));
    s->c = a->a;
    s->cid = s->c->id;
    s->other = s->c == cp ? cq->id : cp->id;
    assert_int_equal(GC_WHITE, gc_color(f->h, s->c));
    fix_write(f, b, 0, s->c);                      /* black → white */
    fix_write(f, a, 0, NULL);                      /* the grey path is cut */
}

/* A reference is copied into a root after the roots were scanned, then
 * deleted from the heap: only a root holds it (and its seeded chain) now. */
static void yuasa_scene(fix_t *f, scene_t *s)
{
    memset(s, 0, sizeof *s);
    garbage(f, s, ug_rand_below(4));
    s->p = fix_node(f);
    assert_int_equal(0, gc_root_push(f->h, (void **)&s->p));
    assert_int_equal(0, gc_root_push(f->h, &s->hold));
    size_t lc = ug_rand_below(5), lp = ug_rand_below(5);
    fix_write(f, s->p, 1, fix_chain(f, lp, ug_rand_below(3)));
    uint64_t first = f->next_id;
    node_t *chain = fix_chain(f, lc, ug_rand_below(3));
    for (uint64_t id = first; id < f->next_id; id++)
        s->lost[id] = 1;
    s->c = fix_node(f);
    s->cid = s->c->id;
    s->lost[s->cid] = 1;
    fix_write(f, s->c, 1 + ug_rand_below(2), chain);
    fix_write(f, s->p, 0, s->c);
    size_t kept;
    fix_write(f, s->p, 2, fix_clutter(f, s->garbage, &kept));
    garbage(f, s, ug_rand_below(5));
    s->nlive = 2 + lc + lp + kept;
    assert_int_equal(0, gc_begin(f->h));
    fix_scan_roots(f);
    assert_int_equal(GC_GREY, gc_color(f->h, s->p));
    assert_int_equal(GC_WHITE, gc_color(f->h, s->c));
    s->hold = s->c;                                /* a stack write: no barrier */
    fix_write(f, s->p, 0, NULL);                   /* the heap reference is deleted */
}

/* The scene's cycle, stepped to the end one unit at a time, written down:
 * the verifier before and after, whether C was freed, the other ids freed
 * (C's candidates left out) and the cycle's counts. */
static void scene_finish(fix_t *f, const scene_t *s, char *out, size_t cap)
{
    int before = gc_verify(f->h);
    uint64_t failed = fix_steps_to_idle(f, 1);
    uint8_t rest[MAXID];
    memcpy(rest, f->freed, sizeof rest);
    rest[s->cid] = 0;
    if (s->other)
        rest[s->other] = 0;
    char ids[512];
    fix_ids(ids, sizeof ids, rest, f->next_id);
    gc_cycle_stats_t c = {0};
    failed += gc_cycle_stats(f->h, 1, &c) != 0;
    snprintf(out, cap, "verify %d; C freed %u; freed %s; marked %zu swept %zu; verify %d", before,
             fix_frees(f, s->cid), ids, c.marked_objects, c.swept_objects, gc_verify(f->h));
    if (s->other)
        fix_catf(out, cap, "; B's old child freed %u", fix_frees(f, s->other));
    if (failed)
        fix_catf(out, cap, "; %llu calls failed", (unsigned long long)failed);
}

/* What scene_finish writes when C survives (every barrier) or is lost. */
static void scene_expect(fix_t *f, const scene_t *s, bool lost, int before, int after, char *out,
                         size_t cap)
{
    uint8_t want[MAXID];
    memcpy(want, s->garbage, sizeof want);
    size_t extra = 0, ngarbage = 0;
    for (uint64_t id = 0; id < MAXID; id++)
        ngarbage += want[id];
    for (uint64_t id = 0; lost && id < MAXID; id++)
        if (s->lost[id] && id != s->cid) {
            want[id] = 1;
            extra++;
        }
    char ids[512];
    fix_ids(ids, sizeof ids, want, f->next_id);
    snprintf(out, cap, "verify %d; C freed %u; freed %s; marked %zu swept %zu; verify %d", before,
             lost ? 1u : 0u, ids, s->nlive - (lost ? 1 + extra : 0),
             ngarbage + (lost ? 1 + extra : 0), after);
    if (s->other)
        fix_catf(out, cap, "; B's old child freed 0");
}

static void test_dijkstra_case_object_survives_under_every_barrier(void **state)
{
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        fix_t f;
        scene_t s;
        fix_open(&f, safe_barriers[i]);
        dijkstra_scene(&f, &s);
        char want[1024], got[1024];
        snprintf(want, sizeof want, "%s: ", barrier_names[safe_barriers[i]]);
        snprintf(got, sizeof got, "%s: ", barrier_names[safe_barriers[i]]);
        scene_expect(&f, &s, false, 0, 0, want + strlen(want), sizeof want - strlen(want));
        scene_finish(&f, &s, got + strlen(got), sizeof got - strlen(got));
        assert_string_equal(want, got);
        assert_true(s.c->id == s.cid); /* C's payload is intact */
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
    /* No grey path reaches C any more; after the sweep a live object
     * points to its corpse. */
    char want[1024], got[1024];
    scene_expect(&f, &s, true, -EPROTO, -EFAULT, want, sizeof want);
    scene_finish(&f, &s, got, sizeof got);
    assert_string_equal(want, got);
    assert_int_equal(GC_FREED, gc_color(f.h, s.c));
    assert_int_equal(-EFAULT, gc_verify(f.h));
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
        char want[1024], got[1024];
        snprintf(want, sizeof want, "%s: ", barrier_names[safe_barriers[i]]);
        snprintf(got, sizeof got, "%s: ", barrier_names[safe_barriers[i]]);
        scene_expect(&f, &s, false, 0, 0, want + strlen(want), sizeof want - strlen(want));
        scene_finish(&f, &s, got + strlen(got), sizeof got - strlen(got));
        assert_string_equal(want, got);
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
    char want[1024], got[1024];
    scene_expect(&f, &s, true, -EPROTO, -EFAULT, want, sizeof want); /* the root holds a corpse */
    scene_finish(&f, &s, got, sizeof got);
    assert_string_equal(want, got);
    assert_int_equal(GC_FREED, gc_color(f.h, s.c));
    fix_close(&f);
}

/* The reverse move: before the roots are scanned, an object a root holds
 * (with a seeded chain) is stored into an object born black, and the root
 * is cleared. Nothing grey leads to it, and the later root scan does not
 * see it: Dijkstra and the hybrid shade the stored value, Yuasa relies on
 * the snapshot gc_begin took; with no barrier it is freed while held. */
static void
test_object_moved_from_a_root_into_a_black_object_survives_under_every_barrier(void **state)
{
    (void)state;
    for (int bar = GC_BARRIER_NONE; bar <= GC_BARRIER_HYBRID; bar++) {
        fix_t f;
        fix_open(&f, (gc_barrier_t)bar);
        node_t *r1 = NULL, *r2 = NULL, *r3 = NULL;
        assert_int_equal(0, gc_root_push(f.h, (void **)&r1));
        assert_int_equal(0, gc_root_push(f.h, (void **)&r2));
        assert_int_equal(0, gc_root_push(f.h, (void **)&r3));
        uint8_t dead[MAXID] = {0}, moved[MAXID] = {0};
        size_t kept;
        r3 = fix_clutter(&f, dead, &kept);
        uint64_t first = f.next_id;
        fix_chain(&f, ug_rand_below(4), 0); /* garbage from the start */
        for (uint64_t id = first; id < f.next_id; id++)
            dead[id] = 1;
        first = f.next_id;
        r2 = fix_chain(&f, 1 + ug_rand_below(4), ug_rand_below(3));
        for (uint64_t id = first; id < f.next_id; id++)
            moved[id] = 1;
        assert_int_equal(0, gc_begin(f.h));
        node_t *x = fix_node(&f);               /* born black */
        fix_write(&f, x, ug_rand_below(3), r2); /* into the heap, through the barrier */
        r1 = x;                                 /* stack writes: no barrier */
        r2 = NULL;
        bool lost = bar == GC_BARRIER_NONE;
        int before = gc_verify(f.h);
        uint64_t failed = fix_steps_to_idle(&f, 1 + ug_rand_below(3));
        char ids[512], want[1024], got[1024];
        snprintf(got, sizeof got, "%s: verify %d, freed %s, verify %d, %llu failed",
                 barrier_names[bar], before, fix_freed_ids(&f, ids), gc_verify(f.h),
                 (unsigned long long)failed);
        for (uint64_t id = 0; lost && id < MAXID; id++)
            dead[id] |= moved[id];
        fix_ids(ids, sizeof ids, dead, f.next_id);
        snprintf(want, sizeof want, "%s: verify %d, freed %s, verify %d, 0 failed",
                 barrier_names[bar], lost ? -EPROTO : 0, ids, lost ? -EFAULT : 0);
        assert_string_equal(want, got);
        fix_close(&f);
    }
}

/* ids [first, next) set in want. */
static void ids_set(uint8_t *want, uint64_t first, uint64_t next)
{
    for (uint64_t id = first; id < next && id < MAXID; id++)
        want[id] = 1;
}

static void test_objects_allocated_during_marking_are_black_and_kept_for_the_cycle(void **state)
{
    (void)state;
    for (int bar = GC_BARRIER_NONE; bar <= GC_BARRIER_HYBRID; bar++) {
        fix_t f;
        fix_open(&f, (gc_barrier_t)bar);
        node_t *root = fix_node(&f);
        assert_int_equal(0, gc_root_push(f.h, (void **)&root));
        size_t ng = ug_rand_below(4), nx = 1 + ug_rand_below(3), ny = 1 + ug_rand_below(3);
        uint8_t dead[MAXID] = {0}, born[MAXID] = {0};
        uint64_t first = f.next_id;
        fix_chain(&f, ng, 0); /* garbage from before the cycle */
        ids_set(dead, first, f.next_id);
        size_t kept;
        fix_write(&f, root, 1, fix_clutter(&f, dead, &kept));
        assert_int_equal(0, gc_begin(f.h));
        /* Before the roots are scanned, then after: born black either way. */
        size_t black_x = 0, black_y = 0, white = 0;
        node_t *x[3], *y[3];
        for (size_t i = 0; i < nx; i++) {
            x[i] = fix_node(&f);
            born[x[i]->id] = 1;
            black_x += gc_color(f.h, x[i]) == GC_BLACK;
        }
        fix_scan_roots(&f);
        for (size_t i = 0; i < ny; i++) {
            y[i] = fix_node(&f);
            born[y[i]->id] = 1;
            black_y += gc_color(f.h, y[i]) == GC_BLACK;
        }
        uint64_t failed = fix_steps_to_idle(&f, 1 + ug_rand_below(4));
        /* Unreferenced, but the cycle had already passed them; the sweep
         * whitened them for the next cycle, which frees them. */
        for (size_t i = 0; i < nx; i++)
            white += gc_color(f.h, x[i]) == GC_WHITE;
        for (size_t i = 0; i < ny; i++)
            white += gc_color(f.h, y[i]) == GC_WHITE;
        gc_cycle_stats_t c = {0};
        failed += gc_cycle_stats(f.h, 1, &c) != 0;
        char ids1[512], ids2[512], want[1536], got[1536];
        fix_freed_ids(&f, ids1);
        failed += gc_collect(f.h) != 0;
        fix_freed_ids(&f, ids2);
        snprintf(got, sizeof got,
                 "%s: black %zu+%zu, marked %zu, freed %s, white %zu, then %s; "
                 "%llu failed",
                 barrier_names[bar], black_x, black_y, c.marked_objects, ids1, white, ids2,
                 (unsigned long long)failed);
        fix_ids(ids1, sizeof ids1, dead, f.next_id);
        for (uint64_t id = 0; id < MAXID; id++)
            dead[id] |= born[id];
        fix_ids(ids2, sizeof ids2, dead, f.next_id);
        snprintf(want, sizeof want,
                 "%s: black %zu+%zu, marked %zu, freed %s, white %zu, then %s; "
                 "0 failed",
                 barrier_names[bar], nx, ny, 1 + kept + nx + ny, ids1, nx + ny, ids2);
        assert_string_equal(want, got);
        fix_close(&f);
    }
}

/* A node and its seeded chain die after the roots were scanned: under the
 * snapshot barriers they float to the next cycle; Dijkstra, which shades
 * only what is stored, sees the death at once. */
static void floating_case(gc_barrier_t barrier, bool floats)
{
    fix_t f;
    fix_open(&f, barrier);
    node_t *root = fix_node(&f);
    assert_int_equal(0, gc_root_push(f.h, (void **)&root));
    uint8_t dead[MAXID] = {0}, dies[MAXID] = {0};
    uint64_t first = f.next_id;
    fix_chain(&f, ug_rand_below(4), 0); /* garbage from the start */
    ids_set(dead, first, f.next_id);
    first = f.next_id;
    node_t *a = fix_chain(&f, 1 + ug_rand_below(5), ug_rand_below(3));
    ids_set(dies, first, f.next_id);
    size_t k = ug_rand_below(3), kept;
    fix_write(&f, root, k, a);
    fix_write(&f, root, (k + 1) % 3, fix_clutter(&f, dead, &kept));
    assert_int_equal(0, gc_begin(f.h));
    fix_scan_roots(&f);
    fix_write(&f, root, k, NULL); /* a dies, but was live at the snapshot */
    assert_int_equal(floats ? GC_GREY : GC_WHITE, gc_color(f.h, a));
    uint64_t failed = fix_steps_to_idle(&f, 1 + ug_rand_below(5));
    char ids1[512], ids2[512], want[1536], got[1536];
    fix_freed_ids(&f, ids1);
    failed += gc_collect(f.h) != 0;
    fix_freed_ids(&f, ids2);
    snprintf(got, sizeof got, "%s: the cycle frees %s, the next %s; %llu failed",
             barrier_names[barrier], ids1, ids2, (unsigned long long)failed);
    uint8_t all[MAXID];
    for (uint64_t id = 0; id < MAXID; id++)
        all[id] = dead[id] | dies[id];
    fix_ids(ids1, sizeof ids1, floats ? dead : all, f.next_id);
    fix_ids(ids2, sizeof ids2, all, f.next_id);
    snprintf(want, sizeof want, "%s: the cycle frees %s, the next %s; 0 failed",
             barrier_names[barrier], ids1, ids2);
    assert_string_equal(want, got);
    fix_close(&f);
}

static void test_floating_garbage_is_freed_by_the_next_cycle(void **state)
{
    (void)state;
    floating_case(GC_BARRIER_YUASA, true);
    floating_case(GC_BARRIER_HYBRID, true);
    floating_case(GC_BARRIER_DIJKSTRA, false);
}

/* h holds w1, w2 and n (n holds m) through a seeded permutation of its
 * fields; w1 carries a seeded chain. */
static void test_hybrid_barrier_shades_the_new_value_only_until_roots_are_scanned(void **state)
{
    (void)state;
    fix_t f;
    fix_open(&f, GC_BARRIER_HYBRID);
    node_t *h = fix_node(&f);
    assert_int_equal(0, gc_root_push(f.h, (void **)&h));
    uint8_t dead[MAXID] = {0}, w1_ids[MAXID] = {0};
    uint64_t first = f.next_id;
    fix_chain(&f, ug_rand_below(4), 0); /* garbage from the start */
    ids_set(dead, first, f.next_id);
    first = f.next_id;
    node_t *w1 = fix_chain(&f, 1 + ug_rand_below(4), ug_rand_below(3));
    ids_set(w1_ids, first, f.next_id);
    node_t *w2 = fix_node(&f), *n = fix_node(&f), *m = fix_node(&f);
    size_t k = ug_rand_below(3), fw1 = k, fw2 = (k + 1 + ug_rand_below(2)) % 3;
    size_t fn = 3 - fw1 - fw2, fm = ug_rand_below(3);
    fix_write(&f, h, fw1, w1);
    fix_write(&f, h, fw2, w2);
    fix_write(&f, h, fn, n);
    fix_write(&f, n, fm, m);
    size_t kept;
    fix_write(&f, n, (fm + 1) % 3, fix_clutter(&f, dead, &kept));
    assert_int_equal(0, gc_begin(f.h));
    fix_write(&f, h, fw1, w2); /* roots unscanned: old and new shaded */
    assert_int_equal(GC_GREY, gc_color(f.h, w1));
    assert_int_equal(GC_GREY, gc_color(f.h, w2));
    assert_int_equal(0, gc_mark_roots(f.h));
    fix_write(&f, h, fw2, m); /* roots scanned: only the old value */
    assert_int_equal(GC_WHITE, gc_color(f.h, m));
    fix_write(&f, n, fm, NULL); /* deleting m's other reference shades it */
    assert_int_equal(GC_GREY, gc_color(f.h, m));
    assert_int_equal(0, gc_verify(f.h));
    fix_finish(&f, 1);
    /* w1 was grey when dropped: it floats to the next cycle. */
    char ids[512], want[512];
    fix_ids(want, sizeof want, dead, f.next_id);
    assert_string_equal(want, fix_freed_ids(&f, ids));
    assert_int_equal(0, gc_collect(f.h));
    for (uint64_t id = 0; id < MAXID; id++)
        dead[id] |= w1_ids[id];
    fix_ids(want, sizeof want, dead, f.next_id);
    assert_string_equal(want, fix_freed_ids(&f, ids));
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

/* The tree's nodes, so a test can watch them turn black. */
static node_t *tree_nodes[4096];
static size_t ntree;

static node_t *tree(fix_t *f, int depth)
{
    node_t *n = fix_node(f);
    tree_nodes[ntree++] = n;
    if (depth > 0) {
        n->a = tree(f, depth - 1);                 /* no cycle is running yet */
        n->b = tree(f, depth - 1);
    }
    return n;
}

static size_t tree_black(const fix_t *f)
{
    size_t n = 0;
    for (size_t i = 0; i < ntree; i++)
        n += gc_color(f->h, tree_nodes[i]) == GC_BLACK;
    return n;
}

/* A seeded tree, seeded garbage and clutter, stepped with a seeded budget
 * while the mutator stores (and, while marking, allocates) every few
 * (seeded) steps.
 * Besides the units each step reports, the test counts the tree nodes each
 * step blackened: the work itself, whatever the step says it did. */
static void test_each_step_does_at_most_its_budget_of_work(void **state)
{
    (void)state;
    size_t budget = 2 + ug_rand_below(15), every = 2 + ug_rand_below(8);
    int depth = 8 + (int)ug_rand_below(4);
    size_t live = ((size_t)2 << depth) - 1, dead = 500 + ug_rand_below(1000);
    fix_t f;
    fix_config(&f, GC_BARRIER_HYBRID, 1 << 16);
    max_units = 0;
    ntree = 0;
    f.cfg.on_pause = on_pause;
    fix_start(&f);
    node_t *root = tree(&f, depth);
    assert_int_equal(0, gc_root_push(f.h, (void **)&root));
    uint8_t *gone = calloc(f.cap, 1);
    char *want = malloc(16384), *ids = malloc(16384);
    if (!gone || !want || !ids)
        fail_msg("out of memory");
    uint64_t first = f.next_id;
    fix_chain(&f, dead, ug_rand_below(3));
    for (uint64_t id = first; id < f.next_id; id++)
        gone[id] = 1;
    size_t kept;
    fix_write(&f, root->a, 2, fix_clutter(&f, gone, &kept));
    dead = 0;
    for (uint64_t id = 0; id < f.next_id; id++)
        dead += gone[id];
    live += kept;
    fix_ids(want, 16384, gone, f.next_id);
    assert_int_equal(0, gc_begin(f.h));
    size_t total = 0, steps = 0, over = 0, in_mark = 0, black = 0;
    while (gc_phase(f.h) != GC_PHASE_IDLE && steps < 1000000) {
        long rc = gc_step(f.h, budget);
        over += rc < 0 || rc > (long)budget;
        total += rc > 0 ? (size_t)rc : 0;
        size_t now = tree_black(&f);
        over += now > black + budget; /* it may also sweep: a net count */
        black = now;
        /* The mutator runs between steps. It allocates only while marking:
         * an allocation may sweep (gc_alloc may run GC work), and the
         * units counted here are the steps' own. */
        if (++steps % every == 0 && gc_phase(f.h) == GC_PHASE_MARK) {
            in_mark++;
            fix_write(&f, root, 2, fix_node(&f));
        } else if (steps % every == 0) {
            fix_write(&f, root, 2, root->a);
        }
    }
    assert_int_equal(0, over);
    assert_int_equal(GC_PHASE_IDLE, gc_phase(f.h));
    assert_true(max_units <= budget);
    /* Every live object was scanned and every dead one swept, `budget` at
     * a time; what the mutator made while marking was born black. */
    assert_true(total >= live + dead);
    assert_true(steps >= (live + dead) / budget);
    assert_int_equal(dead, f.nfreed);
    assert_string_equal(want, fix_ids(ids, 16384, f.freed, f.next_id));
    gc_cycle_stats_t c = {0};
    assert_int_equal(0, gc_cycle_stats(f.h, 1, &c));
    assert_int_equal(live, c.marked_objects - in_mark);
    assert_int_equal(dead, c.swept_objects);
    free(gone);
    free(want);
    free(ids);
    fix_close(&f);
}

UG_TEST_GROUP(
    gc_incremental, NULL, NULL,
    cmocka_unit_test(test_dijkstra_case_object_survives_under_every_barrier),
    cmocka_unit_test(test_dijkstra_case_without_barrier_frees_a_live_object_and_poison_shows_it),
    cmocka_unit_test(test_yuasa_case_object_moved_to_a_root_survives_under_every_barrier),
    cmocka_unit_test(test_yuasa_case_without_barrier_frees_the_object_a_root_holds),
    cmocka_unit_test(
        test_object_moved_from_a_root_into_a_black_object_survives_under_every_barrier),
    cmocka_unit_test(test_objects_allocated_during_marking_are_black_and_kept_for_the_cycle),
    cmocka_unit_test(test_floating_garbage_is_freed_by_the_next_cycle),
    cmocka_unit_test(test_hybrid_barrier_shades_the_new_value_only_until_roots_are_scanned),
    cmocka_unit_test(test_each_step_does_at_most_its_budget_of_work));
