/* Timers fire in deadline order, whatever order they were started in. */
#include "conf.h"

CONF_CASE(timer_deadline_order) {
    static const char *names[] = {"150ms", "50ms", "100ms"};
    static const int64_t ds[] = {150, 50, 100};
    rt_timer_t *ts[3];
    for (int i = 0; i < 3; i++) CONF_OK(timer_new(ds[i] * CLOCK_MS, &ts[i]));
    for (int k = 0; k < 3; k++) {
        chan_case_t c[3];
        for (int i = 0; i < 3; i++) c[i] = (chan_case_t){timer_chan(ts[i]), CHAN_RECV, NULL, false};
        printf("fired %s\n", names[chan_select(c, 3, false)]);
    }
    for (int i = 0; i < 3; i++) timer_free(ts[i]);
}
