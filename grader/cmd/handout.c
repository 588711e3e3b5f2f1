/*
 * handout.c — `grader handout --out <dir>`: the tree a candidate gets.
 *
 * Same layout, same two commands. What changes: every lab source goes
 * through `unifdef -DLAB_SOLUTION=0`, leaving only the stub (support/ holds
 * no reference and is shipped as it is); tests/hidden/ and tests/mutants/
 * are left out; the project's own tests are left out; what the handout's
 * grader stands on is built from the reference here and shipped stripped
 * in reference/bin/ (the trusted test binary of the visible tests, the
 * benchmarks, the demos), so a candidate can be graded, measure against
 * the reference and watch it (`grader demo`) without seeing its code. The
 * demos' sources and Go originals stay: they show behaviour, not solutions.
 * handout.json marks the tree as a handout. The result is
 * checked: no LAB_SOLUTION may remain in any lab source.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "fsutil.h"
#include "proc.h"
#include "strbuf.h"
#include "text.h"

/* Top-level entries copied whole. tests/ and benchmarks/ get only their
 * CMakeLists.txt: the project's own tests are not the candidate's. */
static const char *const tree_parts[] = {
    "CMakeLists.txt", "CMakePresets.json", "cmake", "include", "runtime", "harness", "libs",
    "grader", "scripts", "tests/CMakeLists.txt", "benchmarks/CMakeLists.txt"};

/* Hidden tests are not the candidate's to see, the mutants are wrong
 * solutions the tests are proven against (hints, not handout), and the
 * integration tests judge the reference on the project's machine (root,
 * namespaces, real peers), never a submission. */
static bool skip_hidden(const char *rel)
{
    return !strcmp(rel, "tests/hidden") || !strcmp(rel, "tests/mutants") ||
           !strcmp(rel, "tests/integration");
}

static bool skip_nothing(const char *rel)
{
    (void)rel;
    return false;
}

static int copy_part(const char *root, const char *out, const char *part)
{
    char from[4096], to[4096];
    struct stat st;
    snprintf(from, sizeof from, "%s/%s", root, part);
    snprintf(to, sizeof to, "%s/%s", out, part);
    if (stat(from, &st) < 0)
        return errno == ENOENT && !strcmp(part, "libs") ? 0 : -errno;   /* libs/ is optional */
    if (S_ISDIR(st.st_mode))
        return fsutil_copy_tree(from, to, skip_nothing);
    char *slash = strrchr(to, '/');
    *slash = '\0';
    int rc = fsutil_mkdirs(to);
    *slash = '/';
    return rc ? rc : fsutil_copy(from, to);
}

static bool is_source(const char *name)
{
    size_t n = strlen(name);
    return n > 2 && name[n - 2] == '.' && (name[n - 1] == 'c' || name[n - 1] == 'h');
}

/* Strips the reference from one file in place; unifdef exits 0 when
 * nothing changed, 1 when something did, 2 on trouble. */
static int strip_file(const char *path)
{
    const char *argv[] = {"unifdef", "-DLAB_SOLUTION=0", "-o", path, path, NULL};
    char *out = NULL;
    int rc = proc_run(argv, NULL, &out);
    if (rc != 0 && rc != 1) {
        cli_error(rc == 127 ? "install it: scripts/setup" : NULL, "unifdef failed on '%s': %s",
                  path, out && *out ? out : "cannot run unifdef");
        free(out);
        return -1;
    }
    free(out);
    return 0;
}

/* Strips every .c and .h file directly in dir (missing dir: nothing to do). */
static int strip_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    int rc = 0;
    for (struct dirent *e; !rc && (e = readdir(d));) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_type == DT_REG && is_source(e->d_name))
            rc = strip_file(path);
    }
    closedir(d);
    return rc;
}

/* Rewrites the binary named at p (after "build/bin/") for the handout;
 * returns how many bytes of p it consumed (0: leave it). */
static size_t rename_binary(strbuf_t *sb, const lab_t *lab, const char *p)
{
    char pre[300];
    int n = snprintf(pre, sizeof pre, "%s_", lab->name);
    if (strncmp(p, pre, (size_t)n))
        return 0;
    const char *rest = p + n;
    if (!strncmp(rest, "test_ref", 8) || !strncmp(rest, "test_stub", 9)) {
        strbuf_addf(sb, "build/bin/%s_test", lab->name);   /* the candidate's code, judged */
        return (size_t)n + (rest[5] == 'r' ? 8 : 9);
    }
    if (!strncmp(rest, "bench_ref", 9)) {
        strbuf_addf(sb, "reference/bin/%s_bench", lab->name);
        return (size_t)n + 9;
    }
    if (!strncmp(rest, "demo_", 5)) {
        strbuf_addf(sb, "reference/bin/%s_demo_", lab->name);
        return (size_t)n + 5;
    }
    return 0;
}

