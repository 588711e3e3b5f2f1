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
 * Interface: leak_fixture (setup/teardown) → helpers → scrub_stack →
 * leak_check → find_record / count_records.
 */
#ifndef LEAK_TESTS_COMMON_H
#define LEAK_TESTS_COMMON_H

#include <string.h>

#include <undergo/labtest.h>

#include "leak.h"

/* noclone is GCC's (it keeps GCC from specializing a helper into a clone
 * the checks do not expect); clang has no such attribute. */
#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noclone))
#endif
#define MASK ((uintptr_t)0x5a5a5a5a5a5a5a5aull)   /* hides a pointer from the scan */

/* Empties the chunk table and restores default options. */
static inline int leak_fixture(void **state)
{
    (void)state;
    leak_reset();
    leak_init(NULL);
    return 0;
}

/* Zeroes the stack below the caller's frame. */
NOINLINE __attribute__((unused)) static void scrub_stack(void)
{
    char buf[16384];
    explicit_bzero(buf, sizeof buf);
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

/* A check that must succeed; its report is returned in *r. */
#define CHECK(r)                                   \
    do {                                           \
        scrub_stack();                             \
        assert_int_equal(0, leak_check(r));        \
    } while (0)

#endif
