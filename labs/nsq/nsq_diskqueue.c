/*
 * nsq_diskqueue.c — go-diskqueue on our disks: records of a 4-byte
 * big-endian length and the body in numbered files, a metadata file that
 * says where reading and writing stand, syncs by count and by time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsq_internal.h"

#if LAB_SOLUTION

static void data_file(const nsq_dq_t *q, int64_t n, char *out, size_t len)
{
    snprintf(out, len, "%s.diskqueue.%06" PRId64 ".dat", q->name, n);
}

static void meta_file(const nsq_dq_t *q, char *out, size_t len)
{
    snprintf(out, len, "%s.diskqueue.meta.dat", q->name);
}

int nsq_dq_sync(nsq_dq_t *q)
{
    char f[256];
    data_file(q, q->write_file, f, sizeof f);
    if (q->write_pos > 0 || nsq_disk_size(q->disk, f) >= 0) {
        int r = nsq_disk_fsync(q->disk, f);
        if (r && r != -ENOENT)
            return r;
    }
    char meta[128];
    int n = snprintf(meta, sizeof meta,
                     "%" PRId64 "\n%" PRId64 ",%" PRId64 "\n%" PRId64 ",%" PRId64 "\n", q->depth,
                     q->read_file, q->read_pos, q->write_file, q->write_pos);
    meta_file(q, f, sizeof f);
    int r = nsq_disk_replace(q->disk, f, meta, (size_t)n);
    if (!r)
        q->count = 0;
    return r;
}

static int counted(nsq_dq_t *q, bool force)
{
    q->count++;
    if (force || q->count >= q->cfg.sync_every)
        return nsq_dq_sync(q);
    return 0;
}

static void sync_loop(void *arg)
{
    nsq_dq_t *q = arg;
    for (;;) {
        chan_case_t cs[2] = {{.ch = timer_chan(q->ticker), .dir = CHAN_RECV},
                             {.ch = q->quit, .dir = CHAN_RECV}};
        int i = chan_select(cs, 2, false);
        if (i != 0)
            return;
        if (q->count > 0)
            nsq_dq_sync(q);
    }
}

static int load_meta(nsq_dq_t *q)
{
    char f[256], meta[128];
    meta_file(q, f, sizeof f);
    ssize_t n = nsq_disk_read(q->disk, f, 0, meta, sizeof meta - 1);
    if (n == -ENOENT)
        return 0;
    if (n < 0)
        return (int)n;
    meta[n] = 0;
    if (sscanf(meta, "%" SCNd64 "\n%" SCNd64 ",%" SCNd64 "\n%" SCNd64 ",%" SCNd64, &q->depth,
               &q->read_file, &q->read_pos, &q->write_file, &q->write_pos) != 5)
        return -EINVAL;
    /* bytes past the recorded write position were never acknowledged by a
     * sync: go-diskqueue leaves that file and writes on in the next one */
    data_file(q, q->write_file, f, sizeof f);
    int64_t size = nsq_disk_size(q->disk, f);
    if (size > q->write_pos) {
        q->write_file++;
        q->write_pos = 0;
    }
    return 0;
}

int nsq_dq_open(nsq_disk_t *disk, const nsq_dq_config_t *cfg, nsq_dq_t **out)
{
    if (!disk || !cfg || !cfg->name || !*cfg->name || strlen(cfg->name) >= 200)
        return -EINVAL;
    nsq_dq_t *q = calloc(1, sizeof *q);
    if (!q)
        return -ENOMEM;
    q->disk = disk;
    q->cfg = *cfg;
    strcpy(q->name, cfg->name);
    q->cfg.name = q->name;
    if (!q->cfg.max_bytes_per_file)
        q->cfg.max_bytes_per_file = 100 << 20;
    if (!q->cfg.max_msg_size)
        q->cfg.max_msg_size = (1 << 20) + NSQ_MSG_HEADER_LEN;
    if (!q->cfg.sync_every)
        q->cfg.sync_every = 2500;
    if (!q->cfg.sync_timeout)
        q->cfg.sync_timeout = 2 * CLOCK_S;
    int r = load_meta(q);
    if (!r)
        r = ticker_new(q->cfg.sync_timeout, &q->ticker);
    if (!r)
        r = chan_make(1, 1, &q->quit);
    if (!r)
        r = task_spawn(sync_loop, q, &q->task);
    if (r) {
        nsq_dq_discard(q);
        return r;
    }
    *out = q;
    return 0;
}

