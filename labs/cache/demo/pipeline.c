/*
 * pipeline.c — pipelining: commands sent together, replies read back in
 * the same order; a reply that arrives in pieces; a server error that is
 * a value; a server that dies with replies owed.
 *
 * Four commands go out in one write, the second an LPUSH on a string:
 * its WRONGTYPE error is the second reply and the third and fourth come
 * after it as if nothing happened. Then the bytes of one reply are fed to
 * the parser in three pieces: nothing until the last. Last, a pipeline
 * whose second command blocks (BLPOP) while the server is killed: the
 * first reply arrived, the others are errors naming what happened. The Go
 * original (pipeline.go) does the same with redigo's Send/Flush/Receive.
 *
 * Interface: main → in_order → in_pieces → killed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>

#include "cache.h"

static void print_reply(const cache_reply_t *r)
{
    switch (r->type) {
    case CACHE_STATUS: printf("%s", r->str); break;
    case CACHE_ERROR: printf("(error) %s", r->str); break;
    case CACHE_INTEGER: printf("(integer) %lld", (long long)r->integer); break;
    case CACHE_STRING: printf("\"%s\"", r->str); break;
    case CACHE_NIL: printf("(nil)"); break;
    default: printf("(type %d)", (int)r->type);
    }
}

static void in_order(demo_t *d, cache_conn_t *c)
{
    demo_step(d, "Four commands in one write; the replies in order");
    const char *cmds[4][3] = {{"SET", "greeting", "hello"},
                              {"LPUSH", "greeting", "x"},
                              {"GET", "greeting", NULL},
                              {"INCR", "visits", NULL}};
    for (int i = 0; i < 4; i++)
        cache_append(c, cmds[i][2] ? 3 : 2, cmds[i], NULL);
    demo_ok(d, cache_flush(c), "cache_flush");
    for (int i = 0; i < 4; i++) {
        cache_reply_t r;
        if (!demo_ok(d, cache_read(c, &r), "cache_read"))
            return;
        printf("%-6s %-9s → %s", cmds[i][0], cmds[i][1],
               r.type == CACHE_ERROR ? demo_c(d, DEMO_YELLOW) : "");
        print_reply(&r);
        printf("%s\n", demo_c(d, DEMO_RESET));
        cache_reply_free(&r);
    }
    printf("The error is the second reply, a value: the connection goes on.\n");
}

static void in_pieces(demo_t *d)
{
    demo_step(d, "One reply in three pieces");
    static const char bytes[] = "*2\r\n$5\r\nhello\r\n:42\r\n";
    static const size_t cuts[] = {0, 6, 13, sizeof bytes - 1};
    cache_parser_t p = {0};
    for (int i = 0; i < 3; i++) {
        cache_parser_feed(&p, bytes + cuts[i], cuts[i + 1] - cuts[i]);
        cache_reply_t r;
        int rc = cache_parser_next(&p, &r);
        printf("fed %2zu bytes → %s", cuts[i + 1], rc == 0 ? "not yet\n" : "");
        if (rc == 1) {
            printf("array of %zu: \"%s\", %lld\n", r.n, r.elem[0].str,
                   (long long)r.elem[1].integer);
            cache_reply_free(&r);
        }
        demo_ok(d, rc, "cache_parser_next");
    }
    cache_parser_free(&p);
}

static void killed(demo_t *d, cache_conn_t *c, cache_server_t *srv)
{
    demo_step(d, "The server killed with replies owed");
    const char *set[] = {"SET", "a", "1"}, *block[] = {"BLPOP", "never", "0"},
               *get[] = {"GET", "a"};
    cache_append(c, 3, set, NULL);
    cache_append(c, 3, block, NULL);
    cache_append(c, 2, get, NULL);
    cache_reply_t r;
    if (demo_ok(d, cache_read(c, &r), "cache_read")) {
        printf("SET    a         → ");
        print_reply(&r);
        printf("\n");
        cache_reply_free(&r);
    }
    cache_server_kill(srv);
    printf("(redis-server killed: SIGKILL)\n");
    for (int i = 0; i < 2; i++) {
        int rc = cache_read(c, &r);
        printf("%-6s %-9s → %s%s%s\n", i ? "GET" : "BLPOP", i ? "a" : "never 0",
               demo_c(d, DEMO_RED), rc == -ECONNRESET ? "-ECONNRESET" : "?", demo_c(d, DEMO_RESET));
    }
    printf("cache_conn_error: %s\n", cache_conn_error(c));
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "cache pipeline",
        .about = "replies arrive in order, split anywhere; a server error is a value"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Pipelining: one write, the replies in order");
    cache_server_t srv;
    if (cache_server_start(&srv) < 0) {
        printf("%s\n", cache_server_error());
        return 1;
    }
    cache_conn_t *c = NULL;
    if (demo_ok(&d, cache_connect("127.0.0.1", srv.port, 2, &c), "cache_connect")) {
        in_order(&d, c);
        in_pieces(&d);
        killed(&d, c, &srv);
    }
    cache_close(c);
    cache_server_stop(&srv);
    return demo_end(&d);
}
