/*
 * pc_writeback.c — writeback: the flusher, throttled writers, fsync.
 *
 * Every writeback pass has the same shape: under the lock, pick pages and
 * move each from "dirty" to "in flight" (off the dirty list, PG_WRITEBACK
 * on); drop the lock; sort the pages by file position, join neighbours
 * into runs (writing small holes of clean pages too, so that scattered
 * pages become a few large writes) and hand the batch to the I/O layer;
 * retake the lock and mark them done. A writer may dirty a page again while it is in flight: the
 * page then goes back on the dirty list and will be written again; the
 * write in flight may carry old or new bytes, and that is fine because a
 * newer write follows. Two writes of one page are never in flight at once
 * (they could land in the wrong order), so passes skip in-flight pages
 * and fsync waits for them.
 *
 * Who picks what (pc_wb_reason_t):
 *   background  above background_thresh: oldest first, down to it
 *   expired     each writeback interval: every page dirty >= expire_ms
 *   throttle    a writer at the hard limit: oldest first, to the setpoint
 *   reclaim     nothing clean to evict: a small batch, oldest first
 *   fsync       every page dirty or in flight when it was called
 *
 * fsync tags its pages first (PG_TOWRITE) and then writes only tagged
 * pages, so a writer that keeps dirtying new pages cannot make it run
 * forever. A failed write leaves the page clean, as Linux does (keeping
 * it dirty would pin memory forever on a dead disk); the error goes into
 * the file's error sequence, where every handle's next fsync finds it.
 *
 * Interface: pc_tick (flusher) / pc__writeback (throttle, reclaim) /
 * pc_fsync; pc__flusher_start → pc__flusher_stop for real mode.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "pc_internal.h"

#if LAB_SOLUTION

/* Most dirty pages one pass puts in flight: 32 MiB. */
#define PC_WB_BATCH 8192u
/* Clean pages a pass may add to join runs (see wb_fill_gaps). */
#define PC_WB_FILL PC_WB_BATCH
/* Widest hole of clean pages worth writing to join two runs. */
#define PC_WB_GAP 8u

typedef struct wb_item {
    uint64_t index;
    int32_t slot;
} wb_item_t;

/* ---- picking ----------------------------------------------------------- */

/* How many pages `reason` wants written now. Caller holds the lock. */
static size_t wb_quota(const pc_cache_t *pc, pc_wb_reason_t reason)
{
    size_t dirty = pc->st.nr_dirty;
    switch (reason) {
    case PC_WB_BACKGROUND:
        return dirty > pc->background_thresh ? dirty - pc->background_thresh : 0;
    case PC_WB_THROTTLE: {
        /* Down to the setpoint, and never in dribbles of a page or two:
         * each pass costs a round trip to the disk. */
        size_t want = dirty > pc->setpoint ? dirty - pc->setpoint : 0;
        size_t chunk = pc->dirty_thresh / 8 + 1;
        want = want > chunk ? want : chunk;
        return want < dirty ? want : dirty;
    }
    case PC_WB_RECLAIM:
        return dirty ? pc->capacity / 16 + 1 : 0;
    case PC_WB_EXPIRED:
        return dirty;
    }
    return 0;
}

/* Moves a dirty page to "in flight". Caller holds the lock. */
static void wb_take(pc_cache_t *pc, int32_t slot, wb_item_t *item)
{
    pc__dirty_unlink(pc, slot);
    pc->pages[slot].flags |= PG_WRITEBACK;
    pc->st.nr_writeback++;
    *item = (wb_item_t){pc->pages[slot].index, slot};
}

/* Takes up to max pages from the dirty list, oldest first. Returns how
 * many. Caller holds the lock. */
static size_t wb_pick(pc_cache_t *pc, pc_wb_reason_t reason, uint64_t now,
                      wb_item_t *items, size_t max)
{
    size_t n = 0;
    for (int32_t s = pc->dirty_head, next; s != PC_NONE && n < max; s = next) {
        pc_page_t *pg = &pc->pages[s];
        next = pg->dnext;
        /* The list is in dirtying order: the first young page ends it. */
        if (reason == PC_WB_EXPIRED && pg->dirtied_ms + pc->cfg.expire_ms > now)
            break;
        if (pg->flags & PG_WRITEBACK)
            continue;
        wb_take(pc, s, &items[n++]);
    }
    return n;
}

