/*
 * st_bench.c — parse throughput: whole requests, head and body, through
 * st_feed in one piece, parser reset between requests as on a keep-alive
 * connection. Three shapes: a small GET, a browser's GET with a dozen
 * fields, a chunked POST.
 *
 * Interface: bench_parse(b, request) behind each Benchmark.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <undergo/bench.h>

#include "status.h"

UG_BENCH_COUNT_ALLOCS();

static const char small[] = "GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n";

static const char browser[] =
    "GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n"
    "Host: www.kittyhell.com\r\n"
    "User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) "
    "Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    "Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n"
    "Accept-Encoding: gzip,deflate\r\n"
    "Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n"
    "Keep-Alive: 115\r\n"
    "Connection: keep-alive\r\n"
    "Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; "
    "__utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; "
    "__utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|"
    "utmcct=/reader/|utmcmd=referral\r\n"
    "\r\n";

static const char chunked[] = "POST /upload HTTP/1.1\r\n"
                              "Host: example.com\r\n"
                              "Content-Type: application/octet-stream\r\n"
                              "Transfer-Encoding: chunked\r\n"
                              "\r\n"
                              "20\r\n0123456789abcdef0123456789abcdef\r\n"
                              "10;ext=1\r\n0123456789abcdef\r\n"
                              "0\r\n\r\n";

static void bench_parse(ug_bench_t *b, const char *req, size_t len)
{
    st_parser_t *p = NULL;
    if (st_parser_new(NULL, &p) < 0) {
        fprintf(stderr, "st_parser_new failed\n");
        exit(1);
    }
    ug_bench_set_bytes(b, len);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        size_t used = 0;
        if (st_feed(p, req, len, &used) != ST_DONE || used != len) {
            fprintf(stderr, "the request did not parse (status %d)\n", st_status(p, 0));
            exit(1);
        }
        ug_bench_keep(used);
        st_parser_reset(p);
    }
    st_parser_free(p);
}

UG_BENCH(BenchmarkParseSmall)
{
    bench_parse(b, small, sizeof small - 1);
}

UG_BENCH(BenchmarkParseBrowser)
{
    bench_parse(b, browser, sizeof browser - 1);
}

UG_BENCH(BenchmarkParseChunked)
{
    bench_parse(b, chunked, sizeof chunked - 1);
}
