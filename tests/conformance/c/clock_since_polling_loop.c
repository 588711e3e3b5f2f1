/* A loop that polls the clock ends: time passes while code runs. */
#include "conf.h"

CONF_CASE(clock_since_polling_loop) {
    int64_t start = clock_now();
    long spins = 0;
    while (clock_now() - start < 20 * CLOCK_MS) spins++;
    printf("loop ended after spinning: %s\n", spins > 0 ? "true" : "false");
}