/* The lab's README as the handout has it (docs/lab-format.md, "The
 * handout's README"): what sits between <!-- tree-only --> and
 * <!-- /tree-only --> is left out (anchors and reviewer notes that need the
 * project's tree), and the tree's binary names become the handout's:
 * build/bin/<lab>_test_ref is build/bin/<lab>_test there, the reference's
 * bench and demo binaries are in reference/bin/. Returns a new string. */
static char *handout_readme(const lab_t *lab, const char *text)
{
    strbuf_t sb = STRBUF_INIT;
    const char *p = text;
    while (*p) {
        if (!strncmp(p, "<!-- tree-only -->", 18)) {
            const char *end = strstr(p, "<!-- /tree-only -->");
            if (!end)
                break;
            p = end + 19;
            if (*p == '\n')
                p++;
            continue;
        }
        size_t used = 0;
        if (!strncmp(p, "build/bin/", 10))
            used = rename_binary(&sb, lab, p + 10);
        if (used) {
            p += 10 + used;
            continue;
        }
        strbuf_add(&sb, p, 1);
        p++;
    }
    return strbuf_detach(&sb);
}

static int write_handout_readme(const char *from_dir, const char *to_dir, const lab_t *lab)
{
    char from[4200], to[4200], *text = NULL;
    size_t len;
    snprintf(from, sizeof from, "%s/README.md", from_dir);
    snprintf(to, sizeof to, "%s/README.md", to_dir);
    if (fsutil_read(from, &text, &len) == -ENOENT)
        return 0;
    char *out = text ? handout_readme(lab, text) : NULL;
    int rc = out ? fsutil_write_atomic(to, out, strlen(out)) : -ENOMEM;
    free(text);
    free(out);
    if (rc)
        cli_error(NULL, "cannot write '%s': %s", to, strerror(-rc));
    return rc ? -1 : 0;
}

/* Copies one lab without hidden tests and mutants, and strips its sources. */
static int copy_lab(const char *root, const char *out, const lab_t *lab)
{
    char from[4096], to[4096];
    snprintf(from, sizeof from, "%s/%s", root, lab->dir);
    snprintf(to, sizeof to, "%s/%s", out, lab->dir);
    int rc = fsutil_copy_tree(from, to, skip_hidden);
    if (rc) {
        cli_error(NULL, "cannot copy '%s': %s", lab->dir, strerror(-rc));
        return -1;
    }
    static const char *const subdirs[] = {"", "/tests", "/bench"};
    for (size_t i = 0; i < 3; i++) {
        char dir[4200];
        snprintf(dir, sizeof dir, "%s%s", to, subdirs[i]);
        if (strip_dir(dir))
            return -1;
    }
    return write_handout_readme(from, to, lab);
}

/* No lab source of the handout may still mention LAB_SOLUTION. */
static int verify_stripped(const char *out)
{
    char labs[4096], *hits = NULL;
    snprintf(labs, sizeof labs, "%s/labs", out);
    const char *argv[] = {"grep", "-rl", "--include=*.c", "--include=*.h", "LAB_SOLUTION",
                          labs, NULL};
    int rc = proc_run(argv, NULL, &hits);
    if (rc == 0) {
        cli_error(NULL, "the handout still holds reference code in: %s", hits);
        free(hits);
        return -1;
    }
    free(hits);
    return 0;
}

/* Builds target and ships it stripped as reference/bin/<name>. Returns 0
 * or -1 after printing why. */
static int ship_binary(const tree_t *t, const char *out, const char *target, const char *name)
{
    char from[4096], dir[4096], to[4200];
    const char *build[] = {"cmake", "--build", t->bindir, "--target", target, NULL};
    char *log = NULL;
    int rc = proc_run(build, NULL, &log);
    if (rc) {
        cli_error(NULL, "cannot build '%s':\n%s", target, log ? log : "");
        free(log);
        return -1;
    }
    free(log);
    snprintf(from, sizeof from, "%s/bin/%s", t->bindir, target);
    snprintf(dir, sizeof dir, "%s/reference/bin", out);
    snprintf(to, sizeof to, "%s/%s", dir, name);
    const char *strip[] = {"strip", "--strip-all", to, NULL};
    if (fsutil_mkdirs(dir) || fsutil_copy(from, to) || proc_run(strip, NULL, NULL)) {
        cli_error(NULL, "cannot ship '%s' in the handout", target);
        return -1;
    }
    return 0;
}

