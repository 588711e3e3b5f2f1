/*
 * test_sched.c — the scheduler: seeded replay, FIFO mode, 100 000 tasks,
 * join/park/ready, the deadlock report, introspection and hooks, guard
 * pages, per-task FPU control words, and a seeded stress test.
 */
#include <fenv.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rt_test.h"

/* ---- deterministic replay ---- */

typedef struct {
    trace_t *tr;
    chan_t *ch;
    mutex_t *mu;
    int tag;
} worker_t;

static void traced_worker(void *p) {
    worker_t *w = p;
    for (int i = 0; i < 10; i++) {
        trace_add(w->tr, w->tag);
        if (i % 3 == 0) chan_send(w->ch, &w->tag);
        mutex_lock(w->mu);
        trace_add(w->tr, 100 + w->tag);
        mutex_unlock(w->mu);
        task_yield();
    }
}

static void traced_consumer(void *p) {
    worker_t *w = p;
    for (int i = 0; i < 8 * 4; i++) {
        int v;
        chan_recv(w->ch, &v, NULL);
        trace_add(w->tr, 1000 + v);
    }
}

static void replay_body(void *p) {
    trace_t *tr = p;
    chan_t *ch;
    mutex_t mu = {0};
    chan_make(sizeof(int), 2, &ch);
    worker_t w[9];
    uint64_t ids[9];
    for (int i = 0; i < 9; i++) {
        w[i] = (worker_t){tr, ch, &mu, i};
        task_spawn(i == 8 ? traced_consumer : traced_worker, &w[i], &ids[i]);
    }
    for (int i = 0; i < 9; i++) task_join(ids[i]);
    chan_free(ch);
}

static void run_traced(uint64_t seed, trace_t *tr) {
    memset(tr, 0, sizeof *tr);
    rt_config_t cfg = {.sched = RT_SCHED_RANDOM, .seed = seed};
    assert_int_equal(0, rt_run(&cfg, replay_body, tr));
}

static void test_same_seed_replays_the_same_trace(void **state) {
    (void)state;
    static trace_t a, b;
    run_traced(ug_seed(), &a);
    run_traced(ug_seed(), &b);
    assert_int_equal(8 * 20 + 32, a.n);
    assert_true(trace_equal(&a, &b));
}

static void test_different_seeds_give_different_traces(void **state) {
    (void)state;
    static trace_t a, b;
    run_traced(ug_seed(), &a);
    run_traced(ug_seed() + 1, &b);
    assert_int_equal(a.n, b.n);
    assert_false(trace_equal(&a, &b));
}

static void fifo_worker(void *p) {
    worker_t *w = p;
    for (int i = 0; i < 3; i++) {
        trace_add(w->tr, w->tag);
        task_yield();
    }
}

static void fifo_body(void *p) {
    trace_t *tr = p;
    static worker_t w[3];      /* outlives this task, which returns at once */
    for (int i = 0; i < 3; i++) {
        w[i] = (worker_t){.tr = tr, .tag = i};
        task_spawn(fifo_worker, &w[i], NULL);
    }
}

static void test_fifo_mode_round_robins_in_spawn_order(void **state) {
    (void)state;
    static trace_t tr;
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .wait_all = true};
    assert_int_equal(0, rt_run(&cfg, fifo_body, &tr));
    static const int want[] = {0, 1, 2, 0, 1, 2, 0, 1, 2};
    assert_int_equal(9, tr.n);
    for (int i = 0; i < 9; i++) assert_int_equal(want[i], tr.ev[i]);
}

/* ---- many tasks ---- */

enum { HUNDRED_K = 100000, TEN_K = 10000 };

typedef struct {
    chan_t *ch;
    wg_t wg;
    long sum;
    char *seen;
} many_t;

static void send_my_id(void *p) {
    many_t *m = p;
    uint64_t id = task_self();
    chan_send(m->ch, &id);
}

