/*
 * heap.c — tests of the heap graph: what is lost, what is direct, what is
 * indirect, how records group, and the allocator's own bookkeeping.
 *
 * Every lost chunk is made by a helper that returns nothing, so no pointer
 * to it survives in the test's frame; kept chunks are held in a volatile
 * local of the test, which sits above the check's frame and is a root.
 * Sizes, counts, lengths and contents come from the seed; every seed keeps
 * the case a test is named for.
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

/* Live chunks and one lost: only the lost one is reported, once, with its
 * size and the function that allocated it. */
static void test_one_lost_chunk_is_a_direct_leak_with_its_size_and_site(void **state)
{
    (void)state;
    leak_report_t r;
    char fn[160];
    void *volatile keep[4] = {0};
    size_t nkeep = 1 + ug_rand_below(4), size = 1 + ug_rand_below(4000);
    for (size_t i = 0; i < nkeep; i++)
        keep[i] = leak_malloc(1 + ug_rand_below(1000));
    lose_one(size);
    CHECK(&r);
    assert_int_equal(1, r.nrecords);
    assert_int_equal(LEAK_DIRECT, r.records[0].kind);
    assert_int_equal(size, r.records[0].bytes);
    assert_int_equal(1, r.records[0].objects);
    assert_string_equal("lose_one", site_function(r.records[0].site, fn));
    assert_int_equal(size, r.direct_bytes);
    assert_int_equal(0, r.indirect_objects);
    leak_report_free(&r);
    for (size_t i = 0; i < nkeep; i++)
        leak_free(keep[i]);
}

/* A zeroed node of size bytes (at least a node_t) pointing to next. */
NOINLINE static node_t *make_node(node_t *next, size_t size)
{
    node_t *n = leak_calloc(1, size);
    n->next = next;
    return n;
}

/* A list of len chunks: a head of sizeof(node_t), then nodes of sizes[]. */
NOINLINE static void lose_list(size_t len, const size_t *sizes)
{
    node_t *tail = NULL;
    for (size_t i = 1; i < len; i++)
        tail = make_node(tail, sizes[i - 1]);
    node_t *head = leak_malloc(sizeof *head);
    head->next = tail;
}

/* A lost list: the head is the direct leak, the nodes behind it are only
 * reachable from it, so they are indirect, grouped at their own site. The
 * indirect record holds more bytes than the direct one: it is listed
 * second only because direct records come first. */
static void test_a_lost_list_is_one_direct_head_and_indirect_nodes(void **state)
{
    (void)state;
    leak_report_t r;
    char fn[160];
    size_t sizes[40], len = 3 + ug_rand_below(30), nodes = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        sizes[i] = sizeof(node_t) + 8 * ug_rand_below(64);
        nodes += sizes[i];
    }
    lose_list(len, sizes);
    CHECK(&r);
    assert_int_equal(2, r.nrecords);
    assert_int_equal(LEAK_DIRECT, r.records[0].kind);
    assert_string_equal("lose_list", site_function(r.records[0].site, fn));
    assert_int_equal(1, r.records[0].objects);
    assert_int_equal(sizeof(node_t), r.records[0].bytes);
    assert_int_equal(LEAK_INDIRECT, r.records[1].kind);
    assert_string_equal("make_node", site_function(r.records[1].site, fn));
    assert_int_equal(len - 1, r.records[1].objects);
    assert_int_equal(nodes, r.records[1].bytes);
    assert_int_equal(1, r.direct_objects);
    assert_int_equal(len - 1, r.indirect_objects);
    leak_report_free(&r);
}

/* A cycle of len nodes of size bytes: first → last → ... → first. */
NOINLINE static void lose_cycle(size_t len, size_t size)
{
    node_t *first = make_node(NULL, size), *last = first;
    for (size_t i = 1; i < len; i++)
        last = make_node(last, size);
    first->next = last;
}

/* Nothing points into a lost cycle from outside: one member of each must
 * be named direct, or the cycle would be reported as nobody's fault. How
 * many cycles, how long and their nodes' size (one per cycle, so the
 * direct bytes do not depend on which member is named) come from the
 * seed. */
