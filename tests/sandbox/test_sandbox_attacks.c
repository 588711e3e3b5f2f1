/*
 * test_sandbox_attacks.c — hostile programs against sandbox_run().
 *
 * Each test runs one program of hostile/ and checks the verdict, that no
 * process of the run is left (sbt_survivors), and that the test process
 * itself is unharmed (it is still here to assert). A mechanism this host
 * lacks (no root, no cgroup) makes the test skip with a message.
 *
 * Interface: UG_TEST_GROUP(sandbox_attacks, ...).
 */
#include "sbtest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static bool has_memory_cgroup(void)
{
    const sb_host_t *h = sb_probe();
    return h->cgroup_version != 0 && h->cg_memory;
}

/* Runs prog and checks that nothing of it survives. */
static void run_checked(sbt_t *t, const sandbox_spec_t *s, sandbox_result_t *r)
{
    sbt_run(s, r);
    assert_int_equal(sbt_survivors(t), 0);
}

/* ---- the plain cases: one row each -------------------------------------------------- */

/* A hostile program, the limits it runs under, and what must come of it:
 * the status (and, when not -1/0, the exit code or the signal); needs
 * names what the host must have, else the row is skipped. */
typedef struct attack {
    const char *prog, *arg, *needs;
    double cpu_s, wall_s;
    uint64_t memory, fsize;
    int pids;
    sandbox_status_t status;
    int exit_code, signal;
} attack_t;

/* name, row */
#define ATTACKS(X)                                                                          \
    X(test_busy_loop_is_stopped_by_the_cpu_limit,                                           \
      {.prog = "busy", .cpu_s = 1, .status = SANDBOX_TIMEOUT_CPU, .exit_code = -1})         \
    X(test_cpu_limit_counts_the_whole_tree,                                                 \
      {.prog = "forkbusy", .needs = "cpu", .cpu_s = 1, .wall_s = 30,                        \
       .status = SANDBOX_TIMEOUT_CPU, .exit_code = -1})                                     \
    X(test_sleeping_forever_is_stopped_by_the_wall_clock,                                   \
      {.prog = "sleeper", .wall_s = 0.5, .status = SANDBOX_TIMEOUT_WALL, .exit_code = -1})  \
    X(test_ten_thousand_threads_are_bounded, /* exit 1: some pthread_create()s refused */   \
      {.prog = "threads", .pids = 64, .status = SANDBOX_EXITED, .exit_code = 1})            \
    X(test_setsid_child_does_not_outlive_its_exiting_parent,                                \
      {.prog = "escape", .status = SANDBOX_EXITED, .exit_code = 0})                         \
    X(test_double_fork_daemon_does_not_outlive_the_run,                                     \
      {.prog = "daemon", .status = SANDBOX_EXITED, .exit_code = 0})                         \
    X(test_infinite_recursion_is_a_signal,                                                  \
      {.prog = "recursion", .status = SANDBOX_SIGNALED, .exit_code = -1, .signal = SIGSEGV}) \
    X(test_filling_the_disk_is_an_output_limit,                                             \
      {.prog = "diskfill", .fsize = 1u << 20, .status = SANDBOX_OUTPUT_LIMIT, .exit_code = -1})

static bool host_has(const char *what)
{
    const sb_host_t *h = sb_probe();
    if (!what)
        return true;
    if (!strcmp(what, "cpu"))
        return h->cgroup_version != 0 && h->cg_cpu;
    return false;
}

/* Runs one row: the status, exit code and signal it names, and no
 * process of it left behind. */
static void run_attack(void **state)
{
    sbt_t *t = *state;
    const attack_t *a = t->row;
    sbt_require(host_has(a->needs), a->needs);
    sandbox_spec_t s = sbt_spec(t, a->prog, a->arg, NULL);
    if (a->cpu_s)
        s.cpu_s = a->cpu_s;
    if (a->wall_s)
        s.wall_s = a->wall_s;
    if (a->memory)
        s.memory_bytes = a->memory;
    if (a->fsize)
        s.fsize_bytes = a->fsize;
    if (a->pids)
        s.pids = a->pids;
    sandbox_result_t r;
    run_checked(t, &s, &r);
    assert_int_equal(a->status, r.status);
    if (a->exit_code >= 0)
        assert_int_equal(a->exit_code, r.exit_code);
    if (a->signal)
        assert_int_equal(a->signal, r.signal);
    sandbox_result_free(&r);
}

