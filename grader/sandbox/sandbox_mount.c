/*
 * sandbox_mount.c — the private filesystem view and the loopback device.
 *
 * The sandboxed tree sees a root of its own: a small tmpfs holding only
 * what it needs, bound from the host at the same paths — /usr and its
 * merged-/usr links (/bin, /lib...) read-only, a few /etc files (passwd,
 * the loader cache, alternatives; never shadow), the spec's ro_paths and
 * the directory of argv[0] read-only, the scratch dir read-write (for a
 * test run, a private size-capped tmpfs at its path instead) — plus a
 * fresh /proc of its own pid namespace, a /dev with null, zero, full,
 * random and urandom, and a size-capped private /tmp. Then the root itself
 * becomes read-only.
 *
 * The parent prepares the list (it may allocate; parents come first). The
 * child opens every source as an O_PATH descriptor, mounts the new root
 * over /tmp (which hides the host's /tmp, where sources may live: hence
 * the descriptors), binds each read-only source through /proc/self/fd/N,
 * seals them all read-only at once, binds the scratch dir read-write,
 * adds /dev and /proc, and pivots. Mounts are the costly part of a run's
 * setup, so there are as few as the view allows: one seal instead of a
 * remount per bind, and (as root) device nodes instead of device binds.
 *
 * Interface: sb_mount_plan(spec, plan) in the parent → sb_mount_view(plan)
 * in init → sb_mount_plan_free(plan).
 */
#include "sandbox_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SB_NEWROOT "/tmp"

static const char *const system_paths[] = {
    "/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32",
    "/etc/passwd", "/etc/group", "/etc/hosts", "/etc/nsswitch.conf", "/etc/ld.so.cache",
    "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/localtime", NULL};

static void tmp_options(char *buf, uint64_t size);

/* The kinds mounted writable, after the read-only view is sealed. */
static bool writable(sb_mount_kind_t kind)
{
    return kind == SB_M_RW || kind == SB_M_TMPFS;
}

/* ---- parent side: the list ---- */

static bool covered(const sb_plan_t *p, const char *path)
{
    for (size_t i = 0; i < p->nmounts; i++) {
        const sb_mount_t *m = &p->mounts[i];
        size_t n = strlen(m->path);
        if (!writable(m->kind) && !strncmp(path, m->path, n) &&
            (path[n] == '\0' || path[n] == '/'))
            return true;
    }
    return false;
}

static int add_mount(sb_plan_t *p, const char *path, sb_mount_kind_t kind)
{
    struct stat st;
    if (!path || path[0] != '/' || lstat(path, &st) < 0)
        return 0;   /* what does not exist is simply not shown */
    bool is_covered = covered(p, path);
    if (!writable(kind) && is_covered)
        return 0;
    if (p->nmounts == SB_MAX_MOUNTS)
        return -E2BIG;
    sb_mount_t *m = &p->mounts[p->nmounts];
    memset(m, 0, sizeof(*m));
    m->kind = kind;
    if (S_ISLNK(st.st_mode) && kind == SB_M_RO) {
        char buf[PATH_MAX];
        ssize_t n = readlink(path, buf, sizeof(buf) - 1);
        if (n < 0)
            return 0;
        buf[n] = '\0';
        m->kind = SB_M_SYMLINK;
        m->link = strdup(buf);
        if (!m->link)
            return -ENOMEM;
    } else if (stat(path, &st) == 0) {
        m->is_file = !S_ISDIR(st.st_mode);
    } else {
        return 0;
    }
    m->in_private_tmp = kind == SB_M_TMPFS && !strncmp(path, "/tmp/", 5) && !is_covered;
    m->path = strdup(path);
    if (!m->path) {
        free(m->link);
        return -ENOMEM;
    }
    p->nmounts++;
    return 0;
}

static int by_length(const void *a, const void *b)
{
    size_t la = strlen(*(const char *const *)a), lb = strlen(*(const char *const *)b);
    return (la > lb) - (la < lb);
}

