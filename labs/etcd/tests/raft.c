/*
 * raft.c — Raft in the style of MIT 6.5840's tests, on the simulated
 * network and disk: elections, agreement with and without a quorum, a
 * rejoining leader, backup over divergent logs, persistence across
 * crashes, and Figure 8 (reliable and unreliable). Every run checks that
 * no two nodes apply different commands at one index (cl->errors).
 * Commands, timing choices and crash victims come from the seed.
 */
#include "cluster.h"

/* The run ended well and no two nodes applied different commands. */
static void check_run(const cluster_t *cl)
{
    assert_int_equal(0, cl->rc);
    assert_int_equal(0, cl->errors);
}

/* The seeded command in v[c] committed at the index in v[i]. */
#define CHECK_CMD(cl, c, i)                                                                        \
    assert_int_equal((cl)->v[c], (cl)->committed[(cl)->v[i] > 0 ? (cl)->v[i] : 0])

/* v0: a leader was found; v1: the term held still without failures;
 * v2: leaders alive; v3: a seeded command committed on all three. */
static void initial_election(cluster_t *cl)
{
    int leader = cl_one_leader(cl);
    int64_t t1 = cl_term(cl);
    clock_sleep(2 * SEC);
    int64_t t2 = cl_term(cl);
    cl->v[0] = leader >= 0;
    cl->v[1] = t1 > 0 && t1 == t2;
    cl->v[2] = cl_leaders(cl);
    cl->v[4] = cl->picks[0];
    int64_t index = cl_one(cl, cl->v[4], 3, false), got = 0;
    cl_ncommitted(cl, index, &got);
    cl->v[3] = got;
}

static void test_initial_election_elects_one_leader(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(3, initial_election, NULL);
    check_run(cl);
    assert_int_equal(1, cl->v[0]);
    assert_int_equal(1, cl->v[1]);
    assert_int_equal(1, cl->v[2]);
    assert_int_equal(cl->v[4], cl->v[3]);
}

static void reelection(cluster_t *cl)
{
    int l1 = cl_one_leader(cl);
    cl_disconnect(cl, l1);
    int l2 = cl_one_leader(cl);
    cl->v[0] = l2 >= 0 && l2 != l1;
    cl_connect(cl, l1); /* the old leader must not disturb the new one */
    int l3 = cl_one_leader(cl);
    cl->v[1] = l3 >= 0;
    cl_disconnect(cl, l3);
    cl_disconnect(cl, (l3 + 1) % 3);
    clock_sleep(2 * SEC);
    cl->v[2] = cl_leaders(cl); /* no quorum: no leader */
    cl_connect(cl, (l3 + 1) % 3);
    cl->v[3] = cl_one_leader(cl) >= 0;
    cl_connect(cl, l3);
    cl->v[5] = cl->picks[0];
    cl->v[6] = cl_one(cl, cl->v[5], 3, true);
    cl->v[4] = cl->v[6] > 0;
}

static void test_reelection_after_the_leader_is_cut_off(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(3, reelection, NULL);
    check_run(cl);
    assert_int_equal(1, cl->v[0]);
    assert_int_equal(1, cl->v[1]);
    assert_int_equal(0, cl->v[2]);
    assert_int_equal(1, cl->v[3]);
    assert_int_equal(1, cl->v[4]);
    CHECK_CMD(cl, 5, 6);
}

/* v0: indexes 1..k in order; v1: the sum of what every node applied. */
static void basic_agreement(cluster_t *cl)
{
    int k = 3 + (int)cl_noise_below(5);
    cl->v[2] = k;
    int64_t sum = 0;
    for (int i = 1; i <= k; i++) {
        int64_t got, cmd = cl_cmd();
        if (cl_ncommitted(cl, i, &got) > 0)
            cl->errors++; /* committed before Start() */
        cl->v[0] += cl_one(cl, cmd, 3, false) == i;
        sum += cmd;
        cl->v[3] += cmd;
    }
    clock_sleep(200 * MS);
    for (int n = 0; n < 3; n++)
        for (int i = 1; i <= cl->napplied[n]; i++)
            sum -= cl->applied[n][i];
    cl->v[1] = sum + 2 * cl->v[3]; /* each of three nodes applied every one */
}

