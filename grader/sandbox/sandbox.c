/*
 * sandbox.c — run one untrusted command with limits and report what it did.
 *
 * The parent side of the sandbox: it turns a spec into a plan (which
 * mechanisms this host allows, the argv and environment, the seccomp
 * program, the cgroup), clones init (sandbox_child.c), then pumps the
 * stdout and stderr pipes into head+tail captures while it watches the
 * wall clock and the tree's CPU time. When a limit is hit the whole tree is
 * killed: by the cgroup when there is one, by killing pid 1 of the pid
 * namespace, or else by killing the target's session and letting init (a
 * subreaper) sweep the rest. The verdict follows one precedence:
 * security > memory > timeout > output limit > signal > exit.
 *
 * Interface: sandbox_run(&spec, &res) → read res → sandbox_result_free(&res).
 */
#include "sandbox_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { SB_DEFAULT_CAP = 32 << 10, SB_DEFAULT_RECORD_CAP = 16 << 20 };
#define SB_DEFAULT_FSIZE (64ull << 20)
#define SB_DEFAULT_WALL 60.0
#define SB_KILL_GRACE 2.0   /* seconds to drain pipes after a kill */

static _Thread_local char last_error[256];

const char *sandbox_last_error(void)
{
    return last_error;
}

static int set_error(int err, const char *what)
{
    snprintf(last_error, sizeof(last_error), "%s: %s", what, strerror(-err));
    return err;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the plan ---- */

static const char *const default_env[] = {
    "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "HOME=/tmp", NULL};

/* True when the program is built with a sanitizer that reserves terabytes
 * of address space (its runtime's entry point is named in the binary):
 * RLIMIT_AS would kill it at start, so it cannot be the memory floor. */
static bool sanitized(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size <= 0) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return false;
    bool found = memmem(m, (size_t)st.st_size, "__asan_init", 11) ||
                 memmem(m, (size_t)st.st_size, "__tsan_init", 11) ||
                 memmem(m, (size_t)st.st_size, "__msan_init", 11);
    munmap(m, (size_t)st.st_size);
    return found;
}

static void plan_mechanisms(const sandbox_spec_t *spec, const sb_host_t *h, bool cgroup,
                            sb_plan_t *p)
{
    p->userns = h->ns && !h->root;
    p->pidns = p->ipcns = p->utsns = p->netns = h->ns;
    /* The mount view needs to know what to show; without a scratch dir
     * there is nothing writable to give. */
    p->mountns = h->ns && spec->scratch_dir != NULL;
    p->drop_uid = h->root;
    p->seccomp = h->seccomp;
    p->rlimit_as = !(cgroup && h->cg_memory) && spec->memory_bytes > 0 &&
                   !sanitized(spec->argv[0]);
    /* Without a pids cgroup RLIMIT_NPROC is the floor; it counts the
     * target uid's processes (nobody's, or ours in the user namespace). */
    p->rlimit_nproc = !(cgroup && h->cg_pids);
    p->proc = h->proc;
    /* A kept network namespace only where a run cannot leave anything in
     * it: no network, sockets limited to AF_UNIX by the filter, a pid
     * namespace that ends the whole tree, root (see sandbox_netns.c). */
    p->netns_fd = -1;
    if (p->netns && h->root && p->seccomp && p->pidns && spec->network == SANDBOX_NET_NONE)
        p->netns_fd = sb_netns_get();
    /* A socket can outlive every process (one in flight in its own queue,
     * say): init looks before the namespace goes back to the pool. */
    p->check_netns = p->netns_fd >= 0 && p->proc && p->mountns;
    /* Landlock keeps a test from writing where the mount view could not
     * stop it: /proc (its own /proc/self/mem, which writes through any
     * page protection). */
    p->landlock = h->landlock > 0 && p->mountns && spec->profile == SANDBOX_PROFILE_TEST;
    p->landlock_abi = h->landlock;
    p->outer_uid = getuid();
    p->outer_gid = getgid();
}

/* Tasks (threads) the uid already runs: RLIMIT_NPROC counts them too. */
static int tasks_of(uid_t uid)
{
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char path[300];
        struct stat st;
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/task", e->d_name);
        if (stat(path, &st) == 0 && st.st_uid == uid)
            n += (int)st.st_nlink - 2;
    }
    closedir(d);
    return n;
}

