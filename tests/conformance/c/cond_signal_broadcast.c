/* Signal wakes one waiter, Broadcast wakes the rest. */
#include "conf.h"

static mutex_t mu;
static cond_t c;
static int waiting;
static chan_t *woke;

static void waiter(void *arg) {
    (void)arg;
    mutex_lock(&mu);
    waiting++;
    cond_wait(&c, &mu);
    mutex_unlock(&mu);
    chan_send(woke, &(int){1});
}

CONF_CASE(cond_signal_broadcast) {
    CONF_OK(chan_make(sizeof(int), 3, &woke));
    for (int i = 0; i < 3; i++) CONF_OK(task_spawn(waiter, NULL, NULL));
    for (;;) {
        mutex_lock(&mu);
        int n = waiting;
        mutex_unlock(&mu);
        if (n == 3) break;
        clock_sleep(CLOCK_MS);
    }
    mutex_lock(&mu);
    cond_signal(&c);
    mutex_unlock(&mu);
    chan_recv(woke, NULL, NULL);
    clock_sleep(20 * CLOCK_MS);
    printf("after Signal, woken: %zu\n", 1 + chan_len(woke));
    mutex_lock(&mu);
    cond_broadcast(&c);
    mutex_unlock(&mu);
    chan_recv(woke, NULL, NULL);
    chan_recv(woke, NULL, NULL);
    printf("after Broadcast, woken: 3\n");
}
