/*
 * graphs.c — hidden tests: seeded random heap graphs against an oracle, a
 * lost chunk pointing into a live one, and a chain of tasks each woken by
 * one that is itself blocked.
 *
 * The graph sits among 100 000 live chunks whose registry order no longer
 * follows their addresses, so the snapshot takes its full sort. The oracle
 * knows the graph it built: reachability from the rooted nodes by
 * breadth-first search, and the lost "sources" (lost strongly connected
 * components no other lost node points into), each of which must hold
 * exactly one direct leak.
 *
 * Interface: scramble_heap → build_graph → CHECK → compare with the oracle.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../tasks_common.h"

#define NODES 160
#define EDGES 4

typedef struct gnode {
    struct gnode *out[EDGES];
    uint64_t payload;
} gnode_t;

static gnode_t *volatile roots[NODES];    /* the rooted nodes */
static uintptr_t hidden[NODES];           /* every node, masked */
static int adj[NODES][EDGES];             /* -1: no edge */

NOINLINE static void build_graph(void)
{
    for (int i = 0; i < NODES; i++)
        hidden[i] = (uintptr_t)leak_calloc(1, sizeof(gnode_t)) ^ MASK;
    for (int i = 0; i < NODES; i++) {
        gnode_t *n = (gnode_t *)(hidden[i] ^ MASK);
        for (int e = 0; e < EDGES; e++) {
            adj[i][e] = ug_rand_below(3) == 0 ? (int)ug_rand_below(NODES) : -1;
            /* Half the edges are interior pointers. */
            if (adj[i][e] >= 0)
                n->out[e] = (gnode_t *)((hidden[adj[i][e]] ^ MASK) + 8 * ug_rand_below(2));
        }
        n->payload = ug_rand();
        roots[i] = ug_rand_below(12) == 0 ? n : NULL;
    }
}

/* reach[i][j]: j reachable from i through the graph (i reaches itself). */
static void closure(bool reach[NODES][NODES])
{
    for (int i = 0; i < NODES; i++) {
        int queue[NODES], head = 0, tail = 0;
        queue[tail++] = i;
        reach[i][i] = true;
        while (head < tail) {
            int u = queue[head++];
            for (int e = 0; e < EDGES; e++) {
                int v = adj[u][e];
                if (v >= 0 && !reach[i][v]) {
                    reach[i][v] = true;
                    queue[tail++] = v;
                }
            }
        }
    }
}

#define FILLERS 100000

static void **volatile fillers;            /* live, scrambled: a root */

/* 100 000 live chunks whose slots and addresses no longer agree in order:
 * half freed in seeded random order, then allocated again. The snapshot
 * must be sorted for real before the scan. */
NOINLINE static void scramble_heap(void)
{
    void **f = leak_malloc(FILLERS * sizeof *f);
    for (size_t i = 0; i < FILLERS; i++)
        f[i] = leak_malloc(16 + 16 * ug_rand_below(4));
    for (size_t i = 0; i < FILLERS; i++) {
        size_t j = ug_rand_below(FILLERS);
        if (f[j]) {
            leak_free(f[j]);
            f[j] = NULL;
        }
    }
    for (size_t i = 0; i < FILLERS; i++)
        if (!f[i])
            f[i] = leak_malloc(16 + 16 * ug_rand_below(4));
    fillers = f;
}

static void test_random_heap_graphs_agree_with_a_reachability_oracle(void **state)
{
    (void)state;
    static bool reach[NODES][NODES];
    bool live[NODES] = {0};
    leak_report_t r;
    memset(reach, 0, sizeof reach);
    scramble_heap();
    build_graph();
    closure(reach);
    for (int i = 0; i < NODES; i++)
        for (int j = 0; roots[i] && j < NODES; j++)
            live[j] |= reach[i][j];
    size_t lost = 0, sources = 0;
    for (int u = 0; u < NODES; u++) {
        if (live[u])
            continue;
        lost++;
        /* u stands for its component if it is the lowest member, and the
         * component is a source if every lost node reaching u is in it. */
        bool lowest = true, source = true;
        for (int w = 0; w < NODES; w++) {
            if (live[w] || !reach[w][u])
                continue;
            if (!reach[u][w])
                source = false;
            else if (w < u)
                lowest = false;
        }
        sources += lowest && source;
    }
    CHECK(&r);
    assert_int_equal(lost, r.direct_objects + r.indirect_objects);
    assert_int_equal(lost * sizeof(gnode_t), r.direct_bytes + r.indirect_bytes);
    assert_int_equal(sources, r.direct_objects);
    leak_report_free(&r);
    for (int i = 0; i < NODES; i++)
        roots[i] = NULL;
    fillers = NULL;
}

