/*
 * sched.c — the six schedulers that need no flow: rr, wrr, lc, wlc, sed,
 * nq, on fixed weight and connection tables whose picks were derived by
 * stepping the kernel's loops by hand, and on seeded tables; and what every
 * scheduler does with no servers, all weights 0 or all servers overloaded.
 *
 * Letters name list positions from the head (A is the newest dest).
 *
 * Interface: svc_list → lvs_dest_set_conns → lvs_schedule.
 */
#include "lvs_test.h"

/* Round robin walks the list from the head (newest first), skips a
 * quiesced dest, and keeps its place when a dest is added at the head. */
static void test_rr_cycles_in_list_order_skipping_weight_0_and_keeps_its_place_on_add(void **state)
{
    (void)state;
    int pos[8];
    char got[32];
    lvs_service_t *svc = svc_list(LVS_RR, (int[]){1, 1, 1}, 3, pos);
    picks(svc, pos, 3, 7, got);
    assert_string_equal("ABCABCA", got);
    lvs_service_free(svc);

    /* seeded: n dests, one quiesced */
    int n = 3 + (int)ug_rand_below(6), q = (int)ug_rand_below((uint32_t)n);
    int w[8];
    for (int i = 0; i < n; i++)
        w[i] = i == q ? 0 : 1 + (int)ug_rand_below(5);
    svc = svc_list(LVS_RR, w, n, pos);
    char want[32];
    int k = 0;
    for (int r = 0; r < 2; r++)
        for (int i = 0; i < n; i++)
            if (i != q)
                want[k++] = (char)('A' + i);
    want[k] = 0;
    picks(svc, pos, n, k, got);
    assert_string_equal(want, got);
    lvs_service_free(svc);

    /* A B, then a new dest N at the head: the walk goes on after B */
    svc = svc_list(LVS_RR, (int[]){1, 1, 1}, 3, pos);
    lvs_flow_t f = flow_to(IP4(1, 2, 3, 4), VIP);
    assert_int_equal(pos[0], lvs_schedule(svc, &f, 0));
    assert_int_equal(pos[1], lvs_schedule(svc, &f, 0));
    int nid = lvs_dest_add(svc, IP4(192, 168, 1, 99), 8080, 1);
    assert_int_equal(3, nid);
    int seq[4] = {0}, want_seq[4] = {pos[2], nid, pos[0], pos[1]};
    for (int i = 0; i < 4; i++)
        seq[i] = lvs_schedule(svc, &f, 0);
    assert_memory_equal(want_seq, seq, sizeof(seq));
    lvs_service_free(svc);
}

/* wrr: the current weight steps down by the gcd at the end of every pass
 * and restarts at the max weight: {4,3,2} cycle A A B A B C A B C, and so do
 * their multiples. Adding C, then B, then A leaves cw at 1 (C alone had
 * gcd 2, max 2, so cw = 2 - (2 - 1)), so one pass A B C comes first. */
static void test_wrr_weights_4_3_2_cycle_a_a_b_a_b_c_a_b_c_for_any_common_factor(void **state)
{
    (void)state;
    int pos[3];
    char got[32];
    lvs_service_t *svc = svc_list(LVS_WRR, (int[]){4, 3, 2}, 3, pos);
    picks(svc, pos, 3, 21, got);
    assert_string_equal("ABCAABABCABCAABABCABC", got);
    lvs_service_free(svc);

    int k = 2 + (int)ug_rand_below(4);
    svc = svc_list(LVS_WRR, (int[]){4 * k, 3 * k, 2 * k}, 3, pos);
    picks(svc, pos, 3, 21, got);
    assert_string_equal("ABCAABABCABCAABABCABC", got);
    lvs_service_free(svc);

    /* a quiesced dest never reaches the current weight */
    svc = svc_list(LVS_WRR, (int[]){3, 0, 1}, 3, pos);
    picks(svc, pos, 3, 10, got);
    assert_string_equal("ACAAACAAAC", got);
    /* quiescing A: cw (now 1) stays, the gcd and max become 1; only C is left */
    assert_int_equal(0, lvs_dest_edit(svc, pos[0], 0));
    picks(svc, pos, 3, 3, got);
    assert_string_equal("CCC", got);
    lvs_service_free(svc);

    /* a change keeps cw, rounded to the new gcd: {3,1} picked A B A A leaves
     * cw 2; A to 4 keeps it (gcd 1); B to 2 makes the gcd 2 and cw 2/2*2+1 = 3 */
    svc = svc_list(LVS_WRR, (int[]){3, 1}, 2, pos);
    picks(svc, pos, 2, 4, got);
    assert_string_equal("ABAA", got);
    assert_int_equal(0, lvs_dest_edit(svc, pos[0], 4));
    assert_int_equal(0, lvs_dest_edit(svc, pos[1], 2));
    picks(svc, pos, 2, 6, got);
    assert_string_equal("AABAAB", got);
    lvs_service_free(svc);

    /* seeded weights: once the first cycle is over, each cycle picks each
     * dest weight/gcd times */
    int w[6], n = 2 + (int)ug_rand_below(5), g = 1 + (int)ug_rand_below(3), p6[6], total = 0;
    for (int i = 0; i < n; i++) {
        w[i] = g * (1 + (int)ug_rand_below(6));
        total += w[i] / g;
    }
    svc = svc_list(LVS_WRR, w, n, p6);
    int count[6] = {0}, want[6];
    lvs_flow_t f = flow_to(IP4(1, 2, 3, 4), VIP);
    for (int i = 0; i < total; i++)
        lvs_schedule(svc, &f, 0);
    for (int i = 0; i < total; i++) {
        int p = where(p6, n, lvs_schedule(svc, &f, 0));
        if (p >= 0)
            count[p]++;
    }
    for (int i = 0; i < n; i++)
        want[i] = w[i] / g;
    assert_memory_equal(want, count, (size_t)n * sizeof(int));
    lvs_service_free(svc);
}

