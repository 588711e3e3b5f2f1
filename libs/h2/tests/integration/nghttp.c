/*
 * nghttp.c — h2_serve against a real HTTP/2 client: nghttp (Debian's
 * nghttp2-client) on a free loopback port. Three runs: one request with a
 * header and a trailer whose response headers and trailers nghttp prints;
 * a 1 MiB body echoed through nghttp's 16 KiB stream window (h2 parks on
 * it); 32 requests at once on one conn. The temp folder is removed and
 * nghttp killed on every way out. Exit 0: all agreed; 1: a difference
 * (printed); 77: nghttp is not installed.
 *
 * Interface: main [seed].
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <undergo/h2.h>
#include <undergo/runtime.h>

extern char **environ;

static char tmpdir[64];
static pid_t child;
static int failures;

static void cleanup(void)
{
    if (child > 0) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        child = 0;
    }
    if (tmpdir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "nghttp: could not remove %s\n", tmpdir);
        tmpdir[0] = 0;
    }
}

static const char *find_nghttp(void)
{
    static char path[512];
    const char *p = getenv("PATH");
    if (!p)
        p = "/usr/bin:/bin";
    while (*p) {
        size_t n = strcspn(p, ":");
        snprintf(path, sizeof path, "%.*s/nghttp", (int)n, p);
        if (access(path, X_OK) == 0)
            return path;
        p += n;
        if (*p)
            p++;
    }
    return NULL;
}

static void echo_handler(h2_stream_t *s, void *arg)
{
    (void)arg;
    size_t n;
    const h2_header_t *hd = h2_headers(s, &n);
    const char *path = h2_header_get(hd, n, ":path");
    const char *xr = h2_header_get(hd, n, "x-req");
    h2_header_t resp[] = {{":status", "200"},
                          {"content-type", "application/octet-stream"},
                          {"x-path", path ? path : "?"},
                          {"x-req-echo", xr ? xr : "none"}};
    if (h2_send_headers(s, resp, 4, false))
        return;
    char buf[9000];
    size_t total = 0;
    ssize_t r;
    while ((r = h2_read(s, buf, sizeof buf)) > 0) {
        if (h2_write(s, buf, (size_t)r))
            return;
        total += (size_t)r;
    }
    if (r < 0)
        return;
    size_t nt;
    const h2_header_t *t = h2_trailers(s, &nt);
    const char *rt = h2_header_get(t, nt, "x-req-trailer");
    char len[32];
    snprintf(len, sizeof len, "%zu", total);
    h2_header_t trl[] = {{"x-len", len}, {"x-req-trailer-echo", rt ? rt : "none"}};
    h2_send_headers(s, trl, 2, true);
}

static void serve_task(void *arg)
{
    h2_serve(arg, echo_handler, NULL);
}

static void accept_task(void *arg)
{
    listener_t *l = arg;
    conn_t *c;
    while (listener_accept(l, &c) == 0)
        task_spawn(serve_task, c, NULL);
}

/* Runs nghttp with args, stdout to out; parks (polling) until it exits.
 * Returns its exit status, or -1. */
