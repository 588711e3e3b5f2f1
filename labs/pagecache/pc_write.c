/*
 * pc_write.c — the write path and the read path.
 *
 * A write walks the pages it covers, one at a time, the way the kernel's
 * generic_perform_write does: (1) balance — if this page would be one
 * dirty page too many, the writer first writes back older pages itself
 * until the count is down to the setpoint (it is paced by the disk and
 * never passes the hard limit); (2) find or create the page — a partial
 * write to a page the disk has must read it first, or the bytes around
 * the write would become zeros; a whole-page write needs no read; (3) copy;
 * (4) mark dirty. After the loop, crossing the background threshold wakes
 * the flusher; the writer does not wait for it.
 *
 * Modern Linux throttles without making the writer do I/O (it sleeps the
 * writer for a computed pause while the flusher writes); writing back in
 * the writer's own thread is the older scheme and keeps this cache
 * deterministic: what the tests see does not depend on thread timing.
 *
 * Interface: pc_pwrite / pc_pread; pc__balance_dirty_pages for the flusher.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "pc_internal.h"

#if LAB_SOLUTION

/* Returns 0 if the handle can be used and the range is sane, else
 * -EBADF / -EINVAL. Caller holds the lock. */
static int write_check(const pc_handle_t *h, size_t len, off_t off)
{
    if (h->closed)
        return -EBADF;
    if (off < 0 || len > SSIZE_MAX || (uint64_t)off + len > (uint64_t)LLONG_MAX)
        return -EINVAL;
    return 0;
}

/* The writer is at the hard limit: write back (or wait for writeback in
 * flight) until the dirty count drops. Drops the lock. Returns 0 or -errno. */
static int write_throttle(pc_cache_t *pc)
{
    pc->st.throttled++;
    int rc = pc__writeback(pc, PC_WB_THROTTLE, pc__now(pc));
    if (rc == -EAGAIN) {
        pthread_cond_wait(&pc->wb_done, &pc->lock);
        rc = 0;
    }
    return rc;
}

/* Copies n bytes into page index at pofs and dirties it. Returns 0 or
 * -errno. Caller holds the lock; it may be dropped and retaken. */
static int write_one_page(pc_cache_t *pc, uint64_t index, size_t pofs,
                          const char *src, size_t n)
{
    int32_t slot;
    for (;;) {
        slot = pc__lookup(pc, index);
        bool turns_dirty = slot == PC_NONE || !(pc->pages[slot].flags & PG_DIRTY);
        if (turns_dirty && pc->st.nr_dirty >= pc->dirty_thresh) {
            int rc = write_throttle(pc);
            if (rc < 0)
                return rc;
            continue;   /* the lock was dropped: look again */
        }
        bool whole = pofs == 0 && n == PC_PAGE_SIZE;
        int rc = pc__page_get(pc, index, !whole, &slot);
        if (rc == -EAGAIN)
            continue;
        if (rc < 0)
            return rc;
        break;
    }
    memcpy(pc__data(pc, slot) + pofs, src, n);
    pc__mark_dirty(pc, slot, pc__now(pc));
    return 0;
}

ssize_t pc_pwrite(pc_handle_t *h, const void *buf, size_t len, off_t off)
{
    if (!h || (!buf && len))
        return -EINVAL;
    pc_cache_t *pc = h->pc;
    pthread_mutex_lock(&pc->lock);
    int rc = write_check(h, len, off);
    size_t done = 0;
    while (rc == 0 && done < len) {
        uint64_t pos = (uint64_t)off + done;
        size_t pofs = pos % PC_PAGE_SIZE;
        size_t n = len - done < PC_PAGE_SIZE - pofs ? len - done : PC_PAGE_SIZE - pofs;
        rc = write_one_page(pc, pos / PC_PAGE_SIZE, pofs, (const char *)buf + done, n);
        if (rc == 0) {
            done += n;
            if (pos + n > pc->i_size)
                pc->i_size = pos + n;
        }
    }
    if (done)
        pc__balance_dirty_pages(pc);
    pthread_mutex_unlock(&pc->lock);
    /* Like write(2): a partial success reports what was written. */
    return done ? (ssize_t)done : rc;
}

void pc__balance_dirty_pages(pc_cache_t *pc)
{
    if (pc->st.nr_dirty > pc->background_thresh && !pc->bg_kick) {
        pc->bg_kick = true;
        if (pc->thread_on)
            pthread_cond_signal(&pc->kick);
    }
}

/* ---- reads ------------------------------------------------------------- */

/* Copies n bytes of page index at pofs into dst. Returns 0 or -errno.
 * Caller holds the lock; it may be dropped and retaken. */
static int read_one_page(pc_cache_t *pc, uint64_t index, size_t pofs, char *dst, size_t n)
{
    int32_t slot;
    int rc;
    do
        rc = pc__page_get(pc, index, true, &slot);
    while (rc == -EAGAIN);
    if (rc == 0)
        memcpy(dst, pc__data(pc, slot) + pofs, n);
    return rc;
}

ssize_t pc_pread(pc_handle_t *h, void *buf, size_t len, off_t off)
{
    if (!h || (!buf && len))
        return -EINVAL;
    pc_cache_t *pc = h->pc;
    pthread_mutex_lock(&pc->lock);
    int rc = write_check(h, len, off);
    size_t done = 0;
    /* The size is read once: a read does not chase a racing append. */
    uint64_t end = rc == 0 && (uint64_t)off < pc->i_size ? pc->i_size : 0;
    if (end && (uint64_t)off + len < end)
        end = (uint64_t)off + len;
    while (rc == 0 && (uint64_t)off + done < end) {
        uint64_t pos = (uint64_t)off + done;
        size_t pofs = pos % PC_PAGE_SIZE;
        size_t n = end - pos < PC_PAGE_SIZE - pofs ? end - pos : PC_PAGE_SIZE - pofs;
        rc = read_one_page(pc, pos / PC_PAGE_SIZE, pofs, (char *)buf + done, n);
        if (rc == 0)
            done += n;
    }
    pthread_mutex_unlock(&pc->lock);
    return done ? (ssize_t)done : rc;
}

#else /* the candidate's version starts here */

ssize_t pc_pwrite(pc_handle_t *h, const void *buf, size_t len, off_t off)
{
    (void)h;
    (void)buf;
    (void)len;
    (void)off;
    return -ENOSYS;
}

ssize_t pc_pread(pc_handle_t *h, void *buf, size_t len, off_t off)
{
    (void)h;
    (void)buf;
    (void)len;
    (void)off;
    return -ENOSYS;
}

#endif