/* lc: the overhead is (active << 8) + inactive, so one active connection
 * weighs more than 255 inactive ones; weight 0 is skipped; the first of
 * equals wins. */
static void test_lc_overhead_is_active_shifted_8_plus_inactive_and_the_first_wins_ties(void **state)
{
    (void)state;
    int pos[8];
    lvs_flow_t f = flow_to(IP4(1, 2, 3, 4), VIP);
    lvs_service_t *svc = svc_list(LVS_LC, (int[]){1, 1, 1, 0}, 4, pos);
    load(svc, pos, (int[]){1, 0, 0, 0}, (int[]){0, 255, 300, 0}, 4);
    assert_int_equal(1, where(pos, 4, lvs_schedule(svc, &f, 0)));
    load(svc, pos, (int[]){1, 0, 0, 0}, (int[]){0, 256, 300, 0}, 4);
    assert_int_equal(0, where(pos, 4, lvs_schedule(svc, &f, 0)));
    lvs_service_free(svc);

    /* seeded: everyone has an active connection but m; z is idle and quiesced */
    int n = 4 + (int)ug_rand_below(5), m = (int)ug_rand_below((uint32_t)n), z = (m + 1) % n;
    int w[8], act[8], ina[8];
    for (int i = 0; i < n; i++) {
        w[i] = i == z ? 0 : 1 + (int)ug_rand_below(4);
        act[i] = i == m || i == z ? 0 : 1 + (int)ug_rand_below(3);
        ina[i] = i == z ? 0 : i == m ? 200 + (int)ug_rand_below(56) : (int)ug_rand_below(50);
    }
    svc = svc_list(LVS_LC, w, n, pos);
    load(svc, pos, act, ina, n);
    assert_int_equal(m, where(pos, n, lvs_schedule(svc, &f, 0)));
    lvs_service_free(svc);
}

/* The wlc rule stepped as the kernel does: the first available dest, then
 * a later one only if loh * dw > doh * lw. */
__attribute__((unused)) static int wlc_oracle(const int *w, const int *oh, int n)
{
    int least = -1;
    for (int i = 0; i < n; i++) {
        if (least < 0) {
            if (w[i] > 0)
                least = i;
            continue;
        }
        if ((int64_t)oh[least] * w[i] > (int64_t)oh[i] * w[least])
            least = i;
    }
    return least;
}

/* wlc compares overhead / weight by cross-multiplication: 257/3 is more
 * than 171/2 though integer division makes them equal. */
