/*
 * grpcgo.c — the call layer and the lab's interceptors against a real
 * grpc-go 1.33 server (grpcgo/peer.go, built offline from Debian's
 * golang-google-grpc-dev in /usr/share/gocode).
 *
 * The peer is built into a temporary folder, started on a free loopback
 * port (it prints its address), and killed at the end. The client runs on
 * the real clock over real TCP: an echo through a client chain with
 * metadata (a -bin value, a header and a trailer back), every status code
 * with a percent-encoded message, a deadline that reaches the server as
 * grpc-timeout, a call that ends DEADLINE_EXCEEDED, and an unknown method.
 * Then the other way: the peer, run as a grpc-go client, calls a server of
 * the lab's (ic_h2_handler, a chain with ic_recovery) and checks the echo
 * with metadata, the codes, the deadline it sees, a panic as INTERNAL and
 * an unknown method. Exits 0 when all held, 77 when Go or grpc-go is missing, 1 otherwise.
 *
 * Interface: main → build → start → rt_run(calls) → kill.
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

#include "interceptor.h"

static char addr[64];
static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            fprintf(stderr, "grpcgo: %s:%d: ", __FILE__, __LINE__);                                \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

static int order(ic_call_t *call, const char *method, const ic_buf_t *req, ic_buf_t *resp,
                 ic_conn_t *cc, ic_invoker_t inv, void *ud)
{
    strcat(call->user, ud);
    return inv.fn(call, method, req, resp, cc, inv.ud);
}

static void calls(h2_conn_t *h)
{
    ic_unary_client_int_t ints[2] = {{order, "1"}, {order, "2"}};
    char trace[8] = "";
    ic_call_t call;
    ic_call_init(&call, ctx_background());
    call.user = trace;
    uint8_t bin[5] = {0, 0xff, 'x', 0x80, 7};
    ic_md_append(&call.md, "X-Bin", bin, sizeof bin);
    ic_md_append(&call.md, "authorization", "Bearer go", 9);
    ic_buf_t req = {.data = "hello", .len = 5}, resp = {.len = 0};
    int code = ic_unary_client_run(ints, 2, &call, "/interop.Svc/Echo", &req, &resp, NULL,
                                   (ic_invoker_t){ic_h2_invoke, h});
    CHECK(code == IC_OK, "echo: code %d %s", code, call.msg);
    CHECK(resp.len == 7 && memcmp(resp.data, "helloBA", 7) == 0, "echo: response %.*s",
          (int)resp.len, resp.data);
    CHECK(strcmp(trace, "12") == 0, "echo: client chain ran %s", trace);
    size_t len = 0;
    const void *v = ic_md_get(&call.header, "x-bin", 0, &len);
    CHECK(v && len == sizeof bin && memcmp(v, bin, len) == 0, "echo: x-bin header");
    v = ic_md_get(&call.trailer, "seen-auth", 0, &len);
    CHECK(v && len == 9 && memcmp(v, "Bearer go", 9) == 0, "echo: seen-auth trailer");

    for (int c = 1; c < 17; c++) {
        ic_call_init(&call, ctx_background());
        ic_buf_t r = {.data = {(uint8_t)c}, .len = 1};
        code = ic_h2_invoke(&call, "/interop.Svc/Fail", &r, &resp, NULL, h);
        char want[32];
        snprintf(want, sizeof want, "échec %d", c);
        CHECK(code == c && strcmp(call.msg, want) == 0, "fail %d: got %d \"%s\"", c, code,
              call.msg);
    }

    ctx_t *ctx;
    ctx_with_timeout(ctx_background(), 5 * CLOCK_S, &ctx);
    ic_call_init(&call, ctx);
    code = ic_h2_invoke(&call, "/interop.Svc/Deadline", &req, &resp, NULL, h);
    CHECK(code == IC_OK && resp.len == 6 && memcmp(resp.data, "5000BA", 6) == 0,
          "deadline: %d %.*s", code, (int)resp.len, resp.data);
    ctx_free(ctx);

    int64_t t = 300 * CLOCK_MS;
    ic_unary_client_int_t ti = {ic_timeout, &t};
    ic_call_init(&call, ctx_background());
    int64_t t0 = clock_now();
    code = ic_unary_client_run(&ti, 1, &call, "/interop.Svc/Slow", &req, &resp, NULL,
                               (ic_invoker_t){ic_h2_invoke, h});
    int64_t took = clock_now() - t0;
    CHECK(code == IC_DEADLINE_EXCEEDED, "slow: code %d %s", code, call.msg);
    CHECK(took >= t && took < t + 200 * CLOCK_MS, "slow: took %lld ns", (long long)took);

    ic_call_init(&call, ctx_background());
    code = ic_h2_invoke(&call, "/interop.Svc/Nope", &req, &resp, NULL, h);
    CHECK(code == IC_UNIMPLEMENTED, "unknown method: %d %s", code, call.msg);
}

static void client_main(void *arg)
{
    (void)arg;
    conn_t *c;
    h2_conn_t *h;
    int rc = net_dial("tcp", addr, &c);
    if (rc) {
        CHECK(0, "dial %s: %s", addr, net_strerror(rc));
        return;
    }
    if ((rc = h2_client(c, &h))) {
        CHECK(0, "h2_client: %d", rc);
        return;
    }
    calls(h);
    h2_close(h);
    h2_free(h);
}

/* ---- the other way: grpc-go's client against the lab's server ---- */

