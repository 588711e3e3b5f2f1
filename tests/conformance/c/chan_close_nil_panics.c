/* Closing a nil channel panics. */
#include "conf.h"

CONF_CASE(chan_close_nil_panics) {
    printf("closing nil\n");
    if (chan_close(NULL) == -EINVAL) conf_panic(rt_panic_message());
}
