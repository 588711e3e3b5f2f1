/*
 * interop.c — the lab's gRPC against grpc-go 1.33 (Debian's
 * golang-google-grpc-dev), on loopback: the C client calls a grpc-go
 * server, and a grpc-go client calls the C server. The Go peer
 * (peer_go.h) is built offline with Debian's Go into a temp dir; each
 * server gets a random free port and is killed and the dir removed on
 * every path out. Exit 0 passes, 77 skips naming the missing package.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <undergo/h2.h>
#include <undergo/runtime.h>

#include "wire.h"
#include "peer_go.h"

static char dir[64] = "/tmp/wire-interop-XXXXXX";
static pid_t server_pid;

static void cleanup(void)
{
    if (server_pid > 0) {
        kill(server_pid, SIGKILL);
        waitpid(server_pid, NULL, 0);
        server_pid = 0;
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "interop: cannot remove %s\n", dir);
}

/* A free loopback port: bind port 0, read it, close. */
static int free_port(void)
{
    char cmd[] = "python3 -c 'import socket;s=socket.socket();s.bind((\"127.0.0.1\",0));"
                 "print(s.getsockname()[1])'";
    FILE *p = popen(cmd, "r");
    int port = 0;
    if (p && fscanf(p, "%d", &port) != 1)
        port = 0;
    if (p)
        pclose(p);
    return port;
}

static int build_peer(void)
{
    char path[128], cmd[512];
    snprintf(path, sizeof path, "%s/peer.go", dir);
    FILE *f = fopen(path, "w");
    if (!f || fputs(wt_peer_go, f) < 0)
        return -1;
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && GO111MODULE=off GOPROXY=off GOFLAGS= GOENV=off CGO_ENABLED=0 "
             "GOCACHE='%s/cache' GOPATH=/usr/share/gocode go build -o peer peer.go",
             dir, dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- the C client against the grpc-go server ---- */

static char target[64];
static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "interop: " __VA_ARGS__);                                              \
            fprintf(stderr, "\n");                                                                 \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void client(void *arg)
{
    (void)arg;
    conn_t *c = NULL;
    h2_conn_t *h;
    int rc = -1;
    for (int i = 0; i < 100 && (rc = net_dial("tcp", target, &c)) != 0; i++)
        clock_sleep(50 * 1000000LL);
    CHECK(rc == 0, "cannot dial the grpc-go server at %s", target);
    if (rc || h2_client(c, &h))
        return;
    wt_msg_t *req = wt_msg_new(&wt_schema_all), *resp = wt_msg_new(&wt_schema_all);
    wt_status_t st;
    wt_push(req, 2)->i = 21;
    rc = wt_call_unary(h, "/wtc.Test/Double", req, resp, &st);
    int64_t got = wt_get(resp, 2)->n ? wt_get(resp, 2)->v[0].i : 0;
    CHECK(rc == 0 && st.code == WT_OK && got == 42,
          "Double(21) from grpc-go: rc %d status %d %s, %lld", rc, st.code, st.message,
          (long long)got);
    wt_push(req, 2)->i = -5;
    rc = wt_call_unary(h, "/wtc.Test/Double", req, resp, &st);
    CHECK(rc == 0 && st.code == WT_NOT_FOUND &&
              strcmp(st.message, "no such key: caf\xc3\xa9 100% -5") == 0,
          "Double(-5) from grpc-go: rc %d status %d '%s'", rc, st.code, st.message);
    rc = wt_call_unary(h, "/wtc.Test/Nope", req, resp, &st);
    CHECK(rc == 0 && st.code == WT_UNIMPLEMENTED, "Nope from grpc-go: rc %d status %d", rc,
          st.code);
    printf("interop: C client -> grpc-go server: ok\n");
    wt_msg_free(req);
    wt_msg_free(resp);
    h2_close(h);
    h2_free(h);
}

/* ---- the C server for the grpc-go client ---- */

static int double_it(const wt_msg_t *req, wt_msg_t *resp, const char **msg, void *arg)
{
    (void)arg;
    int64_t v = wt_get(req, 2)->n ? wt_get(req, 2)->v[0].i : 0;
    static char buf[96];
    if (v < 0) {
        snprintf(buf, sizeof buf, "no such key: caf\xc3\xa9 100%% %lld", (long long)v);
        *msg = buf;
        return WT_NOT_FOUND;
    }
    wt_push(resp, 2)->i = 2 * v;
    return WT_OK;
}

static const wt_method_t methods[] = {
    {"/wtc.Test/Double", &wt_schema_all, &wt_schema_all, double_it, NULL, NULL}};
static const wt_service_t service = {methods, 1};

static void serve_one(void *arg)
{
    wt_serve(arg, &service);
}

static void server(void *arg)
{
    listener_t *l;
    if (net_listen("tcp", arg, &l) != 0) {
        fprintf(stderr, "interop: C server cannot listen on %s\n", (char *)arg);
        return;
    }
    conn_t *c;
    while (listener_accept(l, &c) == 0)
        task_spawn(serve_one, c, NULL);
}

static int go_call(const char *addr, long x, char *out, size_t cap)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "'%s/peer' call %s %ld", dir, addr, x);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    if (n && out[n - 1] == '\n')
        out[n - 1] = 0;
    return pclose(p);
}

int main(void)
{
    if (access("/usr/bin/go", X_OK)) {
        printf("interop: go is missing: install Debian's golang-go package\n");
        return 77;
    }
    if (access("/usr/share/gocode/src/google.golang.org/grpc/server.go", R_OK)) {
        printf("interop: grpc-go is missing: install Debian's golang-google-grpc-dev package\n");
        return 77;
    }
    if (!mkdtemp(dir)) {
        perror("interop: mkdtemp");
        return 1;
    }
    atexit(cleanup);
    if (build_peer()) {
        fprintf(stderr, "interop: the grpc-go peer does not build\n");
        return 1;
    }
    /* 1. grpc-go server, C client. */
    int port = free_port();
    snprintf(target, sizeof target, "127.0.0.1:%d", port);
    char peer[128];
    snprintf(peer, sizeof peer, "%s/peer", dir);
    fflush(stdout);
    if ((server_pid = fork()) == 0) {
        execl(peer, peer, "serve", target, (char *)NULL);
        _exit(127);
    }
    rt_config_t cfg = {.seed = 1, .clock = RT_CLOCK_REAL};
    if (rt_run(&cfg, client, NULL) != 0)
        failures++;
    kill(server_pid, SIGKILL);
    waitpid(server_pid, NULL, 0);
    server_pid = 0;
    /* 2. C server, grpc-go client. */
    port = free_port();
    snprintf(target, sizeof target, "127.0.0.1:%d", port);
    fflush(stdout);
    if ((server_pid = fork()) == 0) {
        rt_run(&cfg, server, target);
        _exit(0);
    }
    char out[256];
    int rc = go_call(target, 21, out, sizeof out);
    CHECK(rc == 0 && strcmp(out, "0 42 ") == 0, "grpc-go Double(21) from the C server: '%s'", out);
    rc = go_call(target, -7, out, sizeof out);
    CHECK(rc == 0 && strcmp(out, "5 0 no such key: caf\xc3\xa9 100% -7") == 0,
          "grpc-go Double(-7) from the C server: '%s'", out);
    if (!failures)
        printf("interop: grpc-go client -> C server: ok\n");
    return failures ? 1 : 0;
}
