/* Cond.Wait without holding its lock unlocks an unlocked Mutex: fatal. */
#include "conf.h"

CONF_CASE(cond_wait_unlocked_fatal) {
    static mutex_t mu;
    static cond_t c;
    printf("waiting without the lock\n");
    cond_wait(&c, &mu);
    printf("not reached\n");
}
