/*
 * timeline.c — the buffered write path on a timeline: write → dirty →
 * writeback → clean, and fsync.
 *
 * A cache of 64 pages with Linux's ratios (background writeback above 10 %,
 * 6 pages; the hard limit at 20 %) and its ages (a page dirty for 30 s is
 * written at the flusher's next 5 s wake-up), on a virtual clock that the
 * demo moves one second at a time, calling pc_tick as the flusher would:
 *   0 s   write pages 0-2          dirty, nothing reaches the disk
 *   2 s   write page 3
 *   30 s  pages 0-2 are 30 s old: the flusher writes them
 *   35 s  page 3 (dirty since 2 s) at the next wake-up after it expired
 *   40 s  write pages 10-19        above the background threshold: the
 *                                  flusher writes the oldest down to it
 *   45 s  write page 30, fsync     every page dirty before the call is
 *                                  written, then the file is synced
 * Who wrote what, and when, comes from the I/O layer's hook, which sees
 * each page write. --html draws one row per page.
 *
 * Interface: main → open a cache over a temporary file → the script →
 * print the log / draw the timeline → close.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <undergo/demo.h>

#include "pagecache.h"

#define PAGES 32
#define END_MS 50000

typedef struct world {
    uint64_t now;                       /* the virtual clock, ms */
    int64_t dirtied[PAGES];             /* when our write dirtied it, -1: clean */
    int64_t spans[PAGES][4][2];         /* up to 4 dirty spans per page: [from, to] */
    int nspans[PAGES];
    int64_t synced_at;
    const char *why;                    /* who is writing back right now */
    demo_t *d;
    bool quiet;                         /* closing: no more log lines */
    /* consecutive page writes of one cause at one time, printed as one line */
    const char *run_why;
    uint64_t run_at, run_first, run_last, run_age;
    bool run_open;
} world_t;

static void log_flush(world_t *w)
{
    if (!w->run_open)
        return;
    w->run_open = false;
    char pages[48];
    if (w->run_first == w->run_last)
        snprintf(pages, sizeof pages, "page %llu", (unsigned long long)w->run_first);
    else
        snprintf(pages, sizeof pages, "pages %llu-%llu", (unsigned long long)w->run_first,
                 (unsigned long long)w->run_last);
    printf("  %6.1f s  %s%s writes %s%s (dirty for %.1f s)\n", w->run_at / 1000.0,
           demo_c(w->d, DEMO_BLUE), w->run_why, pages, demo_c(w->d, DEMO_RESET),
           w->run_age / 1000.0);
}

static void log_write(world_t *w, uint64_t index, uint64_t age)
{
    if (w->run_open && w->run_why == w->why && w->run_at == w->now &&
        index == w->run_last + 1 && age == w->run_age) {
        w->run_last = index;
        return;
    }
    log_flush(w);
    w->run_open = true;
    w->run_why = w->why;
    w->run_at = w->now;
    w->run_first = w->run_last = index;
    w->run_age = age;
}

static uint64_t clock_fn(void *arg) { return ((world_t *)arg)->now; }

/* The I/O layer's hook: every page write and sync, logged with its cause. */
static int hook(void *arg, pc_io_op_t op, uint64_t index)
{
    world_t *w = arg;
    if (w->quiet)
        return 0;
    if (op == PC_IO_SYNC) {
        log_flush(w);
        w->synced_at = (int64_t)w->now;
        printf("  %6.1f s  %ssync%s: the file's data is durable\n", w->now / 1000.0,
               demo_c(w->d, DEMO_GREEN), demo_c(w->d, DEMO_RESET));
    } else if (op == PC_IO_WRITE && index < PAGES && w->dirtied[index] >= 0) {
        int k = w->nspans[index];
        if (k < 4) {
            w->spans[index][k][0] = w->dirtied[index];
            w->spans[index][k][1] = (int64_t)w->now;
            w->nspans[index]++;
        }
        log_write(w, index, w->now - (uint64_t)w->dirtied[index]);
        w->dirtied[index] = -1;
    }
    return 0;
}

static void counts(world_t *w, pc_cache_t *pc)
{
    pc_stats_t s;
    log_flush(w);
    if (demo_ok(w->d, pc_cache_stats(pc, &s), "pc_cache_stats"))
        printf("             dirty %zu, in flight %zu, on disk so far %llu page writes\n",
               s.nr_dirty, s.nr_writeback, (unsigned long long)s.pages_written);
}

static bool write_pages(world_t *w, pc_handle_t *h, unsigned first, unsigned n)
{
    static char buf[PC_PAGE_SIZE * 16];
    memset(buf, 'a' + (int)(first % 26), sizeof buf);
    log_flush(w);
    if (n == 1)
        printf("  %6.1f s  %swrite page %u%s\n", w->now / 1000.0, demo_c(w->d, DEMO_YELLOW), first,
               demo_c(w->d, DEMO_RESET));
    else
        printf("  %6.1f s  %swrite pages %u-%u%s\n", w->now / 1000.0, demo_c(w->d, DEMO_YELLOW),
               first, first + n - 1, demo_c(w->d, DEMO_RESET));
    w->why = "the writer (throttled)";
    ssize_t rc = pc_pwrite(h, buf, (size_t)n * PC_PAGE_SIZE, (off_t)first * PC_PAGE_SIZE);
    for (unsigned i = first; i < first + n; i++)
        if (w->dirtied[i] < 0)
            w->dirtied[i] = (int64_t)w->now;
    return demo_ok(w->d, rc, "pc_pwrite");
}