static void hundred_k_body(void *p) {
    many_t *m = p;
    assert_int_equal(0, chan_make(sizeof(uint64_t), HUNDRED_K, &m->ch));
    for (int i = 0; i < HUNDRED_K; i++) assert_int_equal(0, task_spawn(send_my_id, m, NULL));
    for (int i = 0; i < HUNDRED_K; i++) {
        uint64_t id;
        chan_recv(m->ch, &id, NULL);
        assert_in_range(id, 2, HUNDRED_K + 1);
        assert_int_equal(0, m->seen[id]);
        m->seen[id] = 1;
    }
    chan_free(m->ch);
}

/* Stacks are bound at first run and recycled: without preemption points a
 * task runs to completion, so 100 000 tasks need only a few stacks. */
static void test_hundred_thousand_tasks_each_deliver_exactly_once(void **state) {
    (void)state;
    many_t m = {.seen = calloc(HUNDRED_K + 2, 1)};
    rt_config_t cfg = {.sched = RT_SCHED_RANDOM, .seed = ug_seed(), .no_preempt = true};
    assert_int_equal(0, rt_run(&cfg, hundred_k_body, &m));
    for (int i = 2; i < HUNDRED_K + 2; i++) assert_int_equal(1, m.seen[i]);
    free(m.seen);
}

static void wait_then_add(void *p) {
    many_t *m = p;
    bool ok;
    chan_recv(m->ch, NULL, &ok);     /* all of them block here at once */
    if (!ok) m->sum++;
    wg_done(&m->wg);
}

static void ten_k_blocked_body(void *p) {
    many_t *m = p;
    chan_make(0, 0, &m->ch);
    wg_add(&m->wg, TEN_K);
    for (int i = 0; i < TEN_K; i++) task_spawn(wait_then_add, m, NULL);
    clock_sleep(CLOCK_S);            /* every other task is blocked by now */
    chan_close(m->ch);
    wg_wait(&m->wg);
    chan_free(m->ch);
}

static void test_ten_thousand_tasks_blocked_at_once_all_wake_on_close(void **state) {
    (void)state;
    many_t m = {0};
    assert_int_equal(0, run_seeded(ten_k_blocked_body, &m));
    assert_int_equal(TEN_K, m.sum);
}

/* ---- join, park, ready ---- */

static void short_task(void *p) {
    int *n = p;
    task_yield();
    (*n)++;
}

static void join_body(void *p) {
    int *n = p;
    uint64_t id;
    task_spawn(short_task, n, &id);
    assert_int_equal(0, task_join(id));
    assert_int_equal(1, *n);
    assert_int_equal(0, task_join(id));              /* already finished */
    assert_int_equal(-EDEADLK, task_join(task_self()));
    assert_int_equal(-ESRCH, task_join(12345));
    assert_int_equal(-ESRCH, task_lookup(id, &(task_info_t){0}));
    *n = 100;
}

static void test_join_waits_for_the_task_and_refuses_itself(void **state) {
    (void)state;
    int n = 0;
    assert_int_equal(0, run_seeded(join_body, &n));
    assert_int_equal(100, n);
}

static void exit_midway(void *p) {
    int *n = p;
    (*n)++;
    task_exit();
    (*n)++;
}

static void exit_body(void *p) {
    uint64_t id;
    task_spawn(exit_midway, p, &id);
    task_join(id);
}

static void test_task_exit_ends_the_task_where_it_is_called(void **state) {
    (void)state;
    int n = 0;
    assert_int_equal(0, run_seeded(exit_body, &n));
    assert_int_equal(1, n);
}

static void parker(void *p) {
    int *n = p;
    task_park(n);
    (*n)++;
}

static void park_body(void *p) {
    int *n = p;
    uint64_t id;
    task_spawn(parker, n, &id);
    assert_int_equal(-EINVAL, task_ready(id));       /* not parked yet */
    wait_blocked(id, TASK_PARKED);
    task_info_t ti;
    task_lookup(id, &ti);
    assert_ptr_equal(n, ti.wait_obj);
    assert_int_equal(RT_OBJ_USER, ti.wait_kind);
    assert_int_equal(0, task_ready(id));
    task_join(id);
    assert_int_equal(-ESRCH, task_ready(id));
}

