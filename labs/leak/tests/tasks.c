/*
 * tasks.c — tests of the task leak rule on the classic shapes: the
 * forgotten sender, the abandoned receiver, the unclosed range, the nil
 * channel, the mutex never unlocked, the WaitGroup with a wrong count; their
 * fixes; and blocked tasks a live task can still wake (through a channel it
 * holds, a mutex in a chunk it holds, or after a sleep).
 *
 * How many of each shape a scenario builds, and in which order, comes from
 * the seed (the test's plan): leaking shapes beside their fixed twins, so
 * the report must name exactly the leaking ones. Each fix test also plants
 * a seeded row of known leaks (a receive or a send on a nil channel), so
 * "nothing else reported" is checked against a detector that works.
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

/* Waits for the result at most 10 ms; gives up on timeout. The sender's
 * delay (past the timeout) comes from the seed. */
NOINLINE static int handler_with_timeout(world_t *w, size_t cap, bool use_ctx)
{
    chan_t *ch = world_chan(w, sizeof(int), cap);
    job_t *j = leak_calloc(1, sizeof *j);
    ctx_t *ctx = NULL;
    rt_timer_t *t = NULL;
    int v = 0;
    j->ch = ch;
    j->delay = (20 + (int64_t)ug_rand_below(200)) * CLOCK_MS;
    if (use_ctx) {
        assert_true(w->nctxs < MAX_CHANS);
        assert_int_equal(0, ctx_with_cancel(ctx_background(), &ctx));
        w->ctxs[w->nctxs++] = j->ctx = ctx;
    }
    assert_int_equal(0, task_spawn(slow_sender, j, NULL));
    assert_int_equal(0, timer_new(10 * CLOCK_MS, &t));
    chan_case_t c[2] = {{ch, CHAN_RECV, &v, false}, {timer_chan(t), CHAN_RECV, NULL, false}};
    int k = chan_select(c, 2, false);
    timer_free(t);
    if (use_ctx)
        ctx_cancel(ctx); /* defer cancel() */
    world_expect(w, ch);
    return k == 0 ? 0 : -ETIMEDOUT;
}

/* n handlers, one after another; those of mask leak (the forgotten sender
 * has an unbuffered channel; the others have the fix, a buffer of one). */
typedef struct handlers {
    size_t n;
    unsigned mask;
} handlers_t;

/* The plan's handlers and their expected signature in want. */
static handlers_t seed_handlers(char want[static 64])
{
    handlers_t h = {.n = 10 + ug_rand_below(7)};
    h.mask = seeded_mask(h.n);
    want[0] = '\0';
    for (size_t i = 0; i < h.n; i++)
        if (h.mask >> i & 1)
            sig_add(want, expect_letter(i));
    return h;
}

EXPECTED_ONLY static unsigned popcount(unsigned m)
{
    return (unsigned)__builtin_popcount(m);
}

static void timed_out_handlers(world_t *w)
{
    const handlers_t *h = w->plan;
    for (size_t i = 0; i < h->n; i++)
        handler_with_timeout(w, (h->mask >> i & 1) ? 0 : 1, false);
}

/* The senders of the handlers that forgot them are leaked, each blocked on
 * a send on its own handler's channel; the fixed handlers' are not. The
 * handlers run one after another, so the leaks' id order is theirs. */
static void test_forgotten_sender_after_a_timeout_is_a_leaked_task(void **state)
{
    (void)state;
    char want[64], got[64];
    handlers_t h = seed_handlers(want);
    world_t w = {.scenario = timed_out_handlers, .plan = &h};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(popcount(h.mask), w.rep.ntasks);
    assert_int_equal(popcount(h.mask), count_leaked(&w, "slow_sender", TASK_SEND));
    assert_int_equal(popcount(h.mask), count_created_by(&w, "handler_with_timeout"));
    assert_string_equal(want, leaked_signature(&w, got));
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
    world_expect(w, ch);
    clock_sleep(CLOCK_MS);           /* the database call fails */
    if (close_on_error)
        chan_close(ch);
    return -EIO;
}

/* The handlers of mask return without closing; the others close. */
static void early_errors(world_t *w)
{
    const handlers_t *h = w->plan;
    for (size_t i = 0; i < h->n; i++)
        handler_early_error(w, !(h->mask >> i & 1));
}

