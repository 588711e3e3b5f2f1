/*
 * tune_bench.c — one benchmark per habit of the slow service, each on a
 * workload that habit dominates:
 *
 *   BenchmarkIngest           one thread, no patterns: allocations per line
 *   BenchmarkClassify         64 patterns, 256 distinct paths: recomputed routes
 *   BenchmarkRender           500 routes: a report built by concatenation
 *   BenchmarkWriteReport      500 routes to /dev/null: one write() per piece
 *   BenchmarkIngestContended  two threads into one service: one global lock
 *   BenchmarkIngestParallel   tune_ingest_parallel with 2 workers: one core
 *
 * An op is one batch (or one report). Besides ns/op, B/op and allocs/op
 * (the harness's malloc interposer), each prints syscalls/op: the read and
 * write system calls the process made, from /proc/self/io (syscr + syscw),
 * per op.
 *
 * Interface: UG_BENCH bodies; world() builds the batches once.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <undergo/bench.h>

#include "tune.h"

UG_BENCH_COUNT_ALLOCS();

#define LINES 4096
#define PATHS 256
#define PATTERNS 64
#define ROUTES 500

static struct {
    char *batch; /* LINES lines over PATHS paths */
    size_t len;
    char *pats[PATTERNS];
    tune_t *report; /* ROUTES routes */
} w;

static uint64_t rng = 42;
static uint64_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

static char *lines(int n, int paths, const char *fmt, size_t *len)
{
    size_t cap = (size_t)n * 128, at = 0;
    char *b = malloc(cap);
    for (int i = 0; i < n; i++)
        at += (size_t)snprintf(b + at, cap - at,
                               "method=GET path=%s%u status=%u bytes=%u ms=%u ua=curl/8.5\n", fmt,
                               (unsigned)(next() % (uint64_t)paths),
                               (unsigned)(200 + 100 * (next() % 4)), (unsigned)(next() % 65536),
                               (unsigned)(next() % 3000));
    *len = at;
    return b;
}

static void world(void)
{
    if (w.batch)
        return;
    w.batch = lines(LINES, PATHS, "/api/v1/items/", &w.len);
    for (int i = 0; i < PATTERNS - 1; i++) {
        char p[64];
        snprintf(p, sizeof p, "/svc%d/*/items/*", i);
        w.pats[i] = strdup(p);
    }
    w.pats[PATTERNS - 1] = strdup("/api/v1/items/*");
    tune_open(&w.report);
    size_t len;
    char *b = lines(ROUTES * 4, ROUTES, "/reports/daily/", &len);
    tune_ingest(w.report, b, len);
    free(b);
}

/* Read and write system calls of the whole process so far. */
static uint64_t syscalls(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    uint64_t n = 0;
    char key[32];
    unsigned long long v;
    while (f && fscanf(f, "%31[^:]: %llu\n", key, &v) == 2)
        if (!strcmp(key, "syscr") || !strcmp(key, "syscw"))
            n += v;
    if (f)
        fclose(f);
    return n;
}

static void per_op(ug_bench_t *b, uint64_t before)
{
    ug_bench_stop_timer(b);
    uint64_t after = syscalls();
    /* The two reads of /proc/self/io are the harness's own, not the op's. */
    uint64_t own = 2;
    ug_bench_metric(b, (double)(after - before > own ? after - before - own : 0) / (double)b->n,
                    "syscalls/op");
}

static tune_t *service(bool patterns)
{
    tune_t *t;
    tune_open(&t);
    if (patterns)
        tune_set_routes(t, (const char *const *)w.pats, PATTERNS);
    tune_ingest(t, w.batch, w.len); /* warm: every route exists */
    return t;
}

UG_BENCH(BenchmarkIngest)
{
    world();
    tune_t *t = service(false);
    uint64_t s = syscalls();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        ug_bench_keep(tune_ingest(t, w.batch, w.len));
    per_op(b, s);
    tune_close(t);
}

UG_BENCH(BenchmarkClassify)
{
    world();
    tune_t *t = service(true);
    uint64_t s = syscalls();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        ug_bench_keep(tune_ingest(t, w.batch, w.len));
    per_op(b, s);
    tune_close(t);
}

UG_BENCH(BenchmarkRender)
{
    world();
    uint64_t s = syscalls();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        char *r = NULL;
        size_t len;
        tune_render(w.report, &r, &len);
        free(r);
    }
    per_op(b, s);
}

UG_BENCH(BenchmarkWriteReport)
{
    world();
    int fd = open("/dev/null", O_WRONLY);
    uint64_t s = syscalls();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        tune_write_report(w.report, fd);
    per_op(b, s);
    close(fd);
}

typedef struct job {
    tune_t *t;
    uint64_t n;
    pthread_barrier_t *go;
} job_t;

static void *ingest_n(void *arg)
{
    job_t *j = arg;
    pthread_barrier_wait(j->go);
    for (uint64_t i = 0; i < j->n; i++)
        ug_bench_keep(tune_ingest(j->t, w.batch, w.len));
    return NULL;
}

/* Two callers at once, each ingesting b->n batches: an op is one batch
 * from each. */
UG_BENCH(BenchmarkIngestContended)
{
    world();
    tune_t *t = service(false);
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, 2);
    job_t j = {.t = t, .n = b->n, .go = &go};
    pthread_t th;
    uint64_t s = syscalls();
    ug_bench_reset_timer(b);
    pthread_create(&th, NULL, ingest_n, &j);
    ingest_n(&j);
    pthread_join(th, NULL);
    per_op(b, s);
    pthread_barrier_destroy(&go);
    tune_close(t);
}

UG_BENCH(BenchmarkIngestParallel)
{
    world();
    tune_t *t = service(false);
    uint64_t s = syscalls();
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        ug_bench_keep(tune_ingest_parallel(t, w.batch, w.len, 2));
    per_op(b, s);
    tune_close(t);
}
