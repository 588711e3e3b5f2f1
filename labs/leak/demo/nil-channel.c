/*
 * nil-channel.c — a send or a receive on a nil channel blocks for ever.
 *
 * `var ch chan int` without make: the channel is nil, and both `ch <- 1`
 * and `<-ch` wait for ever, with no one able to wake them, since no one
 * can ever hold that channel. (A nil channel is useful in a select, to
 * turn a case off; on its own it is a leak.)
 *
 * Interface: main → rt_run(scene) → the detector's report.
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
static void nil_sender(void *arg)
{
    chan_t *ch = arg;                        /* var ch chan int: never made */
    int v = 1;
    chan_send(ch, &v);
}

static void nil_receiver(void *arg)
{
    chan_t *ch = arg;
    chan_recv(ch, NULL, NULL);
}

NOINLINE static void handler(void)
{
    chan_t *ch = NULL;                       /* forgot ch = make(chan int) */
    task_spawn(nil_sender, ch, NULL);
    task_spawn(nil_receiver, ch, NULL);
    printf("  handler: started a sender and a receiver on ch, which is nil; returns\n");
}

static void scene(void *arg) { (void)arg; handler(); report(); }

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "leak nil-channel",
        .about = "a send and a receive on a nil channel block for ever"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    if (!demo_ok(&d, leak_init(NULL), "leak_init"))
        return demo_end(&d);
    demo_title(&d, "A nil channel: var ch chan int, never made");
    rt_config_t cfg = {.seed = 1};
    demo_step(&d, "go func() { ch <- 1 }(); go func() { <-ch }()");
    rt_run(&cfg, scene, NULL);
    demo_note(&d, "the fix: ch := make(chan int); a nil channel belongs only in a select");
    leak_reset();
    return demo_end(&d);
}
