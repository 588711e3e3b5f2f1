/*
 * net_bench.c — the runtime's I/O against real anchors, in Go's format,
 * one run, side by side.
 *
 * Echo: one-byte round trips over loopback TCP. Anchors first: two threads
 * on blocking sockets (a pthread pair), then Go's net package (two
 * goroutines, benchmarks/net/go); then the runtime, both ends as tasks on
 * its one thread, parked on the netpoller. The runtime's line adds
 * time-vs-pthread and time-vs-go (its ns/op over theirs; the issue's
 * target is at most 1.2 against the pthread pair).
 *
 * HTTP: requests/s of a "Hello, World!" server under the same load
 * generator (loadgen.c: 64 keep-alive connections on one thread), in a
 * process of its own: Go's net/http, then libs/http on the runtime (one
 * thread, FIFO, the real clock). The core's line adds x-vs-go, its
 * requests/s over Go's (target at least 1.0).
 *
 * Without a Go toolchain (Debian's golang-go) the Go lines read
 * "--- SKIP" with the reason, as go test prints a skipped benchmark.
 *
 * Each group runs in rounds (pthread, Go, runtime, pthread, Go, ...), so
 * a load that changes during the run (a shared machine) weighs on every
 * member alike; a line's count is its total over the rounds.
 *
 * usage: net_bench [-bench REGEX] [-benchtime 1s|500ms|1000x]
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <undergo/http.h>
#include <undergo/runtime.h>
#include "loadgen.h"

#define HTTP_CONNS 64

typedef struct bench {
    const char *name;
    /* Runs n operations; returns their ns (the timed part), or < 0 to skip. */
    double (*run)(uint64_t n, const char **why);
    double ns_per_op;            /* of the last run */
} bench_t;

static double now_ns(void) {
    /* CLOCK_MONOTONIC: a wall-clock step must not make a round negative. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The Go twin beside this binary (built by CMake when Go is there). */
static const char *go_binary(void) {
    static char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 16);
    if (n <= 0) return NULL;
    path[n] = '\0';
    strcpy(strrchr(path, '/') + 1, "netbench_go");
    return access(path, X_OK) == 0 ? path : NULL;
}

static const char *no_go = "no Go toolchain (Debian's golang-go): the Go anchor is not measured";

/* ---- echo: a pthread pair on blocking sockets ---- */

static void tcp_pair(int *a, int *b) {
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (bind(l, (struct sockaddr *)&sa, sizeof sa) || listen(l, 1) ||
        getsockname(l, (struct sockaddr *)&sa, &len))
        abort();
    *a = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(*a, (struct sockaddr *)&sa, sizeof sa) || (*b = accept(l, NULL, NULL)) < 0) abort();
    setsockopt(*a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(*b, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    close(l);
}

static void *pt_echo(void *p) {
    int fd = *(int *)p;
    char c;
    while (read(fd, &c, 1) == 1 && write(fd, &c, 1) == 1) {}
    return NULL;
}

static double echo_pthread(uint64_t n, const char **why) {
    (void)why;
    int a, b;
    tcp_pair(&a, &b);
    pthread_t th;
    pthread_create(&th, NULL, pt_echo, &b);
    char c = 'x';
    double t0 = now_ns();
    for (uint64_t i = 0; i < n; i++)
        if (write(a, &c, 1) != 1 || read(a, &c, 1) != 1) abort();
    double t = now_ns() - t0;
    shutdown(a, SHUT_WR);
    pthread_join(th, NULL);
    close(a), close(b);
    return t;
}

/* ---- echo: Go's net ---- */

static double echo_go(uint64_t n, const char **why) {
    const char *go = go_binary();
    if (!go) {
        *why = no_go;
        return -1;
    }
    int in[2], out[2];
    if (pipe(in) || pipe(out)) abort();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0), dup2(out[1], 1);
        execl(go, go, "echo", (char *)NULL);
        _exit(127);
    }
    close(in[0]), close(out[1]);
    FILE *rd = fdopen(out[0], "r"), *wr = fdopen(in[1], "w");
    char line[64];
    double t = -1;
    if (fgets(line, sizeof line, rd) && !strcmp(line, "ready\n")) {
        double t0 = now_ns();
        fprintf(wr, "go %llu\n", (unsigned long long)n);
        fflush(wr);
        if (fgets(line, sizeof line, rd) && !strcmp(line, "done\n")) t = now_ns() - t0;
    }
    fclose(rd), fclose(wr);
    waitpid(pid, NULL, 0);
    if (t < 0) *why = "the Go twin failed";
    return t;
}

