/* Sleep lasts at least its duration; Sleep(0) and negative durations
 * return at once. */
#include "conf.h"

CONF_CASE(sleep_elapsed) {
    int64_t start = clock_now();
    clock_sleep(30 * CLOCK_MS);
    printf("slept >= 30ms: %s\n", clock_now() - start >= 30 * CLOCK_MS ? "true" : "false");
    start = clock_now();
    clock_sleep(0);
    clock_sleep(-CLOCK_S);
    printf("zero and negative sleeps took < 30ms: %s\n", clock_now() - start < 30 * CLOCK_MS ? "true" : "false");
}
