/*
 * fatal.c — panics nobody recovers end the process as Go's do: the chain
 * of panics (oldest first, "[recovered]" on one a deferred call recovered
 * before panicking again), the task's stack, exit status 2; and a panic
 * raised by a deferred call while panicking replaces the older one.
 */
#include "rcv_test.h"

static char value_a[32], value_b[32];
static int deferred_ran;

// clang-format off
static void leaf(void *p) { (void)p; rcv_panic(value_a); } static const char site_leaf[] = __FILE__ ":" XSTR(__LINE__);
// clang-format on

// clang-format off
static void mid(void *p) { rcv_call(leaf, p); } static const char site_mid[] = __FILE__ ":" XSTR(__LINE__);
// clang-format on

static void count(void *p)
{
    (void)p;
    deferred_ran++;
    fprintf(stderr, "deferred ran\n");
}

// clang-format off
static void top(void *p) { rcv_defer(count, p); rcv_call(mid, p); } static const char site_top[] = __FILE__ ":" XSTR(__LINE__);
// clang-format on

// clang-format off
static void child_unrecovered(void *p) { rcv_call(top, p); } static const char site_child[] = __FILE__ ":" XSTR(__LINE__);
// clang-format on

__attribute__((unused)) static const char *expected_report(char *buf, size_t cap)
{
    snprintf(buf, cap,
             "deferred ran\npanic: %s\n\ngoroutine 1 [running]:\n"
             "leaf()\n\t%s\nmid()\n\t%s\ntop()\n\t%s\n",
             value_a, site_leaf, site_mid, site_top);
    return buf;
}

static void test_an_unrecovered_panic_runs_the_defers_prints_go_s_report_and_exits_2(void **state)
{
    (void)state;
    snprintf(value_a, sizeof value_a, "boom %u", (unsigned)ug_rand_below(100000));
    char out[4096], want[4096];
    assert_int_equal(2, run_child(child_unrecovered, NULL, out, sizeof out));
    assert_string_equal(expected_report(want, sizeof want), out);
    (void)site_child;
}

static void panic_b(void *p)
{
    (void)p;
    rcv_panic(value_b);
}

static void nested(void *p)
{
    rcv_defer(panic_b, p);
    rcv_panic(value_a);
}

static void child_nested(void *p)
{
    rcv_call(nested, p);
}

static void test_a_panic_in_a_deferred_call_while_panicking_prints_both_panics(void **state)
{
    (void)state;
    snprintf(value_a, sizeof value_a, "A%u", (unsigned)ug_rand_below(1000));
    snprintf(value_b, sizeof value_b, "B%u", (unsigned)ug_rand_below(1000));
    char out[4096], head[256], want[256];
    assert_int_equal(2, run_child(child_nested, NULL, out, sizeof out));
    snprintf(want, sizeof want, "panic: %s\n\tpanic: %s\n\ngoroutine 1 [running]:\npanic_b()\n",
             value_a, value_b);
    assert_string_equal(want, first_lines(out, 5, head, sizeof head));
}

static void repanic(void *p)
{
    (void)p;
    const char *r = rcv_recover();
    rcv_panic(r);
}

static void repanics(void *p)
{
    rcv_defer(repanic, p);
    rcv_panic(value_a);
}

static void child_repanic(void *p)
{
    rcv_call(repanics, p);
}

static void test_re_panicking_a_recovered_value_prints_the_first_as_recovered(void **state)
{
    (void)state;
    snprintf(value_a, sizeof value_a, "A%u", (unsigned)ug_rand_below(1000));
    char out[4096], head[256], want[256];
    assert_int_equal(2, run_child(child_repanic, NULL, out, sizeof out));
    snprintf(want, sizeof want, "panic: %s [recovered]\n\tpanic: %s\n", value_a, value_a);
    assert_string_equal(want, first_lines(out, 2, head, sizeof head));
}

/* Recovered in-process: the outer defer gets the newest panic, B, and the
 * defers A had not run yet still run, for B. */
typedef struct {
    trace_t t;
} chain_t;

static void rec_outer(void *p)
{
    const char *r = rcv_recover();
    trace_add(&((chain_t *)p)->t, "recovered=%s ", r ? r : "nil");
}

static void mark(void *p)
{
    trace_add(&((chain_t *)p)->t, "mark ");
}

static void chain_body(void *p)
{
    rcv_defer(rec_outer, p);
    rcv_defer(mark, p);
    rcv_defer(panic_b, p);
    rcv_panic(value_a);
}

