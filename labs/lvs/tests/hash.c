/*
 * hash.c — the four schedulers that look at the flow: dh and sh (256
 * buckets dealt from the list), lblc and lblcr (a cache from destination
 * address to a dest or a set of dests, with the locality overload rule and
 * expiration on the virtual clock).
 *
 * Interface: svc_list → lvs_hash_table / lvs_hash_bucket / lvs_schedule /
 * lvs_lblcr_set.
 */
#include "lvs_test.h"

/* The kernel's multiplicative hash of an address into 256 buckets. */
#define BUCKET(addr) ((unsigned)((uint32_t)(addr)*2654435761u) & 255u)

/* The table the kernel deals: list positions in turn, `weighted` (sh)
 * giving each its weight of buckets, at least one. */
static void deal(const int *pos, const int *w, int n, bool weighted, int *table)
{
    int p = 0, c = 0;
    for (int b = 0; b < 256; b++) {
        table[b] = pos[p];
        if (!weighted || ++c >= w[p]) {
            p = (p + 1) % n;
            c = 0;
        }
    }
}

/* dh deals one bucket to each dest in list order, whatever its weight,
 * and a flow goes to the bucket of its destination address. */
static void test_dh_deals_one_bucket_per_server_and_hashes_the_destination_address(void **state)
{
    (void)state;
    int n = 2 + (int)ug_rand_below(5), w[8], pos[8], want[256], got[256];
    for (int i = 0; i < n; i++)
        w[i] = 1 + (int)ug_rand_below(5);
    lvs_service_t *svc = svc_list(LVS_DH, w, n, pos);
    deal(pos, w, n, false, want);
    assert_int_equal(256, lvs_hash_table(svc, got));
    assert_memory_equal(want, got, sizeof(want));

    int picked[16], expect[16];
    for (int i = 0; i < 16; i++) {
        lvs_flow_t f = flow_to(IP4(1, 2, 3, 4),
                               IP4(172, 16, ug_rand_below(256), ug_rand_below(256)));
        expect[i] = want[BUCKET(f.daddr)];
        picked[i] = lvs_schedule(svc, &f, 0);
    }
    assert_memory_equal(expect, picked, sizeof(picked));

    /* a quiesced dest's buckets find nothing */
    lvs_flow_t f = flow_to(IP4(1, 2, 3, 4), IP4(172, 16, 9, ug_rand_below(256)));
    int id = want[BUCKET(f.daddr)];
    assert_int_equal(0, lvs_dest_edit(svc, id, 0));
    assert_int_equal(-ENOENT, lvs_schedule(svc, &f, 0));
    lvs_service_free(svc);
}

/* sh fills each dest's weight of buckets (one for weight 0), and a flow
 * goes to the bucket of its client address. */
static void test_sh_fills_each_servers_weight_of_buckets_and_hashes_the_client_address(void **state)
{
    (void)state;
    int pos[8], want[256], got[256];
    lvs_service_t *svc = svc_list(LVS_SH, (int[]){2, 0, 3}, 3, pos);
    assert_int_equal(256, lvs_hash_table(svc, got));
    int head[12];
    for (int b = 0; b < 12; b++)
        head[b] = where(pos, 3, got[b]);
    assert_memory_equal(((int[]){0, 0, 1, 2, 2, 2, 0, 0, 1, 2, 2, 2}), head, sizeof(head));
    lvs_service_free(svc);

    int n = 2 + (int)ug_rand_below(5), w[8];
    for (int i = 0; i < n; i++)
        w[i] = (int)ug_rand_below(6);
    w[ug_rand_below((uint32_t)n)] = 4;
    svc = svc_list(LVS_SH, w, n, pos);
    deal(pos, w, n, true, want);
    assert_int_equal(256, lvs_hash_table(svc, got));
    assert_memory_equal(want, got, sizeof(want));

    int picked[16], expect[16];
    unsigned buckets[16], expect_b[16];
    for (int i = 0; i < 16; i++) {
        lvs_flow_t f = flow_to(IP4(100, 64, ug_rand_below(256), ug_rand_below(256)), VIP);
        expect_b[i] = BUCKET(f.caddr);
        int id = want[expect_b[i]];
        expect[i] = w[where(pos, n, id)] > 0 ? id : -ENOENT;
        picked[i] = lvs_schedule(svc, &f, 0);
        buckets[i] = lvs_hash_bucket(svc, &f);
    }
    assert_memory_equal(expect, picked, sizeof(picked));
    assert_memory_equal(expect_b, buckets, sizeof(buckets));
    lvs_service_free(svc);
}