static const char *peer_bin;

static int c_echo(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    (void)ud;
    size_t len;
    const void *v = ic_md_get(&call->md, "x-bin", 0, &len);
    if (v)
        ic_md_append(&call->header, "x-bin", v, len);
    v = ic_md_get(&call->md, "authorization", 0, &len);
    if (v)
        ic_md_append(&call->trailer, "seen-auth", v, len);
    if (req->len == 1 && req->data[0] == '!')
        ic_panic("handler panicked");
    *resp = *req;
    return IC_OK;
}

static int c_fail(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    (void)resp, (void)ud;
    return ic_error(call, req->data[0], "échec %d", req->data[0]);
}

static int c_deadline(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, void *ud)
{
    (void)req, (void)ud;
    int64_t when;
    if (ctx_deadline(call->ctx, &when))
        return ic_error(call, IC_FAILED_PRECONDITION, "no deadline");
    long long ms = (when - clock_now() + 50 * CLOCK_MS) / (100 * CLOCK_MS) * 100;
    resp->len = (size_t)snprintf((char *)resp->data, sizeof resp->data, "%lld", ms);
    return IC_OK;
}

static int c_tag(ic_call_t *call, const ic_buf_t *req, ic_buf_t *resp, const ic_server_info_t *info,
                 ic_unary_handler_t h, void *ud)
{
    (void)info, (void)ud;
    int code = h.fn(call, req, resp, h.ud);
    if (code == IC_OK)
        resp->data[resp->len++] = 'C';
    return code;
}

static void server_main(void *arg)
{
    int *status = arg;
    static ic_server_t srv = {
        .methods = {{"/interop.Svc/Echo", {c_echo, NULL}},
                    {"/interop.Svc/Fail", {c_fail, NULL}},
                    {"/interop.Svc/Deadline", {c_deadline, NULL}}},
        .nmethods = 3,
        .chain = {{c_tag, NULL}, {ic_recovery, NULL}},
        .nchain = 2,
    };
    listener_t *l;
    conn_t *c;
    if (net_listen("tcp", "127.0.0.1:0", &l)) {
        CHECK(0, "listen");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        execl(peer_bin, peer_bin, "client", listener_addr(l), (char *)NULL);
        _exit(127);
    }
    listener_set_deadline(l, clock_now() + 60 * CLOCK_S);
    if (listener_accept(l, &c) == 0) {
        int rc = h2_serve(c, ic_h2_handler, &srv);
        CHECK(rc == 0, "h2_serve: %d", rc);
    } else {
        CHECK(0, "the grpc-go client did not connect");
        kill(pid, SIGKILL);
    }
    listener_close(l);
    listener_free(l);
    waitpid(pid, status, 0);
}

