/*
 * bench_test.h — helpers shared by the bench tests: a double comparison
 * (cmocka 1.1.5 only compares floats) and reading a child's output.
 *
 * Interface: assert_near(want, got, eps).
 */
#ifndef UNDERGO_TESTS_BENCH_TEST_H
#define UNDERGO_TESTS_BENCH_TEST_H

#include <math.h>

/* Fails unless |want - got| <= eps, printing both with full precision. */
#define assert_near(want, got, eps)                                            \
    do {                                                                       \
        double w_ = (want), g_ = (got);                                        \
        if (!(fabs(w_ - g_) <= (eps)))                                         \
            fail_msg("expected %s = %.17g, got %.17g (tolerance %g)", #got,    \
                     w_, g_, (double)(eps));                                   \
    } while (0)

#endif
