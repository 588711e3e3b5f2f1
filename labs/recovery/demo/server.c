/*
 * server.c — a server that keeps serving through panicking handlers, as
 * the Go original (server.go, Gin and net/http) does: with Recovery, a
 * panic becomes a 500 with an empty body and is logged with its stack; the
 * next request is served; a handler that wrote before it panicked keeps
 * its 200 and its body (Gin only warns that the head was written). Without
 * Recovery, the server's own recover (net/http's) logs the panic and drops
 * that connection; the next connection is served. The server and client
 * run on the simulated network.
 *
 * Interface: main → rt_run(world) → a server task and a client task per part.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <undergo/demo.h>
#include <undergo/runtime.h>
#include <undergo/simnet.h>

#include "recovery.h"

typedef struct {
    rcv_engine_t e;
    http_server_t *srv;
    listener_t *l;
    char addr[64];
    chan_t *done;
    char log[8192];
    size_t loglen;
    int part;
} world_t;

static void collect(void *ud, const char *text)
{
    world_t *w = ud;
    w->loglen += (size_t)snprintf(w->log + w->loglen, sizeof w->log - w->loglen, "%s", text);
    if (w->loglen >= sizeof w->log)
        w->loglen = sizeof w->log - 1;
}

static void route(rcv_ctx_t *c)
{
    const char *p = rcv_request(c)->path;
    if (!strcmp(p, "/panic"))
        rcv_panic("handler bug");
    if (!strcmp(p, "/partial")) {
        rcv_write(c, "partial", 7);
        rcv_panic("handler bug after writing");
    }
    rcv_string(c, 200, "ok");
}

static void get(world_t *w, const char *path)
{
    conn_t *c = NULL;
    http_client_t *cl = NULL;
    http_resp_t r = {0};
    int rc = net_dial("tcp", w->addr, &c);
    if (!rc)
        rc = http_client_new(c, &cl);
    if (!rc)
        rc = http_client_do(cl, "GET", path, NULL, 0, NULL, 0, &r);
    if (rc)
        printf("  GET %-9s -> error: %s\n", path, rc == -EPIPE ? "EOF" : net_strerror(rc));
    else
        printf("  GET %-9s -> %d \"%s\"\n", path, r.status, r.body);
    if (!rc)
        http_resp_free(&r);
    http_client_free(cl);
    conn_free(c);
}

static const char *line_after(const char *log, const char *mark, char *buf, size_t cap)
{
    const char *at = strstr(log, mark);
    if (!at)
        return "(nothing)";
    at += strlen(mark);
    snprintf(buf, cap, "%.*s", (int)strcspn(at, "\n"), at);
    return buf;
}

static void client(void *arg)
{
    world_t *w = arg;
    char line[256];
    if (w->part == 0) {
        printf("1. Gin with Recovery: the panic becomes a 500 with an empty body\n");
        get(w, "/panic");
        printf("  logged: [Recovery] panic recovered: %s + the stack\n",
               line_after(w->log, "panic recovered:\n", line, sizeof line));
        printf("2. The next request, on another connection, is served\n");
        get(w, "/ok");
        printf("3. A handler that wrote before panicking keeps its status and body\n");
        get(w, "/partial");
    } else {
        printf("4. Plain net/http, no Recovery: the panic is logged, that connection dropped\n");
        get(w, "/panic");
        const char *at = strstr(w->log, "http: panic serving ");
        const char *value = "(nothing)";
        if (at) {
            snprintf(line, sizeof line, "%.*s", (int)strcspn(at, "\n"), at);
            char *colon = strrchr(line, ':');
            value = colon ? colon + 2 : line;
        }
        printf("  logged: http: panic serving ADDR: %s\n", value);
        get(w, "/ok");
    }
    chan_send(w->done, NULL);
}

static void server(void *arg)
{
    world_t *w = arg;
    net_listen("tcp", ":80", &w->l);
    snprintf(w->addr, sizeof w->addr, "%s", listener_addr(w->l));
    chan_send(w->done, NULL);
    http_serve(w->srv, w->l);
}

static void world(void *arg)
{
    world_t *w = arg;
    simnet_t *n;
    simhost_t *sh, *ch;
    chan_make(0, 1, &w->done);
    http_server_config_t cfg = {.handler = rcv_serve_http, .invoke = rcv_invoke, .ud = &w->e};
    http_server_new(&cfg, &w->srv);
    simnet_new(NULL, &n);
    simnet_host_add(n, "srv", &sh);
    simnet_host_add(n, "cli", &ch);
    simhost_spawn(sh, server, w, NULL);
    chan_recv(w->done, NULL, NULL);
    simhost_spawn(ch, client, w, NULL);
    chan_recv(w->done, NULL, NULL);
    http_server_close(w->srv);
    http_server_free(w->srv);
    simnet_free(n);
    chan_free(w->done);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "recovery server",
        .about = "Gin's Recovery and net/http's recover keep a server serving"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "A server that survives its panicking handlers");
    static world_t w[2];
    for (int part = 0; part < 2; part++) {
        w[part].part = part;
        w[part].e.log = collect;
        w[part].e.log_ud = &w[part];
        if (part == 0 && !demo_ok(&d, rcv_use(&w[part].e, rcv_recovery), "rcv_use(Recovery)"))
            break;
        if (!demo_ok(&d, rcv_use(&w[part].e, route), "rcv_use(route)"))
            break;
        rt_config_t cfg = {.seed = 1};
        if (!demo_ok(&d, rt_run(&cfg, world, &w[part]), "rt_run"))
            break;
    }
    return demo_end(&d);
}
