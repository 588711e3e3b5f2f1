/*
 * tap.c — TAP (Test Anything Protocol) for a single test.
 *
 * Lines that matter: "1..N" (the plan), "ok N - name" and "not ok N - name".
 * Comments ("# ..."), blank lines and anything else are ignored, but a
 * result line for another name or a second result makes the stream
 * malformed. cmocka may glue a comment onto the end of the previous line
 * when stderr and stdout interleave, so only the start of a line counts.
 */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tap_state {
    int plans, plan_count;
    int oks, not_oks, others;
    int ends;               /* "# ug-end <key>" lines with the right key */
} tap_state_t;

/* Matches "<num> - <name>" or "<num> <name>" exactly (trailing text after
 * a space or '#' is a directive or comment and is allowed). */
static bool names_test(const char *rest, const char *end, const char *name)
{
    const char *p = rest;
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    if (p == rest)
        return false;
    while (p < end && (*p == ' ' || *p == '-'))
        p++;
    size_t n = strlen(name);
    if ((size_t)(end - p) < n || memcmp(p, name, n))
        return false;
    p += n;
    return p == end || *p == ' ' || *p == '\t' || *p == '#' || *p == '\r';
}

/* True when rest starts with a test number, as every result line must. */
static bool numbered(const char *rest, const char *end)
{
    return rest < end && *rest >= '0' && *rest <= '9';
}

static bool is_end_line(const char *line, const char *end, const char *key)
{
    size_t n = strlen(key);
    return (size_t)(end - line) == 9 + n && !memcmp(line, "# ug-end ", 9) &&
           !memcmp(line + 9, key, n);
}

static void read_line(tap_state_t *st, const char *line, const char *end, const char *name,
                      const char *key)
{
    if (key && is_end_line(line, end, key)) {
        st->ends++;
        return;
    }
    if (end - line >= 3 && !memcmp(line, "1..", 3)) {
        st->plans++;
        st->plan_count = atoi(line + 3);
        return;
    }
    if (end - line >= 7 && !memcmp(line, "not ok ", 7) && numbered(line + 7, end)) {
        names_test(line + 7, end, name) ? st->not_oks++ : st->others++;
        return;
    }
    if (end - line >= 3 && !memcmp(line, "ok ", 3) && numbered(line + 3, end))
        names_test(line + 3, end, name) ? st->oks++ : st->others++;
}

tap_outcome_t tap_verdict(const char *text, size_t len, const char *name, const char *key)
{
    tap_state_t st = {0};
    const char *p = text, *stop = text + len;
    while (p < stop) {
        const char *nl = memchr(p, '\n', (size_t)(stop - p));
        const char *end = nl ? nl : stop;
        read_line(&st, p, end, name, key);
        p = nl ? nl + 1 : stop;
    }
    if (st.oks + st.not_oks == 0)
        return st.others ? TAP_MALFORMED : TAP_NO_RESULT;
    if (st.oks + st.not_oks > 1 || st.others || st.plans != 1 || st.plan_count != 1)
        return TAP_MALFORMED;
    if (st.oks && key && st.ends != 1)
        return TAP_NO_RESULT;   /* the process ended before the harness did */
    return st.oks ? TAP_PASS : TAP_FAIL;
}