/* Moves the clock to t, one second at a time, ticking the flusher. */
static bool run_until(world_t *w, pc_cache_t *pc, uint64_t t)
{
    while (w->now < t) {
        w->now += 1000;
        w->why = "the flusher";
        if (!demo_ok(w->d, pc_tick(pc, w->now), "pc_tick"))
            return false;
    }
    return true;
}

static bool script(world_t *w, pc_cache_t *pc, pc_handle_t *h)
{
    demo_t *d = w->d;
    demo_step(d, "Small writes, then waiting: only age sends them to disk");
    if (!write_pages(w, h, 0, 3) || !run_until(w, pc, 2000) || !write_pages(w, h, 3, 1))
        return false;
    counts(w, pc);
    if (!run_until(w, pc, 36000))
        return false;
    counts(w, pc);
    demo_step(d, "A burst past the background threshold (6 pages)");
    if (!run_until(w, pc, 40000) || !write_pages(w, h, 10, 10))
        return false;
    counts(w, pc);
    if (!run_until(w, pc, 41000))
        return false;
    counts(w, pc);
    demo_step(d, "fsync: everything dirty before the call reaches the disk");
    if (!run_until(w, pc, 45000) || !write_pages(w, h, 30, 1))
        return false;
    w->why = "fsync";
    log_flush(w);
    printf("  %6.1f s  fsync\n", w->now / 1000.0);
    if (!demo_ok(d, pc_fsync(h), "pc_fsync"))
        return false;
    counts(w, pc);
    return true;
}

static void draw(demo_t *d, const world_t *w)
{
    FILE *f = demo_html_open(d, "The page cache on a timeline: dirty, writeback, clean");
    if (!f)
        return;
    fputs("<p class=\"note\">One row per page. Orange: dirty in the cache only (a crash loses it). "
          "The bar ends when the page was written back; green to the right: clean, on disk. "
          "The vertical line is the fsync.</p>\n", f);
    const double x0 = 70, scale = 880.0 / END_MS;
    int rows = 0;
    for (int p = 0; p < PAGES; p++)
        rows += w->nspans[p] > 0 || w->dirtied[p] >= 0;
    demo_svg_open(f, 980, 60 + rows * 18);
    for (int s = 0; s <= END_MS / 1000; s += 5) {
        double x = x0 + s * 1000 * scale;
        fprintf(f, "<line x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e0e0e0\"/>\n", x, x,
                30 + rows * 18);
        demo_svg_text(f, x, 16, "middle", "#666", "%d s", s);
    }
    int row = 0;
    for (int p = 0; p < PAGES; p++) {
        if (!(w->nspans[p] > 0 || w->dirtied[p] >= 0))
            continue;
        double y = 28 + row++ * 18;
        demo_svg_text(f, 10, y + 11, "start", "#333", "page %d", p);
        for (int k = 0; k < w->nspans[p]; k++) {
            double a = x0 + w->spans[p][k][0] * scale, b = x0 + w->spans[p][k][1] * scale;
            demo_svg_rect(f, a, y, b - a < 2 ? 2 : b - a, 13, "#ffb74d", "#f57c00");
            double end = k + 1 < w->nspans[p] ? x0 + w->spans[p][k + 1][0] * scale : x0 + END_MS * scale;
            demo_svg_rect(f, b, y + 4, end - b, 5, "#a5d6a7", "none");
        }
    }
    if (w->synced_at >= 0) {
        double x = x0 + w->synced_at * scale;
        fprintf(f, "<line x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%d\" stroke=\"#2e7d32\" "
                   "stroke-width=\"2\"/>\n", x, x, 30 + rows * 18);
        demo_svg_text(f, x + 4, 40 + rows * 18, "start", "#2e7d32", "fsync");
    }
    demo_svg_close(f);
    demo_html_close(d, f);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "pagecache timeline", .html = true,
        .about = "write -> dirty -> background writeback -> fsync, on a virtual clock"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    static world_t w;
    w.d = &d;
    w.synced_at = -1;
    for (int i = 0; i < PAGES; i++)
        w.dirtied[i] = -1;
    char dir[] = "/tmp/ug-pagecache-demo-XXXXXX", path[64];
    if (!mkdtemp(dir))
        return demo_ok(&d, -1, "mkdtemp"), demo_end(&d);
    snprintf(path, sizeof path, "%s/file", dir);
    pc_config_t cfg = PC_CONFIG_INIT;
    cfg.capacity_pages = 64;
    cfg.clock = clock_fn;
    cfg.clock_arg = &w;
    cfg.fault = hook;
    cfg.fault_arg = &w;
    pc_cache_t *pc = NULL;
    pc_handle_t *h = NULL;
    demo_title(&d, "64 cached pages, background writeback above 6 dirty, pages expire after 30 s");
    if (demo_ok(&d, pc_cache_open(path, &cfg, &pc), "pc_cache_open") &&
        demo_ok(&d, pc_open(pc, &h), "pc_open") && script(&w, pc, h)) {
        demo_note(&d, "write() returned at once each time: the disk saw the data only later");
        if (d.html)
            draw(&d, &w);
    }
    log_flush(&w);
    w.quiet = true;
    if (pc)
        pc_cache_close(pc);
    unlink(path);
    rmdir(dir);
    return demo_end(&d);
}
