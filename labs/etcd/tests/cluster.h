/*
 * cluster.h — a Raft cluster on the simulated network for the tests, in
 * the shape of MIT 6.5840's Raft tester: nodes n0..n(N-1), each on its own
 * host; disconnect/connect (partitions), crash/restart (with the synced
 * disk), one() that proposes a command until it commits on enough nodes,
 * and a checker of every applied entry: each node applies indexes 1, 2, ...
 * in order, and no two nodes apply different commands at one index. With
 * snap_every set, each node's service snapshots its applied commands
 * every snap_every entries (as 6.5840's tester does) and a restored
 * snapshot must hold exactly the commands committed at its indexes.
 *
 * Interface: cl_run(n, body, link) runs body(cl) in a run seeded by the
 * test's seed; body uses cl_* and records what it saw in cl->v[]; the test
 * asserts on them after the run.
 */
#ifndef ETCD_CLUSTER_H
#define ETCD_CLUSTER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/labtest.h>
#include <undergo/runtime.h>
#include <undergo/simnet.h>

#include "etcd.h"

/* each test file uses some of these helpers */
#pragma GCC diagnostic ignored "-Wunused-function"

#define CL_MAX 5
#define CL_LOG 512
#define MS 1000000LL
#define SEC 1000000000LL

typedef struct cluster cluster_t;
typedef struct cl_boot {
    cluster_t *cl;
    int id;
} cl_boot_t;

/* Timing, victims and unchecked commands come from a generator of the
 * cluster's own, seeded once per run: how often a body draws from it
 * depends on the implementation (how soon a leader appears), so values
 * that checks see come from picks[], drawn before the run starts. */
static uint64_t cl_noise_state;

static uint64_t cl_noise(void)
{
    cl_noise_state ^= cl_noise_state << 13;
    cl_noise_state ^= cl_noise_state >> 7;
    cl_noise_state ^= cl_noise_state << 17;
    return cl_noise_state;
}

static uint64_t cl_noise_below(uint64_t n)
{
    return cl_noise() % n;
}

struct cluster {
    int n;
    simnet_t *net;
    simhost_t *h[CL_MAX];
    etcd_raft_t *r[CL_MAX];
    bool up[CL_MAX], connected[CL_MAX];
    cl_boot_t boot[CL_MAX];
    int64_t applied[CL_MAX][CL_LOG + 1];
    int64_t napplied[CL_MAX];
    int64_t committed[CL_LOG + 1]; /* the command at each index, 0: none seen */
    int64_t errors;                /* applied out of order or disagreeing */
    uint64_t seed;
    const simlink_t *link;
    void (*body)(cluster_t *cl);
    int64_t v[16];    /* what the body saw, checked after the run */
    int64_t picks[8]; /* seeded commands whose commit is checked */
    int rc;
    int snap_every;           /* 0: no snapshots */
    int64_t snaps[CL_MAX];    /* snapshots each node took */
    int64_t restores[CL_MAX]; /* snapshots handed to each node's service */
    int64_t snap_errors;      /* etcd_raft_snapshot failed */
    void (*before_snap)(cluster_t *cl, int id, int64_t index); /* a test's hook */
};

static void cl_restore(void *ud, int id, int64_t index, const void *data, size_t len)
{
    cluster_t *cl = ud;
    cl->restores[id]++;
    if (index < 0 || index > CL_LOG || len != (size_t)index * sizeof(int64_t)) {
        cl->errors++;
        return;
    }
    memcpy(&cl->applied[id][1], data, len);
    for (int64_t i = 1; i <= index; i++) {
        if (cl->committed[i] && cl->committed[i] != cl->applied[id][i])
            cl->errors++;
        cl->committed[i] = cl->applied[id][i];
    }
    cl->napplied[id] = index;
}