/* ---- submitting -------------------------------------------------------- */

/* qsort order: by page number. */
static int wb_item_cmp(const void *a, const void *b)
{
    uint64_t x = ((const wb_item_t *)a)->index, y = ((const wb_item_t *)b)->index;
    return (x > y) - (x < y);
}

/* True if every page in [from, to) is cached, clean and idle. */
static bool wb_gap_is_clean(pc_cache_t *pc, uint64_t from, uint64_t to)
{
    for (uint64_t i = from; i < to; i++) {
        int32_t s = pc__lookup(pc, i);
        if (s == PC_NONE || (pc->pages[s].flags & (PG_DIRTY | PG_WRITEBACK)))
            return false;
    }
    return true;
}

/* Random overwrites leave dirty pages with small holes between them; a
 * disk does one 64 KiB write much faster than ten scattered 4 KiB ones.
 * Clean cached pages in a hole hold what the disk holds, so writing them
 * too is harmless and joins the runs. They go in flight like the others.
 * items is sorted and has room for PC_WB_FILL more; returns the new count
 * (sorted again). Caller holds the lock. */
static size_t wb_fill_gaps(pc_cache_t *pc, wb_item_t *items, size_t n)
{
    size_t total = n;
    for (size_t i = 0; i + 1 < n; i++) {
        uint64_t from = items[i].index + 1, to = items[i + 1].index;
        if (to == from || to - from > PC_WB_GAP || total + (to - from) > n + PC_WB_FILL ||
            !wb_gap_is_clean(pc, from, to))
            continue;
        for (uint64_t g = from; g < to; g++) {
            int32_t s = pc__lookup(pc, g);
            pc->pages[s].flags |= PG_WRITEBACK;
            pc->st.nr_writeback++;
            items[total++] = (wb_item_t){g, s};
        }
    }
    if (total > n)
        qsort(items, total, sizeof(*items), wb_item_cmp);
    return total;
}

/* Joins sorted neighbours into runs. Returns the run count. */
static size_t wb_build_runs(pc_cache_t *pc, const wb_item_t *items, size_t n,
                            pc_io_run_t *runs, void **bufs)
{
    size_t nruns = 0;
    for (size_t i = 0; i < n; i++) {
        bufs[i] = pc__data(pc, items[i].slot);
        pc_io_run_t *last = nruns ? &runs[nruns - 1] : NULL;
        if (last && last->index + last->npages == items[i].index &&
            last->npages < PC_IO_MAX_RUN) {
            last->npages++;
            continue;
        }
        runs[nruns++] = (pc_io_run_t){.index = items[i].index, .npages = 1, .pages = &bufs[i]};
    }
    return nruns;
}

/* Marks the batch done: clears PG_WRITEBACK, records errors and the new
 * size on disk, wakes waiters. Caller holds the lock. */
static void wb_complete(pc_cache_t *pc, wb_item_t *items, const pc_io_run_t *runs,
                        size_t nruns)
{
    size_t i = 0;
    for (size_t r = 0; r < nruns; r++) {
        if (runs[r].res < 0)
            pc_errseq_set(&pc->wb_err, runs[r].res);
        uint64_t end = (runs[r].index + runs[r].npages) * PC_PAGE_SIZE;
        if (runs[r].res == 0 && end > pc->disk_size)
            pc->disk_size = end;
        for (uint32_t p = 0; p < runs[r].npages; p++, i++) {
            pc->pages[items[i].slot].flags &= ~PG_WRITEBACK;
            pc->st.nr_writeback--;
            pc->st.pages_written++;
        }
    }
    pthread_cond_broadcast(&pc->wb_done);
}

/* Writes the n picked pages and waits; items has room for PC_WB_FILL
 * more. Drops the lock during the I/O. Returns 0 or -ENOMEM (the pages
 * are then dirty again). */
