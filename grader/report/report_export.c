/*
 * report_export.c — the run in other systems' formats.
 *
 * Gradescope (results.json), what a candidate sees: every test is worth its
 * share of the lab's correctness points, points × (1 − p) × weight / total
 * weight; the performance part is one more entry worth points × p, scored
 * 0 and said "not measured" when it was not. The entries add up to the
 * run's score exactly. Hidden tests are "after_published" and their output
 * is withheld: a candidate sees their names and verdicts only.
 *
 * JUnit XML: a <testsuite> per lab, a <testcase> per test; build and
 * internal errors are <error>, a lab not handed in is <skipped>, every
 * other non-pass a <failure>.
 */
#include "report.h"

#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "text.h"

#define GS_OUTPUT_MAX 8192   /* Gradescope shows per-test output inline */

/* ---- Gradescope ------------------------------------------------------------------------ */

static double lab_weight(const lab_result_t *lr)
{
    double w = 0;
    for (size_t i = 0; i < lr->n_tests; i++)
        w += lr->tests[i].weight;
    return w;
}

static double correctness_share(const lab_result_t *lr)
{
    return 1 - lr->perf_share;
}

/* What a test says in a report; for_candidate withholds a hidden test's
 * output (the candidate sees its name and verdict). */
static char *test_text(const lab_result_t *lr, const test_result_t *t, bool for_candidate)
{
    strbuf_t sb = STRBUF_INIT;
    strbuf_addf(&sb, "verdict: %s", verdict_name(t->verdict));
    if (for_candidate && t->hidden) {
        strbuf_adds(&sb, "\n(a hidden test: its output is not shown)\n");
        return strbuf_detach(&sb);
    }
    if (t->why && t->verdict != VERDICT_PASS)
        strbuf_addf(&sb, "\n%s", t->why);
    if (t->verdict == VERDICT_CRASH && t->signal)
        strbuf_addf(&sb, " (SIG%s)", sigabbrev_np(t->signal) ? sigabbrev_np(t->signal) : "?");
    strbuf_addf(&sb, "\nseed: %llu\n", (unsigned long long)t->seed);
    if (t->rerun && t->verdict != VERDICT_PASS)
        strbuf_addf(&sb, "rerun: %s\n", t->rerun);
    const char *out = t->output ? t->output : lr->build_output;
    if (out && t->verdict != VERDICT_PASS) {
        size_t n = strlen(out);
        strbuf_add(&sb, out, n > GS_OUTPUT_MAX ? GS_OUTPUT_MAX : n);
        if (n > GS_OUTPUT_MAX)
            strbuf_adds(&sb, "\n[... cut ...]\n");
    }
    return strbuf_detach(&sb);
}

static void gs_add_lab(json_t *tests, const lab_result_t *lr)
{
    double total = lab_weight(lr), share = correctness_share(lr);
    for (size_t i = 0; i < lr->n_tests; i++) {
        const test_result_t *t = &lr->tests[i];
        double max = total > 0 ? lr->points * share * t->weight / total : 0;
        char num[64], name[512];
        snprintf(num, sizeof num, "%s.%zu", lr->question, i + 1);
        snprintf(name, sizeof name, "%s: %s", lr->name, t->name);
        char *out = test_text(lr, t, true);
        json_array_append_new(tests, json_pack(
            "{s:s, s:s, s:f, s:f, s:s, s:s, s:s, s:[s,s]}", "name", name, "number", num,
            "score", t->verdict == VERDICT_PASS ? max : 0.0, "max_score", max, "status",
            t->verdict == VERDICT_PASS ? "passed" : "failed", "output", out ? out : "",
            "visibility", t->hidden ? "after_published" : "visible", "tags", lr->name,
            lr->question));
        free(out);
    }
    if (!(lr->perf_share > 0))
        return;
    char num[64], name[512], out[512];
    snprintf(num, sizeof num, "%s.perf", lr->question);
    snprintf(name, sizeof name, "%s: performance", lr->name);
    if (lr->perf_failed)
        snprintf(out, sizeof out, "your benchmark failed: no performance points");
    else if (!lr->perf_measured && lr->correctness < 1)
        snprintf(out, sizeof out, "not measured: performance counts only when every test passes");
    else if (!lr->perf_measured)
        snprintf(out, sizeof out, "not measured (graded without benchmarks)");
    else
        snprintf(out, sizeof out, "candidate/reference time ratio %.3f, 95%% interval "
                 "[%.3f, %.3f] (full at <= %.2f, none at >= %.2f)", lr->perf_ratio, lr->perf_lo,
                 lr->perf_hi, lr->perf_target, lr->perf_floor);
    json_array_append_new(tests, json_pack(
        "{s:s, s:s, s:f, s:f, s:s, s:s, s:s, s:[s,s,s]}", "name", name, "number", num, "score",
        lr->points * lr->perf_share * lr->performance, "max_score", lr->points * lr->perf_share,
        "status", lr->performance > 0 ? "passed" : "failed", "output", out, "visibility",
        "visible", "tags", lr->name, lr->question, "performance"));
}

