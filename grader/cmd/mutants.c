/*
 * mutants.c — `grader mutants [<lab>...]`: every mutant of a lab must
 * be killed by its tests.
 *
 * A mutant is labs/<lab>/tests/mutants/<name>.patch: a small diff against
 * the lab's editable files (the reference part), made with git diff, whose
 * first line is "# <the misunderstanding it models>". For each one:
 *
 *   scratch/sub/labs/<lab>/   the lab's editable files, copied from the tree
 *   patch -p1 there           a patch that no longer applies is an error
 *   unifdef -DLAB_SOLUTION=1  the mutated reference, as a candidate hands it in
 *   grader run <lab> --submission scratch/sub --no-bench --json scratch/r.json
 *
 * The run is this same grader binary as a child (/proc/self/exe), so a
 * mutant is graded exactly as a submission is, sandbox included, and this
 * file needs nothing of the grader but that command line and its JSON
 * report. A mutant some test fails is KILLED (the first such test is
 * named); one every test passes SURVIVED; one that does not build is an
 * error too: a mutant models a plausible wrong solution, and those compile.
 *
 * A header line "# killed-by: <test>" names the test that kills the
 * mutant: that test runs alone first (-run '^<test>$'), and only when it
 * passes is the mutant graded on every test (--all-tests: always). The
 * children's builds are trusted (UNDERGO_OBJCACHE_TRUSTED=1), so they
 * share the object cache and a mutant recompiles only what it patched.
 *
 * Exit: 0 when every mutant of every lab was killed, 1 otherwise, 2 usage.
 *
 * Interface: cmd_mutants → mutants_of_lab → mutant_run (prepare → grade →
 * outcome) → one line per mutant → a summary line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "commands.h"

typedef struct mutants_opts {
    const char *jobs, *seed;    /* passed to the child `grader run` as they are */
    const char *keep;           /* keep each mutant's scratch folder under here */
    bool all_tests;             /* every test, even after the killed-by one failed */
} mutants_opts_t;

typedef enum outcome { M_KILLED, M_SURVIVED, M_ERROR } outcome_t;

typedef struct mutant {
    const char *lab;
    char name[256];             /* file name without .patch */
    char patch[PATH_MAX];
    char comment[256];          /* the first line, without "# " */
    char killed_by[256];        /* the header's "# killed-by: <test>", or "" */
    char scratch[PATH_MAX];
    outcome_t outcome;
    char why[512];              /* killer test, or what went wrong */
    double seconds;             /* preparing and grading it */
} mutant_t;

typedef struct tally {
    int killed, survived, errors;
    int bare;                   /* labs without any mutant */
} tally_t;

/* ---- small file and process helpers ---------------------------------------- */

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -errno;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = out < 0 ? -errno : 0;
    char buf[65536];
    for (ssize_t n; !rc && (n = read(in, buf, sizeof buf)) != 0;) {
        if (n < 0)
            rc = -errno;
        else if (write(out, buf, (size_t)n) != n)
            rc = -EIO;
    }
    close(in);
    if (out >= 0 && close(out) < 0 && !rc)
        rc = -errno;
    return rc;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

