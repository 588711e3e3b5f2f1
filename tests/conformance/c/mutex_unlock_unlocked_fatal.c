/* Unlock of a sync.Mutex that is not so held is a fatal error, which
 * recover cannot stop: the run ends with "fatal error: sync: unlock of unlocked mutex". */
#include "conf.h"

CONF_CASE(mutex_unlock_unlocked_fatal) {
    static mutex_t mu;
    printf("about to misuse\n");
    mutex_unlock(&mu);
    printf("not reached\n");
}
