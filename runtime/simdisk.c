/*
 * simdisk.c — the simulated disk of simnet.h: named files with a volatile
 * image (the page cache: every write lands there) and a durable one (what
 * survives a crash).
 *
 * simdisk_fsync copies a file's volatile image to its durable one; a crash
 * copies every durable image back (and removes files never synced). A torn
 * write records the prefix that would have reached the platter; a crash
 * before the next fsync of that file applies it to the durable image. An
 * injected fsync failure drops the file's unsynced writes, as Linux since
 * 4.13 reports the error once and marks the pages clean.
 *
 * Interface: simdisk_new → simdisk_write / append / read / truncate /
 * fsync → simdisk_crash → simdisk_free (simnet.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/clock.h>
#include <undergo/simnet.h>
#include "rt.h"

typedef struct tear {
    struct tear *next;
    uint64_t off;
    size_t len;
    char data[];
} tear_t;

typedef struct sfile {
    struct sfile *next;
    char *name;
    char *cur, *dur;             /* volatile and durable images */
    size_t cur_len, cur_cap, dur_len;
    bool durable;                /* ever synced: survives a crash */
    tear_t *tears;               /* torn writes since the last fsync */
} sfile_t;

struct simdisk {
    sfile_t *files;
    unsigned fail[3];            /* per simdisk_op_t: next calls failing */
    size_t tear_keep;
    bool tear_next;
    int64_t write_ns, fsync_ns;
};

int simdisk_new(simdisk_t **out) {
    *out = calloc(1, sizeof **out);
    return *out ? 0 : -ENOMEM;
}

static void drop_tears(sfile_t *f) {
    while (f->tears) {
        tear_t *t = f->tears;
        f->tears = t->next;
        free(t);
    }
}

static void file_free(sfile_t *f) {
    drop_tears(f);
    free(f->name);
    free(f->cur);
    free(f->dur);
    free(f);
}

void simdisk_free(simdisk_t *d) {
    if (!d) return;
    while (d->files) {
        sfile_t *f = d->files;
        d->files = f->next;
        file_free(f);
    }
    free(d);
}

static sfile_t *find(simdisk_t *d, const char *name) {
    for (sfile_t *f = d->files; f; f = f->next)
        if (!strcmp(f->name, name)) return f;
    return NULL;
}

static sfile_t *find_or_make(simdisk_t *d, const char *name) {
    sfile_t *f = find(d, name);
    if (f) return f;
    if (!(f = calloc(1, sizeof *f)) || !(f->name = strdup(name))) {
        free(f);
        return NULL;
    }
    f->next = d->files;
    d->files = f;
    return f;
}

/* The volatile image grows to len (zeros in between). 0 or -ENOMEM. */
static int resize(sfile_t *f, size_t len) {
    if (len > f->cur_cap) {
        size_t cap = f->cur_cap ? f->cur_cap : 4096;
        while (cap < len) cap *= 2;
        char *p = realloc(f->cur, cap);
        if (!p) return -ENOMEM;
        f->cur = p, f->cur_cap = cap;
    }
    if (len > f->cur_len) memset(f->cur + f->cur_len, 0, len - f->cur_len);
    f->cur_len = len;
    return 0;
}

/* Takes one injected failure of op, if any. */
static bool failing(simdisk_t *d, simdisk_op_t op) {
    if (!d->fail[op]) return false;
    d->fail[op]--;
    return true;
}

static void take_time(int64_t ns) {
    if (ns > 0 && rt__s.current) clock_sleep(ns);
}

/* Records what of a torn write would survive a crash. */
static int tear(simdisk_t *d, sfile_t *f, uint64_t off, const void *buf, size_t len) {
    d->tear_next = false;
    size_t keep = d->tear_keep < len ? d->tear_keep : len;
    tear_t *t = malloc(sizeof *t + keep);
    if (!t) return -ENOMEM;
    t->off = off, t->len = keep;
    memcpy(t->data, buf, keep);
    t->next = f->tears;
    f->tears = t;
    return 0;
}

int simdisk_write(simdisk_t *d, const char *file, uint64_t off, const void *buf, size_t len) {
    if (!d || !file) return -EINVAL;
    take_time(d->write_ns);
    if (failing(d, SIMDISK_WRITE)) return -EIO;
    sfile_t *f = find_or_make(d, file);
    if (!f || (off + len > f->cur_len && resize(f, off + len))) return -ENOMEM;
    if (len) memcpy(f->cur + off, buf, len);
    return d->tear_next ? tear(d, f, off, buf, len) : 0;
}