/* Hands the scratch dir to the uid the target runs as (root drops to
 * nobody, which must still write there). */
static int give_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)flag, (void)ftw;
    if (st->st_uid == SB_NOBODY && st->st_gid == SB_NOBODY)
        return 0;
    return lchown(path, SB_NOBODY, SB_NOBODY) < 0 ? -1 : 0;
}

static int give_scratch(const sb_plan_t *p, const char *dir)
{
    if (!p->drop_uid || !dir)
        return 0;
    return nftw(dir, give_entry, 16, FTW_PHYS) == 0 ? 0 : -errno;
}

static void plan_limits(const sandbox_spec_t *spec, sb_plan_t *p)
{
    p->fsize = spec->fsize_bytes ? spec->fsize_bytes : SB_DEFAULT_FSIZE;
    p->cpu_s = spec->cpu_s > 0 ? (uint64_t)(spec->cpu_s + 0.999) : 0;
    p->memory = spec->memory_bytes;
    p->pids = spec->pids;
    p->tmp_size = p->fsize;
    if (p->rlimit_nproc && p->pids > 0 && !p->userns)
        p->pids += tasks_of(p->drop_uid ? SB_NOBODY : getuid());
}

/* ---- the run ---- */

typedef struct sb_run {
    const sandbox_spec_t *spec;
    sb_plan_t plan;
    sb_cgroup_t *cg;
    sb_capture_t out, err;
    int out_r, err_r, ctl_r, rec_r;
    char *rec;                      /* fd 3, whole up to rec_cap */
    size_t rec_len, rec_total, rec_cap;
    bool netns_dirty;               /* init saw sockets left in a kept namespace */
    pid_t init;                     /* as seen by the grader */
    pid_t target;                   /* as seen in its pid namespace */
    bool reaped;                    /* init (so the whole tree) is gone */
    bool have_status;
    int status;
    int exec_errno, setup_errno, setup_step;
    bool killed, wall_hit, cpu_hit;
    double start, kill_time;
} sb_run_t;

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Kills the whole tree; the verdict is decided later. */
static void kill_tree(sb_run_t *r)
{
    if (r->cg)
        sb_cgroup_kill(r->cg);
    if (r->plan.pidns) {
        /* pid 1 dies, and its namespace with it. */
        if (r->init > 0)
            kill(r->init, SIGKILL);
    } else if (r->target > 0) {
        kill(-r->target, SIGKILL);
        kill(r->target, SIGKILL);
    }
    if (!r->killed)
        r->kill_time = now_s();
    r->killed = true;
}

static void read_ctl(sb_run_t *r)
{
    sb_msg_t m;
    ssize_t n = read(r->ctl_r, &m, sizeof(m));
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        close_fd(&r->ctl_r);
        return;
    }
    if (n != (ssize_t)sizeof(m))
        return;
    switch (m.type) {
    case SB_MSG_TARGET: r->target = m.value; break;
    case SB_MSG_STATUS:
        r->have_status = true;
        r->status = m.value;
        r->netns_dirty = m.where != 0;
        break;
    case SB_MSG_EXECFAIL: r->exec_errno = m.value; break;
    case SB_MSG_SETUPFAIL: r->setup_errno = m.value ? m.value : EIO; r->setup_step = m.where; break;
    }
}

static void read_stream(int *fd, sb_capture_t *c)
{
    char buf[65536];
    ssize_t n = read(*fd, buf, sizeof(buf));
    if (n > 0)
        sb_capture_add(c, buf, (size_t)n);
    else if (n == 0 || (errno != EINTR && errno != EAGAIN))
        close_fd(fd);
}

