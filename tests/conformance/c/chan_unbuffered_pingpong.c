/* An unbuffered channel is a rendezvous: each send meets its receive. */
#include "conf.h"

static chan_t *ping, *pong;

static void ponger(void *arg) {
    (void)arg;
    int v;
    bool ok;
    while (chan_recv(ping, &v, &ok) == 0 && ok) {
        v *= 10;
        chan_send(pong, &v);
    }
    chan_close(pong);
}

CONF_CASE(chan_unbuffered_pingpong) {
    CONF_OK(chan_make(sizeof(int), 0, &ping));
    CONF_OK(chan_make(sizeof(int), 0, &pong));
    CONF_OK(task_spawn(ponger, NULL, NULL));
    for (int i = 1; i <= 5; i++) {
        int v;
        chan_send(ping, &i);
        chan_recv(pong, &v, NULL);
        printf("pong %d\n", v);
    }
    chan_close(ping);
    bool ok;
    chan_recv(pong, NULL, &ok);
    printf("pong closed: %s\n", !ok ? "true" : "false");
}
