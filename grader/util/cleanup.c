/*
 * cleanup.c — scratch folders removed on a signal (see cleanup.h).
 *
 * The registry is a fixed table: registering takes a mutex (workers make
 * folders from their threads), the handler only reads it. Removal in the
 * handler walks the tree with openat, getdents64 and unlinkat on buffers
 * of the handler's own stack: no malloc, no stdio, so it is safe whatever
 * the interrupted thread was doing. A tree deeper than the walk's limit
 * keeps its deepest part, as a removal that fails would.
 */
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { MAX_DIRS = 128, MAX_DEPTH = 64 };

static struct {
    pthread_mutex_t lock;
    char dir[MAX_DIRS][PATH_MAX];
    volatile sig_atomic_t used[MAX_DIRS];
} reg = {.lock = PTHREAD_MUTEX_INITIALIZER};

int cleanup_add(const char *dir)
{
    int rc = -ENOSPC;
    pthread_mutex_lock(&reg.lock);
    for (int i = 0; i < MAX_DIRS && rc; i++)
        if (!reg.used[i] && strlen(dir) < PATH_MAX) {
            strcpy(reg.dir[i], dir);
            reg.used[i] = 1;
            rc = 0;
        }
    pthread_mutex_unlock(&reg.lock);
    return rc;
}

void cleanup_remove(const char *dir)
{
    pthread_mutex_lock(&reg.lock);
    for (int i = 0; i < MAX_DIRS; i++)
        if (reg.used[i] && !strcmp(reg.dir[i], dir))
            reg.used[i] = 0;
    pthread_mutex_unlock(&reg.lock);
}

struct dirent64_ {
    unsigned long long ino;
    long long off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

/* Empties the directory open as fd, depth levels deep at most. Entries
 * removed while reading may hide others from the same read, so it reads
 * again until a pass finds nothing left, or nothing it can remove. */
static void empty_dir(int fd, int depth)
{
    char buf[4096];
    for (int pass = 0; pass < 1000; pass++) {
        bool any = false, removed = false;
        long n;
        if (lseek(fd, 0, SEEK_SET) != 0)
            return;
        while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
            for (long off = 0; off < n;) {
                struct dirent64_ *d = (struct dirent64_ *)(buf + off);
                off += d->reclen;
                if (!strcmp(d->name, ".") || !strcmp(d->name, ".."))
                    continue;
                any = true;
                if (unlinkat(fd, d->name, 0) == 0) {
                    removed = true;
                    continue;
                }
                int sub = depth > 0 ? openat(fd, d->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
                                    : -1;
                if (sub >= 0) {
                    empty_dir(sub, depth - 1);
                    close(sub);
                    removed |= unlinkat(fd, d->name, AT_REMOVEDIR) == 0;
                }
            }
        }
        if (!any || !removed)
            return;
    }
}

static void remove_tree(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd < 0)
        return;
    empty_dir(fd, MAX_DEPTH);
    close(fd);
    rmdir(dir);
}

static void on_signal(int sig)
{
    for (int i = 0; i < MAX_DIRS; i++)
        if (reg.used[i])
            remove_tree(reg.dir[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

void cleanup_install(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa = {.sa_handler = on_signal};
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaction(sigs[i], &sa, NULL);
}
