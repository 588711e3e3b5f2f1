/* Everyone blocked but a sleeper: not a deadlock, the sleeper wakes. */
#include "conf.h"

static chan_t *ch;

static void sleeper(void *arg) {
    (void)arg;
    clock_sleep(30 * CLOCK_MS);
    char msg[32] = "the sleeper woke and sent";   /* a whole element */
    chan_send(ch, msg);
}

CONF_CASE(deadlock_not_while_a_timer_is_pending) {
    CONF_OK(chan_make(32, 0, &ch));
    CONF_OK(task_spawn(sleeper, NULL, NULL));
    char s[32];
    chan_recv(ch, s, NULL);
    printf("%s\n", s);
}
