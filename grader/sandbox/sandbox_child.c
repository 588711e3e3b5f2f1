/*
 * sandbox_child.c — the two sandbox processes below the grader.
 *
 * Everything here runs after a clone(), so it only makes system calls: no
 * malloc, no stdio, no locks (the grader may have other threads). The plan
 * was prepared by the parent; any failure is reported on the control pipe
 * as one sb_msg_t and the process exits.
 *
 *   init    born in the new namespaces (clone with CLONE_NEW*): pid 1 of
 *           the new pid namespace (or a child subreaper without one).
 *           Builds the mount view, waits for the grader's "go" (sent once
 *           init sits in the run's cgroup), starts the target, reaps
 *           everything, kills what outlives the target, reports the
 *           target's status.
 *   target  drops privileges, sets rlimits, no_new_privs, the seccomp
 *           filter, and executes argv.
 *
 * init is made by the raw clone system call, not by fork(): glibc has no
 * fork that takes namespace flags, and a process in between (unshare, then
 * fork) costs a whole process per run. So init (and the target, which
 * shares init's memory until it executes) runs on a copy of libc's state
 * taken while other threads may have been in the middle of anything: it
 * calls no libc function that looks at threads or locks. In particular the
 * uid and gid changes are raw system calls (libc's would signal "the other
 * threads", the grader's, whose thread ids it still remembers).
 *
 * Interface: sb_init_spawn(plan) in the grader → init → target.
 */
#include "sandbox_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)    /* ABI 3 (Linux 6.2); Debian 12's headers are 6.1 */
#endif
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void send_msg(int fd, int type, int value, int where)
{
    sb_msg_t m = {.type = type, .value = value, .where = where};
    ssize_t n;
    do
        n = write(fd, &m, sizeof(m));
    while (n < 0 && errno == EINTR);
}

static _Noreturn void fail(int ctl, int type, int where)
{
    send_msg(ctl, type, errno, where);
    _exit(127);
}

/* Writes a short string to a file; the id maps of a user namespace. */
static int write_file(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, s, strlen(s));
    int saved = errno;
    close(fd);
    errno = saved;
    return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* "id id 1\n" without stdio. */
static void id_line(char *buf, unsigned id)
{
    char num[16];
    int n = 0;
    do
        num[n++] = (char)('0' + id % 10);
    while ((id /= 10) > 0);
    char *b = buf;
    for (int rep = 0; rep < 2; rep++) {
        for (int i = n - 1; i >= 0; i--)
            *b++ = num[i];
        *b++ = ' ';
    }
    memcpy(b, "1\n", 3);
}

/* Maps our own uid and gid to themselves in the new user namespace, so
 * files keep their owners and the target runs without capabilities. */
static int map_ids(const sb_plan_t *p)
{
    char line[64];
    if (write_file("/proc/self/setgroups", "deny") < 0)
        return -1;
    id_line(line, p->outer_uid);
    if (write_file("/proc/self/uid_map", line) < 0)
        return -1;
    id_line(line, p->outer_gid);
    return write_file("/proc/self/gid_map", line);
}

static int ns_flags(const sb_plan_t *p)
{
    bool new_net = p->netns && p->netns_fd < 0;
    return (p->userns ? CLONE_NEWUSER : 0) | (p->pidns ? CLONE_NEWPID : 0) |
           (p->mountns ? CLONE_NEWNS : 0) | (new_net ? CLONE_NEWNET : 0) |
           (p->ipcns ? CLONE_NEWIPC | CLONE_NEWCGROUP : 0) | (p->utsns ? CLONE_NEWUTS : 0);
}

static void set_limit(int res, uint64_t soft, uint64_t hard)
{
    struct rlimit rl = {.rlim_cur = soft, .rlim_max = hard};
    if (setrlimit(res, &rl) < 0)
        fail(3, SB_MSG_SETUPFAIL, SB_STEP_RLIMIT);
}

