/* select {} blocks forever: alone, that is a deadlock. */
#include "conf.h"

CONF_CASE(select_empty_deadlock) {
    printf("select {}\n");
    chan_select(NULL, 0, false);
}
