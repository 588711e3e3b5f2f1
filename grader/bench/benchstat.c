/*
 * benchstat.c — the statistics of Go's benchstat: medians with
 * order-statistic confidence intervals and the Mann-Whitney U test.
 *
 * Benchmark timings are skewed and heavy-tailed, so nothing here assumes a
 * normal distribution. The median's confidence interval is [x(l), x(n+1-l)]
 * for the largest l whose coverage 1 - 2·P(B ≤ l-1), B ~ Binomial(n, 1/2),
 * still reaches the level: each sample falls below the true median with
 * probability 1/2. With too few samples (n < 6 at 95%) no l qualifies and
 * the interval is infinite.
 *
 * The U test asks whether one sample tends to be larger than the other.
 * For small samples the exact null distribution of the rank sum is counted
 * by dynamic programming over tie groups (midranks, doubled to stay
 * integral), so ties need no approximation; larger samples use the normal
 * approximation with tie and continuity corrections. The size limits are
 * benchstat's: 50 per side without ties, 25 with.
 *
 * Interface: benchstat_summarize, benchstat_utest (the table is built in
 * benchstat_table.c).
 */
#include "benchstat.h"
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define UTEST_EXACT_LIMIT 50
#define UTEST_TIES_EXACT_LIMIT 25

static int stat_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A sorted copy of x[0..n), or NULL on -ENOMEM. */
static double *stat_sorted(const double *x, size_t n)
{
    double *s = malloc((n ? n : 1) * sizeof *s);

    if (s == NULL)
        return NULL;
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, stat_cmp_double);
    return s;
}

/* P(B ≤ k) for B ~ Binomial(n, 1/2), summed in log space so large n
 * neither overflows nor underflows. */
static double stat_binom_cdf_half(size_t n, size_t k)
{
    double sum = 0, ln2n = (double)n * log(2.0);

    for (size_t i = 0; i <= k && i <= n; i++)
        sum += exp(lgamma((double)n + 1) - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) -
                   ln2n);
    return sum < 1 ? sum : 1;
}

/* The largest order l (1-based) whose interval [x(l), x(n+1-l)] covers the
 * median with probability ≥ confidence, or 0; its coverage in *cov. */
static size_t stat_median_order(size_t n, double confidence, double *cov)
{
    size_t best = 0;

    *cov = 1;
    for (size_t l = 1; l <= (n + 1) / 2; l++) {
        double c = 1 - 2 * stat_binom_cdf_half(n, l - 1);
        if (c < confidence)
            break;
        best = l;
        *cov = c;
    }
    return best;
}

size_t benchstat_min_samples(double confidence)
{
    double cov;

    for (size_t n = 2; n <= 50; n++)
        if (stat_median_order(n, confidence, &cov) > 0)
            return n;
    return 0;
}

int benchstat_summarize(const double *x, size_t n, double confidence, benchstat_summary_t *out)
{
    double *s, cov;
    size_t l;

    if (n == 0)
        return -EINVAL;
    s = stat_sorted(x, n);
    if (s == NULL)
        return -ENOMEM;
    out->n = n;
    out->center = stats_median(s, n);
    l = stat_median_order(n, confidence, &cov);
    out->ci_finite = l > 0;
    out->confidence = cov;
    out->lo = l ? s[l - 1] : -INFINITY;
    out->hi = l ? s[n - l] : INFINITY;
    free(s);
    return 0;
}

/* ---- Mann-Whitney U ----------------------------------------------------- */

/* One value of the pooled sample and which side it came from. */
typedef struct utest_obs {
    double v;
    bool from_x;
} utest_obs_t;

static int utest_cmp_obs(const void *a, const void *b)
{
    return stat_cmp_double(&((const utest_obs_t *)a)->v, &((const utest_obs_t *)b)->v);
}

/* Pooled, sorted observations; tie groups are runs of equal v. */
typedef struct utest_pool {
    utest_obs_t *obs;
    size_t n, nx;
    long w2;          /* twice the rank sum of x (midranks) */
    double tie_term;  /* Σ (t³ - t) over tie groups */
    bool ties;
} utest_pool_t;

