/*
 * mutex.c — a goroutine that locks and forgets to unlock leaves every
 * later Lock waiting for ever.
 *
 * The exam's example: two goroutines add to a total under a mutex, and
 * neither unlocks. The first finishes holding the lock; the second waits
 * for it for ever. At the end total is 1 and one goroutine is stuck. The
 * fix, `defer mu.Unlock()` right after Lock, runs next.
 *
 * Interface: main → rt_run(scene, no unlock) → rt_run(scene, unlock).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>
#include <undergo/runtime.h>

#include "leak.h"

#define NOINLINE __attribute__((noinline))

static demo_t d;

/* Zeroes the stack below the caller, so a returned helper's leftovers are
 * not mistaken for live pointers by the conservative scan. */
NOINLINE static void scrub_stack(void)
{
    char buf[16384];
    memset(buf, 0, sizeof buf);
    __asm__ volatile("" : : "r"(buf) : "memory");
}

static int count_one(const task_info_t *t, void *n)
{
    (void)t;
    ++*(size_t *)n;
    return 0;
}

/* Waits for every task to settle, then asks the detector. */
static void report(void)
{
    clock_sleep(10 * CLOCK_S);
    scrub_stack();
    size_t n = 0;
    task_foreach(count_one, &n);
    printf("  tasks alive 10 s later: %zu (Go: runtime.NumGoroutine())\n", n);
    leak_task_report_t rep = {0};
    if (!demo_ok(&d, leak_tasks_check(&rep), "leak_tasks_check"))
        return;
    if (rep.ntasks == 0)
        printf("  %sthe detector: no leaked task%s\n", demo_c(&d, DEMO_GREEN), demo_c(&d, DEMO_RESET));
    fputs(demo_c(&d, DEMO_RED), stdout);
    leak_task_report_print(&rep, stdout);
    fputs(demo_c(&d, DEMO_RESET), stdout);
    leak_task_report_free(&rep);
}

/* --------------------------------------------------------------------------------- */
typedef struct counter {
    mutex_t mu;
    int total;
    bool unlock;
} counter_t;

static void add(void *arg)
{
    counter_t *c = arg;
    mutex_lock(&c->mu);
    c->total++;
    if (c->unlock)
        mutex_unlock(&c->mu);                /* defer mu.Unlock() */
}

NOINLINE static counter_t *handler(bool unlock)
{
    counter_t *c = leak_calloc(1, sizeof *c);
    if (!demo_ok_ptr(&d, c, "leak_calloc"))
        return NULL;
    c->unlock = unlock;
    for (int i = 0; i < 2; i++)
        task_spawn(add, c, NULL);
    return c;
}

static void scene(void *arg)
{
    counter_t *volatile c = handler(*(bool *)arg);
    clock_sleep(CLOCK_S);
    if (c)
        printf("  total: %d\n", c->total);
    c = NULL;                                /* main keeps no pointer to the counter */
    report();
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "leak mutex",
        .about = "a mutex locked and never unlocked: the next Lock waits for ever"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    if (!demo_ok(&d, leak_init(NULL), "leak_init"))
        return demo_end(&d);
    demo_title(&d, "A mutex locked and never unlocked");
    rt_config_t cfg = {.seed = 1};
    bool unlock = false;
    demo_step(&d, "two goroutines: mu.Lock(); total += 1   (no Unlock)");
    rt_run(&cfg, scene, &unlock);
    demo_step(&d, "The fix: mu.Lock(); defer mu.Unlock()");
    unlock = true;
    rt_run(&cfg, scene, &unlock);
    leak_reset();
    return demo_end(&d);
}
