/*
 * gc_trace_demo.c — writes the HTML page of one traced cycle.
 *
 * Usage: gc_trace_demo OUT.html [none|dijkstra|yuasa|hybrid]
 *
 * The heap is small: two roots, each holding a short chain, and some
 * garbage. One step at a time, with the mutator playing the lost-object
 * scene in between: a scanned (black) node gets a pointer to a white one
 * whose grey holder then drops it. With the hybrid barrier (the default)
 * the page shows the barrier shading it; with "none" the object is swept
 * though still referenced.
 *
 * Interface: main → build → gc_trace_start → gc_begin → steps and stores
 * → gc_trace_html.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "gc.h"

typedef struct node {
    struct node *a, *b;
    long value;
} node_t;

static const size_t offsets[] = {offsetof(node_t, a), offsetof(node_t, b)};
static const gc_type_t node_type = {"node", sizeof(node_t), 2, offsets};

static int barrier_parse(const char *s, gc_barrier_t *out)
{
    static const char *const names[] = {"none", "dijkstra", "yuasa", "hybrid"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (gc_barrier_t)i;
            return 0;
        }
    return -1;
}

static node_t *chain(gc_heap_t *h, int len)
{
    node_t *head = NULL;
    gc_root_push(h, (void **)&head);
    for (int i = 0; i < len; i++) {
        node_t *n = gc_alloc(h, &node_type);
        gc_write(h, n, 0, head);
        head = n;
    }
    gc_root_pop(h);
    return head;
}

int main(int argc, char **argv)
{
    gc_config_t c;
    gc_config_default(&c);
    c.gogc = -1;
    if (argc < 2 || (argc > 2 && barrier_parse(argv[2], &c.barrier) != 0)) {
        fprintf(stderr, "usage: gc_trace_demo OUT.html [none|dijkstra|yuasa|hybrid]\n");
        return 2;
    }
    gc_heap_t *h;
    if (gc_heap_new(&c, &h) != 0) {
        fprintf(stderr, "gc_trace_demo: cannot create a heap\n");
        return 1;
    }
    node_t *p = NULL, *q = NULL;
    gc_root_push(h, (void **)&p);
    gc_root_push(h, (void **)&q);
    p = chain(h, 3);
    q = chain(h, 2);
    chain(h, 2);                                   /* garbage */
    gc_trace_start(h);
    gc_begin(h);
    gc_step(h, 1);                                 /* roots grey, q black */
    node_t *white = p->a;                          /* p is still grey */
    gc_write(h, q, 1, white);                      /* black q → white */
    gc_write(h, p, 0, NULL);                       /* grey p drops it */
    while (gc_phase(h) != GC_PHASE_IDLE)
        gc_step(h, 1);
    int rc = gc_trace_html(h, argv[1]);
    if (rc != 0)
        fprintf(stderr, "gc_trace_demo: %s\n", gc_last_error(h));
    else
        printf("wrote %s\n", argv[1]);
    gc_heap_free(h);
    return rc ? 1 : 0;
}
