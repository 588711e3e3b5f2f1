/*
 * gc_anchor_bench.c — the lab's reference collector against Boehm GC and
 * malloc/free, on GCBench's binary trees.
 *
 * The workload is the classic GCBench shape: a stretch tree of depth 18
 * (built and dropped), a long-lived tree of depth 16 and an array of
 * 500000 doubles kept to the end, then for depths 4, 6, … 16 as many
 * short-lived trees as make 2 × the stretch tree's nodes, half built
 * top-down (populate a node's children) and half bottom-up (children
 * first). Five allocators run it:
 *
 *   ref-full          GOGC cycles: stop-the-world mark, lazy sweep
 *   ref-incremental   hybrid barrier, bounded steps paid by allocation
 *   boehm-full        libgc, GC_MALLOC, stop-the-world collections
 *   boehm-incremental libgc after GC_enable_incremental
 *   malloc            malloc, and free of every short-lived tree
 *
 * Each run happens in a fresh child process (libgc's incremental mode
 * cannot be turned off again, and every allocator deserves a clean heap).
 * Total time comes from an uninstrumented run. Pauses come from three
 * more, instrumented runs that time every allocation and free call with
 * the TSC: a call lasting 10 µs or more counts as a pause, whatever caused
 * it (a collection, a step, a page fault), if the same call (by its
 * number) was that long in all three runs, at its shortest length — on a
 * shared machine a preempted call is long in one run only. Peak heap is
 * what the allocator itself holds (gc heap_peak, GC_get_heap_size,
 * mallinfo2 arena+mmap), sampled after every tree; peak RSS is the
 * kernel's view of the child.
 *
 * Environment: GC_ANCHOR_SMALL=1 shrinks every depth (the ctest smoke
 * run); GC_ANCHOR_GOGC=N sets the reference's GOGC (default 100);
 * GC_ANCHOR_NO_PAUSES=1 skips the instrumented runs (for profiling).
 *
 * Interface: UG_BENCH(BenchmarkGCBench_*) → variant_bench → child_run
 * (fork) → gcbench_* → result over a pipe → metrics; the ratios are
 * printed after the last line, from each variant's fastest run.
 */
#include <undergo/bench.h>

#include <gc/gc.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gc.h"                    /* the lab's; libgc's is <gc/gc.h> */

/* ---- the workload's shape ------------------------------------------------------- */

typedef struct shape {
    int stretch, long_lived, min_depth, max_depth;
    size_t array;
} shape_t;

static shape_t shape_get(void)
{
    const char *small = getenv("GC_ANCHOR_SMALL");
    if (small && *small && *small != '0')
        return (shape_t){10, 8, 4, 8, 1000};
    return (shape_t){18, 16, 4, 16, 500000};
}

static long tree_size(int depth) { return (1L << (depth + 1)) - 1; }

static long num_iters(const shape_t *s, int depth)
{
    return 2 * tree_size(s->stretch) / tree_size(depth);
}

typedef struct tnode {
    struct tnode *left, *right;
    int i, j;
} tnode_t;

/* ---- measuring ------------------------------------------------------------------ */

#define PAUSE_MIN_NS 10000
#define MAX_PAUSES 200000
#define PAUSE_RUNS 3

typedef struct result {
    double total_s;
    double cpu_s;                  /* user + system CPU of the run */
    double pause_max_ms, pause_p99_ms;
    double pauses;                 /* calls of PAUSE_MIN_NS or more */
    double collections;
    double heap_peak_mb, rss_peak_mb;
    int ok;
} result_t;

/* A long call: which call it was (they are numbered in order) and its
 * length (ticks in the child, ns once sent). */
typedef struct pause {
    uint64_t call;
    uint64_t len;
} pause_t;

