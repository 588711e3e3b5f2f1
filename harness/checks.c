/*
 * checks.c — the harness's side of every check a lab test makes.
 *
 * labtest.h turns cmocka's assertions into calls to these. Each appends its
 * transcript line (transcript.h); in the judging build it also compares and,
 * when the check does not hold, prints what was expected and what came, in
 * that order and labelled, and fails the test through cmocka. In the
 * recording build `judge` is 0: nothing is compared, the test goes on.
 */
#include <undergo/labtest.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transcript.h"

enum { STR_KEEP = 1024, MEM_SHOWN = 32 };

/* ---- transcript lines ------------------------------------------------------------ */

typedef struct line {
    char buf[STR_KEEP * 4 + 512];
    size_t len;
} line_t;

static void addf(line_t *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(line_t *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->buf + l->len, sizeof l->buf - l->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len = l->len + (size_t)n < sizeof l->buf ? l->len + (size_t)n : sizeof l->buf - 1;
}

static void begin(line_t *l, char kind, ug_site_t at)
{
    l->len = 0;
    addf(l, "%c %s:%d", kind, at.file, at.line);
}

/* The note after the tab: the expression, on one line, judging build only. */
static void finish(line_t *l, const char *expr, int judge)
{
    if (judge && expr) {
        addf(l, "\t");
        for (const char *p = expr; *p && l->len + 2 < sizeof l->buf; p++)
            l->buf[l->len++] = (*p == '\n' || *p == '\t') ? ' ' : *p;
    }
    ug_transcript_add(l->buf, l->len);
}

static uint64_t fnv1a(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

/* s as a C string literal, at most STR_KEEP bytes of it, then its length
 * and hash when longer (so a difference past the cut still shows). */
static void add_quoted(line_t *l, const char *s)
{
    if (!s) {
        addf(l, "null");
        return;
    }
    size_t n = strlen(s);
    addf(l, "\"");
    for (size_t i = 0; i < n && i < STR_KEEP; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            addf(l, "\\%c", c);
        else if (c == '\n')
            addf(l, "\\n");
        else if (c < 0x20 || c >= 0x7f)
            addf(l, "\\x%02x", c);
        else
            addf(l, "%c", c);
    }
    addf(l, "\"");
    if (n > STR_KEEP)
        addf(l, "...[%zu bytes, fnv %016" PRIx64 "]", n, fnv1a(s, n));
}

static void add_memory(line_t *l, const void *p, size_t n)
{
    if (!p) {
        addf(l, "null");
        return;
    }
    addf(l, "%zu %016" PRIx64 " ", n, fnv1a(p, n));
    const unsigned char *b = p;
    for (size_t i = 0; i < n && i < MEM_SHOWN; i++)
        addf(l, "%02x", b[i]);
}

/* ---- judging ------------------------------------------------------------------- */

/* Prints the failure and fails the test: back to the harness's runner
 * (never returns). */
static void failed(ug_site_t at, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void failed(ug_site_t at, const char *fmt, ...)
{
    char msg[STR_KEEP * 2 + 512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_error("%s\n", msg);
    if (ug__runner_jump)
        longjmp(*ug__runner_jump, 1);
    _fail(at.file, at.line);   /* a test run by cmocka's own runner */
    abort();
}

static void int_text(char *buf, size_t cap, int is_signed, uintmax_t v)
{
    if (is_signed)
        snprintf(buf, cap, "%jd%s", (intmax_t)v, ug_errno_note((intmax_t)v));
    else
        snprintf(buf, cap, "%ju%s", v, v > UINTMAX_MAX - 4095 ? ug_errno_note((intmax_t)v) : "");
}

void ug__check_int(ug_site_t at, const char *expr, int is_signed, uintmax_t expected,
                   uintmax_t actual, int judge)
{
    line_t l;
    begin(&l, is_signed ? 'i' : 'u', at);
    if (is_signed)
        addf(&l, " %jd", (intmax_t)actual);
    else
        addf(&l, " %ju", actual);
    finish(&l, expr, judge);
    if (judge && expected != actual) {
        char e[128], a[128];
        int_text(e, sizeof e, is_signed, expected);
        int_text(a, sizeof a, is_signed, actual);
        failed(at, "%s:%d: %s\n    expected %s\n    got      %s", at.file, at.line, expr, e, a);
    }
}

void ug__check_str(ug_site_t at, const char *expr, const char *expected, const char *actual,
                   int judge)
{
    line_t l;
    begin(&l, 's', at);
    addf(&l, " ");
    add_quoted(&l, actual);
    finish(&l, expr, judge);
    if (!judge)
        return;
    if (expected && actual && !strcmp(expected, actual))
        return;
    line_t e, a;
    e.len = a.len = 0;
    add_quoted(&e, expected);
    add_quoted(&a, actual);
    failed(at, "%s:%d: %s\n    expected %s\n    got      %s", at.file, at.line, expr, e.buf,
           a.buf);
}

void ug__check_mem(ug_site_t at, const char *expr, const void *expected, const void *actual,
                   size_t n, int judge)
{
    line_t l;
    begin(&l, 'm', at);
    addf(&l, " ");
    add_memory(&l, actual, n);
    finish(&l, expr, judge);
    if (!judge)
        return;
    if (expected && actual && !memcmp(expected, actual, n))
        return;
    size_t first = 0;
    const unsigned char *e = expected, *a = actual;
    while (e && a && first < n && e[first] == a[first])
        first++;
    if (!e || !a)
        failed(at, "%s:%d: %s: %s pointer", at.file, at.line, expr, a ? "expected a NULL" : "NULL");
    failed(at, "%s:%d: %s: %zu bytes differ from byte %zu on\n    expected 0x%02x\n    got      "
           "0x%02x", at.file, at.line, expr, n, first, e[first], a[first]);
}

void ug__check_dbl(ug_site_t at, const char *expr, double expected, double actual,
                   double epsilon, int judge)
{
    line_t l;
    begin(&l, 'd', at);
    if (isfinite(actual) && epsilon > 0)
        addf(&l, " %.0f", nearbyint(actual / epsilon));
    else
        addf(&l, " %g", actual);
    finish(&l, expr, judge);
    if (judge && !(fabs(expected - actual) <= epsilon))
        failed(at, "%s:%d: %s\n    expected %.17g (within %g)\n    got      %.17g", at.file,
               at.line, expr, expected, epsilon, actual);
}

void ug__check_bool(ug_site_t at, const char *what, int held, int judge)
{
    line_t l;
    begin(&l, 'b', at);
    addf(&l, " %d", held ? 1 : 0);
    finish(&l, what, judge);
    if (judge && !held)
        failed(at, "%s:%d: does not hold: %s", at.file, at.line, what);
}

void ug__fail(ug_site_t at, const char *fmt, ...)
{
    line_t l;
    begin(&l, 'F', at);
    finish(&l, NULL, 0);
    if (fmt) {
        char msg[2048];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        print_error("%s:%d: %s\n", at.file, at.line, msg);
    }
    if (ug__runner_jump)
        longjmp(*ug__runner_jump, 1);
    _fail(at.file, at.line);
    abort();
}

void ug__skip(ug_site_t at)
{
    line_t l;
    begin(&l, 'S', at);
    finish(&l, NULL, 0);
    if (ug__runner_jump)
        longjmp(*ug__runner_jump, 1);
    _skip(at.file, at.line);
    abort();
}

bool ug__str_differ(const char *a, const char *b)
{
    return !a || !b ? a != b : strcmp(a, b) != 0;
}

bool ug__mem_differ(const void *a, const void *b, size_t n)
{
    return !a || !b ? a != b : memcmp(a, b, n) != 0;
}

bool ug__in_set(uintmax_t v, const uintmax_t *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == v)
            return true;
    return false;
}