static void test_basic_agreement_commits_in_order_on_every_node(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(3, basic_agreement, NULL);
    check_run(cl);
    assert_int_equal(cl->v[2], cl->v[0]);
    assert_int_equal(0, cl->v[1]);
}

static void no_quorum(cluster_t *cl)
{
    cl->v[0] = cl_one(cl, 10, 5, false);
    int leader = cl_one_leader(cl);
    for (int k = 1; k <= 3; k++)
        cl_disconnect(cl, (leader + k) % 5);
    int64_t index = -1, got;
    cl->v[1] = cl_propose(cl, leader, cl_cmd(), &index);
    cl->v[2] = index;
    clock_sleep(2 * SEC);
    cl->v[3] = cl_ncommitted(cl, index, &got); /* two of five: nothing commits */
    for (int k = 1; k <= 3; k++)
        cl_connect(cl, (leader + k) % 5);
    cl_one_leader(cl); /* let the higher terms of the others settle who leads */
    cl->v[5] = cl->picks[0];
    int64_t after = cl_one(cl, cl->v[5], 5, true);
    cl->v[4] = after == 2 || after == 3;
    cl->v[6] = after;
}

static void test_no_agreement_without_a_quorum(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(5, no_quorum, NULL);
    check_run(cl);
    assert_int_equal(1, cl->v[0]);
    assert_int_equal(0, cl->v[1]);
    assert_int_equal(2, cl->v[2]);
    assert_int_equal(0, cl->v[3]);
    assert_int_equal(1, cl->v[4]);
    CHECK_CMD(cl, 5, 6);
}

static void rejoin(cluster_t *cl)
{
    int64_t a = cl->picks[0];
    cl->v[0] = cl_one(cl, a, 3, true);
    int l1 = cl_one_leader(cl);
    cl_disconnect(cl, l1);
    for (int k = 0; k < 3; k++) /* the cut-off leader takes commands it cannot commit */
        cl_propose(cl, l1, 1000000 + k + 1, NULL);
    cl->v[1] = cl_one(cl, a + 1, 2, true);
    int l2 = cl_one_leader(cl);
    cl_disconnect(cl, l2);
    cl_connect(cl, l1);
    cl->v[2] = cl_one(cl, a + 2, 2, true);
    cl_connect(cl, l2);
    cl->v[3] = cl_one(cl, a + 3, 3, true);
    int64_t got;
    cl_ncommitted(cl, 2, &got);
    cl->v[4] = got - a;
    cl->v[5] = a + 3;
    cl->v[6] = cl->v[3];
}

static void test_rejoined_leader_catches_up_and_drops_its_uncommitted_entries(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(3, rejoin, NULL);
    check_run(cl);
    assert_int_equal(1, cl->v[0]);
    assert_int_equal(2, cl->v[1]);
    assert_int_equal(3, cl->v[2]);
    assert_int_equal(4, cl->v[3]);
    assert_int_equal(1, cl->v[4]);
    CHECK_CMD(cl, 5, 6);
}

/* Datagrams sent between the nodes so far. */
static int64_t cl_msgs(cluster_t *cl)
{
    uint64_t msgs = 0;
    for (int i = 0; i < cl->n; i++)
        for (int j = 0; j < cl->n; j++) {
            simnet_stats_t st;
            if (i != j &&
                !simnet_stats(cl->net, simhost_name(cl->h[i]), simhost_name(cl->h[j]), &st))
                msgs += st.msgs_sent;
        }
    return (int64_t)msgs;
}

/* MIT's TestBackup: a leader and one follower cut off take many entries
 * that never commit; the other side commits many of its own; then the
 * logs must be replaced quickly: v4 counts the datagrams while the two
 * nodes with 100 stale entries are brought back, under a bound (backing up
 * one entry per round trip can cost some hundreds more). */
