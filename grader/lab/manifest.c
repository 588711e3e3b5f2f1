/*
 * manifest.c — lab.yaml through libyaml's document API.
 *
 * The document is loaded whole (a manifest is a few dozen lines), then walked
 * key by key. Every node carries its start mark, so each complaint names the
 * line of the value that is wrong. Unknown keys are errors: a typo such as
 * "wieght" must not silently fall back to a default.
 *
 * Interface: manifest_load_all() → lab_set_t → manifest_set_free().
 */
#include "manifest.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

typedef struct parse {
    yaml_document_t doc;
    const char *root;
    const char *path;       /* shown in errors: labs/<name>/lab.yaml */
    char *err;
    size_t errlen;
    lab_t *lab;
} parse_t;

/* ---- errors and small helpers ------------------------------------------ */

static int fail_at(parse_t *p, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "%s:%lu: %s", p->path,
             n ? (unsigned long)n->start_mark.line + 1 : 1UL, msg);
    return -EINVAL;
}

static yaml_node_t *node(parse_t *p, int id) { return yaml_document_get_node(&p->doc, id); }

static const char *scalar(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int want_string(parse_t *p, yaml_node_t *n, const char *key, char **out)
{
    const char *s = scalar(n);
    if (!s || !*s)
        return fail_at(p, n, "'%s' must be a non-empty string", key);
    if (strchr(s, '\n'))
        return fail_at(p, n, "'%s' must fit on one line", key);
    free(*out);
    *out = strdup(s);
    return *out ? 0 : -ENOMEM;
}

static int want_number(parse_t *p, yaml_node_t *n, const char *key, double lo, double hi,
                       double *out)
{
    const char *s = scalar(n);
    char *end;
    if (!s || !*s)
        return fail_at(p, n, "'%s' must be a number", key);
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno || !isfinite(v))
        return fail_at(p, n, "'%s' must be a number, not '%s'", key, s);
    if (v < lo || v > hi)
        return fail_at(p, n, "'%s' must be between %g and %g, not %g", key, lo, hi, v);
    *out = v;
    return 0;
}

static int want_bool(parse_t *p, yaml_node_t *n, const char *key, bool *out)
{
    const char *s = scalar(n);
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes"))) { *out = true; return 0; }
    if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) { *out = false; return 0; }
    return fail_at(p, n, "'%s' must be true or false", key);
}

static bool is_identifier(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

static bool is_plain_filename(const char *s)
{
    return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..") && s[0] != '.';
}

/* A lab source: a plain file at the lab root, or support/<plain file>. */
static bool is_source_path(const char *s)
{
    return is_plain_filename(s) ||
           (!strncmp(s, "support/", 8) && is_plain_filename(s + 8));
}

/* A prefix names files and symbols: [a-z][a-z0-9]*, so "pc" gives pc_io.c
 * and pc_fsync, never an ambiguous pc__x. */
static bool is_prefix(const char *s)
{
    if (!islower((unsigned char)*s))
        return false;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s))
            return false;
    return true;
}

