/* Unlock of a sync.RWMutex that is not so held is a fatal error, which
 * recover cannot stop: the run ends with "fatal error: sync: Unlock of unlocked RWMutex". */
#include "conf.h"

CONF_CASE(rwmutex_unlock_fatal) {
    static rwmutex_t mu;
    printf("about to misuse\n");
    rwmutex_unlock(&mu);
    printf("not reached\n");
}
