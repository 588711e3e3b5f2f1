/*
 * deadlock_compare.c — the deadlock lab's checker against real tools, on
 * one pthread program (dl_workload.c) built four ways:
 *
 *   plain      the program as is
 *   checked    linked with the lab's pthread interposer (support/dl_pthread.c)
 *   tsan       clang -fsanitize=thread (its deadlock detector is on)
 *   helgrind   the plain binary under valgrind --tool=helgrind
 *
 * First the cost: nested ordered lock pairs over 64 mutexes on 1 and 2
 * threads, one Go benchmark line per build (the best of three runs; one
 * run for Helgrind), then each build's ratio to plain and the checker's
 * speed-up over TSan. Then what each tool catches
 * on the lab's lock scenarios; a line containing MISSED means the checker
 * missed a cycle or reported one that is not there.
 *
 * Flags: -small (a quick run: the ctest smoke), -nohelgrind. Interface:
 * main → run_pairs (per build, per thread count) → run_scenarios.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct tool {
    const char *name;
    const char *prefix;     /* env or wrapper put before the binary */
    const char *bin;
    const char *marker;     /* what its report of a lock-order cycle contains */
    long divisor;           /* the pair count is divided by this (slow tools) */
    bool present;
} tool_t;

static tool_t tools[] = {
    {"plain", "", WORKLOAD_PLAIN, NULL, 1, true},
    {"checked", "", WORKLOAD_CHECKED, "possible deadlock: lock order cycle", 1, true},
    {"tsan", "TSAN_OPTIONS=exitcode=0 ", WORKLOAD_TSAN, "lock-order-inversion", 10, true},
    {"helgrind", "valgrind --tool=helgrind ", WORKLOAD_PLAIN, "lock order", 200, true},
};
enum { NTOOLS = sizeof tools / sizeof tools[0] };

/* Runs a shell command; returns its output (stdout and stderr), malloc'd. */
static char *run(const char *cmd) {
    FILE *p = popen(cmd, "r");
    if (!p) return NULL;
    size_t len = 0, cap = 4096;
    char *out = malloc(cap);
    size_t n;
    while (out && (n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 1024) out = realloc(out, cap *= 2);
    }
    pclose(p);
    if (out) out[len] = 0;
    return out;
}

/* The value of metric (" ns/op", " cpu-ns/op") in the benchmark line of
 * out (copied to line), or -1. */
static double bench_line(const char *out, const char *metric, char *line, size_t cap) {
    const char *l = out ? strstr(out, "BenchmarkLockPairs") : NULL;
    if (!l) return -1;
    const char *end = strchr(l, '\n');
    snprintf(line, cap, "%.*s", (int)(end ? end - l : (long)strlen(l)), l);
    const char *ns = strstr(l, metric);
    if (!ns || ns > (end ? end : l + strlen(l))) return -1;
    const char *start = ns;
    while (start > l && start[-1] != '\t') start--;
    return atof(start);
}

/* Names the tool in a benchmark line: Helgrind runs the plain binary. */
static void relabel(char *line, size_t cap, const char *tool) {
    char *v = strstr(line, "/plain/");
    if (!v || !strcmp(tool, "plain")) return;
    char rest[256];
    snprintf(rest, sizeof rest, "%s", v + strlen("/plain"));
    snprintf(v, cap - (size_t)(v - line), "/%s%s", tool, rest);
}

/* Each build runs REPS times, interleaved with the others so that a busy
 * moment of a shared machine hits all of them alike; the run that used the
 * least CPU per pair is printed (the least disturbed one), and the ratios
 * compare CPU time: on a shared machine wall time mostly measures the
 * neighbours. */
enum { REPS = 3 };

