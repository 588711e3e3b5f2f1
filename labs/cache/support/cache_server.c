/*
 * cache_server.c — the launcher of the lab's redis-server (see
 * cache_server.h for why a launcher, forked before main, starts it).
 *
 * The launcher and the process that forked it talk over a SOCK_SEQPACKET
 * pair, one request and one reply a message, a sequence number in each so
 * a reply left by a test process that crashed mid-request is skipped. The
 * launcher allocates nothing (static tables), ends with _exit, and kills
 * its servers when the socket closes.
 */
#include "cache_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { OP_START = 1, OP_KILL = 2, MAX_SERVERS = 16, PORT_TRIES = 16 };

typedef struct request {
    unsigned seq;
    int op;
    int port; /* OP_START: 0 for a random one */
    int pid;  /* OP_KILL */
    char dir[64];
} request_t;

typedef struct reply {
    unsigned seq;
    int rc;
    int pid;
    int port;
    char msg[512];
} reply_t;

static int launcher_fd = -1;
static char last_error[600];

/* ---- the launcher ----------------------------------------------------------- */

static struct {
    int pid, log;
} servers[MAX_SERVERS];

/* A port nobody listens on now: the kernel's pick for 127.0.0.1:0. */
static int free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int rc = bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
                     getsockname(fd, (struct sockaddr *)&a, &len) < 0
                 ? -errno
                 : ntohs(a.sin_port);
    close(fd);
    return rc;
}

static void exec_server(int port, const char *dir, int log)
{
    char p[16];
    snprintf(p, sizeof p, "%d", port);
    char *const argv[] = {"redis-server",
                          "--port",
                          p,
                          "--bind",
                          "127.0.0.1",
                          "--save",
                          "",
                          "--appendonly",
                          "no",
                          "--dir",
                          (char *)dir,
                          "--daemonize",
                          "no",
                          "--logfile",
                          "",
                          "--loglevel",
                          "notice",
                          "--protected-mode",
                          "no",
                          NULL};
    dup2(log, 1);
    dup2(log, 2);
    if (chdir(dir) == 0)
        execv(CACHE_SERVER_BIN, argv);
    dprintf(2, "cannot run %s: %s\n", CACHE_SERVER_BIN, strerror(errno));
    _exit(127);
}

/* Reads the server's log until it is ready (1) or gone (0); keeps the
 * log's tail in msg. */
static int wait_ready(int log, char *msg, size_t cap)
{
    size_t len = 0;
    msg[0] = 0;
    for (;;) {
        if (len + 1 >= cap) { /* keep the second half */
            memmove(msg, msg + cap / 2, len - cap / 2);
            len -= cap / 2;
        }
        ssize_t n = read(log, msg + len, cap - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        len += (size_t)n;
        msg[len] = 0;
        if (strstr(msg, "Ready to accept connections"))
            return 1;
    }
}

static void start(const request_t *rq, reply_t *rp)
{
    int slot = 0;
    while (slot < MAX_SERVERS && servers[slot].pid)
        slot++;
    rp->rc = slot == MAX_SERVERS ? -EMFILE : -EADDRINUSE;
    for (int t = 0; t < PORT_TRIES && rp->rc == -EADDRINUSE; t++) {
        int port = rq->port ? rq->port : free_port(), fds[2];
        if (port < 0 || pipe2(fds, O_CLOEXEC) < 0) {
            rp->rc = port < 0 ? port : -errno;
            break;
        }
        pid_t pid = fork();
        if (pid == 0)
            exec_server(port, rq->dir, fds[1]);
        close(fds[1]);
        if (pid < 0) {
            rp->rc = -errno;
            close(fds[0]);
            break;
        }
        if (wait_ready(fds[0], rp->msg, sizeof rp->msg)) {
            servers[slot].pid = pid;
            servers[slot].log = fds[0];
            *rp = (reply_t){.seq = rq->seq, .rc = 0, .pid = pid, .port = port};
            return;
        }
        close(fds[0]);
        waitpid(pid, NULL, 0);
        bool in_use = strstr(rp->msg, "already in use") != NULL;
        rp->rc = in_use ? -EADDRINUSE : -EIO;
        if (rq->port)
            break;
    }
}

static void kill_one(const request_t *rq, reply_t *rp)
{
    rp->rc = -ESRCH;
    for (int i = 0; i < MAX_SERVERS; i++) {
        if (servers[i].pid != rq->pid || !rq->pid)
            continue;
        kill(servers[i].pid, SIGKILL);
        while (waitpid(servers[i].pid, NULL, 0) < 0 && errno == EINTR) {
        }
        close(servers[i].log);
        servers[i].pid = 0;
        rp->rc = 0;
    }
}

static void launcher(int fd)
{
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        request_t rq;
        ssize_t n = recv(fd, &rq, sizeof rq, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != (ssize_t)sizeof rq)
            break;
        reply_t rp = {.seq = rq.seq};
        rq.dir[sizeof rq.dir - 1] = 0;
        if (rq.op == OP_START)
            start(&rq, &rp);
        else if (rq.op == OP_KILL)
            kill_one(&rq, &rp);
        rp.seq = rq.seq;
        send(fd, &rp, sizeof rp, MSG_NOSIGNAL);
    }
    for (int i = 0; i < MAX_SERVERS; i++)
        if (servers[i].pid) {
            kill(servers[i].pid, SIGKILL);
            waitpid(servers[i].pid, NULL, 0);
        }
    _exit(0);
}

