/*
 * labtest.c — main() of every lab test binary.
 *
 * Tests are collected from the "ug_test_groups" linker section that
 * UG_TEST_GROUP fills, so a lab's test files never list each other.
 *
 * Modes. The grader runs `--transcript --run NAME --seed S`: one test, in
 * this process, its transcript on fd 3 (transcript.c says what a line
 * holds). The trusted side of grading runs `--transcript --seed S` without
 * --run instead: every test (or those named by --only NAME, repeated) in a
 * child of its own, one after another, each transcript on fd 3
 * after a line "T <name>" and followed by "R <wait status>", so one sandboxed
 * process gives the reference's transcripts of a whole lab. A judging build runs the test under cmocka and its exit status
 * says whether the test passed; a recording build (the candidate's binary)
 * runs it under the harness's own runner, which never judges: checks only
 * record, and the grader compares. A person (or ctest) runs the binary
 * bare: every test in a child process of its own, so a crash in one cannot
 * hide the others, and every failure ends with its seed and the one command
 * that reruns it. --check-transcripts is the lab author's rigor check.
 *
 * In the grader's mode, before any test code runs, the harness closes the
 * door on a few things no test needs and a forger would: a second seccomp
 * filter refuses new executable mappings (so code cannot be patched) and
 * io_uring_setup (a lab that needs io_uring gets its ring from pristine
 * code that ran before main). The jump in the filter below skips to the
 * errno return for io_uring_setup and past the prot test otherwise.
 */
#include <undergo/labtest.h>

#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "transcript.h"

extern const ug_test_group_t *const __start_ug_test_groups[] __attribute__((weak));
extern const ug_test_group_t *const __stop_ug_test_groups[] __attribute__((weak));

/* ---- seeded randomness ------------------------------------------------------ */

