/*
 * test_html.c — the HTML report of a synthetic run: every exam section
 * scored under its English label, failures open with output, seed and
 * rerun command, passes folded, benchmarks drawn as inline SVG with
 * confidence whiskers, hostile text escaped, and nothing outside the file
 * referenced.
 */
#include <undergo/labtest.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "score.h"

static char *sdup(const char *s) { return s ? strdup(s) : NULL; }

static const char hostile[] = "</pre><script>alert(1)</script><img src=x onerror=alert(2)>"
                              " & \"q\" 'a' \x01 caf\xc3\xa9 \xff";

static void add_test(lab_result_t *lr, const char *name, verdict_t v, const char *out)
{
    lr->tests[lr->n_tests++] = (test_result_t){
        .name = sdup(name), .weight = 1, .verdict = v, .seed = 42, .duration_s = 0.5,
        .signal = v == VERDICT_CRASH ? 11 : 0, .output = sdup(out),
        .rerun = v == VERDICT_PASS ? NULL : sdup("grader run iface -run '^t$' --seed 42")};
}

static void add_bench(lab_result_t *lr, const char *name, size_t n, double ref, double cand)
{
    bench_result_t *b = &lr->benches[lr->n_benches++];
    *b = (bench_result_t){.name = sdup(name), .unit = sdup("ns/op"), .n = n,
                          .reference = calloc(n, sizeof(double)),
                          .candidate = calloc(n, sizeof(double)), .ratio = cand / ref};
    for (size_t i = 0; i < n; i++) {
        b->reference[i] = ref + (double)i;
        b->candidate[i] = cand + (double)i;
    }
}

static lab_result_t *add_lab(run_result_t *r, const char *name, const char *q, double points)
{
    lab_result_t *lr = &r->labs[r->n_labs++];
    *lr = (lab_result_t){.name = sdup(name), .title = sdup(name), .question = sdup(q),
                         .points = points, .perf_share = 0.2, .perf_target = 1.1,
                         .perf_floor = 3, .tests = calloc(4, sizeof(test_result_t)),
                         .benches = calloc(2, sizeof(bench_result_t))};
    return lr;
}

/* Five labs over the four sections: 1.1 with a crash (hostile output), a
 * failure and a pass and two benchmarks, 1.2 all passing, 2.1, 3.4 and
 * 4.10 passing. */