/* Runs after set_fds(): failures go to fd 3. */
static void set_rlimits(const sb_plan_t *p)
{
    /* CPU: SIGXCPU at the soft limit, SIGKILL one second later. */
    if (p->cpu_s > 0)
        set_limit(RLIMIT_CPU, p->cpu_s, p->cpu_s + 1);
    set_limit(RLIMIT_FSIZE, p->fsize, p->fsize);
    set_limit(RLIMIT_NOFILE, 1024, 1024);
    set_limit(RLIMIT_CORE, 0, 0);
    set_limit(RLIMIT_STACK, 8u << 20, 8u << 20);
    if (p->rlimit_as && p->memory > 0)
        set_limit(RLIMIT_AS, p->memory, p->memory);
    if (p->rlimit_nproc && p->pids > 0)
        set_limit(RLIMIT_NPROC, (uint64_t)p->pids, (uint64_t)p->pids);
}

/* Where the target reports setup failures once set_fds() ran: fd 3, or
 * fd 4 when fd 3 is the record pipe. */
static int ctl_fd(const sb_plan_t *p)
{
    return p->rec_w >= 0 ? 4 : 3;
}

/* stdin from /dev/null, stdout and stderr to the pipes, the record pipe (if
 * any) on fd 3, the control pipe on the next fd until exec, nothing else.
 * Every descriptor is first moved above 9, so no dup2 below overwrites a
 * pipe end that has not been placed yet. */
static void set_fds(const sb_plan_t *p)
{
    int out = fcntl(p->out_w, F_DUPFD, 10), err = fcntl(p->err_w, F_DUPFD, 10);
    int ctl = fcntl(p->ctl_w, F_DUPFD_CLOEXEC, 10);
    int rec = p->rec_w >= 0 ? fcntl(p->rec_w, F_DUPFD, 10) : -1;
    int nul0 = open("/dev/null", O_RDONLY), nul = nul0 >= 0 ? fcntl(nul0, F_DUPFD, 10) : -1;
    if (out < 0 || err < 0 || ctl < 0 || (p->rec_w >= 0 && rec < 0) || nul < 0)
        fail(p->ctl_w, SB_MSG_SETUPFAIL, SB_STEP_FDS);
    int c = ctl_fd(p);
    if (dup3(ctl, c, O_CLOEXEC) < 0 || dup2(nul, 0) < 0 || dup2(out, 1) < 0 ||
        dup2(err, 2) < 0 || (rec >= 0 && dup2(rec, 3) < 0))
        fail(ctl, SB_MSG_SETUPFAIL, SB_STEP_FDS);
    if (syscall(SYS_close_range, (unsigned)c + 1, ~0u, 0u) < 0)
        fail(c, SB_MSG_SETUPFAIL, SB_STEP_FDS);
}

/* Landlock: from here on files may be written (or made, removed, renamed)
 * only beneath the scratch dir, /tmp and /dev. The mount view is read-only
 * everywhere else already; what this adds is /proc, where a process could
 * otherwise open its own memory for writing and patch code that page
 * protections keep read-only. A kernel without Landlock was probed for. */
static void restrict_writes(const sb_plan_t *p)
{
    __u64 fs = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
               LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
               LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
               LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
               LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;
    if (p->landlock_abi >= 2)
        fs |= LANDLOCK_ACCESS_FS_REFER;
    if (p->landlock_abi >= 3)
        fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
    struct landlock_ruleset_attr attr = {.handled_access_fs = fs};
    int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (rs < 0)
        fail(ctl_fd(p), SB_MSG_SETUPFAIL, SB_STEP_LANDLOCK);
    const char *writable[] = {p->spec->scratch_dir, "/tmp", "/dev"};
    for (size_t i = 0; i < sizeof writable / sizeof *writable; i++) {
        int dir = writable[i] ? open(writable[i], O_PATH | O_CLOEXEC) : -1;
        if (dir < 0)
            continue;
        struct landlock_path_beneath_attr rule = {.allowed_access = fs, .parent_fd = dir};
        long rc = syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
        close(dir);
        if (rc < 0)
            fail(ctl_fd(p), SB_MSG_SETUPFAIL, SB_STEP_LANDLOCK);
    }
    if (syscall(SYS_landlock_restrict_self, rs, 0) < 0)
        fail(ctl_fd(p), SB_MSG_SETUPFAIL, SB_STEP_LANDLOCK);
    close(rs);
}

