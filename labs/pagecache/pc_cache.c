/*
 * pc_cache.c — the cache itself: open and close, handles, finding a page
 * by its number, making room by evicting clean pages, and the dirty list.
 *
 * Lookup is a hash table from page number to slot (the kernel uses the
 * xarray of the address_space; a hash is the same idea in fewer lines).
 * A missing page gets a slot that has never been used, or else one the
 * clock hand evicts: the hand sweeps the slots, gives a page that was used
 * since the last sweep a second chance, and never takes a dirty page or
 * one in flight. If every page is dirty, the allocating thread writes some
 * back first — memory pressure is one of the times writeback happens.
 *
 * Interface: pc_cache_open → pc_open … pc__page_get / pc__mark_dirty …
 * pc_close → pc_cache_close.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "pc_internal.h"

#if LAB_SOLUTION

/* ---- configuration ----------------------------------------------------- */

/* Returns 0 if cfg is usable, else -EINVAL. */
static int cache_check_config(const pc_config_t *cfg)
{
    if (cfg->capacity_pages == 0 || cfg->capacity_pages > (1u << 30))
        return -EINVAL;
    if (!(cfg->background_ratio > 0 && cfg->background_ratio <= cfg->dirty_ratio &&
          cfg->dirty_ratio <= 1.0))
        return -EINVAL;
    if (cfg->writeback_interval_ms == 0)
        return -EINVAL;
    return 0;
}

/* Turns the ratios into page counts; each limit is at least one page. */
static void cache_set_thresholds(pc_cache_t *pc)
{
    size_t bg = (size_t)((double)pc->capacity * pc->cfg.background_ratio);
    size_t hard = (size_t)((double)pc->capacity * pc->cfg.dirty_ratio);
    pc->dirty_thresh = hard ? hard : 1;
    pc->background_thresh = bg ? bg : 1;
    if (pc->background_thresh > pc->dirty_thresh)
        pc->background_thresh = pc->dirty_thresh;
    /* Like the kernel's freerun ceiling: halfway between the two limits. */
    pc->setpoint = (pc->background_thresh + pc->dirty_thresh) / 2;
    pc->st.background_thresh = pc->background_thresh;
    pc->st.dirty_thresh = pc->dirty_thresh;
}

/* ---- open / close ------------------------------------------------------ */

/* Allocates the slots, the arena and the hash table. Returns 0 or -ENOMEM. */
static int cache_alloc(pc_cache_t *pc)
{
    size_t bytes = pc->capacity * PC_PAGE_SIZE;
    /* Untouched pages cost nothing until first written. */
    void *arena = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (arena == MAP_FAILED)
        return -ENOMEM;
    /* A database buffer pool takes its memory up front; so can we, and
     * then the first write to a page does not pay for a page fault. Huge
     * pages then mean fewer TLB misses (faulting them in one by one would
     * cost more than small pages: each is zeroed and may need compaction). */
    if (pc->cfg.prefault) {
        madvise(arena, bytes, MADV_HUGEPAGE);
        if (madvise(arena, bytes, MADV_POPULATE_WRITE) != 0)
            for (size_t off = 0; off < bytes; off += PC_PAGE_SIZE)
                ((volatile char *)arena)[off] = 0;
    }
    pc->arena = arena;
    uint64_t buckets = 1;
    while (buckets < 2 * pc->capacity)
        buckets <<= 1;
    pc->hash_mask = buckets - 1;
    pc->hash = calloc(buckets, sizeof(*pc->hash));
    pc->pages = calloc(pc->capacity, sizeof(*pc->pages));
    return pc->hash && pc->pages ? 0 : -ENOMEM;
}

