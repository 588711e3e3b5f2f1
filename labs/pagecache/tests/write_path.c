/*
 * write_path.c — tests of the write and read paths: page boundaries,
 * read-modify-write, dirty accounting, fsync to disk, and bad input.
 *
 * Interface: fix_open → pc_pwrite / pc_pread / pc_fsync → compare with the
 * disk through fix_assert_disk.
 */
#include <errno.h>
#include <string.h>

#include <undergo/labtest.h>

#include "fixture.h"

/* 100 bytes that straddle pages 0 and 1 read back, with zeros around them
 * and the size ending right after them. */
static void test_unaligned_write_across_a_page_boundary_reads_back(void **state)
{
    fix_t *f = *state;
    fix_open(f);
    char buf[100], got[300];
    fix_pattern(buf, sizeof(buf), 0, 1);
    uint64_t off = PS - 37;

    assert_int_equal(100, pc_pwrite(f->h, buf, sizeof(buf), (off_t)off));
    memset(got, 0x5a, sizeof(got));
    assert_int_equal(100, pc_pread(f->h, got, sizeof(got), (off_t)off));
    assert_memory_equal(buf, got, sizeof(buf));

    char zeros[64] = {0};
    assert_int_equal(64, pc_pread(f->h, got, 64, (off_t)(off - 64)));
    assert_memory_equal(zeros, got, 64);
    uint64_t size = 0;
    assert_int_equal(0, pc_cache_size(f->pc, &size));
    assert_int_equal(off + 100, size);
    assert_int_equal(2, fix_stats(f).nr_dirty);
}

/* Ten bytes written into the middle of a page that is on disk but not
 * cached: the cache must read the page first, so the other 4086 bytes of
 * that page (and the pages around it) survive, in the cache and on disk. */
static void test_partial_write_to_an_uncached_page_keeps_the_bytes_around_it(void **state)
{
    fix_t *f = *state;
    static char disk[3 * PS], got[3 * PS];
    fix_pattern(disk, sizeof(disk), 0, 2);
    fix_disk_write(f, 0, disk, sizeof(disk));
    fix_open(f);

    char patch[10];
    memset(patch, 0xee, sizeof(patch));
    assert_int_equal(10, pc_pwrite(f->h, patch, sizeof(patch), PS + 100));
    memcpy(disk + PS + 100, patch, sizeof(patch));
    assert_true(fix_stats(f).pages_read >= 1);

    assert_int_equal(sizeof(got), pc_pread(f->h, got, sizeof(got), 0));
    assert_memory_equal(disk, got, sizeof(disk));
    assert_int_equal(0, pc_fsync(f->h));
    fix_assert_disk(f, 0, disk, sizeof(disk));
    assert_int_equal(sizeof(disk), fix_disk_size(f));
}

/* Writing N pages makes N dirty (rewriting one does not count twice),
 * none of it reaches the disk before fsync, and after fsync nothing is
 * dirty, the file was synced, and the disk holds exactly the bytes. */
static void test_dirty_count_follows_pages_written_and_fsync_cleans_them_to_disk(void **state)
{
    fix_t *f = *state;
    f->cfg.capacity_pages = 64;
    f->cfg.background_ratio = 0.5;
    f->cfg.dirty_ratio = 0.5;
    fix_open(f);
    enum { N = 10 };
    static char data[N * PS];
    fix_pattern(data, sizeof(data), 0, 3);
    for (int i = 0; i < N; i++) {
        assert_int_equal(PS, pc_pwrite(f->h, data + i * PS, PS, (off_t)i * PS));
        assert_int_equal(i + 1, fix_stats(f).nr_dirty);
    }
    assert_int_equal(PS, pc_pwrite(f->h, data + 3 * PS, PS, 3 * PS));
    assert_int_equal(N, fix_stats(f).nr_dirty);
    assert_int_equal(0, fix_disk_size(f));
    assert_int_equal(0, f->writes_seen);

    assert_int_equal(0, pc_fsync(f->h));
    assert_int_equal(1, f->syncs_seen);   /* written, then made durable */
    pc_stats_t st = fix_stats(f);
    assert_int_equal(0, st.nr_dirty);
    assert_int_equal(0, st.nr_writeback);
    assert_int_equal(N, st.pages_written);
    fix_assert_disk(f, 0, data, sizeof(data));
    assert_int_equal(sizeof(data), fix_disk_size(f));
}

/* A negative offset is -EINVAL for reads and writes and changes nothing;
 * so is a range that would overflow off_t. */
static void test_negative_offset_is_rejected_with_einval(void **state)
{
    fix_t *f = *state;
    fix_open(f);
    char buf[16] = "sixteen bytes..";
    assert_int_equal(-EINVAL, pc_pwrite(f->h, buf, sizeof(buf), -1));
    assert_int_equal(-EINVAL, pc_pread(f->h, buf, sizeof(buf), -(off_t)PS));
    assert_int_equal(-EINVAL, pc_pwrite(f->h, buf, sizeof(buf), INT64_MAX - 4));
    assert_int_equal(0, fix_stats(f).nr_dirty);
    uint64_t size = 1;
    assert_int_equal(0, pc_cache_size(f->pc, &size));
    assert_int_equal(0, size);
}

/* After pc_close, the handle answers -EBADF to everything, including a
 * second close; other handles keep working. */
static void test_closed_handle_is_rejected_with_ebadf(void **state)
{
    fix_t *f = *state;
    fix_open(f);
    pc_handle_t *other;
    assert_int_equal(0, pc_open(f->pc, &other));
    char buf[8] = "abcdefg";
    assert_int_equal(0, pc_close(f->h));
    assert_int_equal(-EBADF, pc_pwrite(f->h, buf, sizeof(buf), 0));
    assert_int_equal(-EBADF, pc_pread(f->h, buf, sizeof(buf), 0));
    assert_int_equal(-EBADF, pc_fsync(f->h));
    assert_int_equal(-EBADF, pc_close(f->h));
    assert_int_equal(sizeof(buf), pc_pwrite(other, buf, sizeof(buf), 0));
    assert_int_equal(0, pc_fsync(other));
}

/* A cache of zero pages, or limits that make no sense, are -EINVAL and
 * leave *out untouched. */
static void test_zero_size_cache_and_bad_limits_are_rejected_with_einval(void **state)
{
    fix_t *f = *state;
    pc_cache_t *pc = NULL;
    pc_config_t cfg = f->cfg;
    cfg.capacity_pages = 0;
    assert_int_equal(-EINVAL, pc_cache_open(f->path, &cfg, &pc));
    cfg = f->cfg;
    cfg.background_ratio = 0.5;
    cfg.dirty_ratio = 0.2;
    assert_int_equal(-EINVAL, pc_cache_open(f->path, &cfg, &pc));
    cfg = f->cfg;
    cfg.dirty_ratio = 1.5;
    assert_int_equal(-EINVAL, pc_cache_open(f->path, &cfg, &pc));
    assert_null(pc);
    /* ... and a sane config still opens. */
    fix_open(f);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)
UG_TEST_GROUP(pagecache_write_path, NULL, NULL,
    T(test_unaligned_write_across_a_page_boundary_reads_back),
    T(test_partial_write_to_an_uncached_page_keeps_the_bytes_around_it),
    T(test_dirty_count_follows_pages_written_and_fsync_cleans_them_to_disk),
    T(test_negative_offset_is_rejected_with_einval),
    T(test_closed_handle_is_rejected_with_ebadf),
    T(test_zero_size_cache_and_bad_limits_are_rejected_with_einval));
