/*
 * order.c — the lock-order graph, driven through the event API: cycles of
 * two and three classes, ordered workloads, self-deadlock, classes versus
 * instances, nesting annotations, trylocks and the chain cache.
 *
 * Interface: each test makes threads with dl_thread, classes with
 * dl_lock_init, then feeds dl_acquire/dl_release and reads the reports.
 * Read acquisitions and trylocks seen before a blocking acquisition of the
 * same chain have tests of their own.
 */
#include "dl_test.h"

static int lock_a, lock_b, lock_c;

static dl_thread_t *thread(dl_t *d, uint64_t id) {
    dl_thread_t *t = NULL;
    assert_int_equal(0, dl_thread(d, id, &t));
    assert_non_null(t);
    return t;
}

static void init_abc(dl_t *d) {
    assert_int_equal(0, dl_lock_init(d, &lock_a, "A"));
    assert_int_equal(0, dl_lock_init(d, &lock_b, "B"));
    assert_int_equal(0, dl_lock_init(d, &lock_c, "C"));
}

/* Takes x then y (sites given), releases both. Returns y's acquire result. */
static int nested(dl_thread_t *t, void *x, const char *sx, void *y, const char *sy, unsigned fy) {
    assert_int_equal(0, dl_acquire(t, x, 0, sx));
    int rc = dl_acquire(t, y, fy, sy);
    assert_int_equal(0, dl_release(t, y));
    assert_int_equal(0, dl_release(t, x));
    return rc;
}

static void test_ab_then_ba_in_sequence_gives_one_report_with_both_stacks(void **state) {
    dl_t *d = *state;
    init_abc(d);
    dl_thread_t *t1 = thread(d, 1), *t2 = thread(d, 2);
    assert_int_equal(0, nested(t1, &lock_a, "transfer.c:10", &lock_b, "transfer.c:11", 0));
    assert_int_equal(0, dl_report_count(d));
    assert_int_equal(-EDEADLK, nested(t2, &lock_b, "refund.c:20", &lock_a, "refund.c:21", 0));
    assert_int_equal(1, dl_report_count(d));
    dl_report_t r;
    find_kind(d, DL_ORDER, &r);
    assert_int_equal(2, r.n);
    assert_true((!strcmp(r.cls[0], "A") && !strcmp(r.cls[1], "B")) ||
                (!strcmp(r.cls[0], "B") && !strcmp(r.cls[1], "A")));
    assert_text_has(&r, "transfer.c:10");
    assert_text_has(&r, "transfer.c:11");
    assert_text_has(&r, "refund.c:20");
    assert_text_has(&r, "refund.c:21");
    /* the same inversion again is the same cycle: no second report */
    nested(t1, &lock_a, "transfer.c:10", &lock_b, "transfer.c:11", 0);
    nested(t2, &lock_b, "refund.c:20", &lock_a, "refund.c:21", 0);
    assert_int_equal(1, dl_report_count(d));
}

static void test_sixty_four_locks_always_taken_in_order_give_no_report(void **state) {
    dl_t *d = *state;
    static int locks[64];
    char name[16];
    for (int i = 0; i < 64; i++) {
        snprintf(name, sizeof name, "L%d", i);
        assert_int_equal(0, dl_lock_init(d, &locks[i], name));
    }
    dl_thread_t *t[3] = {thread(d, 1), thread(d, 2), thread(d, 3)};
    for (int round = 0; round < 300; round++) {
        dl_thread_t *th = t[ug_rand_below(3)];
        int taken[8], n = 0;
        for (int i = (int)ug_rand_below(8); i < 64 && n < 8; i += 1 + (int)ug_rand_below(12)) {
            assert_int_equal(0, dl_acquire(th, &locks[i], 0, "ordered"));
            taken[n++] = i;
        }
        while (n--) assert_int_equal(0, dl_release(th, &locks[taken[n]]));
    }
    assert_int_equal(0, dl_report_count(d));
    assert_int_equal(64, dl_class_count(d));
    assert_true(dl_edge_count(d) > 64);
}

static void test_relocking_a_held_lock_is_a_self_deadlock(void **state) {
    dl_t *d = *state;
    init_abc(d);
    dl_thread_t *t = thread(d, 7);
    assert_int_equal(0, dl_acquire(t, &lock_a, 0, "outer.c:1"));
    assert_int_equal(-EDEADLK, dl_acquire(t, &lock_a, 0, "inner.c:2"));
    dl_report_t r;
    find_kind(d, DL_SELF, &r);
    assert_int_equal(1, dl_report_count(d));
    assert_string_equal("A", r.cls[0]);
    assert_text_has(&r, "outer.c:1");
    assert_text_has(&r, "inner.c:2");
}

struct account {
    int mu;
    int ledger_mu;
};

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
    /* even accounts: mu then ledger; one odd account: ledger then mu. No two
     * instances are ever used twice in opposite orders, but the classes are. */
    for (int i = 0; i < N; i += 2)
        assert_int_equal(0, nested(t1, &acct[i].mu, "credit", &acct[i].ledger_mu, "credit", 0));
    assert_int_equal(0, dl_report_count(d));
    assert_int_equal(-EDEADLK,
                     nested(t2, &acct[N - 1].ledger_mu, "audit", &acct[N - 1].mu, "audit", 0));
    assert_int_equal(1, count_kind(d, DL_ORDER));
    assert_int_equal(2, dl_edge_count(d));
}

struct node {
    int mu;
};

