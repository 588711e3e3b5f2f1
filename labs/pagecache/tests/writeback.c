/*
 * writeback.c — tests of when pages go to disk: the background threshold,
 * the hard limit, the expire interval, pages dirtied again while in
 * flight, and eviction under pressure.
 *
 * Time is the fixture's virtual clock: the test sets f->now and calls
 * pc_tick itself, so nothing depends on a thread being scheduled. Sizes,
 * page numbers, times and bytes come from the seed. Where the cache may
 * choose (when, inside the allowed window, a page goes), loops that step
 * the clock make no checks: they count, and the test checks the count.
 *
 * Interface: fix_open → pc_pwrite … f->now = t; pc_tick … fix_stats.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/labtest.h>

#include "fixture.h"

/* Writes page i filled from the pattern with tag; checks it was written. */
#define write_page(f, i, tag) assert_int_equal(1, fix_write_pages((f), (i), (i) + 1, (tag)))

/* Checks that page i on disk holds the pattern with tag. */
#define assert_disk_page(f, i, tag) fix_assert_disk_pattern((f), (i)*PS, PS, (tag))

/* A seeded permutation of 0..n-1 in order (n <= 256). */
static void shuffle(uint64_t *order, size_t n)
{
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = ug_rand_below(i);
        uint64_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

/* Below the background threshold a tick writes nothing (the pages are
 * young); above it, a tick with the writer idle writes the oldest pages
 * until exactly the threshold is left dirty. The capacity, how many pages
 * and in which order they are dirtied (one per virtual millisecond) come
 * from the seed; the disk then holds exactly the oldest ones. */
static void test_background_writeback_starts_above_the_threshold_while_the_writer_idles(void **state)
{
    fix_t *f = *state;
    size_t k = 8 + ug_rand_below(9); /* the background threshold */
    f->cfg.capacity_pages = 8 * k;
    f->cfg.background_ratio = 0.125;
    f->cfg.dirty_ratio = 0.5;
    fix_open(f);
    pc_stats_t st = fix_stats(f);
    assert_int_equal(k, st.background_thresh);
    assert_int_equal(4 * k, st.dirty_thresh);

    uint64_t order[256];
    size_t below = 1 + ug_rand_below(k), total = k + 1 + ug_rand_below(3 * k - 1);
    shuffle(order, total);
    unsigned tag = (unsigned)ug_rand();
    uint64_t whole = 0;
    for (size_t i = 0; i < below; i++, f->now++)
        whole += fix_write_pages(f, order[i], order[i] + 1, tag);
    assert_int_equal(0, pc_tick(f->pc, f->now));
    st = fix_stats(f);
    assert_int_equal(below, st.nr_dirty);
    assert_int_equal(0, st.pages_written);

    for (size_t i = below; i < total; i++, f->now++)
        whole += fix_write_pages(f, order[i], order[i] + 1, tag);
    assert_int_equal(total, whole);
    assert_int_equal(total, fix_stats(f).nr_dirty); /* the writer did no I/O */
    assert_int_equal(0, pc_tick(f->pc, f->now));
    st = fix_stats(f);
    assert_int_equal(k, st.nr_dirty);
    assert_int_equal(total - k, st.pages_written);

    /* The oldest total - k pages are on disk; the others are not yet. */
    static char image[256 * PS];
    memset(image, 0, total * PS);
    for (size_t i = 0; i < total - k; i++)
        fix_pattern(image + order[i] * PS, PS, order[i] * PS, tag);
    fix_assert_disk_bytes(f, 0, image, total * PS);
}

/* A writer that never pauses (a seeded number of pages, a few times the
 * cache): after every write the dirty count is at or under the hard limit,
 * it does reach the limit (so the limit was what held it), the writer paid
 * with writeback of its own, and all data arrives. */
static void test_hard_limit_holds_under_a_fast_writer(void **state)
{
    fix_t *f = *state;
    size_t k = 4 + ug_rand_below(9);
    f->cfg.capacity_pages = 8 * k;
    f->cfg.background_ratio = 0.125;
    f->cfg.dirty_ratio = 0.25;
    fix_open(f);
    size_t limit = fix_stats(f).dirty_thresh;
    assert_int_equal(2 * k, limit);

    uint64_t pages = 200 + ug_rand_below(201), whole = 0;
    unsigned tag = (unsigned)ug_rand();
    size_t worst = 0;
    int stats_failed = 0;
    for (uint64_t i = 0; i < pages; i++) {
        whole += fix_write_pages(f, i, i + 1, tag);
        pc_stats_t st = {0};
        stats_failed += pc_cache_stats(f->pc, &st) != 0;
        worst = st.nr_dirty > worst ? st.nr_dirty : worst;
    }
    assert_int_equal(pages, whole);
    assert_int_equal(0, stats_failed);
    assert_int_equal(limit, worst);
    pc_stats_t st = fix_stats(f);
    assert_int_equal(limit, st.max_dirty);
    assert_true(st.throttled > 0);
    assert_int_equal(0, pc_fsync(f->h));
    fix_assert_disk_pattern(f, 0, pages * PS, tag);
}

/* Steps the clock by step ms from f->now until page-count `dirty` drops to
 * zero or f->now passes until, ticking each time; returns the time it did
 * (0: never). Counts failed calls in *failed. Makes no checks: how long it
 * runs is the cache's choice. */
static uint64_t tick_until_clean(fix_t *f, uint64_t step, uint64_t until, int *failed)
{
    for (; f->now <= until; f->now += step) {
        pc_stats_t st = {0};
        *failed += pc_tick(f->pc, f->now) != 0;
        *failed += pc_cache_stats(f->pc, &st) != 0;
        if (st.nr_dirty == 0)
            return f->now;
    }
    return 0;
}

/* One page (page, time, expire, interval seeded) dirtied at t0, ticks every
 * 10 ms: it must stay dirty while younger than expire and be clean by
 * t0 + expire + interval. */
static void test_single_dirty_page_is_written_back_within_expire_plus_interval(void **state)
{
    fix_t *f = *state;
    f->cfg.expire_ms = 100 + 10 * ug_rand_below(40);
    f->cfg.writeback_interval_ms = 20 + 10 * ug_rand_below(8);
    fix_open(f);
    uint64_t t0 = 10 * (1 + ug_rand_below(10)), page = ug_rand_below(64);
    unsigned tag = (unsigned)ug_rand();
    f->now = t0;
    write_page(f, page, tag);
    int failed = 0;
    f->now = t0 + 10;
    uint64_t clean_at = tick_until_clean(f, 10, t0 + 4 * f->cfg.expire_ms, &failed);
    assert_int_equal(0, failed);
    uint64_t due = t0 + f->cfg.expire_ms;
    int in_window = clean_at >= due && clean_at <= due + f->cfg.writeback_interval_ms;
    assert_int_equal(1, in_window);
    assert_disk_page(f, page, tag);
}

/* A page's age counts from when it became dirty, not from its latest
 * write: a page a writer keeps rewriting every 10 ms is still written back
 * within expire + interval of its first dirtying (Linux stamps
 * dirtied_when once, too). The expire time, the page and the first write
 * are seeded; when in that window it goes is the cache's choice, so the
 * test checks that it is in the window, and then that fsync brings the
 * latest bytes (a last write of seeded bytes, so that what is checked does
 * not depend on when the page went). */
static void test_a_page_rewritten_all_the_time_is_written_back_by_its_first_expiry(void **state)
{
    fix_t *f = *state;
    f->cfg.expire_ms = 200 + 10 * ug_rand_below(20);
    f->cfg.writeback_interval_ms = 50;
    fix_open(f);
    uint64_t first = 10 * (1 + ug_rand_below(5)), written_at = 0, failed = 0;
    uint64_t page = ug_rand_below(64);
    unsigned tag = (unsigned)ug_rand();
    f->now = first;
    write_page(f, page, tag);
    /* How long this loop runs is the cache's choice: it asserts nothing. */
    for (f->now = first + 10; f->now <= first + 3 * f->cfg.expire_ms; f->now += 10) {
        failed += pc_tick(f->pc, f->now) != 0;
        pc_stats_t st;
        failed += pc_cache_stats(f->pc, &st) != 0;
        if (st.pages_written > 0) {
            written_at = f->now;
            break;
        }
        failed += fix_write_pages(f, page, page + 1, ++tag) != 1; /* dirty again */
    }
    assert_int_equal(0, failed);
    uint64_t due = first + f->cfg.expire_ms;
    int in_window = written_at >= due && written_at <= due + f->cfg.writeback_interval_ms;
    assert_int_equal(1, in_window);

    /* fsync brings the latest bytes: those of the loop's last write... */
    assert_int_equal(0, pc_fsync(f->h));
    char *latest = fix_got(f, PS);
    fix_disk_read(f, page * PS, latest, PS);
    assert_true(memcmp(fix_want(f, PS, page * PS, tag), latest, PS) == 0);
    /* ... and of one more, of seeded bytes. */
    unsigned last = (unsigned)ug_rand();
    write_page(f, page, last);
    assert_int_equal(0, pc_fsync(f->h));
    assert_disk_page(f, page, last);
}

/* The hook runs while page `page` is being written back and writes new
 * bytes into it, once, as a racing writer would. It makes no check (it
 * runs inside the cache): the test checks what it recorded. */
typedef struct redirty {
    uint64_t page;
    unsigned tag;
    int fired;
    ssize_t rc;
} redirty_t;

static int redirty_once(fix_t *f, pc_io_op_t op, uint64_t index)
{
    redirty_t *r = f->fault_arg;
    if (op == PC_IO_WRITE && index == r->page && !r->fired) {
        r->fired = 1;
        char page[PS];
        fix_pattern(page, PS, r->page * PS, r->tag);
        r->rc = pc_pwrite(f->h, page, PS, (off_t)(r->page * PS));
    }
    return 0;
}

/* The page must end up dirty again (the write in flight may not hold the
 * new bytes), the fsync that was running must still finish, and the next
 * fsync brings the new bytes. How many pages, which one is dirtied again
 * and the bytes come from the seed. */
static void test_page_dirtied_again_during_writeback_stays_dirty(void **state)
{
    fix_t *f = *state;
    fix_open(f);
    uint64_t n = 2 + ug_rand_below(7);
    unsigned tag = (unsigned)ug_rand();
    redirty_t r = {.page = ug_rand_below(n), .tag = tag + 1};
    assert_int_equal(n, fix_write_pages(f, 0, n, tag));
    f->fault_arg = &r;
    f->fault = redirty_once;
    assert_int_equal(0, pc_fsync(f->h));
    f->fault = NULL;
    assert_int_equal(1, r.fired);
    assert_int_equal(PS, r.rc);
    pc_stats_t st = fix_stats(f);
    assert_int_equal(1, st.nr_dirty);
    assert_int_equal(0, st.nr_writeback);
    assert_int_equal(n, st.pages_written);

    assert_int_equal(0, pc_fsync(f->h));
    assert_int_equal(0, fix_stats(f).nr_dirty);
    static char image[8 * PS];
    fix_pattern(image, n * PS, 0, tag);
    fix_pattern(image + r.page * PS, PS, r.page * PS, r.tag);
    fix_assert_disk(f, 0, image, n * PS);
}

/* A small cache (seeded size), all dirty (limits at 100%), then reads of
 * the other pages of a larger file: eviction must write the dirty pages
 * back before it reuses their slots, so rereading them gives the new
 * bytes, never the old disk ones. */
static void test_eviction_never_drops_a_dirty_page(void **state)
{
    fix_t *f = *state;
    static char old[48 * PS], got[48 * PS];
    uint64_t cap = 4 + ug_rand_below(9), pages = 3 * cap + ug_rand_below(12);
    unsigned was = (unsigned)ug_rand(), tag = was + 1;
    fix_pattern(old, pages * PS, 0, was);
    fix_disk_write(f, 0, old, pages * PS);
    f->cfg.capacity_pages = cap;
    f->cfg.background_ratio = 1.0;
    f->cfg.dirty_ratio = 1.0;
    fix_open(f);

    assert_int_equal(cap, fix_write_pages(f, 0, cap, tag));
    assert_int_equal(cap, fix_stats(f).nr_dirty);
    size_t rest = (pages - cap) * PS, done = 0;
    for (uint64_t i = cap; i < pages; i++)
        done += pc_pread(f->h, got + (i - cap) * PS, PS, (off_t)(i * PS)) == PS ? PS : 0;
    assert_int_equal(rest, done);
    assert_memory_equal(&old[cap * PS], got, rest);
    pc_stats_t st = fix_stats(f);
    assert_true(st.evictions >= pages - cap);
    assert_true(st.nr_cached <= cap);
    assert_int_equal(cap * PS, pc_pread(f->h, got, cap * PS, 0));
    assert_memory_equal(fix_want(f, cap * PS, 0, tag), got, cap * PS);
    assert_int_equal(0, pc_fsync(f->h));
    fix_pattern(old, cap * PS, 0, tag);
    fix_assert_disk(f, 0, old, pages * PS);
}

/* Real mode: a flusher thread on the real clock writes in the background
 * while the test writes (seeded page counts and bytes). Whatever it does
 * and whenever, the data after fsync and after close is exactly what was
 * written. */
static void test_flusher_thread_mode_keeps_every_byte(void **state)
{
    fix_t *f = *state;
    f->cfg.clock = NULL;
    f->cfg.flusher_thread = true;
    f->cfg.expire_ms = 1;
    f->cfg.writeback_interval_ms = 1;
    fix_open(f);
    uint64_t pages = 50 + ug_rand_below(101), rounds = 2 + ug_rand_below(3), whole = 0;
    unsigned tag = (unsigned)ug_rand();
    for (uint64_t round = 0; round < rounds; round++) {
        whole += fix_write_pages(f, 0, pages, tag + (unsigned)round);
        pc_stats_t st = fix_stats(f);
        assert_true(st.nr_dirty <= st.dirty_thresh);
    }
    assert_int_equal(rounds * pages, whole);
    assert_int_equal(0, pc_fsync(f->h));
    fix_assert_disk_pattern(f, 0, pages * PS, tag + (unsigned)rounds - 1);
    assert_int_equal(pages, fix_write_pages(f, 0, pages, tag + (unsigned)rounds));
    assert_int_equal(0, pc_cache_close(f->pc));
    f->pc = NULL;
    fix_assert_disk_pattern(f, 0, pages * PS, tag + (unsigned)rounds);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)
UG_TEST_GROUP(pagecache_writeback, NULL, NULL,
    T(test_background_writeback_starts_above_the_threshold_while_the_writer_idles),
    T(test_hard_limit_holds_under_a_fast_writer),
    T(test_single_dirty_page_is_written_back_within_expire_plus_interval),
    T(test_a_page_rewritten_all_the_time_is_written_back_by_its_first_expiry),
    T(test_page_dirtied_again_during_writeback_stays_dirty),
    T(test_eviction_never_drops_a_dirty_page),
    T(test_flusher_thread_mode_keeps_every_byte));
