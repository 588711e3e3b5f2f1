/*
 * queue.c — client-go's work queue rules at exact virtual instants:
 * deduplication, a key dirtied while processing, add-after, the default
 * controller rate limiter (exponential per key, token bucket for all) and
 * Forget.
 *
 * The clock is an int64_t the test moves; nothing else moves it.
 *
 * Interface: crd_queue_new(&clock) → add / get / done / add_after /
 * add_rate_limited / when / forget.
 */
#include <errno.h>
#include <stdlib.h>

#include "crd_test.h"

#define MS 1000000LL
#define S 1000000000LL

/* Every ready key, in order, each taken and done at once. */
static const char *drain(crd_queue_t *q, char *buf, size_t n)
{
    char key[CRD_KEY_MAX];
    buf[0] = '\0';
    while (crd_queue_get(q, key) == 0) {
        strncat(buf, key, n - strlen(buf) - 2);
        strcat(buf, " ");
        crd_queue_done(q, key);
    }
    return buf;
}

static void test_the_queue_keeps_one_copy_of_a_key_in_first_added_order(void **state)
{
    (void)state;
    int64_t clock = 0;
    crd_queue_t *q = crd_queue_new(&clock);
    int n = 3 + (int)ug_rand_below(4); /* 7 is a multiple of no n: the order is a permutation */
    char key[CRD_KEY_MAX], want[256] = "", buf[256];
    for (int round = 0; round < 3; round++)
        for (int k = 0; k < n; k++) {
            snprintf(key, sizeof key, "ns/k%d", (k * 7 + 3) % n);
            crd_queue_add(q, key);
        }
    for (int k = 0; k < n; k++) {
        snprintf(key, sizeof key, "ns/k%d ", (k * 7 + 3) % n);
        strcat(want, key);
    }
    assert_int_equal(n, crd_queue_len(q));
    assert_string_equal(want, drain(q, buf, sizeof buf));
    assert_int_equal(-EAGAIN, crd_queue_get(q, key));
    crd_queue_free(q);
}

static void test_a_key_added_while_processing_comes_back_once_after_done(void **state)
{
    (void)state;
    int64_t clock = 0;
    crd_queue_t *q = crd_queue_new(&clock);
    char key[CRD_KEY_MAX], buf[128];
    crd_queue_add(q, "a");
    crd_queue_add(q, "b");
    assert_int_equal(0, crd_queue_get(q, key));
    assert_string_equal("a", key);
    int adds = 1 + (int)ug_rand_below(5);
    for (int k = 0; k < adds; k++)
        crd_queue_add(q, "a"); /* dirty, not queued: a worker holds it */
    char extra[16];
    snprintf(extra, sizeof extra, "e%d", adds);
    crd_queue_add(q, extra);
    assert_int_equal(2, crd_queue_len(q));
    assert_int_equal(0, crd_queue_get(q, key));
    assert_string_equal("b", key);
    crd_queue_done(q, "b");
    assert_int_equal(0, crd_queue_get(q, key));
    assert_string_equal(extra, key);
    crd_queue_done(q, extra);
    assert_int_equal(-EAGAIN, crd_queue_get(q, key)); /* "a" is not handed to a second worker */
    crd_queue_done(q, "a");
    assert_string_equal("a ", drain(q, buf, sizeof buf));
    /* done without an add meanwhile: gone for good */
    crd_queue_add(q, "c");
    assert_int_equal(0, crd_queue_get(q, key));
    crd_queue_done(q, "c");
    assert_int_equal(0, crd_queue_len(q));
    crd_queue_free(q);
}

static void test_add_after_fires_at_its_instant_and_keeps_the_earliest(void **state)
{
    (void)state;
    int64_t clock = (int64_t)ug_rand_below(1000) * S;
    int64_t t0 = clock;
    crd_queue_t *q = crd_queue_new(&clock);
    char buf[128];
    int64_t d = (int64_t)(10 + ug_rand_below(90)) * MS;
    crd_queue_add_after(q, "x", 2 * d);
    crd_queue_add_after(q, "x", d);     /* earlier: wins */
    crd_queue_add_after(q, "x", 3 * d); /* later: ignored */
    crd_queue_add_after(q, "y", 2 * d);
    crd_queue_add_after(q, "now", 0); /* no delay: ready at once */
    assert_string_equal("now ", drain(q, buf, sizeof buf));
    assert_int_equal(t0 + d, crd_queue_next_ready(q));
    clock = t0 + d - 1;
    assert_int_equal(0, crd_queue_len(q));
    clock = t0 + d;
    assert_string_equal("x ", drain(q, buf, sizeof buf));
    clock = t0 + 2 * d - 1;
    assert_int_equal(0, crd_queue_len(q));
    clock = t0 + 2 * d;
    assert_string_equal("y ", drain(q, buf, sizeof buf));
    clock = t0 + 10 * d;
    assert_int_equal(-1, crd_queue_next_ready(q)); /* the later 3d was folded into d */
    assert_string_equal("", drain(q, buf, sizeof buf));
    crd_queue_free(q);
}

