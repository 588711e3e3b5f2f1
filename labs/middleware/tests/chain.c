/*
 * chain.c — tests of the handler chain: the order of the way in and the way
 * out, Abort and its index, the status once written, per-request keys.
 *
 * Chains are run directly with mw_ctx_run (no router) from seeded mixes of
 * handlers; the expected trace comes from a small model of Gin's Next loop.
 *
 * Interface: mw_ctx_init → mw_ctx_run → c.user's trace.
 */
#include <errno.h>

#include <undergo/labtest.h>

#include "mw_test.h"

/* What Gin's loop prints for steps[i..n): a NEXT step wraps the rest, a
 * PLAIN one precedes it, an ABORT ends it. *stopped tells an ABORT. */
static void model(const step_t *s, size_t i, size_t n, trace_t *t, int *stopped)
{
    for (; i < n && !*stopped; i++) {
        if (s[i].kind == STEP_PLAIN) {
            trace_add(t, "%d ", s[i].id);
        } else if (s[i].kind == STEP_ABORT) {
            trace_add(t, "!%d ", s[i].id);
            trace_add(t, "~%d ", s[i].id);
            *stopped = 1;
        } else {
            trace_add(t, ">%d ", s[i].id);
            model(s, i + 1, n, t, stopped);
            trace_add(t, "<%d ", s[i].id);
            return;
        }
    }
}

/* The exam's point: middlewares m1..mk each call Next; the handler last.
 * Code before Next runs in order m1..mk, code after it in order mk..m1. */
static void test_code_before_next_runs_on_the_way_in_and_after_it_on_the_way_out(void **state)
{
    (void)state;
    size_t k = 2 + ug_rand_below(6);
    int base = (int)ug_rand_below(1000); /* seeded names, so a trace is this run's */
    step_t s[8];
    mw_handler_t h[8];
    for (size_t i = 0; i <= k; i++) {
        s[i] = (step_t){i < k ? STEP_NEXT : STEP_PLAIN, base + (int)i + 1};
        h[i] = step_h(&s[i]);
    }
    trace_t want, got;
    trace_reset(&want);
    for (size_t i = 1; i <= k; i++)
        trace_add(&want, ">%d ", base + (int)i);
    trace_add(&want, "%d ", base + (int)k + 1);
    for (size_t i = k; i >= 1; i--)
        trace_add(&want, "<%d ", base + (int)i);

    mw_ctx_t c;
    trace_reset(&got);
    mw_ctx_init(&c, &got);
    assert_int_equal(0, mw_ctx_run(&c, h, k + 1));
    assert_string_equal(want.buf, got.buf);
    assert_false(mw_is_aborted(&c));
}

/* A handler that never calls Next still lets the rest run, after it
 * returns; seeded mixes of NEXT and PLAIN handlers match the model. */
static void test_a_handler_without_next_lets_the_rest_run_after_it_returns(void **state)
{
    (void)state;
    step_t s[12];
    mw_handler_t h[12];
    size_t n = 3 + ug_rand_below(10);
    for (size_t i = 0; i < n; i++) {
        s[i] = (step_t){ug_rand_below(2) ? STEP_NEXT : STEP_PLAIN, (int)i + 1};
        h[i] = step_h(&s[i]);
    }
    trace_t want, got;
    int stopped = 0;
    trace_reset(&want);
    model(s, 0, n, &want, &stopped);

    mw_ctx_t c;
    trace_reset(&got);
    mw_ctx_init(&c, &got);
    assert_int_equal(0, mw_ctx_run(&c, h, n));
    assert_string_equal(want.buf, got.buf);
    assert_false(mw_is_aborted(&c));
}

/* Abort in the middle: the later handlers never run, the aborting handler
 * finishes its own code, and the earlier ones still run their way out. */
static void test_abort_stops_later_handlers_but_not_the_current_one_nor_the_way_out(void **state)
{
    (void)state;
    step_t s[10];
    mw_handler_t h[10];
    size_t n = 4 + ug_rand_below(6), at = 1 + ug_rand_below(n - 2);
    for (size_t i = 0; i < n; i++) {
        step_kind_t k = i == at ? STEP_ABORT : ug_rand_below(3) ? STEP_NEXT : STEP_PLAIN;
        s[i] = (step_t){k, (int)i + 1};
        h[i] = step_h(&s[i]);
    }
    trace_t want, got;
    int stopped = 0;
    trace_reset(&want);
    model(s, 0, n, &want, &stopped);

    mw_ctx_t c;
    trace_reset(&got);
    mw_ctx_init(&c, &got);
    assert_int_equal(0, mw_ctx_run(&c, h, n));
    assert_string_equal(want.buf, got.buf);
    assert_true(mw_is_aborted(&c));
    assert_int_equal(200, c.status);
}

static int index_after_abort;
static void abort_with(mw_ctx_t *c, void *arg)
{
    mw_abort_with_status(c, *(int *)arg);
    index_after_abort = c->index;
}

static int late_rc;
/* On the way out, tries to change the status after it was written. */
static void late_status(mw_ctx_t *c, void *arg)
{
    (void)arg;
    mw_next(c);
    late_rc = mw_status(c, 500);
}

/* AbortWithStatus writes the status: a later mw_status cannot change it.
 * The index jumps to 63 (math.MaxInt8 >> 1), past any chain; the loops of
 * the handlers still unwinding may step it further, which is why 63 leaves
 * room below 127. */