/* What the handout's grader stands on, compiled from the reference: the
 * trusted test binary (judging the visible tests only: no hidden test is
 * in it), the reference benchmarks, and the names the reference defines
 * (reference/<lab>.api, for the object audit). */
static int ship_reference(const tree_t *t, const char *out, const lab_t *lab)
{
    char target[256], name[256], api[4096], to[4200];
    snprintf(target, sizeof target, "%s_handout_test", lab->name);
    snprintf(name, sizeof name, "%s_test", lab->name);
    if (ship_binary(t, out, target, name))
        return -1;
    snprintf(api, sizeof api, "%s/labs/%s/api.txt", t->bindir, lab->name);
    snprintf(to, sizeof to, "%s/reference/%s.api", out, lab->name);
    if (fsutil_copy(api, to)) {
        cli_error(NULL, "cannot ship the API list of '%s' ('%s')", lab->name, api);
        return -1;
    }
    if (!lab->has_bench)
        return 0;
    snprintf(target, sizeof target, "%s_bench_ref", lab->name);
    snprintf(name, sizeof name, "%s_bench", lab->name);
    return ship_binary(t, out, target, name);
}

/* Ships every reference demo of lab, stripped, as reference/bin/<lab>_demo_<name>. */
static int ship_demos(const tree_t *t, const char *out, const lab_t *lab)
{
    for (size_t i = 0; i < lab->n_demos; i++) {
        char target[256];
        snprintf(target, sizeof target, "%s_demo_%s", lab->name, lab->demos[i].name);
        if (ship_binary(t, out, target, target))
            return -1;
    }
    return 0;
}

static void readme_lab_rows(strbuf_t *sb, const lab_set_t *set)
{
    strbuf_adds(sb, "| exam | lab | points | what you build | files you edit |\n"
                    "|---|---|---|---|---|\n");
    for (size_t i = 0; i < set->n; i++) {
        const lab_t *l = &set->labs[i];
        strbuf_addf(sb, "| %s | [%s](labs/%s/README.md) | %g | %s |", l->question, l->name,
                    l->name, l->points, l->title);
        for (size_t j = 0; j < l->n_editable; j++)
            strbuf_addf(sb, " `labs/%s/%s`", l->name, l->editable[j]);
        strbuf_adds(sb, " |\n");
    }
}

static int write_readme(const char *out, const lab_set_t *set)
{
    strbuf_t sb = STRBUF_INIT;
    strbuf_adds(&sb,
        "# undergo — your labs\n\n"
        "Each lab is a piece of the systems that run under a Go backend, written in C. The\n"
        "API, the tests and the benchmarks are in place; the implementation is yours.\n\n"
        "## Start\n\n"
        "```sh\n"
        "./scripts/quickstart   # installs what is missing (as root), builds, grades everything\n"
        "./scripts/test         # builds and runs every test through ctest\n"
        "```\n\n"
        "Both work before you write a line: every lab scores 0 until you implement it.\n\n"
        "Watch a lab's ideas first: `build/bin/grader demo` lists the demonstrations,\n"
        "`build/bin/grader demo <lab> <name>` runs one on the reference (`--go` beside the\n"
        "Go original, `--html <file>` as a picture), and `--mine` runs it on your code.\n\n"
        "## Labs\n\n");
    readme_lab_rows(&sb, set);
    strbuf_adds(&sb,
        "\n## Work on a lab\n\n"
        "1. Read `labs/<lab>/README.md` and the header it describes.\n"
        "2. Edit only the files listed above; everything else is replaced by the pristine\n"
        "   copy when you are graded.\n"
        "3. `build/bin/grader run <lab>` builds and grades it. A failing test prints its\n"
        "   output, its seed and the one command that reruns just that test, e.g.\n"
        "   `build/bin/<lab>_test --run <test> --seed 1` (your code, judged by the tests).\n"
        "4. When every test passes, the grader times your code against the reference\n"
        "   (`reference/bin/<lab>_bench`, shipped compiled) and scores performance;\n"
        "   `build/bin/grader bench <lab> -o /tmp/b` writes both series, and\n"
        "   `build/bin/grader compare /tmp/b/reference.txt /tmp/b/candidate.txt` compares them.\n\n"
        "## How you are graded\n\n"
        "Per lab: points × ((1 − p) · correctness + p · performance). Correctness is the\n"
        "weight of passing tests over all tests, including hidden tests that are not in this\n"
        "tree. Performance counts only when every test passes: full at a time ratio at or\n"
        "below the lab's target, none at or above its floor. p is usually 0.2.\n"
        "Your code runs in a sandbox with memory, time and process limits, no network and\n"
        "a private file system.\n\n"
        "## Submit\n\n"
        "Hand in this tree (or just `labs/<lab>/<file>` for each file you edited): the\n"
        "reviewer runs `grader run --submission <your tree>`. An editable file you leave\n"
        "out is graded as this handout's stub, and the report says so; a lab none of whose\n"
        "files you hand in is not submitted. Other files are not graded (the report names\n"
        "those that differ from the handout): keep helpers `static` in the editable files.\n");
    char path[4096];
    snprintf(path, sizeof path, "%s/README.md", out);
    int rc = sb.oom ? -ENOMEM : fsutil_write_atomic(path, sb.buf, sb.len);
    strbuf_release(&sb);
    return rc;
}

