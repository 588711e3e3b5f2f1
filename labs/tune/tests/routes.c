/*
 * routes.c — route patterns: the first match names the route, '*' is one
 * segment, unmatched paths are "other", and new patterns take effect for
 * the very next line (whatever a faster service remembers).
 *
 * Ids in paths, the pattern list's order and line counts come from the seed.
 *
 * Interface: tune_set_routes → tune_route / tune_ingest → tune_stat.
 */
#include <errno.h>

#include "logs.h"

/* The first pattern that matches wins; a path none matches is "other";
 * asking twice gives the same answer. */
static void test_first_matching_pattern_names_the_route_and_unmatched_paths_are_other(void **state)
{
    (void)state;
    tune_t *t;
    assert_int_equal(0, tune_open(&t));
    const char *const pats[] = {"/api/users/*/orders", "/api/users/*", "/api/*/*", "/health"};
    assert_int_equal(0, tune_set_routes(t, pats, 4));
    unsigned id = (unsigned)ug_rand_below(100000);
    char path[64], route[TUNE_MAX_ROUTE];
    struct {
        const char *fmt, *route;
    } cases[] = {
        {"/api/users/%u/orders", "/api/users/*/orders"},
        {"/api/users/%u", "/api/users/*"},
        {"/api/items/%u", "/api/*/*"},
        {"/api/users/%u/orders/x", "other"},
        {"/health%u", "other"},
        {"/api/users/%u/", "other"}, /* an empty last segment matches no '*' */
    };
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
            snprintf(path, sizeof path, cases[i].fmt, id);
            assert_int_equal(0, tune_route(t, path, route, sizeof route));
            assert_string_equal(cases[i].route, route);
        }
    assert_int_equal(0, tune_route(t, "/health", route, sizeof route));
    assert_string_equal("/health", route);
    assert_int_equal(-ENOSPC, tune_route(t, "/health", route, 7));
    logs_t l;
    logs_init(&l);
    tune_stat_t users = {0};
    int n = 1 + (int)ug_rand_below(20);
    for (int k = 0; k < n; k++) {
        snprintf(path, sizeof path, "/api/users/%u", id + (unsigned)k);
        logs_line(&l, path, &users);
    }
    assert_int_equal(n, tune_ingest(t, l.buf, l.len));
    logs_check_stat(t, "/api/users/*", users);
    logs_free(&l);
    tune_close(t);
}

/* Lines are aggregated under their route; the same matched and unmatched
 * paths in a second batch land where they did in the first. */
static void test_lines_aggregate_under_their_route_in_every_batch(void **state)
{
    (void)state;
    tune_t *t;
    assert_int_equal(0, tune_open(&t));
    const char *const pats[] = {"/v1/*", "/v1/*/edit"};
    assert_int_equal(0, tune_set_routes(t, pats, 2));
    tune_stat_t v1 = {0}, edit = {0}, other = {0};
    char path[64];
    for (int batch = 0; batch < 2; batch++) {
        logs_t l;
        logs_init(&l);
        int n = 10 + (int)ug_rand_below(10);
        for (int k = 0; k < n; k++) {
            snprintf(path, sizeof path, "/v1/%u", (unsigned)ug_rand_below(4));
            logs_line(&l, path, &v1);
            snprintf(path, sizeof path, "/v1/%u/edit", (unsigned)ug_rand_below(4));
            logs_line(&l, path, &edit); /* v1 star does not match two segments */
            snprintf(path, sizeof path, "/v2/%u", (unsigned)ug_rand_below(4));
            logs_line(&l, path, &other);
        }
        assert_int_equal(3 * n, tune_ingest(t, l.buf, l.len));
        logs_free(&l);
    }
    logs_check_stat(t, "/v1/*", v1);
    logs_check_stat(t, "/v1/*/edit", edit);
    logs_check_stat(t, "other", other);
    tune_stat_t none;
    assert_int_equal(-ENOENT, tune_stat(t, "/v2/0", &none));
    tune_close(t);
}

/* New patterns classify the next lines, even of paths seen before; what
 * was aggregated under the old patterns stays. */
static void test_new_patterns_classify_the_next_lines_and_keep_the_old_totals(void **state)
{
    (void)state;
    tune_t *t;
    assert_int_equal(0, tune_open(&t));
    const char *const before[] = {"/blog/*", "/shop/*"}, *const after[] = {"/shop/cart", "/shop/*"};
    assert_int_equal(0, tune_set_routes(t, before, 2));
    tune_stat_t shop = {0}, cart = {0};
    logs_t l;
    logs_init(&l);
    int n = 5 + (int)ug_rand_below(10);
    for (int k = 0; k < n; k++)
        logs_line(&l, "/shop/cart", &shop);
    tune_ingest(t, l.buf, l.len);
    char route[TUNE_MAX_ROUTE];
    assert_int_equal(0, tune_route(t, "/shop/cart", route, sizeof route));
    assert_string_equal("/shop/*", route);
    l.len = 0;
    n = 5 + (int)ug_rand_below(10);
    for (int k = 0; k < n; k++)
        logs_line(&l, "/shop/cart", &cart);
    assert_int_equal(0, tune_set_routes(t, after, 2));
    tune_ingest(t, l.buf, l.len);
    assert_int_equal(0, tune_route(t, "/shop/cart", route, sizeof route));
    assert_string_equal("/shop/cart", route);
    logs_check_stat(t, "/shop/*", shop);
    logs_check_stat(t, "/shop/cart", cart);
    /* No patterns at all: the route is the path again. */
    assert_int_equal(0, tune_set_routes(t, NULL, 0));
    assert_int_equal(0, tune_route(t, "/shop/cart", route, sizeof route));
    assert_string_equal("/shop/cart", route);
    logs_free(&l);
    tune_close(t);
}

/* A pattern not starting with '/' is refused and the old patterns stay. */
static void test_an_invalid_pattern_is_refused_and_the_old_patterns_stay(void **state)
{
    (void)state;
    tune_t *t;
    assert_int_equal(0, tune_open(&t));
    const char *const good[] = {"/a/*"}, *const bad[] = {"/b/*", "c/*"};
    assert_int_equal(0, tune_set_routes(t, good, 1));
    assert_int_equal(-EINVAL, tune_set_routes(t, bad, 2));
    char path[32], route[TUNE_MAX_ROUTE];
    snprintf(path, sizeof path, "/a/%u", (unsigned)ug_rand_below(1000));
    assert_int_equal(0, tune_route(t, path, route, sizeof route));
    assert_string_equal("/a/*", route);
    snprintf(path, sizeof path, "/b/%u", (unsigned)ug_rand_below(1000));
    assert_int_equal(0, tune_route(t, path, route, sizeof route));
    assert_string_equal("other", route);
    logs_t l;
    logs_init(&l);
    tune_stat_t a = {0};
    int n = 1 + (int)ug_rand_below(20);
    for (int k = 0; k < n; k++)
        logs_line(&l, "/a/x", &a);
    assert_int_equal(n, tune_ingest(t, l.buf, l.len));
    logs_check_stat(t, "/a/*", a);
    logs_free(&l);
    tune_close(t);
}

UG_TEST_GROUP(
    tune_routes, NULL, NULL,
    cmocka_unit_test(test_first_matching_pattern_names_the_route_and_unmatched_paths_are_other),
    cmocka_unit_test(test_lines_aggregate_under_their_route_in_every_batch),
    cmocka_unit_test(test_new_patterns_classify_the_next_lines_and_keep_the_old_totals),
    cmocka_unit_test(test_an_invalid_pattern_is_refused_and_the_old_patterns_stay));
