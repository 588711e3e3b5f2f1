/*
 * leak_impl.h — what the files of the leak lab share and nothing else sees.
 * Support code: the contract between the lab's files, shipped as it is
 * (tests, benchmarks and demos see only leak.h).
 *
 * leak_chunks.c records the live chunks and keeps the stack depot;
 * leak_roots.c knows where roots are and stops threads; leak_scan.c sorts a
 * snapshot of the live chunks and floods it from the roots; leak_report.c
 * turns tags into records; leak_tasks.c reuses the scan to decide which
 * blocked tasks are unreachable; support/leak_check.c puts one memory check
 * together and support/leak_symbolize.c names code addresses.
 *
 * Interface: leak__lock → leak__stop_world → leak__snap_build (through
 * leak__chunks_foreach) → leak__roots_* → leak__scan_root ... →
 * leak__start_world → leak__classify → leak__unlock → leak__report_build.
 */
#ifndef LEAK_IMPL_H
#define LEAK_IMPL_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#include "leak.h"

#if defined(__SANITIZE_ADDRESS__)
#define LEAK_NO_ASAN __attribute__((no_sanitize_address))
#else
#define LEAK_NO_ASAN
#endif

/* ---- leak_chunks.c: the live chunks, the depot, the lock ---------------- */

extern leak_options_t leak__opts;

/* The one lock over the shared slot pool and the depot (the per-thread
 * fast paths take none: a check stops their threads instead). */
void leak__lock(void);
void leak__unlock(void);

/* Calls fn for every live chunk; caller holds the lock, and every other
 * thread that allocates is stopped. */
void leak__chunks_foreach(void (*fn)(uintptr_t beg, size_t size, uint32_t site, void *ud),
                          void *ud);

/* Live chunks now; as leak__chunks_foreach. */
size_t leak__chunks_live(void);

/* Copies the stack of depot entry site into frames (≤ LEAK_MAX_FRAMES);
 * returns the count, 0 for an unknown site. Takes the lock itself. */
size_t leak__site_frames(uint32_t site, void **frames);

/* Anonymous memory outside the heap (never scanned). NULL on failure. */
void *leak__map(size_t bytes);
void leak__unmap(void *p, size_t bytes);

/* ---- leak_roots.c -------------------------------------------------------- */

/* A root range [lo, hi) of words. */
typedef void (*leak_range_fn)(uintptr_t lo, uintptr_t hi, void *ud);

/* Stops every registered thread but the caller. Returns 0 or -errno. */
int leak__stop_world(void);
/* Lets them run again. */
void leak__start_world(void);

/* The writable segments of every loaded object. */
void leak__roots_globals(leak_range_fn fn, void *ud);

/* Stacks, saved registers and TLS of the stopped threads, and of the caller
 * from frame `from` up (regs: its callee-saved registers). */
void leak__roots_threads(leak_range_fn fn, void *ud, uintptr_t from,
                         const uintptr_t *regs, size_t nregs);

/* Bounds of the calling thread's own (pthread) stack. Returns 0 or -errno. */
int leak__self_stack(uintptr_t *lo, uintptr_t *hi);

/* Stores the calling context's callee-saved registers in regs[0..5]. */
void leak__save_regs(uintptr_t regs[6]);

/* ---- leak_scan.c ---------------------------------------------------------- */

enum { LEAK_TAG_NONE, LEAK_TAG_REACHABLE, LEAK_TAG_DIRECT, LEAK_TAG_INDIRECT, LEAK_TAG_SEEN };

typedef struct leak_chunk {
    uintptr_t beg;
    size_t size;
    uint32_t site;
    uint32_t tag;
} leak_chunk_t;

typedef struct leak_page {
    uintptr_t page;                  /* beg >> 12; 0: empty slot */
    uint32_t first, end;             /* chunks starting in the page */
} leak_page_t;

/* A sorted snapshot of the table, with a page index for interior lookups. */
typedef struct leak_snap {
    leak_chunk_t *c;
    size_t n, cap_bytes;
    leak_page_t *pages;              /* hash of pages outside the dense region */
    uint64_t *far;                   /* bitmap: 2 MiB areas holding hashed pages */
    size_t npages_cap, pages_bytes;  /* npages_cap: power of two */
    uint32_t (*dir)[2];              /* dense region: page - dir_lo → first, end */
    uintptr_t dir_lo, dir_n;
    size_t dir_bytes;
    uintptr_t lo, hi;                /* lowest beg, highest end */
    bool huge;                       /* a chunk too big for the page index */
    uint32_t *stack;                 /* the mark stack */
    size_t sp, stack_cap, stack_bytes;
    /* optional: called for every word scanned (before the range filter) */
    void (*on_word)(uintptr_t w, void *ud);
    void *ud;
} leak_snap_t;

/* Snapshots the live chunks, sorted (conditions of leak__chunks_foreach;
 * allocates nothing but mappings). Returns 0, -ENOMEM. */
int leak__snap_build(leak_snap_t *s);
void leak__snap_free(leak_snap_t *s);

/* Index of the chunk containing address v, or -1. */
ssize_t leak__snap_find(const leak_snap_t *s, uintptr_t v);

/* Marks chunks pointed to from [lo, hi) REACHABLE, then floods. */
void leak__scan_root(leak_snap_t *s, uintptr_t lo, uintptr_t hi);

/* Splits what stayed unmarked into DIRECT and INDIRECT. */
void leak__classify(leak_snap_t *s);

/* ---- leak_report.c, leak_symbolize.c ----------------------------------- */

/* Writes the name of the function holding pc (support/leak_symbolize.c).
 * Returns 0 or -ENOENT. */
int leak__func_name(const void *pc, char *buf, size_t len);

/* Groups the DIRECT and INDIRECT chunks of s into *out. Returns 0, -ENOMEM. */
int leak__report_build(const leak_snap_t *s, leak_report_t *out);

#endif
