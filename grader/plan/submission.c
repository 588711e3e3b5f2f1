/*
 * submission.c — opening a candidate's files (see submission.h).
 */
#include "submission.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Opens dir/rel without following any symlink below dir and without
 * leaving it (openat2's RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS): a
 * submission's labs/<lab> linked to another candidate's folder, or to a
 * system file, is not followed. Returns an fd or a negative errno. */
static int open_beneath(const char *dir, const char *rel, int flags)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    struct open_how how = {.flags = (unsigned)flags | O_CLOEXEC | O_NOFOLLOW,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
                                      RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof how);
    int err = errno;
    close(dfd);
    return fd < 0 ? -err : fd;
}

/* Opens DIR/labs/<lab>/<file>, else DIR/<lab>/<file> (file "" opens the folder). */
static int open_in_lab(const char *dir, const lab_t *lab, const char *file, int flags)
{
    char rel[1024];
    snprintf(rel, sizeof rel, "labs/%s%s%s", lab->name, *file ? "/" : "", file);
    int fd = open_beneath(dir, rel, flags);
    if (fd == -ENOENT) {
        snprintf(rel, sizeof rel, "%s%s%s", lab->name, *file ? "/" : "", file);
        fd = open_beneath(dir, rel, flags);
    }
    return fd;
}

int submission_open(const char *dir, const lab_t *lab, const char *file, const char **why)
{
    *why = NULL;
    int fd = open_in_lab(dir, lab, file, O_RDONLY);
    if (fd < 0) {
        *why = fd == -ENOENT ? "is missing" : fd == -ELOOP || fd == -EXDEV
                                                   ? "is reached through a symbolic link"
                                                   : "cannot be opened";
        return fd;
    }
    struct stat st;
    /* A hard link would let the grader, reading as root, copy a file the
     * submitter could not read (the compiler then quotes it). */
    *why = fstat(fd, &st) < 0 ? "cannot be read"
         : !S_ISREG(st.st_mode) ? "is not a regular file"
         : st.st_nlink != 1 ? "is a hard link"
         : st.st_size > SUBMISSION_MAX_FILE ? "is larger than 1 MiB" : NULL;
    if (*why) {
        close(fd);
        return -EPERM;
    }
    return fd;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int submission_list_lab(const char *dir, const lab_t *lab, char ***names)
{
    *names = calloc(1, sizeof **names);
    if (!*names)
        return -ENOMEM;
    int fd = open_in_lab(dir, lab, "", O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return fd == -ENOENT || fd == -ENOTDIR ? 0 : fd;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -errno;
    }
    size_t n = 0;
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (e->d_type != DT_REG)
            continue;
        char **grown = realloc(*names, (n + 2) * sizeof **names);
        if (!grown || !(grown[n] = strdup(e->d_name))) {
            if (grown)
                *names = grown;
            rc = -ENOMEM;
            break;
        }
        *names = grown;
        (*names)[++n] = NULL;
    }
    closedir(d);
    qsort(*names, n, sizeof **names, cmp_names);
    return rc;
}
