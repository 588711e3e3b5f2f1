/*
 * oracle.c — a seeded random mutator, checked against a model of the
 * object graph kept by the test itself.
 *
 * The mutator allocates, stores pointers into fields, reassigns roots and
 * runs steps of random budgets, the way a program runs between GC steps;
 * it only ever uses pointers it can reach, as a real program would. After
 * every operation the model says what is reachable, and:
 *   - nothing reachable was freed (freed ⊆ unreachable);
 *   - what was unreachable when a cycle began is freed by the end of the
 *     next cycle;
 *   - the verifier agrees with the barrier's invariant (and, for Dijkstra,
 *     the test looks for black → white edges itself).
 *
 * How many steps a cycle takes is the collector's business, so the seeded
 * draws never depend on it (a step's budget is drawn whether or not a
 * cycle is running) and nothing is checked per operation: a broken rule
 * ends the test with a message, and what the run did is checked once at
 * the end — the counts the model predicts, from the seed.
 */
#include "fix.h"

#define MAXN 2500
#define NROOTS 6
#define NSNAP 4

typedef struct snap {
    uint64_t cycle;                /* the cycle that began; 0 = unused */
    uint32_t *ids;
    size_t n;
} snap_t;

typedef struct world {
    fix_t f;
    node_t *obj[MAXN + 1];         /* by id; NULL once freed */
    uint32_t edge[MAXN + 1][3];    /* the model of each node's fields */
    void *root[NROOTS];
    uint32_t rootid[NROOTS];
    uint8_t reach[MAXN + 1];
    uint32_t list[MAXN + 1];       /* reachable ids */
    size_t nlist;
    snap_t snaps[NSNAP];
    uint64_t cycles_checked;
    uint64_t failed; /* API calls that did not return 0 */
    size_t allocated;
    const char *barrier;           /* for messages */
} world_t;

static const char *const barrier_names[] = {"none", "dijkstra", "yuasa", "hybrid"};

static void reach_compute(world_t *w)
{
    memset(w->reach, 0, sizeof w->reach);
    w->nlist = 0;
    for (int i = 0; i < NROOTS; i++) {
        uint32_t id = w->rootid[i];
        if (id && !w->reach[id]) {
            w->reach[id] = 1;
            w->list[w->nlist++] = id;
        }
    }
    for (size_t i = 0; i < w->nlist; i++)
        for (int k = 0; k < 3; k++) {
            uint32_t c = w->edge[w->list[i]][k];
            if (c && !w->reach[c]) {
                w->reach[c] = 1;
                w->list[w->nlist++] = c;
            }
        }
}

static uint32_t pick_reachable(world_t *w)
{
    return w->nlist ? w->list[ug_rand_below(w->nlist)] : 0;
}

static void store(world_t *w, uint32_t src, int k, uint32_t val)
{
    fix_write(&w->f, w->obj[src], (size_t)k, val ? w->obj[val] : NULL);
    w->edge[src][k] = val;
}

static void op_alloc(world_t *w)
{
    if (w->f.next_id > MAXN)
        return;
    node_t *n = fix_node(&w->f);
    uint32_t id = (uint32_t)n->id;
    w->allocated++;
    w->obj[id] = n;
    uint32_t src = pick_reachable(w);
    if (src && ug_rand_below(2)) {
        store(w, src, (int)ug_rand_below(3), id);
    } else {
        int s = (int)ug_rand_below(NROOTS);
        w->root[s] = n;
        w->rootid[s] = id;
    }
}

static void op_root(world_t *w)
{
    int s = (int)ug_rand_below(NROOTS);
    uint32_t v = ug_rand_below(3) ? pick_reachable(w) : 0;
    w->root[s] = v ? w->obj[v] : NULL;
    w->rootid[s] = v;
}

static void snapshot(world_t *w, uint64_t cycle)
{
    snap_t *s = NULL;
    for (int i = 0; i < NSNAP && !s; i++)
        if (!w->snaps[i].cycle)
            s = &w->snaps[i];
    if (!s) /* only when cycles never end: a snapshot is dropped after two */
        fail_msg("%s: cycle %llu began with %d cycles unfinished", w->barrier,
                 (unsigned long long)cycle, NSNAP);
    s->cycle = cycle;
    s->n = 0;
    for (uint32_t id = 1; id < w->f.next_id; id++)
        if (w->obj[id] && !w->reach[id])
            s->ids[s->n++] = id;
}

/* Begins a cycle when none runs, else steps it; the budget is drawn
 * either way, so the seeded sequence does not depend on the collector. */
static void op_gc(world_t *w)
{
    size_t budget = 1 + ug_rand_below(12);
    if (gc_phase(w->f.h) == GC_PHASE_IDLE) {
        gc_stats_t st = {0};
        w->failed += gc_stats(w->f.h, &st) != 0;
        snapshot(w, st.cycles + 1);
        w->failed += gc_begin(w->f.h) != 0;
        return;
    }
    w->failed += gc_step(w->f.h, budget) < 0;
}

/* Freed ⊆ unreachable, and the snapshots that are due. */
static void check_frees(world_t *w)
{
    for (uint32_t id = 1; id < w->f.next_id; id++) {
        if (!w->obj[id] || !w->f.freed[id])
            continue;
        if (w->reach[id])
            fail_msg("%s: object %u was freed while reachable (seed %llu)", w->barrier, id,
                     (unsigned long long)ug_seed());
        w->obj[id] = NULL;
    }
    gc_stats_t st = {0};
    w->failed += gc_stats(w->f.h, &st) != 0;
    for (int i = 0; i < NSNAP; i++) {
        snap_t *s = &w->snaps[i];
        if (!s->cycle || st.cycles < s->cycle + 1)
            continue;
        for (size_t j = 0; j < s->n; j++)
            if (!w->f.freed[s->ids[j]])
                fail_msg("object %u, unreachable when cycle %llu began, survived cycle %llu",
                         s->ids[j], (unsigned long long)s->cycle,
                         (unsigned long long)s->cycle + 1);
        s->cycle = 0;
        w->cycles_checked++;
    }
}