static int utest_pool(const double *x, size_t nx, const double *y, size_t ny, utest_pool_t *p)
{
    p->n = nx + ny;
    p->nx = nx;
    p->w2 = 0;
    p->tie_term = 0;
    p->ties = false;
    p->obs = malloc(p->n * sizeof *p->obs);
    if (p->obs == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < nx; i++)
        p->obs[i] = (utest_obs_t){x[i], true};
    for (size_t i = 0; i < ny; i++)
        p->obs[nx + i] = (utest_obs_t){y[i], false};
    qsort(p->obs, p->n, sizeof *p->obs, utest_cmp_obs);
    for (size_t i = 0, j; i < p->n; i = j) {
        for (j = i + 1; j < p->n && p->obs[j].v == p->obs[i].v;)
            j++;
        double t = (double)(j - i);
        p->tie_term += t * t * t - t;
        p->ties |= j - i > 1;
        for (size_t k = i; k < j; k++) /* doubled midrank of ranks i+1..j */
            if (p->obs[k].from_x)
                p->w2 += (long)(i + 1 + j);
    }
    return 0;
}

/* Exact two-sided p: counts, over every way to pick nx of the pooled
 * ranks, how often the doubled rank sum lands at or beyond the observed
 * one. ways[k][s]: picks of k elements with doubled sum s, updated in place
 * per tie group (k descending, so each source is read before it is
 * overwritten). */
static int utest_exact(const utest_pool_t *p, double *pval)
{
    size_t nx = p->nx, smax = p->n * (p->n + 1), cols = smax + 1;
    double *ways = calloc((nx + 1) * cols, sizeof *ways), total = 0, lo = 0, hi = 0;

    if (ways == NULL)
        return -ENOMEM;
    ways[0] = 1;
    for (size_t i = 0, j; i < p->n; i = j) {
        for (j = i + 1; j < p->n && p->obs[j].v == p->obs[i].v;)
            j++;
        size_t t = j - i, r2 = i + 1 + j;
        for (size_t k = nx; k-- > 0;) {
            double c = 1; /* C(t, m), built up as m grows */
            for (size_t m = 1; m <= t && k + m <= nx; m++) {
                c = c * (double)(t - m + 1) / (double)m;
                for (size_t s = 0; s + m * r2 <= smax; s++)
                    if (ways[k * cols + s] != 0)
                        ways[(k + m) * cols + s + m * r2] += ways[k * cols + s] * c;
            }
        }
    }
    for (size_t s = 0; s <= smax; s++) {
        double w = ways[nx * cols + s];
        total += w;
        lo += (long)s <= p->w2 ? w : 0;
        hi += (long)s >= p->w2 ? w : 0;
    }
    free(ways);
    *pval = fmin(1, 2 * fmin(lo, hi) / total);
    return 0;
}

/* Normal approximation with tie correction and continuity correction. */
static double utest_normal(const utest_pool_t *p)
{
    double nx = (double)p->nx, ny = (double)(p->n - p->nx), n = (double)p->n;
    double u = (double)p->w2 / 2 - nx * (nx + 1) / 2, mu = nx * ny / 2;
    double var = nx * ny / 12 * ((n + 1) - p->tie_term / (n * (n - 1)));
    double z = (fabs(u - mu) - 0.5) / sqrt(var);

    return fmin(1, erfc(fmax(z, 0) / sqrt(2.0)));
}

int benchstat_utest(const double *x, size_t nx, const double *y, size_t ny, double *p)
{
    utest_pool_t pool;
    int rc = 0;
    size_t limit;

    *p = 1;
    if (nx == 0 || ny == 0)
        return -EINVAL;
    if (utest_pool(x, nx, y, ny, &pool) < 0)
        return -ENOMEM;
    limit = pool.ties ? UTEST_TIES_EXACT_LIMIT : UTEST_EXACT_LIMIT;
    if (pool.obs[0].v == pool.obs[pool.n - 1].v)
        rc = -EDOM; /* every sample equal: nothing to rank */
    else if (nx <= limit && ny <= limit)
        rc = utest_exact(&pool, p);
    else
        *p = utest_normal(&pool);
    free(pool.obs);
    return rc;
}
