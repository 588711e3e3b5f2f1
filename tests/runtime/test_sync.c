/*
 * test_sync.c — Mutex, RWMutex, WaitGroup, Once, Cond: exclusion, arrival
 * order, misuse outside a run and as a fatal error, lock hooks. Go's Mutex
 * modes and RWMutex's reader batches: test_sync_go.c.
 */
#include "rt_test.h"

typedef struct {
    mutex_t mu;
    rwmutex_t rw;
    wg_t wg;
    once_t once;
    cond_t cond;
    int counter, inside, max_inside, order[16], n, rc[8];
    uint64_t ids[16];
} sync_state_t;

static void increment_many(void *p) {
    sync_state_t *s = p;
    for (int i = 0; i < 50; i++) {
        mutex_lock(&s->mu);
        int v = s->counter;
        task_yield();            /* another task would lose this update without the lock */
        s->counter = v + 1;
        mutex_unlock(&s->mu);
    }
    wg_done(&s->wg);
}

static void exclusion_body(void *p) {
    sync_state_t *s = p;
    wg_add(&s->wg, 8);
    for (int i = 0; i < 8; i++) task_spawn(increment_many, s, NULL);
    wg_wait(&s->wg);
}

static void test_mutex_makes_read_modify_write_atomic(void **state) {
    (void)state;
    sync_state_t s = {0};
    assert_int_equal(0, run_seeded(exclusion_body, &s));
    assert_int_equal(400, s.counter);
}

static void lock_and_record(void *p) {
    sync_state_t *s = p;
    mutex_lock(&s->mu);
    s->order[s->n++] = (int)task_self();
    mutex_unlock(&s->mu);
}

static void mutex_fifo_body(void *p) {
    sync_state_t *s = p;
    mutex_lock(&s->mu);
    for (int i = 0; i < 6; i++) {
        task_spawn(lock_and_record, s, &s->ids[i]);
        wait_blocked(s->ids[i], TASK_MUTEX);
    }
    assert_int_equal(task_self(), mutex_owner(&s->mu));
    mutex_unlock(&s->mu);
    for (int i = 0; i < 6; i++) task_join(s->ids[i]);
}

static void test_mutex_waiters_acquire_in_arrival_order(void **state) {
    (void)state;
    sync_state_t s = {0};
    assert_int_equal(0, run_seeded(mutex_fifo_body, &s));
    assert_int_equal(6, s.n);
    for (int i = 0; i < 6; i++) assert_int_equal((int)s.ids[i], s.order[i]);
}

/* Outside a run there is no run to end: the call fails instead. */
static void test_unlock_of_unlocked_mutex_outside_a_run_fails_with_the_message(void **state) {
    (void)state;
    mutex_t m = {0};
    assert_int_equal(-EPERM, mutex_unlock(&m));
    assert_string_equal("sync: unlock of unlocked mutex", rt_panic_message());
    assert_true(mutex_trylock(&m));
    assert_false(mutex_trylock(&m));
    assert_int_equal(0, mutex_unlock(&m));
}

static void reader(void *p) {
    sync_state_t *s = p;
    rwmutex_rlock(&s->rw);
    s->inside++;
    if (s->inside > s->max_inside) s->max_inside = s->inside;
    task_yield();
    task_yield();
    s->inside--;
    rwmutex_runlock(&s->rw);
    wg_done(&s->wg);
}

static void readers_body(void *p) {
    sync_state_t *s = p;
    rwmutex_lock(&s->rw);
    wg_add(&s->wg, 4);
    for (int i = 0; i < 4; i++) {
        task_spawn(reader, s, &s->ids[i]);
        wait_blocked(s->ids[i], TASK_RWMUTEX_R);
    }
    rwmutex_unlock(&s->rw);      /* admits the four readers together */
    wg_wait(&s->wg);
}

static void test_rwmutex_admits_waiting_readers_together(void **state) {
    (void)state;
    sync_state_t s = {0};
    rt_config_t cfg = {.sched = RT_SCHED_FIFO};
    assert_int_equal(0, rt_run(&cfg, readers_body, &s));
    assert_int_equal(4, s.max_inside);
}

static void writer(void *p) {
    sync_state_t *s = p;
    rwmutex_lock(&s->rw);
    s->order[s->n++] = 100;
    rwmutex_unlock(&s->rw);
}

static void late_reader(void *p) {
    sync_state_t *s = p;
    rwmutex_rlock(&s->rw);
    s->order[s->n++] = 200;
    rwmutex_runlock(&s->rw);
}

