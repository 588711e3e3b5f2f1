/*
 * doctor.c — `grader doctor`: which isolation this host gives.
 *
 * One line per mechanism of the sandbox, saying whether it is active here
 * and, when it is not, what takes its place; then one real run of /bin/true
 * through the sandbox as a self-test. A missing mechanism is information,
 * not an error: the command returns 0 unless the sandbox cannot run at all.
 *
 * Interface: sandbox_doctor() → prints → 0 (the command is grader/cmd/doctor.c).
 */
#include "sandbox.h"
#include "sandbox_impl.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static void row(const char *what, bool on, const char *yes, const char *no)
{
    printf("  %-12s %-4s %s\n", what, on ? "yes" : "no", on ? yes : no);
}

static void cgroup_rows(const sb_host_t *h)
{
    char line[320];
    if (!h->cgroup_version) {
        snprintf(line, sizeof(line),
                 "%s: memory and process limits fall back to RLIMIT_AS "
                 "and RLIMIT_NPROC",
                 h->cg_why);
        row("cgroup", false, "", line);
        return;
    }
    snprintf(line, sizeof(line), "v%d, below the grader's own; %s", h->cgroup_version,
             h->cgroup_version == 1 ? "emptied and reused between runs" : "one per run");
    row("cgroup", true, line, "");
    row("  memory", h->cg_memory, "limit, peak and OOM kills (SANDBOX_MEMORY)",
        "RLIMIT_AS instead; no peak or OOM verdict");
    row("  pids", h->cg_pids, "limit on the whole tree", "RLIMIT_NPROC instead");
    row("  cpu", h->cg_cpu, "CPU time of the whole tree", "per-process RLIMIT_CPU only");
    row("  kill", h->cg_freezer, h->cgroup_version == 1 ? "freezer: frozen, then killed"
                                                        : "cgroup.kill",
        "killed without freezing");
}

static void self_test(void)
{
    const char *argv[] = {"/bin/true", NULL};
    sandbox_spec_t spec = {.argv = argv, .wall_s = 10, .cpu_s = 5, .memory_bytes = 64u << 20,
                           .pids = 16};
    sandbox_result_t res;
    int rc = sandbox_run(&spec, &res);
    if (rc < 0)
        printf("  self-test    FAIL sandbox_run(/bin/true): %s\n", sandbox_last_error());
    else
        printf("  self-test    %-4s /bin/true: status %d, exit %d, %.1f ms\n",
               res.status == SANDBOX_EXITED && res.exit_code == 0 ? "ok" : "FAIL", res.status,
               res.exit_code, res.wall_s * 1e3);
    sandbox_result_free(&res);
}

int sandbox_doctor(void)
{
    const sb_host_t *h = sb_probe();
    struct utsname u;
    uname(&u);
    printf("sandbox on %s %s, running as uid %d%s\n", u.sysname, u.release, (int)geteuid(),
           h->root ? " (root)" : "");
    row("namespaces", h->ns,
        h->root ? "pid, mount, net, ipc, uts, cgroup" : "user, pid, mount, net, ipc, uts, cgroup",
        "none: the tree is held by a subreaper and its session; the host's files, "
        "processes and network are visible");
    row("user ns", h->userns, "ids mapped to ours, no capabilities after exec",
        h->root ? "not needed: root drops to nobody" : "not allowed for this user");
    row("uid", true, h->root ? "nobody (65534), no capabilities, empty bounding set"
                             : "our own, no capabilities", "");
    row("/proc", h->ns && h->proc, "private to the run's pid namespace",
        h->ns ? "not mountable here: the view has no /proc" : "the host's");
    row("files", h->ns, "private root: /usr, /lib*, /bin, /sbin, some /etc and ro_paths "
                        "read-only; scratch dir writable; private /tmp and /dev",
        "the host's, with the target's uid permissions");
    row("network", h->ns, "own namespace: nothing, or loopback only",
        h->seccomp ? "the host's; socket families limited by seccomp" : "the host's");
    row("seccomp", h->seccomp,
        h->ns ? "allowlist (unknown calls: ENOSYS); other ABIs (int $0x80, x32) killed"
              : "deny list (no pid namespace); other ABIs (int $0x80, x32) killed",
        "not available: no system-call filter");
    row("landlock", h->landlock > 0 && h->ns,
        "test runs write only beneath their scratch dir, /tmp and /dev (not /proc/self/mem)",
        h->landlock ? "needs the private mount view" : "not in this kernel: /proc/self/mem "
                                                       "is writable by a test");
    row("io_uring", h->io_uring, "kernel has it; allowed only for labs that ask",
        "not in this kernel");
    cgroup_rows(h);
    row("rlimits", true, "CPU, FSIZE, NOFILE, CORE=0, STACK (+AS, NPROC without cgroup)", "");
    printf("  summary      %s\n", sandbox_describe());
    self_test();
    return 0;
}
