/*
 * habits.c — three of the slow service's habits alone, each beside its
 * fix, in C as habits.go shows them in Go: building a string by repeated
 * concatenation against appending to a growing buffer; a write() per
 * small piece against one buffered write; taking a shared lock per item
 * against counting locally and merging once. Then the service's own
 * report, written through this build's tune_write_report, with its
 * syscalls counted from /proc/self/io.
 *
 * Interface: main.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <undergo/demo.h>

#include "tune.h"

#define PIECES 20000
#define ITEMS 2000000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned long long writes(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    char key[32];
    unsigned long long v, n = 0;
    while (f && fscanf(f, "%31[^:]: %llu\n", key, &v) == 2)
        if (!strcmp(key, "syscw"))
            n = v;
    if (f)
        fclose(f);
    return n;
}

static void concat(double *slow, double *fast)
{
    double t0 = now();
    char *s = calloc(1, 1);
    for (int i = 0; i < PIECES && s; i++) { /* s = s + piece */
        size_t n = strlen(s);
        char *r = malloc(n + 8);
        memcpy(r, s, n);
        memcpy(r + n, "piece, ", 8);
        free(s);
        s = r;
    }
    *slow = now() - t0;
    free(s);
    t0 = now();
    size_t len = 0, cap = 16;
    char *b = malloc(cap);
    for (int i = 0; i < PIECES && b; i++) { /* a builder: amortised doubling */
        if (len + 8 > cap)
            b = realloc(b, cap *= 2);
        memcpy(b + len, "piece, ", 8);
        len += 7;
    }
    *fast = now() - t0;
    free(b);
}

static void small_writes(int fd, double *slow, double *fast, unsigned long long *ns,
                         unsigned long long *nf)
{
    unsigned long long w0 = writes();
    double t0 = now();
    for (int i = 0; i < PIECES; i++)
        if (write(fd, "piece, ", 7) != 7)
            break;
    *slow = now() - t0;
    *ns = writes() - w0;
    static char buf[PIECES * 7];
    w0 = writes();
    t0 = now();
    for (int i = 0; i < PIECES; i++)
        memcpy(buf + 7 * i, "piece, ", 7);
    if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
        *nf = 0;
    *fast = now() - t0;
    *nf = writes() - w0;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned long long shared;

static void *per_item(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITEMS; i++) {
        pthread_mutex_lock(&mu);
        shared++;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

static void *batched(void *arg)
{
    (void)arg;
    volatile unsigned long long local = 0;
    for (int i = 0; i < ITEMS; i++)
        local++;
    pthread_mutex_lock(&mu);
    shared += local;
    pthread_mutex_unlock(&mu);
    return NULL;
}

static double two_threads(void *(*fn)(void *))
{
    pthread_t th;
    double t0 = now();
    pthread_create(&th, NULL, fn, NULL);
    fn(NULL);
    pthread_join(th, NULL);
    return now() - t0;
}

int main(int argc, char **argv)
{
    demo_spec_t spec = {.name = "tune habits",
                        .about = "three slow habits alone, each beside its fix"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Three habits, each alone, slow and fixed");
    double slow, fast;
    concat(&slow, &fast);
    demo_step(&d, "a %d-piece string: s = s + piece, then a growing buffer", PIECES);
    printf("  concatenation %8.2f ms   buffer %8.3f ms   (%.0fx)\n", slow * 1e3, fast * 1e3,
           slow / fast);
    int fd = open("/dev/null", O_WRONLY);
    unsigned long long ns = 0, nf = 0;
    small_writes(fd, &slow, &fast, &ns, &nf);
    demo_step(&d, "%d pieces to /dev/null: a write() each, then one buffered write", PIECES);
    printf("  unbuffered %8.2f ms, %llu write syscalls   buffered %8.3f ms, %llu\n", slow * 1e3, ns,
           fast * 1e3, nf);
    shared = 0;
    slow = two_threads(per_item);
    fast = two_threads(batched);
    demo_step(&d, "two threads counting %d items each: a lock per item, then one merge", ITEMS);
    printf("  lock per item %8.2f ms   local count, one merge %8.3f ms   (total %llu)\n",
           slow * 1e3, fast * 1e3, shared);
    demo_step(&d, "this build's tune_write_report of 500 routes");
    tune_t *t;
    if (!demo_ok(&d, tune_open(&t), "tune_open"))
        return demo_end(&d);
    char line[128];
    for (int i = 0; i < 500; i++) {
        int n = snprintf(line, sizeof line, "path=/r/%d status=200 bytes=%d ms=%d\n", i, i, i % 9);
        tune_ingest(t, line, (size_t)n);
    }
    unsigned long long w0 = writes();
    double t0 = now();
    demo_ok(&d, tune_write_report(t, fd), "tune_write_report");
    printf("  %.3f ms, %llu write syscalls\n", (now() - t0) * 1e3, writes() - w0);
    tune_close(t);
    close(fd);
    demo_note(&d, "the Go originals: habits.go (go run habits.go)");
    return demo_end(&d);
}
