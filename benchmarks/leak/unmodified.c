/*
 * unmodified.c — an ordinary program with ordinary leaks, for the preloaded
 * detector: it knows nothing of the lab and calls plain malloc, strdup and
 * free. (The same scene through the lab's API is the demo
 * `grader demo leak lost-memory`.) Expected at exit: one direct leak of 48 bytes (a list head) with
 * two indirect nodes behind it, one direct strdup; the chunk held by a
 * global and the freed one are not reported.
 *
 * Interface: LD_PRELOAD=libleak_preload.so leak_unmodified.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
    struct node *next;
    char pad[40];
};

static void *volatile kept;
/* Masked copies make every allocation observable: a compiler may delete an
 * allocation whose result nobody can see. A masked value is no pointer. */
static volatile uintptr_t seen;
#define SEE(p) (seen ^= (uintptr_t)(p) ^ (uintptr_t)0x5a5a5a5a5a5a5a5aull)

__attribute__((noinline)) static void lose_list(void)
{
    struct node *head = malloc(sizeof *head);
    head->next = malloc(sizeof *head);
    head->next->next = malloc(sizeof *head);
    head->next->next->next = NULL;
    SEE(head);
}

__attribute__((noinline)) static void lose_name(void)
{
    char *s = strdup("forgotten");
    s[0] = 'F';
    SEE(s);
}

__attribute__((noinline)) static void scrub(void)
{
    char buf[8192];
    explicit_bzero(buf, sizeof buf);
    __asm__ volatile("" : : "r"(buf) : "memory");
}

int main(void)
{
    kept = malloc(100);
    void *tmp = malloc(64);
    SEE(tmp);
    free(tmp);
    lose_list();
    lose_name();
    scrub();
    puts("unmodified: done");
    return 0;
}
