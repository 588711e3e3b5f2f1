/*
 * limits.c — each limit at its edge, drawn from the seed: exactly the
 * limit parses, one byte (or one line) more earns that limit's status:
 * 414 for the target, 431 for a field line, the number of fields and the
 * whole head, 413 for a body, before any body byte arrives.
 */
#include <undergo/labtest.h>

#include "status.h"
#include "vectors.h"

/* A request with a target of tlen bytes ("/xxxx") and one field line "X: "
 * plus vlen bytes, into buf. */
static size_t make(char *buf, size_t cap, size_t tlen, size_t vlen)
{
    size_t n = (size_t)snprintf(buf, cap, "GET /");
    for (size_t i = 1; i < tlen; i++)
        buf[n++] = 'a' + (char)(i % 26);
    n += (size_t)snprintf(buf + n, cap - n, " HTTP/1.1\r\nHost: a\r\nX: ");
    for (size_t i = 0; i < vlen; i++)
        buf[n++] = 'v';
    n += (size_t)snprintf(buf + n, cap - n, "\r\n\r\n");
    return n;
}

static void test_target_of_exactly_the_limit_parses_and_one_more_byte_is_414(void **state)
{
    (void)state;
    size_t lim = 8 + ug_rand_below(200), piece = ug_rand_below(3);
    st_config_t cfg = {.limits = {.max_target = lim}};
    char buf[1024];
    st_check_at(lim, 200, st_t_status(&cfg, buf, make(buf, sizeof buf, lim, 1), piece));
    st_check_at(lim, 414, st_t_status(&cfg, buf, make(buf, sizeof buf, lim + 1, 1), piece));
    st_check_at(lim, 414, st_t_status(&cfg, buf, make(buf, sizeof buf, lim + 9, 1), piece));
}

static void test_field_line_of_exactly_the_limit_parses_and_one_more_byte_is_431(void **state)
{
    (void)state;
    size_t lim = 10 + ug_rand_below(200), piece = ug_rand_below(3);
    st_config_t cfg = {.limits = {.max_field = lim}};
    char buf[1024];
    /* "X: " is three bytes of the line. */
    st_check_at(lim, 200, st_t_status(&cfg, buf, make(buf, sizeof buf, 1, lim - 3), piece));
    st_check_at(lim, 431, st_t_status(&cfg, buf, make(buf, sizeof buf, 1, lim - 2), piece));
}

static void test_one_field_line_too_many_is_431(void **state)
{
    (void)state;
    size_t lim = 2 + ug_rand_below(20);
    st_config_t cfg = {.limits = {.max_fields = lim}};
    char buf[1024];
    int results[2];
    for (size_t extra = 0; extra < 2; extra++) {
        size_t n = (size_t)snprintf(buf, sizeof buf, "GET / HTTP/1.1\r\nHost: a\r\n");
        for (size_t i = 1; i < lim + extra; i++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "F%zu: %zu\r\n", i, i);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "\r\n");
        results[extra] = st_t_status(&cfg, buf, n, 1 + ug_rand_below(5));
    }
    st_check_at(lim, 200, results[0]);
    st_check_at(lim, 431, results[1]);
}

/* The head's budget counts every byte up to the final empty line's LF. */
static void test_head_of_exactly_the_budget_parses_and_one_more_byte_is_431(void **state)
{
    (void)state;
    char buf[1024];
    size_t vlen = 1 + ug_rand_below(300), n = make(buf, sizeof buf, 1, vlen);
    st_config_t at = {.limits = {.max_head = n}}, under = {.limits = {.max_head = n - 1}};
    size_t piece = ug_rand_below(3);
    st_check_at(n, 200, st_t_status(&at, buf, n, piece));
    st_check_at(n, 431, st_t_status(&under, buf, n, piece));
    /* Empty lines before the request line count too. */
    char lead[1030] = "\r\n";
    memcpy(lead + 2, buf, n);
    st_check_at(n, 431, st_t_status(&at, lead, n + 2, piece));
}

static void test_content_length_over_the_body_limit_is_413_before_any_body_byte(void **state)
{
    (void)state;
    uint64_t lim = 1 + ug_rand_below(1000);
    st_config_t cfg = {.limits = {.max_body = lim}};
    char buf[256];
    int n = snprintf(buf, sizeof buf, "PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: %llu\r\n\r\n",
                     (unsigned long long)lim + 1);
    st_state_t st;
    size_t took;
    st_parser_t *p = st_t_feed(&cfg, buf, (size_t)n, 0, &st, &took);
    assert_non_null(p);
    assert_int_equal(ST_ERROR, st);
    st_check_at(lim, 413, st_status(p, 0));
    st_parser_free(p);
    n = snprintf(buf, sizeof buf, "PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: %llu\r\n\r\n",
                 (unsigned long long)lim);
    p = st_t_feed(&cfg, buf, (size_t)n, 0, &st, &took);
    assert_non_null(p);
    st_check_at(lim, ST_MORE, st);
    st_parser_free(p);
}

/* Zero limits are the defaults of status.h. */
static void test_default_limits_apply_when_zero(void **state)
{
    (void)state;
    static char buf[ST_DEFAULT_MAX_TARGET + 64];
    size_t piece = 64 + ug_rand_below(4096);
    st_check_at(piece, 200,
                st_t_status(NULL, buf, make(buf, sizeof buf, ST_DEFAULT_MAX_TARGET, 1), piece));
    st_check_at(piece, 414,
                st_t_status(NULL, buf, make(buf, sizeof buf, ST_DEFAULT_MAX_TARGET + 1, 1), piece));
    st_check_at(piece, 431,
                st_t_status(NULL, buf, make(buf, sizeof buf, 1, ST_DEFAULT_MAX_FIELD - 2), piece));
}

UG_TEST_GROUP(
    status_limits, NULL, NULL,
    cmocka_unit_test(test_target_of_exactly_the_limit_parses_and_one_more_byte_is_414),
    cmocka_unit_test(test_field_line_of_exactly_the_limit_parses_and_one_more_byte_is_431),
    cmocka_unit_test(test_one_field_line_too_many_is_431),
    cmocka_unit_test(test_head_of_exactly_the_budget_parses_and_one_more_byte_is_431),
    cmocka_unit_test(test_content_length_over_the_body_limit_is_413_before_any_body_byte),
    cmocka_unit_test(test_default_limits_apply_when_zero));
