/*
 * router.c — what the radix tree answers: static beats :param beats
 * *catchAll, a conflicting route is refused when registered, and a path
 * with no route gets a redirect, a 405 or a 404, in Gin's order.
 *
 * Interface: main → register routes (one refused) → serve a table of
 * requests → print status, route, params and headers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "middleware.h"

static void noop(mw_ctx_t *c, void *arg)
{
    (void)c, (void)arg;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {"middleware router",
                                     "static, :param, *catchAll; conflicts; 404, 405, 301/307",
                                     false, NULL, NULL};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "one radix tree per method; HandleMethodNotAllowed = true");
    mw_options_t o = mw_options_default();
    o.handle_method_not_allowed = true;
    mw_engine_t *e = NULL;
    if (!demo_ok(&d, mw_engine_new(&o, &e), "mw_engine_new"))
        return demo_end(&d);
    static const char *const routes[][2] = {
        {"GET", "/users/new"},  {"GET", "/users/:id"},         {"GET", "/users/:id/repos"},
        {"POST", "/users/:id"}, {"GET", "/static/*filepath"},  {"GET", "/docs/"},
        {"POST", "/upload/"},   {"GET", "/users/:name/stars"},
    };
    mw_handler_t h = {noop, NULL};
    demo_step(&d, "registering");
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        int r = mw_handle(mw_engine_group(e), routes[i][0], routes[i][1], &h, 1);
        if (r == -ENOSYS) {
            demo_ok(&d, r, "mw_handle");
            goto out;
        }
        printf("  %-6s %-22s %s%s%s\n", routes[i][0], routes[i][1],
               demo_c(&d, r ? DEMO_RED : DEMO_GREEN), r ? strerror(-r) : "ok",
               demo_c(&d, DEMO_RESET));
    }
    demo_note(&d, "Gin panics on the last one: ':name' conflicts with the existing wildcard ':id'");
    static const char *const reqs[][2] = {
        {"GET", "/users/new"},        {"GET", "/users/42"},  {"GET", "/users/new/repos"},
        {"GET", "/static/css/a.css"}, {"GET", "/users/42/"}, {"GET", "/docs"},
        {"POST", "/upload"},          {"PUT", "/users/42"},  {"GET", "/nothing"},
    };
    demo_step(&d, "serving");
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        mw_ctx_t c;
        mw_ctx_init(&c, NULL);
        int st = mw_serve(e, &c, reqs[i][0], reqs[i][1]);
        if (!demo_ok(&d, st, "mw_serve"))
            break;
        printf("  %-4s %-20s %d", reqs[i][0], reqs[i][1], st);
        if (c.full_path)
            printf("  route %s", c.full_path);
        for (size_t k = 0; k < c.nparams; k++)
            printf("  %s=%.*s", c.params[k].key, (int)c.params[k].value_len, c.params[k].value);
        if (c.location[0])
            printf("  Location: %s", c.location);
        if (c.allow[0])
            printf("  Allow: %s", c.allow);
        printf("\n");
    }
out:
    mw_engine_free(e);
    return demo_end(&d);
}
