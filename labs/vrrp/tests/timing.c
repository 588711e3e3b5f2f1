/*
 * timing.c — the instants of every transition of RFC 5798 and RFC 3768 on
 * the simulated LAN. Each test builds its expected timeline from the RFC's
 * formulas (vr_test.h's oracle) and compares the whole of it at once.
 * Intervals, start instants, VRIDs and addresses come from the seed; the
 * faults land off the advertisement grid so that no two events tie.
 */
#include "vr_test.h"

typedef struct two {
    vr_lan_t *lan;
    int64_t a;  /* Advertisement_Interval, cs (v3) or s (v2) */
    int64_t t0; /* when both start */
    bool swap;  /* r0 has the higher primary IP */
    char want[TL_CAP], got[TL_CAP];
} two_t;

/* r0 at p0, r1 at p1, both version v; nothing scheduled yet. */
static void two_make(two_t *w, int v, int p0, int p1, bool nopreempt0, int64_t delay0)
{
    uint32_t lo, hi;
    vt_two_ips(&lo, &hi);
    uint8_t vrid = (uint8_t)(1 + ug_rand_below(255));
    /* v3: never a multiple of 4 cs, so that 192's Skew_Time (A/4) is never whole */
    w->a = v == 3 ? 49 + 4 * (int64_t)ug_rand_below(50) + 1 + (int64_t)ug_rand_below(3)
                  : 1 + (int64_t)ug_rand_below(3);
    w->t0 = CS(ug_rand_below(500));
    w->want[0] = 0;
    assert_int_equal(0, vr_lan_new(ug_rand(), &w->lan));
    bool swap = w->swap = ug_rand_below(2);
    vr_config_t c0 = vt_cfg(v, p0, swap ? hi : lo, (int)w->a, vrid);
    vr_config_t c1 = vt_cfg(v, p1, swap ? lo : hi, (int)w->a, vrid);
    c0.nopreempt = nopreempt0;
    c0.preempt_delay = delay0;
    assert_int_equal(0, vr_lan_add(w->lan, &c0));
    assert_int_equal(1, vr_lan_add(w->lan, &c1));
}

static int64_t two_adv(const two_t *w, int v)
{
    return v == 3 ? CS(w->a) : SEC(w->a);
}

static void two_run(two_t *w, int64_t until)
{
    assert_int_equal(0, vr_lan_run(w->lan, until));
    vt_timeline(w->lan, w->got, sizeof w->got);
}

#define WANT(w, t, r, from, to, prio) vt_line((w)->want, sizeof(w)->want, t, r, from, to, prio)

/* Both start at once: each is Backup for its own Master_Down_Interval, and
 * 192's (3A + 64A/256) ends first; 128 then hears it and stays Backup. */
static void
test_v3_routers_at_192_and_128_started_together_elect_192_after_its_master_down_interval(
    void **state)
{
    (void)state;
    two_t w;
    two_make(&w, 3, 192, 128, false, 0);
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 0, 0);
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 1, 0);
    int64_t m = w.t0 + vt_mdi3(192, w.a);
    int64_t end = m + 10 * CS(w.a) + CS(1);
    two_run(&w, end);
    WANT(&w, w.t0, 0, VR_INIT, VR_BACKUP, 192);
    WANT(&w, w.t0, 1, VR_INIT, VR_BACKUP, 128);
    WANT(&w, m, 0, VR_BACKUP, VR_MASTER, 192);
    assert_string_equal(w.want, w.got);
    assert_int_equal(11, vr_lan_sent(w.lan, 0)); /* at m, then every A */
    assert_int_equal(0, vr_lan_sent(w.lan, 1));
    assert_int_equal(vt_mdi3(128, w.a), vr_master_down_interval(vr_lan_router(w.lan, 1)));
    assert_int_equal(vt_skew3(128, w.a), vr_skew_time(vr_lan_router(w.lan, 1)));
    assert_int_equal(m + 10 * CS(w.a) + vt_mdi3(128, w.a),
                     vr_next_deadline(vr_lan_router(w.lan, 1)));
    vr_lan_free(w.lan);
}

