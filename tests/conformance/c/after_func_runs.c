/* AfterFunc runs its function in its own task at the deadline; Stop after
 * that reports false, Stop before prevents the call. */
#include "conf.h"

static chan_t *fired;

static void send_text(const char *s) {
    char msg[16] = {0};           /* a whole element */
    strncpy(msg, s, sizeof msg - 1);
    chan_send(fired, msg);
}

static void first(void *arg) {
    (void)arg;
    send_text("fired");
}

static void second(void *arg) {
    (void)arg;
    send_text("second fired");
}

CONF_CASE(after_func_runs) {
    CONF_OK(chan_make(16, 0, &fired));
    int64_t start = clock_now();
    rt_timer_t *t, *t2;
    CONF_OK(timer_after_func(20 * CLOCK_MS, first, NULL, &t));
    char s[16];
    chan_recv(fired, s, NULL);
    printf("%s after >= 20ms: %s\n", s, clock_now() - start >= 20 * CLOCK_MS ? "true" : "false");
    printf("stop after firing: %s\n", timer_stop(t) ? "true" : "false");
    CONF_OK(timer_after_func(20 * CLOCK_MS, second, NULL, &t2));
    printf("stop before firing: %s\n", timer_stop(t2) ? "true" : "false");
    chan_case_t c[2] = {{fired, CHAN_RECV, s, false}, {clock_after(50 * CLOCK_MS), CHAN_RECV, NULL, false}};
    if (chan_select(c, 2, false) == 0) printf("%s\n", s);
    else printf("second never fired\n");
    timer_free(t);
    timer_free(t2);
}
