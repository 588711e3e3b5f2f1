/* Returning from main ends the run with status 0, tasks still blocked or
 * not. */
#include "conf.h"

static chan_t *never;
static mutex_t mu;

static void blocked_recv(void *arg) {
    (void)arg;
    chan_recv(never, NULL, NULL);
}

static void blocked_lock(void *arg) {
    (void)arg;
    mutex_lock(&mu);
}

CONF_CASE(main_return_ends_the_program) {
    CONF_OK(chan_make(sizeof(int), 0, &never));
    mutex_lock(&mu);
    for (int i = 0; i < 3; i++) CONF_OK(task_spawn(blocked_recv, NULL, NULL));
    CONF_OK(task_spawn(blocked_lock, NULL, NULL));
    printf("main returns\n");
}
