/* Reset moves a pending timer's deadline to d from now. */
#include "conf.h"

CONF_CASE(timer_reset_moves_deadline) {
    int64_t start = clock_now();
    rt_timer_t *t;
    CONF_OK(timer_new(100 * CLOCK_MS, &t));
    clock_sleep(20 * CLOCK_MS);
    printf("reset while pending: %s\n", timer_reset(t, 100 * CLOCK_MS) == 1 ? "true" : "false");
    chan_recv(timer_chan(t), NULL, NULL);
    printf("fired >= 120ms after start: %s\n", clock_now() - start >= 120 * CLOCK_MS ? "true" : "false");
    timer_free(t);
}
