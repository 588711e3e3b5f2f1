/*
 * benchstat_table.c — comparing two parsed benchmark sets and printing the
 * result as benchstat does.
 *
 * One block per unit; one row per benchmark: old median ± CI, new median
 * ± CI, then the delta of medians with the U test's p and the sample
 * counts, or "~" when p > α (the difference may be noise). A geomean row
 * summarizes a unit over the benchmarks present on both sides. Times are
 * shown in seconds and throughput in bytes per second with SI prefixes, so
 * "ns/op" reads "sec/op" and 23.45 ns is "23.45n". Rows pair by each
 * result's key: "lab/X", or "X" when its lab is not known (benchstat.h).
 *
 *                │ old.txt     │ new.txt                            │
 *                │ sec/op      │ sec/op       vs base               │
 *   AssertCached │ 23.45n ± 1% │ 21.10n ± 2%  -10.02% (p=0.002 n=10) │
 *
 * Interface: benchstat_compare → benchstat_print_table →
 * benchstat_table_free.
 */
#include "benchstat.h"
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- building --------------------------------------------------------- */

/* Appends a copy of s to the string list *v (of *n) unless present.
 * Returns 0 or -ENOMEM. */
static int table_add_unique(char ***v, size_t *n, const char *s)
{
    char **p, *d;

    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], s) == 0)
            return 0;
    d = strdup(s);
    p = realloc(*v, (*n + 1) * sizeof **v);
    if (d == NULL || p == NULL) {
        free(d);
        if (p)
            *v = p;
        return -ENOMEM;
    }
    *v = p;
    (*v)[(*n)++] = d;
    return 0;
}

static void table_free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* One side of the comparison: a set and the row key of each result. */
typedef struct side {
    const benchstat_set_t *set;
    char **keys;
} side_t;

/* The lab a result of no known lab takes from the other set: the one lab
 * there with a benchmark of its base name, or NULL (none, or several). */
static const char *table_adopt_lab(const benchstat_result_t *r, const benchstat_set_t *other)
{
    const char *lab = NULL;
    for (size_t i = 0; i < other->nresults; i++) {
        const benchstat_result_t *o = &other->results[i];
        if (!o->lab || strcmp(o->base, r->base))
            continue;
        if (lab && strcmp(lab, o->lab))
            return NULL;
        lab = o->lab;
    }
    return lab;
}

/* Fills side->keys for set s against the other set. Returns 0 or -ENOMEM. */
static int table_side_keys(side_t *side, const benchstat_set_t *s, const benchstat_set_t *other)
{
    side->set = s;
    side->keys = calloc(s->nresults + 1, sizeof *side->keys);
    if (side->keys == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < s->nresults; i++) {
        const benchstat_result_t *r = &s->results[i];
        const char *lab = r->lab ? r->lab : table_adopt_lab(r, other);
        if (asprintf(&side->keys[i], "%s%s%s", lab ? lab : "", lab ? "/" : "", r->base) < 0) {
            side->keys[i] = NULL;
            return -ENOMEM;
        }
    }
    return 0;
}

static void table_side_free(side_t *side)
{
    for (size_t i = 0; side->keys && i < side->set->nresults; i++)
        free(side->keys[i]);
    free(side->keys);
}

/* Units (or, with unit != NULL, row keys having that unit) of both sides
 * in order of first appearance. */
static int table_keys(const side_t sides[2], const char *unit, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < sides[k].set->nresults; i++) {
            const benchstat_result_t *r = &sides[k].set->results[i];
            for (size_t j = 0; j < r->nvalues; j++) {
                const char *key = unit ? sides[k].keys[i] : r->values[j].unit;
                if (unit && strcmp(r->values[j].unit, unit) != 0)
                    continue;
                if (table_add_unique(out, n, key) < 0)
                    return -ENOMEM;
            }
        }
    return 0;
}

/* Records a warning once. Returns 0 or -ENOMEM. */
static int table_warn(benchstat_table_t *t, const char *msg)
{
    return table_add_unique(&t->warnings, &t->nwarnings, msg);
}

/* Smallest n per side for which the U test can reach p ≤ α at all: the
 * minimum p of two samples of n is 2 / C(2n, n). */
static size_t table_utest_min_samples(double alpha)
{
    double c = 2; /* C(2, 1) */

    for (size_t n = 1; n <= 10; n++) {
        if (2 / c <= alpha)
            return n;
        c = c * (double)(2 * n + 1) * (double)(2 * n + 2) / (double)((n + 1) * (n + 1));
    }
    return 11;
}

