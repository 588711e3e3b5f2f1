/*
 * early-return.c — a channel's other end placed after an error check: when
 * the check fails, the handler returns and the goroutine it started waits
 * for ever.
 *
 * Two of the exam's patterns, mirror images. First, the receive comes after
 * a validation that fails: the sender, done with its network call, blocks
 * on its send (a forgotten sender). Then the send comes after a database
 * query that fails: the worker blocks on its receive (an abandoned
 * receiver). The fix of the second, `defer close(ch)`, runs last.
 *
 * Interface: main → rt_run(each scene) → the detector's report.
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

typedef struct job {
    chan_t *ch;
} job_t;

static void sender(void *arg)
{
    job_t *j = arg;
    int data = 42;                           /* data := networkCall() */
    chan_send(j->ch, &data);
    leak_free(j);
}

static void worker(void *arg)
{
    job_t *j = arg;
    int records;
    bool ok;
    chan_recv(j->ch, &records, &ok);         /* data := <-ch */
    printf("  worker: %s\n", ok ? "got the records" : "the channel was closed: done");
    leak_free(j);
}

static job_t *job(void)
{
    job_t *j = leak_calloc(1, sizeof *j);
    if (!demo_ok_ptr(&d, j, "leak_calloc") || !make_chan(0, &j->ch))
        return NULL;
    return j;
}

/* go sender(ch); if err := validate(); err != nil { return err }; <-ch */
NOINLINE static int handler_receives_late(void)
{
    job_t *j = job();
    if (!j)
        return -ENOMEM;
    task_spawn(sender, j, NULL);
    printf("  handler: validation failed, returns before <-ch\n");
    return -EINVAL;
}

/* go worker(ch); records, err := getFromDB(); if err != nil { return err }; ch <- records */
NOINLINE static int handler_sends_late(bool close_on_return)
{
    job_t *j = job();
    if (!j)
        return -ENOMEM;
    chan_t *ch = j->ch;
    task_spawn(worker, j, NULL);
    clock_sleep(CLOCK_MS);                   /* the query */
    printf("  handler: the database failed, returns before ch <- records\n");
    if (close_on_return)
        chan_close(ch);                      /* defer close(ch) */
    return -EIO;
}

static void scene_receive(void *arg) { (void)arg; handler_receives_late(); report(); }
static void scene_send(void *arg) { handler_sends_late(*(bool *)arg); report(); }

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "leak early-return",
        .about = "the handler returns at an error check before its receive or its send"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    if (!demo_ok(&d, leak_init(NULL), "leak_init"))
        return demo_end(&d);
    chan_t *chans[8];
    made = chans;
    demo_title(&d, "The other end of the channel comes after an error check");
    rt_config_t cfg = {.seed = 1};
    demo_step(&d, "go sender(ch); if err != nil { return err }; data := <-ch");
    rt_run(&cfg, scene_receive, NULL);
    demo_step(&d, "go worker(ch); if err != nil { return err }; ch <- records");
    bool close_it = false;
    rt_run(&cfg, scene_send, &close_it);
    demo_step(&d, "The fix: defer close(ch) in the handler");
    close_it = true;
    rt_run(&cfg, scene_send, &close_it);
    made_free();
    leak_reset();
    return demo_end(&d);
}
