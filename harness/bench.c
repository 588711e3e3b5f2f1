/*
 * bench.c — main() of every bench binary: Go's testing.B, in C.
 *
 * Benchmarks register themselves with UG_BENCH, which drops a pointer to a
 * ug_bench_def_t into the linker section "ug_benches"; the linker brackets
 * the section with __start_/__stop_ symbols. A binary without benchmarks
 * has no such section, so those symbols are weak and then both NULL.
 *
 * For each benchmark matching -bench, and -count times over, the harness
 * runs it once with n = 1, then grows n the way Go does until one run
 * lasts -benchtime: predict n from the last run's ns/op, add 20%, grow at
 * most 100x, at least by one, round up to 1, 2, 3 or 5 times a power of
 * ten, never past 1e9. "-benchtime 100x" instead runs exactly 100.
 * Only the last run is reported, in Go's format (bench_format.c), so
 * benchstat and the grader read it unchanged.
 *
 * The timer is CLOCK_MONOTONIC; allocation counting (bench_alloc.c, in
 * binaries that ask for it) is on exactly while the timer runs.
 *
 * Interface: main → ug_bench__parse_flags (bench_flags.c) →
 * bench_print_config → bench_run_one (per benchmark, per count) → "PASS".
 */
#include <undergo/bench.h>

#include "bench_alloc.h"
#include "bench_flags.h"
#include "bench_format.h"

#include <errno.h>
#include <regex.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- allocation counting (weak: absent unless the binary asks) ------- */

static bool balloc_linked(void) { return ug_balloc_read != NULL; }

static void balloc_count(bool on)
{
    if (ug_balloc_count)
        ug_balloc_count(on);
}

static void balloc_read(uint64_t *allocs, uint64_t *bytes)
{
    *allocs = *bytes = 0;
    if (ug_balloc_read)
        ug_balloc_read(allocs, bytes);
}

/* ---- types ------------------------------------------------------------ */

struct ug_bench__state {
    bool timer_on;
    uint64_t start_ns;       /* when the timer last started */
    uint64_t duration_ns;    /* timed so far in this run */
    uint64_t start_allocs;   /* counter snapshot at the last start */
    uint64_t start_bytes;
    ug_bench_result_t res;   /* alloc totals, bytes per op, metrics */
};

#define BENCH_MAX_N 1000000000ULL

extern const ug_bench_def_t *const __start_ug_benches[] __attribute__((weak));
extern const ug_bench_def_t *const __stop_ug_benches[] __attribute__((weak));

/* ---- timer and metrics (the public API) ------------------------------- */

static uint64_t bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void ug_bench_start_timer(ug_bench_t *b)
{
    struct ug_bench__state *st = b->st;

    if (st->timer_on)
        return;
    balloc_read(&st->start_allocs, &st->start_bytes);
    balloc_count(true);
    st->timer_on = true;
    st->start_ns = bench_now_ns();
}

void ug_bench_stop_timer(ug_bench_t *b)
{
    struct ug_bench__state *st = b->st;
    uint64_t now = bench_now_ns(), allocs, bytes;

    if (!st->timer_on)
        return;
    balloc_count(false);
    st->timer_on = false;
    st->duration_ns += now - st->start_ns;
    balloc_read(&allocs, &bytes);
    st->res.allocs += allocs - st->start_allocs;
    st->res.alloc_bytes += bytes - st->start_bytes;
}

/* Like Go's ResetTimer it also drops metrics reported so far. */
void ug_bench_reset_timer(ug_bench_t *b)
{
    struct ug_bench__state *st = b->st;

    if (st->timer_on) {
        balloc_read(&st->start_allocs, &st->start_bytes);
        st->start_ns = bench_now_ns();
    }
    st->duration_ns = 0;
    st->res.allocs = 0;
    st->res.alloc_bytes = 0;
    st->res.nmetrics = 0;
}

