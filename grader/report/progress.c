/*
 * progress.c — see progress.h.
 */
#include "progress.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

double progress_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool progress_color(FILE *f)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(fileno(f)) && !(nc && *nc);
}

void progress_init(progress_t *p, FILE *f)
{
    p->f = f;
    p->tty = isatty(fileno(f));
    p->color = progress_color(f);
    p->lab_start = 0;
}

static void status_line(progress_t *p, const char *lab, const char *what, size_t done, size_t total)
{
    fprintf(p->f, "\r\033[K%-12s %s %zu/%zu", lab, what, done, total);
    fflush(p->f);
}

static void lab_done(progress_t *p, const event_t *ev)
{
    const lab_result_t *lr = ev->lr;
    const char *ok = p->color ? "\033[32m" : "", *bad = p->color ? "\033[31m" : "";
    const char *off = p->color ? "\033[0m" : "";
    /* Full marks, or full marks but for a share not measured. */
    bool full = lr->score + lr->unmeasured >= lr->points - 1e-9;
    if (p->tty)
        fputs("\r\033[K", p->f);
    fprintf(p->f, "%s%-4s%s %-6s %-12s %6.2f/%-5g %5.1fs\n", full ? ok : bad, full ? "ok" : "FAIL",
            off, ev->lab->question, ev->lab->name, lr->score, lr->points,
            progress_clock() - p->lab_start);
}

void progress_event(const event_t *ev, void *ctx)
{
    progress_t *p = ctx;
    switch (ev->kind) {
    case EV_LAB_START:
        p->lab_start = progress_clock();
        if (p->tty)
            status_line(p, ev->lab->name, "building", 0, 1);
        break;
    case EV_BUILT:
        break;
    case EV_TEST_RAN:
        if (p->tty)
            status_line(p, ev->lab->name, "tests", ev->done, ev->total);
        break;
    case EV_TEST_DONE:
        /* In a pipe (a CI log) only what went wrong gets a line of its own. */
        if (!p->tty && ev->test->verdict != VERDICT_PASS)
            fprintf(p->f, "    %-12s %-13s %s\n", ev->lab->name, verdict_name(ev->test->verdict),
                    ev->test->name);
        break;
    case EV_BENCH_ROUND:
        if (p->tty)
            status_line(p, ev->lab->name, "benchmark rounds", ev->done, ev->total);
        break;
    case EV_LAB_DONE:
        lab_done(p, ev);
        break;
    }
}
