/*
 * exam.c — the exam's deadlock: two goroutines, each waiting to receive
 * what only the other would send, and main in `select {}`.
 *
 *   go func() { <-ch1; ch2 <- 1 }()
 *   go func() { <-ch2; ch1 <- 1 }()
 *   select {}
 *
 * Go stops such a program with "fatal error: all goroutines are asleep -
 * deadlock!" and the goroutines' stacks (exam.go). The runtime here stops
 * the same way (rt_run returns -EDEADLK); the lab's checker, fed by the
 * runtime's hooks, reports it with who could wake whom (and, a moment
 * earlier, main alone in `select {}` while the other two could still run).
 * --html draws the wait-for graph read from the checker's last report.
 *
 * Interface: main → dl_new → rt_run(exam_main) with dl_rt_hooks → reports.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <undergo/demo.h>

#include "deadlock.h"

typedef struct world {
    dl_t *d;
    chan_t *ch1, *ch2;
} world_t;

static void g1(void *p)
{
    world_t *w = p;
    dl_chan_role(w->d, w->ch1, CHAN_RECV);   /* func(in <-chan int, out chan<- int) */
    dl_chan_role(w->d, w->ch2, CHAN_SEND);
    int v = 1;
    chan_recv(w->ch1, &v, NULL);
    chan_send(w->ch2, &v);
}

static void g2(void *p)
{
    world_t *w = p;
    dl_chan_role(w->d, w->ch2, CHAN_RECV);
    dl_chan_role(w->d, w->ch1, CHAN_SEND);
    int v = 1;
    chan_recv(w->ch2, &v, NULL);
    chan_send(w->ch1, &v);
}

static void exam_main(void *p)
{
    task_spawn(g1, p, NULL);
    task_spawn(g2, p, NULL);
    chan_select(NULL, 0, false);             /* select {} */
}

/* ---- the wait-for graph, read back from a report's text ----------------------------- */

#define MAX_G 16

typedef struct graph {
    uint64_t ids[MAX_G];
    char state[MAX_G][40];
    int n;
    int from[MAX_G], to[MAX_G];            /* edges by index */
    int nedges;
} graph_t;

static int node(graph_t *g, uint64_t id)
{
    for (int i = 0; i < g->n; i++)
        if (g->ids[i] == id)
            return i;
    if (g->n == MAX_G)
        return -1;
    g->ids[g->n] = id;
    g->state[g->n][0] = '\0';
    return g->n++;
}

/* Lines "goroutine N [state]: ..." open a goroutine; "woken only by
 * goroutine M" under it is an edge N -> M (N waits for M). */
static void parse(graph_t *g, const char *text)
{
    int cur = -1;
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        unsigned long long id;
        char state[40];
        if (sscanf(line, "goroutine %llu [%39[^]]]", &id, state) == 2) {
            cur = node(g, id);
            if (cur >= 0)
                snprintf(g->state[cur], sizeof g->state[cur], "%s", state);
            continue;
        }
        const char *by = strstr(line, "woken only by goroutine ");
        const char *eol = strchr(line, '\n');
        if (cur >= 0 && by && (!eol || by < eol) && g->nedges < MAX_G &&
            sscanf(by, "woken only by goroutine %llu", &id) == 1) {
            int to = node(g, id);
            if (to >= 0) {
                g->from[g->nedges] = cur;
                g->to[g->nedges++] = to;
            }
        }
    }
}

static void draw(demo_t *dm, const char *text)
{
    graph_t g = {0};
    parse(&g, text);
    FILE *f = demo_html_open(dm, "The exam's deadlock: the wait-for graph");
    if (!f)
        return;
    fputs("<p class=\"note\">Each box is a goroutine, with what it is blocked in. An arrow "
          "from A to B: only B could wake A. A cycle of arrows is a deadlock; main, in "
          "<code>select {}</code>, waits for nothing anyone could do.</p>\n", f);
    demo_svg_open(f, 640, 300);
    double cx = 320, cy = 150, r = 100;
    double x[MAX_G], y[MAX_G];
    for (int i = 0; i < g.n; i++) {
        double a = 3.14159265 * 2 * i / (g.n ? g.n : 1) - 3.14159265 / 2;
        x[i] = cx + r * 1.6 * __builtin_cos(a);
        y[i] = cy + r * __builtin_sin(a);
    }
    for (int e = 0; e < g.nedges; e++) {
        /* two goroutines waiting for each other: two arrows, side by side */
        double dx = x[g.to[e]] - x[g.from[e]], dy = y[g.to[e]] - y[g.from[e]];
        double len = __builtin_sqrt(dx * dx + dy * dy), ox = len ? -dy / len * 7 : 0,
               oy = len ? dx / len * 7 : 0;
        double ux = len ? __builtin_fabs(dx / len) : 1, uy = len ? __builtin_fabs(dy / len) : 1;
        double edge = ux * 22 > uy * 62 ? 62 / ux : 22 / uy;   /* centre to the box's edge */
        demo_svg_arrow(f, x[g.from[e]] + ox, y[g.from[e]] + oy, x[g.to[e]] + ox, y[g.to[e]] + oy,
                       edge + 3, "#e53935");
    }
    for (int i = 0; i < g.n; i++) {
        demo_svg_rect(f, x[i] - 62, y[i] - 22, 124, 44, "#fff3e0", "#ef6c00");
        demo_svg_text(f, x[i], y[i] - 4, "middle", "#333", "goroutine %llu",
                      (unsigned long long)g.ids[i]);
        demo_svg_text(f, x[i], y[i] + 13, "middle", "#777", "%s", g.state[i]);
    }
    demo_svg_close(f);
    fputs("<h2>The checker's report</h2>\n<pre>", f);
    demo_html_text(f, text);
    fputs("</pre>\n", f);
    demo_html_close(dm, f);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "deadlock exam", .html = true,
        .about = "the exam's two goroutines waiting on each other's channel"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    world_t w = {0};
    rt_hooks_t hooks;
    if (!demo_ok(&d, dl_new(0, &w.d), "dl_new") || !demo_ok(&d, dl_rt_hooks(w.d, &hooks), "dl_rt_hooks") ||
        !demo_ok(&d, chan_make(sizeof(int), 0, &w.ch1), "chan_make") ||
        !demo_ok(&d, chan_make(sizeof(int), 0, &w.ch2), "chan_make")) {
        dl_free(w.d);
        return demo_end(&d);
    }
    demo_title(&d, "go { <-ch1; ch2 <- 1 }; go { <-ch2; ch1 <- 1 }; select {}");
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .hooks = &hooks};
    rc = rt_run(&cfg, exam_main, &w);
    demo_step(&d, "The run stops, as Go's does (rt_run: %s); the checker's reports:",
              rc == -EDEADLK ? "-EDEADLK" : rc == 0 ? "0, every task finished" : "an error");
    dl_report_t r;
    const char *text = NULL;
    for (size_t i = 0; dl_report_get(w.d, i, &r) == 0; i++) {
        printf("%s%s%s\n", demo_c(&d, DEMO_RED), r.text, demo_c(&d, DEMO_RESET));
        text = r.text;
    }
    if (!text)
        printf("  (no report)\n");
    else if (d.html)
        draw(&d, text);
    dl_free(w.d);
    chan_free(w.ch1);
    chan_free(w.ch2);
    return demo_end(&d);
}