static void drop_privileges(const sb_plan_t *p)
{
    if (p->drop_uid || p->userns) {
        /* Empty the bounding set while we still may (CAP_SETPCAP). */
        for (int cap = 0; cap <= 63; cap++)
            if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
                break;
    }
    if (p->drop_uid) {
        if (syscall(SYS_setgroups, 0, NULL) < 0 ||
            syscall(SYS_setresgid, SB_NOBODY, SB_NOBODY, SB_NOBODY) < 0 ||
            syscall(SYS_setresuid, SB_NOBODY, SB_NOBODY, SB_NOBODY) < 0)
            fail(3, SB_MSG_SETUPFAIL, SB_STEP_UID);
    }
    if (p->drop_uid || p->userns) {
        /* No capability survives, even in the user namespace we own. */
        struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
        struct __user_cap_data_struct d[2];
        memset(d, 0, sizeof(d));
        if (syscall(SYS_capset, &h, d) < 0)
            fail(3, SB_MSG_SETUPFAIL, SB_STEP_UID);
    }
}

static _Noreturn void run_target(const sb_plan_t *p)
{
    setsid();
    set_fds(p);                 /* from here on, failures go to ctl_fd(p) */
    int ctl = ctl_fd(p);
    if (p->cwd && chdir(p->cwd) < 0)
        fail(ctl, SB_MSG_SETUPFAIL, SB_STEP_CHDIR);
    set_rlimits(p);
    drop_privileges(p);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        fail(ctl, SB_MSG_SETUPFAIL, SB_STEP_SECCOMP);
    if (p->landlock)
        restrict_writes(p);
    if (p->seccomp && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &p->bpf) < 0)
        fail(ctl, SB_MSG_SETUPFAIL, SB_STEP_SECCOMP);
    execve(p->argv[0], p->argv, p->envp);
    fail(ctl, SB_MSG_EXECFAIL, 0);
}

static int target_main(void *plan)
{
    run_target(plan);
}

/* Starts the target the way posix_spawn does: it borrows init's memory
 * (CLONE_VM) until it executes, and init waits until then (CLONE_VFORK),
 * so no page table of the grader's image is copied a second time. Its
 * stack is a buffer in this frame, which stays put while init waits; being
 * inside the stack the thread had, it is where a sanitizer (which checks
 * stack bounds when the target fails and exits) expects a stack to be. */
__attribute__((no_sanitize_address)) static pid_t spawn_target(const sb_plan_t *p)
{
    char stack[64 << 10] __attribute__((aligned(64)));
    return clone(target_main, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD,
                 (void *)p);
}

/* Without a pid namespace: kill every descendant (they were reparented to
 * us, the subreaper) until none is left. */
static void kill_descendants(void)
{
    char path[64] = "/proc/self/task/";
    char *end = path + strlen(path);
    pid_t self = getpid();
    /* tid of a single-threaded process = pid */
    char num[16];
    int n = 0;
    unsigned v = (unsigned)self;
    do
        num[n++] = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    while (n > 0)
        *end++ = num[--n];
    memcpy(end, "/children", 10);
    for (;;) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            char buf[4096];
            ssize_t len = read(fd, buf, sizeof(buf) - 1);
            close(fd);
            long pid = 0;
            for (ssize_t i = 0; i < len; i++) {
                if (buf[i] >= '0' && buf[i] <= '9') {
                    pid = pid * 10 + (buf[i] - '0');
                } else if (pid > 0) {
                    kill((pid_t)pid, SIGKILL);
                    pid = 0;
                }
            }
        }
        if (waitpid(-1, NULL, __WALL) < 0 && errno == ECHILD)
            return;
    }
}

/* True when /proc/net/unix (of our network namespace) lists a socket, or
 * cannot be read. A socket can outlive its processes: one sent over itself
 * stays in its own queue until the kernel's collector finds it. */
