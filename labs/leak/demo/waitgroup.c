/*
 * waitgroup.c — a WaitGroup told to wait for four tasks when three start:
 * Wait never returns.
 *
 * The exam's example: handle() adds 4 and starts three goroutines that
 * each read a table and call Done. The counter stops at 1, so Wait blocks
 * for ever and handle's goroutine leaks. The fix adds one per goroutine
 * started, right before starting it.
 *
 * Interface: main → rt_run(scene, Add(4)) → rt_run(scene, Add(1) each).
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
static void read_table(void *arg)
{
    wg_done(arg);                            /* "access table n"; wg.Done() */
}

static void handle(void *arg)
{
    bool add_each = *(bool *)arg;
    wg_t wg = {0};
    if (!add_each)
        wg_add(&wg, 4);                      /* four, for three goroutines */
    for (int i = 0; i < 3; i++) {
        if (add_each)
            wg_add(&wg, 1);
        task_spawn(read_table, &wg, NULL);
    }
    wg_wait(&wg);
    printf("  handle: all tables read\n");
}

static void scene(void *arg)
{
    task_spawn(handle, arg, NULL);           /* go handle() */
    report();
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "leak waitgroup",
        .about = "wg.Add(4) for three goroutines: Wait never returns"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    if (!demo_ok(&d, leak_init(NULL), "leak_init"))
        return demo_end(&d);
    demo_title(&d, "A WaitGroup that never reaches zero");
    rt_config_t cfg = {.seed = 1};
    bool add_each = false;
    demo_step(&d, "wg.Add(4); three goroutines each wg.Done(); wg.Wait()");
    rt_run(&cfg, scene, &add_each);
    demo_step(&d, "The fix: wg.Add(1) right before each go statement");
    add_each = true;
    rt_run(&cfg, scene, &add_each);
    leak_reset();
    return demo_end(&d);
}
