/*
 * snapshot.c — Raft log compaction in the style of MIT 6.5840's snapshot
 * tests: each node's service snapshots every 10 applied entries; the log
 * must shrink, a follower cut off while the leader compacted must be
 * brought back by InstallSnapshot, restarts must start from the snapshot
 * on disk, the same over a lossy network, and a crash in the middle of
 * writing a snapshot must leave the old state or the new one. Every run
 * checks that each node applies indexes in order and that every snapshot
 * holds exactly the commands committed at its indexes (cl->errors).
 */
#include "cluster.h"

#define EVERY 10

static void check_run(const cluster_t *cl)
{
    assert_int_equal(0, cl->rc);
    assert_int_equal(0, cl->errors);
    assert_int_equal(0, cl->snap_errors);
}

/* The longest log any live node holds after its snapshot, and the lowest
 * snapshot index among them. */
static void log_bounds(cluster_t *cl, int64_t *longest, int64_t *lowest)
{
    *longest = 0;
    *lowest = INT64_MAX;
    for (int i = 0; i < cl->n; i++)
        if (cl->up[i] && cl->r[i]) {
            int64_t len = etcd_raft_log_len(cl->r[i]), base = etcd_raft_snapshot_index(cl->r[i]);
            if (len > *longest)
                *longest = len;
            if (base < *lowest)
                *lowest = base;
        }
}

/* v0: commands committed in order; v1: the longest log; v2: the lowest
 * snapshot index; v3: commands. */
static void snap_basic(cluster_t *cl)
{
    int k = 40 + (int)cl_noise_below(20);
    cl->v[3] = k;
    for (int i = 1; i <= k; i++)
        cl->v[0] += cl_one(cl, cl_cmd(), 3, true) == i;
    clock_sleep(500 * MS);
    log_bounds(cl, &cl->v[1], &cl->v[2]);
    cl->v[4] = cl->picks[0];
    cl->v[5] = cl_one(cl, cl->v[4], 3, true);
}

static void test_snapshot_compacts_the_log_of_every_node(void **state)
{
    (void)state;
    cluster_t *cl = cl_run_snap(3, snap_basic, NULL, EVERY);
    check_run(cl);
    assert_int_equal(cl->v[3], cl->v[0]);
    assert_true(cl->v[1] < 2 * EVERY);                         /* the log was cut */
    assert_true(cl->v[2] >= cl->v[3] / EVERY * EVERY - EVERY); /* on every node */
    assert_int_equal(cl->v[3] + 1, cl->v[5]);
    assert_int_equal(cl->v[4], cl->committed[cl->v[5] > 0 ? cl->v[5] : 0]);
}

/* 6.5840's install tests: a follower is cut off (or crashed) while the
 * others commit more than a snapshot interval, so the leader no longer has
 * the entries it needs; it must get the snapshot. v0: rounds that
 * committed on all three; v1: rounds where the victim was restored by the
 * leader's snapshot; v2: the last index. */
static void snap_install(cluster_t *cl, bool crash)
{
    int rounds = 4;
    cl_one(cl, cl_cmd(), 3, true);
    for (int r = 0; r < rounds; r++) {
        int leader = cl_one_leader(cl);
        if (leader < 0)
            continue;
        int victim = (leader + 1 + (int)cl_noise_below(2)) % 3;
        if (crash)
            cl_crash(cl, victim);
        else
            cl_disconnect(cl, victim);
        int64_t before = cl->restores[victim];
        int more = EVERY + 1 + (int)cl_noise_below(2 * EVERY);
        for (int i = 0; i < more; i++)
            cl_one(cl, cl_cmd(), 2, true);
        if (crash)
            cl_restart(cl, victim);
        else
            cl_connect(cl, victim);
        int64_t index = cl_one(cl, cl_cmd(), 3, true);
        cl->v[0] += index > 0;
        cl->v[1] += cl->restores[victim] > before;
        cl->v[2] = index;
    }
    cl->v[3] = rounds;
    cl->v[4] = cl->picks[0];
    cl->v[5] = cl_one(cl, cl->v[4], 3, true);
}

static void snap_install_disconnect(cluster_t *cl)
{
    snap_install(cl, false);
}

static void test_snapshot_is_installed_into_a_disconnected_follower(void **state)
{
    (void)state;
    cluster_t *cl = cl_run_snap(3, snap_install_disconnect, NULL, EVERY);
    check_run(cl);
    assert_int_equal(cl->v[3], cl->v[0]);
    assert_int_equal(cl->v[3], cl->v[1]);
    assert_int_equal(cl->v[4], cl->committed[cl->v[5] > 0 ? cl->v[5] : 0]);
}

static void snap_install_unreliable(cluster_t *cl)
{
    snap_install(cl, false);
}

static void test_snapshot_install_survives_an_unreliable_network(void **state)
{
    (void)state;
    static const simlink_t lossy = {
        .latency = 1 * MS, .jitter = 10 * MS, .loss = 0.1, .reorder = 0.1, .dup = 0.05};
    cluster_t *cl = cl_run_snap(3, snap_install_unreliable, &lossy, EVERY);
    check_run(cl);
    assert_int_equal(cl->v[3], cl->v[0]);
    assert_int_equal(cl->v[3], cl->v[1]);
    assert_int_equal(cl->v[4], cl->committed[cl->v[5] > 0 ? cl->v[5] : 0]);
}

/* Crashed followers, then every node at once: each restart starts from
 * the snapshot on its disk (restored at boot, with a short log). v6: nodes
 * whose boot restored a snapshot above 0; v7: the longest log then. */
