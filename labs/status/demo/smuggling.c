/*
 * smuggling.c — the requests request smuggling is made of, and the status
 * each earns from the lab's parser.
 *
 * Smuggling needs two parsers that disagree about where a request ends: a
 * proxy that reads Content-Length and a server that reads
 * Transfer-Encoding, or one that takes "Transfer-Encoding : chunked" and
 * one that ignores it. A strict parser refuses each ambiguous head, so
 * there is nothing to disagree about. The Go original (smuggling.go) sends
 * the same bytes to a net/http server on loopback and prints its status:
 * where the two differ, the handout says which rule this lab follows.
 *
 * Interface: main → one line per request: its name, its status, the reason.
 */
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "status.h"

static const struct {
    const char *name, *req;
} reqs[] = {
    {"plain GET", "GET / HTTP/1.1\r\nHost: a\r\n\r\n"},
    {"CL.TE: both framings", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"},
    {"two Content-Lengths", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
                            "Content-Length: 2\r\n\r\nab"},
    {"Content-Length: +1", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\na"},
    {"space before the colon", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n"
                               "\r\n0\r\n\r\n"},
    {"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n  folded\r\n\r\n"},
    {"bare LF line ends", "GET / HTTP/1.1\nHost: a\n\n"},
    {"chunked, then gzip",
     "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"},
    {"gzip, then chunked",
     "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"},
    {"chunked in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
    {"no Host", "GET / HTTP/1.1\r\n\r\n"},
    {"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
    {"HTTP/2.0 on HTTP/1", "GET / HTTP/2.0\r\nHost: a\r\n\r\n"},
};

int main(int argc, char **argv)
{
    demo_t d;
    static const demo_spec_t spec = {.name = "status smuggling",
                                     .about = "ambiguous heads and their statuses"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Heads two parsers could read two ways, and the status each earns");
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        st_parser_t *p = NULL;
        if (!demo_ok(&d, st_parser_new(NULL, &p), "st_parser_new"))
            break;
        size_t len = strlen(reqs[i].req);
        if (st_feed(p, reqs[i].req, len, NULL) == ST_MORE)
            st_eof(p);
        int status = st_status(p, 0);
        st_parser_free(p);
        if (!demo_ok(&d, status, "st_status"))
            break;
        demo_color_t c = status == 200 ? DEMO_GREEN : DEMO_RED;
        printf("  %-26s %s%d %s%s\n", reqs[i].name, demo_c(&d, c), status, st_reason(status),
               demo_c(&d, DEMO_RESET));
    }
    demo_note(&d, "compare: grader demo status smuggling --go (Go's net/http on loopback)");
    return demo_end(&d);
}