static void test_parked_task_runs_again_only_after_ready(void **state) {
    (void)state;
    int n = 0;
    assert_int_equal(0, run_seeded(park_body, &n));
    assert_int_equal(1, n);
}

/* ---- deadlock report and introspection ---- */

typedef struct {
    chan_t *ch;
    mutex_t mu;
    int line;
} dl_t;

static void lock_forever(void *p) {
    dl_t *d = p;
    mutex_lock(&d->mu);
}

static void deadlock_body(void *p) {
    dl_t *d = p;
    chan_make(sizeof(int), 0, &d->ch);
    mutex_lock(&d->mu);
    d->line = __LINE__ + 1;
    task_spawn(lock_forever, d, NULL);
    int v;
    chan_recv(d->ch, &v, NULL);
}

static void test_deadlock_returns_edeadlk_and_reports_every_blocked_task(void **state) {
    (void)state;
    dl_t d = {0};
    assert_int_equal(-EDEADLK, run_seeded(deadlock_body, &d));
    const char *r = rt_report();
    assert_non_null(r);
    assert_non_null(strstr(r, "fatal error: all goroutines are asleep - deadlock!"));
    assert_non_null(strstr(r, "goroutine 1 [chan receive]"));
    assert_non_null(strstr(r, "goroutine 2 [semacquire]"));
    assert_non_null(strstr(r, "held by goroutine 1"));
    char site[128];
    snprintf(site, sizeof site, "lock_forever() created by deadlock_body at %s:%d", __FILE__, d.line);
    assert_non_null(strstr(r, site));
    chan_free(d.ch);
}

typedef struct {
    int seen;
    task_info_t info[4];
    int blocks, unblocks, spawns, exits;
    char report_head[64];
} intro_t;

static int collect(const task_info_t *t, void *ud) {
    intro_t *in = ud;
    if (in->seen < 4) in->info[in->seen] = *t;
    in->seen++;
    return 0;
}

static void on_deadlock(void *ud, const char *report) {
    intro_t *in = ud;
    snprintf(in->report_head, sizeof in->report_head, "%s", report);
    task_foreach(collect, in);
}

static void on_block(void *ud, uint64_t t, task_state_t why, const void *obj) {
    (void)t, (void)why, (void)obj;
    ((intro_t *)ud)->blocks++;
}

static void on_unblock(void *ud, uint64_t t, uint64_t by) {
    (void)t, (void)by;
    ((intro_t *)ud)->unblocks++;
}

static void on_spawn(void *ud, uint64_t t, uint64_t parent) {
    (void)t, (void)parent;
    ((intro_t *)ud)->spawns++;
}

static void on_exit_hook(void *ud, uint64_t t) {
    (void)t;
    ((intro_t *)ud)->exits++;
}

