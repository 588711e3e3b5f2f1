/*
 * vectors.c — the table of request vectors and the status each earns,
 * fed in one piece, one byte at a time and in seeded pieces: an
 * incremental parser must give the same answer however the bytes arrive.
 *
 * The table walks the handout's rules: the request-target's forms, the
 * version, field syntax where smuggling lives (whitespace before the colon,
 * obs-fold, bare CR and LF), Host, Content-Length and Transfer-Encoding,
 * chunked framing, the limits (414, 431, 413), codings we do not implement
 * (501), versions we do not speak (505) and connections that end early.
 */
#include <undergo/labtest.h>

#include "status.h"
#include "vectors.h"

#define H "Host: a\r\n"
#define CHUNKED "Transfer-Encoding: chunked\r\n"
#define X10 "xxxxxxxxxx"

static const st_vec_t table[] = {
    /* good requests */
    ST_V("get", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", 200),
    ST_V("http10-without-host", "GET / HTTP/1.0\r\n\r\n", 200),
    ST_V("empty-lines-before", "\r\n\r\nGET / HTTP/1.1\r\n" H "\r\n", 200),
    ST_V("query-and-pct", "GET /a/b?x=1&y=%20 HTTP/1.1\r\n" H "\r\n", 200),
    ST_V("absolute-form", "GET http://a.ex:8080/p?q HTTP/1.1\r\nHost: a.ex:8080\r\n\r\n", 200),
    ST_V("asterisk-options", "OPTIONS * HTTP/1.1\r\n" H "\r\n", 200),
    ST_V("connect-authority", "CONNECT a.ex:443 HTTP/1.1\r\nHost: a.ex:443\r\n\r\n", 200),
    ST_V("content-length", "POST /f HTTP/1.1\r\n" H "Content-Length: 5\r\n\r\nhello", 200),
    ST_V("chunked", "POST /f HTTP/1.1\r\n" H CHUNKED "\r\n5\r\nhello\r\n0\r\n\r\n", 200),
    ST_V("chunk-ext-and-trailer",
         "POST /f HTTP/1.1\r\n" H CHUNKED "\r\n3;n=\"v\\\"x\";f\r\nabc\r\n0\r\nX-T: 1\r\n\r\n",
         200),
    ST_V("empty-host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", 200),
    ST_V("ipv6-host", "GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n", 200),
    ST_V("obs-text-value", "GET / HTTP/1.1\r\n" H "X: caf\xc3\xa9\r\n\r\n", 200),
    ST_V("htab-ows", "GET / HTTP/1.1\r\nHost:\ta\t\r\n\r\n", 200),
    ST_V("same-length-twice",
         "PUT / HTTP/1.1\r\n" H "Content-Length: 1\r\nContent-Length: 1\r\n\r\nx", 200),
    ST_V("http12-is-1x", "GET / HTTP/1.2\r\n" H "\r\n", 200),
    ST_V("chunked-any-case", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: Chunked\r\n\r\n0\r\n\r\n",
         200),
    ST_V("length-zero", "POST / HTTP/1.1\r\n" H "Content-Length: 0\r\n\r\n", 200),
    ST_V("unknown-method", "BREW /pot HTTP/1.1\r\n" H "\r\n", 200),
    ST_V("connection-list", "GET / HTTP/1.1\r\n" H "Connection: , keep-alive , close\r\n\r\n", 200),
    ST_V("pct-in-host", "GET / HTTP/1.1\r\nHost: a%41b\r\n\r\n", 200),

    /* 400: field syntax */
    ST_V("space-before-colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
    ST_V("obs-fold", "GET / HTTP/1.1\r\n" H "X: b\r\n c\r\n\r\n", 400),
    ST_V("bare-lf-field", "GET / HTTP/1.1\r\nHost: a\n\r\n", 400),
    ST_V("bare-lf-request-line", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400),
    ST_V("bare-cr-in-value", "GET / HTTP/1.1\r\n" H "X: a\rb\r\n\r\n", 400),
    ST_V("nul-in-value", "GET / HTTP/1.1\r\n" H "X: a\0b\r\n\r\n", 400),
    ST_V("non-token-name", "GET / HTTP/1.1\r\n" H "X@Y: 1\r\n\r\n", 400),
    ST_V("empty-name", "GET / HTTP/1.1\r\n" H ": x\r\n\r\n", 400),
    ST_V("space-before-first-field", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400),
    /* 400: Host */
    ST_V("no-host", "GET / HTTP/1.1\r\n\r\n", 400),
    ST_V("two-hosts", "GET / HTTP/1.1\r\n" H "Host: b\r\n\r\n", 400),
    ST_V("host-with-space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
    ST_V("host-with-slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
    /* 400: framing */
    ST_V("length-not-a-number", "POST / HTTP/1.1\r\n" H "Content-Length: 5a\r\n\r\n", 400),
    ST_V("length-with-sign", "POST / HTTP/1.1\r\n" H "Content-Length: +5\r\n\r\n", 400),
    ST_V("length-list", "POST / HTTP/1.1\r\n" H "Content-Length: 5, 5\r\n\r\n", 400),
    ST_V("lengths-disagree",
         "POST / HTTP/1.1\r\n" H "Content-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
    ST_V("length-empty", "POST / HTTP/1.1\r\n" H "Content-Length: \r\n\r\n", 400),
    ST_V("length-overflow", "POST / HTTP/1.1\r\n" H "Content-Length: 99999999999999999999\r\n\r\n",
         400),
    ST_V("te-and-length", "POST / HTTP/1.1\r\n" H CHUNKED "Content-Length: 5\r\n\r\n", 400),
    ST_V("chunked-not-last", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked, gzip\r\n\r\n",
         400),
    ST_V("chunked-twice", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked, chunked\r\n\r\n",
         400),
    ST_V("te-in-http10", "POST / HTTP/1.0\r\n" CHUNKED "\r\n", 400),
    ST_V("chunk-size-not-hex", "POST / HTTP/1.1\r\n" H CHUNKED "\r\nzz\r\n", 400),
    ST_V("chunk-data-too-long", "POST / HTTP/1.1\r\n" H CHUNKED "\r\n5\r\nhelloX", 400),
    ST_V("chunk-size-bare-lf", "POST / HTTP/1.1\r\n" H CHUNKED "\r\n5\nhello", 400),
    ST_V("chunk-size-trailing-space", "POST / HTTP/1.1\r\n" H CHUNKED "\r\n5 \r\n", 400),
    /* 400: the request line */
    ST_V("version-junk", "GET / HTTP/1.1x\r\n" H "\r\n", 400),
    ST_V("version-lowercase", "GET / http/1.1\r\n" H "\r\n", 400),
    ST_V("version-no-dot", "GET / HTTP/11\r\n" H "\r\n", 400),
    ST_V("two-spaces", "GET  / HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("no-method", " / HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("control-in-target", "GET /a\x01 HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("fragment-in-target", "GET /a#b HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("bad-pct", "GET /a%zz HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("asterisk-with-get", "GET * HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("connect-without-port", "CONNECT a.ex HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("connect-origin-form", "CONNECT / HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("absolute-without-slashes", "GET http:a HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("absolute-empty-host", "GET http:///p HTTP/1.1\r\n" H "\r\n", 400),
    ST_V("no-version", "GET /\r\n\r\n", 400),

    /* limits */
    ST_V("length-over-body-limit", "POST / HTTP/1.1\r\n" H "Content-Length: 101\r\n\r\n", 413),
    ST_V("chunk-over-body-limit", "POST / HTTP/1.1\r\n" H CHUNKED "\r\n65\r\n", 413),
    ST_V("huge-chunk-size", "POST / HTTP/1.1\r\n" H CHUNKED "\r\nffffffffffffffffffff", 413),
    ST_V("target-over-limit", "GET /" X10 X10 X10 "xx HTTP/1.1\r\n" H "\r\n", 414),
    ST_V("absolute-over-limit", "GET http://a/" X10 X10 X10 " HTTP/1.1\r\n" H "\r\n", 414),
    ST_V("field-over-limit", "GET / HTTP/1.1\r\n" H "X: " X10 X10 X10 X10 X10 X10 "xx\r\n\r\n",
         431),
    ST_V("too-many-fields",
         "GET / HTTP/1.1\r\n" H "A: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\nF: 1\r\n\r\n", 431),
    ST_V("head-over-budget",
         "GET / HTTP/1.1\r\n" H "A: " X10 X10 X10 X10 X10 "\r\nB: " X10 X10 X10 X10 X10
         "\r\nC: " X10 X10 X10 X10 X10 "\r\nD: " X10 X10 X10 X10 X10 "\r\nE: " X10 X10 X10 X10 X10
         "\r\n\r\n",
         431),

    /* 501 and 505 */
    ST_V("gzip-then-chunked", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: gzip, chunked\r\n\r\n",
         501),
    ST_V("identity-then-chunked",
         "POST / HTTP/1.1\r\n" H "Transfer-Encoding: identity, chunked\r\n\r\n", 501),
    ST_V("http2", "GET / HTTP/2.0\r\n" H "\r\n", 505),
    ST_V("http09", "GET / HTTP/0.9\r\n" H "\r\n", 505),
    ST_V("http31", "GET / HTTP/3.1\r\n" H "\r\n", 505),

    /* the connection ends */
    ST_VE("head-cut-short", "GET / HTTP/1.1\r\n" H, 0),
    ST_VE("method-cut-short", "GE", 0),
    ST_VE("body-cut-short", "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\n\r\nhel", 400),
    ST_VE("chunks-cut-short", "POST / HTTP/1.1\r\n" H CHUNKED "\r\n5\r\nhello\r\n", 400),
};

#define N (sizeof table / sizeof table[0])

static void test_every_vector_earns_its_status_fed_in_one_piece(void **state)
{
    (void)state;
    st_vec_check_table(table, N, ST_WHOLE);
}

static void test_every_vector_earns_the_same_status_fed_one_byte_at_a_time(void **state)
{
    (void)state;
    st_vec_check_table(table, N, ST_BYTES);
}

static void test_every_vector_earns_the_same_status_fed_in_seeded_pieces(void **state)
{
    (void)state;
    st_vec_check_table(table, N, ST_PIECES);
}

UG_TEST_GROUP(status_vectors, NULL, NULL,
              cmocka_unit_test(test_every_vector_earns_its_status_fed_in_one_piece),
              cmocka_unit_test(test_every_vector_earns_the_same_status_fed_one_byte_at_a_time),
              cmocka_unit_test(test_every_vector_earns_the_same_status_fed_in_seeded_pieces));
