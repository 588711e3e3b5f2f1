/*
 * fsutil.c — see fsutil.h. Tree walks use nftw() with FTW_PHYS so symlinks
 * are never followed out of the tree being copied or removed.
 */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"

/* Splits path into an open directory fd and the final name. */
static int open_parent(const char *path, int *dirfd, char *name, size_t namelen)
{
    char *a = strdup(path), *b = strdup(path);
    int rc = 0;
    if (!a || !b) {
        rc = -ENOMEM;
    } else {
        snprintf(name, namelen, "%s", basename(a));
        *dirfd = open(dirname(b), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (*dirfd < 0)
            rc = -errno;
        else if (!*name || !strcmp(name, "/") || !strcmp(name, ".") || !strcmp(name, ".."))
            rc = -EISDIR;
        if (rc && *dirfd >= 0)
            close(*dirfd);
    }
    free(a);
    free(b);
    return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int fsutil_write_atomic(const char *path, const char *data, size_t len)
{
    char name[256], tmp[300];
    int dirfd = -1, rc = open_parent(path, &dirfd, name, sizeof name);
    if (rc)
        return rc;
    snprintf(tmp, sizeof tmp, ".%s.%ld.tmp", name, (long)getpid());
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = -errno;
        close(dirfd);
        return rc;
    }
    rc = write_all(fd, data, len);
    if (!rc && fsync(fd) < 0)
        rc = -errno;
    if (close(fd) < 0 && !rc)
        rc = -errno;
    if (!rc && renameat(dirfd, tmp, dirfd, name) < 0)
        rc = -errno;
    if (rc)
        unlinkat(dirfd, tmp, 0);
    close(dirfd);
    return rc;
}

int fsutil_check_writable(const char *path)
{
    char name[256];
    int dirfd, rc = open_parent(path, &dirfd, name, sizeof name);
    if (rc)
        return rc;
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
        rc = -EISDIR;
    else if (faccessat(dirfd, ".", W_OK, AT_EACCESS) < 0)
        rc = -errno;
    close(dirfd);
    return rc;
}

int fsutil_read_fd(int fd, char **data, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *g = realloc(buf, cap * 2);
            if (!g)
                break;
            buf = g;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + n, cap - n - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            return -e;
        }
        if (got == 0) {
            buf[n] = '\0';
            *data = buf;
            if (len)
                *len = n;
            return 0;
        }
        n += (size_t)got;
    }
    free(buf);
    return -ENOMEM;
}

int fsutil_read(const char *path, char **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = fsutil_read_fd(fd, data, len);
    close(fd);
    return rc;
}

int fsutil_mkdirs(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        return -errno;
    return 0;
}

/* Copies in to out until end of file. Returns 0 or -errno. */
static int copy_stream(int in, int out)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : 0;
        int rc = write_all(out, buf, (size_t)n);
        if (rc)
            return rc;
    }
}

/* Opens `to` for writing with mode, copies in into it. Returns 0 or -errno. */
static int copy_to(int in, const char *to, mode_t mode)
{
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (out < 0)
        return -errno;
    int rc = copy_stream(in, out);
    if (close(out) < 0 && !rc)
        rc = -errno;
    return rc;
}

int fsutil_copy_fd(int in, const char *to)
{
    return copy_to(in, to, 0644);
}

int fsutil_copy(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (in < 0)
        return -errno;
    struct stat st;
    int rc = fstat(in, &st) < 0 ? -errno : copy_to(in, to, st.st_mode & 07777);
    close(in);
    return rc;
}

/* nftw() takes no context pointer, so the copy's state lives here; the
 * grader copies one tree at a time. */
static struct {
    const char *from, *to;
    size_t from_len;
    bool (*skip)(const char *rel);
    int rc;
} copy_ctx;

static int copy_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    const char *rel = path + copy_ctx.from_len;
    while (*rel == '/')
        rel++;
    if (*rel && copy_ctx.skip && copy_ctx.skip(rel))
        return type == FTW_D ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
    char dst[4096];
    snprintf(dst, sizeof dst, "%s%s%s", copy_ctx.to, *rel ? "/" : "", rel);
    int rc = 0;
    if (type == FTW_D)
        rc = mkdir(dst, st->st_mode & 07777) < 0 && errno != EEXIST ? -errno : 0;
    else if (type == FTW_F)
        rc = fsutil_copy(path, dst);
    if (rc) {
        copy_ctx.rc = rc;
        return FTW_STOP;
    }
    return FTW_CONTINUE;
}

int fsutil_copy_tree(const char *from, const char *to, bool (*skip)(const char *rel))
{
    int rc = fsutil_mkdirs(to);
    if (rc)
        return rc;
    copy_ctx.from = from;
    copy_ctx.to = to;
    copy_ctx.from_len = strlen(from);
    copy_ctx.skip = skip;
    copy_ctx.rc = 0;
    if (nftw(from, copy_entry, 32, FTW_PHYS | FTW_ACTIONRETVAL) < 0)
        return -errno;
    return copy_ctx.rc;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

int fsutil_remove_tree(const char *path)
{
    if (!fsutil_exists(path))
        return 0;
    if (nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS) == 0)
        return 0;
    /* nftw() gives up on paths longer than PATH_MAX, which a submission can
     * build in its scratch dir; rm walks by descriptors and has no limit. */
    const char *argv[] = {"rm", "-rf", "--one-file-system", "--", path, NULL};
    int rc = proc_run(argv, NULL, NULL);
    return rc == 0 && !fsutil_exists(path) ? 0 : -ENOTEMPTY;
}

bool fsutil_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

bool fsutil_dir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT;
    bool empty = true;
    for (struct dirent *e; empty && (e = readdir(d));)
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    closedir(d);
    return empty;
}
