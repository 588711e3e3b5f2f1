/*
 * test_manifest_check.c — `grader list --check`: a lab that follows the lab
 * anatomy has no finding, and each way of breaking it is one finding that
 * names the file.
 *
 * Interface: a fixture tree /tmp/ug-anatomy-XXXXXX/labs/demo built whole,
 * then changed by one file per test → manifest_check → the findings.
 */
#include <undergo/labtest.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "manifest.h"

#define MAX_FINDINGS 64

typedef struct fixture {
    char root[64];
    char found[MAX_FINDINGS][512];
    int n;
} fixture_t;

static const char *yaml =
    "name: demo\n"
    "title: A demo lab\n"
    "prefix: dm\n"
    "question: \"2.10\"\n"
    "points: 4\n"
    "editable: [dm_internal.h, dm_core.c]\n"
    "tests:\n"
    "  - name: test_one\n";

static const char *core =
    "#include \"dm_internal.h\"\n"
    "#if LAB_SOLUTION\n"
    "int dm_x(void) { return 1; }\n"
    "#else\n"
    "int dm_x(void) { return -38; }\n"
    "#endif\n";

static void write_file(const char *root, const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    assert_int_equal(0, fsutil_mkdirs(path));
    *slash = '/';
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Mutant number i: dm_x returns 100 + i instead of 1. */
static void write_mutant(fixture_t *fx, int i, const char *comment)
{
    char rel[128], text[1024];
    snprintf(rel, sizeof rel, "labs/demo/tests/mutants/returns-%02d.patch", i);
    snprintf(text, sizeof text,
             "%s"
             "--- a/labs/demo/dm_core.c\n"
             "+++ b/labs/demo/dm_core.c\n"
             "@@ -1,5 +1,5 @@\n"
             " #include \"dm_internal.h\"\n"
             " #if LAB_SOLUTION\n"
             "-int dm_x(void) { return 1; }\n"
             "+int dm_x(void) { return %d; }\n"
             " #else\n"
             " int dm_x(void) { return -38; }\n",
             comment, 100 + i);
    write_file(fx->root, rel, text);
}

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    snprintf(fx->root, sizeof fx->root, "/tmp/ug-anatomy-XXXXXX");
    if (!mkdtemp(fx->root))
        return -1;
    write_file(fx->root, "labs/demo/lab.yaml", yaml);
    write_file(fx->root, "labs/demo/README.md", "# demo\n");
    write_file(fx->root, "labs/demo/demo.h", "int dm_x(void);\n");
    write_file(fx->root, "labs/demo/dm_internal.h", "#include \"demo.h\"\n"
                                                    "#include \"support/dm_io.h\"\n");
    write_file(fx->root, "labs/demo/dm_core.c", core);
    write_file(fx->root, "labs/demo/support/dm_io.h", "int dm_io(void);\n");
    write_file(fx->root, "labs/demo/support/dm_io.c", "#include \"dm_io.h\"\n"
                                                      "int dm_io(void) { return 0; }\n");
    write_file(fx->root, "labs/demo/tests/basic.c", "#include \"demo.h\"\n#include \"fix.h\"\n");
    write_file(fx->root, "labs/demo/tests/fix.h", "#include \"demo.h\"\n");
    write_file(fx->root, "labs/demo/tests/hidden/more.c", "#include \"../fix.h\"\n");
    write_file(fx->root, "labs/demo/bench/b.c", "#include <stdio.h>\n#include \"demo.h\"\n");
    for (int i = 0; i < MANIFEST_MIN_MUTANTS; i++)
        write_mutant(fx, i, "# dm_x answers the wrong number\n");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    fsutil_remove_tree(fx->root);
    free(fx);
    return 0;
}

static void collect(void *ud, const char *msg)
{
    fixture_t *fx = ud;
    if (fx->n < MAX_FINDINGS)
        snprintf(fx->found[fx->n++], sizeof fx->found[0], "%s", msg);
}