static void test_wlc_compares_overhead_per_weight_by_cross_multiplication(void **state)
{
    (void)state;
    int pos[10];
    lvs_flow_t f = flow_to(IP4(1, 2, 3, 4), VIP);
    lvs_service_t *svc = svc_list(LVS_WLC, (int[]){3, 2}, 2, pos);
    load(svc, pos, (int[]){1, 0}, (int[]){1, 171}, 2);
    assert_int_equal(1, where(pos, 2, lvs_schedule(svc, &f, 0)));
    load(svc, pos, (int[]){1, 0}, (int[]){1, 172}, 2);
    assert_int_equal(0, where(pos, 2, lvs_schedule(svc, &f, 0)));
    lvs_service_free(svc);

    /* 256/1 and 512/2 tie: the first stays */
    svc = svc_list(LVS_WLC, (int[]){1, 2}, 2, pos);
    load(svc, pos, (int[]){1, 2}, NULL, 2);
    assert_int_equal(0, where(pos, 2, lvs_schedule(svc, &f, 0)));
    lvs_service_free(svc);

    int n = 5 + (int)ug_rand_below(6), w[10], act[10], ina[10], oh[10];
    for (int i = 0; i < n; i++) {
        w[i] = (int)ug_rand_below(8); /* 0 now and then */
        act[i] = (int)ug_rand_below(4);
        ina[i] = (int)ug_rand_below(600);
        oh[i] = (act[i] << 8) + ina[i];
    }
    w[ug_rand_below((uint32_t)n)] = 5;
    svc = svc_list(LVS_WLC, w, n, pos);
    load(svc, pos, act, ina, n);
    assert_int_equal(wlc_oracle(w, oh, n), where(pos, n, lvs_schedule(svc, &f, 0)));
    lvs_service_free(svc);
}

/* sed counts (active + 1) / weight and no inactive connection; nq takes
 * an idle dest at once, else sed's choice. */
static void test_sed_counts_active_plus_one_and_nq_takes_the_first_idle_server(void **state)
{
    (void)state;
    int pos[3];
    lvs_flow_t f = flow_to(IP4(1, 2, 3, 4), VIP);
    static const lvs_sched_kind_t kinds[3] = {LVS_WLC, LVS_SED, LVS_NQ};
    int got[3];
    for (int k = 0; k < 3; k++) {
        lvs_service_t *svc = svc_list(kinds[k], (int[]){1, 3}, 2, pos);
        load(svc, pos, (int[]){0, 1}, NULL, 2);
        got[k] = where(pos, 2, lvs_schedule(svc, &f, 0));
        lvs_service_free(svc);
    }
    assert_memory_equal(((int[]){0, 1, 0}), got, sizeof(got)); /* wlc A, sed B, nq A */

    lvs_service_t *svc = svc_list(LVS_SED, (int[]){1, 1}, 2, pos);
    load(svc, pos, (int[]){0, 0}, (int[]){1000, 0}, 2);
    assert_int_equal(0, where(pos, 2, lvs_schedule(svc, &f, 0)));
    lvs_service_free(svc);

    svc = svc_list(LVS_NQ, (int[]){1, 5, 10}, 3, pos);
    load(svc, pos, (int[]){2, 0, 0}, NULL, 3);
    assert_int_equal(1, where(pos, 3, lvs_schedule(svc, &f, 0)));
    load(svc, pos, (int[]){2, 4, 0}, NULL, 3);
    assert_int_equal(2, where(pos, 3, lvs_schedule(svc, &f, 0)));
    /* nobody idle: 2/1, 4/5, 6/10: C; then 2/1, 4/5, 21/10: B */
    load(svc, pos, (int[]){1, 3, 5}, NULL, 3);
    assert_int_equal(2, where(pos, 3, lvs_schedule(svc, &f, 0)));
    load(svc, pos, (int[]){1, 3, 20}, NULL, 3);
    assert_int_equal(1, where(pos, 3, lvs_schedule(svc, &f, 0)));
    lvs_service_free(svc);

    /* seeded: one idle dest among busy ones, nq finds it wherever it is,
     * round after round */
    int n = 4 + (int)ug_rand_below(5), pos8[8], idle[5], found[5];
    svc = svc_list(LVS_NQ, (int[]){1, 1, 1, 1, 1, 1, 1, 1}, n, pos8);
    for (int r = 0; r < 5; r++) {
        int act[8];
        for (int i = 0; i < n; i++)
            act[i] = 1 + (int)ug_rand_below(9);
        idle[r] = (int)ug_rand_below((uint64_t)n);
        act[idle[r]] = 0;
        load(svc, pos8, act, NULL, n);
        found[r] = where(pos8, n, lvs_schedule(svc, &f, 0));
    }
    assert_memory_equal(idle, found, sizeof(found));
    lvs_service_free(svc);
}

/* No server, every weight 0, every server over its upper threshold: no
 * scheduler finds a dest. */