/* The Master goes silent: the Backup takes over one Master_Down_Interval
 * after the last advertisement it heard; when the Master is heard again
 * its first advertisement (192 > 128) sends the Backup back. */
static void
test_v3_silenced_master_is_replaced_one_master_down_interval_after_its_last_advertisement(
    void **state)
{
    (void)state;
    two_t w;
    two_make(&w, 3, 192, 128, false, 0);
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 0, 0);
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 1, 0);
    int64_t m = w.t0 + vt_mdi3(192, w.a), A = CS(w.a);
    int64_t k = 2 + (int64_t)ug_rand_below(5);
    int64_t ts = m + k * A + CS(1 + ug_rand_below(w.a - 1));
    int64_t tr = m + (k + 5) * A + CS(1 + ug_rand_below(w.a - 1));
    vr_lan_at(w.lan, ts, VR_ACT_ISOLATE, 0, 0);
    vr_lan_at(w.lan, tr, VR_ACT_REJOIN, 0, 0);
    two_run(&w, m + (k + 9) * A);
    WANT(&w, w.t0, 0, VR_INIT, VR_BACKUP, 192);
    WANT(&w, w.t0, 1, VR_INIT, VR_BACKUP, 128);
    WANT(&w, m, 0, VR_BACKUP, VR_MASTER, 192);
    WANT(&w, m + k * A + vt_mdi3(128, w.a), 1, VR_BACKUP, VR_MASTER, 128);
    WANT(&w, m + (k + 6) * A, 1, VR_MASTER, VR_BACKUP, 128);
    assert_string_equal(w.want, w.got);
    vr_lan_free(w.lan);
}

/* A Master that shuts down sends priority 0; the Backup then waits only its
 * Skew_Time ((256 - 128) * A / 256), not a Master_Down_Interval. */
static void test_v3_priority_zero_shutdown_hands_over_after_the_backups_skew_time(void **state)
{
    (void)state;
    two_t w;
    two_make(&w, 3, 192, 128, false, 0);
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 0, 0);
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 1, 0);
    int64_t m = w.t0 + vt_mdi3(192, w.a), A = CS(w.a);
    int64_t ts = m + (2 + (int64_t)ug_rand_below(5)) * A + CS(1 + ug_rand_below(w.a - 1));
    vr_lan_at(w.lan, ts, VR_ACT_SHUTDOWN, 0, 0);
    two_run(&w, ts + 5 * A);
    WANT(&w, w.t0, 0, VR_INIT, VR_BACKUP, 192);
    WANT(&w, w.t0, 1, VR_INIT, VR_BACKUP, 128);
    WANT(&w, m, 0, VR_BACKUP, VR_MASTER, 192);
    WANT(&w, ts, 0, VR_MASTER, VR_INIT, 192);
    WANT(&w, ts + vt_skew3(128, w.a), 1, VR_BACKUP, VR_MASTER, 128);
    assert_string_equal(w.want, w.got);
    assert_int_equal(0, vr_lan_last_priority(w.lan, 0));
    vr_lan_free(w.lan);
}

/* 128 is Master alone; 192 starts later, ignores 128's advertisements and
 * takes over when its own Master_Down_Timer fires; 128 yields at once. */
static void test_v3_higher_priority_backup_preempts_at_its_master_down_interval(void **state)
{
    (void)state;
    two_t w;
    two_make(&w, 3, 192, 128, false, 0);
    int64_t A = CS(w.a), m1 = w.t0 + vt_mdi3(128, w.a);
    int64_t ts = m1 + (int64_t)ug_rand_below(5) * A + CS(1 + ug_rand_below(w.a - 1));
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 1, 0);
    vr_lan_at(w.lan, ts, VR_ACT_START, 0, 0);
    two_run(&w, ts + 10 * A);
    WANT(&w, w.t0, 1, VR_INIT, VR_BACKUP, 128);
    WANT(&w, m1, 1, VR_BACKUP, VR_MASTER, 128);
    WANT(&w, ts, 0, VR_INIT, VR_BACKUP, 192);
    WANT(&w, ts + vt_mdi3(192, w.a), 0, VR_BACKUP, VR_MASTER, 192);
    WANT(&w, ts + vt_mdi3(192, w.a), 1, VR_MASTER, VR_BACKUP, 128);
    assert_string_equal(w.want, w.got);
    vr_lan_free(w.lan);
}