static void *volatile whole;

NOINLINE static void lose_pointer_into_live(void)
{
    char *big = leak_malloc(256);
    whole = big;
    char **stray = leak_malloc(sizeof *stray);
    *stray = big + 100;
}

/* A lost chunk's pointer does not make the live chunk it points into lost,
 * and a live chunk's pointee is not indirect. */
static void test_a_lost_chunk_pointing_into_a_live_one_leaks_only_itself(void **state)
{
    (void)state;
    leak_report_t r;
    lose_pointer_into_live();
    CHECK(&r);
    assert_int_equal(1, r.nrecords);
    assert_int_equal(1, r.direct_objects);
    assert_int_equal(sizeof(char *), r.direct_bytes);
    assert_int_equal(0, r.indirect_objects);
    leak_report_free(&r);
    whole = NULL;
}

/* ---- a chain of blocked tasks ---------------------------------------------------- */

typedef struct link {
    chan_t *in, *out;                 /* receive from in, then send to out */
} link_t;

static void relay(void *arg)
{
    link_t *l = arg;
    int v = 0;
    bool ok;
    chan_recv(l->in, &v, &ok);
    if (l->out)
        chan_send(l->out, &v);
    leak_free(l);
}

static const int spawn_orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                       {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

/* c0 → relay → c1 → relay → c2 → relay (end): main keeps c0 when keep.
 * The relays are spawned in a seeded order; the kept chain never in the
 * chain's own order, so a relay is listed before the one that wakes it
 * and a single pass over the tasks cannot settle them. */
NOINLINE static void make_chain(world_t *w, bool keep)
{
    chan_t *c[3];
    for (int i = 0; i < 3; i++)
        c[i] = world_chan(w, sizeof(int), 0);
    const int *order = spawn_orders[keep ? 1 + ug_rand_below(5) : ug_rand_below(6)];
    for (int k = 0; k < 3; k++) {
        int i = order[k];
        link_t *l = leak_calloc(1, sizeof *l);
        l->in = c[i];
        l->out = i < 2 ? c[i + 1] : NULL;
        task_spawn(relay, l, NULL);
    }
    w->expect[keep ? 0 : 1] = (uintptr_t)c[0] ^ MASK;
}

/* The first chain's head channel stays in main's frame: every relay can
 * still be woken in turn. The second chain's head is dropped: all three
 * relays are leaked. */
static void chains(void *arg)
{
    world_t *w = arg;
    make_chain(w, true);
    make_chain(w, false);
    chan_t *volatile head = (chan_t *)(w->expect[0] ^ MASK);
    clock_sleep(10 * CLOCK_S);
    scrub_stack();
    w->rc = leak_tasks_check(&w->rep);
    int v = 1;
    chan_send(head, &v);
}

static void test_a_chain_of_tasks_each_woken_by_a_blocked_one_is_not_leaked(void **state)
{
    (void)state;
    world_t w = {0};
    rt_config_t cfg = {.seed = ug_seed(), .wait_all = true};
    w.rc = -1;
    rt_run(&cfg, chains, &w);
    assert_int_equal(0, w.rc);
    assert_int_equal(3, w.rep.ntasks);
    int on_head = 0;
    for (size_t i = 0; i < w.rep.ntasks; i++) {
        assert_string_equal("relay", w.rep.tasks[i].fn);
        on_head += w.rep.tasks[i].wait_obj == (void *)(w.expect[1] ^ MASK);
    }
    assert_int_equal(1, on_head);
    world_cleanup(&w);
}

UG_TEST_GROUP(leak_hidden, NULL, NULL,
    cmocka_unit_test_setup_teardown(test_random_heap_graphs_agree_with_a_reachability_oracle,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_lost_chunk_pointing_into_a_live_one_leaks_only_itself,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_chain_of_tasks_each_woken_by_a_blocked_one_is_not_leaked,
                                    leak_fixture, leak_fixture));
