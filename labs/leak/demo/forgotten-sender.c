/*
 * forgotten-sender.c — a handler gives up waiting (a timeout, as with a
 * context deadline) and returns; the goroutine that was to hand it the
 * result blocks on its send for ever.
 *
 * The exam's first pattern. The handler starts a "network call" that takes
 * 50 ms and waits at most 10 ms for it on an unbuffered channel. After the
 * handler has returned, nobody will ever receive: the sender is leaked.
 * The lab's task leak detector (leak_tasks_check) names it; the Go original
 * shows runtime.NumGoroutine() and the goroutine's stack. The fix, a
 * channel with room for the one result, runs next: nothing leaks.
 *
 * Interface: main → rt_run(scene, unbuffered) → report → rt_run(scene,
 * buffered) → report.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>
#include <undergo/runtime.h>

#include "leak.h"

#define NOINLINE __attribute__((noinline))

static demo_t d;

typedef struct job {
    chan_t *ch;
} job_t;

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

/* Channels are freed by main after the runs (a leaked task still waits on
 * its channel). The list lives on main's own stack, which no task check
 * scans: a global array would make every channel reachable, and no task
 * would ever look leaked. */
static chan_t **made;
static size_t nmade;

static void made_free(void)
{
    for (size_t i = 0; i < nmade; i++)
        chan_free(made[i]);
    nmade = 0;
}

static bool make_chan(size_t cap, chan_t **out)
{
    if (nmade == 8 || !demo_ok(&d, chan_make(sizeof(int), cap, out), "chan_make"))
        return false;
    made[nmade++] = *out;
    return true;
}


/* Like a network call that takes 50 ms, then hands its result over. */
static void forgotten_sender(void *arg)
{
    job_t *j = arg;
    int data = 3;
    clock_sleep(50 * CLOCK_MS);
    chan_send(j->ch, &data);                 /* blocks: nobody receives any more */
    leak_free(j);
}

/* Waits for the result at most 10 ms. */
NOINLINE static int handler(size_t cap)
{
    job_t *j = leak_calloc(1, sizeof *j);
    rt_timer_t *t = NULL;
    int data = 0;
    if (!demo_ok_ptr(&d, j, "leak_calloc") || !make_chan(cap, &j->ch))
        return -ENOMEM;
    task_spawn(forgotten_sender, j, NULL);
    timer_new(10 * CLOCK_MS, &t);
    chan_case_t c[2] = {{j->ch, CHAN_RECV, &data, false}, {timer_chan(t), CHAN_RECV, NULL, false}};
    int k = chan_select(c, 2, false);
    timer_free(t);
    printf("  handler: %s\n", k == 0 ? "got the result" : "timed out after 10 ms, returns an error");
    return k == 0 ? 0 : -ETIMEDOUT;
}

static void scene(void *arg)
{
    handler(*(size_t *)arg);
    report();
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "leak forgotten-sender",
        .about = "the handler times out and returns; its sender blocks for ever"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    if (!demo_ok(&d, leak_init(NULL), "leak_init"))
        return demo_end(&d);
    chan_t *chans[8];
    made = chans;
    demo_title(&d, "The forgotten sender: a timeout returns, the result has no receiver");
    demo_step(&d, "ch := make(chan int); go forgottenSender(ch); select { <-ch | timeout }");
    size_t cap = 0;
    rt_config_t cfg = {.seed = 1};
    rt_run(&cfg, scene, &cap);
    demo_step(&d, "The fix: ch := make(chan int, 1), room for the one result");
    cap = 1;
    rt_run(&cfg, scene, &cap);
    made_free();
    leak_reset();
    return demo_end(&d);
}
