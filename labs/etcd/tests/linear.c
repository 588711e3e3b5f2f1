/*
 * linear.c — a register replicated by Raft is linearizable under
 * partitions. Three clients put and get one register through the log
 * (each command carries its client and sequence number; the first copy in
 * the log takes effect, retries are ignored) while a nemesis cuts and
 * heals nodes. Every operation's call and return instants are recorded,
 * and a Wing–Gong search (Porcupine's algorithm, with memoization on the
 * set of linearized operations and the register's value) looks for an
 * order that respects real time and the register's rules. The checker is
 * shown to reject a stale read first. Values and timing come from the seed.
 *
 * Then a key-value store of three keys, under partitions and crashes:
 * linearizability is local (Herlihy and Wing), so a history of many keys
 * is linearizable when the history of each key is, and the same search
 * checks each key's operations on their own.
 */
#include "cluster.h"

#define CLIENTS 3
#define OPS 6
#define NOPS (CLIENTS * OPS)

typedef struct lop {
    int64_t call, ret;
    bool put;
    int64_t value; /* put: written; get: read */
} lop_t;

/* ---- the checker ---- */

typedef struct memo {
    uint64_t *keys;
    size_t cap;
} memo_t;

static bool memo_add(memo_t *m, uint32_t mask, int64_t value)
{
    uint64_t k = ((uint64_t)mask << 32 | (uint32_t)value) + 1;
    for (size_t i = (k * 0x9e3779b97f4a7c15ULL) % m->cap;; i = (i + 1) % m->cap) {
        if (m->keys[i] == k)
            return false;
        if (!m->keys[i]) {
            m->keys[i] = k;
            return true;
        }
    }
}

static bool search(const lop_t *h, int n, uint32_t done, int64_t value, memo_t *m)
{
    if (done == (1u << n) - 1)
        return true;
    if (!memo_add(m, done, value))
        return false;
    int64_t first_ret = INT64_MAX;
    for (int i = 0; i < n; i++)
        if (!(done >> i & 1) && h[i].ret < first_ret)
            first_ret = h[i].ret;
    for (int i = 0; i < n; i++) {
        if (done >> i & 1 || h[i].call > first_ret)
            continue; /* some pending op returned before this one was called */
        if (h[i].put) {
            if (search(h, n, done | 1u << i, h[i].value, m))
                return true;
        } else if (h[i].value == value && search(h, n, done | 1u << i, value, m))
            return true;
    }
    return false;
}

/* Whether the history (at most 24 ops; the register starts at 0) is
 * linearizable. */
static int linearizable(const lop_t *h, int n)
{
    memo_t m = {calloc(1 << 22, sizeof(uint64_t)), 1 << 22};
    int ok = search(h, n, 0, 0, &m);
    free(m.keys);
    return ok;
}

/* ---- the service ---- */

static lop_t hist[NOPS];
static bool plan_put[NOPS];
static int64_t plan_value[NOPS];
static int clients_done;

static int64_t encode(bool put, int client, int seq, int64_t value)
{
    return (int64_t)put << 56 | (int64_t)client << 48 | (int64_t)seq << 32 | (value & 0xffffffff);
}

/* Whether (client, seq) took effect in node i's applied log; *out: what a
 * get read there. */
static bool effect(cluster_t *cl, int i, int client, int seq, int64_t *out)
{
    int64_t reg = 0;
    static bool seen[CLIENTS][OPS + 1];
    memset(seen, 0, sizeof seen);
    for (int64_t k = 1; k <= cl->napplied[i]; k++) {
        int64_t c = cl->applied[i][k];
        bool put = c >> 56 & 1;
        int cc = (int)(c >> 48 & 0xff), sq = (int)(c >> 32 & 0xffff);
        if (c <= 0 || cc >= CLIENTS || sq > OPS || seen[cc][sq])
            continue; /* the warm-up command, or a retried copy */
        seen[cc][sq] = true;
        if (put)
            reg = (int32_t)(c & 0xffffffff);
        if (cc == client && sq == seq) {
            *out = reg;
            return true;
        }
    }
    return false;
}

typedef struct client_arg {
    cluster_t *cl;
    int id;
} client_arg_t;

static void client(void *arg)
{
    client_arg_t *a = arg;
    cluster_t *cl = a->cl;
    int node = a->id % cl->n;
    for (int seq = 1; seq <= OPS; seq++) {
        lop_t *op = &hist[a->id * OPS + seq - 1];
        op->put = plan_put[a->id * OPS + seq - 1];
        int64_t value = op->put ? plan_value[a->id * OPS + seq - 1] : 0;
        op->call = clock_now();
        int64_t got = 0;
        bool ok = false;
        while (!ok && clock_now() < 60 * SEC) { /* a bound for a broken cluster */
            node = (node + 1) % cl->n;
            if (!cl_live(cl, node) ||
                cl_propose(cl, node, encode(op->put, a->id, seq, value), NULL)) {
                clock_sleep(10 * MS);
                continue;
            }
            for (int t = 0; t < 50 && !ok; t++) {
                clock_sleep(20 * MS);
                for (int i = 0; i < cl->n && !ok; i++)
                    ok = cl->up[i] && effect(cl, i, a->id, seq, &got);
            }
        }
        if (!ok)
            break;
        op->ret = clock_now();
        op->value = op->put ? value : got;
        clock_sleep((int64_t)cl_noise_below(100) * MS);
    }
    clients_done++;
}

