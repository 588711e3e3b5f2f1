/*
 * bench_flags.c — the bench binary's flags, spelled as Go's testing package
 * spells them: "-bench X", "-bench=X", "--bench X" and "-test.bench X" are
 * all the same flag, so scripts written for `go test` binaries work.
 *
 *   -bench REGEX      POSIX extended regex over benchmark names (".")
 *   -benchtime D|Nx   a Go duration (1s, 500ms, 1m30s) or exact iterations
 *   -count N          runs of each benchmark (1)
 *   -list [REGEX]     print matching names and exit
 *   -lab, -variant    configuration lines; default from the binary name
 *   -benchmem, -v, -run X, -timeout D: accepted and ignored, as there is
 *                     nothing else to run and memory is always reported
 *
 * Interface: ug_bench__parse_flags(argc, argv, &opts).
 */
#include "bench_flags.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *bench_prog = "bench";

static void bench_usage(FILE *out)
{
    fprintf(out,
            "usage: %s [-bench REGEX] [-benchtime 1s|500ms|Nx] [-count N] [-list]\n"
            "       [-lab NAME] [-variant NAME]\n",
            bench_prog);
}

/* Parses one Go duration ("1s", "500ms", "1.5s", "1m30s") into ns.
 * Returns 0, or -EINVAL. */
static int bench_parse_duration(const char *s, uint64_t *ns)
{
    static const struct { const char *name; double ns; } units[] = {
        {"ns", 1}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
        {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9},
    };
    double total = 0;

    if (*s == '\0')
        return -EINVAL;
    while (*s) {
        char *end;
        double v;
        size_t best = 0, bi = 0;

        if (!isdigit((unsigned char)*s) && *s != '.')
            return -EINVAL;
        v = strtod(s, &end);
        if (end == s)
            return -EINVAL;
        /* The longest unit that matches: "ms" before "m". */
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
            size_t l = strlen(units[i].name);
            if (l > best && strncmp(end, units[i].name, l) == 0)
                best = l, bi = i;
        }
        if (best == 0)
            return -EINVAL;
        total += v * units[bi].ns;
        s = end + best;
    }
    if (total < 1 || total > 1e18)
        return -EINVAL;
    *ns = (uint64_t)total;
    return 0;
}

/* "-benchtime": a duration or "Nx". Returns 0, or -EINVAL. */
static int bench_parse_benchtime(const char *s, ug_bench_opts_t *o)
{
    size_t l = strlen(s);

    if (l > 1 && s[l - 1] == 'x') {
        char *end;
        unsigned long long n;

        errno = 0;
        n = strtoull(s, &end, 10);
        if (!isdigit((unsigned char)s[0]) || errno || end != s + l - 1 || n == 0)
            return -EINVAL;
        o->benchtime_n = n;
        o->benchtime_ns = 0;
        return 0;
    }
    o->benchtime_n = 0;
    return bench_parse_duration(s, &o->benchtime_ns);
}

/* Lab and variant from a binary named "<lab>_bench[_<variant>]". */
static void bench_names_from_argv0(const char *argv0, ug_bench_opts_t *o)
{
    const char *base = strrchr(argv0, '/');
    const char *cut;

    base = base ? base + 1 : argv0;
    bench_prog = base;
    cut = strstr(base, "_bench");
    snprintf(o->lab, sizeof o->lab, "%.*s", cut ? (int)(cut - base) : (int)strlen(base), base);
    if (cut && cut[6] == '_' && cut[7] != '\0')
        o->variant = cut + 7;
}

/* "-name", "--name", "-test.name", each optionally "=value". Returns the
 * bare name in buf and the inline value (or NULL). */
static const char *bench_flag_name(const char *arg, char *buf, size_t len)
{
    const char *eq;

    arg += arg[1] == '-' ? 2 : 1;
    if (strncmp(arg, "test.", 5) == 0)
        arg += 5;
    eq = strchr(arg, '=');
    snprintf(buf, len, "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
    return eq ? eq + 1 : NULL;
}

/* Checks a flag's value; prints the error and returns -EINVAL if bad. */
static int bench_set_flag(ug_bench_opts_t *o, const char *name, const char *val, const char **re)
{
    char *end;

    if (strcmp(name, "bench") == 0) {
        *re = val;
    } else if (strcmp(name, "benchtime") == 0) {
        if (bench_parse_benchtime(val, o) < 0) {
            fprintf(stderr, "bench: invalid value '%s' for -benchtime\n", val);
            return -EINVAL;
        }
    } else if (strcmp(name, "count") == 0) {
        errno = 0;
        o->count = strtol(val, &end, 10);
        if (errno || *end || end == val || o->count < 1) {
            fprintf(stderr, "bench: invalid value '%s' for -count\n", val);
            return -EINVAL;
        }
    } else if (strcmp(name, "lab") == 0) {
        snprintf(o->lab, sizeof o->lab, "%s", val);
    } else if (strcmp(name, "variant") == 0) {
        o->variant = val;
    }
    /* -run and -timeout are accepted for Go compatibility and ignored. */
    return 0;
}

static bool bench_is_valued(const char *name)
{
    static const char *const valued[] = {"bench", "benchtime", "count", "lab",
                                         "variant", "run", "timeout"};
    for (size_t i = 0; i < sizeof valued / sizeof valued[0]; i++)
        if (strcmp(name, valued[i]) == 0)
            return true;
    return false;
}

static bool bench_is_switch(const char *name)
{
    return strcmp(name, "list") == 0 || strcmp(name, "benchmem") == 0 ||
           strcmp(name, "v") == 0;
}

/* Parses argv into o. Returns 0, 1 for -h (usage printed), or -EINVAL
 * after printing the error and the usage to stderr. */
int ug_bench__parse_flags(int argc, char **argv, ug_bench_opts_t *o)
{
    const char *re = ".";
    char name[64];
    int rc;

    bench_names_from_argv0(argc > 0 ? argv[0] : "bench", o);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *val;

        if (arg[0] != '-' || arg[1] == '\0') {
            fprintf(stderr, "bench: unexpected argument '%s'\n", arg);
            goto usage;
        }
        val = bench_flag_name(arg, name, sizeof name);
        if (strcmp(name, "h") == 0 || strcmp(name, "help") == 0) {
            bench_usage(stdout);
            return 1;
        }
        if (bench_is_switch(name)) {
            /* Go's -list takes a regex; "-list ." and "-list=X" work too. */
            if (strcmp(name, "list") == 0) {
                o->list = true;
                if (val)
                    re = val;
                else if (i + 1 < argc && argv[i + 1][0] != '-')
                    re = argv[++i];
            }
            continue;
        }
        if (!bench_is_valued(name)) {
            fprintf(stderr, "bench: unknown flag '%s'\n", arg);
            goto usage;
        }
        if (val == NULL && i + 1 == argc) {
            fprintf(stderr, "bench: flag needs an argument: -%s\n", name);
            goto usage;
        }
        if (bench_set_flag(o, name, val ? val : argv[++i], &re) < 0)
            goto usage;
    }
    rc = regcomp(&o->re, re, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char msg[128];
        regerror(rc, &o->re, msg, sizeof msg);
        fprintf(stderr, "bench: invalid regexp '%s' for -bench: %s\n", re, msg);
        goto usage;
    }
    return 0;
usage:
    bench_usage(stderr);
    return -EINVAL;
}