/* The warnings a row deserves, worded as benchstat words them. */
static int table_row_warnings(benchstat_table_t *t, const benchstat_row_t *row)
{
    char msg[128];
    size_t need;
    int rc = 0;

    if ((row->old.n && !row->old.ci_finite) || (row->new.n && !row->new.ci_finite)) {
        snprintf(msg, sizeof msg, "need >= %zu samples for confidence interval at level %g",
                 benchstat_min_samples(BENCHSTAT_CONFIDENCE), BENCHSTAT_CONFIDENCE);
        rc = table_warn(t, msg);
    }
    need = table_utest_min_samples(BENCHSTAT_ALPHA);
    if (rc == 0 && row->old.n && row->new.n && !row->significant && row->old.n < need &&
        row->new.n < need) {
        snprintf(msg, sizeof msg, "need >= %zu samples to detect a difference at alpha level %g",
                 need, BENCHSTAT_ALPHA);
        rc = table_warn(t, msg);
    }
    return rc;
}

/* Every value of unit under key on side, in file order, into a new array
 * *out (caller frees). Returns the count or -ENOMEM. */
static long table_samples(const side_t *side, const char *key, const char *unit, double **out)
{
    double *v = NULL;
    size_t n = 0, cap = 0;
    *out = NULL;
    for (size_t i = 0; i < side->set->nresults; i++) {
        const benchstat_result_t *r = &side->set->results[i];
        for (size_t j = 0; j < r->nvalues && !strcmp(side->keys[i], key); j++) {
            if (strcmp(r->values[j].unit, unit) != 0)
                continue;
            if (n == cap) {
                double *g = realloc(v, (cap = cap ? 2 * cap : 8) * sizeof *v);
                if (g == NULL) {
                    free(v);
                    return -ENOMEM;
                }
                v = g;
            }
            v[n++] = r->values[j].value;
        }
    }
    *out = v;
    return (long)n;
}

/* Summary of one side, n == 0 when it has no samples. */
static int table_side(const side_t *side, const char *key, const char *unit,
                      benchstat_summary_t *sum, double **v, long *nv)
{
    memset(sum, 0, sizeof *sum);
    *nv = table_samples(side, key, unit, v);
    if (*nv < 0)
        return -ENOMEM;
    if (*nv == 0)
        return 0;
    return benchstat_summarize(*v, (size_t)*nv, BENCHSTAT_CONFIDENCE, sum);
}

static int table_row(benchstat_table_t *t, const side_t sides[2], const char *unit, const char *key,
                     benchstat_row_t *row)
{
    double *vo = NULL, *vn = NULL;
    long no, nn;
    int rc;

    row->name = strdup(key);
    row->p = NAN;
    row->delta_pct = NAN;
    rc = row->name ? 0 : -ENOMEM;
    if (rc == 0)
        rc = table_side(&sides[0], key, unit, &row->old, &vo, &no);
    if (rc == 0)
        rc = table_side(&sides[1], key, unit, &row->new, &vn, &nn);
    if (rc == 0 && no && nn) {
        rc = benchstat_utest(vo, (size_t)no, vn, (size_t)nn, &row->p);
        rc = rc == -EDOM ? 0 : rc; /* all equal: p = 1, no difference */
        if (row->old.center != 0)
            row->delta_pct = (row->new.center / row->old.center - 1) * 100;
        row->significant = row->p <= BENCHSTAT_ALPHA;
    }
    if (rc == 0)
        rc = table_row_warnings(t, row);
    free(vo);
    free(vn);
    return rc;
}

/* Geometric mean of the medians present on both sides, if all positive. */
static void table_geomean(benchstat_unit_table_t *u)
{
    double *o = calloc(u->nrows + 1, sizeof *o), *n = calloc(u->nrows + 1, sizeof *n);
    size_t k = 0;
    bool all_positive = o && n;
    for (size_t i = 0; all_positive && i < u->nrows; i++) {
        const benchstat_row_t *r = &u->rows[i];
        if (r->old.n == 0 || r->new.n == 0)
            continue;
        all_positive = r->old.center > 0 && r->new.center > 0;
        o[k] = r->old.center;
        n[k++] = r->new.center;
    }
    if (all_positive && k >= 2) {
        u->has_geomean = true;
        u->geo_old = stats_geomean(o, k, NULL);
        u->geo_new = stats_geomean(n, k, NULL);
        u->geo_delta_pct = (u->geo_new / u->geo_old - 1) * 100;
    }
    free(o);
    free(n);
}