static void register_under_partitions(cluster_t *cl)
{
    cl_one(cl, -1, 3, true); /* warm up: a leader and a first entry */
    clients_done = 0;
    static client_arg_t args[CLIENTS];
    for (int c = 0; c < CLIENTS; c++) {
        args[c] = (client_arg_t){cl, c};
        task_spawn(client, &args[c], NULL);
    }
    int cuts = 0;
    while (clients_done < CLIENTS && clock_now() < 61 * SEC) {
        if (cuts) /* the first cut comes at once */
            clock_sleep(100 * MS + (int64_t)cl_noise_below(300) * MS);
        int victim = (int)cl_noise_below((uint64_t)cl->n);
        for (int i = 0; i < cl->n; i++)
            cl_connect(cl, i);
        if (!cuts || cl_noise_below(3)) {
            cl_disconnect(cl, victim);
            cuts++;
        }
    }
    cl->v[0] = cuts > 0;
    bool all = true; /* an unfinished history is a failure, not a search */
    for (int i = 0; i < NOPS; i++)
        all = all && hist[i].ret > 0;
    cl->v[2] = all && linearizable(hist, NOPS);
}

static void test_register_history_under_partitions_is_linearizable(void **state)
{
    (void)state;
    /* the checker first: put 1, then put 2, then a get that reads 1 */
    int64_t a = 1 + (int64_t)ug_rand_below(100), b = a + 1;
    lop_t stale[] = {{0, 10, true, a}, {20, 30, true, b}, {40, 50, false, a}};
    assert_int_equal(0, linearizable(stale, 3));
    lop_t overlap[] = {{0, 10, true, a}, {20, 60, true, b}, {40, 50, false, a}};
    assert_int_equal(1, linearizable(overlap, 3));
    memset(hist, 0, sizeof hist);
    int64_t planned = 0, done = 0;
    for (int i = 0; i < NOPS; i++) {
        plan_put[i] = ug_rand_below(2);
        plan_value[i] = 1 + (int64_t)ug_rand_below(1000);
        planned += plan_put[i] ? plan_value[i] : 0;
    }
    cluster_t *cl = cl_run(5, register_under_partitions, NULL);
    for (int i = 0; i < NOPS; i++) /* every put returned, with its value */
        done += hist[i].put && hist[i].ret > 0 ? hist[i].value : 0;
    assert_int_equal(0, cl->rc);
    assert_int_equal(0, cl->errors);
    assert_int_equal(1, cl->v[0]);
    assert_int_equal(planned, done);
    assert_int_equal(1, cl->v[2]);
}

/* ---- a key-value store of several keys ---- */

#define KEYS 3
#define KV_OPS 8
#define KV_NOPS (CLIENTS * KV_OPS)

static lop_t kv_hist[KV_NOPS];
static int kv_key[KV_NOPS];
static bool kv_plan_put[KV_NOPS];
static int64_t kv_plan_value[KV_NOPS];
static int kv_done;

/* put, client, seq, key, value: a command of its own layout */
static int64_t kv_encode(bool put, int client, int seq, int key, int64_t value)
{
    return (int64_t)put << 56 | (int64_t)client << 48 | (int64_t)seq << 32 | (int64_t)key << 24 |
           (value & 0xffffff);
}

/* Whether (client, seq) took effect in node i's applied log; *out: what a
 * get read from its key there. */
static bool kv_effect(cluster_t *cl, int i, int client, int seq, int64_t *out)
{
    int64_t reg[KEYS] = {0};
    static bool seen[CLIENTS][KV_OPS + 1];
    memset(seen, 0, sizeof seen);
    for (int64_t k = 1; k <= cl->napplied[i]; k++) {
        int64_t c = cl->applied[i][k];
        bool put = c >> 56 & 1;
        int cc = (int)(c >> 48 & 0xff), sq = (int)(c >> 32 & 0xffff), key = (int)(c >> 24 & 0xff);
        if (c <= 0 || cc >= CLIENTS || sq > KV_OPS || key >= KEYS || seen[cc][sq])
            continue;
        seen[cc][sq] = true;
        if (put)
            reg[key] = c & 0xffffff;
        if (cc == client && sq == seq) {
            *out = reg[key];
            return true;
        }
    }
    return false;
}

