/*
 * oracle.c — seeded random lock workloads checked against an offline
 * oracle, and two runtime cases: an RWMutex inversion and an abandoned
 * receiver.
 *
 * The oracle keeps its own adjacency matrix of "taken while holding" edges
 * (none into a trylock) and asks, after every acquisition, whether the
 * graph has a cycle. The checker must report first at exactly the same
 * acquisition, and every cycle it reports must be a cycle of the oracle's
 * graph.
 *
 * Interface: one_workload (checker and oracle side by side) ×40; the
 * runtime cases as in tasks.c. The workloads count what goes wrong and are
 * checked once each (the number of reports is the checker's: which cycle
 * an edge closing several is reported with is its choice).
 */
#include <stdio.h>
#include "../dl_test.h"

enum { NLOCKS = 12, NTHREADS = 4, EPISODES = 150 };

typedef struct oracle {
    bool edge[NLOCKS][NLOCKS];
} oracle_t;

static bool reaches(const oracle_t *o, int from, int to, bool *seen) {
    if (from == to) return true;
    seen[from] = true;
    for (int k = 0; k < NLOCKS; k++)
        if (o->edge[from][k] && !seen[k] && reaches(o, k, to, seen)) return true;
    return false;
}

static bool cyclic(const oracle_t *o) {
    for (int i = 0; i < NLOCKS; i++)
        for (int j = 0; j < NLOCKS; j++) {
            bool seen[NLOCKS] = {0};
            if (o->edge[i][j] && reaches(o, j, i, seen)) return true;
        }
    return false;
}

/* The lock named name ("L7"), or -1. */
static int lock_index(const char *name) {
    int i = -1;
    if (!name || sscanf(name, "L%d", &i) != 1 || i < 0 || i >= NLOCKS) return -1;
    return i;
}

/* Whether report r is a cycle of the oracle's graph, in order. */
static bool oracle_cycle(const oracle_t *o, const dl_report_t *r) {
    if (r->kind != DL_ORDER || r->n < 2 || r->n > DL_REPORT_MAX) return false;
    for (size_t k = 0; k < r->n; k++) {
        int from = lock_index(r->cls[k]), to = lock_index(r->cls[(k + 1) % r->n]);
        if (from < 0 || to < 0 || !o->edge[from][to]) return false;
    }
    return true;
}

/* One workload, checked against the oracle. Returns the acquisition the
 * oracle first saw a cycle at, or -1. */
static long one_workload(int rebel_odds) {
    static int locks[NLOCKS];
    dl_t *d = NULL;
    assert_int_equal(0, dl_new(0, &d));
    char name[8];
    for (int i = 0; i < NLOCKS; i++) {
        snprintf(name, sizeof name, "L%d", i);
        assert_int_equal(0, dl_lock_init(d, &locks[i], name));
    }
    dl_thread_t *t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) assert_int_equal(0, dl_thread(d, (uint64_t)i + 1, &t[i]));
    oracle_t o = {0};
    long step = 0, first_checker = -1, first_oracle = -1, bad = 0;
    for (int ep = 0; ep < EPISODES; ep++) {
        dl_thread_t *th = t[ug_rand_below(NTHREADS)];
        int pick[4], held[4], n = 0, want = 1 + (int)ug_rand_below(4);
        for (int k = 0; k < want; k++) {
            bool dup;
            do {
                pick[k] = (int)ug_rand_below(NLOCKS);
                dup = false;
                for (int j = 0; j < k; j++) dup |= pick[j] == pick[k];
            } while (dup);
        }
        /* most episodes follow the global order; a rebel keeps its random one */
        bool rebel = rebel_odds && ug_rand_below((uint64_t)rebel_odds) == 0;
        for (int k = 1; k < want && !rebel; k++)
            for (int j = k; j > 0 && pick[j - 1] > pick[j]; j--) {
                int x = pick[j];
                pick[j] = pick[j - 1];
                pick[j - 1] = x;
            }
        for (int k = 0; k < want; k++) {
            int l = pick[k];
            bool try = ug_rand_below(5) == 0;
            if (!try)
                for (int j = 0; j < n; j++) o.edge[held[j]][l] = true;
            int rc = dl_acquire(th, &locks[l], try ? DL_TRY : 0, "w");
            bad += rc != 0 && rc != -EDEADLK;
            if (rc == -EDEADLK && first_checker < 0) first_checker = step;
            if (first_oracle < 0 && cyclic(&o)) first_oracle = step;
            held[n++] = l;
            step++;
        }
        while (n) {   /* release in a random order */
            int k = (int)ug_rand_below((uint64_t)n);
            bad += dl_release(th, &locks[held[k]]) != 0;
            held[k] = held[--n];
        }
    }
    /* the checker reports first at exactly the oracle's acquisition */
    assert_int_equal(first_oracle, first_checker);
    dl_report_t r;
    for (size_t i = 0; dl_report_get(d, i, &r) == 0; i++) bad += !oracle_cycle(&o, &r);
    assert_int_equal(0, bad);
    assert_int_equal(first_oracle >= 0, dl_report_count(d) > 0);
    dl_free(d);
    return first_oracle;
}

