/*
 * test_sandbox.c — sandbox_run() on well-behaved programs: what goes in
 * (argv, environment, working directory) and what comes out (exit code,
 * both streams, head+tail capture), and `grader doctor`.
 *
 * Interface: UG_TEST_GROUP(sandbox_basics, ...).
 */
#include "sbtest.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const sh_argv_out[] = {"/bin/sh", "-c", "echo out; echo err >&2; exit 3",
                                          NULL};

static void test_exit_code_and_both_streams_are_reported(void **state)
{
    sbt_t *t = *state;
    sandbox_spec_t s = sbt_spec(t, "fds", NULL, NULL);
    s.argv = sh_argv_out;
    sandbox_result_t r;
    sbt_run(&s, &r);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_int_equal(r.exit_code, 3);
    assert_string_equal(r.out.data, "out\n");
    assert_string_equal(r.err.data, "err\n");
    assert_false(r.out.truncated);
    sandbox_result_free(&r);
}

static void test_environment_and_working_directory_are_the_specs(void **state)
{
    sbt_t *t = *state;
    const char *argv[] = {"/bin/sh", "-c", "pwd; echo \"$UNDERGO_X\"; echo \"${HOME-unset}\"", NULL};
    const char *envp[] = {"UNDERGO_X=forty-two", "PATH=/usr/bin:/bin", NULL};
    sandbox_spec_t s = sbt_spec(t, "fds", NULL, NULL);
    s.argv = argv;
    s.envp = envp;
    sandbox_result_t r;
    sbt_run(&s, &r);
    char want[256];
    snprintf(want, sizeof(want), "%s\nforty-two\nunset\n", t->scratch);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_string_equal(r.out.data, want);
    sandbox_result_free(&r);
}

static void test_stdin_is_empty_and_no_other_descriptor_is_open(void **state)
{
    sbt_t *t = *state;
    sandbox_spec_t s = sbt_spec(t, "fds", NULL, NULL);
    sandbox_result_t r;
    sbt_run(&s, &r);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_string_equal(r.out.data, "");
    assert_int_equal(r.exit_code, 0);
    sandbox_result_free(&r);

    const char *cat[] = {"/bin/cat", NULL};
    s.argv = cat;
    sbt_run(&s, &r);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_int_equal(r.exit_code, 0);
    assert_int_equal(r.out.total, 0);
    sandbox_result_free(&r);
}

static void test_signals_the_grader_ignores_are_default_in_the_target(void **state)
{
    sbt_t *t = *state;
    /* A grader commonly ignores SIGPIPE and blocks a few signals. */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigaction(SIGPIPE, &ign, &old);
    sigset_t block, oldmask;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &oldmask);
    const char *argv[] = {"/bin/sh", "-c", "kill -PIPE $$; echo survived", NULL};
    sandbox_spec_t s = sbt_spec(t, "fds", NULL, NULL);
    s.argv = argv;
    sandbox_result_t r;
    sbt_run(&s, &r);
    const char *argv2[] = {"/bin/sh", "-c", "kill -TERM $$; echo survived", NULL};
    s.argv = argv2;
    sandbox_result_t r2;
    sbt_run(&s, &r2);
    sigaction(SIGPIPE, &old, NULL);
    pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
    assert_int_equal(r.status, SANDBOX_SIGNALED);
    assert_int_equal(r.signal, SIGPIPE);
    assert_int_equal(r2.status, SANDBOX_SIGNALED);
    assert_int_equal(r2.signal, SIGTERM);
    sandbox_result_free(&r);
    sandbox_result_free(&r2);
}

static void test_missing_program_exits_127_with_a_message(void **state)
{
    sbt_t *t = *state;
    sandbox_spec_t s = sbt_spec(t, "no-such-program", NULL, NULL);
    sandbox_result_t r;
    sbt_run(&s, &r);
    assert_int_equal(r.status, SANDBOX_EXITED);
    assert_int_equal(r.exit_code, 127);
    /* That one line and nothing else (no complaint of a sanitized grader
     * about the stack the target failed on). */
    assert_int_equal(strncmp(r.err.data, "sandbox: cannot execute ", 24), 0);
    assert_ptr_equal(strchr(r.err.data, '\n'), r.err.data + r.err.len - 1);
    sandbox_result_free(&r);
}