static int unix_sockets_left(void)
{
    int fd = open("/proc/net/unix", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 1;
    char buf[512];
    ssize_t n, total = 0;
    int lines = 0;
    while ((n = read(fd, buf, sizeof(buf))) > 0 && lines < 2) {
        for (ssize_t i = 0; i < n; i++)
            lines += buf[i] == '\n';
        total += n;
    }
    close(fd);
    return n < 0 || total == 0 || lines >= 2;   /* the first line is the header */
}

/* Blocks until the grader says go: 1 when it did, 0 when it closed the
 * socket instead (the run is abandoned). */
static int wait_go(const sb_plan_t *p)
{
    char go;
    ssize_t n;
    while ((n = read(p->go_r, &go, 1)) < 0 && errno == EINTR)
        ;
    close(p->go_r);
    return n == 1;
}

/* Closes every descriptor but the plan's (the pipes, "go", the kept
 * network namespace). Another thread of the grader may have had pipes open
 * when we were cloned: holding their write ends would keep that run from ever
 * seeing EOF. */
static void close_others(const sb_plan_t *p)
{
    enum { N = 6 };
    int keep[N] = {p->out_w, p->err_w, p->ctl_w, p->go_r, p->netns_fd, p->rec_w};
    for (int i = 1; i < N; i++)     /* insertion sort of six */
        for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
            int t = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = t;
        }
    unsigned lo = 3;
    for (int i = 0; i < N; i++) {
        if (keep[i] < 0)
            continue;
        if ((unsigned)keep[i] > lo)
            syscall(SYS_close_range, lo, (unsigned)keep[i] - 1, 0u);
        if ((unsigned)keep[i] + 1 > lo)
            lo = (unsigned)keep[i] + 1;
    }
    syscall(SYS_close_range, lo, ~0u, 0u);
}

/* The grader may ignore SIGPIPE or block signals in its thread; both
 * would survive exec and change how the target behaves. */
static void reset_signals(void)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Enters the kept network namespace and writes the id maps of a new user
 * namespace. Returns 0, or -1 with errno and *where set. */
static int join_namespaces(const sb_plan_t *p, int *where)
{
    *where = SB_STEP_UNSHARE;
    if (p->netns_fd >= 0) {
        if (setns(p->netns_fd, CLONE_NEWNET) < 0)
            return -1;
        close(p->netns_fd);
    }
    *where = SB_STEP_IDMAP;
    return p->userns ? map_ids(p) : 0;
}

static _Noreturn void run_init(const sb_plan_t *p)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    reset_signals();
    close_others(p);
    setpgid(0, 0);
    if (!p->pidns)
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    int where;
    if (join_namespaces(p, &where) < 0)
        fail(p->ctl_w, SB_MSG_SETUPFAIL, where);
    /* The grader moves us into the cgroup meanwhile: that move waits for
     * the kernel (an RCU grace period), and this work overlaps it. */
    if (p->mountns && sb_mount_view(p) < 0)
        fail(p->ctl_w, SB_MSG_SETUPFAIL, SB_STEP_MOUNT);
    if (p->netns && p->spec->network == SANDBOX_NET_LOOPBACK && sb_loopback_up() < 0)
        fail(p->ctl_w, SB_MSG_SETUPFAIL, SB_STEP_NET);
    if (p->utsns)
        sethostname("sandbox", 7);
    /* Nothing of the submission may run outside the cgroup. */
    if (!wait_go(p))
        _exit(127);
    pid_t target = spawn_target(p);
    if (target < 0)
        fail(p->ctl_w, SB_MSG_SETUPFAIL, SB_STEP_FORK);
    send_msg(p->ctl_w, SB_MSG_TARGET, target, 0);
    close(p->out_w);
    close(p->err_w);
    if (p->rec_w >= 0)
        close(p->rec_w);
    int status = 0;
    for (;;) {
        int st;
        pid_t w = waitpid(-1, &st, __WALL);
        if (w == target) {
            status = st;
            break;
        }
        if (w < 0 && errno != EINTR)
            break;
    }
    if (!p->pidns)
        kill_descendants();
    int kept_sockets = 0;
    if (p->netns_fd >= 0) {
        /* A kept namespace goes back to the pool only if no socket of this
         * run is left in it, so first nothing of the run may be alive. */
        kill(-1, SIGKILL);
        while (waitpid(-1, NULL, __WALL) >= 0 || errno == EINTR)
            ;
        kept_sockets = !p->check_netns || unix_sockets_left();
    }
    send_msg(p->ctl_w, SB_MSG_STATUS, status, kept_sockets);
    /* pid 1 exiting kills the rest of its namespace. */
    _exit(0);
}

pid_t sb_init_spawn(const sb_plan_t *p)
{
    long pid = syscall(SYS_clone, (unsigned long)ns_flags(p) | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0)
        run_init(p);
    return pid < 0 ? -errno : (pid_t)pid;
}