static uint64_t seed = 1;
static uint64_t rng[4];

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void seed_rng(uint64_t s)
{
    seed = s;
    for (int i = 0; i < 4; i++)
        rng[i] = splitmix64(&s);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t ug_seed(void) { return seed; }

uint64_t ug_rand(void)
{
    uint64_t result = rotl(rng[1] * 5, 7) * 9, t = rng[1] << 17;
    rng[2] ^= rng[0];
    rng[3] ^= rng[1];
    rng[1] ^= rng[2];
    rng[0] ^= rng[3];
    rng[2] ^= t;
    rng[3] = rotl(rng[3], 45);
    return result;
}

uint64_t ug_rand_below(uint64_t bound)
{
    /* Rejection keeps the distribution uniform for any bound. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t r;
    while ((r = ug_rand()) >= limit)
        ;
    return r % bound;
}

/* ---- finding tests ---------------------------------------------------------- */

typedef struct found {
    const ug_test_group_t *group;
    const struct CMUnitTest *test;
} found_t;

static size_t ngroups(void)
{
    if (!__start_ug_test_groups)
        return 0;
    return (size_t)(__stop_ug_test_groups - __start_ug_test_groups);
}

static found_t find_test(const char *name)
{
    for (size_t g = 0; g < ngroups(); g++) {
        const ug_test_group_t *grp = __start_ug_test_groups[g];
        for (size_t i = 0; i < grp->count; i++)
            if (!strcmp(grp->tests[i].name, name))
                return (found_t){grp, &grp->tests[i]};
    }
    return (found_t){NULL, NULL};
}

/* ---- running one test in this process ------------------------------------------ */

/* The runner, the same for both builds: the group's setup, then the test's
 * setup, the test and its teardown, then the group's teardown, as cmocka
 * runs them (a test's state is its initial state, or else the group's). It
 * catches no signal (a crash is the process's own). A failed check of the
 * judging build, fail() and skip() come back here through ug__runner_jump;
 * a setup that returns non-zero fails the test ("F" in the transcript).
 * Returns 1 when the test failed, else 0. */
static void *run_state, *group_state;   /* static: they must survive the longjmp */
static volatile int run_failed;

static void run_step(CMFixtureFunction fixture, void **state, const char *what, found_t f)
{
    if (fixture && fixture(state) != 0) {
        fprintf(stderr, "%s: its %s failed (returned non-zero)\n", f.test->name, what);
        ug__fail((ug_site_t){what, 0}, NULL);
    }
}

static int run_one_test(found_t f)
{
    static jmp_buf here;
    run_failed = 0;
    group_state = NULL;
    if (setjmp(here) == 0) {
        ug__runner_jump = &here;
        run_step(f.group->setup, &group_state, "group setup", f);
        run_state = f.test->initial_state ? f.test->initial_state : group_state;
        run_step(f.test->setup_func, &run_state, "setup", f);
        f.test->test_func(&run_state);
    } else {
        run_failed = 1;
    }
    if (setjmp(here) == 0) {
        ug__runner_jump = &here;
        run_step(f.test->teardown_func, &run_state, "teardown", f);
        run_step(f.group->teardown, &group_state, "group teardown", f);
    } else {
        run_failed = 1;
    }
    ug__runner_jump = NULL;
    return f.group->recording ? 0 : run_failed;
}

/* True when this binary is a recording build (the tests judge nothing). */
static bool recording_build(void)
{
    return ngroups() && __start_ug_test_groups[0]->recording;
}

/* Runs one test in this process; returns 1 when it failed (a recording
 * build never fails on its own). The transcript ends with an "E" line when
 * the test came back to the harness. */
static int run_one(found_t f)
{
    int failed = run_one_test(f);
    ug_transcript_end();
    fflush(stdout);
    fflush(stderr);
    return failed;
}

/* ---- the grader's mode: what no test needs ----------------------------------------- */

/* Refuses new executable mappings and io_uring_setup from here on. The
 * unwinder that backtrace() loads on first use is loaded first. Returns 0
 * or a negative errno (the sandbox already filters; this is a second wall).
 *
 * The program is written out rather than built with libseccomp: this runs
 * inside the process under test, and libseccomp's allocations (some of
 * them never freed) would show up in what the leak lab's detector sees. */
static int close_doors(void)
{
    void *pc[2];
    backtrace(pc, 2);
#define LD(field) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
    struct sock_filter prog[] = {
        LD(arch),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        RET(SECCOMP_RET_ALLOW),                 /* the sandbox's filter handles other ABIs */
        LD(nr),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 5, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mmap, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mprotect, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_pkey_mprotect, 0, 3),
        LD(args[2]),                            /* prot (low 32 bits) */
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 0, 1),
        RET(SECCOMP_RET_ERRNO | EPERM),
        RET(SECCOMP_RET_ALLOW),
    };
#undef LD
#undef RET
    struct sock_fprog fprog = {.len = sizeof prog / sizeof prog[0], .filter = prog};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) < 0)
        return -errno;
    return 0;
}

/* ---- the trusted side: every transcript in one process ------------------------- */

__attribute__((format(printf, 1, 2))) static void put_line(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof line - 1)
        n = (int)sizeof line - 1;
    for (ssize_t off = 0, w; off < n; off += w)
        if ((w = write(3, line + off, (size_t)(n - off))) <= 0)
            return;
}

/* True when name is among want[0..n) (n == 0: every test). */
static bool wanted(const char *const *want, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(want[i], name))
            return true;
    return n == 0;
}

/* Each test in a child of its own, one after another. Returns 0. */
static int run_all_transcripts(const char *const *want, size_t nwant)
{
    for (size_t g = 0; g < ngroups(); g++) {
        const ug_test_group_t *grp = __start_ug_test_groups[g];
        for (size_t i = 0; i < grp->count; i++) {
            if (!wanted(want, nwant, grp->tests[i].name))
                continue;
            put_line("T %s\n", grp->tests[i].name);
            fflush(stdout);
            fflush(stderr);
            pid_t pid = fork();
            if (pid == 0) {
                ug_transcript_open(3);
                close_doors();
                _exit(run_one((found_t){grp, &grp->tests[i]}) ? 1 : 0);
            }
            int status = -1;
            while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            put_line("R %d\n", status);
        }
    }
    return 0;
}

/* ---- the bare mode: a child per test ---------------------------------------- */

typedef struct tally {
    int passed, failed;
} tally_t;

