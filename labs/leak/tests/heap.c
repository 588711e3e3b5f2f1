/*
 * heap.c — tests of the heap graph: what is lost, what is direct, what is
 * indirect, how records group, and the allocator's own bookkeeping.
 *
 * Every lost chunk is made by a helper that returns nothing, so no pointer
 * to it survives in the test's frame; kept chunks are held in a volatile
 * local of the test, which sits above the check's frame and is a root.
 *
 * Interface: lose_* helpers → CHECK → assertions on the report.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

typedef struct node {
    struct node *next;
    char pad[24];
} node_t;

NOINLINE static void lose_one(size_t n)
{
    char *p = leak_malloc(n);
    memset(p, 0x11, n);
}

/* One live chunk and one lost: only the lost one is reported, once, with
 * its size and the function that allocated it. */
static void test_one_lost_chunk_is_a_direct_leak_with_its_size_and_site(void **state)
{
    (void)state;
    leak_report_t r;
    void *volatile keep = leak_malloc(48);
    lose_one(40);
    CHECK(&r);
    assert_int_equal(1, r.nrecords);
    assert_int_equal(LEAK_DIRECT, r.records[0].kind);
    assert_int_equal(40, r.records[0].bytes);
    assert_int_equal(1, r.records[0].objects);
    assert_non_null(find_record(&r, LEAK_DIRECT, "lose_one"));
    assert_int_equal(40, r.direct_bytes);
    assert_int_equal(0, r.indirect_objects);
    leak_report_free(&r);
    leak_free(keep);
}

NOINLINE static node_t *make_node(node_t *next)
{
    node_t *n = leak_calloc(1, sizeof *n);
    n->next = next;
    return n;
}

NOINLINE static void lose_list(int len)
{
    node_t *tail = NULL;
    for (int i = 1; i < len; i++)
        tail = make_node(tail);
    node_t *head = leak_malloc(sizeof *head);
    head->next = tail;
}

/* A lost list: the head is the direct leak, the nodes behind it are only
 * reachable from it, so they are indirect, grouped at their own site. */
static void test_a_lost_list_is_one_direct_head_and_indirect_nodes(void **state)
{
    (void)state;
    leak_report_t r;
    lose_list(5);
    CHECK(&r);
    assert_int_equal(2, r.nrecords);
    const leak_record_t *d = find_record(&r, LEAK_DIRECT, "lose_list");
    const leak_record_t *in = find_record(&r, LEAK_INDIRECT, "make_node");
    assert_non_null(d);
    assert_non_null(in);
    assert_int_equal(1, d->objects);
    assert_int_equal(sizeof(node_t), d->bytes);
    assert_int_equal(4, in->objects);
    assert_int_equal(4 * sizeof(node_t), in->bytes);
    assert_ptr_equal(d, &r.records[0]);          /* direct records come first */
    leak_report_free(&r);
}

NOINLINE static void lose_cycle(void)
{
    node_t *a = make_node(NULL), *b = make_node(a), *c = make_node(b);
    a->next = c;                                  /* a → c → b → a */
}

/* Nothing points into a lost cycle from outside: one member must be named
 * direct, or the cycle would be reported as nobody's fault. */
static void test_a_lost_cycle_is_reported_with_one_direct_member(void **state)
{
    (void)state;
    leak_report_t r;
    lose_cycle();
    CHECK(&r);
    assert_int_equal(1, r.direct_objects);
    assert_int_equal(2, r.indirect_objects);
    assert_int_equal(3 * sizeof(node_t), r.direct_bytes + r.indirect_bytes);
    leak_report_free(&r);
}

static char *volatile interior;

NOINLINE static void keep_interior(void)
{
    char *p = leak_malloc(64);
    interior = p + 40;
}

/* A pointer into the middle of a chunk keeps it; one just past its end
 * does not. */
static void test_an_interior_pointer_keeps_the_chunk_alive(void **state)
{
    (void)state;
    leak_report_t r;
    keep_interior();
    CHECK(&r);
    assert_int_equal(0, r.nrecords);
    interior += 24;                               /* one past the end */
    CHECK(&r);
    assert_int_equal(1, r.direct_objects);
    assert_int_equal(64, r.direct_bytes);
    interior = NULL;
    leak_report_free(&r);
}

NOINLINE static void lose_many(int n)
{
    for (int i = 0; i < n; i++) {
        int *p = leak_malloc(16);
        *p = i;
    }
}

NOINLINE static void lose_sized(const size_t *sizes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *p = leak_malloc(sizes[i]);
        memset(p, 0x11, sizes[i]);   /* no stale pointer may link two of them */
    }
}

/* A record is an allocation site, not a size: chunks of different sizes
 * lost from one line are one record, its bytes their sum and its objects
 * their count. The sizes and how many come from the seed. */
