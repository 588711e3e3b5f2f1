/*
 * leak_anchor_bench.c — the leak lab's reference against LeakSanitizer, on
 * the two costs a leak detector has: bookkeeping on every malloc/free, and
 * the time of one leak check over a large heap.
 *
 *   BenchmarkChurnPlain    glibc (__libc_malloc/__libc_free), in process
 *   BenchmarkChurnOurs     the lab's recording allocator (leak_malloc/free)
 *   BenchmarkChurnCPlain   the worker built by clang without sanitizer
 *   BenchmarkChurnLSan     the worker built by clang -fsanitize=leak
 *   BenchmarkScanOurs      leak_check over LIVE live and LOST lost objects
 *   BenchmarkScanLSan      __lsan_do_recoverable_leak_check, same heap
 *
 * One op of a churn benchmark is the whole churn (5 M free+malloc pairs
 * over a window of 1024), one op of a scan benchmark is one check, so
 * `-benchtime 1x` is the comparison the lab promises, side by side. The
 * workers run as child processes (LSan must own their malloc); their own
 * clock times the loop or the check, and the harness's time adds only
 * process start (and, for the LSan scan, building its heap: "check-ms" is
 * the check alone, on both sides). "found" is the lost objects a check
 * reported, from our report or from LSan's SUMMARY line. Ratios, from the
 * best run of each (use -count to repeat), are printed at the end.
 *
 * LEAK_ANCHOR_SMALL=1 shrinks everything (the ctest smoke run).
 *
 * Interface: UG_BENCH bodies → worker_run (fork/exec, pipes) → ratios_print.
 */
#include <undergo/bench.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "leak.h"

extern void *__libc_malloc(size_t size);
extern void __libc_free(void *ptr);

#ifndef LEAK_WORKER_DIR
#define LEAK_WORKER_DIR "."
#endif

/* ---- sizes ------------------------------------------------------------------------- */

typedef struct shape {
    uint64_t steps;
    size_t live, lost;
} shape_t;

static shape_t shape(void)
{
    const char *small = getenv("LEAK_ANCHOR_SMALL");
    if (small && *small && *small != '0')
        return (shape_t){50000, 10000, 200};
    return (shape_t){5000000, 1000000, 20000};
}

/* Best (lowest) seconds and last "found" per variant, for the ratios. */
enum { CHURN_PLAIN, CHURN_OURS, CHURN_CPLAIN, CHURN_LSAN, SCAN_OURS, SCAN_LSAN, NVAR };
static double best_s[NVAR];
static double found[NVAR];

static void note(int v, double s)
{
    if (best_s[v] == 0 || s < best_s[v])
        best_s[v] = s;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the workers ------------------------------------------------------------------------ */

/* Runs worker `name` with args; returns its "ns" line in seconds (< 0 on
 * failure) and, if objs != NULL, the object count of LSan's SUMMARY. */
static double worker_run(const char *name, char *const args[], double *objs)
{
    char path[4096];
    int out[2], err[2];
    snprintf(path, sizeof path, "%s/%s", LEAK_WORKER_DIR, name);
    if (pipe(out) || pipe(err))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        setenv("LSAN_OPTIONS", "symbolize=0:leak_check_at_exit=0:max_leaks=1", 1);
        char *argv[8] = {path};
        for (int i = 0; args[i] && i < 6; i++)
            argv[i + 1] = args[i];
        execv(path, argv);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    FILE *o = fdopen(out[0], "r"), *e = fdopen(err[0], "r");
    long long ns = -1;
    char line[512];
    if (o && fscanf(o, "ns %lld", &ns) != 1)
        ns = -1;
    while (e && fgets(line, sizeof line, e)) {
        unsigned long long bytes, n;
        if (objs && sscanf(line, "SUMMARY: LeakSanitizer: %llu byte(s) leaked in %llu allocation(s).",
                           &bytes, &n) == 2)
            *objs = (double)n;
    }
    if (o)
        fclose(o);
    if (e)
        fclose(e);
    int st;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || ns < 0) {
        fprintf(stderr, "leak_anchor_bench: worker %s failed\n", path);
        return -1;
    }
    return ns / 1e9;
}

/* ---- churn ------------------------------------------------------------------------------- */

#include "workload.h"

WL_CHURN(churn_plain, __libc_malloc, __libc_free)
WL_CHURN(churn_ours, leak_malloc, leak_free)
WL_HEAP(heap_ours, leak_malloc)