/* Loads labs/demo and checks it; returns the number of findings. */
static int check(fixture_t *fx)
{
    char err[512];
    lab_t lab;
    if (manifest_load(fx->root, "demo", &lab, err, sizeof err) != 0)
        fail_msg("the fixture's manifest does not load: %s", err);
    fx->n = 0;
    int rc = manifest_check(fx->root, &lab, collect, fx);
    manifest_free(&lab);
    return rc;
}

/* Exactly one finding, and it contains want. */
static void expect_one(fixture_t *fx, const char *want)
{
    int n = check(fx);
    for (int i = 0; i < fx->n; i++)
        print_message("finding: %s\n", fx->found[i]);
    assert_int_equal(1, n);
    if (!strstr(fx->found[0], want))
        fail_msg("expected a finding containing '%s', got '%s'", want, fx->found[0]);
}

static void test_a_lab_that_follows_the_anatomy_has_no_finding(void **state)
{
    fixture_t *fx = *state;
    int n = check(fx);
    for (int i = 0; i < fx->n; i++)
        print_message("finding: %s\n", fx->found[i]);
    assert_int_equal(0, n);
}

static void test_a_file_outside_the_anatomy_at_the_root_is_named(void **state)
{
    fixture_t *fx = *state;
    write_file(fx->root, "labs/demo/notes.txt", "todo\n");
    expect_one(fx, "labs/demo/notes.txt: is not part of the lab anatomy");
}

static void test_a_pristine_source_at_the_root_belongs_in_support(void **state)
{
    fixture_t *fx = *state;
    write_file(fx->root, "labs/demo/dm_util.c", "int dm_u;\n");
    expect_one(fx, "labs/demo/dm_util.c: is not editable: pristine sources live in support/");
}

static void test_a_source_without_the_prefix_is_named(void **state)
{
    fixture_t *fx = *state;
    write_file(fx->root, "labs/demo/util.c", "int u;\n");
    expect_one(fx, "labs/demo/util.c: is a source without the lab's prefix");
}

static void test_a_second_header_at_the_root_is_named(void **state)
{
    fixture_t *fx = *state;
    write_file(fx->root, "labs/demo/dm_io2.h", "int x;\n");
    expect_one(fx, "labs/demo/dm_io2.h: is a header that is neither the API nor the internal");
}

static void test_an_editable_source_without_a_reference_is_named(void **state)
{
    fixture_t *fx = *state;
    write_file(fx->root, "labs/demo/dm_core.c", "int dm_x(void) { return 1; }\n");
    int n = check(fx);
    assert_true(n >= 1);   /* the mutants no longer apply either */
    assert_non_null(strstr(fx->found[0], "dm_core.c: is editable but holds no '#if LAB_SOLUTION'"));
}

static void test_support_code_may_not_hold_a_reference(void **state)
{
    fixture_t *fx = *state;
    write_file(fx->root, "labs/demo/support/dm_io.c", "#if LAB_SOLUTION\nint a;\n#endif\n");
    expect_one(fx, "labs/demo/support/dm_io.c: mentions LAB_SOLUTION");
}

static void test_support_files_carry_the_prefix(void **state)
{
    fixture_t *fx = *state;
    write_file(fx->root, "labs/demo/support/io.c", "int a;\n");
    expect_one(fx, "labs/demo/support/io.c: support/ holds only files named dm_*.c or dm_*.h");
}

static void test_a_test_including_the_internal_header_is_named(void **state)
{
    fixture_t *fx = *state;
    write_file(fx->root, "labs/demo/tests/hidden/more.c", "#include \"../../dm_internal.h\"\n");
    expect_one(fx, "labs/demo/tests/hidden/more.c: includes \"../../dm_internal.h\" (dm_internal.h)");
}

static void test_a_bench_including_a_support_header_is_named(void **state)
{
    fixture_t *fx = *state;
    write_file(fx->root, "labs/demo/bench/b.c", "#include \"support/dm_io.h\"\n");
    expect_one(fx, "labs/demo/bench/b.c: includes \"support/dm_io.h\" (support/dm_io.h)");
}

