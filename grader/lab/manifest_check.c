/*
 * manifest_check.c — a lab's folder against the lab anatomy
 * (docs/lab-format.md), as far as the tree shows it: `grader list --check`.
 *
 *   labs/<name>/
 *     lab.yaml  README.md  <name>.h          the manifest, the handout, the API
 *     <prefix>_internal.h                    optional, editable
 *     <prefix>_*.c  (or <name>.c alone)      editable, reference under LAB_SOLUTION
 *     support/<prefix>_*.c|h                 pristine: no LAB_SOLUTION
 *     tests/ tests/hidden/ tests/mutants/ bench/ demo/
 *
 * Tests, benchmarks and demos are compiled once from the pristine tree, so
 * they may include no lab header but <name>.h. Mutants are checked for
 * their count, their one-line comment, the files they touch (editable ones
 * only) and that each still applies (`patch --dry-run`). What needs a build
 * is checked elsewhere: symbol prefixes by ctest (nm), mutants being killed
 * by `grader mutants`.
 *
 * Interface: manifest_check(root, lab, problem, ud) → problem(ud, line) per
 * finding → the number of findings.
 */
#include "manifest.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "proc.h"

typedef struct check {
    const char *root;
    const lab_t *lab;
    char dir[PATH_MAX];            /* root/labs/<name> */
    manifest_problem_fn problem;
    void *ud;
    int found;
} check_t;

static void report(check_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One finding: "labs/<name>/" + the formatted rest. */
static void report(check_t *c, const char *fmt, ...)
{
    char msg[1024];
    int n = snprintf(msg, sizeof msg, "%s/", c->lab->dir);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    c->problem(c->ud, msg);
    c->found++;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

static bool has_prefix(const check_t *c, const char *name)
{
    size_t n = strlen(c->lab->prefix);
    return !strncmp(name, c->lab->prefix, n) && name[n] == '_' && name[n + 1];
}

static bool is_editable(const lab_t *lab, const char *file)
{
    for (size_t i = 0; i < lab->n_editable; i++)
        if (!strcmp(lab->editable[i], file))
            return true;
    return false;
}

/* "<prefix>_internal.h" of the lab in buf. */
static const char *internal_header(const check_t *c, char *buf, size_t len)
{
    snprintf(buf, len, "%s_internal.h", c->lab->prefix);
    return buf;
}

/* True when a line of the file at path starts with "#if" and names
 * LAB_SOLUTION. A missing file is false. */
static bool holds_lab_solution(const char *path, bool anywhere)
{
    char *text;
    size_t len;
    if (fsutil_read(path, &text, &len) < 0)
        return false;
    bool found = false;
    for (char *line = text; line && *line && !found; line = strchr(line, '\n')) {
        line += *line == '\n';
        const char *p = line + strspn(line, " \t");
        const char *eol = strchrnul(p, '\n');
        const char *hit = strstr(p, "LAB_SOLUTION");
        found = hit && hit < eol && (anywhere || !strncmp(p, "#if", 3));
    }
    free(text);
    return found;
}

/* ---- the lab root ------------------------------------------------------------ */

/* Why an entry of the lab root is not part of the anatomy, or NULL. */
static const char *root_entry_problem(const check_t *c, const char *name, bool is_dir)
{
    static const char *const dirs[] = {"support", "tests", "bench", "demo"};
    char want[256];
    if (is_dir) {
        for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
            if (!strcmp(name, dirs[i]))
                return NULL;
        return "is a folder the lab anatomy does not have (support, tests, bench, demo)";
    }
    snprintf(want, sizeof want, "%s.h", c->lab->name);
    if (!strcmp(name, "lab.yaml") || !strcmp(name, "README.md") || !strcmp(name, want))
        return NULL;
    if (!strcmp(name, internal_header(c, want, sizeof want)))
        return is_editable(c->lab, name) ? NULL : "is the internal header but not editable";
    if (ends_with(name, ".c")) {
        snprintf(want, sizeof want, "%s.c", c->lab->name);
        if (!has_prefix(c, name) && strcmp(name, want))
            return "is a source without the lab's prefix (rename it <prefix>_*.c)";
        return is_editable(c->lab, name) ? NULL
             : "is not editable: pristine sources live in support/";
    }
    if (ends_with(name, ".h"))
        return "is a header that is neither the API nor the internal header (support/ "
               "holds pristine headers; the API is <name>.h)";
    return "is not part of the lab anatomy";
}

static int check_root(check_t *c)
{
    DIR *d = opendir(c->dir);
    if (!d)
        return -errno;
    char one[256];
    snprintf(one, sizeof one, "%s.c", c->lab->name);
    size_t sources = 0;
    bool has_one = false;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[PATH_MAX + 256];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", c->dir, e->d_name);
        if (lstat(path, &st) < 0 || (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))) {
            report(c, "%s: is neither a file nor a folder", e->d_name);
            continue;
        }
        const char *why = root_entry_problem(c, e->d_name, S_ISDIR(st.st_mode));
        if (why)
            report(c, "%s: %s", e->d_name, why);
        sources += S_ISREG(st.st_mode) && ends_with(e->d_name, ".c");
        has_one |= !strcmp(e->d_name, one);
    }
    closedir(d);
    if (has_one && sources > 1)
        report(c, "%s: only a one-file lab may name its source after the lab; "
                  "with more, every source is <prefix>_*.c", one);
    return 0;
}