static void test_leaks_of_different_sizes_from_one_line_are_one_record_with_their_sum(void **state)
{
    (void)state;
    leak_report_t r;
    size_t sizes[40], n = 8 + ug_rand_below(33), total = 0;
    for (size_t i = 0; i < n; i++) {
        sizes[i] = 1 + ug_rand_below(500) + 600 * (i % 3);   /* at least three sizes */
        total += sizes[i];
    }
    lose_sized(sizes, n);
    CHECK(&r);
    assert_int_equal(1, r.nrecords);
    assert_int_equal(n, r.records[0].objects);
    assert_int_equal(total, r.records[0].bytes);
    assert_non_null(find_record(&r, LEAK_DIRECT, "lose_sized"));
    assert_int_equal(n, r.direct_objects);
    assert_int_equal(total, r.direct_bytes);
    leak_report_free(&r);
}

/* Ten thousand leaks from one line are one record, not ten thousand. */
static void test_ten_thousand_leaks_from_one_line_are_one_record(void **state)
{
    (void)state;
    leak_report_t r;
    lose_many(10000);
    CHECK(&r);
    assert_int_equal(1, r.nrecords);
    assert_int_equal(10000, r.records[0].objects);
    assert_int_equal(160000, r.records[0].bytes);
    assert_non_null(find_record(&r, LEAK_DIRECT, "lose_many"));
    leak_report_free(&r);
}

static uintptr_t all[6];                          /* masked: not roots */

NOINLINE static void alloc_all(size_t *bytes)
{
    void *p = NULL;
    char *grow = leak_malloc(10);
    memcpy(grow, "realloced", 10);
    all[0] = (uintptr_t)leak_malloc(100);
    all[1] = (uintptr_t)leak_calloc(10, 20);
    all[2] = (uintptr_t)leak_realloc(grow, 300);
    assert_int_equal(0, leak_posix_memalign(&p, 64, 400));
    all[3] = (uintptr_t)p;
    all[4] = (uintptr_t)leak_aligned_alloc(128, 512);
    all[5] = (uintptr_t)leak_strdup("strdup'd");
    *bytes = 100 + 200 + 300 + 400 + 512 + 9;
    assert_string_equal("realloced", (char *)all[2]);
    assert_int_equal(0, all[3] % 64);
    assert_int_equal(0, all[4] % 128);
    assert_string_equal("strdup'd", (char *)all[5]);
    for (int i = 0; i < 200; i++)
        assert_int_equal(0, ((char *)all[1])[i]);
    for (int i = 0; i < 6; i++)
        all[i] ^= MASK;
}

/* malloc, calloc, realloc, posix_memalign, aligned_alloc and strdup are all
 * recorded, each at its own site, and free releases each. */
static void test_every_allocation_function_is_recorded_and_released(void **state)
{
    (void)state;
    leak_report_t r;
    leak_stats_t st;
    size_t bytes;
    alloc_all(&bytes);
    assert_int_equal(0, leak_stats(&st));
    assert_int_equal(6, st.live_chunks);          /* realloc replaced its input */
    assert_int_equal(bytes, st.live_bytes);
    static const size_t sizes[6] = {100, 200, 300, 400, 512, 9};
    for (int i = 0; i < 6; i++)
        assert_int_equal(sizes[i], leak_chunk_size((void *)(all[i] ^ MASK)));
    assert_int_equal(0, leak_chunk_size(&bytes));
    CHECK(&r);
    assert_int_equal(6, r.nrecords);              /* six call sites */
    assert_int_equal(6, r.direct_objects);
    assert_int_equal(bytes, r.direct_bytes);
    leak_report_free(&r);
    for (int i = 0; i < 6; i++)
        leak_free((void *)(all[i] ^ MASK));
    assert_int_equal(0, leak_stats(&st));
    assert_int_equal(0, st.live_chunks);
    assert_int_equal(0, st.live_bytes);
    assert_int_equal(0, st.double_frees + st.invalid_frees);
    CHECK(&r);
    assert_int_equal(0, r.nrecords);
}

NOINLINE static char *alloc_filled(size_t n)
{
    char *p = leak_malloc(n);
    memset(p, 0x22, n);
    return p;
}

/* The two callers differ (the byte they write), or the compiler would fold
 * them into one function and one stack; the write after the call keeps it
 * a call, not a tail jump that would leave the caller off the stack. */
NOINLINE static void warm_cache(size_t n)
{
    char *p = alloc_filled(n);
    p[0] = 1;
}

NOINLINE static void lose_through_a_helper(size_t n)
{
    char *p = alloc_filled(n);
    p[n - 1] = 2;
}

