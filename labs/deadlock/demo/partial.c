/*
 * partial.c — a partial deadlock: two goroutines stuck on each other while
 * main carries on serving. Go reports nothing, ever; the checker does, at
 * the moment the second one blocks.
 *
 *   go func() { <-ch1; ch2 <- 1 }()
 *   go func() { <-ch2; ch1 <- 1 }()
 *   http.ListenAndServe(...)        // here: main serves for three seconds
 *
 * Go's deadlock detection fires only when every goroutine is blocked, so
 * in a server it never fires; partial.go runs the same program and ends
 * normally, with two goroutines quietly gone. The checker's sink prints
 * each report as it is made, so it appears between main's own lines.
 *
 * Interface: main → dl_new → dl_set_sink → rt_run(server_main).
 */
#include <errno.h>
#include <stdio.h>

#include <undergo/demo.h>

#include "deadlock.h"

typedef struct world {
    dl_t *d;
    chan_t *ch1, *ch2;
    demo_t *demo;
} world_t;

static void sink(void *ud, const dl_report_t *r)
{
    world_t *w = ud;
    printf("%s[%.3f s] the checker:\n%s%s\n", demo_c(w->demo, DEMO_RED), clock_now() / 1e9, r->text,
           demo_c(w->demo, DEMO_RESET));
}

static void g1(void *p)
{
    world_t *w = p;
    dl_chan_role(w->d, w->ch1, CHAN_RECV);
    dl_chan_role(w->d, w->ch2, CHAN_SEND);
    chan_recv(w->ch1, NULL, NULL);
    chan_send(w->ch2, NULL);
}

static void g2(void *p)
{
    world_t *w = p;
    dl_chan_role(w->d, w->ch2, CHAN_RECV);
    dl_chan_role(w->d, w->ch1, CHAN_SEND);
    chan_recv(w->ch2, NULL, NULL);
    chan_send(w->ch1, NULL);
}

static void server_main(void *p)
{
    task_spawn(g1, p, NULL);
    task_spawn(g2, p, NULL);
    for (int i = 1; i <= 3; i++) {
        clock_sleep(CLOCK_S);                /* serving requests */
        printf("[%.3f s] main: served request %d\n", clock_now() / 1e9, i);
    }
    printf("[%.3f s] main: shutting down\n", clock_now() / 1e9);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "deadlock partial",
        .about = "two goroutines stuck on each other while main serves: Go never says a word"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    world_t w = {.demo = &d};
    rt_hooks_t hooks;
    if (!demo_ok(&d, dl_new(0, &w.d), "dl_new") || !demo_ok(&d, dl_rt_hooks(w.d, &hooks), "dl_rt_hooks") ||
        !demo_ok(&d, chan_make(0, 0, &w.ch1), "chan_make") ||
        !demo_ok(&d, chan_make(0, 0, &w.ch2), "chan_make")) {
        dl_free(w.d);
        return demo_end(&d);
    }
    dl_set_sink(w.d, sink, &w);
    demo_title(&d, "go { <-ch1; ch2 <- 1 }; go { <-ch2; ch1 <- 1 }; main keeps serving");
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .hooks = &hooks};
    rc = rt_run(&cfg, server_main, &w);
    demo_step(&d, "After main returned");
    printf("  rt_run: %s\n", rc == -EDEADLK ? "-EDEADLK: two tasks never finished" : "0");
    demo_note(&d, "Go's program exits normally here; the two goroutines were stuck all along");
    dl_free(w.d);
    chan_free(w.ch1);
    chan_free(w.ch2);
    return demo_end(&d);
}