/* Reads a sequence of strings (or one string) into a fresh array. */
static int want_list(parse_t *p, yaml_node_t *n, const char *key, char ***out, size_t *len)
{
    if (n->type == YAML_SCALAR_NODE) {
        char *one = NULL;
        int rc = want_string(p, n, key, &one);
        if (rc)
            return rc;
        *out = calloc(1, sizeof **out);
        if (!*out) { free(one); return -ENOMEM; }
        (*out)[0] = one;
        *len = 1;
        return 0;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return fail_at(p, n, "'%s' must be a list", key);
    size_t cap = n->data.sequence.items.top - n->data.sequence.items.start;
    *out = calloc(cap ? cap : 1, sizeof **out);
    if (!*out)
        return -ENOMEM;
    *len = 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        int rc = want_string(p, node(p, *it), key, &(*out)[*len]);
        if (rc)
            return rc;
        (*len)++;
    }
    return 0;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static bool list_has(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return true;
    return false;
}

/* Calls fn for each key: value pair of mapping n; stops at the first error. */
typedef int (*pair_fn)(parse_t *p, const char *key, yaml_node_t *k, yaml_node_t *v, void *ctx);

static int each_pair(parse_t *p, yaml_node_t *n, const char *what, pair_fn fn, void *ctx)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail_at(p, n, "%s must be a mapping of 'key: value' lines", what);
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = node(p, pr->key), *v = node(p, pr->value);
        const char *key = scalar(k);
        if (!key)
            return fail_at(p, k, "keys of %s must be plain words", what);
        int rc = fn(p, key, k, v, ctx);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- sections ------------------------------------------------------------ */

static int test_pair(parse_t *p, const char *key, yaml_node_t *k, yaml_node_t *v, void *ctx)
{
    lab_test_t *t = ctx;
    if (!strcmp(key, "name")) {
        int rc = want_string(p, v, "name", &t->name);
        if (!rc && !is_identifier(t->name))
            return fail_at(p, v, "test name '%s' is not a C identifier", t->name);
        return rc;
    }
    if (!strcmp(key, "weight"))
        return want_number(p, v, "weight", 1e-9, 1e6, &t->weight);
    if (!strcmp(key, "hidden"))
        return want_bool(p, v, "hidden", &t->hidden);
    return fail_at(p, k, "unknown key '%s' in a test (expected name, weight, hidden)", key);
}

static int parse_tests(parse_t *p, yaml_node_t *n)
{
    lab_t *lab = p->lab;
    if (n->type != YAML_SEQUENCE_NODE)
        return fail_at(p, n, "'tests' must be a list of {name, weight, hidden}");
    size_t cap = n->data.sequence.items.top - n->data.sequence.items.start;
    if (cap == 0)
        return fail_at(p, n, "'tests' is empty: a lab needs at least one test");
    lab->tests = calloc(cap, sizeof *lab->tests);
    if (!lab->tests)
        return -ENOMEM;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        yaml_node_t *tn = node(p, *it);
        lab_test_t *t = &lab->tests[lab->n_tests++];
        t->weight = 1;
        int rc = each_pair(p, tn, "a test", test_pair, t);
        if (rc)
            return rc;
        if (!t->name)
            return fail_at(p, tn, "a test has no 'name'");
        for (size_t j = 0; j + 1 < lab->n_tests; j++)
            if (!strcmp(lab->tests[j].name, t->name))
                return fail_at(p, tn, "test '%s' is listed twice", t->name);
    }
    return 0;
}

/* A demo's name is a file name and part of a CMake target: [a-z][a-z0-9-]*. */
static bool is_demo_name(const char *s)
{
    if (!islower((unsigned char)*s))
        return false;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
            return false;
    return true;
}

static int demo_pair(parse_t *p, const char *key, yaml_node_t *k, yaml_node_t *v, void *ctx)
{
    lab_demo_t *dm = ctx;
    if (!strcmp(key, "name")) {
        int rc = want_string(p, v, "name", &dm->name);
        if (!rc && !is_demo_name(dm->name))
            return fail_at(p, v, "demo name '%s' must be lowercase letters, digits and '-'",
                           dm->name);
        return rc;
    }
    if (!strcmp(key, "title"))
        return want_string(p, v, "title", &dm->title);
    if (!strcmp(key, "go")) {
        int rc = want_string(p, v, "go", &dm->go);
        size_t len = rc ? 0 : strlen(dm->go);
        if (!rc && (!is_plain_filename(dm->go) || len < 4 || strcmp(dm->go + len - 3, ".go")))
            return fail_at(p, v, "'go' must name a .go file in demo/, not '%s'", dm->go);
        return rc;
    }
    if (!strcmp(key, "html"))
        return want_bool(p, v, "html", &dm->html);
    return fail_at(p, k, "unknown key '%s' in a demo (expected name, title, go, html)", key);
}

static int parse_demos(parse_t *p, yaml_node_t *n)
{
    lab_t *lab = p->lab;
    if (n->type != YAML_SEQUENCE_NODE)
        return fail_at(p, n, "'demos' must be a list of {name, title, go, html}");
    size_t cap = n->data.sequence.items.top - n->data.sequence.items.start;
    lab->demos = calloc(cap ? cap : 1, sizeof *lab->demos);
    if (!lab->demos)
        return -ENOMEM;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        yaml_node_t *dn = node(p, *it);
        lab_demo_t *dm = &lab->demos[lab->n_demos++];
        int rc = each_pair(p, dn, "a demo", demo_pair, dm);
        if (rc)
            return rc;
        if (!dm->name || !dm->title)
            return fail_at(p, dn, "a demo needs a 'name' and a 'title'");
        for (size_t j = 0; j + 1 < lab->n_demos; j++)
            if (!strcmp(lab->demos[j].name, dm->name))
                return fail_at(p, dn, "demo '%s' is listed twice", dm->name);
    }
    return 0;
}

