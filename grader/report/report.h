/*
 * report.h — a run's results, written for people and for machines.
 *
 *   report_print_table     the terminal summary: a row per lab, then each
 *                          failing test with its output, seed and rerun command
 *   report_json            our own schema (schema_version 2), readable back
 *                          with report_read_json
 *   report_gradescope      Gradescope's results.json
 *   report_junit           JUnit XML, for CI systems
 *   report_html            one self-contained page for reviewers (report_html.c)
 *
 * The render functions return a new string (caller frees) or NULL when out
 * of memory; the grader writes them with fsutil_write_atomic().
 */
#ifndef UNDERGO_REPORT_H
#define UNDERGO_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "result.h"

#define REPORT_SCHEMA_VERSION 2

/* Prints the summary table and the failures to f; color adds ANSI colors. */
void report_print_table(FILE *f, const run_result_t *r, bool color);

/* Renders the run in undergo's JSON schema. */
char *report_json(const run_result_t *r);

/* Reads JSON written by report_json() into *r. Returns 0, or -EINVAL with
 * one line in err ("<path>:LINE: what is wrong"). */
int report_read_json(const char *path, run_result_t *r, char *err, size_t errlen);

/* Renders Gradescope's results.json: score, execution_time, output, tests. */
char *report_gradescope(const run_result_t *r);

/* Renders JUnit XML: a testsuite per lab, a testcase per test. */
char *report_junit(const run_result_t *r);

/* Renders one self-contained HTML page (inline CSS and SVG, no script, no
 * outside links): score per exam section, a card per lab, benchmark charts
 * with 95% confidence whiskers, isolation, machine and timestamps. */
char *report_html(const run_result_t *r);

#endif