static void
test_every_scheduler_finds_none_with_no_servers_all_weights_0_or_all_overloaded(void **state)
{
    (void)state;
    int empty[10], zero[10], over[10], ok[10], nd = 2 + (int)ug_rand_below(4);
    for (int k = LVS_RR; k <= LVS_SH; k++) {
        uint32_t c = IP4(1, 2, 3, 1 + ug_rand_below(200));
        lvs_flow_t f = flow_to(c, VIP);
        lvs_service_t *svc = lvs_service_new((lvs_sched_kind_t)k);
        assert_non_null(svc);
        empty[k] = lvs_schedule(svc, &f, 0);
        bool hashed = k == LVS_DH || k == LVS_SH;
        int n = hashed ? 1 : nd;
        for (int i = 0; i < n; i++)
            assert_int_equal(i, lvs_dest_add(svc, IP4(192, 168, 1, 10 + i), 80, 0));
        zero[k] = lvs_schedule(svc, &f, 0);
        ok[k] = 0;
        for (int i = 0; i < n; i++) {
            assert_int_equal(0, lvs_dest_edit(svc, i, 1 + (int)ug_rand_below(3)));
            assert_int_equal(0, lvs_dest_thresholds(svc, i, 1, 0));
        }
        for (int i = 0; i < n; i++) {
            lvs_conn_t conn;
            f.daddr = VIP + (uint32_t)i; /* lblc, lblcr: no cached entry to stick to */
            ok[k] += lvs_connect(svc, &f, 0, &conn) >= 0;
        }
        f.daddr = VIP + 7;
        over[k] = lvs_schedule(svc, &f, 0);
        lvs_service_free(svc);
    }
    int none[10], three[10];
    for (int k = 0; k < 10; k++) {
        none[k] = -ENOENT;
        three[k] = k == LVS_DH || k == LVS_SH ? 1 : nd;
    }
    assert_memory_equal(none, empty, sizeof(empty));
    assert_memory_equal(none, zero, sizeof(zero));
    assert_memory_equal(three, ok, sizeof(ok));
    assert_memory_equal(none, over, sizeof(over));
}

/* On seeded tables with quiesced dests, every scheduler but dh and sh
 * (whose buckets are fixed) finds a dest exactly when one has a weight, and
 * never a quiesced one. */
static void
test_no_scheduler_picks_a_quiesced_server_and_each_finds_one_if_any_has_weight(void **state)
{
    (void)state;
    int found[8] = {0}, want[8] = {0}, quiesced[8] = {0}, zero[8] = {0};
    for (int k = LVS_RR; k <= LVS_LBLCR; k++)
        for (int t = 0; t < 60; t++) {
            int n = 1 + (int)ug_rand_below(8), w[8], act[8], ina[8], pos[8];
            bool any = false;
            for (int i = 0; i < n; i++) {
                w[i] = ug_rand_below(3) ? 0 : 1 + (int)ug_rand_below(4);
                act[i] = (int)ug_rand_below(5);
                ina[i] = (int)ug_rand_below(300);
                any |= w[i] > 0;
            }
            lvs_service_t *svc = svc_list((lvs_sched_kind_t)k, w, n, pos);
            load(svc, pos, act, ina, n);
            lvs_flow_t f = flow_to(IP4(1, 2, 3, 4), IP4(172, 16, 0, t));
            for (int r = 0; r < 3; r++) {
                int p = where(pos, n, lvs_schedule(svc, &f, (uint64_t)r));
                found[k] += p >= 0;
                quiesced[k] += p >= 0 && w[p] == 0;
                want[k] += any;
            }
            lvs_service_free(svc);
        }
    assert_memory_equal(want, found, sizeof(found));
    assert_memory_equal(zero, quiesced, sizeof(quiesced));
}

UG_TEST_GROUP(
    lvs_sched, NULL, NULL,
    cmocka_unit_test(
        test_no_scheduler_picks_a_quiesced_server_and_each_finds_one_if_any_has_weight),
    cmocka_unit_test(test_rr_cycles_in_list_order_skipping_weight_0_and_keeps_its_place_on_add),
    cmocka_unit_test(test_wrr_weights_4_3_2_cycle_a_a_b_a_b_c_a_b_c_for_any_common_factor),
    cmocka_unit_test(test_lc_overhead_is_active_shifted_8_plus_inactive_and_the_first_wins_ties),
    cmocka_unit_test(test_wlc_compares_overhead_per_weight_by_cross_multiplication),
    cmocka_unit_test(test_sed_counts_active_plus_one_and_nq_takes_the_first_idle_server),
    cmocka_unit_test(
        test_every_scheduler_finds_none_with_no_servers_all_weights_0_or_all_overloaded));