static void sample_run(run_result_t *r)
{
    memset(r, 0, sizeof *r);
    r->variant = sdup("candidate");
    r->submission = sdup("/subs/<alice>");
    r->isolation = sdup("rlimits, seccomp");
    r->machine = sdup("test cpu <b>, 2 cores");
    r->started_at = sdup("2026-01-02T03:04:05Z");
    r->duration_s = 65;
    r->labs = calloc(5, sizeof *r->labs);
    lab_result_t *a = add_lab(r, "iface", "1.1", 3);
    add_test(a, "test_crash<i>", VERDICT_CRASH, hostile);
    add_test(a, "test_wrong", VERDICT_FAIL, "expected 1, got 2");
    add_test(a, "test_fine", VERDICT_PASS, NULL);
    add_bench(a, "BenchmarkCall", 6, 100, 110);
    add_bench(a, "BenchmarkFew", 3, 100, 90);
    add_test(add_lab(r, "gc", "1.2", 3), "test_gc", VERDICT_PASS, NULL);
    add_test(add_lab(r, "rpc", "2.1", 4), "test_rpc", VERDICT_PASS, NULL);
    add_test(add_lab(r, "lsm", "3.4", 5), "test_lsm", VERDICT_PASS, NULL);
    add_test(add_lab(r, "raft", "4.10", 6), "test_raft", VERDICT_PASS, NULL);
    for (size_t i = 0; i < r->n_labs; i++)
        score_lab(&r->labs[i]);
    score_run(r);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static void test_html_escapes_hostile_output_names_and_paths(void **state)
{
    (void)state;
    run_result_t r;
    sample_run(&r);
    char *html = report_html(&r);
    assert_non_null(html);
    assert_int_equal(0, count(html, "<script"));
    assert_int_equal(0, count(html, "<img"));
    assert_int_equal(0, count(html, "<alice>"));
    assert_int_equal(0, count(html, "<i>"));
    assert_int_equal(0, count(html, "<b>"));
    assert_non_null(strstr(html, "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(html, "&amp; &quot;q&quot; &#39;a&#39; ? caf\xc3\xa9 ?"));
    assert_non_null(strstr(html, "test_crash&lt;i&gt;"));
    assert_non_null(strstr(html, "/subs/&lt;alice&gt;"));
    /* one <pre> opened per failure, all closed: the output could not end one early */
    assert_int_equal(count(html, "<pre"), count(html, "</pre>"));
    free(html);
    run_result_free(&r);
}

static void test_html_scores_each_exam_section_under_its_english_label(void **state)
{
    (void)state;
    run_result_t r;
    sample_run(&r);
    char *html = report_html(&r);
    const char *s1 = strstr(html, "1 Foundations"), *s2 = strstr(html, "2 gRPC"),
               *s3 = strstr(html, "3 Storage"), *s4 = strstr(html, "4 Systems");
    assert_true(s1 && s2 && s3 && s4);
    assert_true(s1 < s2 && s2 < s3 && s3 < s4);
    /* section 1: iface (1/3 of its tests: 3 × 0.8 / 3) + gc (all passed, not
     * benchmarked: 3 × 0.8) of 6 */
    char want[64];
    snprintf(want, sizeof want, "%.2f / 6.00", 0.8 + 2.4);
    assert_non_null(strstr(s1, want));
    assert_true(strstr(s1, want) < s2);
    /* raft passes everything, but was graded without benchmarks: its
     * performance share (0.2 of 6) is not measured, not counted */
    assert_non_null(strstr(s4, "4.80 / 6.00"));
    assert_null(strstr(html, "Other"));
    free(html);
    run_result_free(&r);
}

static void test_html_opens_failures_with_seed_and_rerun_and_folds_passes(void **state)
{
    (void)state;
    run_result_t r;
    sample_run(&r);
    char *html = report_html(&r);
    assert_int_equal(2, count(html, "<details class=\"test failure\" open>"));
    assert_int_equal(5, count(html, "<details class=\"passes\">"));
    assert_non_null(strstr(html, "crash (SIGSEGV)"));
    assert_non_null(strstr(html, "<dt>seed</dt><dd>42</dd>"));
    assert_non_null(strstr(html, "grader run iface -run &#39;^t$&#39; --seed 42"));
    assert_non_null(strstr(html, "expected 1, got 2"));
    free(html);
    run_result_free(&r);
}

static void test_html_draws_benchmarks_as_inline_svg_with_confidence_whiskers(void **state)
{
    (void)state;
    run_result_t r;
    sample_run(&r);
    char *html = report_html(&r);
    assert_int_equal(2, count(html, "<svg "));
    /* 6 samples give a finite 95% CI on both sides; 3 samples do not */
    assert_int_equal(2, count(html, "class=\"whisker\""));
    assert_int_equal(1, count(html, "too few for a 95% interval"));
    /* per-round ratios (110+i)/(100+i): median of rounds 0..5 */
    assert_non_null(strstr(html, "candidate/reference ×1.098"));
    /* within the target (1.1): coloured as earning full performance */
    assert_non_null(strstr(html, "<span class=\"ratio full\" title=\"full performance\">"
                                 "candidate/reference ×1.098"));
    assert_non_null(strstr(html, "<rect class=\"reference\""));
    assert_non_null(strstr(html, "<rect class=\"candidate\""));
    free(html);
    run_result_free(&r);
}

/* The span of benchmark name's ratio in html (NULL if none). */
static const char *ratio_span(const char *html, const char *name)
{
    char code[128];
    snprintf(code, sizeof code, "<code>%s</code> <span class=\"ratio ", name);
    const char *p = strstr(html, code);
    return p ? p + strlen(code) - strlen("<span class=\"ratio ") : NULL;
}

static bool starts(const char *s, const char *prefix)
{
    return s && !strncmp(s, prefix, strlen(prefix));
}

/* A lab that passed every test, target 1.1 and floor 3: six rounds per
 * benchmark, so each gets a finite interval. */
static void test_html_colours_each_ratio_by_the_performance_it_earned(void **state)
{
    (void)state;
    run_result_t r = {0};
    r.labs = calloc(2, sizeof *r.labs);
    lab_result_t *lr = add_lab(&r, "iface", "1.1", 3);
    add_test(lr, "test_fine", VERDICT_PASS, NULL);
    lr->benches = realloc(lr->benches, 4 * sizeof *lr->benches);
    add_bench(lr, "BenchmarkAtTarget", 6, 100, 109);   /* ×1.09: full */
    add_bench(lr, "BenchmarkSlower", 6, 100, 200);     /* ×2 in between: partial */
    add_bench(lr, "BenchmarkPastFloor", 6, 100, 400);  /* ×4 past the floor: zero */
    add_bench(lr, "BenchmarkAboveOne", 6, 1000, 1150); /* ×1.15, interval reaching 1.1: */
    lr->benches[3].candidate[0] = 1090;                /* one round at ×1.09 */
    lr->benches[3].candidate[1] = 1100;                /* partial, the median decides */
    score_lab(lr);
    lab_result_t *none = add_lab(&r, "gc", "1.2", 3); /* graded with --no-bench */
    add_test(none, "test_gc", VERDICT_PASS, NULL);
    score_lab(none);
    score_run(&r);
    char *html = report_html(&r);
    assert_true(starts(ratio_span(html, "BenchmarkAtTarget"), "<span class=\"ratio full\""));
    assert_true(starts(ratio_span(html, "BenchmarkSlower"), "<span class=\"ratio partial\""));
    assert_true(starts(ratio_span(html, "BenchmarkPastFloor"), "<span class=\"ratio zero\""));
    assert_true(starts(ratio_span(html, "BenchmarkAboveOne"), "<span class=\"ratio partial\""));
    assert_non_null(strstr(html, "<span class=\"ratio not-measured\">performance not measured"));
    assert_non_null(strstr(html, ".ratio.full{color:var(--pass)}"));
    free(html);
    run_result_free(&r);
}

static void test_html_is_self_contained_and_fits_a_phone(void **state)
{
    (void)state;
    run_result_t r;
    sample_run(&r);
    char *html = report_html(&r);
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "src=\""));
    assert_null(strstr(html, "url("));
    assert_null(strstr(html, "@import"));
    assert_non_null(strstr(html, "<meta name=\"viewport\" content=\"width=device-width"));
    assert_non_null(strstr(html, "@media (max-width:"));
    assert_non_null(strstr(html, "rlimits, seccomp"));
    assert_non_null(strstr(html, "test cpu &lt;b&gt;, 2 cores"));
    assert_non_null(strstr(html, "2026-01-02T03:05:10Z"));   /* started + 65 s */
    free(html);
    run_result_free(&r);
}

UG_TEST_GROUP(html, NULL, NULL, cmocka_unit_test(test_html_escapes_hostile_output_names_and_paths),
              cmocka_unit_test(test_html_scores_each_exam_section_under_its_english_label),
              cmocka_unit_test(test_html_opens_failures_with_seed_and_rerun_and_folds_passes),
              cmocka_unit_test(test_html_draws_benchmarks_as_inline_svg_with_confidence_whiskers),
              cmocka_unit_test(test_html_colours_each_ratio_by_the_performance_it_earned),
              cmocka_unit_test(test_html_is_self_contained_and_fits_a_phone));