static void writer_pref_body(void *p) {
    sync_state_t *s = p;
    rwmutex_rlock(&s->rw);
    uint64_t w, r;
    task_spawn(writer, s, &w);
    wait_blocked(w, TASK_RWMUTEX_W);
    task_spawn(late_reader, s, &r);
    wait_blocked(r, TASK_RWMUTEX_R);   /* a waiting writer holds back new readers */
    assert_int_equal(1, rwmutex_readers(&s->rw));
    rwmutex_runlock(&s->rw);
    task_join(w);
    task_join(r);
}

static void test_waiting_writer_blocks_new_readers(void **state) {
    (void)state;
    sync_state_t s = {0};
    assert_int_equal(0, run_seeded(writer_pref_body, &s));
    assert_int_equal(2, s.n);
    assert_int_equal(100, s.order[0]);
    assert_int_equal(200, s.order[1]);
}

static void test_rwmutex_unlocks_without_lock_outside_a_run_fail_with_the_message(void **state) {
    (void)state;
    rwmutex_t rw = {0};
    assert_int_equal(-EPERM, rwmutex_runlock(&rw));
    assert_string_equal("sync: RUnlock of unlocked RWMutex", rt_panic_message());
    assert_int_equal(-EPERM, rwmutex_unlock(&rw));
    assert_string_equal("sync: Unlock of unlocked RWMutex", rt_panic_message());
}

static void done_after_yields(void *p) {
    sync_state_t *s = p;
    for (int i = 0; i < 3; i++) task_yield();
    s->counter++;
    wg_done(&s->wg);
}

static void wg_body(void *p) {
    sync_state_t *s = p;
    assert_int_equal(0, wg_wait(&s->wg));     /* zero: returns at once */
    wg_add(&s->wg, 5);
    for (int i = 0; i < 5; i++) task_spawn(done_after_yields, s, NULL);
    wg_wait(&s->wg);
    s->rc[0] = s->counter;
}

static void test_waitgroup_wait_returns_after_every_done(void **state) {
    (void)state;
    sync_state_t s = {0};
    assert_int_equal(0, run_seeded(wg_body, &s));
    assert_int_equal(5, s.rc[0]);
}

static void done_now(void *p) { wg_done(p); }

static void done_later(void *p) {
    clock_sleep(CLOCK_S);
    wg_done(p);
}

static void wg_last_body(void *p) {
    sync_state_t *s = p;
    wg_add(&s->wg, 2);
    task_spawn(done_now, &s->wg, NULL);
    task_spawn(done_later, &s->wg, NULL);
    wg_wait(&s->wg);
    s->rc[0] = (int)(clock_now() / CLOCK_MS);
    s->rc[1] = (int)wg_count(&s->wg);
}

static void test_waitgroup_wait_ignores_every_count_but_zero(void **state) {
    (void)state;
    sync_state_t s = {0};
    assert_int_equal(0, run_seeded(wg_last_body, &s));
    assert_int_equal(1000, s.rc[0]);
    assert_int_equal(0, s.rc[1]);
}

static void test_negative_waitgroup_counter_panics_and_keeps_the_count(void **state) {
    (void)state;
    wg_t wg = {0};
    assert_int_equal(0, wg_add(&wg, 1));
    assert_int_equal(0, wg_done(&wg));
    assert_int_equal(-ERANGE, wg_done(&wg));
    assert_string_equal("sync: negative WaitGroup counter", rt_panic_message());
    assert_int_equal(0, wg_count(&wg));
    assert_int_equal(-ERANGE, wg_add(&wg, -3));
    assert_int_equal(0, wg_count(&wg));
}

static void slow_init(void *p) {
    sync_state_t *s = p;
    task_yield();
    task_yield();
    s->counter++;
}

static void once_caller(void *p) {
    sync_state_t *s = p;
    once_do(&s->once, slow_init, s);
    s->order[s->n++] = s->counter;   /* must see the init done */
    wg_done(&s->wg);
}

static void once_body(void *p) {
    sync_state_t *s = p;
    wg_add(&s->wg, 5);
    for (int i = 0; i < 5; i++) task_spawn(once_caller, s, NULL);
    wg_wait(&s->wg);
}

static void test_once_runs_once_and_late_callers_wait_for_it(void **state) {
    (void)state;
    sync_state_t s = {0};
    assert_int_equal(0, run_seeded(once_body, &s));
    assert_int_equal(1, s.counter);
    for (int i = 0; i < 5; i++) assert_int_equal(1, s.order[i]);
}

