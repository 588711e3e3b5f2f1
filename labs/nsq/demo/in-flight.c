/*
 * in-flight.c — a message in flight until FIN. A consumer with RDY 1
 * takes a job and says nothing: 60 s later (nsqd's default timeout) the
 * job comes back with attempts 2. It asks for it again in 5 s (REQ 5000):
 * back at that instant, attempts 3. It TOUCHes it 50 s in, which starts
 * the timeout again, then finishes it; a second FIN of the same id is
 * E_FIN_FAILED and the connection goes on. Every instant is virtual.
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

static double secs(void)
{
    return (double)clock_now() / 1e9;
}

static void show(const char *what, frame_t *f)
{
    if (f->type == NSQ_FRAME_MESSAGE)
        printf("  %7.3f s  %-22s message %.16s \"%s\" attempts %d\n", secs(), what, f->data + 10,
               (char *)f->data + NSQ_MSG_HEADER_LEN, f->data[8] << 8 | f->data[9]);
    else
        printf("  %7.3f s  %-22s %s%s%s\n", secs(), what, demo_c(&d, DEMO_YELLOW), (char *)f->data,
               demo_c(&d, DEMO_RESET));
}

static void scenario(void)
{
    frame_t f;
    cl_t *p = cl_dial("producer"), *c = cl_dial("worker");
    cl_line(c, "SUB jobs workers");
    cl_frame(c, &f, clock_now() + CLOCK_S);
    cl_line(c, "RDY 1");
    cl_pub(p, "jobs", "resize-photo");
    cl_frame(p, &f, clock_now() + CLOCK_S);
    demo_step(&d, "Delivered, never finished");
    if (cl_frame(c, &f, clock_now() + 100 * CLOCK_S))
        return;
    show("delivered", &f);
    char id[17];
    memcpy(id, f.data + 10, 16);
    id[16] = 0;
    cl_frame(c, &f, clock_now() + 100 * CLOCK_S);
    show("timed out, again", &f);
    demo_step(&d, "REQ 5000: back in five seconds");
    char line[64];
    snprintf(line, sizeof line, "REQ %s 5000", id);
    cl_line(c, line);
    cl_frame(c, &f, clock_now() + 100 * CLOCK_S);
    show("requeued, again", &f);
    demo_step(&d, "TOUCH at 50 s, then FIN");
    clock_sleep(50 * CLOCK_S);
    snprintf(line, sizeof line, "TOUCH %s", id);
    cl_line(c, line);
    printf("  %7.3f s  TOUCH: the timeout counts from here\n", secs());
    clock_sleep(30 * CLOCK_S);
    snprintf(line, sizeof line, "FIN %s", id);
    cl_line(c, line);
    printf("  %7.3f s  FIN, 80 s after delivery: still in flight thanks to TOUCH\n", secs());
    cl_line(c, line);
    cl_frame(c, &f, clock_now() + 100 * CLOCK_S);
    show("the second FIN", &f);
    cl_free(c);
    cl_free(p);
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "nsq in-flight",
        .about = "timeouts, REQ, TOUCH and FIN at their virtual instants",
    };
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "A message in flight");
    rt_config_t cfg = {.tick = RT_TICK_NONE};
    rt_run(&cfg, world, NULL);
    return demo_end(&d);
}
