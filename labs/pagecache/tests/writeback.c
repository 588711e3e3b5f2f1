/*
 * writeback.c — tests of when pages go to disk: the background threshold,
 * the hard limit, the expire interval, pages dirtied again while in
 * flight, and eviction under pressure.
 *
 * Time is the fixture's virtual clock: the test sets f->now and calls
 * pc_tick itself, so nothing depends on a thread being scheduled.
 *
 * Interface: fix_open → pc_pwrite … f->now = t; pc_tick … fix_stats.
 */
#include <errno.h>
#include <string.h>

#include <undergo/labtest.h>

#include "fixture.h"

/* Writes page i filled from the pattern with tag; asserts success. */
static void write_page(fix_t *f, uint64_t i, unsigned tag)
{
    char page[PS];
    fix_pattern(page, PS, i * PS, tag);
    assert_int_equal(PS, pc_pwrite(f->h, page, PS, (off_t)(i * PS)));
}

/* Asserts that page i on disk holds the pattern with tag. */
static void assert_disk_page(fix_t *f, uint64_t i, unsigned tag)
{
    char page[PS];
    fix_pattern(page, PS, i * PS, tag);
    fix_assert_disk(f, i * PS, page, PS);
}

/* Below the background threshold a tick writes nothing (the pages are
 * young); above it, a tick with the writer idle writes the oldest pages
 * until exactly the threshold is left dirty. */
static void test_background_writeback_starts_above_the_threshold_while_the_writer_idles(void **state)
{
    fix_t *f = *state;
    f->cfg.capacity_pages = 100;
    f->cfg.background_ratio = 0.10;
    f->cfg.dirty_ratio = 0.50;
    fix_open(f);
    pc_stats_t st = fix_stats(f);
    assert_int_equal(10, st.background_thresh);
    assert_int_equal(50, st.dirty_thresh);

    for (uint64_t i = 0; i < 8; i++)
        write_page(f, i, 4);
    f->now = 1;
    assert_int_equal(0, pc_tick(f->pc, f->now));
    assert_int_equal(8, fix_stats(f).nr_dirty);
    assert_int_equal(0, fix_stats(f).pages_written);

    for (uint64_t i = 8; i < 30; i++)
        write_page(f, i, 4);
    assert_int_equal(30, fix_stats(f).nr_dirty);   /* the writer did no I/O */
    f->now = 2;
    assert_int_equal(0, pc_tick(f->pc, f->now));
    st = fix_stats(f);
    assert_int_equal(10, st.nr_dirty);
    assert_int_equal(20, st.pages_written);
    for (uint64_t i = 0; i < 20; i++)
        assert_disk_page(f, i, 4);
}

/* A writer that never pauses: after every write the dirty count is at or
 * under the hard limit, it does reach the limit (so the limit was what
 * held it), the writer paid with writeback of its own, and all data
 * arrives. */
static void test_hard_limit_holds_under_a_fast_writer(void **state)
{
    fix_t *f = *state;
    f->cfg.capacity_pages = 64;
    f->cfg.background_ratio = 0.10;
    f->cfg.dirty_ratio = 0.25;
    fix_open(f);
    size_t limit = fix_stats(f).dirty_thresh;
    assert_int_equal(16, limit);

    for (uint64_t i = 0; i < 300; i++) {
        write_page(f, i, 5);
        assert_true(fix_stats(f).nr_dirty <= limit);
    }
    pc_stats_t st = fix_stats(f);
    assert_int_equal(limit, st.max_dirty);
    assert_true(st.throttled > 0);
    assert_int_equal(0, pc_fsync(f->h));
    for (uint64_t i = 0; i < 300; i++)
        assert_disk_page(f, i, 5);
}

/* One page dirtied at t=10 with expire 300 ms and a 50 ms interval,
 * ticks every 10 ms: it must stay dirty while younger than 300 ms and be
 * clean by 10 + 300 + 50. */
static void test_single_dirty_page_is_written_back_within_expire_plus_interval(void **state)
{
    fix_t *f = *state;
    f->cfg.expire_ms = 300;
    f->cfg.writeback_interval_ms = 50;
    fix_open(f);
    f->now = 10;
    write_page(f, 7, 6);
    uint64_t clean_at = 0;
    for (f->now = 20; f->now <= 1000 && !clean_at; f->now += 10) {
        assert_int_equal(0, pc_tick(f->pc, f->now));
        if (fix_stats(f).nr_dirty == 0)
            clean_at = f->now;
    }
    assert_true(clean_at >= 10 + 300);
    assert_true(clean_at <= 10 + 300 + 50);
    assert_disk_page(f, 7, 6);
}

/* A page's age counts from when it became dirty, not from its latest
 * write: a page a writer keeps rewriting every 10 ms is still written back
 * within expire + interval of its first dirtying (Linux stamps
 * dirtied_when once, too). The expire time and the first write are seeded;
 * when in that window it goes is the cache's choice, so the test checks
 * that it is in the window. */
