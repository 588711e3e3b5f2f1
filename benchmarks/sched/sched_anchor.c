/*
 * sched_anchor.c — the sched lab's model against the real kernel: CPU-bound
 * processes pinned to one CPU at given nice levels, run for a fixed time;
 * their CPU time read from /proc/<pid>/schedstat (nanoseconds of
 * sum_exec_runtime); the shares printed next to what the model predicts for
 * the same tasks over the same time, with the ratio measured / predicted.
 *
 * The model runs the fair class this kernel runs: EEVDF from Linux 6.6 on,
 * CFS before. Shares are among the test's own processes, so other load on
 * the CPU (in another autogroup or cgroup) changes how fast they run, not
 * how they split what they get.
 *
 *   sched_anchor [-seconds S] [-cpu N] [-sets "0,5;0,1,2"]
 *
 * One line per task in Go's benchmark format, e.g.
 *   BenchmarkKernelShares/nice=0,5/task=nice5-2  1  3000000000 ns/op
 *       24.61 measured-%  24.65 model-%  0.998 ratio
 * and a table on stderr.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE                 /* vfork, sched_setaffinity */
#endif
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sched.h"

#define MAX_TASKS 8

typedef struct set {
    int n;
    int nice[MAX_TASKS];
} set_t;

/* ---- the kernel's side ------------------------------------------------------------ */

/* A child: pinned, reniced, waits for the start, then burns CPU forever. */
static void child(int cpu, int nice, int start_fd)
{
    cpu_set_t mask;
    CPU_ZERO(&mask);
    CPU_SET(cpu, &mask);
    if (sched_setaffinity(0, sizeof mask, &mask) || setpriority(PRIO_PROCESS, 0, nice))
        _exit(2);
    char c;
    if (read(start_fd, &c, 1) != 1)
        _exit(3);
    volatile unsigned long x = 0;
    for (;;)
        x++;
}

/* sum_exec_runtime of pid in ns, or -1. */
static long long exec_ns(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/schedstat", (int)pid);
    FILE *f = fopen(path, "r");
    long long ns = -1;
    if (f) {
        if (fscanf(f, "%lld", &ns) != 1)
            ns = -1;
        fclose(f);
    }
    return ns;
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

/* Runs the set on the kernel; fills the CPU ns each task got. Returns 0 or -1. */
static int run_kernel(const set_t *s, int cpu, double seconds, long long *got)
{
    int fds[2];
    pid_t pids[MAX_TASKS];
    long long before[MAX_TASKS];
    if (pipe(fds))
        return -1;
    for (int i = 0; i < s->n; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            close(fds[1]);
            child(cpu, s->nice[i], fds[0]);
        }
    }
    close(fds[0]);
    for (int i = 0; i < s->n; i++)      /* one byte each: all start together */
        if (write(fds[1], "x", 1) != 1)
            return -1;
    sleep_s(0.2);                       /* let them settle on the CPU */
    for (int i = 0; i < s->n; i++)
        before[i] = exec_ns(pids[i]);
    sleep_s(seconds);
    int rc = 0;
    for (int i = 0; i < s->n; i++) {
        long long now = exec_ns(pids[i]);
        got[i] = now - before[i];
        rc |= now < 0 || before[i] < 0;
    }
    for (int i = 0; i < s->n; i++)
        kill(pids[i], SIGKILL);
    for (int i = 0; i < s->n; i++) {
        int st;
        waitpid(pids[i], &st, 0);
        if (WIFEXITED(st))
            rc = -1;                    /* it could not pin or renice itself */
    }
    close(fds[1]);
    return rc ? -1 : 0;
}

/* ---- the model's side --------------------------------------------------------------- */

static sched_fair_t kernel_fair(void)
{
    struct utsname u;
    int major = 0, minor = 0;
    if (uname(&u) == 0)
        sscanf(u.release, "%d.%d", &major, &minor);
    return major > 6 || (major == 6 && minor >= 6) ? SCHED_FAIR_EEVDF : SCHED_FAIR_CFS;
}