/* The same start with nopreempt: 192 accepts 128's advertisements and stays
 * Backup for as long as 128 is heard. */
static void test_v3_nopreempt_backup_keeps_the_lower_priority_master(void **state)
{
    (void)state;
    two_t w;
    two_make(&w, 3, 192, 128, true, 0);
    int64_t A = CS(w.a), m1 = w.t0 + vt_mdi3(128, w.a);
    int64_t ts = m1 + (int64_t)ug_rand_below(5) * A + CS(1 + ug_rand_below(w.a - 1));
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 1, 0);
    vr_lan_at(w.lan, ts, VR_ACT_START, 0, 0);
    two_run(&w, ts + 20 * A);
    WANT(&w, w.t0, 1, VR_INIT, VR_BACKUP, 128);
    WANT(&w, m1, 1, VR_BACKUP, VR_MASTER, 128);
    WANT(&w, ts, 0, VR_INIT, VR_BACKUP, 192);
    assert_string_equal(w.want, w.got);
    vr_lan_free(w.lan);
}

/* keepalived's preempt_delay: until the delay after startup has passed,
 * 192 accepts 128's advertisements as nopreempt would; the first one after
 * it is ignored, and 192 takes over one Master_Down_Interval after the last
 * one it accepted. */
static void test_v3_preempt_delay_holds_preemption_until_the_delay_after_startup(void **state)
{
    (void)state;
    two_t w;
    int64_t delay = SEC(5) + CS(ug_rand_below(1000));
    two_make(&w, 3, 192, 128, false, delay);
    int64_t A = CS(w.a), m1 = w.t0 + vt_mdi3(128, w.a);
    int64_t ts = m1 + (int64_t)ug_rand_below(5) * A + CS(1 + ug_rand_below(w.a - 1));
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 1, 0);
    vr_lan_at(w.lan, ts, VR_ACT_START, 0, 0);
    int64_t g = m1 +
                (ts + delay - m1 - 1) / A * A; /* the last advertisement before the delay ends */
    two_run(&w, g + 10 * A);
    WANT(&w, w.t0, 1, VR_INIT, VR_BACKUP, 128);
    WANT(&w, m1, 1, VR_BACKUP, VR_MASTER, 128);
    WANT(&w, ts, 0, VR_INIT, VR_BACKUP, 192);
    WANT(&w, g + vt_mdi3(192, w.a), 0, VR_BACKUP, VR_MASTER, 192);
    WANT(&w, g + vt_mdi3(192, w.a), 1, VR_MASTER, VR_BACKUP, 128);
    assert_string_equal(w.want, w.got);
    vr_lan_free(w.lan);
}

/* Two routers of one priority start together: both time out at the same
 * instant and both become Master; on hearing each other, the one with the
 * lower primary IP yields. */
static void test_v3_equal_priorities_are_settled_by_the_higher_primary_ip(void **state)
{
    (void)state;
    two_t w;
    int p = 1 + (int)ug_rand_below(254);
    two_make(&w, 3, p, p, false, 0);
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 0, 0);
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 1, 0);
    int64_t m = w.t0 + vt_mdi3(p, w.a);
    two_run(&w, m + 10 * CS(w.a));
    WANT(&w, w.t0, 0, VR_INIT, VR_BACKUP, p);
    WANT(&w, w.t0, 1, VR_INIT, VR_BACKUP, p);
    WANT(&w, m, 0, VR_BACKUP, VR_MASTER, p);
    WANT(&w, m, 1, VR_BACKUP, VR_MASTER, p);
    WANT(&w, m, w.swap ? 1 : 0, VR_MASTER, VR_BACKUP, p);
    assert_string_equal(w.want, w.got);
    vr_lan_free(w.lan);
}

/* Version 2: Master_Down_Interval is 3 s per Advertisement_Interval plus
 * (256 - Priority)/256 s, exact (no rounding to centiseconds). */
