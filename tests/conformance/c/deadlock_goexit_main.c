/* task_exit in main does not end the run: the others run on, and when none
 * is left the run reports that main called Goexit. */
#include "conf.h"

static void other(void *arg) {
    (void)arg;
    clock_sleep(10 * CLOCK_MS);
    printf("the other goroutine still ran\n");
}

CONF_CASE(deadlock_goexit_main) {
    CONF_OK(task_spawn(other, NULL, NULL));
    printf("main calls Goexit\n");
    task_exit();
}
