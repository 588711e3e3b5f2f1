/*
 * sandbox_impl.h — the sandbox's internal pieces, shared by its files only.
 *
 * sandbox_run() (sandbox.c) decides a plan (which mechanisms to use, from
 * the host's capabilities, sandbox_probe.c), prepares everything that needs
 * memory in the parent (argv, environment, the seccomp program, the cgroup),
 * then clones init. After the clone the children only make system calls,
 * so the grader may be multithreaded. The process tree is:
 *
 *   grader ─ init ─ target
 *
 * init is born in the new namespaces: pid 1 of a new pid namespace when
 * there is one (or else a child subreaper); the grader moves init into the
 * run's cgroup while init builds the mount view, then says "go"; init
 * starts the target, which drops its privileges, sets rlimits and the
 * seccomp filter and executes argv. When the target ends, init kills
 * whatever is left and reports the target's wait status on the control
 * pipe.
 *
 * Interface: sb_probe() → plan → sb_init_spawn() → init and target;
 * sb_capture_* for the output; sb_cgroup_* and sb_seccomp_* for the rest.
 */
#ifndef UNDERGO_SANDBOX_IMPL_H
#define UNDERGO_SANDBOX_IMPL_H

#include "sandbox.h"

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum { SB_NOBODY = 65534 };  /* the uid and gid root drops to */

/* ---- what this host allows (sandbox_probe.c) ---- */

typedef struct sb_host {
    bool root;              /* euid 0 with CAP_SYS_ADMIN */
    bool userns;            /* an unprivileged user namespace can be created */
    bool ns;                /* pid/mount/net/ipc/uts namespaces can be created */
    bool proc;              /* and a fresh /proc mounted in them */
    bool seccomp;           /* seccomp filters load */
    bool io_uring;          /* the kernel has io_uring */
    int landlock;           /* Landlock ABI version; 0: none */
    int cgroup_version;     /* 0: no usable cgroup, 1 or 2 */
    bool cg_memory, cg_pids, cg_cpu, cg_freezer;
    char cg_why[200]; /* cgroup_version 0: why there is none */
} sb_host_t;

/* The host's capabilities, probed once (thread-safe). Never NULL. */
const sb_host_t *sb_probe(void);

/* ---- the plan handed to the children (sandbox_child.c) ---- */

enum { SB_MSG_TARGET = 1, SB_MSG_STATUS, SB_MSG_EXECFAIL, SB_MSG_SETUPFAIL };

/* Steps named in SETUPFAIL messages. */
enum { SB_STEP_UNSHARE = 1, SB_STEP_IDMAP, SB_STEP_FORK, SB_STEP_MOUNT, SB_STEP_NET,
       SB_STEP_FDS, SB_STEP_CHDIR, SB_STEP_RLIMIT, SB_STEP_UID, SB_STEP_SECCOMP,
       SB_STEP_CGROUP, SB_STEP_LANDLOCK };

/* One message on the control pipe (children → grader). */
typedef struct sb_msg {
    int type;               /* SB_MSG_* */
    int value;              /* pid, wait status or errno */
    int where;              /* for SETUPFAIL: the step that failed; for STATUS:
                             * 1 when the network namespace keeps sockets */
} sb_msg_t;

/* One entry of the private filesystem view, prepared by the parent. */
/* SB_M_TMPFS: a private, size-capped tmpfs at the path (a test run's
 * scratch dir: what it writes is not needed afterwards). */
typedef enum { SB_M_RO, SB_M_RW, SB_M_SYMLINK, SB_M_TMPFS } sb_mount_kind_t;

typedef struct sb_mount {
    char *path;             /* absolute; the same path inside and outside */
    char *link;             /* SB_M_SYMLINK: the link's text */
    sb_mount_kind_t kind;
    bool is_file;
    bool in_private_tmp;    /* SB_M_TMPFS under /tmp and under no bind: already a tmpfs */
} sb_mount_t;

enum { SB_MAX_MOUNTS = 64 };

typedef struct sb_plan {
    const sandbox_spec_t *spec;
    char *const *argv;
    char *const *envp;
    const char *cwd;
    /* mechanisms */
    bool userns, pidns, mountns, netns, ipcns, utsns;
    int netns_fd;           /* >= 0: enter this kept namespace instead of a new one */
    bool drop_uid;          /* root: become 65534 with no capabilities */
    bool seccomp;
    bool rlimit_as;         /* no memory cgroup: RLIMIT_AS is the memory floor */
    bool rlimit_nproc;      /* no pids cgroup: RLIMIT_NPROC as a floor */
    uid_t outer_uid;        /* our uid, mapped inside the user namespace */
    gid_t outer_gid;
    struct sock_fprog bpf;  /* the seccomp program (the parent's cache, or owned) */
    bool bpf_owned;         /* bpf is this run's own copy: free it */
    sb_mount_t mounts[SB_MAX_MOUNTS];   /* the mount view, parents first */
    size_t nmounts;
    uint64_t tmp_size;      /* bytes of the private /tmp */
    bool proc;              /* mount a fresh /proc in the view */
    bool landlock;          /* writes only beneath the scratch dir, /tmp and /dev */
    int landlock_abi;
    bool check_netns;       /* init reports a kept namespace that a run left sockets in */
    /* limits */
    uint64_t fsize, cpu_s, memory;
    int pids;
    /* pipes: child ends (rec_w: -1 without spec.record) */
    int out_w, err_w, ctl_w, go_r, rec_w;
} sb_plan_t;

