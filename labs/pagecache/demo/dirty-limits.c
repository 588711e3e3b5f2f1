/*
 * dirty-limits.c — a writer that never pauses meets the dirty limits.
 *
 * 64 cached pages; the flusher starts above 10 % dirty (6 pages), and no
 * writer may push the count past 20 % (12). A writer dirties 40 pages one
 * after the other and never gives the flusher a turn (no pc_tick): a write
 * that would pass the limit first makes the writer write pages back itself
 * (it is throttled: paced by the disk, not by memory), so the count saws
 * up to the limit and down, and never passes it. Then one flusher tick
 * (which would drain anything above the background threshold). --html
 * draws the dirty count.
 *
 * Interface: main → cache → 40 writes, the counters after each → one tick.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <undergo/demo.h>

#include "pagecache.h"

#define WRITES 40

typedef struct sample {
    size_t dirty;
    uint64_t throttled, written;
} sample_t;

static uint64_t now_ms;
static uint64_t clock_fn(void *arg) { (void)arg; return now_ms; }

static void bar(const demo_t *d, size_t n, size_t bg, size_t hard)
{
    for (size_t i = 1; i <= hard + 2; i++) {
        const char *c = i > n ? "" : demo_c(d, i > bg ? DEMO_RED : DEMO_YELLOW);
        fputs(c, stdout);
        fputs(i <= n ? "#" : i == bg || i == hard ? "|" : " ", stdout);
        fputs(*c ? demo_c(d, DEMO_RESET) : "", stdout);
    }
}

static void draw(demo_t *d, const sample_t *s, int n, size_t bg, size_t hard)
{
    FILE *f = demo_html_open(d, "A writer that never pauses, against the dirty limits");
    if (!f)
        return;
    fputs("<p class=\"note\">Dirty pages after each 4 KiB write (no flusher runs meanwhile). "
          "Orange line: the background threshold; red line: the hard limit. Blue dots: pages the "
          "writer had to write back itself so far.</p>\n", f);
    const double x0 = 50, dx = 20, y0 = 250, dy = 14;
    demo_svg_open(f, 900, 290);
    double lines[2] = {(double)bg, (double)hard};
    const char *colors[2] = {"#fb8c00", "#e53935"};
    for (int k = 0; k < 2; k++) {
        double y = y0 - lines[k] * dy;
        fprintf(f, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-dasharray=\"5 4\"/>\n", x0, y, x0 + n * dx + 10, y, colors[k]);
        demo_svg_text(f, x0 - 6, y + 4, "end", colors[k], "%zu", (size_t)lines[k]);
    }
    for (int i = 0; i < n; i++) {
        double h = s[i].dirty * dy;
        demo_svg_rect(f, x0 + i * dx + 3, y0 - h, dx - 6, h, "#ffcc80", "#ef6c00");
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#1e88e5\"/>\n",
                x0 + i * dx + dx / 2, y0 - s[i].written * 1.5);
    }
    demo_svg_text(f, x0 + n * dx / 2, y0 + 28, "middle", "#444", "write number (1 to %d)", n);
    demo_svg_close(f);
    demo_html_close(d, f);
}

static bool play(demo_t *d, pc_cache_t *pc, pc_handle_t *h)
{
    static char page[PC_PAGE_SIZE];
    static sample_t s[WRITES];
    pc_stats_t st;
    if (!demo_ok(d, pc_cache_stats(pc, &st), "pc_cache_stats"))
        return false;
    size_t bg = st.background_thresh, hard = st.dirty_thresh;
    printf("  background threshold %zu pages, hard limit %zu pages\n", bg, hard);
    demo_step(d, "40 writes of one page each, back to back");
    for (int i = 0; i < WRITES; i++) {
        memset(page, 'a' + i % 26, sizeof page);
        if (!demo_ok(d, pc_pwrite(h, page, sizeof page, (off_t)i * PC_PAGE_SIZE), "pc_pwrite") ||
            !demo_ok(d, pc_cache_stats(pc, &st), "pc_cache_stats"))
            return false;
        s[i] = (sample_t){st.nr_dirty, st.throttled, st.pages_written};
        bool throttled = i > 0 && s[i].throttled > s[i - 1].throttled;
        printf("  write %2d  dirty %2zu ", i + 1, st.nr_dirty);
        bar(d, st.nr_dirty, bg, hard);
        if (throttled)
            printf(" %sthrottled%s: the writer wrote %llu page(s) back itself",
                   demo_c(d, DEMO_RED), demo_c(d, DEMO_RESET),
                   (unsigned long long)(s[i].written - s[i - 1].written));
        printf("\n");
    }
    printf("  most dirty at once: %zu (never past the limit); the writer was throttled %llu times\n",
           st.max_dirty, (unsigned long long)st.throttled);
    demo_step(d, "The flusher's next tick");
    now_ms += 1000;
    if (!demo_ok(d, pc_tick(pc, now_ms), "pc_tick") ||
        !demo_ok(d, pc_cache_stats(pc, &st), "pc_cache_stats"))
        return false;
    if (st.nr_dirty > bg)
        printf("  dirty %zu: still above the background threshold\n", st.nr_dirty);
    else
        printf("  dirty %zu: at or below the background threshold, the flusher leaves them\n"
               "  until they expire (30 s) or an fsync\n", st.nr_dirty);
    if (d->html)
        draw(d, s, WRITES, bg, hard);
    return true;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "pagecache dirty-limits", .html = true,
        .about = "a writer that never pauses is held at the dirty limit and writes back itself"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    char dir[] = "/tmp/ug-pagecache-demo-XXXXXX", path[64];
    if (!mkdtemp(dir))
        return demo_ok(&d, -errno, "mkdtemp"), demo_end(&d);
    snprintf(path, sizeof path, "%s/file", dir);
    pc_config_t cfg = PC_CONFIG_INIT;
    cfg.capacity_pages = 64;
    cfg.clock = clock_fn;
    pc_cache_t *pc = NULL;
    pc_handle_t *h = NULL;
    demo_title(&d, "Dirty limits: 64 cached pages, Linux's ratios (10 %% and 20 %%)");
    if (demo_ok(&d, pc_cache_open(path, &cfg, &pc), "pc_cache_open") &&
        demo_ok(&d, pc_open(pc, &h), "pc_open"))
        play(&d, pc, h);
    if (pc)
        pc_cache_close(pc);
    unlink(path);
    rmdir(dir);
    return demo_end(&d);
}