/* ---- echo: the runtime ---- */

typedef struct {
    uint64_t n;
    double ns;
} rt_echo_t;

static void rt_echo_server(void *arg) {
    conn_t *c = arg;
    char b;
    while (conn_read(c, &b, 1) == 1 && conn_write(c, &b, 1, NULL) == 0) {}
}

static void rt_echo_main(void *arg) {
    rt_echo_t *e = arg;
    listener_t *l;
    conn_t *a, *b;
    if (net_listen("tcp", "127.0.0.1:0", &l) || net_dial("tcp", listener_addr(l), &a) ||
        listener_accept(l, &b))
        abort();
    task_spawn(rt_echo_server, b, NULL);
    char c = 'x';
    double t0 = now_ns();
    for (uint64_t i = 0; i < e->n; i++)
        if (conn_write(a, &c, 1, NULL) || conn_read(a, &c, 1) != 1) abort();
    e->ns = now_ns() - t0;
    conn_free(a);
    conn_free(b);
    listener_free(l);
}

static double echo_runtime(uint64_t n, const char **why) {
    (void)why;
    rt_echo_t e = {.n = n};
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .clock = RT_CLOCK_REAL};
    if (rt_run(&cfg, rt_echo_main, &e)) abort();
    return e.ns;
}

/* ---- HTTP: a server in a child process, loadgen here ---- */

/* Starts a server process; returns its pid and fills *port, or -1. */
static pid_t start_server(void (*child)(int fd), int *port) {
    int p[2];
    if (pipe(p)) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        child(p[1]);
        _exit(0);
    }
    close(p[1]);
    char line[128] = {0};
    ssize_t k = read(p[0], line, sizeof line - 1);
    close(p[0]);
    char *colon = k > 0 ? strrchr(line, ':') : NULL;
    if (!colon) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    *port = atoi(colon + 1);
    return pid;
}

static double run_load(pid_t pid, int port, uint64_t n, const char **why) {
    double t0 = now_ns();
    int rc = loadgen_run("127.0.0.1", port, HTTP_CONNS, n);
    double t = now_ns() - t0;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    if (rc) *why = "the server stopped answering";
    return rc ? -1 : t;
}

static void go_http_child(int fd) {
    const char *go = go_binary();
    dup2(fd, 1);
    execl(go, go, "http", (char *)NULL);
}

static double http_go(uint64_t n, const char **why) {
    if (!go_binary()) {
        *why = no_go;
        return -1;
    }
    int port;
    pid_t pid = start_server(go_http_child, &port);
    if (pid < 0) {
        *why = "the Go server did not start";
        return -1;
    }
    return run_load(pid, port, n, why);
}

static void hello(http_response_t *w, http_request_t *r, void *ud) {
    (void)r, (void)ud;
    http_set_header(w, "Content-Type", "text/plain; charset=utf-8");
    http_write(w, "Hello, World!", 13);
}

static void core_main(void *arg) {
    int fd = *(int *)arg;
    listener_t *l;
    http_server_t *s;
    http_server_config_t cfg = {.handler = hello};
    if (net_listen("tcp", "127.0.0.1:0", &l) || http_server_new(&cfg, &s)) _exit(1);
    dprintf(fd, "%s\n", listener_addr(l));
    close(fd);
    http_serve(s, l);
}

static void core_http_child(int fd) {
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .clock = RT_CLOCK_REAL};
    rt_run(&cfg, core_main, &fd);
}

static double http_core(uint64_t n, const char **why) {
    int port;
    pid_t pid = start_server(core_http_child, &port);
    if (pid < 0) {
        *why = "the core's server did not start";
        return -1;
    }
    return run_load(pid, port, n, why);
}

/* ---- the harness: rounds, interleaved; Go's lines ---- */

#define ROUNDS 6

static bench_t echo_group[] = {
    {"BenchmarkEcho_1PthreadPair", echo_pthread, 0},
    {"BenchmarkEcho_2GoNet", echo_go, 0},
    {"BenchmarkEcho_3Runtime", echo_runtime, 0},
};
static bench_t http_group[] = {
    {"BenchmarkHTTP_1GoNetHTTP", http_go, 0},
    {"BenchmarkHTTP_2Core", http_core, 0},
};