/* fd 3 of the target: kept whole up to rec_cap, the rest counted. */
static void read_record(sb_run_t *r)
{
    char buf[65536];
    ssize_t n = read(r->rec_r, buf, sizeof(buf));
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        close_fd(&r->rec_r);
        return;
    }
    if (n < 0)
        return;
    r->rec_total += (size_t)n;
    size_t keep = r->rec_len + (size_t)n > r->rec_cap ? r->rec_cap - r->rec_len : (size_t)n;
    if (!keep)
        return;
    char *grown = realloc(r->rec, r->rec_len + keep + 1);
    if (!grown) {
        r->rec_cap = r->rec_len;    /* keep what we have; the rest counts as cut */
        return;
    }
    r->rec = grown;
    memcpy(r->rec + r->rec_len, buf, keep);
    r->rec_len += keep;
    r->rec[r->rec_len] = '\0';
}

static void check_limits(sb_run_t *r, double wall_limit)
{
    double t = now_s();
    if (r->killed) {
        /* Whatever still holds a pipe after the grace period is ignored. */
        if (t - r->kill_time > SB_KILL_GRACE) {
            kill(-r->init, SIGKILL);
            kill(r->init, SIGKILL);
            close_fd(&r->out_r);
            close_fd(&r->err_r);
            close_fd(&r->ctl_r);
            close_fd(&r->rec_r);
        }
        return;
    }
    if (t - r->start >= wall_limit) {
        r->wall_hit = true;
        kill_tree(r);
    } else if (r->cg && r->spec->cpu_s > 0 && sb_cgroup_cpu(r->cg) > r->spec->cpu_s) {
        /* The rlimit is per process; the cgroup sees the whole tree. */
        r->cpu_hit = true;
        kill_tree(r);
    }
}

/* Pumps the pipes until all of them close, enforcing the wall clock. */
static void pump(sb_run_t *r)
{
    double wall = r->spec->wall_s > 0 ? r->spec->wall_s : SB_DEFAULT_WALL;
    while (r->out_r >= 0 || r->err_r >= 0 || r->ctl_r >= 0 || r->rec_r >= 0) {
        struct pollfd fds[4] = {{r->out_r, POLLIN, 0}, {r->err_r, POLLIN, 0},
                                {r->ctl_r, POLLIN, 0}, {r->rec_r, POLLIN, 0}};
        double left = r->killed ? SB_KILL_GRACE : wall - (now_s() - r->start);
        int ms = left <= 0 ? 0 : left > 0.1 ? 100 : (int)(left * 1000) + 1;
        int n = poll(fds, 4, ms);
        if (n < 0 && errno != EINTR)
            break;
        if (n > 0) {
            if (fds[0].revents)
                read_stream(&r->out_r, &r->out);
            if (fds[1].revents)
                read_stream(&r->err_r, &r->err);
            if (fds[2].revents)
                read_ctl(r);
            if (fds[3].revents)
                read_record(r);
        }
        check_limits(r, wall);
        if (r->setup_errno && !r->killed)
            kill_tree(r);
    }
}

static bool signaled(const sb_run_t *r, int sig)
{
    return r->have_status && WIFSIGNALED(r->status) && WTERMSIG(r->status) == sig;
}

