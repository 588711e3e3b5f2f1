/* A closed channel still delivers what it holds, then the zero value with
 * ok false, forever. */
#include "conf.h"

CONF_CASE(chan_close_drain) {
    chan_t *ch;
    CONF_OK(chan_make(sizeof(int), 4, &ch));
    chan_send(ch, &(int){7});
    chan_send(ch, &(int){8});
    chan_close(ch);
    int v;
    bool ok;
    while (chan_recv(ch, &v, &ok) == 0 && ok) printf("range %d\n", v);
    for (int i = 0; i < 2; i++) {
        v = 99;
        chan_recv(ch, &v, &ok);
        printf("after close %d %s\n", v, ok ? "true" : "false");
    }
}
