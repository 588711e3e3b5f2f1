/* Cancel reaches every descendant, not the parent or siblings. */
#include "conf.h"

static const char *err_name(int err) {
    return err == 0 ? "<nil>" : err == -ECANCELED ? "context canceled" : "context deadline exceeded";
}

static void wait_done(void *arg) {
    ctx_t *c = arg;
    chan_recv(ctx_done(c), NULL, NULL);
}

CONF_CASE(ctx_cancel_propagates) {
    ctx_t *root, *a, *b, *a1;
    CONF_OK(ctx_with_cancel(ctx_background(), &root));
    CONF_OK(ctx_with_cancel(root, &a));
    CONF_OK(ctx_with_cancel(root, &b));
    CONF_OK(ctx_with_cancel(a, &a1));
    uint64_t id;
    CONF_OK(task_spawn(wait_done, a1, &id));
    ctx_cancel(a);
    task_join(id);
    printf("root: %s\n", err_name(ctx_err(root)));
    printf("a: %s\n", err_name(ctx_err(a)));
    printf("b: %s\n", err_name(ctx_err(b)));
    printf("a1: %s\n", err_name(ctx_err(a1)));
    ctx_free(a1);
    ctx_free(b);
    ctx_free(a);
    ctx_free(root);
}
