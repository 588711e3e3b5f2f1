/* A select that picks a send on a closed channel panics. */
#include "conf.h"

CONF_CASE(select_send_on_closed_panics) {
    chan_t *ch, *never;
    CONF_OK(chan_make(sizeof(int), 0, &ch));
    CONF_OK(chan_make(sizeof(int), 0, &never));
    chan_close(ch);
    printf("selecting\n");
    chan_case_t c[2] = {{ch, CHAN_SEND, &(int){1}, false}, {never, CHAN_RECV, NULL, false}};
    if (chan_select(c, 2, false) == -EPIPE) conf_panic(rt_panic_message());
}
