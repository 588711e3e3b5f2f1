/*
 * transcript.c — writing a test's transcript, and reading two of them.
 *
 * The writer keeps a buffer and writes it to the transcript descriptor when
 * it fills, at the end of the test, and when the process is about to die of
 * a fatal signal, so the lines before a crash still reach the grader (they
 * tell an honest candidate where the test went wrong). Identical lines in a
 * row become one line with a count. The reader compares
 * line by line, each line up to its tab, and explains the first difference.
 *
 * This file knows nothing of cmocka: the grader links it too.
 */
#include "transcript.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

jmp_buf *ug__runner_jump;

/* ---- writing ---------------------------------------------------------------- */

static struct {
    int fd;                 /* -1: not recording */
    size_t len;
    char buf[1 << 16];
    char last[4608];        /* the line repeated, waiting for its count */
    size_t last_len;
    unsigned long repeats;  /* how many times last came in a row; 0: none */
} out = {.fd = -1};

static void write_all(const char *p, size_t n)
{
    size_t off = 0;
    while (out.fd >= 0 && off < n) {
        ssize_t w = write(out.fd, p + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            out.fd = -1;    /* the reader is gone: the verdict no longer depends on us */
            break;
        }
        off += (size_t)w;
    }
}

static void flush_buf(void)
{
    write_all(out.buf, out.len);
    out.len = 0;
}

static void buffer(const char *p, size_t n)
{
    if (out.len + n > sizeof out.buf)
        flush_buf();
    if (n > sizeof out.buf)
        n = sizeof out.buf;
    memcpy(out.buf + out.len, p, n);
    out.len += n;
}

/* Moves the pending line into the buffer: "<body> *<count>\t<note>" when
 * it came more than once (the count goes before the note, so it is
 * compared). */
static void emit_last(void)
{
    if (!out.repeats)
        return;
    const char *tab = memchr(out.last, '\t', out.last_len);
    size_t body = tab ? (size_t)(tab - out.last) : out.last_len;
    buffer(out.last, body);
    if (out.repeats > 1) {
        char count[32];
        int n = snprintf(count, sizeof count, " *%lu", out.repeats);
        buffer(count, (size_t)n);
    }
    buffer(out.last + body, out.last_len - body);
    buffer("\n", 1);
    out.repeats = 0;
}

static void flush_out(void)
{
    emit_last();
    flush_buf();
}

/* Flushes, then dies of the same signal. */
static void on_fatal(int sig)
{
    flush_out();
    signal(sig, SIG_DFL);
    raise(sig);
}

void ug_transcript_open(int fd)
{
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP};
    if (out.fd >= 0 || fd < 0)
        return;
    out.fd = fd;
    /* An alternate stack, so a stack overflow still gets its lines out. */
    static char alt[1 << 15];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {.sa_handler = on_fatal, .sa_flags = SA_ONSTACK | SA_RESETHAND};
    for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++)
        sigaction(fatal[i], &sa, NULL);
}

/* Identical lines in a row (a check inside a loop over equal cases) are
 * written once with their count: a test that checks a million times does
 * not write a million lines. */
void ug_transcript_add(const char *line, size_t len)
{
    if (out.fd < 0)
        return;
    if (len >= sizeof out.last)
        len = sizeof out.last - 1;
    if (out.repeats && len == out.last_len && !memcmp(line, out.last, len)) {
        out.repeats++;
        return;
    }
    emit_last();
    memcpy(out.last, line, len);
    out.last_len = len;
    out.repeats = 1;
}

void ug_transcript_end(void)
{
    ug_transcript_add("E", 1);
    flush_out();
}

/* ---- reading ---------------------------------------------------------------- */

/* The line starting at p: its length up to the tab (or newline) in *cmp
 * and the start of the next line. */
static const char *next_line(const char *p, size_t *cmp)
{
    size_t n = strcspn(p, "\t\n");
    *cmp = n;
    p += n;
    p += strcspn(p, "\n");
    return *p ? p + 1 : p;
}

bool ug_transcript_diff(const char *a, const char *b, size_t *line)
{
    *line = 0;
    while (*a || *b) {
        size_t na, nb;
        const char *a2 = next_line(a, &na), *b2 = next_line(b, &nb);
        ++*line;
        if (!*a || !*b || na != nb || memcmp(a, b, na))
            return true;
        a = a2;
        b = b2;
    }
    return false;
}

bool ug_transcript_has_value(const char *t)
{
    for (const char *p = t; *p;) {
        if (strchr("iusmd", *p) && p[1] == ' ')
            return true;
        p += strcspn(p, "\n");
        p += *p ? 1 : 0;
    }
    return false;
}

