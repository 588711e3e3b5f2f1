/*
 * order.c — the lock-order graph, driven through the event API: cycles of
 * two and three classes, ordered workloads, self-deadlock, classes versus
 * instances, nesting annotations, trylocks and the chain cache.
 *
 * Interface: each test makes threads with dl_thread, classes with
 * dl_lock_init, then feeds dl_acquire/dl_release and reads the reports.
 * Read acquisitions and trylocks seen before a blocking acquisition of the
 * same chain have tests of their own. Class names, sites and thread ids are
 * seeded; reports are checked as strings (cycle_text, assert_text_has).
 */
#include "dl_test.h"

static int lock_a, lock_b, lock_c;
static char name_a[16], name_b[16], name_c[16];

static dl_thread_t *thread(dl_t *d, uint64_t id) {
    dl_thread_t *t = NULL;
    assert_int_equal(0, dl_thread(d, id, &t));
    assert_non_null(t);
    return t;
}

/* Classes A, B and C with seeded names ("A.417"), kept in name_a.. */
static void init_abc(dl_t *d) {
    assert_int_equal(0, dl_lock_init(d, &lock_a, seeded_name(name_a, sizeof name_a, "A.")));
    assert_int_equal(0, dl_lock_init(d, &lock_b, seeded_name(name_b, sizeof name_b, "B.")));
    assert_int_equal(0, dl_lock_init(d, &lock_c, seeded_name(name_c, sizeof name_c, "C.")));
}

/* The expected cycle of the names, as cycle_text writes a report's. */
#define CYCLE(buf, ...) \
    cycle_of((const char *const[]){__VA_ARGS__}, \
             sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *), buf, sizeof buf)

/* Takes x then y (sites given), releases both, checking nothing itself (it
 * runs in loops): y's acquire result, or -EPROTO if taking x or a release
 * did not return 0. */
static int nested(dl_thread_t *t, void *x, const char *sx, void *y, const char *sy, unsigned fy) {
    int rx = dl_acquire(t, x, 0, sx);
    int rc = dl_acquire(t, y, fy, sy);
    int ry = dl_release(t, y), rel = dl_release(t, x);
    return rx || ry || rel ? -EPROTO : rc;
}

/* The sites of two acquisitions: file:line, lines seeded. */
static void two_sites(char (*s)[24], const char *file) {
    unsigned line = 10 + (unsigned)ug_rand_below(900);
    snprintf(s[0], sizeof s[0], "%s:%u", file, line);
    snprintf(s[1], sizeof s[1], "%s:%u", file, line + 1 + (unsigned)ug_rand_below(9));
}

static void test_ab_then_ba_in_sequence_gives_one_report_with_both_stacks(void **state) {
    dl_t *d = *state;
    init_abc(d);
    char tr[2][24], rf[2][24], want[64], got[64];
    two_sites(tr, "transfer.c");
    two_sites(rf, "refund.c");
    uint64_t id1 = 1 + ug_rand_below(500), id2 = 501 + ug_rand_below(500);
    dl_thread_t *t1 = thread(d, id1), *t2 = thread(d, id2);
    assert_int_equal(0, nested(t1, &lock_a, tr[0], &lock_b, tr[1], 0));
    assert_int_equal(0, dl_report_count(d));
    assert_int_equal(-EDEADLK, nested(t2, &lock_b, rf[0], &lock_a, rf[1], 0));
    assert_int_equal(1, dl_report_count(d));
    dl_report_t r;
    find_kind(d, DL_ORDER, &r);
    assert_int_equal(2, r.n);
    assert_string_equal(CYCLE(want, name_a, name_b), cycle_text(&r, got, sizeof got));
    assert_text_has(&r, tr[0]);
    assert_text_has(&r, tr[1]);
    assert_text_has(&r, rf[0]);
    assert_text_has(&r, rf[1]);
    /* the same inversion again (a seeded number of times) is the same cycle:
     * no second report */
    for (int i = 0, again = 1 + (int)ug_rand_below(3); i < again; i++) {
        nested(t1, &lock_a, tr[0], &lock_b, tr[1], 0);
        nested(t2, &lock_b, rf[0], &lock_a, rf[1], 0);
    }
    assert_int_equal(1, dl_report_count(d));
}