static void test_a_lost_cycle_is_reported_with_one_direct_member(void **state)
{
    (void)state;
    leak_report_t r;
    size_t cycles = 1 + ug_rand_below(3), nodes = 0, direct = 0, total = 0;
    for (size_t c = 0; c < cycles; c++) {
        size_t len = 2 + ug_rand_below(11), size = sizeof(node_t) + 8 * ug_rand_below(32);
        lose_cycle(len, size);
        nodes += len;
        direct += size;
        total += len * size;
    }
    CHECK(&r);
    assert_int_equal(2, r.nrecords); /* make_node: direct and indirect */
    assert_int_equal(cycles, r.direct_objects);
    assert_int_equal(nodes - cycles, r.indirect_objects);
    assert_int_equal(direct, r.direct_bytes);
    assert_int_equal(total, r.direct_bytes + r.indirect_bytes);
    leak_report_free(&r);
}

static char *volatile interior;
static uintptr_t interior_base; /* masked: not a root */

NOINLINE static void keep_interior(size_t n, size_t off)
{
    char *p = leak_malloc(n);
    memset(p, 0x33, n);
    interior_base = (uintptr_t)p ^ MASK;
    interior = p + off;
}

/* In a helper, so no register of the test keeps the chunk's start. */
NOINLINE static void point_interior_at(size_t off)
{
    interior = (char *)(interior_base ^ MASK) + off;
}

/* A pointer into the middle of a chunk keeps it, and so does one to its
 * last byte; one just past its end does not. Size and offset come from the
 * seed. */
static void test_an_interior_pointer_keeps_the_chunk_alive(void **state)
{
    (void)state;
    leak_report_t r;
    size_t n = 16 + ug_rand_below(8000), off = 1 + ug_rand_below(n - 1);
    keep_interior(n, off);
    CHECK(&r);
    assert_int_equal(0, r.nrecords);
    leak_report_free(&r);
    point_interior_at(n - 1); /* the last byte */
    CHECK(&r);
    assert_int_equal(0, r.nrecords);
    leak_report_free(&r);
    point_interior_at(n); /* one past the end */
    CHECK(&r);
    assert_int_equal(1, r.nrecords);
    assert_int_equal(1, r.direct_objects);
    assert_int_equal(n, r.direct_bytes);
    interior = NULL;
    leak_report_free(&r);
}

/* n chunks of 1 + (seeded) bytes up to max, filled with fill; *bytes:
 * their sum. */
NOINLINE static void lose_many(int n, size_t max, int fill, size_t *bytes)
{
    for (int i = 0; i < n; i++) {
        size_t size = 1 + ug_rand_below(max);
        char *p = leak_malloc(size);
        memset(p, fill, size);
        *bytes += size;
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
    char fn[160];
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
    assert_string_equal("lose_sized", site_function(r.records[0].site, fn));
    assert_int_equal(n, r.direct_objects);
    assert_int_equal(total, r.direct_bytes);
    leak_report_free(&r);
}

/* Ten thousand leaks from one line are one record, not ten thousand. The
 * chunks' sizes and contents come from the seed. */
static void test_ten_thousand_leaks_from_one_line_are_one_record(void **state)
{
    (void)state;
    leak_report_t r;
    char fn[160];
    size_t bytes = 0, max = 1 + ug_rand_below(64);
    int fill = 1 + (int)ug_rand_below(127);
    lose_many(10000, max, fill, &bytes);
    CHECK(&r);
    assert_int_equal(1, r.nrecords);
    assert_int_equal(10000, r.records[0].objects);
    assert_int_equal(bytes, r.records[0].bytes);
    assert_string_equal("lose_many", site_function(r.records[0].site, fn));
    leak_report_free(&r);
}

/* ---- every allocation function ------------------------------------------------- */

/* The seeded requests of the allocation test. */
static struct {
    size_t malloc_n, calloc_n, calloc_size, realloc_from, realloc_to;
    size_t memalign_align, memalign_n, aligned_align, aligned_n;
    char grow[8], dup[24];
} req;

static uintptr_t all[6];                          /* masked: not roots */

/* A word of len lowercase letters (len < cap). */
static void random_word(char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)('a' + ug_rand_below(26));
    buf[len] = '\0';
}

