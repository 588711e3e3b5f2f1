/*
 * panics.c — Go's defer, panic and recover rules, step by step, as the Go
 * original (panics.go) runs them: defers run last-in first-out; a panic
 * runs them and a recover in one stops it, the caller going on as after a
 * return; recover does nothing from a helper the deferred function calls;
 * a panic in a deferred call while panicking replaces the older one; and a
 * re-panic nobody recovers ends the process with "panic: A [recovered]"
 * over "panic: A" and exit status 2 (here in a child, so the demo can
 * show the report and go on to its own ending).
 *
 * Interface: main → the five steps → a child for the last.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <undergo/demo.h>

#include "recovery.h"

static int numbers[3] = {1, 2, 3};

static void say_deferred(void *p)
{
    printf("  deferred %d runs\n", *(int *)p);
}

static void lifo(void *p)
{
    (void)p;
    for (int i = 0; i < 3; i++)
        rcv_defer(say_deferred, &numbers[i]);
    printf("  lifo's body returns\n");
}

static void show_recover(void *p)
{
    (void)p;
    const char *r = rcv_recover();
    printf("  recover() = %s\n", r ? r : "<nil>");
}

static void recovers(void *p)
{
    rcv_defer(show_recover, p);
    rcv_panic("boom");
}

static void helper(void *p)
{
    (void)p;
    const char *r = rcv_recover();
    printf("  recover() in a helper = %s\n", r ? r : "<nil>");
}

static void deferred_with_helper(void *p)
{
    rcv_call(helper, p);
    const char *r = rcv_recover();
    printf("  recover() in the deferred function = %s\n", r ? r : "<nil>");
}

static void indirect(void *p)
{
    rcv_defer(deferred_with_helper, p);
    rcv_panic("boom");
}

static void panic_b(void *p)
{
    (void)p;
    rcv_panic("B");
}

static void replaced(void *p)
{
    rcv_defer(show_recover, p);
    rcv_defer(panic_b, p);
    rcv_panic("A");
}

static void panic_again(void *p)
{
    (void)p;
    const char *r = rcv_recover();
    printf("  recovered %s, panicking again with it\n", r ? r : "<nil>");
    fflush(stdout);
    rcv_panic(r);
}

static void repanic(void *p)
{
    rcv_defer(panic_again, p);
    rcv_panic("A");
}

/* Runs repanic in a child and shows its stderr and exit status. */
static int run_child_report(demo_t *d)
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
        rcv_call(repanic, NULL);
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
        .name = "recovery panics",
        .about = "defer order, recover's rule, chained panics, Go's report"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Go's defer, panic and recover, in C");
    demo_step(&d, "1. Deferred calls run last-in first-out when the function returns");
    if (!demo_ok(&d, rcv_call(lifo, NULL), "rcv_call(lifo)"))
        return demo_end(&d);
    demo_step(&d, "2. A panic runs the deferred calls; recover stops it and the caller goes on");
    if (!demo_ok(&d, rcv_call(recovers, NULL) == 1 ? 0 : -1, "rcv_call(recovers) == 1"))
        return demo_end(&d);
    printf("  recovers() returned normally\n");
    demo_step(&d, "3. recover works only when the deferred function calls it itself");
    if (!demo_ok(&d, rcv_call(indirect, NULL) == 1 ? 0 : -1, "rcv_call(indirect) == 1"))
        return demo_end(&d);
    demo_step(&d, "4. A panic inside a deferred call while panicking replaces the older one");
    if (!demo_ok(&d, rcv_call(replaced, NULL) == 1 ? 0 : -1, "rcv_call(replaced) == 1"))
        return demo_end(&d);
    demo_step(&d, "5. A re-panic nobody recovers: the report names both, exit status 2");
    demo_ok(&d, run_child_report(&d), "the child's report and exit status 2");
    return demo_end(&d);
}
