/* Once runs its function once; every caller returns after it has run. */
#include "conf.h"

static once_t once;
static wg_t wg;
static mutex_t mu;
static int runs, saw_done;
static bool initialized;

static void init_once(void *arg) {
    (void)arg;
    task_yield();
    runs++;
    initialized = true;
}

static void caller(void *arg) {
    (void)arg;
    once_do(&once, init_once, NULL);
    mutex_lock(&mu);
    if (initialized) saw_done++;
    mutex_unlock(&mu);
    wg_done(&wg);
}

CONF_CASE(once_runs_once) {
    for (int i = 0; i < 10; i++) {
        wg_add(&wg, 1);
        CONF_OK(task_spawn(caller, NULL, NULL));
    }
    wg_wait(&wg);
    printf("runs %d callers that saw it done %d\n", runs, saw_done);
}