/* With fallback, sh probes on from an unavailable dest's bucket the way the
 * kernel does: offset + ihash is hashed again, so the probes run from
 * bucket 2 * ihash (mod 256) upward. */
static void test_sh_fallback_probes_from_twice_the_hash_when_the_server_is_quiesced(void **state)
{
    (void)state;
    int pos[3], table[256];
    lvs_service_t *svc = svc_list(LVS_SH, (int[]){2, 0, 3}, 3, pos);
    assert_int_equal(0, lvs_service_sh_fallback(svc, true));
    assert_int_equal(256, lvs_hash_table(svc, table));
    /* a client that hashes to the quiesced B, where the kernel's probe and a
     * plain next-bucket probe would disagree */
    uint32_t c = 0;
    int want = -1;
    for (uint32_t tries = 0; tries < 100000; tries++) {
        uint32_t cand = IP4(100, 64, ug_rand_below(256), ug_rand_below(256));
        unsigned ih = BUCKET(cand);
        if (table[ih] != pos[1])
            continue;
        int k = -1, naive = -1;
        for (unsigned off = 0; off < 256 && k < 0; off++)
            if (table[(off + 2 * ih) & 255] != pos[1])
                k = table[(off + 2 * ih) & 255];
        for (unsigned off = 0; off < 256 && naive < 0; off++)
            if (table[(off + ih) & 255] != pos[1])
                naive = table[(off + ih) & 255];
        if (k != naive) {
            c = cand;
            want = k;
            break;
        }
    }
    assert_true(want >= 0);
    lvs_flow_t f = flow_to(c, VIP);
    assert_int_equal(BUCKET(c), lvs_hash_bucket(svc, &f));
    assert_int_equal(want, lvs_schedule(svc, &f, 0));
    assert_int_equal(0, lvs_service_sh_fallback(svc, false));
    assert_int_equal(-ENOENT, lvs_schedule(svc, &f, 0));
    lvs_service_free(svc);
}

/* lblc keeps a destination on its cached dest until that dest has more
 * active connections than its weight while another runs below half of
 * its; then wlc picks anew. An entry unused for the expiration is gone. */
static void
test_lblc_sticks_to_the_cached_server_until_overloaded_and_forgets_it_after_expiration(void **state)
{
    (void)state;
    int pos[3];
    lvs_service_t *svc = svc_list(LVS_LBLC, (int[]){2, 2, 2}, 3, pos);
    uint32_t e = 1000 + ug_rand_below(5000);
    assert_int_equal(0, lvs_service_lblc_expiration(svc, e));
    lvs_flow_t f = flow_to(IP4(1, 2, 3, 4), IP4(172, 16, ug_rand_below(256), 1));
    int got[8];
    got[0] = where(pos, 3, lvs_schedule(svc, &f, 0));
    load(svc, pos, (int[]){2, 0, 0}, NULL, 3); /* A at its weight: not overloaded */
    got[1] = where(pos, 3, lvs_schedule(svc, &f, 0));
    load(svc, pos, (int[]){3, 1, 1}, NULL, 3); /* over, but nobody below half */
    got[2] = where(pos, 3, lvs_schedule(svc, &f, 0));
    load(svc, pos, (int[]){3, 1, 0}, NULL, 3); /* C below half: A is overloaded */
    got[3] = where(pos, 3, lvs_schedule(svc, &f, 0));
    got[4] = where(pos, 3, lvs_schedule(svc, &f, 0));
    load(svc, pos, (int[]){0, 0, 2}, NULL, 3);
    uint64_t t1 = e - 1, t2 = t1 + e - 1, t3 = t2 + e;
    got[5] = where(pos, 3, lvs_schedule(svc, &f, t1)); /* used: lives on */
    got[6] = where(pos, 3, lvs_schedule(svc, &f, t2));
    got[7] = where(pos, 3, lvs_schedule(svc, &f, t3)); /* expired: wlc again */
    assert_memory_equal(((int[]){0, 0, 0, 2, 2, 2, 2, 0}), got, sizeof(got));
    /* a new destination address gets wlc's pick: the one idle dest */
    int j = (int)ug_rand_below(3), act[3] = {1, 1, 1};
    act[j] = 0;
    load(svc, pos, act, NULL, 3);
    lvs_flow_t y = flow_to(IP4(1, 2, 3, 4), IP4(172, 17, ug_rand_below(256), 2));
    assert_int_equal(j, where(pos, 3, lvs_schedule(svc, &y, t3)));
    lvs_service_free(svc);
}