/* Frees what cache_alloc and pc_cache_open made. Can't fail. */
static void cache_free(pc_cache_t *pc)
{
    for (pc_handle_t *h = pc->handles, *next; h; h = next) {
        next = h->next;
        free(h);
    }
    if (pc->arena)
        munmap(pc->arena, pc->capacity * PC_PAGE_SIZE);
    free(pc->hash);
    free(pc->pages);
    pthread_cond_destroy(&pc->kick);
    pthread_cond_destroy(&pc->wb_done);
    pthread_mutex_destroy(&pc->sync_lock);
    pthread_mutex_destroy(&pc->lock);
    free(pc);
}

int pc_cache_open(const char *path, const pc_config_t *cfg, pc_cache_t **out)
{
    pc_config_t defaults = PC_CONFIG_INIT;
    cfg = cfg ? cfg : &defaults;
    if (!path || !out || cache_check_config(cfg) < 0)
        return -EINVAL;
    pc_cache_t *pc = calloc(1, sizeof(*pc));
    if (!pc)
        return -ENOMEM;
    pc->cfg = *cfg;
    pc->capacity = cfg->capacity_pages;
    pc->dirty_head = pc->dirty_tail = PC_NONE;
    pthread_mutex_init(&pc->lock, NULL);
    pthread_mutex_init(&pc->sync_lock, NULL);
    pthread_cond_init(&pc->wb_done, NULL);
    pthread_cond_init(&pc->kick, NULL);
    cache_set_thresholds(pc);
    int rc = cache_alloc(pc);
    if (rc == 0)
        rc = pc_io_open(path, cfg->fault, cfg->fault_arg, &pc->io);
    if (rc == 0)
        rc = pc_io_size(pc->io, &pc->disk_size);
    if (rc == 0) {
        pc->i_size = pc->disk_size;
        pc->st.io_uring = pc_io_uses_uring(pc->io);
        pc->st.direct_io = pc_io_is_direct(pc->io);
        pc->last_flush_ms = pc__now(pc);
        if (cfg->flusher_thread)   /* last: it reads everything above */
            rc = pc__flusher_start(pc);
    }
    if (rc < 0) {
        pc_io_close(pc->io);
        cache_free(pc);
        return rc;
    }
    *out = pc;
    return 0;
}

int pc_cache_close(pc_cache_t *pc)
{
    if (!pc)
        return -EINVAL;
    pc__flusher_stop(pc);
    pthread_mutex_lock(&pc->sync_lock);
    pthread_mutex_lock(&pc->lock);
    /* Report only errors that happen while closing: earlier ones belonged
     * to the handles' fsyncs. */
    pc_errseq_t since = pc->wb_err;
    int rc = pc__sync(pc);
    int err = pc_errseq_check_and_advance(&pc->wb_err, &since);
    pthread_mutex_unlock(&pc->lock);
    pthread_mutex_unlock(&pc->sync_lock);
    int crc = pc_io_close(pc->io);
    cache_free(pc);
    return err ? err : rc ? rc : crc;
}

/* ---- handles ----------------------------------------------------------- */

int pc_open(pc_cache_t *pc, pc_handle_t **out)
{
    if (!pc || !out)
        return -EINVAL;
    pc_handle_t *h = calloc(1, sizeof(*h));
    if (!h)
        return -ENOMEM;
    h->pc = pc;
    pthread_mutex_lock(&pc->lock);
    h->wb_err = pc_errseq_sample(&pc->wb_err);
    h->next = pc->handles;
    pc->handles = h;
    pthread_mutex_unlock(&pc->lock);
    *out = h;
    return 0;
}

int pc_close(pc_handle_t *h)
{
    if (!h)
        return -EINVAL;
    pthread_mutex_lock(&h->pc->lock);
    int rc = h->closed ? -EBADF : 0;
    h->closed = true;
    pthread_mutex_unlock(&h->pc->lock);
    return rc;
}

/* ---- stats and clock --------------------------------------------------- */

int pc_cache_stats(pc_cache_t *pc, pc_stats_t *out)
{
    if (!pc || !out)
        return -EINVAL;
    pthread_mutex_lock(&pc->lock);
    *out = pc->st;
    pthread_mutex_unlock(&pc->lock);
    return 0;
}

