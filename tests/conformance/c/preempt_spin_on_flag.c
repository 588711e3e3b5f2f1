/* A loop that spins on a flag without a single runtime call is preempted
 * by the timer signal, so the task that sets the flag gets to run. */
#include <stdatomic.h>
#include "conf.h"

static atomic_bool flag;

static void setter(void *arg) {
    (void)arg;
    atomic_store(&flag, true);
}

CONF_CASE_FIFO(preempt_spin_on_flag) {
    CONF_OK(task_spawn(setter, NULL, NULL));
    while (!atomic_load(&flag)) {
    }
    printf("the spinner saw the flag\n");
}