void ug_bench_set_bytes(ug_bench_t *b, uint64_t bytes_per_op)
{
    b->st->res.bytes_per_op = bytes_per_op;
}

/* A unit reported twice keeps the last value, as Go's ReportMetric does. */
void ug_bench_metric(ug_bench_t *b, double value, const char *unit)
{
    ug_bench_result_t *r = &b->st->res;
    size_t i;

    if (unit == NULL || !ug_bench__unit_ok(unit)) {
        fprintf(stderr, "bench: ignoring metric with invalid unit '%s'\n", unit ? unit : "");
        return;
    }
    for (i = 0; i < r->nmetrics; i++)
        if (strcmp(r->metrics[i].unit, unit) == 0)
            break;
    if (i == UG_BENCH_MAX_METRICS) {
        fprintf(stderr, "bench: ignoring metric '%s': at most %d per benchmark\n", unit,
                UG_BENCH_MAX_METRICS);
        return;
    }
    if (i == r->nmetrics) {
        r->nmetrics++;
        snprintf(r->metrics[i].unit, sizeof r->metrics[i].unit, "%s", unit);
    }
    r->metrics[i].value = value;
}

/* ---- running ---------------------------------------------------------- */

/* The "model name" of /proc/cpuinfo, or "" if unknown. */
static void bench_cpu_name(char *buf, size_t len)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];

    buf[0] = '\0';
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) != 0 || colon == NULL)
            continue;
        colon++;
        colon += strspn(colon, " \t");
        colon[strcspn(colon, "\n")] = '\0';
        snprintf(buf, len, "%s", colon);
        break;
    }
    fclose(f);
}

/* GOMAXPROCS's default: the CPUs this process may run on. */
static int bench_nprocs(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 1;
    return CPU_COUNT(&set) > 0 ? CPU_COUNT(&set) : 1;
}

static void bench_print_config(const ug_bench_opts_t *o)
{
    char cpu[256];

    bench_cpu_name(cpu, sizeof cpu);
    printf("goos: linux\ngoarch: amd64\npkg: undergo/labs/%s\n", o->lab);
    if (cpu[0])
        printf("cpu: %s\n", cpu);
    printf("lab: %s\n", o->lab);
    if (o->variant)
        printf("variant: %s\n", o->variant);
}

/* One timed run of def with b->n = n; leaves the figures in st. */
static void bench_run_n(const ug_bench_def_t *def, ug_bench_t *b, uint64_t n)
{
    b->n = n;
    b->st->res.bytes_per_op = 0;
    ug_bench_reset_timer(b);
    ug_bench_start_timer(b);
    def->fn(b);
    ug_bench_stop_timer(b);
}

/* Rounds n up to 1, 2, 3 or 5 times a power of ten. */
static uint64_t bench_round_up(uint64_t n)
{
    uint64_t base = 1;

    while (base <= n / 10)
        base *= 10;
    if (n <= base)
        return base;
    if (n <= 2 * base)
        return 2 * base;
    if (n <= 3 * base)
        return 3 * base;
    if (n <= 5 * base)
        return 5 * base;
    return 10 * base;
}

/* Iterations for the next run, predicted from the last one. */
static uint64_t bench_predict(uint64_t goal_ns, uint64_t last_n, uint64_t last_ns)
{
    double want = (double)goal_ns * (double)last_n / (double)(last_ns ? last_ns : 1);
    uint64_t n;

    want += want / 5;
    if (want > 100.0 * (double)last_n)
        want = 100.0 * (double)last_n;
    n = (uint64_t)want;
    if (n < last_n + 1)
        n = last_n + 1;
    n = bench_round_up(n);
    return n < BENCH_MAX_N ? n : BENCH_MAX_N;
}