__attribute__((constructor)) static void cache_server_fork_launcher(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        launcher(sv[1]);
    }
    close(sv[1]);
    /* Above the descriptors a test harness sets up (fd 3 is its transcript). */
    launcher_fd = pid > 0 ? fcntl(sv[0], F_DUPFD_CLOEXEC, 10) : -1;
    close(sv[0]);
}

/* ---- the client side ---------------------------------------------------------- */

static int ask(request_t *rq, reply_t *rp)
{
    static unsigned seq;
    if (launcher_fd < 0) {
        snprintf(last_error, sizeof last_error, "cache_server: no launcher process");
        return -ECHILD;
    }
    rq->seq = ++seq;
    if (send(launcher_fd, rq, sizeof *rq, MSG_NOSIGNAL) != (ssize_t)sizeof *rq)
        return -errno;
    do {
        ssize_t n = recv(launcher_fd, rp, sizeof *rp, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != (ssize_t)sizeof *rp)
            return -EPIPE;
    } while (rp->seq != rq->seq);
    return rp->rc;
}

static int launch(cache_server_t *s, int port)
{
    if (access(CACHE_SERVER_BIN, X_OK) < 0) {
        snprintf(last_error, sizeof last_error,
                 "%s is missing: install Debian's redis-server package (scripts/setup does)",
                 CACHE_SERVER_BIN);
        return -ENOENT;
    }
    request_t rq = {.op = OP_START, .port = port};
    snprintf(rq.dir, sizeof rq.dir, "%s", s->dir);
    reply_t rp;
    int rc = ask(&rq, &rp);
    if (rc < 0) {
        snprintf(last_error, sizeof last_error, "redis-server did not start (%s): %s",
                 strerror(-rc), rp.msg);
        return rc;
    }
    s->pid = rp.pid;
    s->port = rp.port;
    return 0;
}

int cache_server_start(cache_server_t *s)
{
    *s = (cache_server_t){0};
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/cache-redis-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(s->dir)) {
        int rc = -errno;
        snprintf(last_error, sizeof last_error, "mkdtemp %s: %s", s->dir, strerror(errno));
        s->dir[0] = 0;
        return rc;
    }
    int rc = launch(s, 0);
    if (rc < 0)
        cache_server_stop(s);
    return rc;
}

int cache_server_restart(cache_server_t *s)
{
    return s->pid ? -EBUSY : launch(s, s->port);
}

int cache_server_kill(cache_server_t *s)
{
    if (!s->pid)
        return -ESRCH;
    request_t rq = {.op = OP_KILL, .pid = s->pid};
    reply_t rp;
    int rc = ask(&rq, &rp);
    s->pid = 0;
    return rc;
}

/* Removes the directory's files (the server writes none with persistence
 * off, but a crash may leave one) and the directory. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        for (struct dirent *e; (e = readdir(d));) {
            char path[400];
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                unlink(path);
            }
        }
        closedir(d);
    }
    rmdir(dir);
}

void cache_server_stop(cache_server_t *s)
{
    if (s->pid)
        cache_server_kill(s);
    if (s->dir[0])
        remove_dir(s->dir);
    s->dir[0] = 0;
}

const char *cache_server_error(void)
{
    return last_error;
}