static int run_nghttp(const char *bin, char *const *args, const char *out)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char err[128];
    snprintf(err, sizeof err, "%s.err", out);
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char *argv[32];
    size_t k = 0;
    argv[k++] = (char *)bin;
    for (size_t i = 0; args[i] && k < 31; i++)
        argv[k++] = args[i];
    argv[k] = NULL;
    int rc = posix_spawn(&child, bin, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc) {
        fprintf(stderr, "nghttp: cannot run %s: %s\n", bin, strerror(rc));
        child = 0;
        return -1;
    }
    int status;
    for (int waited = 0; waited < 60000; waited += 5) {
        pid_t p = waitpid(child, &status, WNOHANG);
        if (p == child) {
            child = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        clock_sleep(5 * CLOCK_MS);
    }
    fprintf(stderr, "nghttp: still running after 60 s\n");
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    child = 0;
    return -1;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    size_t r;
    while ((r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            b = realloc(b, (cap *= 2) + 1);
    }
    fclose(f);
    b[n] = 0;
    *len = n;
    return b;
}

static void expect_in(const char *what, const char *text, const char *needle)
{
    if (!strstr(text, needle)) {
        fprintf(stderr, "FAIL %s: nghttp's output lacks \"%s\"\n", what, needle);
        failures++;
    }
}

typedef struct run {
    const char *bin;
    uint64_t seed;
} run_t;

static void main_task(void *arg)
{
    run_t *r = arg;
    listener_t *l;
    if (net_listen("tcp", "127.0.0.1:0", &l)) {
        fprintf(stderr, "FAIL: cannot listen on loopback\n");
        failures++;
        return;
    }
    task_spawn(accept_task, l, NULL);
    char base[128], small[160], big[160], out[160];
    snprintf(base, sizeof base, "http://%s", listener_addr(l));
    snprintf(small, sizeof small, "%s/small", tmpdir);
    snprintf(big, sizeof big, "%s/big", tmpdir);
    snprintf(out, sizeof out, "%s/out", tmpdir);

    /* the bodies */
    size_t nsmall = 10 + r->seed % 90, nbig = (1u << 20) + r->seed % 4096;
    char *b = malloc(nbig);
    uint64_t x = r->seed * 2654435761u + 1;
    for (size_t i = 0; i < nbig; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b[i] = (char)x;
    }
    FILE *f = fopen(small, "wb");
    for (size_t i = 0; i < nsmall; i++)
        fputc('a' + (int)(i % 26), f);
    fclose(f);
    f = fopen(big, "wb");
    fwrite(b, 1, nbig, f);
    fclose(f);

    /* 1: headers, body and trailers both ways, as nghttp -v prints them */
    char url[200], tr[64], want[96];
    snprintf(url, sizeof url, "%s/echo/one", base);
    snprintf(tr, sizeof tr, "x-req-trailer: t%llu", (unsigned long long)r->seed);
    char *a1[] = {"-v", "-H", "x-req: hello", "--trailer", tr, "-d", small, url, NULL};
    int rc = run_nghttp(r->bin, a1, out);
    size_t n;
    char *text = slurp(out, &n);
    if (rc != 0 || !text) {
        fprintf(stderr, "FAIL headers: nghttp exited %d\n", rc);
        failures++;
    } else {
        expect_in("headers", text, ":status: 200");
        expect_in("headers", text, "x-path: /echo/one");
        expect_in("headers", text, "x-req-echo: hello");
        snprintf(want, sizeof want, "x-len: %zu", nsmall);
        expect_in("trailers", text, want);
        snprintf(want, sizeof want, "x-req-trailer-echo: t%llu", (unsigned long long)r->seed);
        expect_in("trailers", text, want);
        expect_in("trailers", text, "END_STREAM");
    }
    free(text);

    /* 2: a megabyte each way through nghttp's 16 KiB stream window */
    snprintf(url, sizeof url, "%s/echo/big", base);
    char *a2[] = {"-w", "14", "-W", "16", "-d", big, url, NULL};
    rc = run_nghttp(r->bin, a2, out);
    text = slurp(out, &n);
    if (rc != 0 || !text || n != nbig || memcmp(text, b, nbig)) {
        fprintf(stderr, "FAIL big: nghttp exited %d, echoed %zu of %zu bytes%s\n", rc, text ? n : 0,
                nbig, text && n == nbig ? " (different bytes)" : "");
        failures++;
    }
    free(text);

    /* 3: 32 requests at once on one conn */
    snprintf(url, sizeof url, "%s/echo/many", base);
    char *a3[] = {"-n", "-s", "-m", "32", "-d", small, url, NULL};
    rc = run_nghttp(r->bin, a3, out);
    text = slurp(out, &n);
    if (rc != 0 || !text) {
        fprintf(stderr, "FAIL many: nghttp exited %d\n", rc);
        failures++;
    } else {
        expect_in("many", text, "Request timing");
    }
    free(text);
    free(b);
    listener_close(l);
}

int main(int argc, char **argv)
{
    const char *bin = find_nghttp();
    if (!bin) {
        printf("SKIP: nghttp not found; install Debian's nghttp2-client\n");
        return 77;
    }
    run_t r = {.bin = bin, .seed = argc > 1 ? strtoull(argv[1], NULL, 10) : 1};
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ug-h2-nghttp-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    atexit(cleanup);
    signal(SIGPIPE, SIG_IGN);
    rt_config_t cfg = {.seed = r.seed, .clock = RT_CLOCK_REAL};
    int rc = rt_run(&cfg, main_task, &r);
    if (rc) {
        fprintf(stderr, "FAIL: rt_run %d\n%s\n", rc, rt_report() ? rt_report() : "");
        failures++;
    }
    if (failures)
        fprintf(stderr, "nghttp: %d check(s) failed; rerun: %s %llu\n", failures, argv[0],
                (unsigned long long)r.seed);
    else
        printf("nghttp: headers, trailers, 1 MiB echo and 32 streams agree\n");
    return failures ? 1 : 0;
}
