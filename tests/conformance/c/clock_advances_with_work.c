/* Channel operations take time: the clock moves while a task works
 * without sleeping, and a timer it started fires in the middle of it. */
#include "conf.h"

CONF_CASE(clock_advances_with_work) {
    int64_t start = clock_now();
    chan_t *ch;
    rt_timer_t *t;
    CONF_OK(chan_make(sizeof(long), 1, &ch));
    CONF_OK(timer_new(5 * CLOCK_MS, &t));
    for (long ops = 0;;) {
        chan_send(ch, &ops);
        chan_recv(ch, NULL, NULL);
        ops++;
        if (chan_try_recv(timer_chan(t), NULL, NULL) == 0) {
            printf("the timer fired while we worked: %s\n", ops > 1 ? "true" : "false");
            printf("time passed: %s\n", clock_now() - start >= 5 * CLOCK_MS ? "true" : "false");
            break;
        }
    }
    timer_free(t);
}
