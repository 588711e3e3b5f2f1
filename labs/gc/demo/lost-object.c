/*
 * lost-object.c — the lost-object race of incremental marking, and each
 * write barrier preventing it.
 *
 * Marking runs in steps while the program (the mutator) keeps writing. In
 * the exam's picture, 1 and 4 are already black, 2 is grey and still points
 * to 3, which is white. Then, before 2 is scanned, two writes:
 *   scene A: 4.b = 3 (a black object takes 3), then 2.a = nil (its grey
 *            holder drops it);
 *   scene B: a local variable (a root, which no barrier sees) takes 3, then
 *            2.a = nil.
 * Both conditions of the loss now hold: a black holder, no grey path. With
 * no barrier the sweep frees 3 while it is still referenced. Dijkstra's
 * insertion barrier shades the new value (scene A) and rescans the roots
 * at the end (scene B); Yuasa's deletion barrier shades the old value;
 * Go's hybrid barrier does both until the roots are scanned, then shades
 * the old value. gc_verify names the broken invariant right after the
 * writes.
 *
 * Options: --barrier NAME runs one barrier only; --trace FILE (with
 * --barrier) writes the lab's own animated page (gc_trace_html) of scene A;
 * --html FILE draws scene A under every barrier.
 *
 * Interface: main → for each barrier and scene: build → mark two rounds →
 * the writes → gc_verify → finish the cycle → who survived.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "gc.h"

#define N 7

typedef struct obj {
    struct obj *a, *b;
    long id;
} obj_t;

static const size_t offsets[] = {offsetof(obj_t, a), offsetof(obj_t, b)};
static const gc_type_t obj_type = {"obj", sizeof(obj_t), 2, offsets};
static const char *const barrier_names[] = {"none", "dijkstra", "yuasa", "hybrid"};
static const int edges[][2] = {{1, 2}, {2, 3}, {4, 7}, {5, 6}};   /* each in field a */
static const double pos[N + 1][2] = {{0, 0}, {150, 60}, {270, 60}, {390, 60}, {150, 150},
                                     {420, 150}, {530, 150}, {270, 150}};

/* One picture: colours and edges (to = 0: none; a field pointing to a freed object is kept). */
typedef struct frame {
    char title[96];
    gc_color_t color[N + 1];
    int field[N + 1][2];
    bool root_holds3;
} frame_t;

typedef struct scene {
    gc_heap_t *h;
    obj_t *o[N + 1];
    obj_t *root1, *root4, *local;  /* shadow-stack slots */
    frame_t frames[3];
    int nframes;
    char verify[160];
} scene_t;

static int id_of(const scene_t *s, const void *p)
{
    for (int i = 1; i <= N; i++)
        if (p && s->o[i] == p)
            return i;
    return 0;
}

static void snap(scene_t *s, const char *title)
{
    frame_t *f = &s->frames[s->nframes++];
    snprintf(f->title, sizeof f->title, "%s", title);
    for (int i = 1; i <= N; i++) {
        f->color[i] = gc_color(s->h, s->o[i]);
        for (int k = 0; k < 2; k++)
            f->field[i][k] = f->color[i] == GC_FREED ? 0 : id_of(s, gc_read(s->h, s->o[i], (size_t)k));
    }
    f->root_holds3 = s->local == s->o[3];
}

static int build(demo_t *d, scene_t *s, gc_barrier_t b)
{
    gc_config_t c;
    gc_config_default(&c);
    c.gogc = -1;
    c.debug = true;
    c.barrier = b;
    memset(s, 0, sizeof *s);
    if (!demo_ok(d, gc_heap_new(&c, &s->h), "gc_heap_new"))
        return -1;
    void **slots[] = {(void **)&s->root1, (void **)&s->root4, (void **)&s->local};
    for (int i = 0; i < 3; i++)
        if (!demo_ok(d, gc_root_push(s->h, slots[i]), "gc_root_push"))
            return -1;
    for (int i = 1; i <= N; i++)
        if (!demo_ok_ptr(d, s->o[i] = gc_alloc(s->h, &obj_type), "gc_alloc"))
            return -1;
    for (size_t e = 0; e < sizeof edges / sizeof *edges; e++)
        if (!demo_ok(d, gc_write(s->h, s->o[edges[e][0]], 0, s->o[edges[e][1]]), "gc_write"))
            return -1;
    s->root1 = s->o[1];
    s->root4 = s->o[4];
    return 0;
}

