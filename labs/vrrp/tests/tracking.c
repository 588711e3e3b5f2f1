/*
 * tracking.c — keepalived's additions: tracked interfaces and scripts that
 * move the priority (clamped to 1..254), a weight-0 track that means FAULT,
 * the notify hook on every transition, the owner at 255 and the gratuitous
 * ARP frames a new Master emits.
 */
#include "vr_test.h"

static void test_track_weights_move_the_priority_clamped_to_1_254_and_never_the_owner(void **state)
{
    (void)state;
    int base = 50 + (int)ug_rand_below(150);
    int up = 1 + (int)ug_rand_below(40), down = 1 + (int)ug_rand_below(40);
    vr_config_t c = vt_cfg(3, base, 0x0A000001u, 100, 7);
    vr_router_t *r;
    assert_int_equal(0, vr_router_new(&c, NULL, &r));
    int plus = vr_track_add(r, up, true);     /* adds while up */
    int minus = vr_track_add(r, -down, true); /* subtracts while down */
    assert_int_equal(0, plus);
    assert_int_equal(1, minus);
    assert_int_equal(base + up, vr_priority(r));
    assert_int_equal(0, vr_track_set(r, plus, false, 0));
    assert_int_equal(base, vr_priority(r));
    assert_int_equal(0, vr_track_set(r, minus, false, 0));
    assert_int_equal(base - down, vr_priority(r));
    int big = vr_track_add(r, 300, true);
    assert_int_equal(254, vr_priority(r));
    assert_int_equal(0, vr_track_set(r, big, false, 0));
    vr_track_add(r, -300, false);
    assert_int_equal(1, vr_priority(r));
    assert_int_equal(-EINVAL, vr_track_set(r, 9, true, 0));
    vr_router_free(r);

    c.priority = 255;
    assert_int_equal(0, vr_router_new(&c, NULL, &r));
    vr_track_add(r, -down, false);
    assert_int_equal(255, vr_priority(r));
    vr_router_free(r);
}

/* A weight-0 track going down takes the Master to FAULT at that instant,
 * with a priority-0 advertisement (the Backup waits only its Skew_Time);
 * when it comes back the router goes through Backup and preempts again. */
static void test_weight_zero_track_down_is_fault_and_recovery_goes_through_backup(void **state)
{
    (void)state;
    int64_t a = 50 + (int64_t)ug_rand_below(200), A = CS(a);
    vr_lan_t *lan;
    assert_int_equal(0, vr_lan_new(ug_rand(), &lan));
    vr_config_t c0 = vt_cfg(3, 192, 0x0A000001u, (int)a, 9),
                c1 = vt_cfg(3, 128, 0x0A000002u, (int)a, 9);
    assert_int_equal(0, vr_lan_add(lan, &c0));
    assert_int_equal(1, vr_lan_add(lan, &c1));
    int tr = vr_track_add(vr_lan_router(lan, 0), 0, true);
    vr_lan_at(lan, 0, VR_ACT_START, 0, 0);
    vr_lan_at(lan, 0, VR_ACT_START, 1, 0);
    int64_t m = vt_mdi3(192, a);
    int64_t tf = m + (2 + (int64_t)ug_rand_below(4)) * A + CS(1 + ug_rand_below(a - 1));
    int64_t tu = tf + (5 + (int64_t)ug_rand_below(4)) * A + CS(ug_rand_below(a));
    vr_lan_at(lan, tf, VR_ACT_TRACK_DOWN, 0, tr);
    vr_lan_at(lan, tu, VR_ACT_TRACK_UP, 0, tr);
    assert_int_equal(0, vr_lan_run(lan, tu + 8 * A));
    char want[TL_CAP] = "", got[TL_CAP];
    vt_line(want, sizeof want, 0, 0, VR_INIT, VR_BACKUP, 192);
    vt_line(want, sizeof want, 0, 1, VR_INIT, VR_BACKUP, 128);
    vt_line(want, sizeof want, m, 0, VR_BACKUP, VR_MASTER, 192);
    vt_line(want, sizeof want, tf, 0, VR_MASTER, VR_FAULT, 192);
    vt_line(want, sizeof want, tf + vt_skew3(128, a), 1, VR_BACKUP, VR_MASTER, 128);
    vt_line(want, sizeof want, tu, 0, VR_FAULT, VR_BACKUP, 192);
    vt_line(want, sizeof want, tu + vt_mdi3(192, a), 0, VR_BACKUP, VR_MASTER, 192);
    vt_line(want, sizeof want, tu + vt_mdi3(192, a), 1, VR_MASTER, VR_BACKUP, 128);
    vt_timeline(lan, got, sizeof got);
    assert_string_equal(want, got);
    vr_lan_free(lan);
}