int simdisk_append(simdisk_t *d, const char *file, const void *buf, size_t len, uint64_t *off) {
    if (!d || !file) return -EINVAL;
    sfile_t *f = find(d, file);
    uint64_t at = f ? f->cur_len : 0;
    int rc = simdisk_write(d, file, at, buf, len);
    if (rc == 0 && off) *off = at;
    return rc;
}

ssize_t simdisk_read(simdisk_t *d, const char *file, uint64_t off, void *buf, size_t len) {
    sfile_t *f = d && file ? find(d, file) : NULL;
    if (!f) return -ENOENT;
    if (failing(d, SIMDISK_READ)) return -EIO;
    if (off >= f->cur_len) return 0;
    size_t n = f->cur_len - off < len ? f->cur_len - off : len;
    memcpy(buf, f->cur + off, n);
    return (ssize_t)n;
}

int64_t simdisk_size(simdisk_t *d, const char *file) {
    sfile_t *f = d && file ? find(d, file) : NULL;
    return f ? (int64_t)f->cur_len : -ENOENT;
}

int simdisk_truncate(simdisk_t *d, const char *file, uint64_t size) {
    sfile_t *f = d && file ? find(d, file) : NULL;
    if (!f) return -ENOENT;
    return size <= f->cur_len ? (f->cur_len = size, 0) : resize(f, size);
}

/* The volatile image becomes the durable one again. 0 or -ENOMEM. */
static int revert(sfile_t *f) {
    f->cur_len = 0;
    if (resize(f, f->dur_len)) return -ENOMEM;
    if (f->dur_len) memcpy(f->cur, f->dur, f->dur_len);
    drop_tears(f);
    return 0;
}

int simdisk_fsync(simdisk_t *d, const char *file) {
    sfile_t *f = d && file ? find(d, file) : NULL;
    if (!f) return -ENOENT;
    take_time(d->fsync_ns);
    if (failing(d, SIMDISK_FSYNC)) {
        revert(f);               /* reported once; the dirty data is gone */
        return -EIO;
    }
    char *p = realloc(f->dur, f->cur_len ? f->cur_len : 1);
    if (!p) return -ENOMEM;
    if (f->cur_len) memcpy(p, f->cur, f->cur_len);
    f->dur = p, f->dur_len = f->cur_len, f->durable = true;
    drop_tears(f);
    return 0;
}

/* Torn prefixes reach the durable image, oldest first. 0 or -ENOMEM. */
static int apply_tears(sfile_t *f) {
    tear_t *order = NULL;
    while (f->tears) {
        tear_t *t = f->tears;
        f->tears = t->next;
        t->next = order;
        order = t;
    }
    f->tears = order;
    for (tear_t *t = order; t; t = t->next) {
        size_t end = t->off + t->len;
        if (end > f->dur_len) {
            char *p = realloc(f->dur, end);
            if (!p) return -ENOMEM;
            memset(p + f->dur_len, 0, end - f->dur_len);
            f->dur = p, f->dur_len = end;
        }
        memcpy(f->dur + t->off, t->data, t->len);
        f->durable = true;
    }
    return 0;
}

void simdisk_crash(simdisk_t *d) {
    if (!d) return;
    for (sfile_t **pp = &d->files; *pp;) {
        sfile_t *f = *pp;
        apply_tears(f);
        if (!f->durable) {
            *pp = f->next;
            file_free(f);
            continue;
        }
        revert(f);
        pp = &f->next;
    }
}

void simdisk_fail_next(simdisk_t *d, simdisk_op_t op, unsigned count) {
    if (d && (unsigned)op <= SIMDISK_FSYNC) d->fail[op] = count;
}

void simdisk_tear_next_write(simdisk_t *d, size_t keep) {
    if (!d) return;
    d->tear_next = true;
    d->tear_keep = keep;
}

void simdisk_set_latency(simdisk_t *d, int64_t write_ns, int64_t fsync_ns) {
    if (!d) return;
    d->write_ns = write_ns;
    d->fsync_ns = fsync_ns;
}
