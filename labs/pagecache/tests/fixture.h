/*
 * fixture.h — what every pagecache test shares: a private temporary
 * directory, a file in it, a virtual clock the test moves by hand, a
 * fault hook the test can program, and helpers that look at the file on
 * disk behind the cache's back.
 *
 * The disk checks are macros: the expected bytes sit in the assertion
 * itself, so the binary that runs a candidate's cache never computes them,
 * and a failure names the test's own line.
 *
 * Interface: cmocka_unit_test_setup_teardown(test, fix_setup, fix_teardown)
 * → fix_t *f = *state → adjust f->cfg → fix_open(f) → ... The teardown
 * closes the cache and removes the directory.
 */
#ifndef PAGECACHE_TEST_FIXTURE_H
#define PAGECACHE_TEST_FIXTURE_H

#include <limits.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pagecache.h"

#define PS PC_PAGE_SIZE

typedef struct fix fix_t;

/* A test's fault hook: like pc_fault_fn, with the fixture. */
typedef int (*fix_fault_fn)(fix_t *f, pc_io_op_t op, uint64_t index);

struct fix {
    char dir[PATH_MAX];
    char path[PATH_MAX + 8];
    uint64_t now;          /* the virtual clock, in ms */
    pc_config_t cfg;       /* PC_CONFIG_INIT, 64 pages, virtual clock, hook */
    pc_cache_t *pc;
    pc_handle_t *h;
    fix_fault_fn fault;    /* NULL: every I/O goes through */
    void *fault_arg;
    /* the hook may run on the flusher thread too */
    _Atomic uint64_t writes_seen;  /* PC_IO_WRITE calls the hook has seen */
    _Atomic uint64_t reads_seen;
    _Atomic uint64_t syncs_seen;
    /* private: the scratch buffers of fix_got and fix_want */
    void *got, *want;
    size_t got_cap, want_cap;
};

int fix_setup(void **state);
int fix_teardown(void **state);

/* Opens f->cfg over f->path and one handle in f->h; asserts success. */
void fix_open(fix_t *f);

/* The cache's counters; asserts success. */
pc_stats_t fix_stats(fix_t *f);

/* Writes bytes straight to the file (before the cache opens). */
void fix_disk_write(fix_t *f, uint64_t off, const void *buf, size_t len);

/* Reads len bytes at off straight from disk into buf; bytes past the end
 * of the file read as zeros. Returns how many bytes the file had there
 * (<= len), or -errno. Makes no check: safe in loops and on any thread. */
ssize_t fix_disk_read(fix_t *f, uint64_t off, void *buf, size_t len);

/* The file's size on disk. */
uint64_t fix_disk_size(fix_t *f);

/* Fills buf with bytes that depend on the position and on tag. */
void fix_pattern(void *buf, size_t len, uint64_t off, unsigned tag);

/* A scratch buffer of at least len bytes, owned by the fixture, for bytes
 * read back (fix_got) or for expected bytes (fix_want: fix_pattern of
 * len bytes at off with tag). Each call may move its buffer. */
void *fix_got(fix_t *f, size_t len);
const void *fix_want(fix_t *f, size_t len, uint64_t off, unsigned tag);

/* Checks that the file on disk holds want's len bytes at off: how many it
 * has there, then the bytes. A macro, so that want is the expected
 * operand of the check (compiled out of the recording build). */
#define fix_assert_disk(f, off, want, len)                                                         \
    do {                                                                                           \
        size_t fix__len = (len);                                                                   \
        void *fix__got = fix_got((f), fix__len);                                                   \
        assert_int_equal(fix__len, fix_disk_read((f), (off), fix__got, fix__len));                 \
        assert_memory_equal((want), fix__got, fix__len);                                           \
    } while (0)

/* Checks only the bytes: len bytes at off on disk, zeros past the end of
 * the file, equal want. For when the size on disk is the cache's choice
 * (before fsync). */
#define fix_assert_disk_bytes(f, off, want, len)                                                   \
    do {                                                                                           \
        size_t fix__len = (len);                                                                   \
        void *fix__got = fix_got((f), fix__len);                                                   \
        fix_disk_read((f), (off), fix__got, fix__len);                                             \
        assert_memory_equal((want), fix__got, fix__len);                                           \
    } while (0)

/* Checks that the disk holds fix_pattern(len bytes at off, tag). */
#define fix_assert_disk_pattern(f, off, len, tag)                                                  \
    fix_assert_disk((f), (off), fix_want((f), (len), (off), (tag)), (len))

/* Writes fix_pattern(tag) over pages [from, to) through f->h, one page per
 * call, without checks. Returns how many writes wrote a whole page. */
uint64_t fix_write_pages(fix_t *f, uint64_t from, uint64_t to, unsigned tag);

#endif