/* The row reaches the test through cmocka's initial state; the fixture
 * keeps it beside the scratch dir. */
static int attack_setup(void **state)
{
    const void *row = *state;
    int rc = sbt_setup(state);
    if (!rc)
        ((sbt_t *)*state)->row = row;
    return rc;
}

#define ATTACK_ROW(name, ...) static const attack_t row_##name = __VA_ARGS__;
ATTACKS(ATTACK_ROW)
#define ATTACK_TEST(name, ...) \
    {#name, run_attack, attack_setup, sbt_teardown, (void *)&row_##name},

static const struct CMUnitTest attack_tests[] = {ATTACKS(ATTACK_TEST)};
static const ug_test_group_t attack_group = {
    "sandbox_limits", attack_tests, sizeof attack_tests / sizeof attack_tests[0], NULL, NULL, 0};
static const ug_test_group_t *const attack_group_p UG__GROUP_SECTION = &attack_group;

/* ---- the cases with more to check ------------------------------------------------------ */

static void test_fork_bomb_is_bounded_and_leaves_no_process(void **state)
{
    sbt_t *t = *state;
    sandbox_spec_t s = sbt_spec(t, "forkbomb", NULL, NULL);
    s.wall_s = 1;
    s.pids = 32;
    sandbox_result_t r;
    run_checked(t, &s, &r);
    /* The tree never ends by itself: the limits end it. */
    assert_int_not_equal(r.status, SANDBOX_EXITED);
    sandbox_result_free(&r);
}

static void test_memory_bomb_is_a_memory_verdict(void **state)
{
    sbt_t *t = *state;
    sbt_require(has_memory_cgroup(), "a memory cgroup");
    sandbox_spec_t s = sbt_spec(t, "membomb", NULL, NULL);
    s.memory_bytes = 64u << 20;
    sandbox_result_t r;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_MEMORY);
    assert_true(r.peak_memory >= (32u << 20));
    sandbox_result_free(&r);
}

static void test_stdout_flood_is_capped_and_stopped(void **state)
{
    sbt_t *t = *state;
    sandbox_spec_t s = sbt_spec(t, "flood", NULL, NULL);
    /* The wall clock stops the flood; 2 s lets a slow machine (CI's
     * emulated cgroup v2 guest, 40x slower to start a program) get past
     * the cap first. */
    s.wall_s = 2;
    s.output_cap = 1000;
    sandbox_result_t r;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_TIMEOUT_WALL);
    assert_true(r.out.truncated);
    assert_true(r.out.total > 2000);
    assert_true(r.out.len < 2000 + 64);
    assert_non_null(strstr(r.out.data, " bytes cut] ...\n"));
    sandbox_result_free(&r);
}

static void test_connect_to_a_host_port_fails_without_network(void **state)
{
    sbt_t *t = *state;
    sbt_require(sb_probe()->ns || sb_probe()->seccomp, "a network namespace or seccomp");
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    assert_true(lfd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof(a);
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(lfd, 4), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &alen), 0);
    char port[16];
    snprintf(port, sizeof(port), "%u", ntohs(a.sin_port));

    sandbox_spec_t s = sbt_spec(t, "connect", port, NULL);
    s.network = SANDBOX_NET_NONE;
    sandbox_result_t r;
    run_checked(t, &s, &r);
    /* Refused (exit 3 or 4) or killed by the filter; never connected. */
    assert_true(r.status == SANDBOX_SECURITY ||
                (r.status == SANDBOX_EXITED && (r.exit_code == 3 || r.exit_code == 4)));
    assert_int_equal(accept(lfd, NULL, NULL), -1);
    assert_int_equal(errno, EAGAIN);
    close(lfd);
    sandbox_result_free(&r);
}