static int run_model(const set_t *s, sched_fair_t fair, double seconds, long long *got)
{
    sched_config_t c;
    sched_config_init(&c);
    c.fair = fair;
    sched_sim_t *sim;
    if (sched_sim_new(&c, &sim))
        return -1;
    sched_pid_t pids[MAX_TASKS];
    for (int i = 0; i < s->n; i++) {
        sched_attr_t a = {.name = "hog", .nice = s->nice[i]};
        pids[i] = sched_spawn(sim, 1, &a);
    }
    uint64_t settle = 200 * SCHED_NSEC_PER_MSEC, end = settle + (uint64_t)(seconds * 1e9);
    long long before[MAX_TASKS];
    sched_task_info_t ti;
    int rc = sched_run_until(sim, settle);
    for (int i = 0; i < s->n && !rc; i++)
        before[i] = sched_task_info(sim, pids[i], &ti) ? 0 : (long long)ti.sum_exec_ns;
    rc = rc ? rc : sched_run_until(sim, end);
    for (int i = 0; i < s->n && !rc; i++)
        got[i] = (sched_task_info(sim, pids[i], &ti) ? 0 : (long long)ti.sum_exec_ns) - before[i];
    sched_sim_free(sim);
    return rc ? -1 : 0;
}

/* ---- main --------------------------------------------------------------------------- */

static int parse_sets(const char *spec, set_t *sets, int max)
{
    int n = 0;
    char *copy = strdup(spec), *save = NULL;
    for (char *tok = strtok_r(copy, ";", &save); tok && n < max; tok = strtok_r(NULL, ";", &save)) {
        set_t *s = &sets[n];
        s->n = 0;
        char *save2 = NULL;
        for (char *v = strtok_r(tok, ",", &save2); v && s->n < MAX_TASKS; v = strtok_r(NULL, ",", &save2))
            s->nice[s->n++] = atoi(v);
        if (s->n >= 2)
            n++;
    }
    free(copy);
    return n;
}

static int last_allowed_cpu(void)
{
    cpu_set_t mask;
    if (sched_getaffinity(0, sizeof mask, &mask))
        return 0;
    for (int i = CPU_SETSIZE - 1; i >= 0; i--)
        if (CPU_ISSET(i, &mask))
            return i;
    return 0;
}

static void set_name(const set_t *s, char *buf, size_t len)
{
    size_t off = 0;
    for (int i = 0; i < s->n && off < len; i++)
        off += (size_t)snprintf(buf + off, len - off, "%s%d", i ? "," : "", s->nice[i]);
}

static void report(const set_t *s, const long long *kern, const long long *model, double seconds,
                   sched_fair_t fair)
{
    long long ksum = 0, msum = 0;
    char name[64];
    set_name(s, name, sizeof name);
    for (int i = 0; i < s->n; i++) {
        ksum += kern[i];
        msum += model[i];
    }
    fprintf(stderr, "nice {%s}, %.1f s on one CPU, model: %s\n", name, seconds,
            fair == SCHED_FAIR_EEVDF ? "EEVDF" : "CFS");
    fprintf(stderr, "  %-8s %12s %12s %10s %10s %8s\n", "task", "kernel ms", "model ms",
            "kernel %", "model %", "ratio");
    for (int i = 0; i < s->n; i++) {
        double km = 100.0 * (double)kern[i] / (double)ksum;
        double mm = 100.0 * (double)model[i] / (double)msum;
        printf("BenchmarkKernelShares/nice=%s/task=%d-nice%d-%ld\t1\t%.0f ns/op\t%.3f measured-%%"
               "\t%.3f model-%%\t%.4f ratio\n", name, i, s->nice[i], sysconf(_SC_NPROCESSORS_ONLN),
               seconds * 1e9, km, mm, km / mm);
        fprintf(stderr, "  nice %-3d %12.1f %12.1f %10.3f %10.3f %8.4f\n", s->nice[i],
                (double)kern[i] / 1e6, (double)model[i] / 1e6, km, mm, km / mm);
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    double seconds = 3;
    int cpu = last_allowed_cpu();
    const char *spec = "0,5;0,1;0,10;0,3,6;0,5,19";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "-seconds"))
            seconds = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "-cpu"))
            cpu = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-sets"))
            spec = argv[i + 1];
    }
    set_t sets[16];
    int nsets = parse_sets(spec, sets, 16);
    sched_fair_t fair = kernel_fair();
    printf("goos: linux\ngoarch: amd64\npkg: undergo/benchmarks/sched\n");
    fflush(stdout);
    int failed = 0;
    for (int k = 0; k < nsets; k++) {
        long long kern[MAX_TASKS], model[MAX_TASKS];
        if (run_kernel(&sets[k], cpu, seconds, kern)) {
            fprintf(stderr, "sched_anchor: cannot pin, renice or measure the processes\n");
            failed = 1;
            continue;
        }
        if (run_model(&sets[k], fair, seconds, model)) {
            fprintf(stderr, "sched_anchor: the model failed\n");
            failed = 1;
            continue;
        }
        report(&sets[k], kern, model, seconds, fair);
    }
    printf(failed ? "FAIL\n" : "PASS\n");
    return failed;
}