/* The cycle with the mutator's two writes after round 2. Returns 0 or -1. */
static int play(demo_t *d, scene_t *s, bool scene_b, const char *trace)
{
    if (trace && !demo_ok(d, gc_trace_start(s->h), "gc_trace_start"))
        return -1;
    if (!demo_ok(d, gc_begin(s->h), "gc_begin"))
        return -1;
    long rc = gc_mark_roots(s->h);          /* Yuasa scanned them at gc_begin */
    if (rc != -EALREADY && !demo_ok(d, rc, "gc_mark_roots"))
        return -1;
    if (!demo_ok(d, gc_step(s->h, 2), "gc_step"))   /* 1 and 4 black; 2 and 7 grey */
        return -1;
    snap(s, "marking: 1, 4 black; 2 grey, still holding white 3");
    if (scene_b)
        s->local = s->o[3];                  /* a root takes 3: no barrier sees it */
    else if (!demo_ok(d, gc_write(s->h, s->o[4], 1, s->o[3]), "gc_write"))
        return -1;
    if (!demo_ok(d, gc_write(s->h, s->o[2], 0, NULL), "gc_write"))
        return -1;
    rc = gc_verify(s->h);
    snprintf(s->verify, sizeof s->verify, "%s",
             rc == 0 ? "gc_verify: the invariant holds" : gc_last_error(s->h));
    snap(s, scene_b ? "a root takes 3, then 2 drops it" : "4.b = 3, then 2.a = nil");
    while (gc_phase(s->h) != GC_PHASE_IDLE)
        if (!demo_ok(d, gc_step(s->h, 1000), "gc_step"))
            return -1;
    snap(s, "after the sweep");
    if (trace) {
        rc = gc_trace_html(s->h, trace);
        if (demo_ok(d, rc, "gc_trace_html"))
            printf("  wrote %s (the lab's own trace page of this run)\n", trace);
    }
    return 0;
}

static bool survived(const scene_t *s) { return s->frames[2].color[3] != GC_FREED; }

static void report(const demo_t *d, const scene_t *s, bool scene_b)
{
    bool ok = survived(s);
    printf("  scene %c: 3 is %s%s%s\n", scene_b ? 'B' : 'A', demo_c(d, ok ? DEMO_GREEN : DEMO_RED),
           ok ? "kept: it is still referenced" : "FREED while still referenced",
           demo_c(d, DEMO_RESET));
    demo_note(d, "  right after the writes, %s", s->verify);
}

