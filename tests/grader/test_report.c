/*
 * test_report.c — the report formats: our JSON reads back to the same
 * document, Gradescope's fields add up to the score, JUnit XML parses, and
 * hostile test output cannot break any of them.
 */
#include <undergo/labtest.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "report.h"
#include "score.h"
#include "text.h"

static char *sdup(const char *s) { return s ? strdup(s) : NULL; }

/* A run of two labs: one graded with a crash and a hostile output, one
 * that did not build. */
static void sample_run(run_result_t *r)
{
    memset(r, 0, sizeof *r);
    r->variant = sdup("candidate");
    r->submission = sdup("/subs/alice");
    r->isolation = sdup("rlimits, seccomp");
    r->machine = sdup("test cpu, 2 cores");
    r->started_at = sdup("2026-01-02T03:04:05Z");
    r->seed = 7;
    r->duration_s = 12.5;
    r->n_labs = 2;
    r->labs = calloc(2, sizeof *r->labs);
    lab_result_t *a = &r->labs[0], *b = &r->labs[1];
    *a = (lab_result_t){.name = sdup("iface"), .title = sdup("Interfaces"), .question = sdup("1.1"),
                        .points = 3, .perf_share = 0.2, .perf_target = 1.1, .perf_floor = 3};
    a->n_tests = 3;
    a->tests = calloc(3, sizeof *a->tests);
    a->tests[0] = (test_result_t){.name = sdup("test_ok"), .weight = 1, .verdict = VERDICT_PASS,
                                  .seed = 7, .duration_s = 0.01};
    a->tests[1] = (test_result_t){.name = sdup("test_crash"), .weight = 2,
                                  .verdict = VERDICT_CRASH, .signal = 11, .seed = 7,
                                  .output = sdup("<b>&\"quotes\" ]]> caf\xc3\xa9"),
                                  .rerun = sdup("grader run iface -run '^test_crash$'")};
    a->tests[2] = (test_result_t){.name = sdup("test_hidden"), .weight = 1, .hidden = true,
                                  .verdict = VERDICT_PASS, .seed = 7};
    *b = (lab_result_t){.name = sdup("gc"), .title = sdup("GC"), .question = sdup("1.2"),
                        .points = 3, .status = LAB_BUILD_ERROR,
                        .build_output = sdup("gc.c:1: error: expected ';'")};
    b->n_tests = 1;
    b->tests = calloc(1, sizeof *b->tests);
    b->tests[0] = (test_result_t){.name = sdup("test_x"), .weight = 1,
                                  .verdict = VERDICT_BUILD_ERROR, .seed = 7};
    score_lab(a);
    score_lab(b);
    score_run(r);
}

static char *tmp_path(const char *suffix)
{
    char *p = malloc(64);
    snprintf(p, 64, "/tmp/ug-report-%ld%s", (long)getpid(), suffix);
    return p;
}

static void test_json_report_reads_back_to_the_same_document(void **state)
{
    (void)state;
    run_result_t r, back;
    char err[256], *path = tmp_path(".json");
    sample_run(&r);
    char *first = report_json(&r);
    assert_non_null(first);
    assert_int_equal(0, fsutil_write_atomic(path, first, strlen(first)));
    assert_int_equal(0, report_read_json(path, &back, err, sizeof err));
    char *second = report_json(&back);
    assert_string_equal(first, second);
    assert_int_equal(2, back.n_labs);
    assert_int_equal(VERDICT_CRASH, back.labs[0].tests[1].verdict);
    free(first);
    free(second);
    run_result_free(&r);
    run_result_free(&back);
    unlink(path);
    free(path);
}

static void test_corrupt_json_report_is_an_error_with_its_line(void **state)
{
    (void)state;
    run_result_t back;
    char err[256], *path = tmp_path(".bad.json");
    const char *bad = "{\n  \"schema_version\": 1,\n  \"labs\": [\n";
    assert_int_equal(0, fsutil_write_atomic(path, bad, strlen(bad)));
    assert_int_not_equal(0, report_read_json(path, &back, err, sizeof err));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, ":4:"));
    const char *wrong = "{\"schema_version\": 1, \"labs\": [{\"name\": 5}]}";
    assert_int_equal(0, fsutil_write_atomic(path, wrong, strlen(wrong)));
    assert_int_not_equal(0, report_read_json(path, &back, err, sizeof err));
    assert_non_null(strstr(err, "labs[0].name: expected a string"));
    unlink(path);
    free(path);
}

