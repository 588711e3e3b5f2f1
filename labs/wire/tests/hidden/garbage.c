/*
 * garbage.c — seeded random bytes and mutated valid messages thrown at
 * wt_decode: it never crashes, and whatever it accepts re-encodes to
 * bytes that decode again to the same encoding (a fixed point).
 */
#include <stdlib.h>

#include "../wt_test.h"

static void test_seeded_garbage_never_crashes_and_reencodes_what_it_accepted(void **state)
{
    (void)state;
    size_t accepted = 0, unstable = 0, errors = 0;
    uint8_t seed_msg[] = {0x08, 0x96, 0x01, 0x7a, 0x02, 'h',  'i',  0x8a, 0x01,
                          0x02, 0x08, 0x05, 0x92, 0x01, 0x03, 0x01, 0x02, 0x03,
                          0x4d, 1,    2,    3,    4,    0xa8, 0x1f, 0x07};
    for (int k = 0; k < 2000; k++) {
        uint8_t buf[64], out[256], again[256];
        size_t n;
        if (k & 1) {
            n = ug_rand_below(sizeof buf);
            for (size_t i = 0; i < n; i++)
                buf[i] = (uint8_t)ug_rand();
        } else {
            n = sizeof seed_msg;
            memcpy(buf, seed_msg, n);
            buf[ug_rand_below(n)] ^= (uint8_t)(1u << ug_rand_below(8));
            n -= ug_rand_below(3);
        }
        int rc;
        wt_msg_t *m = wt_t_decode(&wt_schema_all, buf, n, &rc);
        if (rc == 0) {
            accepted++;
            long a = wt_t_encode(m, out, sizeof out);
            wt_msg_t *m2 = wt_t_decode(&wt_schema_all, out, a > 0 ? (size_t)a : 0, &rc);
            long b = rc == 0 ? wt_t_encode(m2, again, sizeof again) : -1;
            unstable += a < 0 || a != b || memcmp(out, again, (size_t)(a > 0 ? a : 0)) != 0;
            wt_msg_free(m2);
        } else {
            errors += rc > -1001 || rc < -1012;
        }
        wt_msg_free(m);
    }
    assert_int_equal(0, unstable);
    assert_int_equal(0, errors);
    assert_true(accepted > 0);
    WT_CHECK_CONTROL();
    /* The unmutated message is accepted and is its own fixed point. */
    int rc;
    wt_msg_t *m = wt_t_decode(&wt_schema_all, seed_msg, sizeof seed_msg, &rc);
    assert_int_equal(0, rc);
    assert_int_equal(sizeof seed_msg, wt_size(m));
    wt_msg_free(m);
}

UG_TEST_GROUP(wire_hidden, NULL, NULL,
              cmocka_unit_test(test_seeded_garbage_never_crashes_and_reencodes_what_it_accepted));