static void backup(cluster_t *cl)
{
    cl->v[0] = cl_one(cl, cl_cmd(), 5, true);
    int l1 = cl_one_leader(cl);
    cl_disconnect(cl, (l1 + 2) % 5);
    cl_disconnect(cl, (l1 + 3) % 5);
    cl_disconnect(cl, (l1 + 4) % 5);
    for (int i = 0; i < 100; i++) /* 100 entries that will never commit */
        cl_propose(cl, l1, 2000000 + i, NULL);
    clock_sleep(500 * MS);
    cl_disconnect(cl, l1);
    cl_disconnect(cl, (l1 + 1) % 5);
    cl_connect(cl, (l1 + 2) % 5);
    cl_connect(cl, (l1 + 3) % 5);
    cl_connect(cl, (l1 + 4) % 5);
    int64_t ok = 0;
    int64_t idx = -1;
    for (int attempt = 0; attempt < 5 && idx < 101; attempt++) {
        int l2 = cl_one_leader(cl);
        for (int i = 0; i < 99 && l2 >= 0; i++) /* 99 entries of a later term, one more */
            cl_propose(cl, l2, 3000000 + i, NULL);
        idx = cl_one(cl, cl_cmd(), 3, true);
    }
    ok += idx >= 101;
    for (int i = 0; i < 5; i++)
        cl_disconnect(cl, i);
    cl_connect(cl, l1);
    cl_connect(cl, (l1 + 1) % 5);
    cl_connect(cl, (l1 + 2) % 5); /* the old pair and a node with the new log */
    int64_t before = cl_msgs(cl);
    for (int i = 0; i < 5; i++)
        ok += cl_one(cl, cl_cmd(), 3, true) > 0;
    cl->v[4] = cl_msgs(cl) - before;
    for (int i = 0; i < 5; i++)
        cl_connect(cl, i);
    cl->v[2] = cl->picks[0];
    cl->v[3] = cl_one(cl, cl->v[2], 5, true);
    ok += cl->v[3] > 0;
    cl->v[1] = ok;
}

static void test_backup_replaces_divergent_logs_quickly(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(5, backup, NULL);
    check_run(cl);
    assert_int_equal(1, cl->v[0]);
    assert_int_equal(7, cl->v[1]);
    assert_true(cl->v[4] < 800);
    CHECK_CMD(cl, 2, 3);
}

static void persistence(cluster_t *cl)
{
    cl->v[0] = cl_one(cl, cl_cmd(), 3, true);
    for (int i = 0; i < 3; i++)
        cl_crash(cl, i);
    for (int i = 0; i < 3; i++)
        cl_restart(cl, i);
    cl->v[1] = cl_one(cl, cl_cmd(), 3, true);
    int l = cl_one_leader(cl);
    cl_crash(cl, l);
    cl_restart(cl, l);
    cl->v[2] = cl_one(cl, cl_cmd(), 3, true);
    int f = (cl_one_leader(cl) + 1 + (int)cl_noise_below(2)) % 3;
    cl_crash(cl, f);
    cl->v[3] = cl_one(cl, cl_cmd(), 2, true);
    cl_restart(cl, f);
    cl->v[5] = cl->picks[0];
    cl->v[4] = cl_one(cl, cl->v[5], 3, true);
    /* the restarted follower applied every entry again from its disk */
    int64_t got;
    cl_ncommitted(cl, 5, &got);
    cl->v[6] = cl->napplied[f] >= 5 ? cl->applied[f][5] : 0;
}

static void test_persisted_state_survives_crashes_of_every_node(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(3, persistence, NULL);
    check_run(cl);
    assert_int_equal(1, cl->v[0]);
    assert_int_equal(2, cl->v[1]);
    assert_int_equal(3, cl->v[2]);
    assert_int_equal(4, cl->v[3]);
    assert_int_equal(5, cl->v[4]);
    assert_int_equal(cl->v[5], cl->v[6]);
}