static void test_introspection_shows_state_object_site_and_stack_of_blocked_tasks(void **state) {
    (void)state;
    dl_t d = {0};
    intro_t in = {0};
    rt_hooks_t h = {.ud = &in, .on_deadlock = on_deadlock, .on_block = on_block,
                    .on_unblock = on_unblock, .on_spawn = on_spawn, .on_exit = on_exit_hook};
    rt_config_t cfg = {.seed = ug_seed(), .hooks = &h, .no_preempt = true};
    assert_int_equal(-EDEADLK, rt_run(&cfg, deadlock_body, &d));
    assert_int_equal(2, in.seen);
    assert_int_equal(2, in.spawns);
    assert_int_equal(0, in.exits);
    assert_int_equal(2, in.blocks);
    assert_int_equal(0, in.unblocks);
    const char *head = "fatal error: all goroutines are asleep - deadlock!\n";
    assert_int_equal(0, strncmp(head, in.report_head, strlen(head)));
    const task_info_t *m = &in.info[0], *w = &in.info[1];
    assert_int_equal(1, m->id);
    assert_int_equal(TASK_RECV, m->state);
    assert_int_equal(RT_OBJ_CHAN, m->wait_kind);
    assert_ptr_equal(d.ch, m->wait_obj);
    assert_int_equal(2, w->id);
    assert_int_equal(1, w->parent);
    assert_int_equal(TASK_MUTEX, w->state);
    assert_ptr_equal(&d.mu, w->wait_obj);
    assert_string_equal("lock_forever", w->fn);
    assert_string_equal("deadlock_body", w->creator);
    assert_int_equal(d.line, w->line);
    assert_non_null(strstr(w->file, "test_sched.c"));
    assert_non_null(w->stack_lo);
    assert_true((char *)w->sp > (char *)w->stack_lo && (char *)w->sp < (char *)w->stack_hi);
    chan_free(d.ch);
}

static void block_pairs_body(void *p) {
    chan_t *ch;
    chan_make(sizeof(int), 0, &ch);
    for (int i = 0; i < 3; i++) {
        worker_t w = {.ch = ch, .tr = p};
        uint64_t id;
        task_spawn(traced_consumer, &w, &id);   /* receives 32 values */
        for (int k = 0; k < 32; k++) chan_send(ch, &k);
        task_join(id);
    }
    chan_free(ch);
}

static void test_every_block_is_paired_with_an_unblock(void **state) {
    (void)state;
    intro_t in = {0};
    static trace_t tr;
    rt_hooks_t h = {.ud = &in, .on_block = on_block, .on_unblock = on_unblock,
                    .on_spawn = on_spawn, .on_exit = on_exit_hook};
    rt_config_t cfg = {.seed = ug_seed(), .hooks = &h};
    assert_int_equal(0, rt_run(&cfg, block_pairs_body, &tr));
    assert_true(in.blocks > 0);
    assert_int_equal(in.blocks, in.unblocks);
    assert_int_equal(4, in.spawns);
    assert_int_equal(4, in.exits);
}

typedef struct {
    chan_t *ch;
    mutex_t mu;
    ctx_t *ctx;
    wg_t wg;
} leftovers_t;

static void stuck_recv(void *p) { chan_recv(((leftovers_t *)p)->ch, NULL, NULL); }
static void stuck_lock(void *p) { mutex_lock(&((leftovers_t *)p)->mu); }
static void stuck_wg(void *p) { wg_wait(&((leftovers_t *)p)->wg); }

static void stuck_select(void *p) {
    leftovers_t *l = p;
    chan_case_t c[2] = {{l->ch, CHAN_SEND, NULL, false}, {ctx_done(l->ctx), CHAN_RECV, NULL, false}};
    chan_select(c, 2, false);
}

static void leftovers_body(void *p) {
    leftovers_t *l = p;
    chan_make(sizeof(int), 0, &l->ch);
    ctx_with_cancel(ctx_background(), &l->ctx);
    mutex_lock(&l->mu);
    wg_add(&l->wg, 1);
    task_spawn(stuck_recv, l, NULL);
    task_spawn(stuck_lock, l, NULL);
    task_spawn(stuck_wg, l, NULL);
    task_spawn(stuck_select, l, NULL);
}

static void test_objects_stay_usable_after_a_run_ends_in_deadlock(void **state) {
    (void)state;
    leftovers_t l = {0};
    rt_config_t cfg = {.seed = ug_seed(), .wait_all = true};
    assert_int_equal(-EDEADLK, rt_run(&cfg, leftovers_body, &l));
    /* The stuck tasks' waiters are gone: these touch no freed stack. */
    assert_int_equal(0, chan_close(l.ch));
    assert_int_equal(0, mutex_unlock(&l.mu));
    assert_false(l.mu.locked);
    assert_int_equal(0, wg_done(&l.wg));
    ctx_free(l.ctx);
    chan_free(l.ch);
}