static void cl_apply(void *ud, int id, int64_t index, const void *cmd, size_t len)
{
    cluster_t *cl = ud;
    int64_t v = 0;
    if (len == sizeof v)
        memcpy(&v, cmd, sizeof v);
    if (index != cl->napplied[id] + 1 || index > CL_LOG) {
        cl->errors++;
        return;
    }
    cl->applied[id][index] = v;
    cl->napplied[id] = index;
    if (cl->committed[index] && cl->committed[index] != v)
        cl->errors++;
    cl->committed[index] = v;
    if (cl->snap_every && index % cl->snap_every == 0 && cl->r[id]) {
        if (cl->before_snap)
            cl->before_snap(cl, id, index);
        if (etcd_raft_snapshot(cl->r[id], index, &cl->applied[id][1],
                               (size_t)index * sizeof(int64_t)))
            cl->snap_errors++;
        else
            cl->snaps[id]++;
    }
}

static void cl_boot_task(void *arg)
{
    cl_boot_t *b = arg;
    cluster_t *cl = b->cl;
    etcd_raft_config_t cfg = {.id = b->id,
                              .npeers = cl->n,
                              .seed = cl->seed + 17 * (uint64_t)b->id,
                              .apply = cl_apply,
                              .ud = cl,
                              .restore = cl_restore};
    static const char *names[CL_MAX] = {"n0", "n1", "n2", "n3", "n4"};
    for (int i = 0; i < cl->n; i++)
        cfg.peers[i] = names[i];
    cl->napplied[b->id] = 0;
    if (etcd_raft_start(&cfg, &cl->r[b->id]))
        cl->rc = -1;
}

static void cl_crash(cluster_t *cl, int i)
{
    if (!cl->up[i])
        return;
    simhost_crash(cl->h[i]);
    etcd_raft_free(cl->r[i]);
    cl->r[i] = NULL;
    cl->up[i] = false;
}

static void cl_restart(cluster_t *cl, int i)
{
    if (cl->up[i])
        return;
    cl->up[i] = true;
    simhost_restart(cl->h[i], cl_boot_task, &cl->boot[i]);
    task_yield();
}

static void cl_disconnect(cluster_t *cl, int i)
{
    cl->connected[i] = false;
    for (int j = 0; j < cl->n; j++)
        if (j != i)
            simnet_partition(cl->net, simhost_name(cl->h[i]), simhost_name(cl->h[j]));
}

static void cl_connect(cluster_t *cl, int i)
{
    cl->connected[i] = true;
    for (int j = 0; j < cl->n; j++)
        if (j != i && cl->connected[j])
            simnet_heal(cl->net, simhost_name(cl->h[i]), simhost_name(cl->h[j]));
}

static bool cl_live(const cluster_t *cl, int i)
{
    return cl->up[i] && cl->connected[i] && cl->r[i];
}

/* The leader of the highest term among live nodes, -1 if none after a few
 * tries; two leaders in one term count as an error. */
static int cl_one_leader(cluster_t *cl)
{
    for (int iter = 0; iter < 10; iter++) {
        clock_sleep(450 * MS + (int64_t)(cl_noise_below(100)) * MS);
        int64_t best = -1;
        int leader = -1;
        for (int i = 0; i < cl->n; i++) {
            bool lead;
            if (!cl_live(cl, i))
                continue;
            int64_t t = etcd_raft_term(cl->r[i], &lead);
            if (!lead)
                continue;
            if (t == best)
                cl->errors++;
            if (t > best)
                best = t, leader = i;
        }
        if (leader >= 0)
            return leader;
    }
    return -1;
}

static int cl_leaders(cluster_t *cl)
{
    int n = 0;
    for (int i = 0; i < cl->n; i++) {
        bool lead;
        if (cl_live(cl, i)) {
            etcd_raft_term(cl->r[i], &lead);
            n += lead;
        }
    }
    return n;
}

static int64_t cl_term(cluster_t *cl)
{
    int64_t t = -1;
    for (int i = 0; i < cl->n; i++)
        if (cl_live(cl, i)) {
            int64_t x = etcd_raft_term(cl->r[i], NULL);
            if (t >= 0 && x != t)
                return -1;
            t = x;
        }
    return t;
}

