/*
 * sandbox_bench.c — what one sandboxed run costs, against real anchors.
 *
 * One run of /bin/true three ways: a plain fork+exec+wait (the floor), the
 * grader's sandbox_run() with every mechanism this host allows (a scratch
 * dir, so the mount view is built too), and bubblewrap with all namespaces
 * (`bwrap --unshare-all --die-with-parent --new-session --ro-bind / / true`).
 * The names sort the anchors first, so the sandbox's line reports its
 * ratio to each (x-vs-plain, x-vs-bwrap). BenchmarkSpawn_4Interleaved runs
 * the three in turn (A B C, B C A, ...) so that drift of the machine hits
 * them alike, and reports each one's mean ns/op, the sandbox's and bwrap's
 * medians, and the ratios of both (the median resists the outliers of a
 * shared machine).
 *
 * Interface: sandbox_bench [-bench REGEX] [-benchtime 1s|3x] (bench.h).
 */
#include "sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <undergo/bench.h>
#include <unistd.h>

static double plain_ns, bwrap_ns;   /* last ns/op of the anchors */
static char scratch[64];

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int spawn_wait(char *const argv[])
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void run_plain(void)
{
    char *argv[] = {"/bin/true", NULL};
    if (spawn_wait(argv) != 0)
        abort();
}

static int run_bwrap(void)
{
    char *argv[] = {"/usr/bin/bwrap", "--unshare-all", "--die-with-parent", "--new-session",
                    "--ro-bind", "/", "/", "true", NULL};
    return spawn_wait(argv);
}

static void run_sandbox(void)
{
    static const char *const argv[] = {"/bin/true", NULL};
    if (!scratch[0]) {
        strcpy(scratch, "/tmp/sandbox-bench.XXXXXX");
        if (!mkdtemp(scratch))
            abort();
    }
    sandbox_spec_t spec = {.argv = argv, .cwd = scratch, .scratch_dir = scratch, .wall_s = 10,
                           .cpu_s = 5, .memory_bytes = 64u << 20, .pids = 16};
    sandbox_result_t res;
    if (sandbox_run(&spec, &res) != 0 || res.status != SANDBOX_EXITED || res.exit_code != 0) {
        fprintf(stderr, "sandbox_bench: sandbox_run(/bin/true) failed: %s\n",
                sandbox_last_error());
        abort();
    }
    sandbox_result_free(&res);
}

static bool bwrap_works(void)
{
    static int works = -1;
    if (works < 0)
        works = access("/usr/bin/bwrap", X_OK) == 0 && run_bwrap() == 0;
    return works;
}

UG_BENCH(BenchmarkSpawn_1Plain)
{
    double t0 = now_ns();
    for (uint64_t i = 0; i < b->n; i++)
        run_plain();
    plain_ns = (now_ns() - t0) / (double)b->n;
}

UG_BENCH(BenchmarkSpawn_2Bwrap)
{
    ug_bench_stop_timer(b);
    if (!bwrap_works()) {
        fprintf(stderr, "sandbox_bench: bwrap unavailable here; its line measures nothing\n");
        return;
    }
    ug_bench_start_timer(b);
    double t0 = now_ns();
    for (uint64_t i = 0; i < b->n; i++)
        if (run_bwrap() != 0)
            abort();
    bwrap_ns = (now_ns() - t0) / (double)b->n;
}

UG_BENCH(BenchmarkSpawn_3Sandbox)
{
    ug_bench_stop_timer(b);
    run_sandbox();      /* the host probe happens once, outside the timing */
    ug_bench_start_timer(b);
    double t0 = now_ns();
    for (uint64_t i = 0; i < b->n; i++)
        run_sandbox();
    double ns = (now_ns() - t0) / (double)b->n;
    if (plain_ns > 0)
        ug_bench_metric(b, ns / plain_ns, "x-vs-plain");
    if (bwrap_ns > 0)
        ug_bench_metric(b, ns / bwrap_ns, "x-vs-bwrap");
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of n samples; sorts them. */
static double median(double *v, uint64_t n)
{
    qsort(v, n, sizeof(v[0]), by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

UG_BENCH(BenchmarkSpawn_4Interleaved)
{
    ug_bench_stop_timer(b);
    run_sandbox();
    bool bw = bwrap_works();
    double *each[3];
    for (int k = 0; k < 3; k++)
        if (!(each[k] = calloc(b->n, sizeof(double))))
            abort();
    ug_bench_start_timer(b);
    double t[3] = {0, 0, 0};
    for (uint64_t i = 0; i < b->n; i++) {
        for (int k = 0; k < 3; k++) {
            int which = (int)((i + (uint64_t)k) % 3);
            if (which == 2 && !bw)
                continue;
            double t0 = now_ns();
            if (which == 0)
                run_plain();
            else if (which == 1)
                run_sandbox();
            else if (run_bwrap() != 0)
                abort();
            each[which][i] = now_ns() - t0;
            t[which] += each[which][i];
        }
    }
    ug_bench_stop_timer(b);
    double n = (double)b->n;
    double med[3];
    for (int k = 0; k < 3; k++) {
        med[k] = median(each[k], b->n);
        free(each[k]);
    }
    ug_bench_metric(b, t[0] / n, "plain-ns/op");
    ug_bench_metric(b, t[1] / n, "sandbox-ns/op");
    ug_bench_metric(b, t[1] / t[0], "x-vs-plain");
    ug_bench_metric(b, med[1], "sandbox-median-ns");
    if (bw) {
        ug_bench_metric(b, t[2] / n, "bwrap-ns/op");
        ug_bench_metric(b, t[1] / t[2], "x-vs-bwrap");
        ug_bench_metric(b, med[2], "bwrap-median-ns");
        ug_bench_metric(b, med[1] / med[2], "median-x-vs-bwrap");
    }
}
