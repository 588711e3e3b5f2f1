/* Closing a channel twice panics. */
#include "conf.h"

CONF_CASE(chan_close_closed_panics) {
    chan_t *ch;
    CONF_OK(chan_make(sizeof(int), 0, &ch));
    chan_close(ch);
    printf("closed once\n");
    if (chan_close(ch) == -EPIPE) conf_panic(rt_panic_message());
}
