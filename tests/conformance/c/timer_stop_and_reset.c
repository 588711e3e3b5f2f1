/* Stop and Reset report whether the timer was active. */
#include "conf.h"

static const char *tf(int b) { return b ? "true" : "false"; }

CONF_CASE(timer_stop_and_reset) {
    rt_timer_t *t;
    CONF_OK(timer_new(3600 * CLOCK_S, &t));
    printf("stop active: %s\n", tf(timer_stop(t)));
    printf("stop stopped: %s\n", tf(timer_stop(t)));
    printf("reset stopped: %s\n", tf(timer_reset(t, 10 * CLOCK_MS)));
    printf("reset active: %s\n", tf(timer_reset(t, 10 * CLOCK_MS)));
    chan_recv(timer_chan(t), NULL, NULL);
    printf("stop fired: %s\n", tf(timer_stop(t)));
    printf("reset fired: %s\n", tf(timer_reset(t, 3600 * CLOCK_S)));
    printf("%s\n", chan_try_recv(timer_chan(t), NULL, NULL) == 0 ? "fired early" : "nothing buffered");
    timer_free(t);
}
