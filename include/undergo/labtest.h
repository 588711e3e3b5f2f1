/*
 * labtest.h — the contract between a lab's cmocka tests and the grader.
 *
 * A lab's tests/ folder holds one or more .c files; each declares its tests
 * with UG_TEST_GROUP. Groups are collected through a linker section, so a
 * hidden test file (in tests/hidden/) adds tests without touching the others
 * and the handout simply leaves it out.
 *
 * Checks and transcripts. Tests use cmocka's assertions, expected value
 * first (assert_int_equal(expected, actual)). This header replaces them with
 * checks that also append one line per check to the test's transcript:
 * where the check is (file:line), its kind and the value the code under test
 * produced. The test objects are compiled twice:
 *
 *   judging build   (the default) every check compares, as cmocka's would,
 *                   and a failed check fails the test. The reference and the
 *                   stub binaries people and ctest run are built this way,
 *                   and so is the trusted run that grading compares against.
 *   recording build (UG_RECORD_ONLY=1) the binary linked with a candidate's
 *                   code. A check only records the actual value; the expected
 *                   operand is never evaluated and is compiled out, so the
 *                   answers are not in the binary the candidate's code runs
 *                   in. Nothing in this process decides a verdict.
 *
 * The grader runs the reference (judging) and the candidate (recording) on
 * the same test and seed and passes the test only when the candidate's
 * process ended cleanly and the two transcripts are equal; the first line
 * where they differ is the failure message. So:
 *   - the expected operand comes first and has no side effects;
 *   - value checks (int, string, memory) carry the answer; boolean checks
 *     (assert_true, assert_non_null, assert_ptr_equal, ..._not_equal,
 *     in_range) record only whether they held, which a forger can claim:
 *     every test makes at least one value check;
 *   - the checks a test makes depend only on its inputs and the lab's spec,
 *     never on a choice an implementation may make (no check inside a loop
 *     whose trip count the implementation decides);
 *   - a test draws part of its input from the seed (ug_rand), which the
 *     grader picks anew for every grading run.
 *
 * Interface: UG_TEST_GROUP(group, setup, teardown, cmocka_unit_test(...), ...)
 * in any test file; ug_seed()/ug_rand() for seeded randomness; the main()
 * comes from the undergo_labtest library. The test binary understands:
 *
 *   --list              print every test name, one per line
 *   --run NAME          run only the test NAME (exact name)
 *   --seed N            seed for ug_rand() (default 1)
 *   --transcript        run one test (--run) in this process and write its
 *                       transcript to fd 3 (stdout when fd 3 is not open):
 *                       the grader's mode; without --run, every test (or,
 *                       with --only NAME..., those) each in a child,
 *                       all transcripts on fd 3 (the trusted side's mode)
 *   --expect-all-fail   exit 0 only if every selected test fails (stub check)
 *   --check-transcripts run every test twice with one seed and once with
 *                       another; report tests whose transcript is not
 *                       reproducible, does not depend on the seed, or holds
 *                       no value check (CI's rigor check of a lab's tests)
 *
 * Without --transcript every test runs in its own child process, so one
 * crash cannot hide the verdicts of the others, and each failure ends with
 * the seed and the one command that reruns it.
 */
#ifndef UNDERGO_LABTEST_H
#define UNDERGO_LABTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#ifndef UG_RECORD_ONLY
#define UG_RECORD_ONLY 0
#endif

/* One group of tests, as registered by UG_TEST_GROUP. Read-only. */
typedef struct ug_test_group {
    const char *name;
    const struct CMUnitTest *tests;
    size_t count;
    CMFixtureFunction setup;
    CMFixtureFunction teardown;
    int recording;          /* compiled with UG_RECORD_ONLY */
} ug_test_group_t;

#define UG__GROUP_SECTION __attribute__((used, section("ug_test_groups")))

/* Declares a group of cmocka tests; setup/teardown may be NULL. */
#define UG_TEST_GROUP(group, setup_fn, teardown_fn, ...)                     \
    static const struct CMUnitTest ug__tests_##group[] = {__VA_ARGS__};      \
    static const ug_test_group_t ug__group_##group = {                       \
        #group, ug__tests_##group,                                           \
        sizeof(ug__tests_##group) / sizeof(ug__tests_##group[0]),            \
        setup_fn, teardown_fn, UG_RECORD_ONLY};                              \
    static const ug_test_group_t *const ug__groupp_##group UG__GROUP_SECTION \
        = &ug__group_##group

/* The seed of this run (--seed, default 1). Can't fail. */
uint64_t ug_seed(void);

/* Next value of the run's seeded generator (xoshiro256**). Can't fail. */
uint64_t ug_rand(void);

/* A value in [0, bound) from the seeded generator; bound > 0. */
uint64_t ug_rand_below(uint64_t bound);

/* ---- checks --------------------------------------------------------------------- */

/* Where a check is: file (relative to the source tree) and line. */
typedef struct ug_site {
    const char *file;
    int line;
} ug_site_t;

#define UG__SITE ((ug_site_t){__FILE__, __LINE__})

/* 1 when x has a signed integer type (so its value prints as signed). */
#define UG__SIGNED(x)                                                                     \
    _Generic((x), signed char: 1, short: 1, int: 1, long: 1, long long: 1,                \
             char: ((char)-1 < 0), default: 0)

/* Not evaluated, but "used": an expected operand of the recording build.
 * Through ?: so that an operand like `buf + n` is not sizeof of a decayed
 * array, which clang warns about (-Wsizeof-array-decay). */
#define UG__UNEVALUATED(x) ((void)sizeof(0 ? (x) : (x)))