static void churn_metrics(ug_bench_t *b, int v, double s)
{
    note(v, s / (double)b->n);
    ug_bench_metric(b, s * 1e9 / (double)(b->n * shape().steps), "ns/pair");
}

UG_BENCH(BenchmarkChurnPlain)
{
    double t0 = now_s();
    for (uint64_t i = 0; i < b->n; i++)
        churn_plain(shape().steps);
    churn_metrics(b, CHURN_PLAIN, now_s() - t0);
}

UG_BENCH(BenchmarkChurnOurs)
{
    double t0 = now_s();
    for (uint64_t i = 0; i < b->n; i++)
        churn_ours(shape().steps);
    churn_metrics(b, CHURN_OURS, now_s() - t0);
}

/* The worker's loop time over b->n runs; -1 if a run failed. */
static double churn_worker(ug_bench_t *b, const char *name)
{
    char steps[32];
    double total = 0;
    snprintf(steps, sizeof steps, "%llu", (unsigned long long)shape().steps);
    for (uint64_t i = 0; i < b->n; i++) {
        double s = worker_run(name, (char *[]){"churn", steps, NULL}, NULL);
        if (s < 0)
            return -1;
        total += s;
    }
    return total;
}

UG_BENCH(BenchmarkChurnCPlain)
{
    double s = churn_worker(b, "leak_plain_worker");
    if (s >= 0)
        churn_metrics(b, CHURN_CPLAIN, s);
}

UG_BENCH(BenchmarkChurnLSan)
{
    double s = churn_worker(b, "leak_lsan_worker");
    if (s >= 0)
        churn_metrics(b, CHURN_LSAN, s);
}

/* ---- scan ---------------------------------------------------------------------------------- */

UG_BENCH(BenchmarkScanOurs)
{
    static bool built;
    leak_report_t r = {0};
    ug_bench_stop_timer(b);
    if (!built) {
        heap_ours(shape().live, shape().lost);
        built = true;
    }
    ug_bench_start_timer(b);
    double t0 = now_s();
    for (uint64_t i = 0; i < b->n; i++) {
        leak_report_free(&r);
        if (leak_check(&r) != 0)
            break;
    }
    double s = (now_s() - t0) / (double)b->n;
    note(SCAN_OURS, s);
    found[SCAN_OURS] = (double)(r.direct_objects + r.indirect_objects);
    ug_bench_metric(b, s * 1e3, "check-ms");
    ug_bench_metric(b, found[SCAN_OURS], "found");
    leak_report_free(&r);
}

UG_BENCH(BenchmarkScanLSan)
{
    char live[32], lost[32];
    snprintf(live, sizeof live, "%zu", shape().live);
    snprintf(lost, sizeof lost, "%zu", shape().lost);
    double total = 0;
    for (uint64_t i = 0; i < b->n; i++) {
        double objs = 0, s = worker_run("leak_lsan_worker", (char *[]){"scan", live, lost, NULL}, &objs);
        if (s < 0)
            return;
        note(SCAN_LSAN, s);
        total += s;
        found[SCAN_LSAN] = objs;
    }
    ug_bench_metric(b, total * 1e3 / (double)b->n, "check-ms");
    ug_bench_metric(b, found[SCAN_LSAN], "found");
}

/* ---- ratios ------------------------------------------------------------------------------------ */

static void ratio(const char *what, int a, int b, double target)
{
    if (best_s[a] <= 0 || best_s[b] <= 0)
        return;
    printf("  %-26s %6.2f  (%.1f / %.1f ms)", what, best_s[a] / best_s[b], best_s[a] * 1e3,
           best_s[b] * 1e3);
    if (target > 0)
        printf("   [target <= %.2f]", target);
    putchar('\n');
}

static void ratios_print(void)
{
    leak_reset();                    /* the lost objects were lost on purpose */
    printf("\nratios (time / time; best run):\n");
    ratio("churn ours / glibc", CHURN_OURS, CHURN_PLAIN, 1.5);
    ratio("churn LSan / clang plain", CHURN_LSAN, CHURN_CPLAIN, 0);
    ratio("churn LSan / glibc", CHURN_LSAN, CHURN_PLAIN, 0);
    ratio("scan ours / LSan", SCAN_OURS, SCAN_LSAN, 0.8);
    if (best_s[SCAN_OURS] > 0 || best_s[SCAN_LSAN] > 0)
        printf("  found: ours %.0f, LSan %.0f, of %zu lost\n", found[SCAN_OURS], found[SCAN_LSAN],
               shape().lost);
}

__attribute__((constructor)) static void ratios_register(void)
{
    atexit(ratios_print);
}
