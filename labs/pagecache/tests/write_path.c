/*
 * write_path.c — tests of the write and read paths: page boundaries,
 * read-modify-write, dirty accounting, fsync to disk, and bad input.
 *
 * Offsets, lengths, page counts and the bytes written come from the seed;
 * the boundary each test is named for is crossed under every seed.
 *
 * Interface: fix_open → pc_pwrite / pc_pread / pc_fsync → compare with the
 * disk through fix_assert_disk.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/labtest.h>

#include "fixture.h"

/* A seeded number of bytes (2 to 300) that straddle a seeded page boundary
 * read back, with zeros before them and the size ending right after them. */
static void test_unaligned_write_across_a_page_boundary_reads_back(void **state)
{
    fix_t *f = *state;
    fix_open(f);
    size_t len = 2 + ug_rand_below(299);
    uint64_t off = (1 + ug_rand_below(8)) * PS - (1 + ug_rand_below(len - 1));
    char buf[300], got[400];
    fix_pattern(buf, len, off, (unsigned)ug_rand());

    assert_int_equal(len, pc_pwrite(f->h, buf, len, (off_t)off));
    memset(got, 0x5a, sizeof(got));
    assert_int_equal(len, pc_pread(f->h, got, sizeof(got), (off_t)off));
    assert_memory_equal(buf, got, len);

    char zeros[64] = {0};
    assert_int_equal(64, pc_pread(f->h, got, 64, (off_t)(off - 64)));
    assert_memory_equal(zeros, got, 64);
    uint64_t size = 0;
    assert_int_equal(0, pc_cache_size(f->pc, &size));
    assert_int_equal(off + len, size);
    assert_int_equal(2, fix_stats(f).nr_dirty);
}

/* A few bytes written into the middle of a page that is on disk but not
 * cached: the cache must read the page first, so the rest of that page
 * (and the pages around it) survive, in the cache and on disk. The file's
 * length, the page, the offset and the bytes come from the seed. */
static void test_partial_write_to_an_uncached_page_keeps_the_bytes_around_it(void **state)
{
    fix_t *f = *state;
    static char disk[8 * PS], got[8 * PS];
    size_t pages = 3 + ug_rand_below(6), size = pages * PS;
    fix_pattern(disk, size, 0, (unsigned)ug_rand());
    fix_disk_write(f, 0, disk, size);
    fix_open(f);

    char patch[100];
    size_t len = 1 + ug_rand_below(sizeof patch);
    uint64_t off = (1 + ug_rand_below(pages - 2)) * PS + 1 + ug_rand_below(PS - len - 1);
    memset(patch, 0x80 | (int)ug_rand_below(0x80), len);
    assert_int_equal(len, pc_pwrite(f->h, patch, len, (off_t)off));
    memcpy(disk + off, patch, len);
    assert_true(fix_stats(f).pages_read >= 1);

    assert_int_equal(size, pc_pread(f->h, got, sizeof(got), 0));
    assert_memory_equal(disk, got, size);
    assert_int_equal(0, pc_fsync(f->h));
    fix_assert_disk(f, 0, disk, size);
    assert_int_equal(size, fix_disk_size(f));
}

/* Writing N pages (N and their order seeded) makes N dirty, one more with
 * each; rewriting one does not count twice; none of it reaches the disk
 * before fsync; after fsync nothing is dirty, the file was synced, and the
 * disk holds exactly the bytes. */
static void test_dirty_count_follows_pages_written_and_fsync_cleans_them_to_disk(void **state)
{
    fix_t *f = *state;
    f->cfg.capacity_pages = 64;
    f->cfg.background_ratio = 0.5;
    f->cfg.dirty_ratio = 0.5;
    fix_open(f);
    size_t n = 4 + ug_rand_below(17), order[20];
    unsigned tag = (unsigned)ug_rand();
    static char data[20 * PS];
    fix_pattern(data, n * PS, 0, tag);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = ug_rand_below(i), t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }

    char want[128] = "", got[128] = "";
    size_t whole = 0;
    for (size_t i = 0; i < n; i++) {
        whole += pc_pwrite(f->h, data + order[i] * PS, PS, (off_t)(order[i] * PS)) == PS;
        snprintf(want + strlen(want), sizeof want - strlen(want), "%zu ", i + 1);
        pc_stats_t st = {0};
        pc_cache_stats(f->pc, &st);
        snprintf(got + strlen(got), sizeof got - strlen(got), "%zu ", st.nr_dirty);
    }
    assert_int_equal(n, whole);
    assert_string_equal(want, got);
    size_t again = order[ug_rand_below(n)];
    assert_int_equal(PS, pc_pwrite(f->h, data + again * PS, PS, (off_t)(again * PS)));
    assert_int_equal(n, fix_stats(f).nr_dirty);
    assert_int_equal(0, fix_disk_size(f));
    assert_int_equal(0, f->writes_seen);

    assert_int_equal(0, pc_fsync(f->h));
    assert_int_equal(1, f->syncs_seen);   /* written, then made durable */
    pc_stats_t st = fix_stats(f);
    assert_int_equal(0, st.nr_dirty);
    assert_int_equal(0, st.nr_writeback);
    assert_int_equal(n, st.pages_written);
    fix_assert_disk(f, 0, data, n * PS);
    assert_int_equal(n * PS, fix_disk_size(f));
}