static void test_loopback_labs_reach_their_own_loopback_only(void **state)
{
    sbt_t *t = *state;
    sbt_require(sb_probe()->ns, "a network namespace");
    sandbox_spec_t s = sbt_spec(t, "loopback", NULL, NULL);
    s.network = SANDBOX_NET_LOOPBACK;
    sandbox_result_t r;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_int_equal(r.exit_code, 0);
    sandbox_result_free(&r);

    /* Without loopback in the policy, not even its own. */
    s.network = SANDBOX_NET_NONE;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_int_not_equal(r.exit_code, 0);
    sandbox_result_free(&r);

    /* With it, the host's loopback is still out of reach. */
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof(a);
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(lfd, 4), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &alen), 0);
    char port[16];
    snprintf(port, sizeof(port), "%u", ntohs(a.sin_port));
    s = sbt_spec(t, "connect", port, NULL);
    s.network = SANDBOX_NET_LOOPBACK;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_int_equal(r.exit_code, 4);
    assert_int_equal(accept(lfd, NULL, NULL), -1);
    close(lfd);
    sandbox_result_free(&r);
}

static void test_compiler_builds_and_the_binary_runs_in_the_sandbox(void **state)
{
    sbt_t *t = *state;
    char src[128], bin[128];
    snprintf(src, sizeof(src), "%s/hello.c", t->scratch);
    snprintf(bin, sizeof(bin), "%s/hello", t->scratch);
    FILE *f = fopen(src, "w");
    assert_non_null(f);
    fputs("#include <stdio.h>\nint main(void) { puts(\"built here\"); return 0; }\n", f);
    fclose(f);
    const char *cc[] = {"/usr/bin/cc", "-O1", "-o", bin, src, NULL};
    sandbox_spec_t s = sbt_spec(t, "fds", NULL, NULL);
    s.argv = cc;
    s.profile = SANDBOX_PROFILE_COMPILE;
    s.wall_s = 60;
    s.cpu_s = 60;
    s.memory_bytes = 1u << 30;
    sandbox_result_t r;
    run_checked(t, &s, &r);
    if (r.status != SANDBOX_EXITED || r.exit_code != 0)
        fail_msg("cc: status %d exit %d: %s", r.status, r.exit_code, r.err.data);
    sandbox_result_free(&r);

    /* A test run's scratch dir is a private tmpfs, so the binary runs from
     * outside it (its folder is shown read-only), as the grader does. */
    char run_dir[160];
    snprintf(run_dir, sizeof(run_dir), "%s/run", t->scratch);
    assert_int_equal(mkdir(run_dir, 0777), 0);
    const char *run[] = {bin, NULL};
    s.argv = run;
    s.profile = SANDBOX_PROFILE_TEST;
    s.scratch_dir = run_dir;
    s.cwd = run_dir;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_string_equal(r.out.data, "built here\n");
    sandbox_result_free(&r);
}

static void test_forbidden_syscalls_are_security_verdicts(void **state)
{
    sbt_t *t = *state;
    sbt_require(sb_probe()->seccomp, "seccomp");
    const char *calls[] = {"ptrace", "bpf",    "mount",  "unshare",
                           "int80",  "x32",    "keyctl", "userfaultfd"};
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        sandbox_spec_t s = sbt_spec(t, "forbidden", calls[i], NULL);
        sandbox_result_t r;
        run_checked(t, &s, &r);
        if (r.status != SANDBOX_SECURITY)
            fail_msg("%s: status %d, want SANDBOX_SECURITY", calls[i], r.status);
        sandbox_result_free(&r);
    }
}

static void test_io_uring_is_refused_unless_the_spec_allows_it(void **state)
{
    sbt_t *t = *state;
    sbt_require(sb_probe()->seccomp, "seccomp");
    sandbox_spec_t s = sbt_spec(t, "forbidden", "io_uring", NULL);
    sandbox_result_t r;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_SECURITY);
    sandbox_result_free(&r);

    sbt_require(sb_probe()->io_uring, "io_uring");
    s.io_uring = true;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_int_equal(r.exit_code, 0);
    sandbox_result_free(&r);
}

static void test_killing_parent_and_everyone_spares_the_grader(void **state)
{
    sbt_t *t = *state;
    sbt_require(sb_probe()->ns || sb_probe()->seccomp || sb_probe()->root,
                "a pid namespace, seccomp or a uid of its own");
    /* A bystander of ours: kill(-1) inside the sandbox must not reach it. */
    pid_t bystander = fork();
    assert_true(bystander >= 0);
    if (bystander == 0) {
        for (;;)
            pause();
    }
    sandbox_spec_t s = sbt_spec(t, "killer", NULL, NULL);
    sandbox_result_t r;
    run_checked(t, &s, &r);
    int st;
    assert_int_equal(waitpid(bystander, &st, WNOHANG), 0);
    kill(bystander, SIGKILL);
    waitpid(bystander, &st, 0);
    sandbox_result_free(&r);
}

