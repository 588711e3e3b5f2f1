/*
 * sandbox_cgroup.c — one cgroup per run: limits, accounting, teardown.
 *
 * rlimits count per process; a cgroup counts the whole tree, whatever it
 * forks. Each run gets a cgroup of its own *below the grader's own* (never
 * above it: the grader may itself be confined by its caller), with the
 * memory limit (swap included when the kernel accounts it), the pids
 * limit and CPU accounting. At the end the tree is frozen and killed, the
 * peak memory and the OOM kills are read back, and the cgroup is removed,
 * or on v1 kept for a later run once it is verifiably empty (see "kept
 * cgroups" below).
 *
 * Both layouts are handled: v1, one hierarchy per controller (memory,
 * pids, cpuacct, freezer), each with its own path for the grader (see
 * /proc/self/cgroup); and v2, one unified hierarchy with memory, pids, cpu
 * and cgroup.kill. libcgroup finds the v1 mount points when probing; the
 * per-run work is a few plain file operations (mkdir, the limit files,
 * cgroup.procs, rmdir), since it is on every run's path.
 *
 * What a run costs here is mostly the move into the cgroup: writing
 * cgroup.procs takes the kernel's cgroup-wide threadgroup lock for writing,
 * which waits for an RCU grace period (milliseconds on a busy machine).
 * sandbox.c therefore moves init while it is still building the mount
 * view, and holds the target back until the move is done.
 *
 * Interface: sb_cgroup_probe(host) → sb_cgroup_create(spec) →
 * sb_cgroup_attach(pid) → sb_cgroup_cpu/usage → sb_cgroup_destroy.
 */
#include "sandbox_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { SB_CG_MEM, SB_CG_PIDS, SB_CG_CPU, SB_CG_FREEZER, SB_CG_N };

/* v1 controller names; under v2 everything lives in the one "unified" dir. */
static const char *const v1_names[SB_CG_N] = {"memory", "pids", "cpuacct", "freezer"};

typedef struct sb_cg_part {
    bool made;              /* the directory exists; false: controller unused */
    char dir[PATH_MAX];     /* its directory */
} sb_cg_part_t;

struct sb_cgroup {
    int version;
    sb_cg_part_t part[SB_CG_N];     /* v2: only part[0] */
    uint64_t oom_base;              /* OOM kills counted before this run (kept cgroups) */
    uint64_t memory;                /* the limits in force: 0 none */
    int pids;
};

static int cg_version;                  /* as probed */
static bool cg_have[SB_CG_N];
static char cg_base[SB_CG_N][PATH_MAX]; /* the grader's own dir per controller */
static char cg_rel[SB_CG_N][PATH_MAX];  /* the same, relative to the mount */
static atomic_uint cg_seq;

/* ---- small file helpers ---- */

/* dir/file into path (PATH_MAX bytes). Returns 0 or -ENAMETOOLONG. */
static int cg_path(char *path, const char *dir, const char *file)
{
    int n = snprintf(path, PATH_MAX, "%s/%s", dir, file);
    return n >= 0 && n < PATH_MAX ? 0 : -ENAMETOOLONG;
}

static int write_text(const char *dir, const char *file, const char *text)
{
    char path[PATH_MAX];
    int rc = cg_path(path, dir, file);
    if (rc < 0)
        return rc;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = write(fd, text, strlen(text));
    int err = errno;
    close(fd);
    return n < 0 ? -err : 0;
}

static ssize_t read_text(const char *dir, const char *file, char *buf, size_t len)
{
    char path[PATH_MAX];
    int rc = cg_path(path, dir, file);
    if (rc < 0)
        return rc;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    return n;
}

static bool file_exists(const char *dir, const char *file)
{
    char path[PATH_MAX];
    return cg_path(path, dir, file) == 0 && access(path, F_OK) == 0;
}

/* The number after "key " in a flat keyed file (memory.events, cpu.stat). */
static uint64_t keyed_value(const char *text, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (!strncmp(p, key, n) && p[n] == ' ')
            return strtoull(p + n + 1, NULL, 10);
    return 0;
}

/* ---- probing ---- */

/* True when the comma-separated list holds name. */
static bool list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p; p = strchr(p, ','), p = p ? p + 1 : NULL)
        if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\0'))
            return true;
    return false;
}

/* The grader's own path for a v1 controller, or for v2 (ctrl ""), from
 * /proc/self/cgroup ("id:controllers:path"). Returns 0 or -ENOENT. */
