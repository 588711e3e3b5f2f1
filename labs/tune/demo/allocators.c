/*
 * allocators.c — glibc's malloc against jemalloc on the allocation pattern
 * of the handout's ingest (a copy of each line, a string per token, per key
 * and per value, all freed at the line's end), side by side, on one and on
 * two threads; then the reference service, which allocates per distinct
 * path, not per line.
 *
 * jemalloc is called through its own API, mallocx/dallocx. Debian builds
 * it without a symbol prefix (jemalloc.h maps je_malloc to malloc), so
 * loading it replaces malloc for the whole process, and it cannot be
 * dlopen'ed beside glibc's (its initial-exec TLS does not fit the static
 * TLS block). So the demo measures glibc in itself, then runs itself again
 * with LD_PRELOAD=libjemalloc.so.2 and --child, where mallocx is found
 * with dlsym and the service's own malloc calls are jemalloc's too.
 *
 * Interface: main.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <undergo/demo.h>

#include "tune.h"

typedef struct alloc {
    const char *name;
    void *(*get)(size_t n, int flags);
    void (*put)(void *p, int flags);
} alloc_t;

static double glibc_ns;

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
    tune_ingest(t, buf, len); /* warm: the allocator's first pages */
    double t0 = now();
    for (int i = 0; i < 5; i++)
        tune_ingest(t, buf, len);
    double ns = (now() - t0) * 1e9 / (5 * (LINES / 10));
    tune_close(t);
    return ns;
}

/* Under LD_PRELOAD: jemalloc's numbers on one line, or "none". */
static int child(void)
{
    alloc_t je = {"jemalloc", (void *(*)(size_t, int))dlsym(RTLD_DEFAULT, "mallocx"),
                  (void (*)(void *, int))dlsym(RTLD_DEFAULT, "dallocx")};
    if (!je.get || !je.put) {
        printf("none\n");
        return 0;
    }
    double one = measure(&je, 1), two = measure(&je, 2);
    printf("%.0f %.0f %.0f\n", one, two, service_ns());
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--child"))
        return child();
    demo_spec_t spec = {.name = "tune allocators",
                        .about = "glibc malloc and jemalloc on an allocation per item"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "An allocation per item: does a faster allocator fix it?");
    alloc_t glibc = {"glibc malloc", glibc_get, glibc_put};
    demo_step(&d, "%d lines split the slow way (%d allocations a line), ns per line", LINES,
              1 + 3 * 7);
    printf("  %-22s %10s %10s %16s\n", "allocator", "1 thread", "2 threads", "tune_ingest");
    double one = measure(&glibc, 1), two = measure(&glibc, 2);
    printf("  %-22s %10.0f %10.0f %16.0f\n", "glibc malloc/free", one, two, service_ns());
    char exe[4096] = "", cmd[4200], line[128] = "";
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    snprintf(cmd, sizeof cmd, "LD_PRELOAD=libjemalloc.so.2 '%s' --child 2>/dev/null", exe);
    FILE *p = popen(cmd, "r");
    if (!p || !fgets(line, sizeof line, p) || !strcmp(line, "none\n"))
        printf("  %-22s (libjemalloc.so.2 could not be preloaded: apt install libjemalloc2)\n",
               "jemalloc mallocx");
    else if (sscanf(line, "%lf %lf %lf", &one, &two, &glibc_ns) == 3)
        printf("  %-22s %10.0f %10.0f %16.0f\n", "jemalloc mallocx", one, two, glibc_ns);
    if (p)
        pclose(p);
    demo_note(&d, "tune_ingest is this build's service, under each allocator's malloc");
    demo_note(&d, "a better allocator shaves the cost of each allocation; not allocating per");
    demo_note(&d, "line removes it: the fix the benchmark's allocs/op column rewards");
    return demo_end(&d);
}