/* The harness's side of every check (labtest.c). In the recording build
 * `judge` is 0 and the expected arguments are zero; otherwise a check that
 * does not hold fails the test the way cmocka's does. */
void ug__check_int(ug_site_t at, const char *expr, int is_signed, uintmax_t expected,
                   uintmax_t actual, int judge);
void ug__check_str(ug_site_t at, const char *expr, const char *expected, const char *actual,
                   int judge);
void ug__check_mem(ug_site_t at, const char *expr, const void *expected, const void *actual,
                   size_t n, int judge);
void ug__check_dbl(ug_site_t at, const char *expr, double expected, double actual,
                   double epsilon, int judge);
void ug__check_bool(ug_site_t at, const char *what, int held, int judge);
void ug__fail(ug_site_t at, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ug__skip(ug_site_t at);

#undef assert_true
#undef assert_false
#undef assert_return_code
#undef assert_non_null
#undef assert_null
#undef assert_ptr_equal
#undef assert_ptr_not_equal
#undef assert_int_equal
#undef assert_int_not_equal
#undef assert_float_equal
#undef assert_float_not_equal
#undef assert_string_equal
#undef assert_string_not_equal
#undef assert_memory_equal
#undef assert_memory_not_equal
#undef assert_in_range
#undef assert_not_in_range
#undef assert_in_set
#undef assert_not_in_set
#undef fail
#undef fail_msg
#undef skip

/* Value checks: the actual value is recorded; the expected operand is
 * compiled out of the recording build. */
#if UG_RECORD_ONLY
#define assert_int_equal(e, a)                                                            \
    (UG__UNEVALUATED(e),                                                                  \
     ug__check_int(UG__SITE, #a, UG__SIGNED(a), 0, (uintmax_t)(a), 0))
#define assert_string_equal(e, a)                                                         \
    (UG__UNEVALUATED(e), ug__check_str(UG__SITE, #a, NULL, (a), 0))
#define assert_memory_equal(e, a, n)                                                      \
    (UG__UNEVALUATED(e), ug__check_mem(UG__SITE, #a, NULL, (a), (n), 0))
#define assert_float_equal(e, a, eps)                                                     \
    (UG__UNEVALUATED(e), ug__check_dbl(UG__SITE, #a, 0, (a), (eps), 0))
#else
#define assert_int_equal(e, a)                                                            \
    ug__check_int(UG__SITE, #a, UG__SIGNED(a), (uintmax_t)(e), (uintmax_t)(a), 1)
#define assert_string_equal(e, a) ug__check_str(UG__SITE, #a, (e), (a), 1)
#define assert_memory_equal(e, a, n) ug__check_mem(UG__SITE, #a, (e), (a), (n), 1)
#define assert_float_equal(e, a, eps) ug__check_dbl(UG__SITE, #a, (e), (a), (eps), 1)
#endif

/* Boolean checks: whether the check held is recorded, in both builds. */
#define UG__BOOL(what, held) ug__check_bool(UG__SITE, what, (held) ? 1 : 0, !UG_RECORD_ONLY)
#define assert_true(c) UG__BOOL(#c, (c))
#define assert_false(c) UG__BOOL("!(" #c ")", !(c))
#define assert_return_code(rc, error) (UG__UNEVALUATED(error), UG__BOOL(#rc " >= 0", (rc) >= 0))
#define assert_non_null(c) UG__BOOL(#c " != NULL", (c) != NULL)
#define assert_null(c) UG__BOOL(#c " == NULL", (c) == NULL)
#define assert_ptr_equal(e, a) UG__BOOL(#a " == " #e, (const void *)(a) == (const void *)(e))
#define assert_ptr_not_equal(e, a)                                                        \
    UG__BOOL(#a " != " #e, (const void *)(a) != (const void *)(e))
#define assert_int_not_equal(e, a) UG__BOOL(#a " != " #e, (uintmax_t)(a) != (uintmax_t)(e))
#define assert_float_not_equal(e, a, eps)                                                 \
    UG__BOOL(#a " != " #e, !((a) - (e) <= (eps) && (e) - (a) <= (eps)))
#define assert_string_not_equal(e, a) UG__BOOL(#a " != " #e, ug__str_differ((e), (a)))
#define assert_memory_not_equal(e, a, n)                                                  \
    UG__BOOL(#a " != " #e, ug__mem_differ((e), (a), (n)))
#define assert_in_range(v, lo, hi)                                                        \
    UG__BOOL(#v " in [" #lo ", " #hi "]",                                                 \
             (uintmax_t)(v) >= (uintmax_t)(lo) && (uintmax_t)(v) <= (uintmax_t)(hi))
#define assert_not_in_range(v, lo, hi)                                                    \
    UG__BOOL(#v " not in [" #lo ", " #hi "]",                                             \
             (uintmax_t)(v) < (uintmax_t)(lo) || (uintmax_t)(v) > (uintmax_t)(hi))
#define assert_in_set(v, set, n)                                                          \
    UG__BOOL(#v " in " #set, ug__in_set((uintmax_t)(v), (set), (n)))
#define assert_not_in_set(v, set, n)                                                      \
    UG__BOOL(#v " not in " #set, !ug__in_set((uintmax_t)(v), (set), (n)))

#define fail() ug__fail(UG__SITE, NULL)
#define fail_msg(...) ug__fail(UG__SITE, __VA_ARGS__)
#define skip() ug__skip(UG__SITE)

bool ug__str_differ(const char *a, const char *b);
bool ug__mem_differ(const void *a, const void *b, size_t n);
bool ug__in_set(uintmax_t v, const uintmax_t *set, size_t n);

#endif