static void test_secret_files_do_not_leak(void **state)
{
    sbt_t *t = *state;
    const char *secrets[] = {"/etc/shadow", "/proc/1/root/etc/shadow", "/proc/1/environ"};
    for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
        sandbox_spec_t s = sbt_spec(t, "reader", secrets[i], NULL);
        sandbox_result_t r;
        run_checked(t, &s, &r);
        if (r.out.total != 0)
            fail_msg("%s: %zu bytes read", secrets[i], r.out.total);
        sandbox_result_free(&r);
    }
}

static void test_writing_outside_the_scratch_dir_fails(void **state)
{
    sbt_t *t = *state;
    sbt_require(sb_probe()->ns, "a private mount view");
    /* A directory anyone may write to: only the mount view protects it. */
    char outside[64] = "/tmp/sbtest-outside.XXXXXX";
    assert_non_null(mkdtemp(outside));
    chmod(outside, 0777);
    char target[128];
    snprintf(target, sizeof(target), "%s/owned", outside);
    sandbox_spec_t s = sbt_spec(t, "writer", target, NULL);
    sandbox_result_t r;
    run_checked(t, &s, &r);
    struct stat st;
    int exists = stat(target, &st) == 0;
    unlink(target);
    rmdir(outside);
    assert_false(exists);
    assert_int_not_equal(r.exit_code, 0);
    sandbox_result_free(&r);

    /* The scratch dir itself is writable: for a test run it is a private
     * tmpfs (the write succeeds, the host never sees it); for the compiler
     * it is the host's folder (its output is kept). */
    char inside[128];
    snprintf(inside, sizeof(inside), "%s/mine", t->scratch);
    s = sbt_spec(t, "writer", inside, NULL);
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_int_equal(r.exit_code, 0);
    assert_int_not_equal(stat(inside, &st), 0);
    sandbox_result_free(&r);
    s.profile = SANDBOX_PROFILE_COMPILE;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_int_equal(r.exit_code, 0);
    assert_int_equal(stat(inside, &st), 0);
    sandbox_result_free(&r);
}

/* Runs without network may share a kept network namespace, one after the
 * other: a name an earlier run bound (and left a daemon holding) must be
 * gone for the next run. */
static void test_a_run_cannot_meet_an_earlier_run_through_its_network_namespace(void **state)
{
    sbt_t *t = *state;
    sbt_require(sb_probe()->ns, "a network namespace");
    sandbox_spec_t s = sbt_spec(t, "abstract", "listen", t->token);
    s.network = SANDBOX_NET_NONE;
    sandbox_result_t r;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_int_equal(r.exit_code, 0);
    sandbox_result_free(&r);

    for (int i = 0; i < 3; i++) {
        s = sbt_spec(t, "abstract", "connect", t->token);
        s.network = SANDBOX_NET_NONE;
        run_checked(t, &s, &r);
        assert_int_equal(r.status, SANDBOX_EXITED);
        assert_int_equal(r.exit_code, 0);
        sandbox_result_free(&r);
    }
}

/* A socket no process holds (it sits in its own queue) outlives the run's
 * processes: the namespace it is bound in must not be handed to a later
 * run, which would find it answering. */
static void test_a_socket_left_in_its_own_queue_does_not_reach_a_later_run(void **state)
{
    sbt_t *t = *state;
    sbt_require(sb_probe()->ns, "a network namespace");
    for (int round = 0; round < 3; round++) {
        sandbox_spec_t s = sbt_spec(t, "abstract", "selfqueue", t->token);
        s.network = SANDBOX_NET_NONE;
        sandbox_result_t r;
        run_checked(t, &s, &r);
        assert_int_equal(r.status, SANDBOX_EXITED);
        assert_int_equal(r.exit_code, 0);
        sandbox_result_free(&r);
        for (int i = 0; i < 3; i++) {
            s = sbt_spec(t, "abstract", "connect", t->token);
            s.network = SANDBOX_NET_NONE;
            run_checked(t, &s, &r);
            assert_int_equal(r.status, SANDBOX_EXITED);
            assert_int_equal(r.exit_code, 0);
            sandbox_result_free(&r);
        }
    }
}

