/*
 * hidden.c — tests kept out of the handout: an error from background
 * writeback, a failed read-in, and a write far past the end of the file.
 *
 * Pages, offsets, errnos and bytes come from the seed.
 *
 * Interface: fix_open → pc_* → fix_stats / the disk.
 */
#include <errno.h>
#include <string.h>

#include <undergo/labtest.h>

#include "../fixture.h"

/* Which page's writes fail, with which errno, while on is set. */
typedef struct fail_page {
    uint64_t page;
    int err;
    int on;
} fail_page_t;

static int fail_writes_of_page(fix_t *f, pc_io_op_t op, uint64_t index)
{
    fail_page_t *x = f->fault_arg;
    return op == PC_IO_WRITE && index == x->page && x->on ? x->err : 0;
}

/* The flusher, not fsync, meets the error: the next fsync still reports
 * it, although it has nothing left to write; the page stays readable. */
static void test_background_writeback_error_reaches_a_later_fsync(void **state)
{
    fix_t *f = *state;
    f->cfg.expire_ms = 100;
    f->cfg.writeback_interval_ms = 100;
    fix_open(f);
    static const int errs[] = {EIO, ENOSPC, EDQUOT, EROFS};
    uint64_t pages = 2 + ug_rand_below(5);
    fail_page_t x = {.page = ug_rand_below(pages), .err = -errs[ug_rand_below(4)], .on = 1};
    f->fault_arg = &x;
    f->fault = fail_writes_of_page;
    unsigned tag = (unsigned)ug_rand();
    assert_int_equal(pages, fix_write_pages(f, 0, pages, tag));
    f->now = 500;
    assert_int_equal(0, pc_tick(f->pc, f->now));
    assert_int_equal(0, fix_stats(f).nr_dirty);
    x.on = 0;
    assert_int_equal(x.err, pc_fsync(f->h));
    assert_int_equal(0, pc_fsync(f->h));
    char got[PS];
    assert_int_equal(PS, pc_pread(f->h, got, PS, (off_t)(x.page * PS)));
    assert_memory_equal(fix_want(f, PS, x.page * PS, tag), got, PS);
}

/* Fails the next `left` reads of page `page`. */
typedef struct fail_reads {
    uint64_t page;
    int left;
} fail_reads_t;

static int fail_read_of_page(fix_t *f, pc_io_op_t op, uint64_t index)
{
    fail_reads_t *x = f->fault_arg;
    if (op == PC_IO_READ && index == x->page && x->left > 0) {
        x->left--;
        return -EIO;
    }
    return 0;
}

/* A read that needs a page from disk and cannot get it returns -EIO and
 * caches nothing; a partial write to it fails the same way and dirties
 * nothing; once the disk answers, both work and see the old bytes. The
 * page, the offsets and the bytes come from the seed. */
static void test_failed_read_in_returns_eio_and_caches_nothing(void **state)
{
    fix_t *f = *state;
    static char disk[8 * PS], got[PS];
    uint64_t pages = 2 + ug_rand_below(7);
    fix_pattern(disk, pages * PS, 0, (unsigned)ug_rand());
    fix_disk_write(f, 0, disk, pages * PS);
    fix_open(f);
    fail_reads_t x = {.page = ug_rand_below(pages), .left = 2};
    f->fault_arg = &x;
    f->fault = fail_read_of_page;
    uint64_t base = x.page * PS;
    size_t rlen = 1 + ug_rand_below(200), woff = 1 + ug_rand_below(PS - 10);
    char patch[8];
    size_t wlen = 1 + ug_rand_below(sizeof patch);
    fix_pattern(patch, wlen, 0, (unsigned)ug_rand());
    assert_int_equal(-EIO, pc_pread(f->h, got, rlen, (off_t)(base + ug_rand_below(PS - rlen))));
    assert_int_equal(-EIO, pc_pwrite(f->h, patch, wlen, (off_t)(base + woff)));
    assert_int_equal(0, fix_stats(f).nr_dirty);
    assert_int_equal(0, fix_stats(f).nr_cached);

    assert_int_equal(wlen, pc_pwrite(f->h, patch, wlen, (off_t)(base + woff)));
    memcpy(disk + base + woff, patch, wlen);
    assert_int_equal(PS, pc_pread(f->h, got, PS, (off_t)base));
    assert_memory_equal(&disk[base], got, PS);
    assert_int_equal(0, pc_fsync(f->h));
    fix_assert_disk(f, 0, disk, pages * PS);
}

/* A write of a few seeded bytes 8 to 16 MiB past an empty file: the hole
 * reads as zeros without caching its pages, and the file on disk has
 * exactly the new size. */
static void test_sparse_write_far_past_the_end_reads_zeros_in_the_hole(void **state)
{
    fix_t *f = *state;
    fix_open(f);
    char tail[16];
    size_t len = 1 + ug_rand_below(sizeof tail);
    /* The tail in one page, the hole read in one page: two pages cached.
     * The tail ends mid-page, so fsync must set the size on disk. */
    uint64_t off = (2048 + ug_rand_below(2048)) * PS + ug_rand_below(PS - len);
    fix_pattern(tail, len, off, (unsigned)ug_rand());
    assert_int_equal(len, pc_pwrite(f->h, tail, len, (off_t)off));
    char got[300], zeros[300] = {0};
    uint64_t hole = ug_rand_below(off / PS - 1) * PS + ug_rand_below(PS - sizeof(got) + 1);
    assert_int_equal(sizeof(got), pc_pread(f->h, got, sizeof(got), (off_t)hole));
    assert_memory_equal(zeros, got, sizeof(got));
    assert_int_equal(len, pc_pread(f->h, got, sizeof(got), (off_t)off));
    assert_memory_equal(tail, got, len);
    assert_int_equal(0, pc_pread(f->h, got, sizeof(got), (off_t)(off + len)));
    assert_true(fix_stats(f).nr_cached <= 2);
    assert_int_equal(0, pc_fsync(f->h));
    assert_int_equal(off + len, fix_disk_size(f));
    fix_assert_disk(f, off, tail, len);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)
UG_TEST_GROUP(pagecache_hidden, NULL, NULL,
    T(test_background_writeback_error_reaches_a_later_fsync),
    T(test_failed_read_in_returns_eio_and_caches_nothing),
    T(test_sparse_write_far_past_the_end_reads_zeros_in_the_hole));
