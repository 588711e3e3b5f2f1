/*
 * random.c — a seeded schedule of faults against the invariants: once the
 * segment has been quiet for a while, every router that hears the others
 * agrees on one Master, the live router of highest priority (preemption is
 * on); an isolated router is Master of its own island; a stopped one is in
 * Initialize; and when the Master is cut off, the next one takes over
 * within its Master_Down_Interval of the cut (and no sooner than one
 * Advertisement_Interval before that).
 */
#include "vr_test.h"

#define N 4
#define EPOCHS 12

enum { CUT_MASTER, REJOIN_ALL, STOP_ONE, START_ONE, LOSSY };

typedef struct world {
    vr_lan_t *lan;
    int prio[N];
    bool running[N], isolated[N];
    int64_t a;
} world_t;

/* The live router of highest priority, or -1. */
static int best_live(const world_t *w, int except)
{
    int best = -1;
    for (int i = 0; i < N; i++)
        if (i != except && w->running[i] && !w->isolated[i] &&
            (best < 0 || w->prio[i] > w->prio[best]))
            best = i;
    return best;
}

/* What the oracle says each router's state is once the segment is quiet. */
static void expected_states(const world_t *w, char *out)
{
    int b = best_live(w, -1);
    for (int i = 0; i < N; i++) {
        char c = 'I';
        if (w->running[i])
            c = w->isolated[i] || i == b ? 'M' : 'B';
        out[i] = c;
    }
    out[N] = ' ';
}

static void actual_states(const world_t *w, char *out)
{
    static const char code[] = "IBMF";
    for (int i = 0; i < N; i++)
        out[i] = code[vr_state(vr_lan_router(w->lan, i)) & 3];
    out[N] = ' ';
}

/* The first transition of router r to MASTER after t, or -1. */
static int64_t first_master_after(const world_t *w, int r, int64_t t)
{
    const vr_event_t *ev;
    size_t n = vr_lan_events(w->lan, &ev);
    for (size_t i = 0; i < n; i++)
        if (ev[i].t > t && ev[i].router == r && ev[i].to == VR_MASTER)
            return ev[i].t;
    return -1;
}

static int pick(const world_t *w, bool running)
{
    int c[N], k = 0;
    for (int i = 0; i < N; i++)
        if (w->running[i] == running)
            c[k++] = i;
    return k ? c[ug_rand_below((uint64_t)k)] : -1;
}

static void
test_seeded_fault_schedule_keeps_one_master_and_fails_over_within_master_down_interval(void **state)
{
    (void)state;
    world_t w = {.a = 50 + (int64_t)ug_rand_below(150)};
    int64_t A = CS(w.a), E = 25 * A;
    assert_int_equal(0, vr_lan_new(ug_rand(), &w.lan));
    uint8_t vrid = (uint8_t)(1 + ug_rand_below(255));
    for (int i = 0; i < N; i++) {
        /* distinct priorities: a random offset in each band of 60 */
        w.prio[i] = 10 + 60 * i + (int)ug_rand_below(60);
        vr_config_t c = vt_cfg(3, w.prio[i], 0x0A000001u + (uint32_t)i, (int)w.a, vrid);
        assert_int_equal(i, vr_lan_add(w.lan, &c));
        vr_lan_at(w.lan, CS(ug_rand_below(300)), VR_ACT_START, i, 0);
        w.running[i] = true;
    }
    char want[EPOCHS * (N + 1) + 1] = "", got[EPOCHS * (N + 1) + 1] = "";
    int cuts = 0, late = 0, early = 0;
    int64_t t = SEC(20);
    for (int e = 0; e < EPOCHS; e++) {
        int64_t at = t + CS(1 + ug_rand_below(w.a - 1));
        int act = (int)ug_rand_below(5), m = best_live(&w, -1), x;
        int next = -1;
        if (act == CUT_MASTER && m >= 0) {
            vr_lan_at(w.lan, at, VR_ACT_ISOLATE, m, 0);
            w.isolated[m] = true;
            next = best_live(&w, -1);
        } else if (act == STOP_ONE && (x = pick(&w, true)) >= 0) {
            vr_lan_at(w.lan, at, VR_ACT_SHUTDOWN, x, 0);
            w.running[x] = false;
        } else if (act == START_ONE && (x = pick(&w, false)) >= 0) {
            vr_lan_at(w.lan, at, VR_ACT_START, x, 0);
            w.running[x] = true;
        } else if (act == LOSSY) {
            vr_lan_at(w.lan, at, VR_ACT_LOSS, 0, 200 + (int)ug_rand_below(500));
            vr_lan_at(w.lan, at + E / 3, VR_ACT_LOSS, 0, 0);
        } else {
            for (int i = 0; i < N; i++)
                if (w.isolated[i])
                    vr_lan_at(w.lan, at, VR_ACT_REJOIN, i, 0);
            memset(w.isolated, 0, sizeof w.isolated);
        }
        t += E;
        assert_int_equal(0, vr_lan_run(w.lan, t));
        expected_states(&w, want + e * (N + 1));
        actual_states(&w, got + e * (N + 1));
        if (next >= 0) {
            int64_t mdi = vt_mdi3(w.prio[next], w.a), f = first_master_after(&w, next, at);
            cuts++;
            late += f < 0 || f > at + mdi;
            early += f >= 0 && f <= at + mdi - A;
        }
    }
    assert_string_equal(want, got);
    assert_int_equal(0, late);
    assert_int_equal(0, early);
    (void)cuts;
    vr_lan_free(w.lan);
}

UG_TEST_GROUP(
    vrrp_random, NULL, NULL,
    cmocka_unit_test(
        test_seeded_fault_schedule_keeps_one_master_and_fails_over_within_master_down_interval));