static int wb_submit(pc_cache_t *pc, wb_item_t *items, size_t n)
{
    qsort(items, n, sizeof(*items), wb_item_cmp);
    n = wb_fill_gaps(pc, items, n);
    pc_io_run_t *runs = malloc(n * sizeof(*runs));
    void **bufs = malloc(n * sizeof(*bufs));
    if (!runs || !bufs) {
        free(runs);
        free(bufs);
        /* Put everything back as it was, gap pages dirty too: harmless. */
        for (size_t i = 0; i < n; i++) {
            pc->pages[items[i].slot].flags &= ~PG_WRITEBACK;
            pc->st.nr_writeback--;
            pc__mark_dirty(pc, items[i].slot, pc__now(pc));
        }
        pthread_cond_broadcast(&pc->wb_done);
        return -ENOMEM;
    }
    size_t nruns = wb_build_runs(pc, items, n, runs, bufs);
    pthread_mutex_unlock(&pc->lock);
    int rc = pc_io_write_runs(pc->io, runs, nruns);
    pthread_mutex_lock(&pc->lock);
    for (size_t r = 0; rc < 0 && r < nruns; r++)
        if (runs[r].res == 0)
            runs[r].res = rc;   /* the batch never went out */
    wb_complete(pc, items, runs, nruns);
    free(runs);
    free(bufs);
    return 0;
}

int pc__writeback(pc_cache_t *pc, pc_wb_reason_t reason, uint64_t now)
{
    wb_item_t *items = malloc((PC_WB_BATCH + PC_WB_FILL) * sizeof(*items));
    if (!items)
        return -ENOMEM;
    int rc = 0;
    for (bool first = true;; first = false) {
        size_t quota = wb_quota(pc, reason);
        quota = quota < PC_WB_BATCH ? quota : PC_WB_BATCH;
        size_t n = quota ? wb_pick(pc, reason, now, items, quota) : 0;
        if (n == 0) {
            /* Nothing left to pick, or all of it is in flight already: a
             * writer or an allocator must wait for that I/O to finish (it
             * is the only way room can appear); the flusher is done. */
            if (first && (reason == PC_WB_THROTTLE || reason == PC_WB_RECLAIM))
                rc = -EAGAIN;
            break;
        }
        rc = wb_submit(pc, items, n);
        if (rc < 0 || reason == PC_WB_RECLAIM)
            break;   /* one reclaim batch frees enough to go on */
    }
    free(items);
    return rc;
}

/* ---- fsync ------------------------------------------------------------- */

/* Picks up to max tagged pages that are dirty and idle; untags clean idle
 * ones. Sets *waiting if a tagged page is in flight. Caller holds lock. */
static size_t sync_pick(pc_cache_t *pc, wb_item_t *items, size_t max, bool *waiting)
{
    size_t n = 0;
    *waiting = false;
    for (size_t s = 0; s < pc->next_unused; s++) {
        pc_page_t *pg = &pc->pages[s];
        if (!(pg->flags & PG_TOWRITE))
            continue;
        if (pg->flags & PG_WRITEBACK) {
            *waiting = true;
        } else if (!(pg->flags & PG_DIRTY)) {
            pg->flags &= ~PG_TOWRITE;
        } else if (n < max) {
            pg->flags &= ~PG_TOWRITE;
            wb_take(pc, (int32_t)s, &items[n++]);
        }
    }
    return n;
}

/* Brings the size on disk to the cache's size (whole-page writes may
 * have overshot it), then syncs. Returns 0 or -errno. Caller holds lock
 * and sync_lock; lock is dropped during the sync. */
static int sync_finish(pc_cache_t *pc)
{
    int rc = 0;
    if (pc->disk_size != pc->i_size) {
        rc = pc_io_set_size(pc->io, pc->i_size);
        if (rc == 0)
            pc->disk_size = pc->i_size;
    }
    if (rc == 0) {
        /* Writers need not wait for the disk's cache flush; sync_lock
         * keeps other fsyncs out meanwhile. */
        pthread_mutex_unlock(&pc->lock);
        rc = pc_io_sync(pc->io);
        pthread_mutex_lock(&pc->lock);
    }
    if (rc < 0)
        pc_errseq_set(&pc->wb_err, rc);
    return rc;
}

int pc__sync(pc_cache_t *pc)
{
    wb_item_t *items = malloc((PC_WB_BATCH + PC_WB_FILL) * sizeof(*items));
    if (!items)
        return -ENOMEM;
    /* Tag first: only what exists now is this fsync's business. */
    for (size_t s = 0; s < pc->next_unused; s++)
        if (pc->pages[s].flags & (PG_DIRTY | PG_WRITEBACK))
            pc->pages[s].flags |= PG_TOWRITE;
    int rc = 0;
    for (;;) {
        bool waiting;
        size_t n = sync_pick(pc, items, PC_WB_BATCH, &waiting);
        if (n > 0)
            rc = wb_submit(pc, items, n);
        else if (waiting)
            pthread_cond_wait(&pc->wb_done, &pc->lock);
        else
            break;
        if (rc < 0)
            break;
    }
    free(items);
    return rc < 0 ? rc : sync_finish(pc);
}

