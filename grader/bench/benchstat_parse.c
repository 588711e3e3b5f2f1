/*
 * benchstat_parse.c — reading Go's benchmark format into a benchstat_set_t.
 *
 * Two kinds of lines matter (golang.org/design/14313-benchmark-format):
 *   configuration  `key: value`, key starting with a lowercase letter and
 *                  holding no space or uppercase letter; the last value wins;
 *   results        `BenchmarkName  N  value unit  [value unit ...]`, the
 *                  name being "Benchmark" followed by end of word or a
 *                  character that is not a lowercase letter.
 * Every other line is noise (PASS, ok, FAIL, test logs). A lone name is
 * noise too: `go test -v` prints names on lines of their own. A result
 * line with fields that do not parse is an error naming file and line,
 * since silently dropping a sample would skew every statistic after it.
 * Each result also gets its lab and base name (benchstat.h says how).
 *
 * Interface: benchstat_parse / benchstat_parse_file → benchstat_samples,
 * benchstat_config_get → benchstat_set_free.
 */
#include "benchstat.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PARSE_MAX_FIELDS 256

/* ---- growing the set -------------------------------------------------- */

/* Makes room for one more element in *arr (of *n). Returns 0 or -ENOMEM. */
static int parse_grow(void **arr, size_t n, size_t elem)
{
    void *p;

    if (n & (n - 1)) /* capacity is the next power of two ≥ n */
        return 0;
    p = realloc(*arr, (n ? n * 2 : 4) * elem);
    if (p == NULL)
        return -ENOMEM;
    *arr = p;
    return 0;
}

static int parse_set_config(benchstat_set_t *s, const char *key, const char *value)
{
    char *v = strdup(value), *k;

    if (v == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < s->nconfig; i++) {
        if (strcmp(s->config[i].key, key) == 0) {
            free(s->config[i].value);
            s->config[i].value = v;
            return 0;
        }
    }
    k = strdup(key);
    if (k == NULL || parse_grow((void **)&s->config, s->nconfig, sizeof *s->config) < 0) {
        free(k);
        free(v);
        return -ENOMEM;
    }
    s->config[s->nconfig++] = (benchstat_config_t){k, v};
    return 0;
}

static void parse_result_free(benchstat_result_t *r)
{
    for (size_t i = 0; i < r->nvalues; i++)
        free(r->values[i].unit);
    free(r->values);
    free(r->name);
    free(r->lab);
    free(r->base);
}

