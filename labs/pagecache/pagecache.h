/*
 * pagecache.h — a user-space page cache over one real file, built the way
 * Linux builds its buffered write path.
 *
 * The file is cut into 4 KiB pages. A write copies into cached pages and
 * marks them dirty; it does not touch the disk. Dirty pages reach the disk
 * later, through writeback: when too many pages are dirty (the background
 * threshold), when a page has been dirty for too long (the expire
 * interval), when a writer would pass the hard limit (it is made to write
 * back first), or when someone calls fsync. Reads are served from the cache
 * or read the page in. Only clean pages are ever evicted.
 *
 * Two objects, as in the kernel: the cache (one per file: the inode and its
 * address_space) and handles (open file descriptions). Every handle keeps
 * its own cursor into the file's error sequence, so a writeback error
 * reaches the next fsync of each handle exactly once.
 *
 * Time is the caller's: a config may pass a clock; the flusher runs when
 * pc_tick(now) is called (tests drive it with a virtual clock) or, in
 * real mode, from a background thread.
 *
 * Interface: pc_cache_open → pc_open → pc_pwrite / pc_pread … pc_tick …
 * pc_fsync → pc_close → pc_cache_close. Everything returns 0 (or a byte
 * count) or a negative errno. The error sequence (pc_errseq_*, last section)
 * is the word behind each handle's fsync errors.
 */
#ifndef PAGECACHE_H
#define PAGECACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PC_PAGE_SIZE 4096u

/* What the I/O layer is about to do; passed to the fault hook. */
typedef enum pc_io_op {
    PC_IO_READ,   /* read one page in; index = page number */
    PC_IO_WRITE,  /* write one page back; index = page number */
    PC_IO_SYNC,   /* make written data durable (fdatasync); index = 0 */
} pc_io_op_t;

/* Fault-injection hook: return 0 to let the operation run, or a negative
 * errno to fail it without touching the disk. For PC_IO_WRITE it runs
 * while writeback is in flight and the cache is unlocked, so it may write
 * to the cache the way a racing writer would. */
typedef int (*pc_fault_fn)(void *arg, pc_io_op_t op, uint64_t index);

/* Virtual or real time in milliseconds. */
typedef uint64_t (*pc_clock_fn)(void *arg);

typedef struct pc_config {
    size_t capacity_pages;          /* cache size in pages; must be > 0 */
    double background_ratio;        /* start background writeback above this */
    double dirty_ratio;             /* writers never push dirty pages past this */
    uint64_t expire_ms;             /* a page dirty this long gets written */
    uint64_t writeback_interval_ms; /* the flusher wakes up this often */
    pc_clock_fn clock;              /* NULL: CLOCK_MONOTONIC */
    void *clock_arg;
    bool flusher_thread;            /* real mode: run pc_tick from a thread */
    bool prefault;                  /* back all pages with memory at open */
    pc_fault_fn fault;              /* NULL: no fault injection */
    void *fault_arg;
} pc_config_t;

/* Linux's defaults: dirty_background_ratio 10, dirty_ratio 20,
 * dirty_expire_centisecs 3000, dirty_writeback_centisecs 500. */
#define PC_CONFIG_INIT                                                        \
    {.capacity_pages = 16384, .background_ratio = 0.10, .dirty_ratio = 0.20, \
     .expire_ms = 30000, .writeback_interval_ms = 5000}

/* A snapshot of the cache's counters. */
typedef struct pc_stats {
    size_t nr_cached;         /* pages holding file data */
    size_t nr_dirty;          /* pages newer than the disk */
    size_t nr_writeback;      /* pages with a write in flight */
    size_t max_dirty;         /* highest nr_dirty ever seen */
    size_t background_thresh; /* nr_dirty above this wakes the flusher */
    size_t dirty_thresh;      /* nr_dirty never exceeds this */
    uint64_t pages_read;      /* pages read in from disk */
    uint64_t pages_written;   /* pages written back (success or not) */
    uint64_t evictions;       /* clean pages dropped to make room */
    uint64_t throttled;       /* times a writer had to write back itself */
    bool io_uring;            /* writeback goes through io_uring */
    bool direct_io;           /* the file is open with O_DIRECT */
} pc_stats_t;

