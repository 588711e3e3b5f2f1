/*
 * head.c — what st_head gives once the head is complete: the method, the
 * target as sent and its form, the version, the field lines in order with
 * their values trimmed of optional whitespace, and the framing; and when
 * it gives nothing.
 */
#include <errno.h>

#include <undergo/labtest.h>

#include "status.h"
#include "vectors.h"

/* Field names and values drawn from the seed, fed in seeded pieces. */
static void test_head_keeps_method_target_version_and_fields_in_order(void **state)
{
    (void)state;
    static const char *const names[] = {"Accept", "X-Id", "User-Agent", "Cookie", "X_y"};
    char req[512], want_fields[512] = "", got_fields[512] = "";
    unsigned nf = 1 + (unsigned)ug_rand_below(5), id = (unsigned)ug_rand_below(100000);
    int minor = (int)ug_rand_below(2);
    int n = snprintf(req, sizeof req, "PATCH /items/%u?full=1 HTTP/1.%d\r\nHost: h%u\r\n", id,
                     minor, id);
    for (unsigned i = 0; i < nf; i++) {
        unsigned v = (unsigned)ug_rand_below(1000);
        n += snprintf(req + n, sizeof req - (size_t)n, "%s: v%u\r\n", names[i], v);
        snprintf(want_fields + strlen(want_fields), sizeof want_fields - strlen(want_fields),
                 "%s=v%u;", names[i], v);
    }
    n += snprintf(req + n, sizeof req - (size_t)n, "\r\n");
    st_state_t st;
    size_t took;
    st_parser_t *p = st_t_feed(NULL, req, (size_t)n, 1 + ug_rand_below(16), &st, &took);
    assert_non_null(p);
    assert_int_equal(ST_DONE, st);
    assert_int_equal((size_t)n, took);
    st_head_t h;
    assert_int_equal(0, st_head(p, &h));
    char target[64];
    snprintf(target, sizeof target, "/items/%u?full=1", id);
    assert_string_equal("PATCH", h.method);
    assert_string_equal(target, h.target);
    assert_int_equal(strlen(target), h.target_len);
    assert_int_equal(ST_FORM_ORIGIN, h.form);
    assert_int_equal(minor, h.version);
    assert_int_equal(nf + 1, h.nfields);
    assert_string_equal("Host", h.fields[0].name);
    for (size_t i = 1; i < h.nfields && i <= nf; i++)
        snprintf(got_fields + strlen(got_fields), sizeof got_fields - strlen(got_fields),
                 "%.*s=%.*s;", (int)h.fields[i].name_len, h.fields[i].name,
                 (int)h.fields[i].value_len, h.fields[i].value);
    assert_string_equal(want_fields, got_fields);
    assert_int_equal(ST_BODY_NONE, h.framing);
    st_parser_free(p);
}

/* OWS around the value goes; whitespace inside stays; an empty value is "". */
static void test_field_values_lose_surrounding_whitespace_but_keep_inner_whitespace(void **state)
{
    (void)state;
    static const char *const ows[] = {"", " ", "\t", " \t ", "   "};
    const char *a = ows[ug_rand_below(5)], *b = ows[ug_rand_below(5)];
    unsigned id = (unsigned)ug_rand_below(1000000);
    char req[256];
    int n = snprintf(req, sizeof req,
                     "GET / HTTP/1.1\r\nHost:%sa%s\r\nX:%sone \t %u%s\r\nE:%s\r\n\r\n", a, b, a, id,
                     b, b);
    st_state_t st;
    size_t took;
    st_parser_t *p = st_t_feed(NULL, req, (size_t)n, 1 + ug_rand_below(4), &st, &took);
    assert_non_null(p);
    assert_int_equal(ST_DONE, st);
    st_head_t h;
    assert_int_equal(0, st_head(p, &h));
    assert_int_equal(3, h.nfields);
    assert_string_equal("a", h.fields[0].value);
    char inner[32];
    snprintf(inner, sizeof inner, "one \t %u", id);
    assert_string_equal(inner, h.fields[1].value);
    assert_int_equal(strlen(inner), h.fields[1].value_len);
    assert_string_equal("", h.fields[2].value);
    assert_int_equal(0, h.fields[2].value_len);
    st_parser_free(p);
}

