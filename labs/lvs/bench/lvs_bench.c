/*
 * lvs_bench.c — picks per second for each scheduler with 16 and 1024
 * servers, and NAT rewrites per second.
 *
 * The servers carry a seeded, fixed connection table (the picks do not
 * bind connections, so every pick sees the same table); flows vary their
 * client and destination address so the hashing schedulers spread.
 *
 * Interface: UG_BENCH bodies → pick_loop / BenchmarkNATRewrite.
 */
#include <stdlib.h>

#include <undergo/bench.h>

#include "lvs.h"

static lvs_service_t *svc_of(lvs_sched_kind_t kind, int n)
{
    static lvs_service_t *cache[10][2];
    int k = n > 16;
    if (cache[kind][k])
        return cache[kind][k];
    lvs_service_t *svc = lvs_service_new(kind);
    if (!svc)
        abort();
    uint32_t r = 12345;
    for (int i = 0; i < n; i++) {
        r = r * 1103515245u + 12345u;
        int id = lvs_dest_add(svc, 0xc0a80000u + (uint32_t)i, 8080, 1 + (int)(r >> 16) % 8);
        if (id < 0 || lvs_dest_set_conns(svc, id, (int)(r >> 8) % 50, (int)(r >> 4) % 500))
            abort();
    }
    cache[kind][k] = svc;
    return svc;
}

static volatile int sink;

static void pick_loop(ug_bench_t *b, lvs_sched_kind_t kind, int n)
{
    lvs_service_t *svc = svc_of(kind, n);
    lvs_flow_t f = {0x64400001u, 40000, 0xac100001u, 80};
    int acc = 0;
    for (uint64_t i = 0; i < b->n; i++) {
        f.caddr = 0x64400000u + (uint32_t)(i & 4095);
        f.daddr = 0xac100000u + (uint32_t)(i & 255);
        acc += lvs_schedule(svc, &f, i);
    }
    sink = acc;
}

#define PICK(name, kind)                                                                           \
    UG_BENCH(BenchmarkPick##name##16)                                                              \
    {                                                                                              \
        pick_loop(b, kind, 16);                                                                    \
    }                                                                                              \
    UG_BENCH(BenchmarkPick##name##1024)                                                            \
    {                                                                                              \
        pick_loop(b, kind, 1024);                                                                  \
    }

PICK(RR, LVS_RR)
PICK(WRR, LVS_WRR)
PICK(LC, LVS_LC)
PICK(WLC, LVS_WLC)
PICK(SED, LVS_SED)
PICK(NQ, LVS_NQ)
PICK(LBLC, LVS_LBLC)
PICK(LBLCR, LVS_LBLCR)
PICK(DH, LVS_DH)
PICK(SH, LVS_SH)

/* A 1000-byte request rewritten to a server and its reply back to the VIP. */
UG_BENCH(BenchmarkNATRewrite)
{
    static uint8_t payload[1000], req[1100], rep[1100];
    lvs_pkt_spec_t s = {.dst_mac = {2, 0, 0, 0, 0, 1},
                        .src_mac = {2, 0, 0, 0, 0, 2},
                        .saddr = 0x64400001u,
                        .daddr = 0x0a000064u,
                        .sport = 40000,
                        .dport = 80,
                        .flags = 0x10,
                        .payload = payload,
                        .payload_len = sizeof(payload)};
    int len = lvs_pkt_build(req, sizeof(req), &s);
    s.saddr = 0xc0a8010au, s.daddr = 0x64400001u, s.sport = 8080, s.dport = 40000;
    if (len < 0 || lvs_pkt_build(rep, sizeof(rep), &s) != len)
        abort();
    int acc = 0;
    for (uint64_t i = 0; i < b->n; i++) {
        acc += lvs_nat_in(req, (size_t)len, 0xc0a8010au + (uint32_t)(i & 7), 8080);
        acc += lvs_nat_out(rep, (size_t)len, 0x0a000064u, 80);
    }
    sink = acc;
}
