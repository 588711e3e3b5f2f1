/*
 * test_sync_go.c — sync as Go has it: Mutex's normal mode (barging) and
 * starvation mode (handoff after 1 ms, the waiter running first),
 * RWMutex admitting queued readers before the next writer, fatal misuse
 * inside a run, and once_do finished by task_exit.
 */
#include <stdio.h>
#include "rt_test.h"

typedef struct {
    mutex_t mu;
    rwmutex_t rw;
    once_t once;
    int order[16], n, rc[8];
    uint64_t ids[8];
} go_state_t;

static void lock_note_unlock(void *p) {
    go_state_t *s = p;
    mutex_lock(&s->mu);
    s->order[s->n++] = (int)task_self();
    mutex_unlock(&s->mu);
}

static void barging_body(void *p) {
    go_state_t *s = p;
    mutex_lock(&s->mu);
    task_spawn(lock_note_unlock, s, &s->ids[0]);
    wait_blocked(s->ids[0], TASK_MUTEX);
    mutex_unlock(&s->mu);                 /* wakes the waiter, keeps no owner */
    s->rc[0] = mutex_trylock(&s->mu);     /* barges ahead of it */
    s->rc[1] = (int)mutex_owner(&s->mu);
    mutex_unlock(&s->mu);
    task_join(s->ids[0]);
}

static void test_a_running_task_barges_ahead_of_a_woken_waiter(void **state) {
    (void)state;
    go_state_t s = {0};
    assert_int_equal(0, run_seeded(barging_body, &s));
    assert_int_equal(1, s.rc[0]);
    assert_int_equal(1, s.rc[1]);
    assert_int_equal(1, s.n);
    assert_int_equal((int)s.ids[0], s.order[0]);
}

static void starving_body(void *p) {
    go_state_t *s = p;
    mutex_lock(&s->mu);
    task_spawn(lock_note_unlock, s, &s->ids[0]);
    wait_blocked(s->ids[0], TASK_MUTEX);
    clock_sleep(2 * CLOCK_MS);            /* the waiter waits > 1 ms */
    mutex_unlock(&s->mu);
    s->rc[0] = mutex_trylock(&s->mu);     /* barges once more */
    while (!s->mu.starving) task_yield(); /* the waiter ran, lost, starves */
    s->rc[1] = mutex_trylock(&s->mu);     /* held by us: no */
    s->order[s->n++] = 100;
    mutex_unlock(&s->mu);                 /* hands off; the waiter runs first */
    s->order[s->n++] = 200;
    task_join(s->ids[0]);
    s->rc[2] = s->mu.starving;            /* the last waiter ended the mode */
}

static void test_a_waiter_starved_for_a_millisecond_gets_the_lock_handed_over(void **state) {
    (void)state;
    go_state_t s = {0};
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .seed = ug_seed()};
    assert_int_equal(0, rt_run(&cfg, starving_body, &s));
    assert_int_equal(1, s.rc[0]);
    assert_int_equal(0, s.rc[1]);
    assert_int_equal(3, s.n);
    assert_int_equal(100, s.order[0]);
    assert_int_equal((int)s.ids[0], s.order[1]);   /* before main goes on */
    assert_int_equal(200, s.order[2]);
    assert_int_equal(0, s.rc[2]);
}

static void writer_note(void *p) {
    go_state_t *s = p;
    rwmutex_lock(&s->rw);
    s->order[s->n++] = 2;
    rwmutex_unlock(&s->rw);
}

static void reader_note(void *p) {
    go_state_t *s = p;
    rwmutex_rlock(&s->rw);
    s->order[s->n++] = 1;
    task_yield();
    rwmutex_runlock(&s->rw);
}