/* Looks for black → white edges directly, without the verifier. */
static void check_strong(world_t *w)
{
    if (gc_phase(w->f.h) != GC_PHASE_MARK)
        return;
    for (uint32_t id = 1; id < w->f.next_id; id++) {
        node_t *n = w->obj[id];
        if (!n || gc_color(w->f.h, n) != GC_BLACK)
            continue;
        node_t *kids[3] = {n->a, n->b, n->c};
        for (int k = 0; k < 3; k++)
            if (kids[k] && gc_color(w->f.h, kids[k]) == GC_WHITE)
                fail_msg("black %u points to white %llu", id, (unsigned long long)kids[k]->id);
    }
}

enum { CHECK_VERIFY = 1, CHECK_STRONG = 2 };

static void run(gc_barrier_t barrier, int ops, int checks)
{
    world_t *w = calloc(1, sizeof *w);
    assert_non_null(w);
    w->barrier = barrier_names[barrier];
    fix_config(&w->f, barrier, MAXN + 1);
    fix_start(&w->f);
    for (int i = 0; i < NSNAP; i++) {
        w->snaps[i].ids = calloc(MAXN + 1, sizeof(uint32_t));
        assert_non_null(w->snaps[i].ids);
    }
    for (int i = 0; i < NROOTS; i++)
        assert_int_equal(0, gc_root_push(w->f.h, &w->root[i]));
    for (int op = 0; op < ops; op++) {
        uint64_t r = ug_rand_below(100);
        if (r < 25) {
            op_alloc(w);
        } else if (r < 50 && w->nlist) {
            uint32_t src = pick_reachable(w);
            int k = (int)ug_rand_below(3);
            store(w, src, k, ug_rand_below(4) ? pick_reachable(w) : 0);
        } else if (r < 60) {
            op_root(w);
        } else {
            op_gc(w);
        }
        /* Now and then the running cycle is stepped to its end, so every
         * collector, however it counts its work, completes cycles here. */
        size_t budget = 1 + ug_rand_below(12);
        if (op % 500 == 499)
            w->failed += fix_steps_to_idle(&w->f, budget);
        reach_compute(w);
        check_frees(w);
        if ((checks & CHECK_VERIFY) && gc_verify(w->f.h) != 0)
            fail_msg("%s: op %d: %s (seed %llu)", w->barrier, op, gc_last_error(w->f.h),
                     (unsigned long long)ug_seed());
        if (checks & CHECK_STRONG)
            check_strong(w);
    }
    /* Two whole collections free everything unreachable, once. */
    w->failed += gc_collect(w->f.h) != 0;
    w->failed += gc_collect(w->f.h) != 0;
    check_frees(w);
    size_t survived = 0;
    for (uint32_t id = 1; id < w->f.next_id; id++)
        survived += !w->reach[id] && !w->f.freed[id];
    gc_stats_t st = {0};
    w->failed += gc_stats(w->f.h, &st) != 0;
    assert_int_equal(0, w->failed);
    assert_int_equal(0, survived);
    assert_int_equal(w->allocated - w->nlist, w->f.nfreed);
    /* which ones: every id the model finds unreachable, each freed once */
    static uint8_t unreachable[MAXN + 1];
    static char want[16384], got[16384];
    for (uint32_t id = 0; id <= MAXN; id++)
        unreachable[id] = id && id < w->f.next_id && !w->reach[id];
    fix_ids(want, sizeof want, unreachable, w->f.next_id);
    assert_string_equal(want, fix_ids(got, sizeof got, w->f.freed, w->f.next_id));
    assert_int_equal(w->nlist, st.heap_objects);
    assert_true(w->cycles_checked >= 3);           /* the workload did run cycles */
    for (int i = 0; i < NSNAP; i++)
        free(w->snaps[i].ids);
    fix_close(&w->f);
    free(w);
}

static void test_random_mutator_frees_only_and_all_unreachable_objects(void **state)
{
    (void)state;
    run(GC_BARRIER_DIJKSTRA, 3000, 0);
    run(GC_BARRIER_YUASA, 3000, 0);
    run(GC_BARRIER_HYBRID, 3000, 0);
}

static void test_verifier_finds_no_black_to_white_edge_under_dijkstra(void **state)
{
    (void)state;
    run(GC_BARRIER_DIJKSTRA, 3000, CHECK_VERIFY | CHECK_STRONG);
}

static void test_verifier_finds_the_weak_invariant_kept_under_hybrid_and_yuasa(void **state)
{
    (void)state;
    run(GC_BARRIER_HYBRID, 3000, CHECK_VERIFY);
    run(GC_BARRIER_YUASA, 3000, CHECK_VERIFY);
}

UG_TEST_GROUP(gc_oracle, NULL, NULL,
    cmocka_unit_test(test_random_mutator_frees_only_and_all_unreachable_objects),
    cmocka_unit_test(test_verifier_finds_no_black_to_white_edge_under_dijkstra),
    cmocka_unit_test(test_verifier_finds_the_weak_invariant_kept_under_hybrid_and_yuasa));
