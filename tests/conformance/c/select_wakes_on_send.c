/* A select blocked on several channels completes exactly one case: the
 * one another goroutine makes ready. */
#include "conf.h"

static chan_t *a, *b, *out;

static void selector(void *arg) {
    (void)arg;
    int v;
    chan_case_t c[2] = {{a, CHAN_RECV, &v, false}, {b, CHAN_RECV, &v, false}};
    int i = chan_select(c, 2, false);
    char msg[32];
    snprintf(msg, sizeof msg, "%s %d", i == 0 ? "a" : "b", v);
    chan_send(out, msg);
}

CONF_CASE(select_wakes_on_send) {
    CONF_OK(chan_make(sizeof(int), 0, &a));
    CONF_OK(chan_make(sizeof(int), 0, &b));
    CONF_OK(chan_make(32, 0, &out));
    CONF_OK(task_spawn(selector, NULL, NULL));
    chan_send(b, &(int){7});
    char msg[32];
    chan_recv(out, msg, NULL);
    printf("%s\n", msg);
    chan_case_t c[1] = {{a, CHAN_SEND, &(int){1}, false}};
    printf("%s\n", chan_select(c, 1, true) == 0 ? "a still had a receiver" : "a has no receiver left");
}