typedef struct pc_cache pc_cache_t;   /* one cached file */
typedef struct pc_handle pc_handle_t; /* one open handle on it */

/* Opens (creating if needed, mode 0644) the file at path and a cache over
 * it; cfg NULL means PC_CONFIG_INIT. On success *out is owned by the caller
 * until pc_cache_close. Returns 0, -EINVAL for a bad config, or -errno. */
int pc_cache_open(const char *path, const pc_config_t *cfg, pc_cache_t **out);

/* Writes back every dirty page, syncs, stops the flusher and frees the
 * cache and all its handles. Returns 0 or the first error it met. */
int pc_cache_close(pc_cache_t *pc);

/* Opens a handle; it will see writeback errors that happen from now on
 * (and one not yet seen by anyone). The cache owns the handle. */
int pc_open(pc_cache_t *pc, pc_handle_t **out);

/* Closes a handle; later calls on it return -EBADF. Its memory lives
 * until pc_cache_close. Returns 0, or -EBADF if already closed. */
int pc_close(pc_handle_t *h);

/* Copies len bytes from buf into the file at off, through the cache.
 * Returns len, -EINVAL (off < 0 or off+len overflows), -EBADF, or -errno
 * if a page that has to be read first cannot be. */
ssize_t pc_pwrite(pc_handle_t *h, const void *buf, size_t len, off_t off);

/* Copies up to len bytes at off into buf. Returns the byte count (short at
 * end of file, 0 past it), -EINVAL, -EBADF, or -errno from a failed read. */
ssize_t pc_pread(pc_handle_t *h, void *buf, size_t len, off_t off);

/* Writes back and waits for every page dirtied before the call, then
 * syncs the file. Returns 0, or the first writeback error this handle has
 * not yet been told about (each error once per handle), or -EBADF. */
int pc_fsync(pc_handle_t *h);

/* Runs the flusher at time now (ms, on the cache's clock): background
 * writeback if above the background threshold, and expired pages if a
 * writeback interval has passed since its last run. Returns 0 or -errno. */
int pc_tick(pc_cache_t *pc, uint64_t now_ms);

/* Fills *out with the current counters. Returns 0 or -EINVAL. */
int pc_cache_stats(pc_cache_t *pc, pc_stats_t *out);

/* The file's size as the cache sees it (including unwritten data). */
int pc_cache_size(pc_cache_t *pc, uint64_t *out);

/* ---- the error sequence (pc_errseq.c) --------------------------------------
 *
 * One 32-bit word that remembers the latest writeback error and how many
 * errors have happened, so any number of observers can each learn of an
 * error exactly once (Linux's errseq_t). Layout, low bits first: the errno
 * (12 bits), a SEEN flag (1 bit), then a counter. Setting an error stores
 * it and, if someone has seen the previous value, bumps the counter; an
 * observer keeps the value it last saw and compares.
 *
 * Interface: pc_errseq_set (writeback failed) ... pc_errseq_sample (a
 * handle opens) → pc_errseq_check_and_advance (each fsync of that handle).
 * Callers serialize access (the cache holds its lock).
 */

typedef uint32_t pc_errseq_t;

#define PC_ERRSEQ_ERRNO_BITS 12u
#define PC_ERRSEQ_ERRNO_MASK ((1u << PC_ERRSEQ_ERRNO_BITS) - 1)
#define PC_ERRSEQ_SEEN (1u << PC_ERRSEQ_ERRNO_BITS)
#define PC_ERRSEQ_CTR_INC (1u << (PC_ERRSEQ_ERRNO_BITS + 1))

/* Records err (a negative errno; 0 or out-of-range values are ignored).
 * Returns the new value of *eseq. */
pc_errseq_t pc_errseq_set(pc_errseq_t *eseq, int err);

/* The value a new observer starts from: the current one if its error has
 * been seen, else 0 so the new observer still gets the unseen error. */
pc_errseq_t pc_errseq_sample(const pc_errseq_t *eseq);

/* Returns the error recorded since *since (negative errno) or 0; moves
 * *since to the current value and marks the error seen. */
int pc_errseq_check_and_advance(pc_errseq_t *eseq, pc_errseq_t *since);

#endif