/* The child's measuring state; instrumented only in the pause runs. */
static struct {
    bool timing;
    pause_t *long_calls;
    size_t n;
    uint64_t calls;
    size_t heap_peak;
    uint64_t min_ticks;
} m;

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
static inline uint64_t tsc(void) { return __rdtsc(); }
#else
static inline uint64_t tsc(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#endif

static inline void call_done(uint64_t t0)
{
    uint64_t d = tsc() - t0;
    if (d >= m.min_ticks && m.n < MAX_PAUSES)
        m.long_calls[m.n++] = (pause_t){m.calls, d};
    m.calls++;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* ---- the reference collector ----------------------------------------------------- */

static const size_t tnode_offsets[] = {offsetof(tnode_t, left), offsetof(tnode_t, right)};
static const gc_type_t tnode_type = {"tnode", sizeof(tnode_t), 2, tnode_offsets};
static const gc_type_t array_type = {"doubles", 500000 * sizeof(double), 0, NULL};
static const gc_type_t small_array_type = {"doubles", 1000 * sizeof(double), 0, NULL};
static gc_heap_t *rh;

static inline void *ref_new(const gc_type_t *t)
{
    uint64_t t0 = m.timing ? tsc() : 0;
    void *p = gc_alloc(rh, t);
    if (m.timing)
        call_done(t0);
    if (!p)
        abort();                   /* the benchmark itself is broken: say so loudly */
    return p;
}

/* Children of n, to depth (n is reachable from a root). */
static void ref_populate(int depth, tnode_t *n)
{
    if (depth-- <= 0)
        return;
    gc_write(rh, n, 0, ref_new(&tnode_type));
    gc_write(rh, n, 1, ref_new(&tnode_type));
    ref_populate(depth, n->left);
    ref_populate(depth, n->right);
}

/* A tree built children first; partial results sit on the shadow stack. */
static tnode_t *ref_make(int depth)
{
    if (depth <= 0)
        return ref_new(&tnode_type);
    tnode_t *l = ref_make(depth - 1), *r = NULL;
    gc_root_push(rh, (void **)&l);
    r = ref_make(depth - 1);
    gc_root_push(rh, (void **)&r);
    tnode_t *n = ref_new(&tnode_type);
    gc_write(rh, n, 0, l);
    gc_write(rh, n, 1, r);
    gc_root_pop(rh);
    gc_root_pop(rh);
    return n;
}

static void ref_sample(void)
{
    gc_stats_t st;
    gc_stats(rh, &st);
    m.heap_peak = st.heap_peak;
}

static double gcbench_ref(const shape_t *s, bool incremental)
{
    gc_config_t c;
    gc_config_default(&c);
    c.incremental = incremental;
    c.barrier = GC_BARRIER_HYBRID;
    const char *gogc = getenv("GC_ANCHOR_GOGC");
    if (gogc && *gogc)
        c.gogc = atoi(gogc);
    if (gc_heap_new(&c, &rh) != 0)
        return -1;
    tnode_t *tmp = NULL, *keep = NULL;
    double *array = NULL;
    gc_root_push(rh, (void **)&tmp);
    gc_root_push(rh, (void **)&keep);
    gc_root_push(rh, (void **)&array);
    tmp = ref_make(s->stretch);
    tmp = NULL;
    keep = ref_new(&tnode_type);
    ref_populate(s->long_lived, keep);
    array = ref_new(s->array == 500000 ? &array_type : &small_array_type);
    for (size_t i = 1; i < s->array / 2; i++)
        array[i] = 1.0 / (double)i;
    for (int d = s->min_depth; d <= s->max_depth; d += 2) {
        for (long i = 0; i < num_iters(s, d); i++) {
            tmp = ref_new(&tnode_type);
            ref_populate(d, tmp);
            tmp = NULL;
        }
        for (long i = 0; i < num_iters(s, d); i++) {
            tmp = ref_make(d);
            tmp = NULL;
        }
        ref_sample();
    }
    if (!keep || array[1000 < s->array ? 1000 : 1] < 0)
        abort();
    ref_sample();
    gc_stats_t st;
    gc_stats(rh, &st);
    gc_heap_free(rh);
    return (double)st.cycles;
}

/* ---- Boehm GC -------------------------------------------------------------------- */

static inline void *bdw_new(size_t size, bool atomic)
{
    uint64_t t0 = m.timing ? tsc() : 0;
    void *p = atomic ? GC_MALLOC_ATOMIC(size) : GC_MALLOC(size);
    if (m.timing)
        call_done(t0);
    if (!p)
        abort();
    return p;
}

static void bdw_populate(int depth, tnode_t *n)
{
    if (depth-- <= 0)
        return;
    n->left = bdw_new(sizeof(tnode_t), false);
    n->right = bdw_new(sizeof(tnode_t), false);
    bdw_populate(depth, n->left);
    bdw_populate(depth, n->right);
}

static tnode_t *bdw_make(int depth)
{
    if (depth <= 0)
        return bdw_new(sizeof(tnode_t), false);
    tnode_t *l = bdw_make(depth - 1), *r = bdw_make(depth - 1);
    tnode_t *n = bdw_new(sizeof(tnode_t), false);
    n->left = l;
    n->right = r;
    return n;
}

static void bdw_sample(void)
{
    size_t hs = GC_get_heap_size();
    if (hs > m.heap_peak)
        m.heap_peak = hs;
}

static double gcbench_bdw(const shape_t *s, bool incremental)
{
    if (incremental)
        GC_enable_incremental();
    GC_INIT();
    tnode_t *tmp = bdw_make(s->stretch);
    ug_bench_keep(tmp);
    tnode_t *keep = bdw_new(sizeof(tnode_t), false);
    bdw_populate(s->long_lived, keep);
    double *array = bdw_new(s->array * sizeof(double), true);
    for (size_t i = 1; i < s->array / 2; i++)
        array[i] = 1.0 / (double)i;
    for (int d = s->min_depth; d <= s->max_depth; d += 2) {
        for (long i = 0; i < num_iters(s, d); i++) {
            tmp = bdw_new(sizeof(tnode_t), false);
            bdw_populate(d, tmp);
        }
        for (long i = 0; i < num_iters(s, d); i++)
            tmp = bdw_make(d);
        bdw_sample();
    }
    ug_bench_keep(keep);
    ug_bench_keep(array);
    bdw_sample();
    return (double)GC_get_gc_no();
}

/* ---- malloc and free ------------------------------------------------------------- */

static inline void *mal_new(void)
{
    uint64_t t0 = m.timing ? tsc() : 0;
    void *p = malloc(sizeof(tnode_t));
    if (m.timing)
        call_done(t0);
    if (!p)
        abort();
    ((tnode_t *)p)->left = ((tnode_t *)p)->right = NULL;
    return p;
}

static void mal_free(tnode_t *n)
{
    if (!n)
        return;
    mal_free(n->left);
    mal_free(n->right);
    uint64_t t0 = m.timing ? tsc() : 0;
    free(n);
    if (m.timing)
        call_done(t0);
}

static void mal_populate(int depth, tnode_t *n)
{
    if (depth-- <= 0)
        return;
    n->left = mal_new();
    n->right = mal_new();
    mal_populate(depth, n->left);
    mal_populate(depth, n->right);
}

static tnode_t *mal_make(int depth)
{
    if (depth <= 0)
        return mal_new();
    tnode_t *l = mal_make(depth - 1), *r = mal_make(depth - 1);
    tnode_t *n = mal_new();
    n->left = l;
    n->right = r;
    return n;
}

static void mal_sample(void)
{
    struct mallinfo2 mi = mallinfo2();
    if (mi.arena + mi.hblkhd > m.heap_peak)
        m.heap_peak = mi.arena + mi.hblkhd;
}

static double gcbench_malloc(const shape_t *s)
{
    tnode_t *tmp = mal_make(s->stretch);
    mal_sample();
    mal_free(tmp);
    tnode_t *keep = mal_new();
    mal_populate(s->long_lived, keep);
    double *array = malloc(s->array * sizeof(double));
    if (!array)
        abort();
    for (size_t i = 1; i < s->array / 2; i++)
        array[i] = 1.0 / (double)i;
    for (int d = s->min_depth; d <= s->max_depth; d += 2) {
        for (long i = 0; i < num_iters(s, d); i++) {
            tmp = mal_new();
            mal_populate(d, tmp);
            mal_sample();
            mal_free(tmp);
        }
        for (long i = 0; i < num_iters(s, d); i++) {
            tmp = mal_make(d);
            mal_free(tmp);
        }
    }
    mal_free(keep);
    free(array);
    return 0;
}

/* ---- one run in a child process ---------------------------------------------------- */

enum variant { V_REF_FULL, V_REF_INC, V_BDW_FULL, V_BDW_INC, V_MALLOC, V_COUNT };
static const char *const variant_names[V_COUNT] = {"ref-full", "ref-incremental", "boehm-full",
                                                   "boehm-incremental", "malloc"};

static double gcbench(enum variant v, const shape_t *s)
{
    switch (v) {
    case V_REF_FULL: return gcbench_ref(s, false);
    case V_REF_INC: return gcbench_ref(s, true);
    case V_BDW_FULL: return gcbench_bdw(s, false);
    case V_BDW_INC: return gcbench_bdw(s, true);
    default: return gcbench_malloc(s);
    }
}

/* Writes all of buf to fd; false on failure. */
static bool write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w <= 0)
            return false;
        p += w;
        len -= (size_t)w;
    }
    return true;
}

