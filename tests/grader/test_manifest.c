/*
 * test_manifest.c — lab.yaml: a good manifest loads whole, and each kind of
 * mistake stops with one line naming the file and the line.
 */
#include <undergo/labtest.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "manifest.h"

static const char *good_yaml =
    "name: demo\n"
    "title: A demo lab\n"
    "question: \"2.10\"\n"
    "points: 4\n"
    "editable: [demo.c]\n"
    "needs: [runtime]\n"
    "tests:\n"
    "  - name: test_one\n"
    "  - name: test_two\n"
    "    weight: 2.5\n"
    "  - {name: test_secret, hidden: true}\n"
    "bench:\n"
    "  share: 0.3\n"
    "  target: 1.2\n"
    "  floor: 2.5\n"
    "  benchmarks: [BenchmarkX]\n"
    "sandbox:\n"
    "  network: loopback\n"
    "  io_uring: true\n"
    "  memory_mb: 256\n"
    "  wall_s: 3\n"
    "demos:\n"
    "  - name: typed-nil\n"
    "    title: A first demo\n"
    "    go: typed-nil.go\n"
    "    html: true\n"
    "  - {name: second, title: Another}\n";

typedef struct fixture {
    char root[64];
} fixture_t;

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

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    snprintf(fx->root, sizeof fx->root, "/tmp/ug-manifest-XXXXXX");
    if (!mkdtemp(fx->root))
        return -1;
    write_file(fx->root, "labs/demo/demo.c", "int x;\n");
    write_file(fx->root, "labs/demo/support/demo_helper.c", "int y;\n");
    write_file(fx->root, "labs/demo/support/demo_helper.h", "int y(void);\n");
    write_file(fx->root, "labs/demo/demo/typed-nil.c", "int main(void) { return 0; }\n");
    write_file(fx->root, "labs/demo/demo/typed-nil.go", "package main\n");
    write_file(fx->root, "labs/demo/demo/second.c", "int main(void) { return 0; }\n");
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

/* Loads labs/demo with the given manifest; returns the rc, err filled. */
static int load(fixture_t *fx, const char *yaml, lab_t *lab, char *err, size_t len)
{
    write_file(fx->root, "labs/demo/lab.yaml", yaml);
    err[0] = '\0';
    return manifest_load(fx->root, "demo", lab, err, len);
}

/* Replaces the first occurrence of `from` in the good manifest by `to`. */
static char *good_with(const char *from, const char *to)
{
    const char *at = strstr(good_yaml, from);
    assert_non_null(at);
    char *s = malloc(strlen(good_yaml) + strlen(to) + 1);
    sprintf(s, "%.*s%s%s", (int)(at - good_yaml), good_yaml, to, at + strlen(from));
    return s;
}

static void expect_error(void **state, const char *from, const char *to, const char *want)
{
    fixture_t *fx = *state;
    char err[512];
    lab_t lab;
    char *yaml = good_with(from, to);
    int rc = load(fx, yaml, &lab, err, sizeof err);
    free(yaml);
    if (rc == 0)
        manifest_free(&lab);
    assert_int_not_equal(0, rc);
    if (!strstr(err, want))
        fail_msg("expected an error containing '%s', got '%s'", want, err);
}

static void test_good_manifest_loads_every_field(void **state)
{
    fixture_t *fx = *state;
    char err[512];
    lab_t lab;
    assert_int_equal(0, load(fx, good_yaml, &lab, err, sizeof err));
    assert_string_equal("demo", lab.name);
    assert_int_equal(2, lab.section);
    assert_int_equal(10, lab.number);
    assert_true(lab.points == 4);
    assert_int_equal(3, lab.n_tests);
    assert_true(lab.tests[1].weight == 2.5);
    assert_true(lab.tests[2].hidden);
    assert_int_equal(2, lab.n_sources);              /* derived: editable .c, support/ .c */
    assert_string_equal("demo.c", lab.sources[0]);
    assert_string_equal("support/demo_helper.c", lab.sources[1]);
    assert_false(lab.sources_given);
    assert_string_equal("demo", lab.prefix);         /* default: the lab's name */
    assert_true(lab.perf_share == 0.3 && lab.perf_target == 1.2 && lab.perf_floor == 2.5);
    assert_true(lab.policy.loopback && lab.policy.io_uring);
    assert_int_equal(256, lab.policy.memory_mb);
    assert_int_equal(64, lab.policy.pids);           /* default kept */
    assert_true(manifest_total_weight(&lab, true) == 4.5);
    assert_true(manifest_total_weight(&lab, false) == 3.5);
    assert_int_equal(2, lab.n_demos);
    assert_string_equal("typed-nil", lab.demos[0].name);
    assert_string_equal("A first demo", lab.demos[0].title);
    assert_string_equal("typed-nil.go", lab.demos[0].go);
    assert_true(lab.demos[0].html);
    assert_string_equal("second", lab.demos[1].name);
    assert_null(lab.demos[1].go);
    assert_false(lab.demos[1].html);
    assert_false(lab.stub_passes); /* default: the stub fails */
    manifest_free(&lab);
}

