/*
 * nsq_bench.c — nsqd's throughput over real TCP on 127.0.0.1: PUB
 * (publishers pipeline 64 PUBs, then read their 64 OKs) and SUB (one
 * consumer with RDY 2500 takes and FINs messages an MPUB put there before
 * the timer started). One op is one message. The runtime runs FIFO on
 * the real clock, as Go with GOMAXPROCS=1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/bench.h>
#include <undergo/runtime.h>

#include "nsq.h"

enum { DEPTH = 64, BODY = 100 };

typedef struct run {
    ug_bench_t *b;
    bool sub;
    nsq_server_t *s;
    listener_t *l;
    char addr[64];
    int err;
} run_t;

static void serve(void *arg)
{
    run_t *r = arg;
    nsq_server_serve(r->s, r->l);
}

static int put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
    return 4;
}

static int write_all(conn_t *c, const void *b, size_t n)
{
    size_t w;
    return conn_write(c, b, n, &w);
}

/* Reads and counts whole frames; FINs message frames. Returns frames read. */
typedef struct rd {
    uint8_t buf[1 << 16];
    size_t s, e;
} rd_t;

static long frames(conn_t *c, rd_t *r, long want, bool fin)
{
    long got = 0;
    char out[32 * 256];
    size_t olen = 0;
    while (got < want) {
        while (r->e - r->s >= 8) {
            const uint8_t *p = r->buf + r->s;
            uint32_t size = (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
            if (r->e - r->s < 4 + size)
                break;
            if (fin && p[7] == NSQ_FRAME_MESSAGE) {
                memcpy(out + olen, "FIN ", 4);
                memcpy(out + olen + 4, p + 8 + 10, 16);
                out[olen + 20] = '\n';
                olen += 21;
                if (olen > sizeof out - 32) {
                    write_all(c, out, olen);
                    olen = 0;
                }
            }
            r->s += 4 + size;
            got++;
        }
        if (olen) {
            write_all(c, out, olen);
            olen = 0;
        }
        if (got >= want)
            break;
        if (r->s > 0) {
            memmove(r->buf, r->buf + r->s, r->e - r->s);
            r->e -= r->s;
            r->s = 0;
        }
        ssize_t n = conn_read(c, r->buf + r->e, sizeof r->buf - r->e);
        if (n <= 0)
            return -1;
        r->e += (size_t)n;
    }
    return got;
}

static void bench_main(void *arg)
{
    run_t *r = arg;
    nsq_config_t cfg = {.mem_queue_size = 1 << 30};
    if (nsq_server_new(&cfg, &r->s) || net_listen("tcp", "127.0.0.1:0", &r->l)) {
        r->err = 1;
        return;
    }
    task_spawn(serve, r, NULL);
    conn_t *c;
    if (net_dial("tcp", listener_addr(r->l), &c)) {
        r->err = 2;
        return;
    }
    write_all(c, "  V2", 4);
    static rd_t rd;
    rd.s = rd.e = 0;
    uint64_t n = r->b->n;
    static uint8_t batch[DEPTH * (16 + 4 + BODY)];
    size_t blen = 0;
    for (int i = 0; i < DEPTH; i++) {
        memcpy(batch + blen, "PUB bench\n", 10);
        blen += 10;
        blen += (size_t)put32(batch + blen, BODY);
        memset(batch + blen, 'x', BODY);
        blen += BODY;
    }
    if (!r->sub) {
        ug_bench_reset_timer(r->b);
        for (uint64_t done = 0; done < n;) {
            long k = n - done < DEPTH ? (long)(n - done) : DEPTH;
            write_all(c, batch, (size_t)k * (10 + 4 + BODY));
            if (frames(c, &rd, k, false) != k) {
                r->err = 3;
                break;
            }
            done += (uint64_t)k;
        }
        ug_bench_stop_timer(r->b);
    } else {
        /* n messages in MPUBs of 1000, untimed */
        static uint8_t mp[8 + 1000 * (4 + BODY)];
        for (uint64_t done = 0; done < n;) {
            uint32_t k = n - done < 1000 ? (uint32_t)(n - done) : 1000;
            size_t len = 0;
            len += (size_t)put32(mp + len, k);
            for (uint32_t i = 0; i < k; i++) {
                len += (size_t)put32(mp + len, BODY);
                memset(mp + len, 'y', BODY);
                len += BODY;
            }
            uint8_t hdr[4];
            put32(hdr, (uint32_t)len);
            write_all(c, "MPUB bench\n", 11);
            write_all(c, hdr, 4);
            write_all(c, mp, len);
            frames(c, &rd, 1, false);
            done += k;
        }
        conn_t *s;
        net_dial("tcp", listener_addr(r->l), &s);
        static rd_t rs;
        rs.s = rs.e = 0;
        ug_bench_reset_timer(r->b);
        const char *hello = "  V2SUB bench ch\nRDY 2500\n";
        write_all(s, hello, strlen(hello));
        if (frames(s, &rs, (long)n + 1, true) != (long)n + 1) /* OK, then n messages */
            r->err = 4;
        ug_bench_stop_timer(r->b);
        conn_close(s);
        conn_free(s);
    }
    conn_close(c);
    conn_free(c);
    nsq_server_close(r->s);
    nsq_server_free(r->s);
    listener_free(r->l);
}

static void run(ug_bench_t *b, bool sub)
{
    run_t r = {.b = b, .sub = sub};
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .clock = RT_CLOCK_REAL};
    if (rt_run(&cfg, bench_main, &r) || r.err) {
        fprintf(stderr, "nsq_bench: failed (%d)\n", r.err);
        exit(1);
    }
}

UG_BENCH(BenchmarkPub)
{
    run(b, false);
}

UG_BENCH(BenchmarkSub)
{
    run(b, true);
}