static void test_sixty_four_locks_always_taken_in_order_give_no_report(void **state) {
    dl_t *d = *state;
    static int locks[64];
    static bool edge[64][64];
    memset(edge, 0, sizeof edge);
    char name[16];
    for (int i = 0; i < 64; i++) {
        snprintf(name, sizeof name, "L%d", i);
        assert_int_equal(0, dl_lock_init(d, &locks[i], name));
    }
    dl_thread_t *t[3] = {thread(d, 1), thread(d, 2), thread(d, 3)};
    int failed = 0, rounds = 20 + (int)ug_rand_below(380);
    for (int round = 0; round < rounds; round++) {
        dl_thread_t *th = t[ug_rand_below(3)];
        int taken[8], n = 0;
        for (int i = (int)ug_rand_below(8); i < 64 && n < 8; i += 1 + (int)ug_rand_below(12)) {
            failed += dl_acquire(th, &locks[i], 0, "ordered") != 0;
            for (int j = 0; j < n; j++) edge[taken[j]][i] = true;   /* every held one → i */
            taken[n++] = i;
        }
        while (n--) failed += dl_release(th, &locks[taken[n]]) != 0;
    }
    size_t want_edges = 0;
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 64; j++) want_edges += edge[i][j];
    assert_int_equal(0, failed);
    assert_int_equal(0, dl_report_count(d));
    assert_int_equal(64, dl_class_count(d));
    assert_int_equal(want_edges, dl_edge_count(d));
}

static void test_relocking_a_held_lock_is_a_self_deadlock(void **state) {
    dl_t *d = *state;
    init_abc(d);
    char outer[24], inner[24], got[64];
    snprintf(outer, sizeof outer, "outer.c:%u", 1 + (unsigned)ug_rand_below(999));
    snprintf(inner, sizeof inner, "inner.c:%u", 1 + (unsigned)ug_rand_below(999));
    dl_thread_t *t = thread(d, 1 + ug_rand_below(1000));
    assert_int_equal(0, dl_acquire(t, &lock_a, 0, outer));
    assert_int_equal(-EDEADLK, dl_acquire(t, &lock_a, 0, inner));
    dl_report_t r;
    find_kind(d, DL_SELF, &r);
    assert_int_equal(1, dl_report_count(d));
    assert_int_equal(1, r.n);
    assert_string_equal(name_a, cycle_text(&r, got, sizeof got));
    assert_text_has(&r, outer);
    assert_text_has(&r, inner);
}

struct account {
    int mu;
    int ledger_mu;
};

/* Every even account is taken mu then ledger, one odd account (seeded)
 * ledger then mu, at seeded sites. */
static void test_ten_thousand_locks_of_one_class_are_one_node(void **state) {
    dl_t *d = *state;
    enum { N = 10000 };
    static struct account acct[N];
    for (int i = 0; i < N; i++) {
        assert_int_equal(0, DL_LOCK_INIT(d, &acct[i].mu));
        assert_int_equal(0, DL_LOCK_INIT(d, &acct[i].ledger_mu));
    }
    assert_int_equal(2, dl_class_count(d));
    dl_thread_t *t1 = thread(d, 1), *t2 = thread(d, 2);
    char credit[2][24], audit[2][24];
    two_sites(credit, "credit.c");
    two_sites(audit, "audit.c");
    /* No two instances are ever used twice in opposite orders, but the
     * classes are. */
    int failed = 0, odd = 1 + 2 * (int)ug_rand_below(N / 2);
    for (int i = 0; i < N; i += 2)
        failed += nested(t1, &acct[i].mu, credit[0], &acct[i].ledger_mu, credit[1], 0) != 0;
    assert_int_equal(0, failed);
    assert_int_equal(0, dl_report_count(d));
    assert_int_equal(-EDEADLK,
                     nested(t2, &acct[odd].ledger_mu, audit[0], &acct[odd].mu, audit[1], 0));
    assert_int_equal(1, count_kind(d, DL_ORDER));
    assert_int_equal(2, dl_edge_count(d));
    dl_report_t r;
    find_kind(d, DL_ORDER, &r);
    assert_text_has(&r, credit[0]);
    assert_text_has(&r, audit[1]);
}