static void test_abort_with_status_writes_the_status_and_moves_the_index_to_63(void **state)
{
    (void)state;
    static const int codes[] = {401, 403, 429, 451};
    int code = codes[ug_rand_below(4)];
    step_t never = {STEP_PLAIN, 9};
    mw_handler_t h[] = {{late_status, NULL}, {abort_with, &code}, step_h(&never)};
    trace_t got;
    trace_reset(&got);
    mw_ctx_t c;
    mw_ctx_init(&c, &got);
    late_rc = 0;
    index_after_abort = 0;
    assert_int_equal(0, mw_ctx_run(&c, h, 3));
    assert_int_equal(code, c.status);
    assert_int_equal(-EALREADY, late_rc);
    assert_string_equal("", got.buf);
    assert_int_equal(MW_ABORT_INDEX, index_after_abort);
    assert_true(mw_is_aborted(&c));

    mw_ctx_init(&c, &got);
    assert_false(mw_is_aborted(&c));
    assert_int_equal(0, mw_status(&c, code));
    assert_int_equal(0, mw_status(&c, 200 + code % 7));
    assert_int_equal(200 + code % 7, c.status);
}

static int counted;
static void count(mw_ctx_t *c, void *arg)
{
    (void)c, (void)arg;
    counted++;
}

/* 62 handlers run, every one of them; 63 or more are refused with -E2BIG
 * (where Gin panics "too many handlers") and none runs. */
static void test_a_chain_holds_62_handlers_and_63_are_refused(void **state)
{
    (void)state;
    mw_handler_t h[80];
    for (size_t i = 0; i < 80; i++)
        h[i] = (mw_handler_t){count, NULL};
    mw_ctx_t c;
    mw_ctx_init(&c, NULL);
    size_t fit = 1 + ug_rand_below(MW_ABORT_INDEX - 1);
    counted = 0;
    assert_int_equal(0, mw_ctx_run(&c, h, fit));
    assert_int_equal((int)fit, counted);
    counted = 0;
    assert_int_equal(0, mw_ctx_run(&c, h, MW_ABORT_INDEX - 1));
    assert_int_equal(MW_ABORT_INDEX - 1, counted);
    counted = 0;
    assert_int_equal(-E2BIG, mw_ctx_run(&c, h, MW_ABORT_INDEX));
    assert_int_equal(-E2BIG, mw_ctx_run(&c, h, MW_ABORT_INDEX + 1 + ug_rand_below(16)));
    assert_int_equal(0, counted);
    assert_int_equal(-EINVAL, mw_ctx_run(&c, h, 0));
}

typedef struct keyed {
    const char *key;
    long value;
} keyed_t;

static void set_key(mw_ctx_t *c, void *arg)
{
    keyed_t *k = arg;
    mw_set(c, k->key, &k->value);
    mw_next(c);
}

static long seen;
static int seen_rc, missing_rc;
static void read_keys(mw_ctx_t *c, void *arg)
{
    void *v = NULL;
    seen_rc = mw_get(c, arg, &v);
    seen = v ? *(long *)v : -1;
    missing_rc = mw_get(c, "missing", &v);
}

/* A middleware's Set is the later handler's Get; setting a key again
 * replaces its value; a key never set is -ENOENT; a new request has none. */
static void test_keys_set_by_a_middleware_are_seen_by_later_handlers(void **state)
{
    (void)state;
    keyed_t a = {"user", (long)ug_rand_below(100000)}, b = {"user", (long)ug_rand_below(1000)};
    mw_handler_t h[] = {{set_key, &a}, {set_key, &b}, {read_keys, "user"}};
    mw_ctx_t c;
    mw_ctx_init(&c, NULL);
    assert_int_equal(0, mw_ctx_run(&c, h, 3));
    assert_int_equal(0, seen_rc);
    assert_int_equal(b.value, seen);
    assert_int_equal(-ENOENT, missing_rc);

    mw_ctx_init(&c, NULL);
    void *v = &a;
    assert_int_equal(-ENOENT, mw_get(&c, "user", &v));
    assert_null(v);

    char key[MW_KEY_MAX + 8];
    int full = 0;
    for (int i = 0; i < MW_MAX_KEYS; i++) {
        snprintf(key, sizeof key, "k%d-%u", i, (unsigned)ug_rand_below(100));
        full += mw_set(&c, key, NULL) == 0;
    }
    assert_int_equal(MW_MAX_KEYS, full);
    assert_int_equal(-ENOSPC, mw_set(&c, "one-too-many", NULL));
    memset(key, 'x', MW_KEY_MAX);
    key[MW_KEY_MAX] = '\0';
    assert_int_equal(-ENAMETOOLONG, mw_set(&c, key, NULL));
}

UG_TEST_GROUP(
    chain, NULL, NULL,
    cmocka_unit_test(test_code_before_next_runs_on_the_way_in_and_after_it_on_the_way_out),
    cmocka_unit_test(test_a_handler_without_next_lets_the_rest_run_after_it_returns),
    cmocka_unit_test(test_abort_stops_later_handlers_but_not_the_current_one_nor_the_way_out),
    cmocka_unit_test(test_abort_with_status_writes_the_status_and_moves_the_index_to_63),
    cmocka_unit_test(test_a_chain_holds_62_handlers_and_63_are_refused),
    cmocka_unit_test(test_keys_set_by_a_middleware_are_seen_by_later_handlers));