/* Figure 8 of the Raft paper, step by step: an entry X of an old term
 * reaches a majority under a later leader, yet must not commit, because a
 * node holding an entry Y of a term between them can still be elected and
 * replace X. v1: nodes that applied index 2 before Y's leader returned. */
static void figure8_explicit(cluster_t *cl)
{
    cl->v[0] = cl_one(cl, cl_cmd(), 5, true);
    int s1 = cl_one_leader(cl), s2 = (s1 + 1) % 5;
    int rest[3] = {(s1 + 2) % 5, (s1 + 3) % 5, (s1 + 4) % 5};
    for (int k = 0; k < 3; k++)
        cl_disconnect(cl, rest[k]);
    cl->v[5] = cl->picks[0];
    cl_propose(cl, s1, cl->v[5], NULL); /* X: on s1 and s2 only */
    clock_sleep(500 * MS);
    cl_disconnect(cl, s1);
    cl_disconnect(cl, s2);
    for (int k = 0; k < 3; k++)
        cl_connect(cl, rest[k]);
    int lead = cl_one_leader(cl), other = -1, third = -1;
    for (int k = 0; k < 3; k++)
        if (rest[k] != lead) {
            if (other < 0)
                other = rest[k];
            else
                third = rest[k];
        }
    if (lead < 0) {
        cl->rc = -2;
        return;
    }
    cl_disconnect(cl, third);
    cl->v[6] = cl->picks[1];
    cl_propose(cl, lead, cl->v[6], NULL); /* Y, of a later term: on lead and other */
    clock_sleep(500 * MS);
    cl_disconnect(cl, lead);
    cl_disconnect(cl, other);
    cl_connect(cl, s1);
    cl_connect(cl, s2);
    cl_connect(cl, third); /* s1 or s2 leads again and copies X to third */
    clock_sleep(2 * SEC);
    int64_t got;
    cl->v[1] = cl_ncommitted(cl, 2, &got);
    cl_disconnect(cl, s1);
    cl_disconnect(cl, s2);
    cl_connect(cl, lead);
    cl_connect(cl, other); /* only a node with Y can win now: Y replaces X */
    clock_sleep(1 * SEC);  /* the stale leader meets third's higher term */
    cl_one_leader(cl);
    cl->v[7] = cl_cmd();
    cl->v[2] = cl_one(cl, cl->v[7], 3, true);
    cl->v[3] = cl->committed[2];
    for (int i = 0; i < 5; i++)
        cl_connect(cl, i);
    cl->v[4] = cl_one(cl, cl_cmd(), 5, true) > 0;
}

static void test_figure_8_old_term_entry_on_a_majority_is_not_committed(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(5, figure8_explicit, NULL);
    check_run(cl);
    assert_int_equal(1, cl->v[0]);
    assert_int_equal(0, cl->v[1]);
    assert_int_equal(3, cl->v[2]);
    assert_int_equal(cl->v[6], cl->v[3]);
    assert_int_equal(1, cl->v[4]);
}

/* Waits up to 1 s for read seq at node i: 1 and *index when confirmed. */
static int wait_read(cluster_t *cl, int i, int64_t seq, int64_t *index)
{
    for (int t = 0; t < 50; t++) {
        if (cl->r[i] && etcd_raft_read_ready(cl->r[i], seq, index) == 1)
            return 1;
        clock_sleep(20 * MS);
    }
    return 0;
}

/* ReadIndex: the leader's read is confirmed by a round of heartbeats and
 * covers what was committed; a leader cut off from the others believes it
 * leads but its read never completes, while the new leader's does. */
