/* time.After in a select is a timeout: it fires when nothing else does,
 * and not before its time. */
#include "conf.h"

CONF_CASE(select_timeout_after) {
    chan_t *never;
    CONF_OK(chan_make(sizeof(int), 0, &never));
    int64_t start = clock_now();
    chan_case_t c[2] = {{never, CHAN_RECV, NULL, false}, {clock_after(50 * CLOCK_MS), CHAN_RECV, NULL, false}};
    if (chan_select(c, 2, false) == 0) printf("never\n");
    else printf("timeout after >= 50ms: %s\n", clock_now() - start >= 50 * CLOCK_MS ? "true" : "false");
}