static void run_pairs(long n) {
    double ns[NTOOLS][3];
    char line[NTOOLS][3][256], cur[256], cmd[1024];
    for (int threads = 1; threads <= 2; threads++)
        for (int t = 0; t < NTOOLS; t++) ns[t][threads] = -1;
    for (int threads = 1; threads <= 2; threads++)
        for (int rep = 0; rep < REPS; rep++)
            for (int t = 0; t < NTOOLS; t++) {
                if (!tools[t].present || (rep > 0 && tools[t].divisor > 10)) continue;
                long k = n / tools[t].divisor > 100 ? n / tools[t].divisor : 100;
                snprintf(cmd, sizeof cmd, "%s%s pairs %d %ld 2>&1", tools[t].prefix,
                         tools[t].bin, threads, k);
                char *out = run(cmd);
                double v = bench_line(out, " cpu-ns/op", cur, sizeof cur);
                free(out);
                relabel(cur, sizeof cur, tools[t].name);
                if (v > 0 && (ns[t][threads] < 0 || v < ns[t][threads])) {
                    ns[t][threads] = v;
                    memcpy(line[t][threads], cur, sizeof cur);
                }
            }
    for (int threads = 1; threads <= 2; threads++)
        for (int t = 0; t < NTOOLS; t++)
            if (ns[t][threads] > 0) printf("%s\n", line[t][threads]);
    printf("\nCPU time per pair, ratio to plain  threads=1   threads=2\n");
    for (int t = 1; t < NTOOLS; t++)
        if (ns[t][1] > 0 && ns[0][1] > 0)
            printf("  %-32s %8.2fx  %8.2fx\n", tools[t].name, ns[t][1] / ns[0][1],
                   ns[t][2] / ns[0][2]);
    if (ns[2][1] > 0 && ns[1][1] > 0)
        printf("  %-32s %8.2fx  %8.2fx\n", "tsan / checked (speed-up)", ns[2][1] / ns[1][1],
               ns[2][2] / ns[1][2]);
}

static const struct scenario {
    const char *name;
    bool cycle;      /* a lock-order cycle exists (a class-level one for "class") */
    bool hangs;      /* the program deadlocks for real (and exits after 2 s) */
} scenarios[] = {
    {"inversion", true, false}, {"cycle3", true, false},    {"ordered", false, false},
    {"trylock", false, false},  {"recursive", false, false}, {"rwlock", true, false},
    {"class", true, false},     {"hang", true, true},
};

/* What the checker prints when threads really wait for each other. */
#define CHECKER_WAITFOR "wait for each other"


static void run_scenarios(void) {
    char cmd[1024];
    printf("\nscenario     cycle   ");
    for (int t = 1; t < NTOOLS; t++) printf("%-10s", tools[t].name);
    printf("\n");
    for (size_t s = 0; s < sizeof scenarios / sizeof scenarios[0]; s++) {
        printf("%-12s %-7s ", scenarios[s].name, scenarios[s].cycle ? "yes" : "no");
        bool missed = false;
        for (int t = 1; t < NTOOLS; t++) {
            if (!tools[t].present) {
                printf("%-10s", "-");
                continue;
            }
            snprintf(cmd, sizeof cmd, "%s%s%s %s 2>&1",
                     scenarios[s].hangs ? "timeout -s KILL 20 env " : "", tools[t].prefix,
                     tools[t].bin, scenarios[s].name);
            char *out = run(cmd);
            bool found = out && strstr(out, tools[t].marker);
            if (t == 1 && scenarios[s].hangs)   /* the checker must also name the hang */
                found = found && strstr(out, CHECKER_WAITFOR);
            printf("%-10s", found ? "report" : "quiet");
            if (t == 1 && found != scenarios[s].cycle) missed = true;
            free(out);
        }
        printf("%s\n", missed ? "  MISSED by the checker" : "");
    }
}

int main(int argc, char **argv) {
    long n = 2000000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-small")) n = 20000;
        else if (!strcmp(argv[i], "-nohelgrind")) tools[3].present = false;
        else {
            fprintf(stderr, "usage: deadlock_compare [-small] [-nohelgrind]\n");
            return 2;
        }
    }
    tools[2].present = access(WORKLOAD_TSAN, X_OK) == 0;
    tools[3].present = tools[3].present && system("valgrind --version >/dev/null 2>&1") == 0;
    printf("goos: linux\ngoarch: amd64\npkg: undergo/benchmarks/deadlock\n");
    run_pairs(n);
    run_scenarios();
    return 0;
}
