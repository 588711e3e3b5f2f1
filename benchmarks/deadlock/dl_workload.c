/*
 * dl_workload.c — the pthread program every deadlock tool is run on. It
 * uses plain pthreads only, so the same source becomes four binaries: plain,
 * linked with the checker's interposer, built with ThreadSanitizer, and run
 * under Helgrind.
 *
 *   dl_workload pairs THREADS N   nested ordered pairs over 64 mutexes;
 *                                 prints one Go benchmark line: wall time
 *                                 and CPU time per pair (all threads' pairs)
 *   dl_workload SCENARIO          one lock pattern from the lab's tests, its
 *                                 threads run one after the other (nothing
 *                                 hangs): inversion, cycle3, ordered,
 *                                 trylock, recursive, rwlock, class; and hang, a
 *                                 real two-thread deadlock (the process
 *                                 leaves after 2 s, its threads still stuck)
 *
 * Interface: main → run_pairs | run_scenario; VARIANT (a -D string) names
 * the build in the benchmark line.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#if defined(VARIANT_TSAN)
#define VARIANT "tsan"
#elif !defined(VARIANT)
#define VARIANT "plain"
#endif

enum { NMUTEX = 64 };
#ifndef OFFSET
#define OFFSET 0L   /* where thread t starts: 0, all threads contend for the same pairs */
#endif
static pthread_mutex_t mus[NMUTEX] = {PTHREAD_MUTEX_INITIALIZER};   /* zero = initializer */

/* ---- the benchmark ---- */

typedef struct worker {
    pthread_t tid;
    long n, offset;
    pthread_barrier_t *start;
} worker_t;

static void *pairs(void *p) {
    worker_t *w = p;
    pthread_barrier_wait(w->start);
    for (long i = 0; i < w->n; i++) {
        int k = (int)((i + w->offset) % (NMUTEX - 1));
        pthread_mutex_lock(&mus[k]);
        pthread_mutex_lock(&mus[k + 1]);
        pthread_mutex_unlock(&mus[k + 1]);
        pthread_mutex_unlock(&mus[k]);
    }
    return NULL;
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* CPU time used by the whole process so far, in ns. */
static double cpu_ns(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
}

static int run_pairs(int threads, long n) {
    worker_t w[8];
    pthread_barrier_t start;
    if (threads < 1 || threads > 8 || n < 1) return 2;
    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    for (int t = 0; t < threads; t++) {
        w[t] = (worker_t){.n = n, .offset = t * OFFSET, .start = &start};
        pthread_create(&w[t].tid, NULL, pairs, &w[t]);
    }
    double c0 = cpu_ns();
    pthread_barrier_wait(&start);
    double t0 = now_ns();
    for (int t = 0; t < threads; t++) pthread_join(w[t].tid, NULL);
    double pairs = (double)n * threads;
    double ns = (now_ns() - t0) / pairs, cpu = (cpu_ns() - c0) / pairs;
    printf("BenchmarkLockPairs/%s/threads=%d-2\t%ld\t%.2f ns/op\t%.2f cpu-ns/op\n", VARIANT,
           threads, n * threads, ns, cpu);
    return 0;
}

/* ---- scenarios: each step runs in its own thread, one after the other ---- */

typedef void (*step_fn)(void);

typedef struct step {
    step_fn fn;
} step_t;

static void *step_main(void *p) {
    ((step_t *)p)->fn();
    return NULL;
}

static void in_thread(step_fn f) {
    step_t s = {f};
    pthread_t t;
    pthread_create(&t, NULL, step_main, &s);
    pthread_join(t, NULL);
}

static pthread_mutex_t A = PTHREAD_MUTEX_INITIALIZER, B = PTHREAD_MUTEX_INITIALIZER,
                       C = PTHREAD_MUTEX_INITIALIZER;

static void lock2(pthread_mutex_t *x, pthread_mutex_t *y) {
    pthread_mutex_lock(x);
    pthread_mutex_lock(y);
    pthread_mutex_unlock(y);
    pthread_mutex_unlock(x);
}

static void ab(void) { lock2(&A, &B); }
static void ba(void) { lock2(&B, &A); }
static void bc(void) { lock2(&B, &C); }
static void ca(void) { lock2(&C, &A); }
static void b_try_a(void) {
    pthread_mutex_lock(&B);
    if (pthread_mutex_trylock(&A) == 0) pthread_mutex_unlock(&A);
    pthread_mutex_unlock(&B);
}
static pthread_rwlock_t RW = PTHREAD_RWLOCK_INITIALIZER;
static void read_then_a(void) {
    pthread_rwlock_rdlock(&RW);
    pthread_mutex_lock(&A);
    pthread_mutex_unlock(&A);
    pthread_rwlock_unlock(&RW);
}
static void a_then_write(void) {
    pthread_mutex_lock(&A);
    pthread_rwlock_wrlock(&RW);
    pthread_rwlock_unlock(&RW);
    pthread_mutex_unlock(&A);
}

static pthread_mutex_t R;   /* recursive: relocking it is allowed */
static void relock(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&R, &a);
    pthread_mutex_lock(&R);
    pthread_mutex_lock(&A);
    pthread_mutex_lock(&R);
    pthread_mutex_unlock(&R);
    pthread_mutex_unlock(&A);
    pthread_mutex_unlock(&R);
}
static void ordered(void) {
    for (int i = 0; i + 1 < NMUTEX; i += 3) lock2(&mus[i], &mus[i + 1]);
}

