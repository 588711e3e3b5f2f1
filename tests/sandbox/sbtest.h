/*
 * sbtest.h — helpers shared by the sandbox tests.
 *
 * Each test gets a fresh scratch directory and a unique token. Hostile
 * programs are run with the token as their last argument, so any process
 * that outlives a run can be found by scanning /proc/<pid>/cmdline for it.
 *
 * Interface: sbt_setup/sbt_teardown as the group's fixtures →
 * sbt_spec() → sbt_run_hostile() → sbt_survivors().
 */
#ifndef SBTEST_H
#define SBTEST_H

#include <undergo/labtest.h>

#include "sandbox.h"
#include "sandbox_impl.h"

typedef struct sbt {
    char scratch[64];
    char token[64];
    const char *ro[3];
    const char *argv[8];
    const void *row;        /* a table-driven test's row (test_sandbox_attacks.c) */
} sbt_t;

/* Fixtures: a scratch directory and a token per test. */
int sbt_setup(void **state);
int sbt_teardown(void **state);

/* A spec with test-sized limits for the hostile program prog (in
 * SB_HOSTILE_DIR) with up to two arguments (NULL for none). */
sandbox_spec_t sbt_spec(sbt_t *t, const char *prog, const char *arg1, const char *arg2);

/* Runs spec; fails the test if the sandbox could not be set up. */
void sbt_run(const sandbox_spec_t *spec, sandbox_result_t *res);

/* How many processes still carry the test's token. */
int sbt_survivors(const sbt_t *t);

/* Skips the test with a message when cond does not hold on this host. */
#define sbt_require(cond, what)                                                 \
    do {                                                                        \
        if (!(cond)) {                                                          \
            print_message("sandbox: %s is not available here; skipped\n", what); \
            skip();                                                             \
        }                                                                       \
    } while (0)

#endif
