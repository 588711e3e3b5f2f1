/* A receive from a nil channel blocks forever: with nothing else to run,
 * that is a deadlock. */
#include "conf.h"

CONF_CASE(chan_nil_recv_deadlock) {
    printf("receiving from nil\n");
    chan_recv(NULL, NULL, NULL);
}
