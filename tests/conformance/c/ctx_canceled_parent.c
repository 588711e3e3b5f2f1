/* A child of a canceled parent starts canceled; a timeout already past
 * starts expired. */
#include "conf.h"

CONF_CASE(ctx_canceled_parent) {
    ctx_t *parent, *child, *past;
    CONF_OK(ctx_with_cancel(ctx_background(), &parent));
    ctx_cancel(parent);
    CONF_OK(ctx_with_cancel(parent, &child));
    if (chan_try_recv(ctx_done(child), NULL, NULL) == 0)
        printf("child done at once: %s\n", ctx_err(child) == -ECANCELED ? "context canceled" : "?");
    else
        printf("child live\n");
    CONF_OK(ctx_with_timeout(ctx_background(), 0, &past));
    printf("zero timeout: %s\n", ctx_err(past) == -ETIMEDOUT ? "context deadline exceeded" : "?");
    printf("background has a deadline: %s done is nil: %s\n",
           ctx_deadline(ctx_background(), NULL) == 0 ? "true" : "false",
           ctx_done(ctx_background()) == NULL ? "true" : "false");
    ctx_free(past);
    ctx_free(child);
    ctx_free(parent);
}
