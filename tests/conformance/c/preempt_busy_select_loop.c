/* A task busy in a select/default loop that never blocks still yields when
 * its time slice ends, so another task runs, even on the FIFO scheduler. */
#include "conf.h"

static chan_t *other;

static void closer(void *arg) {
    (void)arg;
    chan_close(other);
}

CONF_CASE_FIFO(preempt_busy_select_loop) {
    CONF_OK(chan_make(0, 0, &other));
    CONF_OK(task_spawn(closer, NULL, NULL));
    for (long spins = 0;; spins++) {
        chan_case_t c[1] = {{other, CHAN_RECV, NULL, false}};
        if (chan_select(c, 1, true) == 0) {
            printf("the other goroutine ran while we spun: %s\n", spins > 0 ? "true" : "false");
            break;
        }
    }
}
