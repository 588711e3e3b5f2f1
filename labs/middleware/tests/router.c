/*
 * router.c — tests of the radix-tree router: static, :param and *catchAll
 * routes, their priority, conflicts refused at registration, 404, 405 with
 * Allow, and trailing-slash redirects.
 *
 * Requests go through mw_serve with no network; each route's handler
 * records which route ran, and parameters are read back with mw_ctx_param.
 *
 * Interface: mw_engine_new → mw_handle → mw_serve → c.full_path, params.
 */
#include <errno.h>
#include <stdlib.h>

#include <undergo/labtest.h>

#include "mw_test.h"

static void noop(mw_ctx_t *c, void *arg)
{
    (void)c, (void)arg;
}

static const mw_handler_t h_noop = {noop, NULL};

static mw_engine_t *engine(bool allow405, bool tsr)
{
    mw_engine_t *e = NULL;
    mw_options_t o = {.redirect_trailing_slash = tsr, .handle_method_not_allowed = allow405};
    assert_int_equal(0, mw_engine_new(&o, &e));
    return e;
}

static int route(mw_engine_t *e, const char *method, const char *path)
{
    return mw_handle(mw_engine_group(e), method, path, &h_noop, 1);
}

/* Serves method path; returns the status and the matched pattern ("-"). */
static int serve(mw_engine_t *e, mw_ctx_t *c, const char *method, const char *path,
                 const char **pattern)
{
    mw_ctx_init(c, NULL);
    int st = mw_serve(e, c, method, path);
    *pattern = c->full_path ? c->full_path : "-";
    return st;
}

static const char *param(const mw_ctx_t *c, const char *key)
{
    static char buf[8][128];
    static int at;
    char *b = buf[at++ % 8];
    if (mw_ctx_param(c, key, b, 128) < 0)
        strcpy(b, "<none>");
    return b;
}

/* Static routes match only themselves: a seeded set of them, each served
 * once, and paths one byte longer or shorter are 404. */
static void test_static_routes_match_exactly_and_the_rest_is_404(void **state)
{
    (void)state;
    static const char *const words[] = {"a", "ab", "abc", "b", "users", "user", "usr", "x"};
    mw_engine_t *e = engine(false, false);
    char paths[24][32];
    size_t n = 0;
    for (size_t i = 0; i < 24; i++) {
        snprintf(paths[n], sizeof paths[n], "/%s/%s", words[ug_rand_below(8)],
                 words[ug_rand_below(8)]);
        int rc = route(e, "GET", paths[n]);
        if (rc == 0)
            n++;
        else
            assert_int_equal(-EEXIST, rc);
    }
    mw_ctx_t c;
    const char *pat;
    size_t ok = 0, shorter = 0, longer = 0;
    for (size_t i = 0; i < n; i++) {
        ok += serve(e, &c, "GET", paths[i], &pat) == 200 && strcmp(pat, paths[i]) == 0;
        char p[40];
        snprintf(p, sizeof p, "%sq", paths[i]);
        longer += serve(e, &c, "GET", p, &pat) == 404;
    }
    shorter += serve(e, &c, "GET", "/", &pat) == 404;
    shorter += serve(e, &c, "GET", "/zz", &pat) == 404;
    assert_int_equal(n, ok);
    assert_int_equal(n, longer);
    assert_int_equal(2, shorter);
    assert_string_equal("404 page not found", c.body);
    mw_engine_free(e);
}

/* :id takes one non-empty segment; *path takes the rest, its leading '/'
 * included, and an empty rest is "/". */