static void seed_requests(size_t sizes[6])
{
    req.malloc_n = 1 + ug_rand_below(256);
    req.calloc_n = 1 + ug_rand_below(16);
    req.calloc_size = 1 + ug_rand_below(32);
    req.realloc_from = sizeof req.grow + ug_rand_below(16);
    req.realloc_to = req.realloc_from + 1 + ug_rand_below(500);
    req.memalign_align = (size_t)32 << ug_rand_below(4);
    req.memalign_n = 1 + ug_rand_below(500);
    req.aligned_align = (size_t)32 << ug_rand_below(4);
    req.aligned_n = req.aligned_align * (1 + ug_rand_below(4));
    random_word(req.grow, 1 + ug_rand_below(sizeof req.grow - 1));
    random_word(req.dup, 1 + ug_rand_below(sizeof req.dup - 1));
    size_t s[6] = {req.malloc_n,   req.calloc_n * req.calloc_size,
                   req.realloc_to, req.memalign_n,
                   req.aligned_n,  strlen(req.dup) + 1};
    memcpy(sizes, s, sizeof s);
}

NOINLINE static void alloc_all(void)
{
    void *p = NULL;
    size_t cbytes = req.calloc_n * req.calloc_size, nonzero = 0;
    char *grow = leak_malloc(req.realloc_from), *dirty;
    strcpy(grow, req.grow);
    all[0] = (uintptr_t)leak_malloc(req.malloc_n);
    dirty = leak_malloc(cbytes); /* calloc may get this memory back */
    memset(dirty, 0xff, cbytes);
    leak_free(dirty);
    all[1] = (uintptr_t)leak_calloc(req.calloc_n, req.calloc_size);
    all[2] = (uintptr_t)leak_realloc(grow, req.realloc_to);
    assert_int_equal(0, leak_posix_memalign(&p, req.memalign_align, req.memalign_n));
    all[3] = (uintptr_t)p;
    all[4] = (uintptr_t)leak_aligned_alloc(req.aligned_align, req.aligned_n);
    all[5] = (uintptr_t)leak_strdup(req.dup);
    for (size_t i = 0; i < cbytes; i++)
        nonzero += ((char *)all[1])[i] != 0;
    assert_int_equal(0, nonzero);
    assert_string_equal(req.grow, (char *)all[2]);
    assert_int_equal(0, all[3] % req.memalign_align);
    assert_int_equal(0, all[4] % req.aligned_align);
    assert_string_equal(req.dup, (char *)all[5]);
    for (int i = 0; i < 6; i++)
        all[i] ^= MASK;
}

/* malloc, calloc, realloc, posix_memalign, aligned_alloc and strdup are all
 * recorded, each at its own site, and free releases each. Sizes,
 * alignments and strings come from the seed. */
static void test_every_allocation_function_is_recorded_and_released(void **state)
{
    (void)state;
    leak_report_t r;
    leak_stats_t st;
    size_t sizes[6], bytes = 0;
    seed_requests(sizes);
    for (int i = 0; i < 6; i++)
        bytes += sizes[i];
    alloc_all();
    assert_int_equal(0, leak_stats(&st));
    assert_int_equal(6, st.live_chunks);          /* realloc replaced its input */
    assert_int_equal(bytes, st.live_bytes);
    for (int i = 0; i < 6; i++)
        assert_int_equal(sizes[i], leak_chunk_size((void *)(all[i] ^ MASK)));
    assert_int_equal(0, leak_chunk_size(&bytes));
    assert_int_equal(0, leak_chunk_size((char *)(all[0] ^ MASK) + 1));
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

/* ---- suppressions ---------------------------------------------------------------- */

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
    char fn[160];
    assert_int_equal(0, leak_init(&(leak_options_t){.stack_depth = 4, .suppress = sup}));
    size_t quiet = 1 + ug_rand_below(5), size = 8 + ug_rand_below(4000);
    for (size_t i = 0; i < quiet; i++)
        warm_cache(16);
    lose_through_a_helper(size);
    CHECK(&r);
    assert_int_equal(1, r.nrecords);
    assert_string_equal("alloc_filled", site_function(r.records[0].site, fn));
    assert_int_equal(size, r.records[0].bytes);
    assert_int_equal(quiet, r.suppressed_objects);
    leak_report_free(&r);
}