/* In the child: one run, timed or instrumented. The result goes to fd,
 * then (instrumented) the count and list of long calls, lengths in ns. */
static void child_main(enum variant v, bool timing, int fd)
{
    shape_t s = shape_get();
    result_t r = {0};
    m.timing = timing;
    m.long_calls = timing ? malloc(MAX_PAUSES * sizeof *m.long_calls) : NULL;
    if (timing && !m.long_calls)
        _exit(1);
    uint64_t c0 = tsc(), t0 = now_ns();
    m.min_ticks = 0;
    if (timing) {
        /* Calibrate: TSC ticks per ns over a short busy wait. */
        while (now_ns() - t0 < 20000000)
            ;
        m.min_ticks = (uint64_t)((double)(tsc() - c0) / (double)(now_ns() - t0) * PAUSE_MIN_NS);
        c0 = tsc();
        t0 = now_ns();
    }
    struct rusage ru0;
    getrusage(RUSAGE_SELF, &ru0);
    double cpu0 = (double)(ru0.ru_utime.tv_sec + ru0.ru_stime.tv_sec) +
                  (double)(ru0.ru_utime.tv_usec + ru0.ru_stime.tv_usec) / 1e6;
    r.collections = gcbench(v, &s);
    uint64_t t1 = now_ns(), c1 = tsc();
    r.total_s = (double)(t1 - t0) / 1e9;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    r.cpu_s = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
              (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6 - cpu0;
    r.rss_peak_mb = (double)ru.ru_maxrss / 1024.0;
    r.heap_peak_mb = (double)m.heap_peak / (1024.0 * 1024.0);
    r.ok = r.collections >= 0;
    bool ok = write_all(fd, &r, sizeof r);
    if (timing) {
        double ns_per_tick = (double)(t1 - t0) / (double)(c1 - c0);
        for (size_t i = 0; i < m.n; i++)
            m.long_calls[i].len = (uint64_t)((double)m.long_calls[i].len * ns_per_tick);
        uint64_t n = m.n;
        ok = ok && write_all(fd, &n, sizeof n) &&
             write_all(fd, m.long_calls, m.n * sizeof *m.long_calls);
    }
    _exit(ok ? 0 : 1);
}

/* Reads exactly len bytes; false on a short read. */
static bool read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* Runs variant v in a fresh child; returns 0 and fills *r (and, when
 * instrumented, the long calls in *pauses and *npauses; the caller frees
 * them), or -1. */
static int child_run(enum variant v, bool timing, result_t *r, pause_t **pauses, size_t *npauses)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(p[0]);
        child_main(v, timing, p[1]);
    }
    close(p[1]);
    bool ok = read_all(p[0], r, sizeof *r);
    if (ok && timing) {
        uint64_t n = 0;
        ok = read_all(p[0], &n, sizeof n) && n <= MAX_PAUSES;
        *pauses = ok ? malloc((n ? n : 1) * sizeof **pauses) : NULL;
        ok = ok && *pauses && read_all(p[0], *pauses, n * sizeof **pauses);
        *npauses = ok ? n : 0;
    }
    close(p[0]);
    int status;
    waitpid(pid, &status, 0);
    return ok && r->ok && WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

