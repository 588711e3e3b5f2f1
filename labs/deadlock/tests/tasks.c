/*
 * tasks.c — the checker under the runtime: lock cycles among tasks (in
 * order and really hanging), all tasks asleep, partial deadlocks over
 * channels and locks, and the classic two-goroutine channel deadlock.
 * FIFO scheduling makes every interleaving below exact.
 *
 * Interface: w_make (locks, channels) → run_tasks(main task) → reports.
 */
#include "dl_test.h"

typedef struct world {
    dl_t *d;
    mutex_t a, b, c;
    chan_t *ch1, *ch2;
    size_t partial_seen;       /* partial reports seen by main while it ran */
} world_t;

static world_t *w_make(dl_t *d) {
    static world_t w;
    memset(&w, 0, sizeof w);
    w.d = d;
    assert_int_equal(0, dl_lock_init(d, &w.a, "a"));
    assert_int_equal(0, dl_lock_init(d, &w.b, "b"));
    assert_int_equal(0, dl_lock_init(d, &w.c, "c"));
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

static void three_tasks(void *p) {
    task_spawn(ab, p, NULL);
    task_spawn(bc, p, NULL);
    task_spawn(ca, p, NULL);
}

static void test_three_lock_cycle_across_three_tasks_is_reported_once(void **state) {
    world_t *w = w_make(*state);
    assert_int_equal(0, run_tasks(w->d, three_tasks, w));   /* nothing ever hangs */
    assert_int_equal(1, dl_report_count(w->d));
    dl_report_t r;
    find_kind(w->d, DL_ORDER, &r);
    assert_int_equal(3, r.n);
    char seen[4] = {0};
    for (size_t i = 0; i < 3; i++) seen[r.cls[i][0] - 'a'] = 1;
    assert_memory_equal("\1\1\1", seen, 3);
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
    task_spawn(hang_ab, p, NULL);   /* task 2 */
    task_spawn(hang_ba, p, NULL);   /* task 3 */
}

static void test_real_hang_on_two_mutexes_names_both_tasks_and_locks(void **state) {
    world_t *w = w_make(*state);
    assert_int_equal(-EDEADLK, run_tasks(w->d, hang_main, w));
    dl_report_t r;
    find_kind(w->d, DL_WAITFOR, &r);
    assert_int_equal(2, r.n);
    assert_int_equal(2, r.ids[0]);
    assert_int_equal(3, r.ids[1]);
    assert_text_has(&r, "thread 2 waits for b");
    assert_text_has(&r, "thread 3 waits for a");
    assert_int_equal(1, count_kind(w->d, DL_WAITFOR));
    assert_int_equal(1, count_kind(w->d, DL_ORDER));
    w_free(w);
}

/* ---- everyone asleep ---- */

static void recv_ch2(void *p) {
    world_t *w = p;
    chan_recv(w->ch2, NULL, NULL);
}

static void asleep_main(void *p) {
    world_t *w = p;
    task_spawn(recv_ch2, p, NULL);
    chan_recv(w->ch1, NULL, NULL);
}

static void test_all_tasks_asleep_is_reported_with_each_wait(void **state) {
    world_t *w = w_make(*state);
    assert_int_equal(-EDEADLK, run_tasks(w->d, asleep_main, w));
    dl_report_t r;
    find_kind(w->d, DL_ASLEEP, &r);
    assert_int_equal(2, r.n);
    assert_int_equal(1, r.ids[0]);
    assert_int_equal(2, r.ids[1]);
    assert_text_has(&r, "all goroutines are asleep");
    assert_text_has(&r, "goroutine 2 [chan receive]");
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
    task_spawn(hold_then_recv, p, NULL);   /* task 2 */
    task_spawn(lock_then_send, p, NULL);   /* task 3 */
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
    assert_int_equal(2, r.ids[0]);
    assert_int_equal(3, r.ids[1]);
    assert_text_has(&r, "could be woken only by goroutine 3");
    assert_text_has(&r, "waits for lock a");
    w_free(w);
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
    task_spawn(recv1_send2, p, NULL);   /* task 2 */
    task_spawn(recv2_send1, p, NULL);   /* task 3 */
    chan_select(NULL, 0, false);        /* select {} */
}

static void test_two_goroutines_waiting_on_each_others_channel_are_caught(void **state) {
    world_t *w = w_make(*state);
    assert_int_equal(-EDEADLK, run_tasks(w->d, exam_main, w));
    dl_report_t r;
    find_kind(w->d, DL_ASLEEP, &r);
    assert_int_equal(3, r.n);
    assert_text_has(&r, "goroutine 2 [chan receive]");
    assert_text_has(&r, "goroutine 3 [chan receive]");
    /* and it says who waits for whom: each for the other */
    char *two = strstr(r.text, "goroutine 2 [chan receive]");
    char *three = strstr(r.text, "goroutine 3 [chan receive]");
    assert_non_null(strstr(two, "could be woken only by goroutine 3"));
    assert_non_null(strstr(three, "could be woken only by goroutine 2"));
    w_free(w);
}

UG_TEST_GROUP(deadlock_tasks, NULL, NULL,
    cmocka_unit_test_setup_teardown(test_three_lock_cycle_across_three_tasks_is_reported_once, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_real_hang_on_two_mutexes_names_both_tasks_and_locks, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_all_tasks_asleep_is_reported_with_each_wait, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_partial_deadlock_is_reported_while_main_still_runs, dl_setup, dl_teardown),
    cmocka_unit_test_setup_teardown(test_two_goroutines_waiting_on_each_others_channel_are_caught, dl_setup, dl_teardown));