static void draw_frame(FILE *f, const frame_t *fr)
{
    static const char *const fill[] = {"#ffffff", "#9e9e9e", "#212121", "#fafafa"};
    fputs("<figure>", f);
    demo_svg_open(f, 580, 200);
    demo_svg_rect(f, 20, 70, 60, 70, "#e3f2fd", "#64b5f6");
    demo_svg_text(f, 50, 110, "middle", "#1565c0", "roots");
    demo_svg_arrow(f, 80, 90, pos[1][0], pos[1][1], 22, "#64b5f6");
    demo_svg_arrow(f, 80, 120, pos[4][0], pos[4][1], 22, "#64b5f6");
    if (fr->root_holds3)
        demo_svg_arrow(f, 60, 70, pos[3][0], pos[3][1], 22, "#64b5f6");
    for (int i = 1; i <= N; i++)
        for (int k = 0; k < 2; k++)
            if (fr->field[i][k])
                demo_svg_arrow(f, pos[i][0], pos[i][1], pos[fr->field[i][k]][0],
                               pos[fr->field[i][k]][1], 22,
                               fr->color[fr->field[i][k]] == GC_FREED ? "#e53935" : "#555");
    for (int i = 1; i <= N; i++) {
        char label[4];
        snprintf(label, sizeof label, "%d", i);
        bool freed = fr->color[i] == GC_FREED;
        demo_svg_circle(f, pos[i][0], pos[i][1], 20, fill[fr->color[i]], freed ? "#e53935" : "#424242",
                        freed, label, fr->color[i] == GC_GREY || fr->color[i] == GC_BLACK ? "#fff" : "#222");
        if (freed)
            demo_svg_text(f, pos[i][0], pos[i][1] + 38, "middle", "#c62828", "freed");
    }
    demo_svg_close(f);
    fputs("<figcaption>", f);
    demo_html_text(f, fr->title);
    fputs("</figcaption></figure>\n", f);
}

static void draw_barrier(FILE *f, const scene_t *s, gc_barrier_t b)
{
    fprintf(f, "<h2>barrier: %s &mdash; 3 is %s</h2>\n<p class=\"note\">Right after the "
               "writes: ", barrier_names[b], survived(s) ? "kept" : "freed while referenced");
    demo_html_text(f, s->verify);
    fputs("</p>\n<div class=\"frames\">\n", f);
    for (int i = 0; i < s->nframes; i++)
        draw_frame(f, &s->frames[i]);
    fputs("</div>\n", f);
}

static int parse_barrier(demo_t *d, int *first, int *last)
{
    const char *want = demo_option(d, "--barrier");
    *first = 0;
    *last = 3;
    for (int b = 0; want && b < 4; b++)
        if (!strcmp(want, barrier_names[b]))
            *first = *last = b;
    if (want && *first != *last) {
        fprintf(stderr, "gc lost-object: --barrier takes none, dijkstra, yuasa or hybrid\n");
        return -1;
    }
    if (demo_option(d, "--trace") && !want) {
        fprintf(stderr, "gc lost-object: --trace draws one run: give --barrier too\n");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const char *const opts[] = {"--barrier", "--trace", NULL};
    static const demo_spec_t spec = {
        .name = "gc lost-object", .html = true, .options = opts,
        .options_help = "[--barrier none|dijkstra|yuasa|hybrid [--trace FILE]]",
        .about = "the lost-object race of incremental marking; each barrier saving the object"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec), first, last;
    if (rc >= 0)
        return rc;
    if (parse_barrier(&d, &first, &last))
        return 2;
    FILE *page = d.html ? demo_html_open(&d, "The lost object: incremental marking and write barriers") : NULL;
    demo_title(&d, "A white object moved behind the marker's back");
    demo_note(&d, "scene A: black 4 takes white 3, then grey 2 drops it (heap writes)");
    demo_note(&d, "scene B: a local variable takes 3, then grey 2 drops it (roots have no barrier)");
    static scene_t s;
    for (int b = first; b <= last && !d.failures; b++) {
        demo_step(&d, "barrier: %s", barrier_names[b]);
        for (int scene = 0; scene < 2 && !d.failures; scene++) {
            const char *trace = scene == 0 ? demo_option(&d, "--trace") : NULL;
            if (build(&d, &s, (gc_barrier_t)b) == 0 && play(&d, &s, scene == 1, trace) == 0) {
                report(&d, &s, scene == 1);
                if (page && scene == 0)
                    draw_barrier(page, &s, (gc_barrier_t)b);
            }
            gc_heap_free(s.h);
            s.h = NULL;
        }
    }
    demo_note(&d, "Dijkstra saves scene B only by rescanning the roots at the end of marking,");
    demo_note(&d, "the stop-the-world pause Go 1.8's hybrid barrier removed");
    if (page)
        demo_html_close(&d, page);
    return demo_end(&d);
}
