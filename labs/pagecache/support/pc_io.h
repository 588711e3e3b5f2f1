/*
 * pc_io.h — the I/O layer under the page cache: one file, page-sized
 * reads, batched writes through io_uring, fdatasync, and a fault hook.
 *
 * The cache owns its pages, so the file is opened with O_DIRECT when the
 * file system allows it (no second copy in the kernel's own page cache);
 * otherwise plain buffered I/O. Writes come as runs of contiguous pages;
 * all runs of a batch are in flight at once and the call returns when
 * every one has completed. The file is preallocated (fallocate) ahead of
 * extending writes. If io_uring cannot be set up (disabled by sysctl or a
 * seccomp policy) the layer falls back to pwritev and says so in
 * pc_io_uses_uring().
 *
 * Interface: pc_io_open → pc_io_read_page / pc_io_write_runs / pc_io_sync /
 * pc_io_set_size … → pc_io_close. Thread-safe: one batch at a time.
 */
#ifndef PC_IO_H
#define PC_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "pagecache.h"

/* Most pages in one run (one writev): 1 MiB. */
#define PC_IO_MAX_RUN 256u

/* One run of contiguous pages to write. The caller fills index, npages and
 * pages; pc_io_write_runs fills res (0 or a negative errno). */
typedef struct pc_io_run {
    uint64_t index;   /* first page number */
    uint32_t npages;  /* 1 .. PC_IO_MAX_RUN */
    int res;          /* result of the whole run */
    void **pages;     /* npages page-aligned buffers, in order; caller's memory */
} pc_io_run_t;

typedef struct pc_io pc_io_t;

/* Opens path (O_CREAT, 0644) for the cache. fault may be NULL. On success
 * *out belongs to the caller until pc_io_close. Returns 0 or -errno. */
int pc_io_open(const char *path, pc_fault_fn fault, void *fault_arg, pc_io_t **out);

/* Closes the file and frees the layer. Returns 0 or -errno from close. */
int pc_io_close(pc_io_t *io);

/* The file's size on disk now. Returns 0 or -errno. */
int pc_io_size(pc_io_t *io, uint64_t *out);

/* Reads page `index` into the page-aligned buffer page; bytes past the end
 * of the file read as zeros. Returns 0 or a negative errno. */
int pc_io_read_page(pc_io_t *io, uint64_t index, void *page);

/* Writes every run, all in flight together; returns when all are done.
 * Each run's res says how it went; returns 0, or -errno if the batch
 * could not be issued at all. */
int pc_io_write_runs(pc_io_t *io, pc_io_run_t *runs, size_t nruns);

/* Sets the file's size on disk (whole-page writes may overshoot the
 * logical end). Returns 0 or -errno. */
int pc_io_set_size(pc_io_t *io, uint64_t size);

/* Makes every completed write durable (fdatasync). Returns 0 or -errno. */
int pc_io_sync(pc_io_t *io);

/* True when writes go through io_uring, false on the pwritev fallback. */
bool pc_io_uses_uring(const pc_io_t *io);

/* True when the file is open with O_DIRECT. */
bool pc_io_is_direct(const pc_io_t *io);

#endif