/* A negative weight that takes the Master (192) below the Backup (128):
 * its next advertisement carries 92, the Backup ignores it as a preempting
 * router must, and takes over one Master_Down_Interval after the last 192. */
static void test_negative_weight_below_the_backup_hands_over_by_preemption(void **state)
{
    (void)state;
    int64_t a = 50 + (int64_t)ug_rand_below(200), A = CS(a);
    vr_lan_t *lan;
    assert_int_equal(0, vr_lan_new(ug_rand(), &lan));
    vr_config_t c0 = vt_cfg(3, 192, 0x0A000001u, (int)a, 9),
                c1 = vt_cfg(3, 128, 0x0A000002u, (int)a, 9);
    assert_int_equal(0, vr_lan_add(lan, &c0));
    assert_int_equal(1, vr_lan_add(lan, &c1));
    int tr = vr_track_add(vr_lan_router(lan, 0), -100, true);
    vr_lan_at(lan, 0, VR_ACT_START, 0, 0);
    vr_lan_at(lan, 0, VR_ACT_START, 1, 0);
    int64_t m = vt_mdi3(192, a);
    int64_t k = 2 + (int64_t)ug_rand_below(4);
    vr_lan_at(lan, m + k * A + CS(1 + ug_rand_below(a - 1)), VR_ACT_TRACK_DOWN, 0, tr);
    int64_t f = m + k * A + vt_mdi3(128, a);
    assert_int_equal(0, vr_lan_run(lan, f + 5 * A));
    char want[TL_CAP] = "", got[TL_CAP];
    vt_line(want, sizeof want, 0, 0, VR_INIT, VR_BACKUP, 192);
    vt_line(want, sizeof want, 0, 1, VR_INIT, VR_BACKUP, 128);
    vt_line(want, sizeof want, m, 0, VR_BACKUP, VR_MASTER, 192);
    vt_line(want, sizeof want, f, 1, VR_BACKUP, VR_MASTER, 128);
    vt_line(want, sizeof want, f, 0, VR_MASTER, VR_BACKUP, 92);
    vt_timeline(lan, got, sizeof got);
    assert_string_equal(want, got);
    vr_lan_free(lan);
}

typedef struct rec {
    char log[512];
    int frames;
    uint8_t last[42];
} rec_t;

static void rec_notify(void *ud, vr_state_t from, vr_state_t to, int prio)
{
    rec_t *rc = ud;
    size_t n = strlen(rc->log);
    snprintf(rc->log + n, sizeof rc->log - n, "%s>%s %d;", vt_names[from], vt_names[to], prio);
}

static void rec_frame(void *ud, const uint8_t *f, size_t len)
{
    rec_t *rc = ud;
    rc->frames++;
    if (len == 42)
        memcpy(rc->last, f, 42);
}

/* The address owner skips Backup: Master at startup, announcing each of its
 * addresses with a gratuitous ARP from the virtual MAC 00:00:5e:00:01:VRID. */
static void test_owner_at_255_is_master_at_startup_with_a_gratuitous_arp_per_address(void **state)
{
    (void)state;
    uint8_t vrid = (uint8_t)(1 + ug_rand_below(255));
    vr_config_t c = vt_cfg(3, 255, 0x0A000001u, 100, vrid);
    c.naddrs = 1 + (int)ug_rand_below(4);
    for (int i = 0; i < c.naddrs; i++)
        c.addrs[i] = 0xC0A80000u | (uint32_t)ug_rand_below(65536);
    rec_t rc = {0};
    vr_io_t io = {.frame = rec_frame, .notify = rec_notify, .ud = &rc};
    vr_router_t *r;
    assert_int_equal(0, vr_router_new(&c, &io, &r));
    int64_t t0 = CS(ug_rand_below(1000));
    assert_int_equal(0, vr_startup(r, t0));
    assert_string_equal("INIT>MASTER 255;", rc.log);
    assert_int_equal(c.naddrs, rc.frames);
    assert_int_equal(t0 + CS(100), vr_next_deadline(r));
    uint32_t v = c.addrs[c.naddrs - 1];
    uint8_t ip[4] = {v >> 24, v >> 16 & 255, v >> 8 & 255, v & 255};
    uint8_t want[42] = {255,  255, 255,  255, 255, 255,   0,     0,     0x5e,  0,     1,
                        vrid, 8,   6,    0,   1,   8,     0,     6,     4,     0,     1,
                        0,    0,   0x5e, 0,   1,   vrid,  ip[0], ip[1], ip[2], ip[3], 0,
                        0,    0,   0,    0,   0,   ip[0], ip[1], ip[2], ip[3]};
    assert_memory_equal(want, rc.last, 42);
    vr_router_free(r);
}

