/* TryLock takes a free Mutex and fails on a held one. */
#include "conf.h"

CONF_CASE(mutex_trylock_free_and_held) {
    static mutex_t mu;
    printf("free: %s\n", mutex_trylock(&mu) ? "true" : "false");
    printf("held: %s\n", mutex_trylock(&mu) ? "true" : "false");
    mutex_unlock(&mu);
    if (mutex_trylock(&mu)) {
        printf("after unlock: got it\n");
        mutex_unlock(&mu);
    }
}
