/*
 * pc_internal.h — the cache's insides, shared by its source files.
 *
 * The cache is a fixed array of page slots over one arena of
 * capacity × 4 KiB. A slot is found by file page number through a hash
 * table, holds flags (dirty, writeback, ...), and, while dirty, sits on a
 * list ordered by the time it turned dirty, oldest first: the flusher
 * writes from the head. One mutex guards it all; it is dropped only while
 * writeback I/O or a sync is in flight (pages then carry PG_WRITEBACK,
 * which keeps them in place) and while a writer waits for room.
 *
 * Interface between the files:
 *   pc_cache.c     pc__now, pc__lookup, pc__page_get, pc__mark_dirty, pc__dirty_unlink
 *   pc_write.c     pc_pwrite, pc_pread, pc__balance_dirty_pages
 *   pc_writeback.c pc__writeback, pc__sync, pc_tick, pc_fsync, the flusher thread
 */
#ifndef PC_INTERNAL_H
#define PC_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "pagecache.h"
#include "support/pc_io.h"

/* Page flags. */
enum {
    PG_USED = 1u << 0,       /* the slot holds a page (always up to date) */
    PG_DIRTY = 1u << 1,      /* newer than the disk */
    PG_WRITEBACK = 1u << 2,  /* a write of it is in flight */
    PG_TOWRITE = 1u << 3,    /* an fsync must see it written */
    PG_REFERENCED = 1u << 4, /* used since the clock hand last passed */
};

#define PC_NONE (-1)

typedef struct pc_page {
    uint64_t index;      /* page number in the file */
    uint64_t dirtied_ms; /* when it went from clean to dirty */
    uint32_t flags;
    int32_t hnext;       /* next slot in the hash chain */
    int32_t dprev;       /* dirty list neighbours, PC_NONE at the ends */
    int32_t dnext;
} pc_page_t;

/* Why writeback runs: decides which pages and how many. */
typedef enum pc_wb_reason {
    PC_WB_BACKGROUND, /* oldest first until nr_dirty <= background_thresh */
    PC_WB_EXPIRED,    /* every page dirty for expire_ms or more */
    PC_WB_THROTTLE,   /* a writer at the hard limit: down to the setpoint */
    PC_WB_RECLAIM,    /* no clean page to evict: a batch, oldest first */
} pc_wb_reason_t;

struct pc_handle {
    pc_cache_t *pc;
    pc_errseq_t wb_err;  /* the error sequence as this handle last saw it */
    bool closed;
    pc_handle_t *next;   /* every handle, freed with the cache */
};

struct pc_cache {
    /* read-only after open */
    pc_config_t cfg;
    size_t capacity;
    size_t background_thresh;
    size_t dirty_thresh;
    size_t setpoint;          /* a throttled writer writes back to here */
    pc_io_t *io;
    char *arena;              /* capacity pages, page-aligned */
    pc_page_t *pages;         /* capacity slots */
    uint32_t *hash;           /* bucket → slot + 1, 0 = empty */
    uint64_t hash_mask;

    /* guarded by lock */
    pthread_mutex_t lock;
    pthread_cond_t wb_done;   /* broadcast when a writeback batch completes */
    size_t next_unused;       /* slots below this have been used */
    size_t clock_hand;
    int32_t dirty_head, dirty_tail;
    uint64_t i_size;          /* the file's size, cached data included */
    uint64_t disk_size;       /* the size the file has on disk */
    pc_errseq_t wb_err;       /* writeback errors of this file */
    pc_handle_t *handles;
    pc_stats_t st;
    uint64_t last_flush_ms;   /* the flusher's last periodic run */
    bool bg_kick;             /* a writer crossed the background threshold */

    /* fsync and close, one at a time (they share PG_TOWRITE) */
    pthread_mutex_t sync_lock;

    /* the real-mode flusher thread; guarded by lock */
    pthread_t thread;
    pthread_cond_t kick;
    bool thread_on;
    bool stopping;
};

/* ---- pc_cache.c -------------------------------------------------------- */

/* Now on the cache's clock, in ms. Can't fail. */
uint64_t pc__now(pc_cache_t *pc);

/* The slot holding page index, or PC_NONE. Caller holds pc->lock. */
int32_t pc__lookup(pc_cache_t *pc, uint64_t index);

/* Data of a slot. Can't fail. */
static inline char *pc__data(pc_cache_t *pc, int32_t slot)
{
    return pc->arena + (size_t)slot * PC_PAGE_SIZE;
}

/* Finds or creates page index in *slot. A new page is read in if the disk
 * has it and fill is true, else zeroed. Returns 0, -EAGAIN if it had to
 * drop pc->lock to make room (look again: things changed), or -errno.
 * Caller holds pc->lock. */
int pc__page_get(pc_cache_t *pc, uint64_t index, bool fill, int32_t *slot);

/* Marks a slot dirty (stamped now if it was clean). Caller holds lock. */
void pc__mark_dirty(pc_cache_t *pc, int32_t slot, uint64_t now);

/* Clears dirty and takes the slot off the dirty list. Caller holds lock. */
void pc__dirty_unlink(pc_cache_t *pc, int32_t slot);

/* ---- pc_write.c -------------------------------------------------------- */

/* After a write: wakes the flusher when above the background threshold.
 * Caller holds pc->lock. */
void pc__balance_dirty_pages(pc_cache_t *pc);

/* ---- pc_writeback.c ---------------------------------------------------- */

/* Writes back the pages `reason` picks and waits for them. Drops pc->lock
 * during the I/O. Returns 0, -EAGAIN if nothing could be picked (every
 * candidate is already in flight: wait on wb_done), or -errno. I/O errors
 * go to pc->wb_err, not to the caller. Caller holds pc->lock. */
int pc__writeback(pc_cache_t *pc, pc_wb_reason_t reason, uint64_t now);

/* Writes and waits for every page dirty or in flight now, fixes the size
 * on disk and syncs. Caller holds sync_lock and lock (dropped during I/O).
 * Returns 0 or -errno (sync errors are also recorded in pc->wb_err). */
int pc__sync(pc_cache_t *pc);

/* Starts and stops the real-mode flusher thread. Return 0 or -errno. */
int pc__flusher_start(pc_cache_t *pc);
void pc__flusher_stop(pc_cache_t *pc);

#endif
