/*
 * sandbox_seccomp.c — the system-call filter of every sandboxed process.
 *
 * An allowlist: a call the filter does not know — one a newer kernel added
 * after this libseccomp — fails with ENOSYS, as on an older kernel, and
 * libc falls back. Compilers, test binaries and benchmarks need hundreds
 * of ordinary calls, so the list is every call libseccomp knows for this
 * architecture, except a short list that must never happen: debugging
 * other processes (ptrace, process_vm_*), loading code into the kernel
 * (bpf, modules, kexec), changing the view of the system (mount,
 * namespaces), the kernel keyring, perf, swap, reboot. Those kill the
 * whole process (SIGSYS, the SECURITY verdict). Calls of another ABI (int
 * $0x80, x32) are killed too: the filter only understands the native one.
 * clone() is allowed without namespace flags only; sockets only for the
 * families of the lab's network policy; io_uring (which bypasses the
 * filter's view of I/O) only for the labs that need it.
 *
 * Without a pid namespace (the degraded mode) the grader is visible, and
 * signals to it must be refused while signals to anyone else are allowed —
 * a rule an allowlist cannot state per argument — so that mode keeps a
 * deny list on top of "allow", with those signal rules.
 *
 * Building the program with libseccomp costs about a millisecond, more
 * than loading it, and only a few inputs change it (io_uring allowed, the
 * network policy, whether there is a pid namespace, and then the grader's
 * pid and process group). So each distinct program is built once in the
 * parent, exported as raw BPF and kept for the life of the process in a
 * small cache under a lock; runs share it read-only and the child only
 * loads it (no allocation after fork).
 *
 * Interface: sb_seccomp_build(spec, grader_pid, plan) → plan->bpf (shared,
 * never freed by the run) → sb_seccomp_free(plan).
 */
#include "sandbox_impl.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

/* A comparison of argument 0 with one operand. libseccomp's one-operand
 * form leaves the mask to C's zero-fill, which clang reports
 * (-Wmissing-field-initializers); the mask is given, 0, here. */
#define SB_ARG0_64(op, x) SCMP_A0_64(op, x, 0)
#define SB_ARG0_32(op, x) SCMP_A0_32(op, x, 0)

/* Killed on sight. */
static const char *const deadly[] = {
    "ptrace", "process_vm_readv", "process_vm_writev", "bpf", "userfaultfd",
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
    "fsopen", "fsmount", "fsconfig", "fspick", "move_mount", "open_tree", "mount_setattr",
    "keyctl", "add_key", "request_key", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff",
    "perf_event_open", "acct", "quotactl", "syslog", "iopl", "ioperm",
    "open_by_handle_at", "lookup_dcookie", "vhangup", NULL};

static const char *const io_uring_calls[] = {"io_uring_setup", "io_uring_enter",
                                             "io_uring_register", NULL};