static int own_path(const char *ctrl, char *out, size_t len)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (!f)
        return -errno;
    char line[PATH_MAX + 64];
    int rc = -ENOENT;
    while (rc < 0 && fgets(line, sizeof(line), f)) {
        char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
        if (!b)
            continue;
        *a = *b++ = '\0';
        b[strcspn(b, "\n")] = '\0';
        /* v2's line is "0::<path>": hierarchy 0, no controller named. */
        bool match = *ctrl ? list_has(a + 1, ctrl) : !strcmp(line, "0") && a[1] == '\0';
        if (match) {
            snprintf(out, len, "%s", b);
            rc = 0;
        }
    }
    fclose(f);
    return rc;
}

/* We may create a child here: try it (mkdir and rmdir, nothing else).
 * When has is not NULL, it tells whether the child had that file (v2's
 * cgroup.kill exists in every cgroup but the root). */
static bool can_create_under(const char *dir, const char *file, bool *has)
{
    char probe[PATH_MAX];
    if (snprintf(probe, sizeof(probe), "%s/undergo-probe-%d", dir, (int)getpid()) >=
            (int)sizeof(probe) ||
        mkdir(probe, 0755) < 0)
        return false;
    if (has)
        *has = file_exists(probe, file);
    rmdir(probe);
    return true;
}

/* Removes the empty cgroups of graders that died before cleaning up
 * ("undergo-<pid>-<n>" and v2's "undergo-grader-<pid>" whose pid is gone);
 * rmdir leaves a cgroup that still holds a process. */
static void sweep_stale(const char *base)
{
    DIR *d = opendir(base);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int pid;
        unsigned n;
        if ((sscanf(e->d_name, "undergo-%d-%u", &pid, &n) != 2 &&
             sscanf(e->d_name, "undergo-grader-%d", &pid) != 1) ||
            pid <= 0)
            continue;
        if (kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        char path[PATH_MAX];
        if (cg_path(path, base, e->d_name) == 0)
            rmdir(path);
    }
    closedir(d);
}

static bool probe_v1(void)
{
    bool any = false;
    if (cgroup_init() != 0)
        return false;
    for (int i = 0; i < SB_CG_N; i++) {
        char *mount = NULL;
        if (own_path(v1_names[i], cg_rel[i], sizeof(cg_rel[i])) < 0 ||
            cgroup_get_subsys_mount_point(v1_names[i], &mount) != 0 || !mount)
            continue;
        int n = snprintf(cg_base[i], sizeof(cg_base[i]), "%s%s", mount,
                         strcmp(cg_rel[i], "/") ? cg_rel[i] : "");
        free(mount);
        if (n >= (int)sizeof(cg_base[i]))
            continue;
        cg_have[i] = can_create_under(cg_base[i], NULL, NULL);
        if (cg_have[i])
            sweep_stale(cg_base[i]);
        any |= cg_have[i];
    }
    return any;
}

/* ---- probing v2 ----
 *
 * v2 hands a controller to the children of a cgroup only through that
 * cgroup's cgroup.subtree_control, and a cgroup other than the root may
 * not hold processes while it hands any down ("no internal processes").
 * So the base of our runs' cgroups is our own cgroup, with memory and pids
 * enabled in it by us when they are not yet. When it holds processes, that
 * is possible only if we are its one process: then we move into a leaf of
 * our own, undergo-grader-<pid>, as systemd asks of the owner of a
 * delegated cgroup, and enable them. A grader started by a grader finds
 * itself in such a leaf and uses the leaf's parent, the first grader's base.
 */