static int table_unit(benchstat_table_t *t, const side_t sides[2], const char *unit,
                      benchstat_unit_table_t *u)
{
    char **names = NULL;
    size_t n = 0;
    int rc;

    u->unit = strdup(unit);
    rc = u->unit ? table_keys(sides, unit, &names, &n) : -ENOMEM;
    if (rc == 0 && n > 0 && (u->rows = calloc(n, sizeof *u->rows)) == NULL)
        rc = -ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        u->nrows++;
        rc = table_row(t, sides, unit, names[i], &u->rows[i]);
    }
    if (rc == 0)
        table_geomean(u);
    table_free_list(names, n);
    return rc;
}

int benchstat_compare(const benchstat_set_t *old, const benchstat_set_t *new,
                      benchstat_table_t *out)
{
    char **units = NULL;
    size_t n = 0;
    side_t sides[2] = {{old, NULL}, {new, NULL}};
    int rc;

    memset(out, 0, sizeof *out);
    out->old_label = strdup(old->label ? old->label : "old");
    out->new_label = strdup(new->label ? new->label : "new");
    rc = out->old_label && out->new_label ? 0 : -ENOMEM;
    if (rc == 0)
        rc = table_side_keys(&sides[0], old, new);
    if (rc == 0)
        rc = table_side_keys(&sides[1], new, old);
    if (rc == 0)
        rc = table_keys(sides, NULL, &units, &n);
    if (rc == 0 && n > 0 && (out->units = calloc(n, sizeof *out->units)) == NULL)
        rc = -ENOMEM;
    /* Counted before it is filled, so a failure frees the partial unit. */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        out->nunits++;
        rc = table_unit(out, sides, units[i], &out->units[i]);
    }
    table_free_list(units, n);
    table_side_free(&sides[0]);
    table_side_free(&sides[1]);
    if (rc < 0)
        benchstat_table_free(out);
    return rc;
}

void benchstat_table_free(benchstat_table_t *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nunits; i++) {
        for (size_t j = 0; j < t->units[i].nrows; j++)
            free(t->units[i].rows[j].name);
        free(t->units[i].rows);
        free(t->units[i].unit);
    }
    free(t->units);
    table_free_list(t->warnings, t->nwarnings);
    free(t->old_label);
    free(t->new_label);
    memset(t, 0, sizeof *t);
}

/* ---- printing --------------------------------------------------------- */

int benchstat_format_si(char *buf, size_t len, double v)
{
    static const char *const prefix[] = {"p", "n", "\xc2\xb5", "m", "", "k", "M", "G", "T"};
    double a = fabs(v), scaled = v;
    int i = 4; /* no prefix */

    if (v == 0 || !isfinite(v))
        return snprintf(buf, len, "%g", v);
    while (i > 0 && a < 0.99995) /* below 1: smaller prefix */
        a *= 1000, scaled *= 1000, i--;
    while (i < 8 && a >= 999.95) /* rounds to ≥ 1000: larger prefix */
        a /= 1000, scaled /= 1000, i++;
    if (a >= 99.995)
        return snprintf(buf, len, "%.1f%s", scaled, prefix[i]);
    if (a >= 9.9995)
        return snprintf(buf, len, "%.2f%s", scaled, prefix[i]);
    return snprintf(buf, len, "%.3f%s", scaled, prefix[i]);
}

/* How a unit is displayed: its label and the factor to base units. */
static const char *print_unit(const char *unit, double *factor)
{
    *factor = 1;
    if (strcmp(unit, "ns/op") == 0) {
        *factor = 1e-9;
        return "sec/op";
    }
    if (strcmp(unit, "MB/s") == 0) {
        *factor = 1e6;
        return "B/s";
    }
    return unit;
}

/* "23.45n ± 1%", "23.45n ± ∞", or "" for a side without samples. */
static void print_summary(char *buf, size_t len, const benchstat_summary_t *s, double factor)
{
    char v[32];
    double dev;

    if (s->n == 0) {
        snprintf(buf, len, "%s", "");
        return;
    }
    benchstat_format_si(v, sizeof v, s->center * factor);
    dev = fmax(s->center - s->lo, s->hi - s->center);
    if (!s->ci_finite)
        snprintf(buf, len, "%s ± \xe2\x88\x9e", v);
    else if (s->center == 0)
        snprintf(buf, len, "%s ± %s", v, dev == 0 ? "0%" : "?");
    else
        snprintf(buf, len, "%s ± %.0f%%", v, dev / fabs(s->center) * 100);
}

/* "-10.02% (p=0.002 n=10)", "~ (p=0.485 n=4+5)", or "" if one side is
 * missing. */