static int add_all(scmp_filter_ctx ctx, uint32_t action, const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        int nr = seccomp_syscall_resolve_name(names[i]);
        if (nr == __NR_SCMP_ERROR)
            continue;   /* not on this architecture */
        int rc = seccomp_rule_add(ctx, action, nr, 0);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Calls whose rules depend on their arguments or on the policy: never in
 * the plain allowlist. */
static const char *const special[] = {"clone", "clone3", "socket", "io_uring_setup",
                                      "io_uring_enter", "io_uring_register", NULL};

static bool listed(const char *const *names, const char *name)
{
    for (size_t i = 0; names[i]; i++)
        if (!strcmp(names[i], name))
            return true;
    return false;
}

/* Allows every call libseccomp knows for this architecture but the deadly
 * and the special ones. */
static int add_allowlist(scmp_filter_ctx ctx)
{
    for (int nr = 0; nr < 1024; nr++) {
        char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
        int rc = 0;
        if (name && !listed(deadly, name) && !listed(special, name))
            rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
        free(name);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* clone() may not create namespaces; clone3() hides its flags in memory,
 * so it answers ENOSYS and libc falls back to clone(). With an allowlist
 * (allow), clone without namespace flags is allowed explicitly. */
static int add_clone_rules(scmp_filter_ctx ctx, bool allow)
{
    static const uint64_t ns_flags[] = {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET,
                                        CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP};
    uint64_t all = 0;
    for (size_t i = 0; i < sizeof(ns_flags) / sizeof(ns_flags[0]); i++) {
        all |= ns_flags[i];
        int rc = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(clone), 1,
                                  SCMP_A0_64(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
        if (rc < 0)
            return rc;
    }
    /* With an allowlist, clone3 gets the default action (ENOSYS) already;
     * libseccomp refuses a rule that repeats the default. */
    if (allow)
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                                SCMP_A0_64(SCMP_CMP_MASKED_EQ, all, 0));
    return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
}

/* socket() families: AF_UNIX always; AF_INET and AF_INET6 with loopback.
 * Any value with high bits set is "greater than" and refused too. With an
 * allowlist (allow), the permitted families are allowed explicitly. */
static int add_socket_rules(scmp_filter_ctx ctx, sandbox_net_t net, bool allow)
{
    uint32_t no = SCMP_ACT_ERRNO(EAFNOSUPPORT);
    const uint64_t families[] = {AF_UNIX, AF_INET, AF_INET6};
    size_t n_allowed = net == SANDBOX_NET_NONE ? 1 : 3;
    for (size_t i = 0; allow && i < n_allowed; i++) {
        int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
                                  SB_ARG0_64(SCMP_CMP_EQ, families[i]));
        if (rc < 0)
            return rc;
    }
    int rc = seccomp_rule_add(ctx, no, SCMP_SYS(socket), 1, SB_ARG0_64(SCMP_CMP_EQ, AF_UNSPEC));
    if (net == SANDBOX_NET_NONE)
        return rc < 0 ? rc
                      : seccomp_rule_add(ctx, no, SCMP_SYS(socket), 1,
                                         SB_ARG0_64(SCMP_CMP_GT, AF_UNIX));
    for (uint64_t f = AF_INET + 1; rc == 0 && f < AF_INET6; f++)
        rc = seccomp_rule_add(ctx, no, SCMP_SYS(socket), 1, SB_ARG0_64(SCMP_CMP_EQ, f));
    return rc < 0
               ? rc
               : seccomp_rule_add(ctx, no, SCMP_SYS(socket), 1, SB_ARG0_64(SCMP_CMP_GT, AF_INET6));
}

/* Without a pid namespace the grader is visible: signals to it, to its
 * process group and to "everyone" (-1) are refused. */
static int add_kill_rules(scmp_filter_ctx ctx, pid_t grader)
{
    uint32_t no = SCMP_ACT_ERRNO(EPERM);
    const uint32_t targets[] = {(uint32_t)-1, (uint32_t)grader, (uint32_t)-grader,
                                (uint32_t)-getpgrp()};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(targets) / sizeof(targets[0]); i++) {
        rc = seccomp_rule_add(ctx, no, SCMP_SYS(kill), 1, SB_ARG0_32(SCMP_CMP_EQ, targets[i]));
        if (rc == 0 && (int32_t)targets[i] > 0)
            rc = seccomp_rule_add(ctx, no, SCMP_SYS(tgkill), 1,
                                  SB_ARG0_32(SCMP_CMP_EQ, targets[i]));
        if (rc == 0 && (int32_t)targets[i] > 0)
            rc = seccomp_rule_add(ctx, no, SCMP_SYS(pidfd_open), 1,
                                  SB_ARG0_32(SCMP_CMP_EQ, targets[i]));
    }
    return rc;
}

/* allowlist: the default action denies, so what is allowed is listed. */
static int add_rules(scmp_filter_ctx ctx, const sandbox_spec_t *spec, pid_t grader,
                     const sb_plan_t *p, bool allowlist)
{
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc == 0)
        rc = add_all(ctx, SCMP_ACT_KILL_PROCESS, deadly);
    if (rc == 0)
        rc = add_all(ctx, spec->io_uring ? SCMP_ACT_ALLOW : SCMP_ACT_KILL_PROCESS,
                     io_uring_calls);
    if (rc == 0)
        rc = add_clone_rules(ctx, allowlist);
    if (rc == 0)
        rc = add_socket_rules(ctx, spec->network, allowlist);
    if (rc == 0 && allowlist)
        rc = add_allowlist(ctx);
    if (rc == 0 && !p->pidns)
        rc = add_kill_rules(ctx, grader);
    return rc;
}

