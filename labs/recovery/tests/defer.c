/*
 * defer.c — deferred calls run last-in first-out, at return and while a
 * panic passes; recover stops a panic only from a deferred call the panic
 * runs, once; the recovering function returns normally to its caller.
 */
#include <errno.h>

#include "rcv_test.h"

typedef struct {
    trace_t t;
    int n, depth;
    char value[32];
    const char *got;
} st_t;

typedef struct {
    st_t *s;
    int i;
} item_t;

static item_t items[256];

static void note(void *p)
{
    item_t *it = p;
    trace_add(&it->s->t, "d%d ", it->i);
}

static void defer_n(st_t *s, int base, int n)
{
    for (int i = 0; i < n; i++) {
        items[base + i] = (item_t){s, base + i};
        rcv_defer(note, &items[base + i]);
    }
}

static void returns(void *p)
{
    st_t *s = p;
    defer_n(s, 0, s->n);
    trace_add(&s->t, "body ");
}

static void test_deferred_calls_run_last_in_first_out_when_the_function_returns(void **state)
{
    (void)state;
    st_t s = {.n = 1 + (int)ug_rand_below(60)};
    assert_int_equal(0, rcv_call(returns, &s));
    char want[1024] = "body ";
    for (int i = s.n - 1; i >= 0; i--)
        snprintf(want + strlen(want), sizeof want - strlen(want), "d%d ", i);
    assert_string_equal(want, s.t.buf);
}

static void recover_note(void *p)
{
    st_t *s = p;
    s->got = rcv_recover();
    trace_add(&s->t, "recover=%s ", s->got ? s->got : "nil");
}

static void nest(void *p)
{
    st_t *s = p;
    int level = s->depth--;
    defer_n(s, level * 2, 2);
    if (s->depth == 0)
        rcv_panic(s->value);
    rcv_call(nest, s);
    trace_add(&s->t, "after%d ", level);
}

static void outer(void *p)
{
    st_t *s = p;
    rcv_defer(recover_note, s);
    rcv_call(nest, s);
    trace_add(&s->t, "unreached ");
}

static void test_a_panic_runs_every_frames_defers_innermost_first_until_one_recovers(void **state)
{
    (void)state;
    st_t s = {.depth = 1 + (int)ug_rand_below(6)};
    int depth = s.depth;
    snprintf(s.value, sizeof s.value, "boom-%u", (unsigned)ug_rand_below(1000));
    assert_int_equal(1, rcv_call(outer, &s));
    char want[512] = "";
    for (int level = 1; level <= depth; level++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "d%d d%d ", level * 2 + 1,
                 level * 2);
    snprintf(want + strlen(want), sizeof want - strlen(want), "recover=%s ", s.value);
    assert_string_equal(want, s.t.buf);
    assert_string_equal(s.value, s.got);
}

static void recovers_midway(void *p)
{
    st_t *s = p;
    defer_n(s, 0, 1); /* deferred first: runs after the recovery */
    rcv_defer(recover_note, s);
    defer_n(s, 1, 1);
    rcv_panic(s->value);
}

static void caller(void *p)
{
    st_t *s = p;
    int rc = rcv_call(recovers_midway, s);
    trace_add(&s->t, "caller-continues rc=%d ", rc);
}

static void
test_the_recovering_function_runs_its_remaining_defers_and_returns_to_its_caller(void **state)
{
    (void)state;
    st_t s = {0};
    snprintf(s.value, sizeof s.value, "v%u", (unsigned)ug_rand_below(1000));
    assert_int_equal(0, rcv_call(caller, &s));
    char want[256];
    snprintf(want, sizeof want, "d1 recover=%s d0 caller-continues rc=1 ", s.value);
    assert_string_equal(want, s.t.buf);
}

static void plain_recover(void *p)
{
    st_t *s = p;
    rcv_defer(recover_note, s); /* run by a normal return: nil */
    s->got = rcv_recover();     /* no panic: nil */
    trace_add(&s->t, "body=%s ", s->got ? s->got : "nil");
}

