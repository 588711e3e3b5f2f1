/*
 * more.c — vectors left out of the handout (the corners of the same
 * rules), every proper prefix of a valid request, and a request split at
 * every point.
 */
#include <undergo/labtest.h>

#include "status.h"
#include "../vectors.h"

#define H "Host: a\r\n"
#define CHUNKED "Transfer-Encoding: chunked\r\n"
#define X10 "xxxxxxxxxx"

static const st_vec_t hidden[] = {
    ST_V("query-with-slash-and-question", "GET /?a=/b?c HTTP/1.1\r\n" H "\r\n", 200),
    ST_V("absolute-ipv6", "GET http://[::1]:8080/ HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", 200),
    ST_V("absolute-without-path", "GET http://a.ex HTTP/1.1\r\nHost: a.ex\r\n\r\n", 200),
    ST_V("absolute-port-only", "GET http://:80/ HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("scheme-uppercase", "GET HTTP://A.EX/ HTTP/1.1\r\nHost: A.EX\r\n\r\n", 200),
    ST_V("connect-ipv6", "CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\n\r\n", 200),
    ST_V("connect-with-path", "CONNECT a:443/x HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("asterisk-and-more", "OPTIONS *x HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("host-unclosed-ipv6", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400),
    ST_V("host-bad-port", "GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", 400),
    ST_V("host-empty-port", "GET / HTTP/1.1\r\nHost: a:\r\n\r\n", 200),
    ST_V("host-short-pct", "GET / HTTP/1.1\r\nHost: a%4\r\n\r\n", 400),
    ST_V("hosts-in-two-cases", "GET / HTTP/1.1\r\nhost: a\r\nHOST: a\r\n\r\n", 400),
    ST_V("length-leading-zeros", "POST / HTTP/1.1\r\n" H "Content-Length: 00005\r\n\r\nhello", 200),
    ST_V("length-with-ows", "POST / HTTP/1.1\r\n" H "Content-Length:  5 \r\n\r\nhello", 200),
    ST_V("te-with-length-zero", "POST / HTTP/1.1\r\n" H CHUNKED "Content-Length: 0\r\n\r\n", 400),
    ST_V("te-lines-chunked-first",
         "POST / HTTP/1.1\r\n" H CHUNKED "Transfer-Encoding: gzip\r\n\r\n", 400),
    ST_V("te-lines-gzip-first",
         "POST / HTTP/1.1\r\n" H "Transfer-Encoding: gzip\r\n" CHUNKED "\r\n", 501),
    ST_V("te-empty-elements",
         "POST / HTTP/1.1\r\n" H "Transfer-Encoding: ,chunked,\r\n\r\n0\r\n\r\n", 200),
    ST_V("te-with-parameter", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked;q=1\r\n\r\n",
         400),
    ST_V("te-quoted", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: \"chunked\"\r\n\r\n", 400),
    ST_V("chunk-bws-before-ext", "POST / HTTP/1.1\r\n" H CHUNKED "\r\n5 ;a\r\nhello\r\n0\r\n\r\n",
         200),
    ST_V("chunk-ext-control", "POST / HTTP/1.1\r\n" H CHUNKED "\r\n5;a=\"\x01\"\r\n", 400),
    ST_V("last-chunk-ext", "POST / HTTP/1.1\r\n" H CHUNKED "\r\n0;x=y\r\n\r\n", 200),
    ST_V("trailer-obs-fold", "POST / HTTP/1.1\r\n" H CHUNKED "\r\n0\r\nA: 1\r\n b\r\n\r\n", 400),
    ST_VE("trailer-cut-short", "POST / HTTP/1.1\r\n" H CHUNKED "\r\n0\r\nA: 1\r\n", 400),
    ST_VE("only-empty-lines", "\r\n\r\n", 0),
    ST_V("leading-bare-lf", "\nGET / HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("leading-cr-cr", "\r\rGET / HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("slash-in-method", "GE/T / HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("space-after-version", "GET / HTTP/1.1 \r\n" H "\r\n", 400),
    ST_V("del-in-value", "GET / HTTP/1.1\r\n" H "X: a\x7f\r\n\r\n", 400),
    ST_V("empty-value", "GET / HTTP/1.1\r\n" H "X:\r\n\r\n", 200),
    ST_V("target-at-limit", "GET /" X10 X10 X10 "x HTTP/1.1\r\n" H "\r\n", 200),
    ST_V("chunks-sum-over-limit",
         "POST / HTTP/1.1\r\n" H CHUNKED "\r\n32\r\n" X10 X10 X10 X10 X10 "\r\n33\r\n", 413),
    ST_V("http2-bare-lf", "GET / HTTP/2.0\n" H "\r\n", 400),
    ST_V("trailer-too-many-fields",
         "POST / HTTP/1.1\r\n" H CHUNKED
         "\r\n0\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\nF: 1\r\nG: 1\r\n\r\n",
         431),
    ST_V("te-unknown-only", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: gzip\r\n\r\n", 400),
};

#define N (sizeof hidden / sizeof hidden[0])

static void test_hidden_vectors_earn_their_status_whole_and_byte_at_a_time(void **state)
{
    (void)state;
    st_vec_check_table(hidden, N, ST_WHOLE);
    st_vec_check_table(hidden, N, ST_BYTES);
}

/* No proper prefix of a valid request is done or an error; at eof each is
 * "no answer" until the head is complete. */
static void test_every_proper_prefix_of_a_valid_request_is_incomplete(void **state)
{
    (void)state;
    char req[256];
    unsigned port = (unsigned)ug_rand_below(65536);
    int n = snprintf(req, sizeof req,
                     "\r\nPOST http://h.ex:%u/p%%41?q HTTP/1.1\r\nHost: h.ex\r\n"
                     "Transfer-Encoding: chunked\r\nX:  v \r\n\r\n%x;e=\"q\"\r\n",
                     port, 1 + (unsigned)ug_rand_below(15));
    unsigned early = 0, answered = 0;
    for (int len = 1; len < n; len++) {
        st_state_t st;
        size_t took;
        st_parser_t *p = st_t_feed(NULL, req, (size_t)len, 1 + (size_t)len % 3, &st, &took);
        early += st != ST_MORE;
        st_head_t h;
        bool whole = p && st_head(p, &h) == 0;
        if (p)
            st_eof(p);
        answered += p && st_status(p, 0) != (whole ? 400 : 0);
        st_parser_free(p);
    }
    st_check_at(port, 0, early);
    st_check_at(port, 0, answered);
}

UG_TEST_GROUP(status_hidden, NULL, NULL,
              cmocka_unit_test(test_hidden_vectors_earn_their_status_whole_and_byte_at_a_time),
              cmocka_unit_test(test_every_proper_prefix_of_a_valid_request_is_incomplete));
