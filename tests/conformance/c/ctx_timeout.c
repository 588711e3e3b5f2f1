/* WithTimeout cancels with DeadlineExceeded when its time is up; a child
 * asking for more time gets its parent's deadline. */
#include "conf.h"

static const char *err_name(int err) {
    return err == 0 ? "<nil>" : err == -ECANCELED ? "context canceled" : "context deadline exceeded";
}

CONF_CASE(ctx_timeout) {
    int64_t start = clock_now();
    ctx_t *parent, *child;
    CONF_OK(ctx_with_timeout(ctx_background(), 30 * CLOCK_MS, &parent));
    CONF_OK(ctx_with_timeout(parent, 3600 * CLOCK_S, &child));
    int64_t pd = 0, cd = 0;
    ctx_deadline(parent, &pd);
    ctx_deadline(child, &cd);
    printf("child deadline capped by the parent's: %s\n", cd == pd ? "true" : "false");
    chan_recv(ctx_done(child), NULL, NULL);
    printf("child: %s\n", err_name(ctx_err(child)));
    printf("parent: %s\n", err_name(ctx_err(parent)));
    printf("after >= 30ms: %s\n", clock_now() - start >= 30 * CLOCK_MS ? "true" : "false");
    ctx_free(child);
    ctx_free(parent);
}