/* Two classes of per-account locks: the order is inverted only across
 * different instances, which only a class-based checker can see. */
enum { NACCT = 1000 };
static struct account { pthread_mutex_t mu, ledger; } accounts[NACCT];
static void accounts_init(void) {
    for (int i = 0; i < NACCT; i++) {
        pthread_mutex_init(&accounts[i].mu, NULL);
        pthread_mutex_init(&accounts[i].ledger, NULL);
    }
}
static void credit_even(void) {
    for (int i = 0; i < NACCT; i += 2) lock2(&accounts[i].mu, &accounts[i].ledger);
}
static void audit_odd(void) { lock2(&accounts[1].ledger, &accounts[1].mu); }

/* A real deadlock: both threads take their first lock, meet, then wait for
 * each other's, for ever. */
static pthread_barrier_t meet;
static void *hang_ab(void *p) {
    (void)p;
    pthread_mutex_lock(&A);
    pthread_barrier_wait(&meet);
    pthread_mutex_lock(&B);
    return NULL;
}
static void *hang_ba(void *p) {
    (void)p;
    pthread_mutex_lock(&B);
    pthread_barrier_wait(&meet);
    pthread_mutex_lock(&A);
    return NULL;
}
static void hang(void) {
    pthread_t t1, t2;
    pthread_barrier_init(&meet, NULL, 2);
    pthread_create(&t1, NULL, hang_ab, NULL);
    pthread_create(&t2, NULL, hang_ba, NULL);
    /* give a checker time to notice, then leave the two threads stuck */
    nanosleep(&(struct timespec){.tv_sec = 2}, NULL);
    printf("scenario hang: the threads are still stuck, exiting\n");
    fflush(stdout);
    _exit(0);
}

static int run_scenario(const char *name) {
    if (!strcmp(name, "inversion")) {
        in_thread(ab), in_thread(ba);
    } else if (!strcmp(name, "cycle3")) {
        in_thread(ab), in_thread(bc), in_thread(ca);
    } else if (!strcmp(name, "ordered")) {
        in_thread(ordered), in_thread(ordered);
    } else if (!strcmp(name, "trylock")) {
        in_thread(ab), in_thread(b_try_a);
    } else if (!strcmp(name, "rwlock")) {
        in_thread(read_then_a), in_thread(a_then_write);
    } else if (!strcmp(name, "hang")) {
        hang();
    } else if (!strcmp(name, "recursive")) {
        in_thread(relock);
    } else if (!strcmp(name, "class")) {
        accounts_init();
        in_thread(credit_even), in_thread(audit_odd);
    } else {
        return 2;
    }
    printf("scenario %s done\n", name);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "pairs")) return run_pairs(atoi(argv[2]), atol(argv[3]));
    if (argc == 2) return run_scenario(argv[1]);
    fprintf(stderr, "usage: dl_workload pairs THREADS N | dl_workload SCENARIO\n");
    return 2;
}
