/*
 * tasks.c — the checker under the runtime: lock cycles among tasks (in
 * order and really hanging, two tasks or a ring of more), all tasks asleep,
 * partial deadlocks over channels and locks, liveness that passes through
 * blocked tasks, and the classic two-goroutine channel deadlock.
 * FIFO scheduling makes every interleaving below exact. Lock names are
 * seeded, and so are task ids: main first spawns a seeded number of tasks
 * that return at once (spawn_idle), so the ids of the tasks under test move.
 *
 * Interface: w_make (locks, channels) → run_tasks(main task) → reports.
 */
#include "dl_test.h"

typedef struct world {
    dl_t *d;
    mutex_t a, b, c;
    char na[16], nb[16], nc[16];   /* their class names, seeded */
    chan_t *ch1, *ch2;
    int idle;                  /* tasks main spawns first, which return at once */
    size_t partial_seen;       /* partial reports seen by main while it ran */
} world_t;

static void idle_task(void *p) { (void)p; }

/* Spawns n tasks that return at once: they take ids 2 .. n+1. */
static void spawn_idle(int n) {
    for (int i = 0; i < n; i++) task_spawn(idle_task, NULL, NULL);
}

/* A seeded count of idle tasks, 0..20. */
static int seeded_idle(void) { return (int)ug_rand_below(21); }

static world_t *w_make(dl_t *d) {
    static world_t w;
    memset(&w, 0, sizeof w);
    w.d = d;
    w.idle = seeded_idle();
    assert_int_equal(0, dl_lock_init(d, &w.a, seeded_name(w.na, sizeof w.na, "a.")));
    assert_int_equal(0, dl_lock_init(d, &w.b, seeded_name(w.nb, sizeof w.nb, "b.")));
    assert_int_equal(0, dl_lock_init(d, &w.c, seeded_name(w.nc, sizeof w.nc, "c.")));
    assert_int_equal(0, chan_make(sizeof(int), 0, &w.ch1));
    assert_int_equal(0, chan_make(sizeof(int), 0, &w.ch2));
    return &w;
}

static void w_free(world_t *w) {
    chan_free(w->ch1);
    chan_free(w->ch2);
}

/* ---- a three-lock cycle, taken one task after the other ---- */

static void take_two(mutex_t *x, mutex_t *y) {
    mutex_lock(x);
    mutex_lock(y);
    mutex_unlock(y);
    mutex_unlock(x);
}

static void ab(void *p) { world_t *w = p; take_two(&w->a, &w->b); }
static void bc(void *p) { world_t *w = p; take_two(&w->b, &w->c); }
static void ca(void *p) { world_t *w = p; take_two(&w->c, &w->a); }

