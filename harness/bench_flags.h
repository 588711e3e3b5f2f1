/*
 * bench_flags.h — private: the bench binary's command line, Go's testing
 * flags plus -lab and -variant.
 *
 * Interface: ug_bench__parse_flags(argc, argv, &opts) → opts.re, ... →
 * regfree(&opts.re).
 */
#ifndef UNDERGO_HARNESS_BENCH_FLAGS_H
#define UNDERGO_HARNESS_BENCH_FLAGS_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct ug_bench_opts {
    regex_t re;              /* -bench */
    uint64_t benchtime_ns;   /* -benchtime 1s; 0 when given as Nx */
    uint64_t benchtime_n;    /* -benchtime Nx; 0 when given as a duration */
    long count;              /* -count */
    bool list;               /* -list */
    const char *variant;     /* -variant, or from the binary name, or NULL */
    char lab[128];           /* -lab, or from the binary name */
} ug_bench_opts_t;

/* Fills o from argv; o holds the defaults on entry (benchtime_ns, count).
 * Lab and variant default from a binary named "<lab>_bench[_<variant>]".
 * Returns 0 (o->re compiled: caller regfrees), 1 after printing the usage
 * for -h, or -EINVAL after printing the error and the usage to stderr.
 * o keeps pointers into argv. */
int ug_bench__parse_flags(int argc, char **argv, ug_bench_opts_t *o);

#endif
