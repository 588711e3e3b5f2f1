/*
 * nsq_vs_redis.c — the nsq lab's reference nsqd against a real
 * redis-server used as a queue, both on 127.0.0.1, one client each, in
 * one run. PUB: N messages of 100 bytes, pipelined 64 at a time, each
 * batch's answers read before the next (nsqd: PUB and its OK; redis:
 * LPUSH and its integer). SUB: the N messages taken back (nsqd: SUB with
 * RDY 2500, a FIN for each message; redis: BRPOP, pipelined 64 at a time).
 * nsqd runs in a child process (the runtime on the real clock, memory
 * queues), redis-server (Debian's redis-server package) in another, with
 * no persistence. Rounds alternate the two; the result is the median.
 *
 * Output is Go's benchmark format, with messages/s and the ratio:
 *
 *   BenchmarkPub/nsq-2     200000   2100 ns/op  476190 msgs/s  0.80 nsq/redis
 *   BenchmarkPub/redis-2   200000   1700 ns/op  588235 msgs/s
 *
 * NSQ_VS_REDIS_N (200000) and NSQ_VS_REDIS_ROUNDS (5) set the size.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <undergo/runtime.h>

#include "nsq.h"

enum { BODY = 100, DEPTH = 64 };

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- nsqd in a child ---- */

static int port_fd;

static void nsqd(void *arg)
{
    (void)arg;
    nsq_server_t *s;
    listener_t *l;
    nsq_config_t cfg = {.mem_queue_size = 1 << 30};
    if (nsq_server_new(&cfg, &s) || net_listen("tcp", "127.0.0.1:0", &l))
        _exit(3);
    int port = atoi(strrchr(listener_addr(l), ':') + 1);
    if (write(port_fd, &port, sizeof port) != sizeof port)
        _exit(3);
    nsq_server_serve(s, l);
}

static pid_t start_nsqd(int *port)
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
    return n == sizeof *port ? pid : -1;
}

/* ---- redis-server in a child ---- */

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) ||
        getsockname(fd, (struct sockaddr *)&sa, &len))
        return -1;
    close(fd);
    return ntohs(sa.sin_port);
}

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static pid_t start_redis(int *port, char *dir)
{
    *port = free_port();
    char ps[16];
    snprintf(ps, sizeof ps, "%d", *port);
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(dir)) {
        }
        execlp("redis-server", "redis-server", "--port", ps, "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning",
               (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        int fd = dial(*port);
        if (fd >= 0) {
            close(fd);
            return pid;
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return -1;
        usleep(10000);
    }
    return -1;
}

/* ---- the clients ---- */

static int send_all(int fd, const void *b, size_t n)
{
    const char *p = b;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_n(int fd, size_t n)
{
    static char sink[1 << 16];
    while (n) {
        ssize_t r = read(fd, sink, n < sizeof sink ? n : sizeof sink);
        if (r <= 0)
            return -1;
        n -= (size_t)r;
    }
    return 0;
}

/* Reads until `lines` newlines have arrived (redis's integer replies). */
static int read_lines(int fd, long lines)
{
    static char buf[1 << 16];
    while (lines > 0) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0)
            return -1;
        for (ssize_t i = 0; i < r; i++)
            lines -= buf[i] == '\n';
    }
    return 0;
}

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}

/* nsqd: PUB n, then SUB and take n. Seconds of each into t[0], t[1]. */
static int nsq_round(int port, long n, double t[2])
{
    int fd = dial(port);
    if (fd < 0 || send_all(fd, "  V2", 4))
        return -1;
    static uint8_t batch[DEPTH * (10 + 4 + BODY)];
    size_t blen = 0;
    for (int i = 0; i < DEPTH; i++) {
        memcpy(batch + blen, "PUB bench\n", 10);
        be32(batch + blen + 10, BODY);
        memset(batch + blen + 14, 'x', BODY);
        blen += 14 + BODY;
    }
    double t0 = now_s();
    for (long done = 0; done < n;) {
        long k = n - done < DEPTH ? n - done : DEPTH;
        if (send_all(fd, batch, (size_t)k * (14 + BODY)) || read_n(fd, (size_t)k * 10))
            return -1;
        done += k;
    }
    t[0] = now_s() - t0;
    int c = dial(port);
    const char *hello = "  V2SUB bench ch\nRDY 2500\n";
    t0 = now_s();
    if (c < 0 || send_all(c, hello, strlen(hello)) || read_n(c, 10))
        return -1;
    /* every message frame is 4 + 4 + 26 + BODY bytes; FIN each */
    static uint8_t fr[DEPTH * (8 + 26 + BODY)];
    char fins[DEPTH * 21];
    for (long done = 0; done < n;) {
        long k = n - done < DEPTH ? n - done : DEPTH;
        size_t need = (size_t)k * (8 + 26 + BODY), got = 0;
        while (got < need) {
            ssize_t r = read(c, fr + got, need - got);
            if (r <= 0)
                return -1;
            got += (size_t)r;
        }
        for (long i = 0; i < k; i++) {
            memcpy(fins + 21 * i, "FIN ", 4);
            memcpy(fins + 21 * i + 4, fr + i * (8 + 26 + BODY) + 8 + 10, 16);
            fins[21 * i + 20] = '\n';
        }
        if (send_all(c, fins, (size_t)k * 21))
            return -1;
        done += k;
    }
    t[1] = now_s() - t0;
    close(c);
    close(fd);
    return 0;
}