size_t ug_transcript_lines(const char *t)
{
    size_t n = 0;
    for (const char *p = t; *p; n++) {
        p += strcspn(p, "\n");
        p += *p ? 1 : 0;
    }
    return n;
}

/* ---- explaining ------------------------------------------------------------- */

const char *ug_errno_note(intmax_t v)
{
    static __thread char note[96];
    if (v >= 0 || v < -4095 || !strerrorname_np((int)-v))
        return "";
    snprintf(note, sizeof note, " (-%s: %s)", strerrorname_np((int)-v),
             v == -ENOSYS ? "not implemented yet" : strerrordesc_np((int)-v));
    return note;
}

/* One parsed line: kind, site, value, note; each a bounded copy. */
typedef struct tline {
    char kind;
    char site[256];
    char value[512];
    char note[256];
    bool present;
} tline_t;

static void copy_field(char *dst, size_t cap, const char *src, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Line k (1-based) of t, parsed. */
static tline_t line_at(const char *t, size_t k)
{
    tline_t l = {0};
    const char *p = t;
    for (size_t i = 1; i < k && *p; i++) {
        p += strcspn(p, "\n");
        p += *p ? 1 : 0;
    }
    if (!*p)
        return l;
    size_t len = strcspn(p, "\n"), body = strcspn(p, "\t\n");
    l.present = true;
    l.kind = p[0];
    const char *sp = memchr(p, ' ', body);
    const char *vp = sp ? memchr(sp + 1, ' ', body - (size_t)(sp + 1 - p)) : NULL;
    if (sp)
        copy_field(l.site, sizeof l.site, sp + 1, (size_t)((vp ? vp : p + body) - sp - 1));
    if (vp)
        copy_field(l.value, sizeof l.value, vp + 1, (size_t)(p + body - vp - 1));
    if (body < len)
        copy_field(l.note, sizeof l.note, p + body + 1, len - body - 1);
    return l;
}

/* "check 7 at tests/nil.c:33, expr" */
static void where(char *buf, size_t cap, size_t k, const tline_t *l)
{
    snprintf(buf, cap, "check %zu at %s%s%s", k, l->site, l->note[0] ? ", " : "", l->note);
}

static const char *value_note(const tline_t *l)
{
    if (l->kind == 'i')
        return ug_errno_note(strtoimax(l->value, NULL, 10));
    if (l->kind == 'u') {
        uintmax_t u = strtoumax(l->value, NULL, 10);
        return u > UINTMAX_MAX - 4095 ? ug_errno_note((intmax_t)u) : "";
    }
    return "";
}

static char *explain_same_site(size_t k, const tline_t *r, const tline_t *c)
{
    char at[600], *msg = NULL;
    where(at, sizeof at, k, r);
    int n;
    if (r->kind == 'b')
        n = asprintf(&msg, "%s did not hold", at);
    else if (r->kind == 'm')
        n = asprintf(&msg, "%s: expected bytes (length, hash, first bytes) %s, got %s", at,
                     r->value, c->value);
    else
        n = asprintf(&msg, "%s: expected %s, got %s%s", at, r->value, c->value, value_note(c));
    return n < 0 ? NULL : msg;
}

char *ug_transcript_explain(const char *reference, const char *candidate)
{
    size_t k;
    char *msg = NULL, at[600];
    if (!ug_transcript_diff(reference, candidate, &k))
        return strdup("the transcripts are equal");
    tline_t r = line_at(reference, k), c = line_at(candidate, k);
    int n;
    if (r.present && r.kind != 'E')
        where(at, sizeof at, k, &r);
    if (!c.present)
        n = asprintf(&msg, "the test ended after %zu checks; the reference goes on to %s", k - 1,
                     r.kind == 'E' ? "return" : at);
    else if (c.kind == 'F')
        n = asprintf(&msg, "the test failed at %s after %zu checks", c.site, k - 1);
    else if (c.kind == 'S')
        n = asprintf(&msg, "the test skipped itself at %s", c.site);
    else if (!r.present || r.kind == 'E')
        n = asprintf(&msg, "the test made more checks than the reference: check %zu at %s", k,
                     c.site);
    else if (c.kind == 'E')
        n = asprintf(&msg, "the test returned after %zu checks; the reference goes on to %s",
                     k - 1, at);
    else if (r.kind != c.kind || strcmp(r.site, c.site))
        n = asprintf(&msg, "the test took another path: the reference's %s, the test's check %zu "
                     "at %s", at, k, c.site);
    else
        return explain_same_site(k, &r, &c);
    return n < 0 ? NULL : msg;
}
