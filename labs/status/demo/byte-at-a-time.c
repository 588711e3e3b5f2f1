/*
 * byte-at-a-time.c — one request fed a byte per call, as a slow client or
 * a tiny TCP segment delivers it, beside the same bytes in one piece.
 *
 * An incremental parser keeps every bit of its progress in the parser, so
 * the place a piece ends never matters: the byte-at-a-time run reports
 * ST_MORE up to the last byte, then ST_DONE with the same head, and the
 * chunked body arrives in as many callbacks as there were pieces.
 *
 * Interface: main → run(one piece) → run(a byte per call) → the heads.
 */
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "status.h"

static const char req[] = "POST /upload?id=7 HTTP/1.1\r\n"
                          "Host: example.com\r\n"
                          "Transfer-Encoding: chunked\r\n"
                          "\r\n"
                          "5;note=\"first\"\r\nhello\r\n"
                          "6\r\n world\r\n"
                          "0\r\n"
                          "Checksum: 42\r\n"
                          "\r\n";

typedef struct seen {
    char body[64];
    size_t len;
    unsigned calls;
} seen_t;

static void on_body(void *ud, const char *data, size_t len)
{
    seen_t *s = ud;
    if (s->len + len < sizeof s->body)
        memcpy(s->body + s->len, data, len);
    s->len += len;
    s->calls++;
}

static int run(demo_t *d, size_t piece)
{
    seen_t s = {0};
    st_config_t cfg = {.on_body = on_body, .ud = &s};
    st_parser_t *p = NULL;
    if (!demo_ok(d, st_parser_new(&cfg, &p), "st_parser_new"))
        return -1;
    size_t n = sizeof req - 1, off = 0, calls = 0, more = 0;
    st_state_t st = ST_MORE;
    while (off < n && st == ST_MORE) {
        size_t k = piece < n - off ? piece : n - off;
        st = st_feed(p, req + off, k, NULL);
        off += k, calls++;
        more += st == ST_MORE;
    }
    st_head_t h;
    int rc = st_head(p, &h);
    if (demo_ok(d, rc, "st_head")) {
        printf("  %zu call(s) of st_feed, %zu answered ST_MORE, the last %s\n", calls, more,
               st == ST_DONE ? "ST_DONE" : "not ST_DONE");
        printf("  head: %s %s HTTP/1.%d, %zu field(s), framing %s\n", h.method, h.target, h.version,
               h.nfields, h.framing == ST_BODY_CHUNKED ? "chunked" : "other");
        printf("  body: \"%.*s\" in %u callback(s); status %d\n", (int)s.len, s.body, s.calls,
               st_status(p, 0));
    }
    st_parser_free(p);
    return rc;
}

int main(int argc, char **argv)
{
    demo_t d;
    static const demo_spec_t spec = {.name = "status byte-at-a-time",
                                     .about = "a request fed a byte per call"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "The same %zu bytes, in one piece and a byte per call", sizeof req - 1);
    demo_step(&d, "one piece");
    if (run(&d, sizeof req) == 0) {
        demo_step(&d, "one byte per call");
        run(&d, 1);
    }
    return demo_end(&d);
}