static void print_delta(char *buf, size_t len, const benchstat_row_t *r)
{
    char n[48], d[400];

    if (r->old.n == 0 || r->new.n == 0) {
        snprintf(buf, len, "%s", "");
        return;
    }
    if (r->old.n == r->new.n)
        snprintf(n, sizeof n, "n=%zu", r->old.n);
    else
        snprintf(n, sizeof n, "n=%zu+%zu", r->old.n, r->new.n);
    if (!r->significant)
        snprintf(d, sizeof d, "~");
    else if (isnan(r->delta_pct))
        snprintf(d, sizeof d, "?");
    else
        snprintf(d, sizeof d, "%+.2f%%", r->delta_pct);
    snprintf(buf, len, "%s (p=%.3f %s)", d, r->p, n);
}

/* Display width of UTF-8 text: code points, not bytes. */
static int print_width(const char *s)
{
    int w = 0;

    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void print_cell(FILE *out, const char *s, int width)
{
    fprintf(out, "%s%*s", s, width - print_width(s), "");
}

typedef struct print_cells {
    char name[256], old[128], new[128], delta[512];
} print_cells_t;

static void print_row_cells(const benchstat_row_t *r, double factor, print_cells_t *c)
{
    snprintf(c->name, sizeof c->name, "%s", r->name);
    print_summary(c->old, sizeof c->old, &r->old, factor);
    print_summary(c->new, sizeof c->new, &r->new, factor);
    print_delta(c->delta, sizeof c->delta, r);
}

static void print_geo_cells(const benchstat_unit_table_t *u, double factor, print_cells_t *c)
{
    snprintf(c->name, sizeof c->name, "geomean");
    benchstat_format_si(c->old, sizeof c->old, u->geo_old * factor);
    benchstat_format_si(c->new, sizeof c->new, u->geo_new * factor);
    snprintf(c->delta, sizeof c->delta, "%+.2f%%", u->geo_delta_pct);
}

static void print_line(FILE *out, const print_cells_t *c, const int w[4])
{
    print_cell(out, c->name, w[0]);
    fputs(" \xe2\x94\x82 ", out);
    print_cell(out, c->old, w[1]);
    fputs(" \xe2\x94\x82 ", out);
    print_cell(out, c->new, w[2]);
    fputs("  ", out);
    print_cell(out, c->delta, w[3]);
    fputs(" \xe2\x94\x82\n", out);
}

static void print_widen(int w[4], const print_cells_t *c)
{
    const char *cols[4] = {c->name, c->old, c->new, c->delta};

    for (int i = 0; i < 4; i++)
        if (print_width(cols[i]) > w[i])
            w[i] = print_width(cols[i]);
}

static void print_unit_block(FILE *out, const benchstat_table_t *t, const benchstat_unit_table_t *u)
{
    double factor;
    const char *label = print_unit(u->unit, &factor);
    print_cells_t h1 = {"", "", "", ""}, h2 = {"", "", "", "vs base"}, c;
    int w[4] = {0, 0, 0, 0};

    snprintf(h1.old, sizeof h1.old, "%s", t->old_label);
    snprintf(h1.new, sizeof h1.new, "%s", t->new_label);
    snprintf(h2.old, sizeof h2.old, "%s", label);
    snprintf(h2.new, sizeof h2.new, "%s", label);
    print_widen(w, &h2);
    for (size_t i = 0; i < u->nrows; i++) {
        print_row_cells(&u->rows[i], factor, &c);
        print_widen(w, &c);
    }
    if (u->has_geomean) {
        print_geo_cells(u, factor, &c);
        print_widen(w, &c);
    }
    /* The new label spans the new column and the delta column. */
    if (print_width(h1.old) > w[1])
        w[1] = print_width(h1.old);
    if (print_width(h1.new) > w[2] + 2 + w[3])
        w[3] = print_width(h1.new) - w[2] - 2;
    print_cell(out, "", w[0]);
    fputs(" \xe2\x94\x82 ", out);
    print_cell(out, h1.old, w[1]);
    fputs(" \xe2\x94\x82 ", out);
    print_cell(out, h1.new, w[2] + 2 + w[3]);
    fputs(" \xe2\x94\x82\n", out);
    print_line(out, &h2, w);
    for (size_t i = 0; i < u->nrows; i++) {
        print_row_cells(&u->rows[i], factor, &c);
        print_line(out, &c, w);
    }
    if (u->has_geomean) {
        print_geo_cells(u, factor, &c);
        print_line(out, &c, w);
    }
}

void benchstat_print_table(FILE *out, const benchstat_table_t *t)
{
    for (size_t i = 0; i < t->nunits; i++) {
        if (i > 0)
            fputc('\n', out);
        print_unit_block(out, t, &t->units[i]);
    }
    if (t->nwarnings)
        fputc('\n', out);
    for (size_t i = 0; i < t->nwarnings; i++)
        fprintf(out, "warning: %s\n", t->warnings[i]);
}
