/*
 * to_world.h — a world for the timeout tests: a server host "s" and a
 * client host "c" on the simulated network, a one-way latency L drawn from
 * the seed, a to_server on s:80 serving the handler below, and a client
 * function on c that records instants and results for the test to check
 * after the run. Every instant is virtual (clock_now() from the run's
 * start), so a test states exactly when a connection closes.
 *
 * The handler acts on the path: "/" answers "ok"; "/sleep?<ms>" sleeps,
 * then answers; "/flush?<ms>" sends the head, sleeps, then the body;
 * "/hop?<n>" redirects to "/hop?<n-1>" until 0 (each after th_sleep ms).
 */
#ifndef TO_WORLD_H
#define TO_WORLD_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/labtest.h>
#include <undergo/runtime.h>
#include <undergo/simnet.h>

#include "timeout.h"

#define MS 1000000LL
#define SEC 1000000000LL

typedef struct world world_t;

struct world {
    to_server_config_t cfg;
    http_handler_fn handler; /* NULL: world_handler */
    void *hud;
    int64_t latency;   /* one way */
    int64_t hop_sleep; /* /hop: sleep before answering */
    bool no_server;    /* nothing listens on s:80 */
    void (*client)(world_t *w);
    to_server_t ts;
    listener_t *l;
    chan_t *ready;
    int served;     /* requests the handler saw */
    int64_t t[8];   /* recorded instants */
    long v[8];      /* recorded values */
    char s[4][512]; /* recorded strings */
};

static inline void world_handler(http_response_t *w, http_request_t *r, void *ud)
{
    world_t *wd = ud;
    wd->served++;
    long arg = atol(r->query);
    if (!strcmp(r->path, "/sleep")) {
        clock_sleep(arg * MS);
    } else if (!strcmp(r->path, "/flush")) {
        http_set_header(w, "Content-Length", "2");
        http_flush(w);
        clock_sleep(arg * MS);
    } else if (!strcmp(r->path, "/hop") && arg > 0) {
        char loc[64];
        clock_sleep(wd->hop_sleep);
        snprintf(loc, sizeof loc, "/hop?%ld", arg - 1);
        http_set_header(w, "Location", loc);
        http_write_header(w, 302);
        return;
    }
    http_write(w, "ok", 2);
}

static inline void world_server(void *arg)
{
    world_t *w = arg;
    if (net_listen("tcp", ":80", &w->l))
        fail_msg("listen");
    chan_send(w->ready, NULL);
    http_serve(w->ts.http, w->l);
}

static inline void world_client(void *arg)
{
    world_t *w = arg;
    w->client(w);
    chan_send(w->ready, NULL);
}

static inline void world_main(void *arg)
{
    world_t *w = arg;
    simnet_t *n;
    simhost_t *sh, *ch;
    simlink_t link = {.latency = w->latency};
    chan_make(0, 1, &w->ready);
    simnet_new(&link, &n);
    simnet_host_add(n, "s", &sh);
    simnet_host_add(n, "c", &ch);
    if (!w->no_server) {
        int rc = to_server_init(&w->ts, &w->cfg, w->handler ? w->handler : world_handler,
                                w->hud ? w->hud : w);
        w->v[7] = rc;
        if (rc == 0) {
            simhost_spawn(sh, world_server, w, NULL);
            chan_recv(w->ready, NULL, NULL);
        }
    }
    simhost_spawn(ch, world_client, w, NULL);
    chan_recv(w->ready, NULL, NULL);
    to_server_fini(&w->ts);
    listener_free(w->l);
    simnet_free(n);
    chan_free(w->ready);
}

/* Runs the world; the clock starts at 0 with the client's first call. */
static inline void world_run(world_t *w)
{
    rt_config_t cfg = {.seed = ug_seed(), .tick = RT_TICK_NONE};
    int rc = rt_run(&cfg, world_main, w);
    if (rc)
        fail_msg("rt_run: %d\n%s", rc, rt_report() ? rt_report() : "");
}

/* A seeded one-way latency, 1..20 ms. */
static inline int64_t seeded_latency(void)
{
    return (1 + (int64_t)ug_rand_below(20)) * MS;
}

/* Dials s:80 (fails the test otherwise). */
static inline conn_t *world_dial(void)
{
    conn_t *c = NULL;
    int rc = net_dial("tcp", "s:80", &c);
    if (rc)
        fail_msg("dial s:80: %s", net_strerror(rc));
    return c;
}

/* Writes s, then one byte of filler every `every` ns, until the server
 * closes the connection (s "": only waits). Returns the instant the
 * client read end of stream (or -1 on another error); what it read lands
 * in buf. A write fails as soon as the server has closed, before its end
 * of stream arrives: the client then stops writing and reads on. */
static inline int64_t dribble_until_closed(conn_t *c, const char *s, int64_t every, char *buf,
                                           size_t cap)
{
    size_t got = 0;
    bool writing = s[0] != '\0';
    if (writing)
        conn_write(c, s, strlen(s), NULL);
    for (;;) {
        conn_set_read_deadline(c, writing ? clock_now() + every : 0);
        ssize_t k = conn_read(c, buf + got, cap - 1 - got);
        if (k > 0) {
            got += (size_t)k;
            continue;
        }
        if (k == 0 || k == -ECONNRESET)
            break;
        if (k != -NET_ETIMEOUT)
            return -1;
        if (conn_write(c, "x", 1, NULL))
            writing = false;
    }
    buf[got] = '\0';
    return clock_now();
}

/* Sends req and reads one response whose body is "ok"-sized (until the
 * head's blank line plus body_len bytes). Returns bytes read. */
static inline size_t exchange(conn_t *c, const char *req, size_t body_len, char *buf, size_t cap)
{
    size_t got = 0;
    conn_write(c, req, strlen(req), NULL);
    for (;;) {
        buf[got] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end && (size_t)(end + 4 - buf) + body_len <= got)
            break;
        ssize_t k = conn_read(c, buf + got, cap - 1 - got);
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    buf[got] = '\0';
    return got;
}

/* The status of a response in buf, 0 when none. */
static inline int status_of(const char *buf)
{
    int st = 0;
    return sscanf(buf, "HTTP/1.1 %d", &st) == 1 ? st : 0;
}

#endif