static int bench_pair(parse_t *p, const char *key, yaml_node_t *k, yaml_node_t *v, void *ctx)
{
    lab_t *lab = ctx;
    if (!strcmp(key, "share"))
        return want_number(p, v, "share", 0, 1, &lab->perf_share);
    if (!strcmp(key, "target"))
        return want_number(p, v, "target", 1e-6, 1e6, &lab->perf_target);
    if (!strcmp(key, "floor"))
        return want_number(p, v, "floor", 1e-6, 1e6, &lab->perf_floor);
    if (!strcmp(key, "benchmarks"))
        return want_list(p, v, "benchmarks", &lab->benchmarks, &lab->n_benchmarks);
    return fail_at(p, k, "unknown key '%s' in bench (expected share, target, floor, benchmarks)", key);
}

static int sandbox_pair(parse_t *p, const char *key, yaml_node_t *k, yaml_node_t *v, void *ctx)
{
    lab_policy_t *pol = ctx;
    double d;
    int rc;
    if (!strcmp(key, "network")) {
        const char *s = scalar(v);
        if (s && !strcmp(s, "none")) { pol->loopback = false; return 0; }
        if (s && !strcmp(s, "loopback")) { pol->loopback = true; return 0; }
        return fail_at(p, v, "'network' must be none or loopback");
    }
    if (!strcmp(key, "io_uring"))
        return want_bool(p, v, "io_uring", &pol->io_uring);
    if (!strcmp(key, "memory_mb")) {
        if (!(rc = want_number(p, v, "memory_mb", 16, 65536, &d)))
            pol->memory_mb = (uint64_t)d;
        return rc;
    }
    if (!strcmp(key, "pids")) {
        if (!(rc = want_number(p, v, "pids", 1, 100000, &d)))
            pol->pids = (int)d;
        return rc;
    }
    if (!strcmp(key, "wall_s"))
        return want_number(p, v, "wall_s", 0.1, 3600, &pol->wall_s);
    if (!strcmp(key, "cpu_s"))
        return want_number(p, v, "cpu_s", 0.1, 3600, &pol->cpu_s);
    return fail_at(p, k, "unknown key '%s' in sandbox (expected network, io_uring, "
                         "memory_mb, pids, wall_s, cpu_s)", key);
}

static int parse_question(parse_t *p, yaml_node_t *v)
{
    lab_t *lab = p->lab;
    int rc = want_string(p, v, "question", &lab->question);
    if (rc)
        return rc;
    int used = 0;
    if (sscanf(lab->question, "%d.%d%n", &lab->section, &lab->number, &used) != 2 ||
        lab->question[used] || lab->section < 1 || lab->number < 1)
        return fail_at(p, v, "'question' must look like \"1.2\" (section.question), not '%s'",
                       lab->question);
    return 0;
}

/* stub: fails (the default: the handout is to be written) or passes (the
 * handout is correct but slow, and only its speed is to be earned). */
static int parse_stub(parse_t *p, yaml_node_t *v)
{
    char *what = NULL;
    int rc = want_string(p, v, "stub", &what);
    if (!rc && strcmp(what, "fails") && strcmp(what, "passes"))
        rc = fail_at(p, v, "'stub' must be fails or passes, not '%s'", what);
    if (!rc)
        p->lab->stub_passes = !strcmp(what, "passes");
    free(what);
    return rc;
}

