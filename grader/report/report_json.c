/*
 * report_json.c — undergo's own JSON report, written and read back.
 *
 * Schema (schema_version 2; version 1 files, which lack the fields marked
 * "2", are read too):
 *   { schema_version, tool, started_at, duration_s, seed, variant,
 *     submission|null, isolation, machine, filter|null, score, max,
 *     unmeasured (2), partial (2), bench (2: false after --no-bench),
 *     labs: [ { name, question, title, points, status, score, max,
 *               correctness, performance|null, perf_ratio|null, perf_share,
 *               perf_target, perf_floor, duration_s, build_output|null,
 *               unmeasured, perf_lo|null, perf_hi|null, perf_failed,
 *               perf_error|null, build_warnings|null, notes: [..],
 *               absent_hidden, absent_weight (all 2),
 *               verdicts: { pass: n, fail: n, ... },
 *               tests: [ { name, weight, hidden, verdict, signal, duration_s,
 *                          seed, why|null (2), output|null, rerun|null } ],
 *               benchmarks: [ { name, unit, ratio|null, ratio_lo|null (2),
 *                               ratio_hi|null (2), reference: [..],
 *                               candidate: [..] } ] } ] }
 * Reading checks every field it uses, so a hand-edited or truncated file is
 * an error naming the place, never a crash.
 */
#include "report.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing -------------------------------------------------------------------------- */

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *num_or_null(double v) { return v > 0 ? json_real(v) : json_null(); }

static json_t *samples(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_real(v[i]));
    return a;
}

static json_t *test_json(const test_result_t *t)
{
    return json_pack("{s:s, s:f, s:b, s:s, s:i, s:f, s:I, s:o, s:o, s:o}", "name", t->name,
                     "weight", t->weight, "hidden", t->hidden, "verdict",
                     verdict_name(t->verdict), "signal", t->signal, "duration_s", t->duration_s,
                     "seed", (json_int_t)t->seed, "why", str_or_null(t->why), "output",
                     str_or_null(t->output), "rerun", str_or_null(t->rerun));
}

static json_t *lab_json(const lab_result_t *lr)
{
    json_t *verdicts = json_object(), *tests = json_array(), *benches = json_array();
    for (int v = 0; v < VERDICT_COUNT; v++)
        json_object_set_new(verdicts, verdict_name(v), json_integer((json_int_t)lab_count(lr, v)));
    for (size_t i = 0; i < lr->n_tests; i++)
        json_array_append_new(tests, test_json(&lr->tests[i]));
    for (size_t i = 0; i < lr->n_benches; i++) {
        const bench_result_t *b = &lr->benches[i];
        json_array_append_new(benches, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "name",
                                                 b->name, "unit", b->unit, "ratio",
                                                 num_or_null(b->ratio), "ratio_lo",
                                                 num_or_null(b->ratio_lo), "ratio_hi",
                                                 num_or_null(b->ratio_hi), "reference",
                                                 samples(b->reference, b->n), "candidate",
                                                 samples(b->candidate, b->n)));
    }
    json_t *notes = json_array();
    for (size_t i = 0; i < lr->n_notes; i++)
        json_array_append_new(notes, json_string(lr->notes[i]));
    json_t *o = json_pack("{s:s, s:s, s:s, s:f, s:s, s:f, s:f, s:f, s:o, s:o, s:f, s:f, s:f, s:f,"
                     " s:o, s:o, s:o, s:o}",
                     "name", lr->name, "question", lr->question, "title", lr->title, "points",
                     lr->points, "status", lab_status_name(lr->status), "score", lr->score, "max",
                     lr->points, "correctness", lr->correctness, "performance",
                     lr->perf_measured ? json_real(lr->performance) : json_null(), "perf_ratio",
                     lr->perf_measured ? json_real(lr->perf_ratio) : json_null(), "perf_share",
                     lr->perf_share, "perf_target", lr->perf_target, "perf_floor",
                     lr->perf_floor, "duration_s", lr->duration_s, "build_output",
                     str_or_null(lr->build_output), "verdicts", verdicts, "tests", tests,
                     "benchmarks", benches);
    if (!o)
        return NULL;
    json_object_set_new(o, "unmeasured", json_real(lr->unmeasured));
    json_object_set_new(o, "perf_lo", num_or_null(lr->perf_lo));
    json_object_set_new(o, "perf_hi", num_or_null(lr->perf_hi));
    json_object_set_new(o, "perf_failed", json_boolean(lr->perf_failed));
    json_object_set_new(o, "perf_error", str_or_null(lr->perf_error));
    json_object_set_new(o, "build_warnings", str_or_null(lr->build_warnings));
    json_object_set_new(o, "notes", notes);
    json_object_set_new(o, "absent_hidden", json_integer((json_int_t)lr->n_absent_hidden));
    json_object_set_new(o, "absent_weight", json_real(lr->absent_weight));
    return o;
}

