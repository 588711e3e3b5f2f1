/*
 * fault.c — hardware faults become Go runtime error panics: a nil
 * pointer dereference (SIGSEGV) and an integer division by zero (SIGFPE)
 * inside a guarded call are panics of the task, with Go's messages, that
 * a deferred recover stops; the program goes on. Unrecovered, the same
 * fault ends the process as Go's does: the panic, Go's "[signal SIGSEGV:
 * ...]" line, the stack, exit status 2 (shown here from a child). The
 * handler runs on an alternate signal stack and makes the faulting task
 * call the panic itself (fault.go is the Go original).
 *
 * Interface: main → rcv_catch_faults → guarded faults → a child.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <undergo/demo.h>

#include "recovery.h"

typedef struct point {
    int x, y;
} point_t;

static point_t *volatile nowhere;
static volatile int divisor;
static volatile int sink;

__attribute__((noinline, no_sanitize("address", "undefined"))) static void read_nil(void *p)
{
    (void)p;
    sink = nowhere->y;
}

__attribute__((noinline, no_sanitize("undefined"))) static void divide(void *p)
{
    (void)p;
    sink = 10 / divisor;
}

static void show_recover(void *p)
{
    (void)p;
    const char *r = rcv_recover();
    printf("  recovered: %s\n", r ? r : "<nil>");
}

static void guarded(void *p)
{
    rcv_defer(show_recover, NULL);
    rcv_call((rcv_fn)p, NULL);
}

static int unrecovered_in_child(demo_t *d)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(fds[1], 2);
        rcv_call(read_nil, NULL);
        _exit(0);
    }
    close(fds[1]);
    char buf[4096];
    ssize_t n;
    printf("%s", demo_c(d, DEMO_RED));
    while ((n = read(fds[0], buf, sizeof buf)) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    printf("%s", demo_c(d, DEMO_RESET));
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    printf("exit status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    return WIFEXITED(st) && WEXITSTATUS(st) == 2 ? 0 : -1;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "recovery fault",
        .about = "nil dereference and division by zero as recoverable panics"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Faults become runtime error panics");
    if (!demo_ok(&d, rcv_catch_faults(), "rcv_catch_faults"))
        return demo_end(&d);
    demo_step(&d, "1. var p *Point; _ = p.Y   (a nil pointer dereference, recovered)");
    if (!demo_ok(&d, rcv_call(guarded, (void *)read_nil) >= 0 ? 0 : -1, "rcv_call"))
        return demo_end(&d);
    demo_step(&d, "2. 10 / zero   (an integer division by zero, recovered)");
    if (!demo_ok(&d, rcv_call(guarded, (void *)divide) >= 0 ? 0 : -1, "rcv_call"))
        return demo_end(&d);
    printf("  the program goes on\n");
    demo_step(&d, "3. The same nil dereference, nobody recovering it");
    demo_ok(&d, unrecovered_in_child(&d), "the child's report and exit status 2");
    return demo_end(&d);
}