static void test_receiver_left_after_an_early_error_return_is_a_leaked_task(void **state)
{
    (void)state;
    char want[64], got[64];
    handlers_t h = seed_handlers(want);
    world_t w = {.scenario = early_errors, .plan = &h};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(popcount(h.mask), w.rep.ntasks);
    assert_int_equal(popcount(h.mask), count_leaked(&w, "receive_one", TASK_RECV));
    assert_int_equal(popcount(h.mask), count_created_by(&w, "handler_early_error"));
    assert_string_equal(want, leaked_signature(&w, got));
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

/* Queues `items` values in a channel of `cap` and starts `workers` on it;
 * close_after closes it once everything is queued. */
NOINLINE static void handler_queue(world_t *w, bool close_after, size_t workers, size_t cap,
                                   size_t items)
{
    chan_t *ch = world_chan(w, sizeof(int), cap);
    for (int i = 0; i < (int)items; i++)
        chan_send(ch, &i);
    for (size_t k = 0; k < workers; k++) {
        job_t *j = leak_calloc(1, sizeof *j);
        j->ch = ch;
        assert_int_equal(0, task_spawn(range_worker, j, NULL));
    }
    if (close_after)
        chan_close(ch);
    world_expect(w, ch);
}

/* n queues, one after another: workers, buffer and how much of it is
 * queued, each seeded; those of mask are never closed. */
typedef struct queues {
    size_t n, workers[8], cap[8], items[8];
    unsigned mask;
} queues_t;

/* The plan and the expected signature in want (no mask bit: none leak). */
static queues_t seed_queues(char want[static 64], bool leaks)
{
    queues_t q = {.n = 4 + ug_rand_below(5)};
    q.mask = leaks ? seeded_mask(q.n) : 0;
    want[0] = '\0';
    for (size_t i = 0; i < q.n; i++) {
        q.workers[i] = 1 + ug_rand_below(4);
        q.cap[i] = 1 + ug_rand_below(8);
        q.items[i] = ug_rand_below(q.cap[i] + 1);
        for (size_t k = 0; q.mask >> i & 1 && k < q.workers[i]; k++)
            sig_add(want, expect_letter(i));
    }
    return q;
}

EXPECTED_ONLY static size_t leaking_workers(const queues_t *q)
{
    size_t n = 0;
    for (size_t i = 0; i < q->n; i++)
        n += (q->mask >> i & 1) ? q->workers[i] : 0;
    return n;
}

static void queues(world_t *w)
{
    const queues_t *q = w->plan;
    for (size_t i = 0; i < q->n; i++)
        handler_queue(w, !(q->mask >> i & 1), q->workers[i], q->cap[i], q->items[i]);
}

/* Every worker of an unclosed channel drains the buffer and then waits on
 * it for ever; the workers of a closed one finish. */
static void test_worker_ranging_over_an_unclosed_channel_is_a_leaked_task(void **state)
{
    (void)state;
    char want[64], got[64];
    queues_t q = seed_queues(want, true);
    world_t w = {.scenario = queues, .plan = &q};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(leaking_workers(&q), w.rep.ntasks);
    assert_int_equal(leaking_workers(&q), count_leaked(&w, "range_worker", TASK_RECV));
    assert_string_equal(want, leaked_signature(&w, got));
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

/* A row of tasks on nil channels: R a receiver, S a sender. */
typedef struct nils {
    char row[16];
} nils_t;

/* A seeded row of 8 to 15, with at least one of each. */
static nils_t seed_nils(void)
{
    nils_t p;
    size_t n = 8 + ug_rand_below(8);
    unsigned mask = seeded_mask(n);
    for (size_t i = 0; i < n; i++)
        p.row[i] = (mask >> i & 1) ? 'R' : 'S';
    p.row[n] = '\0';
    return p;
}

EXPECTED_ONLY static size_t count_of(const char *row, char c)
{
    size_t n = 0;
    for (; *row; row++)
        n += *row == c;
    return n;
}

/* Spawns the row, in its order. */
static void spawn_nils(const nils_t *p)
{
    for (const char *c = p->row; *c; c++)
        if (*c == 'R')
            assert_int_equal(0, task_spawn(nil_receiver, NULL, NULL));
        else
            assert_int_equal(0, task_spawn(nil_sender, NULL, NULL));
}

static void nil_channels(world_t *w)
{
    spawn_nils(w->plan);
}

static void test_tasks_blocked_on_a_nil_channel_are_leaked(void **state)
{
    (void)state;
    char got[64];
    nils_t p = seed_nils();
    world_t w = {.scenario = nil_channels, .plan = &p};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(strlen(p.row), w.rep.ntasks);
    assert_int_equal(count_of(p.row, 'R'), count_leaked(&w, "nil_receiver", TASK_RECV));
    assert_int_equal(count_of(p.row, 'S'), count_leaked(&w, "nil_sender", TASK_SEND));
    assert_int_equal(strlen(p.row), count_waiting_on(&w, NULL));
    assert_string_equal(p.row, leaked_signature(&w, got));
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

/* n counters; counter j gets adders[j] tasks, spawned together; those of
 * held (the next test) are held by a live sleeper instead of an adder
 * that forgot to unlock. */
typedef struct counters {
    size_t n, adders[8];
    unsigned held;
} counters_t;

/* The plan and the expected signature in want: every adder of a counter
 * nobody will unlock but the one that got it waits on its mutex. */
static counters_t seed_counters(char want[static 64], bool with_held)
{
    counters_t p = {.n = (with_held ? 4 : 3) + ug_rand_below(4)};
    p.held = with_held ? seeded_mask(p.n) : 0;
    want[0] = '\0';
    for (size_t j = 0; j < p.n; j++) {
        bool held = p.held >> j & 1;
        p.adders[j] = (held ? 1 : 2) + ug_rand_below(7);
        for (size_t k = 1; !held && k < p.adders[j]; k++)
            sig_add(want, expect_letter(j));
    }
    return p;
}

/* How many tasks the plan leaves waiting. */
EXPECTED_ONLY static size_t stuck_adders(const counters_t *p)
{
    size_t n = 0;
    for (size_t j = 0; j < p->n; j++)
        n += (p->held >> j & 1) ? 0 : p->adders[j] - 1;
    return n;
}

NOINLINE static void adders(world_t *w)
{
    const counters_t *p = w->plan;
    for (size_t j = 0; j < p->n; j++) {
        counter_t *c = leak_calloc(1, sizeof *c);
        world_expect(w, &c->mu);
        for (size_t k = 0; k < p->adders[j]; k++)
            assert_int_equal(0, task_spawn(add_without_unlock, c, NULL));
    }
}

/* The first adder of each counter returns holding its mutex: every other
 * adder of that counter waits for ever. Adders of one counter are spawned
 * together, so whichever got the lock, the signature is the same. */
static void test_task_waiting_for_a_mutex_never_unlocked_is_leaked(void **state)
{
    (void)state;
    char want[64], got[64];
    counters_t p = seed_counters(want, false);
    world_t w = {.scenario = adders, .plan = &p};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(stuck_adders(&p), w.rep.ntasks);
    assert_int_equal(stuck_adders(&p), count_leaked(&w, "add_without_unlock", TASK_MUTEX));
    assert_string_equal(want, leaked_signature(&w, got));
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
    scrub_stack(); /* mutex_lock's frames had &c->mu */
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

/* Each held counter: a slow holder (asleep past the check) and adders[j]
 * late adders; each other counter: adders[j] adders, one of which forgets
 * to unlock. */
NOINLINE static void held_and_forgotten(world_t *w)
{
    const counters_t *p = w->plan;
    for (size_t j = 0; j < p->n; j++) {
        counter_t *c = leak_calloc(1, sizeof *c);
        world_expect(w, &c->mu);
        if (!(p->held >> j & 1)) {
            for (size_t k = 0; k < p->adders[j]; k++)
                assert_int_equal(0, task_spawn(add_without_unlock, c, NULL));
            continue;
        }
        c->total = (20 + (int64_t)ug_rand_below(30)) * CLOCK_S; /* past the check */
        assert_int_equal(0, task_spawn(slow_holder, c, NULL));
        for (size_t k = 0; k < p->adders[j]; k++)
            assert_int_equal(0, task_spawn(late_adder, c, NULL));
    }
}

/* A mutex is usually a field. The tasks waiting for one that a live task
 * (asleep on a timer, so it will run) holds inside a chunk it keeps are not
 * leaked, though nothing points at the mutex itself, only at its struct;
 * the waiters on a mutex whose holder exited without unlocking are. */
static void test_a_task_waiting_for_a_mutex_in_a_chunk_a_live_task_holds_is_not_leaked(void **state)
{
    (void)state;
    char want[64], got[64];
    counters_t p = seed_counters(want, true);
    world_t w = {.scenario = held_and_forgotten, .plan = &p};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(stuck_adders(&p), w.rep.ntasks);
    assert_int_equal(stuck_adders(&p), count_leaked(&w, "add_without_unlock", TASK_MUTEX));
    assert_int_equal(0, count_leaked(&w, "late_adder", TASK_MUTEX));
    assert_string_equal(want, leaked_signature(&w, got));
    world_cleanup(&w);
}

/* ---- the WaitGroup with a wrong count ----------------------------------------------- */

typedef struct tables {
    size_t readers, added;
    uintptr_t *where; /* gets the WaitGroup's address, masked; or NULL */
} tables_t;

static void table_reader(void *arg)
{
    wg_done(arg);
}

/* Adds t->added and starts t->readers: with more added than started, the
 * Wait never returns. */
static void handle_tables(void *arg)
{
    tables_t t = *(tables_t *)arg;
    wg_t wg = {0};
    leak_free(arg);
    if (t.where)
        *t.where = (uintptr_t)&wg ^ MASK;
    wg_add(&wg, (int)t.added);
    for (size_t i = 0; i < t.readers; i++)
        task_spawn(table_reader, &wg, NULL);
    wg_wait(&wg);
}

/* The handlers of mask add one more than they start; the WaitGroup of
 * such a handler i is expected object i. (A handler that returns frees its
 * stack, which a later one may reuse: its address names nothing.) */
static void wrong_counts(world_t *w)
{
    const handlers_t *h = w->plan;
    w->nexpect = h->n;
    for (size_t i = 0; i < h->n; i++) {
        tables_t *t = leak_calloc(1, sizeof *t);
        t->readers = 1 + ug_rand_below(4);
        t->added = t->readers + (h->mask >> i & 1);
        t->where = (h->mask >> i & 1) ? &w->expect[i] : NULL;
        assert_int_equal(0, task_spawn(handle_tables, t, NULL));
    }
}

static void test_wait_on_a_waitgroup_with_a_wrong_count_is_leaked(void **state)
{
    (void)state;
    char want[64], got[64];
    handlers_t h = seed_handlers(want);
    world_t w = {.scenario = wrong_counts, .plan = &h};
    size_t on_wg = 0;
    run_world(&w);
    for (size_t i = 0; i < w.rep.ntasks; i++)
        on_wg += w.rep.tasks[i].wait_kind == RT_OBJ_WAITGROUP;
    assert_int_equal(0, w.rc);
    assert_int_equal(popcount(h.mask), w.rep.ntasks);
    assert_int_equal(popcount(h.mask), count_leaked(&w, "handle_tables", TASK_WAITGROUP));
    assert_int_equal(popcount(h.mask), on_wg);
    assert_string_equal(want, leaked_signature(&w, got));
    world_cleanup(&w);
}

/* ---- the fixes ---------------------------------------------------------------------- */

/* A fix test's plan: the planted row of nil-channel tasks, spawned first,
 * then the fixed shapes. */
typedef struct fixed {
    nils_t planted;
    handlers_t handlers;
    queues_t queues;
} fixed_t;

static void buffered_senders(world_t *w)
{
    const fixed_t *p = w->plan;
    spawn_nils(&p->planted);
    for (size_t i = 0; i < p->handlers.n; i++)
        handler_with_timeout(w, 1, false);
}

static void test_buffered_channel_fixes_the_forgotten_sender(void **state)
{
    (void)state;
    char unused[64], got[64];
    fixed_t p = {.planted = seed_nils()};
    p.handlers = seed_handlers(unused);
    world_t w = {.scenario = buffered_senders, .plan = &p};
    run_world(&w);
    assert_int_equal(0, w.rc); /* only the planted leaks, in order */
    assert_int_equal(strlen(p.planted.row), w.rep.ntasks);
    assert_string_equal(p.planted.row, leaked_signature(&w, got));
    world_cleanup(&w);
}

static void closed_channels(world_t *w)
{
    const fixed_t *p = w->plan;
    spawn_nils(&p->planted);
    for (size_t i = 0; i < p->handlers.n; i++)
        handler_early_error(w, true);
    for (size_t i = 0; i < p->queues.n; i++)
        handler_queue(w, true, p->queues.workers[i], p->queues.cap[i], p->queues.items[i]);
}

static void test_closing_the_channel_fixes_the_abandoned_workers(void **state)
{
    (void)state;
    char unused[64], got[64];
    fixed_t p = {.planted = seed_nils()};
    p.handlers = seed_handlers(unused);
    p.queues = seed_queues(unused, false);
    world_t w = {.scenario = closed_channels, .plan = &p};
    run_world(&w);
    assert_int_equal(0, w.rc); /* only the planted leaks, in order */
    assert_int_equal(strlen(p.planted.row), w.rep.ntasks);
    assert_string_equal(p.planted.row, leaked_signature(&w, got));
    world_cleanup(&w);
}

static void cancelled_senders(world_t *w)
{
    const fixed_t *p = w->plan;
    spawn_nils(&p->planted);
    for (size_t i = 0; i < p->handlers.n; i++)
        handler_with_timeout(w, 0, true);
}

static void test_a_cancelled_context_fixes_the_forgotten_sender(void **state)
{
    (void)state;
    char unused[64], got[64];
    fixed_t p = {.planted = seed_nils()};
    p.handlers = seed_handlers(unused);
    world_t w = {.scenario = cancelled_senders, .plan = &p};
    run_world(&w);
    assert_int_equal(0, w.rc); /* only the planted leaks, in order */
    assert_int_equal(strlen(p.planted.row), w.rep.ntasks);
    assert_string_equal(p.planted.row, leaked_signature(&w, got));
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

/* A receiver on a new channel of its own, nobody else's: expected. */
NOINLINE static void spawn_orphan(world_t *w)
{
    job_t *orphan = leak_calloc(1, sizeof *orphan);
    orphan->ch = world_chan(w, sizeof(int), 0);
    world_expect(w, orphan->ch);
    assert_int_equal(0, task_spawn(receive_one, orphan, NULL));
}

/* A sleeper (past the check) with the receiver it will serve; their
 * channel is expected too, so the signature shows where orphans sit. */
NOINLINE static void spawn_pair(world_t *w)
{
    job_t *send = leak_calloc(1, sizeof *send), *recv = leak_calloc(1, sizeof *recv);
    send->ch = recv->ch = world_chan(w, sizeof(int), 0);
    world_expect(w, send->ch);
    send->delay = (20 + (int64_t)ug_rand_below(30)) * CLOCK_S;
    assert_int_equal(0, task_spawn(receive_one, recv, NULL));
    assert_int_equal(0, task_spawn(late_sender, send, NULL));
}

/* A seeded row of steps, shuffled: each letter one step of a scenario. */
typedef struct steps {
    char row[24];
} steps_t;

/* counts[i] steps of kind kinds[i] (NUL-terminated kinds), shuffled. */
static steps_t seed_steps(const char *kinds, const size_t *counts)
{
    steps_t p;
    size_t n = 0;
    for (size_t i = 0; kinds[i]; i++)
        for (size_t k = 0; k < counts[i] && n < sizeof p.row - 1; k++)
            p.row[n++] = kinds[i];
    for (size_t i = n; i-- > 1;) {
        size_t j = ug_rand_below(i + 1);
        char t = p.row[i];
        p.row[i] = p.row[j];
        p.row[j] = t;
    }
    p.row[n] = '\0';
    return p;
}

/* P: a sleeper and its receiver; O: an orphan receiver. */
NOINLINE static void sleepers_and_receivers(world_t *w)
{
    const steps_t *p = w->plan;
    for (const char *c = p->row; *c; c++)
        if (*c == 'P')
            spawn_pair(w);
        else
            spawn_orphan(w);
}

/* A task asleep on a timer will run again: it is a root, like a runnable
 * one, so neither it nor the receiver it will serve is leaked; the
 * receivers on channels nobody holds are. */
static void test_a_task_asleep_on_a_timer_is_live_and_so_is_the_task_it_will_wake(void **state)
{
    (void)state;
    char want[64] = "", got[64];
    size_t counts[2];
    counts[0] = 3 + ug_rand_below(4);
    counts[1] = 3 + ug_rand_below(6);
    steps_t p = seed_steps("PO", counts);
    for (size_t i = 0; p.row[i]; i++)
        if (p.row[i] == 'O')
            sig_add(want, expect_letter(i)); /* one channel per step */
    world_t w = {.scenario = sleepers_and_receivers, .plan = &p};
    run_world(&w);
    assert_int_equal(0, w.rc);
    assert_int_equal(counts[1], w.rep.ntasks);
    assert_int_equal(counts[1], count_leaked(&w, "receive_one", TASK_RECV));
    assert_int_equal(0, count_leaked(&w, "late_sender", TASK_SLEEP));
    assert_string_equal(want, leaked_signature(&w, got));
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

/* L: a receiver on mine; O: an orphan receiver; A, B: a select on mine
 * and a channel nobody holds (mine first, mine second); D: a select on
 * two channels nobody holds. */
NOINLINE static void waiters_around(world_t *w, chan_t *mine)
{
    const steps_t *p = w->plan;
    for (const char *c = p->row; *c; c++) {
        job_t *a;
        switch (*c) {
        case 'L':
            a = leak_calloc(1, sizeof *a);
            a->ch = mine;
            assert_int_equal(0, task_spawn(receive_one, a, NULL));
            break;
        case 'O': spawn_orphan(w); break;
        case 'A':
            spawn_select(mine, world_chan(w, sizeof(int), 0)); /* one case reachable */
            break;
        case 'B': spawn_select(world_chan(w, sizeof(int), 0), mine); break;
        default: spawn_select(world_chan(w, sizeof(int), 0), world_chan(w, sizeof(int), 0));
        }
    }
}

/* main keeps one channel in its frame while tasks wait on it and on others;
 * only the receivers on other channels and the selects with no reachable
 * case are leaked. main then serves one waiter. */
static void hold_one(void *arg)
{
    world_t *w = arg;
    chan_t *volatile mine = world_chan(w, sizeof(int), 0);
    waiters_around(w, mine);
    clock_sleep(10 * CLOCK_S);
    scrub_stack();
    w->rc = leak_tasks_check(&w->rep);
    int v = 7;
    chan_send(mine, &v);
}

static void test_a_blocked_task_whose_channel_a_runnable_task_holds_is_not_leaked(void **state)
{
    (void)state;
    char want[64] = "", got[64];
    size_t counts[4];
    counts[0] = 1 + ug_rand_below(3);
    counts[1] = 2 + ug_rand_below(5);
    counts[2] = 1 + ug_rand_below(3);
    counts[3] = 2 + ug_rand_below(4);
    size_t orphans = counts[1], dead = counts[3];
    steps_t p = seed_steps("LOAD", counts);
    for (size_t i = 0, k = 0; p.row[i]; i++) {
        if (p.row[i] == 'A' && ug_rand_below(2))
            p.row[i] = 'B'; /* which case is mine */
        if (p.row[i] == 'O')
            sig_add(want, expect_letter(k++));
        else if (p.row[i] == 'D')
            sig_add(want, 'X');
    }
    world_t w = {.plan = &p};
    rt_config_t cfg = {.seed = ug_seed(), .wait_all = true};
    w.rc = -1;
    rt_run(&cfg, hold_one, &w);
    assert_int_equal(0, w.rc);
    assert_int_equal(orphans + dead, w.rep.ntasks);
    assert_int_equal(orphans, count_leaked(&w, "receive_one", TASK_RECV));
    assert_int_equal(dead, count_leaked(&w, "select_two", TASK_SELECT));
    assert_string_equal(want, leaked_signature(&w, got));
    world_cleanup(&w);
}

UG_TEST_GROUP(
    leak_tasks, NULL, NULL,
    cmocka_unit_test_setup_teardown(test_forgotten_sender_after_a_timeout_is_a_leaked_task,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_receiver_left_after_an_early_error_return_is_a_leaked_task,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_worker_ranging_over_an_unclosed_channel_is_a_leaked_task,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_tasks_blocked_on_a_nil_channel_are_leaked, leak_setup,
                                    leak_fixture),
    cmocka_unit_test_setup_teardown(test_task_waiting_for_a_mutex_never_unlocked_is_leaked,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(
        test_a_task_waiting_for_a_mutex_in_a_chunk_a_live_task_holds_is_not_leaked, leak_setup,
        leak_fixture),
    cmocka_unit_test_setup_teardown(test_wait_on_a_waitgroup_with_a_wrong_count_is_leaked,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_buffered_channel_fixes_the_forgotten_sender, leak_setup,
                                    leak_fixture),
    cmocka_unit_test_setup_teardown(test_closing_the_channel_fixes_the_abandoned_workers,
                                    leak_setup, leak_fixture),
    cmocka_unit_test_setup_teardown(test_a_cancelled_context_fixes_the_forgotten_sender, leak_setup,
                                    leak_fixture),
    cmocka_unit_test_setup_teardown(
        test_a_blocked_task_whose_channel_a_runnable_task_holds_is_not_leaked, leak_setup,
        leak_fixture),
    cmocka_unit_test_setup_teardown(
        test_a_task_asleep_on_a_timer_is_live_and_so_is_the_task_it_will_wake, leak_setup,
        leak_fixture));
