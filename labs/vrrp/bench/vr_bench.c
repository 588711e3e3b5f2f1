/*
 * vr_bench.c — what a router spends per advertisement.
 *
 * BenchmarkEncodeValidate: one v3 ADVERTISEMENT with four addresses
 * encoded (checksum over the pseudo-header) and decoded (every check).
 * BenchmarkBackupHandlesAdvertisement: a Backup's whole vr_input for a
 * Master's advertisement: decode, the config checks, the timer reset.
 * BenchmarkLanFailover: a simulated minute of two routers with a failover
 * every 10 s on the LAN (the state machine under the runtime's clock).
 *
 * Interface: UG_BENCH bodies.
 */
#include <stdio.h>
#include <undergo/bench.h>

#include "vrrp.h"

static const vr_adv_t adv = {.version = 3,
                             .vrid = 51,
                             .priority = 200,
                             .count = 4,
                             .adver_int = 100,
                             .addrs = {0xC0A8000Au, 0xC0A8000Bu, 0xC0A8000Cu, 0xC0A8000Du}};

UG_BENCH(BenchmarkEncodeValidate)
{
    uint8_t buf[128];
    vr_adv_t out;
    uint64_t ok = 0;
    for (uint64_t i = 0; i < b->n; i++) {
        vr_adv_t a = adv;
        a.priority = (uint8_t)(1 + i % 254);
        int n = vr_encode(&a, 0x0A000001u + (uint32_t)(i & 0xff), buf, sizeof buf);
        ok += n > 0 &&
              vr_decode(buf, (size_t)n, 0x0A000001u + (uint32_t)(i & 0xff), 255, &out) == 0;
    }
    if (ok != b->n)
        fprintf(stderr, "BenchmarkEncodeValidate: %llu of %llu failed\n",
                (unsigned long long)(b->n - ok), (unsigned long long)b->n);
}

UG_BENCH(BenchmarkBackupHandlesAdvertisement)
{
    vr_config_t c = {.version = 3,
                     .vrid = 51,
                     .priority = 100,
                     .adver_int = 100,
                     .primary_ip = 0x0A000002u,
                     .naddrs = 4};
    for (int i = 0; i < 4; i++)
        c.addrs[i] = adv.addrs[i];
    vr_router_t *r;
    if (vr_router_new(&c, NULL, &r) < 0 || vr_startup(r, 0) < 0)
        return;
    uint8_t buf[128];
    int n = vr_encode(&adv, 0x0A000001u, buf, sizeof buf);
    ug_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        vr_input(r, buf, (size_t)n, 0x0A000001u, 255, (int64_t)i * VR_NS_PER_S);
    vr_router_free(r);
}

UG_BENCH(BenchmarkLanFailover)
{
    for (uint64_t i = 0; i < b->n; i++) {
        vr_lan_t *lan;
        if (vr_lan_new(i, &lan) < 0)
            return;
        vr_config_t c = {
            .version = 3, .vrid = 9, .adver_int = 100, .naddrs = 1, .addrs = {0xC0A8000Au}};
        c.priority = 192, c.primary_ip = 0x0A000001u;
        vr_lan_add(lan, &c);
        c.priority = 128, c.primary_ip = 0x0A000002u;
        vr_lan_add(lan, &c);
        vr_lan_at(lan, 0, VR_ACT_START, 0, 0);
        vr_lan_at(lan, 0, VR_ACT_START, 1, 0);
        for (int k = 1; k < 6; k++)
            vr_lan_at(lan, k * 10 * VR_NS_PER_S + 30 * VR_NS_PER_CS,
                      k & 1 ? VR_ACT_ISOLATE : VR_ACT_REJOIN, 0, 0);
        vr_lan_run(lan, 60 * VR_NS_PER_S);
        vr_lan_free(lan);
    }
}
