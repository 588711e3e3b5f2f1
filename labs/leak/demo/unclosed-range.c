/*
 * unclosed-range.c — workers ranging over a channel that nobody closes
 * finish the work and then wait for more, for ever.
 *
 * The exam's "sender never closes the channel": the handler queues its
 * input in a buffered channel and starts workers that `for data := range
 * ch`. They drain it; the range ends only at close, which never comes.
 * The fix closes the channel once everything is queued.
 *
 * Interface: main → rt_run(scene, no close) → rt_run(scene, close).
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
    int id;
} job_t;

static void abandoned_worker(void *arg)
{
    job_t *j = arg;
    int data, done = 0;
    bool ok = true;
    while (chan_recv(j->ch, &data, &ok) == 0 && ok)   /* for data := range ch */
        done++;                                       /* processData(data) */
    printf("  worker %d: processed %d, the channel was closed: shutting down\n", j->id, done);
    leak_free(j);
}

NOINLINE static void handler(bool close_it)
{
    chan_t *ch = NULL;
    if (!make_chan(6, &ch))
        return;
    for (int i = 0; i < 6; i++)
        chan_send(ch, &i);                   /* for _, data := range inputData { ch <- data } */
    for (int k = 1; k <= 2; k++) {
        job_t *j = leak_calloc(1, sizeof *j);
        if (!demo_ok_ptr(&d, j, "leak_calloc"))
            return;
        j->ch = ch;
        j->id = k;
        task_spawn(abandoned_worker, j, NULL);
    }
    if (close_it)
        chan_close(ch);
    printf("  handler: 6 values queued, 2 workers started, returns\n");
}

static void scene(void *arg) { handler(*(bool *)arg); report(); }

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "leak unclosed-range",
        .about = "workers range over a channel nobody closes and wait for ever"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    if (!demo_ok(&d, leak_init(NULL), "leak_init"))
        return demo_end(&d);
    chan_t *chans[8];
    made = chans;
    demo_title(&d, "Workers ranging over a channel that nobody closes");
    rt_config_t cfg = {.seed = 1};
    bool close_it = false;
    demo_step(&d, "ch := make(chan int, 6); queue 6 values; go worker(ch) x2; return");
    rt_run(&cfg, scene, &close_it);
    demo_step(&d, "The fix: close(ch) once everything is queued");
    close_it = true;
    rt_run(&cfg, scene, &close_it);
    made_free();
    leak_reset();
    return demo_end(&d);
}
