/* With no case ready, select takes its default; once one is, it takes it. */
#include "conf.h"

static void recv_or_default(chan_t *ch, const char *dflt) {
    int v;
    chan_case_t c[1] = {{ch, CHAN_RECV, &v, false}};
    if (chan_select(c, 1, true) == 0) printf("got %d\n", v);
    else printf("%s\n", dflt);
}

CONF_CASE(select_default) {
    chan_t *ch, *full;
    CONF_OK(chan_make(sizeof(int), 1, &ch));
    recv_or_default(ch, "default: nothing ready");
    chan_send(ch, &(int){5});
    recv_or_default(ch, "default");
    CONF_OK(chan_make(sizeof(int), 1, &full));
    chan_send(full, &(int){1});
    chan_case_t c[1] = {{full, CHAN_SEND, &(int){2}, false}};
    printf("%s\n", chan_select(c, 1, true) == 0 ? "sent" : "default: buffer full");
}
