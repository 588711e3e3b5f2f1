/*
 * st_requests.h — the requests the parse benchmarks time: the lab's own
 * (bench/st_bench.c) and the anchor against http-parser
 * (benchmarks/status), one copy so that both always measure the same bytes.
 */
#ifndef ST_REQUESTS_H
#define ST_REQUESTS_H

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

#endif
