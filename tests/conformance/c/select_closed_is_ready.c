/* A closed channel's receive case is always ready, with the zero value. */
#include "conf.h"

CONF_CASE(select_closed_is_ready) {
    chan_t *closed, *never;
    CONF_OK(chan_make(sizeof(int), 0, &closed));
    CONF_OK(chan_make(sizeof(int), 0, &never));
    chan_close(closed);
    for (int i = 0; i < 3; i++) {
        int v = 42;
        chan_case_t c[2] = {{closed, CHAN_RECV, &v, false}, {never, CHAN_RECV, NULL, false}};
        if (chan_select(c, 2, false) == 0)
            printf("closed case: %d %s\n", v, c[0].ok ? "true" : "false");
        else
            printf("never\n");
    }
}
