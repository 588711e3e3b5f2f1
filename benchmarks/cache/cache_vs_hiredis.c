/*
 * cache_vs_hiredis.c — the cache lab's reference client against hiredis
 * and against redis-benchmark, pipelined SET and GET of 64-byte values in
 * batches of 16, all on one redis-server started for the run.
 *
 * The reference and hiredis run interleaved (rounds of one batch each,
 * the order alternating; a batch lasts about 20 ms), and the answer is the
 * median of the rounds' throughput ratios, ref/hiredis (the lab's target:
 * at least 0.9). redis-benchmark -P 16 (Debian's redis-tools) then runs
 * the same commands with its own client and event loop, 50 connections,
 * as a ceiling of what the server gives; its ops/s are read from its -q
 * output ("SET: 123456.78 requests per second").
 *
 * Output is Go's benchmark format, one line per side and operation, with
 * ops/s and the ratios as metrics:
 *
 *   BenchmarkPipelinedGet/ref-2        300000   4600 ns/op  217391 ops/s  0.98 ref/hiredis  0.40 ref/redis-benchmark
 *   BenchmarkPipelinedGet/hiredis-2    300000   4500 ns/op  222222 ops/s
 *   BenchmarkPipelinedGet/redis-benchmark-2  100000  1850 ns/op  540540 ops/s
 *
 * CACHE_VS_HIREDIS_ROUNDS (15), CACHE_VS_HIREDIS_BATCH_MS (20) and
 * CACHE_VS_HIREDIS_BENCH_N (200000, redis-benchmark's -n) size the run.
 *
 * Interface: main → server → calibrate → rounds → redis-benchmark → print.
 */
#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"

enum { DEPTH = 16, KEYS = 1000, MAX_ROUNDS = 101 };
static const char value[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "cache_vs_hiredis: %s\n", what);
    exit(1);
}

/* n commands through the reference, DEPTH at a time; the time taken. */
static double run_ref(cache_conn_t *c, bool set, uint64_t n)
{
    char keys[DEPTH][16];
    double t = now_ns();
    for (uint64_t done = 0; done < n; done += DEPTH) {
        for (int j = 0; j < DEPTH; j++) {
            int len = snprintf(keys[j], sizeof keys[j], "key:%llu",
                               (unsigned long long)((done + (uint64_t)j) % KEYS));
            const char *argv[] = {set ? "SET" : "GET", keys[j], value};
            size_t lens[] = {3, (size_t)len, 64};
            cache_append(c, set ? 3 : 2, argv, lens);
        }
        for (int j = 0; j < DEPTH; j++) {
            cache_reply_t r;
            if (cache_read(c, &r) < 0)
                die(cache_conn_error(c));
            cache_reply_free(&r);
        }
    }
    return now_ns() - t;
}

/* The same through hiredis. */
static double run_hiredis(redisContext *c, bool set, uint64_t n)
{
    char keys[DEPTH][16];
    double t = now_ns();
    for (uint64_t done = 0; done < n; done += DEPTH) {
        for (int j = 0; j < DEPTH; j++) {
            int len = snprintf(keys[j], sizeof keys[j], "key:%llu",
                               (unsigned long long)((done + (uint64_t)j) % KEYS));
            const char *argv[] = {set ? "SET" : "GET", keys[j], value};
            size_t lens[] = {3, (size_t)len, 64};
            redisAppendCommandArgv(c, set ? 3 : 2, argv, lens);
        }
        for (int j = 0; j < DEPTH; j++) {
            void *r;
            if (redisGetReply(c, &r) != REDIS_OK)
                die(c->errstr);
            freeReplyObject(r);
        }
    }
    return now_ns() - t;
}