/* Each chunk freed is freed again at once (a double free), so the ring of
 * recent frees an implementation may keep still knows it; stack addresses
 * and interior pointers of live chunks were never chunks (invalid frees).
 * All are counted and survived; the live chunks stay live. How many of
 * each, the sizes and the offsets come from the seed. */
static void test_double_free_and_invalid_free_are_diagnosed_not_crashed_on(void **state)
{
    (void)state;
    leak_stats_t st;
    int on_stack;
    char *p[6];
    size_t size[6], n = 3 + ug_rand_below(4), twice = 2 + ug_rand_below(n - 2);
    size_t inner = 1 + ug_rand_below(3), live = 0;
    for (size_t i = 0; i < n; i++) {
        size[i] = 16 + ug_rand_below(200);
        p[i] = leak_malloc(size[i]);
        live += i >= twice ? size[i] : 0;
    }
    for (size_t i = 0; i < twice; i++) {
        leak_free(p[i]);
        leak_free(p[i]);
    }
    leak_free(&on_stack);
    for (size_t k = 0; k < inner; k++) {
        size_t j = twice + ug_rand_below(n - twice);
        leak_free(p[j] + 1 + ug_rand_below(size[j] - 1));
    }
    assert_int_equal(0, leak_stats(&st));
    assert_int_equal(twice, st.double_frees);
    assert_int_equal(inner + 1, st.invalid_frees);
    assert_int_equal(n - twice, st.live_chunks);
    assert_int_equal(live, st.live_bytes);
    for (size_t i = twice; i < n; i++) {
        p[i][size[i] - 1] = 1; /* still ours */
        leak_free(p[i]);
    }
    assert_int_equal(0, leak_stats(&st));
    assert_int_equal(0, st.live_chunks);
    assert_int_equal(twice, st.double_frees);
    assert_int_equal(inner + 1, st.invalid_frees);
}

NOINLINE static void lose_quietly(size_t n)
{
    char *p = leak_malloc(n);
    p[0] = 1;
}

/* Suppressions name functions: their leaks are counted as suppressed, and
 * other leaks are still reported. */
static void test_a_suppressed_function_hides_its_leaks_but_not_others(void **state)
{
    (void)state;
    static const char *const sup[] = {"lose_quietly", NULL};
    leak_report_t r;
    char fn[160];
    assert_int_equal(0, leak_init(&(leak_options_t){.stack_depth = 4, .suppress = sup}));
    size_t quiet = 1 + ug_rand_below(5), size = 1 + ug_rand_below(4000);
    for (size_t i = 0; i < quiet; i++)
        lose_quietly(1 + ug_rand_below(300));
    lose_one(size);
    CHECK(&r);
    assert_int_equal(1, r.nrecords);
    assert_string_equal("lose_one", site_function(r.records[0].site, fn));
    assert_int_equal(size, r.records[0].bytes);
    assert_int_equal(quiet, r.suppressed_objects);
    assert_true(r.records[0].nframes >= 2);        /* the test function too */
    leak_report_free(&r);
}

/* ---- the check at exit ------------------------------------------------------------ */

/* Forks a child that asks for the report at exit with exit code `code`,
 * loses `size` bytes unless size is 0, and calls exit(0). Waits for it;
 * fills *status and err (its stderr, NUL-terminated). Returns 0 or -errno. */
