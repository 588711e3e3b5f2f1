/* Values are found through the parents, nearest first; canceling a child
 * leaves them readable. */
#include "conf.h"

static const char *str(void *v) { return v ? v : "<nil>"; }
static const char *err_name(int err) { return err == 0 ? "<nil>" : "context canceled"; }

CONF_CASE(ctx_value_lookup) {
    static const char user, trace, missing;   /* keys: their addresses */
    ctx_t *a, *b, *c, *shadow;
    CONF_OK(ctx_with_value(ctx_background(), &user, "alice", &a));
    CONF_OK(ctx_with_value(a, &trace, "t-1", &b));
    CONF_OK(ctx_with_cancel(b, &c));
    CONF_OK(ctx_with_value(c, &user, "bob", &shadow));
    printf("%s %s %s\n", str(ctx_value(c, &user)), str(ctx_value(c, &trace)), str(ctx_value(c, &missing)));
    printf("%s %s\n", str(ctx_value(shadow, &user)), str(ctx_value(a, &trace)));
    ctx_cancel(c);
    printf("%s %s %s %s\n", str(ctx_value(c, &user)), err_name(ctx_err(c)), err_name(ctx_err(shadow)),
           err_name(ctx_err(b)));
    ctx_free(shadow);
    ctx_free(c);
    ctx_free(b);
    ctx_free(a);
}