/* redis: LPUSH n, then BRPOP n. */
static int redis_round(int port, long n, double t[2])
{
    int fd = dial(port);
    if (fd < 0)
        return -1;
    static char batch[DEPTH * 160];
    size_t blen = 0;
    char body[BODY + 1];
    memset(body, 'x', BODY);
    body[BODY] = 0;
    for (int i = 0; i < DEPTH; i++)
        blen += (size_t)sprintf(batch + blen, "*3\r\n$5\r\nLPUSH\r\n$1\r\nq\r\n$%d\r\n%s\r\n", BODY,
                                body);
    size_t one = blen / DEPTH;
    double t0 = now_s();
    for (long done = 0; done < n;) {
        long k = n - done < DEPTH ? n - done : DEPTH;
        if (send_all(fd, batch, (size_t)k * one) || read_lines(fd, k))
            return -1;
        done += k;
    }
    t[0] = now_s() - t0;
    static char pops[DEPTH * 32];
    size_t plen = 0;
    for (int i = 0; i < DEPTH; i++)
        plen += (size_t)sprintf(pops + plen, "*3\r\n$5\r\nBRPOP\r\n$1\r\nq\r\n$1\r\n1\r\n");
    size_t pone = plen / DEPTH;
    /* each reply: *2\r\n$1\r\nq\r\n$100\r\n<100 bytes>\r\n */
    size_t reply = 4 + 4 + 3 + 6 + BODY + 2;
    t0 = now_s();
    for (long done = 0; done < n;) {
        long k = n - done < DEPTH ? n - done : DEPTH;
        if (send_all(fd, pops, (size_t)k * pone) || read_n(fd, (size_t)k * reply))
            return -1;
        done += k;
    }
    t[1] = now_s() - t0;
    close(fd);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    long n = getenv("NSQ_VS_REDIS_N") ? atol(getenv("NSQ_VS_REDIS_N")) : 200000;
    int rounds = getenv("NSQ_VS_REDIS_ROUNDS") ? atoi(getenv("NSQ_VS_REDIS_ROUNDS")) : 5;
    if (rounds < 1 || rounds > 50 || n < DEPTH)
        return 2;
    char dir[] = "/tmp/nsq-vs-redis-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    int np, rp;
    pid_t npid = start_nsqd(&np);
    pid_t rpid = start_redis(&rp, dir);
    int rc = 0;
    if (npid < 0 || rpid < 0) {
        fprintf(stderr, "nsq_vs_redis: %s did not start%s\n", npid < 0 ? "nsqd" : "redis-server",
                rpid < 0 ? " (Debian's redis-server package)" : "");
        rc = 1;
        goto out;
    }
    double nt[2][50], rt[2][50], ratio[2][50];
    for (int r = 0; r < rounds; r++) {
        double a[2], b[2];
        int e = r % 2 ? (redis_round(rp, n, b) || nsq_round(np, n, a))
                      : (nsq_round(np, n, a) || redis_round(rp, n, b));
        if (e) {
            fprintf(stderr, "nsq_vs_redis: round %d failed\n", r);
            rc = 1;
            goto out;
        }
        for (int k = 0; k < 2; k++) {
            nt[k][r] = a[k];
            rt[k][r] = b[k];
            ratio[k][r] = b[k] / a[k]; /* nsq msgs/s over redis msgs/s */
        }
    }
    const char *names[2] = {"Pub", "Sub"};
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    for (int k = 0; k < 2; k++) {
        qsort(nt[k], (size_t)rounds, sizeof(double), cmp);
        qsort(rt[k], (size_t)rounds, sizeof(double), cmp);
        qsort(ratio[k], (size_t)rounds, sizeof(double), cmp);
        double tn = nt[k][rounds / 2], tr = rt[k][rounds / 2];
        printf("Benchmark%s/nsq-%ld\t%8ld\t%10.1f ns/op\t%10.0f msgs/s\t%.2f nsq/redis\n", names[k],
               cpus, n, tn * 1e9 / (double)n, (double)n / tn, ratio[k][rounds / 2]);
        printf("Benchmark%s/redis-%ld\t%8ld\t%10.1f ns/op\t%10.0f msgs/s\n", names[k], cpus, n,
               tr * 1e9 / (double)n, (double)n / tr);
    }
out:
    if (npid > 0)
        kill(npid, SIGKILL), waitpid(npid, NULL, 0);
    if (rpid > 0)
        kill(rpid, SIGKILL), waitpid(rpid, NULL, 0);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {
    }
    return rc;
}