/* ---- misuse and isolation ---- */

static void nested_body(void *p) {
    int *rc = p;
    *rc = rt_run(NULL, nested_body, p);
}

static void test_rt_run_inside_a_task_is_refused(void **state) {
    (void)state;
    int rc = 0;
    assert_int_equal(0, rt_run(NULL, nested_body, &rc));
    assert_int_equal(-EBUSY, rc);
    assert_int_equal(-EPERM, task_spawn(short_task, &rc, NULL));
    assert_int_equal(-EPERM, task_exit());
    assert_int_equal(-EINVAL, rt_run(NULL, NULL, NULL));
}

static void overflow(void *p) {
    (void)p;
    task_info_t ti;
    task_lookup(task_self(), &ti);
    volatile char *below = (char *)ti.stack_lo - 16;
    *below = 1;                       /* the guard page */
}

static void test_guard_page_stops_a_write_below_the_stack(void **state) {
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);     /* not the test harness's handler */
        rt_run(NULL, overflow, NULL);
        _exit(0);
    }
    int st;
    assert_int_equal(pid, waitpid(pid, &st, 0));
    /* Without ASan: SIGSEGV. With ASan: its SEGV report and exit 1. */
    assert_false(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void round_up_then_check(void *p) {
    int *r = p;
    fesetround(FE_UPWARD);
    task_yield();
    task_yield();
    r[0] = fegetround() == FE_UPWARD;
}

static void check_default_rounding(void *p) {
    int *r = p;
    task_yield();
    r[1] = fegetround() == FE_TONEAREST;
}

static void fpu_body(void *p) {
    task_spawn(round_up_then_check, p, NULL);
    task_spawn(check_default_rounding, p, NULL);
}

static void test_each_task_keeps_its_own_rounding_mode(void **state) {
    (void)state;
    int r[2] = {0, 0};
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .wait_all = true};
    assert_int_equal(0, rt_run(&cfg, fpu_body, r));
    assert_int_equal(1, r[0]);
    assert_int_equal(1, r[1]);
    assert_int_equal(FE_TONEAREST, fegetround());
}

/* ---- seeded stress against an oracle ---- */

enum { PRODUCERS = 6, CONSUMERS = 4, ITEMS = 300 };

typedef struct stress stress_t;

typedef struct {
    stress_t *s;
    int id;
} stress_arg_t;

struct stress {
    chan_t *work, *results;
    mutex_t mu;
    wg_t producers;
    long total, received_total;
    int per_producer[PRODUCERS];
    int received;
    stress_arg_t args[PRODUCERS];    /* here: producers outlive stress_body */
};

static void producer(void *p) {
    stress_arg_t *a = p;
    for (int i = 0; i < ITEMS; i++) {
        int v = a->id * ITEMS + i;
        chan_send(a->s->work, &v);
        if (ug_rand_below(4) == 0) task_yield();
        if (ug_rand_below(16) == 0) clock_sleep((int64_t)ug_rand_below(1000));
    }
    wg_done(&a->s->producers);
}

static void consumer(void *p) {
    stress_t *s = p;
    int v;
    bool ok;
    while (chan_recv(s->work, &v, &ok) == 0 && ok) {
        mutex_lock(&s->mu);
        s->total += v;
        s->per_producer[v / ITEMS]++;
        mutex_unlock(&s->mu);
        chan_send(s->results, &v);
    }
}

static void closer(void *p) {
    stress_t *s = p;
    wg_wait(&s->producers);
    chan_close(s->work);
}

static void stress_body(void *p) {
    stress_t *s = p;
    chan_make(sizeof(int), 3, &s->work);
    chan_make(sizeof(int), 0, &s->results);
    wg_add(&s->producers, PRODUCERS);
    for (int i = 0; i < PRODUCERS; i++) {
        s->args[i] = (stress_arg_t){s, i};
        task_spawn(producer, &s->args[i], NULL);
    }
    for (int i = 0; i < CONSUMERS; i++) task_spawn(consumer, s, NULL);
    task_spawn(closer, s, NULL);
    for (int i = 0; i < PRODUCERS * ITEMS; i++) {
        int v;
        chan_recv(s->results, &v, NULL);
        s->received_total += v;
        s->received++;
    }
}

