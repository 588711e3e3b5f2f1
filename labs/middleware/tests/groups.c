/*
 * groups.c — tests of route groups: chains composed in Use() order across
 * nested groups, chains copied at registration, paths joined, the chain
 * limit across groups, and the engine's middleware on 404 and 405.
 *
 * Interface: mw_engine_group → mw_group / mw_use → mw_handle → mw_serve.
 */
#include <errno.h>

#include <undergo/labtest.h>

#include "mw_test.h"

static mw_engine_t *engine(bool allow405)
{
    mw_engine_t *e = NULL;
    mw_options_t o = mw_options_default();
    o.handle_method_not_allowed = allow405;
    assert_int_equal(0, mw_engine_new(&o, &e));
    return e;
}

/* engine.Use(g) ; v1 := Group("/v1", a) ; v1.Use(b) ; admin := v1.Group("admin", c) ;
 * admin.GET("/users/:id", h): the request runs g a b c h in, c b a g out. */
static void test_nested_groups_compose_their_chains_in_use_order(void **state)
{
    (void)state;
    step_t s[5] = {{STEP_NEXT, 1}, {STEP_NEXT, 2}, {STEP_NEXT, 3}, {STEP_NEXT, 4}, {STEP_PLAIN, 5}};
    mw_handler_t h[5];
    for (int i = 0; i < 5; i++)
        h[i] = step_h(&s[i]);
    mw_engine_t *e = engine(false);
    mw_group_t *v1, *admin;
    assert_int_equal(0, mw_use(mw_engine_group(e), &h[0], 1));
    assert_int_equal(0, mw_group(mw_engine_group(e), "/v1", &h[1], 1, &v1));
    assert_int_equal(0, mw_use(v1, &h[2], 1));
    assert_int_equal(0, mw_group(v1, "admin", &h[3], 1, &admin));
    assert_int_equal(0, mw_handle(admin, "GET", "/users/:id", &h[4], 1));

    unsigned id = (unsigned)ug_rand_below(1000000);
    char path[64], want[16];
    snprintf(path, sizeof path, "/v1/admin/users/%u", id);
    snprintf(want, sizeof want, "%u", id);
    trace_t t;
    trace_reset(&t);
    mw_ctx_t c;
    mw_ctx_init(&c, &t);
    assert_int_equal(200, mw_serve(e, &c, "GET", path));
    assert_string_equal(">1 >2 >3 >4 5 <4 <3 <2 <1 ", t.buf);
    assert_string_equal("/v1/admin/users/:id", c.full_path);
    char got[16];
    assert_int_equal((int)strlen(want), mw_ctx_param(&c, "id", got, sizeof got));
    assert_string_equal(want, got);
    mw_engine_free(e);
}

/* A Use() after a route or a group reaches only what is made after it:
 * chains are copied when a route or group is made, as Gin's are. */
static void test_use_after_a_route_reaches_only_later_routes(void **state)
{
    (void)state;
    int b = (int)ug_rand_below(1000); /* seeded names, so a trace is this run's */
    step_t s[4] = {{STEP_NEXT, b + 1},
                   {STEP_NEXT, b + 2},
                   {STEP_PLAIN, b + 3},
                   {STEP_PLAIN, b + 4}};
    mw_handler_t h[4];
    for (int i = 0; i < 4; i++)
        h[i] = step_h(&s[i]);
    mw_engine_t *e = engine(false);
    mw_group_t *api, *early;
    assert_int_equal(0, mw_group(mw_engine_group(e), "/api/", &h[0], 1, &api));
    assert_int_equal(0, mw_group(api, "", NULL, 0, &early));
    assert_int_equal(0, mw_handle(api, "GET", "before", &h[2], 1));
    assert_int_equal(0, mw_use(api, &h[1], 1));
    assert_int_equal(0, mw_handle(api, "GET", "after", &h[3], 1));
    assert_int_equal(0, mw_handle(early, "POST", "/early", &h[3], 1));

    const char *paths[] = {"/api/before", "/api/after"};
    size_t pick = ug_rand_below(2);
    trace_t t;
    mw_ctx_t c;
    trace_reset(&t);
    mw_ctx_init(&c, &t);
    char want[96];
    if (pick)
        snprintf(want, sizeof want, ">%d >%d %d <%d <%d ", b + 1, b + 2, b + 4, b + 2, b + 1);
    else
        snprintf(want, sizeof want, ">%d %d <%d ", b + 1, b + 3, b + 1);
    assert_int_equal(200, mw_serve(e, &c, "GET", paths[pick]));
    assert_string_equal(want, t.buf);
    trace_reset(&t);
    assert_int_equal(200, mw_serve(e, &c, "POST", "/api/early"));
    snprintf(want, sizeof want, ">%d %d <%d ", b + 1, b + 4, b + 1);
    assert_string_equal(want, t.buf);
    assert_string_equal("/api/early", c.full_path);
    mw_engine_free(e);
}

