/*
 * demo.c — the shared part of every demonstration program (see
 * include/undergo/demo.h): flags, colours, failure lines, HTML pages.
 *
 * An HTML page is written to a temporary file beside its target and renamed
 * over it when complete, so a demo stopped half-way leaves no half page.
 */
#include <undergo/demo.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const escapes[] = {
    [DEMO_RESET] = "\033[0m", [DEMO_BOLD] = "\033[1m",     [DEMO_DIM] = "\033[2m",
    [DEMO_RED] = "\033[31m",  [DEMO_GREEN] = "\033[32m",   [DEMO_YELLOW] = "\033[33m",
    [DEMO_BLUE] = "\033[34m", [DEMO_MAGENTA] = "\033[35m", [DEMO_CYAN] = "\033[36m",
};

static void usage(const demo_spec_t *s, FILE *f)
{
    fprintf(f, "usage: %s%s%s%s\n", s->name, s->html ? " [--html FILE]" : "",
            s->options_help ? " " : "", s->options_help ? s->options_help : "");
    if (s->about)
        fprintf(f, "%s\n", s->about);
}

static bool is_option(const demo_spec_t *s, const char *name)
{
    for (const char *const *o = s->options; o && *o; o++)
        if (!strcmp(*o, name))
            return true;
    return s->html && !strcmp(name, "--html");
}

/* Splits "--name=value" or "--name value" at argv[*i]; advances *i. */
static int option_at(int argc, char **argv, int *i, char *name, size_t cap, const char **value)
{
    const char *a = argv[*i], *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    if (n >= cap)
        return -1;
    memcpy(name, a, n);
    name[n] = '\0';
    if (eq) {
        *value = eq + 1;
        return 0;
    }
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 0;
}

int demo_start(demo_t *d, int argc, char **argv, const demo_spec_t *spec)
{
    memset(d, 0, sizeof *d);
    d->spec = spec;
    d->argc = argc;
    d->argv = argv;
    const char *no_color = getenv("NO_COLOR");
    d->color = isatty(STDOUT_FILENO) && !(no_color && *no_color);
    for (int i = 1; i < argc; i++) {
        char name[64];
        const char *value;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(spec, stdout);
            return 0;
        }
        if (strncmp(argv[i], "--", 2) || option_at(argc, argv, &i, name, sizeof name, &value) ||
            !is_option(spec, name)) {
            fprintf(stderr, "%s: unknown or incomplete argument '%s'\n", spec->name, argv[i]);
            usage(spec, stderr);
            return 2;
        }
        if (!strcmp(name, "--html"))
            d->html = value;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    return -1;
}

const char *demo_option(const demo_t *d, const char *name)
{
    const char *found = NULL;
    for (int i = 1; i < d->argc; i++) {
        char opt[64];
        const char *value;
        if (option_at(d->argc, d->argv, &i, opt, sizeof opt, &value) == 0 && !strcmp(opt, name))
            found = value;
    }
    return found;
}

const char *demo_c(const demo_t *d, demo_color_t c)
{
    return d->color ? escapes[c] : "";
}

static void vline(const demo_t *d, demo_color_t c, const char *lead, const char *fmt, va_list ap)
{
    fputs(lead, stdout);
    fputs(demo_c(d, c), stdout);
    vprintf(fmt, ap);
    fputs(demo_c(d, DEMO_RESET), stdout);
    fputc('\n', stdout);
}

void demo_title(const demo_t *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(d, DEMO_BOLD, "", fmt, ap);
    va_end(ap);
}

void demo_step(const demo_t *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(d, DEMO_BOLD, "\n\u25b8 ", fmt, ap);
    va_end(ap);
}

void demo_note(const demo_t *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(d, DEMO_DIM, "  ", fmt, ap);
    va_end(ap);
}

bool demo_ok(demo_t *d, long rc, const char *what)
{
    if (rc >= 0)
        return true;
    d->failures++;
    printf("%sthe lab's %s failed: %s (%ld)%s\n", demo_c(d, DEMO_RED), what,
           rc > -4096 ? strerror((int)-rc) : "error", rc, demo_c(d, DEMO_RESET));
    return false;
}

bool demo_ok_ptr(demo_t *d, const void *p, const char *what)
{
    return demo_ok(d, p ? 0 : -ENOMEM, what);
}