struct node {
    int mu;
};

/* Locks a parent and then its child, both of class `name`. */
static int parent_then_child(dl_t *d, const char *name, unsigned child_flags) {
    static struct node nodes[2];
    for (int i = 0; i < 2; i++) assert_int_equal(0, dl_lock_init(d, &nodes[i].mu, name));
    return nested(thread(d, 1), &nodes[0].mu, "tree.c:5", &nodes[1].mu, "tree.c:6", child_flags);
}

/* The subclass (1..7) and the class name are seeded. */
static void test_nesting_annotation_allows_a_same_class_hierarchy(void **state) {
    dl_t *d = *state;
    char name[16], got[64];
    seeded_name(name, sizeof name, "node.mu.");
    unsigned sub = 1 + (unsigned)ug_rand_below(DL_MAX_SUBCLASS);
    assert_int_equal(0, parent_then_child(d, name, DL_SUBCLASS(sub)));
    assert_int_equal(0, dl_report_count(d));
    /* without the annotation the same nesting is a same-class report */
    dl_t *plain = NULL;
    assert_int_equal(0, dl_new(0, &plain));
    assert_int_equal(-EDEADLK, parent_then_child(plain, name, 0));
    assert_int_equal(1, count_kind(plain, DL_SELF));
    dl_report_t r;
    find_kind(plain, DL_SELF, &r);
    assert_string_equal(name, cycle_text(&r, got, sizeof got));
    dl_free(plain);
}

/* After the trylock, t2 holds B (through trylock) and takes a seeded
 * number of locks nested inside it: each orders after B and after the
 * ones before it. */
static void test_trylock_in_the_opposite_order_is_not_a_report(void **state) {
    dl_t *d = *state;
    static int more[16], other[16];
    init_abc(d);
    dl_thread_t *t1 = thread(d, 1), *t2 = thread(d, 2);
    assert_int_equal(0, nested(t1, &lock_a, "a.c:1", &lock_b, "a.c:2", 0));
    assert_int_equal(0, nested(t2, &lock_b, "b.c:1", &lock_a, "b.c:2", DL_TRY));
    assert_int_equal(0, dl_report_count(d));
    assert_int_equal(1, dl_edge_count(d));
    /* a lock held through trylock still orders what comes after it: two
     * seeded chains taken in turn under it */
    size_t k = 1 + ug_rand_below(16), j = 1 + ug_rand_below(16);
    int failed = dl_acquire(t2, &lock_b, DL_TRY, "b.c:3") != 0;
    for (size_t i = 0; i < k; i++) failed += dl_acquire(t2, &more[i], 0, "b.c:4") != 0;
    for (size_t i = k; i-- > 0;) failed += dl_release(t2, &more[i]) != 0;
    for (size_t i = 0; i < j; i++) failed += dl_acquire(t2, &other[i], 0, "b.c:5") != 0;
    assert_int_equal(0, failed);
    assert_int_equal(0, dl_report_count(d));
    assert_int_equal(1 + k * (k + 1) / 2 + j * (j + 1) / 2, dl_edge_count(d));
}