static void test_stub_passes_is_read_and_needs_a_bench(void **state)
{
    fixture_t *fx = *state;
    char err[512];
    lab_t lab;
    char *yaml = good_with("points: 4\n", "points: 4\nstub: passes\n");
    assert_int_equal(0, load(fx, yaml, &lab, err, sizeof err));
    free(yaml);
    assert_true(lab.stub_passes);
    manifest_free(&lab);
    expect_error(state, "points: 4\n", "points: 4\nstub: slow\n",
                 "'stub' must be fails or passes, not 'slow'");
    yaml =
        good_with("bench:\n  share: 0.3\n  target: 1.2\n  floor: 2.5\n  benchmarks: [BenchmarkX]\n",
                  "stub: passes\n");
    assert_int_not_equal(0, load(fx, yaml, &lab, err, sizeof err));
    free(yaml);
    if (!strstr(err, "'stub: passes' needs a 'bench' section"))
        fail_msg("expected the missing bench to be named, got '%s'", err);
}

static void test_a_demo_needs_its_source_in_demo(void **state)
{
    expect_error(state, "{name: second,", "{name: third,",
                 "demo 'third' has no source labs/demo/demo/third.c");
}

static void test_a_demo_name_is_lowercase_words(void **state)
{
    expect_error(state, "  - name: typed-nil\n", "  - name: Typed_Nil\n",
                 "demo name 'Typed_Nil' must be lowercase letters, digits and '-'");
}

static void test_a_demo_go_original_is_a_go_file_beside_it(void **state)
{
    expect_error(state, "    go: typed-nil.go\n", "    go: ../../x.go\n",
                 "'go' must name a .go file in demo/");
    expect_error(state, "    go: typed-nil.go\n", "    go: other.go\n",
                 "Go original labs/demo/demo/other.go is not a file");
}

static void test_an_unknown_key_in_a_demo_is_an_error(void **state)
{
    expect_error(state, "    html: true\n", "    htm: true\n",
                 "labs/demo/lab.yaml:26: unknown key 'htm' in a demo");
}

static void test_unknown_key_is_an_error_with_its_line(void **state)
{
    expect_error(state, "    weight: 2.5\n", "    wieght: 2.5\n",
                 "labs/demo/lab.yaml:10: unknown key 'wieght' in a test");
}

static void test_missing_required_key_is_named(void **state)
{
    expect_error(state, "points: 4\n", "", "labs/demo/lab.yaml:1: 'points' is missing");
}

static void test_points_must_be_a_number(void **state)
{
    expect_error(state, "points: 4\n", "points: four\n",
                 "labs/demo/lab.yaml:4: 'points' must be a number, not 'four'");
}

static void test_question_must_be_section_dot_number(void **state)
{
    expect_error(state, "question: \"2.10\"\n", "question: \"2\"\n",
                 "labs/demo/lab.yaml:3: 'question' must look like");
}

static void test_name_must_match_the_folder(void **state)
{
    expect_error(state, "name: demo\n", "name: other\n",
                 "labs/demo/lab.yaml:1: name 'other' must equal the folder name 'demo'");
}

static void test_a_test_listed_twice_is_an_error(void **state)
{
    expect_error(state, "  - name: test_two\n", "  - name: test_one\n",
                 "test 'test_one' is listed twice");
}

static void test_editable_file_must_exist(void **state)
{
    expect_error(state, "editable: [demo.c]\n", "editable: [nope.c]\n",
                 "editable file 'nope.c' is not a file in labs/demo");
}

static void test_editable_path_may_not_leave_the_lab(void **state)
{
    expect_error(state, "editable: [demo.c]\n", "editable: [../../etc/passwd]\n",
                 "is not a file in labs/demo");
}

static void test_floor_must_be_above_target(void **state)
{
    expect_error(state, "  floor: 2.5\n", "  floor: 1.0\n", "'floor' (1) must be above 'target'");
}

static void test_network_is_none_or_loopback(void **state)
{
    expect_error(state, "  network: loopback\n", "  network: internet\n",
                 "labs/demo/lab.yaml:18: 'network' must be none or loopback");
}

static void test_yaml_syntax_error_names_its_line(void **state)
{
    expect_error(state, "  - name: test_one\n", "  - name: [test_one\n", "labs/demo/lab.yaml:");
}

static void test_test_name_must_be_an_identifier(void **state)
{
    expect_error(state, "  - name: test_one\n", "  - name: test one!\n", "is not a C identifier");
}

static void test_prefix_is_read_and_must_be_lowercase_letters_and_digits(void **state)
{
    fixture_t *fx = *state;
    char err[512];
    lab_t lab;
    char *yaml = good_with("points: 4\n", "points: 4\nprefix: dm2\n");
    assert_int_equal(0, load(fx, yaml, &lab, err, sizeof err));
    assert_string_equal("dm2", lab.prefix);
    manifest_free(&lab);
    free(yaml);
    expect_error(state, "points: 4\n", "points: 4\nprefix: Dm_\n",
                 "labs/demo/lab.yaml:5: prefix 'Dm_' must be lowercase letters and digits");
}

