/*
 * report_html.c — the run as one self-contained HTML page for reviewers.
 *
 * Everything is inline: CSS in a <style>, charts as <svg>, no script, no
 * link to anything outside the file, so the page can be mailed, archived
 * and opened offline. It reads top to bottom: the total, the score per
 * exam section (the number before the dot of a lab's question), a card
 * per lab (failures open with their output, seed and rerun command;
 * passes folded in a <details>), benchmark charts, then the isolation,
 * the machine and the timestamps. Layout is one fluid column: long lines
 * wrap, charts scale with their viewBox, so nothing scrolls sideways on a
 * phone.
 *
 * Every string from the run (test names and output, paths, the machine)
 * goes through text_clean + text_add_xml: test output is the candidate's.
 *
 * Interface: report_html(r) → a new string (caller frees).
 */
#include "report.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchstat.h"
#include "score.h"
#include "strbuf.h"
#include "text.h"

#define HTML_SECTIONS 10   /* questions 1.x .. 9.x; others go in "Other" */

/* report.css, embedded at build time (grader/CMakeLists.txt). */
extern const char report_css[];

/* ---- helpers ---------------------------------------------------------------------------- */

/* Appends untrusted text, cleaned and escaped; NULL appends nothing. */
static void html_text(strbuf_t *sb, const char *s)
{
    if (!s)
        return;
    char *c = text_clean(s, strlen(s));
    if (!c) {
        sb->oom = true;
        return;
    }
    text_add_xml(sb, c);
    free(c);
}

/* Turns any text into a safe id fragment: [A-Za-z0-9_-], others become '-'. */
static void html_id(strbuf_t *sb, const char *s)
{
    for (; s && *s; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
        strbuf_add(sb, ok ? &c : "-", 1);
    }
}

static int lab_section(const lab_result_t *lr)
{
    int s = lr->question ? atoi(lr->question) : 0;
    return s > 0 && s < HTML_SECTIONS ? s : 0;
}

static const char *section_label(int s)
{
    static const char *names[] = {"Other", "1 Foundations", "2 gRPC", "3 Storage", "4 Systems"};
    static char buf[32];
    if (s >= 0 && s < 5)
        return names[s];
    snprintf(buf, sizeof buf, "Section %d", s);
    return buf;
}

static double pct(double part, double whole)
{
    return whole > 0 ? fmax(0, fmin(100, 100 * part / whole)) : 0;
}

/* ---- header and sections ---------------------------------------------------------------- */

