/*
 * lost-memory.c — the other half of the lab: heap chunks nobody can reach,
 * found and reported the way LeakSanitizer does.
 *
 * An ordinary program's leaks, allocated through the lab's allocator: a
 * list whose head pointer is dropped (the head is a direct leak, the two
 * nodes behind it indirect), a string copy that is forgotten, a chunk a
 * global still points to (not a leak), and a chunk freed properly. Then
 * the global is cleared, and its chunk is lost too.
 *
 * Interface: main → the allocations → leak_check → leak_report_print →
 * clear the global → leak_check again.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "leak.h"

#define NOINLINE __attribute__((noinline))

struct node {
    struct node *next;
    char pad[40];
};

static demo_t d;
static void *volatile kept;                  /* a global: a root of the scan */
/* A masked copy keeps each allocation observable without being a pointer. */
static volatile uintptr_t seen;
#define SEE(p) (seen ^= (uintptr_t)(p) ^ (uintptr_t)0x5a5a5a5a5a5a5a5aull)

NOINLINE static void lose_list(void)
{
    struct node *head = leak_malloc(sizeof *head);
    if (!demo_ok_ptr(&d, head, "leak_malloc"))
        return;
    head->next = leak_malloc(sizeof *head);
    if (head->next) {
        head->next->next = leak_malloc(sizeof *head);
        if (head->next->next)
            head->next->next->next = NULL;
    }
    SEE(head);                               /* the only pointer to head goes out of scope */
}

NOINLINE static void lose_name(void)
{
    char *s = leak_strdup("forgotten");
    if (demo_ok_ptr(&d, s, "leak_strdup"))
        SEE(s);
}

/* Zeroes the stack below the caller: returned helpers leave pointers there. */
NOINLINE static void scrub_stack(void)
{
    char buf[16384];
    memset(buf, 0, sizeof buf);
    __asm__ volatile("" : : "r"(buf) : "memory");
}

static void check(void)
{
    leak_report_t r = {0};
    scrub_stack();
    if (!demo_ok(&d, leak_check(&r), "leak_check"))
        return;
    if (r.nrecords == 0)
        printf("  no leaks\n");
    fputs(demo_c(&d, DEMO_RED), stdout);
    leak_report_print(&r, stdout);
    fputs(demo_c(&d, DEMO_RESET), stdout);
    leak_report_free(&r);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "leak lost-memory",
        .about = "heap chunks no root reaches, reported as LeakSanitizer reports them"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    if (!demo_ok(&d, leak_init(&(leak_options_t){.stack_depth = 4}), "leak_init"))
        return demo_end(&d);
    demo_title(&d, "Lost heap chunks: reachable from no global, stack, register or TLS");
    demo_step(&d, "kept = malloc(100) in a global; malloc(64) then free; a lost list; a lost strdup");
    kept = leak_malloc(100);
    void *tmp = leak_malloc(64);
    SEE(tmp);
    leak_free(tmp);
    lose_list();
    lose_name();
    check();
    demo_note(&d, "direct: nothing points to it; indirect: only lost chunks point to it");
    demo_step(&d, "kept = NULL: the global no longer holds its chunk");
    kept = NULL;
    check();
    leak_reset();
    return demo_end(&d);
}