/* The ro_paths and argv[0]'s directory, parents first. */
static int add_user_paths(const sandbox_spec_t *spec, sb_plan_t *p)
{
    const char *paths[SB_MAX_MOUNTS];
    size_t n = 0;
    char argv0[PATH_MAX];
    snprintf(argv0, sizeof(argv0), "%s", spec->argv[0]);
    if (argv0[0] == '/')
        paths[n++] = dirname(argv0);
    for (size_t i = 0; spec->ro_paths && spec->ro_paths[i]; i++) {
        if (n == SB_MAX_MOUNTS)
            return -E2BIG;
        paths[n++] = spec->ro_paths[i];
    }
    qsort(paths, n, sizeof(paths[0]), by_length);
    for (size_t i = 0; i < n; i++) {
        int rc = add_mount(p, paths[i], SB_M_RO);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int sb_mount_plan(const sandbox_spec_t *spec, sb_plan_t *p)
{
    p->nmounts = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && system_paths[i]; i++)
        rc = add_mount(p, system_paths[i], SB_M_RO);
    if (rc == 0)
        rc = add_user_paths(spec, p);
    /* A test run's scratch dir is a private tmpfs, capped like /tmp: a
     * submission cannot fill the host's disk with many files each under
     * the file-size limit. The compiler's output must outlive the run, so
     * it gets the host dir itself. */
    if (rc == 0)
        rc = add_mount(p, spec->scratch_dir,
                       spec->profile == SANDBOX_PROFILE_TEST ? SB_M_TMPFS : SB_M_RW);
    if (rc < 0)
        sb_mount_plan_free(p);
    return rc;
}

void sb_mount_plan_free(sb_plan_t *p)
{
    for (size_t i = 0; i < p->nmounts; i++) {
        free(p->mounts[i].path);
        free(p->mounts[i].link);
    }
    p->nmounts = 0;
}

/* ---- child side: no allocation from here on ---- */

static void join(char *buf, size_t len, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la + lb + 1 > len)
        lb = len - la - 1;
    memcpy(buf, a, la);
    memcpy(buf + la, b, lb);
    buf[la + lb] = '\0';
}

/* mkdir -p of every parent of path. */
static int make_parents(char *path)
{
    for (char *s = path + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        int rc = mkdir(path, 0755);
        *s = '/';
        if (rc < 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

/* A mount point at path: an empty file or a directory. */
static int make_point(char *path, bool is_file)
{
    if (make_parents(path) < 0)
        return -1;
    if (is_file) {
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            return -1;
        close(fd);
        return 0;
    }
    return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* The flags a remount must keep: in a user namespace they are locked. */
static unsigned long locked_flags(const char *path)
{
    struct statvfs sv;
    unsigned long f = 0;
    if (statvfs(path, &sv) < 0)
        return 0;
    if (sv.f_flag & ST_NOSUID)
        f |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV)
        f |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC)
        f |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME)
        f |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME)
        f |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME)
        f |= MS_RELATIME;
    return f;
}

static void fd_path(char *buf, int fd)
{
    char num[16];
    int n = 0;
    do
        num[n++] = (char)('0' + fd % 10);
    while ((fd /= 10) > 0);
    memcpy(buf, "/proc/self/fd/", 14);
    char *b = buf + 14;
    while (n > 0)
        *b++ = num[--n];
    *b = '\0';
}

/* Remounts a bind at dst with the flags it must keep, read-only or not. */
static int seal_one(const char *dst, bool ro)
{
    unsigned long flags = MS_REMOUNT | MS_BIND | MS_NOSUID | (ro ? MS_RDONLY : 0);
    return mount(NULL, dst, NULL, flags | locked_flags(dst), NULL);
}

/* Binds one entry of the plan in one of two passes: first the read-only
 * binds (sealed later, all at once: seal_view) and the writable one's
 * mount point; then the writable bind, or tmpfs, itself. */
static int bind_one(const sb_mount_t *m, int fd, bool rw_pass, uint64_t tmpfs_size)
{
    char dst[PATH_MAX], src[32];
    join(dst, sizeof(dst), SB_NEWROOT, m->path);
    if (writable(m->kind) && !rw_pass)
        return make_point(dst, m->is_file);     /* while the skeleton is writable */
    if (rw_pass != writable(m->kind))
        return 0;
    if (m->kind == SB_M_TMPFS) {
        /* Under /tmp the mount point already lies in the private /tmp, a
         * tmpfs with the same cap: a folder there is enough, one mount less. */
        if (m->in_private_tmp)
            return chmod(dst, 01777);
        char opts[64];
        tmp_options(opts, tmpfs_size);
        return mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, opts);
    }
    if (m->kind == SB_M_SYMLINK)
        return make_parents(dst) < 0 ? -1 : symlink(m->link, dst);
    if (make_point(dst, m->is_file) < 0)
        return -1;
    fd_path(src, fd);
    if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
        return -1;
    return m->kind == SB_M_RW ? seal_one(dst, false) : 0;
}

/* Makes the whole tree built so far (the skeleton and the read-only binds
 * in it) read-only and nosuid with one mount_setattr (Linux 5.12), each
 * mount keeping its other flags (nodev, noexec...), then the private /tmp
 * writable again: two calls instead of a remount per bind. Where the call
 * is refused (older kernels), which changes nothing, each read-only bind
 * is remounted instead. Returns 0 or -1 with errno. */
static int seal_view(const sb_plan_t *p)
{
    struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID};
    struct mount_attr rw = {.attr_clr = MOUNT_ATTR_RDONLY};
    if (syscall(SYS_mount_setattr, AT_FDCWD, SB_NEWROOT, AT_RECURSIVE, &ro, sizeof(ro)) == 0)
        return syscall(SYS_mount_setattr, AT_FDCWD, SB_NEWROOT "/tmp", 0, &rw, sizeof(rw)) < 0
                   ? -1 : 0;
    for (size_t i = 0; i < p->nmounts; i++) {
        char dst[PATH_MAX];
        join(dst, sizeof(dst), SB_NEWROOT, p->mounts[i].path);
        if (p->mounts[i].kind == SB_M_RO && seal_one(dst, true) < 0)
            return -1;
    }
    return 0;
}

