/* Cancel before the deadline: the error is Canceled, and it stays so
 * after the deadline passes. */
#include "conf.h"

static const char *err_name(int err) {
    return err == -ECANCELED ? "context canceled" : err == -ETIMEDOUT ? "context deadline exceeded" : "<nil>";
}

CONF_CASE(ctx_cancel_before_deadline) {
    ctx_t *ctx;
    CONF_OK(ctx_with_timeout(ctx_background(), 20 * CLOCK_MS, &ctx));
    ctx_cancel(ctx);
    chan_recv(ctx_done(ctx), NULL, NULL);
    printf("%s\n", err_name(ctx_err(ctx)));
    clock_sleep(40 * CLOCK_MS);
    printf("%s\n", err_name(ctx_err(ctx)));
    ctx_free(ctx);
}
