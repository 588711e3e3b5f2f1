/* A spin loop waiting for a timer's function ends: the loop is preempted
 * and time passes while it spins. */
#include <stdatomic.h>
#include "conf.h"

static atomic_bool fired;

static void fire(void *arg) {
    (void)arg;
    atomic_store(&fired, true);
}

CONF_CASE_FIFO(preempt_spin_until_timer) {
    rt_timer_t *t;
    CONF_OK(timer_after_func(5 * CLOCK_MS, fire, NULL, &t));
    while (!atomic_load(&fired)) {
    }
    printf("the timer fired during the spin\n");
    timer_free(t);
}
