/*
 * store.c — the MVCC store against etcd's rules: revisions and versions,
 * ranges at a revision, prefix and limit, deletes, transactions,
 * compaction, watches and leases. Key names and counts come from the seed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <undergo/labtest.h>

#include "etcd.h"

#define SECOND 1000000000LL

static int64_t fake_now;
static int64_t now_fn(void)
{
    return fake_now;
}

static etcd_store_t *new_store(void)
{
    etcd_store_t *s = NULL;
    fake_now = 0;
    assert_int_equal(0, etcd_store_new(now_fn, &s));
    return s;
}

/* The value of key at rev ("" when absent), its version and mod revision. */
static int64_t get(etcd_store_t *s, const char *key, int64_t rev, char *val, size_t vlen,
                   int64_t *version, int64_t *mod)
{
    etcd_span_t sp = {key, NULL, false};
    etcd_range_result_t r;
    int rc = etcd_range(s, &sp, rev, 0, &r);
    val[0] = 0;
    *version = *mod = 0;
    if (rc)
        return rc;
    if (r.n) {
        snprintf(val, vlen, "%s", r.kvs[0].value);
        *version = r.kvs[0].version;
        *mod = r.kvs[0].mod_revision;
    }
    int64_t n = (int64_t)r.n;
    etcd_range_result_free(&r);
    return n;
}

static void test_put_numbers_revisions_and_versions_per_generation(void **state)
{
    (void)state;
    etcd_store_t *s = new_store();
    assert_int_equal(1, etcd_store_rev(s));
    int puts = 2 + (int)ug_rand_below(5);
    int64_t rev = 0;
    etcd_kv_t prev;
    for (int i = 1; i <= puts; i++) {
        char v[16];
        snprintf(v, sizeof v, "v%d", i);
        assert_int_equal(0, etcd_put(s, "k", v, 0, &rev, &prev));
        etcd_kv_free(&prev);
    }
    assert_int_equal(1 + puts, rev);
    etcd_span_t sp = {"k", NULL, false};
    etcd_range_result_t r;
    assert_int_equal(0, etcd_range(s, &sp, 0, 0, &r));
    assert_int_equal(1, r.n);
    assert_int_equal(2, r.kvs[0].create_revision);
    assert_int_equal(1 + puts, r.kvs[0].mod_revision);
    assert_int_equal(puts, r.kvs[0].version);
    etcd_range_result_free(&r);
    /* the previous kv comes back with the put */
    assert_int_equal(0, etcd_put(s, "k", "last", 0, &rev, &prev));
    assert_string_equal("k", prev.key);
    assert_int_equal(puts, prev.version);
    etcd_kv_free(&prev);
    /* delete ends the generation; the next put starts version 1 again */
    int64_t deleted;
    assert_int_equal(0, etcd_delete(s, &sp, &deleted, &rev, NULL));
    assert_int_equal(3 + puts, rev);
    assert_int_equal(0, etcd_put(s, "k", "again", 0, &rev, &prev));
    assert_null(prev.key);
    assert_int_equal(0, etcd_range(s, &sp, 0, 0, &r));
    assert_int_equal(4 + puts, r.kvs[0].create_revision);
    assert_int_equal(1, r.kvs[0].version);
    etcd_range_result_free(&r);
    etcd_store_free(s);
}

static void test_range_at_a_revision_sees_the_keys_live_then(void **state)
{
    (void)state;
    etcd_store_t *s = new_store();
    int n = 3 + (int)ug_rand_below(200);
    for (int i = 0; i < n; i++) {
        char v[16];
        snprintf(v, sizeof v, "v%d", i);
        etcd_put(s, "a", v, 0, NULL, NULL);
    }
    etcd_span_t sp = {"a", NULL, false};
    etcd_delete(s, &sp, NULL, NULL, NULL); /* revision n + 2 */
    char val[32];
    int64_t ver, mod;
    int at = 1 + (int)ug_rand_below((uint64_t)n);
    char want[16];
    snprintf(want, sizeof want, "v%d", at - 1);
    assert_int_equal(1, get(s, "a", 1 + at, val, sizeof val, &ver, &mod));
    assert_string_equal(want, val);
    assert_int_equal(at, ver);
    assert_int_equal(1 + at, mod);
    assert_int_equal(0, get(s, "a", 1, val, sizeof val, &ver, &mod));
    assert_int_equal(0, get(s, "a", n + 2, val, sizeof val, &ver, &mod));
    assert_int_equal(1, get(s, "a", n + 1, val, sizeof val, &ver, &mod));
    assert_int_equal(-ETCD_EFUTURE, get(s, "a", n + 3, val, sizeof val, &ver, &mod));
    etcd_store_free(s);
}

