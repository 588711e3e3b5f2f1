/*
 * etcd_bench.c — what a put costs end to end on a 3-node cluster on the
 * simulated network: proposed at the leader, persisted, replicated,
 * committed by a majority and applied to each node's MVCC store.
 *
 * BenchmarkClusterPut3: ns/op is one put (CPU time; the network's latency
 * is virtual). Puts go in windows of 64 outstanding; a fresh cluster every
 * 1024 puts keeps the logs small (the simulated disk copies a file at each
 * fsync), and its election is not timed.
 * BenchmarkStorePut: one etcd_put into a store of 1024 keys, for scale.
 *
 * Interface: UG_BENCH bodies, each cluster an rt_run of its own.
 */
#include <stdio.h>
#include <string.h>
#include <undergo/bench.h>
#include <undergo/runtime.h>

#include "etcd.h"

#define MS 1000000LL
#define CHUNK 1024
#define WINDOW 64

typedef struct bench_world {
    ug_bench_t *b;
    uint64_t puts;
    simhost_t *h[3];
    etcd_raft_t *r[3];
    etcd_store_t *store[3];
    int64_t applied[3];
    int ok;
} bench_world_t;

static bench_world_t bw;

static void apply(void *ud, int id, int64_t index, const void *cmd, size_t len)
{
    (void)ud;
    char key[ETCD_RAFT_MAX_CMD + 1];
    memcpy(key, cmd, len);
    key[len] = 0;
    etcd_put(bw.store[id], key, "value", 0, NULL, NULL);
    bw.applied[id] = index;
}

static void boot(void *arg)
{
    int id = (int)(intptr_t)arg;
    etcd_raft_config_t cfg = {
        .id = id, .npeers = 3, .peers = {"n0", "n1", "n2"}, .seed = 7, .apply = apply};
    etcd_store_new(NULL, &bw.store[id]);
    if (etcd_raft_start(&cfg, &bw.r[id]))
        bw.ok = 0;
}

static int leader(void)
{
    for (int i = 0; i < 3; i++) {
        bool lead = false;
        if (bw.r[i])
            etcd_raft_term(bw.r[i], &lead);
        if (lead)
            return i;
    }
    return -1;
}

static void cluster(void *arg)
{
    (void)arg;
    simnet_t *net;
    simnet_new(NULL, &net);
    static const char *names[3] = {"n0", "n1", "n2"};
    for (int i = 0; i < 3; i++) {
        simnet_host_add(net, names[i], &bw.h[i]);
        simhost_spawn(bw.h[i], boot, (void *)(intptr_t)i, NULL);
    }
    int l;
    while ((l = leader()) < 0)
        clock_sleep(50 * MS);
    ug_bench_start_timer(bw.b);
    int64_t last = 0;
    for (uint64_t i = 0; i < bw.puts && bw.ok;) {
        while (last - bw.applied[l] < WINDOW && i < bw.puts) {
            char key[32];
            int len = snprintf(key, sizeof key, "key/%llu", (unsigned long long)(i % 1024));
            if (etcd_raft_propose(bw.r[l], key, (size_t)len, &last, NULL)) {
                bw.ok = 0;
                break;
            }
            i++;
        }
        clock_sleep(1 * MS);
    }
    while (bw.ok && bw.applied[l] < last)
        clock_sleep(1 * MS);
    ug_bench_stop_timer(bw.b);
    simnet_free(net);
    for (int i = 0; i < 3; i++) {
        etcd_raft_free(bw.r[i]);
        etcd_store_free(bw.store[i]);
    }
}

UG_BENCH(BenchmarkClusterPut3)
{
    ug_bench_stop_timer(b);
    for (uint64_t done = 0; done < b->n; done += CHUNK) {
        memset(&bw, 0, sizeof bw);
        bw.b = b;
        bw.ok = 1;
        bw.puts = b->n - done < CHUNK ? b->n - done : CHUNK;
        rt_config_t cfg = {.sched = RT_SCHED_FIFO, .seed = 1};
        if (rt_run(&cfg, cluster, NULL) || !bw.ok) {
            fprintf(stderr, "BenchmarkClusterPut3: the cluster failed\n");
            return;
        }
    }
}

UG_BENCH(BenchmarkStorePut)
{
    etcd_store_t *s;
    ug_bench_stop_timer(b);
    if (etcd_store_new(NULL, &s))
        return;
    ug_bench_start_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        char key[32];
        snprintf(key, sizeof key, "key/%llu", (unsigned long long)(i % 1024));
        etcd_put(s, key, "value", 0, NULL, NULL);
        if (i % 4096 == 4095) {
            ug_bench_stop_timer(b);
            etcd_compact(s, etcd_store_rev(s)); /* keep the history small */
            ug_bench_start_timer(b);
        }
    }
    ug_bench_stop_timer(b);
    etcd_store_free(s);
}
