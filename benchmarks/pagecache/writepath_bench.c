/*
 * writepath_bench.c — the lab's reference page cache against the kernel's
 * own write path, on the same file system, in one run.
 *
 * Sequential: SIZE MiB (default 256; PC_BENCH_MIB) in 4 KiB writes, then
 * fsync, three ways — kernel buffered write(2), O_DIRECT in 1 MiB writes,
 * and through the page cache (io_uring writeback, its flusher thread on).
 * Random: 4 KiB overwrites at seeded page offsets of a 64 MiB file (a
 * quarter of SIZE when that is smaller) that is already cached, then fsync;
 * kernel vs the page cache.
 *
 * Each line reports, beside ns/op and MB/s (end to end), the write phase
 * and end-to-end MiB/s, the highest dirty page count, and for the cache
 * the ratios to the kernel; a summary goes to stderr at exit. One pass:
 *   pagecache_writepath -benchtime 1x
 * Files go to PC_BENCH_DIR, else $TMPDIR, else /var/tmp.
 *
 * Interface: UG_BENCH functions, run in name order: kernel first, so the
 * cache's line can divide by it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <undergo/bench.h>

#include "pagecache.h"

typedef struct run {
    double write_s;   /* until the last write returned */
    double e2e_s;     /* until fsync returned */
    size_t max_dirty; /* pages; 0 where not known */
    int err;          /* 0, or a negative errno that spoiled the run */
} run_t;

static run_t kernel_seq, kernel_rand;

/* The ratio summary, printed to stderr at exit so that it does not break
 * a benchmark line (the harness prints the name before running it). */
static char summary[2048];

static void print_summary(void)
{
    fputs(summary, stderr);
}

/* Appends one line to the summary; the first call registers the printer. */
static void summary_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void summary_add(const char *fmt, ...)
{
    if (!summary[0])
        atexit(print_summary);
    size_t len = strlen(summary);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(summary + len, sizeof(summary) - len, fmt, ap);
    va_end(ap);
}

/* ---- set-up ------------------------------------------------------------ */

static uint64_t bench_bytes(void)
{
    const char *s = getenv("PC_BENCH_MIB");
    long mib = s ? strtol(s, NULL, 10) : 256;
    return (uint64_t)(mib > 0 ? mib : 256) << 20;
}

static uint64_t rand_bytes(void)
{
    uint64_t q = bench_bytes() / 4;
    return q < (64u << 20) ? q : 64u << 20;
}

static void bench_path(char *buf, size_t len, const char *name)
{
    const char *dir = getenv("PC_BENCH_DIR");
    if (!dir || !*dir)
        dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/var/tmp";
    snprintf(buf, len, "%s/pagecache-bench-%ld-%s", dir, (long)getpid(), name);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The page number of the i-th random overwrite (xorshift, fixed seed). */
static uint64_t rand_page(uint64_t *state, uint64_t pages)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x % pages;
}

/* ---- the kernel -------------------------------------------------------- */

/* write(2) loop of `chunk` bytes from buf; returns 0 or -errno. */
static int write_all(int fd, const char *buf, uint64_t bytes, size_t chunk)
{
    for (uint64_t off = 0; off < bytes; off += chunk)
        if (pwrite(fd, buf, chunk, (off_t)off) != (ssize_t)chunk)
            return errno ? -errno : -EIO;
    return 0;
}

static run_t kernel_seq_run(const char *path, int extra_flags, size_t chunk)
{
    run_t r = {0};
    char *buf;
    if (posix_memalign((void **)&buf, 4096, chunk) != 0)
        return (run_t){.err = -ENOMEM};
    memset(buf, 0xab, chunk);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | extra_flags, 0644);
    if (fd < 0) {
        free(buf);
        return (run_t){.err = -errno};
    }
    double t0 = now_s();
    r.err = write_all(fd, buf, bench_bytes(), chunk);
    r.write_s = now_s() - t0;
    if (r.err == 0 && fsync(fd) != 0)
        r.err = -errno;
    r.e2e_s = now_s() - t0;
    close(fd);
    unlink(path);
    free(buf);
    return r;
}

static run_t kernel_rand_run(const char *path)
{
    uint64_t bytes = rand_bytes(), pages = bytes / 4096, seed = 0x9E3779B97F4A7C15ull;
    char buf[4096];
    memset(buf, 0xcd, sizeof(buf));
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return (run_t){.err = -errno};
    run_t r = {.err = write_all(fd, buf, bytes, sizeof(buf))};
    if (r.err == 0 && fsync(fd) != 0)
        r.err = -errno;
    double t0 = now_s();
    for (uint64_t i = 0; r.err == 0 && i < pages; i++)
        if (pwrite(fd, buf, sizeof(buf), (off_t)(rand_page(&seed, pages) * 4096)) != 4096)
            r.err = -EIO;
    r.write_s = now_s() - t0;
    if (r.err == 0 && fsync(fd) != 0)
        r.err = -errno;
    r.e2e_s = now_s() - t0;
    close(fd);
    unlink(path);
    return r;
}

/* ---- the page cache ---------------------------------------------------- */

/* Dirty limits are fractions of memory in Linux; here of a cache eight
 * times the data, so a 256 MiB burst meets the background threshold but
 * not the hard limit, as it does in the kernel on this machine. */
