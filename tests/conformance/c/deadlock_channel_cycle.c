/* Two tasks each wait for the other's send while main waits for both: all
 * are asleep, and the report names each one's wait. */
#include "conf.h"

static chan_t *a, *b;
static wg_t wg;

static void first(void *arg) {
    (void)arg;
    chan_recv(a, NULL, NULL);
    chan_send(b, &(int){1});
    wg_done(&wg);
}

static void second(void *arg) {
    (void)arg;
    chan_recv(b, NULL, NULL);
    chan_send(a, &(int){1});
    wg_done(&wg);
}

CONF_CASE(deadlock_channel_cycle) {
    CONF_OK(chan_make(sizeof(int), 0, &a));
    CONF_OK(chan_make(sizeof(int), 0, &b));
    wg_add(&wg, 2);
    CONF_OK(task_spawn(first, NULL, NULL));
    CONF_OK(task_spawn(second, NULL, NULL));
    printf("waiting for both\n");
    wg_wait(&wg);
}
