/*
 * sigkill.c — one real SIGKILL. A child process runs our nsqd on
 * 127.0.0.1 with its queues in a temporary directory (no memory queue, a
 * sync per message). This process publishes over plain sockets and kills
 * the child with SIGKILL in the middle of the stream, starts a new nsqd on
 * the same directory, and consumes: every message that got its OK must
 * come back, and nothing that was never published. Exit 0, or 1 with the
 * reason; 77 when loopback TCP is not available.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <undergo/runtime.h>

#include "nsq.h"

enum { NPUB = 400, KILL_AFTER = 150 };

static const char *dir;
static int port_fd;

static void nsqd(void *arg)
{
    (void)arg;
    nsq_disk_t *disk;
    nsq_server_t *s;
    listener_t *l;
    nsq_config_t cfg = {.mem_queue_size = -1,
                        .sync_every = 1,
                        .max_bytes_per_file = 4096,
                        .id_base = (uint64_t)time(NULL) << 24};
    if (nsq_disk_dir(dir, &disk))
        _exit(3);
    cfg.disk = disk;
    if (nsq_server_new(&cfg, &s) || net_listen("tcp", "127.0.0.1:0", &l))
        _exit(3);
    const char *a = listener_addr(l);
    int port = atoi(strrchr(a, ':') + 1);
    if (write(port_fd, &port, sizeof port) != sizeof port)
        _exit(3);
    nsq_server_serve(s, l);
}

static pid_t start(int *port)
{
    int p[2];
    if (pipe(p))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        port_fd = p[1];
        rt_config_t cfg = {.sched = RT_SCHED_FIFO, .clock = RT_CLOCK_REAL};
        rt_run(&cfg, nsqd, NULL);
        _exit(0);
    }
    close(p[1]);
    ssize_t n = read(p[0], port, sizeof *port);
    close(p[0]);
    if (n != sizeof *port) {
        waitpid(pid, NULL, 0);
        return -1;
    }
    return pid;
}

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {.tv_sec = 1};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || write(fd, "  V2", 4) != 4) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int read_full(int fd, void *buf, size_t n)
{
    char *b = buf;
    while (n) {
        ssize_t r = read(fd, b, n);
        if (r <= 0)
            return -1;
        b += r;
        n -= (size_t)r;
    }
    return 0;
}

/* One frame: its type, its data in buf (NUL-terminated). -1 at the end. */
static int frame(int fd, char *buf, size_t cap, uint32_t *len)
{
    uint8_t h[8];
    if (read_full(fd, h, 8))
        return -1;
    uint32_t size = (uint32_t)h[0] << 24 | h[1] << 16 | h[2] << 8 | h[3];
    if (size < 4 || size - 4 >= cap || read_full(fd, buf, size - 4))
        return -1;
    buf[size - 4] = 0;
    *len = size - 4;
    return h[7];
}

static char tmpl[] = "/tmp/nsq-sigkill-XXXXXX";

static void cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpl);
    if (system(cmd)) {
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    int probe = socket(AF_INET, SOCK_STREAM, 0);
    if (probe < 0) {
        printf("no AF_INET sockets\n");
        return 77;
    }
    close(probe);
    if (!mkdtemp(tmpl))
        return 1;
    if (!getenv("NSQ_KEEP"))
        atexit(cleanup);
    dir = tmpl;
    int port;
    pid_t pid = start(&port);
    if (pid < 0) {
        printf("nsqd did not start on loopback\n");
        return 77;
    }
    int fd = dial(port);
    if (fd < 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        printf("cannot connect to 127.0.0.1\n");
        return 77;
    }
    static char sent[NPUB][16];
    int acked = 0;
    char buf[4096];
    uint32_t len;
    for (int i = 0; i < NPUB; i++) {
        int n = snprintf(sent[i], sizeof sent[i], "msg-%d", i);
        char cmd[64];
        int c = snprintf(cmd, sizeof cmd, "PUB t\n");
        uint8_t sz[4] = {0, 0, 0, (uint8_t)n};
        if (write(fd, cmd, (size_t)c) != c || write(fd, sz, 4) != 4 ||
            write(fd, sent[i], (size_t)n) != n)
            break;
        if (i == KILL_AFTER) { /* the next answer may never come */
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        if (frame(fd, buf, sizeof buf, &len) != 0 || strcmp(buf, "OK"))
            break;
        acked++;
    }
    close(fd);
    if (acked < KILL_AFTER || acked >= NPUB) {
        printf("FAIL: %d acknowledged; the kill should come after %d\n", acked, KILL_AFTER);
        return 1;
    }
    pid = start(&port);
    if (pid < 0 || (fd = dial(port)) < 0) {
        printf("FAIL: nsqd did not start again\n");
        return 1;
    }
    const char *sub = "SUB t ch\nRDY 2500\n";
    if (write(fd, sub, strlen(sub)) != (ssize_t)strlen(sub))
        return 1;
    static char got[NPUB];
    int delivered = 0, invented = 0;
    for (;;) {
        int type = frame(fd, buf, sizeof buf, &len);
        if (type < 0)
            break; /* 1 s with nothing: all delivered */
        if (type != 2)
            continue;
        delivered++;
        int i = -1;
        if (len > 26 && sscanf(buf + 26, "msg-%d", &i) == 1 && i >= 0 && i < NPUB)
            got[i] = 1;
        else
            invented++;
        char fin[32] = "FIN ";
        memcpy(fin + 4, buf + 10, 16);
        fin[20] = '\n';
        if (write(fd, fin, 21) != 21)
            break;
    }
    close(fd);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    int lost = 0;
    for (int i = 0; i < acked; i++)
        lost += !got[i];
    printf("%d published, %d acknowledged before SIGKILL, %d delivered after restart, %d lost, "
           "%d invented\n",
           NPUB, acked, delivered, lost, invented);
    return lost || invented ? 1 : 0;
}