static void test_repeated_chain_is_validated_once_and_reported_once(void **state) {
    dl_t *d = *state;
    init_abc(d);
    dl_thread_t *t1 = thread(d, 1), *t2 = thread(d, 2);
    nested(t1, &lock_a, "x", &lock_b, "x", 0);
    nested(t2, &lock_b, "y", &lock_a, "y", 0);
    uint64_t v = dl_validations(d);
    assert_true(v >= 2);
    int failed = 0, rounds = 1000 + (int)ug_rand_below(1000);
    for (int i = 0; i < rounds; i++) {
        failed += nested(t1, &lock_a, "x", &lock_b, "x", 0) != 0;
        failed += nested(t2, &lock_b, "y", &lock_a, "y", 0) != 0;
    }
    assert_int_equal(0, failed);
    assert_int_equal(0, dl_validations(d) - v);     /* how many the first took is the checker's */
    assert_int_equal(1, dl_report_count(d));
    dl_report_t r;
    char want[64], got[64];
    find_kind(d, DL_ORDER, &r);
    assert_string_equal(CYCLE(want, name_a, name_b), cycle_text(&r, got, sizeof got));
}

/* A read (shared) acquisition waits for writers like any other, so taking
 * RLock of B while holding A orders A before B: with B then A elsewhere
 * it is a cycle. Which order comes first is seeded; either way the second
 * one is reported. */
static void test_a_read_acquisition_inside_another_lock_is_an_order_edge(void **state) {
    dl_t *d = *state;
    init_abc(d);
    char rs[2][24], ws[2][24], want[64], got[64];
    two_sites(rs, "r.c");
    two_sites(ws, "w.c");
    dl_thread_t *reader = thread(d, 1), *writer = thread(d, 2);
    bool read_first = ug_rand_below(2);
    int first = read_first ? nested(reader, &lock_a, rs[0], &lock_b, rs[1], DL_READ)
                           : nested(writer, &lock_b, ws[0], &lock_a, ws[1], 0);
    int second = read_first ? nested(writer, &lock_b, ws[0], &lock_a, ws[1], 0)
                            : nested(reader, &lock_a, rs[0], &lock_b, rs[1], DL_READ);
    assert_int_equal(0, first);
    assert_int_equal(-EDEADLK, second);
    assert_int_equal(1, count_kind(d, DL_ORDER));
    assert_int_equal(2, dl_edge_count(d));
    dl_report_t r;
    find_kind(d, DL_ORDER, &r);
    assert_int_equal(2, r.n);
    assert_string_equal(CYCLE(want, name_a, name_b), cycle_text(&r, got, sizeof got));
    assert_text_has(&r, rs[1]);
}

/* A trylock adds no edge, but it must not hide a later blocking
 * acquisition of the same locks: A then trylock B, seen first (a seeded
 * number of times), and then A then a blocking B, is the edge A -> B, so
 * B then A is a cycle. The chain "A, try B" is not the chain "A, B". */
static void test_a_trylock_seen_first_does_not_hide_the_same_chain_taken_blocking(void **state) {
    dl_t *d = *state;
    init_abc(d);
    dl_thread_t *t1 = thread(d, 1), *t2 = thread(d, 2);
    uint64_t tries = 1 + ug_rand_below(4);
    int failed = 0;
    for (uint64_t i = 0; i < tries; i++)
        failed += nested(t1, &lock_a, "poll.c:1", &lock_b, "poll.c:2", DL_TRY) != 0;
    assert_int_equal(0, failed);
    assert_int_equal(0, dl_edge_count(d));
    assert_int_equal(0, nested(t1, &lock_a, "sync.c:1", &lock_b, "sync.c:2", 0));
    assert_int_equal(1, dl_edge_count(d));
    assert_int_equal(-EDEADLK, nested(t2, &lock_b, "back.c:1", &lock_a, "back.c:2", 0));
    assert_int_equal(1, count_kind(d, DL_ORDER));
    dl_report_t r;
    char want[64], got[64];
    find_kind(d, DL_ORDER, &r);
    assert_string_equal(CYCLE(want, name_a, name_b), cycle_text(&r, got, sizeof got));
}

/* The chain cache is the checker's, not a thread's: once one thread has
 * validated a chain (two chains in turn, 2 to 12 locks each, seeded), the
 * other threads (2 to 5, seeded) that take the same locks in the same
 * order need no validation of their own. */