/* Locks a parent and then its child, both of class "node". */
static int parent_then_child(dl_t *d, unsigned child_flags) {
    static struct node nodes[2];
    for (int i = 0; i < 2; i++) assert_int_equal(0, dl_lock_init(d, &nodes[i].mu, "node.mu"));
    return nested(thread(d, 1), &nodes[0].mu, "tree.c:5", &nodes[1].mu, "tree.c:6", child_flags);
}

static void test_nesting_annotation_allows_a_same_class_hierarchy(void **state) {
    dl_t *d = *state;
    assert_int_equal(0, parent_then_child(d, DL_SUBCLASS(1)));
    assert_int_equal(0, dl_report_count(d));
    /* without the annotation the same nesting is a same-class report */
    dl_t *plain = NULL;
    assert_int_equal(0, dl_new(0, &plain));
    assert_int_equal(-EDEADLK, parent_then_child(plain, 0));
    assert_int_equal(1, count_kind(plain, DL_SELF));
    dl_free(plain);
}

static void test_trylock_in_the_opposite_order_is_not_a_report(void **state) {
    dl_t *d = *state;
    init_abc(d);
    dl_thread_t *t1 = thread(d, 1), *t2 = thread(d, 2);
    assert_int_equal(0, nested(t1, &lock_a, "a.c:1", &lock_b, "a.c:2", 0));
    assert_int_equal(0, nested(t2, &lock_b, "b.c:1", &lock_a, "b.c:2", DL_TRY));
    assert_int_equal(0, dl_report_count(d));
    assert_int_equal(1, dl_edge_count(d));
    /* a lock held through trylock still orders what comes after it */
    assert_int_equal(0, dl_acquire(t2, &lock_b, DL_TRY, "b.c:3"));
    assert_int_equal(0, dl_acquire(t2, &lock_c, 0, "b.c:4"));
    assert_int_equal(2, dl_edge_count(d));
}

static void test_repeated_chain_is_validated_once_and_reported_once(void **state) {
    dl_t *d = *state;
    init_abc(d);
    dl_thread_t *t1 = thread(d, 1), *t2 = thread(d, 2);
    nested(t1, &lock_a, "x", &lock_b, "x", 0);
    nested(t2, &lock_b, "y", &lock_a, "y", 0);
    uint64_t v = dl_validations(d);
    assert_true(v >= 2);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(0, nested(t1, &lock_a, "x", &lock_b, "x", 0));
        assert_int_equal(0, nested(t2, &lock_b, "y", &lock_a, "y", 0));
    }
    assert_int_equal(v, dl_validations(d));
    assert_int_equal(1, dl_report_count(d));
}

/* A read (shared) acquisition waits for writers like any other, so taking
 * RLock of B while holding A orders A before B: with B then A elsewhere
 * it is a cycle. Which order comes first is seeded; either way the second
 * one is reported. */
static void test_a_read_acquisition_inside_another_lock_is_an_order_edge(void **state) {
    dl_t *d = *state;
    init_abc(d);
    dl_thread_t *reader = thread(d, 1), *writer = thread(d, 2);
    bool read_first = ug_rand_below(2);
    int first = read_first ? nested(reader, &lock_a, "r.c:1", &lock_b, "r.c:2", DL_READ)
                           : nested(writer, &lock_b, "w.c:1", &lock_a, "w.c:2", 0);
    int second = read_first ? nested(writer, &lock_b, "w.c:1", &lock_a, "w.c:2", 0)
                            : nested(reader, &lock_a, "r.c:1", &lock_b, "r.c:2", DL_READ);
    assert_int_equal(0, first);
    assert_int_equal(-EDEADLK, second);
    assert_int_equal(1, count_kind(d, DL_ORDER));
    assert_int_equal(2, dl_edge_count(d));
    dl_report_t r;
    find_kind(d, DL_ORDER, &r);
    assert_int_equal(2, r.n);
    assert_text_has(&r, "r.c:2");
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
}

/* The chain cache is the checker's, not a thread's: once one thread has
 * validated the chain A, B, the other threads (2 to 5, seeded) that take
 * A then B need no validation of their own. */
static void test_a_chain_validated_on_one_thread_is_not_validated_again_on_another(void **state) {
    dl_t *d = *state;
    init_abc(d);
    assert_int_equal(0, nested(thread(d, 1), &lock_a, "x", &lock_b, "x", 0));
    uint64_t v = dl_validations(d), others = 2 + ug_rand_below(4);
    int failed = 0;
    for (uint64_t i = 0; i < others; i++)
        failed += nested(thread(d, 10 + i), &lock_a, "y", &lock_b, "y", 0) != 0;
    assert_int_equal(0, failed);
    assert_int_equal(0, dl_validations(d) - v);     /* how many the first took is the checker's */
    assert_int_equal(1, dl_edge_count(d));
}

/* A thread that gives up waiting and waits again (a timed lock retrying)
 * forms the same wait-for cycle again: every such wait is refused with
 * -EDEADLK, but it is one report. The number of retries is seeded. */
static void test_a_wait_for_cycle_formed_again_is_one_report(void **state) {
    dl_t *d = *state;
    init_abc(d);
    dl_thread_t *t1 = thread(d, 1), *t2 = thread(d, 2);
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
    find_kind(d, DL_WAITFOR, &r);
    assert_int_equal(2, r.n);
    assert_int_equal(1, r.ids[0]);
    assert_int_equal(2, r.ids[1]);
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
