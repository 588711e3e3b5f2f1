/*
 * demo.h — what every demonstration program shares: its flags, colours on a
 * terminal, a clear line when the code under demonstration fails, and
 * self-contained HTML pages.
 *
 * A demo is a small main() in labs/<lab>/demo/<name>.c that shows one idea
 * of the lab's exam question through the lab's public API; `grader demo`
 * runs it on the reference, or on the candidate's code with --mine. It is a
 * program, not a test: it shows behaviour, the lab's tests judge it.
 *
 * Flags every demo takes: --help, and --html FILE when its spec says it
 * draws a picture; a demo may accept more options with values (spec.options).
 * Colours only when stdout is a terminal and NO_COLOR is unset or empty.
 * Exit status (demo_end): 0 when every checked call of the lab succeeded,
 * 1 when one failed (a stub answers -ENOSYS: the demo says so and stops
 * early rather than crash), 2 for a usage error.
 *
 * Interface: demo_start(&d, argc, argv, &spec) → demo_title / demo_step /
 * printf with demo_c(&d, DEMO_RED) … demo_ok(&d, rc, "what") →
 * demo_html_open(&d, title) → fprintf SVG, demo_html_text → demo_html_close
 * → return demo_end(&d).
 */
#ifndef UNDERGO_DEMO_H
#define UNDERGO_DEMO_H

#include <stdbool.h>
#include <stdio.h>

typedef enum demo_color {
    DEMO_RESET, DEMO_BOLD, DEMO_DIM, DEMO_RED, DEMO_GREEN, DEMO_YELLOW, DEMO_BLUE,
    DEMO_MAGENTA, DEMO_CYAN,
} demo_color_t;

/* What a demo accepts. */
typedef struct demo_spec {
    const char *name;                  /* "iface typed-nil", shown by --help */
    const char *about;                 /* one line: what it shows */
    bool html;                         /* takes --html FILE */
    const char *const *options;        /* more "--name" options taking a value; NULL-terminated */
    const char *options_help;          /* their usage, e.g. "[--barrier none|hybrid]" */
} demo_spec_t;

typedef struct demo {
    /* read-only: set by demo_start */
    const char *html;                  /* --html FILE, or NULL */
    bool color;
    int failures;                      /* checked calls that failed */
    /* private */
    const demo_spec_t *spec;
    int argc;
    char **argv;
    char *html_tmp;
} demo_t;

/* Parses argv. Returns -1 to go on; otherwise the exit code main should
 * return at once (0 after --help, 2 after a usage error, printed). */
int demo_start(demo_t *d, int argc, char **argv, const demo_spec_t *spec);

/* The value of option name (one of spec.options), or NULL if not given. */
const char *demo_option(const demo_t *d, const char *name);

/* The escape sequence for c, or "" without colours. Static. */
const char *demo_c(const demo_t *d, demo_color_t c);

/* Prints the demo's title line (bold) and a blank line. */
void demo_title(const demo_t *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints a step heading: a blank line, then "▸ text" in bold. */
void demo_step(const demo_t *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints an indented note, dimmed. */
void demo_note(const demo_t *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True when rc >= 0. Otherwise prints "the lab's <what> failed: <errno
 * text> (-N)" in red, counts a failure and returns false. */
bool demo_ok(demo_t *d, long rc, const char *what);

/* Like demo_ok for a call that returns a pointer: false for NULL. */
bool demo_ok_ptr(demo_t *d, const void *p, const char *what);

/* Flushes stdout and returns the exit code: 0, or 1 (with one line) when a
 * checked call failed. */
int demo_end(demo_t *d);

/* Opens d->html for writing (through a temporary file beside it) and writes
 * the page's head: one inline stylesheet, no script, nothing fetched, and
 * an <h1> with title. Returns the stream, or NULL after printing why. */
FILE *demo_html_open(demo_t *d, const char *title);

/* Writes s with &, <, >, " escaped. */
void demo_html_text(FILE *f, const char *s);

/* SVG drawing for pages: an <svg> of w x h px (with an arrowhead of its
 * own), circles with a centred label, arrows from circle to circle, text. */
void demo_svg_open(FILE *f, int w, int h);
void demo_svg_close(FILE *f);
void demo_svg_circle(FILE *f, double x, double y, double r, const char *fill, const char *stroke,
                     bool dashed, const char *label, const char *label_color);
/* An arrow from (x1, y1) toward (x2, y2), both ends pulled in by r (circle
 * radii), so it runs from edge to edge. */
void demo_svg_arrow(FILE *f, double x1, double y1, double x2, double y2, double r,
                    const char *color);
/* Text at (x, y); anchor "start", "middle" or "end"; escaped. */
void demo_svg_text(FILE *f, double x, double y, const char *anchor, const char *fill,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void demo_svg_rect(FILE *f, double x, double y, double w, double h, const char *fill,
                   const char *stroke);

/* Ends the page, closes it, renames it over d->html and prints "wrote
 * FILE". Returns 0, or -1 after printing why (nothing is left behind). */
int demo_html_close(demo_t *d, FILE *f);

#endif