static int top_pair(parse_t *p, const char *key, yaml_node_t *k, yaml_node_t *v, void *ctx)
{
    lab_t *lab = ctx;
    if (!strcmp(key, "name")) {
        int rc = want_string(p, v, "name", &lab->name);
        if (!rc && strcmp(lab->name, lab->dir + strlen("labs/")))
            return fail_at(p, v, "name '%s' must equal the folder name '%s'", lab->name,
                           lab->dir + strlen("labs/"));
        return rc;
    }
    if (!strcmp(key, "title"))
        return want_string(p, v, "title", &lab->title);
    if (!strcmp(key, "prefix")) {
        int rc = want_string(p, v, "prefix", &lab->prefix);
        if (!rc && !is_prefix(lab->prefix))
            return fail_at(p, v, "prefix '%s' must be lowercase letters and digits, "
                                 "starting with a letter", lab->prefix);
        return rc;
    }
    if (!strcmp(key, "question"))
        return parse_question(p, v);
    if (!strcmp(key, "points"))
        return want_number(p, v, "points", 0.5, 100, &lab->points);
    if (!strcmp(key, "editable"))
        return want_list(p, v, "editable", &lab->editable, &lab->n_editable);
    if (!strcmp(key, "sources")) {
        lab->sources_given = true;
        return want_list(p, v, "sources", &lab->sources, &lab->n_sources);
    }
    if (!strcmp(key, "needs"))
        return want_list(p, v, "needs", &lab->needs, &lab->n_needs);
    if (!strcmp(key, "test_only"))
        return want_list(p, v, "test_only", &lab->test_only, &lab->n_test_only);
    if (!strcmp(key, "tests"))
        return parse_tests(p, v);
    if (!strcmp(key, "bench")) {
        lab->has_bench = true;
        return each_pair(p, v, "bench", bench_pair, lab);
    }
    if (!strcmp(key, "sandbox"))
        return each_pair(p, v, "sandbox", sandbox_pair, &lab->policy);
    if (!strcmp(key, "demos"))
        return parse_demos(p, v);
    if (!strcmp(key, "stub"))
        return parse_stub(p, v);
    return fail_at(p, k,
                   "unknown key '%s' (expected name, title, prefix, question, points, "
                   "editable, sources, needs, test_only, tests, bench, sandbox, demos, stub)",
                   key);
}

/* ---- checks after parsing ------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with_c(const char *s)
{
    size_t len = strlen(s);
    return len > 2 && !strcmp(s + len - 2, ".c");
}

static int sources_append(lab_t *lab, size_t *cap, const char *rel)
{
    if (lab->n_sources == *cap) {
        size_t ncap = *cap ? 2 * *cap : 8;
        char **grown = realloc(lab->sources, ncap * sizeof *grown);
        if (!grown)
            return -ENOMEM;
        lab->sources = grown;
        *cap = ncap;
    }
    if (!(lab->sources[lab->n_sources] = strdup(rel)))
        return -ENOMEM;
    lab->n_sources++;
    return 0;
}

/* The derived sources: the editable .c files in manifest order, then every
 * .c file of support/, sorted (a lab without support/ has none). */
static int default_sources(parse_t *p)
{
    lab_t *lab = p->lab;
    size_t cap = 0;
    int rc = 0;
    for (size_t i = 0; !rc && i < lab->n_editable; i++)
        if (ends_with_c(lab->editable[i]))
            rc = sources_append(lab, &cap, lab->editable[i]);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/support", p->root, lab->dir);
    DIR *d = opendir(path);
    if (!d)
        return rc ? rc : errno == ENOENT ? 0 : -errno;
    size_t first = lab->n_sources;
    for (struct dirent *e; !rc && (e = readdir(d));) {
        char rel[512];
        if (e->d_name[0] == '.' || !ends_with_c(e->d_name))
            continue;
        snprintf(rel, sizeof rel, "support/%s", e->d_name);
        rc = sources_append(lab, &cap, rel);
    }
    closedir(d);
    if (!rc && lab->n_sources > first)
        qsort(lab->sources + first, lab->n_sources - first, sizeof *lab->sources, cmp_str);
    return rc;
}