static int run_exit_child(size_t size, int code, int *status, char *err, size_t cap)
{
    int fd[2];
    size_t len = 0;
    if (pipe(fd) != 0)
        return -errno;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], STDERR_FILENO);
        if (leak_init(&(leak_options_t){.report_at_exit = true, .exit_code = code}) != 0)
            _exit(1);
        if (size)
            lose_one(size);
        scrub_stack(); /* exit's own frames reuse this stack */
        exit(0);
    }
    close(fd[1]);
    for (ssize_t n; len + 1 < cap && (n = read(fd[0], err + len, cap - 1 - len)) != 0;)
        if (n > 0)
            len += (size_t)n;
        else if (errno != EINTR)
            break;
    err[len] = '\0';
    close(fd[0]);
    return waitpid(pid, status, 0) == pid ? 0 : -errno; /* a pid: an identity, not a value */
}

/* The line of text that starts with prefix, without its newline, in buf
 * ("" if none). */
static const char *line_with(const char *text, const char *prefix, char buf[static 160])
{
    size_t n = strlen(prefix);
    buf[0] = '\0';
    for (const char *l = text; *l; l += strcspn(l, "\n"), l += *l == '\n')
        if (strncmp(l, prefix, n) == 0) {
            size_t len = strcspn(l, "\n");
            len = len < 159 ? len : 159;
            memcpy(buf, l, len);
            buf[len] = '\0';
            break;
        }
    return buf;
}

/* The function a printed frame line ("    #0 0x... in lose_one+0x1c")
 * names; its address and offset differ from one build to another. */
static const char *frame_function(const char *line, char buf[static 160])
{
    const char *in = strstr(line, " in ");
    char name[160];
    size_t n = in ? strcspn(in + 4, " ") : 0;
    n = n < 159 ? n : 159;
    memcpy(name, in ? in + 4 : "", n);
    name[n] = '\0';
    return site_function(name, buf);
}

/* With report_at_exit, a process that leaks prints its report when it
 * exits and leaves with exit_code; one that does not leak prints nothing
 * and exits normally. The report is read for what the format fixes (the
 * block's first line, the function of its frame), not for addresses or
 * offsets, which differ between builds. Exit code and size are seeded. */
static void test_a_leak_at_exit_is_reported_and_sets_the_exit_code(void **state)
{
    (void)state;
    char err[4096], line[160], fn[160], want[160];
    int status = 0, code = 2 + (int)ug_rand_below(100);
    size_t size = 1 + ug_rand_below(4000);

    assert_int_equal(0, run_exit_child(0, code, &status, err, sizeof err));
    assert_true(WIFEXITED(status));
    assert_int_equal(0, WEXITSTATUS(status));
    assert_int_equal(0, strlen(err));

    assert_int_equal(0, run_exit_child(size, code, &status, err, sizeof err));
    assert_true(WIFEXITED(status));
    assert_int_equal(code, WEXITSTATUS(status));
    snprintf(want, sizeof want, "Direct leak of %zu byte(s) in 1 object(s) allocated from:", size);
    assert_string_equal(want, line_with(err, "Direct leak of ", line));
    assert_string_equal("", line_with(err, "Indirect leak of ", line));
    assert_string_equal("lose_one", frame_function(line_with(err, "    #0 ", line), fn));
}

UG_TEST_GROUP(
    leak_heap, NULL, NULL,
    cmocka_unit_test_setup_teardown(test_one_lost_chunk_is_a_direct_leak_with_its_size_and_site,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_lost_list_is_one_direct_head_and_indirect_nodes,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_lost_cycle_is_reported_with_one_direct_member,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_an_interior_pointer_keeps_the_chunk_alive, leak_setup,
                                    leak_fixture),
    cmocka_unit_test_setup_teardown(test_ten_thousand_leaks_from_one_line_are_one_record,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(
        test_leaks_of_different_sizes_from_one_line_are_one_record_with_their_sum, leak_setup,
        leak_fixture),
    cmocka_unit_test_setup_teardown(test_every_allocation_function_is_recorded_and_released,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_double_free_and_invalid_free_are_diagnosed_not_crashed_on,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_suppressed_function_hides_its_leaks_but_not_others,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_suppression_matches_a_caller_of_the_allocating_function,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_leak_at_exit_is_reported_and_sets_the_exit_code,
                                    leak_setup, leak_fixture));