char *report_gradescope(const run_result_t *r)
{
    json_t *tests = json_array();
    strbuf_t summary = STRBUF_INIT;
    strbuf_addf(&summary, "undergo: %.2f / %.2f points\n", r->score, r->max);
    if (r->unmeasured > 0)
        strbuf_addf(&summary, "(+ %.2f not measured: graded without benchmarks)\n", r->unmeasured);
    for (size_t i = 0; i < r->n_labs; i++) {
        const lab_result_t *lr = &r->labs[i];
        gs_add_lab(tests, lr);
        strbuf_addf(&summary, "%s %s: %.2f / %.2f (%s)\n", lr->question, lr->name, lr->score,
                    lr->points, lab_status_name(lr->status));
        for (size_t j = 0; j < lr->n_notes; j++)
            strbuf_addf(&summary, "  %s\n", lr->notes[j]);
        if (lr->status != LAB_GRADED && lr->build_output)
            strbuf_addf(&summary, "%s\n", lr->build_output);
    }
    char *out = strbuf_detach(&summary);
    json_t *root = json_pack("{s:f, s:i, s:s, s:s, s:o}", "score", r->score, "execution_time",
                             (int)(r->duration_s + 0.5), "output", out ? out : "",
                             "visibility", "visible", "tests", tests);
    free(out);
    if (!root)
        return NULL;
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    return s;
}

/* ---- JUnit XML -------------------------------------------------------------------------- */

static bool is_error(verdict_t v)
{
    return v == VERDICT_BUILD_ERROR || v == VERDICT_INTERNAL_ERROR;
}

static void junit_case(strbuf_t *sb, const lab_result_t *lr, const test_result_t *t)
{
    strbuf_adds(sb, "    <testcase classname=\"labs.");
    text_add_xml(sb, lr->name);
    strbuf_adds(sb, "\" name=\"");
    text_add_xml(sb, t->name);
    strbuf_addf(sb, "\" time=\"%.3f\"", t->duration_s);
    if (t->verdict == VERDICT_PASS) {
        strbuf_adds(sb, "/>\n");
        return;
    }
    const char *tag = is_error(t->verdict) ? "error"
                    : t->verdict == VERDICT_NOT_SUBMITTED ? "skipped" : "failure";
    char *text = test_text(lr, t, false);
    strbuf_addf(sb, ">\n      <%s type=\"%s\" message=\"%s\">", tag, verdict_name(t->verdict),
                verdict_name(t->verdict));
    text_add_xml(sb, text ? text : "");
    strbuf_addf(sb, "</%s>\n    </testcase>\n", tag);
    free(text);
}

char *report_junit(const run_result_t *r)
{
    strbuf_t sb = STRBUF_INIT;
    size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    for (size_t i = 0; i < r->n_labs; i++)
        for (size_t j = 0; j < r->labs[i].n_tests; j++) {
            verdict_t v = r->labs[i].tests[j].verdict;
            tests++;
            errors += is_error(v);
            skipped += v == VERDICT_NOT_SUBMITTED;
            failures += v != VERDICT_PASS && !is_error(v) && v != VERDICT_NOT_SUBMITTED;
        }
    strbuf_addf(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"undergo\" "
                     "tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
                     "time=\"%.3f\">\n", tests, failures, errors, skipped, r->duration_s);
    for (size_t i = 0; i < r->n_labs; i++) {
        const lab_result_t *lr = &r->labs[i];
        size_t err = lab_count(lr, VERDICT_BUILD_ERROR) + lab_count(lr, VERDICT_INTERNAL_ERROR);
        size_t skip = lab_count(lr, VERDICT_NOT_SUBMITTED);
        size_t fail = lr->n_tests - lab_count(lr, VERDICT_PASS) - err - skip;
        strbuf_adds(&sb, "  <testsuite name=\"");
        text_add_xml(&sb, lr->question);
        strbuf_adds(&sb, " ");
        text_add_xml(&sb, lr->name);
        strbuf_addf(&sb, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
                         "time=\"%.3f\">\n", lr->n_tests, fail, err, skip, lr->duration_s);
        strbuf_addf(&sb, "    <properties>\n      <property name=\"score\" value=\"%.4f\"/>\n"
                         "      <property name=\"points\" value=\"%.4f\"/>\n    </properties>\n",
                    lr->score, lr->points);
        for (size_t j = 0; j < lr->n_tests; j++)
            junit_case(&sb, lr, &lr->tests[j]);
        strbuf_adds(&sb, "  </testsuite>\n");
    }
    strbuf_adds(&sb, "</testsuites>\n");
    return strbuf_detach(&sb);
}