static void test_capture_keeps_head_and_tail_and_marks_the_cut(void **state)
{
    (void)state;
    sb_capture_t c;
    assert_int_equal(sb_capture_init(&c, 4), 0);
    /* Uneven pieces, so the tail ring wraps more than once. */
    const char *pieces[] = {"ab", "cdefg", "hijklmnopq", "r", "stuvwxyz"};
    for (size_t i = 0; i < 5; i++)
        sb_capture_add(&c, pieces[i], strlen(pieces[i]));
    sandbox_output_t o;
    assert_int_equal(sb_capture_finish(&c, &o), 0);
    assert_string_equal(o.data, "abcd\n... [18 bytes cut] ...\nwxyz");
    assert_int_equal(o.total, 26);
    assert_true(o.truncated);
    free(o.data);
}

static void test_capture_keeps_small_output_whole(void **state)
{
    (void)state;
    sb_capture_t c;
    assert_int_equal(sb_capture_init(&c, 4), 0);
    sb_capture_add(&c, "abcde", 5);
    sb_capture_add(&c, "fgh", 3);
    sandbox_output_t o;
    assert_int_equal(sb_capture_finish(&c, &o), 0);
    assert_string_equal(o.data, "abcdefgh");
    assert_false(o.truncated);
    assert_int_equal(o.len, 8);
    free(o.data);
}

typedef struct par_job {
    int id;
    int ok;
} par_job_t;

/* Runs a few shells that print their own id; counts the runs that came
 * back exited with exactly their own output. */
static void *par_worker(void *arg)
{
    par_job_t *j = arg;
    char cmd[64], want[32];
    snprintf(cmd, sizeof(cmd), "echo job-%d", j->id);
    snprintf(want, sizeof(want), "job-%d\n", j->id);
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    for (int i = 0; i < 5; i++) {
        sandbox_spec_t s = {.argv = argv, .wall_s = 20, .cpu_s = 5, .pids = 16};
        sandbox_result_t r;
        if (sandbox_run(&s, &r) != 0)
            continue;
        j->ok += r.status == SANDBOX_EXITED && r.exit_code == 0 && !strcmp(r.out.data, want);
        sandbox_result_free(&r);
    }
    return NULL;
}

static void test_parallel_runs_from_threads_do_not_mix(void **state)
{
    (void)state;
    enum { N = 4 };
    pthread_t th[N];
    par_job_t jobs[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (par_job_t){.id = i};
        assert_int_equal(pthread_create(&th[i], NULL, par_worker, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(jobs[i].ok, 5);
    }
}

static void test_doctor_returns_zero(void **state)
{
    (void)state;
    /* Capture what the doctor prints through a temporary file. */
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stdout);
    int saved = dup(1);
    dup2(fileno(tmp), 1);
    int rc = sandbox_doctor();
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    char text[8192];
    rewind(tmp);
    size_t n = fread(text, 1, sizeof(text) - 1, tmp);
    text[n] = '\0';
    fclose(tmp);
    assert_int_equal(rc, 0);
    /* Every mechanism has its line, and the real run worked. */
    const char *rows[] = {"namespaces", "seccomp", "io_uring", "cgroup", "rlimits",
                          "summary", "self-test    ok"};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (!strstr(text, rows[i]))
            fail_msg("doctor output lacks '%s':\n%s", rows[i], text);
    assert_non_null(strstr(text, sandbox_describe()));
}

UG_TEST_GROUP(sandbox_basics, NULL, NULL,
              cmocka_unit_test_setup_teardown(test_exit_code_and_both_streams_are_reported,
                                              sbt_setup, sbt_teardown),
              cmocka_unit_test_setup_teardown(test_environment_and_working_directory_are_the_specs,
                                              sbt_setup, sbt_teardown),
              cmocka_unit_test_setup_teardown(test_stdin_is_empty_and_no_other_descriptor_is_open,
                                              sbt_setup, sbt_teardown),
              cmocka_unit_test_setup_teardown(test_missing_program_exits_127_with_a_message,
                                              sbt_setup, sbt_teardown),
              cmocka_unit_test_setup_teardown(
                  test_signals_the_grader_ignores_are_default_in_the_target, sbt_setup,
                  sbt_teardown),
              cmocka_unit_test(test_capture_keeps_head_and_tail_and_marks_the_cut),
              cmocka_unit_test(test_capture_keeps_small_output_whole),
              cmocka_unit_test(test_parallel_runs_from_threads_do_not_mix),
              cmocka_unit_test(test_doctor_returns_zero));