/* Runs def until it lasts -benchtime; the last run stays in b. */
static void bench_launch(const ug_bench_def_t *def, ug_bench_t *b, const ug_bench_opts_t *o)
{
    bench_run_n(def, b, 1);
    if (o->benchtime_n) {
        if (o->benchtime_n > 1)
            bench_run_n(def, b, o->benchtime_n);
        return;
    }
    while (b->st->duration_ns < o->benchtime_ns && b->n < BENCH_MAX_N)
        bench_run_n(def, b, bench_predict(o->benchtime_ns, b->n, b->st->duration_ns));
}

static void bench_run_one(const ug_bench_def_t *def, const ug_bench_opts_t *o, int width,
                          const char *suffix)
{
    struct ug_bench__state st = {0};
    ug_bench_t b = {.n = 0, .st = &st};
    char line[1024], name[512];

    /* The name goes out first, as in Go, so a hanging benchmark shows. */
    snprintf(name, sizeof name, "%s%s", def->name, suffix);
    printf("%-*s\t", width, name);
    fflush(stdout);
    bench_launch(def, &b, o);
    st.res.n = b.n;
    st.res.ns = st.duration_ns;
    st.res.memstats = balloc_linked();
    ug_bench__format_result(line, sizeof line, &st.res);
    printf("%s\n", line);
    fflush(stdout);
}

static bool bench_selected(const ug_bench_def_t *d, const ug_bench_opts_t *o)
{
    return regexec(&o->re, d->name, 0, NULL, 0) == 0;
}

static int bench_cmp_def(const void *a, const void *b)
{
    const ug_bench_def_t *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

/* The registered benchmarks sorted by name: the section's order depends on
 * the compiler and the link line, the report's must not. Returns the
 * count (*defs NULL if 0; caller frees), or -ENOMEM. */
static long bench_collect(const ug_bench_def_t ***defs)
{
    const ug_bench_def_t *const *start = __start_ug_benches, *const *stop = __stop_ug_benches;
    size_t n = 0;

    *defs = NULL;
    if (start == NULL || stop == NULL || stop <= start)
        return 0;
    *defs = calloc((size_t)(stop - start), sizeof **defs);
    if (*defs == NULL)
        return -ENOMEM;
    for (const ug_bench_def_t *const *p = start; p < stop; p++)
        if (*p && (*p)->name && (*p)->fn)
            (*defs)[n++] = *p;
    qsort(*defs, n, sizeof **defs, bench_cmp_def);
    return (long)n;
}

/* Width of the name column: the longest selected name with its suffix. */
static int bench_name_width(const ug_bench_def_t **defs, long n, const ug_bench_opts_t *o,
                            const char *suffix)
{
    int width = 0;

    for (long i = 0; i < n; i++) {
        int w = (int)(strlen(defs[i]->name) + strlen(suffix));
        if (bench_selected(defs[i], o) && w > width)
            width = w;
    }
    return width;
}

int main(int argc, char **argv)
{
    ug_bench_opts_t o = {.benchtime_ns = 1000000000ULL, .count = 1};
    const ug_bench_def_t **defs;
    char suffix[32] = "";
    int rc, width, procs = bench_nprocs();
    long n;

    rc = ug_bench__parse_flags(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? 0 : 2;
    n = bench_collect(&defs);
    if (n < 0) {
        fprintf(stderr, "bench: out of memory\n");
        regfree(&o.re);
        return 1;
    }
    /* Go leaves the suffix out when GOMAXPROCS is 1. */
    if (procs != 1)
        snprintf(suffix, sizeof suffix, "-%d", procs);
    width = bench_name_width(defs, n, &o, suffix);
    if (!o.list)
        bench_print_config(&o);
    for (long i = 0; i < n; i++) {
        if (!bench_selected(defs[i], &o))
            continue;
        if (o.list)
            printf("%s\n", defs[i]->name);
        for (long c = 0; !o.list && c < o.count; c++)
            bench_run_one(defs[i], &o, width, suffix);
    }
    if (!o.list)
        printf("PASS\n");
    free(defs);
    regfree(&o.re);
    return 0;
}