static void
test_a_panic_in_a_deferred_call_replaces_the_older_and_the_remaining_defers_still_run(void **state)
{
    (void)state;
    snprintf(value_a, sizeof value_a, "A%u", (unsigned)ug_rand_below(1000));
    snprintf(value_b, sizeof value_b, "B%u", (unsigned)ug_rand_below(1000));
    chain_t c = {0};
    assert_int_equal(1, rcv_call(chain_body, &c));
    char want[128];
    snprintf(want, sizeof want, "mark recovered=%s ", value_b);
    assert_string_equal(want, c.t.buf);
    assert_null(rcv_recover());
}

/* A panic started inside a deferred call and recovered there leaves the
 * older panic running: the outer defers still see it. */
static void inner_recovers(void *p)
{
    rec_outer(p);
}

static void inner_panics(void *p)
{
    rcv_defer(inner_recovers, p);
    rcv_panic(value_b);
}

static void deferred_calls_inner(void *p)
{
    rcv_call(inner_panics, p);
    trace_add(&((chain_t *)p)->t, "deferred-goes-on ");
}

static void older_survives(void *p)
{
    rcv_defer(rec_outer, p);
    rcv_defer(deferred_calls_inner, p);
    rcv_panic(value_a);
}

static void
test_recovering_a_newer_panic_inside_a_deferred_call_keeps_the_older_one_panicking(void **state)
{
    (void)state;
    snprintf(value_a, sizeof value_a, "A%u", (unsigned)ug_rand_below(1000));
    snprintf(value_b, sizeof value_b, "B%u", (unsigned)ug_rand_below(1000));
    chain_t c = {0};
    assert_int_equal(1, rcv_call(older_survives, &c));
    char want[128];
    snprintf(want, sizeof want, "recovered=%s deferred-goes-on recovered=%s ", value_b, value_a);
    assert_string_equal(want, c.t.buf);
}

/* In a spawned task: its goroutine id and "created by". */
static unsigned idle_tasks;
static void idle(void *p)
{
    (void)p;
}
// clang-format off
static void task_panics(void *p) { (void)p; rcv_panic(value_a); } static const char site_task_panic[] = __FILE__ ":" XSTR(__LINE__);
// clang-format on
static void task_body(void *p)
{
    rcv_call(task_panics, p);
}
// clang-format off
static const int spawn_line = __LINE__; static void task_main(void *p) { for (unsigned i = 0; i < idle_tasks; i++) task_spawn(idle, NULL, NULL); uint64_t id; task_spawn(task_body, p, &id); task_join(id); }
// clang-format on

static void child_task(void *p)
{
    rt_config_t cfg = {.sched = RT_SCHED_FIFO, .seed = ug_seed()};
    rt_run(&cfg, task_main, p);
}

static void test_an_unrecovered_panic_in_a_task_names_its_goroutine_and_creator(void **state)
{
    (void)state;
    idle_tasks = (unsigned)ug_rand_below(5);
    snprintf(value_a, sizeof value_a, "T%u", (unsigned)ug_rand_below(1000));
    char out[4096], want[1024];
    assert_int_equal(2, run_child(child_task, NULL, out, sizeof out));
    char spawn_line_s[64];
    snprintf(spawn_line_s, sizeof spawn_line_s, "%d", spawn_line);
    snprintf(want, sizeof want,
             "panic: %s\n\ngoroutine %u [running]:\ntask_panics()\n\t%s\n"
             "created by task_main\n\t%s:%s\n",
             value_a, idle_tasks + 2, site_task_panic, __FILE__, spawn_line_s);
    assert_string_equal(want, out);
}

UG_TEST_GROUP(
    recovery_fatal, NULL, NULL,
    cmocka_unit_test(test_an_unrecovered_panic_runs_the_defers_prints_go_s_report_and_exits_2),
    cmocka_unit_test(test_a_panic_in_a_deferred_call_while_panicking_prints_both_panics),
    cmocka_unit_test(test_re_panicking_a_recovered_value_prints_the_first_as_recovered),
    cmocka_unit_test(
        test_a_panic_in_a_deferred_call_replaces_the_older_and_the_remaining_defers_still_run),
    cmocka_unit_test(
        test_recovering_a_newer_panic_inside_a_deferred_call_keeps_the_older_one_panicking),
    cmocka_unit_test(test_an_unrecovered_panic_in_a_task_names_its_goroutine_and_creator));