static void test_recover_without_a_panic_returns_nil(void **state)
{
    (void)state;
    st_t s = {0};
    int reps = 1 + (int)ug_rand_below(20);
    for (int i = 0; i < reps; i++)
        rcv_call(plain_recover, &s);
    char want[1024] = "";
    for (int i = 0; i < reps; i++)
        strcat(want, "body=nil recover=nil ");
    assert_string_equal(want, s.t.buf);
}

static void helper_recovers(void *p)
{
    recover_note(p);
}

static void indirect_then_direct(void *p)
{
    st_t *s = p;
    rcv_call(helper_recovers, s); /* not called directly by the deferred call */
    recover_note(s);              /* direct: stops the panic */
    recover_note(s);              /* a second recover: nil */
}

static void panics_once(void *p)
{
    st_t *s = p;
    rcv_defer(indirect_then_direct, s);
    rcv_panic(s->value);
}

static void
test_recover_works_only_when_called_directly_by_the_deferred_call_and_only_once(void **state)
{
    (void)state;
    st_t s = {0};
    snprintf(s.value, sizeof s.value, "x%u", (unsigned)ug_rand_below(1000));
    assert_int_equal(1, rcv_call(panics_once, &s));
    char want[256];
    snprintf(want, sizeof want, "recover=nil recover=%s recover=nil ", s.value);
    assert_string_equal(want, s.t.buf);
}

static void normal_inner(void *p)
{
    st_t *s = p;
    rcv_defer(recover_note, s); /* runs at normal_inner's return: nil */
}

static void deferred_with_inner_call(void *p)
{
    st_t *s = p;
    rcv_call(normal_inner, s);
    recover_note(s);
}

static void panics_to_inner(void *p)
{
    st_t *s = p;
    rcv_defer(deferred_with_inner_call, s);
    rcv_panic(s->value);
}

static void
test_a_defer_run_by_a_normal_return_inside_a_panicking_defer_cannot_recover(void **state)
{
    (void)state;
    st_t s = {0};
    snprintf(s.value, sizeof s.value, "y%u", (unsigned)ug_rand_below(1000));
    assert_int_equal(1, rcv_call(panics_to_inner, &s));
    char want[256];
    snprintf(want, sizeof want, "recover=nil recover=%s ", s.value);
    assert_string_equal(want, s.t.buf);
}

static void test_defer_outside_any_call_is_refused(void **state)
{
    (void)state;
    st_t s = {0};
    s.n = 1 + (int)ug_rand_below(100);
    assert_int_equal(-EPERM, rcv_defer(note, &items[0]));
    assert_int_equal(0, rcv_call(returns, &s));           /* inside a call: accepted */
    assert_int_equal(-EPERM, rcv_defer(note, &items[0])); /* and refused after it */
    char want[1024] = "body ";
    for (int i = s.n - 1; i >= 0; i--)
        snprintf(want + strlen(want), sizeof want - strlen(want), "d%d ", i);
    assert_string_equal(want, s.t.buf);
}

UG_TEST_GROUP(
    recovery_defer, NULL, NULL,
    cmocka_unit_test(test_deferred_calls_run_last_in_first_out_when_the_function_returns),
    cmocka_unit_test(test_a_panic_runs_every_frames_defers_innermost_first_until_one_recovers),
    cmocka_unit_test(
        test_the_recovering_function_runs_its_remaining_defers_and_returns_to_its_caller),
    cmocka_unit_test(test_recover_without_a_panic_returns_nil),
    cmocka_unit_test(
        test_recover_works_only_when_called_directly_by_the_deferred_call_and_only_once),
    cmocka_unit_test(test_a_defer_run_by_a_normal_return_inside_a_panicking_defer_cannot_recover),
    cmocka_unit_test(test_defer_outside_any_call_is_refused));