/* started_at + duration, as ISO 8601; "" when started_at does not parse. */
static void finished_at(const run_result_t *r, char *buf, size_t len)
{
    struct tm tm = {0};
    buf[0] = '\0';
    if (!r->started_at || !strptime(r->started_at, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return;
    time_t t = timegm(&tm) + (time_t)(r->duration_s + 0.5);
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void meta_row(strbuf_t *sb, const char *key, const char *value)
{
    strbuf_addf(sb, "<dt>%s</dt><dd>", key);
    html_text(sb, value ? value : "—");
    strbuf_adds(sb, "</dd>");
}

static void html_header(strbuf_t *sb, const run_result_t *r)
{
    strbuf_adds(sb, "<header class=\"card\" id=\"summary\"><h1>undergo report</h1>"
                    "<p class=\"total\" id=\"total\">");
    strbuf_addf(sb, "%.2f <span class=\"muted\">/ %.2f points</span></p>", r->score, r->max);
    if (r->unmeasured > 0)
        strbuf_addf(sb, "<p class=\"muted\">+ %.2f not measured: graded without benchmarks</p>",
                    r->unmeasured);
    if (r->partial)
        strbuf_adds(sb, "<p class=\"muted\">A partial run (-run, a lab subset or --no-bench): "
                        "not a whole grade.</p>");
    strbuf_adds(sb, "<dl>");
    meta_row(sb, "submission", r->submission ? r->submission : "the tree's own sources");
    meta_row(sb, "variant", r->variant);
    meta_row(sb, "started", r->started_at);
    strbuf_addf(sb, "<dt>duration</dt><dd>%.1f s</dd><dt>seed</dt><dd>%llu</dd>", r->duration_s,
                (unsigned long long)r->seed);
    if (r->filter)
        meta_row(sb, "tests", r->filter);
    strbuf_adds(sb, "</dl></header>\n");
}

static void html_sections(strbuf_t *sb, const run_result_t *r)
{
    double score[HTML_SECTIONS] = {0}, max[HTML_SECTIONS] = {0};
    size_t labs[HTML_SECTIONS] = {0};
    for (size_t i = 0; i < r->n_labs; i++) {
        int s = lab_section(&r->labs[i]);
        score[s] += r->labs[i].score;
        max[s] += r->labs[i].points;
        labs[s]++;
    }
    strbuf_adds(sb, "<section class=\"card\" id=\"sections\"><h2>Score by section</h2><table>"
                    "<tr><th>Section</th><th class=\"num\">Score</th><th>of the section</th></tr>");
    for (int k = 1; k <= HTML_SECTIONS; k++) {
        int s = k % HTML_SECTIONS;   /* 1..9, then "Other" last */
        if (!labs[s])
            continue;
        strbuf_addf(sb, "<tr class=\"section\"><td>%s <span class=\"muted hide-narrow\">(%zu lab%s)"
                        "</span></td><td class=\"num\">%.2f / %.2f</td><td><div class=\"bar\">"
                        "<span style=\"width:%.1f%%\"></span></div></td></tr>",
                    section_label(s), labs[s], labs[s] == 1 ? "" : "s", score[s], max[s],
                    pct(score[s], max[s]));
    }
    strbuf_adds(sb, "</table></section>\n");
}

/* ---- lab cards -------------------------------------------------------------------------- */

static void verdict_span(strbuf_t *sb, const test_result_t *t)
{
    const char *v = verdict_name(t->verdict);
    strbuf_addf(sb, "<span class=\"verdict v-%s\">%s", v, v);
    if (t->verdict == VERDICT_CRASH && t->signal && sigabbrev_np(t->signal))
        strbuf_addf(sb, " (SIG%s)", sigabbrev_np(t->signal));
    strbuf_adds(sb, "</span>");
}

static void html_failure(strbuf_t *sb, const lab_result_t *lr, const test_result_t *t)
{
    strbuf_adds(sb, "<details class=\"test failure\" open><summary>");
    verdict_span(sb, t);
    strbuf_adds(sb, " <code>");
    html_text(sb, t->name);
    strbuf_addf(sb, "</code>%s</summary><dl><dt>seed</dt><dd>%llu</dd>",
                t->hidden ? " <span class=\"muted\">(hidden)</span>" : "",
                (unsigned long long)t->seed);
    strbuf_addf(sb, "<dt>time</dt><dd>%.3f s</dd>", t->duration_s);
    if (t->rerun) {
        strbuf_adds(sb, "<dt>rerun</dt><dd><code class=\"rerun\">");
        html_text(sb, t->rerun);
        strbuf_adds(sb, "</code></dd>");
    }
    strbuf_adds(sb, "</dl>");
    if (t->why) {
        strbuf_adds(sb, "<p class=\"why\">");
        html_text(sb, t->why);
        strbuf_adds(sb, "</p>");
    }
    const char *out = t->output ? t->output : lr->build_output;
    if (out && *out) {
        strbuf_adds(sb, "<pre class=\"output\">");
        html_text(sb, out);
        strbuf_adds(sb, "</pre>");
    }
    strbuf_adds(sb, "</details>\n");
}

static void html_passes(strbuf_t *sb, const lab_result_t *lr)
{
    size_t n = lab_count(lr, VERDICT_PASS);
    if (!n)
        return;
    strbuf_addf(sb, "<details class=\"passes\"><summary>%zu test%s passed</summary><ul>", n,
                n == 1 ? "" : "s");
    for (size_t i = 0; i < lr->n_tests; i++) {
        const test_result_t *t = &lr->tests[i];
        if (t->verdict != VERDICT_PASS)
            continue;
        strbuf_adds(sb, "<li><code>");
        html_text(sb, t->name);
        strbuf_addf(sb, "</code> <span class=\"muted\">%.3f s%s</span></li>", t->duration_s,
                    t->hidden ? ", hidden" : "");
    }
    strbuf_adds(sb, "</ul></details>\n");
}

static void html_lab_score(strbuf_t *sb, const lab_result_t *lr)
{
    strbuf_addf(sb, "<p><strong>%.2f / %.2f</strong> · %s · correctness %.0f%%", lr->score,
                lr->points, lab_status_name(lr->status), 100 * lr->correctness);
    if (lr->perf_failed)
        strbuf_adds(sb, " · <span class=\"ratio zero\">performance 0</span>: the candidate's "
                        "benchmark failed");
    else if (lr->perf_measured)
        strbuf_addf(sb,
                    " · <span class=\"ratio %s\">performance %.2f</span> (time ratio %.3f, "
                    "95%% interval [%.3f, %.3f]; full at ≤ %.2f, none at ≥ %.2f)",
                    score_earned_name(score_lab_earned(lr)), lr->performance, lr->perf_ratio,
                    lr->perf_lo, lr->perf_hi, lr->perf_target, lr->perf_floor);
    else if (lr->unmeasured > 0)
        strbuf_addf(sb,
                    " · <span class=\"ratio not-measured\">performance not measured</span> "
                    "(+ %.2f)",
                    lr->unmeasured);
    else
        strbuf_adds(sb, " · no performance share earned");
    strbuf_addf(sb, " · %.1f s</p><ul class=\"chips\">", lr->duration_s);
    for (int v = 0; v < VERDICT_COUNT; v++) {
        size_t n = lab_count(lr, (verdict_t)v);
        if (n)
            strbuf_addf(sb, "<li class=\"v-%s\">%zu %s</li>", verdict_name(v), n, verdict_name(v));
    }
    strbuf_adds(sb, "</ul>");
}

static void html_bench_chart(strbuf_t *sb, const lab_result_t *lr);

static void html_lab(strbuf_t *sb, const lab_result_t *lr)
{
    strbuf_adds(sb, "<section class=\"card lab\" id=\"lab-");
    html_id(sb, lr->name);
    strbuf_adds(sb, "\"><h3><span class=\"q\">");
    html_text(sb, lr->question);
    strbuf_adds(sb, "</span>");
    html_text(sb, lr->title);
    strbuf_adds(sb, " <code class=\"muted\">");
    html_text(sb, lr->name);
    strbuf_adds(sb, "</code></h3>");
    html_lab_score(sb, lr);
    if (lr->status != LAB_GRADED && lr->build_output) {
        strbuf_adds(sb, "<pre class=\"build-output\">");
        html_text(sb, lr->build_output);
        strbuf_adds(sb, "</pre>");
    }
    if (lr->n_notes || lr->n_absent_hidden) {
        strbuf_adds(sb, "<ul class=\"notes\">");
        for (size_t i = 0; i < lr->n_notes; i++) {
            strbuf_adds(sb, "<li>");
            html_text(sb, lr->notes[i]);
            strbuf_adds(sb, "</li>");
        }
        if (lr->n_absent_hidden)
            strbuf_addf(sb, "<li>%zu hidden tests (weight %g) are not in this tree</li>",
                        lr->n_absent_hidden, lr->absent_weight);
        strbuf_adds(sb, "</ul>");
    }
    if (lr->build_warnings) {
        strbuf_adds(sb, "<details class=\"warnings\"><summary>the compiler warned</summary>"
                        "<pre>");
        html_text(sb, lr->build_warnings);
        strbuf_adds(sb, "</pre></details>");
    }
    if (lr->perf_error) {
        strbuf_adds(sb, "<pre class=\"perf-error\">");
        html_text(sb, lr->perf_error);
        strbuf_adds(sb, "</pre>");
    }
    for (size_t i = 0; i < lr->n_tests; i++)
        if (lr->tests[i].verdict != VERDICT_PASS && lr->status == LAB_GRADED)
            html_failure(sb, lr, &lr->tests[i]);
    html_passes(sb, lr);
    html_bench_chart(sb, lr);
    strbuf_adds(sb, "</section>\n");
}

/* ---- benchmark charts ------------------------------------------------------------------- */

#define CHART_W 400.0      /* viewBox width: scaled to the column, text stays legible */
#define CHART_BAR 20.0
#define CHART_X0 70.0      /* bars start after "reference" */
#define CHART_XW (CHART_W - CHART_X0 - 96.0)

typedef struct chart_row {
    benchstat_summary_t ref, cand;
    bool ok;
} chart_row_t;

/* One bar: the median, with the CI as a whisker when n allows one. */
static void chart_bar(strbuf_t *sb, const char *who, const benchstat_summary_t *s, double y,
                      double scale, const char *unit)
{
    char v[32];
    double w = s->center * scale;
    benchstat_format_si(v, sizeof v, s->center);
    strbuf_addf(sb, "<text x=\"0\" y=\"%.1f\">%s</text><rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" "
                    "width=\"%.1f\" height=\"%.1f\"/>",
                y + 14, who, who, CHART_X0, y + 3, w, CHART_BAR - 6);
    double right = w;
    if (s->ci_finite) {
        double lo = CHART_X0 + s->lo * scale, hi = CHART_X0 + s->hi * scale, m = y + CHART_BAR / 2;
        strbuf_addf(sb, "<path class=\"whisker\" d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\"/>",
                    lo, m, hi, lo, m - 5, m + 5, hi, m - 5, m + 5);
        right = fmax(right, hi - CHART_X0);
    }
    strbuf_addf(sb, "<text x=\"%.1f\" y=\"%.1f\">%s ", CHART_X0 + right + 5, y + 14, v);
    html_text(sb, unit);
    strbuf_adds(sb, "</text>");
}

/* Median and 95% CI of both sides; ok is false when a side has no samples. */
static chart_row_t chart_summarize(const bench_result_t *b)
{
    chart_row_t row = {0};
    row.ok = b->n > 0 &&
             !benchstat_summarize(b->reference, b->n, BENCHSTAT_CONFIDENCE, &row.ref) &&
             !benchstat_summarize(b->candidate, b->n, BENCHSTAT_CONFIDENCE, &row.cand);
    return row;
}

static double chart_extent(const chart_row_t *row)
{
    double m = fmax(row->ref.center, row->cand.center);
    if (row->ref.ci_finite)
        m = fmax(m, row->ref.hi);
    if (row->cand.ci_finite)
        m = fmax(m, row->cand.hi);
    return m;
}

/* A benchmark: its name and ratio as text, the two bars as an SVG. */
static void html_bench(strbuf_t *sb, const lab_result_t *lr, const bench_result_t *b)
{
    chart_row_t row = chart_summarize(b);
    double ext = row.ok ? chart_extent(&row) : 0;
    strbuf_adds(sb, "<div class=\"bench\"><p><code>");
    html_text(sb, b->name);
    strbuf_adds(sb, "</code>");
    /* Coloured by the performance this ratio earns by the lab's rule, not
     * by being above 1: a ratio within the target is full marks. */
    const char *e = score_earned_name(score_bench_earned(lr, b));
    strbuf_addf(sb, " <span class=\"ratio %s\" title=\"%s performance\">", e, e);
    if (b->ratio > 0)
        strbuf_addf(sb, "candidate/reference ×%.3f</span>", b->ratio);
    else
        strbuf_adds(sb, "no ratio</span>");
    strbuf_addf(sb, " <span class=\"muted\">(%zu rounds%s)</span></p>", b->n,
                row.ok && !(row.ref.ci_finite && row.cand.ci_finite)
                    ? ": too few for a 95% interval" : "");
    if (!row.ok || ext <= 0) {
        strbuf_adds(sb, "<p class=\"muted\">no samples</p></div>");
        return;
    }
    strbuf_addf(sb, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"", CHART_W,
                2 * CHART_BAR);
    html_text(sb, b->name);
    strbuf_adds(sb, "\">");
    chart_bar(sb, "reference", &row.ref, 0, CHART_XW / ext, b->unit);
    chart_bar(sb, "candidate", &row.cand, CHART_BAR, CHART_XW / ext, b->unit);
    strbuf_adds(sb, "</svg></div>");
}

static void html_bench_chart(strbuf_t *sb, const lab_result_t *lr)
{
    if (!lr->n_benches)
        return;
    strbuf_adds(sb, "<figure class=\"chart\"><figcaption>Benchmarks: median and 95% confidence "
                    "interval per side<span class=\"legend\"><span class=\"reference\"></span>"
                    "reference<span class=\"candidate\"></span>candidate</span></figcaption>");
    for (size_t i = 0; i < lr->n_benches; i++)
        html_bench(sb, lr, &lr->benches[i]);
    strbuf_adds(sb, "</figure>\n");
}

/* ---- the page --------------------------------------------------------------------------- */

static void html_footer(strbuf_t *sb, const run_result_t *r)
{
    char end[64];
    finished_at(r, end, sizeof end);
    strbuf_adds(sb, "<footer class=\"card\" id=\"environment\"><h2>Environment</h2><dl>");
    meta_row(sb, "isolation", r->isolation);
    meta_row(sb, "machine", r->machine);
    meta_row(sb, "started", r->started_at);
    meta_row(sb, "finished", end[0] ? end : NULL);
    strbuf_adds(sb, "</dl><p class=\"muted\">Written by the undergo grader; "
                    "scores are points × ((1 − p) · correctness + p · performance), "
                    "performance counting only when every test passed.</p>"
                    "</footer>\n");
}

char *report_html(const run_result_t *r)
{
    strbuf_t sb = STRBUF_INIT;
    strbuf_adds(&sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                     "<title>undergo report");
    if (r->submission) {
        strbuf_adds(&sb, ": ");
        html_text(&sb, r->submission);
    }
    strbuf_addf(&sb, "</title><style>%s</style></head>\n<body><main>\n", report_css);
    html_header(&sb, r);
    html_sections(&sb, r);
    strbuf_adds(&sb, "<h2>Labs</h2>\n");
    for (size_t i = 0; i < r->n_labs; i++)
        html_lab(&sb, &r->labs[i]);
    html_footer(&sb, r);
    strbuf_adds(&sb, "</main></body></html>\n");
    return strbuf_detach(&sb);
}