static void test_param_takes_one_segment_and_catch_all_the_rest_with_its_slash(void **state)
{
    (void)state;
    mw_engine_t *e = engine(false, false);
    assert_int_equal(0, route(e, "GET", "/users/:id"));
    assert_int_equal(0, route(e, "GET", "/users/:id/posts/:post"));
    assert_int_equal(0, route(e, "GET", "/static/*filepath"));
    unsigned id = (unsigned)ug_rand_below(100000), post = (unsigned)ug_rand_below(1000);
    char path[96], want[96];
    mw_ctx_t c;
    const char *pat;

    snprintf(path, sizeof path, "/users/%u", id);
    snprintf(want, sizeof want, "%u", id);
    assert_int_equal(200, serve(e, &c, "GET", path, &pat));
    assert_string_equal("/users/:id", pat);
    assert_string_equal(want, param(&c, "id"));
    assert_int_equal(1, c.nparams);

    snprintf(path, sizeof path, "/users/u%u/posts/%u", id, post);
    assert_int_equal(200, serve(e, &c, "GET", path, &pat));
    assert_string_equal("/users/:id/posts/:post", pat);
    snprintf(want, sizeof want, "u%u", id);
    assert_string_equal(want, param(&c, "id"));
    snprintf(want, sizeof want, "%u", post);
    assert_string_equal(want, param(&c, "post"));
    assert_string_equal("<none>", param(&c, "filepath"));

    snprintf(path, sizeof path, "/static/css/%u/site.css", id);
    assert_int_equal(200, serve(e, &c, "GET", path, &pat));
    assert_string_equal("/static/*filepath", pat);
    snprintf(want, sizeof want, "/css/%u/site.css", id);
    assert_string_equal(want, param(&c, "filepath"));
    assert_int_equal(200, serve(e, &c, "GET", "/static/", &pat));
    assert_string_equal("/", param(&c, "filepath"));

    assert_int_equal(404, serve(e, &c, "GET", "/users/", &pat));
    assert_int_equal(404, serve(e, &c, "GET", "/users//posts/1", &pat));
    char small[4];
    snprintf(path, sizeof path, "/users/%u", 1000 + id);
    serve(e, &c, "GET", path, &pat);
    assert_int_equal(-ENOSPC, mw_ctx_param(&c, "id", small, sizeof small));
    mw_engine_free(e);
}

/* At one place a static segment beats :param, which beats *catchAll; a
 * static branch that dead-ends further on gives way to the param. */