/* notify sees every change, with where it came from. */
static void test_notify_hook_runs_on_every_transition(void **state)
{
    (void)state;
    int p = 1 + (int)ug_rand_below(200);
    vr_config_t c = vt_cfg(3, p, 0x0A000001u, 100, 3);
    rec_t rc = {0};
    vr_io_t io = {.frame = rec_frame, .notify = rec_notify, .ud = &rc};
    vr_router_t *r;
    assert_int_equal(0, vr_router_new(&c, &io, &r));
    int tr = vr_track_add(r, 0, true);
    int64_t t = CS(ug_rand_below(100));
    vr_startup(r, t);
    vr_tick(r, t + vt_mdi3(p, 100));
    vr_adv_t a = {.version = 3,
                  .vrid = 3,
                  .priority = (uint8_t)(p + 1),
                  .count = 1,
                  .adver_int = 100,
                  .addrs = {VIP}};
    uint8_t m[64];
    int n = vr_encode(&a, 0x0A000002u, m, sizeof m);
    vr_input(r, m, (size_t)n, 0x0A000002u, 255, t + SEC(5));
    vr_track_set(r, tr, false, t + SEC(6));
    vr_track_set(r, tr, true, t + SEC(7));
    vr_shutdown(r, t + SEC(8));
    char want[512];
    snprintf(want, sizeof want,
             "INIT>BACKUP %d;BACKUP>MASTER %d;MASTER>BACKUP %d;BACKUP>FAULT %d;FAULT>BACKUP %d;"
             "BACKUP>INIT %d;",
             p, p, p, p, p, p);
    assert_string_equal(want, rc.log);
    assert_int_equal(1, rc.frames);
    vr_router_free(r);
}

static void count_send(void *ud, const uint8_t *m, size_t len)
{
    rec_t *rc = ud;
    size_t n = strlen(rc->log);
    snprintf(rc->log + n, sizeof rc->log - n, "adv %d;", len > 2 ? m[2] : -1);
}

/* A Master that hears priority 0 (another Master resigning, say after a
 * split) advertises at once and restarts its Adver_Timer from then. */
static void test_master_answers_a_priority_zero_advertisement_at_once(void **state)
{
    (void)state;
    int p = 1 + (int)ug_rand_below(254);
    int64_t a = 20 + (int64_t)ug_rand_below(300);
    vr_config_t c = vt_cfg(3, p, 0x0A000001u, (int)a, 5);
    rec_t rc = {0};
    vr_io_t io = {.send = count_send, .ud = &rc};
    vr_router_t *r;
    assert_int_equal(0, vr_router_new(&c, &io, &r));
    vr_startup(r, 0);
    int64_t m = vt_mdi3(p, a);
    vr_tick(r, m);
    vr_adv_t z = {.version = 3,
                  .vrid = 5,
                  .priority = 0,
                  .count = 1,
                  .adver_int = (uint16_t)a,
                  .addrs = {VIP}};
    uint8_t buf[64];
    int n = vr_encode(&z, 0x0A000002u, buf, sizeof buf);
    int64_t t = m + CS(1 + ug_rand_below((uint64_t)a - 1));
    assert_int_equal(0, vr_input(r, buf, (size_t)n, 0x0A000002u, 255, t));
    char want[64];
    snprintf(want, sizeof want, "adv %d;adv %d;", p, p);
    assert_string_equal(want, rc.log);
    assert_int_equal(t + CS(a), vr_next_deadline(r));
    assert_int_equal(VR_MASTER, vr_state(r));
    vr_router_free(r);
}

UG_TEST_GROUP(
    vrrp_tracking, NULL, NULL,
    cmocka_unit_test(test_track_weights_move_the_priority_clamped_to_1_254_and_never_the_owner),
    cmocka_unit_test(test_weight_zero_track_down_is_fault_and_recovery_goes_through_backup),
    cmocka_unit_test(test_negative_weight_below_the_backup_hands_over_by_preemption),
    cmocka_unit_test(test_owner_at_255_is_master_at_startup_with_a_gratuitous_arp_per_address),
    cmocka_unit_test(test_notify_hook_runs_on_every_transition),
    cmocka_unit_test(test_master_answers_a_priority_zero_advertisement_at_once));