static void read_index(cluster_t *cl)
{
    int64_t first = cl_one(cl, cl->picks[0], 3, true);
    int l1 = cl_one_leader(cl);
    int64_t seq = 0, index = -1;
    cl->v[0] = etcd_raft_read_index(cl->r[l1], &seq);
    cl->v[1] = wait_read(cl, l1, seq, &index);
    cl->v[2] = index >= first;
    cl_disconnect(cl, l1);
    bool still;
    etcd_raft_term(cl->r[l1], &still);
    int64_t stale = -1;
    cl->v[3] = still && etcd_raft_read_index(cl->r[l1], &seq) == 0;
    cl->v[4] = wait_read(cl, l1, seq, &stale); /* no majority answers: never */
    int64_t second = cl_one(cl, cl->picks[1], 2, true);
    int l2 = cl_one_leader(cl);
    cl->v[5] = l2 >= 0 && l2 != l1 && etcd_raft_read_index(cl->r[l2], &seq) == 0;
    cl->v[6] = l2 >= 0 && wait_read(cl, l2, seq, &index);
    cl->v[7] = index >= second;
    cl->v[8] = cl->committed[second > 0 ? second : 0];
    cl_connect(cl, l1);
}

static void test_read_index_is_confirmed_by_a_majority_and_never_by_a_cut_off_leader(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(3, read_index, NULL);
    check_run(cl);
    assert_int_equal(0, cl->v[0]);
    assert_int_equal(1, cl->v[1]);
    assert_int_equal(1, cl->v[2]);
    assert_int_equal(1, cl->v[3]);
    assert_int_equal(0, cl->v[4]);
    assert_int_equal(1, cl->v[5]);
    assert_int_equal(1, cl->v[6]);
    assert_int_equal(1, cl->v[7]);
    assert_int_equal(cl->picks[1], cl->v[8]);
}

/* MIT's TestFigure8: leaders crash right after taking commands, others
 * restart, over and over; committed entries must never be replaced. */
static void figure8(cluster_t *cl)
{
    int n = cl->n, nup = n;
    cl_one(cl, cl_cmd(), 1, true);
    for (int iter = 0; iter < 60; iter++) {
        int leader = -1;
        for (int i = 0; i < n; i++)
            if (cl_live(cl, i) && cl_propose(cl, i, cl_cmd(), NULL) == 0)
                leader = i;
        if (cl_noise_below(1000) < 100)
            clock_sleep((int64_t)cl_noise_below(500) * MS);
        else
            clock_sleep((int64_t)cl_noise_below(13) * MS);
        if (leader >= 0 && cl->up[leader]) {
            cl_crash(cl, leader);
            nup--;
        }
        if (nup < 3) {
            int s = (int)cl_noise_below((uint64_t)n);
            if (!cl->up[s]) {
                cl_restart(cl, s);
                nup++;
            }
        }
    }
    for (int i = 0; i < n; i++)
        cl_restart(cl, i);
    cl->v[1] = cl->picks[0];
    cl->v[2] = cl_one(cl, cl->v[1], n, true);
    cl->v[0] = cl->v[2] > 0;
}

static void test_figure_8_old_term_entries_commit_only_under_a_current_one(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(5, figure8, NULL);
    check_run(cl);
    assert_int_equal(1, cl->v[0]);
    CHECK_CMD(cl, 1, 2);
}

/* The same over a lossy, reordering network, with partitions instead of
 * crashes. */
static void figure8_unreliable(cluster_t *cl)
{
    int n = cl->n, nup = n;
    cl_one(cl, cl_cmd(), 1, true);
    for (int iter = 0; iter < 150; iter++) {
        int leader = -1;
        for (int i = 0; i < n; i++)
            if (cl_live(cl, i) && cl_propose(cl, i, cl_cmd(), NULL) == 0)
                leader = i;
        if (cl_noise_below(1000) < 100)
            clock_sleep((int64_t)cl_noise_below(500) * MS);
        else
            clock_sleep((int64_t)cl_noise_below(13) * MS);
        if (leader >= 0 && cl_noise_below(1000) < 500) {
            cl_disconnect(cl, leader);
            nup--;
        }
        if (nup < 3) {
            int s = (int)cl_noise_below((uint64_t)n);
            if (!cl->connected[s]) {
                cl_connect(cl, s);
                nup++;
            }
        }
    }
    for (int i = 0; i < n; i++)
        cl_connect(cl, i);
    cl->v[1] = cl->picks[0];
    cl->v[2] = cl_one(cl, cl->v[1], n, true);
    cl->v[0] = cl->v[2] > 0;
}