/* True for a lab's name: [a-z][a-z0-9_]*, n bytes. */
static bool parse_is_lab(const char *s, size_t n)
{
    if (n == 0 || !islower((unsigned char)s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

/* Sets r->lab and r->base from r->name; lab is the file's `lab:` line in
 * effect, or NULL. Returns 0 or -ENOMEM. */
static int parse_name(benchstat_result_t *r, const char *lab)
{
    const char *n = r->name, *slash = strchr(n, '/');
    bool has_lab = true;
    if (slash && parse_is_lab(n, (size_t)(slash - n))) {
        r->lab = strndup(n, (size_t)(slash - n));
        n = slash + 1;
    } else if (lab && *lab) {
        r->lab = strdup(lab);
    } else {
        has_lab = false;
    }
    if (strncmp(n, "Benchmark", 9) == 0 && n[9])
        n += 9;
    r->base = strndup(n, benchstat_name_base_len(n));
    return !r->base || (has_lab && !r->lab) ? -ENOMEM : 0;
}

/* Appends *r to s, taking ownership; frees it on failure. */
static int parse_add_result(benchstat_set_t *s, benchstat_result_t *r)
{
    if (parse_grow((void **)&s->results, s->nresults, sizeof *s->results) < 0) {
        parse_result_free(r);
        return -ENOMEM;
    }
    s->results[s->nresults++] = *r;
    return 0;
}

/* ---- one line --------------------------------------------------------- */

static int parse_error(char *err, size_t errlen, const char *label, int line,
                       const char *fmt, ...)
{
    va_list ap;
    int off = snprintf(err, errlen, "%s:%d: ", label, line);

    if (off >= 0 && (size_t)off < errlen) {
        va_start(ap, fmt);
        vsnprintf(err + off, errlen - (size_t)off, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

/* `key: value` per the format's rules; splits line in place. */
static bool parse_is_config(char *line, char **key, char **value)
{
    char *p = line;

    if (!islower((unsigned char)*p))
        return false;
    while (*p && *p != ':') {
        if (isspace((unsigned char)*p) || isupper((unsigned char)*p))
            return false;
        p++;
    }
    if (*p != ':' || (p[1] != '\0' && !isspace((unsigned char)p[1])))
        return false;
    *p++ = '\0';
    p += strspn(p, " \t");
    *key = line;
    *value = p;
    return true;
}

static bool parse_is_result(const char *line)
{
    return strncmp(line, "Benchmark", 9) == 0 && !islower((unsigned char)line[9]);
}

/* Splits line at runs of blanks into at most max fields. Returns count. */
static size_t parse_fields(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *save = NULL;

    for (char *t = strtok_r(line, " \t", &save); t && n < max; t = strtok_r(NULL, " \t", &save))
        f[n++] = t;
    return n;
}

static bool parse_number(const char *s, double *v)
{
    char *end;

    errno = 0;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && errno != ERANGE && isfinite(*v);
}

/* Fills r from the fields of a result line. Returns 0 or -EINVAL/-ENOMEM
 * with the message in err. */
static int parse_result_fields(char **f, size_t nf, benchstat_result_t *r, const char *label,
                               int line, char *err, size_t errlen)
{
    char *end;

    errno = 0;
    r->iters = strtoull(f[1], &end, 10);
    if (!isdigit((unsigned char)f[1][0]) || *end || errno)
        return parse_error(err, errlen, label, line, "invalid iteration count '%s'", f[1]);
    if (nf == 2)
        return parse_error(err, errlen, label, line, "missing measurements after '%s'", f[1]);
    if (nf % 2 != 0)
        return parse_error(err, errlen, label, line, "missing unit after value '%s'", f[nf - 1]);
    r->values = calloc((nf - 2) / 2, sizeof *r->values);
    if (r->values == NULL)
        return -ENOMEM;
    for (size_t i = 2; i < nf; i += 2) {
        benchstat_value_t *v = &r->values[r->nvalues];
        if (!parse_number(f[i], &v->value))
            return parse_error(err, errlen, label, line, "invalid value '%s' for unit '%s'", f[i],
                               f[i + 1]);
        v->unit = strdup(f[i + 1]);
        if (v->unit == NULL)
            return -ENOMEM;
        r->nvalues++;
    }
    return 0;
}

static int parse_line(benchstat_set_t *s, char *line, const char *label, int lineno, char *err,
                      size_t errlen)
{
    char *f[PARSE_MAX_FIELDS], *key, *value;
    benchstat_result_t r = {.line = lineno};
    size_t nf;
    int rc;

    line[strcspn(line, "\r\n")] = '\0';
    if (parse_is_config(line, &key, &value)) {
        value[strcspn(value, "\r\n")] = '\0';
        for (size_t l = strlen(value); l > 0 && isspace((unsigned char)value[l - 1]); l--)
            value[l - 1] = '\0';
        return parse_set_config(s, key, value);
    }
    if (!parse_is_result(line))
        return 0;
    nf = parse_fields(line, f, PARSE_MAX_FIELDS);
    if (nf < 2)
        return 0;
    r.name = strdup(f[0]);
    if (r.name == NULL)
        return -ENOMEM;
    rc = parse_name(&r, benchstat_config_get(s, "lab"));
    if (rc == 0)
        rc = parse_result_fields(f, nf, &r, label, lineno, err, errlen);
    if (rc < 0) {
        parse_result_free(&r);
        return rc;
    }
    return parse_add_result(s, &r);
}

/* ---- public ----------------------------------------------------------- */

int benchstat_parse(FILE *in, const char *label, benchstat_set_t *out, char *err, size_t errlen)
{
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rc = 0;

    memset(out, 0, sizeof *out);
    out->label = strdup(label);
    if (out->label == NULL)
        return -ENOMEM;
    while (rc == 0 && getline(&line, &cap, in) >= 0)
        rc = parse_line(out, line, label, ++lineno, err, errlen);
    free(line);
    if (rc == 0 && ferror(in))
        rc = parse_error(err, errlen, label, lineno + 1, "read error");
    if (rc == -ENOMEM)
        snprintf(err, errlen, "%s: out of memory", label);
    if (rc < 0)
        benchstat_set_free(out);
    return rc;
}

int benchstat_parse_file(const char *path, benchstat_set_t *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    int rc;

    if (f == NULL) {
        rc = -errno;
        memset(out, 0, sizeof *out);
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return rc;
    }
    rc = benchstat_parse(f, path, out, err, errlen);
    fclose(f);
    return rc;
}

size_t benchstat_name_base_len(const char *name)
{
    size_t len = strlen(name), i = len;

    while (i > 0 && isdigit((unsigned char)name[i - 1]))
        i--;
    /* Only a dash followed by digits, and not the whole name, is a suffix. */
    return i > 1 && i < len && name[i - 1] == '-' ? i - 1 : len;
}

int benchstat_add_sample(benchstat_set_t *s, const char *name, double value, const char *unit)
{
    benchstat_result_t r = {.iters = 1};

    r.name = strdup(name);
    r.values = calloc(1, sizeof *r.values);
    if (r.name && r.values && parse_name(&r, NULL) == 0) {
        r.values[0] = (benchstat_value_t){value, strdup(unit)};
        r.nvalues = r.values[0].unit ? 1 : 0;
    }
    if (r.nvalues == 0) {
        parse_result_free(&r);
        return -ENOMEM;
    }
    return parse_add_result(s, &r);
}

void benchstat_set_free(benchstat_set_t *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nconfig; i++) {
        free(s->config[i].key);
        free(s->config[i].value);
    }
    for (size_t i = 0; i < s->nresults; i++)
        parse_result_free(&s->results[i]);
    free(s->config);
    free(s->results);
    free(s->label);
    memset(s, 0, sizeof *s);
}

const char *benchstat_config_get(const benchstat_set_t *s, const char *key)
{
    for (size_t i = 0; i < s->nconfig; i++)
        if (strcmp(s->config[i].key, key) == 0)
            return s->config[i].value;
    return NULL;
}

long benchstat_samples(const benchstat_set_t *s, const char *name, const char *unit, double **out)
{
    double *v = NULL;
    size_t n = 0;

    *out = NULL;
    for (size_t i = 0; i < s->nresults; i++) {
        const benchstat_result_t *r = &s->results[i];
        if (strcmp(r->name, name) != 0)
            continue;
        for (size_t j = 0; j < r->nvalues; j++) {
            if (strcmp(r->values[j].unit, unit) != 0)
                continue;
            if (parse_grow((void **)&v, n, sizeof *v) < 0) {
                free(v);
                return -ENOMEM;
            }
            v[n++] = r->values[j].value;
        }
    }
    *out = v;
    return (long)n;
}
