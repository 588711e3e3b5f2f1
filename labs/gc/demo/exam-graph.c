/*
 * exam-graph.c — the exam's object graph, marked colour by colour.
 *
 * Seven objects: the roots hold 1 and 4; 1 -> 2 -> 3 and 4 -> 7 are
 * reachable; 5 -> 6 is not (nothing holds 5). A cycle begins with every
 * object white. Each round blackens every object that is grey at its start
 * and greys what they point to, as the exam's pictures do one layer at a
 * time (the first round greys what the roots hold); when no grey is left,
 * the sweep frees what is still white. The colours are the lab's own
 * (gc_color), read after each gc_step whose budget is the number of grey
 * objects; --html draws every round as a picture.
 *
 * Interface: main → build the graph → rounds (gc_step) → sweep → print/draw.
 */
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "gc.h"

#define N 7

typedef struct obj {
    struct obj *next;
    long id;
} obj_t;

static const size_t offsets[] = {offsetof(obj_t, next)};
static const gc_type_t obj_type = {"obj", sizeof(obj_t), 1, offsets};

/* Where each object sits in the picture, and its one edge (0: none). */
static const struct { double x, y; int to; } layout[N + 1] = {
    [1] = {150, 60, 2}, [2] = {270, 60, 3}, [3] = {390, 60, 0}, [4] = {150, 150, 7},
    [7] = {270, 150, 0}, [5] = {420, 150, 6}, [6] = {530, 150, 0},
};

typedef struct round {
    char title[96];
    gc_color_t color[N + 1];
} round_t;

typedef struct scene {
    gc_heap_t *h;
    obj_t *o[N + 1];
    obj_t *root1, *root4;          /* the roots: locals on the shadow stack */
    round_t rounds[16];
    int nrounds;
} scene_t;

static int build(demo_t *d, scene_t *s)
{
    gc_config_t c;
    gc_config_default(&c);
    c.gogc = -1;                   /* cycles only when asked */
    c.debug = true;                /* freed objects read as GC_FREED */
    if (!demo_ok(d, gc_heap_new(&c, &s->h), "gc_heap_new"))
        return -1;
    if (!demo_ok(d, gc_root_push(s->h, (void **)&s->root1), "gc_root_push") ||
        !demo_ok(d, gc_root_push(s->h, (void **)&s->root4), "gc_root_push"))
        return -1;
    for (int i = 1; i <= N; i++) {
        s->o[i] = gc_alloc(s->h, &obj_type);
        if (!demo_ok_ptr(d, s->o[i], "gc_alloc"))
            return -1;
        s->o[i]->id = i;
    }
    for (int i = 1; i <= N; i++)
        if (layout[i].to && !demo_ok(d, gc_write(s->h, s->o[i], 0, s->o[layout[i].to]), "gc_write"))
            return -1;
    s->root1 = s->o[1];
    s->root4 = s->o[4];
    return 0;
}

static int count(const scene_t *s, gc_color_t c)
{
    int n = 0;
    for (int i = 1; i <= N; i++)
        n += gc_color(s->h, s->o[i]) == c;
    return n;
}

static void record(scene_t *s, const char *title)
{
    round_t *r = &s->rounds[s->nrounds++];
    snprintf(r->title, sizeof r->title, "%s", title);
    for (int i = 1; i <= N; i++)
        r->color[i] = gc_color(s->h, s->o[i]);
}

static const char *const names[] = {"white", "grey", "black", "freed"};
static const demo_color_t paint[] = {DEMO_RESET, DEMO_YELLOW, DEMO_BLUE, DEMO_RED};

static void print_round(const demo_t *d, const round_t *r)
{
    demo_step(d, "%s", r->title);
    for (int c = GC_WHITE; c <= GC_FREED; c++) {
        printf("  %s%-6s%s", demo_c(d, paint[c]), names[c], demo_c(d, DEMO_RESET));
        int shown = 0;
        for (int i = 1; i <= N; i++)
            if (r->color[i] == (gc_color_t)c)
                printf(" %d", i), shown++;
        printf("%s\n", shown ? "" : " -");
    }
}

