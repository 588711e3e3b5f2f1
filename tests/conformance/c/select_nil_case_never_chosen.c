/* A nil channel's case is never ready: select ignores it. */
#include "conf.h"

CONF_CASE(select_nil_case_never_chosen) {
    chan_t *ready;
    CONF_OK(chan_make(sizeof(int), 1, &ready));
    int picked[3] = {0};
    for (int i = 0; i < 1000; i++) {
        chan_send(ready, &i);
        chan_case_t c[3] = {{NULL, CHAN_RECV, NULL, false}, {NULL, CHAN_SEND, &(int){1}, false},
                            {ready, CHAN_RECV, NULL, false}};
        picked[chan_select(c, 3, false)]++;
    }
    printf("nil: %d nil send: %d ready: %d\n", picked[0], picked[1], picked[2]);
}