static void test_range_prefix_and_limit_count_every_key(void **state)
{
    (void)state;
    etcd_store_t *s = new_store();
    int n = 4 + (int)ug_rand_below(8);
    for (int i = n - 1; i >= 0; i--) {
        char k[32];
        snprintf(k, sizeof k, "dir/%02d", i);
        etcd_put(s, k, "x", 0, NULL, NULL);
    }
    etcd_put(s, "dir0", "outside", 0, NULL, NULL);
    etcd_put(s, "dh", "outside", 0, NULL, NULL);
    etcd_span_t sp = {"dir/", NULL, true};
    etcd_range_result_t r;
    int64_t limit = 1 + (int64_t)ug_rand_below((uint64_t)n - 1);
    assert_int_equal(0, etcd_range(s, &sp, 0, limit, &r));
    assert_int_equal(n, r.count);
    assert_int_equal(limit, r.n);
    assert_true(r.more);
    assert_string_equal("dir/00", r.kvs[0].key);
    etcd_range_result_free(&r);
    /* [dir/01, dir/03) */
    etcd_span_t half = {"dir/01", "dir/03", false};
    assert_int_equal(0, etcd_range(s, &half, 0, 0, &r));
    assert_int_equal(2, r.count);
    assert_false(r.more);
    etcd_range_result_free(&r);
    /* an empty end: every key from dir0 on */
    etcd_span_t from = {"dir0", "", false};
    assert_int_equal(0, etcd_range(s, &from, 0, 0, &r));
    assert_int_equal(1, r.count);
    etcd_range_result_free(&r);
    etcd_store_free(s);
}

static void test_delete_range_takes_one_revision_and_ends_the_generation(void **state)
{
    (void)state;
    etcd_store_t *s = new_store();
    int n = 2 + (int)ug_rand_below(200);
    for (int i = 0; i < n; i++) {
        char k[32];
        snprintf(k, sizeof k, "p/%d", i);
        etcd_put(s, k, "x", 0, NULL, NULL);
    }
    etcd_span_t sp = {"p/", NULL, true};
    int64_t deleted, rev;
    assert_int_equal(0, etcd_delete(s, &sp, &deleted, &rev, NULL));
    assert_int_equal(n, deleted);
    assert_int_equal(n + 2, rev);
    /* deleting nothing takes no revision */
    assert_int_equal(0, etcd_delete(s, &sp, &deleted, &rev, NULL));
    assert_int_equal(0, deleted);
    assert_int_equal(n + 2, rev);
    etcd_range_result_t r;
    assert_int_equal(0, etcd_range(s, &sp, n + 1, 0, &r));
    assert_int_equal(n, r.count);
    etcd_range_result_free(&r);
    etcd_store_free(s);
}

/* etcd's prev_kv on DeleteRange: each deleted key as it was, in key order;
 * keys already deleted and keys outside the span are not in it. */