static void test_figure_8_unreliable_keeps_logs_consistent(void **state)
{
    (void)state;
    static const simlink_t lossy = {
        .latency = 1 * MS, .jitter = 20 * MS, .loss = 0.1, .reorder = 0.1, .dup = 0.02};
    cluster_t *cl = cl_run(5, figure8_unreliable, &lossy);
    check_run(cl);
    assert_int_equal(1, cl->v[0]);
    CHECK_CMD(cl, 1, 2);
}

/* 6.5840's TestManyElections: over and over, three random nodes of five
 * stay connected; there is always a leader (a majority is connected) and
 * never two in one term (cl_one_leader counts those as errors). v0:
 * rounds with a leader. */
#define ELECTION_ROUNDS 10

static void many_elections(cluster_t *cl)
{
    cl_one_leader(cl);
    for (int r = 0; r < ELECTION_ROUNDS; r++) {
        int a = (int)cl_noise_below(5), b = (a + 1 + (int)cl_noise_below(4)) % 5;
        cl_disconnect(cl, a);
        cl_disconnect(cl, b);
        cl->v[0] += cl_one_leader(cl) >= 0;
        cl_connect(cl, a);
        cl_connect(cl, b);
    }
    cl->v[1] = cl_one_leader(cl) >= 0;
    cl->v[2] = cl->picks[0];
    cl->v[3] = cl_one(cl, cl->v[2], 5, true);
}

static void test_many_elections_always_find_one_leader_per_term(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(5, many_elections, NULL);
    check_run(cl);
    assert_int_equal(ELECTION_ROUNDS, cl->v[0]);
    assert_int_equal(1, cl->v[1]);
    CHECK_CMD(cl, 2, 3);
}

/* 6.5840's TestConcurrentStarts: several proposals at the leader at once
 * take consecutive indexes of one term and all commit, in that term.
 * v0: proposals accepted; v1: at consecutive indexes; v2: committed with
 * their commands; v3: the term held. */
#define STARTS 5

static void concurrent_starts(cluster_t *cl)
{
    cl_one(cl, cl_cmd(), 3, true);
    int leader = cl_one_leader(cl);
    int64_t term = cl_term(cl), first = -1;
    for (int k = 0; k < STARTS; k++) {
        int64_t index = -1, t = -1;
        if (etcd_raft_propose(cl->r[leader], &cl->picks[k], sizeof cl->picks[k], &index, &t))
            continue;
        cl->v[0]++;
        if (first < 0)
            first = index;
        cl->v[1] += index == first + k && t == term;
    }
    clock_sleep(1 * SEC);
    for (int k = 0; k < STARTS; k++) {
        int64_t got;
        cl->v[2] += cl_ncommitted(cl, first + k, &got) == 3 && got == cl->picks[k];
    }
    cl->v[3] = cl_term(cl) == term;
    cl->v[4] = first;
}

static void test_concurrent_starts_all_commit_in_one_term(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(3, concurrent_starts, NULL);
    check_run(cl);
    assert_int_equal(STARTS, cl->v[0]);
    assert_int_equal(STARTS, cl->v[1]);
    assert_int_equal(STARTS, cl->v[2]);
    assert_int_equal(1, cl->v[3]);
    for (int k = 0; k < STARTS; k++) /* the seeded commands, in the order proposed */
        assert_int_equal(cl->picks[k], cl->committed[cl->v[4] > 0 ? cl->v[4] + k : 0]);
}

/* 6.5840's TestCount: an election takes few messages, agreement of N
 * commands a bounded number (entries go with the next append, not one
 * round each retried), and an idle cluster sends only heartbeats: a
 * round to each follower and its answers per 50 ms. v0: datagrams of the
 * first election; v1: of N agreements; v2: of one idle second. */