static void test_gradescope_tests_add_up_to_the_score(void **state)
{
    (void)state;
    run_result_t r;
    sample_run(&r);
    char *text = report_gradescope(&r);
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    assert_non_null(root);
    assert_true(json_is_number(json_object_get(root, "score")));
    assert_true(json_is_integer(json_object_get(root, "execution_time")));
    assert_true(json_is_string(json_object_get(root, "output")));
    json_t *tests = json_object_get(root, "tests");
    double sum = 0, max = 0;
    size_t i;
    json_t *t;
    json_array_foreach(tests, i, t) {
        const char *status = json_string_value(json_object_get(t, "status"));
        const char *vis = json_string_value(json_object_get(t, "visibility"));
        assert_true(!strcmp(status, "passed") || !strcmp(status, "failed"));
        assert_true(!strcmp(vis, "visible") || !strcmp(vis, "after_published"));
        assert_non_null(json_string_value(json_object_get(t, "number")));
        assert_true(json_is_array(json_object_get(t, "tags")));
        sum += json_number_value(json_object_get(t, "score"));
        max += json_number_value(json_object_get(t, "max_score"));
    }
    assert_true(fabs(sum - r.score) < 1e-9);
    assert_true(fabs(max - r.max) < 1e-9);
    json_t *hidden = json_array_get(tests, 2);
    assert_string_equal("after_published", json_string_value(json_object_get(hidden, "visibility")));
    assert_string_equal("1.1.2", json_string_value(json_object_get(json_array_get(tests, 1), "number")));
    json_decref(root);
    free(text);
    run_result_free(&r);
}

static void test_junit_xml_is_well_formed_with_hostile_output(void **state)
{
    (void)state;
    run_result_t r;
    sample_run(&r);
    char *xml = report_junit(&r), *path = tmp_path(".xml"), cmd[256];
    assert_int_equal(0, fsutil_write_atomic(path, xml, strlen(xml)));
    snprintf(cmd, sizeof cmd, "xmllint --noout %s", path);
    assert_int_equal(0, system(cmd));
    assert_non_null(strstr(xml, "<failure type=\"crash\""));
    assert_non_null(strstr(xml, "<error type=\"build-error\""));
    assert_non_null(strstr(xml, "&lt;b&gt;&amp;&quot;quotes&quot;"));
    unlink(path);
    free(path);
    free(xml);
    run_result_free(&r);
}

static void test_text_clean_replaces_invalid_utf8_and_controls(void **state)
{
    (void)state;
    const char in[] = "ok\x01\xc3\xa9\xff\xe2\x82\n\t\xed\xa0\x80\xf0\x9f\x98\x80";
    char *out = text_clean(in, sizeof in - 1);
    assert_string_equal("ok?\xc3\xa9???\n\t???\xf0\x9f\x98\x80", out);
    free(out);
    char with_nul[] = {'a', 0, 'b', '\r', 'c'};
    out = text_clean(with_nul, 5);
    assert_string_equal("a?b?c", out);
    free(out);
}

static void test_atomic_write_replaces_a_planted_symlink_not_its_target(void **state)
{
    (void)state;
    char *target = tmp_path(".target"), *link = tmp_path(".link"), *data = NULL;
    assert_int_equal(0, fsutil_write_atomic(target, "precious", 8));
    assert_int_equal(0, symlink(target, link));
    assert_int_equal(0, fsutil_write_atomic(link, "report", 6));
    assert_int_equal(0, fsutil_read(target, &data, NULL));
    assert_string_equal("precious", data);
    free(data);
    assert_int_equal(0, fsutil_read(link, &data, NULL));
    assert_string_equal("report", data);
    free(data);
    unlink(link);
    unlink(target);
    free(link);
    free(target);
}

static void test_remove_tree_removes_a_tree_deeper_than_path_max(void **state)
{
    (void)state;
    char root[64], name[201];
    snprintf(root, sizeof root, "/tmp/ug-deep-%ld", (long)getpid());
    memset(name, 'd', 200);
    name[200] = '\0';
    assert_int_equal(0, fsutil_mkdirs(root));
    int fd = open(root, O_RDONLY | O_DIRECTORY);
    for (int depth = 0; depth < 40 && fd >= 0; depth++) {   /* 40 × 201 bytes > PATH_MAX */
        assert_int_equal(0, mkdirat(fd, name, 0755));
        int next = openat(fd, name, O_RDONLY | O_DIRECTORY);
        close(fd);
        fd = next;
    }
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(0, fsutil_remove_tree(root));
    assert_false(fsutil_exists(root));
}

UG_TEST_GROUP(report, NULL, NULL,
    cmocka_unit_test(test_json_report_reads_back_to_the_same_document),
    cmocka_unit_test(test_corrupt_json_report_is_an_error_with_its_line),
    cmocka_unit_test(test_gradescope_tests_add_up_to_the_score),
    cmocka_unit_test(test_junit_xml_is_well_formed_with_hostile_output),
    cmocka_unit_test(test_text_clean_replaces_invalid_utf8_and_controls),
    cmocka_unit_test(test_atomic_write_replaces_a_planted_symlink_not_its_target),
    cmocka_unit_test(test_remove_tree_removes_a_tree_deeper_than_path_max));
