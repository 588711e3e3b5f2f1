/*
 * test_audit.c — the object audit refuses objects that would take over the
 * run and accepts an ordinary one. The objects are compiled from the .c files of audit/
 * by CMake (SB_AUDIT_OBJS lists them, ':'-separated).
 *
 * Interface: UG_TEST_GROUP(sandbox_audit, ...).
 */
#include <undergo/labtest.h>

#include "audit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The path of the object compiled from audit/<name>.c. */
static const char *object(const char *name)
{
    static char path[1024];
    char want[128];
    snprintf(want, sizeof(want), "/%s.c.o", name);
    const char *all = SB_AUDIT_OBJS;
    while (*all) {
        const char *end = strchr(all, ':');
        size_t len = end ? (size_t)(end - all) : strlen(all);
        if (len < sizeof(path) && len >= strlen(want) &&
            !strncmp(all + len - strlen(want), want, strlen(want))) {
            memcpy(path, all, len);
            path[len] = '\0';
            return path;
        }
        all += len + (end ? 1 : 0);
    }
    fail_msg("no object for %s in %s", name, SB_AUDIT_OBJS);
    return NULL;
}

static void expect_rejected(const char *name, const char *reason_part)
{
    char why[256];
    assert_int_equal(audit_object(object(name), 0, why, sizeof(why)), -EPERM);
    if (!strstr(why, reason_part))
        fail_msg("reason '%s' does not mention '%s'", why, reason_part);
    assert_null(strchr(why, '\n'));
}

static void test_audit_rejects_a_definition_of_main(void **state)
{
    (void)state;
    expect_rejected("has_main", "defines main");
}

static void test_audit_rejects_a_constructor(void **state)
{
    (void)state;
    expect_rejected("has_ctor", ".init_array");
}

static void test_audit_rejects_a_definition_of_exit_functions(void **state)
{
    (void)state;
    expect_rejected("has_exit", "defines _exit");
}

static void test_audit_rejects_a_definition_of_cmocka_internals(void **state)
{
    (void)state;
    expect_rejected("has_assert", "defines _assert_true");
}

static void test_audit_rejects_a_reference_to_internal_symbols(void **state)
{
    (void)state;
    expect_rejected("uses_internal", "ug__force_pass");
}

static void test_audit_accepts_a_clean_object(void **state)
{
    (void)state;
    char why[256];
    assert_int_equal(audit_object(object("clean"), 0, why, sizeof(why)), 0);
    assert_string_equal(why, "");
    /* Not an object at all: an error, but not a verdict on the candidate. */
    assert_int_equal(audit_object("/nonexistent.o", 0, why, sizeof(why)), -ENOENT);
}

static void test_audit_rejects_calls_that_end_the_process_after_a_forged_result(void **state)
{
    (void)state;
    expect_rejected("calls_exit", "calls _exit");
    expect_rejected("calls_dlsym", "calls dlsym");
}

static void test_audit_accepts_sanitizer_constructors_only_in_sanitized_builds(void **state)
{
    (void)state;
    char why[256];
    assert_int_equal(audit_object(object("asan_clean"), AUDIT_SANITIZED, why, sizeof(why)), 0);
    assert_int_equal(audit_object(object("asan_clean"), 0, why, sizeof(why)), -EPERM);
    assert_non_null(strstr(why, "constructors and destructors are not allowed"));
}

static void test_audit_rejects_a_candidate_constructor_in_a_sanitized_build(void **state)
{
    (void)state;
    char why[256];
    assert_int_equal(audit_object(object("asan_ctor"), AUDIT_SANITIZED, why, sizeof(why)), -EPERM);
    assert_non_null(strstr(why, ".init_array"));
}

UG_TEST_GROUP(sandbox_audit, NULL, NULL,
              cmocka_unit_test(test_audit_rejects_a_definition_of_main),
              cmocka_unit_test(test_audit_rejects_a_constructor),
              cmocka_unit_test(test_audit_rejects_a_definition_of_exit_functions),
              cmocka_unit_test(test_audit_rejects_a_definition_of_cmocka_internals),
              cmocka_unit_test(test_audit_rejects_a_reference_to_internal_symbols),
              cmocka_unit_test(test_audit_accepts_a_clean_object),
              cmocka_unit_test(test_audit_rejects_calls_that_end_the_process_after_a_forged_result),
              cmocka_unit_test(test_audit_accepts_sanitizer_constructors_only_in_sanitized_builds),
              cmocka_unit_test(test_audit_rejects_a_candidate_constructor_in_a_sanitized_build));