static void test_delete_range_with_prev_kv_returns_each_key_as_it_was(void **state)
{
    (void)state;
    etcd_store_t *s = new_store();
    int n = 3 + (int)ug_rand_below(60);
    int64_t lease = 0;
    assert_int_equal(0, etcd_lease_grant(s, 0, 1000, &lease));
    bool gone[64];
    for (int i = 0; i < n; i++) {
        char k[32], v[32];
        snprintf(k, sizeof k, "d/%02d", i);
        int puts = 1 + (int)ug_rand_below(4);
        for (int j = 0; j < puts; j++) {
            snprintf(v, sizeof v, "v%d.%u", j, (unsigned)ug_rand_below(1000));
            etcd_put(s, k, v, i % 3 == 0 ? lease : 0, NULL, NULL);
        }
        gone[i] = ug_rand_below(4) == 0;
    }
    etcd_put(s, "d0", "outside", 0, NULL, NULL); /* beside "d/...", not under it */
    for (int i = 0; i < n; i++)
        if (gone[i]) {
            char k[32];
            snprintf(k, sizeof k, "d/%02d", i);
            etcd_span_t one = {k, NULL, false};
            etcd_delete(s, &one, NULL, NULL, NULL);
        }
    etcd_span_t sp = {"d/", NULL, true};
    etcd_range_result_t before, prev;
    assert_int_equal(0, etcd_range(s, &sp, 0, 0, &before));
    int64_t deleted, rev, at = etcd_store_rev(s);
    assert_int_equal(0, etcd_delete(s, &sp, &deleted, &rev, &prev));
    assert_int_equal(before.n, deleted);
    assert_int_equal(deleted, prev.n);
    assert_int_equal(deleted, prev.count);
    assert_int_equal(deleted ? at + 1 : at, rev);
    assert_int_equal(rev, prev.rev);
    for (size_t i = 0; i < prev.n; i++) {
        assert_string_equal(before.kvs[i].key, prev.kvs[i].key);
        assert_non_null(prev.kvs[i].value);
        assert_string_equal(before.kvs[i].value, prev.kvs[i].value);
        assert_int_equal(before.kvs[i].create_revision, prev.kvs[i].create_revision);
        assert_int_equal(before.kvs[i].mod_revision, prev.kvs[i].mod_revision);
        assert_int_equal(before.kvs[i].version, prev.kvs[i].version);
        assert_int_equal(before.kvs[i].lease, prev.kvs[i].lease);
    }
    etcd_range_result_free(&before);
    etcd_range_result_free(&prev);
    /* deleting nothing returns nothing */
    assert_int_equal(0, etcd_delete(s, &sp, &deleted, &rev, &prev));
    assert_int_equal(0, prev.n);
    assert_int_equal(0, deleted);
    etcd_range_result_free(&prev);
    etcd_store_free(s);
}

static void test_txn_compares_value_version_create_and_mod(void **state)
{
    (void)state;
    etcd_store_t *s = new_store();
    int puts = 1 + (int)ug_rand_below(4);
    for (int i = 0; i < puts; i++)
        etcd_put(s, "k", "v", 0, NULL, NULL);
    etcd_compare_t c[] = {
        {"k", ETCD_CMP_VALUE, ETCD_EQUAL, "v", 0},
        {"k", ETCD_CMP_VERSION, ETCD_EQUAL, NULL, puts},
        {"k", ETCD_CMP_CREATE, ETCD_EQUAL, NULL, 2},
        {"k", ETCD_CMP_MOD, ETCD_GREATER, NULL, puts},
    };
    etcd_op_t then[] = {{ETCD_OP_PUT, {"k", NULL, false}, "t", 0},
                        {ETCD_OP_PUT, {"t2", NULL, false}, "t", 0}};
    etcd_op_t other[] = {{ETCD_OP_PUT, {"f", NULL, false}, "f", 0}};
    bool ok;
    int64_t rev;
    assert_int_equal(0, etcd_txn(s, c, 4, then, 2, other, 1, &ok, &rev));
    assert_true(ok);
    assert_int_equal(puts + 2, rev); /* two puts, one revision */
    etcd_span_t sp = {"t2", NULL, false};
    etcd_range_result_t r;
    etcd_range(s, &sp, 0, 0, &r);
    assert_int_equal(puts + 2, r.kvs[0].mod_revision);
    etcd_range_result_free(&r);
    /* each compare on its own, failing */
    int pick = (int)ug_rand_below(4);
    etcd_compare_t bad = c[pick];
    bad.result = pick == 3 ? ETCD_LESS : ETCD_NOT_EQUAL;
    if (pick == 0)
        bad.value = "t"; /* the value the txn wrote */
    if (pick == 1)
        bad.number = puts + 1; /* the txn's put was one more version */
    assert_int_equal(0, etcd_txn(s, &bad, 1, then, 1, other, 1, &ok, &rev));
    assert_int_equal(0, ok);
    assert_int_equal(puts + 3, rev);
    /* a missing key: a value compare fails, a version compare sees 0 */
    etcd_compare_t miss[] = {{"nope", ETCD_CMP_VALUE, ETCD_NOT_EQUAL, "x", 0}};
    etcd_txn(s, miss, 1, NULL, 0, NULL, 0, &ok, &rev);
    assert_false(ok);
    assert_int_equal(puts + 3, rev); /* no writes, no revision */
    etcd_compare_t miss0[] = {{"nope", ETCD_CMP_VERSION, ETCD_EQUAL, NULL, 0},
                              {"nope", ETCD_CMP_CREATE, ETCD_EQUAL, NULL, 0}};
    etcd_txn(s, miss0, 2, NULL, 0, NULL, 0, &ok, &rev);
    assert_true(ok);
    etcd_store_free(s);
}

