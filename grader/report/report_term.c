/*
 * report_term.c — the summary a person reads at the end of `grader run`.
 *
 * A row per lab (question, lab, points, tests passed, verdicts, benchmark
 * ratio), the total, then per lab what the plan said of the submission
 * (files ignored, stubs used), the compiler's warnings, and every failing
 * test: why (the first check that differed from the reference's), the
 * first lines of its output, its seed and the command that reruns just
 * that test — the way `go test` ends with what to look at next.
 */
#include "report.h"

#include <signal.h>
#include <stdbool.h>
#include <string.h>

#include "strbuf.h"

#define FAIL_LINES 15

typedef struct colors {
    const char *red, *green, *yellow, *bold, *off;
} colors_t;

static colors_t palette(bool color)
{
    if (!color)
        return (colors_t){"", "", "", "", ""};
    return (colors_t){"\033[31m", "\033[32m", "\033[33m", "\033[1m", "\033[0m"};
}

/* "12 pass" or "10 pass, 1 fail, 1 crash". */
static void verdict_summary(char *buf, size_t len, const lab_result_t *lr)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int v = 0; v < VERDICT_COUNT && used < len; v++) {
        size_t n = lab_count(lr, v);
        if (n)
            used += (size_t)snprintf(buf + used, len - used, "%s%zu %s", used ? ", " : "", n,
                                     verdict_name(v));
    }
    if (!used)
        snprintf(buf, len, "no tests");
}

/* "1.02x", "failed" (the candidate's benchmark), or "-" (not measured). */
static void perf_text(char *buf, size_t len, const lab_result_t *lr)
{
    if (lr->perf_failed)
        snprintf(buf, len, "failed");
    else if (lr->perf_measured)
        snprintf(buf, len, "%.2fx", lr->perf_ratio);
    else
        snprintf(buf, len, "-");
}

static void print_row(FILE *f, const lab_result_t *lr, colors_t c)
{
    char verdicts[256], perf[32], extra[64] = "";
    verdict_summary(verdicts, sizeof verdicts, lr);
    perf_text(perf, sizeof perf, lr);
    if (lr->unmeasured > 0)
        snprintf(extra, sizeof extra, "  + %.2f not measured", lr->unmeasured);
    size_t pass = lab_count(lr, VERDICT_PASS);
    const char *col = lr->score + lr->unmeasured >= lr->points - 1e-9 ? c.green
                    : lr->score > 0                                 ? c.yellow
                                                                    : c.red;
    fprintf(f, "%-6s %-12s %s%6.2f/%-5g%s %4zu/%-4zu %-7s %s%s\n", lr->question, lr->name, col,
            lr->score, lr->points, c.off, pass, lr->n_tests, perf, verdicts, extra);
}

static void print_indented(FILE *f, const char *text, int max_lines)
{
    int lines = 0;
    for (const char *p = text; *p && lines < max_lines;) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        fprintf(f, "    %.*s\n", n, p);
        lines++;
        p += n + (nl != NULL);
        if (lines == max_lines && *p)
            fprintf(f, "    [... more in the report ...]\n");
    }
}

static void print_failure(FILE *f, const lab_result_t *lr, const test_result_t *t, colors_t c)
{
    fprintf(f, "%s--- %s: %s/%s%s", c.red, verdict_name(t->verdict), lr->name, t->name, c.off);
    if (t->verdict == VERDICT_CRASH && t->signal)
        fprintf(f, " (SIG%s)", sigabbrev_np(t->signal) ? sigabbrev_np(t->signal) : "?");
    fprintf(f, " (%.2fs)\n", t->duration_s);
    if (t->why)
        fprintf(f, "    %s%s%s\n", c.bold, t->why, c.off);
    if (t->output && *t->output)
        print_indented(f, t->output, FAIL_LINES);
    fprintf(f, "    seed: %llu\n", (unsigned long long)t->seed);
    if (t->rerun)
        fprintf(f, "    rerun: %s\n", t->rerun);
}

void report_print_table(FILE *f, const run_result_t *r, bool color)
{
    colors_t c = palette(color);
    fprintf(f, "\n%s%-6s %-12s %12s %9s %-7s %s%s\n", c.bold, "exam", "lab", "points", "tests",
            "perf", "verdicts", c.off);
    for (size_t i = 0; i < r->n_labs; i++)
        print_row(f, &r->labs[i], c);
    fprintf(f, "%s%-19s %6.2f/%-5g%s", c.bold, "total", r->score, r->max, c.off);
    if (r->unmeasured > 0)
        fprintf(f, "  + %.2f not measured (performance: run with benchmarks to earn it)",
                r->unmeasured);
    fputc('\n', f);
    if (r->partial)
        fprintf(f, "partial run (-run, a lab subset or --no-bench): not a whole grade\n");
    if (r->isolation)
        fprintf(f, "isolation: %s\n", r->isolation);
    for (size_t i = 0; i < r->n_labs; i++) {
        const lab_result_t *lr = &r->labs[i];
        if (lr->status != LAB_GRADED) {
            fprintf(f, "\n%s--- %s: %s%s\n", c.red, lab_status_name(lr->status), lr->name, c.off);
            print_indented(f, lr->build_output ? lr->build_output : "", 25);
            continue;
        }
        int header = 0;
        if (lr->n_notes || lr->build_warnings || lr->n_absent_hidden)
            fprintf(f, "\n%s--- %s%s\n", c.yellow, lr->name, c.off), header++;
        for (size_t j = 0; j < lr->n_notes; j++)
            fprintf(f, "    %s\n", lr->notes[j]);
        if (lr->n_absent_hidden)
            fprintf(f, "    %zu hidden tests (weight %g) are not in this tree: the reviewer's "
                       "grade runs them too\n", lr->n_absent_hidden, lr->absent_weight);
        if (lr->build_warnings) {
            fprintf(f, "    the compiler warned:\n");
            print_indented(f, lr->build_warnings, 10);
        }
        for (size_t j = 0; j < lr->n_tests; j++) {
            if (lr->tests[j].verdict == VERDICT_PASS)
                continue;
            if (header++ == 0)
                fputc('\n', f);
            print_failure(f, lr, &lr->tests[j], c);
        }
        if (lr->perf_error)
            print_indented(f, lr->perf_error, 10);
    }
}