/* How many nodes applied index, and the command (disagreement: error). */
static int cl_ncommitted(cluster_t *cl, int64_t index, int64_t *cmd)
{
    int n = 0;
    *cmd = 0;
    for (int i = 0; i < cl->n; i++)
        if (cl->up[i] && cl->napplied[i] >= index) {
            if (n && cl->applied[i][index] != *cmd)
                cl->errors++;
            *cmd = cl->applied[i][index];
            n++;
        }
    return n;
}

static int cl_propose(cluster_t *cl, int i, int64_t cmd, int64_t *index)
{
    if (!cl->up[i] || !cl->r[i])
        return -1;
    return etcd_raft_propose(cl->r[i], &cmd, sizeof cmd, index, NULL);
}

/* Proposes cmd until it commits on at least `expected` nodes; its index,
 * or -1 after 10 s. retry: propose again when it does not commit. */
static int64_t cl_one(cluster_t *cl, int64_t cmd, int expected, bool retry)
{
    int64_t start = clock_now();
    int s = 0;
    while (clock_now() - start < 10 * SEC) {
        int64_t index = -1;
        for (int k = 0; k < cl->n; k++) {
            s = (s + 1) % cl->n;
            if (cl_live(cl, s) && cl_propose(cl, s, cmd, &index) == 0)
                break;
            index = -1;
        }
        if (index > 0) {
            int64_t t0 = clock_now();
            while (clock_now() - t0 < 2 * SEC) {
                int64_t got;
                int nd = cl_ncommitted(cl, index, &got);
                if (nd > 0 && nd >= expected && got == cmd)
                    return index;
                clock_sleep(20 * MS);
            }
            if (!retry)
                return -1;
        } else
            clock_sleep(50 * MS);
    }
    return -1;
}

static void cl_main(void *arg)
{
    cluster_t *cl = arg;
    static const char *names[CL_MAX] = {"n0", "n1", "n2", "n3", "n4"};
    if (simnet_new(cl->link, &cl->net)) {
        cl->rc = -1;
        return;
    }
    for (int i = 0; i < cl->n; i++) {
        simnet_host_add(cl->net, names[i], &cl->h[i]);
        cl->boot[i] = (cl_boot_t){cl, i};
        cl->up[i] = cl->connected[i] = true;
    }
    for (int i = 0; i < cl->n; i++)
        simhost_spawn(cl->h[i], cl_boot_task, &cl->boot[i], NULL);
    task_yield();
    cl->body(cl);
    simnet_free(cl->net);
    for (int i = 0; i < cl->n; i++)
        etcd_raft_free(cl->r[i]);
}

/* Runs body on an n-node cluster whose services snapshot every
 * snap_every entries (0: never); the cluster (static) for the checks. */
static cluster_t *cl_run_snap(int n, void (*body)(cluster_t *), const simlink_t *link,
                              int snap_every)
{
    static cluster_t cl;
    memset(&cl, 0, sizeof cl);
    cl.n = n;
    cl.snap_every = snap_every;
    cl.body = body;
    cl.link = link;
    cl.seed = ug_rand();
    cl_noise_state = ug_rand() | 1;
    for (int k = 0; k < 8; k++)
        cl.picks[k] = 1 + (int64_t)ug_rand_below(1000000);
    rt_config_t cfg = {.seed = ug_seed()};
    int rc = rt_run(&cfg, cl_main, &cl);
    if (rc)
        cl.rc = rc;
    return &cl;
}

static cluster_t *cl_run(int n, void (*body)(cluster_t *), const simlink_t *link)
{
    return cl_run_snap(n, body, link, 0);
}

/* An unchecked command (never 0). */
static int64_t cl_cmd(void)
{
    return 1 + (int64_t)cl_noise_below(1000000);
}

#endif
