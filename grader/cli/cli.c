/*
 * cli.c — helpers every subcommand uses (see cli.h).
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"

tree_t cli_tree(void)
{
    static char marker[4096];
    tree_t t = {.root = UNDERGO_SOURCE_DIR, .bindir = UNDERGO_BINARY_DIR};
    snprintf(marker, sizeof marker, "%s/handout.json", t.root);
    t.handout = fsutil_exists(marker);
    return t;
}

void cli_error(const char *hint, const char *fmt, ...)
{
    va_list ap;
    fputs("grader: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (hint)
        fprintf(stderr, "hint: %s\n", hint);
}

int cli_load_labs(const tree_t *t, lab_set_t *set)
{
    char err[1024];
    if (manifest_load_all(t->root, NULL, set, err, sizeof err) == 0)
        return 0;
    cli_error(NULL, "%s", err);
    return -1;
}

int cli_number(const char *name, const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || !*s || *end || v < lo || v > hi) {
        cli_error(NULL, "option '%s' takes a whole number from %lld to %lld, not '%s'", name, lo,
                  hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

bool cli_benchtime_ok(const char *s)
{
    static const char *const units[] = {"ns", "us", "\xc2\xb5s", "ms", "s", "m", "h", "x"};
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !(v > 0) || (*s < '0' || *s > '9'))
        return false;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (!strcmp(end, units[i]))
            return i != 7 || (v == (double)(long long)v && !strchr(s, '.'));
    return false;
}
