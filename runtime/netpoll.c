/*
 * netpoll.c — the netpoller: real descriptors watched with epoll, as Go's
 * runtime/netpoll_epoll.go does.
 *
 * A descriptor is registered once per run, edge-triggered for input,
 * output and hang-up, the first time a task must wait on it (an EAGAIN);
 * EPOLL_CTL_ADD looks at its state at once, so readiness that came before
 * the registration is not lost, and later changes are edges. A task that
 * would block parks on the conn (net_sock.c counts it in io_waiters); when
 * epoll reports the descriptor, its ready() readies the waiters, who retry
 * the call. The scheduler polls in its idle step (sched_idle, with the
 * next timer's deadline as the timeout) and, while tasks keep running,
 * every 61 switches without waiting.
 *
 * Interface: rt__netpoll_init at rt_run → rt__netpoll_watch(p) when a
 * task first waits on p->fd → rt__netpoll(timeout) from the scheduler →
 * rt__netpoll_forget(p) before close(p->fd) → rt__netpoll_close at the end.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "rt.h"

#define EVENTS_MAX 128

static uint64_t run_id;          /* registrations of older runs are stale */

void rt__netpoll_init(void) {
    rt__s.epfd = -1;
    run_id++;
}

void rt__netpoll_close(void) {
    if (rt__s.epfd >= 0) close(rt__s.epfd);
    rt__s.epfd = -1;
    rt__s.io_waiters = 0;
}

/* Watches p->fd in this run (a no-op if it already is). Returns 0 or a
 * negative errno. */
int rt__netpoll_watch(rt_pollfd_t *p) {
    if (p->run == run_id) return 0;
    if (rt__s.epfd < 0 && (rt__s.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
        rt__s.epfd = -1;
        return -errno;
    }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = p};
    if (epoll_ctl(rt__s.epfd, EPOLL_CTL_ADD, p->fd, &ev) != 0) return -errno;
    p->run = run_id;
    return 0;
}

/* Whether p->fd is watched in this run (its edges will be reported). */
bool rt__netpoll_watching(const rt_pollfd_t *p) { return p->run == run_id; }

/* Stops watching p->fd; call before closing it. Can't fail. */
void rt__netpoll_forget(rt_pollfd_t *p) {
    if (p->run == run_id && rt__s.epfd >= 0) epoll_ctl(rt__s.epfd, EPOLL_CTL_DEL, p->fd, NULL);
    p->run = 0;
}

/* Waits up to timeout_ns (0: not at all, < 0: until an event) for watched
 * descriptors and runs the ready() of each one reported, acting for no
 * task. Returns how many were reported (0 on timeout or EINTR). */
int rt__netpoll(int64_t timeout_ns) {
    if (rt__s.epfd < 0) return 0;
    int ms = timeout_ns < 0 ? -1 : (int)((timeout_ns + 999999) / 1000000);
    if (timeout_ns > INT64_C(1000000) * 1000000) ms = 1000000000;
    struct epoll_event evs[EVENTS_MAX];
    int n = epoll_wait(rt__s.epfd, evs, EVENTS_MAX, ms);
    if (n <= 0) return 0;            /* EINTR: the caller looks again */
    task_t *self = rt__s.current;
    rt__s.current = NULL;
    rt__s.locks++;
    for (int i = 0; i < n; i++) {
        rt_pollfd_t *p = evs[i].data.ptr;
        p->ready(p, evs[i].events);
    }
    rt__s.locks--;
    rt__s.current = self;
    return n;
}