static void test_a_chain_validated_on_one_thread_is_not_validated_again_on_another(void **state) {
    dl_t *d = *state;
    static int chain[2][12];
    char names[2][12][16];
    size_t k[2] = {2 + ug_rand_below(11), 2 + ug_rand_below(11)};
    for (size_t c = 0; c < 2; c++)
        for (size_t i = 0; i < k[c]; i++) {
            snprintf(names[c][i], sizeof names[c][i], "chain%d.%d", (int)c, (int)i);
            assert_int_equal(0, dl_lock_init(d, &chain[c][i], names[c][i]));
        }
    int failed = 0;
    for (size_t c = 0; c < 2; c++)
        for (uint64_t th = 0, others = 2 + ug_rand_below(4); th <= others; th++) {
            uint64_t v = dl_validations(d);
            dl_thread_t *t = thread(d, th ? 10 + th : 1);
            for (size_t i = 0; i < k[c]; i++)
                failed += dl_acquire(t, &chain[c][i], 0, th ? "y" : "x") != 0;
            for (size_t i = k[c]; i-- > 0;) failed += dl_release(t, &chain[c][i]) != 0;
            /* how many the first took is the checker's; the others take none */
            failed += th && dl_validations(d) != v;
        }
    assert_int_equal(0, failed);
    assert_int_equal(0, dl_report_count(d));
    assert_int_equal(k[0] * (k[0] - 1) / 2 + k[1] * (k[1] - 1) / 2, dl_edge_count(d));
}

/* A thread that gives up waiting and waits again (a timed lock retrying)
 * forms the same wait-for cycle again: every such wait is refused with
 * -EDEADLK, but it is one report. The number of retries and the thread
 * ids are seeded. */
static void test_a_wait_for_cycle_formed_again_is_one_report(void **state) {
    dl_t *d = *state;
    init_abc(d);
    uint64_t id1 = 1 + ug_rand_below(500), id2 = 501 + ug_rand_below(500);
    bool low_first = ug_rand_below(2);   /* which of the two blocks first */
    dl_thread_t *t1 = thread(d, low_first ? id1 : id2), *t2 = thread(d, low_first ? id2 : id1);
    assert_int_equal(0, dl_acquire(t1, &lock_a, 0, "t1.c:1"));
    assert_int_equal(0, dl_acquire(t2, &lock_b, 0, "t2.c:1"));
    assert_int_equal(0, dl_block(t1, &lock_b, 0, "t1.c:2"));
    uint64_t retries = 2 + ug_rand_below(5), refused = 0;
    for (uint64_t i = 0; i < retries; i++) {
        refused += dl_block(t2, &lock_a, 0, "t2.c:2") == -EDEADLK;
        dl_unblock(t2);                                  /* timed out; tries again */
    }
    assert_int_equal(retries, refused);
    assert_int_equal(1, count_kind(d, DL_WAITFOR));
    assert_int_equal(1, count_kind(d, DL_ORDER));
    dl_report_t r;
    char want[48], got[48];
    find_kind(d, DL_WAITFOR, &r);
    assert_int_equal(2, r.n);
    snprintf(want, sizeof want, "%llu %llu", (unsigned long long)id1, (unsigned long long)id2);
    assert_string_equal(want, ids_text(&r, got, sizeof got));
}

UG_TEST_GROUP(deadlock_order, NULL, NULL,
    cmocka_unit_test_setup_teardown(test_a_chain_validated_on_one_thread_is_not_validated_again_on_another, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_a_wait_for_cycle_formed_again_is_one_report, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_a_read_acquisition_inside_another_lock_is_an_order_edge, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_a_trylock_seen_first_does_not_hide_the_same_chain_taken_blocking, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_ab_then_ba_in_sequence_gives_one_report_with_both_stacks, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_sixty_four_locks_always_taken_in_order_give_no_report, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_relocking_a_held_lock_is_a_self_deadlock, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_ten_thousand_locks_of_one_class_are_one_node, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_nesting_annotation_allows_a_same_class_hierarchy, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_trylock_in_the_opposite_order_is_not_a_report, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_repeated_chain_is_validated_once_and_reported_once, dl_setup, dl_teardown));