/* A negative offset is -EINVAL for reads and writes and changes nothing;
 * so is a range that would overflow off_t. Offsets and lengths are seeded;
 * a sane write afterwards sets the size. */
static void test_negative_offset_is_rejected_with_einval(void **state)
{
    fix_t *f = *state;
    fix_open(f);
    char buf[64];
    size_t len = 1 + ug_rand_below(sizeof buf);
    fix_pattern(buf, len, 0, (unsigned)ug_rand());
    assert_int_equal(-EINVAL, pc_pwrite(f->h, buf, len, -1 - (off_t)ug_rand_below(1u << 20)));
    assert_int_equal(-EINVAL,
                     pc_pread(f->h, buf, len, -(off_t)PS * (1 + (off_t)ug_rand_below(64))));
    assert_int_equal(-EINVAL, pc_pwrite(f->h, buf, len, INT64_MAX - (off_t)ug_rand_below(len)));
    assert_int_equal(0, fix_stats(f).nr_dirty);
    uint64_t size = 1;
    assert_int_equal(0, pc_cache_size(f->pc, &size));
    assert_int_equal(0, size);

    off_t off = (off_t)ug_rand_below(1u << 20);
    assert_int_equal(len, pc_pwrite(f->h, buf, len, off));
    assert_int_equal(0, pc_cache_size(f->pc, &size));
    assert_int_equal((uint64_t)off + len, size);
}

/* After pc_close, the handle answers -EBADF to everything, including a
 * second close; other handles keep working (seeded bytes at a seeded
 * offset, read back and fsynced). */
static void test_closed_handle_is_rejected_with_ebadf(void **state)
{
    fix_t *f = *state;
    fix_open(f);
    pc_handle_t *other;
    assert_int_equal(0, pc_open(f->pc, &other));
    char buf[64], got[64];
    size_t len = 1 + ug_rand_below(sizeof buf);
    off_t off = (off_t)ug_rand_below(4 * PS);
    fix_pattern(buf, len, (uint64_t)off, (unsigned)ug_rand());
    assert_int_equal(0, pc_close(f->h));
    assert_int_equal(-EBADF, pc_pwrite(f->h, buf, len, off));
    assert_int_equal(-EBADF, pc_pread(f->h, got, len, off));
    assert_int_equal(-EBADF, pc_fsync(f->h));
    assert_int_equal(-EBADF, pc_close(f->h));
    assert_int_equal(0, fix_stats(f).nr_dirty);
    assert_int_equal(len, pc_pwrite(other, buf, len, off));
    assert_int_equal(len, pc_pread(other, got, len, off));
    assert_memory_equal(buf, got, len);
    assert_int_equal(0, pc_fsync(other));
    fix_assert_disk(f, (uint64_t)off, buf, len);
}

/* A cache of zero pages, or limits that make no sense (seeded values), are
 * -EINVAL and leave *out untouched; a sane config of a seeded size opens,
 * with its thresholds at the ratios of its capacity. */
static void test_zero_size_cache_and_bad_limits_are_rejected_with_einval(void **state)
{
    fix_t *f = *state;
    pc_cache_t *pc = NULL;
    pc_config_t cfg = f->cfg;
    cfg.capacity_pages = 0;
    assert_int_equal(-EINVAL, pc_cache_open(f->path, &cfg, &pc));
    cfg = f->cfg;
    cfg.dirty_ratio = 0.125 * (1 + (double)ug_rand_below(7));
    cfg.background_ratio = cfg.dirty_ratio + 0.125 * (1 + (double)ug_rand_below(7));
    assert_int_equal(-EINVAL, pc_cache_open(f->path, &cfg, &pc));
    cfg = f->cfg;
    cfg.dirty_ratio = 1.0 + 0.125 * (1 + (double)ug_rand_below(8));
    assert_int_equal(-EINVAL, pc_cache_open(f->path, &cfg, &pc));
    assert_null(pc);
    /* ... and a sane config still opens. */
    f->cfg.capacity_pages = 8 * (4 + ug_rand_below(29));
    f->cfg.background_ratio = 0.125;
    f->cfg.dirty_ratio = 0.25;
    fix_open(f);
    pc_stats_t st = fix_stats(f);
    assert_int_equal(f->cfg.capacity_pages / 8, st.background_thresh);
    assert_int_equal(f->cfg.capacity_pages / 4, st.dirty_thresh);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)
UG_TEST_GROUP(pagecache_write_path, NULL, NULL,
    T(test_unaligned_write_across_a_page_boundary_reads_back),
    T(test_partial_write_to_an_uncached_page_keeps_the_bytes_around_it),
    T(test_dirty_count_follows_pages_written_and_fsync_cleans_them_to_disk),
    T(test_negative_offset_is_rejected_with_einval),
    T(test_closed_handle_is_rejected_with_ebadf),
    T(test_zero_size_cache_and_bad_limits_are_rejected_with_einval));