static void test_too_few_mutants_is_a_finding(void **state)
{
    fixture_t *fx = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/labs/demo/tests/mutants/returns-00.patch", fx->root);
    assert_int_equal(0, unlink(path));
    expect_one(fx, "labs/demo/tests/mutants/: 11 mutant(s); a lab carries at least 12");
}

static void test_a_mutant_without_its_comment_is_named(void **state)
{
    fixture_t *fx = *state;
    write_mutant(fx, 3, "");
    expect_one(fx, "labs/demo/tests/mutants/returns-03.patch: the first line must be '# <the");
}

static void test_a_killed_by_line_naming_a_test_of_the_lab_is_clean(void **state)
{
    fixture_t *fx = *state;
    write_mutant(fx, 3, "# dm_x answers the wrong number\n# killed-by: test_one\n");
    assert_int_equal(0, check(fx));
}

static void test_a_killed_by_line_naming_no_test_is_named(void **state)
{
    fixture_t *fx = *state;
    write_mutant(fx, 3, "# dm_x answers the wrong number\n# killed-by: test_two\n");
    expect_one(fx, "labs/demo/tests/mutants/returns-03.patch: killed-by names 'test_two', which "
                   "is not a test in lab.yaml");
}

static void test_two_killed_by_lines_are_named(void **state)
{
    fixture_t *fx = *state;
    write_mutant(fx, 3,
                 "# dm_x answers the wrong number\n# killed-by: test_one\n"
                 "# killed-by: test_one\n");
    expect_one(fx, "labs/demo/tests/mutants/returns-03.patch: more than one killed-by line");
}

static void test_a_mutant_that_no_longer_applies_is_named(void **state)
{
    fixture_t *fx = *state;
    write_file(fx->root, "labs/demo/dm_core.c", "#include \"dm_internal.h\"\n#if LAB_SOLUTION\n"
                                                "int dm_x(void) { return 7; }\n#else\n#endif\n");
    int n = check(fx);
    assert_int_equal(MANIFEST_MIN_MUTANTS, n);
    assert_non_null(strstr(fx->found[0], "no longer applies to the tree"));
}

static void test_a_mutant_of_a_file_that_is_not_editable_is_named(void **state)
{
    fixture_t *fx = *state;
    write_file(fx->root, "labs/demo/tests/mutants/returns-05.patch",
               "# the io layer is wrong\n"
               "--- a/labs/demo/support/dm_io.c\n"
               "+++ b/labs/demo/support/dm_io.c\n"
               "@@ -1,2 +1,2 @@\n"
               " #include \"dm_io.h\"\n"
               "-int dm_io(void) { return 0; }\n"
               "+int dm_io(void) { return 1; }\n");
    expect_one(fx, "returns-05.patch: patches 'labs/demo/support/dm_io.c', which is not an "
                   "editable file");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
/* clang-format off */
UG_TEST_GROUP(manifest_check, NULL, NULL,
    T(test_a_lab_that_follows_the_anatomy_has_no_finding),
    T(test_a_file_outside_the_anatomy_at_the_root_is_named),
    T(test_a_pristine_source_at_the_root_belongs_in_support),
    T(test_a_source_without_the_prefix_is_named),
    T(test_a_second_header_at_the_root_is_named),
    T(test_an_editable_source_without_a_reference_is_named),
    T(test_support_code_may_not_hold_a_reference),
    T(test_support_files_carry_the_prefix),
    T(test_a_test_including_the_internal_header_is_named),
    T(test_a_bench_including_a_support_header_is_named),
    T(test_too_few_mutants_is_a_finding),
    T(test_a_mutant_without_its_comment_is_named),
    T(test_a_mutant_that_no_longer_applies_is_named),
    T(test_a_killed_by_line_naming_a_test_of_the_lab_is_clean),
    T(test_a_killed_by_line_naming_no_test_is_named),
    T(test_two_killed_by_lines_are_named),
    T(test_a_mutant_of_a_file_that_is_not_editable_is_named));
/* clang-format on */
