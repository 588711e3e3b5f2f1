/*
 * lock-order.c — two functions that take the same two locks in opposite
 * orders: harmless one after the other, a hang when they overlap. The
 * checker reports the first run already, with both lock-order stacks.
 *
 *   transfer(): acct.mu.Lock(); ledger.mu.Lock() ...
 *   audit():    ledger.mu.Lock(); acct.mu.Lock() ...
 *
 * Run 1 starts transfer, lets it finish, then audit: no hang, and Go says
 * nothing (lock-order.go); the checker's order graph already holds
 * acct -> ledger when audit takes ledger then acct, and it reports the
 * cycle with where each lock was taken. Run 2 lets the two overlap: each
 * holds its first lock and waits for the other's. Go ends with "all
 * goroutines are asleep"; the checker names both tasks and the lock each
 * waits for.
 *
 * Interface: main → dl_new → rt_run(run 1) → rt_run(run 2) → reports.
 */
#include <errno.h>
#include <stdio.h>

#include <undergo/demo.h>

#include "deadlock.h"

typedef struct world {
    dl_t *d;
    mutex_t acct_mu, ledger_mu;
    bool overlap;                            /* run 2: each waits after its first lock */
    wg_t wg;
} world_t;

static void take_two(world_t *w, mutex_t *first, mutex_t *second)
{
    mutex_lock(first);
    if (w->overlap)
        clock_sleep(CLOCK_MS);               /* long enough for the other to take its first */
    mutex_lock(second);
    mutex_unlock(second);
    mutex_unlock(first);
    wg_done(&w->wg);
}

static void transfer(void *p) { world_t *w = p; take_two(w, &w->acct_mu, &w->ledger_mu); }
static void audit(void *p) { world_t *w = p; take_two(w, &w->ledger_mu, &w->acct_mu); }

static void run_main(void *p)
{
    world_t *w = p;
    wg_add(&w->wg, 2);
    task_spawn(transfer, w, NULL);
    if (!w->overlap)
        clock_sleep(CLOCK_MS);               /* transfer runs to the end first */
    task_spawn(audit, w, NULL);
    wg_wait(&w->wg);
    printf("  both finished\n");
}

static size_t shown;

/* Prints the reports the checker made since the last call. */
static void new_reports(demo_t *d, const world_t *w)
{
    dl_report_t r;
    for (; dl_report_get(w->d, shown, &r) == 0; shown++)
        printf("%s%s%s\n", demo_c(d, DEMO_RED), r.text, demo_c(d, DEMO_RESET));
    if (!shown)
        printf("  (the checker reported nothing)\n");
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "deadlock lock-order",
        .about = "AB then BA: reported on a run that never hangs; then the real hang"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    static world_t w;
    rt_hooks_t hooks;
    if (!demo_ok(&d, dl_new(0, &w.d), "dl_new") || !demo_ok(&d, dl_rt_hooks(w.d, &hooks), "dl_rt_hooks") ||
        !demo_ok(&d, dl_lock_init(w.d, &w.acct_mu, "acct.mu"), "dl_lock_init") ||
        !demo_ok(&d, dl_lock_init(w.d, &w.ledger_mu, "ledger.mu"), "dl_lock_init")) {
        dl_free(w.d);
        return demo_end(&d);
    }
    demo_title(&d, "transfer(): acct.mu then ledger.mu; audit(): ledger.mu then acct.mu");
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .hooks = &hooks};
    demo_step(&d, "Run 1: transfer, then audit, one after the other");
    rc = rt_run(&cfg, run_main, &w);
    printf("  rt_run: %s\n", rc == 0 ? "0, no hang" : "-EDEADLK");
    new_reports(&d, &w);
    demo_step(&d, "Run 2: the same two functions, overlapping");
    w.overlap = true;
    w.wg = (wg_t){0};
    rc = rt_run(&cfg, run_main, &w);
    printf("  rt_run: %s\n", rc == -EDEADLK ? "-EDEADLK: all tasks are asleep" : "0, no hang");
    size_t before = shown;
    new_reports(&d, &w);
    if (shown == before)
        printf("  (nothing new: this cycle was reported in run 1)\n");
    demo_note(&d, "the fix: one global order; every function takes acct.mu before ledger.mu");
    dl_free(w.d);
    return demo_end(&d);
}
