/* Sending on a closed channel panics. */
#include "conf.h"

CONF_CASE(chan_send_on_closed_panics) {
    chan_t *ch;
    CONF_OK(chan_make(sizeof(int), 1, &ch));
    chan_close(ch);
    printf("sending\n");
    if (chan_send(ch, &(int){1}) == -EPIPE) conf_panic(rt_panic_message());
    printf("not reached\n");
}
