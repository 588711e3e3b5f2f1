/* Mutex is not reentrant: locking it again waits forever. */
#include "conf.h"

CONF_CASE(deadlock_mutex_relock) {
    static mutex_t mu;
    mutex_lock(&mu);
    printf("locked once\n");
    mutex_lock(&mu);
}
