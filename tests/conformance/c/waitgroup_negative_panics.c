/* A WaitGroup counter below zero panics (a panic, not a fatal error). */
#include "conf.h"

CONF_CASE(waitgroup_negative_panics) {
    static wg_t wg;
    wg_add(&wg, 1);
    wg_done(&wg);
    printf("one Done too many\n");
    if (wg_done(&wg) == -ERANGE) conf_panic(rt_panic_message());
}
