/*
 * sandbox_probe.c — what isolation this host allows, asked once.
 *
 * Each mechanism is tried for real in a throw-away child (namespaces
 * unshared, a tmpfs and a /proc mounted in them, a seccomp filter loaded),
 * because configuration files and kernel versions tell less than a try.
 * The answers are cached for the life of the process, and
 * sandbox_describe() turns them into one line.
 *
 * Interface: sb_probe() → const sb_host_t *; sandbox_describe().
 */
#include "sandbox_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static sb_host_t host;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char description[256];

static bool has_cap_sys_admin(void)
{
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) < 0)
        return false;
    return d[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32));
}

static int write_str(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, s, strlen(s));
    close(fd);
    return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* In a child: pid 1 of a new pid namespace mounts a tmpfs and a /proc. */
static int try_mounts(void)
{
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("tmpfs", "/tmp", "tmpfs", 0, "size=64k") < 0 || mkdir("/tmp/proc", 0755) < 0)
        return 1;
    return mount("proc", "/tmp/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ? 2 : 0;
}

/* In a child: the namespaces of the plan, as root or in a user namespace.
 * Exit 0: all work with /proc; 2: all but a fresh /proc; 1: no. */
static int try_namespaces(bool root)
{
    int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;
    if (!root) {
        char map[64];
        uid_t uid = getuid();
        gid_t gid = getgid();
        if (unshare(CLONE_NEWUSER | flags) < 0 || write_str("/proc/self/setgroups", "deny") < 0)
            return 1;
        snprintf(map, sizeof(map), "%u %u 1\n", uid, uid);
        if (write_str("/proc/self/uid_map", map) < 0)
            return 1;
        snprintf(map, sizeof(map), "%u %u 1\n", gid, gid);
        if (write_str("/proc/self/gid_map", map) < 0)
            return 1;
    } else if (unshare(flags) < 0) {
        return 1;
    }
    pid_t pid = fork();
    if (pid == 0)
        _exit(try_mounts());
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
        return 1;
    return WEXITSTATUS(st);
}

/* In a child: a filter that allows everything loads. */
static int try_seccomp(void)
{
    struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {.len = 1, .filter = &allow};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return 1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0 ? 1 : 0;
}

/* Runs fn in a child; its exit code, or -1. */
static int in_child(int (*fn)(bool), bool arg)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        _exit(fn(arg));
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int seccomp_adapter(bool unused)
{
    (void)unused;
    return try_seccomp();
}

static bool has_io_uring(void)
{
    /* A NULL params pointer: EFAULT if the call exists, ENOSYS if not. */
    long rc = syscall(SYS_io_uring_setup, 1, NULL);
    return rc < 0 && errno == EFAULT;
}

/* The Landlock ABI version the kernel offers; 0 without Landlock. */
static int landlock_abi(void)
{
    long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return v > 0 ? (int)v : 0;
}

/* UNDERGO_SANDBOX_OFF=ns,seccomp,cgroup turns mechanisms off, to see how
 * the sandbox degrades on a host without them (tests, `grader doctor`). */
static bool turned_off(const char *what)
{
    const char *off = getenv("UNDERGO_SANDBOX_OFF");
    size_t n = strlen(what);
    for (const char *p = off; p && *p; p += strcspn(p, ","), p += *p == ',')
        if (!strncmp(p, what, n) && (p[n] == ',' || p[n] == '\0'))
            return true;
    return false;
}

static void probe(void)
{
    memset(&host, 0, sizeof(host));
    host.root = geteuid() == 0 && has_cap_sys_admin();
    int ns = turned_off("ns") ? 1 : in_child(try_namespaces, host.root);
    host.ns = ns == 0 || ns == 2;
    host.proc = ns == 0;
    host.userns = host.ns && !host.root;
    host.seccomp = !turned_off("seccomp") && in_child(seccomp_adapter, false) == 0;
    host.io_uring = has_io_uring();
    host.landlock = turned_off("landlock") ? 0 : landlock_abi();
    if (!turned_off("cgroup"))
        sb_cgroup_probe(&host);
}

const sb_host_t *sb_probe(void)
{
    pthread_once(&once, probe);
    return &host;
}

static void describe(void)
{
    const sb_host_t *h = sb_probe();
    char cg[96] = "";
    if (h->cgroup_version)
        snprintf(cg, sizeof(cg), ", cgroup v%d (%s%s%s%s)", h->cgroup_version,
                 h->cg_memory ? "memory" : "", h->cg_pids ? " pids" : "", h->cg_cpu ? " cpu" : "",
                 h->cg_freezer ? " kill" : "");
    snprintf(description, sizeof(description), "rlimits, setsid, %s%s%s%s%s%s",
             h->ns ? "pid namespace" : "subreaper",
             h->ns ? (h->root ? ", mount/net/ipc/uts namespaces, uid nobody"
                              : ", user/mount/net/ipc/uts namespaces")
                   : "",
             h->ns && !h->proc ? " (no private /proc)" : "",
             h->seccomp ? ", seccomp" : "", h->landlock && h->ns ? ", landlock" : "", cg);
}

const char *sandbox_describe(void)
{
    static pthread_once_t d_once = PTHREAD_ONCE_INIT;
    pthread_once(&d_once, describe);
    return description;
}
