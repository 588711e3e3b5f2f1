/*
 * graphs.c — hidden tests: seeded random heap graphs against an oracle, a
 * lost chunk pointing into a live one, and chains of tasks each woken by
 * one that is itself blocked; sizes, offsets and lengths are seeded.
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

/* Every node has size bytes (one size for all, so the direct bytes do not
 * depend on which member of a lost cycle is named). */
NOINLINE static void build_graph(size_t size)
{
    for (int i = 0; i < NODES; i++)
        hidden[i] = (uintptr_t)leak_calloc(1, size) ^ MASK;
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
    size_t size = sizeof(gnode_t) + 8 * ug_rand_below(16);
    scramble_heap();
    build_graph(size);
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
    assert_int_equal(lost * size, r.direct_bytes + r.indirect_bytes);
    assert_int_equal(sources, r.direct_objects);
    assert_int_equal(sources * size, r.direct_bytes);
    leak_report_free(&r);
    for (int i = 0; i < NODES; i++)
        roots[i] = NULL;
    fillers = NULL;
}

static void *volatile whole;

/* A live chunk of big bytes, and n lost chunks of strays[i] bytes, each of
 * whose words at a seeded index points at a seeded offset of the live one
 * (its start included). */
NOINLINE static void lose_pointers_into_live(size_t big, const size_t *strays, size_t n)
{
    char *live = leak_malloc(big);
    memset(live, 0x44, big);
    whole = live;
    for (size_t i = 0; i < n; i++) {
        size_t words = strays[i] / sizeof(char *);
        char **lost = leak_calloc(words, sizeof *lost);
        size_t word = ug_rand_below(words);
        lost[word] = live + ug_rand_below(big);
    }
}

/* A lost chunk's pointer does not make the live chunk it points into lost,
 * and a live chunk's pointee is not indirect: only the strays leak, all
 * direct. Sizes, words and offsets come from the seed. */
static void test_a_lost_chunk_pointing_into_a_live_one_leaks_only_itself(void **state)
{
    (void)state;
    leak_report_t r;
    size_t strays[8], n = 1 + ug_rand_below(8), big = 1 + ug_rand_below(4000), bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += strays[i] = sizeof(char *) * (1 + ug_rand_below(256));
    lose_pointers_into_live(big, strays, n);
    CHECK(&r);
    assert_int_equal(1, r.nrecords);
    assert_int_equal(n, r.direct_objects);
    assert_int_equal(bytes, r.direct_bytes);
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

#define MAX_LINKS 6

/* A kept chain and two lost ones: lengths, and the seeded orders their
 * relays are spawned in. */
typedef struct chains {
    size_t kept_n, kept_order[MAX_LINKS];
    size_t lost_n[2], lost_order[2][MAX_LINKS];
} chains_t;

/* A seeded order of 0..n-1; with shuffled, never 0, 1, ..., n-1 itself. */
static void spawn_order(size_t *order, size_t n, bool shuffled)
{
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n; i-- > 1;) {
        size_t j = ug_rand_below(i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    bool identity = true;
    for (size_t i = 0; i < n; i++)
        identity &= order[i] == i;
    if (shuffled && identity) {
        size_t k = ug_rand_below(n - 1); /* swap two neighbours */
        order[k] = k + 1;
        order[k + 1] = k;
    }
}

/* c0 → relay → c1 → relay → ... → relay (end), the relays spawned in
 * order[]. Returns c0, masked. Unless keep, the channels are expected
 * objects, c0 first. */
NOINLINE static uintptr_t make_chain(world_t *w, size_t n, const size_t *order, bool keep)
{
    chan_t *c[MAX_LINKS];
    for (size_t i = 0; i < n; i++) {
        c[i] = world_chan(w, sizeof(int), 0);
        if (!keep)
            world_expect(w, c[i]);
    }
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        link_t *l = leak_calloc(1, sizeof *l);
        l->in = c[i];
        l->out = i + 1 < n ? c[i + 1] : NULL;
        task_spawn(relay, l, NULL);
    }
    return (uintptr_t)c[0] ^ MASK;
}

/* The first chain's head channel stays in main's frame: every relay can
 * still be woken in turn, though the chain is never spawned in its own
 * order, so some relay is listed before the one that wakes it and a single
 * pass over the tasks cannot settle them. The other chains' heads are
 * dropped: all their relays are leaked. */
static void two_chains(void *arg)
{
    world_t *w = arg;
    const chains_t *p = w->plan;
    uintptr_t kept = make_chain(w, p->kept_n, p->kept_order, true);
    for (int k = 0; k < 2; k++)
        make_chain(w, p->lost_n[k], p->lost_order[k], false);
    chan_t *volatile head = (chan_t *)(kept ^ MASK);
    clock_sleep(10 * CLOCK_S);
    scrub_stack();
    w->rc = leak_tasks_check(&w->rep);
    int v = 1;
    chan_send(head, &v);
}

/* Lengths and spawn orders come from the seed; the leaked relays, in id
 * order, wait on the lost chains' channels in their spawn orders. */
static void test_a_chain_of_tasks_each_woken_by_a_blocked_one_is_not_leaked(void **state)
{
    (void)state;
    char want[64] = "", got[64];
    chains_t p = {.kept_n = 2 + ug_rand_below(MAX_LINKS - 1)};
    spawn_order(p.kept_order, p.kept_n, true);
    for (size_t c = 0, first = 0; c < 2; first += p.lost_n[c++]) {
        p.lost_n[c] = 2 + ug_rand_below(MAX_LINKS - 1);
        spawn_order(p.lost_order[c], p.lost_n[c], false);
        for (size_t k = 0; k < p.lost_n[c]; k++)
            sig_add(want, expect_letter(first + p.lost_order[c][k]));
    }
    size_t lost = p.lost_n[0] + p.lost_n[1];
    world_t w = {.plan = &p};
    rt_config_t cfg = {.seed = ug_seed(), .wait_all = true};
    w.rc = -1;
    rt_run(&cfg, two_chains, &w);
    assert_int_equal(0, w.rc);
    assert_int_equal(lost, w.rep.ntasks);
    assert_int_equal(lost, count_leaked(&w, "relay", TASK_RECV));
    assert_string_equal(want, leaked_signature(&w, got));
    world_cleanup(&w);
}

UG_TEST_GROUP(
    leak_hidden, NULL, NULL,
    cmocka_unit_test_setup_teardown(test_random_heap_graphs_agree_with_a_reachability_oracle,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_lost_chunk_pointing_into_a_live_one_leaks_only_itself,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_chain_of_tasks_each_woken_by_a_blocked_one_is_not_leaked,
                                    leak_setup, leak_fixture));