/* Keeps in a (sorted by call) only the calls also long in b, at the
 * shorter length: preemption by another process lands on random calls,
 * a collector's pause on the same call every run. Returns the new count. */
static size_t pauses_intersect(pause_t *a, size_t na, const pause_t *b, size_t nb)
{
    size_t i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        if (a[i].call < b[j].call) {
            i++;
        } else if (a[i].call > b[j].call) {
            j++;
        } else {
            a[k].call = a[i].call;
            a[k++].len = a[i].len < b[j].len ? a[i].len : b[j].len;
            i++, j++;
        }
    }
    return k;
}

/* Max and p99 of the pauses seen in all PAUSE_RUNS instrumented runs. */
static int pauses_measure(enum variant v, result_t *out)
{
    pause_t *acc = NULL, *cur = NULL;
    size_t nacc = 0, ncur = 0;
    result_t r;
    for (int run = 0; run < PAUSE_RUNS; run++) {
        if (child_run(v, true, &r, &cur, &ncur) != 0) {
            free(acc);
            return -1;
        }
        if (run == 0) {
            acc = cur;
            nacc = ncur;
        } else {
            nacc = pauses_intersect(acc, nacc, cur, ncur);
            free(cur);
        }
    }
    uint64_t *len = malloc((nacc ? nacc : 1) * sizeof *len);
    if (!len) {
        free(acc);
        return -1;
    }
    for (size_t i = 0; i < nacc; i++)
        len[i] = acc[i].len;
    qsort(len, nacc, sizeof *len, cmp_u64);
    out->pauses = (double)nacc;
    out->pause_max_ms = nacc ? (double)len[nacc - 1] / 1e6 : 0;
    out->pause_p99_ms = nacc ? (double)len[(nacc - 1) * 99 / 100] / 1e6 : 0;
    free(len);
    free(acc);
    return 0;
}

