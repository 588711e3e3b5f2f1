/*
 * rcv_bench.c — what defer and recover cost: a call with one deferred
 * call that returns normally (Go's common case: defer mu.Unlock()), and a
 * call whose panic a deferred recover stops (Gin's Recovery on a bad
 * request). The grader times the candidate against the reference on both;
 * benchmarks/recovery sets them beside setjmp/longjmp and C++ exceptions.
 *
 * Interface: UG_BENCH bodies.
 */
#include <undergo/bench.h>

#include "recovery.h"

static volatile long counter;

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

UG_BENCH(BenchmarkDeferNoPanic)
{
    for (uint64_t i = 0; i < b->n; i++)
        rcv_call(guarded, NULL);
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

UG_BENCH(BenchmarkRecoveredPanic)
{
    for (uint64_t i = 0; i < b->n; i++)
        rcv_call(panics, NULL);
}