/* Landlock: a test may not open its own memory for writing (that writes
 * through page protections, so code could be patched), nor write anything
 * outside its scratch dir, /tmp and /dev. */
static void test_a_run_cannot_write_its_own_memory_through_proc(void **state)
{
    sbt_t *t = *state;
    sbt_require(sb_probe()->ns && sb_probe()->landlock > 0, "Landlock and a mount view");
    sandbox_spec_t s = sbt_spec(t, "procmem", NULL, NULL);
    sandbox_result_t r;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_string_equal("read ok\nwrite refused\n", r.out.data);
    assert_int_equal(0, r.exit_code);
    sandbox_result_free(&r);
}

/* spec.record gives the target fd 3, read whole; the control pipe moves
 * out of its way, and no other descriptor is open. */
static void test_the_record_channel_is_fd_3_and_kept_whole(void **state)
{
    sbt_t *t = *state;
    sandbox_spec_t s = sbt_spec(t, "record", "100000", NULL);
    s.record = true;
    sandbox_result_t r;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_int_equal(0, r.exit_code);
    assert_int_equal(100000 * 8, r.rec.len);
    assert_false(r.rec.truncated);
    assert_memory_equal("0000000\n", r.rec.data, 8);
    assert_memory_equal("0099999\n", r.rec.data + r.rec.len - 8, 8);
    sandbox_result_free(&r);

    s.record_cap = 1000;
    run_checked(t, &s, &r);
    assert_int_equal(1000, r.rec.len);
    assert_true(r.rec.truncated);
    assert_int_equal(100000 * 8, r.rec.total);
    sandbox_result_free(&r);

    s.record = false;   /* without it fd 3 is closed: the program exits 3 */
    run_checked(t, &s, &r);
    assert_int_equal(3, r.exit_code);
    assert_null(r.rec.data);
    sandbox_result_free(&r);
}

/* A run's cgroup may be kept for the next run: the next run's limit,
 * verdict and peak memory must be its own, not the earlier run's. */
static void test_a_run_after_a_memory_bomb_has_its_own_memory_counters(void **state)
{
    sbt_t *t = *state;
    sbt_require(has_memory_cgroup(), "a memory cgroup");
    /* A looser limit first: the bomb's own (tighter) one must replace it. */
    sandbox_spec_t s = sbt_spec(t, "recursion", NULL, NULL);
    s.memory_bytes = 256u << 20;
    sandbox_result_t r;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_SIGNALED);
    sandbox_result_free(&r);

    s = sbt_spec(t, "membomb", NULL, NULL);
    s.memory_bytes = 64u << 20;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_MEMORY);
    assert_true(r.peak_memory >= (32u << 20));
    assert_true(r.peak_memory <= (64u << 20));
    sandbox_result_free(&r);

    /* A crash of its own: a signal verdict, not the bomb's memory one. */
    s = sbt_spec(t, "recursion", NULL, NULL);
    s.memory_bytes = 64u << 20;
    run_checked(t, &s, &r);
    assert_int_equal(r.status, SANDBOX_SIGNALED);
    assert_true(r.peak_memory < (32u << 20));
    sandbox_result_free(&r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, sbt_setup, sbt_teardown)

UG_TEST_GROUP(sandbox_attacks, NULL, NULL,
              T(test_fork_bomb_is_bounded_and_leaves_no_process),
              T(test_memory_bomb_is_a_memory_verdict),
              T(test_stdout_flood_is_capped_and_stopped),
              T(test_connect_to_a_host_port_fails_without_network),
              T(test_loopback_labs_reach_their_own_loopback_only),
              T(test_compiler_builds_and_the_binary_runs_in_the_sandbox),
              T(test_forbidden_syscalls_are_security_verdicts),
              T(test_io_uring_is_refused_unless_the_spec_allows_it),
              T(test_killing_parent_and_everyone_spares_the_grader),
              T(test_secret_files_do_not_leak),
              T(test_writing_outside_the_scratch_dir_fails),
              T(test_a_run_cannot_meet_an_earlier_run_through_its_network_namespace),
              T(test_a_socket_left_in_its_own_queue_does_not_reach_a_later_run),
              T(test_a_run_cannot_write_its_own_memory_through_proc),
              T(test_the_record_channel_is_fd_3_and_kept_whole),
              T(test_a_run_after_a_memory_bomb_has_its_own_memory_counters));
