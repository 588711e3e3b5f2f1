/*
 * sandbox_netns.c — empty network namespaces, kept and handed out again.
 *
 * Creating a network namespace is the most expensive step of a run (the
 * kernel registers a device, its sysctl tables and every protocol's state;
 * tearing it down costs as much again, in a kernel worker). A run without
 * network only needs one where nothing can be reached: its own loopback
 * stays down, and the seccomp filter lets it create AF_UNIX sockets only.
 * Such a namespace holds nothing of a run once the run's processes are gone
 * (its sockets close with them, and the target has no capability to change
 * the namespace's settings), so the next run may use it as if it were new.
 *
 * The pool hands each namespace to one run at a time (never shared by two
 * runs at once: abstract unix sockets would let them meet) and takes it
 * back only when the run's whole tree is known to be dead. Runs with a
 * loopback get a fresh namespace each time, as do hosts without seccomp
 * and the unprivileged mode (a namespace belongs to the user namespace that
 * made it, and each run has its own). The descriptors close with the
 * process, which frees the namespaces.
 *
 * Interface: sb_netns_get() → init's setns(fd, CLONE_NEWNET) →
 * sb_netns_put(fd, reusable).
 */
#include "sandbox_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

enum { SB_NETNS_KEEP = 16 };    /* more than the grader's threads */

static struct {
    pthread_mutex_t lock;
    int fd[SB_NETNS_KEEP];      /* guarded by lock */
    size_t n;                   /* guarded by lock */
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* A new, empty network namespace as a descriptor: a child enters it and
 * waits while we open it through /proc. Returns the descriptor or a
 * negative errno. */
static int netns_make(void)
{
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) < 0)
        return -errno;
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);     /* never outlives us */
        char ok = unshare(CLONE_NEWNET) == 0 ? 'y' : 'n';
        if (write(ready[1], &ok, 1) == 1)
            pause();    /* until killed, once the parent holds the namespace */
        _exit(0);
    }
    close(ready[1]);
    char ok = 'n';
    int fd = -EAGAIN;
    if (pid > 0 && read(ready[0], &ok, 1) == 1 && ok == 'y') {
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            fd = -errno;
    } else if (pid < 0) {
        fd = -errno;
    }
    close(ready[0]);
    if (pid > 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    return fd;
}

int sb_netns_get(void)
{
    pthread_mutex_lock(&pool.lock);
    int fd = pool.n > 0 ? pool.fd[--pool.n] : -1;
    pthread_mutex_unlock(&pool.lock);
    return fd >= 0 ? fd : netns_make();
}

void sb_netns_put(int fd, bool reusable)
{
    if (fd < 0)
        return;
    pthread_mutex_lock(&pool.lock);
    if (reusable && pool.n < SB_NETNS_KEEP) {
        pool.fd[pool.n++] = fd;
        fd = -1;
    }
    pthread_mutex_unlock(&pool.lock);
    if (fd >= 0)
        close(fd);
}
