/*
 * test_transcript.c — how the grader compares two transcripts and explains
 * the first difference, where a mistake would pass a wrong candidate or
 * fail a right one.
 */
#include <undergo/labtest.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transcript.h"

static const char ref[] = "i labs/x/tests/a.c:10 0\tx_open(&h)\n"
                          "u labs/x/tests/a.c:11 3\tx_count(h)\n"
                          "s labs/x/tests/a.c:12 \"ab\"\tx_name(h)\n"
                          "b labs/x/tests/a.c:13 1\tx_ok(h)\n"
                          "E\n";

static void expect_explained(const char *cand, const char *want)
{
    char *msg = ug_transcript_explain(ref, cand);
    assert_non_null(msg);
    assert_string_equal(want, msg);
    free(msg);
}

/* Lines are compared up to the tab: the note (the expression) is the
 * judging build's alone. */
static void test_equal_transcripts_ignore_the_judging_builds_notes(void **state)
{
    (void)state;
    size_t line;
    const char *cand = "i labs/x/tests/a.c:10 0\nu labs/x/tests/a.c:11 3\n"
                       "s labs/x/tests/a.c:12 \"ab\"\nb labs/x/tests/a.c:13 1\nE\n";
    assert_false(ug_transcript_diff(ref, cand, &line));
    assert_true(ug_transcript_diff(ref, "i labs/x/tests/a.c:10 0\n", &line));
    assert_int_equal(2, line);
    assert_true(ug_transcript_diff("E\n", "E\nE\n", &line));
    assert_int_equal(2, line);
}

/* A wrong value names the check, where it is, what it checks, the
 * expected value and the value got, with an errno by its name. */
static void test_a_wrong_value_is_explained_with_expected_and_got(void **state)
{
    (void)state;
    expect_explained("i labs/x/tests/a.c:10 -38\n",
                     "check 1 at labs/x/tests/a.c:10, x_open(&h): expected 0, got -38 (-ENOSYS: "
                     "not implemented yet)");
    expect_explained("i labs/x/tests/a.c:10 0\nu labs/x/tests/a.c:11 4\n",
                     "check 2 at labs/x/tests/a.c:11, x_count(h): expected 3, got 4");
    expect_explained("i labs/x/tests/a.c:10 0\nu labs/x/tests/a.c:11 3\n"
                     "s labs/x/tests/a.c:12 \"ba\"\n",
                     "check 3 at labs/x/tests/a.c:12, x_name(h): expected \"ab\", got \"ba\"");
    expect_explained("i labs/x/tests/a.c:10 0\nu labs/x/tests/a.c:11 3\n"
                     "s labs/x/tests/a.c:12 \"ab\"\nb labs/x/tests/a.c:13 0\n",
                     "check 4 at labs/x/tests/a.c:13, x_ok(h) did not hold");
}

/* A transcript that stops, fails, skips, goes on or takes another path. */
static void test_a_transcript_of_another_shape_is_explained(void **state)
{
    (void)state;
    expect_explained("", "the test ended after 0 checks; the reference goes on to check 1 at "
                         "labs/x/tests/a.c:10, x_open(&h)");
    expect_explained("i labs/x/tests/a.c:10 0\nE\n",
                     "the test returned after 1 checks; the reference goes on to check 2 at "
                     "labs/x/tests/a.c:11, x_count(h)");
    expect_explained("i labs/x/tests/a.c:10 0\nF labs/x/tests/a.c:20\n",
                     "the test failed at labs/x/tests/a.c:20 after 1 checks");
    expect_explained("i labs/x/tests/a.c:10 0\nu labs/x/tests/a.c:30 3\n",
                     "the test took another path: the reference's check 2 at "
                     "labs/x/tests/a.c:11, x_count(h), the test's check 2 at labs/x/tests/a.c:30");
    char longer[sizeof ref + 64];
    snprintf(longer, sizeof longer, "%.*sb labs/x/tests/a.c:14 1\nE\n", (int)(sizeof ref - 3),
             ref);
    expect_explained(longer, "the test made more checks than the reference: check 5 at "
                             "labs/x/tests/a.c:14");
}

static void test_value_checks_are_told_from_boolean_ones(void **state)
{
    (void)state;
    assert_true(ug_transcript_has_value(ref));
    assert_false(ug_transcript_has_value("b a.c:1 1\nb a.c:2 1\nE\n"));
    assert_int_equal(5, ug_transcript_lines(ref));
    assert_string_equal("", ug_errno_note(0));
    assert_string_equal(" (-ENOENT: No such file or directory)", ug_errno_note(-2));
}

UG_TEST_GROUP(transcript, NULL, NULL,
    cmocka_unit_test(test_equal_transcripts_ignore_the_judging_builds_notes),
    cmocka_unit_test(test_a_wrong_value_is_explained_with_expected_and_got),
    cmocka_unit_test(test_a_transcript_of_another_shape_is_explained),
    cmocka_unit_test(test_value_checks_are_told_from_boolean_ones));
