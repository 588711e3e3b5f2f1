/* Normal mode: Unlock wakes a waiter but does not hand it the lock, so a
 * task that is already running takes the lock first (barging); the woken
 * waiter gets it later. */
#include "conf.h"

static mutex_t mu;
static chan_t *done;

static void waiter(void *arg) {
    (void)arg;
    mutex_lock(&mu);
    printf("waiter got the lock\n");
    mutex_unlock(&mu);
    chan_send(done, &(bool){true});
}

CONF_CASE_FIFO(mutex_barging) {
    CONF_OK(chan_make(sizeof(bool), 0, &done));
    mutex_lock(&mu);
    CONF_OK(task_spawn(waiter, NULL, NULL));
    task_yield();                 /* the waiter queues on the lock */
    mutex_unlock(&mu);
    printf("main relocked before the woken waiter ran: %s\n", mutex_trylock(&mu) ? "true" : "false");
    mutex_unlock(&mu);
    chan_recv(done, NULL, NULL);
}