/* ---- benchmarks and ratios --------------------------------------------------------- */

static result_t results[V_COUNT];
static bool have[V_COUNT];

static void ratios_print(void)
{
    if (!have[V_REF_FULL] || !have[V_BDW_FULL])
        return;
    const result_t *rf = &results[V_REF_FULL], *ri = &results[V_REF_INC],
                   *bf = &results[V_BDW_FULL], *bi = &results[V_BDW_INC];
    printf("\nratios (reference / Boehm; target in brackets):\n");
    printf("  total, full:               %.2f  [<= 1.2]  (cpu %.2f)\n", rf->total_s / bf->total_s,
           rf->cpu_s / bf->cpu_s);
    if (have[V_REF_INC] && have[V_BDW_INC]) {
        printf("  total, incremental:        %.2f  [<= 0.5]  (cpu %.2f)\n",
               ri->total_s / bi->total_s, ri->cpu_s / bi->cpu_s);
        printf("  max pause, incremental:    %.3f ms  [<= 1 ms]  (Boehm %.3f ms)\n",
               ri->pause_max_ms, bi->pause_max_ms);
        printf("  peak heap, incremental:    %.2f  [<= 1.5]  (%.2f of Boehm full's)\n",
               ri->heap_peak_mb / bi->heap_peak_mb, ri->heap_peak_mb / bf->heap_peak_mb);
        printf("  peak RSS, incremental:     %.2f\n", ri->rss_peak_mb / bi->rss_peak_mb);
    }
    printf("  peak heap, full:           %.2f  [<= 1.5]\n", rf->heap_peak_mb / bf->heap_peak_mb);
    printf("  peak RSS, full:            %.2f\n", rf->rss_peak_mb / bf->rss_peak_mb);
    if (have[V_MALLOC])
        printf("  total, ref-full / malloc:  %.2f\n", rf->total_s / results[V_MALLOC].total_s);
    fflush(stdout);
}

static void variant_bench(ug_bench_t *b, enum variant v)
{
    static bool registered;
    if (!registered && atexit(ratios_print) == 0)
        registered = true;
    result_t r = {0}, p = {0};
    double total = 0, cpu = 0;
    for (uint64_t i = 0; i < b->n; i++) {
        if (child_run(v, false, &r, NULL, NULL) != 0) {
            fprintf(stderr, "gc_anchor_bench: %s: the run failed\n", variant_names[v]);
            return;
        }
        total += r.total_s;
        cpu += r.cpu_s;
    }
    ug_bench_stop_timer(b);
    const char *skip = getenv("GC_ANCHOR_NO_PAUSES");   /* for profiling the timed run */
    if (skip && *skip == '1')
        p = r;
    else if (pauses_measure(v, &p) != 0) {
        fprintf(stderr, "gc_anchor_bench: %s: the instrumented run failed\n", variant_names[v]);
        return;
    }
    r.total_s = total / (double)b->n;
    r.cpu_s = cpu / (double)b->n;
    r.pause_max_ms = p.pause_max_ms;
    r.pause_p99_ms = p.pause_p99_ms;
    r.pauses = p.pauses;
    /* With -count N the ratios use each variant's fastest run. */
    if (!have[v] || r.total_s < results[v].total_s)
        results[v] = r;
    have[v] = true;
    ug_bench_metric(b, r.total_s, "total-s");
    ug_bench_metric(b, r.cpu_s, "cpu-s");
    ug_bench_metric(b, r.pause_max_ms, "pause-max-ms");
    ug_bench_metric(b, r.pause_p99_ms, "pause-p99-ms");
    ug_bench_metric(b, r.pauses, "pauses");
    ug_bench_metric(b, r.collections, "collections");
    ug_bench_metric(b, r.heap_peak_mb, "heap-peak-MB");
    ug_bench_metric(b, r.rss_peak_mb, "rss-peak-MB");
}

UG_BENCH(BenchmarkGCBench_RefFull) { variant_bench(b, V_REF_FULL); }
UG_BENCH(BenchmarkGCBench_RefIncremental) { variant_bench(b, V_REF_INC); }
UG_BENCH(BenchmarkGCBench_BoehmFull) { variant_bench(b, V_BDW_FULL); }
UG_BENCH(BenchmarkGCBench_BoehmIncremental) { variant_bench(b, V_BDW_INC); }
UG_BENCH(BenchmarkGCBench_Malloc) { variant_bench(b, V_MALLOC); }
