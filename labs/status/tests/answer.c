/*
 * answer.c — the status of a complete request is the handler's outcome;
 * keep-alive follows the version and Connection; the reason phrases.
 */
#include <errno.h>
#include <stdlib.h>

#include <undergo/labtest.h>

#include "status.h"
#include "vectors.h"

static st_parser_t *done(const char *req)
{
    st_state_t st;
    size_t took;
    return st_t_feed(NULL, req, strlen(req), 0, &st, &took);
}

static void test_handler_outcome_is_200_its_status_or_500(void **state)
{
    (void)state;
    st_parser_t *p = done("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_non_null(p);
    int code = 100 + (int)ug_rand_below(500), err = 1 + (int)ug_rand_below(130);
    assert_int_equal(200, st_status(p, 0));
    assert_int_equal(code, st_status(p, code));
    assert_int_equal(500, st_status(p, -err));
    assert_int_equal(500, st_status(p, 600 + code));
    assert_int_equal(500, st_status(p, (int)ug_rand_below(99) + 1));
    st_parser_free(p);
    /* A parse failure's status does not depend on the handler. */
    p = done("GET / HTTP/2.0\r\n\r\n");
    assert_non_null(p);
    assert_int_equal(505, st_status(p, code));
    st_parser_free(p);
}

static void test_keep_alive_follows_the_version_and_connection_options(void **state)
{
    (void)state;
    static const char *const conn[] = {"", "Connection: close\r\n", "Connection: keep-alive\r\n",
                                       "Connection: Keep-Alive, Close\r\n",
                                       "Connection: upgrade, keep-alive\r\n"};
    /* HTTP/1.0: only keep-alive without close; HTTP/1.1: unless close. */
    static const char answers[] = "cckckkckck";
    char got[64] = "", want[64] = "";
    size_t first = ug_rand_below(10);
    unsigned id = (unsigned)ug_rand_below(1000000);
    snprintf(got, sizeof got, "%u:", id);
    snprintf(want, sizeof want, "%u:", id);
    for (size_t k = 0; k < 10; k++) {
        size_t i = (first + k) % 10;
        char req[128];
        snprintf(req, sizeof req, "GET /%u HTTP/1.%d\r\nHost: a\r\n%s\r\n", id, (int)(i / 5),
                 conn[i % 5]);
        st_parser_t *p = done(req);
        st_head_t h = {0};
        bool ok = p && st_head(p, &h) == 0 && h.target_len > 1 &&
                  (unsigned)strtoul(h.target + 1, NULL, 10) == id;
        got[strlen(got)] = ok && st_keep_alive(p) ? 'k' : 'c';
        want[strlen(want)] = answers[i];
        st_parser_free(p);
    }
    assert_string_equal(want, got);
    st_parser_t *p = NULL;
    assert_int_equal(0, st_parser_new(NULL, &p));
    st_feed(p, "GET / HTTP/1.1\r\n", 16, NULL);
    assert_false(st_keep_alive(p));
    st_parser_free(p);
}

static void test_reason_phrases_are_rfc_9110s(void **state)
{
    (void)state;
    int codes[] = {200, 400, 413, 414, 431, 500, 501, 505, 0};
    codes[8] = 600 + (int)ug_rand_below(9000);
    char got[256] = "";
    size_t first = ug_rand_below(9);
    for (size_t k = 0; k < 9; k++) {
        size_t i = (first + k) % 9;
        snprintf(got + strlen(got), sizeof got - strlen(got), "%d %s;", codes[i],
                 st_reason(codes[i]));
    }
    char want[256] = "";
    static const char *const phrases[] = {"OK",
                                          "Bad Request",
                                          "Content Too Large",
                                          "URI Too Long",
                                          "Request Header Fields Too Large",
                                          "Internal Server Error",
                                          "Not Implemented",
                                          "HTTP Version Not Supported",
                                          ""};
    for (size_t k = 0; k < 9; k++) {
        size_t i = (first + k) % 9;
        snprintf(want + strlen(want), sizeof want - strlen(want), "%d %s;", codes[i], phrases[i]);
    }
    assert_string_equal(want, got);
}

UG_TEST_GROUP(status_answer, NULL, NULL,
              cmocka_unit_test(test_handler_outcome_is_200_its_status_or_500),
              cmocka_unit_test(test_keep_alive_follows_the_version_and_connection_options),
              cmocka_unit_test(test_reason_phrases_are_rfc_9110s));
