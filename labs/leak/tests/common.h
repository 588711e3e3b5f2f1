/*
 * common.h — what the leak lab's tests share: a clean table per test, a
 * scrubbed stack before each check, and record lookups by function name.
 *
 * A conservative scan finds any word that looks like a pointer, including
 * copies a returned helper left below the caller's stack pointer. The
 * checks start at their own frame, so those leftovers are never roots;
 * scrub_stack still zeroes them, so a passing test cannot owe its verdict
 * to a lucky leftover. Every "not reported" step is paired with a step
 * that must report, so a detector that reports nothing fails.
 *
 * A site is "function+0xoff": the offset differs between two builds of
 * one source (the reference's test binary and a submission's), so tests
 * check the function's name (site_function), never the whole string.
 *
 * Interface: leak_setup / leak_fixture (setup / teardown) → helpers → scrub_stack →
 * leak_check → find_record / site_function.
 */
#ifndef LEAK_TESTS_COMMON_H
#define LEAK_TESTS_COMMON_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <undergo/labtest.h>

#include "leak.h"

/* Never inlined, never cloned (a clone's frame may keep what the caller's
 * would not); clang makes no clones and knows no noclone. */
#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noclone))
#endif
/* A helper that only computes expected values: the recording build does
 * not evaluate expected operands, so it never calls one (clang reports it
 * as not needed). */
#define EXPECTED_ONLY __attribute__((unused))
#define MASK ((uintptr_t)0x5a5a5a5a5a5a5a5aull)   /* hides a pointer from the scan */

/* Takes, and keeps until the test's process ends, the memory glibc's heap
 * had free when the test began. The process this test was forked from may
 * have freed memory whose addresses stay behind in its frames above the
 * test; a conservative scan rightly counts those live frames as roots, so a
 * chunk the test expects lost, placed in that memory, would be kept alive
 * by a word the test cannot see. Taken first, that memory cannot hold the
 * test's chunks: they come from beyond the heap's old end. Each size is
 * asked for until the answer lies there (free chunks of that size or more
 * are gone); under AddressSanitizer, whose heap is elsewhere, once. The
 * blocks are chained from a global, so a leak checker at exit does not
 * count them (they are plain malloc's, no chunks of the lab's table). */
static inline void take_free_heap(void)
{
    static void *taken;
    uintptr_t end = (uintptr_t)sbrk(0);
    for (size_t size = 65536; size >= 16; size = size > 1024 ? size / 2 : size - 16)
        for (void **p; (p = malloc(size)) != NULL;) {
            *p = taken;
            taken = p;
            if ((uintptr_t)p >= end)
                break;
        }
}

/* Setup: fresh memory (take_free_heap), an empty chunk table, default
 * options. */
static inline int leak_setup(void **state)
{
    (void)state;
    take_free_heap();
    leak_reset();
    leak_init(NULL);
    return 0;
}

/* Teardown: empties the chunk table and restores default options. */
static inline int leak_fixture(void **state)
{
    (void)state;
    leak_reset();
    leak_init(NULL);
    return 0;
}

/* Zeroes the stack below the caller's frame. Not instrumented: under
 * AddressSanitizer an instrumented buf would sit below a redzone of its
 * own frame, right under the caller, which no write reaches; the stale
 * words there (a returned callee's pointers) would stay. The stores are
 * volatile, so none is dropped, and no libc call is intercepted. */
NOINLINE __attribute__((unused, no_sanitize_address)) static void scrub_stack(void)
{
    char buf[16384];
    for (size_t i = 0; i < sizeof buf; i++)
        ((volatile char *)buf)[i] = 0;
    __asm__ volatile("" : : "r"(buf) : "memory");
}

/* The record of kind whose first frame is in function fn, or NULL. */
static inline const leak_record_t *find_record(const leak_report_t *r, leak_kind_t kind,
                                               const char *fn)
{
    size_t n = strlen(fn);
    for (size_t i = 0; i < r->nrecords; i++)
        if (r->records[i].kind == kind && strncmp(r->records[i].site, fn, n) == 0 &&
            (r->records[i].site[n] == '+' || r->records[i].site[n] == '.'))
            return &r->records[i];
    return NULL;
}

/* The function name of a site ("lose_one+0x1c" → "lose_one"), in buf. */
static inline const char *site_function(const char *site, char buf[static 160])
{
    size_t n = strcspn(site, "+."); /* a clone's suffix (.cold) is no part of it */
    n = n < 159 ? n : 159;
    memcpy(buf, site, n);
    buf[n] = '\0';
    return buf;
}

/* A check that must succeed; its report is returned in *r. */
#define CHECK(r)                                   \
    do {                                           \
        scrub_stack();                             \
        assert_int_equal(0, leak_check(r));        \
    } while (0)

#endif
