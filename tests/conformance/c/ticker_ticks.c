/* A Ticker ticks every period; Reset changes the period. */
#include "conf.h"

CONF_CASE(ticker_ticks) {
    int64_t start = clock_now();
    rt_timer_t *t;
    CONF_OK(ticker_new(10 * CLOCK_MS, &t));
    for (int i = 0; i < 3; i++) chan_recv(timer_chan(t), NULL, NULL);
    printf("three ticks took >= 30ms: %s\n", clock_now() - start >= 30 * CLOCK_MS ? "true" : "false");
    CONF_OK(ticker_reset(t, 40 * CLOCK_MS));
    int64_t mid = clock_now();
    chan_recv(timer_chan(t), NULL, NULL);
    printf("after Reset(40ms) the next tick took >= 40ms: %s\n",
           clock_now() - mid >= 40 * CLOCK_MS ? "true" : "false");
    timer_stop(t);
    chan_case_t c[2] = {{timer_chan(t), CHAN_RECV, NULL, false}, {clock_after(50 * CLOCK_MS), CHAN_RECV, NULL, false}};
    printf("%s\n", chan_select(c, 2, false) == 0 ? "ticked after Stop" : "no tick after Stop");
    timer_free(t);
}
