/*
 * recovery_anchor_bench.c — the lab's reference defer/panic/recover
 * beside setjmp/longjmp and C++ exceptions, on the two paths that matter:
 *
 *   NoPanic    a guarded call with one cleanup that returns normally
 *              (rcv_call + rcv_defer; setjmp + a cleanup call; try + a
 *              destructor)
 *   Recovered  the guarded call fails and the failure is stopped
 *              (rcv_panic + rcv_recover in a deferred call; longjmp back
 *              to the setjmp; throw + catch)
 *
 * Every benchmark times itself too, and at exit the ratios of each to the
 * lab's are printed from the last (largest) run of each.
 *
 * Interface: UG_BENCH bodies → atexit ratios_print.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <undergo/bench.h>

#include "recovery.h"

void rcv_anchor_cxx_no_throw(void);
void rcv_anchor_cxx_throw_catch(void);

enum { RCV_NO, RCV_REC, SJ_NO, SJ_REC, CXX_NO, CXX_REC, NVARIANT };
static const char *const names[NVARIANT] = {
    "rcv defer, no panic", "rcv panic+recover", "setjmp, no longjmp",
    "setjmp+longjmp",      "C++ try, no throw", "C++ throw+catch",
};
static double ns_per_op[NVARIANT];
static volatile long counter;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void ratios_print(void)
{
    printf("\nratios (time per op / the lab's reference on the same path):\n");
    for (int v = 0; v < NVARIANT; v++) {
        int base = v % 2 ? RCV_REC : RCV_NO;
        if (ns_per_op[v] > 0 && ns_per_op[base] > 0)
            printf("  %-22s %8.1f ns/op  %6.2fx\n", names[v], ns_per_op[v],
                   ns_per_op[v] / ns_per_op[base]);
    }
}

static void record(int v, uint64_t n, double start)
{
    static int registered;
    if (!registered)
        registered = atexit(ratios_print) == 0;
    ns_per_op[v] = (now_ns() - start) / (double)n;
}

static void unlock(void *p)
{
    (void)p;
    counter++;
}
static void guarded(void *p)
{
    rcv_defer(unlock, p);
    counter++;
}
static void recover_it(void *p)
{
    (void)p;
    if (rcv_recover())
        counter++;
}
static void panics(void *p)
{
    rcv_defer(recover_it, p);
    rcv_panic("bad request");
}

UG_BENCH(BenchmarkNoPanic_rcv)
{
    double t = now_ns();
    for (uint64_t i = 0; i < b->n; i++)
        rcv_call(guarded, NULL);
    record(RCV_NO, b->n, t);
}

UG_BENCH(BenchmarkRecovered_rcv)
{
    double t = now_ns();
    for (uint64_t i = 0; i < b->n; i++)
        rcv_call(panics, NULL);
    record(RCV_REC, b->n, t);
}

/* setjmp: the cleanup is an explicit call on both paths, as a C program
 * that unwinds by hand must make it. */
static jmp_buf *volatile target;

__attribute__((noinline)) static void sj_body(int fail)
{
    counter++;
    if (fail)
        longjmp(*target, 1);
}

__attribute__((noinline)) static void sj_guarded(int fail)
{
    jmp_buf jb;
    jmp_buf *volatile saved = target;
    target = &jb;
    if (setjmp(jb) == 0)
        sj_body(fail);
    else
        counter++;
    unlock(NULL);
    target = saved;
}

UG_BENCH(BenchmarkNoPanic_setjmp)
{
    double t = now_ns();
    for (uint64_t i = 0; i < b->n; i++)
        sj_guarded(0);
    record(SJ_NO, b->n, t);
}

UG_BENCH(BenchmarkRecovered_setjmp)
{
    double t = now_ns();
    for (uint64_t i = 0; i < b->n; i++)
        sj_guarded(1);
    record(SJ_REC, b->n, t);
}

UG_BENCH(BenchmarkNoPanic_cxx)
{
    double t = now_ns();
    for (uint64_t i = 0; i < b->n; i++)
        rcv_anchor_cxx_no_throw();
    record(CXX_NO, b->n, t);
}

UG_BENCH(BenchmarkRecovered_cxx)
{
    double t = now_ns();
    for (uint64_t i = 0; i < b->n; i++)
        rcv_anchor_cxx_throw_catch();
    record(CXX_REC, b->n, t);
}