/* redis-benchmark's ops/s for one test ("set" or "get"), or 0. */
static double redis_benchmark(int port, const char *test, long n)
{
    char p[16], nn[24], cmd[256];
    snprintf(p, sizeof p, "%d", port);
    snprintf(nn, sizeof nn, "%ld", n);
    snprintf(cmd, sizeof cmd, "redis-benchmark -h 127.0.0.1 -p %s -P %d -d 64 -r %d -n %s -t %s -q",
             p, DEPTH, KEYS, nn, test);
    FILE *f = popen(cmd, "r");
    if (!f)
        return 0;
    char line[512];
    double ops = 0;
    while (fgets(line, sizeof line, f)) {
        char *colon = strrchr(line, '\r') ? strrchr(line, '\r') + 1 : line;
        char *at = strstr(colon, ": ");
        if (at && strstr(at, "requests per second"))
            ops = strtod(at + 2, NULL);
    }
    int st = pclose(f);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? ops : 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long env_long(const char *name, long def)
{
    const char *s = getenv(name);
    long v = s && *s ? strtol(s, NULL, 10) : 0;
    return v > 0 ? v : def;
}

int main(void)
{
    int rounds = (int)env_long("CACHE_VS_HIREDIS_ROUNDS", 15);
    rounds = rounds > MAX_ROUNDS ? MAX_ROUNDS : rounds;
    double batch_ns = (double)env_long("CACHE_VS_HIREDIS_BATCH_MS", 20) * 1e6;
    long bench_n = env_long("CACHE_VS_HIREDIS_BENCH_N", 200000);
    long procs = sysconf(_SC_NPROCESSORS_ONLN);

    cache_server_t srv;
    cache_conn_t *ref;
    if (cache_server_start(&srv) < 0)
        die(cache_server_error());
    redisContext *hi = redisConnect("127.0.0.1", srv.port);
    if (cache_connect("127.0.0.1", srv.port, 2, &ref) < 0 || !hi || hi->err)
        die("cannot connect to the server");
    run_ref(ref, true, KEYS); /* every key present for the GETs */

    printf("goos: linux\npkg: undergo/benchmarks/cache\n");
    static const char *const names[] = {"Set", "Get"};
    double ratio[2];
    for (int op = 0; op < 2; op++) {
        bool set = op == 0;
        uint64_t n = DEPTH * 16;
        for (double t = run_hiredis(hi, set, n); t < batch_ns && n < (1u << 24);
             t = run_hiredis(hi, set, n))
            n = (t > 0 ? (uint64_t)(n * (batch_ns / t) * 1.1) : n * 10) / DEPTH * DEPTH + DEPTH;
        double r[MAX_ROUNDS], ref_ns[MAX_ROUNDS], hi_ns[MAX_ROUNDS];
        for (int k = 0; k < rounds; k++) {
            bool ref_first = k % 2 == 0;
            double a = ref_first ? run_ref(ref, set, n) : run_hiredis(hi, set, n);
            double b = ref_first ? run_hiredis(hi, set, n) : run_ref(ref, set, n);
            ref_ns[k] = (ref_first ? a : b) / (double)n;
            hi_ns[k] = (ref_first ? b : a) / (double)n;
            r[k] = hi_ns[k] / ref_ns[k]; /* throughput ratio ref/hiredis */
        }
        ratio[op] = median(r, rounds);
        double rns = median(ref_ns, rounds), hns = median(hi_ns, rounds);
        double rb = redis_benchmark(srv.port, set ? "set" : "get", bench_n);
        uint64_t total = n * (uint64_t)rounds;
        printf("BenchmarkPipelined%s/ref-%ld\t%10llu\t%10.0f ns/op\t%10.0f ops/s\t%6.3f "
               "ref/hiredis\t%6.3f ref/redis-benchmark\n",
               names[op], procs, (unsigned long long)total, rns, 1e9 / rns, ratio[op],
               rb > 0 ? 1e9 / rns / rb : 0);
        printf("BenchmarkPipelined%s/hiredis-%ld\t%10llu\t%10.0f ns/op\t%10.0f ops/s\n", names[op],
               procs, (unsigned long long)total, hns, 1e9 / hns);
        if (rb > 0)
            printf("BenchmarkPipelined%s/redis-benchmark-%ld\t%10ld\t%10.0f ns/op\t%10.0f ops/s\n",
                   names[op], procs, bench_n, 1e9 / rb, rb);
        else
            fprintf(stderr, "cache_vs_hiredis: redis-benchmark did not run "
                            "(Debian's redis-tools package)\n");
        fflush(stdout);
    }
    printf("PASS\n");
    fprintf(stderr,
            "ref/hiredis ops/s (median of %d interleaved rounds; target >= 0.90): "
            "Set %.2fx Get %.2fx\n",
            rounds, ratio[0], ratio[1]);
    cache_close(ref);
    redisFree(hi);
    cache_server_stop(&srv);
    return 0;
}
