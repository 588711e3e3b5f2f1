/*
 * tasks.c — tests of the task leak rule on the classic shapes: the
 * forgotten sender, the abandoned receiver, the unclosed range, the nil
 * channel, the mutex never unlocked, the WaitGroup with a wrong count; their
 * fixes; and blocked tasks a live task can still wake (through a channel it
 * holds, a mutex in a chunk it holds, or after a sleep).
 *
 * Each fix test also plants one known leak (a receiver on a nil channel),
 * so "nothing else reported" is checked against a detector that works.
 *
 * Interface: scenario helpers → run_world → assertions → world_cleanup.
 */
#include <errno.h>
#include <stdint.h>

#include "tasks_common.h"

typedef struct job {
    chan_t *ch;
    ctx_t *ctx;
    int64_t delay;
} job_t;

/* ---- the forgotten sender ------------------------------------------------------ */

/* Like a network call that takes delay, then hands its result over. */
static void slow_sender(void *arg)
{
    job_t *j = arg;
    int v = 42;
    clock_sleep(j->delay);
    if (j->ctx) {
        chan_case_t c[2] = {{j->ch, CHAN_SEND, &v, false}, {ctx_done(j->ctx), CHAN_RECV, NULL, false}};
        chan_select(c, 2, false);
    } else {
        chan_send(j->ch, &v);
    }
    leak_free(j);
}

/* Waits for the result at most 10 ms; gives up on timeout. */
NOINLINE static int handler_with_timeout(world_t *w, size_t cap, bool use_ctx)
{
    chan_t *ch = world_chan(w, sizeof(int), cap);
    job_t *j = leak_calloc(1, sizeof *j);
    rt_timer_t *t = NULL;
    int v = 0;
    j->ch = ch;
    j->delay = 50 * CLOCK_MS;
    if (use_ctx) {
        assert_int_equal(0, ctx_with_cancel(ctx_background(), &w->ctx));
        j->ctx = w->ctx;
    }
    assert_int_equal(0, task_spawn(slow_sender, j, NULL));
    assert_int_equal(0, timer_new(10 * CLOCK_MS, &t));
    chan_case_t c[2] = {{ch, CHAN_RECV, &v, false}, {timer_chan(t), CHAN_RECV, NULL, false}};
    int k = chan_select(c, 2, false);
    timer_free(t);
    if (use_ctx)
        ctx_cancel(w->ctx);          /* defer cancel() */
    w->expect[0] = (uintptr_t)ch ^ MASK;
    return k == 0 ? 0 : -ETIMEDOUT;
}

static void forgotten_sender(world_t *w) { handler_with_timeout(w, 0, false); }

static void test_forgotten_sender_after_a_timeout_is_a_leaked_task(void **state)
{
    (void)state;
    world_t w = {.scenario = forgotten_sender};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(1, w.rep.ntasks);
    const leak_task_t *t = leaked(&w, "slow_sender");
    assert_non_null(t);
    assert_int_equal(TASK_SEND, t->state);
    assert_ptr_equal((void *)(w.expect[0] ^ MASK), t->wait_obj);
    assert_string_equal("handler_with_timeout", t->creator);
    world_cleanup(&w);
}

/* ---- the abandoned receiver ------------------------------------------------------ */

static void receive_one(void *arg)
{
    job_t *j = arg;
    int v;
    bool ok;
    chan_recv(j->ch, &v, &ok);
    leak_free(j);
}

/* Starts a worker that waits for records, then fails before sending them;
 * with close_on_error the error path closes the channel (defer close). */
NOINLINE static int handler_early_error(world_t *w, bool close_on_error)
{
    chan_t *ch = world_chan(w, sizeof(int), 0);
    job_t *j = leak_calloc(1, sizeof *j);
    j->ch = ch;
    assert_int_equal(0, task_spawn(receive_one, j, NULL));
    w->expect[1] = (uintptr_t)ch ^ MASK;
    clock_sleep(CLOCK_MS);           /* the database call fails */
    if (close_on_error)
        chan_close(ch);
    return -EIO;
}

static void abandoned_receiver(world_t *w) { handler_early_error(w, false); }

static void test_receiver_left_after_an_early_error_return_is_a_leaked_task(void **state)
{
    (void)state;
    world_t w = {.scenario = abandoned_receiver};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(1, w.rep.ntasks);
    const leak_task_t *t = leaked(&w, "receive_one");
    assert_non_null(t);
    assert_int_equal(TASK_RECV, t->state);
    assert_ptr_equal((void *)(w.expect[1] ^ MASK), t->wait_obj);
    world_cleanup(&w);
}

/* ---- the range over a channel nobody closes --------------------------------------- */

static void range_worker(void *arg)
{
    job_t *j = arg;
    int v;
    bool ok = true;
    while (chan_recv(j->ch, &v, &ok) == 0 && ok)
        ;                            /* process v */
    leak_free(j);
}

