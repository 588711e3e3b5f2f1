/*
 * onion.c — the exam's point: code before Next runs on the way in, code
 * after it on the way out, and Abort stops what comes after.
 *
 * The chain is Logger → Auth → handler, as in the Go original (onion.go,
 * on Gin itself). The first request carries a token and goes all the way
 * in and back out; the second has none: Auth answers 401 with
 * AbortWithStatus, the handler never runs, and Logger still runs its "after"
 * part and sees the 401.
 *
 * Interface: main → build the engine → serve two requests → print traces.
 */
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "middleware.h"

static void logger(mw_ctx_t *c, void *arg)
{
    (void)arg;
    printf("  logger: before Next (path %s)\n", (const char *)c->user);
    mw_next(c);
    printf("  logger: after Next, status %d, aborted %s\n", c->status,
           mw_is_aborted(c) ? "true" : "false");
}

static void auth(mw_ctx_t *c, void *arg)
{
    (void)arg;
    if (!strstr(c->user, "token=")) {
        printf("  auth: no token, AbortWithStatus(401)\n");
        mw_abort_with_status(c, 401);
        printf("  auth: still running after Abort\n");
        return;
    }
    printf("  auth: before Next\n");
    mw_set(c, "user", "alice");
    mw_next(c);
    printf("  auth: after Next\n");
}

static void hello(mw_ctx_t *c, void *arg)
{
    (void)arg;
    void *who = NULL;
    mw_get(c, "user", &who);
    printf("  handler: hello %s\n", who ? (const char *)who : "?");
    mw_string(c, 200, "hello");
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {"middleware onion",
                                     "Next runs the rest of the chain and returns; Abort stops it",
                                     false, NULL, NULL};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "r.Use(Logger, Auth); r.GET(\"/hello\", handler)");
    mw_engine_t *e = NULL;
    if (!demo_ok(&d, mw_engine_new(NULL, &e), "mw_engine_new"))
        return demo_end(&d);
    mw_handler_t mws[] = {{logger, NULL}, {auth, NULL}}, h = {hello, NULL};
    if (!demo_ok(&d, mw_use(mw_engine_group(e), mws, 2), "mw_use") ||
        !demo_ok(&d, mw_handle(mw_engine_group(e), "GET", "/hello", &h, 1), "mw_handle"))
        goto out;
    static const char *const reqs[][2] = {{"/hello", "/hello?token=abc"}, {"/hello", "/hello"}};
    for (int i = 0; i < 2; i++) {
        demo_step(&d, "GET %s", reqs[i][1]);
        mw_ctx_t c;
        mw_ctx_init(&c, (void *)reqs[i][1]);
        int st = mw_serve(e, &c, "GET", reqs[i][0]);
        if (!demo_ok(&d, st, "mw_serve"))
            break;
        printf("  => %d %s\n", st, c.body);
    }
out:
    mw_engine_free(e);
    return demo_end(&d);
}