static void print_line(const bench_t *b, uint64_t n, const bench_t *group) {
    printf("%s-%ld \t%10llu\t%12.1f ns/op", b->name, sysconf(_SC_NPROCESSORS_ONLN),
           (unsigned long long)n, b->ns_per_op);
    if (!strncmp(b->name, "BenchmarkHTTP", 13)) printf("\t%12.0f req/s", 1e9 / b->ns_per_op);
    if (!strcmp(b->name, "BenchmarkEcho_3Runtime")) {
        if (group[0].ns_per_op) printf("\t%8.3f time-vs-pthread", b->ns_per_op / group[0].ns_per_op);
        if (group[1].ns_per_op) printf("\t%8.3f time-vs-go", b->ns_per_op / group[1].ns_per_op);
    }
    if (!strcmp(b->name, "BenchmarkHTTP_2Core") && group[0].ns_per_op)
        printf("\t%8.3f x-vs-go", group[0].ns_per_op / b->ns_per_op);
    printf("\n");
}

/* Sizes n on the group's last member (the runtime's) until a round lasts
 * benchtime / ROUNDS (or takes fixed_n / ROUNDS), then runs ROUNDS rounds
 * of every member in turn, so a machine whose load changes meanwhile
 * weighs on all of them alike. Prints one line per member. */
static void run_group(bench_t *g, size_t count, const regex_t *re, double benchtime,
                      uint64_t fixed_n) {
    bool want[8] = {0}, any = false;
    for (size_t i = 0; i < count; i++) any |= want[i] = regexec(re, g[i].name, 0, NULL, 0) == 0;
    if (!any) return;
    const char *why = NULL;
    uint64_t n = fixed_n ? (fixed_n + ROUNDS - 1) / ROUNDS : 100;
    bench_t *probe = &g[count - 1];
    for (double t = 0; !fixed_n && t < benchtime / ROUNDS && n < 100000000;) {
        if ((t = probe->run(n, &why)) < 0) break;
        if (t < benchtime / ROUNDS) {
            double grow = t > 0 ? benchtime / ROUNDS * 1.2 / t : 100;
            n = (uint64_t)((double)n * (grow > 100 ? 100 : grow < 2 ? 2 : grow));
        }
    }
    double total[8] = {0};
    const char *skip[8] = {0};
    for (int r = 0; r < ROUNDS; r++)
        for (size_t i = 0; i < count; i++) {
            if (!want[i] || skip[i]) continue;
            double t = g[i].run(n, &why);
            if (t < 0) skip[i] = why ? why : "failed";
            else total[i] += t;
        }
    for (size_t i = 0; i < count; i++) {
        g[i].ns_per_op = want[i] && !skip[i] ? total[i] / (double)(n * ROUNDS) : 0;
        if (skip[i]) printf("--- SKIP: %s\n    net_bench: %s\n", g[i].name, skip[i]);
        else if (want[i]) print_line(&g[i], n * ROUNDS, g);
        fflush(stdout);
    }
}

/* "1s", "500ms", "2000x" → seconds or a fixed count. */
static int parse_benchtime(const char *s, double *ns, uint64_t *n) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || v <= 0) return -1;
    if (!strcmp(end, "x")) *n = (uint64_t)v;
    else if (!strcmp(end, "s")) *ns = v * 1e9;
    else if (!strcmp(end, "ms")) *ns = v * 1e6;
    else return -1;
    return 0;
}

int main(int argc, char **argv) {
    const char *pattern = ".";
    double benchtime = 1e9;
    uint64_t fixed_n = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-bench") && i + 1 < argc) pattern = argv[++i];
        else if (!strcmp(argv[i], "-benchtime") && i + 1 < argc &&
                 parse_benchtime(argv[++i], &benchtime, &fixed_n) == 0) {}
        else {
            fprintf(stderr, "usage: net_bench [-bench REGEX] [-benchtime 1s|500ms|1000x]\n");
            return 2;
        }
    }
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB)) {
        fprintf(stderr, "net_bench: bad -bench pattern '%s'\n", pattern);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    printf("goos: linux\ngoarch: amd64\npkg: undergo/benchmarks/net\n");
    run_group(echo_group, sizeof echo_group / sizeof echo_group[0], &re, benchtime, fixed_n);
    run_group(http_group, sizeof http_group / sizeof http_group[0], &re, benchtime, fixed_n);
    regfree(&re);
    printf("PASS\n");
    return 0;
}