/* Queues the input in a buffered channel and starts two workers on it;
 * close_after closes it once everything is queued. */
NOINLINE static void handler_queue(world_t *w, bool close_after)
{
    chan_t *ch = world_chan(w, sizeof(int), 8);
    for (int i = 0; i < 8; i++)
        chan_send(ch, &i);
    for (int k = 0; k < 2; k++) {
        job_t *j = leak_calloc(1, sizeof *j);
        j->ch = ch;
        assert_int_equal(0, task_spawn(range_worker, j, NULL));
    }
    if (close_after)
        chan_close(ch);
    w->expect[2] = (uintptr_t)ch ^ MASK;
}

static void unclosed_range(world_t *w) { handler_queue(w, false); }

static void test_worker_ranging_over_an_unclosed_channel_is_a_leaked_task(void **state)
{
    (void)state;
    world_t w = {.scenario = unclosed_range};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(2, w.rep.ntasks);
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal("range_worker", w.rep.tasks[i].fn);
        assert_int_equal(TASK_RECV, w.rep.tasks[i].state);
        assert_ptr_equal((void *)(w.expect[2] ^ MASK), w.rep.tasks[i].wait_obj);
    }
    world_cleanup(&w);
}

/* ---- the nil channel -------------------------------------------------------------- */

static void nil_receiver(void *arg)
{
    (void)arg;
    chan_recv(NULL, NULL, NULL);
}

static void nil_sender(void *arg)
{
    (void)arg;
    int v = 1;
    chan_send(NULL, &v);
}

static void nil_channels(world_t *w)
{
    (void)w;
    assert_int_equal(0, task_spawn(nil_receiver, NULL, NULL));
    assert_int_equal(0, task_spawn(nil_sender, NULL, NULL));
}

static void test_tasks_blocked_on_a_nil_channel_are_leaked(void **state)
{
    (void)state;
    world_t w = {.scenario = nil_channels};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(2, w.rep.ntasks);
    const leak_task_t *r = leaked(&w, "nil_receiver"), *s = leaked(&w, "nil_sender");
    assert_non_null(r);
    assert_non_null(s);
    assert_int_equal(TASK_RECV, r->state);
    assert_int_equal(TASK_SEND, s->state);
    assert_null(r->wait_obj);
    assert_null(s->wait_obj);
    world_cleanup(&w);
}

/* ---- the mutex never unlocked -------------------------------------------------------- */

typedef struct counter {
    int64_t total;
    mutex_t mu;                      /* a field: reached through its struct */
} counter_t;

static void add_without_unlock(void *arg)
{
    counter_t *c = arg;
    mutex_lock(&c->mu);
    c->total++;                      /* forgot mutex_unlock */
}

NOINLINE static void two_adders(world_t *w)
{
    counter_t *c = leak_calloc(1, sizeof *c);
    assert_int_equal(0, task_spawn(add_without_unlock, c, NULL));
    assert_int_equal(0, task_spawn(add_without_unlock, c, NULL));
    w->expect[0] = (uintptr_t)&c->mu ^ MASK;
}

static void test_task_waiting_for_a_mutex_never_unlocked_is_leaked(void **state)
{
    (void)state;
    world_t w = {.scenario = two_adders};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(1, w.rep.ntasks);
    const leak_task_t *t = leaked(&w, "add_without_unlock");
    assert_non_null(t);
    assert_int_equal(TASK_MUTEX, t->state);
    assert_ptr_equal((void *)(w.expect[0] ^ MASK), t->wait_obj);
    world_cleanup(&w);
}

/* Locks c->mu from a helper, so only the struct pointer stays in the
 * caller's frame: the mutex is reached as a field of a reached chunk. */
NOINLINE static void lock_counter(counter_t *c)
{
    mutex_lock(&c->mu);
}

/* Holds c->mu while it sleeps (it is live: a timer will wake it), then
 * unlocks. */
static void slow_holder(void *arg)
{
    counter_t *c = arg;
    lock_counter(c);
    clock_sleep(c->total);
    mutex_unlock(&c->mu);
}

/* Comes a second later (the holder has the lock by then), adds, unlocks. */
static void late_adder(void *arg)
{
    counter_t *c = arg;
    clock_sleep(CLOCK_S);
    mutex_lock(&c->mu);
    mutex_unlock(&c->mu);
}

NOINLINE static void held_and_forgotten(world_t *w)
{
    counter_t *held = leak_calloc(1, sizeof *held), *lost = leak_calloc(1, sizeof *lost);
    held->total = (20 + (int64_t)ug_rand_below(30)) * CLOCK_S;   /* past the check */
    assert_int_equal(0, task_spawn(slow_holder, held, NULL));
    assert_int_equal(0, task_spawn(late_adder, held, NULL));
    assert_int_equal(0, task_spawn(add_without_unlock, lost, NULL));
    assert_int_equal(0, task_spawn(add_without_unlock, lost, NULL));
    w->expect[0] = (uintptr_t)&lost->mu ^ MASK;
}