static void test_random_lock_workload_matches_an_offline_cycle_oracle(void **state) {
    (void)state;
    int cyclic_rounds = 0;
    for (int round = 0; round < 40; round++)
        cyclic_rounds += one_workload(round % 2 ? 10 + round : 0) >= 0;
    /* the workload must exercise both outcomes to prove anything */
    assert_true(cyclic_rounds > 0 && cyclic_rounds < 40);
}

/* ---- RWMutex: a read lock orders like a write lock ---- */

typedef struct rwworld {
    dl_t *d;
    rwmutex_t rw;
    mutex_t m;
    chan_t *ch;
    int idle;                  /* tasks main spawns first, which return at once */
    int64_t woke;
} rwworld_t;

static void idle_task(void *p) { (void)p; }

static void read_then_m(void *p) {
    rwworld_t *w = p;
    rwmutex_rlock(&w->rw);
    mutex_lock(&w->m);
    mutex_unlock(&w->m);
    rwmutex_runlock(&w->rw);
}

static void m_then_write(void *p) {
    rwworld_t *w = p;
    mutex_lock(&w->m);
    rwmutex_lock(&w->rw);
    rwmutex_unlock(&w->rw);
    mutex_unlock(&w->m);
}

static void rw_main(void *p) {
    task_spawn(read_then_m, p, NULL);
    task_spawn(m_then_write, p, NULL);
}

/* The class names are seeded. */
static void test_rwmutex_read_write_inversion_across_tasks_is_reported(void **state) {
    static rwworld_t w;
    memset(&w, 0, sizeof w);
    w.d = *state;
    char rw[16], m[16], want[64], got[64];
    assert_int_equal(0, dl_lock_init(w.d, &w.rw, seeded_name(rw, sizeof rw, "cache.rw.")));
    assert_int_equal(0, dl_lock_init(w.d, &w.m, seeded_name(m, sizeof m, "stats.mu.")));
    assert_int_equal(0, run_tasks(w.d, rw_main, &w));
    dl_report_t r;
    find_kind(w.d, DL_ORDER, &r);
    assert_int_equal(1, dl_report_count(w.d));
    assert_int_equal(2, r.n);
    const char *const pair[2] = {rw, m};
    assert_string_equal(cycle_of(pair, 2, want, sizeof want), cycle_text(&r, got, sizeof got));
    assert_text_has(&r, rw);
    assert_text_has(&r, m);
}

/* ---- a receiver whose only sender is gone ---- */

static void sender_that_quits(void *p) {
    rwworld_t *w = p;
    dl_chan_role(w->d, w->ch, CHAN_SEND);   /* meant to send, returns early */
}

static void receiver(void *p) {
    rwworld_t *w = p;
    dl_chan_role(w->d, w->ch, CHAN_RECV);
    task_yield();
    chan_recv(w->ch, NULL, NULL);
}

static void abandon_main(void *p) {
    rwworld_t *w = p;
    for (int i = 0; i < w->idle; i++) task_spawn(idle_task, NULL, NULL);
    task_spawn(sender_that_quits, p, NULL);   /* task idle + 2 */
    task_spawn(receiver, p, NULL);            /* task idle + 3 */
    clock_sleep(CLOCK_S);
    w->woke = count_kind(w->d, DL_PARTIAL);
    bool ok;
    chan_try_recv(w->ch, NULL, &ok);   /* main never sends: task 3 stays stuck */
}

static void test_abandoned_receiver_whose_sender_exited_is_a_partial_deadlock(void **state) {
    static rwworld_t w;
    memset(&w, 0, sizeof w);
    w.d = *state;
    w.idle = (int)ug_rand_below(21);   /* tasks that return at once move the ids */
    assert_int_equal(0, chan_make(sizeof(int), 0, &w.ch));
    assert_int_equal(-EDEADLK, run_tasks(w.d, abandon_main, &w));
    assert_int_equal(1, w.woke);
    dl_report_t r;
    find_kind(w.d, DL_PARTIAL, &r);
    assert_int_equal(1, r.n);
    assert_int_equal(w.idle + 3, r.ids[0]);
    assert_text_has(&r, "nobody");
    chan_free(w.ch);
}

UG_TEST_GROUP(deadlock_hidden, NULL, NULL,
    cmocka_unit_test(test_random_lock_workload_matches_an_offline_cycle_oracle),
    cmocka_unit_test_setup_teardown(test_rwmutex_read_write_inversion_across_tasks_is_reported, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_abandoned_receiver_whose_sender_exited_is_a_partial_deadlock, dl_setup, dl_teardown));