static bool lab_file_exists(parse_t *p, const char *file)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s/%s", p->root, p->lab->dir, file);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int check_lab(parse_t *p, yaml_node_t *root)
{
    lab_t *lab = p->lab;
    const char *missing = !lab->name ? "name" : !lab->title ? "title"
                        : !lab->question ? "question" : lab->points == 0 ? "points"
                        : !lab->n_editable ? "editable" : !lab->n_tests ? "tests" : NULL;
    if (missing)
        return fail_at(p, root, "'%s' is missing", missing);
    if (!lab->prefix && !(lab->prefix = strdup(lab->name)))
        return -ENOMEM;
    for (size_t i = 0; i < lab->n_editable; i++)
        if (!is_plain_filename(lab->editable[i]) || !lab_file_exists(p, lab->editable[i]))
            return fail_at(p, root, "editable file '%s' is not a file in %s", lab->editable[i],
                           lab->dir);
    int rc = lab->sources_given ? 0 : default_sources(p);
    if (rc)
        return rc;
    for (size_t i = 0; i < lab->n_sources; i++)
        if (!is_source_path(lab->sources[i]) || !lab_file_exists(p, lab->sources[i]))
            return fail_at(p, root, "source '%s' is not a file in %s or %s/support",
                           lab->sources[i], lab->dir, lab->dir);
    for (size_t i = 0; i < lab->n_editable; i++) {
        if (ends_with_c(lab->editable[i]) &&
            !list_has(lab->sources, lab->n_sources, lab->editable[i]))
            return fail_at(p, root, "editable file '%s' is not one of the sources",
                           lab->editable[i]);
    }
    for (size_t i = 0; i < lab->n_demos; i++) {
        const lab_demo_t *dm = &lab->demos[i];
        char file[512];
        snprintf(file, sizeof file, "demo/%s.c", dm->name);
        if (!lab_file_exists(p, file))
            return fail_at(p, root, "demo '%s' has no source %s/%s", dm->name, lab->dir, file);
        snprintf(file, sizeof file, "demo/%s", dm->go ? dm->go : "");
        if (dm->go && !lab_file_exists(p, file))
            return fail_at(p, root, "demo '%s': Go original %s/%s is not a file", dm->name,
                           lab->dir, file);
    }
    if (lab->stub_passes && !lab->has_bench)
        return fail_at(p, root,
                       "'stub: passes' needs a 'bench' section: the stub is scored on "
                       "performance only");
    if (lab->has_bench && lab->perf_floor <= lab->perf_target)
        return fail_at(p, root, "bench 'floor' (%g) must be above 'target' (%g)", lab->perf_floor,
                       lab->perf_target);
    return 0;
}

static void set_defaults(lab_t *lab)
{
    lab->perf_share = 0.2;
    lab->perf_target = 1.1;
    lab->perf_floor = 3.0;
    lab->policy = (lab_policy_t){.loopback = false, .io_uring = false, .memory_mb = 512,
                                 .pids = 64, .wall_s = 10, .cpu_s = 10};
}

/* ---- loading --------------------------------------------------------------- */

static int load_document(parse_t *p, FILE *f)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return -ENOMEM;
    yaml_parser_set_input_file(&parser, f);
    int ok = yaml_parser_load(&parser, &p->doc);
    if (!ok) {
        snprintf(p->err, p->errlen, "%s:%lu: %s", p->path,
                 (unsigned long)parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "not valid YAML");
    }
    yaml_parser_delete(&parser);
    return ok ? 0 : -EINVAL;
}

int manifest_load(const char *root, const char *name, lab_t *lab, char *err, size_t errlen)
{
    char full[4096], rel[512];
    memset(lab, 0, sizeof *lab);
    snprintf(rel, sizeof rel, "labs/%s/lab.yaml", name);
    snprintf(full, sizeof full, "%s/%s", root, rel);
    parse_t p = {.root = root, .path = rel, .err = err, .errlen = errlen, .lab = lab};
    FILE *f = fopen(full, "r");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "cannot open manifest '%s': %s", rel, strerror(e));
        return -e;
    }
    set_defaults(lab);
    lab->dir = malloc(strlen(name) + 6);
    lab->path = strdup(rel);
    int rc = (!lab->dir || !lab->path) ? -ENOMEM : load_document(&p, f);
    fclose(f);
    if (rc) {
        manifest_free(lab);
        return rc;
    }
    sprintf(lab->dir, "labs/%s", name);
    yaml_node_t *top = yaml_document_get_root_node(&p.doc);
    if (!top) {
        snprintf(err, errlen, "%s:1: the manifest is empty", rel);
        rc = -EINVAL;
    } else {
        rc = each_pair(&p, top, "the manifest", top_pair, lab);
        if (!rc)
            rc = check_lab(&p, top);
    }
    yaml_document_delete(&p.doc);
    if (rc == -ENOMEM)
        snprintf(err, errlen, "%s: out of memory", rel);
    if (rc)
        manifest_free(lab);
    return rc;
}