/* Marks round by round, then sweeps; records every state. */
static int cycle(demo_t *d, scene_t *s)
{
    record(s, "Before the cycle: every object is white");
    if (!demo_ok(d, gc_begin(s->h), "gc_begin"))
        return -1;
    if (!demo_ok(d, gc_mark_roots(s->h), "gc_mark_roots"))
        return -1;
    record(s, "Round 1: the roots' objects turn grey");
    for (int round = 2; count(s, GC_GREY) > 0 && round < 10; round++) {
        if (!demo_ok(d, gc_step(s->h, (size_t)count(s, GC_GREY)), "gc_step"))
            return -1;
        char title[96];
        snprintf(title, sizeof title, "Round %d: the greys turn black, what they point to grey",
                 round);
        record(s, title);
    }
    while (gc_phase(s->h) != GC_PHASE_IDLE)
        if (!demo_ok(d, gc_step(s->h, 1000), "gc_step"))
            return -1;
    record(s, "Sweep: the white ones are freed; survivors turn white for the next cycle");
    return 0;
}

static const char *fill_of(gc_color_t c)
{
    static const char *const fill[] = {"#ffffff", "#9e9e9e", "#212121", "#fafafa"};
    return fill[c];
}

static void draw_round(FILE *f, const round_t *r)
{
    fputs("<figure>", f);
    demo_svg_open(f, 600, 200);
    demo_svg_rect(f, 20, 70, 60, 70, "#e3f2fd", "#64b5f6");
    demo_svg_text(f, 50, 110, "middle", "#1565c0", "roots");
    demo_svg_arrow(f, 80, 90, layout[1].x, layout[1].y, 22, "#64b5f6");
    demo_svg_arrow(f, 80, 120, layout[4].x, layout[4].y, 22, "#64b5f6");
    for (int i = 1; i <= N; i++)
        if (layout[i].to && r->color[i] != GC_FREED)
            demo_svg_arrow(f, layout[i].x, layout[i].y, layout[layout[i].to].x,
                           layout[layout[i].to].y, 22, "#555");
    for (int i = 1; i <= N; i++) {
        char label[8];
        snprintf(label, sizeof label, "%d", i);
        gc_color_t c = r->color[i];
        demo_svg_circle(f, layout[i].x, layout[i].y, 20, fill_of(c), c == GC_FREED ? "#e57373" : "#424242",
                        c == GC_FREED, label, c >= GC_GREY && c != GC_FREED ? "#fff" : "#222");
        if (c == GC_FREED)
            demo_svg_text(f, layout[i].x, layout[i].y + 38, "middle", "#c62828", "freed");
    }
    demo_svg_close(f);
    fputs("<figcaption>", f);
    demo_html_text(f, r->title);
    fputs("</figcaption></figure>\n", f);
}

static int draw(demo_t *d, const scene_t *s)
{
    FILE *f = demo_html_open(d, "The exam's object graph, marked colour by colour");
    if (!f)
        return -1;
    fputs("<p class=\"note\">The roots hold objects 1 and 4. 1&rarr;2&rarr;3 and 4&rarr;7 are "
          "reachable; 5&rarr;6 is not. Each round blackens the objects that were grey and "
          "greys what they point to; white, grey and black are the lab's own colours, read "
          "with gc_color after each gc_step.</p>\n<div class=\"frames\">\n", f);
    for (int i = 0; i < s->nrounds; i++)
        draw_round(f, &s->rounds[i]);
    fputs("</div>\n", f);
    return demo_html_close(d, f);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "gc exam-graph", .html = true,
        .about = "the exam's seven objects marked white -> grey -> black, then swept"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    static scene_t s;
    demo_title(&d, "Tri-color marking of the exam's graph: roots -> 1 -> 2 -> 3, roots -> 4 -> 7; "
                   "5 -> 6 is garbage");
    if (build(&d, &s) == 0 && cycle(&d, &s) == 0) {
        for (int i = 0; i < s.nrounds; i++)
            print_round(&d, &s.rounds[i]);
        demo_note(&d, "5 and 6 were never reached from a root: they stayed white and were freed");
        if (d.html)
            draw(&d, &s);
    }
    gc_heap_free(s.h);
    return demo_end(&d);
}