/* A mutex is usually a field. The task waiting for one that a live task
 * (asleep on a timer, so it will run) holds inside a chunk it keeps is not
 * leaked, though nothing points at the mutex itself, only at its struct;
 * the waiter on a mutex whose holder exited without unlocking is. */
static void test_a_task_waiting_for_a_mutex_in_a_chunk_a_live_task_holds_is_not_leaked(void **state)
{
    (void)state;
    world_t w = {.scenario = held_and_forgotten};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(1, w.rep.ntasks);
    assert_string_equal("add_without_unlock", w.rep.tasks[0].fn);
    assert_int_equal(TASK_MUTEX, w.rep.tasks[0].state);
    assert_ptr_equal((void *)(w.expect[0] ^ MASK), w.rep.tasks[0].wait_obj);
    world_cleanup(&w);
}

/* ---- the WaitGroup with a wrong count ----------------------------------------------- */

static void table_reader(void *arg)
{
    wg_done(arg);
}

/* Adds 4 but starts 3: the Wait never returns. */
static void handle_tables(void *arg)
{
    (void)arg;
    wg_t wg = {0};
    wg_add(&wg, 4);
    for (int i = 0; i < 3; i++)
        task_spawn(table_reader, &wg, NULL);
    wg_wait(&wg);
}

static void wrong_count(world_t *w)
{
    (void)w;
    assert_int_equal(0, task_spawn(handle_tables, NULL, NULL));
}

static void test_wait_on_a_waitgroup_with_a_wrong_count_is_leaked(void **state)
{
    (void)state;
    world_t w = {.scenario = wrong_count};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(1, w.rep.ntasks);
    const leak_task_t *t = leaked(&w, "handle_tables");
    assert_non_null(t);
    assert_int_equal(TASK_WAITGROUP, t->state);
    assert_int_equal(RT_OBJ_WAITGROUP, t->wait_kind);
    world_cleanup(&w);
}

/* ---- the fixes ---------------------------------------------------------------------- */

/* Asserts the only leak is the planted nil-channel receiver. */
static void assert_only_the_planted_leak(const world_t *w)
{
    assert_int_equal(0, w->rc);
    assert_int_equal(1, w->rep.ntasks);
    assert_non_null(leaked(w, "nil_receiver"));
}

static void plant(void) { assert_int_equal(0, task_spawn(nil_receiver, NULL, NULL)); }

static void buffered_sender(world_t *w)
{
    plant();
    handler_with_timeout(w, 1, false);
}

static void test_buffered_channel_fixes_the_forgotten_sender(void **state)
{
    (void)state;
    world_t w = {.scenario = buffered_sender};
    run_world(&w);
    assert_only_the_planted_leak(&w);
    world_cleanup(&w);
}

static void closed_channels(world_t *w)
{
    plant();
    handler_early_error(w, true);
    handler_queue(w, true);
}

static void test_closing_the_channel_fixes_the_abandoned_workers(void **state)
{
    (void)state;
    world_t w = {.scenario = closed_channels};
    run_world(&w);
    assert_only_the_planted_leak(&w);
    world_cleanup(&w);
}

static void cancelled_sender(world_t *w)
{
    plant();
    handler_with_timeout(w, 0, true);
}

static void test_a_cancelled_context_fixes_the_forgotten_sender(void **state)
{
    (void)state;
    world_t w = {.scenario = cancelled_sender};
    run_world(&w);
    assert_only_the_planted_leak(&w);
    world_cleanup(&w);
}

/* ---- reachable from a live task ---------------------------------------------------- */

/* Sleeps j->delay (past the check), then sends on j->ch. */
static void late_sender(void *arg)
{
    job_t *j = arg;
    int v = 5;
    clock_sleep(j->delay);
    chan_send(j->ch, &v);
    leak_free(j);
}

NOINLINE static void sleeper_and_receivers(world_t *w)
{
    job_t *send = leak_calloc(1, sizeof *send), *recv = leak_calloc(1, sizeof *recv);
    job_t *orphan = leak_calloc(1, sizeof *orphan);
    send->ch = recv->ch = world_chan(w, sizeof(int), 0);
    send->delay = (20 + (int64_t)ug_rand_below(30)) * CLOCK_S;
    orphan->ch = world_chan(w, sizeof(int), 0);
    w->expect[0] = (uintptr_t)orphan->ch ^ MASK;
    assert_int_equal(0, task_spawn(receive_one, recv, NULL));
    assert_int_equal(0, task_spawn(late_sender, send, NULL));
    assert_int_equal(0, task_spawn(receive_one, orphan, NULL));
}