/* A suppression matches any frame of the allocation stack, not just the
 * function that called malloc: the helper's leaks through warm_cache (a
 * caller) are suppressed, its leak through another caller is not. How
 * many and how big come from the seed. */
static void test_a_suppression_matches_a_caller_of_the_allocating_function(void **state)
{
    (void)state;
    static const char *const sup[] = {"warm_cache", NULL};
    leak_report_t r;
    assert_int_equal(0, leak_init(&(leak_options_t){.stack_depth = 4, .suppress = sup}));
    size_t quiet = 1 + ug_rand_below(5), size = 8 + ug_rand_below(200);
    for (size_t i = 0; i < quiet; i++)
        warm_cache(16);
    lose_through_a_helper(size);
    CHECK(&r);
    assert_int_equal(1, r.nrecords);
    assert_non_null(find_record(&r, LEAK_DIRECT, "alloc_filled"));
    assert_int_equal(size, r.records[0].bytes);
    assert_int_equal(quiet, r.suppressed_objects);
    leak_report_free(&r);
}

/* A second free, a free of a stack address and of an interior pointer are
 * counted and survived; the live chunk stays live. */
static void test_double_free_and_invalid_free_are_diagnosed_not_crashed_on(void **state)
{
    (void)state;
    leak_stats_t st;
    int on_stack;
    char *p = leak_malloc(32), *q = leak_malloc(32);
    leak_free(p);
    leak_free(p);
    leak_free(&on_stack);
    leak_free(q + 8);
    assert_int_equal(0, leak_stats(&st));
    assert_int_equal(1, st.double_frees);
    assert_int_equal(2, st.invalid_frees);
    assert_int_equal(1, st.live_chunks);
    q[31] = 1;                                     /* still ours */
    leak_free(q);
    assert_int_equal(0, leak_stats(&st));
    assert_int_equal(0, st.live_chunks);
    assert_int_equal(1, st.double_frees);
}

NOINLINE static void lose_quietly(void)
{
    char *p = leak_malloc(77);
    p[0] = 1;
}

/* Suppressions name functions: their leaks are counted as suppressed, and
 * other leaks are still reported. */
static void test_a_suppressed_function_hides_its_leaks_but_not_others(void **state)
{
    (void)state;
    static const char *const sup[] = {"lose_quietly", NULL};
    leak_report_t r;
    assert_int_equal(0, leak_init(&(leak_options_t){.stack_depth = 4, .suppress = sup}));
    lose_quietly();
    lose_one(13);
    CHECK(&r);
    assert_int_equal(1, r.nrecords);
    assert_non_null(find_record(&r, LEAK_DIRECT, "lose_one"));
    assert_int_equal(1, r.suppressed_objects);
    assert_true(r.records[0].nframes >= 2);        /* the test function too */
    leak_report_free(&r);
}

/* With report_at_exit, a process that leaks prints its report when it
 * exits and leaves with exit_code; one that does not leak exits normally. */
static void test_a_leak_at_exit_is_reported_and_sets_the_exit_code(void **state)
{
    (void)state;
    int status[2];
    for (int leaky = 0; leaky < 2; leaky++) {
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            if (leak_init(&(leak_options_t){.report_at_exit = true, .exit_code = 23}) != 0)
                _exit(1);
            if (leaky)
                lose_one(31);
            scrub_stack();               /* exit's own frames reuse this stack */
            exit(0);
        }
        assert_true(waitpid(pid, &status[leaky], 0) == pid);   /* a pid: an identity, not a value */
    }
    assert_true(WIFEXITED(status[0]));
    assert_int_equal(0, WEXITSTATUS(status[0]));
    assert_true(WIFEXITED(status[1]));
    assert_int_equal(23, WEXITSTATUS(status[1]));
}

UG_TEST_GROUP(leak_heap, NULL, NULL,
    cmocka_unit_test_setup_teardown(test_one_lost_chunk_is_a_direct_leak_with_its_size_and_site,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_lost_list_is_one_direct_head_and_indirect_nodes,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_lost_cycle_is_reported_with_one_direct_member,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_an_interior_pointer_keeps_the_chunk_alive,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_ten_thousand_leaks_from_one_line_are_one_record,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(
        test_leaks_of_different_sizes_from_one_line_are_one_record_with_their_sum, leak_fixture,
        leak_fixture),
    cmocka_unit_test_setup_teardown(test_every_allocation_function_is_recorded_and_released,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_double_free_and_invalid_free_are_diagnosed_not_crashed_on,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_suppressed_function_hides_its_leaks_but_not_others,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_suppression_matches_a_caller_of_the_allocating_function,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_leak_at_exit_is_reported_and_sets_the_exit_code,
                                    leak_fixture, leak_fixture));
