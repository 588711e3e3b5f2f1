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
#include <limits.h>
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

static const audit_rules_t sanitized = {.flags = AUDIT_SANITIZED};

static void expect_rejected(const char *name, const char *reason_part)
{
    char why[PATH_MAX + 256]; /* the object's path, then the reason */
    assert_int_equal(audit_object(object(name), NULL, why, sizeof(why)), -EPERM);
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
    char why[PATH_MAX + 256]; /* the object's path, then the reason */
    assert_int_equal(audit_object(object("clean"), NULL, why, sizeof(why)), 0);
    assert_string_equal(why, "");
    /* Not an object at all: an error, but not a verdict on the candidate. */
    assert_int_equal(audit_object("/nonexistent.o", NULL, why, sizeof(why)), -ENOENT);
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
    char why[PATH_MAX + 256]; /* the object's path, then the reason */
    assert_int_equal(audit_object(object("asan_clean"), &sanitized, why, sizeof(why)), 0);
    assert_int_equal(audit_object(object("asan_clean"), NULL, why, sizeof(why)), -EPERM);
    assert_non_null(strstr(why, "constructors and destructors are not allowed"));
}

static void test_audit_rejects_a_candidate_constructor_in_a_sanitized_build(void **state)
{
    (void)state;
    char why[PATH_MAX + 256]; /* the object's path, then the reason */
    assert_int_equal(audit_object(object("asan_ctor"), &sanitized, why, sizeof(why)), -EPERM);
    assert_non_null(strstr(why, ".init_array"));
}

/* Any binding but LOCAL is a definition that counts (GNU_UNIQUE too). */
static void test_audit_counts_a_gnu_unique_definition_as_global(void **state)
{
    (void)state;
    expect_rejected("has_unique", "defines _cmocka_run_group_tests");
}

static void test_audit_rejects_versioned_symbols_ifuncs_and_section_bounds(void **state)
{
    (void)state;
    expect_rejected("has_symver", "versioned symbol _exit@GLIBC_2.2.5");
    expect_rejected("has_ifunc", "is an IFUNC");
    expect_rejected("has_section_bounds", "__start_ug_test_groups");
    expect_rejected("has_odd_section", "section ug_test_groups");
    expect_rejected("calls_cancel", "calls pthread_cancel");
}

/* With the lab's API given, any other global definition is refused, unless
 * it carries the lab's prefix. */
static void test_audit_allows_only_the_labs_api_and_prefix_as_globals(void **state)
{
    (void)state;
    char why[PATH_MAX + 256]; /* the object's path, then the reason */
    const char *const api[] = {"lab_api_function", NULL};
    audit_rules_t rules = {.api = api, .prefix = "lab"};
    assert_int_equal(-EPERM, audit_object(object("has_extra_global"), &rules, why, sizeof why));
    assert_non_null(strstr(why, "defines my_hash, which is not part of the lab's API"));
    assert_non_null(strstr(why, "make it static or name it lab_..."));
    const char *const both[] = {"lab_api_function", "my_hash", NULL};
    rules.api = both;
    assert_int_equal(0, audit_object(object("has_extra_global"), &rules, why, sizeof why));
}

/* A lab's test_only prefixes (wire: protobuf-c) are refused as references;
 * without them the same object is clean. */
static void test_audit_rejects_a_reference_to_what_only_the_tests_link(void **state)
{
    (void)state;
    char why[PATH_MAX + 256]; /* the object's path, then the reason */
    char *const test_only[] = {"wtc__", "protobuf_c_"};
    audit_rules_t rules = {.prefix = "wt", .test_only = test_only, .n_test_only = 2};
    assert_int_equal(-EPERM, audit_object(object("calls_test_only"), &rules, why, sizeof why));
    assert_non_null(strstr(why, "refers to protobuf_c_message_pack, which only the lab's tests"));
    assert_null(strchr(why, '\n'));
    rules.n_test_only = 0;
    assert_int_equal(0, audit_object(object("calls_test_only"), &rules, why, sizeof why));
}

UG_TEST_GROUP(sandbox_audit, NULL, NULL,
              cmocka_unit_test(test_audit_rejects_a_reference_to_what_only_the_tests_link),
              cmocka_unit_test(test_audit_counts_a_gnu_unique_definition_as_global),
              cmocka_unit_test(test_audit_rejects_versioned_symbols_ifuncs_and_section_bounds),
              cmocka_unit_test(test_audit_allows_only_the_labs_api_and_prefix_as_globals),
              cmocka_unit_test(test_audit_rejects_a_definition_of_main),
              cmocka_unit_test(test_audit_rejects_a_constructor),
              cmocka_unit_test(test_audit_rejects_a_definition_of_exit_functions),
              cmocka_unit_test(test_audit_rejects_a_definition_of_cmocka_internals),
              cmocka_unit_test(test_audit_rejects_a_reference_to_internal_symbols),
              cmocka_unit_test(test_audit_accepts_a_clean_object),
              cmocka_unit_test(test_audit_rejects_calls_that_end_the_process_after_a_forged_result),
              cmocka_unit_test(test_audit_accepts_sanitizer_constructors_only_in_sanitized_builds),
              cmocka_unit_test(test_audit_rejects_a_candidate_constructor_in_a_sanitized_build));
