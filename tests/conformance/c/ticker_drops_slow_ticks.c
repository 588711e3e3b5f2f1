/* A Ticker's channel holds one tick: a receiver that falls behind finds
 * one waiting, not all it missed. */
#include "conf.h"

CONF_CASE(ticker_drops_slow_ticks) {
    rt_timer_t *t;
    CONF_OK(ticker_new(10 * CLOCK_MS, &t));
    clock_sleep(55 * CLOCK_MS);
    printf("ticks waiting after five periods: %zu\n", chan_len(timer_chan(t)));
    timer_free(t);
}
