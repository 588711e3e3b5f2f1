/* Starvation mode: a waiter that has waited more than 1 ms and still lost
 * the lock to a barging task switches the Mutex to starvation mode; the
 * next unlock hands the lock straight to it. */
#include "conf.h"

static mutex_t mu;
static chan_t *got;

static void waiter(void *arg) {
    (void)arg;
    mutex_lock(&mu);
    printf("starved waiter got the lock\n");
    mutex_unlock(&mu);
    chan_send(got, &(bool){true});
}

CONF_CASE_FIFO(mutex_starvation) {
    CONF_OK(chan_make(sizeof(bool), 0, &got));
    mutex_lock(&mu);
    CONF_OK(task_spawn(waiter, NULL, NULL));
    task_yield();                 /* the waiter queues */
    clock_sleep(2 * CLOCK_MS);    /* and waits more than 1 ms */
    mutex_unlock(&mu);            /* wakes it: normal mode */
    printf("main barged: %s\n", mutex_trylock(&mu) ? "true" : "false");
    task_yield();                 /* the waiter runs, loses, starves */
    mutex_unlock(&mu);            /* hands off to the waiter, which runs first */
    printf("main after the handing unlock\n");
    chan_recv(got, NULL, NULL);
    printf("after the handoff, free again: %s\n", mutex_trylock(&mu) ? "true" : "false");
    mutex_unlock(&mu);
}
