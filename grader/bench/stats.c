/*
 * stats.c — median and geometric mean (see stats.h).
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double stats_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double stats_geomean(const double *v, size_t n, size_t *used)
{
    double logs = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > 0) {
            logs += log(v[i]);
            k++;
        }
    if (used)
        *used = k;
    return k ? exp(logs / (double)k) : 0;
}
