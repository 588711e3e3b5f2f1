/*
 * flame.c — measure before changing anything: the service under `perf
 * record -g`, its samples folded into stacks and drawn as a flame graph by
 * the lab's demo/flamegraph.py.
 *
 * The demo re-runs itself with --workload under perf (the service ingests
 * batches, renders and writes its report for about a second), then
 * prints the functions holding the most samples and where the SVG is. On
 * the handout's slow code (--mine) malloc, memcpy under the concatenation
 * and the write() path stand out; on the reference they do not. Without a
 * usable perf (not installed, or kernel.perf_event_paranoid too strict) it
 * times the workload and prints the commands to run by hand.
 *
 * Interface: main; --out FILE names the SVG (default $TMPDIR/tune-flame.svg).
 */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <undergo/demo.h>

#include "tune.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* About a second of the service's work: ingest, render, write. */
static int workload(void)
{
    char *buf = malloc(1 << 20);
    size_t len = 0;
    for (unsigned i = 0; i < 4000; i++)
        len += (size_t)snprintf(buf + len, (1 << 20) - len,
                                "method=GET path=/api/items/%u status=%u bytes=%u ms=%u\n", i % 300,
                                200 + 100 * (i % 4), i * 7 % 9000, i % 700);
    const char *const pats[] = {"/admin/*", "/api/users/*", "/api/items/*"};
    tune_t *t;
    if (tune_open(&t) < 0)
        return 1;
    tune_set_routes(t, NULL, 0);
    int fd = open("/dev/null", O_WRONLY);
    double end = now() + 1.0;
    int rounds = 0;
    while (now() < end && rounds < 100000) {
        tune_set_routes(t, rounds % 2 ? pats : NULL, rounds % 2 ? 3 : 0);
        if (tune_ingest(t, buf, len) < 0 || tune_write_report(t, fd) < 0)
            break;
        char *r = NULL;
        size_t n;
        tune_render(t, &r, &n);
        free(r);
        rounds++;
    }
    close(fd);
    tune_close(t);
    free(buf);
    printf("%d rounds\n", rounds);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--workload"))
        return workload();
    static const char *const opts[] = {"--out", NULL};
    demo_spec_t spec = {.name = "tune flame",
                        .about = "a perf profile of the service, drawn as a flame graph",
                        .options = opts,
                        .options_help = "[--out FILE.svg]"};
    demo_t d;
    int rc = demo_start(&d, argc, argv, &spec);
    if (rc >= 0)
        return rc;
    demo_title(&d, "Measure first: where does the service spend its time?");

    char exe[PATH_MAX] = "", root[PATH_MAX], script[PATH_MAX + 64],
         dir[] = "/tmp/tune-flame-XXXXXX";
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    snprintf(root, sizeof root, "%s", exe);
    /* build/bin/<demo> in the tree, reference/bin/<demo> in a handout. */
    snprintf(script, sizeof script, "%s/labs/tune/demo/flamegraph.py",
             dirname(dirname(dirname(root))));
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char out[PATH_MAX];
    snprintf(out, sizeof out, "%s", demo_option(&d, "--out") ? demo_option(&d, "--out") : "");
    if (!out[0])
        snprintf(out, sizeof out, "%s/tune-flame.svg", tmp);

    char cmd[4 * PATH_MAX];
    bool perf = mkdtemp(dir) &&
                system("perf record -q -o /dev/null -- true >/dev/null 2>&1") == 0 &&
                access(script, R_OK) == 0;
    if (!perf) {
        demo_step(&d, "perf is not usable here; timing the workload instead");
        double t0 = now();
        workload();
        printf("  %.2f s\n", now() - t0);
        demo_note(&d, "by hand (linux-perf; kernel.perf_event_paranoid <= 2):");
        printf("  perf record -F 999 -g -o perf.data -- %s --workload\n", exe);
        printf("  perf script -i perf.data | python3 labs/tune/demo/flamegraph.py > flame.svg\n");
        if (dir[strlen(dir) - 1] != 'X')
            rmdir(dir);
        return demo_end(&d);
    }
    demo_step(&d, "perf record -g: sampling the call stack 999 times a second");
    snprintf(cmd, sizeof cmd, "perf record -q -F 999 -g -o %s/perf.data -- '%s' --workload", dir,
             exe);
    if (system(cmd) != 0)
        printf("  perf record failed: %s\n", cmd);
    demo_step(&d, "folded stacks: the leaf functions holding the most samples");
    snprintf(
        cmd, sizeof cmd,
        "perf script -i %s/perf.data 2>/dev/null > %s/perf.txt; "
        "python3 '%s' --folded < %s/perf.txt | awk '{n=$NF; $NF=\"\"; c=split($0,f,\";\"); "
        "sub(/ $/,\"\",f[c]); s[f[c]]+=n; t+=n} END {for (k in s) printf \"%%6.1f%%%%  %%s\\n\", "
        "100*s[k]/t, k}' | sort -rn | head -8",
        dir, dir, script, dir);
    if (system(cmd) != 0)
        printf("  folding failed\n");
    snprintf(cmd, sizeof cmd, "python3 '%s' < %s/perf.txt > '%s'", script, dir, out);
    if (system(cmd) == 0)
        printf("\n  flame graph: %s (open it in a browser; hover a box for its share)\n", out);
    else
        printf("\n  no flame graph: %s\n", cmd);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("  could not remove %s\n", dir);
    demo_note(&d, "then change one thing, and compare benchmarks with `grader compare`");
    return demo_end(&d);
}