char *report_json(const run_result_t *r)
{
    json_t *labs = json_array();
    for (size_t i = 0; i < r->n_labs; i++)
        json_array_append_new(labs, lab_json(&r->labs[i]));
    json_t *root = json_pack("{s:i, s:s, s:o, s:f, s:I, s:o, s:o, s:o, s:o, s:o, s:f, s:f, s:o}",
                             "schema_version", REPORT_SCHEMA_VERSION, "tool", "undergo grader",
                             "started_at", str_or_null(r->started_at), "duration_s",
                             r->duration_s, "seed", (json_int_t)r->seed, "variant",
                             str_or_null(r->variant), "submission", str_or_null(r->submission),
                             "isolation", str_or_null(r->isolation), "machine",
                             str_or_null(r->machine), "filter", str_or_null(r->filter), "score",
                             r->score, "max", r->max, "labs", labs);
    if (!root)
        return NULL;
    json_object_set_new(root, "unmeasured", json_real(r->unmeasured));
    json_object_set_new(root, "partial", json_boolean(r->partial));
    if (r->bench != RUN_BENCH_UNKNOWN)
        json_object_set_new(root, "bench", json_boolean(r->bench == RUN_BENCH_ON));
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    return s;
}

/* ---- reading ---------------------------------------------------------------------------- */

typedef struct reader {
    const char *path;
    char *err;
    size_t errlen;
    int failed;
} reader_t;

static void bad(reader_t *rd, const char *where, const char *what)
{
    if (!rd->failed)
        snprintf(rd->err, rd->errlen, "%s: %s: %s", rd->path, where, what);
    rd->failed = 1;
}

static char *get_str(reader_t *rd, json_t *o, const char *key, bool nullable, const char *where)
{
    json_t *v = json_object_get(o, key);
    if (nullable && (!v || json_is_null(v)))
        return NULL;
    if (!json_is_string(v)) {
        char w[256];
        snprintf(w, sizeof w, "%.120s.%.120s", where, key);
        bad(rd, w, "expected a string");
        return NULL;
    }
    return strdup(json_string_value(v));
}

static double get_num(reader_t *rd, json_t *o, const char *key, const char *where)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return 0;   /* absent: an older writer, or not measured */
    if (!json_is_number(v)) {
        char w[256];
        snprintf(w, sizeof w, "%.120s.%.120s", where, key);
        bad(rd, w, "expected a number");
        return 0;
    }
    return json_number_value(v);
}

static json_t *get_array(reader_t *rd, json_t *o, const char *key, const char *where)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_array(v)) {
        char w[256];
        snprintf(w, sizeof w, "%.120s.%.120s", where, key);
        bad(rd, w, "expected a list");
        return NULL;
    }
    return v;
}