static void cond_waiter(void *p) {
    sync_state_t *s = p;
    mutex_lock(&s->mu);
    s->inside++;
    cond_wait(&s->cond, &s->mu);
    assert_int_equal(task_self(), mutex_owner(&s->mu));
    s->order[s->n++] = (int)task_self();
    mutex_unlock(&s->mu);
}

static void cond_body(void *p) {
    sync_state_t *s = p;
    for (int i = 0; i < 4; i++) {
        task_spawn(cond_waiter, s, &s->ids[i]);
        wait_blocked(s->ids[i], TASK_COND);
    }
    mutex_lock(&s->mu);
    cond_signal(&s->cond);
    mutex_unlock(&s->mu);
    task_join(s->ids[0]);
    assert_int_equal(1, s->n);
    cond_broadcast(&s->cond);
    for (int i = 1; i < 4; i++) task_join(s->ids[i]);
}

static void test_cond_signal_wakes_the_longest_waiter_and_broadcast_the_rest(void **state) {
    (void)state;
    sync_state_t s = {0};
    assert_int_equal(0, run_seeded(cond_body, &s));
    assert_int_equal(4, s.n);
    assert_int_equal((int)s.ids[0], s.order[0]);
}

static void cond_unlocked_body(void *p) {
    sync_state_t *s = p;
    s->rc[0] = cond_wait(&s->cond, &s->mu);
    s->rc[1] = 1;                 /* never reached: the run is over */
}

static void test_cond_wait_without_the_lock_is_a_fatal_error(void **state) {
    (void)state;
    sync_state_t s = {0};
    assert_int_equal(-ENOTRECOVERABLE, run_seeded(cond_unlocked_body, &s));
    assert_int_equal(0, s.rc[1]);
    assert_non_null(strstr(rt_report(), "fatal error: sync: unlock of unlocked mutex\n"));
    assert_non_null(strstr(rt_report(), "goroutine 1 [running]"));
    assert_null(s.cond.waiters.head);
}

typedef struct {
    int acquires, releases, shared;
    const void *last;
} lock_log_t;

static void on_acquire(void *ud, uint64_t t, const void *lock, rt_obj_kind_t k, bool shared) {
    lock_log_t *l = ud;
    (void)t, (void)k;
    l->acquires++;
    l->shared += shared;
    l->last = lock;
}

static void on_release(void *ud, uint64_t t, const void *lock, rt_obj_kind_t k, bool shared) {
    lock_log_t *l = ud;
    (void)t, (void)k, (void)lock, (void)shared;
    l->releases++;
}

static void hooks_body(void *p) {
    sync_state_t *s = p;
    mutex_lock(&s->mu);
    mutex_unlock(&s->mu);
    rwmutex_rlock(&s->rw);
    rwmutex_runlock(&s->rw);
    rwmutex_lock(&s->rw);
    rwmutex_unlock(&s->rw);
}

static void test_lock_hooks_see_every_acquire_and_release(void **state) {
    (void)state;
    sync_state_t s = {0};
    lock_log_t log = {0};
    rt_hooks_t h = {.ud = &log, .on_acquire = on_acquire, .on_release = on_release};
    rt_config_t cfg = {.seed = ug_seed(), .hooks = &h};
    assert_int_equal(0, rt_run(&cfg, hooks_body, &s));
    assert_int_equal(3, log.acquires);
    assert_int_equal(3, log.releases);
    assert_int_equal(1, log.shared);
    assert_ptr_equal(&s.rw, log.last);
}

UG_TEST_GROUP(sync_rules, NULL, NULL,
    cmocka_unit_test(test_mutex_makes_read_modify_write_atomic),
    cmocka_unit_test(test_mutex_waiters_acquire_in_arrival_order),
    cmocka_unit_test(test_unlock_of_unlocked_mutex_outside_a_run_fails_with_the_message),
    cmocka_unit_test(test_rwmutex_admits_waiting_readers_together),
    cmocka_unit_test(test_waiting_writer_blocks_new_readers),
    cmocka_unit_test(test_rwmutex_unlocks_without_lock_outside_a_run_fail_with_the_message),
    cmocka_unit_test(test_waitgroup_wait_returns_after_every_done),
    cmocka_unit_test(test_waitgroup_wait_ignores_every_count_but_zero),
    cmocka_unit_test(test_negative_waitgroup_counter_panics_and_keeps_the_count),
    cmocka_unit_test(test_once_runs_once_and_late_callers_wait_for_it),
    cmocka_unit_test(test_cond_signal_wakes_the_longest_waiter_and_broadcast_the_rest),
    cmocka_unit_test(test_cond_wait_without_the_lock_is_a_fatal_error),
    cmocka_unit_test(test_lock_hooks_see_every_acquire_and_release));