static void test_compaction_fails_reads_below_it_and_allows_reads_at_it(void **state)
{
    (void)state;
    etcd_store_t *s = new_store();
    int n = 4 + (int)ug_rand_below(200);
    for (int i = 0; i < n; i++) {
        char v[16];
        snprintf(v, sizeof v, "v%d", i);
        etcd_put(s, "k", v, 0, NULL, NULL);
    }
    etcd_span_t gone = {"gone", NULL, false};
    etcd_put(s, "gone", "x", 0, NULL, NULL);
    etcd_delete(s, &gone, NULL, NULL, NULL); /* revision n + 3 */
    int64_t at = 2 + (int64_t)ug_rand_below((uint64_t)n - 1);
    assert_int_equal(0, etcd_compact(s, at));
    assert_int_equal(at, etcd_store_compact_rev(s));
    char val[32], want[16];
    int64_t ver, mod;
    assert_int_equal(-ETCD_ECOMPACTED, get(s, "k", at - 1, val, sizeof val, &ver, &mod));
    assert_int_equal(1, get(s, "k", at, val, sizeof val, &ver, &mod));
    snprintf(want, sizeof want, "v%d", (int)at - 2);
    assert_string_equal(want, val);
    assert_int_equal(at - 1, ver);
    assert_int_equal(-ETCD_ECOMPACTED, etcd_compact(s, at));
    assert_int_equal(-ETCD_EFUTURE, etcd_compact(s, n + 4));
    /* compacting past the tombstone forgets the key, reads stay right */
    assert_int_equal(0, etcd_compact(s, n + 3));
    assert_int_equal(0, get(s, "gone", n + 3, val, sizeof val, &ver, &mod));
    /* and a watch from there has no event left for it */
    etcd_watcher_t *w;
    etcd_event_t ev;
    assert_int_equal(0, etcd_watch(s, &gone, n + 3, false, &w));
    assert_int_equal(0, etcd_watch_next(w, &ev));
    etcd_watch_cancel(w);
    assert_int_equal(1, get(s, "k", n + 3, val, sizeof val, &ver, &mod));
    assert_int_equal(n, ver);
    etcd_store_free(s);
}

static void test_watch_replays_history_with_prev_kv_then_follows(void **state)
{
    (void)state;
    etcd_store_t *s = new_store();
    int n = 2 + (int)ug_rand_below(4);
    for (int i = 0; i < n; i++)
        etcd_put(s, "w/a", i % 2 ? "odd" : "even", 0, NULL, NULL);
    etcd_put(s, "x", "outside", 0, NULL, NULL);
    etcd_span_t pre = {"w/", NULL, true};
    etcd_watcher_t *w;
    int64_t start = 3; /* the second put */
    assert_int_equal(0, etcd_watch(s, &pre, start, true, &w));
    etcd_span_t a = {"w/a", NULL, false};
    etcd_delete(s, &a, NULL, NULL, NULL);
    etcd_put(s, "w/b", "new", 0, NULL, NULL);
    etcd_event_t ev;
    int64_t revs = 0, types = 0, prevs = 0, count = 0;
    int rc;
    while ((rc = etcd_watch_next(w, &ev)) == 1) {
        revs = revs * 100 + ev.kv.mod_revision;
        types = types * 10 + (int64_t)ev.type;
        prevs = prevs * 10 + (ev.prev_kv.key ? ev.prev_kv.version : 0);
        count++;
        etcd_event_free(&ev);
    }
    assert_int_equal(0, rc);
    assert_int_equal(n + 1, count);
    int64_t want_revs = 0, want_types = 0, want_prevs = 0;
    for (int i = 2; i <= n; i++) {
        want_revs = want_revs * 100 + 1 + i;
        want_types *= 10;
        want_prevs = want_prevs * 10 + i - 1;
    }
    want_revs = (want_revs * 100 + n + 3) * 100 + n + 4;
    want_types = (want_types * 10 + 1) * 10;
    want_prevs = (want_prevs * 10 + n) * 10;
    assert_int_equal(want_revs, revs);
    assert_int_equal(want_types, types);
    assert_int_equal(want_prevs, prevs);
    etcd_watch_cancel(w);
    etcd_store_free(s);
}

