/*
 * fan-out.c — a topic copies every message to each of its channels; the
 * consumers of one channel share its messages. Topic "orders" has two
 * channels: "archive" with one consumer and "email" with two, each with
 * RDY 1 and finishing every message at once. Four orders are published:
 * the archive gets all four; in "email" each order goes to one consumer,
 * and each holds one at a time: the first two go one to each, the rest
 * wait until a consumer's FIN frees its RDY slot.
 *
 * Interface: main → world (nsqd on a simulated host) → scenario.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/demo.h>
#include <undergo/runtime.h>
#include <undergo/simnet.h>

#include "nsq.h"

static demo_t d;

/* ---- a small protocol V2 client ---- */

typedef struct cl {
    conn_t *c;
    uint8_t buf[8192];
    size_t s, e;
    char name[16];
} cl_t;

typedef struct frame {
    uint32_t type, len;
    uint8_t data[1024];
} frame_t;

static void cl_line(cl_t *cl, const char *line)
{
    size_t w;
    conn_write(cl->c, line, strlen(line), &w);
    conn_write(cl->c, "\n", 1, &w);
}

static void cl_pub(cl_t *cl, const char *topic, const char *body)
{
    char line[96];
    uint8_t n[4] = {0, 0, 0, (uint8_t)strlen(body)};
    size_t w;
    snprintf(line, sizeof line, "PUB %s", topic);
    cl_line(cl, line);
    conn_write(cl->c, n, 4, &w);
    conn_write(cl->c, body, strlen(body), &w);
}

/* The next frame before the virtual instant t: 0, or an error. */
static int cl_frame(cl_t *cl, frame_t *f, int64_t t)
{
    conn_set_read_deadline(cl->c, t);
    for (;;) {
        if (cl->e - cl->s >= 8) {
            const uint8_t *p = cl->buf + cl->s;
            uint32_t size = (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
            if (cl->e - cl->s >= 4 + size && size - 4 < sizeof f->data) {
                f->type = p[7];
                f->len = size - 4;
                memcpy(f->data, p + 8, f->len);
                f->data[f->len] = 0;
                cl->s += 4 + size;
                return 0;
            }
        }
        if (cl->s > 0) {
            memmove(cl->buf, cl->buf + cl->s, cl->e - cl->s);
            cl->e -= cl->s;
            cl->s = 0;
        }
        ssize_t n = conn_read(cl->c, cl->buf + cl->e, sizeof cl->buf - cl->e);
        if (n <= 0)
            return n ? (int)n : -1;
        cl->e += (size_t)n;
    }
}

static cl_t *cl_dial(const char *name)
{
    cl_t *cl = calloc(1, sizeof *cl);
    if (net_dial("tcp", "s:4150", &cl->c)) {
        free(cl);
        return NULL;
    }
    snprintf(cl->name, sizeof cl->name, "%s", name);
    size_t w;
    conn_write(cl->c, "  V2", 4, &w);
    return cl;
}

static void cl_free(cl_t *cl)
{
    conn_close(cl->c);
    conn_free(cl->c);
    free(cl);
}

/* ---- nsqd on host s, the clients on host c ---- */

static nsq_server_t *srv;
static chan_t *up;

static void server(void *arg)
{
    (void)arg;
    listener_t *l;
    nsq_config_t cfg = {0};
    if (!demo_ok(&d, nsq_server_new(&cfg, &srv), "nsq_server_new") ||
        net_listen("tcp", ":4150", &l)) {
        srv = NULL;
        chan_send(up, NULL);
        return;
    }
    chan_send(up, NULL);
    nsq_server_serve(srv, l);
}

static void scenario(void);
static chan_t *done;

static void client_main(void *arg)
{
    (void)arg;
    scenario();
    chan_send(done, NULL);
}

static void world(void *arg)
{
    (void)arg;
    simnet_t *net;
    simhost_t *s, *c;
    simlink_t link = {.latency = 1 * CLOCK_MS};
    simnet_new(&link, &net);
    simnet_host_add(net, "s", &s);
    simnet_host_add(net, "c", &c);
    chan_make(0, 0, &up);
    chan_make(0, 0, &done);
    simhost_spawn(s, server, NULL, NULL);
    chan_recv(up, NULL, NULL);
    if (srv) {
        simhost_spawn(c, client_main, NULL, NULL);
        chan_recv(done, NULL, NULL);
    }
    simhost_crash(c);
    simhost_crash(s);
    nsq_server_discard(srv);
    simnet_free(net);
    chan_free(up);
    chan_free(done);
}

static void scenario(void)
{
    frame_t f;
    cl_t *c[3] = {cl_dial("archive-1"), cl_dial("email-1"), cl_dial("email-2")};
    const char *ch[3] = {"archive", "email", "email"};
    for (int i = 0; i < 3; i++) {
        char line[64];
        snprintf(line, sizeof line, "SUB orders %s", ch[i]);
        cl_line(c[i], line);
        cl_frame(c[i], &f, clock_now() + CLOCK_S);
        cl_line(c[i], "RDY 1");
    }
    demo_step(&d, "Four orders published to topic \"orders\"");
    cl_t *p = cl_dial("producer");
    for (int i = 0; i < 4; i++) {
        char body[32];
        snprintf(body, sizeof body, "order-%d", i + 1);
        cl_pub(p, "orders", body);
        cl_frame(p, &f, clock_now() + CLOCK_S);
        printf("  PUB %s → %s\n", body, (char *)f.data);
    }
    demo_step(&d, "Who got what");
    for (int i = 0; i < 3; i++) {
        printf("  %-9s (channel %-7s):", c[i]->name, ch[i]);
        while (!cl_frame(c[i], &f, clock_now() + 100 * CLOCK_MS)) {
            if (f.type != NSQ_FRAME_MESSAGE)
                continue;
            printf(" %s", (char *)f.data + NSQ_MSG_HEADER_LEN);
            char fin[32] = "FIN ";
            memcpy(fin + 4, f.data + 10, 16);
            cl_line(c[i], fin);
        }
        printf("\n");
    }
    printf("Every channel saw every order; within \"email\" each order went to one consumer,\n"
           "the later ones to whichever finished first (email-1 here, read first).\n");
    for (int i = 0; i < 3; i++)
        cl_free(c[i]);
    cl_free(p);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "nsq fan-out",
        .about = "each channel gets every message; a channel's consumers share them",
    };
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Topics copy, channels share");
    rt_config_t cfg = {.tick = RT_TICK_NONE};
    rt_run(&cfg, world, NULL);
    return demo_end(&d);
}