void manifest_free(lab_t *lab)
{
    free(lab->name);
    free(lab->title);
    free(lab->prefix);
    free(lab->question);
    free(lab->dir);
    free(lab->path);
    free_list(lab->editable, lab->n_editable);
    free_list(lab->sources, lab->n_sources);
    free_list(lab->needs, lab->n_needs);
    free_list(lab->test_only, lab->n_test_only);
    free_list(lab->benchmarks, lab->n_benchmarks);
    for (size_t i = 0; i < lab->n_tests; i++)
        free(lab->tests[i].name);
    free(lab->tests);
    for (size_t i = 0; i < lab->n_demos; i++) {
        free(lab->demos[i].name);
        free(lab->demos[i].title);
        free(lab->demos[i].go);
    }
    free(lab->demos);
    memset(lab, 0, sizeof *lab);
}

static int cmp_lab(const void *a, const void *b)
{
    const lab_t *x = a, *y = b;
    if (x->section != y->section)
        return x->section - y->section;
    if (x->number != y->number)
        return x->number - y->number;
    return strcmp(x->name, y->name);
}

static bool wanted(const char *const *only, const char *name)
{
    if (!only)
        return true;
    for (; *only; only++)
        if (!strcmp(*only, name))
            return true;
    return false;
}

/* Lists the folders under root/labs that hold a lab.yaml, sorted. */
static int list_lab_dirs(const char *root, char ***names, size_t *n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/labs", root);
    DIR *d = opendir(path);
    if (!d)
        return -errno;
    size_t cap = 0;
    *names = NULL;
    *n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/labs/%s/lab.yaml", root, e->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            char **grown = realloc(*names, cap * sizeof *grown);
            if (!grown) { closedir(d); return -ENOMEM; }
            *names = grown;
        }
        if (!((*names)[*n] = strdup(e->d_name))) { closedir(d); return -ENOMEM; }
        (*n)++;
    }
    closedir(d);
    if (*n)
        qsort(*names, *n, sizeof **names, cmp_str);
    return 0;
}

int manifest_load_all(const char *root, const char *const *only, lab_set_t *set, char *err,
                      size_t errlen)
{
    char **names;
    size_t n;
    memset(set, 0, sizeof *set);
    int rc = list_lab_dirs(root, &names, &n);
    if (rc) {
        snprintf(err, errlen, "cannot read '%s/labs': %s", root, strerror(-rc));
        return rc;
    }
    set->labs = calloc(n ? n : 1, sizeof *set->labs);
    if (!set->labs)
        rc = -ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        if (!wanted(only, names[i]))
            continue;
        rc = manifest_load(root, names[i], &set->labs[set->n], err, errlen);
        if (!rc)
            set->n++;
    }
    free_list(names, n);
    for (size_t i = 0; !rc && i < set->n; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(set->labs[i].question, set->labs[j].question)) {
                snprintf(err, errlen, "%s:1: question %s is already taken by lab '%s'",
                         set->labs[i].path, set->labs[i].question, set->labs[j].name);
                rc = -EINVAL;
            }
    if (rc) {
        manifest_set_free(set);
        return rc;
    }
    qsort(set->labs, set->n, sizeof *set->labs, cmp_lab);
    return 0;
}

void manifest_set_free(lab_set_t *set)
{
    for (size_t i = 0; i < set->n; i++)
        manifest_free(&set->labs[i]);
    free(set->labs);
    memset(set, 0, sizeof *set);
}

const lab_t *manifest_find(const lab_set_t *set, const char *name)
{
    for (size_t i = 0; i < set->n; i++)
        if (!strcmp(set->labs[i].name, name))
            return &set->labs[i];
    return NULL;
}

double manifest_total_weight(const lab_t *lab, bool with_hidden)
{
    double w = 0;
    for (size_t i = 0; i < lab->n_tests; i++)
        if (with_hidden || !lab->tests[i].hidden)
            w += lab->tests[i].weight;
    return w;
}
