/*
 * bench_format.c — one result line in Go's benchmark format.
 *
 * Go's testing package prints, after the padded name and a tab:
 *   iterations (%8d), ns/op, MB/s (%7.2f), custom metrics sorted by unit,
 *   then "%8d B/op\t%8d allocs/op"; fields are tab-separated.
 * Floating values use a width that keeps decimal points aligned: ten places
 * before the point, and four significant digits below 1000 (23.45, 1.234,
 * 0.1234). A custom metric named like a built-in one ("ns/op", "MB/s",
 * "B/op", "allocs/op") replaces the measured value, as ReportMetric does.
 *
 * Interface: ug_bench__format_result(buf, len, &result).
 */
#include "bench_format.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ug_bench__format_value(char *buf, size_t len, double x, const char *unit)
{
    double y = fabs(x);
    int width, prec;

    /* Thresholds sit half a unit of the last digit below each decade, so
     * rounding never spills into a fifth significant digit. */
    if (y == 0 || y >= 999.95) {
        width = 10, prec = 0;
    } else if (y >= 99.995) {
        width = 12, prec = 1;
    } else if (y >= 9.9995) {
        width = 13, prec = 2;
    } else if (y >= 0.99995) {
        width = 14, prec = 3;
    } else if (y >= 0.099995) {
        width = 15, prec = 4;
    } else if (y >= 0.0099995) {
        width = 16, prec = 5;
    } else if (y >= 0.00099995) {
        width = 17, prec = 6;
    } else {
        width = 18, prec = 7;
    }
    return snprintf(buf, len, "%*.*f %s", width, prec, x, unit);
}

bool ug_bench__unit_ok(const char *unit)
{
    size_t n = strlen(unit);

    if (n == 0 || n >= UG_BENCH_UNIT_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (isspace((unsigned char)unit[i]))
            return false;
    return true;
}

/* The custom metric named `unit`, or NULL. */
static const ug_bench_metric_t *format_find(const ug_bench_result_t *r, const char *unit)
{
    for (size_t i = 0; i < r->nmetrics; i++)
        if (strcmp(r->metrics[i].unit, unit) == 0)
            return &r->metrics[i];
    return NULL;
}

static bool format_builtin(const char *unit)
{
    return strcmp(unit, "ns/op") == 0 || strcmp(unit, "MB/s") == 0 ||
           strcmp(unit, "B/op") == 0 || strcmp(unit, "allocs/op") == 0;
}

static int format_cmp_metric(const void *a, const void *b)
{
    const ug_bench_metric_t *const *x = a, *const *y = b;
    return strcmp((*x)->unit, (*y)->unit);
}

/* Appends to buf at *off like snprintf, tracking the length needed. */
#define FORMAT_APPEND(buf, len, off, ...)                                     \
    do {                                                                      \
        size_t room_ = *(off) < (len) ? (len) - *(off) : 0;                   \
        int n_ = snprintf(room_ ? (buf) + *(off) : NULL, room_, __VA_ARGS__); \
        *(off) += n_ > 0 ? (size_t)n_ : 0;                                    \
    } while (0)

/* ns/op and MB/s, each measured unless a custom metric overrides it. */
static void format_speed(char *buf, size_t len, size_t *off, const ug_bench_result_t *r)
{
    const ug_bench_metric_t *m = format_find(r, "ns/op");
    double n = r->n ? (double)r->n : 1;
    double ns = m ? m->value : (double)r->ns / n;
    double mbs = 0;
    char v[64];

    if (ns != 0) {
        ug_bench__format_value(v, sizeof v, ns, "ns/op");
        FORMAT_APPEND(buf, len, off, "\t%s", v);
    }
    m = format_find(r, "MB/s");
    if (m)
        mbs = m->value;
    else if (r->bytes_per_op > 0 && r->ns > 0)
        mbs = (double)r->bytes_per_op * n / 1e6 / ((double)r->ns / 1e9);
    if (mbs != 0)
        FORMAT_APPEND(buf, len, off, "\t%7.2f MB/s", mbs);
}

/* Custom metrics in unit order, as Go sorts its map keys. */
static void format_extras(char *buf, size_t len, size_t *off, const ug_bench_result_t *r)
{
    const ug_bench_metric_t *sorted[UG_BENCH_MAX_METRICS];
    size_t k = 0;
    char v[96];

    for (size_t i = 0; i < r->nmetrics; i++)
        if (!format_builtin(r->metrics[i].unit))
            sorted[k++] = &r->metrics[i];
    qsort(sorted, k, sizeof sorted[0], format_cmp_metric);
    for (size_t i = 0; i < k; i++) {
        ug_bench__format_value(v, sizeof v, sorted[i]->value, sorted[i]->unit);
        FORMAT_APPEND(buf, len, off, "\t%s", v);
    }
}

size_t ug_bench__format_result(char *buf, size_t len, const ug_bench_result_t *r)
{
    uint64_t n = r->n ? r->n : 1;
    int64_t bop, aop;
    size_t off = 0;

    if (len > 0)
        buf[0] = '\0';
    FORMAT_APPEND(buf, len, &off, "%8" PRIu64, r->n);
    format_speed(buf, len, &off, r);
    format_extras(buf, len, &off, r);
    /* Go truncates per-op memory figures to integers. */
    const ug_bench_metric_t *mb = format_find(r, "B/op"), *ma = format_find(r, "allocs/op");
    if (!r->memstats && !mb && !ma)
        return off;
    bop = mb ? (int64_t)mb->value : (int64_t)(r->alloc_bytes / n);
    aop = ma ? (int64_t)ma->value : (int64_t)(r->allocs / n);
    FORMAT_APPEND(buf, len, &off, "\t%8" PRId64 " B/op\t%8" PRId64 " allocs/op", bop, aop);
    return off;
}