static void test_a_page_rewritten_all_the_time_is_written_back_by_its_first_expiry(void **state)
{
    fix_t *f = *state;
    f->cfg.expire_ms = 200 + 10 * ug_rand_below(20);
    f->cfg.writeback_interval_ms = 50;
    fix_open(f);
    uint64_t first = 10 * (1 + ug_rand_below(5)), written_at = 0, failed = 0;
    unsigned tag = 60;
    char page[PS];
    f->now = first;
    write_page(f, 3, tag);
    /* How long this loop runs is the cache's choice: it asserts nothing. */
    for (f->now = first + 10; f->now <= first + 3 * f->cfg.expire_ms; f->now += 10) {
        failed += pc_tick(f->pc, f->now) != 0;
        pc_stats_t st;
        failed += pc_cache_stats(f->pc, &st) != 0;
        if (st.pages_written > 0) {
            written_at = f->now;
            break;
        }
        fix_pattern(page, PS, 3 * PS, ++tag);          /* dirty again, still the same page */
        failed += pc_pwrite(f->h, page, PS, 3 * PS) != PS;
    }
    assert_int_equal(0, failed);
    uint64_t due = first + f->cfg.expire_ms;
    int in_window = written_at >= due && written_at <= due + f->cfg.writeback_interval_ms;
    assert_int_equal(1, in_window);
    assert_int_equal(0, pc_fsync(f->h));
    assert_disk_page(f, 3, tag);
}

/* The hook runs while page 2 is being written back and writes new bytes
 * into it, as a racing writer would. The page must end up dirty again
 * (the write in flight may not hold the new bytes), the fsync that was
 * running must still finish, and the next fsync brings the new bytes. */
static int redirty_page_2(fix_t *f, pc_io_op_t op, uint64_t index)
{
    if (op == PC_IO_WRITE && index == 2 && f->writes_seen <= 4) {
        char page[PS];
        fix_pattern(page, PS, 2 * PS, 8);
        assert_int_equal(PS, pc_pwrite(f->h, page, PS, 2 * PS));
    }
    return 0;
}

static void test_page_dirtied_again_during_writeback_stays_dirty(void **state)
{
    fix_t *f = *state;
    fix_open(f);
    for (uint64_t i = 0; i < 4; i++)
        write_page(f, i, 7);
    f->fault = redirty_page_2;
    assert_int_equal(0, pc_fsync(f->h));
    pc_stats_t st = fix_stats(f);
    assert_int_equal(1, st.nr_dirty);
    assert_int_equal(0, st.nr_writeback);
    assert_int_equal(4, st.pages_written);

    f->fault = NULL;
    assert_int_equal(0, pc_fsync(f->h));
    assert_int_equal(0, fix_stats(f).nr_dirty);
    assert_disk_page(f, 0, 7);
    assert_disk_page(f, 1, 7);
    assert_disk_page(f, 2, 8);
    assert_disk_page(f, 3, 7);
}

/* A cache of 8 pages, all dirty (limits at 100%), then reads of 24 other
 * pages: eviction must write the dirty pages back before it reuses their
 * slots, so rereading them gives the new bytes, never the old disk ones. */
static void test_eviction_never_drops_a_dirty_page(void **state)
{
    fix_t *f = *state;
    static char old[32 * PS];
    fix_pattern(old, sizeof(old), 0, 9);
    fix_disk_write(f, 0, old, sizeof(old));
    f->cfg.capacity_pages = 8;
    f->cfg.background_ratio = 1.0;
    f->cfg.dirty_ratio = 1.0;
    fix_open(f);

    for (uint64_t i = 0; i < 8; i++)
        write_page(f, i, 10);
    assert_int_equal(8, fix_stats(f).nr_dirty);
    char page[PS];
    for (uint64_t i = 8; i < 32; i++) {
        assert_int_equal(PS, pc_pread(f->h, page, PS, (off_t)(i * PS)));
        assert_memory_equal(old + i * PS, page, PS);
    }
    pc_stats_t st = fix_stats(f);
    assert_true(st.evictions >= 24);
    assert_true(st.nr_cached <= 8);
    for (uint64_t i = 0; i < 8; i++) {
        char want[PS];
        fix_pattern(want, PS, i * PS, 10);
        assert_int_equal(PS, pc_pread(f->h, page, PS, (off_t)(i * PS)));
        assert_memory_equal(want, page, PS);
    }
    assert_int_equal(0, pc_fsync(f->h));
    for (uint64_t i = 0; i < 8; i++)
        assert_disk_page(f, i, 10);
}

/* Real mode: a flusher thread on the real clock writes in the background
 * while the test writes. Whatever it does and whenever, the data after
 * fsync and after close is exactly what was written. */
static void test_flusher_thread_mode_keeps_every_byte(void **state)
{
    fix_t *f = *state;
    f->cfg.clock = NULL;
    f->cfg.flusher_thread = true;
    f->cfg.expire_ms = 1;
    f->cfg.writeback_interval_ms = 1;
    fix_open(f);
    for (uint64_t round = 0; round < 3; round++) {
        for (uint64_t i = 0; i < 100; i++)
            write_page(f, i, 30 + (unsigned)round);
        assert_true(fix_stats(f).nr_dirty <= fix_stats(f).dirty_thresh);
    }
    assert_int_equal(0, pc_fsync(f->h));
    for (uint64_t i = 0; i < 100; i++)
        assert_disk_page(f, i, 32);
    for (uint64_t i = 0; i < 100; i++)
        write_page(f, i, 33);
    assert_int_equal(0, pc_cache_close(f->pc));
    f->pc = NULL;
    for (uint64_t i = 0; i < 100; i++)
        assert_disk_page(f, i, 33);
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