/* lblcr adds the service's least loaded dest (at the head of the set) when
 * the set's least loaded member is overloaded, and drops the set's most
 * loaded member when the set has not changed for longer than the
 * expiration. */
static void
test_lblcr_grows_its_set_when_overloaded_and_sheds_the_most_loaded_after_expiration(void **state)
{
    (void)state;
    int pos[3], set[4];
    lvs_service_t *svc = svc_list(LVS_LBLCR, (int[]){2, 2, 2}, 3, pos);
    uint32_t e = 1000 + 2 * ug_rand_below(2500);
    assert_int_equal(0, lvs_service_lblc_expiration(svc, e));
    uint32_t x = IP4(172, 16, ug_rand_below(256), 7);
    lvs_flow_t f = flow_to(IP4(1, 2, 3, 4), x);
    int got[6];
    got[0] = where(pos, 3, lvs_schedule(svc, &f, 0));
    load(svc, pos, (int[]){3, 0, 0}, NULL, 3);
    got[1] = where(pos, 3, lvs_schedule(svc, &f, 1));
    got[2] = where(pos, 3, lvs_schedule(svc, &f, 2));
    assert_int_equal(2, lvs_lblcr_set(svc, x, set, 4));
    assert_memory_equal(((int[]){pos[1], pos[0]}), set, 2 * sizeof(int));
    load(svc, pos, (int[]){3, 3, 0}, NULL, 3);
    got[3] = where(pos, 3, lvs_schedule(svc, &f, 10));
    assert_int_equal(3, lvs_lblcr_set(svc, x, set, 4));
    assert_memory_equal(((int[]){pos[2], pos[1], pos[0]}), set, 3 * sizeof(int));
    /* used in between, so the entry lives; the set is unchanged since 10 */
    got[4] = where(pos, 3, lvs_schedule(svc, &f, 10 + e / 2));
    lvs_schedule(svc, &f, 10 + e);
    int before = lvs_lblcr_set(svc, x, set, 4);
    got[5] = where(pos, 3, lvs_schedule(svc, &f, 10 + e + 1));
    assert_int_equal(3, before);
    assert_int_equal(2, lvs_lblcr_set(svc, x, set, 4));
    assert_memory_equal(((int[]){pos[2], pos[0]}), set, 2 * sizeof(int));
    assert_memory_equal(((int[]){0, 1, 1, 2, 2, 2}), got, sizeof(got));
    /* a new destination address: a set of wlc's pick alone */
    int j = (int)ug_rand_below(3), act[3] = {1, 1, 1};
    act[j] = 0;
    load(svc, pos, act, NULL, 3);
    uint32_t yaddr = IP4(172, 17, ug_rand_below(256), 3);
    lvs_flow_t y = flow_to(IP4(1, 2, 3, 4), yaddr);
    assert_int_equal(j, where(pos, 3, lvs_schedule(svc, &y, 20 + e)));
    assert_int_equal(1, lvs_lblcr_set(svc, yaddr, set, 4));
    assert_int_equal(pos[j], set[0]);
    lvs_service_free(svc);
}

UG_TEST_GROUP(
    lvs_hash, NULL, NULL,
    cmocka_unit_test(test_dh_deals_one_bucket_per_server_and_hashes_the_destination_address),
    cmocka_unit_test(test_sh_fills_each_servers_weight_of_buckets_and_hashes_the_client_address),
    cmocka_unit_test(test_sh_fallback_probes_from_twice_the_hash_when_the_server_is_quiesced),
    cmocka_unit_test(
        test_lblc_sticks_to_the_cached_server_until_overloaded_and_forgets_it_after_expiration),
    cmocka_unit_test(
        test_lblcr_grows_its_set_when_overloaded_and_sheds_the_most_loaded_after_expiration));