/* Clones init into the plan's new namespaces; init runs the target and
 * exits with it. Returns init's pid (in the grader's pid namespace) or a
 * negative errno. */
pid_t sb_init_spawn(const sb_plan_t *p);

/* Lists what the mount view shows (system dirs, a few /etc files, the
 * ro_paths, the scratch dir) into p->mounts. Parent side. Returns 0 or a
 * negative errno; sb_mount_plan_free() releases it. */
int sb_mount_plan(const sandbox_spec_t *spec, sb_plan_t *p);
/* Frees the strings of p->mounts. Can't fail. */
void sb_mount_plan_free(sb_plan_t *p);

/* Builds the private mount view in the current (new) mount namespace and
 * pivots into it. Returns 0 or a negative errno. Child-side only. */
int sb_mount_view(const sb_plan_t *p);

/* Brings the loopback interface up in the current network namespace.
 * Returns 0 or a negative errno. Child-side only. */
int sb_loopback_up(void);

/* ---- kept network namespaces (sandbox_netns.c) ---- */

/* An empty network namespace (loopback down) for one run: a kept one or a
 * new one. Returns a descriptor the caller owns, or a negative errno. */
int sb_netns_get(void);
/* Gives the namespace back: kept for another run when reusable (the run's
 * tree is dead and the run could only make AF_UNIX sockets), else closed.
 * A negative fd is ignored. Can't fail. */
void sb_netns_put(int fd, bool reusable);

/* ---- output capture (sandbox_output.c) ---- */

typedef struct sb_capture {
    size_t cap;             /* bytes kept at each end */
    char *head;             /* the first cap bytes */
    size_t head_len;
    char *ring;             /* the last cap bytes after the head, circular */
    size_t ring_pos, ring_len;
    size_t total;
} sb_capture_t;

/* Allocates the buffers. Returns 0 or -ENOMEM. */
int sb_capture_init(sb_capture_t *c, size_t cap);
/* Appends bytes; keeps the head and the tail. Can't fail. */
void sb_capture_add(sb_capture_t *c, const char *buf, size_t n);
/* Moves the text (head, cut mark, tail) into *out and frees c. Returns 0 or -ENOMEM. */
int sb_capture_finish(sb_capture_t *c, sandbox_output_t *out);
/* Frees c without producing output. Can't fail. */
void sb_capture_free(sb_capture_t *c);

/* ---- seccomp (sandbox_seccomp.c) ---- */

/* Points p->bpf at the filter for the spec, compiled once per distinct
 * policy and shared (read-only) for the life of the process. Returns 0 or
 * a negative errno. sb_seccomp_free() releases the run's reference. */
int sb_seccomp_build(const sandbox_spec_t *spec, pid_t grader, sb_plan_t *p);
/* Drops the run's reference to p->bpf (frees it only when the run owned
 * it). Can't fail. */
void sb_seccomp_free(sb_plan_t *p);

/* ---- cgroups (sandbox_cgroup.c) ---- */

typedef struct sb_cgroup sb_cgroup_t;

/* Fills the cgroup fields of *h: version and usable controllers. */
void sb_cgroup_probe(sb_host_t *h);

/* A cgroup for one run under the grader's own, with the spec's limits: a
 * kept one (v1: emptied, counters reset) or a new one; the v1 freezer only
 * when freeze is set (a pid namespace makes it unneeded: its teardown is
 * atomic). Returns 0 and *out, or a negative errno (then run without). */
int sb_cgroup_create(const sandbox_spec_t *spec, bool freeze, sb_cgroup_t **out);
/* Moves pid into the cgroup. Returns 0 or a negative errno. */
int sb_cgroup_attach(sb_cgroup_t *cg, pid_t pid);
/* CPU seconds used so far by the whole tree; -1 when unknown. */
double sb_cgroup_cpu(sb_cgroup_t *cg);
/* Freezes and kills every task of the cgroup. Can't fail. */
void sb_cgroup_kill(sb_cgroup_t *cg);
/* Reads peak memory (bytes, 0 unknown) and whether the OOM killer fired. */
void sb_cgroup_usage(sb_cgroup_t *cg, uint64_t *peak, bool *oom);
/* Kills what is left and waits until the cgroup is empty; keeps it for
 * another run when nothing of this one is left in it (v1), else removes
 * it; cg is not the caller's any more either way. NULL is fine. */
void sb_cgroup_destroy(sb_cgroup_t *cg);

#endif