/* Every editable file is a root source or the internal header; every
 * editable .c holds the reference under #if LAB_SOLUTION. */
static void check_editable(check_t *c)
{
    char internal[256];
    internal_header(c, internal, sizeof internal);
    for (size_t i = 0; i < c->lab->n_editable; i++) {
        const char *f = c->lab->editable[i];
        char path[PATH_MAX + 256];
        snprintf(path, sizeof path, "%s/%s", c->dir, f);
        if (!ends_with(f, ".c") && strcmp(f, internal))
            report(c, "%s: is editable but neither a source nor %s", f, internal);
        else if (ends_with(f, ".c") && !holds_lab_solution(path, false))
            report(c, "%s: is editable but holds no '#if LAB_SOLUTION' reference", f);
    }
}

/* With `sources:` given, it must be what would be derived. */
static void check_sources(check_t *c)
{
    const lab_t *lab = c->lab;
    if (!lab->sources_given)
        return;
    for (size_t i = 0; i < lab->n_sources; i++) {
        const char *s = lab->sources[i];
        if (!is_editable(lab, s) && strncmp(s, "support/", 8))
            report(c, "lab.yaml: source '%s' is neither editable nor in support/; "
                      "drop 'sources:', it is derived", s);
    }
}

/* ---- support/ ------------------------------------------------------------------ */

static int check_support(check_t *c)
{
    char dir[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/support", c->dir);
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -errno;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[PATH_MAX + 300];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        bool src = ends_with(e->d_name, ".c") || ends_with(e->d_name, ".h");
        if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || !src || !has_prefix(c, e->d_name))
            report(c, "support/%s: support/ holds only files named %s_*.c or %s_*.h",
                   e->d_name, c->lab->prefix, c->lab->prefix);
        else if (holds_lab_solution(path, true))
            report(c, "support/%s: mentions LAB_SOLUTION, but support code is shipped as it "
                      "is: the reference belongs in an editable file", e->d_name);
    }
    closedir(d);
    return 0;
}

/* ---- what tests, benchmarks and demos include ---------------------------------- */

/* The lab-relative path `inc` names when included from file (in folder
 * from), or "" when it is not a file of the lab. */
static void resolve_include(const check_t *c, const char *from, const char *inc, char *out,
                            size_t len)
{
    char path[PATH_MAX * 3], real[PATH_MAX], labreal[PATH_MAX];
    out[0] = '\0';
    snprintf(path, sizeof path, "%s/%s", from, inc);
    if (!realpath(path, real)) {
        snprintf(path, sizeof path, "%s/%s", c->dir, inc);   /* -I <lab> */
        if (!realpath(path, real))
            return;
    }
    if (!realpath(c->dir, labreal))
        return;
    size_t n = strlen(labreal);
    if (!strncmp(real, labreal, n) && real[n] == '/')
        snprintf(out, len, "%s", real + n + 1);
}

/* True when a lab-relative path is the API or lives in tests/ bench/ demo/. */
static bool may_be_included(const check_t *c, const char *rel)
{
    char api[256];
    snprintf(api, sizeof api, "%s.h", c->lab->name);
    return !*rel || !strcmp(rel, api) || !strncmp(rel, "tests/", 6) ||
           !strncmp(rel, "bench/", 6) || !strncmp(rel, "demo/", 5);
}

static void check_includes_of(check_t *c, const char *dir, const char *rel_file)
{
    char path[PATH_MAX * 2], *text;
    size_t len;
    snprintf(path, sizeof path, "%s/%s", c->dir, rel_file);
    if (fsutil_read(path, &text, &len) < 0)
        return;
    for (char *line = text; line && *line; line = strchr(line, '\n')) {
        line += *line == '\n';
        char one[1024], inc[512], rel[PATH_MAX];
        snprintf(one, sizeof one, "%.*s", (int)(strchrnul(line, '\n') - line), line);
        if (sscanf(one, " # include \"%511[^\"]\"", inc) != 1)
            continue;
        resolve_include(c, dir, inc, rel, sizeof rel);
        if (!may_be_included(c, rel))
            report(c, "%s: includes \"%s\" (%s): tests, benchmarks and demos may include "
                      "only %s.h of the lab", rel_file, inc, rel, c->lab->name);
    }
    free(text);
}