static void test_the_rate_limiter_doubles_per_key_from_5ms_and_forget_starts_over(void **state)
{
    (void)state;
    int64_t clock = 0;
    crd_queue_t *q = crd_queue_new(&clock);
    int n = 4 + (int)ug_rand_below(8);
    char got[512] = "", want[512] = "", one[32];
    for (int k = 0; k < n; k++) {
        clock += 200 * MS; /* the bucket refills: only the exponential part shows */
        snprintf(one, sizeof one, "%lld ", (long long)crd_queue_when(q, "a"));
        strcat(got, one);
        snprintf(one, sizeof one, "%lld ", (long long)(5 * MS) << k);
        strcat(want, one);
    }
    assert_string_equal(want, got);
    assert_int_equal(n, crd_queue_requeues(q, "a"));
    assert_int_equal(5 * MS, crd_queue_when(q, "b")); /* per key */
    crd_queue_forget(q, "a");
    assert_int_equal(0, crd_queue_requeues(q, "a"));
    assert_int_equal(5 * MS, crd_queue_when(q, "a"));
    /* add_rate_limited puts the key back exactly that much later */
    clock += 200 * MS;
    int64_t at = clock + 10 * MS; /* "a" has failed once since Forget */
    crd_queue_add_rate_limited(q, "a");
    assert_int_equal(at, crd_queue_next_ready(q));
    clock = at - 1;
    assert_int_equal(0, crd_queue_len(q));
    clock = at;
    assert_int_equal(1, crd_queue_len(q));
    crd_queue_free(q);
}

static void test_backoff_is_capped_at_1000_seconds(void **state)
{
    (void)state;
    int64_t clock = 0;
    crd_queue_t *q = crd_queue_new(&clock);
    int n = 30 + (int)ug_rand_below(40);
    int64_t last = 0;
    for (int k = 0; k < n; k++) {
        clock += S;
        last = crd_queue_when(q, "k");
    }
    assert_int_equal(1000 * S, last);
    assert_int_equal(n, crd_queue_requeues(q, "k"));
    /* 5 ms · 2^17 = 655.36 s is still below the cap */
    crd_queue_forget(q, "k");
    for (int k = 0; k <= 17; k++) {
        clock += S;
        last = crd_queue_when(q, "k");
    }
    assert_int_equal(655360 * MS, last);
    crd_queue_free(q);
}

static void test_the_token_bucket_allows_a_burst_of_100_then_10_per_second(void **state)
{
    (void)state;
    int64_t clock = (int64_t)(1 + ug_rand_below(100)) * S;
    crd_queue_t *q = crd_queue_new(&clock);
    char key[16];
    int free_ = 0;
    for (int k = 0; k < 100; k++) { /* 100 distinct keys at one instant */
        snprintf(key, sizeof key, "b%d", k);
        free_ += crd_queue_when(q, key) == 5 * MS;
    }
    assert_int_equal(100, free_);
    int extra = 1 + (int)ug_rand_below(20);
    int64_t last = 0;
    for (int k = 0; k < extra; k++) {
        snprintf(key, sizeof key, "c%d", k);
        last = crd_queue_when(q, key);
    }
    assert_int_equal(extra * 100 * MS, last); /* the n-th over the burst waits n/10 s */
    /* time refills the bucket at 10 per second */
    clock += (int64_t)extra * 100 * MS + 300 * MS;
    int64_t a = crd_queue_when(q, "d1"), b = crd_queue_when(q, "d2"), c = crd_queue_when(q, "d3"),
            d = crd_queue_when(q, "d4");
    assert_int_equal(5 * MS, a);
    assert_int_equal(5 * MS, b);
    assert_int_equal(5 * MS, c);
    assert_int_equal(100 * MS, d);
    crd_queue_free(q);
}

UG_TEST_GROUP(
    queue, NULL, NULL,
    cmocka_unit_test(test_the_queue_keeps_one_copy_of_a_key_in_first_added_order),
    cmocka_unit_test(test_a_key_added_while_processing_comes_back_once_after_done),
    cmocka_unit_test(test_add_after_fires_at_its_instant_and_keeps_the_earliest),
    cmocka_unit_test(test_the_rate_limiter_doubles_per_key_from_5ms_and_forget_starts_over),
    cmocka_unit_test(test_backoff_is_capped_at_1000_seconds),
    cmocka_unit_test(test_the_token_bucket_allows_a_burst_of_100_then_10_per_second));
