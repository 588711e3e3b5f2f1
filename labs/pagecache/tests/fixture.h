/*
 * fixture.h — what every pagecache test shares: a private temporary
 * directory, a file in it, a virtual clock the test moves by hand, a
 * fault hook the test can program, and helpers that look at the file on
 * disk behind the cache's back.
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
};

int fix_setup(void **state);
int fix_teardown(void **state);

/* Opens f->cfg over f->path and one handle in f->h; asserts success. */
void fix_open(fix_t *f);

/* The cache's counters; asserts success. */
pc_stats_t fix_stats(fix_t *f);

/* Writes bytes straight to the file (before the cache opens). */
void fix_disk_write(fix_t *f, uint64_t off, const void *buf, size_t len);

/* Reads the file straight from disk; returns the bytes read. */
size_t fix_disk_read(fix_t *f, uint64_t off, void *buf, size_t len);

/* The file's size on disk. */
uint64_t fix_disk_size(fix_t *f);

/* Fills buf with bytes that depend on the position and on tag. */
void fix_pattern(void *buf, size_t len, uint64_t off, unsigned tag);

/* Asserts that the file on disk holds `want` at off. */
void fix_assert_disk(fix_t *f, uint64_t off, const void *want, size_t len);

#endif
