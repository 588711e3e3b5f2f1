/*
 * hidden.c — tests kept out of the handout: an error from background
 * writeback, a failed read-in, and a write far past the end of the file.
 *
 * Interface: fix_open → pc_* → fix_stats / the disk.
 */
#include <errno.h>
#include <string.h>

#include <undergo/labtest.h>

#include "../fixture.h"

/* Fails every write of page 1 while f->fault_arg points at a nonzero int. */
static int fail_page_1(fix_t *f, pc_io_op_t op, uint64_t index)
{
    return op == PC_IO_WRITE && index == 1 && *(int *)f->fault_arg ? -EIO : 0;
}

/* The flusher, not fsync, meets the error: the next fsync still reports
 * it, although it has nothing left to write; the page stays readable. */
static void test_background_writeback_error_reaches_a_later_fsync(void **state)
{
    fix_t *f = *state;
    f->cfg.expire_ms = 100;
    f->cfg.writeback_interval_ms = 100;
    fix_open(f);
    int on = 1;
    f->fault_arg = &on;
    f->fault = fail_page_1;
    char page[PS];
    fix_pattern(page, PS, 0, 20);
    for (int i = 0; i < 3; i++)
        assert_int_equal(PS, pc_pwrite(f->h, page, PS, (off_t)i * PS));
    f->now = 500;
    assert_int_equal(0, pc_tick(f->pc, f->now));
    assert_int_equal(0, fix_stats(f).nr_dirty);
    on = 0;
    assert_int_equal(-EIO, pc_fsync(f->h));
    assert_int_equal(0, pc_fsync(f->h));
    char got[PS];
    assert_int_equal(PS, pc_pread(f->h, got, PS, PS));
    assert_memory_equal(page, got, PS);
}

/* Fails the first read of page 1. */
static int fail_read_once(fix_t *f, pc_io_op_t op, uint64_t index)
{
    int *left = f->fault_arg;
    if (op == PC_IO_READ && index == 1 && *left > 0) {
        (*left)--;
        return -EIO;
    }
    return 0;
}

/* A read that needs page 1 from disk and cannot get it returns -EIO and
 * caches nothing; a partial write to it fails the same way and dirties
 * nothing; once the disk answers, both work and see the old bytes. */
static void test_failed_read_in_returns_eio_and_caches_nothing(void **state)
{
    fix_t *f = *state;
    static char disk[2 * PS], got[PS];
    fix_pattern(disk, sizeof(disk), 0, 21);
    fix_disk_write(f, 0, disk, sizeof(disk));
    fix_open(f);
    int left = 2;
    f->fault_arg = &left;
    f->fault = fail_read_once;
    assert_int_equal(-EIO, pc_pread(f->h, got, 100, PS + 50));
    assert_int_equal(-EIO, pc_pwrite(f->h, "xy", 2, PS + 7));
    assert_int_equal(0, fix_stats(f).nr_dirty);
    assert_int_equal(0, fix_stats(f).nr_cached);

    assert_int_equal(2, pc_pwrite(f->h, "xy", 2, PS + 7));
    memcpy(disk + PS + 7, "xy", 2);
    assert_int_equal(PS, pc_pread(f->h, got, PS, PS));
    assert_memory_equal(disk + PS, got, PS);
    assert_int_equal(0, pc_fsync(f->h));
    fix_assert_disk(f, 0, disk, sizeof(disk));
}

/* A write 10 MiB past an empty file: the hole reads as zeros without
 * caching 2560 pages, and the file on disk has exactly the new size. */
static void test_sparse_write_far_past_the_end_reads_zeros_in_the_hole(void **state)
{
    fix_t *f = *state;
    fix_open(f);
    uint64_t off = (10u << 20) + 123;
    assert_int_equal(5, pc_pwrite(f->h, "tail!", 5, (off_t)off));
    char got[300], zeros[300] = {0};
    assert_int_equal(sizeof(got), pc_pread(f->h, got, sizeof(got), 5u << 20));
    assert_memory_equal(zeros, got, sizeof(got));
    assert_int_equal(5, pc_pread(f->h, got, sizeof(got), (off_t)off));
    assert_memory_equal("tail!", got, 5);
    assert_int_equal(0, pc_pread(f->h, got, sizeof(got), (off_t)off + 5));
    assert_true(fix_stats(f).nr_cached <= 2);
    assert_int_equal(0, pc_fsync(f->h));
    assert_int_equal(off + 5, fix_disk_size(f));
    fix_assert_disk(f, off, "tail!", 5);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)
UG_TEST_GROUP(pagecache_hidden, NULL, NULL,
    T(test_background_writeback_error_reaches_a_later_fsync),
    T(test_failed_read_in_returns_eio_and_caches_nothing),
    T(test_sparse_write_far_past_the_end_reads_zeros_in_the_hole));