static void read_test(reader_t *rd, json_t *o, const char *where, test_result_t *t)
{
    t->name = get_str(rd, o, "name", false, where);
    t->weight = get_num(rd, o, "weight", where);
    t->hidden = json_is_true(json_object_get(o, "hidden"));
    char *v = get_str(rd, o, "verdict", false, where);
    int vi = v ? verdict_parse(v) : -1;
    if (v && vi < 0)
        bad(rd, where, "unknown verdict");
    t->verdict = vi < 0 ? VERDICT_INTERNAL_ERROR : (verdict_t)vi;
    free(v);
    t->signal = (int)get_num(rd, o, "signal", where);
    t->duration_s = get_num(rd, o, "duration_s", where);
    t->seed = (uint64_t)get_num(rd, o, "seed", where);
    t->why = get_str(rd, o, "why", true, where);
    t->output = get_str(rd, o, "output", true, where);
    t->rerun = get_str(rd, o, "rerun", true, where);
}

static double *read_samples(reader_t *rd, json_t *a, size_t n, const char *where)
{
    double *v = calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; v && i < n; i++) {
        json_t *x = json_array_get(a, i);
        if (!json_is_number(x))
            bad(rd, where, "samples must be numbers");
        v[i] = json_number_value(x);
    }
    return v;
}

static void read_bench(reader_t *rd, json_t *o, const char *where, bench_result_t *b)
{
    b->name = get_str(rd, o, "name", false, where);
    b->unit = get_str(rd, o, "unit", false, where);
    b->ratio = get_num(rd, o, "ratio", where);
    b->ratio_lo = get_num(rd, o, "ratio_lo", where);
    b->ratio_hi = get_num(rd, o, "ratio_hi", where);
    json_t *ref = get_array(rd, o, "reference", where), *cand = get_array(rd, o, "candidate", where);
    if (!ref || !cand)
        return;
    b->n = json_array_size(ref) < json_array_size(cand) ? json_array_size(ref)
                                                        : json_array_size(cand);
    b->reference = read_samples(rd, ref, b->n, where);
    b->candidate = read_samples(rd, cand, b->n, where);
}

static void read_lab(reader_t *rd, json_t *o, const char *where, lab_result_t *lr)
{
    char w[256];
    lr->name = get_str(rd, o, "name", false, where);
    lr->title = get_str(rd, o, "title", false, where);
    lr->question = get_str(rd, o, "question", false, where);
    lr->points = get_num(rd, o, "points", where);
    char *st = get_str(rd, o, "status", false, where);
    int si = st ? lab_status_parse(st) : -1;
    if (st && si < 0)
        bad(rd, where, "unknown lab status");
    lr->status = si < 0 ? LAB_INTERNAL_ERROR : (lab_status_t)si;
    free(st);
    lr->score = get_num(rd, o, "score", where);
    lr->correctness = get_num(rd, o, "correctness", where);
    lr->perf_measured = json_is_number(json_object_get(o, "perf_ratio"));
    lr->performance = get_num(rd, o, "performance", where);
    lr->perf_ratio = get_num(rd, o, "perf_ratio", where);
    lr->perf_share = get_num(rd, o, "perf_share", where);
    lr->perf_target = get_num(rd, o, "perf_target", where);
    lr->perf_floor = get_num(rd, o, "perf_floor", where);
    lr->duration_s = get_num(rd, o, "duration_s", where);
    lr->build_output = get_str(rd, o, "build_output", true, where);
    lr->unmeasured = get_num(rd, o, "unmeasured", where);
    lr->perf_lo = get_num(rd, o, "perf_lo", where);
    lr->perf_hi = get_num(rd, o, "perf_hi", where);
    lr->perf_failed = json_is_true(json_object_get(o, "perf_failed"));
    lr->perf_error = get_str(rd, o, "perf_error", true, where);
    lr->build_warnings = get_str(rd, o, "build_warnings", true, where);
    lr->n_absent_hidden = (size_t)get_num(rd, o, "absent_hidden", where);
    lr->absent_weight = get_num(rd, o, "absent_weight", where);
    json_t *notes = json_object_get(o, "notes");
    if (json_is_array(notes)) {
        lr->notes = calloc(json_array_size(notes) + 1, sizeof *lr->notes);
        for (size_t i = 0; lr->notes && i < json_array_size(notes); i++) {
            json_t *n = json_array_get(notes, i);
            if (json_is_string(n))
                lr->notes[lr->n_notes++] = strdup(json_string_value(n));
        }
    }
    json_t *tests = get_array(rd, o, "tests", where), *benches = get_array(rd, o, "benchmarks", where);
    if (!tests || !benches)
        return;
    lr->tests = calloc(json_array_size(tests) + 1, sizeof *lr->tests);
    lr->benches = calloc(json_array_size(benches) + 1, sizeof *lr->benches);
    for (size_t i = 0; lr->tests && i < json_array_size(tests) && !rd->failed; i++) {
        snprintf(w, sizeof w, "%.200s.tests[%zu]", where, i);
        read_test(rd, json_array_get(tests, i), w, &lr->tests[lr->n_tests++]);
    }
    for (size_t i = 0; lr->benches && i < json_array_size(benches) && !rd->failed; i++) {
        snprintf(w, sizeof w, "%.200s.benchmarks[%zu]", where, i);
        read_bench(rd, json_array_get(benches, i), w, &lr->benches[lr->n_benches++]);
    }
}