/* The limit counts the whole chain: groups' handlers plus the route's.
 * A refused group, Use or route changes nothing. */
static void test_the_62_handler_limit_counts_every_group_of_the_chain(void **state)
{
    (void)state;
    mw_handler_t h[64];
    step_t last = {STEP_PLAIN, 7};
    mw_handler_t fin = step_h(&last);
    step_t mid = {STEP_PLAIN, 0};
    for (int i = 0; i < 64; i++)
        h[i] = step_h(&mid);
    size_t a = 1 + ug_rand_below(40), b = MW_ABORT_INDEX - 2 - a; /* a + b = 61 */
    mw_engine_t *e = engine(false);
    mw_group_t *g, *g2;
    assert_int_equal(0, mw_use(mw_engine_group(e), h, a));
    assert_int_equal(0, mw_group(mw_engine_group(e), "/g", h, b, &g));
    assert_int_equal(-E2BIG, mw_use(g, h, 2));
    assert_int_equal(-E2BIG, mw_group(g, "/h", h, 2, &g2));
    assert_int_equal(-E2BIG, mw_handle(g, "GET", "/too-many", h, 2));
    assert_int_equal(0, mw_handle(g, "GET", "/fits", &fin, 1));

    trace_t t;
    mw_ctx_t c;
    trace_reset(&t);
    mw_ctx_init(&c, &t);
    assert_int_equal(404, mw_serve(e, &c, "GET", "/g/too-many"));
    trace_reset(&t);
    assert_int_equal(200, mw_serve(e, &c, "GET", "/g/fits"));
    size_t zeros = 0;
    for (const char *p = t.buf; (p = strstr(p, "0 ")); p += 2)
        zeros++;
    assert_int_equal(a + b, zeros);

    /* A 404 runs the engine group's chain alone: the a handlers. */
    trace_reset(&t);
    assert_int_equal(404, mw_serve(e, &c, "GET", "/elsewhere"));
    zeros = 0;
    for (const char *p = t.buf; (p = strstr(p, "0 ")); p += 2)
        zeros++;
    assert_int_equal(a, zeros);
    mw_engine_free(e);
}

static void set_status_after(mw_ctx_t *c, void *arg)
{
    trace_t *t = c->user;
    trace_add(t, "in:%d ", c->status);
    mw_next(c);
    trace_add(t, "out:%d ", c->status);
    (void)arg;
}

static char tea_text[32];
static void teapot(mw_ctx_t *c, void *arg)
{
    (void)arg;
    mw_string(c, 418, tea_text);
}

/* The engine group's chain runs on 404 and 405 with the status already
 * set, and a handler there may answer instead of the default body. */
static void test_engine_middleware_runs_on_404_and_405_with_the_status_set(void **state)
{
    (void)state;
    mw_handler_t logger = {set_status_after, NULL}, tea = {teapot, NULL};
    snprintf(tea_text, sizeof tea_text, "short and stout %u", (unsigned)ug_rand_below(100000));
    step_t s = {STEP_PLAIN, 1};
    mw_handler_t ok = step_h(&s);
    mw_engine_t *e = engine(true);
    mw_group_t *sub;
    assert_int_equal(0, mw_group(mw_engine_group(e), "/sub", &tea, 1, &sub));
    assert_int_equal(0, mw_use(mw_engine_group(e), &logger, 1));
    assert_int_equal(0, mw_handle(mw_engine_group(e), "PUT", "/thing", &ok, 1));

    trace_t t;
    mw_ctx_t c;
    trace_reset(&t);
    mw_ctx_init(&c, &t);
    assert_int_equal(405, mw_serve(e, &c, ug_rand_below(2) ? "GET" : "DELETE", "/thing"));
    assert_string_equal("in:405 out:405 ", t.buf);
    assert_string_equal("PUT", c.allow);
    trace_reset(&t);
    assert_int_equal(404, mw_serve(e, &c, "PUT", "/sub/x"));
    assert_string_equal("in:404 out:404 ", t.buf);
    assert_string_equal("404 page not found", c.body);

    assert_int_equal(0, mw_use(mw_engine_group(e), &tea, 1));
    trace_reset(&t);
    assert_int_equal(418, mw_serve(e, &c, "PUT", "/nowhere"));
    assert_string_equal("in:404 out:418 ", t.buf);
    assert_string_equal(tea_text, c.body);
    trace_reset(&t);
    assert_int_equal(200, mw_serve(e, &c, "PUT", "/thing"));
    assert_string_equal("in:200 1 out:200 ", t.buf);
    mw_engine_free(e);
}

UG_TEST_GROUP(groups, NULL, NULL,
              cmocka_unit_test(test_nested_groups_compose_their_chains_in_use_order),
              cmocka_unit_test(test_use_after_a_route_reaches_only_later_routes),
              cmocka_unit_test(test_the_62_handler_limit_counts_every_group_of_the_chain),
              cmocka_unit_test(test_engine_middleware_runs_on_404_and_405_with_the_status_set));
