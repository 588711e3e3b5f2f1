/* Wait returns once every Add has its Done, whatever order they come in. */
#include "conf.h"

static wg_t wg;
static mutex_t mu;
static int sum;
static int args[6];

static void adder(void *arg) {
    int i = *(int *)arg;
    clock_sleep((6 - i) * CLOCK_MS);
    mutex_lock(&mu);
    sum += i;
    mutex_unlock(&mu);
    wg_done(&wg);
}

CONF_CASE(waitgroup_wait) {
    for (int i = 1; i <= 5; i++) {
        wg_add(&wg, 1);
        args[i] = i;
        CONF_OK(task_spawn(adder, &args[i], NULL));
    }
    wg_wait(&wg);
    printf("sum %d\n", sum);
    wg_wait(&wg);                 /* zero: returns at once */
    printf("second wait returned\n");
}
