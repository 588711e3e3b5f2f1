/*
 * lsan_worker.c — the LeakSanitizer side of the leak benchmark, a program
 * of its own because LSan must own the process's malloc. Built twice with
 * clang: with -fsanitize=leak (leak_lsan_worker) and without
 * (leak_plain_worker), so the churn ratio compares the same code.
 *
 *   worker churn STEPS         → "ns <loop nanoseconds>"
 *   worker scan LIVE LOST      → "ns <leak check nanoseconds>"; LSan's own
 *                                report (with its SUMMARY line) on stderr
 *
 * Interface: main → churn | heap_build → __lsan_do_recoverable_leak_check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "workload.h"

WL_CHURN(churn, malloc, free)
WL_HEAP(heap_build, malloc)

#if defined(__has_feature)
#if __has_feature(leak_sanitizer) || __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifndef HAVE_LSAN
#define HAVE_LSAN 0
#endif

#if HAVE_LSAN
int __lsan_do_recoverable_leak_check(void);
#endif

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "churn") == 0) {
        int64_t t0 = now_ns();
        churn(strtoull(argv[2], NULL, 10));
        printf("ns %lld\n", (long long)(now_ns() - t0));
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "scan") == 0 && HAVE_LSAN) {
        heap_build(strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10));
        int64_t t0 = now_ns();
#if HAVE_LSAN
        __lsan_do_recoverable_leak_check();
#endif
        printf("ns %lld\n", (long long)(now_ns() - t0));
        return 0;
    }
    fprintf(stderr, "usage: %s churn STEPS | scan LIVE LOST\n", argv[0]);
    return 2;
}
