/* Closing a channel wakes every receiver waiting on it, each with ok false. */
#include "conf.h"

static chan_t *ch;
static wg_t wg;
static mutex_t mu;
static int closed;

static void receiver(void *arg) {
    (void)arg;
    bool ok;
    chan_recv(ch, NULL, &ok);
    if (!ok) {
        mutex_lock(&mu);
        closed++;
        mutex_unlock(&mu);
    }
    wg_done(&wg);
}

CONF_CASE(chan_close_wakes_receivers) {
    CONF_OK(chan_make(sizeof(int), 0, &ch));
    for (int i = 0; i < 5; i++) {
        wg_add(&wg, 1);
        CONF_OK(task_spawn(receiver, NULL, NULL));
    }
    chan_close(ch);
    wg_wait(&wg);
    printf("receivers that saw the close: %d\n", closed);
}