/* A device of the host's /dev in ours: as root a new node with the same
 * numbers (cheaper than a bind mount), else a bind. */
static int bind_dev(const char *name, bool mknod_ok)
{
    char src[64], dst[64];
    join(src, sizeof(src), "/dev/", name);
    join(dst, sizeof(dst), SB_NEWROOT "/dev/", name);
    struct stat st;
    if (mknod_ok && stat(src, &st) == 0 && S_ISCHR(st.st_mode)) {
        mode_t old = umask(0);
        int rc = mknod(dst, S_IFCHR | 0666, st.st_rdev);
        umask(old);
        if (rc == 0)
            return 0;
    }
    int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    close(fd);
    return mount(src, dst, NULL, MS_BIND, NULL);
}

/* /dev: the harmless devices (from the host's /dev, which the new root
 * over /tmp does not hide), the fd links, a small /dev/shm. */
static int make_dev(bool mknod_ok)
{
    static const char *const devs[] = {"null", "zero", "full", "random", "urandom", NULL};
    if (mount("tmpfs", SB_NEWROOT "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755") < 0)
        return -1;
    for (size_t i = 0; devs[i]; i++)
        if (bind_dev(devs[i], mknod_ok) < 0)
            return -1;
    if (symlink("/proc/self/fd", SB_NEWROOT "/dev/fd") < 0 ||
        symlink("/proc/self/fd/0", SB_NEWROOT "/dev/stdin") < 0 ||
        symlink("/proc/self/fd/1", SB_NEWROOT "/dev/stdout") < 0 ||
        symlink("/proc/self/fd/2", SB_NEWROOT "/dev/stderr") < 0 ||
        mkdir(SB_NEWROOT "/dev/shm", 01777) < 0)
        return -1;
    return mount("tmpfs", SB_NEWROOT "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
                 "size=16m,mode=1777");
}

/* "size=N,mode=1777" without stdio. */
static void tmp_options(char *buf, uint64_t size)
{
    char num[24];
    int n = 0;
    do
        num[n++] = (char)('0' + size % 10);
    while ((size /= 10) > 0);
    char *b = buf;
    memcpy(b, "size=", 5);
    b += 5;
    while (n > 0)
        *b++ = num[--n];
    memcpy(b, ",mode=1777", 11);
}

/* The private /tmp, mounted before the binds: the scratch dir often lives
 * under /tmp and is bound on top of it. */
static int make_tmp(const sb_plan_t *p)
{
    char opts[64];
    tmp_options(opts, p->tmp_size);
    if (make_point((char[]){SB_NEWROOT "/tmp"}, false) < 0)
        return -1;
    return mount("tmpfs", SB_NEWROOT "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, opts);
}

/* Our own pid namespace's /proc: the host's processes are not in it. */
static int make_proc(void)
{
    return mount("proc", SB_NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

/* The mount points made in the skeleton before it is sealed. */
static int make_points(const sb_plan_t *p)
{
    if (make_point((char[]){SB_NEWROOT "/dev"}, false) < 0)
        return -1;
    return p->proc ? make_point((char[]){SB_NEWROOT "/proc"}, false) : 0;
}

static int pivot(void)
{
    if (chdir(SB_NEWROOT) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
        umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
        return -1;
    /* The skeleton (mount points only) becomes read-only. */
    return mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
}

int sb_mount_view(const sb_plan_t *p)
{
    int fds[SB_MAX_MOUNTS];
    /* Nothing we do here may reach the host's mount table. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return -errno;
    for (size_t i = 0; i < p->nmounts; i++) {
        fds[i] = p->mounts[i].kind == SB_M_SYMLINK
                     ? -1 : open(p->mounts[i].path, O_PATH | O_CLOEXEC);
        if (fds[i] < 0 && p->mounts[i].kind != SB_M_SYMLINK)
            return -errno;
    }
    if (mount("tmpfs", SB_NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755") < 0 ||
        make_tmp(p) < 0)
        return -errno;
    /* Read-only binds, sealed at once; then the read-write one. */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && (make_points(p) < 0 || seal_view(p) < 0))
            return -errno;
        for (size_t i = 0; i < p->nmounts; i++)
            if (bind_one(&p->mounts[i], fds[i], pass == 1, p->tmp_size) < 0)
                return -errno;
    }
    for (size_t i = 0; i < p->nmounts; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    if (make_dev(!p->userns) < 0 || (p->proc && make_proc() < 0) || pivot() < 0)
        return -errno;
    return 0;
}

int sb_loopback_up(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    memcpy(ifr.ifr_name, "lo", 3);
    int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    int err = errno;
    close(fd);
    return rc < 0 ? -err : 0;
}
