/* Go's most common loop: poll a context with select/default while working.
 * Time passes while it works, so the deadline arrives and ends the loop. */
#include "conf.h"

CONF_CASE(select_default_loop_sees_deadline) {
    ctx_t *ctx;
    CONF_OK(ctx_with_timeout(ctx_background(), 20 * CLOCK_MS, &ctx));
    long work = 0;
    for (;;) {
        chan_case_t c[1] = {{ctx_done(ctx), CHAN_RECV, NULL, false}};
        if (chan_select(c, 1, true) == 0) {
            printf("stopped: %s\n", ctx_err(ctx) == -ETIMEDOUT ? "context deadline exceeded" : "?");
            printf("did some work: %s\n", work > 0 ? "true" : "false");
            break;
        }
        work++;
    }
    ctx_free(ctx);
}
