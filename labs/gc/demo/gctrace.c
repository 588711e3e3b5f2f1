/*
 * gctrace.c — the lab's per-cycle record beside Go's GODEBUG=gctrace=1.
 *
 * The same program in both languages: a list of 32768 64-byte nodes kept
 * alive (2 MB), then 400000 more nodes dropped as soon as they are made
 * (25 MB of garbage), with GOGC=100 and Go's 4 MB minimum heap. Go prints
 * one line per cycle on its own (gctrace.go turns the trace on); here each
 * finished cycle is read back with gc_cycle_stats and printed in the same
 * spirit. Both keep the heap goal near twice the live heap: pacing, not
 * the amount allocated, decides how often a cycle runs.
 *
 * Interface: main → the live list → the garbage loop, printing each cycle
 * as it completes → totals.
 */
#include <stdio.h>
#include <time.h>

#include <undergo/demo.h>

#include "gc.h"

#define LIVE 32768
#define GARBAGE 400000

typedef struct node {
    struct node *next;
    long pad[7];
} node_t;

static const size_t offsets[] = {offsetof(node_t, next)};
static const gc_type_t node_type = {"node", sizeof(node_t), 1, offsets};

static double t0;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define MB(x) ((x) >> 20)

/* Prints every cycle finished since *printed. */
static void print_cycles(const demo_t *d, gc_heap_t *h, uint64_t *printed)
{
    gc_cycle_stats_t c;
    while (gc_cycle_stats(h, *printed + 1, &c) == 0) {
        (*printed)++;
        printf("gc %llu @%.3fs: %s%zu->%zu MB%s, %zu MB goal, %llu pause(s), max %.3f ms\n",
               (unsigned long long)c.cycle, now() - t0, demo_c(d, DEMO_CYAN), MB(c.heap_start),
               MB(c.marked_bytes), demo_c(d, DEMO_RESET), MB(c.next_gc),
               (unsigned long long)c.steps, c.pause_max_ns / 1e6);
    }
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "gc gctrace",
        .about = "the lab's per-cycle trace beside Go's GODEBUG=gctrace=1, on the same program"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    gc_config_t c;
    gc_config_default(&c);                 /* GOGC 100, 4 MB minimum, hybrid barrier */
    gc_heap_t *h = NULL;
    if (!demo_ok(&d, gc_heap_new(&c, &h), "gc_heap_new"))
        return demo_end(&d);
    demo_title(&d, "GOGC=100: 2 MB kept alive, 25 MB of garbage");
    demo_note(&d, "each line: heap at the start -> live (marked) MB, the goal the cycle set");
    node_t *live = NULL, *tmp = NULL;
    gc_root_push(h, (void **)&live);
    gc_root_push(h, (void **)&tmp);
    uint64_t printed = 0;
    t0 = now();
    for (int i = 0; i < LIVE && !d.failures; i++) {
        tmp = gc_alloc(h, &node_type);
        if (demo_ok_ptr(&d, tmp, "gc_alloc") && demo_ok(&d, gc_write(h, tmp, 0, live), "gc_write"))
            live = tmp;
        print_cycles(&d, h, &printed);
    }
    for (int i = 0; i < GARBAGE && !d.failures; i++) {
        tmp = gc_alloc(h, &node_type);     /* dropped at the next iteration */
        demo_ok_ptr(&d, tmp, "gc_alloc");
        print_cycles(&d, h, &printed);
    }
    gc_stats_t s;
    if (!d.failures && demo_ok(&d, gc_stats(h, &s), "gc_stats"))
        printf("\n%llu cycles; heap now %zu MB, %zu MB held from the system at most\n",
               (unsigned long long)s.cycles, MB(s.heap_alloc), MB(s.heap_peak));
    demo_note(&d, "Go's line has three heap numbers: at the start, at the end of marking, live.");
    demo_note(&d, "Go marks beside the program: what is allocated meanwhile is born black and");
    demo_note(&d, "counts as live, so a fast allocator sees its goal climb; here each automatic");
    demo_note(&d, "cycle marks with the world stopped.");
    gc_heap_free(h);
    return demo_end(&d);
}
