/*
 * nsq_world.h — a world for the nsq tests: a server host "s" running
 * nsqd on s:4150 over its simulated disk, a client host "c", a one-way
 * latency L between them, and a small protocol V2 client. A scenario runs
 * on c; every instant is virtual and exact (no time passes with work), so
 * a frame sent by the server at t arrives at t + L.
 */
#ifndef NSQ_WORLD_H
#define NSQ_WORLD_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/labtest.h>
#include <undergo/runtime.h>
#include <undergo/simnet.h>

#include "nsq.h"

#define MS 1000000LL
#define SEC 1000000000LL

typedef struct world world_t;

/* The first thing that went wrong outside the checks (checked after the run). */
static char world_err[256];
#define world_fail(...)                                                                            \
    (void)(world_err[0] ? 0 : snprintf(world_err, sizeof world_err, __VA_ARGS__))
struct world {
    nsq_config_t cfg;
    /* what the scenario saw, checked after the run */
    long v[64];
    int64_t t[16];
    char s[24][256];
    bool no_disk;
    int64_t L;
    void (*scenario)(world_t *w);
    void *ud;
    simnet_t *net;
    simhost_t *hs, *hc;
    nsq_disk_t *disk;
    nsq_server_t *srv;
    listener_t *l;
    chan_t *ready, *done;
};

/* Copies a string into one of the world's 256-byte records. */
static inline void keep(char *d, const char *s)
{
    size_t n = strlen(s);
    if (n > 255)
        n = 255;
    memcpy(d, s, n);
    d[n] = 0;
}

/* ---- the client ---- */

typedef struct cl {
    conn_t *c;
    uint8_t buf[1 << 16];
    size_t s, e;
} cl_t;

typedef struct frame {
    int32_t type;
    uint32_t len;
    int64_t at; /* when it arrived */
    uint8_t data[8192];
} frame_t;

static inline void cl_send(cl_t *cl, const void *b, size_t n)
{
    size_t w;
    if (!cl)
        return;
    conn_write(cl->c, b, n, &w);
}

static inline cl_t *cl_dial(void)
{
    cl_t *cl = calloc(1, sizeof *cl);
    if (!cl || net_dial("tcp", "s:4150", &cl->c)) {
        world_fail("dial");
        free(cl);
        return NULL;
    }
    cl_send(cl, "  V2", 4);
    return cl;
}

static inline void cl_free(cl_t *cl)
{
    if (!cl)
        return;
    conn_close(cl->c);
    conn_free(cl->c);
    free(cl);
}

__attribute__((format(printf, 2, 3))) static inline void cl_line(cl_t *cl, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    line[n++] = '\n';
    cl_send(cl, line, (size_t)n);
}

static inline void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}

static inline uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A command line, then a 4-byte size and the body. */
static inline void cl_body(cl_t *cl, const char *line, const void *body, int32_t len)
{
    cl_line(cl, "%s", line);
    uint8_t h[4];
    be32(h, (uint32_t)len);
    cl_send(cl, h, 4);
    if (len > 0)
        cl_send(cl, body, (size_t)len);
}

static inline int cl_fill(cl_t *cl)
{
    if (cl->s == cl->e)
        cl->s = cl->e = 0;
    ssize_t n = conn_read(cl->c, cl->buf + cl->e, sizeof cl->buf - cl->e);
    if (n <= 0)
        return n ? (int)n : -EPIPE;
    cl->e += (size_t)n;
    return 0;
}

/* The next frame. 0, or a read error (-EPIPE: end of stream, -NET_ETIMEOUT). */
static inline int cl_frame(cl_t *cl, frame_t *f)
{
    if (!cl)
        return -EPIPE;
    while (cl->e - cl->s < 8)
        if (cl_fill(cl) < 0)
            return -EPIPE;
    uint32_t size = get32(cl->buf + cl->s);
    if (size < 4 || size - 4 > sizeof f->data) {
        world_fail("frame of size %u", size);
        return -EPROTO;
    }
    if (cl->s + 4 + size > sizeof cl->buf) {
        memmove(cl->buf, cl->buf + cl->s, cl->e - cl->s);
        cl->e -= cl->s;
        cl->s = 0;
    }
    while (cl->e - cl->s < 4 + size) {
        int r = cl_fill(cl);
        if (r < 0)
            return r;
    }
    f->type = (int32_t)get32(cl->buf + cl->s + 4);
    f->len = size - 4;
    memcpy(f->data, cl->buf + cl->s + 8, f->len);
    f->data[f->len < sizeof f->data ? f->len : sizeof f->data - 1] = 0;
    f->at = clock_now();
    cl->s += 4 + size;
    return 0;
}

/* The next frame if one arrives before the virtual instant t: 0, or
 * -NET_ETIMEOUT when none does. */