int demo_end(demo_t *d)
{
    if (d->failures)
        printf("\n%d call(s) of the code under demonstration failed; the demo stopped there.\n",
               d->failures);
    fflush(stdout);
    return d->failures ? 1 : 0;
}

/* ---- HTML ------------------------------------------------------------------ */

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";

static const char page_style[] =
    "</title>\n<style>\n"
    "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}\n"
    "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}\n"
    "p.note{color:#555}figure{margin:1em 0}figcaption{color:#444;font-size:.95em}\n"
    "svg{background:#fafafa;border:1px solid #ddd;border-radius:6px}\n"
    "svg text{font:13px system-ui,sans-serif}svg text.mono{font:12px monospace}\n"
    ".frames{display:flex;flex-wrap:wrap;gap:12px}.frames svg{width:350px;height:auto}\n"
    "pre{background:#f4f4f4;padding:.8em;border-radius:6px;overflow-x:auto}\n"
    "table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}\n"
    "</style></head><body>\n<h1>";

FILE *demo_html_open(demo_t *d, const char *title)
{
    size_t n = strlen(d->html) + 16;
    free(d->html_tmp);
    d->html_tmp = malloc(n);
    if (!d->html_tmp) {
        fprintf(stderr, "%s: out of memory\n", d->spec->name);
        return NULL;
    }
    snprintf(d->html_tmp, n, "%s.tmp-XXXXXX", d->html);
    int fd = mkstemp(d->html_tmp);
    if (fd >= 0)
        fchmod(fd, 0644);           /* a page to share, not a secret */
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        fprintf(stderr, "%s: cannot write '%s': %s\n", d->spec->name, d->html, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(d->html_tmp);
        }
        return NULL;
    }
    fputs(page_head, f);
    demo_html_text(f, title);
    fputs(page_style, f);
    demo_html_text(f, title);
    fputs("</h1>\n", f);
    return f;
}

void demo_html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* ---- SVG ------------------------------------------------------------------- */

static int svg_seq;   /* numbers each <svg>, so every arrowhead id is unique in the page */

void demo_svg_open(FILE *f, int w, int h)
{
    svg_seq++;
    fprintf(f, "<svg width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\">\n<defs><marker id=\"ah%d\" viewBox=\"0 0 10 10\" "
               "refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
               "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
               "fill=\"#555\"/></marker></defs>\n", w, h, w, h, svg_seq);
}

void demo_svg_close(FILE *f)
{
    fputs("</svg>\n", f);
}

void demo_svg_circle(FILE *f, double x, double y, double r, const char *fill, const char *stroke,
                     bool dashed, const char *label, const char *label_color)
{
    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"%s\" "
               "stroke-width=\"2\"%s/>\n", x, y, r, fill, stroke,
            dashed ? " stroke-dasharray=\"4 3\"" : "");
    if (label)
        demo_svg_text(f, x, y + 5, "middle", label_color, "%s", label);
}

void demo_svg_arrow(FILE *f, double x1, double y1, double x2, double y2, double r,
                    const char *color)
{
    double dx = x2 - x1, dy = y2 - y1, len = sqrt(dx * dx + dy * dy);
    if (len < 2 * r + 1)
        return;
    double ux = dx / len, uy = dy / len;
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
               "stroke-width=\"2\" marker-end=\"url(#ah%d)\"/>\n", x1 + ux * r, y1 + uy * r,
            x2 - ux * r, y2 - uy * r, color, svg_seq);
}

void demo_svg_text(FILE *f, double x, double y, const char *anchor, const char *fill,
                   const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\">", x, y, anchor,
            fill);
    demo_html_text(f, buf);
    fputs("</text>\n", f);
}

void demo_svg_rect(FILE *f, double x, double y, double w, double h, const char *fill,
                   const char *stroke)
{
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"3\" "
               "fill=\"%s\" stroke=\"%s\"/>\n", x, y, w, h, fill, stroke);
}

int demo_html_close(demo_t *d, FILE *f)
{
    fputs("\n</body></html>\n", f);
    bool bad = ferror(f);
    if (fclose(f) != 0 || bad || rename(d->html_tmp, d->html) != 0) {
        fprintf(stderr, "%s: cannot write '%s': %s\n", d->spec->name, d->html, strerror(errno));
        unlink(d->html_tmp);
        return -1;
    }
    free(d->html_tmp);
    d->html_tmp = NULL;
    printf("wrote %s\n", d->html);
    return 0;
}