static void test_static_beats_param_beats_catch_all_with_backtracking(void **state)
{
    (void)state;
    mw_engine_t *e = engine(false, false);
    const char *routes[] = {"/u/new",  "/u/:id",     "/u/:id/edit", "/u/new/x",
                            "/f/:a/b", "/f/c/*rest", "/g/*all"};
    size_t order[7];
    for (size_t i = 0; i < 7; i++)
        order[i] = i;
    for (size_t i = 6; i > 0; i--) {
        size_t j = ug_rand_below(i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    int regs = 0;
    for (size_t i = 0; i < 7; i++)
        regs += route(e, "GET", routes[order[i]]) == 0;
    assert_int_equal(7, regs);

    mw_ctx_t c;
    const char *pat;
    serve(e, &c, "GET", "/u/new", &pat);
    assert_string_equal("/u/new", pat);
    char path[64], want[24];
    snprintf(want, sizeof want, "new%u", (unsigned)ug_rand_below(100000));
    snprintf(path, sizeof path, "/u/%s", want);
    serve(e, &c, "GET", path, &pat);
    assert_string_equal("/u/:id", pat);
    assert_string_equal(want, param(&c, "id"));
    serve(e, &c, "GET", "/u/new/edit", &pat);
    assert_string_equal("/u/:id/edit", pat);
    assert_string_equal("new", param(&c, "id"));
    serve(e, &c, "GET", "/u/new/x", &pat);
    assert_string_equal("/u/new/x", pat);
    assert_int_equal(0, c.nparams);
    serve(e, &c, "GET", "/f/c/b", &pat);
    assert_string_equal("/f/c/*rest", pat);
    assert_string_equal("/b", param(&c, "rest"));
    serve(e, &c, "GET", "/f/x/b", &pat);
    assert_string_equal("/f/:a/b", pat);
    assert_string_equal("x", param(&c, "a"));
    serve(e, &c, "GET", "/f/c/d/e", &pat);
    assert_string_equal("/f/c/*rest", pat);
    assert_string_equal("/d/e", param(&c, "rest"));
    assert_int_equal(1, c.nparams);
    serve(e, &c, "GET", "/g/u/new", &pat);
    assert_string_equal("/g/*all", pat);
    mw_engine_free(e);
}

/* pattern with ":name" replaced by "q" and "*name" by "q/r". */
static void concrete(const char *pattern, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 4 < cap;) {
        if (*p == ':' || *p == '*') {
            const char *v = *p == ':' ? "q" : "q/r";
            memcpy(out + o, v, strlen(v));
            o += strlen(v);
            p += 1 + strcspn(p + 1, "/");
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
}

/* Conflicts are refused when registered, and the router is unchanged. */
static void test_conflicting_routes_are_refused_at_registration(void **state)
{
    (void)state;
    static const struct {
        const char *first, *second;
        int want, zz; /* registering second; then GET /a/zz */
    } cases[] = {
        {"/a/:id", "/a/:name", -EBUSY, 200},
        {"/a/:id/x", "/a/:ident", -EBUSY, 404},
        {"/a/:id", "/a/*rest", -EBUSY, 200},
        {"/a/*rest", "/a/:id", -EBUSY, 200},
        {"/a/b", "/a/*rest", -EBUSY, 404},
        {"/a/*rest", "/a/b", -EBUSY, 200},
        {"/a/*rest", "/a/", -EBUSY, 200},
        {"/a/", "/a/*rest", -EBUSY, 404},
        {"/a/*rest", "/a/*other", -EBUSY, 200},
        {"/a/:id", "/a/:id", -EEXIST, 200},
        {"/a/*rest", "/a/*rest", -EEXIST, 200},
        {"/a/b", "/a/b", -EEXIST, 404},
        {"/a/:id", "/a/b", 0, 200},
        {"/a/:id", "/a/:id/b", 0, 200},
        {"/a", "/a/*rest", 0, 200},
    };
    enum { N = sizeof cases / sizeof cases[0] };
    int rcs[N];
    for (size_t k = 0; k < N; k++) {
        mw_engine_t *f = engine(false, false);
        assert_int_equal(0, route(f, "GET", cases[k].first));
        rcs[k] = route(f, "GET", cases[k].second);
        mw_engine_free(f);
    }
    for (size_t k = 0; k < N; k++)
        assert_int_equal(cases[k].want, rcs[k]);

    /* A seeded case again: a refused route leaves nothing behind. */
    size_t i = ug_rand_below(N);
    mw_engine_t *e = engine(false, false);
    assert_int_equal(0, route(e, "GET", cases[i].first));
    assert_int_equal(cases[i].want, route(e, "GET", cases[i].second));
    mw_ctx_t c;
    const char *pat;
    assert_int_equal(cases[i].zz, serve(e, &c, "GET", "/a/zz", &pat));
    char path[64];
    concrete(cases[i].first, path, sizeof path);
    assert_int_equal(200, serve(e, &c, "GET", path, &pat));
    assert_string_equal(cases[i].first, pat);
    mw_engine_free(e);
}

/* Bad patterns are -EINVAL, and so is a route with no handler or method. */
static void test_malformed_patterns_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {"/a/:",       "/a/*",   "/a:b",          "/a/x*y",
                                      "/a/:b:c",    "/a/:b*", "/a/*rest/more", "/a/*r/:x",
                                      "/:x/:y:z/c", ""};
    mw_engine_t *e = engine(false, false);
    int sum = 0, n = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++, n++)
        sum += route(e, ug_rand_below(2) ? "GET" : "POST", bad[i]) == -EINVAL;
    assert_int_equal(n - 1, sum);                /* "" joins to "/": a valid route */
    assert_int_equal(0, route(e, "GET", "a/b")); /* joined to "/a/b", as Gin does */
    assert_int_equal(0, route(e, "GET", "/ok/:id"));
    char path[32], want[16];
    snprintf(want, sizeof want, "%u", (unsigned)ug_rand_below(1000000));
    snprintf(path, sizeof path, "/ok/%s", want);
    mw_ctx_t c;
    const char *pat;
    assert_int_equal(200, serve(e, &c, "GET", path, &pat));
    assert_string_equal(want, param(&c, "id"));
    assert_int_equal(-EINVAL, mw_handle(mw_engine_group(e), "GET", "/ok", &h_noop, 0));
    assert_int_equal(-EINVAL, mw_handle(mw_engine_group(e), "", "/ok", &h_noop, 1));
    char many[256] = "";
    for (int i = 0; i <= MW_MAX_PARAMS; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "/:p%d", i);
    assert_int_equal(-E2BIG, route(e, "GET", many));
    mw_engine_free(e);
}

/* 405 with the other methods in Allow when enabled, 404 when not. */
static void test_405_names_the_allowed_methods_only_when_enabled(void **state)
{
    (void)state;
    const char *methods[] = {"GET", "POST", "PUT", "DELETE"};
    size_t m = 1 + ug_rand_below(4);
    for (size_t i = 3; i > 0; i--) {
        size_t j = ug_rand_below(i + 1);
        const char *t = methods[i];
        methods[i] = methods[j];
        methods[j] = t;
    }
    for (int on = 0; on < 2; on++) {
        mw_engine_t *e = engine(on, true);
        char allow[96] = "";
        for (size_t i = 0; i < m; i++) {
            assert_int_equal(0, route(e, methods[i], "/items/:id"));
            snprintf(allow + strlen(allow), sizeof allow - strlen(allow), "%s%s", i ? ", " : "",
                     methods[i]);
        }
        assert_int_equal(0, route(e, "PATCH", "/other"));
        mw_ctx_t c;
        const char *pat;
        assert_int_equal(on ? 405 : 404,
                         serve(e, &c, ug_rand_below(2) ? "OPTIONS" : "HEAD", "/items/7", &pat));
        assert_string_equal(on ? allow : "", c.allow);
        assert_string_equal(on ? "405 method not allowed" : "404 page not found", c.body);
        assert_int_equal(404, serve(e, &c, "GET", "/nothing", &pat));
        assert_string_equal("", c.allow);
        mw_engine_free(e);
    }
}

/* A path with its trailing '/' added or removed: 301 for GET, 307 for the
 * rest, Location set; not for "/" nor CONNECT, nor when turned off. */
static void test_trailing_slash_redirects_301_for_get_and_307_otherwise(void **state)
{
    (void)state;
    static const char *const other[] = {"POST", "PUT", "DELETE", "PATCH"};
    const char *m = other[ug_rand_below(4)];
    unsigned id = (unsigned)ug_rand_below(10000);
    char path[64], want[64];
    mw_ctx_t c;
    const char *pat;
    for (int on = 0; on < 2; on++) {
        mw_engine_t *e = engine(false, on);
        const char *ms[] = {"GET", m, "CONNECT"};
        for (size_t i = 0; i < 3; i++) {
            assert_int_equal(0, route(e, ms[i], "/users/:id"));
            assert_int_equal(0, route(e, ms[i], "/dir/"));
            assert_int_equal(0, route(e, ms[i], "/files/*path"));
        }
        assert_int_equal(0, route(e, "GET", "/"));
        snprintf(path, sizeof path, "/users/%u/", id);
        snprintf(want, sizeof want, "/users/%u", id);
        assert_int_equal(on ? 301 : 404, serve(e, &c, "GET", path, &pat));
        assert_string_equal(on ? want : "", c.location);
        assert_int_equal(on ? 307 : 404, serve(e, &c, m, "/dir", &pat));
        assert_string_equal(on ? "/dir/" : "", c.location);
        assert_int_equal(on ? 301 : 404, serve(e, &c, "GET", "/files", &pat));
        assert_string_equal(on ? "/files/" : "", c.location);
        assert_int_equal(404, serve(e, &c, "CONNECT", "/dir", &pat));
        assert_int_equal(404, serve(e, &c, m, "/", &pat));
        assert_int_equal(404, serve(e, &c, "GET", "/nope/", &pat));
        assert_string_equal("", c.location);
        mw_engine_free(e);
    }
}

UG_TEST_GROUP(router, NULL, NULL,
              cmocka_unit_test(test_static_routes_match_exactly_and_the_rest_is_404),
              cmocka_unit_test(test_param_takes_one_segment_and_catch_all_the_rest_with_its_slash),
              cmocka_unit_test(test_static_beats_param_beats_catch_all_with_backtracking),
              cmocka_unit_test(test_conflicting_routes_are_refused_at_registration),
              cmocka_unit_test(test_malformed_patterns_are_refused),
              cmocka_unit_test(test_405_names_the_allowed_methods_only_when_enabled),
              cmocka_unit_test(test_trailing_slash_redirects_301_for_get_and_307_otherwise));