static void test_explicit_sources_may_name_support_files_only_inside_the_lab(void **state)
{
    fixture_t *fx = *state;
    char err[512];
    lab_t lab;
    char *yaml = good_with("needs:", "sources: [demo.c, support/demo_helper.c]\nneeds:");
    assert_int_equal(0, load(fx, yaml, &lab, err, sizeof err));
    assert_true(lab.sources_given);
    assert_int_equal(2, lab.n_sources);
    manifest_free(&lab);
    free(yaml);
    expect_error(state, "needs:", "sources: [demo.c, support/../../x.c]\nneeds:",
                 "source 'support/../../x.c' is not a file in labs/demo");
}

static void test_test_only_lists_the_prefixes_the_audit_refuses(void **state)
{
    fixture_t *fx = *state;
    char err[512];
    lab_t lab;
    char *yaml = good_with("needs:", "test_only: [protobuf_c_, wtc__]\nneeds:");
    assert_int_equal(0, load(fx, yaml, &lab, err, sizeof err));
    assert_int_equal(2, lab.n_test_only);
    assert_string_equal("protobuf_c_", lab.test_only[0]);
    assert_string_equal("wtc__", lab.test_only[1]);
    manifest_free(&lab);
    free(yaml);
    expect_error(state,
                 "needs:", "test_only: {protobuf_c_: 1}\nneeds:", "'test_only' must be a list");
}

static void test_labs_load_in_exam_order_and_questions_are_unique(void **state)
{
    fixture_t *fx = *state;
    char err[512];
    lab_set_t set;
    write_file(fx->root, "labs/demo/lab.yaml", good_yaml);
    char *other = good_with("name: demo\n", "name: alpha\n");
    char *first = strstr(other, "\"2.10\"");
    memcpy(first, "\"2.9\" ", 6);
    write_file(fx->root, "labs/alpha/lab.yaml", other);
    write_file(fx->root, "labs/alpha/demo.c", "int z;\n");
    write_file(fx->root, "labs/alpha/demo/typed-nil.c", "int main(void) { return 0; }\n");
    write_file(fx->root, "labs/alpha/demo/typed-nil.go", "package main\n");
    write_file(fx->root, "labs/alpha/demo/second.c", "int main(void) { return 0; }\n");
    assert_int_equal(0, manifest_load_all(fx->root, NULL, &set, err, sizeof err));
    assert_int_equal(2, set.n);
    assert_string_equal("alpha", set.labs[0].name);   /* 2.9 before 2.10: numeric order */
    assert_string_equal("demo", set.labs[1].name);
    manifest_set_free(&set);
    free(other);
    other = good_with("name: demo\n", "name: alpha\n");
    write_file(fx->root, "labs/alpha/lab.yaml", other);
    assert_int_not_equal(0, manifest_load_all(fx->root, NULL, &set, err, sizeof err));
    assert_non_null(strstr(err, "question 2.10 is already taken"));
    free(other);
}

UG_TEST_GROUP(
    manifest, NULL, NULL,
    cmocka_unit_test_setup_teardown(test_good_manifest_loads_every_field, setup, teardown),
    cmocka_unit_test_setup_teardown(test_unknown_key_is_an_error_with_its_line, setup, teardown),
    cmocka_unit_test_setup_teardown(test_missing_required_key_is_named, setup, teardown),
    cmocka_unit_test_setup_teardown(test_points_must_be_a_number, setup, teardown),
    cmocka_unit_test_setup_teardown(test_question_must_be_section_dot_number, setup, teardown),
    cmocka_unit_test_setup_teardown(test_name_must_match_the_folder, setup, teardown),
    cmocka_unit_test_setup_teardown(test_a_test_listed_twice_is_an_error, setup, teardown),
    cmocka_unit_test_setup_teardown(test_editable_file_must_exist, setup, teardown),
    cmocka_unit_test_setup_teardown(test_editable_path_may_not_leave_the_lab, setup, teardown),
    cmocka_unit_test_setup_teardown(test_floor_must_be_above_target, setup, teardown),
    cmocka_unit_test_setup_teardown(test_stub_passes_is_read_and_needs_a_bench, setup, teardown),
    cmocka_unit_test_setup_teardown(test_network_is_none_or_loopback, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml_syntax_error_names_its_line, setup, teardown),
    cmocka_unit_test_setup_teardown(test_test_name_must_be_an_identifier, setup, teardown),
    cmocka_unit_test_setup_teardown(test_a_demo_needs_its_source_in_demo, setup, teardown),
    cmocka_unit_test_setup_teardown(test_test_only_lists_the_prefixes_the_audit_refuses, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_a_demo_name_is_lowercase_words, setup, teardown),
    cmocka_unit_test_setup_teardown(test_a_demo_go_original_is_a_go_file_beside_it, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_an_unknown_key_in_a_demo_is_an_error, setup, teardown),
    cmocka_unit_test_setup_teardown(test_prefix_is_read_and_must_be_lowercase_letters_and_digits,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(
        test_explicit_sources_may_name_support_files_only_inside_the_lab, setup, teardown),
    cmocka_unit_test_setup_teardown(test_labs_load_in_exam_order_and_questions_are_unique, setup,
                                    teardown));
