/*
 * xds_bench.c — BenchmarkSnapshotToAllAcks1000: 1000 data-plane agents on
 * ten simulated hosts, each on its own ADS stream to one management
 * server; one op is a new snapshot version set on the server until every
 * agent has ACKed its route config at that version (four responses and
 * four ACKs per agent). The first sync is outside the timer. The network's
 * latency is virtual: the time measured is the protocol's work (the
 * server's streams, the clients' apply and ACK) and the runtime's.
 *
 * Interface: UG_BENCH bodies, each an rt_run of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/bench.h>
#include <undergo/runtime.h>
#include <undergo/simnet.h>

#include "xds.h"

#define AGENTS 1000
#define HOSTS 10

typedef struct bworld {
    ug_bench_t *b;
    xds_cache_t *cache;
    xds_server_t *srv;
    xds_client_t *cl[AGENTS];
    xds_agent_t *ag[AGENTS];
    int next;
    mutex_t mu;
    cond_t cv;
    char want[XDS_NAME];
    int acked;
    xds_snapshot_t snap;
} bworld_t;

static bworld_t *W;

static void on_ack(void *ud, xds_type_t t, const char *v)
{
    (void)ud;
    if (t != XDS_RDS)
        return;
    mutex_lock(&W->mu);
    if (strcmp(v, W->want) == 0 && ++W->acked == AGENTS)
        cond_broadcast(&W->cv);
    mutex_unlock(&W->mu);
}

static void start_server(void *arg)
{
    (void)arg;
    xds_server_start(W->cache, 18000, &W->srv);
}

static void start_agents(void *arg)
{
    int h = (int)(intptr_t)arg;
    for (int i = h; i < AGENTS; i += HOSTS)
        xds_agent_start(W->cl[i], "cp:18000", true, on_ack, NULL, &W->ag[i]);
}

static void set_version(int v)
{
    xds_snapshot_t *s = &W->snap;
    for (int t = 0; t < XDS_NTYPES; t++)
        snprintf(s->version[t], XDS_NAME, "v%d", v);
    mutex_lock(&W->mu);
    snprintf(W->want, sizeof W->want, "v%d", v);
    W->acked = 0;
    mutex_unlock(&W->mu);
    xds_server_set_snapshot(W->srv, "edge", s);
    mutex_lock(&W->mu);
    while (W->acked < AGENTS)
        cond_wait(&W->cv, &W->mu);
    mutex_unlock(&W->mu);
}

static void add(xds_snapshot_t *s, xds_type_t t, const char *name, const char *body)
{
    xds_resource_t *r = &s->res[t][s->n[t]++];
    snprintf(r->name, XDS_NAME, "%s", name);
    snprintf(r->body, XDS_BODY, "%s", body);
}

static void bench_main(void *arg)
{
    (void)arg;
    simnet_t *net;
    simhost_t *cp, *h[HOSTS];
    simlink_t l = {.latency = 2000000};
    if (simnet_new(&l, &net) || simnet_host_add(net, "cp", &cp))
        return;
    for (int i = 0; i < HOSTS; i++) {
        char name[16];
        snprintf(name, sizeof name, "e%d", i);
        if (simnet_host_add(net, name, &h[i]))
            return;
    }
    simhost_spawn(cp, start_server, NULL, NULL);
    clock_sleep(1000000);
    if (!W->srv)
        return;
    for (int i = 0; i < HOSTS; i++)
        simhost_spawn(h[i], start_agents, (void *)(intptr_t)i, NULL);
    set_version(0);
    ug_bench_reset_timer(W->b);
    for (uint64_t i = 0; i < W->b->n; i++)
        set_version((int)i + 1);
    ug_bench_stop_timer(W->b);
    for (int i = 0; i < AGENTS; i++)
        xds_agent_stop(W->ag[i]);
    xds_server_stop(W->srv);
    simnet_free(net);
}

UG_BENCH(BenchmarkSnapshotToAllAcks1000)
{
    W = calloc(1, sizeof *W);
    if (!W)
        return;
    W->b = b;
    xds_snapshot_t *s = &W->snap;
    add(s, XDS_LDS, "ingress", "route=rc");
    add(s, XDS_RDS, "rc", "/api api=3,canary=1;/ web=1");
    add(s, XDS_CDS, "api", "eds=api");
    add(s, XDS_CDS, "canary", "eds=canary");
    add(s, XDS_CDS, "web", "eds=web");
    add(s, XDS_EDS, "api", "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080");
    add(s, XDS_EDS, "canary", "10.0.1.1:8080");
    add(s, XDS_EDS, "web", "10.0.2.1:8080,10.0.2.2:8080");
    bool ok = xds_cache_new(true, &W->cache) == 0;
    for (int i = 0; ok && i < AGENTS; i++)
        ok = xds_client_new("edge", false, &W->cl[i]) == 0;
    if (ok) {
        rt_config_t cfg = {.sched = RT_SCHED_FIFO};
        rt_run(&cfg, bench_main, NULL);
    }
    for (int i = 0; i < AGENTS; i++)
        xds_client_free(W->cl[i]);
    xds_cache_free(W->cache);
    free(W);
    W = NULL;
}
