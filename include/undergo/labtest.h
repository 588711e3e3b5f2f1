/*
 * labtest.h — the contract between a lab's cmocka tests and the grader.
 *
 * A lab's tests/ folder holds one or more .c files; each declares its tests
 * with UG_TEST_GROUP. Groups are collected through a linker section, so a
 * hidden test file (in tests/hidden/) adds tests without touching the others
 * and the handout simply leaves it out.
 *
 * Interface: UG_TEST_GROUP(group, setup, teardown, cmocka_unit_test(...), ...)
 * in any test file; ug_seed()/ug_rand() for seeded randomness; the main()
 * comes from the undergo_labtest library. The test binary understands:
 *
 *   --list              print every test name, one per line
 *   --run NAME          run only the test NAME (exact name)
 *   --seed N            seed for ug_rand() (default 1)
 *   --tap               TAP output on stdout, run in-process (the grader's mode)
 *   --expect-all-fail   exit 0 only if every selected test fails (stub check)
 *
 * Without --tap every test runs in its own child process, so one crash
 * cannot hide the verdicts of the others, and each failure ends with the
 * seed and the one command that reruns it.
 */
#ifndef UNDERGO_LABTEST_H
#define UNDERGO_LABTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* One group of tests, as registered by UG_TEST_GROUP. Read-only. */
typedef struct ug_test_group {
    const char *name;
    const struct CMUnitTest *tests;
    size_t count;
    CMFixtureFunction setup;
    CMFixtureFunction teardown;
} ug_test_group_t;

#define UG__GROUP_SECTION __attribute__((used, section("ug_test_groups")))

/* Declares a group of cmocka tests; setup/teardown may be NULL. */
#define UG_TEST_GROUP(group, setup_fn, teardown_fn, ...)                     \
    static const struct CMUnitTest ug__tests_##group[] = {__VA_ARGS__};      \
    static const ug_test_group_t ug__group_##group = {                       \
        #group, ug__tests_##group,                                           \
        sizeof(ug__tests_##group) / sizeof(ug__tests_##group[0]),            \
        setup_fn, teardown_fn};                                              \
    static const ug_test_group_t *const ug__groupp_##group UG__GROUP_SECTION \
        = &ug__group_##group

/* The seed of this run (--seed, default 1). Can't fail. */
uint64_t ug_seed(void);

/* Next value of the run's seeded generator (xoshiro256**). Can't fail. */
uint64_t ug_rand(void);

/* A value in [0, bound) from the seeded generator; bound > 0. */
uint64_t ug_rand_below(uint64_t bound);

#endif
