/*
 * labtest.c — main() of every lab test binary.
 *
 * Tests are collected from the "ug_test_groups" linker section that
 * UG_TEST_GROUP fills, so a lab's test files never list each other.
 *
 * Two modes. The grader runs `--tap --run NAME`: one test, in this process,
 * TAP on stdout — the grader's sandbox is the isolation. A person (or ctest)
 * runs the binary bare: every test in a child process of its own, so a crash
 * in one cannot hide the others, and every failure ends with its seed and the
 * one command that reruns it. The last line is "N passed, M failed".
 */
#include <undergo/labtest.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* ---- the result key ------------------------------------------------------------ */

static char result_key[65];

/* Moves UG_RESULT_KEY out of the environment: the bytes are overwritten in
 * place, since /proc/self/environ reads the original block. */
static void take_result_key(void)
{
    char *v = getenv("UG_RESULT_KEY");
    if (!v)
        return;
    snprintf(result_key, sizeof result_key, "%s", v);
    memset(v, 'x', strlen(v));
    unsetenv("UG_RESULT_KEY");
}

static void print_result_end(void)
{
    if (result_key[0])
        printf("# ug-end %s\n", result_key);
    memset(result_key, 0, sizeof result_key);
    fflush(stdout);
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

/* Runs one test of its group in this process; returns cmocka's failure count. */
static int run_one(found_t f)
{
    cmocka_set_test_filter(f.test->name);
    return _cmocka_run_group_tests(f.group->name, f.group->tests, f.group->count,
                                   f.group->setup, f.group->teardown);
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
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    if (WIFSIGNALED(status))
        printf("[  CRASH   ] %s: killed by SIG%s\n", f.test->name,
               sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
    printf("[  RERUN   ] %s --run %s --seed %llu\n", argv0, f.test->name,
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

/* ---- main -------------------------------------------------------------------- */

static int usage(const char *argv0, const char *why)
{
    if (why)
        fprintf(stderr, "labtest: %s\n", why);
    fprintf(stderr, "usage: %s [--list] [--run <test>] [--seed <n>] [--tap] [--expect-all-fail]\n",
            argv0);
    return 2;
}

int main(int argc, char **argv)
{
    const char *run = NULL;
    bool list = false, tap = false, expect_all_fail = false;
    uint64_t s = 1;
    take_result_key();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--list")) {
            list = true;
        } else if (!strcmp(a, "--tap")) {
            tap = true;
        } else if (!strcmp(a, "--expect-all-fail")) {
            expect_all_fail = true;
        } else if (!strcmp(a, "--run") && i + 1 < argc) {
            run = argv[++i];
        } else if (!strcmp(a, "--seed") && i + 1 < argc) {
            char *end;
            errno = 0;
            s = strtoull(argv[++i], &end, 0);
            if (errno || *end || !*argv[i])
                return usage(argv[0], "--seed takes a whole number");
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            return usage(argv[0], NULL), 0;
        } else {
            char why[256];
            snprintf(why, sizeof why, "unknown option '%s'", a);
            return usage(argv[0], why);
        }
    }
    seed_rng(s);
    if (list) {
        for (size_t g = 0; g < ngroups(); g++)
            for (size_t i = 0; i < __start_ug_test_groups[g]->count; i++)
                printf("%s\n", __start_ug_test_groups[g]->tests[i].name);
        return 0;
    }
    if (tap && !run)
        return usage(argv[0], "--tap goes with --run <test>");
    if (tap)
        cmocka_set_message_output(CM_OUTPUT_TAP);
    if (run) {
        found_t f = find_test(run);
        if (!f.test) {
            fprintf(stderr, "labtest: no test named '%s'\nhint: --list shows them\n", run);
            return 2;
        }
        if (tap) {
            printf("# seed %llu\n", (unsigned long long)seed);
            int failed = run_one(f);
            print_result_end();
            return failed ? 1 : 0;
        }
        bool ok = run_in_child(f, argv[0]);
        return expect_all_fail ? ok : !ok;
    }
    return run_all(argv[0], expect_all_fail);
}