static void snap_crash(cluster_t *cl)
{
    snap_install(cl, true);
    for (int i = 0; i < 3; i++)
        cl_crash(cl, i);
    int64_t before[3];
    for (int i = 0; i < 3; i++) {
        before[i] = cl->restores[i];
        cl_restart(cl, i);
    }
    clock_sleep(10 * MS); /* the boots have run, before any election */
    for (int i = 0; i < 3; i++) {
        cl->v[6] += cl->restores[i] > before[i] && cl->r[i] &&
                    etcd_raft_snapshot_index(cl->r[i]) > 0;
        if (cl->r[i] && etcd_raft_log_len(cl->r[i]) > cl->v[7])
            cl->v[7] = etcd_raft_log_len(cl->r[i]);
    }
    cl->v[8] = cl->picks[1];
    cl->v[9] = cl_one(cl, cl->v[8], 3, true);
}

static void test_snapshot_survives_crashes_and_restarts_begin_at_it(void **state)
{
    (void)state;
    cluster_t *cl = cl_run_snap(3, snap_crash, NULL, EVERY);
    check_run(cl);
    assert_int_equal(cl->v[3], cl->v[0]);
    assert_int_equal(cl->v[3], cl->v[1]);
    assert_int_equal(3, cl->v[6]);
    assert_true(cl->v[7] < 2 * EVERY + 4);
    assert_int_equal(cl->v[8], cl->committed[cl->v[9] > 0 ? cl->v[9] : 0]);
}

/* A crash part-way through writing a snapshot. The victim's disk takes
 * LAT per write and fsync while it snapshots; round k crashes it during
 * its k-th disk operation (k = 0..4 covers every one of them, and after).
 * After the restart its snapshot is the one it had or the one it was
 * writing, the log beside it matches (cl->errors otherwise), and with
 * either it still holds every entry it had written before the snapshot
 * began (v6: rounds where it lost some). */
#define LAT (10 * MS)
#define ROUNDS 6

static int crash_victim = -1, crash_round;
static int64_t crash_old, crash_new;

static void crash_now(simnet_t *net, void *arg)
{
    (void)net;
    cluster_t *cl = arg;
    if (crash_victim < 0 || !cl->up[crash_victim])
        return;
    cl_crash(cl, crash_victim);
    simdisk_set_latency(simhost_disk(cl->h[crash_victim]), 0, 0);
}

static void arm_crash(cluster_t *cl, int id, int64_t index)
{
    if (id != crash_victim || crash_old >= 0)
        return;
    crash_old = etcd_raft_snapshot_index(cl->r[id]);
    crash_new = index;
    simdisk_set_latency(simhost_disk(cl->h[id]), LAT, LAT);
    simnet_at(cl->net, clock_now() + crash_round * LAT + LAT / 2, crash_now, cl);
}

static void snap_torn(cluster_t *cl)
{
    cl->before_snap = arm_crash;
    cl_one(cl, cl_cmd(), 3, true);
    for (int r = 0; r < ROUNDS; r++) {
        int leader = cl_one_leader(cl);
        if (leader < 0)
            continue;
        crash_victim = (leader + 1 + (int)cl_noise_below(2)) % 3;
        crash_round = r % 5;
        crash_old = -1;
        for (int i = 0; i < 2 * EVERY && cl->up[crash_victim]; i++)
            cl_one(cl, cl_cmd(), 2, true);
        clock_sleep(200 * MS);
        int v = crash_victim;
        crash_victim = -1;
        if (cl->up[v]) { /* it did not reach a snapshot: no round */
            simdisk_set_latency(simhost_disk(cl->h[v]), 0, 0);
            continue;
        }
        cl_restart(cl, v);
        for (int t = 0; t < 10 && !cl->r[v]; t++)
            clock_sleep(1 * MS);
        int64_t got = cl->r[v] ? etcd_raft_snapshot_index(cl->r[v]) : -1;
        cl->v[6] += !cl->r[v] || got + etcd_raft_log_len(cl->r[v]) < crash_new;
        cl->v[0]++;
        cl->v[1] += got == crash_old;
        cl->v[2] += got == crash_new;
        cl->v[3] += cl_one(cl, cl_cmd(), 3, true) > 0;
    }
    cl->v[4] = cl->picks[0];
    cl->v[5] = cl_one(cl, cl->v[4], 3, true);
}

static void test_crash_while_writing_a_snapshot_leaves_the_old_or_the_new(void **state)
{
    (void)state;
    cluster_t *cl = cl_run_snap(3, snap_torn, NULL, EVERY);
    check_run(cl);
    assert_true(cl->v[0] >= ROUNDS - 1);
    assert_int_equal(cl->v[0], cl->v[1] + cl->v[2]); /* the old or the new, never else */
    assert_true(cl->v[1] >= 1);                      /* crashes before the new one was durable */
    assert_true(cl->v[2] >= 1);                      /* and after */
    assert_int_equal(cl->v[0], cl->v[3]);
    assert_int_equal(0, cl->v[6]);
    assert_int_equal(cl->v[4], cl->committed[cl->v[5] > 0 ? cl->v[5] : 0]);
}

UG_TEST_GROUP(etcd_snapshot, NULL, NULL,
              cmocka_unit_test(test_snapshot_compacts_the_log_of_every_node),
              cmocka_unit_test(test_snapshot_is_installed_into_a_disconnected_follower),
              cmocka_unit_test(test_snapshot_survives_crashes_and_restarts_begin_at_it),
              cmocka_unit_test(test_snapshot_install_survives_an_unreliable_network),
              cmocka_unit_test(test_crash_while_writing_a_snapshot_leaves_the_old_or_the_new));