int pc_cache_size(pc_cache_t *pc, uint64_t *out)
{
    if (!pc || !out)
        return -EINVAL;
    pthread_mutex_lock(&pc->lock);
    *out = pc->i_size;
    pthread_mutex_unlock(&pc->lock);
    return 0;
}

uint64_t pc__now(pc_cache_t *pc)
{
    if (pc->cfg.clock)
        return pc->cfg.clock(pc->cfg.clock_arg);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- lookup ------------------------------------------------------------ */

/* The bucket of a page number (Fibonacci hashing: sequential page
 * numbers spread over the table). */
static uint32_t *cache_bucket(pc_cache_t *pc, uint64_t index)
{
    return &pc->hash[(index * 0x9E3779B97F4A7C15ull >> 20) & pc->hash_mask];
}

int32_t pc__lookup(pc_cache_t *pc, uint64_t index)
{
    for (int32_t s = (int32_t)*cache_bucket(pc, index) - 1; s != PC_NONE;
         s = pc->pages[s].hnext)
        if (pc->pages[s].index == index)
            return s;
    return PC_NONE;
}

/* Links slot into the hash under its index. Caller holds lock. */
static void cache_hash_insert(pc_cache_t *pc, int32_t slot)
{
    uint32_t *b = cache_bucket(pc, pc->pages[slot].index);
    pc->pages[slot].hnext = (int32_t)*b - 1;
    *b = (uint32_t)slot + 1;
}

/* Unlinks slot from the hash. Caller holds lock. */
static void cache_hash_remove(pc_cache_t *pc, int32_t slot)
{
    uint32_t *b = cache_bucket(pc, pc->pages[slot].index);
    if ((int32_t)*b - 1 == slot) {
        *b = (uint32_t)(pc->pages[slot].hnext + 1);
        return;
    }
    for (int32_t s = (int32_t)*b - 1; s != PC_NONE; s = pc->pages[s].hnext)
        if (pc->pages[s].hnext == slot) {
            pc->pages[s].hnext = pc->pages[slot].hnext;
            return;
        }
}

/* ---- making room ------------------------------------------------------- */

/* One sweep-and-a-half of the clock: the first clean page not referenced
 * since the last pass is evicted. Returns its slot or PC_NONE. */
static int32_t cache_evict_one(pc_cache_t *pc)
{
    for (size_t step = 0; step < 2 * pc->capacity; step++) {
        int32_t s = (int32_t)(pc->clock_hand++ % pc->capacity);
        pc_page_t *pg = &pc->pages[s];
        if (!(pg->flags & PG_USED))
            return s;   /* left free by a failed read */
        /* Dirty data exists nowhere else; in-flight data is being read by
         * the device. Neither may go. */
        if (pg->flags & (PG_DIRTY | PG_WRITEBACK))
            continue;
        if (pg->flags & PG_REFERENCED) {
            pg->flags &= ~PG_REFERENCED;
            continue;
        }
        cache_hash_remove(pc, s);
        pg->flags = 0;
        pc->st.evictions++;
        pc->st.nr_cached--;
        return s;
    }
    return PC_NONE;
}

/* A free slot, or PC_NONE if every page is dirty or in flight. */
static int32_t cache_alloc_slot(pc_cache_t *pc)
{
    if (pc->next_unused < pc->capacity)
        return (int32_t)pc->next_unused++;
    return cache_evict_one(pc);
}

/* Nothing clean to evict: write some back, or wait for writeback someone
 * else started. Drops the lock. Returns 0 or -errno. */
static int cache_make_room(pc_cache_t *pc)
{
    int rc = pc__writeback(pc, PC_WB_RECLAIM, pc__now(pc));
    if (rc == -EAGAIN) {
        pthread_cond_wait(&pc->wb_done, &pc->lock);
        rc = 0;
    }
    return rc;
}

/* Fills a new page from disk, or with zeros past the end of the file. */
static int cache_fill(pc_cache_t *pc, int32_t slot, uint64_t index, bool fill)
{
    char *data = pc__data(pc, slot);
    if (!fill || index * PC_PAGE_SIZE >= pc->disk_size) {
        memset(data, 0, PC_PAGE_SIZE);
        return 0;
    }
    /* Read under the lock: simple, and only misses pay for it. */
    int rc = pc_io_read_page(pc->io, index, data);
    if (rc == 0)
        pc->st.pages_read++;
    return rc;
}

int pc__page_get(pc_cache_t *pc, uint64_t index, bool fill, int32_t *slot)
{
    int32_t s = pc__lookup(pc, index);
    if (s == PC_NONE) {
        s = cache_alloc_slot(pc);
        if (s == PC_NONE) {
            int rc = cache_make_room(pc);
            return rc < 0 ? rc : -EAGAIN;
        }
        int rc = cache_fill(pc, s, index, fill);
        if (rc < 0) {
            pc->pages[s].flags = 0;   /* the clock hand will find it free */
            return rc;
        }
        pc->pages[s] = (pc_page_t){.index = index, .flags = PG_USED,
                                   .dprev = PC_NONE, .dnext = PC_NONE};
        cache_hash_insert(pc, s);
        pc->st.nr_cached++;
    }
    pc->pages[s].flags |= PG_REFERENCED;
    *slot = s;
    return 0;
}

/* ---- the dirty list ---------------------------------------------------- */

void pc__mark_dirty(pc_cache_t *pc, int32_t slot, uint64_t now)
{
    pc_page_t *pg = &pc->pages[slot];
    if (pg->flags & PG_DIRTY)
        return;   /* keeps its first dirty time, as the kernel does */
    pg->flags |= PG_DIRTY;
    pg->dirtied_ms = now;
    pg->dnext = PC_NONE;
    pg->dprev = pc->dirty_tail;
    if (pc->dirty_tail != PC_NONE)
        pc->pages[pc->dirty_tail].dnext = slot;
    else
        pc->dirty_head = slot;
    pc->dirty_tail = slot;
    if (++pc->st.nr_dirty > pc->st.max_dirty)
        pc->st.max_dirty = pc->st.nr_dirty;
}

void pc__dirty_unlink(pc_cache_t *pc, int32_t slot)
{
    pc_page_t *pg = &pc->pages[slot];
    if (!(pg->flags & PG_DIRTY))
        return;
    if (pg->dprev != PC_NONE)
        pc->pages[pg->dprev].dnext = pg->dnext;
    else
        pc->dirty_head = pg->dnext;
    if (pg->dnext != PC_NONE)
        pc->pages[pg->dnext].dprev = pg->dprev;
    else
        pc->dirty_tail = pg->dprev;
    pg->flags &= ~PG_DIRTY;
    pg->dprev = pg->dnext = PC_NONE;
    pc->st.nr_dirty--;
}

#else /* the candidate's version starts here */

int pc_cache_open(const char *path, const pc_config_t *cfg, pc_cache_t **out)
{
    (void)path;
    (void)cfg;
    (void)out;
    return -ENOSYS;
}

int pc_cache_close(pc_cache_t *pc)
{
    (void)pc;
    return -ENOSYS;
}

int pc_open(pc_cache_t *pc, pc_handle_t **out)
{
    (void)pc;
    (void)out;
    return -ENOSYS;
}

int pc_close(pc_handle_t *h)
{
    (void)h;
    return -ENOSYS;
}

int pc_cache_stats(pc_cache_t *pc, pc_stats_t *out)
{
    (void)pc;
    (void)out;
    return -ENOSYS;
}

int pc_cache_size(pc_cache_t *pc, uint64_t *out)
{
    (void)pc;
    (void)out;
    return -ENOSYS;
}

#endif
