/*
 * nsq_disk.c — the files a disk queue lives in: a simulated disk (tests,
 * crashes chosen by seed) or a directory of the real file system (the
 * benchmarks and the process killed by the integration test). The queue
 * only appends, reads, syncs, replaces its metadata whole and removes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../nsq.h"

struct nsq_disk {
    simdisk_t *sim; /* NULL: the directory */
    char dir[PATH_MAX - 128];
};

int nsq_disk_sim(simdisk_t *sd, nsq_disk_t **out)
{
    nsq_disk_t *d = calloc(1, sizeof *d);
    if (!d)
        return -ENOMEM;
    d->sim = sd;
    *out = d;
    return 0;
}

int nsq_disk_dir(const char *dir, nsq_disk_t **out)
{
    if (strlen(dir) >= sizeof((nsq_disk_t *)0)->dir)
        return -ENAMETOOLONG;
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return -errno;
    nsq_disk_t *d = calloc(1, sizeof *d);
    if (!d)
        return -ENOMEM;
    strcpy(d->dir, dir);
    *out = d;
    return 0;
}

void nsq_disk_free(nsq_disk_t *d)
{
    free(d);
}

static void path_of(const nsq_disk_t *d, const char *file, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", d->dir, file);
}

int nsq_disk_append(nsq_disk_t *d, const char *file, const void *buf, size_t len)
{
    if (d->sim)
        return simdisk_append(d->sim, file, buf, len, NULL);
    char p[PATH_MAX];
    path_of(d, file, p, sizeof p);
    int fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    const char *b = buf;
    while (len) {
        ssize_t w = write(fd, b, len);
        if (w < 0) {
            int e = errno;
            close(fd);
            return -e;
        }
        b += w;
        len -= (size_t)w;
    }
    close(fd);
    return 0;
}

ssize_t nsq_disk_read(nsq_disk_t *d, const char *file, uint64_t off, void *buf, size_t len)
{
    if (d->sim) {
        if (simdisk_size(d->sim, file) <= 0)
            return -ENOENT;
        return simdisk_read(d->sim, file, off, buf, len);
    }
    char p[PATH_MAX];
    path_of(d, file, p, sizeof p);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t r = pread(fd, buf, len, (off_t)off);
    int e = errno;
    close(fd);
    return r < 0 ? -e : r;
}

int64_t nsq_disk_size(nsq_disk_t *d, const char *file)
{
    if (d->sim) {
        int64_t s = simdisk_size(d->sim, file);
        return s <= 0 ? -ENOENT : s;
    }
    char p[PATH_MAX];
    path_of(d, file, p, sizeof p);
    struct stat st;
    if (stat(p, &st) < 0)
        return -errno;
    return st.st_size;
}

int nsq_disk_fsync(nsq_disk_t *d, const char *file)
{
    if (d->sim)
        return simdisk_fsync(d->sim, file);
    char p[PATH_MAX];
    path_of(d, file, p, sizeof p);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int r = fsync(fd) < 0 ? -errno : 0;
    close(fd);
    return r;
}

int nsq_disk_replace(nsq_disk_t *d, const char *file, const void *buf, size_t len)
{
    if (d->sim) {
        /* one fsync makes the new image durable at once: the crash keeps
         * either the old or the new contents, as a rename would */
        int r = simdisk_size(d->sim, file) >= 0 ? simdisk_truncate(d->sim, file, 0) : 0;
        if (!r)
            r = simdisk_write(d->sim, file, 0, buf, len);
        return r ? r : simdisk_fsync(d->sim, file);
    }
    char p[PATH_MAX], tmp[PATH_MAX + 8];
    path_of(d, file, p, sizeof p);
    snprintf(tmp, sizeof tmp, "%s.tmp", p);
    unlink(tmp);
    int r = nsq_disk_append(d, strrchr(tmp, '/') + 1, buf, len);
    if (!r)
        r = nsq_disk_fsync(d, strrchr(tmp, '/') + 1);
    if (!r && rename(tmp, p) < 0)
        r = -errno;
    if (!r) {
        int fd = open(d->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
    }
    return r;
}

int nsq_disk_remove(nsq_disk_t *d, const char *file)
{
    if (d->sim) {
        if (simdisk_size(d->sim, file) <= 0)
            return -ENOENT;
        int r = simdisk_truncate(d->sim, file, 0);
        return r ? r : simdisk_fsync(d->sim, file);
    }
    char p[PATH_MAX];
    path_of(d, file, p, sizeof p);
    return unlink(p) < 0 ? -errno : 0;
}