static const int orders3[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                  {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
static const int *order3;

static void three_tasks(void *p) {
    static task_fn const takers[3] = {ab, bc, ca};
    for (int k = 0; k < 3; k++) task_spawn(takers[order3[k]], p, NULL);
}

/* The three tasks are spawned in a seeded order; whichever runs last
 * closes the cycle a -> b -> c -> a. */
static void test_three_lock_cycle_across_three_tasks_is_reported_once(void **state) {
    world_t *w = w_make(*state);
    char want[64], got[64];
    order3 = orders3[ug_rand_below(6)];
    assert_int_equal(0, run_tasks(w->d, three_tasks, w));   /* nothing ever hangs */
    assert_int_equal(1, dl_report_count(w->d));
    dl_report_t r;
    find_kind(w->d, DL_ORDER, &r);
    assert_int_equal(3, r.n);
    const char *const abc[3] = {w->na, w->nb, w->nc};
    assert_string_equal(cycle_of(abc, 3, want, sizeof want), cycle_text(&r, got, sizeof got));
    order3 = orders3[ug_rand_below(6)];
    assert_int_equal(0, run_tasks(w->d, three_tasks, w));   /* same cycle again */
    assert_int_equal(1, dl_report_count(w->d));
    w_free(w);
}

/* ---- a real hang ---- */

static void hang_ab(void *p) {
    world_t *w = p;
    mutex_lock(&w->a);
    task_yield();
    mutex_lock(&w->b);
}

static void hang_ba(void *p) {
    world_t *w = p;
    mutex_lock(&w->b);
    task_yield();
    mutex_lock(&w->a);
}

static void hang_main(void *p) {
    world_t *w = p;
    spawn_idle(w->idle);
    task_spawn(hang_ab, p, NULL);   /* task idle + 2 */
    task_spawn(hang_ba, p, NULL);   /* task idle + 3 */
}

static void test_real_hang_on_two_mutexes_names_both_tasks_and_locks(void **state) {
    world_t *w = w_make(*state);
    assert_int_equal(-EDEADLK, run_tasks(w->d, hang_main, w));
    dl_report_t r;
    find_kind(w->d, DL_WAITFOR, &r);
    assert_int_equal(2, r.n);
    int x = w->idle + 2, y = x + 1;
    char want[64], got[64];
    snprintf(want, sizeof want, "%d %d", x, y);
    assert_string_equal(want, ids_text(&r, got, sizeof got));
    snprintf(want, sizeof want, "thread %d waits for %s", x, w->nb);
    assert_text_has(&r, want);
    snprintf(want, sizeof want, "thread %d waits for %s", y, w->na);
    assert_text_has(&r, want);
    assert_int_equal(1, count_kind(w->d, DL_WAITFOR));
    assert_int_equal(1, count_kind(w->d, DL_ORDER));
    w_free(w);
}

/* ---- a real hang of three or more ---- */

enum { RING_MAX = 5 };

typedef struct ring {
    mutex_t m[RING_MAX];
    int n;
} ring_t;

typedef struct ring_arg {
    ring_t *ring;
    int i;
} ring_arg_t;

/* Task i takes lock i, lets the others take theirs, then wants lock i+1. */
static void ring_member(void *p) {
    ring_arg_t *a = p;
    mutex_lock(&a->ring->m[a->i]);
    task_yield();
    mutex_lock(&a->ring->m[(a->i + 1) % a->ring->n]);
}

static void ring_main(void *p) {
    static ring_arg_t args[RING_MAX];
    ring_t *r = p;
    for (int i = 0; i < r->n; i++) {
        args[i] = (ring_arg_t){r, i};
        task_spawn(ring_member, &args[i], NULL);   /* task i + 2 */
    }
}

/* n tasks (3 to 5, from the seed) each hold one lock and wait for the
 * next one's: a wait-for cycle through every one of them, found when the
 * last one blocks, named with all n; the locks (seeded names) are a cycle
 * of the order graph too. */
static void test_a_hang_of_three_or_more_tasks_in_a_ring_is_one_wait_for_cycle(void **state) {
    dl_t *d = *state;
    static ring_t r;
    static char names[RING_MAX][32];
    const char *ring[RING_MAX];
    memset(&r, 0, sizeof r);
    r.n = 3 + (int)ug_rand_below(3);
    for (int i = 0; i < r.n; i++) {
        char prefix[16];
        snprintf(prefix, sizeof prefix, "ring%d.", i);
        ring[i] = seeded_name(names[i], sizeof names[i], prefix);
        assert_int_equal(0, dl_lock_init(d, &r.m[i], names[i]));
    }
    assert_int_equal(-EDEADLK, run_tasks(d, ring_main, &r));
    assert_int_equal(1, count_kind(d, DL_WAITFOR));
    dl_report_t rep;
    find_kind(d, DL_WAITFOR, &rep);
    assert_int_equal(r.n, rep.n);
    char want[128] = "", got[128];
    for (int i = 0; i < r.n; i++)                  /* tasks 2 .. n+1, ascending */
        snprintf(want + strlen(want), sizeof want - strlen(want), "%s%d", i ? " " : "", i + 2);
    assert_string_equal(want, ids_text(&rep, got, sizeof got));
    int k = (int)ug_rand_below((uint64_t)r.n);
    snprintf(want, sizeof want, "thread %d waits for %s", k + 2, names[(k + 1) % r.n]);
    assert_text_has(&rep, want);
    assert_int_equal(1, count_kind(d, DL_ORDER));
    find_kind(d, DL_ORDER, &rep);
    assert_string_equal(cycle_of(ring, (size_t)r.n, want, sizeof want),
                        cycle_text(&rep, got, sizeof got));
}

/* ---- everyone asleep ---- */

static void recv_ch2(void *p) {
    world_t *w = p;
    chan_recv(w->ch2, NULL, NULL);
}

static void asleep_main(void *p) {
    world_t *w = p;
    spawn_idle(w->idle);
    task_spawn(recv_ch2, p, NULL);   /* task idle + 2 */
    chan_recv(w->ch1, NULL, NULL);
}

static void test_all_tasks_asleep_is_reported_with_each_wait(void **state) {
    world_t *w = w_make(*state);
    assert_int_equal(-EDEADLK, run_tasks(w->d, asleep_main, w));
    dl_report_t r;
    find_kind(w->d, DL_ASLEEP, &r);
    assert_int_equal(2, r.n);
    char want[64], got[64];
    snprintf(want, sizeof want, "1 %d", w->idle + 2);
    assert_string_equal(want, ids_text(&r, got, sizeof got));
    assert_text_has(&r, "all goroutines are asleep");
    snprintf(want, sizeof want, "goroutine %d [chan receive]", w->idle + 2);
    assert_text_has(&r, want);
    assert_int_equal(0, count_kind(w->d, DL_PARTIAL));   /* nothing ran on: not partial */
    w_free(w);
}

/* ---- a partial deadlock over a channel and a lock ---- */

/* Holds a, then waits for a value only `lock_then_send` sends. */
static void hold_then_recv(void *p) {
    world_t *w = p;
    dl_chan_role(w->d, w->ch1, CHAN_RECV);
    mutex_lock(&w->a);
    task_yield();
    chan_recv(w->ch1, NULL, NULL);
    mutex_unlock(&w->a);
}

/* Would send, but first needs a. */
static void lock_then_send(void *p) {
    world_t *w = p;
    dl_chan_role(w->d, w->ch1, CHAN_SEND);
    task_yield();
    mutex_lock(&w->a);
    chan_send(w->ch1, NULL);
    mutex_unlock(&w->a);
}

static void partial_main(void *p) {
    world_t *w = p;
    spawn_idle(w->idle);
    task_spawn(hold_then_recv, p, NULL);   /* task idle + 2 */
    task_spawn(lock_then_send, p, NULL);   /* task idle + 3 */
    for (int i = 0; i < 5; i++) task_yield();
    clock_sleep(CLOCK_S);                  /* main is busy elsewhere, not stuck */
    w->partial_seen = count_kind(w->d, DL_PARTIAL);
}

static void test_partial_deadlock_is_reported_while_main_still_runs(void **state) {
    world_t *w = w_make(*state);
    assert_int_equal(-EDEADLK, run_tasks(w->d, partial_main, w));
    assert_int_equal(1, w->partial_seen);
    dl_report_t r;
    find_kind(w->d, DL_PARTIAL, &r);
    assert_int_equal(2, r.n);
    char want[64], got[64];
    snprintf(want, sizeof want, "%d %d", w->idle + 2, w->idle + 3);
    assert_string_equal(want, ids_text(&r, got, sizeof got));
    snprintf(want, sizeof want, "could be woken only by goroutine %d", w->idle + 3);
    assert_text_has(&r, want);
    snprintf(want, sizeof want, "waits for lock %s", w->na);
    assert_text_has(&r, want);
    w_free(w);
}

/* ---- liveness through blocked tasks ---- */

typedef struct relay {
    dl_t *d;
    chan_t *c1, *c2, *s1, *s2;
    int idle;                  /* tasks main spawns first, which return at once */
    int64_t nap;               /* how long the first of the chain sleeps */
    size_t partial;            /* partial reports main saw while it ran */
} relay_t;

/* z: asleep on a timer (live), then sends on c2. */
static void chain_z(void *p) {
    relay_t *w = p;
    dl_chan_role(w->d, w->c2, CHAN_SEND);
    clock_sleep(w->nap);
    chan_send(w->c2, NULL);
}

/* y: waits on c2, which z will send on; then sends on c1. */
static void chain_y(void *p) {
    relay_t *w = p;
    dl_chan_role(w->d, w->c2, CHAN_RECV);
    dl_chan_role(w->d, w->c1, CHAN_SEND);
    chan_recv(w->c2, NULL, NULL);
    chan_send(w->c1, NULL);
}

/* x: waits on c1, which only y will send on: woken by one that will be woken. */
static void chain_x(void *p) {
    relay_t *w = p;
    dl_chan_role(w->d, w->c1, CHAN_RECV);
    chan_recv(w->c1, NULL, NULL);
}

/* p and q wait for each other: really stuck. */
static void stuck_p(void *p) {
    relay_t *w = p;
    dl_chan_role(w->d, w->s1, CHAN_RECV);
    dl_chan_role(w->d, w->s2, CHAN_SEND);
    chan_recv(w->s1, NULL, NULL);
    chan_send(w->s2, NULL);
}

static void stuck_q(void *p) {
    relay_t *w = p;
    dl_chan_role(w->d, w->s2, CHAN_RECV);
    dl_chan_role(w->d, w->s1, CHAN_SEND);
    chan_recv(w->s2, NULL, NULL);
    chan_send(w->s1, NULL);
}

static const int chain_orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                       {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
static const int *chain_order;

static void chain_main(void *p) {
    relay_t *w = p;
    static task_fn const chain[3] = {chain_x, chain_y, chain_z};
    spawn_idle(w->idle);
    for (int k = 0; k < 3; k++) task_spawn(chain[chain_order[k]], p, NULL);   /* idle + 2..4 */
    task_spawn(stuck_p, p, NULL);                                            /* idle + 5 */
    task_spawn(stuck_q, p, NULL);                                            /* idle + 6 */
    clock_sleep(w->nap / 2);
    w->partial = count_kind(w->d, DL_PARTIAL);
    clock_sleep(w->nap);       /* the chain runs to its end */
}

/* x waits for y, y for z, z sleeps on a timer: all three can still run,
 * so none is a partial deadlock, in whatever order they were spawned (every
 * order is tried, each with a checker of its own); the pair p, q waiting on
 * each other is, and only it. The nap and the ids are seeded. */
static void test_a_task_woken_by_one_that_will_be_woken_is_live_in_any_spawn_order(void **state) {
    (void)state;
    int64_t nap = (2 + (int64_t)ug_rand_below(8)) * CLOCK_S;
    int idle = seeded_idle();
    size_t seen = 0, reports = 0;
    char want[6 * 64] = "", got[6 * 64] = "";
    for (int o = 0; o < 6; o++) {
        relay_t w = {.nap = nap, .idle = idle};
        assert_int_equal(0, dl_new(0, &w.d));
        chan_t **chans[4] = {&w.c1, &w.c2, &w.s1, &w.s2};
        for (int i = 0; i < 4; i++) assert_int_equal(0, chan_make(0, 0, chans[i]));
        chain_order = chain_orders[o];
        run_tasks(w.d, chain_main, &w);
        seen += w.partial;
        reports += count_kind(w.d, DL_PARTIAL);
        dl_report_t r;
        for (size_t i = 0; dl_report_get(w.d, i, &r) == 0; i++)   /* every partial report */
            if (r.kind == DL_PARTIAL) {
                char ids[64], one[80];
                snprintf(one, sizeof one, "[%s]", ids_text(&r, ids, sizeof ids));
                strncat(got, one, sizeof got - strlen(got) - 1);
            }
        snprintf(want + strlen(want), sizeof want - strlen(want), "[%d %d]", idle + 5, idle + 6);
        for (int i = 0; i < 4; i++) chan_free(*chans[i]);
        dl_free(w.d);
    }
    assert_int_equal(6, seen);
    assert_int_equal(6, reports);
    assert_string_equal(want, got);
}

/* ---- what the checker learns by watching ---- */

typedef struct watch {
    dl_t *d;
    chan_t *ch, *ch2;
    int quitters;              /* declared senders on ch2 that return at once */
} watch_t;

/* Would send on ch2 (declared) but returns first. */
static void watch_quitter(void *p) {
    watch_t *w = p;
    dl_chan_role(w->d, w->ch2, CHAN_SEND);
}

/* r receives twice on ch; nothing is declared on ch. */
static void watch_r(void *p) {
    watch_t *w = p;
    chan_recv(w->ch, NULL, NULL);
    chan_recv(w->ch, NULL, NULL);
}

/* s hands r one value (r is waiting: s does not block on ch), then waits
 * on ch2, whose declared senders have all returned. */
static void watch_s(void *p) {
    watch_t *w = p;
    chan_send(w->ch, NULL);
    dl_chan_role(w->d, w->ch2, CHAN_RECV);
    chan_recv(w->ch2, NULL, NULL);
}

static void watch_main(void *p) {
    watch_t *w = p;
    for (int i = 0; i < w->quitters; i++) task_spawn(watch_quitter, p, NULL);
    task_spawn(watch_r, p, NULL);   /* task quitters + 2 */
    task_spawn(watch_s, p, NULL);   /* task quitters + 3 */
    clock_sleep(CLOCK_S);
}

/* Nobody declared a role on ch, and s never blocked on it, but r was woken
 * by s's send: s is a sender of ch, learned by watching. So when s is
 * stuck for good (every sender on ch2 returned), r, whose only known waker
 * is s, is stuck with it: the last partial report names both. The number
 * of returned senders is seeded. */
static void test_a_sender_seen_waking_a_receiver_is_its_waker_without_a_declaration(void **state) {
    static watch_t w;
    memset(&w, 0, sizeof w);
    w.d = *state;
    w.quitters = 1 + (int)ug_rand_below(20);
    assert_int_equal(0, chan_make(0, 0, &w.ch));
    assert_int_equal(0, chan_make(0, 0, &w.ch2));
    assert_int_equal(-EDEADLK, run_tasks(w.d, watch_main, &w));
    dl_report_t r, last = {0};
    for (size_t i = 0; dl_report_get(w.d, i, &r) == 0; i++)
        if (r.kind == DL_PARTIAL) last = r;
    uint64_t r_id = (uint64_t)w.quitters + 2, s_id = r_id + 1;
    assert_int_equal(DL_PARTIAL, last.kind);
    assert_int_equal(2, last.n);
    assert_int_equal(r_id, last.ids[0]);
    assert_int_equal(s_id, last.ids[1]);
    char want[64];
    snprintf(want, sizeof want, "could be woken only by goroutine %llu", (unsigned long long)s_id);
    assert_text_has(&last, want);
    chan_free(w.ch);
    chan_free(w.ch2);
}

/* ---- the two-goroutine channel deadlock ---- */

static void recv1_send2(void *p) {
    world_t *w = p;
    dl_chan_role(w->d, w->ch1, CHAN_RECV);
    dl_chan_role(w->d, w->ch2, CHAN_SEND);
    int v = 1;
    chan_recv(w->ch1, &v, NULL);
    chan_send(w->ch2, &v);
}

static void recv2_send1(void *p) {
    world_t *w = p;
    dl_chan_role(w->d, w->ch2, CHAN_RECV);
    dl_chan_role(w->d, w->ch1, CHAN_SEND);
    int v = 1;
    chan_recv(w->ch2, &v, NULL);
    chan_send(w->ch1, &v);
}

static void exam_main(void *p) {
    world_t *w = p;
    spawn_idle(w->idle);
    task_spawn(recv1_send2, p, NULL);   /* task idle + 2 */
    task_spawn(recv2_send1, p, NULL);   /* task idle + 3 */
    chan_select(NULL, 0, false);        /* select {} */
}

/* The last line of text about goroutine g (in "who waits for whom") and
 * the one after it ("waits on chan ...; could be woken only by ..."), or
 * "(absent)". */
static const char *goroutine_lines(const char *text, int g, char *buf, size_t cap) {
    char head[48];
    snprintf(head, sizeof head, "goroutine %d [", g);
    const char *at = NULL;
    for (const char *p = text; p && (p = strstr(p, head)); p++) at = p;
    if (!at)
        return "(absent)";
    const char *nl = strchr(at, '\n'), *end = nl ? strchr(nl + 1, '\n') : NULL;
    size_t n = end ? (size_t)(end - at) : strlen(at);
    snprintf(buf, cap, "%.*s", (int)n, at);
    return buf;
}

static void test_two_goroutines_waiting_on_each_others_channel_are_caught(void **state) {
    world_t *w = w_make(*state);
    assert_int_equal(-EDEADLK, run_tasks(w->d, exam_main, w));
    dl_report_t r;
    find_kind(w->d, DL_ASLEEP, &r);
    assert_int_equal(3, r.n);
    int x = w->idle + 2, y = x + 1;
    char want[64], got[64], lines[256];
    snprintf(want, sizeof want, "1 %d %d", x, y);
    assert_string_equal(want, ids_text(&r, got, sizeof got));
    /* and it says who waits for whom: each for the other */
    snprintf(want, sizeof want, "goroutine %d [chan receive]", x);
    assert_text_has(&r, want);
    snprintf(want, sizeof want, "could be woken only by goroutine %d", y);
    assert_string_equal(want, text_find(goroutine_lines(r.text, x, lines, sizeof lines), want));
    snprintf(want, sizeof want, "goroutine %d [chan receive]", y);
    assert_text_has(&r, want);
    snprintf(want, sizeof want, "could be woken only by goroutine %d", x);
    assert_string_equal(want, text_find(goroutine_lines(r.text, y, lines, sizeof lines), want));
    w_free(w);
}

UG_TEST_GROUP(deadlock_tasks, NULL, NULL,
    cmocka_unit_test_setup_teardown(test_three_lock_cycle_across_three_tasks_is_reported_once, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_real_hang_on_two_mutexes_names_both_tasks_and_locks, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_a_hang_of_three_or_more_tasks_in_a_ring_is_one_wait_for_cycle, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_all_tasks_asleep_is_reported_with_each_wait, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_partial_deadlock_is_reported_while_main_still_runs, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_two_goroutines_waiting_on_each_others_channel_are_caught, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_a_task_woken_by_one_that_will_be_woken_is_live_in_any_spawn_order, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_a_sender_seen_waking_a_receiver_is_its_waker_without_a_declaration, dl_setup, dl_teardown));