/* The four forms, in a seeded order; the target is kept as sent. */
static void test_request_target_form_is_taken_from_its_first_byte_and_the_method(void **state)
{
    (void)state;
    static const struct {
        const char *line, *target;
        st_form_t form;
    } forms[] = {
        {"GET /a/b?c=d HTTP/1.1\r\n", "/a/b?c=d", ST_FORM_ORIGIN},
        {"GET http://Ex.com:81/x HTTP/1.1\r\n", "http://Ex.com:81/x", ST_FORM_ABSOLUTE},
        {"CONNECT ex.com:443 HTTP/1.1\r\n", "ex.com:443", ST_FORM_AUTHORITY},
        {"OPTIONS * HTTP/1.1\r\n", "*", ST_FORM_ASTERISK},
    };
    size_t first = ug_rand_below(4);
    char got[256] = "", want[256] = "";
    for (size_t k = 0; k < 4; k++) {
        size_t i = (first + k) % 4;
        char req[128];
        int n = snprintf(req, sizeof req, "%sHost: ex.com\r\n\r\n", forms[i].line);
        st_state_t st;
        size_t took;
        st_parser_t *p = st_t_feed(NULL, req, (size_t)n, 0, &st, &took);
        st_head_t h = {0};
        if (p && st_head(p, &h) == 0)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s %d;", h.target, (int)h.form);
        else
            snprintf(got + strlen(got), sizeof got - strlen(got), "none;");
        snprintf(want + strlen(want), sizeof want - strlen(want), "%s %d;", forms[i].target,
                 (int)forms[i].form);
        st_parser_free(p);
    }
    assert_string_equal(want, got);
}

/* -EAGAIN at every byte before the empty line ends; -EPROTO after a failure. */
static void test_head_is_unavailable_until_the_empty_line_and_after_a_failure(void **state)
{
    (void)state;
    char req[128], target[16];
    unsigned id = (unsigned)ug_rand_below(1000000000);
    snprintf(target, sizeof target, "/%u", id);
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: a\r\n\r\n", target);
    st_parser_t *p = NULL;
    assert_int_equal(0, st_parser_new(NULL, &p));
    st_head_t h;
    unsigned early = 0, again = 0;
    for (int i = 0; i < n - 1; i++) {
        early += st_feed(p, req + i, 1, NULL) != ST_MORE;
        again += st_head(p, &h) == -EAGAIN;
    }
    assert_int_equal(0, early);
    assert_int_equal(n - 1, again);
    assert_int_equal(-EAGAIN, st_status(p, 0));
    assert_int_equal(ST_DONE, st_feed(p, req + n - 1, 1, NULL));
    assert_int_equal(0, st_head(p, &h));
    assert_string_equal(target, h.target);

    st_parser_reset(p);
    assert_int_equal(-EAGAIN, st_head(p, &h));
    static const char bad[] = "GET / HTTP/1.1\r\nBad Name: x\r\n";
    assert_int_equal(ST_ERROR, st_feed(p, bad, sizeof bad - 1, NULL));
    assert_int_equal(-EPROTO, st_head(p, &h));
    assert_int_equal(400, st_status(p, 0));
    st_parser_free(p);
}

/* Three requests in one buffer: each ST_DONE says where the next begins. */
static void test_pipelined_requests_parse_one_after_another_after_reset(void **state)
{
    (void)state;
    unsigned a = (unsigned)ug_rand_below(1000), b = (unsigned)ug_rand_below(1000);
    char buf[512];
    int n = snprintf(buf, sizeof buf,
                     "GET /%u HTTP/1.1\r\nHost: a\r\n\r\n"
                     "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n%03u"
                     "GET /%u HTTP/1.1\r\nHost: a\r\n\r\n",
                     a, b, b);
    st_parser_t *p = NULL;
    assert_int_equal(0, st_parser_new(NULL, &p));
    char got[256] = "";
    size_t off = 0;
    for (int r = 0; r < 3; r++) {
        size_t used = 0;
        st_state_t st = st_feed(p, buf + off, (size_t)n - off, &used);
        st_head_t h = {0};
        st_head(p, &h);
        snprintf(got + strlen(got), sizeof got - strlen(got), "%d %s %zu;", (int)st,
                 h.target ? h.target : "-", used);
        off += used;
        st_parser_reset(p);
    }
    char want[256];
    int la = snprintf(NULL, 0, "GET /%u HTTP/1.1\r\nHost: a\r\n\r\n", a);
    int lb = snprintf(NULL, 0, "GET /%u HTTP/1.1\r\nHost: a\r\n\r\n", b);
    snprintf(want, sizeof want, "%d /%u %d;%d /b %d;%d /%u %d;", (int)ST_DONE, a, la, (int)ST_DONE,
             n - la - lb, (int)ST_DONE, b, lb);
    assert_string_equal(want, got);
    assert_int_equal((size_t)n, off);
    st_parser_free(p);
}

UG_TEST_GROUP(
    status_head, NULL, NULL,
    cmocka_unit_test(test_head_keeps_method_target_version_and_fields_in_order),
    cmocka_unit_test(test_field_values_lose_surrounding_whitespace_but_keep_inner_whitespace),
    cmocka_unit_test(test_request_target_form_is_taken_from_its_first_byte_and_the_method),
    cmocka_unit_test(test_head_is_unavailable_until_the_empty_line_and_after_a_failure),
    cmocka_unit_test(test_pipelined_requests_parse_one_after_another_after_reset));