int nsq__dq_put2(nsq_dq_t *q, const void *h, size_t hlen, const void *body, size_t len)
{
    size_t n = hlen + len;
    if ((int64_t)n < q->cfg.min_msg_size || (int64_t)n > q->cfg.max_msg_size)
        return -EINVAL;
    int64_t total = 4 + (int64_t)n;
    nsq_wbuf_t *wb = malloc(sizeof *wb + (size_t)total);
    if (!wb)
        return -ENOMEM;
    nsq__put32(wb->data, (uint32_t)n);
    if (hlen)
        memcpy(wb->data + 4, h, hlen);
    if (len)
        memcpy(wb->data + 4 + hlen, body, len);
    wb->next = q->writing;
    q->writing = wb;
    char f[256];
    int r = 0;
    bool rotated = false;
    if (q->write_pos > 0 && q->write_pos + total > q->cfg.max_bytes_per_file) {
        /* the file is full: sync it, then write on in the next */
        q->write_file++;
        q->write_pos = 0;
        data_file(q, q->write_file - 1, f, sizeof f);
        r = nsq_disk_fsync(q->disk, f);
        rotated = true;
    }
    if (!r) {
        data_file(q, q->write_file, f, sizeof f);
        r = nsq_disk_append(q->disk, f, wb->data, (size_t)total);
    }
    for (nsq_wbuf_t **pp = &q->writing; *pp; pp = &(*pp)->next)
        if (*pp == wb) {
            *pp = wb->next;
            break;
        }
    free(wb);
    if (r)
        return r;
    q->write_pos += total;
    q->depth++;
    return counted(q, rotated);
}

int nsq_dq_put(nsq_dq_t *q, const void *body, size_t len)
{
    return nsq__dq_put2(q, NULL, 0, body, len);
}

int nsq_dq_peek(nsq_dq_t *q, const void **body, size_t *len)
{
    if (q->peeked) {
        *body = q->buf;
        *len = q->buf_len;
        return 0;
    }
    if (q->read_file == q->write_file && q->read_pos >= q->write_pos)
        return -EAGAIN;
    char f[256];
    data_file(q, q->read_file, f, sizeof f);
    if (q->read_file < q->write_file) {
        int64_t size = nsq_disk_size(q->disk, f);
        q->read_file_end = size < 0 ? 0 : size;
        if (q->read_pos >= q->read_file_end) { /* nothing left in it: the next file */
            nsq_disk_remove(q->disk, f);
            q->read_file++;
            q->read_pos = 0;
            return nsq_dq_peek(q, body, len);
        }
    }
    uint8_t hdr[4];
    ssize_t n = nsq_disk_read(q->disk, f, (uint64_t)q->read_pos, hdr, 4);
    if (n < 0)
        return (int)n;
    if (n < 4)
        return -EIO;
    uint32_t size = nsq__get32(hdr);
    if ((int64_t)size < q->cfg.min_msg_size || (int64_t)size > q->cfg.max_msg_size)
        return -EIO;
    if (size > q->buf_cap) {
        uint8_t *b = realloc(q->buf, size);
        if (!b)
            return -ENOMEM;
        q->buf = b;
        q->buf_cap = size;
    }
    n = size ? nsq_disk_read(q->disk, f, (uint64_t)q->read_pos + 4, q->buf, size) : 0;
    if (n < 0)
        return (int)n;
    if ((uint32_t)n < size)
        return -EIO;
    q->buf_len = size;
    q->next_file = q->read_file;
    q->next_pos = q->read_pos + 4 + size;
    if (q->read_file < q->write_file && q->next_pos >= q->read_file_end) {
        q->next_file++;
        q->next_pos = 0;
    }
    q->peeked = true;
    *body = q->buf;
    *len = q->buf_len;
    return 0;
}

int nsq_dq_next(nsq_dq_t *q)
{
    if (!q->peeked)
        return -EAGAIN;
    q->peeked = false;
    int64_t old = q->read_file;
    q->read_file = q->next_file;
    q->read_pos = q->next_pos;
    q->depth--;
    bool moved = old != q->read_file;
    if (moved) {
        char f[256];
        data_file(q, old, f, sizeof f);
        nsq_disk_remove(q->disk, f);
    }
    return counted(q, moved);
}

int64_t nsq_dq_depth(const nsq_dq_t *q)
{
    return q->depth;
}

void nsq_dq_close(nsq_dq_t *q)
{
    if (!q)
        return;
    nsq_dq_sync(q);
    chan_try_send(q->quit, NULL);
    task_join(q->task);
    nsq_dq_discard(q);
}

void nsq_dq_discard(nsq_dq_t *q)
{
    if (!q)
        return;
    if (q->ticker) {
        timer_stop(q->ticker);
        timer_free(q->ticker);
    }
    chan_free(q->quit);
    while (q->writing) {
        nsq_wbuf_t *wb = q->writing;
        q->writing = wb->next;
        free(wb);
    }
    free(q->buf);
    free(q);
}

#else

int nsq_dq_open(nsq_disk_t *disk, const nsq_dq_config_t *cfg, nsq_dq_t **out)
{
    (void)disk, (void)cfg, (void)out;
    return -ENOSYS;
}
int nsq_dq_put(nsq_dq_t *q, const void *body, size_t len)
{
    (void)q, (void)body, (void)len;
    return -ENOSYS;
}
int nsq_dq_peek(nsq_dq_t *q, const void **body, size_t *len)
{
    (void)q, (void)body, (void)len;
    return -ENOSYS;
}
int nsq_dq_next(nsq_dq_t *q)
{
    (void)q;
    return -ENOSYS;
}
int64_t nsq_dq_depth(const nsq_dq_t *q)
{
    (void)q;
    return -ENOSYS;
}
int nsq_dq_sync(nsq_dq_t *q)
{
    (void)q;
    return -ENOSYS;
}
void nsq_dq_close(nsq_dq_t *q)
{
    (void)q;
}
void nsq_dq_discard(nsq_dq_t *q)
{
    (void)q;
}

#endif
