/*
 * limits.c — each limit at its edge. With small limits (a 16-byte target,
 * 32-byte field lines, a 128-byte head, 4 field lines, a 64-byte body) the
 * demo sends a request exactly at each limit and one a byte (or a line)
 * over it: the first is 200, the second earns that limit's status, at the
 * first byte over, without waiting for the rest.
 *
 * Interface: main → try(name, request) per line.
 */
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "status.h"

static const st_config_t cfg = {
    .limits = {.max_target = 16, .max_field = 32, .max_head = 128, .max_fields = 4, .max_body = 64},
};

static void try(demo_t *d, const char *name, const char *req)
{
    st_parser_t *p = NULL;
    if (!demo_ok(d, st_parser_new(&cfg, &p), "st_parser_new"))
        return;
    size_t n = strlen(req), i = 0;
    st_state_t st = ST_MORE;
    for (; i < n && st == ST_MORE; i++)
        st = st_feed(p, req + i, 1, NULL);
    if (st == ST_MORE)
        st_eof(p);
    int status = st_status(p, 0);
    if (demo_ok(d, status, "st_status"))
        printf("  %-34s %s%d %-32s%s at byte %zu of %zu\n", name,
               demo_c(d, status == 200 ? DEMO_GREEN : DEMO_RED), status, st_reason(status),
               demo_c(d, DEMO_RESET), i, n);
    st_parser_free(p);
}

int main(int argc, char **argv)
{
    demo_t d;
    static const demo_spec_t spec = {.name = "status limits", .about = "each limit at its edge"};
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Limits: target 16, field line 32, head 128, 4 fields, body 64");
    try(&d, "target of 16 bytes", "GET /abcdefghijklmno HTTP/1.1\r\nHost: a\r\n\r\n");
    try(&d, "target of 17 bytes", "GET /abcdefghijklmnop HTTP/1.1\r\nHost: a\r\n\r\n");
    try(&d, "field line of 32 bytes",
        "GET / HTTP/1.1\r\nHost: a\r\nX: 01234567890123456789012345678\r\n\r\n");
    try(&d, "field line of 33 bytes",
        "GET / HTTP/1.1\r\nHost: a\r\nX: 012345678901234567890123456789\r\n\r\n");
    try(&d, "4 field lines", "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n");
    try(&d, "5 field lines", "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n");
    try(&d, "head of 129 bytes",
        "GET / HTTP/1.1\r\nHost: a\r\nA: 01234567890123456789012345678\r\n"
        "B: 01234567890123456789012345678\r\nC: 01234567890123456789012345678\r\n\r\n");
    try(&d, "Content-Length: 64",
        "PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 64\r\n\r\n"
        "0123456789012345678901234567890123456789012345678901234567890123");
    try(&d, "Content-Length: 65", "PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 65\r\n\r\n");
    try(&d, "chunks of 40 + 25 bytes",
        "PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        "28\r\n0123456789012345678901234567890123456789\r\n19\r\n");
    demo_note(&d, "the status comes at the first byte over the limit, not at the end of the line");
    return demo_end(&d);
}