/* Runs f in a child; true when it passed. Prints why when it did not. */
static bool run_in_child(found_t f, const char *argv0)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "labtest: cannot fork: %s\n", strerror(errno));
        return false;
    }
    if (pid == 0)
        _exit(run_one(f) ? 1 : 0);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        printf("[ ok    ] %s\n", f.test->name);
        return true;
    }
    if (WIFSIGNALED(status))
        printf("[ CRASH ] %s: killed by SIG%s\n", f.test->name,
               sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
    else
        printf("[ FAIL  ] %s\n", f.test->name);
    printf("[ RERUN ] %s --run %s --seed %llu\n", argv0, f.test->name,
           (unsigned long long)seed);
    return false;
}

static int run_all(const char *argv0, bool expect_all_fail)
{
    tally_t t = {0, 0};
    int vacuous = 0;
    for (size_t g = 0; g < ngroups(); g++) {
        const ug_test_group_t *grp = __start_ug_test_groups[g];
        for (size_t i = 0; i < grp->count; i++) {
            bool ok = run_in_child((found_t){grp, &grp->tests[i]}, argv0);
            ok ? t.passed++ : t.failed++;
            if (ok && expect_all_fail) {
                printf("labtest: '%s' passes on the stub: it proves nothing about the lab\n",
                       grp->tests[i].name);
                vacuous++;
            }
        }
    }
    printf("\nseed %llu\n%d passed, %d failed\n", (unsigned long long)seed, t.passed, t.failed);
    if (t.passed + t.failed == 0) {
        fprintf(stderr, "labtest: this binary holds no tests\n");
        return 1;
    }
    if (expect_all_fail)
        return vacuous ? 1 : 0;
    return t.failed ? 1 : 0;
}

/* ---- the rigor check ---------------------------------------------------------------- */

/* Runs test f with seed s in a child with fd 3 on a pipe; *out gets the
 * transcript (caller frees). Returns the child's wait status or -1. */
static int transcript_of(found_t f, uint64_t s, char **out)
{
    int fds[2];
    *out = NULL;
    fflush(stdout);
    fflush(stderr);
    if (pipe(fds) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (dup2(fds[1], 3) < 0)
            _exit(127);
        int nul = open("/dev/null", O_WRONLY);
        dup2(nul, 1);
        dup2(nul, 2);
        seed_rng(s);
        ug_transcript_open(3);
        _exit(run_one(f) ? 1 : 0);
    }
    close(fds[1]);
    size_t len = 0, cap = 0;
    char buf[4096];
    ssize_t n;
    while (pid > 0 && (n = read(fds[0], buf, sizeof buf)) > 0) {
        if (len + (size_t)n + 1 > cap) {
            cap = (len + (size_t)n + 1) * 2;
            char *grown = realloc(*out, cap);
            if (!grown)
                break;
            *out = grown;
        }
        memcpy(*out + len, buf, (size_t)n);
        len += (size_t)n;
        (*out)[len] = '\0';
    }
    close(fds[0]);
    int status = -1;
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return status;
}

/* Checks one test; prints each problem. Returns the number of problems. */
static int check_one(found_t f)
{
    char *a, *b, *c;
    int sa = transcript_of(f, seed, &a), sb = transcript_of(f, seed, &b);
    int sc = transcript_of(f, seed ^ 0x5eed5eed5eedULL, &c);
    int problems = 0;
    const char *name = f.test->name;
    if (sa != 0 || sb != 0 || sc != 0) {
        printf("%s: fails on this build (seeds %llu and %llu)\n", name,
               (unsigned long long)seed, (unsigned long long)(seed ^ 0x5eed5eed5eedULL));
        problems++;
    } else if (!a || !b || !c) {
        printf("%s: wrote no transcript\n", name);
        problems++;
    } else {
        size_t line = 0;
        if (ug_transcript_diff(a, b, &line)) {
            printf("%s: two runs with seed %llu differ at check %zu: the test is not "
                   "deterministic\n", name, (unsigned long long)seed, line);
            problems++;
        }
        if (!ug_transcript_diff(a, c, &line)) {
            printf("%s: the transcript does not depend on the seed: draw part of the input "
                   "from ug_rand()\n", name);
            problems++;
        }
        if (!ug_transcript_has_value(a)) {
            printf("%s: judges only through booleans: add a value check "
                   "(assert_int_equal, assert_string_equal, assert_memory_equal)\n", name);
            problems++;
        }
    }
    free(a);
    free(b);
    free(c);
    return problems;
}

