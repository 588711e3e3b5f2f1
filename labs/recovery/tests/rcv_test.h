/*
 * rcv_test.h — what the recovery lab's tests share: a trace of what ran,
 * and a child process for the paths that end a process (an unrecovered
 * panic exits 2, a broken fault handler crashes), so the test binary
 * survives them and reads the child's stderr and exit status.
 */
#ifndef RCV_TEST_H
#define RCV_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <undergo/labtest.h>
#include <undergo/runtime.h>

#include "recovery.h"

#define XSTR_(x) #x
#define XSTR(x) XSTR_(x)

typedef struct trace {
    char buf[2048];
    size_t len;
} trace_t;

__attribute__((format(printf, 2, 3))) static inline void trace_add(trace_t *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len += (size_t)n < sizeof t->buf - t->len ? (size_t)n : sizeof t->buf - t->len - 1;
}

/* Runs fn(arg) in a child; its stderr into out (NUL-terminated). Returns
 * the exit status, 128+signal for a signal, -1 if the child could not run. */
static inline int run_child(void (*fn)(void *), void *arg, char *out, size_t cap)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 2);
        fn(arg);
        _exit(0);
    }
    close(fds[1]);
    size_t len = 0;
    for (ssize_t n; len + 1 < cap && (n = read(fds[0], out + len, cap - 1 - len)) > 0;)
        len += (size_t)n;
    out[len] = '\0';
    close(fds[0]);
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The first n lines of s (into buf). */
static inline const char *first_lines(const char *s, int n, char *buf, size_t cap)
{
    size_t i = 0;
    for (; s[i] && n; i++)
        if (s[i] == '\n')
            n--;
    snprintf(buf, cap, "%.*s", (int)i, s);
    return buf;
}

#endif
