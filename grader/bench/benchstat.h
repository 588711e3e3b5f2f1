/*
 * benchstat.h — reading Go benchmark output and comparing two sets of it,
 * with the statistics of Go's benchstat.
 *
 * Parsing: Go's benchmark format is lines of `key: value` configuration
 * and `BenchmarkName-P  N  v1 unit1  v2 unit2 ...` results; anything else
 * (PASS, ok, FAIL, log output) is ignored. A line that starts like a
 * result but is malformed is an error, reported as `<file>:LINE: why`.
 *
 * Names, as benchstat reads them: "-P" (GOMAXPROCS) is not part of a
 * benchmark's name, nor is the "Benchmark" prefix, so "BenchmarkX-2",
 * "BenchmarkX" and "X" are one benchmark. A result belongs to a lab when
 * the file's `lab:` line before it says so, or when its name is
 * "<lab>/BenchmarkX" (the grader's reports); rows pair by lab and name,
 * and a result of no known lab pairs with the one lab of the other side
 * that has a benchmark of its name.
 *
 * Statistics, per benchmark and unit: the median with a distribution-free
 * 95% confidence interval from order statistics (binomial tails), the
 * Mann-Whitney U test between old and new (exact distribution, ties
 * included, for small samples; normal approximation with tie correction
 * for large ones), the delta of medians when p ≤ α = 0.05 ("~" otherwise),
 * and a geometric-mean row per unit.
 *
 * Interface: benchstat_parse_file (×2) → benchstat_compare →
 * benchstat_print_table → benchstat_table_free, benchstat_set_free;
 * or `grader compare OLD NEW` (cmd_compare).
 */
#ifndef UNDERGO_GRADER_BENCHSTAT_H
#define UNDERGO_GRADER_BENCHSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BENCHSTAT_CONFIDENCE 0.95
#define BENCHSTAT_ALPHA 0.05

/* ---- parsed input ----------------------------------------------------- */

typedef struct benchstat_value {
    double value;
    char *unit;                 /* "ns/op", "B/op", "MB/s", custom */
} benchstat_value_t;

/* One result line. */
typedef struct benchstat_result {
    char *name;                 /* "BenchmarkX-2", as printed */
    char *lab;                  /* "iface", or NULL when not known */
    char *base;                 /* the name without lab, "Benchmark" and "-P": "X" */
    uint64_t iters;
    benchstat_value_t *values;
    size_t nvalues;
    int line;                   /* 1-based line in its file */
} benchstat_result_t;

typedef struct benchstat_config {
    char *key;
    char *value;
} benchstat_config_t;

/* Everything read from one file; owns all its strings. */
typedef struct benchstat_set {
    char *label;                /* the file name, for table headers */
    benchstat_config_t *config; /* last value of each key, in first-seen order */
    size_t nconfig;
    benchstat_result_t *results;/* in file order */
    size_t nresults;
} benchstat_set_t;

/* Parses Go benchmark text from `in` into *out (zeroed first); `label`
 * names the input in errors and tables. Returns 0; -EINVAL with
 * "<label>:LINE: why" in err on a malformed result line; -ENOMEM. On error
 * *out is left empty. Free with benchstat_set_free. */
int benchstat_parse(FILE *in, const char *label, benchstat_set_t *out, char *err, size_t errlen);

/* Like benchstat_parse on the file at `path`; -errno with
 * "cannot open 'path': reason" in err if it cannot be read. */
int benchstat_parse_file(const char *path, benchstat_set_t *out, char *err, size_t errlen);

/* Length of name without Go's "-<procs>" suffix: "BenchmarkX-2" → 10.
 * Can't fail. */
size_t benchstat_name_base_len(const char *name);

/* Adds one sample (e.g. from a JSON report) as a result line of its own.
 * Copies the strings. Returns 0 or -ENOMEM. */
int benchstat_add_sample(benchstat_set_t *s, const char *name, double value, const char *unit);

/* Frees what *s owns and zeroes it. NULL-safe. */
void benchstat_set_free(benchstat_set_t *s);

/* The value of config `key`, or NULL. The set owns it. */
const char *benchstat_config_get(const benchstat_set_t *s, const char *key);

/* Every value of `unit` for benchmark `name`, in file order, into a new
 * array *out (caller frees; NULL when none). Returns the count or -ENOMEM. */
long benchstat_samples(const benchstat_set_t *s, const char *name, const char *unit, double **out);

/* ---- statistics ------------------------------------------------------- */

typedef struct benchstat_summary {
    double center;              /* the median */
    double lo, hi;              /* CI bounds; ±INFINITY if n is too small */
    double confidence;          /* the level actually achieved, e.g. 0.96875 */
    size_t n;
    bool ci_finite;             /* false → "need >= 6 samples ..." */
} benchstat_summary_t;

/* Median and confidence interval of x[0..n) (n ≥ 1; x is not modified).
 * Returns 0, -EINVAL if n == 0, -ENOMEM. */
int benchstat_summarize(const double *x, size_t n, double confidence, benchstat_summary_t *out);

/* Smallest sample count whose median CI is finite at `confidence` (6 at
 * 0.95), or 0 if more than 50 are needed. Can't fail. */
size_t benchstat_min_samples(double confidence);

/* Two-sided Mann-Whitney U test p-value of x against y. Returns 0; -EDOM
 * when every sample is equal (then *p = 1); -EINVAL if a side is empty;
 * -ENOMEM. */
int benchstat_utest(const double *x, size_t nx, const double *y, size_t ny, double *p);

/* ---- comparison ------------------------------------------------------- */

/* One benchmark of one unit. A side without samples has n == 0. */
typedef struct benchstat_row {
    char *name; /* "lab/X", or "X" when no lab is known */
    benchstat_summary_t old, new;
    double p;                   /* U test; 1 if not computable */
    double delta_pct;           /* (new/old - 1) * 100; NAN if undefined */
    bool significant;           /* p ≤ α: print the delta, else "~" */
} benchstat_row_t;

typedef struct benchstat_unit_table {
    char *unit;                 /* as in the input: "ns/op" */
    benchstat_row_t *rows;
    size_t nrows;
    bool has_geomean;           /* ≥ 2 rows on both sides, all medians > 0 */
    double geo_old, geo_new, geo_delta_pct;
} benchstat_unit_table_t;

typedef struct benchstat_table {
    char *old_label, *new_label;
    benchstat_unit_table_t *units;
    size_t nunits;
    char **warnings;            /* distinct, e.g. "need >= 6 samples ..." */
    size_t nwarnings;
} benchstat_table_t;

/* Compares old with new per unit and benchmark, units and names in order
 * of first appearance. Returns 0 or -ENOMEM; free with
 * benchstat_table_free. */
int benchstat_compare(const benchstat_set_t *old, const benchstat_set_t *new,
                      benchstat_table_t *out);

/* Prints the table as benchstat does, one block per unit, then the
 * warnings. Can't fail (write errors are the stream's). */
void benchstat_print_table(FILE *out, const benchstat_table_t *t);

/* Frees what *t owns and zeroes it. NULL-safe. */
void benchstat_table_free(benchstat_table_t *t);

/* Formats v with 4 significant digits and an SI prefix ("23.45n",
 * "1.235k"), as benchstat scales values. Returns snprintf's count. */
int benchstat_format_si(char *buf, size_t len, double v);

/* `grader compare OLD NEW`: prints the comparison of two benchmark files
 * (Go text, or the grader's JSON report). Returns 0, 1 if a file cannot be
 * read or parsed, 2 on a usage error. */
int cmd_compare(int argc, char **argv);

#endif