static void kv_client(void *arg)
{
    client_arg_t *a = arg;
    cluster_t *cl = a->cl;
    int node = a->id % cl->n;
    for (int seq = 1; seq <= KV_OPS; seq++) {
        int at = a->id * KV_OPS + seq - 1;
        lop_t *op = &kv_hist[at];
        op->put = kv_plan_put[at];
        int64_t value = op->put ? kv_plan_value[at] : 0;
        op->call = clock_now();
        int64_t got = 0;
        bool ok = false;
        while (!ok && clock_now() < 90 * SEC) { /* a bound for a broken cluster */
            node = (node + 1) % cl->n;
            if (!cl_live(cl, node) ||
                cl_propose(cl, node, kv_encode(op->put, a->id, seq, kv_key[at], value), NULL)) {
                clock_sleep(10 * MS);
                continue;
            }
            for (int t = 0; t < 50 && !ok; t++) {
                clock_sleep(20 * MS);
                for (int i = 0; i < cl->n && !ok; i++)
                    ok = cl->up[i] && kv_effect(cl, i, a->id, seq, &got);
            }
        }
        if (!ok)
            break;
        op->ret = clock_now();
        op->value = op->put ? value : got;
        clock_sleep((int64_t)cl_noise_below(100) * MS);
    }
    kv_done++;
}

/* Whether every key's operations, on their own, are linearizable. */
static int kv_linearizable(const lop_t *h, const int *key, int n)
{
    for (int k = 0; k < KEYS; k++) {
        lop_t sub[KV_NOPS];
        int m = 0;
        for (int i = 0; i < n; i++)
            if (key[i] == k)
                sub[m++] = h[i];
        if (!linearizable(sub, m))
            return 0;
    }
    return 1;
}

/* The nemesis heals and restarts everything, then cuts one node off or
 * crashes one (it restarts from its disk at the next step). v0: cuts;
 * v1: crashes; v2: the history is complete and linearizable. */
static void kv_under_faults(cluster_t *cl)
{
    cl_one(cl, -1, 5, true);
    kv_done = 0;
    static client_arg_t args[CLIENTS];
    for (int c = 0; c < CLIENTS; c++) {
        args[c] = (client_arg_t){cl, c};
        task_spawn(kv_client, &args[c], NULL);
    }
    int step = 0;
    while (kv_done < CLIENTS && clock_now() < 91 * SEC) {
        if (step++) /* the first fault comes at once */
            clock_sleep(100 * MS + (int64_t)cl_noise_below(300) * MS);
        for (int i = 0; i < cl->n; i++) {
            cl_connect(cl, i);
            cl_restart(cl, i);
        }
        int victim = (int)cl_noise_below((uint64_t)cl->n), what = (int)cl_noise_below(3);
        if (step == 1 || (step > 2 && what == 0)) {
            cl_disconnect(cl, victim);
            cl->v[0]++;
        } else if (step == 2 || what == 1) {
            cl_crash(cl, victim);
            cl->v[1]++;
        }
    }
    for (int i = 0; i < cl->n; i++) {
        cl_connect(cl, i);
        cl_restart(cl, i);
    }
    bool all = true;
    for (int i = 0; i < KV_NOPS; i++)
        all = all && kv_hist[i].ret > 0;
    cl->v[2] = all && kv_linearizable(kv_hist, kv_key, KV_NOPS);
}

static void test_kv_history_under_partitions_and_crashes_is_linearizable(void **state)
{
    (void)state;
    /* the checker first: each key alone is fine, but a read of b returns
     * a value b never had, and one of a is stale */
    int64_t x = 1 + (int64_t)ug_rand_below(100);
    lop_t h[] = {{0, 10, true, x},
                 {0, 10, true, x + 1},
                 {20, 30, false, x},
                 {40, 50, false, x + 1}};
    int keys_ok[] = {0, 1, 0, 1}, keys_bad[] = {0, 1, 1, 0};
    assert_int_equal(1, kv_linearizable(h, keys_ok, 4));
    assert_int_equal(0, kv_linearizable(h, keys_bad, 4));
    memset(kv_hist, 0, sizeof kv_hist);
    int64_t planned = 0, done = 0;
    for (int i = 0; i < KV_NOPS; i++) {
        kv_key[i] = (int)ug_rand_below(KEYS);
        kv_plan_put[i] = ug_rand_below(2);
        kv_plan_value[i] = 1 + (int64_t)ug_rand_below(1000);
        planned += kv_plan_put[i] ? kv_plan_value[i] : 0;
    }
    cluster_t *cl = cl_run(5, kv_under_faults, NULL);
    for (int i = 0; i < KV_NOPS; i++)
        done += kv_hist[i].put && kv_hist[i].ret > 0 ? kv_hist[i].value : 0;
    assert_int_equal(0, cl->rc);
    assert_int_equal(0, cl->errors);
    assert_true(cl->v[0] > 0);
    assert_true(cl->v[1] > 0);
    assert_int_equal(planned, done);
    assert_int_equal(1, cl->v[2]);
}

UG_TEST_GROUP(etcd_linear, NULL, NULL,
              cmocka_unit_test(test_register_history_under_partitions_is_linearizable),
              cmocka_unit_test(test_kv_history_under_partitions_and_crashes_is_linearizable));