static int cache_open(const char *path, pc_cache_t **pc, pc_handle_t **h)
{
    pc_config_t cfg = PC_CONFIG_INIT;
    cfg.capacity_pages = bench_bytes() * 8 / PC_PAGE_SIZE;
    cfg.flusher_thread = true;
    cfg.prefault = true;   /* the kernel's free pages are ready too */
    int rc = pc_cache_open(path, &cfg, pc);
    if (rc == 0 && (rc = pc_open(*pc, h)) < 0)
        pc_cache_close(*pc);
    return rc;
}

/* Writes `pages` 4 KiB pages, sequential or at seeded random pages. */
static int cache_write(pc_handle_t *h, uint64_t pages, uint64_t span_pages, bool random)
{
    char buf[4096];
    memset(buf, 0xef, sizeof(buf));
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t p = random ? rand_page(&seed, span_pages) : i;
        ssize_t n = pc_pwrite(h, buf, sizeof(buf), (off_t)(p * 4096));
        if (n != (ssize_t)sizeof(buf))
            return n < 0 ? (int)n : -EIO;
    }
    return 0;
}

static run_t cache_run(ug_bench_t *b, const char *path, bool random)
{
    pc_cache_t *pc;
    pc_handle_t *h;
    unlink(path);
    ug_bench_stop_timer(b);   /* taking the memory is set-up */
    run_t r = {.err = cache_open(path, &pc, &h)};
    ug_bench_start_timer(b);
    if (r.err < 0)
        return r;
    uint64_t bytes = random ? rand_bytes() : bench_bytes(), pages = bytes / 4096;
    if (random) {   /* the file exists and is cached, as for the kernel */
        r.err = cache_write(h, pages, pages, false);
        r.err = r.err ? r.err : pc_fsync(h);
    }
    double t0 = now_s();
    r.err = r.err ? r.err : cache_write(h, pages, pages, random);
    r.write_s = now_s() - t0;
    r.err = r.err ? r.err : pc_fsync(h);
    r.e2e_s = now_s() - t0;
    pc_stats_t st;
    if (pc_cache_stats(pc, &st) == 0) {
        r.max_dirty = st.max_dirty;
        if (!st.io_uring)
            summary_add("pagecache: io_uring unavailable, writeback used pwritev\n");
        if (!st.direct_io)
            summary_add("pagecache: no O_DIRECT on this file system, buffered I/O\n");
    }
    ug_bench_stop_timer(b);
    int rc = pc_cache_close(pc);
    ug_bench_start_timer(b);
    r.err = r.err ? r.err : rc;
    unlink(path);
    return r;
}

/* ---- reporting --------------------------------------------------------- */

/* Puts the run's figures on the benchmark line; base (may be NULL) is
 * the kernel run to compare with. */
static void report(ug_bench_t *b, const char *what, run_t r, uint64_t bytes, const run_t *base)
{
    if (r.err < 0) {
        summary_add("pagecache: %s failed: %s\n", what, strerror(-r.err));
        ug_bench_metric(b, 1, "failed");
        return;
    }
    double mib = (double)bytes / (1 << 20);
    ug_bench_set_bytes(b, bytes);
    ug_bench_metric(b, mib / r.write_s, "write-MiB/s");
    ug_bench_metric(b, mib / r.e2e_s, "e2e-MiB/s");
    ug_bench_metric(b, (double)r.max_dirty, "max-dirty-pages");
    if (!base || base->err < 0)
        return;
    double wx = base->write_s / r.write_s, ex = base->e2e_s / r.e2e_s;
    ug_bench_metric(b, wx, "write-x-kernel");
    ug_bench_metric(b, ex, "e2e-x-kernel");
    summary_add("pagecache: %s: write phase %.2fx kernel buffered (target 1.5x), "
                "end to end %.2fx kernel buffered+fsync (target 1.0x)\n", what, wx, ex);
}

/* ---- benchmarks (run in name order) ------------------------------------ */

UG_BENCH(BenchmarkRand4K_1Kernel)
{
    char path[512];
    bench_path(path, sizeof(path), "rand-kernel");
    for (uint64_t i = 0; i < b->n; i++)
        kernel_rand = kernel_rand_run(path);
    report(b, "random kernel", kernel_rand, rand_bytes(), NULL);
}

UG_BENCH(BenchmarkRand4K_2Cache)
{
    char path[512];
    bench_path(path, sizeof(path), "rand-cache");
    run_t r = {0};
    for (uint64_t i = 0; i < b->n; i++)
        r = cache_run(b, path, true);
    report(b, "random 4 KiB overwrites", r, rand_bytes(), &kernel_rand);
}

UG_BENCH(BenchmarkSeq4K_1KernelBuffered)
{
    char path[512];
    bench_path(path, sizeof(path), "seq-kernel");
    for (uint64_t i = 0; i < b->n; i++)
        kernel_seq = kernel_seq_run(path, 0, 4096);
    report(b, "kernel buffered", kernel_seq, bench_bytes(), NULL);
}

UG_BENCH(BenchmarkSeq4K_2KernelDirect1MiB)
{
    char path[512];
    bench_path(path, sizeof(path), "seq-direct");
    run_t r = {0};
    for (uint64_t i = 0; i < b->n; i++)
        r = kernel_seq_run(path, O_DIRECT, 1u << 20);
    report(b, "O_DIRECT 1 MiB", r, bench_bytes(), &kernel_seq);
}

UG_BENCH(BenchmarkSeq4K_3Cache)
{
    char path[512];
    bench_path(path, sizeof(path), "seq-cache");
    run_t r = {0};
    for (uint64_t i = 0; i < b->n; i++)
        r = cache_run(b, path, false);
    report(b, "sequential 4 KiB writes", r, bench_bytes(), &kernel_seq);
}