static int write_marker(const char *out, const lab_set_t *set)
{
    char path[4096], *when = text_utc_now();
    strbuf_t sb = STRBUF_INIT;
    strbuf_addf(&sb, "{\"schema_version\": 1, \"generated_at\": \"%s\", \"labs\": [",
                when ? when : "");
    free(when);
    for (size_t i = 0; i < set->n; i++)
        strbuf_addf(&sb, "%s\"%s\"", i ? ", " : "", set->labs[i].name);
    strbuf_adds(&sb, "]}\n");
    snprintf(path, sizeof path, "%s/handout.json", out);
    int rc = sb.oom ? -ENOMEM : fsutil_write_atomic(path, sb.buf, sb.len);
    strbuf_release(&sb);
    return rc;
}

/* Keeps the labs named in argv[first..] (all when none), in exam order. */
static int select_labs(lab_set_t *set, char **names, int n)
{
    if (n == 0)
        return 0;
    for (int i = 0; i < n; i++)
        if (!manifest_find(set, names[i])) {
            cli_error("`grader list` shows the labs", "unknown lab '%s'", names[i]);
            return -1;
        }
    size_t kept = 0;
    for (size_t i = 0; i < set->n; i++) {
        bool want = false;
        for (int j = 0; j < n; j++)
            want |= !strcmp(names[j], set->labs[i].name);
        if (want)
            set->labs[kept++] = set->labs[i];
        else
            manifest_free(&set->labs[i]);
    }
    set->n = kept;
    return 0;
}

static int make_handout(const tree_t *t, const char *out, const lab_set_t *set)
{
    for (size_t i = 0; i < sizeof tree_parts / sizeof *tree_parts; i++) {
        int rc = copy_part(t->root, out, tree_parts[i]);
        if (rc) {
            cli_error(NULL, "cannot copy '%s': %s", tree_parts[i], strerror(-rc));
            return -1;
        }
    }
    for (size_t i = 0; i < set->n; i++)
        if (copy_lab(t->root, out, &set->labs[i]) || ship_reference(t, out, &set->labs[i]) ||
            ship_demos(t, out, &set->labs[i]))
            return -1;
    if (verify_stripped(out))
        return -1;
    int rc = write_readme(out, set);
    if (!rc)
        rc = write_marker(out, set);
    if (rc)
        cli_error(NULL, "cannot write the handout's README: %s", strerror(-rc));
    return rc ? -1 : 0;
}

int cmd_handout(int argc, char **argv)
{
    cli_args_t a;
    int rc = cli_parse(&cli_handout, argc, argv, &a);
    const char *out = a.val ? a.val[HANDOUT_OUT] : NULL;
    if (!rc && !out)
        rc = cli_usage(&cli_handout, "where should the handout go? give --out <dir>");
    else if (!rc && !fsutil_dir_is_empty(out)) {
        cli_error("choose a new folder: nothing is overwritten", "'%s' is not empty", out);
        rc = EXIT_USAGE;
    }
    tree_t t = cli_tree();
    lab_set_t set = {0};
    if (!rc && cli_load_labs(&t, &set))
        rc = EXIT_CANNOT_GRADE;
    else if (!rc && select_labs(&set, a.pos, a.n_pos))
        rc = EXIT_USAGE;
    else if (!rc && (fsutil_mkdirs(out) || make_handout(&t, out, &set)))
        rc = EXIT_CANNOT_GRADE;
    else if (!rc)
        printf("handout for %zu lab(s) written to %s\n", set.n, out);
    manifest_set_free(&set);
    cli_args_free(&a);
    return rc == CLI_HELP ? EXIT_GRADED : rc;
}