static int check_all(const char *only)
{
    int problems = 0, tests = 0;
    for (size_t g = 0; g < ngroups(); g++) {
        const ug_test_group_t *grp = __start_ug_test_groups[g];
        for (size_t i = 0; i < grp->count; i++) {
            if (only && strcmp(only, grp->tests[i].name))
                continue;
            tests++;
            problems += check_one((found_t){grp, &grp->tests[i]});
        }
    }
    printf("%d tests checked, %d problems\n", tests, problems);
    return problems || !tests ? 1 : 0;
}

/* ---- main -------------------------------------------------------------------- */

static int usage(const char *argv0, const char *why)
{
    if (why)
        fprintf(stderr, "labtest: %s\n", why);
    fprintf(stderr,
            "usage: %s [--list] [--run <test>] [--seed <n>] [--transcript [--only <test>...]] [--expect-all-fail]\n"
            "       %s --check-transcripts [--run <test>] [--seed <n>]\n",
            argv0, argv0);
    return 2;
}

typedef struct args {
    const char *run;
    const char **only;      /* --only NAME, repeated */
    size_t n_only;
    bool list, transcript, expect_all_fail, check;
    uint64_t seed;
} args_t;

static int parse(int argc, char **argv, args_t *a)
{
    static const char *only[4096];
    *a = (args_t){.seed = 1, .only = only};
    if (argc > 4096)
        return usage(argv[0], "too many arguments");
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--list")) {
            a->list = true;
        } else if (!strcmp(s, "--transcript")) {
            a->transcript = true;
        } else if (!strcmp(s, "--expect-all-fail")) {
            a->expect_all_fail = true;
        } else if (!strcmp(s, "--check-transcripts")) {
            a->check = true;
        } else if (!strcmp(s, "--only") && i + 1 < argc) {
            a->only[a->n_only++] = argv[++i];
        } else if (!strcmp(s, "--run") && i + 1 < argc) {
            a->run = argv[++i];
        } else if (!strcmp(s, "--seed") && i + 1 < argc) {
            char *end;
            errno = 0;
            a->seed = strtoull(argv[++i], &end, 0);
            if (errno || *end || !*argv[i])
                return usage(argv[0], "--seed takes a whole number");
        } else if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage(argv[0], NULL);
            return -1;
        } else {
            char why[256];
            snprintf(why, sizeof why, "unknown option '%s'", s);
            return usage(argv[0], why);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    args_t a;
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    seed_rng(a.seed);
    if (a.list) {
        for (size_t g = 0; g < ngroups(); g++)
            for (size_t i = 0; i < __start_ug_test_groups[g]->count; i++)
                printf("%s\n", __start_ug_test_groups[g]->tests[i].name);
        return 0;
    }
    if (a.check)
        return check_all(a.run);
    found_t f = {0};
    if (a.run && !(f = find_test(a.run)).test) {
        fprintf(stderr, "labtest: no test named '%s'\nhint: --list shows them\n", a.run);
        return 2;
    }
    if (a.transcript && !a.run) {
        if (fcntl(3, F_GETFD) < 0)
            return usage(argv[0], "--transcript without --run writes to fd 3, which is not open");
        return run_all_transcripts(a.only, a.n_only);
    }
    if (a.transcript) {
        ug_transcript_open(fcntl(3, F_GETFD) >= 0 ? 3 : 1);
        if ((rc = close_doors()) < 0)
            fprintf(stderr, "labtest: cannot load the test filter: %s\n", strerror(-rc));
        int failed = run_one(f);
        return failed ? 1 : 0;
    }
    if (recording_build()) {
        fprintf(stderr, "labtest: this binary records its checks for the grader and judges "
                        "nothing\nhint: grader run <lab> grades it; <lab>_test_* judge by "
                        "themselves\n");
        return 2;
    }
    if (a.run) {
        bool ok = run_in_child(f, argv[0]);
        return a.expect_all_fail ? ok : !ok;
    }
    return run_all(argv[0], a.expect_all_fail);
}
