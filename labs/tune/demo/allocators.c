/*
 * allocators.c — glibc's malloc against jemalloc on the allocation pattern
 * of the handout's ingest (a copy of each line, a string per token, per key
 * and per value, all freed at the line's end), side by side, on one and on
 * two threads; then the reference service, which allocates per distinct
 * path, not per line.
 *
 * jemalloc is called through its own API, mallocx/dallocx, from
 * libjemalloc.so.2 opened with RTLD_LOCAL: Debian builds it without a
 * symbol prefix (jemalloc.h maps je_malloc to malloc), so linking it would
 * replace malloc for the whole process; opened locally, glibc's malloc
 * stays the process's and both can run in one program.
 *
 * Interface: main.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <undergo/demo.h>

#include "tune.h"

typedef struct alloc {
    const char *name;
    void *(*get)(size_t n, int flags);
    void (*put)(void *p, int flags);
} alloc_t;

static void *glibc_get(size_t n, int flags)
{
    (void)flags;
    return malloc(n);
}
static void glibc_put(void *p, int flags)
{
    (void)flags;
    free(p);
}

#define LINES 200000
static const char line[] = "method=GET path=/api/items/42 status=200 bytes=512 ms=12 ua=curl/8.5";

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *dup_with(const alloc_t *a, const char *s, size_t n)
{
    char *p = a->get(n + 1, 0);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* One line as the slow ingest splits it: 1 + 3 per token allocations. */
static void split_line(const alloc_t *a)
{
    char *copy = dup_with(a, line, sizeof line - 1), *parts[64];
    int k = 0;
    for (const char *s = line; *s && k < 60;) {
        const char *e = strchr(s, ' ');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        const char *eq = memchr(s, '=', n);
        parts[k++] = dup_with(a, s, n);
        parts[k++] = dup_with(a, s, eq ? (size_t)(eq - s) : n);
        parts[k++] = eq ? dup_with(a, eq + 1, n - (size_t)(eq - s) - 1) : NULL;
        s = e ? e + 1 : s + n;
    }
    for (int i = 0; i < k; i++)
        if (parts[i])
            a->put(parts[i], 0);
    a->put(copy, 0);
}

static void *run(void *arg)
{
    for (int i = 0; i < LINES; i++)
        split_line(arg);
    return NULL;
}

/* ns per line on `threads` threads at once. */
static double measure(const alloc_t *a, int threads)
{
    pthread_t th[2];
    double t0 = now();
    for (int i = 1; i < threads; i++)
        pthread_create(&th[i], NULL, run, (void *)a);
    run((void *)a);
    for (int i = 1; i < threads; i++)
        pthread_join(th[i], NULL);
    return (now() - t0) * 1e9 / LINES;
}

static double service_ns(void)
{
    static char buf[LINES / 10 * (sizeof line + 1)];
    size_t len = 0;
    for (int i = 0; i < LINES / 10; i++) {
        memcpy(buf + len, line, sizeof line - 1);
        len += sizeof line - 1;
        buf[len++] = '\n';
    }
    tune_t *t;
    if (tune_open(&t) < 0)
        return 0;
    double t0 = now();
    tune_ingest(t, buf, len);
    double ns = (now() - t0) * 1e9 / (LINES / 10);
    tune_close(t);
    return ns;
}

int main(int argc, char **argv)
{
    demo_spec_t spec = {.name = "tune allocators",
                        .about = "glibc malloc and jemalloc on an allocation per item"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "An allocation per item: does a faster allocator fix it?");
    alloc_t glibc = {"glibc malloc", glibc_get, glibc_put}, je = {"jemalloc mallocx", NULL, NULL};
    void *h = dlopen("libjemalloc.so.2", RTLD_NOW | RTLD_LOCAL);
    if (h) {
        je.get = (void *(*)(size_t, int))dlsym(h, "mallocx");
        je.put = (void (*)(void *, int))dlsym(h, "dallocx");
    }
    demo_step(&d, "%d lines split the slow way (%d allocations a line)", LINES, 1 + 3 * 7);
    printf("  %-18s %12s %12s\n", "allocator", "1 thread", "2 threads");
    const alloc_t *as[] = {&glibc, &je};
    for (int i = 0; i < 2; i++) {
        if (!as[i]->get || !as[i]->put) {
            printf("  %-18s %12s   (libjemalloc.so.2 not found: apt install libjemalloc2)\n",
                   as[i]->name, "-");
            continue;
        }
        double one = measure(as[i], 1), two = measure(as[i], 2);
        printf("  %-18s %9.0f ns %9.0f ns   per line\n", as[i]->name, one, two);
    }
    demo_step(&d, "the service's own ingest (this build), glibc malloc");
    printf("  %9.0f ns per line\n", service_ns());
    demo_note(&d, "a better allocator shaves the cost of each allocation; not allocating per");
    demo_note(&d, "line removes it: the fix the benchmark's allocs/op column rewards");
    if (h)
        dlclose(h);
    return demo_end(&d);
}