#define COUNT_CMDS 10

static void rpc_count(cluster_t *cl)
{
    cl_one_leader(cl);
    cl->v[0] = cl_msgs(cl);
    int64_t before = cl_msgs(cl);
    for (int k = 0; k < COUNT_CMDS; k++)
        cl->v[3] += cl_one(cl, cl_cmd(), 3, false) > 0;
    cl->v[1] = cl_msgs(cl) - before;
    before = cl_msgs(cl);
    int64_t t0 = cl_term(cl);
    clock_sleep(1 * SEC);
    cl->v[2] = cl_msgs(cl) - before;
    cl->v[4] = cl_term(cl) == t0;
    cl->v[5] = cl->picks[0];
    cl->v[6] = cl_one(cl, cl->v[5], 3, true);
}

static void test_agreement_and_idleness_take_a_bounded_number_of_messages(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(3, rpc_count, NULL);
    check_run(cl);
    assert_true(cl->v[0] > 0 && cl->v[0] < 60);
    assert_int_equal(COUNT_CMDS, cl->v[3]);
    /* each command: an append and its answer per follower, plus the
     * heartbeats of the time it took */
    assert_true(cl->v[1] <= (COUNT_CMDS + 3) * 2 * 2 + cl->v[2]);
    assert_true(cl->v[2] <= 2 * 2 * (1 * SEC / (50 * MS) + 1));
    assert_int_equal(1, cl->v[4]);
    CHECK_CMD(cl, 5, 6);
}

/* 6.5840's TestPersist2: leaders and followers crash in turn while the
 * rest agree; restarted nodes must come back with their logs. v0: rounds
 * whose commands committed on all five. */
#define PERSIST_ROUNDS 4

static void persist2(cluster_t *cl)
{
    for (int r = 0; r < PERSIST_ROUNDS; r++) {
        cl_one(cl, cl_cmd(), 5, true);
        int l = cl_one_leader(cl);
        if (l < 0)
            continue;
        cl_crash(cl, (l + 1) % 5);
        cl_crash(cl, (l + 2) % 5);
        cl_one(cl, cl_cmd(), 3, true);
        cl_crash(cl, l);
        cl_crash(cl, (l + 3) % 5);
        cl_crash(cl, (l + 4) % 5);
        cl_restart(cl, (l + 1) % 5);
        cl_restart(cl, (l + 2) % 5);
        clock_sleep(1 * SEC);
        cl_restart(cl, (l + 3) % 5);
        cl_one(cl, cl_cmd(), 3, true);
        cl_restart(cl, (l + 4) % 5);
        cl_restart(cl, l);
        cl->v[0] += cl_one(cl, cl_cmd(), 5, true) > 0;
    }
    cl->v[1] = cl->picks[0];
    cl->v[2] = cl_one(cl, cl->v[1], 5, true);
}

static void test_crashes_of_leaders_and_followers_during_agreement_lose_nothing(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(5, persist2, NULL);
    check_run(cl);
    assert_int_equal(PERSIST_ROUNDS, cl->v[0]);
    CHECK_CMD(cl, 1, 2);
}

/* 6.5840's TestPersist3: a partitioned leader and a follower crash; the
 * node that missed an entry and the restarted leader must agree with the
 * one that holds it. v0..v3: the four commands' indexes. */
static void persist3(cluster_t *cl)
{
    cl->v[0] = cl_one(cl, cl->picks[0], 3, true);
    int l = cl_one_leader(cl);
    if (l < 0) {
        cl->rc = -2;
        return;
    }
    cl_disconnect(cl, (l + 2) % 3);
    cl->v[1] = cl_one(cl, cl->picks[1], 2, true);
    cl_crash(cl, l);
    cl_crash(cl, (l + 1) % 3);
    cl_connect(cl, (l + 2) % 3);
    cl_restart(cl, l);
    cl->v[2] = cl_one(cl, cl->picks[2], 2, true);
    cl_restart(cl, (l + 1) % 3);
    cl->v[3] = cl_one(cl, cl->picks[3], 3, true);
}