static void test_watch_below_the_compaction_is_cancelled_with_its_revision(void **state)
{
    (void)state;
    etcd_store_t *s = new_store();
    int n = 3 + (int)ug_rand_below(5);
    for (int i = 0; i < n; i++)
        etcd_put(s, "k", "v", 0, NULL, NULL);
    int64_t at = 2 + (int64_t)ug_rand_below((uint64_t)n - 1);
    etcd_compact(s, at);
    etcd_span_t k = {"k", NULL, false};
    etcd_watcher_t *w;
    etcd_event_t ev;
    assert_int_equal(0, etcd_watch(s, &k, at - 1, false, &w));
    assert_int_equal(-ECANCELED, etcd_watch_next(w, &ev));
    assert_int_equal(at, etcd_watch_compact_rev(w));
    etcd_watch_cancel(w);
    /* from the compaction itself: allowed, its events still there */
    assert_int_equal(0, etcd_watch(s, &k, at, false, &w));
    int64_t count = 0;
    while (etcd_watch_next(w, &ev) == 1) {
        count++;
        etcd_event_free(&ev);
    }
    assert_int_equal(0, etcd_watch_compact_rev(w));
    assert_int_equal(n + 2 - at, count);
    etcd_watch_cancel(w);
    etcd_store_free(s);
}

static void test_leases_expire_on_the_clock_and_revoke_deletes_their_keys(void **state)
{
    (void)state;
    etcd_store_t *s = new_store();
    int64_t ttl = 5 + (int64_t)ug_rand_below(10), l1, l2, rev;
    assert_int_equal(0, etcd_lease_grant(s, 0, ttl, &l1));
    assert_int_equal(0, etcd_lease_grant(s, 0, ttl, &l2));
    assert_int_equal(-ETCD_ENOLEASE, etcd_put(s, "x", "v", l2 + 100, NULL, NULL));
    etcd_put(s, "a1", "v", l1, NULL, NULL);
    etcd_put(s, "a2", "v", l1, NULL, NULL);
    etcd_put(s, "b", "v", l2, &rev, NULL); /* revision 4 */
    assert_int_equal(4, rev);
    fake_now = (ttl - 1) * SECOND;
    assert_int_equal(1, etcd_lease_ttl(s, l1));
    assert_int_equal(0, etcd_lease_keepalive(s, l2));
    fake_now = ttl * SECOND; /* l1 expires, both its keys in one revision */
    assert_int_equal(-ETCD_ENOLEASE, etcd_lease_ttl(s, l1));
    assert_int_equal(5, etcd_store_rev(s));
    assert_int_equal(ttl, etcd_lease_ttl(s, l2) + 1);
    etcd_span_t all = {"", "", false};
    etcd_range_result_t r;
    etcd_range(s, &all, 0, 0, &r);
    assert_int_equal(1, r.count);
    etcd_range_result_free(&r);
    assert_int_equal(0, etcd_lease_revoke(s, l2));
    assert_int_equal(6, etcd_store_rev(s));
    assert_int_equal(-ETCD_ENOLEASE, etcd_lease_revoke(s, l2));
    etcd_range(s, &all, 0, 0, &r);
    assert_int_equal(0, r.count);
    etcd_range_result_free(&r);
    etcd_store_free(s);
}

UG_TEST_GROUP(etcd_store, NULL, NULL,
              cmocka_unit_test(test_put_numbers_revisions_and_versions_per_generation),
              cmocka_unit_test(test_range_at_a_revision_sees_the_keys_live_then),
              cmocka_unit_test(test_range_prefix_and_limit_count_every_key),
              cmocka_unit_test(test_delete_range_takes_one_revision_and_ends_the_generation),
              cmocka_unit_test(test_delete_range_with_prev_kv_returns_each_key_as_it_was),
              cmocka_unit_test(test_txn_compares_value_version_create_and_mod),
              cmocka_unit_test(test_compaction_fails_reads_below_it_and_allows_reads_at_it),
              cmocka_unit_test(test_watch_replays_history_with_prev_kv_then_follows),
              cmocka_unit_test(test_watch_below_the_compaction_is_cancelled_with_its_revision),
              cmocka_unit_test(test_leases_expire_on_the_clock_and_revoke_deletes_their_keys));
