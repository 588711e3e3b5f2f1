/* Workers select on a context and their work; canceling stops them all. */
#include "conf.h"

static ctx_t *ctx;
static chan_t *jobs;
static wg_t wg;
static mutex_t mu;
static int done, stopped;

static void worker(void *arg) {
    (void)arg;
    for (;;) {
        chan_case_t c[2] = {{ctx_done(ctx), CHAN_RECV, NULL, false}, {jobs, CHAN_RECV, NULL, false}};
        if (chan_select(c, 2, false) == 0) {
            mutex_lock(&mu);
            stopped++;
            mutex_unlock(&mu);
            break;
        }
        clock_sleep(CLOCK_MS);
        mutex_lock(&mu);
        done++;
        mutex_unlock(&mu);
    }
    wg_done(&wg);
}

CONF_CASE(ctx_worker_stops_on_cancel) {
    CONF_OK(ctx_with_cancel(ctx_background(), &ctx));
    CONF_OK(chan_make(sizeof(int), 0, &jobs));
    for (int w = 0; w < 3; w++) {
        wg_add(&wg, 1);
        CONF_OK(task_spawn(worker, NULL, NULL));
    }
    for (int j = 0; j < 10; j++) chan_send(jobs, &j);
    ctx_cancel(ctx);
    wg_wait(&wg);
    printf("jobs done: %d workers stopped: %d\n", done, stopped);
}