/* A task asleep on a timer will run again: it is a root, like a runnable
 * one, so neither it nor the receiver it will serve is leaked; the
 * receiver on a channel nobody holds is. */
static void test_a_task_asleep_on_a_timer_is_live_and_so_is_the_task_it_will_wake(void **state)
{
    (void)state;
    world_t w = {.scenario = sleeper_and_receivers};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(1, w.rep.ntasks);
    assert_string_equal("receive_one", w.rep.tasks[0].fn);
    assert_int_equal(TASK_RECV, w.rep.tasks[0].state);
    assert_ptr_equal((void *)(w.expect[0] ^ MASK), w.rep.tasks[0].wait_obj);
    world_cleanup(&w);
}


/* Waits on whichever of two channels is ready first. */
static void select_two(void *arg)
{
    chan_t **c = arg;
    chan_case_t cs[2] = {{c[0], CHAN_RECV, NULL, false}, {c[1], CHAN_RECV, NULL, false}};
    chan_select(cs, 2, false);
    leak_free(c);
}

/* Spawns select_two on (x, y). */
static void spawn_select(chan_t *x, chan_t *y)
{
    chan_t **c = leak_calloc(2, sizeof *c);
    c[0] = x;
    c[1] = y;
    assert_int_equal(0, task_spawn(select_two, c, NULL));
}

NOINLINE static void two_receivers(world_t *w)
{
    job_t *a = leak_calloc(1, sizeof *a), *b = leak_calloc(1, sizeof *b);
    a->ch = world_chan(w, sizeof(int), 0);
    b->ch = world_chan(w, sizeof(int), 0);
    chan_t *e = world_chan(w, sizeof(int), 0), *f = world_chan(w, sizeof(int), 0);
    chan_t *g = world_chan(w, sizeof(int), 0);
    w->expect[0] = (uintptr_t)b->ch ^ MASK;
    w->expect[1] = (uintptr_t)a->ch ^ MASK;   /* main keeps this one: a root */
    assert_int_equal(0, task_spawn(receive_one, a, NULL));
    assert_int_equal(0, task_spawn(receive_one, b, NULL));
    spawn_select(e, a->ch);                   /* one case reachable: may wake */
    spawn_select(f, g);                       /* none reachable: leaked */
}

/* main keeps one channel in its frame while tasks wait on it and on others;
 * only the receiver on another channel and the select with no reachable
 * case are leaked. main then serves one waiter. */
static void hold_one(void *arg)
{
    world_t *w = arg;
    two_receivers(w);
    chan_t *volatile mine = (chan_t *)(w->expect[1] ^ MASK);
    clock_sleep(10 * CLOCK_S);
    scrub_stack();
    w->rc = leak_tasks_check(&w->rep);
    int v = 7;
    chan_send(mine, &v);
}

static void test_a_blocked_task_whose_channel_a_runnable_task_holds_is_not_leaked(void **state)
{
    (void)state;
    world_t w = {0};
    rt_config_t cfg = {.seed = ug_seed(), .wait_all = true};
    w.rc = -1;
    rt_run(&cfg, hold_one, &w);
    assert_int_equal(0, w.rc);
    assert_int_equal(2, w.rep.ntasks);
    const leak_task_t *r = leaked(&w, "receive_one"), *sel = leaked(&w, "select_two");
    assert_non_null(r);
    assert_ptr_equal((void *)(w.expect[0] ^ MASK), r->wait_obj);
    assert_non_null(sel);
    assert_int_equal(TASK_SELECT, sel->state);
    world_cleanup(&w);
}

UG_TEST_GROUP(leak_tasks, NULL, NULL,
    cmocka_unit_test_setup_teardown(test_forgotten_sender_after_a_timeout_is_a_leaked_task,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_receiver_left_after_an_early_error_return_is_a_leaked_task,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_worker_ranging_over_an_unclosed_channel_is_a_leaked_task,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_tasks_blocked_on_a_nil_channel_are_leaked,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_task_waiting_for_a_mutex_never_unlocked_is_leaked,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(
        test_a_task_waiting_for_a_mutex_in_a_chunk_a_live_task_holds_is_not_leaked,
        leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_wait_on_a_waitgroup_with_a_wrong_count_is_leaked,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_buffered_channel_fixes_the_forgotten_sender,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_closing_the_channel_fixes_the_abandoned_workers,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_cancelled_context_fixes_the_forgotten_sender,
                                    leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(
        test_a_blocked_task_whose_channel_a_runnable_task_holds_is_not_leaked,
        leak_fixture, leak_fixture),
    cmocka_unit_test_setup_teardown(
        test_a_task_asleep_on_a_timer_is_live_and_so_is_the_task_it_will_wake,
        leak_fixture, leak_fixture));