int report_read_json(const char *path, run_result_t *r, char *err, size_t errlen)
{
    json_error_t jerr;
    reader_t rd = {.path = path, .err = err, .errlen = errlen};
    memset(r, 0, sizeof *r);
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root) {
        if (jerr.line > 0)
            snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
        else
            snprintf(err, errlen, "cannot read '%s': %s", path, jerr.text);
        return -EINVAL;
    }
    json_t *ver = json_object_get(root, "schema_version");
    if (!json_is_object(root) || !json_is_integer(ver)) {
        bad(&rd, "top level", "not an undergo report (no schema_version)");
    } else if (json_integer_value(ver) < 1 || json_integer_value(ver) > REPORT_SCHEMA_VERSION) {
        char why[96];
        snprintf(why, sizeof why, "version %lld is not supported (this grader reads 1 to %d)",
                 (long long)json_integer_value(ver), REPORT_SCHEMA_VERSION);
        bad(&rd, "schema_version", why);
    } else {
        r->started_at = get_str(&rd, root, "started_at", true, "top level");
        r->variant = get_str(&rd, root, "variant", true, "top level");
        r->submission = get_str(&rd, root, "submission", true, "top level");
        r->isolation = get_str(&rd, root, "isolation", true, "top level");
        r->machine = get_str(&rd, root, "machine", true, "top level");
        r->filter = get_str(&rd, root, "filter", true, "top level");
        r->duration_s = get_num(&rd, root, "duration_s", "top level");
        r->seed = (uint64_t)get_num(&rd, root, "seed", "top level");
        r->score = get_num(&rd, root, "score", "top level");
        r->max = get_num(&rd, root, "max", "top level");
        r->unmeasured = get_num(&rd, root, "unmeasured", "top level");
        r->partial = json_is_true(json_object_get(root, "partial"));
        json_t *bench = json_object_get(root, "bench");
        r->bench = json_is_boolean(bench) ? json_is_true(bench) ? RUN_BENCH_ON : RUN_BENCH_OFF
                                          : RUN_BENCH_UNKNOWN;
        json_t *labs = get_array(&rd, root, "labs", "top level");
        r->labs = calloc(labs ? json_array_size(labs) + 1 : 1, sizeof *r->labs);
        for (size_t i = 0; labs && r->labs && i < json_array_size(labs) && !rd.failed; i++) {
            char w[64];
            snprintf(w, sizeof w, "labs[%zu]", i);
            read_lab(&rd, json_array_get(labs, i), w, &r->labs[r->n_labs++]);
        }
    }
    json_decref(root);
    if (rd.failed) {
        run_result_free(r);
        return -EINVAL;
    }
    return 0;
}