static void test_seeded_stress_delivers_every_item_exactly_once(void **state) {
    (void)state;
    stress_t s = {0};
    assert_int_equal(0, run_seeded(stress_body, &s));
    long n = PRODUCERS * ITEMS;
    assert_int_equal(n * (n - 1) / 2, s.total);
    assert_int_equal(s.total, s.received_total);
    assert_int_equal(n, s.received);
    for (int i = 0; i < PRODUCERS; i++) assert_int_equal(ITEMS, s.per_producer[i]);
    chan_free(s.work);
    chan_free(s.results);
}

/* task_local: every task has its own slot, NULL at its start, kept across
 * switches; outside a run the thread has one slot of its own. */
typedef struct {
    int ntasks;
    long seen_null, kept;
} local_state_t;

static void local_worker(void *p)
{
    local_state_t *s = p;
    void **slot = task_local();
    s->seen_null += *slot == NULL;
    long mine = (long)task_self() * 7;
    *slot = (void *)mine;
    for (int i = 0; i < 3; i++)
        task_yield();
    s->kept += *task_local() == (void *)mine;
}

static void local_main(void *p)
{
    local_state_t *s = p;
    for (int i = 0; i < s->ntasks; i++)
        task_spawn(local_worker, s, NULL);
    local_worker(s);
    for (int i = 0; i < 10 * s->ntasks; i++)
        task_yield();
}

static void test_task_local_is_one_slot_per_task_kept_across_switches(void **state)
{
    (void)state;
    local_state_t s = {.ntasks = 2 + (int)ug_rand_below(6)};
    int outside = 0;
    *task_local() = &outside;
    rt_config_t cfg = {.sched = RT_SCHED_RANDOM, .seed = ug_seed(), .wait_all = true};
    assert_int_equal(0, rt_run(&cfg, local_main, &s));
    assert_int_equal(s.ntasks + 1, s.seen_null);
    assert_int_equal(s.ntasks + 1, s.kept);
    assert_ptr_equal(&outside, *task_local());
    *task_local() = NULL;
}

UG_TEST_GROUP(
    sched_rules, NULL, NULL, cmocka_unit_test(test_same_seed_replays_the_same_trace),
    cmocka_unit_test(test_different_seeds_give_different_traces),
    cmocka_unit_test(test_fifo_mode_round_robins_in_spawn_order),
    cmocka_unit_test(test_hundred_thousand_tasks_each_deliver_exactly_once),
    cmocka_unit_test(test_ten_thousand_tasks_blocked_at_once_all_wake_on_close),
    cmocka_unit_test(test_join_waits_for_the_task_and_refuses_itself),
    cmocka_unit_test(test_task_exit_ends_the_task_where_it_is_called),
    cmocka_unit_test(test_parked_task_runs_again_only_after_ready),
    cmocka_unit_test(test_deadlock_returns_edeadlk_and_reports_every_blocked_task),
    cmocka_unit_test(test_introspection_shows_state_object_site_and_stack_of_blocked_tasks),
    cmocka_unit_test(test_every_block_is_paired_with_an_unblock),
    cmocka_unit_test(test_objects_stay_usable_after_a_run_ends_in_deadlock),
    cmocka_unit_test(test_rt_run_inside_a_task_is_refused),
    cmocka_unit_test(test_guard_page_stops_a_write_below_the_stack),
    cmocka_unit_test(test_each_task_keeps_its_own_rounding_mode),
    cmocka_unit_test(test_seeded_stress_delivers_every_item_exactly_once),
    cmocka_unit_test(test_task_local_is_one_slot_per_task_kept_across_switches));