/* The folder of peer.go: beside __FILE__, which the build may have made
 * relative to the source tree; then the tree is found upward of the
 * executable. Returns 0 or -ENOENT. */
static int peer_dir(char *out, size_t cap)
{
    char rel[256], exe[256], probe[600];
    snprintf(rel, sizeof rel, "%s", __FILE__);
    *strrchr(rel, '/') = '\0';
    if (rel[0] == '/') {
        if ((size_t)snprintf(out, cap, "%s/grpcgo", rel) >= cap)
            return -ENOENT;
        return access(out, R_OK) == 0 ? 0 : -ENOENT;
    }
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -ENOENT;
    exe[n] = '\0';
    for (char *slash; (slash = strrchr(exe, '/')) != NULL;) {
        *slash = '\0';
        snprintf(probe, sizeof probe, "%s/%s/grpcgo/peer.go", exe, rel);
        if (access(probe, R_OK) == 0) {
            return (size_t)snprintf(out, cap, "%s/%s/grpcgo", exe, rel) < cap ? 0 : -ENOENT;
        }
    }
    return -ENOENT;
}

/* Builds the peer into dir; 0, or 77 when the toolchain is missing. */
static int build(const char *dir, char *bin, size_t cap)
{
    if (system("command -v go >/dev/null 2>&1") != 0 ||
        access("/usr/share/gocode/src/google.golang.org/grpc/server.go", R_OK) != 0) {
        printf("grpcgo: skipped: needs golang-go and golang-google-grpc-dev "
               "(/usr/share/gocode)\n");
        return 77;
    }
    char src[600], cmd[2048];
    if (peer_dir(src, sizeof src)) {
        fprintf(stderr, "grpcgo: cannot find grpcgo/peer.go beside %s\n", __FILE__);
        return 1;
    }
    snprintf(bin, cap, "%s/peer", dir);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && GO111MODULE=off GOPROXY=off GOFLAGS= GOENV=off CGO_ENABLED=0 "
             "GOCACHE='%s/gocache' GOPATH=/usr/share/gocode go build -o '%s' peer.go",
             src, dir, bin);
    return system(cmd) == 0 ? 0 : 1;
}

int main(void)
{
    char dir[] = "/tmp/ic-grpcgo-XXXXXX", bin[600];
    if (!mkdtemp(dir))
        return 1;
    int rc = build(dir, bin, sizeof bin);
    if (rc) {
        if (rc != 77)
            fprintf(stderr, "grpcgo: go build of the peer failed\n");
        goto out;
    }
    int fds[2];
    if (pipe(fds))
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        execl(bin, bin, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[128] = "";
    if (!f || !fgets(line, sizeof line, f) || sscanf(line, "ADDR %63s", addr) != 1) {
        fprintf(stderr, "grpcgo: the peer did not start\n");
        rc = 1;
    } else {
        rt_config_t cfg = {.clock = RT_CLOCK_REAL, .sched = RT_SCHED_FIFO};
        if (rt_run(&cfg, client_main, NULL) != 0)
            CHECK(0, "rt_run: %s", rt_report() ? rt_report() : "?");
        printf("grpcgo: the lab's client %s against grpc-go's server at %s\n",
               failures ? "FAILED" : "passed", addr);
        int st = -1;
        peer_bin = bin;
        if (rt_run(&cfg, server_main, &st) != 0)
            CHECK(0, "rt_run: %s", rt_report() ? rt_report() : "?");
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "grpc-go's client against the lab's server");
        printf("grpcgo: grpc-go's client %s against the lab's server\n",
               WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "passed" : "FAILED");
        rc = failures ? 1 : 0;
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    if (f)
        fclose(f);
out:;
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    return rc;
}