/* True when the space-separated list holds name. */
static bool words_have(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

/* True when cgroup.procs of dir lists no process but ours. */
static bool only_we_are_in(const char *dir)
{
    char buf[256];
    if (read_text(dir, "cgroup.procs", buf, sizeof(buf)) <= 0)
        return false;
    char *end;
    long pid = strtol(buf, &end, 10);
    return pid == (long)getpid() && (*end == '\0' || (*end == '\n' && end[1] == '\0'));
}

/* Moves this process into dir/undergo-grader-<pid>. Returns 0 or -errno. */
static int move_into_leaf(const char *dir)
{
    char leaf[PATH_MAX];
    if (snprintf(leaf, sizeof(leaf), "%s/undergo-grader-%d", dir, (int)getpid()) >=
        (int)sizeof(leaf))
        return -ENAMETOOLONG;
    if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
        return -errno;
    int rc = write_text(leaf, "cgroup.procs", "0");
    if (rc < 0)
        rmdir(leaf);
    return rc;
}

/* Enables memory and pids (those the parent gave us) in dir's
 * subtree_control. Returns 0 or -errno, with the reason in why. */
static int enable_controllers(const char *dir, char *why, size_t len)
{
    char have[256], on[256], want[32];
    if (read_text(dir, "cgroup.controllers", have, sizeof(have)) < 0 ||
        read_text(dir, "cgroup.subtree_control", on, sizeof(on)) < 0) {
        snprintf(why, len, "cannot read the controllers of our cgroup");
        return -EACCES;
    }
    bool mem = words_have(have, "memory") && !words_have(on, "memory");
    bool pids = words_have(have, "pids") && !words_have(on, "pids");
    if (!mem && !pids)
        return 0;
    snprintf(want, sizeof(want), "%s%s%s", mem ? "+memory" : "", mem && pids ? " " : "",
             pids ? "+pids" : "");
    int rc = write_text(dir, "cgroup.subtree_control", want);
    if (rc == -EBUSY && only_we_are_in(dir) && (rc = move_into_leaf(dir)) == 0)
        rc = write_text(dir, "cgroup.subtree_control", want);
    if (rc == -EBUSY)
        snprintf(why, len,
                 "our cgroup holds other processes, so it cannot hand controllers "
                 "down (start the grader in a cgroup of its own, e.g. systemd-run "
                 "--scope -p Delegate=yes)");
    else if (rc < 0)
        snprintf(why, len, "cannot enable %s in our cgroup: %s", want, strerror(-rc));
    return rc;
}

/* Our own cgroup's directory under the v2 mount; the parent when it is a
 * grader's leaf. Returns 0 or -ENOENT. */
static int v2_base(char *dir, size_t len, char *rel, size_t rlen)
{
    const char *mounts[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified", NULL};
    if (own_path("", rel, rlen) < 0)
        return -ENOENT;
    char *last = strrchr(rel, '/');
    int pid;
    if (last && last != rel && sscanf(last, "/undergo-grader-%d", &pid) == 1)
        *last = '\0';
    for (size_t m = 0; mounts[m]; m++)
        if (snprintf(dir, len, "%s%s", mounts[m], strcmp(rel, "/") ? rel : "") < (int)len &&
            file_exists(dir, "cgroup.controllers"))
            return 0;
    return -ENOENT;
}

static bool probe_v2(sb_host_t *h)
{
    char dir[PATH_MAX], rel[PATH_MAX], on[256];
    if (v2_base(dir, sizeof(dir), rel, sizeof(rel)) < 0)
        return false;
    if (enable_controllers(dir, h->cg_why, sizeof(h->cg_why)) < 0)
        return false;
    if (!can_create_under(dir, "cgroup.kill", &cg_have[SB_CG_FREEZER])) {
        snprintf(h->cg_why, sizeof(h->cg_why), "cannot create a cgroup below ours");
        return false;
    }
    snprintf(cg_base[0], sizeof(cg_base[0]), "%s", dir);
    snprintf(cg_rel[0], sizeof(cg_rel[0]), "%s", rel);
    sweep_stale(dir);
    if (read_text(dir, "cgroup.subtree_control", on, sizeof(on)) < 0)
        on[0] = '\0';
    cg_have[SB_CG_MEM] = words_have(on, "memory");
    cg_have[SB_CG_PIDS] = words_have(on, "pids");
    cg_have[SB_CG_CPU] = true; /* cpu.stat exists everywhere */
    if (!cg_have[SB_CG_MEM] && !cg_have[SB_CG_PIDS])
        snprintf(h->cg_why, sizeof(h->cg_why), "neither memory nor pids is given to our cgroup");
    return cg_have[SB_CG_MEM] || cg_have[SB_CG_PIDS];
}

void sb_cgroup_probe(sb_host_t *h)
{
    h->cgroup_version = 0;
    snprintf(h->cg_why, sizeof(h->cg_why), "no writable cgroup below ours");
    /* Hybrid hosts mount v1 controllers and an empty v2: v1 wins. */
    if (probe_v1())
        cg_version = 1;
    else if (memset(cg_have, 0, sizeof(cg_have)), probe_v2(h))
        cg_version = 2;
    if (cg_version)
        h->cg_why[0] = '\0';
    h->cgroup_version = cg_version;
    h->cg_memory = cg_have[SB_CG_MEM];
    h->cg_pids = cg_have[SB_CG_PIDS];
    h->cg_cpu = cg_have[SB_CG_CPU];
    h->cg_freezer = cg_have[SB_CG_FREEZER];
}

/* ---- one run's cgroup ---- */

/* Writes a number into dir/file. Returns 0 or a negative errno. */
static int write_u64(const char *dir, const char *file, uint64_t v)
{
    char num[24];
    snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
    return write_text(dir, file, num);
}

/* v1: memory and memory+swap limits to v ("-1": none). memory+swap may
 * never be below memory, so the order depends on the way it moves: try
 * memory+swap first (raising), memory first when that is refused. */
static int set_v1_memory(const char *dir, const char *v)
{
    if (!file_exists(dir, "memory.memsw.limit_in_bytes"))
        return write_text(dir, "memory.limit_in_bytes", v);
    int rc = write_text(dir, "memory.memsw.limit_in_bytes", v);
    if (rc == -EINVAL) {
        rc = write_text(dir, "memory.limit_in_bytes", v);
        return rc < 0 ? rc : write_text(dir, "memory.memsw.limit_in_bytes", v);
    }
    return rc < 0 ? rc : write_text(dir, "memory.limit_in_bytes", v);
}

/* Writes the spec's limits; a kept cgroup (again) gets "none" where the
 * spec has no limit, since its last run may have had one. */
static int set_limits(int which, const sandbox_spec_t *spec, const char *dir, bool again)
{
    int rc = 0;
    bool v2 = cg_version == 2;
    char v[24];
    if ((which == SB_CG_MEM || v2) && cg_have[SB_CG_MEM] && (spec->memory_bytes > 0 || again)) {
        /* "No limit" is -1 in v1 and "max" in v2. */
        if (spec->memory_bytes)
            snprintf(v, sizeof(v), "%llu", (unsigned long long)spec->memory_bytes);
        else
            snprintf(v, sizeof(v), "%s", v2 ? "max" : "-1");
        rc = v2 ? write_text(dir, "memory.max", v) : set_v1_memory(dir, v);
        /* No swapping around the limit, where the kernel accounts swap. */
        if (rc == 0 && v2 && file_exists(dir, "memory.swap.max"))
            rc = write_u64(dir, "memory.swap.max", 0);
    }
    if (rc == 0 && (which == SB_CG_PIDS || v2) && cg_have[SB_CG_PIDS] && (spec->pids > 0 || again)) {
        snprintf(v, sizeof(v), spec->pids > 0 ? "%d" : "max", spec->pids);
        rc = write_text(dir, "pids.max", v);
    }
    return rc;
}

/* The directory holding a counter of controller which (v2: the one dir). */
static const char *dir_of(sb_cgroup_t *g, int which)
{
    const sb_cg_part_t *p = &g->part[g->version == 2 ? 0 : which];
    return p->made ? p->dir : NULL;
}

/* ---- kept cgroups (v1) ----
 *
 * Making and removing the cgroups of a run costs a few hundred
 * microseconds, and more in kernel workers afterwards (a memory cgroup is
 * freed after an RCU grace period). On v1 every counter we read can be
 * reset or taken as a difference, so a cgroup whose run is over is kept
 * for the next one when it is verifiably empty (no task left in any of its
 * controllers) and its last run left (almost) nothing charged to it:
 * files the run wrote stay charged to the cgroup, and they must not count
 * against the next run. Each kept cgroup serves one run at a time; all
 * are removed at exit (or by sweep_stale() after a crash). v2 has no reset
 * for memory.peak: there each run gets a new cgroup.
 */

enum { SB_CG_KEEP = 8 };
/* Bytes a kept cgroup may still hold: after any run some kernel objects
 * and the per-CPU charge cache (up to 64 pages a CPU) remain, a few
 * hundred KiB; the next run's limit and peak include them. */
#define SB_CG_LEFTOVER (512u << 10)

static struct {
    pthread_mutex_t lock;
    sb_cgroup_t *kept[SB_CG_KEEP];  /* guarded by lock */
    size_t n;                       /* guarded by lock */
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER};
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static pid_t pool_owner;    /* a forked child that calls exit() leaves them */

static void remove_dirs(sb_cgroup_t *g)
{
    for (int i = 0; i < SB_CG_N; i++)
        if (g->part[i].made)
            rmdir(g->part[i].dir);
}

/* atexit: the kept cgroups are empty; remove them. */
static void pool_drain(void)
{
    if (getpid() != pool_owner)
        return;
    pthread_mutex_lock(&pool.lock);
    while (pool.n > 0) {
        sb_cgroup_t *g = pool.kept[--pool.n];
        remove_dirs(g);
        free(g);
    }
    pthread_mutex_unlock(&pool.lock);
}

static void pool_init(void)
{
    pool_owner = getpid();
    atexit(pool_drain);
}

/* Readies a kept cgroup for a new run: the spec's limits, the peak and
 * CPU counters back to zero, the OOM kills so far remembered. */
static int pool_reset(sb_cgroup_t *g, const sandbox_spec_t *spec)
{
    char buf[4096];
    int rc = 0;
    const char *mem = dir_of(g, SB_CG_MEM), *pids = dir_of(g, SB_CG_PIDS);
    const char *cpu = dir_of(g, SB_CG_CPU);
    if (mem) {
        /* The limits are written only when they change: each write is a
         * few system calls, and most runs of a grader share them. */
        if (g->memory != spec->memory_bytes)
            rc = set_limits(SB_CG_MEM, spec, mem, true);
        if (rc == 0)
            rc = write_text(mem, "memory.max_usage_in_bytes", "0");
        if (rc == 0 && read_text(mem, "memory.oom_control", buf, sizeof(buf)) > 0)
            g->oom_base = keyed_value(buf, "oom_kill");
    }
    if (rc == 0 && pids && g->pids != spec->pids)
        rc = set_limits(SB_CG_PIDS, spec, pids, true);
    if (rc == 0 && cpu)
        rc = write_text(cpu, "cpuacct.usage", "0");
    if (rc == 0) {
        g->memory = spec->memory_bytes;
        g->pids = spec->pids;
    }
    return rc;
}

/* A kept cgroup set up for spec, or NULL (then make a new one). */
static sb_cgroup_t *pool_take(const sandbox_spec_t *spec)
{
    for (;;) {
        pthread_mutex_lock(&pool.lock);
        sb_cgroup_t *g = pool.n > 0 ? pool.kept[--pool.n] : NULL;
        pthread_mutex_unlock(&pool.lock);
        if (!g || pool_reset(g, spec) == 0)
            return g;
        remove_dirs(g);     /* could not be reset: never reuse it */
        free(g);
    }
}

/* True when nothing of the last run is left in g: no task, and at most
 * SB_CG_LEFTOVER bytes still charged. */
static bool reusable(sb_cgroup_t *g, bool empty)
{
    char buf[64];
    const char *mem = dir_of(g, SB_CG_MEM);
    if (!empty || g->version != 1)
        return false;
    return !mem || (read_text(mem, "memory.usage_in_bytes", buf, sizeof(buf)) > 0 &&
                    strtoull(buf, NULL, 10) <= SB_CG_LEFTOVER);
}

/* Keeps g for another run. Returns false when the pool is full. */
static bool pool_keep(sb_cgroup_t *g)
{
    pthread_once(&pool_once, pool_init);
    pthread_mutex_lock(&pool.lock);
    bool kept = pool.n < SB_CG_KEEP;
    if (kept)
        pool.kept[pool.n++] = g;
    pthread_mutex_unlock(&pool.lock);
    return kept;
}

/* Creates one controller's cgroup (v1) or the unified one (v2, which 0):
 * a mkdir and the limits written into it, no more (libcgroup's creation
 * walks and rewrites the whole path, several times slower). */
static int create_part(sb_cgroup_t *g, int which, const char *name, const sandbox_spec_t *spec)
{
    sb_cg_part_t *part = &g->part[which];
    int rc = cg_path(part->dir, cg_base[which], name);
    if (rc < 0)
        return rc;
    if (mkdir(part->dir, 0755) < 0)
        return -errno;
    part->made = true;
    return set_limits(which, spec, part->dir, false);
}

int sb_cgroup_create(const sandbox_spec_t *spec, bool freeze, sb_cgroup_t **out)
{
    *out = NULL;
    if (!cg_version)
        return -ENOSYS;
    if ((*out = pool_take(spec)) != NULL)
        return 0;
    sb_cgroup_t *g = calloc(1, sizeof(*g));
    if (!g)
        return -ENOMEM;
    g->version = cg_version;
    char name[64];
    snprintf(name, sizeof(name), "undergo-%d-%u", (int)getpid(), atomic_fetch_add(&cg_seq, 1));
    int rc = 0;
    for (int i = 0; i < (cg_version == 1 ? SB_CG_N : 1) && rc == 0; i++)
        if ((cg_have[i] && (i != SB_CG_FREEZER || freeze)) || cg_version == 2)
            rc = create_part(g, i, name, spec);
    g->memory = spec->memory_bytes;
    g->pids = spec->pids;
    if (rc < 0) {
        sb_cgroup_destroy(g);
        return rc;
    }
    *out = g;
    return 0;
}

int sb_cgroup_attach(sb_cgroup_t *g, pid_t pid)
{
    for (int i = 0; i < SB_CG_N; i++) {
        int rc = g->part[i].made ? write_u64(g->part[i].dir, "cgroup.procs", (uint64_t)pid) : 0;
        if (rc < 0)
            return rc;
    }
    return 0;
}

double sb_cgroup_cpu(sb_cgroup_t *g)
{
    char buf[1024];
    const char *dir = dir_of(g, SB_CG_CPU);
    if (!dir)
        return -1;
    if (g->version == 1)
        return read_text(dir, "cpuacct.usage", buf, sizeof(buf)) > 0
                   ? (double)strtoull(buf, NULL, 10) / 1e9 : -1;
    return read_text(dir, "cpu.stat", buf, sizeof(buf)) > 0
               ? (double)keyed_value(buf, "usage_usec") / 1e6 : -1;
}

/* SIGKILL to every process listed; the number signalled. */
static int kill_listed(const char *dir)
{
    char buf[16384];
    if (read_text(dir, "cgroup.procs", buf, sizeof(buf)) <= 0)
        return 0;
    int n = 0;
    for (char *p = buf; *p;) {
        char *end;
        long pid = strtol(p, &end, 10);
        if (end == p)
            break;
        if (pid > 0 && kill((pid_t)pid, SIGKILL) == 0)
            n++;
        p = end + (*end != '\0');
    }
    return n;
}

void sb_cgroup_kill(sb_cgroup_t *g)
{
    if (g->version == 2) {
        if (g->part[0].made && write_text(g->part[0].dir, "cgroup.kill", "1") == 0)
            return;
    }
    const char *fz = g->version == 1 ? dir_of(g, SB_CG_FREEZER) : NULL;
    const char *any = fz ? fz : dir_of(g, SB_CG_PIDS) ? dir_of(g, SB_CG_PIDS) : dir_of(g, SB_CG_MEM);
    if (!any)
        return;
    /* Frozen, nobody can fork between our reading the list and the kill. */
    if (fz)
        write_text(fz, "freezer.state", "FROZEN");
    for (int round = 0; round < 100 && kill_listed(any) > 0; round++)
        ;
    if (fz)
        write_text(fz, "freezer.state", "THAWED");
}

void sb_cgroup_usage(sb_cgroup_t *g, uint64_t *peak, bool *oom)
{
    char buf[4096];
    *peak = 0;
    *oom = false;
    const char *dir = dir_of(g, SB_CG_MEM);
    if (!dir)
        return;
    if (g->version == 1) {
        if (read_text(dir, "memory.max_usage_in_bytes", buf, sizeof(buf)) > 0)
            *peak = strtoull(buf, NULL, 10);
        if (read_text(dir, "memory.oom_control", buf, sizeof(buf)) > 0)
            *oom = keyed_value(buf, "oom_kill") > g->oom_base;
    } else {
        if (read_text(dir, "memory.peak", buf, sizeof(buf)) > 0)
            *peak = strtoull(buf, NULL, 10);
        if (read_text(dir, "memory.events", buf, sizeof(buf)) > 0)
            *oom = keyed_value(buf, "oom_kill") > 0;
    }
}

/* Waits (briefly) for the killed tasks to leave, so rmdir succeeds.
 * True when the cgroup is seen empty. */
static bool wait_empty(const char *dir)
{
    char buf[64];
    for (int i = 0; i < 200; i++) {
        ssize_t n = read_text(dir, "cgroup.procs", buf, sizeof(buf));
        if (n <= 0)
            return n == 0;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return false;
}

void sb_cgroup_destroy(sb_cgroup_t *g)
{
    if (!g)
        return;
    sb_cgroup_kill(g);
    bool empty = true;
    for (int i = 0; i < SB_CG_N; i++)
        if (g->part[i].made && !wait_empty(g->part[i].dir))
            empty = false;
    if (reusable(g, empty) && pool_keep(g))
        return;
    remove_dirs(g);
    free(g);
}
