/* A Cond nobody signals and a WaitGroup nobody finishes: both asleep. */
#include "conf.h"

static mutex_t mu;
static cond_t c;

static void cond_waiter(void *arg) {
    (void)arg;
    mutex_lock(&mu);
    cond_wait(&c, &mu);
}

CONF_CASE(deadlock_cond_and_waitgroup) {
    static wg_t wg;
    CONF_OK(task_spawn(cond_waiter, NULL, NULL));
    wg_add(&wg, 1);
    printf("waiting\n");
    wg_wait(&wg);
}