/* Exports the filter as BPF into a malloc'd program. */
static int export_bpf(scmp_filter_ctx ctx, struct sock_fprog *out)
{
    int fd = memfd_create("sandbox-bpf", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = seccomp_export_bpf(ctx, fd);
    off_t size = rc == 0 ? lseek(fd, 0, SEEK_END) : -1;
    if (rc == 0 && (size <= 0 || size % (off_t)sizeof(struct sock_filter)))
        rc = -EINVAL;
    struct sock_filter *prog = rc == 0 ? malloc((size_t)size) : NULL;
    if (rc == 0 && !prog)
        rc = -ENOMEM;
    if (rc == 0 && pread(fd, prog, (size_t)size, 0) != size)
        rc = -EIO;
    close(fd);
    if (rc < 0) {
        free(prog);
        return rc;
    }
    out->filter = prog;
    out->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
    return 0;
}

static int compile(const sandbox_spec_t *spec, pid_t grader, const sb_plan_t *p,
                   struct sock_fprog *out)
{
    bool allowlist = p->pidns;   /* see the top of the file */
    scmp_filter_ctx ctx = seccomp_init(allowlist ? SCMP_ACT_ERRNO(ENOSYS) : SCMP_ACT_ALLOW);
    if (!ctx)
        return -ENOMEM;
    /* A binary tree of hundreds of allowed calls instead of a linear scan. */
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    if (rc == 0)
        rc = add_rules(ctx, spec, grader, p, allowlist);
    if (rc == 0)
        rc = export_bpf(ctx, out);
    seccomp_release(ctx);
    return rc;
}

/* ---- the cache of compiled programs ---- */

/* Everything add_rules() reads. The pids only matter without a pid
 * namespace (the kill rules); they are zero otherwise. */
typedef struct sb_bpf_key {
    bool io_uring, pidns;
    sandbox_net_t network;
    pid_t grader, pgrp;
} sb_bpf_key_t;

/* 2 (io_uring) × 2 (network) programs, times the pid-namespace variant:
 * a handful. A full cache (the process group changed many times) still
 * works: the run gets a program of its own. */
enum { SB_BPF_CACHE = 16 };

static struct {
    pthread_mutex_t lock;
    size_t n;                           /* guarded by lock */
    sb_bpf_key_t key[SB_BPF_CACHE];     /* guarded by lock; never change once set */
    struct sock_fprog prog[SB_BPF_CACHE];
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool same_key(const sb_bpf_key_t *a, const sb_bpf_key_t *b)
{
    return a->io_uring == b->io_uring && a->pidns == b->pidns && a->network == b->network &&
           a->grader == b->grader && a->pgrp == b->pgrp;
}

/* The cached program for key; NULL when there is none. Caller holds the lock. */
static const struct sock_fprog *cache_find(const sb_bpf_key_t *key)
{
    for (size_t i = 0; i < cache.n; i++)
        if (same_key(&cache.key[i], key))
            return &cache.prog[i];
    return NULL;
}

int sb_seccomp_build(const sandbox_spec_t *spec, pid_t grader, sb_plan_t *p)
{
    sb_bpf_key_t key = {.io_uring = spec->io_uring, .pidns = p->pidns,
                        .network = spec->network == SANDBOX_NET_NONE ? SANDBOX_NET_NONE
                                                                      : SANDBOX_NET_LOOPBACK,
                        .grader = p->pidns ? 0 : grader, .pgrp = p->pidns ? 0 : getpgrp()};
    p->bpf_owned = false;
    pthread_mutex_lock(&cache.lock);
    const struct sock_fprog *hit = cache_find(&key);
    int rc = 0;
    if (!hit && cache.n < SB_BPF_CACHE) {
        /* Built under the lock: the first runs of each policy wait for one
         * build instead of all building the same program. */
        rc = compile(spec, grader, p, &cache.prog[cache.n]);
        if (rc == 0) {
            cache.key[cache.n] = key;
            hit = &cache.prog[cache.n++];
        }
    }
    if (hit)
        p->bpf = *hit;
    pthread_mutex_unlock(&cache.lock);
    if (hit || rc < 0)
        return rc;
    p->bpf_owned = true;
    return compile(spec, grader, p, &p->bpf);
}

void sb_seccomp_free(sb_plan_t *p)
{
    if (p->bpf_owned)
        free(p->bpf.filter);
    p->bpf.filter = NULL;
    p->bpf.len = 0;
    p->bpf_owned = false;
}
