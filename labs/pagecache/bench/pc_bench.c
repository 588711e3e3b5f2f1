/*
 * pc_bench.c — the lab's benchmarks: a candidate's cache timed against the
 * reference on small sizes (a few MiB), in Go's benchmark format.
 *
 *   BenchmarkWrite4KCached    one 4 KiB overwrite of a cached page: the
 *                             write path's own cost (lookup, copy, dirty)
 *   BenchmarkRead4KCached     one 4 KiB read of a cached page
 *   BenchmarkWrite1MiBFsync   256 sequential pages, then fsync: writeback
 *                             batching and the I/O layer
 *   BenchmarkThrottledWriter  one page into a small cache at its hard
 *                             limit: the writer pays for writeback
 *
 * Files go to $TMPDIR (the grader's scratch directory) or /tmp. The clock
 * is frozen, so no flusher runs behind the benchmark's back.
 *
 * Interface: UG_BENCH functions; main() comes from undergo_bench.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <undergo/bench.h>

#include "pagecache.h"

typedef struct bench_file {
    char path[512];
    pc_cache_t *pc;
    pc_handle_t *h;
} bench_file_t;

static uint64_t frozen_clock(void *arg)
{
    (void)arg;
    return 0;
}

/* Opens a cache of `pages` with the given limits over a new file;
 * exits on failure (a benchmark cannot report an error otherwise). */
static void bench_open(bench_file_t *f, size_t pages, double bg_ratio, double dirty_ratio)
{
    const char *dir = getenv("TMPDIR");
    snprintf(f->path, sizeof(f->path), "%s/pc-bench-%ld", dir && *dir ? dir : "/tmp",
             (long)getpid());
    unlink(f->path);
    pc_config_t cfg = PC_CONFIG_INIT;
    cfg.capacity_pages = pages;
    cfg.background_ratio = bg_ratio;
    cfg.dirty_ratio = dirty_ratio;
    cfg.clock = frozen_clock;
    cfg.prefault = true;
    if (pc_cache_open(f->path, &cfg, &f->pc) < 0 || pc_open(f->pc, &f->h) < 0) {
        fprintf(stderr, "pc_bench: cannot open a cache over %s\n", f->path);
        exit(1);
    }
}

static void bench_close(bench_file_t *f)
{
    pc_cache_close(f->pc);
    unlink(f->path);
}

/* Writes pages [0, n) once; exits on failure. */
static void bench_fill(bench_file_t *f, uint64_t n)
{
    char page[PC_PAGE_SIZE];
    memset(page, 0x3c, sizeof(page));
    for (uint64_t i = 0; i < n; i++)
        if (pc_pwrite(f->h, page, sizeof(page), (off_t)(i * PC_PAGE_SIZE)) < 0)
            exit(1);
}

UG_BENCH(BenchmarkWrite4KCached)
{
    bench_file_t f;
    char page[PC_PAGE_SIZE];
    memset(page, 0x5a, sizeof(page));
    ug_bench_stop_timer(b);
    bench_open(&f, 2048, 0.9, 0.9);
    bench_fill(&f, 1024);
    ug_bench_start_timer(b);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        uint64_t p = (i * 7919) % 1024;   /* hop around the working set */
        ug_bench_keep(pc_pwrite(f.h, page, sizeof(page), (off_t)(p * PC_PAGE_SIZE)));
    }
    ug_bench_stop_timer(b);
    ug_bench_set_bytes(b, PC_PAGE_SIZE);
    bench_close(&f);
}

UG_BENCH(BenchmarkRead4KCached)
{
    bench_file_t f;
    char page[PC_PAGE_SIZE];
    ug_bench_stop_timer(b);
    bench_open(&f, 2048, 0.9, 0.9);
    bench_fill(&f, 1024);
    ug_bench_start_timer(b);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        uint64_t p = (i * 7919) % 1024;
        ug_bench_keep(pc_pread(f.h, page, sizeof(page), (off_t)(p * PC_PAGE_SIZE)));
    }
    ug_bench_stop_timer(b);
    ug_bench_set_bytes(b, PC_PAGE_SIZE);
    bench_close(&f);
}

UG_BENCH(BenchmarkWrite1MiBFsync)
{
    bench_file_t f;
    static char mib[1 << 20];
    memset(mib, 0x42, sizeof(mib));
    ug_bench_stop_timer(b);
    bench_open(&f, 1024, 0.5, 0.5);
    ug_bench_start_timer(b);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        off_t off = (off_t)(i % 8) << 20;   /* an 8 MiB file, overwritten */
        ug_bench_keep(pc_pwrite(f.h, mib, sizeof(mib), off));
        ug_bench_keep(pc_fsync(f.h));
    }
    ug_bench_stop_timer(b);
    ug_bench_set_bytes(b, sizeof(mib));
    bench_close(&f);
}

UG_BENCH(BenchmarkThrottledWriter)
{
    bench_file_t f;
    char page[PC_PAGE_SIZE];
    memset(page, 0x7e, sizeof(page));
    ug_bench_stop_timer(b);
    bench_open(&f, 256, 0.10, 0.25);
    ug_bench_start_timer(b);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        uint64_t p = i % 4096;   /* a 16 MiB file, written round and round */
        ug_bench_keep(pc_pwrite(f.h, page, sizeof(page), (off_t)(p * PC_PAGE_SIZE)));
    }
    ug_bench_stop_timer(b);
    ug_bench_set_bytes(b, PC_PAGE_SIZE);
    bench_close(&f);
}