/* Walks the sources of labs/<name>/<rel> (a folder), recursively. */
static void check_includes_in(check_t *c, const char *rel)
{
    char dir[PATH_MAX * 2];
    snprintf(dir, sizeof dir, "%s/%s", c->dir, rel);
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        char sub[PATH_MAX];
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof sub, "%s/%s", rel, e->d_name);
        if (e->d_type == DT_DIR)
            check_includes_in(c, sub);
        else if (ends_with(e->d_name, ".c") || ends_with(e->d_name, ".h"))
            check_includes_of(c, dir, sub);
    }
    closedir(d);
}

/* ---- mutants -------------------------------------------------------------------- */

/* Checks the files one mutant's diff touches: only editable files of the lab. */
static void check_mutant_files(check_t *c, const char *name, const char *text)
{
    size_t n = strlen(c->lab->dir);
    int files = 0;
    for (const char *line = text; line && *line; line = strchr(line, '\n')) {
        line += *line == '\n';
        if (strncmp(line, "+++ ", 4))
            continue;
        char target[PATH_MAX];
        if (sscanf(line + 4, "%4095s", target) != 1)
            continue;
        const char *t = !strncmp(target, "b/", 2) ? target + 2 : target;
        files++;
        if (strncmp(t, c->lab->dir, n) || t[n] != '/' || !is_editable(c->lab, t + n + 1))
            report(c, "tests/mutants/%s: patches '%s', which is not an editable file of the "
                      "lab (paths read labs/%s/<file>)", name, t, c->lab->name);
    }
    if (!files)
        report(c, "tests/mutants/%s: holds no diff (make it with git diff)", name);
}

/* Checks an optional "# killed-by: <test>" line of the header (the '#'
 * lines before the diff): it names a test of lab.yaml, once. */
static void check_mutant_killer(check_t *c, const char *name, const char *text)
{
    static const char key[] = "# killed-by:";
    int seen = 0;
    for (const char *line = text; *line == '#';
         line += strcspn(line, "\n"), line += *line == '\n') {
        if (strncmp(line, key, sizeof key - 1))
            continue;
        const char *t = line + sizeof key - 1;
        t += strspn(t, " ");
        int n = (int)strcspn(t, " \n");
        bool known = false;
        for (size_t i = 0; n && i < c->lab->n_tests; i++)
            known |= strlen(c->lab->tests[i].name) == (size_t)n &&
                     !strncmp(c->lab->tests[i].name, t, (size_t)n);
        if (!known)
            report(c,
                   "tests/mutants/%s: killed-by names '%.*s', which is not a test in "
                   "lab.yaml",
                   name, n, t);
        if (++seen == 2)
            report(c, "tests/mutants/%s: more than one killed-by line", name);
    }
}

static void check_mutant(check_t *c, const char *dir, const char *name)
{
    char path[PATH_MAX * 2], *text;
    size_t len;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (fsutil_read(path, &text, &len) < 0) {
        report(c, "tests/mutants/%s: cannot be read", name);
        return;
    }
    if (strncmp(text, "# ", 2) || text[2] == '\n' || text[2] == ' ' || !text[2])
        report(c, "tests/mutants/%s: the first line must be '# <the misunderstanding it "
                  "models>'", name);
    check_mutant_files(c, name, text);
    check_mutant_killer(c, name, text);
    free(text);
    const char *argv[] = {"patch", "-p1", "--dry-run", "--forward", "--batch", "--fuzz=0",
                          "--silent", "-d", c->root, "-i", path, NULL};
    char *out = NULL;
    int rc = proc_run(argv, NULL, &out);
    if (rc == 127 || rc < 0)
        report(c, "tests/mutants/%s: cannot run patch (scripts/setup installs it)", name);
    else if (rc != 0)
        report(c, "tests/mutants/%s: no longer applies to the tree: %.*s", name,
               out ? (int)strcspn(out, "\n") : 0, out ? out : "");
    free(out);
}

static void check_mutants(check_t *c)
{
    char dir[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/tests/mutants", c->dir);
    size_t n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (!ends_with(e->d_name, ".patch")) {
            report(c, "tests/mutants/%s: tests/mutants/ holds only <name>.patch files",
                   e->d_name);
            continue;
        }
        check_mutant(c, dir, e->d_name);
        n++;
    }
    if (d)
        closedir(d);
    if (n < MANIFEST_MIN_MUTANTS)
        report(c, "tests/mutants/: %zu mutant(s); a lab carries at least %d "
                  "(docs/lab-format.md, \"Mutants\")", n, MANIFEST_MIN_MUTANTS);
}

/* ---- the whole check ------------------------------------------------------------- */

int manifest_check(const char *root, const lab_t *lab, manifest_problem_fn problem, void *ud)
{
    check_t c = {.root = root, .lab = lab, .problem = problem, .ud = ud};
    snprintf(c.dir, sizeof c.dir, "%s/%s", root, lab->dir);
    int rc = check_root(&c);
    if (rc < 0)
        return rc;
    check_editable(&c);
    check_sources(&c);
    if ((rc = check_support(&c)) < 0)
        return rc;
    check_includes_in(&c, "tests");
    check_includes_in(&c, "bench");
    check_includes_in(&c, "demo");
    check_mutants(&c);
    return c.found;
}
