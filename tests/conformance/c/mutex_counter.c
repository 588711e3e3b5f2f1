/* A Mutex makes a read-modify-write atomic, even when the holder yields
 * in the middle of it. */
#include "conf.h"

static mutex_t mu;
static wg_t wg;
static int counter;

static void incrementer(void *arg) {
    (void)arg;
    for (int i = 0; i < 100; i++) {
        mutex_lock(&mu);
        int v = counter;
        task_yield();
        counter = v + 1;
        mutex_unlock(&mu);
    }
    wg_done(&wg);
}

CONF_CASE(mutex_counter) {
    for (int g = 0; g < 8; g++) {
        wg_add(&wg, 1);
        CONF_OK(task_spawn(incrementer, NULL, NULL));
    }
    wg_wait(&wg);
    printf("counter %d\n", counter);
}
