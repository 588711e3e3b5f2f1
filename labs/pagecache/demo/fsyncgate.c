/*
 * fsyncgate.c — a writeback error is reported once per open file
 * description, and a second fsync does not bring the data back.
 *
 * PostgreSQL learned this in 2018 ("fsyncgate"): when the kernel fails to
 * write a dirty page back, it records the error, marks the page clean and
 * moves on. Each open file description is then told once, at its next
 * fsync; asking again returns success although the bytes never reached
 * the disk. Here two handles stand for two processes with the file open; the
 * I/O layer's hook fails the background writeback of page 0 with EIO.
 *
 * Interface: main → cache + handles A and B → write → failing writeback →
 * fsyncs of A, A again, B, B again, a handle opened afterwards → the disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <undergo/demo.h>

#include "pagecache.h"

typedef struct world {
    uint64_t now;
    int fail_writes;                    /* page writes still to fail */
    demo_t *d;
} world_t;

static uint64_t clock_fn(void *arg) { return ((world_t *)arg)->now; }

static int hook(void *arg, pc_io_op_t op, uint64_t index)
{
    world_t *w = arg;
    if (op != PC_IO_WRITE || w->fail_writes == 0)
        return 0;
    w->fail_writes--;
    printf("  %sthe disk fails the write of page %llu: EIO%s\n", demo_c(w->d, DEMO_RED),
           (unsigned long long)index, demo_c(w->d, DEMO_RESET));
    return -EIO;
}

static void fsync_as(demo_t *d, const char *who, pc_handle_t *h)
{
    int rc = pc_fsync(h);
    if (rc != 0 && rc != -EIO && !demo_ok(d, rc, "pc_fsync"))
        return;
    printf("  fsync(%s) = %s%s%s\n", who, demo_c(d, rc ? DEMO_RED : DEMO_GREEN),
           rc ? "-EIO" : "0 (success)", demo_c(d, DEMO_RESET));
}

/* What the file holds on disk at off, read behind the cache's back. */
static void disk_says(demo_t *d, const char *path, const char *cached)
{
    char buf[16] = "";
    int fd = open(path, O_RDONLY);
    ssize_t n = fd >= 0 ? pread(fd, buf, sizeof buf - 1, 0) : -1;
    if (fd >= 0)
        close(fd);
    printf("  the cache serves: \"%s\"\n", cached);
    printf("  the disk holds:   %s%s%s\n", demo_c(d, DEMO_RED),
           n > 0 && buf[0] ? buf : "nothing (the bytes were never written)", demo_c(d, DEMO_RESET));
}

static bool play(demo_t *d, world_t *w, pc_cache_t *pc, const char *path)
{
    pc_handle_t *a = NULL, *b = NULL, *late = NULL;
    if (!demo_ok(d, pc_open(pc, &a), "pc_open") || !demo_ok(d, pc_open(pc, &b), "pc_open"))
        return false;
    demo_step(d, "Process A writes page 0; processes A and B have the file open");
    if (!demo_ok(d, pc_pwrite(a, "precious", 8, 0), "pc_pwrite"))
        return false;
    printf("  write(A, \"precious\") = 8: the bytes are in the cache, dirty\n");
    demo_step(d, "Background writeback, 40 s later, fails");
    w->fail_writes = 1;
    w->now = 40000;
    if (!demo_ok(d, pc_tick(pc, w->now), "pc_tick"))
        return false;
    pc_stats_t s;
    if (demo_ok(d, pc_cache_stats(pc, &s), "pc_cache_stats"))
        printf("  dirty pages now: %zu (the failed page was marked clean)\n", s.nr_dirty);
    demo_step(d, "Each file description hears of the error once");
    fsync_as(d, "A", a);
    fsync_as(d, "A", a);
    fsync_as(d, "B", b);
    fsync_as(d, "B", b);
    if (demo_ok(d, pc_open(pc, &late), "pc_open"))
        fsync_as(d, "C, opened after the error was seen", late);
    demo_step(d, "Where the data is");
    char cached[16] = "";
    if (demo_ok(d, pc_pread(a, cached, 8, 0), "pc_pread"))
        disk_says(d, path, cached);
    demo_note(d, "a retried fsync succeeds and the data is still lost: after an fsync error,");
    demo_note(d, "the only safe course is to write the data again from the program's own copy");
    return true;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "pagecache fsyncgate",
        .about = "a writeback EIO is reported once per file description; a retry says success"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    static world_t w;
    w.d = &d;
    char dir[] = "/tmp/ug-pagecache-demo-XXXXXX", path[64];
    if (!mkdtemp(dir))
        return demo_ok(&d, -errno, "mkdtemp"), demo_end(&d);
    snprintf(path, sizeof path, "%s/file", dir);
    pc_config_t cfg = PC_CONFIG_INIT;
    cfg.capacity_pages = 64;
    cfg.clock = clock_fn;
    cfg.clock_arg = &w;
    cfg.fault = hook;
    cfg.fault_arg = &w;
    pc_cache_t *pc = NULL;
    demo_title(&d, "fsyncgate: one EIO, told once to each open file description");
    if (demo_ok(&d, pc_cache_open(path, &cfg, &pc), "pc_cache_open"))
        play(&d, &w, pc, path);
    if (pc)
        pc_cache_close(pc);
    unlink(path);
    rmdir(dir);
    return demo_end(&d);
}