/* security > memory > timeout > output limit > signal > exit */
static void decide(sb_run_t *r, const struct rusage *ru, sandbox_result_t *res)
{
    bool oom = false;
    uint64_t peak = 0;
    if (r->cg)
        sb_cgroup_usage(r->cg, &peak, &oom);
    res->peak_memory = peak ? peak : (uint64_t)ru->ru_maxrss * 1024;
    res->cpu_s = (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
                 (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
    double cg_cpu = r->cg ? sb_cgroup_cpu(r->cg) : -1;
    if (cg_cpu > res->cpu_s)
        res->cpu_s = cg_cpu;
    bool exited = r->have_status && WIFEXITED(r->status);
    if (exited)
        res->exit_code = WEXITSTATUS(r->status);
    else if (r->have_status && WIFSIGNALED(r->status))
        res->signal = WTERMSIG(r->status);
    else
        res->signal = SIGKILL;  /* init itself was killed: so was the target */
    bool cpu_over = r->spec->cpu_s > 0 && res->cpu_s >= r->spec->cpu_s;

    if (signaled(r, SIGSYS))
        res->status = SANDBOX_SECURITY;
    else if (oom && !exited)
        res->status = SANDBOX_MEMORY;
    else if (signaled(r, SIGXCPU) || (!exited && (r->cpu_hit || (cpu_over && !r->wall_hit &&
                                                  res->signal == SIGKILL))))
        res->status = SANDBOX_TIMEOUT_CPU;
    else if (!exited && r->wall_hit)
        res->status = SANDBOX_TIMEOUT_WALL;
    else if (signaled(r, SIGXFSZ))
        res->status = SANDBOX_OUTPUT_LIMIT;
    else if (!exited)
        res->status = SANDBOX_SIGNALED;
    else
        res->status = SANDBOX_EXITED;
}

/* The command could not be executed: report it as a shell would. */
static void exec_failed(sb_run_t *r, sandbox_result_t *res)
{
    char msg[512];
    int n = snprintf(msg, sizeof(msg), "sandbox: cannot execute %s: %s\n", r->spec->argv[0],
                     strerror(r->exec_errno));
    sb_capture_add(&r->err, msg, (size_t)n);
    res->status = SANDBOX_EXITED;
    res->exit_code = 127;
    res->signal = 0;
}

static const char *step_name(int step)
{
    static const char *const names[] = {
        "?", "unshare", "id map", "fork", "mount view", "network",
        "file descriptors", "chdir", "rlimits", "uid drop", "seccomp", "cgroup", "landlock"};
    return step > 0 && step <= SB_STEP_LANDLOCK ? names[step] : names[0];
}

/* pipes[0..9]: out, err, ctl, go (a socket), rec (only with spec.record),
 * read end first. */
static int make_pipes(int pipes[10], bool record)
{
    for (int i = 0; i < 10; i++)
        pipes[i] = -1;
    /* "go" is a socket so that a dead init cannot SIGPIPE the grader. */
    if (pipe2(&pipes[0], O_CLOEXEC) < 0 || pipe2(&pipes[2], O_CLOEXEC) < 0 ||
        pipe2(&pipes[4], O_CLOEXEC) < 0 ||
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, &pipes[6]) < 0 ||
        (record && pipe2(&pipes[8], O_CLOEXEC) < 0))
        return -errno;
    return 0;
}

static void close_pipes(int *fds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        close_fd(&fds[i]);
}

/* Moves init into the cgroup, then lets it start the target. The move
 * waits for the kernel (see sandbox_cgroup.c); init builds the mount view
 * meanwhile. init is our own child, so its pid cannot be reused before we
 * reap it. A cgroup that cannot take init fails the run: the plan counted
 * on its limits. */
static void start_target(sb_run_t *r, int *go)
{
    if (r->cg) {
        int rc = sb_cgroup_attach(r->cg, r->init);
        if (rc < 0) {
            r->setup_errno = -rc;
            r->setup_step = SB_STEP_CGROUP;
        }
    }
    /* Without "go" init exits before starting anything. */
    if (!r->setup_errno && send(*go, "g", 1, MSG_NOSIGNAL) != 1) {
        r->setup_errno = EIO;
        r->setup_step = SB_STEP_FORK;
    }
    close_fd(go);
}

/* Clones init; the target starts once init sits in the cgroup. */
static int launch(sb_run_t *r, int pipes[10])
{
    sb_plan_t *p = &r->plan;
    p->out_w = pipes[1];
    p->err_w = pipes[3];
    p->ctl_w = pipes[5];
    p->go_r = pipes[6];
    p->rec_w = pipes[9];
    r->init = sb_init_spawn(p);
    if (r->init < 0)
        return r->init;
    r->out_r = pipes[0];
    r->err_r = pipes[2];
    r->ctl_r = pipes[4];
    r->rec_r = pipes[8];
    pipes[0] = pipes[2] = pipes[4] = pipes[8] = -1;
    close_fd(&pipes[1]);
    close_fd(&pipes[3]);
    close_fd(&pipes[5]);
    close_fd(&pipes[6]);
    close_fd(&pipes[9]);
    start_target(r, &pipes[7]);
    return 0;
}

static int finish(sb_run_t *r, sandbox_result_t *res)
{
    int st;
    struct rusage ru;
    memset(&ru, 0, sizeof(ru));
    while (wait4(r->init, &st, __WALL, &ru) < 0 && errno == EINTR)
        ;
    r->reaped = true;
    res->wall_s = now_s() - r->start;
    if (r->setup_errno)
        return set_error(-r->setup_errno, step_name(r->setup_step));
    decide(r, &ru, res);
    if (r->exec_errno)
        exec_failed(r, res);
    int e1 = sb_capture_finish(&r->out, &res->out);
    int e2 = sb_capture_finish(&r->err, &res->err);
    if (r->spec->record) {
        res->rec.data = r->rec ? r->rec : strdup("");
        res->rec.len = r->rec_len;
        res->rec.total = r->rec_total;
        res->rec.truncated = r->rec_total > r->rec_len;
        r->rec = NULL;
        if (!res->rec.data)
            e1 = -ENOMEM;
    }
    return e1 ? e1 : e2;
}

static int prepare(sb_run_t *r, const sandbox_spec_t *spec)
{
    const sb_host_t *h = sb_probe();
    size_t cap = spec->output_cap ? spec->output_cap : SB_DEFAULT_CAP;
    if (sb_capture_init(&r->out, cap) < 0 || sb_capture_init(&r->err, cap) < 0)
        return set_error(-ENOMEM, "output buffers");
    if (h->cgroup_version && sb_cgroup_create(spec, !h->ns, &r->cg) < 0)
        r->cg = NULL;
    plan_mechanisms(spec, h, r->cg != NULL, &r->plan);
    plan_limits(spec, &r->plan);
    r->plan.spec = spec;
    r->plan.argv = (char *const *)spec->argv;
    r->plan.envp = (char *const *)(spec->envp ? spec->envp : default_env);
    r->plan.cwd = spec->cwd ? spec->cwd : spec->scratch_dir;
    int rc = r->plan.mountns ? sb_mount_plan(spec, &r->plan) : 0;
    if (rc < 0)
        return set_error(rc, "mount plan");
    rc = give_scratch(&r->plan, spec->scratch_dir);
    if (rc < 0)
        return set_error(rc, "scratch dir owner");
    if (r->plan.seccomp) {
        rc = sb_seccomp_build(spec, getpid(), &r->plan);
        if (rc < 0)
            return set_error(rc, "seccomp filter");
    }
    return 0;
}

int sandbox_run(const sandbox_spec_t *spec, sandbox_result_t *res)
{
    memset(res, 0, sizeof(*res));
    if (!spec || !spec->argv || !spec->argv[0])
        return set_error(-EINVAL, "spec");
    sb_run_t r = {.spec = spec, .out_r = -1, .err_r = -1, .ctl_r = -1, .rec_r = -1,
                  .rec_cap = spec->record_cap ? spec->record_cap : SB_DEFAULT_RECORD_CAP};
    r.plan.netns_fd = -1;
    int pipes[10];
    int rc = prepare(&r, spec);
    if (rc == 0 && (rc = make_pipes(pipes, spec->record)) < 0)
        set_error(rc, "pipes");
    if (rc == 0) {
        r.start = now_s();
        rc = launch(&r, pipes);
        if (rc < 0)
            set_error(rc, "fork");
        else {
            pump(&r);
            rc = finish(&r, res);
        }
    }
    close_pipes(pipes, 10);
    close_fd(&r.out_r);
    close_fd(&r.err_r);
    close_fd(&r.ctl_r);
    close_fd(&r.rec_r);
    free(r.rec);
    sb_capture_free(&r.out);
    sb_capture_free(&r.err);
    sb_seccomp_free(&r.plan);
    sb_mount_plan_free(&r.plan);
    sb_cgroup_destroy(r.cg);
    /* Reusable when the whole tree is gone and nothing of it stayed behind:
     * a namespace init could not look into is not given out again. */
    bool clean = r.init <= 0 || (r.reaped && r.have_status && !r.netns_dirty);
    sb_netns_put(r.plan.netns_fd, clean);
    if (rc < 0)
        sandbox_result_free(res), memset(res, 0, sizeof(*res));
    return rc;
}

void sandbox_result_free(sandbox_result_t *res)
{
    free(res->out.data);
    free(res->err.data);
    free(res->rec.data);
    res->out.data = res->err.data = res->rec.data = NULL;
}