int pc_fsync(pc_handle_t *h)
{
    if (!h)
        return -EINVAL;
    pc_cache_t *pc = h->pc;
    pthread_mutex_lock(&pc->sync_lock);
    pthread_mutex_lock(&pc->lock);
    int rc = -EBADF;
    if (!h->closed) {
        rc = pc__sync(pc);
        /* The errseq rule: report what this handle has not seen yet, be it
         * from this sync or from any writeback since its last fsync. */
        int err = pc_errseq_check_and_advance(&pc->wb_err, &h->wb_err);
        rc = err ? err : rc;
    }
    pthread_mutex_unlock(&pc->lock);
    pthread_mutex_unlock(&pc->sync_lock);
    return rc;
}

/* ---- the flusher ------------------------------------------------------- */

int pc_tick(pc_cache_t *pc, uint64_t now_ms)
{
    if (!pc)
        return -EINVAL;
    pthread_mutex_lock(&pc->lock);
    int rc = 0;
    if (pc->bg_kick || pc->st.nr_dirty > pc->background_thresh) {
        pc->bg_kick = false;
        rc = pc__writeback(pc, PC_WB_BACKGROUND, now_ms);
    }
    if (rc == 0 && now_ms >= pc->last_flush_ms + pc->cfg.writeback_interval_ms) {
        pc->last_flush_ms = now_ms;
        rc = pc__writeback(pc, PC_WB_EXPIRED, now_ms);
    }
    pthread_mutex_unlock(&pc->lock);
    return rc;
}

/* Sleeps on pc->kick until a writer kicks or the next periodic run is
 * due (real time, CLOCK_MONOTONIC). Caller holds the lock. */
static void flusher_sleep(pc_cache_t *pc)
{
    uint64_t now = pc__now(pc), due = pc->last_flush_ms + pc->cfg.writeback_interval_ms;
    if (pc->bg_kick || now >= due)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t ns = (uint64_t)ts.tv_nsec + (due - now) * 1000000ull;
    ts.tv_sec += (time_t)(ns / 1000000000ull);
    ts.tv_nsec = (long)(ns % 1000000000ull);
    pthread_cond_timedwait(&pc->kick, &pc->lock, &ts);
}

/* The real-mode flusher: sleep, tick, until pc__flusher_stop. */
static void *flusher_main(void *arg)
{
    pc_cache_t *pc = arg;
    pthread_mutex_lock(&pc->lock);
    while (!pc->stopping) {
        flusher_sleep(pc);
        if (pc->stopping)
            break;
        pthread_mutex_unlock(&pc->lock);
        pc_tick(pc, pc__now(pc));   /* errors reach fsync through wb_err */
        pthread_mutex_lock(&pc->lock);
    }
    pthread_mutex_unlock(&pc->lock);
    return NULL;
}

int pc__flusher_start(pc_cache_t *pc)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_destroy(&pc->kick);
    pthread_cond_init(&pc->kick, &attr);
    pthread_condattr_destroy(&attr);
    int rc = pthread_create(&pc->thread, NULL, flusher_main, pc);
    if (rc != 0)
        return -rc;
    pc->thread_on = true;
    return 0;
}

void pc__flusher_stop(pc_cache_t *pc)
{
    pthread_mutex_lock(&pc->lock);
    bool on = pc->thread_on;
    pc->stopping = true;
    pthread_cond_signal(&pc->kick);
    pthread_mutex_unlock(&pc->lock);
    if (on)
        pthread_join(pc->thread, NULL);
    pc->thread_on = false;
}

#else /* the candidate's version starts here */

int pc_fsync(pc_handle_t *h)
{
    (void)h;
    return -ENOSYS;
}

int pc_tick(pc_cache_t *pc, uint64_t now_ms)
{
    (void)pc;
    (void)now_ms;
    return -ENOSYS;
}

#endif