static void test_crash_of_a_partitioned_leader_keeps_the_entry_it_committed(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(3, persist3, NULL);
    check_run(cl);
    for (int k = 0; k < 4; k++) {
        assert_int_equal(k + 1, cl->v[k]);
        assert_int_equal(cl->picks[k], cl->committed[k + 1]);
    }
}

/* Fast backup by term: a cut-off leader takes 50 entries that never
 * commit while the others commit 50 of a later term; once it is back,
 * the new leader replaces its log in a few round trips, not one per
 * entry. v0: what the new leader sent it until it had caught up. */
static void tight_backup(cluster_t *cl)
{
    cl_one(cl, cl_cmd(), 3, true);
    int old = cl_one_leader(cl);
    cl_disconnect(cl, old);
    for (int i = 0; i < 50; i++)
        cl_propose(cl, old, 4000000 + i, NULL);
    int64_t last = 0;
    for (int i = 0; i < 50; i++)
        last = cl_one(cl, cl_cmd(), 2, true);
    int l = cl_one_leader(cl);
    if (l < 0 || l == old) {
        cl->rc = -2;
        return;
    }
    simnet_stats_t a, b;
    simnet_stats(cl->net, simhost_name(cl->h[l]), simhost_name(cl->h[old]), &a);
    int64_t start = clock_now();
    cl_connect(cl, old);
    while (cl->napplied[old] < last && clock_now() - start < 5 * SEC)
        clock_sleep(1 * MS);
    simnet_stats(cl->net, simhost_name(cl->h[l]), simhost_name(cl->h[old]), &b);
    cl->v[0] = (int64_t)(b.msgs_sent - a.msgs_sent);
    cl->v[1] = cl->napplied[old] >= last;
    cl->v[2] = cl->picks[0];
    cl->v[3] = cl_one(cl, cl->v[2], 3, true);
}

static void test_backup_skips_a_whole_term_per_round_trip(void **state)
{
    (void)state;
    cluster_t *cl = cl_run(3, tight_backup, NULL);
    check_run(cl);
    assert_int_equal(1, cl->v[1]);
    assert_true(cl->v[0] <= 10); /* one entry per round trip: over 50 */
    CHECK_CMD(cl, 2, 3);
}

UG_TEST_GROUP(
    etcd_raft, NULL, NULL, cmocka_unit_test(test_initial_election_elects_one_leader),
    cmocka_unit_test(test_reelection_after_the_leader_is_cut_off),
    cmocka_unit_test(test_basic_agreement_commits_in_order_on_every_node),
    cmocka_unit_test(test_no_agreement_without_a_quorum),
    cmocka_unit_test(test_rejoined_leader_catches_up_and_drops_its_uncommitted_entries),
    cmocka_unit_test(test_backup_replaces_divergent_logs_quickly),
    cmocka_unit_test(test_persisted_state_survives_crashes_of_every_node),
    cmocka_unit_test(test_figure_8_old_term_entry_on_a_majority_is_not_committed),
    cmocka_unit_test(test_read_index_is_confirmed_by_a_majority_and_never_by_a_cut_off_leader),
    cmocka_unit_test(test_figure_8_old_term_entries_commit_only_under_a_current_one),
    cmocka_unit_test(test_figure_8_unreliable_keeps_logs_consistent),
    cmocka_unit_test(test_many_elections_always_find_one_leader_per_term),
    cmocka_unit_test(test_concurrent_starts_all_commit_in_one_term),
    cmocka_unit_test(test_agreement_and_idleness_take_a_bounded_number_of_messages),
    cmocka_unit_test(test_crashes_of_leaders_and_followers_during_agreement_lose_nothing),
    cmocka_unit_test(test_crash_of_a_partitioned_leader_keeps_the_entry_it_committed),
    cmocka_unit_test(test_backup_skips_a_whole_term_per_round_trip));