static void readers_first_body(void *p) {
    go_state_t *s = p;
    int readers = 2 + (int)ug_rand_below(4);
    rwmutex_lock(&s->rw);
    task_spawn(writer_note, s, &s->ids[0]);
    wait_blocked(s->ids[0], TASK_RWMUTEX_W);       /* the next writer queues first */
    for (int i = 0; i < readers; i++) {
        task_spawn(reader_note, s, &s->ids[1 + i]);
        wait_blocked(s->ids[1 + i], TASK_RWMUTEX_R);
    }
    rwmutex_unlock(&s->rw);
    for (int i = 0; i <= readers; i++) task_join(s->ids[i]);
    s->rc[0] = readers;
}

static void test_readers_queued_behind_a_writer_go_before_the_next_writer(void **state) {
    (void)state;
    go_state_t s = {0};
    assert_int_equal(0, run_seeded(readers_first_body, &s));
    int readers = s.rc[0];
    assert_int_equal(readers + 1, s.n);
    int seen = 0;
    for (int i = 0; i < readers; i++) seen += s.order[i] == 1;
    assert_int_equal(readers, seen);
    assert_int_equal(2, s.order[readers]);
}

typedef void (*misuse_fn)(go_state_t *s);

static void unlock_free(go_state_t *s) { mutex_unlock(&s->mu); }
static void runlock_free(go_state_t *s) { rwmutex_runlock(&s->rw); }
static void unlock_read_locked(go_state_t *s) {
    rwmutex_rlock(&s->rw);
    rwmutex_unlock(&s->rw);
}

typedef struct {
    go_state_t s;
    misuse_fn fn;
    int after;
} misuse_t;

static void misuse_body(void *p) {
    misuse_t *m = p;
    m->fn(&m->s);
    m->after = 1;
}

static void expect_fatal(misuse_fn fn, const char *msg) {
    misuse_t m = {.fn = fn};
    assert_int_equal(-ENOTRECOVERABLE, run_seeded(misuse_body, &m));
    assert_int_equal(0, m.after);
    char head[96];
    snprintf(head, sizeof head, "fatal error: %s\n", msg);
    assert_int_equal(0, strncmp(head, rt_report(), strlen(head)));
    assert_string_equal(msg, rt_panic_message());
}

static void test_sync_misuse_inside_a_run_is_fatal(void **state) {
    (void)state;
    expect_fatal(unlock_free, "sync: unlock of unlocked mutex");
    expect_fatal(runlock_free, "sync: RUnlock of unlocked RWMutex");
    expect_fatal(unlock_read_locked, "sync: Unlock of unlocked RWMutex");
}

static void exit_inside_once(void *p) {
    (void)p;
    task_exit();
}

static void once_exiter(void *p) {
    go_state_t *s = p;
    once_do(&s->once, exit_inside_once, s);
    s->rc[0] = 99;                        /* never */
}

static void count_call(void *p) { ((go_state_t *)p)->rc[1]++; }

static void once_exit_body(void *p) {
    go_state_t *s = p;
    uint64_t id;
    task_spawn(once_exiter, s, &id);
    task_join(id);
    s->rc[2] = once_do(&s->once, count_call, s);
}

static void test_task_exit_inside_once_do_counts_the_once_as_done(void **state) {
    (void)state;
    go_state_t s = {0};
    assert_int_equal(0, run_seeded(once_exit_body, &s));
    assert_int_equal(0, s.rc[0]);
    assert_int_equal(0, s.rc[1]);
    assert_int_equal(0, s.rc[2]);
    assert_false(s.once.mu.locked);
}

UG_TEST_GROUP(sync_go_rules, NULL, NULL,
    cmocka_unit_test(test_a_running_task_barges_ahead_of_a_woken_waiter),
    cmocka_unit_test(test_a_waiter_starved_for_a_millisecond_gets_the_lock_handed_over),
    cmocka_unit_test(test_readers_queued_behind_a_writer_go_before_the_next_writer),
    cmocka_unit_test(test_sync_misuse_inside_a_run_is_fatal),
    cmocka_unit_test(test_task_exit_inside_once_do_counts_the_once_as_done));
