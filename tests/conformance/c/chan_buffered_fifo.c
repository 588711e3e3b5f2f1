/* A buffered channel takes cap values without a receiver, in FIFO order;
 * a blocked sender's value goes in behind them. */
#include "conf.h"

static chan_t *ch, *done;

static void send_four(void *arg) {
    (void)arg;
    chan_send(ch, &(int){4});     /* blocks: the buffer is full */
    chan_send(done, &(bool){true});
}

CONF_CASE(chan_buffered_fifo) {
    CONF_OK(chan_make(sizeof(int), 3, &ch));
    CONF_OK(chan_make(sizeof(bool), 0, &done));
    for (int i = 1; i <= 3; i++) chan_send(ch, &i);
    printf("len %zu cap %zu\n", chan_len(ch), chan_cap(ch));
    CONF_OK(task_spawn(send_four, NULL, NULL));
    for (int i = 0; i < 4; i++) {
        int v;
        chan_recv(ch, &v, NULL);
        printf("got %d\n", v);
    }
    chan_recv(done, NULL, NULL);
    printf("len %zu\n", chan_len(ch));
}