static void test_v2_silenced_master_is_replaced_after_three_intervals_plus_exact_skew(void **state)
{
    (void)state;
    two_t w;
    int p0 = 150 + (int)ug_rand_below(100), p1 = 1 + (int)ug_rand_below(100);
    if (p1 == 64)
        p1 = 65; /* 192/256 s is a whole number of centiseconds: avoid it */
    two_make(&w, 2, p0, p1, false, 0);
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 0, 0);
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 1, 0);
    int64_t A = two_adv(&w, 2), m = w.t0 + vt_mdi2(p0, w.a);
    int64_t k = 2 + (int64_t)ug_rand_below(4);
    int64_t ts = m + k * A + 1 + (int64_t)ug_rand_below((uint64_t)A - 1);
    vr_lan_at(w.lan, ts, VR_ACT_ISOLATE, 0, 0);
    two_run(&w, ts + 6 * A);
    WANT(&w, w.t0, 0, VR_INIT, VR_BACKUP, p0);
    WANT(&w, w.t0, 1, VR_INIT, VR_BACKUP, p1);
    WANT(&w, m, 0, VR_BACKUP, VR_MASTER, p0);
    WANT(&w, m + k * A + vt_mdi2(p1, w.a), 1, VR_BACKUP, VR_MASTER, p1);
    assert_string_equal(w.want, w.got);
    assert_int_equal(vt_skew2(p1), vr_skew_time(vr_lan_router(w.lan, 1)));
    vr_lan_free(w.lan);
}

/* v3's Backup times the Master by the Master's interval, carried in each
 * advertisement, not by its own configured one. */
static void test_v3_backup_times_the_master_by_the_interval_it_advertises(void **state)
{
    (void)state;
    two_t w;
    two_make(&w, 3, 192, 128, false, 0);
    int64_t a1 = w.a + 20 + (int64_t)ug_rand_below(100);
    vr_lan_free(w.lan);
    assert_int_equal(0, vr_lan_new(ug_rand(), &w.lan));
    vr_config_t c0 = vt_cfg(3, 192, 0x0A000001u, (int)w.a, 4),
                c1 = vt_cfg(3, 128, 0x0A000002u, (int)a1, 4);
    assert_int_equal(0, vr_lan_add(w.lan, &c0));
    assert_int_equal(1, vr_lan_add(w.lan, &c1));
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 0, 0);
    vr_lan_at(w.lan, w.t0, VR_ACT_START, 1, 0);
    int64_t m = w.t0 + vt_mdi3(192, w.a), A = CS(w.a);
    int64_t k = 2 + (int64_t)ug_rand_below(5);
    vr_lan_at(w.lan, m + k * A + CS(1 + ug_rand_below(w.a - 1)), VR_ACT_ISOLATE, 0, 0);
    two_run(&w, m + (k + 10) * A);
    WANT(&w, w.t0, 0, VR_INIT, VR_BACKUP, 192);
    WANT(&w, w.t0, 1, VR_INIT, VR_BACKUP, 128);
    WANT(&w, m, 0, VR_BACKUP, VR_MASTER, 192);
    WANT(&w, m + k * A + vt_mdi3(128, w.a), 1, VR_BACKUP, VR_MASTER, 128);
    assert_string_equal(w.want, w.got);
    vr_lan_free(w.lan);
}

UG_TEST_GROUP(
    vrrp_timing, NULL, NULL,
    cmocka_unit_test(
        test_v3_routers_at_192_and_128_started_together_elect_192_after_its_master_down_interval),
    cmocka_unit_test(
        test_v3_silenced_master_is_replaced_one_master_down_interval_after_its_last_advertisement),
    cmocka_unit_test(test_v3_priority_zero_shutdown_hands_over_after_the_backups_skew_time),
    cmocka_unit_test(test_v3_higher_priority_backup_preempts_at_its_master_down_interval),
    cmocka_unit_test(test_v3_nopreempt_backup_keeps_the_lower_priority_master),
    cmocka_unit_test(test_v3_preempt_delay_holds_preemption_until_the_delay_after_startup),
    cmocka_unit_test(test_v3_equal_priorities_are_settled_by_the_higher_primary_ip),
    cmocka_unit_test(test_v3_backup_times_the_master_by_the_interval_it_advertises),
    cmocka_unit_test(test_v2_silenced_master_is_replaced_after_three_intervals_plus_exact_skew));
