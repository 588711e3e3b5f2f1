/* RUnlock of a sync.RWMutex that is not so held is a fatal error, which
 * recover cannot stop: the run ends with "fatal error: sync: RUnlock of unlocked RWMutex". */
#include "conf.h"

CONF_CASE(rwmutex_runlock_fatal) {
    static rwmutex_t mu;
    printf("about to misuse\n");
    rwmutex_runlock(&mu);
    printf("not reached\n");
}