static inline int cl_frame_before(cl_t *cl, frame_t *f, int64_t t)
{
    if (!cl)
        return -EPIPE;
    if (cl->e - cl->s >= 8 && cl->e - cl->s >= 4 + get32(cl->buf + cl->s))
        return cl_frame(cl, f);
    conn_set_read_deadline(cl->c, t);
    int r;
    for (;;) {
        if (cl->e - cl->s >= 8 && cl->e - cl->s >= 4 + get32(cl->buf + cl->s)) {
            r = cl_frame(cl, f);
            break;
        }
        r = cl_fill(cl);
        if (r < 0)
            break;
    }
    conn_set_read_deadline(cl->c, 0);
    return r;
}

/* The frame's data as a string ("OK", "E_INVALID ..."); for messages the body. */
static inline const char *frame_text(frame_t *f)
{
    return f->type == NSQ_FRAME_MESSAGE ? (const char *)f->data + NSQ_MSG_HEADER_LEN
                                        : (const char *)f->data;
}

static inline int msg_attempts(const frame_t *f)
{
    return f->data[8] << 8 | f->data[9];
}

static inline void msg_id(const frame_t *f, char id[17])
{
    memcpy(id, f->data + 10, 16);
    id[16] = 0;
}

static inline int64_t msg_ts(const frame_t *f)
{
    uint64_t v = (uint64_t)get32(f->data) << 32 | get32(f->data + 4);
    return (int64_t)v;
}

/* Reads a frame and returns its text (an empty string at end of stream). */
static inline const char *cl_text(cl_t *cl, frame_t *f)
{
    if (cl_frame(cl, f)) {
        f->type = -1;
        f->data[0] = 0;
        return "";
    }
    return frame_text(f);
}

/* PUB topic body; returns the answer's text ("OK"). */
static inline const char *cl_pub(cl_t *cl, frame_t *f, const char *topic, const char *body)
{
    char line[128];
    snprintf(line, sizeof line, "PUB %s", topic);
    cl_body(cl, line, body, (int32_t)strlen(body));
    return cl_text(cl, f);
}

/* SUB topic channel, then RDY n; returns SUB's answer. */
static inline const char *cl_sub(cl_t *cl, frame_t *f, const char *topic, const char *ch, int rdy)
{
    cl_line(cl, "SUB %s %s", topic, ch);
    const char *r = cl_text(cl, f);
    if (rdy >= 0)
        cl_line(cl, "RDY %d", rdy);
    return r;
}

/* ---- the world ---- */

static inline void world_server(void *arg)
{
    world_t *w = arg;
    if (nsq_server_new(&w->cfg, &w->srv) || net_listen("tcp", ":4150", &w->l)) {
        chan_send(w->ready, NULL);
        return;
    }
    chan_send(w->ready, NULL);
    nsq_server_serve(w->srv, w->l);
}

static inline void world_scenario(void *arg)
{
    world_t *w = arg;
    w->scenario(w);
    chan_send(w->done, NULL);
}

/* Boots nsqd on s (again after a crash): returns once it listens. */
static inline void world_boot(world_t *w)
{
    w->srv = NULL;
    simhost_spawn(w->hs, world_server, w, NULL);
    chan_recv(w->ready, NULL, NULL);
    if (!w->srv)
        world_fail("nsqd did not start");
}

/* Crashes s: nsqd's tasks end where they are, unsynced writes are lost. */
static inline void world_crash(world_t *w)
{
    simhost_crash(w->hs);
    nsq_server_discard(w->srv);
    w->srv = NULL;
}

static inline void world_restart(world_t *w)
{
    simhost_restart(w->hs, NULL, NULL);
    world_boot(w);
}

static inline void world_main(void *arg)
{
    world_t *w = arg;
    simlink_t link = {.latency = w->L};
    simnet_new(&link, &w->net);
    simnet_host_add(w->net, "s", &w->hs);
    simnet_host_add(w->net, "c", &w->hc);
    chan_make(0, 0, &w->ready);
    chan_make(0, 0, &w->done);
    if (!w->no_disk) {
        nsq_disk_sim(simhost_disk(w->hs), &w->disk);
        w->cfg.disk = w->disk;
    }
    world_boot(w);
    simhost_spawn(w->hc, world_scenario, w, NULL);
    chan_recv(w->done, NULL, NULL);
    simhost_crash(w->hc);
    if (w->srv)
        world_crash(w);
    simnet_free(w->net);
    nsq_disk_free(w->disk);
    chan_free(w->ready);
    chan_free(w->done);
}

/* Runs the scenario on the virtual clock, seeded by the test's seed. */
static inline void world_run(world_t *w)
{
    if (!w->L)
        w->L = (int64_t)(1 + ug_rand_below(20)) * MS;
    rt_config_t cfg = {.seed = ug_seed(), .tick = RT_TICK_NONE};
    world_err[0] = 0;
    int rc = rt_run(&cfg, world_main, w);
    if (rc)
        fail_msg("rt_run: %d\n%s", rc, rt_report() ? rt_report() : "");
    assert_string_equal("", world_err);
}

#endif
