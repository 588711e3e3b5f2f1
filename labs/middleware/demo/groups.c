/*
 * groups.c — route groups compose chains in Use() order, and a chain is
 * copied when a route is registered.
 *
 * As in the Go original (groups.go, on Gin): the engine uses A, group /v1
 * adds B, its subgroup /admin adds C; GET /v1/admin/stats runs A B C h in
 * and C B A out. /v1/ping is registered before v1.Use(D) and so never runs
 * D; /v1/pong, registered after, does.
 *
 * Interface: main → groups and routes → serve three requests → traces.
 */
#include <stdio.h>

#include <undergo/demo.h>

#include "middleware.h"

static void mw(mw_ctx_t *c, void *arg)
{
    printf(" %s>", (const char *)arg);
    mw_next(c);
    printf(" <%s", (const char *)arg);
}

static void handler(mw_ctx_t *c, void *arg)
{
    printf(" [%s]", (const char *)arg);
    mw_string(c, 200, arg);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        "middleware groups",
        "groups compose chains in Use order; chains are copied at registration", false, NULL, NULL};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "r.Use(A); v1 := r.Group(\"/v1\", B); admin := v1.Group(\"/admin\", C)");
    mw_engine_t *e = NULL;
    if (!demo_ok(&d, mw_engine_new(NULL, &e), "mw_engine_new"))
        return demo_end(&d);
    mw_handler_t a = {mw, "A"}, b = {mw, "B"}, c = {mw, "C"}, dd = {mw, "D"};
    mw_handler_t stats = {handler, "stats"}, ping = {handler, "ping"}, pong = {handler, "pong"};
    mw_group_t *v1 = NULL, *admin = NULL;
    bool ok = demo_ok(&d, mw_use(mw_engine_group(e), &a, 1), "mw_use") &&
              demo_ok(&d, mw_group(mw_engine_group(e), "/v1", &b, 1, &v1), "mw_group") &&
              demo_ok(&d, mw_group(v1, "/admin", &c, 1, &admin), "mw_group") &&
              demo_ok(&d, mw_handle(admin, "GET", "/stats", &stats, 1), "mw_handle") &&
              demo_ok(&d, mw_handle(v1, "GET", "/ping", &ping, 1), "mw_handle") &&
              demo_ok(&d, mw_use(v1, &dd, 1), "mw_use") &&
              demo_ok(&d, mw_handle(v1, "GET", "/pong", &pong, 1), "mw_handle");
    printf("admin.GET(\"/stats\"); v1.GET(\"/ping\"); v1.Use(D); v1.GET(\"/pong\")\n");
    static const char *const paths[] = {"/v1/admin/stats", "/v1/ping", "/v1/pong"};
    for (int i = 0; ok && i < 3; i++) {
        demo_step(&d, "GET %s", paths[i]);
        mw_ctx_t ctx;
        mw_ctx_init(&ctx, NULL);
        printf(" ");
        int st = mw_serve(e, &ctx, "GET", paths[i]);
        printf("\n  => %d\n", st);
        ok = demo_ok(&d, st, "mw_serve");
    }
    mw_engine_free(e);
    return demo_end(&d);
}
