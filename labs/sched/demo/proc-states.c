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
 * Interface: main → model_scene (the lab) → the real processes → the table.
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

#include <undergo/demo.h>

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

/* Spawns the five tasks of the scene as children of a shell. Returns 0 or
 * the lab's error. */
static int model_spawn(sched_sim_t *sim, row_t *rows)
{
    static const sched_op_t sleeper[] = {SCHED_SLEEP(2 * SCHED_NSEC_PER_SEC)};
    static const sched_op_t quitter[] = {SCHED_EXIT_GROUP(0)};
    static const sched_op_t waiter[] = {SCHED_WAIT_KILLABLE(1)};
    static const sched_op_t shell[] = {SCHED_WAIT_S(0)};
    sched_attr_t sh = {.name = "demo", .prog = shell, .nops = 1};
    sched_pid_t demo = sched_spawn(sim, 1, &sh);
    sched_attr_t a[5] = {
        {.name = "busy"},
        {.name = "sleeper", .prog = sleeper, .nops = 1},
        {.name = "stopped"},
        {.name = "zombie", .prog = quitter, .nops = 1},
        {.name = "vfork-parent", .prog = waiter, .nops = 1},
    };
    if (demo < 0)
        return demo;
    for (int i = 0; i < 5; i++)
        if ((rows[i].tid = sched_spawn(sim, demo, &a[i])) < 0)
            return rows[i].tid;
    return 0;
}

/* The same five tasks in the model; fills rows[].model. Returns false
 * after saying which call of the lab failed (on the stub: -ENOSYS). */
static bool model_scene(demo_t *d, row_t *rows)
{
    sched_config_t c;
    sched_config_init(&c);
    c.ncpus = 2;
    sched_sim_t *sim = NULL;
    bool ok = demo_ok(d, sched_sim_new(&c, &sim), "sched_sim_new")
              && demo_ok(d, model_spawn(sim, rows), "sched_spawn")
              && demo_ok(d, sched_kill(sim, rows[2].tid, SIGSTOP), "sched_kill")
              && demo_ok(d, sched_run_until(sim, MS(200)), "sched_run_until");
    for (int i = 0; i < 5 && ok; i++) {
        sched_task_info_t ti = {0};
        ok = demo_ok(d, sched_task_info(sim, rows[i].tid, &ti), "sched_task_info");
        rows[i].model = (char)ti.state;
        rows[i].killable = ok && ti.state == SCHED_DISK && ti.killable;
    }
    sched_sim_free(sim);
    return ok;
}

int main(int argc, char **argv)
{
    static const demo_spec_t spec = {
        .name = "sched proc-states",
        .about = "real processes in R, S, T, Z and D, as /proc shows them, beside the model"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    row_t rows[5] = {{.what = "busy loop"}, {.what = "sleep(2)"},
                     {.what = "busy loop + SIGSTOP"}, {.what = "exited, parent not waiting"},
                     {.what = "vfork() parent"}};
    demo_title(&d, "Five processes, one per state: the kernel's letters and the model's");
    if (!model_scene(&d, rows))
        return demo_end(&d);
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
    demo_note(&d, "Z stays until wait(); D ignores signals (vfork's is killable, a disk wait "
                  "is not); T resumes with SIGCONT");
    return demo_end(&d);
}