static void remove_tree(const char *dir)
{
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Runs argv with stdin from /dev/null and stdout+stderr into the file log.
 * Returns the exit status, 128 + signal, or a negative errno. */
static int run_logged(const char *path, const char *const *argv, const char *log)
{
    pid_t pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
            _exit(127);
        execvp(path, (char *const *)argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The first line of the patch into m->comment, a killed-by line of its
 * header (the '#' lines before the diff) into m->killed_by. */
static void read_header(mutant_t *m)
{
    char line[512];
    m->comment[0] = m->killed_by[0] = '\0';
    FILE *f = fopen(m->patch, "r");
    for (int i = 0; f && fgets(line, sizeof line, f) && line[0] == '#'; i++) {
        line[strcspn(line, "\n")] = '\0';
        if (i == 0)
            snprintf(m->comment, sizeof m->comment, "%.255s", line);
        else if (!strncmp(line, "# killed-by:", 12))
            snprintf(m->killed_by, sizeof m->killed_by, "%.*s",
                     (int)strcspn(line + 12 + strspn(line + 12, " "), " "),
                     line + 12 + strspn(line + 12, " "));
    }
    if (f)
        fclose(f);
}

/* The last line of the log that says something, for an error message. */
static void last_words(const char *log, char *buf, size_t len)
{
    char line[512];
    buf[0] = '\0';
    FILE *f = fopen(log, "r");
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[strspn(line, " \t")])
            snprintf(buf, len, "%.*s", (int)(len - 1), line);
    }
    if (f)
        fclose(f);
}

/* ---- one mutant ---------------------------------------------------------------- */

/* scratch/sub/labs/<lab>/: the editable files, patched, then stripped to
 * the mutated reference. Returns 0, or -1 with m->why set. */
static int mutant_prepare(const tree_t *t, const lab_t *lab, mutant_t *m)
{
    char sub[PATH_MAX + 8], labs[PATH_MAX + 16], dir[PATH_MAX + 64], log[PATH_MAX + 16];
    char from[PATH_MAX * 2], to[PATH_MAX * 2];
    snprintf(sub, sizeof sub, "%s/sub", m->scratch);
    snprintf(labs, sizeof labs, "%s/sub/labs", m->scratch);
    snprintf(dir, sizeof dir, "%s/sub/labs/%s", m->scratch, lab->name);
    snprintf(log, sizeof log, "%s/prepare.log", m->scratch);
    if (mkdir(sub, 0755) < 0 || mkdir(labs, 0755) < 0 || mkdir(dir, 0755) < 0) {
        snprintf(m->why, sizeof m->why, "cannot make %.400s: %.80s", dir, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < lab->n_editable; i++) {
        snprintf(from, sizeof from, "%s/%s/%s", t->root, lab->dir, lab->editable[i]);
        snprintf(to, sizeof to, "%s/%s", dir, lab->editable[i]);
        int rc = copy_file(from, to);
        if (rc) {
            snprintf(m->why, sizeof m->why, "cannot copy %.400s: %.80s", from, strerror(-rc));
            return -1;
        }
    }
    const char *patch[] = {"patch", "-p1", "--forward", "--batch", "--fuzz=0", "--silent",
                           "--no-backup-if-mismatch", "-d", sub, "-i", m->patch, NULL};
    int rc = run_logged("patch", patch, log);
    if (rc != 0) {
        char said[300];
        last_words(log, said, sizeof said);
        snprintf(m->why, sizeof m->why, "does not apply to the tree%s%s",
                 rc == 127 ? " (cannot run patch: scripts/setup installs it)" : ": ", said);
        return -1;
    }
    for (size_t i = 0; i < lab->n_editable; i++) {
        snprintf(to, sizeof to, "%s/%s", dir, lab->editable[i]);
        const char *strip[] = {"unifdef", "-DLAB_SOLUTION=1", "-o", to, to, NULL};
        if (run_logged("unifdef", strip, log) > 1) {
            snprintf(m->why, sizeof m->why, "unifdef failed on %s", lab->editable[i]);
            return -1;
        }
    }
    return 0;
}

/* The outcome from the child's JSON report at path. */
static void mutant_outcome(const char *path, mutant_t *m)
{
    json_error_t jerr;
    json_t *r = json_load_file(path, 0, &jerr);
    json_t *lab = r ? json_array_get(json_object_get(r, "labs"), 0) : NULL;
    const char *status = json_string_value(json_object_get(lab, "status"));
    json_t *tests = json_object_get(lab, "tests");
    m->outcome = M_ERROR;
    if (!status || !json_is_array(tests)) {
        snprintf(m->why, sizeof m->why, "unreadable report %.300s: %.150s", path,
                 r ? "no lab in it" : jerr.text);
    } else if (strcmp(status, "graded")) {
        const char *out = json_string_value(json_object_get(lab, "build_output"));
        snprintf(m->why, sizeof m->why, "%s%s%.*s", status, out ? ": " : "",
                 out ? (int)strcspn(out, "\n") : 0, out ? out : "");
    } else {
        m->outcome = M_SURVIVED;
        snprintf(m->why, sizeof m->why, "every test passed");
        size_t i;
        json_t *test;
        json_array_foreach(tests, i, test) {
            const char *v = json_string_value(json_object_get(test, "verdict"));
            if (v && strcmp(v, "pass")) {
                m->outcome = M_KILLED;
                snprintf(m->why, sizeof m->why, "by %s (%s)",
                         json_string_value(json_object_get(test, "name")), v);
                break;
            }
        }
    }
    json_decref(r);
}

/* Grades scratch/sub as a submission with this grader: only the tests
 * matching filter, or all when it is NULL. */
static void mutant_grade(const mutants_opts_t *o, const lab_t *lab, mutant_t *m, const char *filter)
{
    char sub[PATH_MAX + 8], json[PATH_MAX + 16], log[PATH_MAX + 16];
    snprintf(sub, sizeof sub, "%s/sub", m->scratch);
    snprintf(json, sizeof json, "%s/result.json", m->scratch);
    snprintf(log, sizeof log, "%s/run.log", m->scratch);
    const char *argv[16];
    size_t n = 0;
    argv[n++] = "grader";
    argv[n++] = "run";
    argv[n++] = lab->name;
    argv[n++] = "--submission";
    argv[n++] = sub;
    argv[n++] = "--no-bench";
    argv[n++] = "--json";
    argv[n++] = json;
    if (o->jobs) {
        argv[n++] = "--jobs";
        argv[n++] = o->jobs;
    }
    /* Without --seed, each mutant's own seed, from its name: the run is
     * reproducible, and different mutants meet different inputs, so a test
     * whose seed decides whether it checks a rule at all shows up. */
    char own_seed[24];
    uint64_t h = 1469598103934665603ULL;
    for (const char *c = m->name; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    snprintf(own_seed, sizeof own_seed, "%llu", (unsigned long long)(h >> 1));
    argv[n++] = "--seed";
    argv[n++] = o->seed ? o->seed : own_seed;
    if (filter) {
        argv[n++] = "-run";
        argv[n++] = filter;
    }
    argv[n] = NULL;
    int rc = run_logged("/proc/self/exe", argv, log);
    if (rc != 0) {
        char said[300];
        last_words(log, said, sizeof said);
        m->outcome = M_ERROR;
        snprintf(m->why, sizeof m->why, "grader run exited %d: %s", rc, said);
        return;
    }
    mutant_outcome(json, m);
}

static int make_scratch(const mutants_opts_t *o, mutant_t *m)
{
    if (o->keep) {
        snprintf(m->scratch, sizeof m->scratch, "%s/%s-%s", o->keep, m->lab, m->name);
        remove_tree(m->scratch);
        return mkdir(m->scratch, 0755) < 0 ? -errno : 0;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(m->scratch, sizeof m->scratch, "%s/ug-mutant-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(m->scratch))
        return -errno;
    cleanup_add(m->scratch);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void mutant_run(const tree_t *t, const mutants_opts_t *o, const lab_t *lab, mutant_t *m)
{
    double t0 = now_s();
    int rc = make_scratch(o, m);
    if (rc) {
        m->outcome = M_ERROR;
        snprintf(m->why, sizeof m->why, "cannot make a scratch folder: %s", strerror(-rc));
        return;
    }
    /* The test the header names first, alone: when it fails, the mutant is
     * killed and no other test need run. Otherwise (or with --all-tests,
     * or no killed-by line) every test. */
    if (mutant_prepare(t, lab, m) != 0) {
        m->outcome = M_ERROR;
    } else if (m->killed_by[0] && !o->all_tests) {
        char filter[300];
        snprintf(filter, sizeof filter, "^%.250s$", m->killed_by);
        mutant_grade(o, lab, m, filter);
        if (m->outcome == M_SURVIVED) {
            mutant_grade(o, lab, m, NULL);
            if (m->outcome == M_KILLED) {
                size_t at = strlen(m->why);
                snprintf(m->why + at, sizeof m->why - at, "; killed-by %.200s passed",
                         m->killed_by);
            }
        }
    } else {
        mutant_grade(o, lab, m, NULL);
    }
    if (!o->keep) {
        remove_tree(m->scratch);
        cleanup_remove(m->scratch);
    }
    m->seconds = now_s() - t0;
}

/* ---- a lab ------------------------------------------------------------------------ */

static int is_patch(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 6 && !strcmp(e->d_name + n - 6, ".patch");
}

static void print_mutant(const mutant_t *m)
{
    static const char *const word[] = {"KILLED", "SURVIVED", "ERROR"};
    printf("%-9s %5.1fs  %s/%-40s %s\n", word[m->outcome], m->seconds, m->lab, m->name, m->why);
    if (m->outcome != M_KILLED)
        printf("%17s# %s\n", "", m->comment[0] ? m->comment : "(no comment line)");
    fflush(stdout);
}

static void mutants_of_lab(const tree_t *t, const mutants_opts_t *o, const lab_t *lab,
                           tally_t *tally)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/%s/tests/mutants", t->root, lab->dir);
    struct dirent **names;
    int n = scandir(dir, &names, is_patch, alphasort);
    if (n <= 0) {
        printf("%-9s %s: no mutants in %s/tests/mutants\n", "ERROR", lab->name, lab->dir);
        tally->bare++;
        if (n == 0)
            free(names);
        return;
    }
    for (int i = 0; i < n; i++) {
        mutant_t m = {.lab = lab->name};
        snprintf(m.name, sizeof m.name, "%.*s", (int)(strlen(names[i]->d_name) - 6),
                 names[i]->d_name);
        snprintf(m.patch, sizeof m.patch, "%.3800s/%.250s", dir, names[i]->d_name);
        read_header(&m);
        if (!strncmp(m.comment, "# ", 2))
            memmove(m.comment, m.comment + 2, strlen(m.comment) - 1);
        else
            m.comment[0] = '\0';
        mutant_run(t, o, lab, &m);
        print_mutant(&m);
        tally->killed += m.outcome == M_KILLED;
        tally->survived += m.outcome == M_SURVIVED;
        tally->errors += m.outcome == M_ERROR;
        free(names[i]);
    }
    free(names);
}

/* ---- the command ------------------------------------------------------------------ */

int cmd_mutants(int argc, char **argv)
{
    cli_args_t a;
    int rc = cli_parse(&cli_mutants, argc, argv, &a);
    if (rc) {
        cli_args_free(&a);
        return rc == CLI_HELP ? EXIT_GRADED : rc;
    }
    mutants_opts_t o = {.jobs = a.val[MUTANTS_JOBS],
                        .seed = a.val[MUTANTS_SEED],
                        .keep = a.val[MUTANTS_KEEP],
                        .all_tests = a.val[MUTANTS_ALL_TESTS] != NULL};
    char **names = a.pos;
    int n = a.n_pos;
    tree_t t = cli_tree();
    lab_set_t set;
    if (t.handout || cli_load_labs(&t, &set)) {
        if (t.handout)
            cli_error(NULL, "a handout has no mutants: run this in the project's tree");
        cli_args_free(&a);
        return t.handout ? EXIT_USAGE : EXIT_CANNOT_GRADE;
    }
    for (int i = 0; i < n && rc == 0; i++)
        if (!manifest_find(&set, names[i])) {
            cli_error("`grader list` shows the labs", "unknown lab '%s'", names[i]);
            rc = EXIT_USAGE;
        }
    /* The children grade the tree's own code, patched: their compiles are
     * trusted, and may fill the object cache (grader/build/objcache.h). */
    setenv("UNDERGO_OBJCACHE_TRUSTED", "1", 1);
    tally_t tally = {0};
    for (size_t i = 0; rc == 0 && i < set.n; i++) {
        bool want = n == 0;
        for (int j = 0; j < n; j++)
            want |= !strcmp(names[j], set.labs[i].name);
        if (want)
            mutants_of_lab(&t, &o, &set.labs[i], &tally);
    }
    if (rc == 0) {
        printf("%d mutant(s): %d killed, %d survived, %d could not be graded",
               tally.killed + tally.survived + tally.errors, tally.killed, tally.survived,
               tally.errors);
        printf(tally.bare ? "; %d lab(s) without mutants\n" : "\n", tally.bare);
        rc = tally.survived || tally.errors || tally.bare ? EXIT_CANNOT_GRADE : EXIT_GRADED;
    }
    manifest_set_free(&set);
    cli_args_free(&a);
    return rc;
}
