/*
 * proc-states.c — real processes in each state, as /proc/<pid>/stat shows
 * them, next to the same scene in the model.
 *
 *   R  a busy loop
 *   S  sleep(2): an interruptible sleep
 *   T  a busy loop sent SIGSTOP
 *   Z  a child that exited and whose parent has not waited yet
 *   D  the parent of vfork(): it waits for the child in TASK_KILLABLE,
 *      which /proc shows as D (a disk wait looks the same, unkillable)
 *
 * The model runs the same five tasks and reports its letters. Every real
 * process is killed and reaped before the program ends.
 *
 *   sched_demo_proc-states
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE                 /* vfork, sched_setaffinity */
#endif
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sched.h"

#define MS(x) ((uint64_t)(x) * SCHED_NSEC_PER_MSEC)

/* The state letter of pid from /proc/<pid>/stat (the field after "(comm)"). */
static char proc_state(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return '?';
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' ? paren[2] : '?';
}

static void nap(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static pid_t spawn_busy(void)
{
    pid_t p = fork();
    if (p == 0) {
        volatile unsigned long x = 0;
        alarm(10);                       /* never outlive the demo */
        for (;;)
            x++;
    }
    return p;
}

/* A process that vforks a child which sleeps 1 s: the process waits in D. */
static pid_t spawn_vfork_parent(void)
{
    pid_t p = fork();
    if (p == 0) {
        if (vfork() == 0) {
            struct timespec ts = {1, 0};
            syscall(SYS_nanosleep, &ts, NULL);   /* no libc state touched */
            _exit(0);
        }
        _exit(0);
    }
    return p;
}

typedef struct row {
    const char *what;
    pid_t pid;                 /* the real process */
    char real;                 /* its state in /proc */
    sched_pid_t tid;           /* the model's task */
    char model;                /* its state in the model */
    bool killable;
} row_t;

/* The same five tasks in the model; fills rows[].model. Returns 0, or the
 * lab's error (on the stub: -ENOSYS) after saying which call failed. */
static int model_scene(row_t *rows)
{
    static const sched_op_t sleeper[] = {SCHED_SLEEP(2 * SCHED_NSEC_PER_SEC)};
    static const sched_op_t quitter[] = {SCHED_EXIT_GROUP(0)};
    static const sched_op_t waiter[] = {SCHED_WAIT_KILLABLE(1)};
    static const sched_op_t shell[] = {SCHED_WAIT_S(0)};
    sched_config_t c;
    sched_config_init(&c);
    c.ncpus = 2;
    sched_sim_t *sim;
    int rc = sched_sim_new(&c, &sim);
    if (rc) {
        fprintf(stderr, "proc-states: the lab's sched_sim_new failed: %s\n", strerror(-rc));
        return rc;
    }
    sched_attr_t sh = {.name = "demo", .prog = shell, .nops = 1};
    sched_pid_t demo = sched_spawn(sim, 1, &sh);
    sched_attr_t a[5] = {
        {.name = "busy"},
        {.name = "sleeper", .prog = sleeper, .nops = 1},
        {.name = "stopped"},
        {.name = "zombie", .prog = quitter, .nops = 1},
        {.name = "vfork-parent", .prog = waiter, .nops = 1},
    };
    for (int i = 0; i < 5 && demo > 0; i++)
        rows[i].tid = sched_spawn(sim, demo, &a[i]);
    rc = demo < 0 ? demo : rows[4].tid < 0 ? rows[4].tid : 0;
    if (!rc)
        rc = sched_kill(sim, rows[2].tid, SIGSTOP);
    if (!rc)
        rc = sched_run_until(sim, MS(200));
    for (int i = 0; i < 5 && !rc; i++) {
        sched_task_info_t ti;
        if (!sched_task_info(sim, rows[i].tid, &ti)) {
            rows[i].model = (char)ti.state;
            rows[i].killable = ti.state == SCHED_DISK && ti.killable;
        }
    }
    if (rc)
        fprintf(stderr, "proc-states: the model failed: %s\n", strerror(-rc));
    sched_sim_free(sim);
    return rc;
}

int main(void)
{
    row_t rows[5] = {{.what = "busy loop"}, {.what = "sleep(2)"},
                     {.what = "busy loop + SIGSTOP"}, {.what = "exited, parent not waiting"},
                     {.what = "vfork() parent"}};
    if (model_scene(rows))
        return 1;
    rows[0].pid = spawn_busy();
    rows[1].pid = fork();
    if (rows[1].pid == 0) {
        sleep(2);
        _exit(0);
    }
    rows[2].pid = spawn_busy();
    kill(rows[2].pid, SIGSTOP);
    rows[3].pid = fork();
    if (rows[3].pid == 0)
        _exit(0);
    rows[4].pid = spawn_vfork_parent();
    nap(200);
    for (int i = 0; i < 5; i++)
        rows[i].real = proc_state(rows[i].pid);
    for (int i = 0; i < 5; i++) {
        kill(rows[i].pid, SIGKILL);
        waitpid(rows[i].pid, NULL, 0);
    }

    printf("%-28s %8s %6s    %-6s\n", "", "pid", "/proc", "model");
    for (int i = 0; i < 5; i++)
        printf("%-28s %8d %6c    %c %s\n", rows[i].what, (int)rows[i].pid, rows[i].real,
               rows[i].model, rows[i].killable ? "(killable)" : "");
    printf("\nZ stays until wait(); D ignores signals (vfork's is killable, a disk wait is "
           "not); T resumes with SIGCONT.\n");
    return 0;
}
